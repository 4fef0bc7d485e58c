//! Linear SimSiam/BYOL in two dimensions: which ingredients keep the embedding from collapsing.
//!
//! Post: Su Jianlin, "从动力学角度看优化算法（六）：为什么SimSiam不退化？", https://kexue.fm/archives/7980,
//! with the linear-network setting of Tian, Chen & Ganguli (arXiv:2102.06810). A linear encoder `W`, a
//! linear predictor `P` and a target `T` are trained on `½ E‖P W x1 − sg(T x2)‖²` for two noisy views of
//! Gaussian data. Claim: with stop-gradient and a learnable predictor (SimSiam, and BYOL with its EMA
//! target) the embedding keeps a non-zero spread, because each eigenmode is a copy of Su's scalar toy in
//! which the fast predictor settles at `λ/(λ+σ²)` and freezes the encoder at
//! `w∞ = sqrt(w0² + (p*² − p0²)/α)`; removing stop-gradient or the predictor collapses `W` to zero
//! (without a predictor exactly as `w0 (1 − ησ²)^k`). The figure shows the data cloud mapped through `W`
//! with its covariance ellipse and the predicted final ellipse, the singular values of `W` on a log axis,
//! and the predictor's diagonal against its predicted limit.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::simsiam_linear::model;

use crate::history::History;
use crate::panel::{Claim, Metric, Metrics, Op, Panel, Preset, Settle, Sim};
use crate::params::{Kind, ParamSpec, ParamValues, Scale};
use crate::plot::{Area, DrawResult, Drawn, Theme};
pub use model::Sample;
use model::{data_cloud, growth_predicted, predict_mode, sample, Config, Linear, ModePrediction, Variant};
use nalgebra::{Matrix2, Vector2};

/// The number of fixed data points drawn in the embedding plot.
pub const CLOUD_POINTS: usize = 200;

/// The parameter table (theory §4).
pub static PARAMS: [ParamSpec; 11] = [
    ParamSpec {
        key: "variant",
        label: "variant",
        unit: "",
        help: "Which ingredients are on: stop-gradient, a learnable predictor, an EMA target (BYOL).",
        kind: Kind::Choice {
            choices: &["simsiam", "no-stopgrad", "no-predictor", "byol", "ema-no-predictor", "fixed-predictor"],
            default: "simsiam",
        },
    },
    ParamSpec {
        key: "lr",
        label: "η (step size)",
        unit: "",
        help: "Explicit Euler step of the encoder; time t = steps × η.",
        kind: Kind::Float { min: 0.005, max: 0.2, default: 0.05, scale: Scale::Log, step: 0.0 },
    },
    ParamSpec {
        key: "alpha",
        label: "α (predictor speed)",
        unit: "×",
        help: "Predictor learning rate over encoder learning rate; only used when the predictor is learned.",
        kind: Kind::Float { min: 0.1, max: 10.0, default: 1.0, scale: Scale::Log, step: 0.0 },
    },
    ParamSpec {
        key: "sigma",
        label: "σ (augmentation noise)",
        unit: "",
        help: "Standard deviation of the noise added to each view: x1 = x + σε1, x2 = x + σε2.",
        kind: Kind::Float { min: 0.0, max: 1.5, default: 0.5, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "lambda1",
        label: "λ₁ (data variance 1)",
        unit: "",
        help: "Variance of the data along the first axis.",
        kind: Kind::Float { min: 0.01, max: 2.0, default: 1.0, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "lambda2",
        label: "λ₂ (data variance 2)",
        unit: "",
        help: "Variance of the data along the second axis.",
        kind: Kind::Float { min: 0.01, max: 2.0, default: 0.5, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "tau",
        label: "τ (EMA target)",
        unit: "",
        help: "EMA coefficient of the target, T ← τT + (1−τ)W; only used by byol and ema-no-predictor.",
        kind: Kind::Float { min: 0.9, max: 0.999, default: 0.99, scale: Scale::Linear, step: 0.001 },
    },
    ParamSpec {
        key: "batch",
        label: "B (minibatch size)",
        unit: "",
        help: "Pairs of views per step in sampled mode.",
        kind: Kind::Int { min: 8, max: 256, default: 64 },
    },
    ParamSpec {
        key: "sampled",
        label: "sampled minibatches",
        unit: "",
        help: "Use minibatch gradient estimates instead of the exact expected gradient.",
        kind: Kind::Bool { default: false },
    },
    ParamSpec {
        key: "w0",
        label: "w₀ (encoder start)",
        unit: "",
        help: "Initial encoder W0 = w0 I.",
        kind: Kind::Float { min: 0.05, max: 1.5, default: 0.7, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "p0",
        label: "p₀ (predictor start)",
        unit: "",
        help: "Initial learnable predictor P0 = p0 I.",
        kind: Kind::Float { min: -1.0, max: 1.5, default: 0.2, scale: Scale::Linear, step: 0.01 },
    },
];

/// Presets: SimSiam's defaults, one direction collapsing, and the same start with a slow and a fast
/// predictor on both sides of the collapse threshold `w0² + (p*² − p0²)/α = 0` of theory §4.
pub static PRESETS: [Preset; 4] = [
    Preset::new(
        "defaults",
        "SimSiam defaults",
        &[("variant", "simsiam"), ("w0", "0.7"), ("p0", "0.2"), ("alpha", "1"), ("sampled", "false")],
    )
    .claim(Claim::new("sv_min", Op::Gt, 0.9, 500, "both singular values growing (to 1.04 and 0.94): no collapse")),
    Preset::new(
        "one-collapses",
        "one direction collapses",
        &[("variant", "simsiam"), ("w0", "0.2"), ("p0", "0.75"), ("alpha", "1"), ("sampled", "false")],
    )
    .claim(Claim::new(
        "sv_min",
        Op::Lt,
        0.01,
        3_000,
        "one singular value falling below 0.01 while the other stays at 0.34",
    )),
    Preset::new(
        "slow-predictor",
        "slow predictor collapses",
        &[("variant", "simsiam"), ("w0", "0.7"), ("p0", "1.2"), ("alpha", "1"), ("sampled", "false")],
    )
    .claim(Claim::new("sv_max", Op::Lt, 0.01, 500, "both singular values falling below 0.01: collapse")),
    Preset::new(
        "fast-predictor",
        "fast predictor survives",
        &[("variant", "simsiam"), ("w0", "0.7"), ("p0", "1.2"), ("alpha", "4"), ("sampled", "false")],
    )
    .claim(Claim::new(
        "p11",
        Op::Lt,
        0.801,
        500,
        "the predictor settling at λ/(λ+σ²) = 0.8 while W stops at 0.54 and 0.49",
    )),
];

/// The metrics reported by `dynamics run`, in order.
///
/// - `spread` is `sqrt(tr(W X Wᵀ))`; `sv_max`, `sv_min` are the singular values of `W`; `p11`, `p22` the
///   predictor's diagonal (the identity or the fixed random matrix when the predictor is not learned).
/// - `p11_predicted`, `p22_predicted` are the continuous-time limits of the learnable predictor's diagonal
///   for the diagonal start (see [`model::predict_mode`]): `λ_j/(λ_j+σ²)` for SimSiam and BYOL unless the
///   mode collapses, the stalled value for no-stopgrad. They are `null` for the variants without a
///   learnable predictor, where there is no limit to predict (`p11`, `p22` report the fixed values).
/// - `w11`, `w22` are the diagonal of `W`; `w11_predicted`, `w22_predicted` the predicted `|w_j|` limits
///   (`null` for byol and fixed-predictor, which have no closed form).
/// - `growth_predicted` is the predicted asymptotic per-step growth factor of the spread for the variants
///   whose `W` update is linear (no learnable predictor), `null` otherwise ([`model::growth_predicted`]).
/// - `loss` is the exact expected loss; `t` is `steps × η`.
///
/// All predictions are for the expected-gradient dynamics; in sampled mode they are what the noisy run
/// fluctuates around.
pub static METRICS: [&str; 14] = [
    "spread",
    "sv_max",
    "sv_min",
    "p11",
    "p22",
    "p11_predicted",
    "p22_predicted",
    "w11",
    "w22",
    "w11_predicted",
    "w22_predicted",
    "growth_predicted",
    "loss",
    "t",
];

/// The panel descriptor.
pub struct LinearPanel;

/// The registered instance.
pub static PANEL: LinearPanel = LinearPanel;

impl Panel for LinearPanel {
    fn id(&self) -> &'static str {
        "simsiam-linear"
    }
    fn title(&self) -> &'static str {
        "Linear SimSiam / BYOL: embedding spread"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &PARAMS
    }
    fn metric_names(&self) -> &'static [&'static str] {
        &METRICS
    }
    fn more_settings(&self) -> &'static [&'static str] {
        &["lr", "tau", "batch", "sampled"]
    }
    fn metrics_info(&self) -> &'static [crate::panel::MetricInfo] {
        &metrics_info::INFO
    }
    fn build(&self, p: &ParamValues, seed: u64) -> Box<dyn Sim> {
        Box::new(LinearSim::new(config_from(p), seed))
    }
    fn steps_per_frame(&self) -> u32 {
        10
    }
    fn golden_steps(&self) -> u64 {
        300
    }
    fn presets(&self) -> &'static [Preset] {
        &PRESETS
    }
    /// The singular values of W and the predictor's diagonal stop moving.
    fn settle(&self) -> Option<Settle> {
        Some(Settle { metrics: &["sv_max", "sv_min", "p11", "p22"], rel_tol: 1e-09, abs_tol: 1e-12, window: 200 })
    }
    /// Replaying a sampled run costs up to 6·B normal draws per step, so long runs restart instead; every
    /// exact-gradient run has settled well before 10 000 steps.
    fn replay_limit(&self) -> u64 {
        10_000
    }
}

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    Config {
        variant: Variant::from_name(p.choice("variant")).unwrap_or(Variant::SimSiam),
        lr: p.f64("lr"),
        alpha: p.f64("alpha"),
        sigma: p.f64("sigma"),
        lambda: [p.f64("lambda1"), p.f64("lambda2")],
        tau: p.f64("tau"),
        batch: p.int("batch").max(1) as usize,
        sampled: p.flag("sampled"),
        w0: p.f64("w0"),
        p0: p.f64("p0"),
    }
}

/// The live simulation: the model plus what the figure needs.
pub struct LinearSim {
    /// The model.
    pub model: Linear,
    /// The per-mode predictions of the continuous-time theory.
    pub pred: [ModePrediction; 2],
    /// The predicted per-step growth factor of the spread, for the linear variants.
    pub growth: Option<f64>,
    /// The fixed data points shown in the embedding plot.
    pub cloud: Vec<Vector2<f64>>,
    /// The encoder at step 0.
    pub w_init: Matrix2<f64>,
    /// The spread at step 0.
    pub spread0: f64,
    /// Sampled history for the time-series charts.
    pub hist: History<Sample>,
}

impl LinearSim {
    /// A simulation of `cfg` with `seed` at step 0.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let model = Linear::new(cfg, seed);
        let mut hist = History::new(2048);
        hist.push(0, sample(&model));
        LinearSim {
            pred: [predict_mode(&cfg, 0), predict_mode(&cfg, 1)],
            growth: growth_predicted(&cfg, &model.p),
            cloud: data_cloud(seed, cfg.lambda, CLOUD_POINTS),
            w_init: model.w,
            spread0: model.spread(),
            model,
            hist,
        }
    }
}

/// A number, or `null` when the theory gives none.
fn opt(v: Option<f64>) -> Metric {
    v.map_or(Metric::Null, Metric::Num)
}

impl Sim for LinearSim {
    fn step(&mut self) {
        model::step_recorded(&mut self.model, &mut self.hist);
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let m = &self.model;
        let (sv_max, sv_min) = m.singular_values();
        vec![
            ("spread", Metric::Num(m.spread())),
            ("sv_max", Metric::Num(sv_max)),
            ("sv_min", Metric::Num(sv_min)),
            ("p11", Metric::Num(m.p[(0, 0)])),
            ("p22", Metric::Num(m.p[(1, 1)])),
            ("p11_predicted", opt(self.pred[0].p_inf)),
            ("p22_predicted", opt(self.pred[1].p_inf)),
            ("w11", Metric::Num(m.w[(0, 0)])),
            ("w22", Metric::Num(m.w[(1, 1)])),
            ("w11_predicted", opt(self.pred[0].w_inf)),
            ("w22_predicted", opt(self.pred[1].w_inf)),
            ("growth_predicted", opt(self.growth)),
            ("loss", Metric::Num(m.loss())),
            ("t", Metric::Num(m.time())),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> DrawResult<Drawn> {
        draw::draw(area, self, theme)?;
        Ok(Drawn::default())
    }
}
