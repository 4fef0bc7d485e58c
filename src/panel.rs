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
    /// A short fixed text (for example which engine a simulation runs and why).
    Text(&'static str),
}

impl Metric {
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

/// A named set of parameter values that the page offers as one button (for example "paper's coefficients").
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The button label.
    pub label: &'static str,
    /// `(key, value text)` pairs applied in order; keys not listed keep their current values.
    pub values: &'static [(&'static str, &'static str)],
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
