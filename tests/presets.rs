//! Presets as complete settings with stated claims (issue 15).
//!
//! - Every preset is a whole setting: applying any sequence of presets and other changes and then preset A
//!   gives exactly the run of A applied to a fresh figure (parameters, seed, hash entries and metrics).
//! - `#panel.preset=id` decodes into the same setting, and later entries still override it.
//! - Every claim a preset states holds by its `by_step` when the preset is run natively (the same check as
//!   `dynamics check`), one test per panel.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::check::check_preset;
use dynamics::hash;
use dynamics::i18n::{Lang, T};
use dynamics::panel::{find_preset, Claim, Metric, Op, Panel};
use dynamics::panels;
use dynamics::params::{Kind, ParamValues, Value};
use dynamics::runner::{Runner, DEFAULT_SEED};
use proptest::prelude::*;

fn panel(id: &str) -> &'static dyn Panel {
    panels::find(id).unwrap_or_else(|| panic!("no panel {id}"))
}

/// Steps each run of the property test takes, so that metrics (which depend on the whole run) are compared
/// too. Small, because Lion at 100 000 tokens is in the mix.
const STEPS: u64 = 3;

#[test]
fn preset_ids_are_unique_slugs_and_claims_name_real_metrics() {
    for p in panels::all() {
        let mut seen = std::collections::HashSet::new();
        for pr in p.presets() {
            assert!(
                !pr.id.is_empty() && pr.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}: preset id '{}' is not a slug",
                p.id(),
                pr.id
            );
            assert!(seen.insert(pr.id), "{}: preset id '{}' repeated", p.id(), pr.id);
            assert!(!pr.label.en.is_empty() && !pr.label.zh.is_empty());
            pr.params(p.params()).unwrap_or_else(|e| panic!("{}: {e}", p.id()));
            if let Some(c) = pr.claim {
                assert!(c.by_step > 0 || c.op != Op::Diverged, "{}/{}: diverged by step 0", p.id(), pr.id);
                assert!(!c.watch.en.is_empty() && !c.watch.en.ends_with('.'), "{}/{}: watch wording", p.id(), pr.id);
                assert!(!c.watch.zh.is_empty() && !c.watch.zh.ends_with('。'), "{}/{}: watch wording", p.id(), pr.id);
                if c.op != Op::Diverged {
                    assert!(p.metric_names().contains(&c.metric), "{}/{}: no metric {}", p.id(), pr.id, c.metric);
                    assert!(c.value.is_finite());
                }
            }
        }
    }
}

/// Every panel with presets states a claim for at least one of them, and most presets do.
#[test]
fn presets_state_claims() {
    let (mut total, mut with_claim) = (0, 0);
    for p in panels::all() {
        let n = p.presets().iter().filter(|pr| pr.claim.is_some()).count();
        assert!(p.presets().is_empty() || n > 0, "{}: no preset states a claim", p.id());
        total += p.presets().len();
        with_claim += n;
    }
    assert!(with_claim * 10 >= total * 9, "only {with_claim} of {total} presets state a claim");
}

#[test]
fn claim_comparisons_read_numbers_whole_numbers_and_flags() {
    let m = vec![
        ("x", Metric::Num(2.0)),
        ("n", Metric::Int(3)),
        ("b", Metric::Bool(true)),
        ("none", Metric::Null),
        ("nan", Metric::Num(f64::NAN)),
    ];
    let c = |metric, op, value| Claim::new(metric, op, value, 10, T::new("w", "w"));
    assert!(c("x", Op::Gt, 1.0).holds(&m, None));
    assert!(!c("x", Op::Gt, 2.0).holds(&m, None));
    assert!(c("x", Op::Ge, 2.0).holds(&m, None));
    assert!(c("x", Op::Lt, 2.5).holds(&m, None));
    assert!(!c("x", Op::Le, 1.9).holds(&m, None));
    assert!(c("n", Op::Eq, 3.0).holds(&m, None));
    assert!(c("b", Op::Eq, 1.0).holds(&m, None));
    assert!(!c("b", Op::Eq, 0.0).holds(&m, None));
    // Missing, null and non-finite metrics never satisfy a comparison, whichever way it points.
    for name in ["none", "nan", "absent"] {
        assert!(!c(name, Op::Gt, -1e300).holds(&m, None));
        assert!(!c(name, Op::Lt, 1e300).holds(&m, None));
    }
    let d = Claim::diverged(10, T::new("w", "w"));
    assert!(!d.holds(&m, None));
    assert!(d.holds(&m, Some(4)));
}

/// The state of a run that the property test compares.
fn fingerprint(r: &Runner) -> (serde_json::Value, u64, Vec<(String, String)>, String) {
    (r.params().to_json(), r.seed(), r.non_default_entries(), r.metrics_json().to_string())
}

/// A change the reader can make before clicking the final preset.
#[derive(Clone, Debug)]
enum Action {
    /// Click preset number `i` (modulo the panel's count).
    Preset(usize),
    /// Set parameter number `i` to a value at fraction `f` of its range (or choice number).
    Param(usize, f64),
    /// Change the seed.
    Seed(u64),
    /// Take some steps.
    Step(u64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (0usize..16).prop_map(Action::Preset),
        3 => ((0usize..32), 0.0f64..=1.0).prop_map(|(i, f)| Action::Param(i, f)),
        1 => (0u64..1000).prop_map(Action::Seed),
        1 => (0u64..4).prop_map(Action::Step),
    ]
}

/// A valid text for parameter `spec` at fraction `f` of its range.
fn text_at(spec: &'static dynamics::params::ParamSpec, f: f64) -> String {
    match spec.kind {
        Kind::Float { min, max, .. } => spec.format(&Value::Float(min + f * (max - min))),
        Kind::Int { min, max, .. } => spec.format(&Value::Int(min + (f * (max - min) as f64).round() as i64)),
        Kind::Choice { choices, .. } => choices[((f * choices.len() as f64) as usize).min(choices.len() - 1)].into(),
        Kind::Bool { .. } => (f >= 0.5).to_string(),
        Kind::List { min, max, min_len, .. } => spec.format(&Value::List(vec![min + f * (max - min); min_len.max(4)])),
    }
}

/// Panels with presets; Lion is left out of the random walks (each rebuild at a random vocabulary costs up
/// to a second in a debug build) and checked on its own below.
fn walk_panels() -> Vec<&'static dyn Panel> {
    panels::all().into_iter().filter(|p| !p.presets().is_empty() && p.id() != "lion-embedding").collect()
}

fn apply(r: &mut Runner, a: &Action) {
    let p = r.panel();
    match *a {
        Action::Preset(i) => r.apply_preset(p.presets()[i % p.presets().len()].id).unwrap(),
        Action::Param(i, f) => {
            let spec = &p.params()[i % p.params().len()];
            let _ = r.set_param(spec.key, &text_at(spec, f));
        }
        Action::Seed(s) => r.set_seed(s),
        Action::Step(n) => {
            r.step(n);
        }
    }
}

/// What the page does when it applies a preset through the exported JSON: every `values` entry with
/// `set_param` in order, then the seed, then back to step 0.
fn apply_like_the_shell(r: &mut Runner, preset_json: &serde_json::Value) {
    for kv in preset_json["values"].as_array().unwrap() {
        r.set_param(kv[0].as_str().unwrap(), kv[1].as_str().unwrap()).unwrap();
    }
    r.set_seed(preset_json["seed"].as_u64().unwrap());
    r.reset();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any sequence of presets, parameter and seed changes and steps, then preset A, equals A alone.
    #[test]
    fn any_history_then_preset_equals_preset_alone(
        which in 0usize..64,
        last in 0usize..16,
        history in proptest::collection::vec(action(), 0..6),
    ) {
        let ps = walk_panels();
        let p = ps[which % ps.len()];
        let a = p.presets()[last % p.presets().len()];
        let mut fresh = Runner::with_defaults(p);
        fresh.apply_preset(a.id).unwrap();
        fresh.step(STEPS);
        let mut r = Runner::with_defaults(p);
        for act in &history {
            apply(&mut r, act);
        }
        r.apply_preset(a.id).unwrap();
        r.step(STEPS);
        prop_assert_eq!(fingerprint(&r), fingerprint(&fresh));
        prop_assert_eq!(r.active_preset().map(|x| x.id), Some(a.id));

        // The same through the exported values, as the page applies them.
        let list = panels::list_json(Lang::En);
        let pj = list["panels"].as_array().unwrap().iter().find(|x| x["id"] == p.id()).unwrap();
        let aj = pj["presets"].as_array().unwrap().iter().find(|x| x["id"] == a.id).unwrap().clone();
        let mut s = Runner::with_defaults(p);
        for act in &history {
            apply(&mut s, act);
        }
        apply_like_the_shell(&mut s, &aj);
        s.step(STEPS);
        prop_assert_eq!(fingerprint(&s), fingerprint(&fresh));

        // And through a link: `#panel.preset=id` after whatever the hash held before.
        let mut t = Runner::with_defaults(p);
        for act in &history {
            apply(&mut t, act);
        }
        let before: Vec<String> =
            t.non_default_entries().iter().map(|(k, v)| format!("{}.{k}={v}", p.id())).collect();
        let link = format!("#{}&{}.preset={}", before.join("&"), p.id(), a.id);
        let d = hash::decode(&link, &panels::all());
        prop_assert!(d.notices.is_empty(), "{:?}", d.notices);
        let mut u = Runner::with_defaults(p);
        for e in &d.entries {
            if e.key == "seed" {
                u.set_seed(e.value.parse().unwrap());
            } else {
                u.set_param(&e.key, &e.value).unwrap();
            }
        }
        u.step(STEPS);
        prop_assert_eq!(fingerprint(&u), fingerprint(&fresh));
    }
}

/// Lion's presets after one another (the random walk above leaves Lion out for speed).
#[test]
fn lion_presets_are_complete_after_any_other() {
    let p = panel("lion-embedding");
    for a in p.presets() {
        let mut fresh = Runner::with_defaults(p);
        fresh.apply_preset(a.id).unwrap();
        for b in p.presets() {
            let mut r = Runner::with_defaults(p);
            r.apply_preset(b.id).unwrap();
            r.set_seed(7);
            r.apply_preset(a.id).unwrap();
            assert_eq!(fingerprint(&r), fingerprint(&fresh), "{} after {}", a.id, b.id);
        }
    }
}

/// The cases the issue names, spelled out: keys a preset does not list return to their defaults.
#[test]
fn unlisted_keys_return_to_defaults() {
    let cases = [
        ("lion-embedding", "lazy", "vocab-100k", "lazy", "false"),
        ("lion-embedding", "vocab-100k", "blow-up", "vocab", "1000"),
        ("flatnce-train", "high-tau", "f64-control", "tau", "0.05"),
        ("flatnce-train", "f64-control", "sgd", "precision", "f32"),
        ("multitask", "tiny-offsets", "x1000", "m1", "0"),
        ("multitask", "tiny-offsets", "x1000", "show", "post"),
        ("dirac-ign", "too-tight", "paper", "x0", "1"),
    ];
    for (pid, first, then, key, _) in cases {
        let p = panel(pid);
        let mut r = Runner::with_defaults(p);
        r.apply_preset(first).unwrap();
        r.apply_preset(then).unwrap();
        let want = find_preset(p, then).unwrap().params(p.params()).unwrap();
        assert_eq!(r.params().text(key), want.text(key), "{pid}: {then} after {first}, key {key}");
        let listed = find_preset(p, then).unwrap().values.iter().any(|(k, _)| *k == key);
        if !listed {
            let d = ParamValues::defaults(p.params());
            assert_eq!(r.params().text(key), d.text(key), "{pid}: {key} must return to its default");
        }
    }
}

#[test]
fn preset_links_decode_expand_and_can_be_overridden() {
    let p = panel("topk");
    let d = hash::decode("#topk.tau=5&topk.preset=se-wrong-limit&topk.k=1", &panels::all());
    assert!(d.notices.is_empty(), "{:?}", d.notices);
    let get = |k: &str| d.entries.iter().find(|e| e.key == k).map(|e| e.value.clone());
    assert_eq!(get("method").as_deref(), Some("se-weighted"));
    // tau came before the preset, which states it (0.3); k came after and overrides the preset's 2.
    assert_eq!(get("tau").as_deref(), Some("0.3"));
    assert_eq!(get("k").as_deref(), Some("1"));
    let bad = hash::decode("#topk.preset=nope&topk.k=4", &panels::all());
    assert_eq!(bad.entries.len(), 1);
    assert!(bad.notices.iter().any(|n| n.contains("no preset 'nope'") && n.contains("su-exceeds-1")), "{bad:?}");
    // A preset with the default seed decodes without a seed entry; applying it resets the seed anyway.
    let mut r = Runner::with_defaults(p);
    r.set_seed(9);
    r.apply_preset("su-exceeds-1").unwrap();
    assert_eq!(r.seed(), DEFAULT_SEED);
}

#[test]
fn the_active_preset_is_found_however_its_setting_was_reached_and_lost_on_change() {
    let p = panel("dirac-gan");
    let a = find_preset(p, "wgan-alt").unwrap();
    let mut r = Runner::with_defaults(p);
    for (k, v) in a.values {
        r.set_param(k, v).unwrap();
    }
    assert_eq!(r.active_preset().map(|x| x.id), Some("wgan-alt"));
    r.set_seed(2);
    assert_eq!(r.active_preset().map(|x| x.id), if a.seed == Some(2) { Some("wgan-alt") } else { None });
}

/// Exported presets carry id, label, the complete values, the seed and the claim.
#[test]
fn list_exports_complete_presets_with_claims() {
    let list = panels::list_json(Lang::En);
    for (pj, p) in list["panels"].as_array().unwrap().iter().zip(panels::all()) {
        for (x, pr) in pj["presets"].as_array().unwrap().iter().zip(p.presets()) {
            assert_eq!(x["id"], pr.id);
            assert_eq!(x["label"], pr.label.en);
            assert_eq!(x["seed"], pr.seed_or_default());
            let keys: Vec<&str> = x["values"].as_array().unwrap().iter().map(|kv| kv[0].as_str().unwrap()).collect();
            let all: Vec<&str> = p.params().iter().map(|s| s.key).collect();
            assert_eq!(keys, all, "{}/{}: values must state every key", p.id(), pr.id);
            match pr.claim {
                None => assert!(x["claim"].is_null()),
                Some(c) => {
                    assert_eq!(x["claim"]["op"], c.op.symbol());
                    assert_eq!(x["claim"]["by_step"], c.by_step);
                    assert_eq!(x["claim"]["watch"], c.watch.en);
                }
            }
        }
    }
}

/// Runs every claim of one panel natively and fails with the list of claims that did not hold.
fn claims_hold(id: &str) {
    claims_hold_where(id, |_| true);
}

/// Runs the claims of the presets of panel `id` that `which` selects.
fn claims_hold_where(id: &str, which: impl Fn(&str) -> bool) {
    let p = panel(id);
    let mut failed = Vec::new();
    let results = p.presets().iter().filter(|pr| which(pr.id)).filter_map(|pr| check_preset(p, pr));
    for r in results {
        match r {
            Ok(o) if o.held() => {}
            Ok(o) => failed.push(format!(
                "{}: {} {} {} not seen by step {} (last {})",
                o.preset,
                o.claim.metric,
                o.claim.op.symbol(),
                o.claim.value,
                o.claim.by_step,
                o.last_value
            )),
            Err(e) => failed.push(e),
        }
    }
    assert!(failed.is_empty(), "{id}: {failed:#?}");
}

macro_rules! claims {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(#[test] fn $name() { claims_hold($id); })*
        /// The list above covers every panel that has presets.
        #[test]
        fn every_panel_with_presets_has_its_claims_checked() {
            let covered = [$($id,)* "lion-embedding"];
            for p in panels::all() {
                assert!(p.presets().is_empty() || covered.contains(&p.id()), "add {} to claims!", p.id());
            }
        }
    };
}

claims! {
    claims_simsiam_toy => "simsiam-toy",
    claims_simsiam_linear => "simsiam-linear",
    claims_dirac_gan => "dirac-gan",
    claims_dirac_ign => "dirac-ign",
    claims_topk => "topk",
    claims_flatnce_fp => "flatnce-fp",
    claims_flatnce_train => "flatnce-train",
    claims_multitask => "multitask",
    claims_tailr_single => "tailr-single",
    claims_tailr_noisy => "tailr-noisy",
    claims_ptuning => "ptuning",
}

/// Lion's claims up to 6 000 steps (a few seconds in a debug build).
#[test]
fn claims_lion_embedding() {
    claims_hold_where("lion-embedding", |id| !LION_BLOW_UPS.contains(&id));
}

/// The two blow-up presets (α = 2e-3) need about 7 100 and 6 600 steps to their first row at 1/λ. They run in
/// plain `cargo test` because the models crate is optimised in debug builds too (`Cargo.toml`).
const LION_BLOW_UPS: [&str; 2] = ["blow-up", "vocab-100k"];

#[test]
fn claims_lion_embedding_blow_ups() {
    claims_hold_where("lion-embedding", |id| LION_BLOW_UPS.contains(&id));
}

/// A claim is not satisfied by just any run: the blow-up claim of the GAN with simultaneous steps fails for
/// the penalised GAN, which converges (so the check can fail).
#[test]
fn a_claim_can_fail() {
    let p = panel("dirac-gan");
    let spiral = find_preset(p, "gan-sim").unwrap().claim.expect("gan-sim states a claim");
    let mut r = Runner::with_preset(p, "gan-penalty").unwrap();
    r.step(spiral.by_step);
    let m = r.sim_metrics();
    assert!(!spiral.holds(&m, r.diverged_at()), "the spiral claim must not hold for the penalised run");
}

/// A converging run settles, an orbit never does, and Top-k settles once τ reaches its floor.
#[test]
fn runs_settle_when_their_state_stops_changing_and_orbits_do_not() {
    let mut r = Runner::with_preset(panel("simsiam-toy"), "post-start").unwrap();
    r.step(5_000);
    let at = r.settled_at().expect("the post's start converges and settles");
    assert!(at > 300 && at <= 5_000, "settled at {at}");
    // θ moved by less than 1e-9 relative over the last window before `at`.
    let mut orbit = Runner::with_preset(panel("dirac-gan"), "wgan-alt").unwrap();
    orbit.step(5_000);
    assert_eq!(orbit.settled_at(), None, "an orbit never settles");
    let mut spiral = Runner::with_preset(panel("dirac-gan"), "gan-sim").unwrap();
    spiral.step(300);
    assert_eq!(spiral.settled_at(), None);
    // Top-k at the defaults: τ·0.97ⁿ reaches 10⁻⁴ of its start after 303 steps; the next reading 10 steps
    // later sees it unchanged.
    let mut t = Runner::with_defaults(panel("topk"));
    t.step(300);
    assert_eq!(t.settled_at(), None);
    t.step(20);
    assert_eq!(t.settled_at(), Some(320));
    // A change of parameters starts a new run (Top-k restarts at step 0 at the slider's τ) that has not settled.
    t.set_param("anneal", "0.9").unwrap();
    assert_eq!((t.steps(), t.settled_at()), (0, None));
    t.step(200);
    assert!(t.settled_at().is_some(), "0.9ⁿ reaches 10⁻⁴ after 88 steps");
    t.reset();
    assert_eq!(t.settled_at(), None);
}

/// Reading the metrics tests the claim in force; once held (and its step reached) the run counts as settled.
#[test]
fn the_claim_in_force_is_latched_when_metrics_are_read() {
    let p = panel("dirac-gan");
    let mut r = Runner::with_preset(p, "gan-sim").unwrap();
    assert_eq!(r.claim_json(Lang::En)["preset"], "gan-sim");
    assert!(r.claim_json(Lang::En)["held_at"].is_null());
    r.step(150);
    let _ = r.metrics_json();
    assert_eq!(r.claim_json(Lang::En)["held_at"], 150, "radius passes 2 at step 104, seen at the next reading");
    assert_eq!(r.settled_at(), None, "not before the claim's by_step");
    r.step(250);
    assert_eq!(r.settled_at(), Some(400));
    // A claim about the state at a step is not tested before it.
    let mut c = Runner::with_preset(p, "wgan-clip").unwrap();
    c.step(10);
    assert_eq!(c.claim_held_at(), None);
    c.step(1_990);
    assert_eq!(c.claim_held_at(), Some(2_000));
    // Without a preset in force there is no claim.
    r.set_param("h", "0.1").unwrap();
    assert!(r.claim_json(Lang::En).is_null());
    // A diverging run's claim is seen at the divergence step.
    let mut d = Runner::with_preset(panel("dirac-ign"), "too-tight").unwrap();
    d.step(2_000);
    assert!(d.diverged_at().is_some());
    assert!(d.claim_held_at().is_some());
}
