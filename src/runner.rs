//! The runner owns one panel's simulation with its parameters, seed and step count.
//!
//! It is the one place that enforces the run-level rules shared by the web layer and the command line:
//! divergence detection (the first non-finite step stops the run, and the state is rebuilt to the last
//! finite step so the figure keeps its last finite picture), replay after a parameter change, and the JSON
//! report of `dynamics run`.

use crate::i18n::Lang;
use crate::panel::{find_preset, metrics_json, Panel, Preset, Settle, Sim};
use crate::params::{ParamError, ParamValues};
use crate::plot::{Area, DrawResult, Drawn, Theme};
use crate::tr;
use serde_json::{json, Value as Json};
use std::cell::Cell;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 1;
/// The largest accepted seed (seeds are 32-bit so that JavaScript numbers carry them exactly).
pub const MAX_SEED: u64 = u32::MAX as u64;

/// One panel's live run.
pub struct Runner {
    panel: &'static dyn Panel,
    params: ParamValues,
    seed: u64,
    steps: u64,
    sim: Box<dyn Sim>,
    diverged_at: Option<u64>,
    /// The preset whose complete setting and seed equal the current ones, if any.
    active: Option<&'static Preset>,
    /// The first step at which the active preset's claim was seen to hold in this run.
    claim_held_at: Cell<Option<u64>>,
    /// The panel's settle rule, its last reading and the step at which the run settled.
    settle: Option<Settle>,
    settle_last: Vec<Option<f64>>,
    settled_at: Option<u64>,
    /// What the last drawing returned: where its charts are, for clicks.
    drawn: Drawn,
    /// Whether replays of runs whose steps come in parts are spread over calls of [`Runner::work`] (the page)
    /// instead of taken at once (the command line, the tests).
    spread: bool,
    /// The replay under way when spread.
    replay: Option<Replay>,
}

/// A replay spread over calls of [`Runner::work`]: the run goes on to step `to`, then takes the divergence (and
/// what had been seen before it) that made the replay necessary, if one did.
#[derive(Clone, Copy, Debug)]
struct Replay {
    /// The step the replay ends at.
    to: u64,
    /// The divergence step to restore at the end.
    diverged: Option<u64>,
    /// The claim and settling seen in the run before it diverged.
    held: Option<u64>,
    settled: Option<u64>,
}

impl Runner {
    /// A run of `panel` with `params` and `seed`, at step 0.
    pub fn new(panel: &'static dyn Panel, params: ParamValues, seed: u64) -> Self {
        let sim = panel.build(&params, seed);
        let mut r = Runner {
            panel,
            params,
            seed,
            steps: 0,
            sim,
            diverged_at: None,
            active: None,
            claim_held_at: Cell::new(None),
            settle: panel.settle(),
            settle_last: Vec::new(),
            settled_at: None,
            drawn: Drawn::default(),
            spread: false,
            replay: None,
        };
        r.after_rebuild();
        r
    }

    /// A run of the preset `id` of `panel`: its complete setting and seed, at step 0.
    pub fn with_preset(panel: &'static dyn Panel, id: &str) -> Result<Self, String> {
        let preset = find_preset(panel, id).ok_or_else(|| unknown_preset(panel, id))?;
        Ok(Self::new(panel, preset.params(panel.params())?, preset.seed_or_default()))
    }

    /// A run with default parameters and the default seed.
    pub fn with_defaults(panel: &'static dyn Panel) -> Self {
        Self::new(panel, ParamValues::defaults(panel.params()), DEFAULT_SEED)
    }

    /// The panel descriptor.
    pub fn panel(&self) -> &'static dyn Panel {
        self.panel
    }

    /// The current parameters.
    pub fn params(&self) -> &ParamValues {
        &self.params
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Steps taken since the last reset.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The step at which the run became non-finite, if it did.
    pub fn diverged_at(&self) -> Option<u64> {
        self.diverged_at
    }

    /// Advances up to `n` steps, stopping at divergence; returns the number of steps taken. Synchronous: a replay
    /// under way (see [`Runner::set_spread`]) is finished first, and a step in progress is completed as the first
    /// step.
    pub fn step(&mut self, n: u64) -> u64 {
        self.finish_replay();
        if self.diverged_at.is_some() {
            return 0;
        }
        for i in 0..n {
            self.sim.step();
            self.steps += 1;
            if !self.after_step() {
                self.finish_replay();
                return i + 1;
            }
        }
        n
    }

    /// Spreads the replays of runs whose steps come in parts ([`Sim::units_per_step`] above 1) over calls of
    /// [`Runner::work`] (the page: a replay of such a run could take seconds in one frame), instead of taking
    /// them at once when the settings change, the run diverges or [`Runner::seek`] goes to a step. Results are
    /// the same either way; only when the work is done differs.
    pub fn set_spread(&mut self, spread: bool) {
        self.spread = spread;
        if !spread {
            self.finish_replay();
        }
    }

    /// Units of work in one step of the current run ([`Sim::units_per_step`]).
    pub fn units_per_step(&self) -> u64 {
        self.sim.units_per_step().max(1)
    }

    /// Units of the step in progress done so far (0 between steps).
    pub fn units_done(&self) -> u64 {
        self.sim.units_done()
    }

    /// The step a spread replay is going to, while it is under way.
    pub fn replay_to(&self) -> Option<u64> {
        self.replay.map(|r| r.to)
    }

    /// Does up to `units` units of work ([`Sim::work`]): parts of steps, completed steps counted and checked
    /// like [`Runner::step`]'s. A replay under way is served first and ends exactly at its step (then the call
    /// returns, possibly with fewer units done). Returns the units done: fewer than asked when the run diverged
    /// or a replay ended.
    pub fn work(&mut self, units: u64) -> u64 {
        let mut done = 0;
        while done < units && self.diverged_at.is_none() {
            if self.replay_reached() {
                self.end_replay();
                break;
            }
            let building = self.sim.building();
            let (k, complete) = self.sim.work(units - done);
            done += k.max(1);
            if building && !self.sim.building() {
                self.after_set_up();
            }
            if complete {
                self.steps += 1;
                self.after_step();
            }
        }
        if self.replay_reached() {
            self.end_replay();
        }
        done
    }

    /// Whether a replay under way has reached its step, with the simulation's set-up done.
    fn replay_reached(&self) -> bool {
        self.replay.is_some_and(|r| self.steps >= r.to) && !self.sim.building()
    }

    /// Whether part of the simulation's set-up is still to be done by [`Runner::work`] (a rebuild on the page,
    /// see [`Panel::build_in_parts`]); [`Runner::replay_to`] is then the step the run goes to afterwards.
    pub fn building(&self) -> bool {
        self.sim.building()
    }

    /// Goes to step `target`: forward from the current state, or from step 0 when `target` lies behind it or the
    /// run diverged. Returns the step reached; with spread replays (and steps in parts) the way there is a replay
    /// served by [`Runner::work`], and the step returned is where it starts.
    pub fn seek(&mut self, target: u64) -> u64 {
        if target < self.steps || self.diverged_at.is_some() {
            self.reset();
        }
        if target > self.steps {
            if self.spread && self.units_per_step() > 1 {
                self.replay = Some(Replay { to: target, diverged: None, held: None, settled: None });
            } else {
                self.step(target - self.steps);
            }
        }
        self.steps
    }

    /// Finishes a spread replay under way at once.
    fn finish_replay(&mut self) {
        while self.replay.is_some() {
            self.work(u64::MAX);
        }
    }

    /// Ends the replay under way: the run takes the divergence that made it necessary, if any.
    fn end_replay(&mut self) {
        let Some(r) = self.replay.take() else { return };
        if let Some(bad) = r.diverged {
            self.diverged_at = Some(bad);
            self.claim_held_at.set(r.held);
            self.settled_at = r.settled;
        }
    }

    /// The checks after each completed step: divergence (rebuilding to the last finite step) and settling.
    /// Returns whether the run goes on.
    fn after_step(&mut self) -> bool {
        if !self.sim.is_finite() {
            let bad = self.steps;
            let (held, settled) = (self.claim_held_at.get(), self.settled_at);
            self.rebuild_to(bad - 1);
            match &mut self.replay {
                // Spread: the run is rebuilt and replays to the last finite step before it takes the divergence.
                Some(r) => {
                    r.diverged = Some(bad);
                    r.held = held;
                    r.settled = settled;
                }
                None => {
                    self.diverged_at = Some(bad);
                    // The rebuild replays the same run: what was seen in it stays seen.
                    self.claim_held_at.set(held);
                    self.settled_at = settled;
                }
            }
            return false;
        }
        if let Some(rule) = self.settle {
            if self.settled_at.is_none() && self.steps.is_multiple_of(rule.window.max(1)) {
                self.read_settle(rule);
            }
        }
        true
    }

    /// Compares the settle metrics with their last reading and records the step when they agree.
    fn read_settle(&mut self, rule: Settle) {
        let now = rule.values(&self.sim.metrics());
        if !self.settle_last.is_empty() && rule.unchanged(&self.settle_last, &now) {
            self.settled_at = Some(self.steps);
        }
        self.settle_last = now;
    }

    /// Rebuilds the simulation and replays it to `target` steps (all finite by construction of the caller).
    /// With spread replays and a run whose steps come in parts, the replay is left to [`Runner::work`].
    fn rebuild_to(&mut self, target: u64) {
        self.replay = None;
        self.sim = if self.spread {
            self.panel.build_in_parts(&self.params, self.seed)
        } else {
            self.panel.build(&self.params, self.seed)
        };
        self.steps = 0;
        self.diverged_at = None;
        self.after_rebuild();
        if self.spread && (self.sim.building() || target > 0 && self.units_per_step() > 1) {
            self.replay = Some(Replay { to: target, diverged: None, held: None, settled: None });
        } else {
            self.step(target);
        }
    }

    /// Forgets what was seen in the previous run (claim, settling) and finds the preset now in force.
    fn after_rebuild(&mut self) {
        self.claim_held_at.set(None);
        self.settled_at = None;
        self.settle_last.clear();
        let (params, seed) = (&self.params, self.seed);
        self.active = self
            .panel
            .presets()
            .iter()
            .find(|p| p.seed_or_default() == seed && p.params(self.panel.params()).is_ok_and(|v| &v == params));
        if !self.sim.building() {
            self.after_set_up();
        }
    }

    /// Takes the first reading of the settle rule, once the simulation is set up.
    fn after_set_up(&mut self) {
        if let Some(rule) = self.settle {
            self.settle_last = rule.values(&self.sim.metrics());
        }
    }

    /// Applies preset `id`: its complete setting and seed, then back to step 0 (one rebuild).
    pub fn apply_preset(&mut self, id: &str) -> Result<(), String> {
        let preset = find_preset(self.panel, id).ok_or_else(|| unknown_preset(self.panel, id))?;
        self.params = preset.params(self.panel.params())?;
        self.seed = preset.seed_or_default();
        self.rebuild_to(0);
        Ok(())
    }

    /// The preset whose complete setting and seed equal the current ones, however they were set.
    pub fn active_preset(&self) -> Option<&'static Preset> {
        self.active
    }

    /// Tests the active preset's claim against `metrics` (the current ones) and remembers the first step
    /// at which it held. Returns whether it has held in this run.
    fn observe_claim(&self, metrics: &crate::panel::Metrics) -> bool {
        let Some(claim) = self.active.and_then(|p| p.claim) else {
            return false;
        };
        if self.claim_held_at.get().is_none() && claim.testable_at(self.steps) && claim.holds(metrics, self.diverged_at)
        {
            self.claim_held_at.set(Some(self.diverged_at.unwrap_or(self.steps)));
        }
        self.claim_held_at.get().is_some()
    }

    /// Tests the active preset's claim now (reading the metrics) and returns the first step at which it was
    /// seen to hold in this run, if it has.
    pub fn claim_held_at(&self) -> Option<u64> {
        if self.claim_held_at.get().is_none() && self.active.and_then(|p| p.claim).is_some() {
            self.observe_claim(&self.sim.metrics());
        }
        self.claim_held_at.get()
    }

    /// The active preset's claim and its state as JSON: `{preset, watch, metric, op, value, by_step,
    /// held_at}` (`held_at` is `null` until the claim has been seen to hold; the claim is tested whenever
    /// the metrics are read), or `null` when no preset with a claim is in force; `watch` is worded in `lang`.
    pub fn claim_json(&self, lang: crate::i18n::Lang) -> Json {
        let Some((preset, claim)) = self.active.and_then(|p| p.claim.map(|c| (p, c))) else {
            return Json::Null;
        };
        let mut j = claim.to_json(lang);
        if let Some(o) = j.as_object_mut() {
            o.insert("preset".into(), json!(preset.id));
            o.insert("held_at".into(), json!(self.claim_held_at.get()));
        }
        j
    }

    /// The step at which the run settled, if it has: its settle metrics stopped changing (see
    /// [`Settle`]), or the active preset's claim has held and the run has reached the claim's `by_step`.
    pub fn settled_at(&self) -> Option<u64> {
        if let Some(s) = self.settled_at {
            return Some(s);
        }
        let claim = self.active.and_then(|p| p.claim)?;
        let held = self.claim_held_at.get()?;
        (self.steps >= claim.by_step.max(held)).then_some(self.steps)
    }

    /// Restarts at step 0 with the current parameters and seed.
    pub fn reset(&mut self) {
        self.rebuild_to(0);
    }

    /// Rebuilds after a parameter or seed change, replaying to the current step count when that is cheap.
    fn refresh(&mut self) {
        // Where the run is, or is going when a spread replay is under way.
        let at = self.replay.map_or(self.steps, |r| r.to);
        let target = if at <= self.panel.replay_limit() { at } else { 0 };
        self.rebuild_to(target);
    }

    /// Sets a parameter strictly (unknown keys, malformed and out-of-range values are errors).
    pub fn set_param_strict(&mut self, key: &str, text: &str) -> Result<(), ParamError> {
        let mut next = self.params.clone();
        next.set_strict(key, text)?;
        self.panel.check_params(&next, Lang::En).map_err(ParamError)?;
        self.params = next;
        self.refresh();
        Ok(())
    }

    /// Sets a parameter leniently: out-of-range values are clamped and a notice is returned.
    pub fn set_param(&mut self, key: &str, text: &str) -> Result<Option<String>, ParamError> {
        self.set_param_in(key, text, Lang::En)
    }

    /// Sets a parameter leniently like [`Runner::set_param`], with the notice or error worded in `lang` (the page's
    /// language; what is accepted does not depend on it).
    pub fn set_param_in(&mut self, key: &str, text: &str, lang: Lang) -> Result<Option<String>, ParamError> {
        let mut next = self.params.clone();
        let notice = next.set_lenient_in(key, text, lang)?;
        self.panel.check_params(&next, lang).map_err(ParamError)?;
        if self.params != next {
            self.params = next;
            self.refresh();
        }
        Ok(notice)
    }

    /// Replaces all parameters at once.
    pub fn set_params(&mut self, params: ParamValues) {
        if params != self.params {
            self.params = params;
            self.refresh();
        }
    }

    /// Changes the seed (clamped to [`MAX_SEED`]) and rebuilds.
    pub fn set_seed(&mut self, seed: u64) {
        let seed = seed.min(MAX_SEED);
        if seed != self.seed {
            self.seed = seed;
            self.refresh();
        }
    }

    /// Forwards a click in device pixels of the last drawing to the simulation; returns whether any parameter
    /// changed.
    pub fn click(&mut self, px: f64, py: f64) -> bool {
        let updates = self.sim.click(&self.drawn, px, py);
        if updates.is_empty() {
            return false;
        }
        let before = self.params.clone();
        for (k, v) in updates {
            // Lenient: clamped values are fine for a pointer position; malformed ones are a panel bug and skipped.
            let _ = self.params.set_lenient(k, &v);
        }
        if self.params != before {
            // A click sets a new start: begin again from step 0.
            self.rebuild_to(0);
            true
        } else {
            false
        }
    }

    /// Draws the figure and keeps its pixel maps for the next clicks.
    pub fn draw(&mut self, area: &Area<'_>, theme: &Theme) -> DrawResult {
        self.drawn = crate::plot::drawing(area, theme, |area, theme| self.sim.draw(area, theme))?;
        Ok(())
    }

    /// Draws the figure without keeping its pixel maps (for exports: SVG and PNG files).
    pub fn paint(&self, area: &Area<'_>, theme: &Theme) -> DrawResult {
        crate::plot::drawing(area, theme, |area, theme| self.sim.draw(area, theme)).map(|_| ())
    }

    /// The simulation's current metrics.
    pub fn sim_metrics(&self) -> crate::panel::Metrics {
        self.sim.metrics()
    }

    /// The simulation's metrics as a JSON object (reading them also tests the active preset's claim).
    pub fn metrics_json(&self) -> Json {
        let m = self.sim.metrics();
        self.observe_claim(&m);
        metrics_json(&m)
    }

    /// The full report printed by `dynamics run`.
    pub fn report_json(&self) -> Json {
        json!({
            "panel": self.panel.id(),
            "seed": self.seed,
            "steps": self.steps,
            "params": self.params.to_json(),
            "status": if self.diverged_at.is_some() { "diverged" } else { "ok" },
            "diverged_at_step": self.diverged_at,
            "preset": self.active.map(|p| p.id),
            "metrics": self.metrics_json(),
        })
    }

    /// The `(key, value)` pairs that differ from the defaults, the seed included, in table order.
    pub fn non_default_entries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for spec in self.params.specs() {
            if !self.params.is_default(spec.key) {
                out.push((spec.key.to_string(), self.params.text(spec.key).unwrap_or_default()));
            }
        }
        if self.seed != DEFAULT_SEED {
            out.push(("seed".to_string(), self.seed.to_string()));
        }
        out
    }
}

/// The error for an unknown preset id, naming the known ones.
pub fn unknown_preset(panel: &dyn Panel, id: &str) -> String {
    unknown_preset_in(panel, id, Lang::En)
}

/// The error for an unknown preset id, worded in `lang` (ids stay as they are).
pub fn unknown_preset_in(panel: &dyn Panel, id: &str, lang: Lang) -> String {
    let ids: Vec<&str> = panel.presets().iter().map(|p| p.id).collect();
    let shown: String = id.chars().filter(|c| !c.is_control()).take(40).collect();
    let pid = panel.id();
    if ids.is_empty() {
        tr!(lang, "{pid} has no presets (got '{shown}')", "{pid} 没有预设（收到“{shown}”）")
    } else {
        tr!(lang, "{pid} has no preset '{shown}'; known: {}", "{pid} 没有预设“{shown}”；已有：{}", ids.join(", "))
    }
}
