//! The two traits of every panel, a static descriptor ([`Panel`]) and a live simulation ([`Sim`]), and
//! [`PanelSpec`], the data every panel states to implement the first.
//!
//! A panel is registered once in [`crate::panels::all`]. The web layer, the command line and the tests
//! only ever talk to panels through these traits, so adding a panel never touches them.

use crate::i18n::{Lang, T};
use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use serde_json::{json, Value as Json};

/// One metric value reported by a simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Metric {
    /// A real number; non-finite values are reported as JSON `null`.
    Num(f64),
    /// A whole number.
    Int(i64),
    /// A yes/no value.
    Bool(bool),
    /// No value (for example a threshold for a method that has none).
    Null,
    /// A list of real numbers.
    List(Vec<f64>),
    /// A short fixed text (for example which engine a simulation runs and why).
    Text(&'static str),
}

impl Metric {
    /// The metric as one number, for claims and settling: yes/no count as 1 and 0; `None` for no value, a
    /// list or a text.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Metric::Num(v) => Some(*v),
            Metric::Int(v) => Some(*v as f64),
            Metric::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Metric::Null | Metric::List(_) | Metric::Text(_) => None,
        }
    }

    /// The metric as JSON.
    pub fn to_json(&self) -> Json {
        match self {
            Metric::Num(v) if v.is_finite() => json!(v),
            Metric::Num(_) | Metric::Null => Json::Null,
            Metric::Int(v) => json!(v),
            Metric::Bool(b) => json!(b),
            Metric::Text(t) => json!(t),
            Metric::List(l) => {
                Json::Array(l.iter().map(|v| if v.is_finite() { json!(v) } else { Json::Null }).collect())
            }
        }
    }
}

/// The metrics of a simulation, in a stable order.
pub type Metrics = Vec<(&'static str, Metric)>;

/// Converts metrics into a JSON object.
pub fn metrics_json(m: &Metrics) -> Json {
    let mut map = serde_json::Map::new();
    for (k, v) in m {
        map.insert((*k).to_string(), v.to_json());
    }
    Json::Object(map)
}

/// How a [`Claim`] compares its metric with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The metric is greater than the value.
    Gt,
    /// The metric is less than the value.
    Lt,
    /// The metric is at least the value.
    Ge,
    /// The metric is at most the value.
    Le,
    /// The metric equals the value (yes/no metrics count as 1 and 0, whole numbers exactly).
    Eq,
    /// The run became non-finite (the metric and the value are not used).
    Diverged,
}

impl Op {
    /// The operator as written in `dynamics list` and in the shell: `>`, `<`, `>=`, `<=`, `==` or `diverged`.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::Diverged => "diverged",
        }
    }

    /// Whether `x op value` holds; never for a missing or non-finite metric.
    pub fn compare(self, x: Option<f64>, value: f64) -> bool {
        let Some(x) = x.filter(|x| x.is_finite()) else {
            return false;
        };
        match self {
            Op::Gt => x > value,
            Op::Lt => x < value,
            Op::Ge => x >= value,
            Op::Le => x <= value,
            Op::Eq => x == value,
            Op::Diverged => false,
        }
    }
}

/// What a preset shows, stated as data: `metric op value`, reached by step `by_step` at the latest.
///
/// A claim is the one thing of a post that its preset makes visible; `dynamics check` runs every preset to
/// its `by_step` and tests it, and the page marks it on the figure once it holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Claim {
    /// A metric name of the panel (empty for [`Op::Diverged`]).
    pub metric: &'static str,
    /// The comparison.
    pub op: Op,
    /// The value compared with (unused for [`Op::Diverged`]).
    pub value: f64,
    /// The claim must hold at some step in `0..=by_step` (or, when `at` is set, at `by_step` itself).
    pub by_step: u64,
    /// Whether the claim is about the state at `by_step` ("still below 1 at step 6000") rather than
    /// something reached by then; such claims are tested only once the run has reached `by_step`.
    pub at: bool,
    /// The claim in a few words for a reader, completing "Watch for: ..." (in both languages).
    pub watch: T,
}

impl Claim {
    /// A claim `metric op value` by step `by_step`, worded as `watch`.
    pub const fn new(metric: &'static str, op: Op, value: f64, by_step: u64, watch: T) -> Claim {
        Claim { metric, op, value, by_step, at: false, watch }
    }

    /// A claim `metric op value` about the state at step `step` (tested there, not before).
    pub const fn at(metric: &'static str, op: Op, value: f64, step: u64, watch: T) -> Claim {
        Claim { metric, op, value, by_step: step, at: true, watch }
    }

    /// The claim that the run becomes non-finite by step `by_step`.
    pub const fn diverged(by_step: u64, watch: T) -> Claim {
        Claim { metric: "", op: Op::Diverged, value: 0.0, by_step, at: false, watch }
    }

    /// Whether the claim holds for these metrics of a run that diverged at `diverged_at` (if it did).
    pub fn holds(&self, metrics: &Metrics, diverged_at: Option<u64>) -> bool {
        if self.op == Op::Diverged {
            return diverged_at.is_some();
        }
        let x = metrics.iter().find(|(k, _)| *k == self.metric).and_then(|(_, m)| m.as_number());
        self.op.compare(x, self.value)
    }

    /// Whether the claim may be tested at step `steps` (claims about the state at `by_step` wait for it).
    pub fn testable_at(&self, steps: u64) -> bool {
        !self.at || steps >= self.by_step
    }

    /// The claim as JSON: `{metric, op, value, by_step, when, watch}` where `when` is `"by"` (reached at
    /// some step up to `by_step`) or `"at"` (true at `by_step`); `metric` and `value` are `null` for
    /// `diverged`; `watch` is worded in `lang`.
    pub fn to_json(&self, lang: Lang) -> Json {
        let diverged = self.op == Op::Diverged;
        json!({
            "metric": if diverged { Json::Null } else { json!(self.metric) },
            "op": self.op.symbol(),
            "value": if diverged { Json::Null } else { json!(self.value) },
            "by_step": self.by_step,
            "when": if self.at { "at" } else { "by" },
            "watch": self.watch.get(lang),
        })
    }
}

/// A named, complete setting that the page offers as one button (for example "paper's coefficients").
///
/// A preset states a whole setting: the keys in `values` take those values, every other key returns to its
/// default, and the seed becomes `seed` (or the default seed). Applying preset A therefore gives the same
/// run whatever was set before.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// A stable slug, used in links (`#panel.preset=id`) and on the command line (`--preset id`).
    pub id: &'static str,
    /// The button label (in both languages).
    pub label: T,
    /// `(key, value text)` pairs that differ from (or restate) the defaults; all other keys take their defaults.
    pub values: &'static [(&'static str, &'static str)],
    /// The seed of the preset; `None` means the default seed.
    pub seed: Option<u64>,
    /// What the preset shows, if it states it as data.
    pub claim: Option<Claim>,
}

impl Preset {
    /// A preset with the default seed and no claim.
    pub const fn new(id: &'static str, label: T, values: &'static [(&'static str, &'static str)]) -> Self {
        Preset { id, label, values, seed: None, claim: None }
    }

    /// The same preset with a claim.
    pub const fn claim(self, claim: Claim) -> Self {
        Preset { claim: Some(claim), ..self }
    }

    /// The same preset with its own seed.
    pub const fn seed(self, seed: u64) -> Self {
        Preset { seed: Some(seed), ..self }
    }

    /// The seed the preset runs with.
    pub fn seed_or_default(&self) -> u64 {
        self.seed.unwrap_or(crate::runner::DEFAULT_SEED)
    }

    /// The complete parameter values of the preset: the defaults of `specs` with `values` applied in order.
    /// Fails with the first key or value the table does not accept (the registry test rules this out).
    pub fn params(&self, specs: &'static [ParamSpec]) -> Result<ParamValues, String> {
        let mut v = ParamValues::defaults(specs);
        for (k, text) in self.values {
            v.set_strict(k, text).map_err(|e| format!("preset '{}': {}", self.id, e.0))?;
        }
        Ok(v)
    }

    /// The preset as JSON: `{id, label, values, seed, claim}`, with `values` the complete setting (every
    /// key of the table in order, canonical text) and `claim` `null` when none is stated; words in `lang`.
    pub fn to_json(&self, specs: &'static [ParamSpec], lang: Lang) -> Json {
        let values: Vec<Json> = match self.params(specs) {
            Ok(p) => specs.iter().map(|s| json!([s.key, p.text(s.key).unwrap_or_default()])).collect(),
            Err(_) => self.values.iter().map(|(k, v)| json!([k, v])).collect(),
        };
        json!({
            "id": self.id,
            "label": self.label.get(lang),
            "values": values,
            "seed": self.seed_or_default(),
            "claim": self.claim.as_ref().map(|c| c.to_json(lang)),
        })
    }
}

/// How a metric is shown on the page: a human label and unit, the group it is listed under, and, where the
/// theory predicts it, the key of the metric holding that prediction (the page then shows value, prediction and
/// gap in one row). This is display metadata only: the metric keys of the JSON output never change.
#[derive(Clone, Copy, Debug)]
pub struct MetricInfo {
    /// The metric key, one of [`Panel::metric_names`].
    pub key: &'static str,
    /// A short human label with proper symbols (for example "Re λ₁"), in both languages.
    pub label: T,
    /// The unit shown after the value, or an empty string.
    pub unit: &'static str,
    /// The group the metric is listed under (for example "state", "theory"); metrics of one group sit together.
    pub group: T,
    /// The key of the metric holding the theory's prediction of this one, or an empty string.
    pub prediction: &'static str,
    /// For a text metric ([`Metric::Text`]) whose value is a fixed name (API, such as `"per-step"`): each value
    /// with the words the page shows for it. Empty for other metrics.
    pub values: &'static [(&'static str, T)],
}

impl MetricInfo {
    /// A metric without a prediction.
    pub const fn new(key: &'static str, label: T, unit: &'static str, group: T) -> Self {
        MetricInfo { key, label, unit, group, prediction: "", values: &[] }
    }

    /// The same metric, predicted by the metric `key`.
    pub const fn predicted_by(self, key: &'static str) -> Self {
        MetricInfo { prediction: key, ..self }
    }

    /// The same text metric, whose values the page shows as `values` word them (the value stays the API).
    pub const fn with_values(self, values: &'static [(&'static str, T)]) -> Self {
        MetricInfo { values, ..self }
    }

    /// The entry as JSON for the web shell, worded in `lang`; a text metric's `values` maps each value to the
    /// words shown for it.
    pub fn to_json(&self, lang: Lang) -> Json {
        let mut out = json!({
            "key": self.key,
            "label": self.label.get(lang),
            "unit": self.unit,
            "group": self.group.get(lang),
            "prediction": if self.prediction.is_empty() { Json::Null } else { json!(self.prediction) },
        });
        if !self.values.is_empty() {
            let words: serde_json::Map<String, Json> =
                self.values.iter().map(|(v, t)| (v.to_string(), json!(t.get(lang)))).collect();
            out["values"] = Json::Object(words);
        }
        out
    }
}

/// The static description of a panel: identity, parameter table and how to build its simulation.
///
/// This is the interface the web layer, the command line and the tests use. Every registered panel is a
/// [`PanelSpec`], which implements it from data; the defaults a panel does not state live in
/// [`PanelSpec::new`].
pub trait Panel: Sync {
    /// The stable panel id used in the URL hash, on the command line and in `data-panel` attributes.
    fn id(&self) -> &'static str;
    /// A short title, in both languages.
    fn title(&self) -> T;
    /// The parameter table.
    fn params(&self) -> &'static [ParamSpec];
    /// The names of the metrics that [`Sim::metrics`] reports, in order.
    fn metric_names(&self) -> &'static [&'static str];
    /// Builds a fresh simulation at step 0. `params` always satisfies the table; `seed` drives all randomness.
    fn build(&self, params: &ParamValues, seed: u64) -> Box<dyn Sim>;
    /// Like [`Panel::build`], but the simulation may leave part of its set-up to [`Sim::work`] ([`Sim::building`]):
    /// the page's rebuilds, where a set-up costing more than a frame would stall the page. The simulation it
    /// gives, once its set-up is done, is the one [`Panel::build`] gives.
    fn build_in_parts(&self, params: &ParamValues, seed: u64) -> Box<dyn Sim> {
        self.build(params, seed)
    }
    /// Default number of steps per animation frame.
    fn steps_per_frame(&self) -> u32;
    /// The step count used for the golden SVG.
    fn golden_steps(&self) -> u64;
    /// Height over width of the figure on wide screens and on narrow (phone) screens.
    fn aspect(&self) -> (f64, f64);
    /// After a parameter change the simulation is rebuilt and replayed to the current step count when that
    /// count is at most this many steps; otherwise it restarts from step 0.
    fn replay_limit(&self) -> u64;
    /// Named parameter presets shown as buttons.
    fn presets(&self) -> &'static [Preset];
    /// The relative tolerance within which the browser must reproduce the native metrics for the same
    /// parameters, seed and step count. Both run the same Rust code; only `exp`/`ln` and friends come from
    /// different maths libraries and may differ in the last bit. Panels that iterate such functions in f32
    /// amplify those bits and may declare a larger tolerance, with the reason next to the override.
    fn platform_tolerance(&self) -> f64;
    /// Whether clicking the figure sets parameters (the web shell shows a hint and a pointer cursor).
    fn clickable(&self) -> bool;
    /// Whether input (a preset click, a canvas click or drag) starts the run playing. Panels whose steps
    /// change what input just set (Top-k anneals τ) return `false`, so that input shows its construction as
    /// set and the figure moves on only when the reader presses Play.
    fn plays_on_input(&self) -> bool;
    /// `(parameter key, metric name)` pairs: while the run plays, the control of the parameter shows the
    /// metric (for example Top-k's τ slider follows the annealed τ). The parameter itself is not changed.
    fn follows(&self) -> &'static [(&'static str, &'static str)];
    /// When a run of this panel counts as settled (see [`Settle`]); `None` means it never settles by itself.
    fn settle(&self) -> Option<Settle>;
    /// The keys of rarely used parameters, which the page puts in a collapsed "More settings" group; every other
    /// row belongs to the main group (see [`crate::params::Group`]).
    fn more_settings(&self) -> &'static [&'static str];
    /// Labels, units, groups and predictions of the metrics, one entry per metric in [`Panel::metric_names`]
    /// order. Empty means the page falls back to the raw names.
    fn metrics_info(&self) -> &'static [MetricInfo];
    /// The most steps per animation frame the page's "auto" speed may take, for panels whose motion is the
    /// point (an annealing schedule, a sweep) and would flash past at full speed; auto otherwise takes as many
    /// steps as fit its time budget.
    fn max_auto_steps(&self) -> u32;
    /// The milliseconds of stepping the page's "auto" speed fits into one animation frame. Panels whose picture
    /// is costly take less, so that stepping plus drawing stays within about 8 ms a frame.
    fn auto_budget_ms(&self) -> f64;
    /// Checks a combination of values that the table alone cannot express (for example a list that must be
    /// empty or hold at least two entries). Called with the values a change would produce; an error message,
    /// worded in `lang` (the page shows it to a reader), rejects the change as malformed input.
    fn check_params(&self, params: &ParamValues, lang: Lang) -> Result<(), String>;
}

/// A function that builds a panel's simulation from its parameters and seed ([`Panel::build`]).
pub type BuildFn = fn(&ParamValues, u64) -> Box<dyn Sim>;

/// A panel as data: what [`Panel`] asks, one field per method.
///
/// A panel's `mod.rs` states its identity, table, metrics and build function with [`PanelSpec::new`] and
/// overrides only what differs from the defaults, with the reason beside the value:
///
/// ```ignore
/// pub static PANEL: PanelSpec = PanelSpec {
///     golden_steps: 400,
///     presets: &PRESETS,
///     ..PanelSpec::new("simsiam-toy", T::new("SimSiam toy", "SimSiam 玩具模型"), &PARAMS, &METRICS, |p, _| {
///         Box::new(ToySim::new(p))
///     })
/// };
/// ```
#[derive(Clone, Copy)]
pub struct PanelSpec {
    /// See [`Panel::id`].
    pub id: &'static str,
    /// See [`Panel::title`].
    pub title: T,
    /// See [`Panel::params`].
    pub params: &'static [ParamSpec],
    /// See [`Panel::metric_names`].
    pub metrics: &'static [&'static str],
    /// See [`Panel::build`].
    pub build: BuildFn,
    /// See [`Panel::build_in_parts`]; [`PanelSpec::build`] by default.
    pub build_in_parts: Option<BuildFn>,
    /// See [`Panel::steps_per_frame`]; 20 by default.
    pub steps_per_frame: u32,
    /// See [`Panel::golden_steps`]; 200 by default.
    pub golden_steps: u64,
    /// See [`Panel::aspect`]; (0.56, 1.3) by default.
    pub aspect: (f64, f64),
    /// See [`Panel::replay_limit`]; 50 000 by default.
    pub replay_limit: u64,
    /// See [`Panel::presets`]; none by default.
    pub presets: &'static [Preset],
    /// See [`Panel::platform_tolerance`]; 1e-9 by default.
    pub platform_tolerance: f64,
    /// See [`Panel::clickable`]; `false` by default.
    pub clickable: bool,
    /// See [`Panel::plays_on_input`]; `true` by default.
    pub plays_on_input: bool,
    /// See [`Panel::follows`]; none by default.
    pub follows: &'static [(&'static str, &'static str)],
    /// See [`Panel::settle`]; `None` by default.
    pub settle: Option<Settle>,
    /// See [`Panel::more_settings`]; none by default.
    pub more_settings: &'static [&'static str],
    /// See [`Panel::metrics_info`]; none by default.
    pub metrics_info: &'static [MetricInfo],
    /// See [`Panel::max_auto_steps`]; 5000 by default.
    pub max_auto_steps: u32,
    /// See [`Panel::auto_budget_ms`]; 6 ms by default.
    pub auto_budget_ms: f64,
    /// See [`Panel::check_params`]; accepts every value the table accepts by default.
    pub check_params: fn(&ParamValues, Lang) -> Result<(), String>,
}

impl PanelSpec {
    /// A panel with this id, title, parameter table, metric names and build function, and the defaults for
    /// everything else.
    pub const fn new(
        id: &'static str,
        title: T,
        params: &'static [ParamSpec],
        metrics: &'static [&'static str],
        build: fn(&ParamValues, u64) -> Box<dyn Sim>,
    ) -> PanelSpec {
        PanelSpec {
            id,
            title,
            params,
            metrics,
            build,
            build_in_parts: None,
            steps_per_frame: 20,
            golden_steps: 200,
            aspect: (0.56, 1.3),
            replay_limit: 50_000,
            presets: &[],
            platform_tolerance: 1e-9,
            clickable: false,
            plays_on_input: true,
            follows: &[],
            settle: None,
            more_settings: &[],
            metrics_info: &[],
            max_auto_steps: 5000,
            auto_budget_ms: 6.0,
            check_params: |_, _| Ok(()),
        }
    }
}

impl Panel for PanelSpec {
    fn id(&self) -> &'static str {
        self.id
    }
    fn title(&self) -> T {
        self.title
    }
    fn params(&self) -> &'static [ParamSpec] {
        self.params
    }
    fn metric_names(&self) -> &'static [&'static str] {
        self.metrics
    }
    fn build(&self, params: &ParamValues, seed: u64) -> Box<dyn Sim> {
        (self.build)(params, seed)
    }
    fn build_in_parts(&self, params: &ParamValues, seed: u64) -> Box<dyn Sim> {
        (self.build_in_parts.unwrap_or(self.build))(params, seed)
    }
    fn steps_per_frame(&self) -> u32 {
        self.steps_per_frame
    }
    fn golden_steps(&self) -> u64 {
        self.golden_steps
    }
    fn aspect(&self) -> (f64, f64) {
        self.aspect
    }
    fn replay_limit(&self) -> u64 {
        self.replay_limit
    }
    fn presets(&self) -> &'static [Preset] {
        self.presets
    }
    fn platform_tolerance(&self) -> f64 {
        self.platform_tolerance
    }
    fn clickable(&self) -> bool {
        self.clickable
    }
    fn plays_on_input(&self) -> bool {
        self.plays_on_input
    }
    fn follows(&self) -> &'static [(&'static str, &'static str)] {
        self.follows
    }
    fn settle(&self) -> Option<Settle> {
        self.settle
    }
    fn more_settings(&self) -> &'static [&'static str] {
        self.more_settings
    }
    fn metrics_info(&self) -> &'static [MetricInfo] {
        self.metrics_info
    }
    fn max_auto_steps(&self) -> u32 {
        self.max_auto_steps
    }
    fn auto_budget_ms(&self) -> f64 {
        self.auto_budget_ms
    }
    fn check_params(&self, params: &ParamValues, lang: Lang) -> Result<(), String> {
        (self.check_params)(params, lang)
    }
}

/// The preset of `panel` with this id.
pub fn find_preset(panel: &dyn Panel, id: &str) -> Option<&'static Preset> {
    panel.presets().iter().find(|p| p.id == id)
}

/// When a run counts as settled: the listed metrics changed by at most `rel_tol` (relative to their size,
/// or absolutely below `abs_tol`) over `window` consecutive steps. The runner compares the metrics every
/// `window` steps; the page pauses a settled run with a note and the reader may resume it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settle {
    /// The metrics that must stop changing (numbers, whole numbers and yes/no values; lists are skipped).
    pub metrics: &'static [&'static str],
    /// Relative tolerance.
    pub rel_tol: f64,
    /// Absolute tolerance, for values near zero.
    pub abs_tol: f64,
    /// Steps between comparisons.
    pub window: u64,
}

impl Settle {
    /// The numeric values of the listed metrics (`None` for a missing, null or list metric).
    pub fn values(&self, metrics: &Metrics) -> Vec<Option<f64>> {
        self.metrics
            .iter()
            .map(|name| metrics.iter().find(|(k, _)| k == name).and_then(|(_, m)| m.as_number()))
            .collect()
    }

    /// Whether two readings of [`Settle::values`] agree within the tolerances (missing values must match).
    pub fn unchanged(&self, before: &[Option<f64>], after: &[Option<f64>]) -> bool {
        before.len() == after.len()
            && before.iter().zip(after).all(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => a == b || (a - b).abs() <= self.abs_tol.max(self.rel_tol * a.abs().max(b.abs())),
                (None, None) => true,
                _ => false,
            })
    }
}

/// A live simulation: a pure model plus its drawing. It never reads a clock or unseeded randomness.
pub trait Sim {
    /// Advances the model by one step.
    fn step(&mut self);
    /// Whether every state variable is finite; checked after every step.
    fn is_finite(&self) -> bool;
    /// The current metrics; the names must equal [`Panel::metric_names`].
    fn metrics(&self) -> Metrics;
    /// Draws the figure into `area` and returns the pixel maps that [`Sim::click`] needs.
    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn;
    /// Handles a click, or a drag position while the pointer is down, at device pixel `(px, py)` of the last
    /// drawn figure (`drawn` is what that drawing returned), and returns parameter updates as `(key, value text)` in the shared text syntax (applied
    /// leniently, so out-of-range values are clamped). The default ignores clicks.
    fn click(&self, _drawn: &Drawn, _px: f64, _py: f64) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Whether part of the simulation's set-up is still to be done ([`Panel::build_in_parts`]). While it is, one
    /// step's units ([`Sim::units_per_step`]) include those of the set-up, [`Sim::work`] does the set-up first and
    /// reports its end as an incomplete step, and [`Sim::step`] finishes it; the metrics and the drawing are
    /// those of the set-up so far. The default is `false`.
    fn building(&self) -> bool {
        false
    }
    /// Units of work in one step at the current settings: 1 for a step that cannot be divided (the default),
    /// more for a panel whose steps can be taken in parts ([`Sim::work`]) because one step may cost more than a
    /// frame's 50 ms (Lion/Tiger's per-step engine at large vocabularies).
    fn units_per_step(&self) -> u64 {
        1
    }
    /// Does at most `units` (at least 1) units of work, never past the end of the current step; returns the units
    /// done and whether the step is now complete. Taking a step in any number of parts gives exactly the state of
    /// [`Sim::step`]; while a step is in progress, [`Sim::metrics`] are those of the last completed step. The
    /// default takes one whole step.
    fn work(&mut self, _units: u64) -> (u64, bool) {
        self.step();
        (1, true)
    }
    /// Units of the step in progress done so far (0 between steps).
    fn units_done(&self) -> u64 {
        0
    }
}
