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
use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
pub use model::Sample;
use model::{data_cloud, growth_predicted, predict_mode, sample, Config, Linear, ModePrediction, Variant};
use nalgebra::{Matrix2, Vector2};

/// The number of fixed data points drawn in the embedding plot.
pub const CLOUD_POINTS: usize = 200;

/// The parameter table (theory §4).
pub static PARAMS: [ParamSpec; 11] = [
    ParamSpec::choice(
        "variant",
        T::new("variant", "变体"),
        T::new(
            "Which ingredients are on: stop-gradient, a learnable predictor, an EMA target (BYOL).",
            "打开哪些成分：停止梯度、可学习的预测器、EMA 目标（BYOL）。",
        ),
        &["simsiam", "no-stopgrad", "no-predictor", "byol", "ema-no-predictor", "fixed-predictor"],
        "simsiam",
    ),
    ParamSpec::log(
        "lr",
        T::new("η (step size)", "η（步长）"),
        T::new("Explicit Euler step of the encoder; time t = steps × η.", "编码器的显式欧拉步长；时间 t = 步数 × η。"),
        (0.005, 0.2),
        0.05,
    ),
    ParamSpec::log(
        "alpha",
        T::new("α (predictor speed)", "α（预测器速度）"),
        T::new(
            "Predictor learning rate over encoder learning rate; only used when the predictor is learned.",
            "预测器学习率与编码器学习率之比；只在预测器可学习时使用。",
        ),
        (0.1, 10.0),
        1.0,
    )
    .unit("×"),
    ParamSpec::linear(
        "sigma",
        T::new("σ (augmentation noise)", "σ（增强噪声）"),
        T::new(
            "Standard deviation of the noise added to each view: x1 = x + σε1, x2 = x + σε2.",
            "加到每个视图上的噪声的标准差：x1 = x + σε1，x2 = x + σε2。",
        ),
        (0.0, 1.5),
        0.5,
        0.01,
    ),
    ParamSpec::linear(
        "lambda1",
        T::new("λ₁ (data variance 1)", "λ₁（数据方差 1）"),
        T::new("Variance of the data along the first axis.", "数据沿第一个轴的方差。"),
        (0.01, 2.0),
        1.0,
        0.01,
    ),
    ParamSpec::linear(
        "lambda2",
        T::new("λ₂ (data variance 2)", "λ₂（数据方差 2）"),
        T::new("Variance of the data along the second axis.", "数据沿第二个轴的方差。"),
        (0.01, 2.0),
        0.5,
        0.01,
    ),
    ParamSpec::linear(
        "tau",
        T::new("τ (EMA target)", "τ（EMA 目标）"),
        T::new(
            "EMA coefficient of the target, T ← τT + (1−τ)W; only used by byol and ema-no-predictor.",
            "目标的 EMA 系数，T ← τT + (1−τ)W；只用于 byol 和 ema-no-predictor。",
        ),
        (0.9, 0.999),
        0.99,
        0.001,
    ),
    ParamSpec::int(
        "batch",
        T::new("B (minibatch size)", "B（小批次大小）"),
        T::new("Pairs of views per step in sampled mode.", "采样模式下每步的视图对数。"),
        (8, 256),
        64,
    ),
    ParamSpec::flag(
        "sampled",
        T::new("sampled minibatches", "采样小批次"),
        T::new(
            "Use minibatch gradient estimates instead of the exact expected gradient.",
            "用小批次梯度估计代替精确的期望梯度。",
        ),
        false,
    ),
    ParamSpec::linear(
        "w0",
        T::new("w₀ (encoder start)", "w₀（编码器起点）"),
        T::new("Initial encoder W0 = w0 I.", "初始编码器 W0 = w0 I。"),
        (0.05, 1.5),
        0.7,
        0.01,
    ),
    ParamSpec::linear(
        "p0",
        T::new("p₀ (predictor start)", "p₀（预测器起点）"),
        T::new("Initial learnable predictor P0 = p0 I.", "初始可学习预测器 P0 = p0 I。"),
        (-1.0, 1.5),
        0.2,
        0.01,
    ),
];

/// Presets: SimSiam's defaults, one direction collapsing, and the same start with a slow and a fast
/// predictor on both sides of the collapse threshold `w0² + (p*² − p0²)/α = 0` of theory §4.
pub static PRESETS: [Preset; 4] = [
    Preset::new(
        "defaults",
        T::new("SimSiam defaults", "SimSiam 默认设置"),
        &[("variant", "simsiam"), ("w0", "0.7"), ("p0", "0.2"), ("alpha", "1"), ("sampled", "false")],
    )
    .claim(Claim::new(
        "sv_min",
        Op::Gt,
        0.9,
        500,
        T::new(
            "both singular values growing (to 1.04 and 0.94): no collapse",
            "两个奇异值都增长（到 1.04 和 0.94）：不坍缩",
        ),
    )),
    Preset::new(
        "one-collapses",
        T::new("one direction collapses", "一个方向坍缩"),
        &[("variant", "simsiam"), ("w0", "0.2"), ("p0", "0.75"), ("alpha", "1"), ("sampled", "false")],
    )
    .claim(Claim::new(
        "sv_min",
        Op::Lt,
        0.01,
        3_000,
        T::new(
            "one singular value falling below 0.01 while the other stays at 0.34",
            "一个奇异值降到 0.01 以下，另一个保持在 0.34",
        ),
    )),
    Preset::new(
        "slow-predictor",
        T::new("slow predictor collapses", "慢预测器坍缩"),
        &[("variant", "simsiam"), ("w0", "0.7"), ("p0", "1.2"), ("alpha", "1"), ("sampled", "false")],
    )
    .claim(Claim::new(
        "sv_max",
        Op::Lt,
        0.01,
        500,
        T::new("both singular values falling below 0.01: collapse", "两个奇异值都降到 0.01 以下：坍缩"),
    )),
    Preset::new(
        "fast-predictor",
        T::new("fast predictor survives", "快预测器不坍缩"),
        &[("variant", "simsiam"), ("w0", "0.7"), ("p0", "1.2"), ("alpha", "4"), ("sampled", "false")],
    )
    .claim(Claim::new(
        "p11",
        Op::Lt,
        0.801,
        500,
        T::new(
            "the predictor settling at λ/(λ+σ²) = 0.8 while W stops at 0.54 and 0.49",
            "预测器稳定在 λ/(λ+σ²) = 0.8，W 停在 0.54 和 0.49",
        ),
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

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    steps_per_frame: 10,
    golden_steps: 300,
    // Replaying a sampled run costs up to 6·B normal draws per step, so long runs restart instead; every
    // exact-gradient run has settled well before 10 000 steps.
    replay_limit: 10_000,
    presets: &PRESETS,
    // The singular values of W and the predictor's diagonal stop moving.
    settle: Some(Settle { metrics: &["sv_max", "sv_min", "p11", "p22"], rel_tol: 1e-09, abs_tol: 1e-12, window: 200 }),
    more_settings: &["lr", "tau", "batch", "sampled"],
    metrics_info: &metrics_info::INFO,
    ..PanelSpec::new(
        "simsiam-linear",
        T::new("Linear SimSiam / BYOL: embedding spread", "线性 SimSiam / BYOL：嵌入的散布"),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(LinearSim::new(config_from(p), seed)),
    )
};

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

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        draw::draw(area, self, theme);
        Drawn::default()
    }
}
