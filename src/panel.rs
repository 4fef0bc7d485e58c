//! The two traits every panel implements: a static descriptor ([`Panel`]) and a live simulation ([`Sim`]).
//!
//! A panel is registered once in [`crate::panels::all`]. The web layer, the command line and the tests
//! only ever talk to panels through these traits, so adding a panel never touches them.

use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, DrawResult, Theme};
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
}

impl Metric {
    /// The metric as JSON.
    pub fn to_json(&self) -> Json {
        match self {
            Metric::Num(v) if v.is_finite() => json!(v),
            Metric::Num(_) | Metric::Null => Json::Null,
            Metric::Int(v) => json!(v),
            Metric::Bool(b) => json!(b),
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

/// A named set of parameter values that the page offers as one button (for example "paper's coefficients").
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The button label.
    pub label: &'static str,
    /// `(key, value text)` pairs applied in order; keys not listed keep their current values.
    pub values: &'static [(&'static str, &'static str)],
}

/// How a metric is shown on the page: a human label and unit, the group it is listed under, and, where the
/// theory predicts it, the key of the metric holding that prediction (the page then shows value, prediction and
/// gap in one row). This is display metadata only: the metric keys of the JSON output never change.
#[derive(Clone, Copy, Debug)]
pub struct MetricInfo {
    /// The metric key, one of [`Panel::metric_names`].
    pub key: &'static str,
    /// A short human label with proper symbols (for example "Re λ₁").
    pub label: &'static str,
    /// The unit shown after the value, or an empty string.
    pub unit: &'static str,
    /// The group the metric is listed under (for example "state", "theory"); metrics of one group sit together.
    pub group: &'static str,
    /// The key of the metric holding the theory's prediction of this one, or an empty string.
    pub prediction: &'static str,
}

impl MetricInfo {
    /// A metric without a prediction.
    pub const fn new(key: &'static str, label: &'static str, unit: &'static str, group: &'static str) -> Self {
        MetricInfo { key, label, unit, group, prediction: "" }
    }

    /// The same metric, predicted by the metric `key`.
    pub const fn predicted_by(self, key: &'static str) -> Self {
        MetricInfo { prediction: key, ..self }
    }

    /// The entry as JSON for the web shell.
    pub fn to_json(&self) -> Json {
        json!({
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "group": self.group,
            "prediction": if self.prediction.is_empty() { Json::Null } else { json!(self.prediction) },
        })
    }
}

/// The static description of a panel: identity, parameter table and how to build its simulation.
pub trait Panel: Sync {
    /// The stable panel id used in the URL hash, on the command line and in `data-panel` attributes.
    fn id(&self) -> &'static str;
    /// A short title.
    fn title(&self) -> &'static str;
    /// The parameter table.
    fn params(&self) -> &'static [ParamSpec];
    /// The names of the metrics that [`Sim::metrics`] reports, in order.
    fn metric_names(&self) -> &'static [&'static str];
    /// Builds a fresh simulation at step 0. `params` always satisfies the table; `seed` drives all randomness.
    fn build(&self, params: &ParamValues, seed: u64) -> Box<dyn Sim>;
    /// Default number of steps per animation frame.
    fn steps_per_frame(&self) -> u32 {
        20
    }
    /// The step count used for the golden SVG.
    fn golden_steps(&self) -> u64 {
        200
    }
    /// Height over width of the figure on wide screens and on narrow (phone) screens.
    fn aspect(&self) -> (f64, f64) {
        (0.56, 1.3)
    }
    /// After a parameter change the simulation is rebuilt and replayed to the current step count when that
    /// count is at most this many steps; otherwise it restarts from step 0.
    fn replay_limit(&self) -> u64 {
        50_000
    }
    /// Named parameter presets shown as buttons.
    fn presets(&self) -> &'static [Preset] {
        &[]
    }
    /// The relative tolerance within which the browser must reproduce the native metrics for the same
    /// parameters, seed and step count. Both run the same Rust code; only `exp`/`ln` and friends come from
    /// different maths libraries and may differ in the last bit. Panels that iterate such functions in f32
    /// amplify those bits and may declare a larger tolerance, with the reason next to the override.
    fn platform_tolerance(&self) -> f64 {
        1e-9
    }
    /// Whether clicking the figure sets parameters (the web shell shows a hint and a pointer cursor).
    fn clickable(&self) -> bool {
        false
    }
    /// The keys of rarely used parameters, which the page puts in a collapsed "More settings" group; every other
    /// row belongs to the main group (see [`crate::params::Group`]).
    fn more_settings(&self) -> &'static [&'static str] {
        &[]
    }
    /// Labels, units, groups and predictions of the metrics, one entry per metric in [`Panel::metric_names`]
    /// order. Empty means the page falls back to the raw names.
    fn metrics_info(&self) -> &'static [MetricInfo] {
        &[]
    }
    /// The most steps per animation frame the page's "auto" speed may take, for panels whose motion is the
    /// point (an annealing schedule, a sweep) and would flash past at full speed; auto otherwise takes as many
    /// steps as fit its time budget.
    fn max_auto_steps(&self) -> u32 {
        5000
    }
    /// Checks a combination of values that the table alone cannot express (for example a list that must be
    /// empty or hold at least two entries). Called with the values a change would produce; an error message
    /// rejects the change as malformed input.
    fn check_params(&self, _params: &ParamValues) -> Result<(), String> {
        Ok(())
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
    /// Draws the figure into `area`.
    fn draw(&self, area: &Area<'_>, theme: &Theme) -> DrawResult;
    /// Handles a click, or a drag position while the pointer is down, at device pixel `(px, py)` of the last
    /// drawn figure, and returns parameter updates as `(key, value text)` in the shared text syntax (applied
    /// leniently, so out-of-range values are clamped). The default ignores clicks.
    fn click(&self, _px: f64, _py: f64) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}
