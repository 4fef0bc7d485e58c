//! The registry: every panel, in page order.
//!
//! Adding a panel means adding its module here and one line to [`all`]; the web shell, the command line
//! and the registry-wide tests (golden SVGs, parameter-table checks) pick it up from this list.

use crate::panel::Panel;

pub mod dirac;
pub mod flatnce;
pub mod lion_embedding;
pub mod multitask;
pub mod ptuning;
pub mod simsiam_linear;
pub mod simsiam_toy;
pub mod tailr;
pub mod topk;

/// All registered panels, in page order.
pub fn all() -> Vec<&'static dyn Panel> {
    vec![
        &simsiam_toy::PANEL,
        &simsiam_linear::PANEL,
        &dirac::gan::PANEL,
        &dirac::ign::PANEL,
        &topk::PANEL,
        &lion_embedding::PANEL,
        &flatnce::fp::PANEL,
        &flatnce::train::PANEL,
        &multitask::PANEL,
        &tailr::single::PANEL,
        &tailr::noisy::PANEL,
        &ptuning::PANEL,
    ]
}

/// The registered panel with this id.
pub fn find(id: &str) -> Option<&'static dyn Panel> {
    all().into_iter().find(|p| p.id() == id)
}

/// The registry as JSON: id, title, parameter table, metric names and display hints of every panel, with the
/// words a reader sees (titles, labels, help, preset labels, claims) in `lang`; keys and names never change.
pub fn list_json(lang: crate::i18n::Lang) -> serde_json::Value {
    use serde_json::json;
    let panels: Vec<serde_json::Value> = all()
        .into_iter()
        .map(|p| {
            let (wide, narrow) = p.aspect();
            json!({
                "id": p.id(),
                "title": p.title().get(lang),
                "params": p.params().iter().map(|s| {
                    let mut row = s.to_json(lang);
                    row["group"] = json!(crate::params::Group::of(s.key, p.more_settings()).name());
                    row
                }).collect::<Vec<_>>(),
                "metrics": p.metric_names(),
                "metrics_info": p.metrics_info().iter().map(|m| m.to_json(lang)).collect::<Vec<_>>(),
                "max_auto_steps": p.max_auto_steps(),
                "auto_budget_ms": p.auto_budget_ms(),
                "steps_per_frame": p.steps_per_frame(),
                "aspect": [wide, narrow],
                "default_seed": crate::runner::DEFAULT_SEED,
                "max_seed": crate::runner::MAX_SEED,
                "clickable": p.clickable(),
                "platform_tolerance": p.platform_tolerance(),
                "presets": p.presets().iter().map(|pr| pr.to_json(p.params(), lang)).collect::<Vec<_>>(),
                "plays_on_input": p.plays_on_input(),
                "follows": p.follows().iter().map(|(k, m)| json!([k, m])).collect::<Vec<_>>(),
                "settle": p.settle().map(|s| json!({
                    "metrics": s.metrics, "rel_tol": s.rel_tol, "abs_tol": s.abs_tol, "window": s.window,
                })),
            })
        })
        .collect();
    json!({ "panels": panels })
}
