//! The runner owns one panel's simulation with its parameters, seed and step count.
//!
//! It is the one place that enforces the run-level rules shared by the web layer and the command line:
//! divergence detection (the first non-finite step stops the run, and the state is rebuilt to the last
//! finite step so the figure keeps its last finite picture), replay after a parameter change, and the JSON
//! report of `dynamics run`.

use crate::panel::{metrics_json, Panel, Sim};
use crate::params::{ParamError, ParamValues};
use crate::plot::{Area, DrawResult, Drawn, Theme};
use serde_json::{json, Value as Json};

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
    /// What the last drawing returned: where its charts are, for clicks.
    drawn: Drawn,
}

impl Runner {
    /// A run of `panel` with `params` and `seed`, at step 0.
    pub fn new(panel: &'static dyn Panel, params: ParamValues, seed: u64) -> Self {
        let sim = panel.build(&params, seed);
        Runner { panel, params, seed, steps: 0, sim, diverged_at: None, drawn: Drawn::default() }
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

    /// Advances up to `n` steps, stopping at divergence; returns the number of steps taken.
    pub fn step(&mut self, n: u64) -> u64 {
        if self.diverged_at.is_some() {
            return 0;
        }
        for i in 0..n {
            self.sim.step();
            self.steps += 1;
            if !self.sim.is_finite() {
                let bad = self.steps;
                self.rebuild_to(bad - 1);
                self.diverged_at = Some(bad);
                return i + 1;
            }
        }
        n
    }

    /// Rebuilds the simulation and replays it to `target` steps (all finite by construction of the caller).
    fn rebuild_to(&mut self, target: u64) {
        self.sim = self.panel.build(&self.params, self.seed);
        self.steps = 0;
        self.diverged_at = None;
        for _ in 0..target {
            self.sim.step();
            self.steps += 1;
        }
    }

    /// Restarts at step 0 with the current parameters and seed.
    pub fn reset(&mut self) {
        self.rebuild_to(0);
    }

    /// Rebuilds after a parameter or seed change, replaying to the current step count when that is cheap.
    fn refresh(&mut self) {
        let target = if self.steps <= self.panel.replay_limit() { self.steps } else { 0 };
        self.sim = self.panel.build(&self.params, self.seed);
        self.steps = 0;
        self.diverged_at = None;
        self.step(target);
    }

    /// Sets a parameter strictly (unknown keys, malformed and out-of-range values are errors).
    pub fn set_param_strict(&mut self, key: &str, text: &str) -> Result<(), ParamError> {
        self.params.set_strict(key, text)?;
        self.refresh();
        Ok(())
    }

    /// Sets a parameter leniently: out-of-range values are clamped and a notice is returned.
    pub fn set_param(&mut self, key: &str, text: &str) -> Result<Option<String>, ParamError> {
        let before = self.params.clone();
        let notice = self.params.set_lenient(key, text)?;
        if self.params != before {
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
            self.sim = self.panel.build(&self.params, self.seed);
            self.steps = 0;
            self.diverged_at = None;
            true
        } else {
            false
        }
    }

    /// Draws the figure and keeps its pixel maps for the next clicks.
    pub fn draw(&mut self, area: &Area<'_>, theme: &Theme) -> DrawResult {
        self.drawn = self.sim.draw(area, theme)?;
        Ok(())
    }

    /// Draws the figure without keeping its pixel maps (for exports: SVG and PNG files).
    pub fn paint(&self, area: &Area<'_>, theme: &Theme) -> DrawResult {
        self.sim.draw(area, theme).map(|_| ())
    }

    /// The simulation's metrics as a JSON object.
    pub fn metrics_json(&self) -> Json {
        metrics_json(&self.sim.metrics())
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
