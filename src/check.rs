//! Checking presets' claims: every preset that states a [`Claim`] is run from its complete setting to the
//! claim's `by_step`, and the claim is tested along the way. `dynamics check` prints the result and the
//! native tests require every claim to hold.

use crate::panel::{Claim, Panel, Preset};
use crate::runner::Runner;
use serde_json::{json, Value as Json};

/// The claim is tested at about this many evenly spaced steps between 0 and its `by_step` (and at both ends).
pub const CHECKPOINTS: u64 = 400;

/// The outcome of checking one preset's claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The panel id.
    pub panel: &'static str,
    /// The preset id.
    pub preset: &'static str,
    /// The claim.
    pub claim: Claim,
    /// The first tested step at which the claim held, if it did by `by_step`.
    pub held_at: Option<u64>,
    /// Steps taken (fewer than `by_step` when the claim held early or the run diverged).
    pub steps: u64,
    /// The claim's metric as JSON at the last tested step (`null` for `diverged` claims).
    pub last_value: Json,
}

impl Outcome {
    /// Whether the claim held by its step.
    pub fn held(&self) -> bool {
        self.held_at.is_some()
    }

    /// The outcome as JSON.
    pub fn to_json(&self) -> Json {
        json!({
            "panel": self.panel,
            "preset": self.preset,
            "claim": self.claim.to_json(crate::i18n::Lang::En),
            "held": self.held(),
            "held_at_step": self.held_at,
            "steps": self.steps,
            "last_value": self.last_value,
        })
    }
}

/// Runs `preset` of `panel` until its claim holds or its `by_step` is reached, testing the claim at step 0,
/// every `by_step / CHECKPOINTS` steps (rounded up) and at `by_step` (a claim about the state at `by_step`
/// only there, so a run that diverges earlier fails it). `None` when the preset states no claim.
pub fn check_preset(panel: &'static dyn Panel, preset: &'static Preset) -> Option<Result<Outcome, String>> {
    let claim = preset.claim?;
    let mut runner = match Runner::with_preset(panel, preset.id) {
        Ok(r) => r,
        Err(e) => return Some(Err(e)),
    };
    let stride = claim.by_step.div_ceil(CHECKPOINTS).max(1);
    let mut held_at = None;
    loop {
        let metrics = runner.sim_metrics();
        if claim.testable_at(runner.steps()) && claim.holds(&metrics, runner.diverged_at()) {
            held_at = Some(runner.diverged_at().unwrap_or(runner.steps()));
        }
        let last_value =
            metrics.iter().find(|(k, _)| *k == claim.metric).map(|(_, m)| m.to_json()).unwrap_or(Json::Null);
        let done = held_at.is_some() || runner.steps() >= claim.by_step || runner.diverged_at().is_some();
        if done {
            let steps = runner.steps();
            return Some(Ok(Outcome { panel: panel.id(), preset: preset.id, claim, held_at, steps, last_value }));
        }
        let n = stride.min(claim.by_step - runner.steps());
        runner.step(n);
    }
}

/// Checks every claim of `panel`, in preset order.
pub fn check_panel(panel: &'static dyn Panel) -> Vec<Result<Outcome, String>> {
    panel.presets().iter().filter_map(|p| check_preset(panel, p)).collect()
}
