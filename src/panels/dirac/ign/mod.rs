//! The Dirac-IGN: an Idempotent Generative Network shrunk to one data point, read as a GAN.
//!
//! Post: Su Jianlin, "幂等生成网络IGN：试图将判别和生成合二为一的GAN", https://kexue.fm/archives/9969, which shows
//! that IGN (Shocher et al., arXiv:2311.01462) is a GAN whose generator and discriminator are one network,
//! with the reconstruction error `δ(y) = ‖f(y) − y‖²` as the discriminator. The Dirac-IGN
//! (`shared/theory/gan-ign.md` §3, our construction) trains `f(x) = a x + b` on a Dirac at x₀ with noise
//! z ~ N(m, s²) under IGN's three losses and stop-gradients. Claim: the stop-gradients make the flow a game
//! with a non-symmetric Jacobian; at the ideal point (0, x₀) `det J = 4λ_rλ_i E(z − x₀)² > 0`, and the
//! reconstruction term damps the game like Mescheder's zero-centred penalty until tightness exceeds the Hopf
//! threshold `λ_t* = [λ_r(1 + x₀²) + λ_i(m₂ − x₀m₁)]/[x₀(x₀ − m₁)]`, beyond which the ideal point spirals out
//! like a GAN. The identity (1, 0) is a saddle, and beyond it sits a spurious stable "expanding"
//! equilibrium. The figure shows the (a, b) phase plane with the vector field, every fixed point classified
//! with its eigenvalues, and the trajectory; a 1-D strip with the data point, the noise, f(z) and the
//! energy `(f(y) − y)²`; and the distance to the ideal point on a log axis.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::dirac::ign::model;

use crate::history::History;
use crate::i18n::T;
use crate::math::{eig2, spectral_radius};
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{fmt_f64, ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{Coeffs, Config, FixedSet, Ign, Moments, Optimizer, Problem};
use nalgebra::Matrix2;

/// The parameter table (theory §3 and §4).
pub static PARAMS: [ParamSpec; 13] = [
    ParamSpec::linear(
        "lambda_rec",
        T::new("λ_rec (reconstruction)", "λ_rec（重构）"),
        T::new(
            "Weight of L_rec = (f(x₀) − x₀)²: real data should be a fixed point of f.",
            "L_rec = (f(x₀) − x₀)² 的权重：真实数据应是 f 的不动点。",
        ),
        (0.0, 3.0),
        1.0,
        0.01,
    ),
    ParamSpec::linear(
        "lambda_idem",
        T::new("λ_idem (idempotence)", "λ_idem（幂等）"),
        T::new(
            "Weight of L_idem = E(f(f(z)) − f(z))², gradient through the inner f only (the generator loss).",
            "L_idem = E(f(f(z)) − f(z))² 的权重，梯度只经过内层的 f（生成器损失）。",
        ),
        (0.0, 3.0),
        1.0,
        0.01,
    ),
    ParamSpec::linear(
        "lambda_tight",
        T::new("λ_tight (tightness)", "λ_tight（紧致）"),
        T::new(
            "Weight of L_tight = −E(f(y) − y)² at y = f(z) detached, gradient through the outer f only (the \
                discriminator loss).",
            "L_tight = −E(f(y) − y)² 的权重，y = f(z) 不传梯度，梯度只经过外层的 f（判别器损失）。",
        ),
        (0.0, 5.0),
        0.1,
        0.01,
    ),
    ParamSpec::linear(
        "x0",
        T::new("x₀ (data point)", "x₀（数据点）"),
        T::new("The single real data point.", "唯一的真实数据点。"),
        (-3.0, 3.0),
        1.0,
        0.01,
    ),
    ParamSpec::linear(
        "z_mean",
        T::new("noise mean", "噪声均值"),
        T::new("Mean of the Gaussian noise z fed to the generator.", "输入生成器的高斯噪声 z 的均值。"),
        (-2.0, 2.0),
        0.0,
        0.01,
    ),
    ParamSpec::linear(
        "z_std",
        T::new("noise std", "噪声标准差"),
        T::new("Standard deviation of the noise z.", "噪声 z 的标准差。"),
        (0.1, 3.0),
        1.0,
        0.01,
    ),
    ParamSpec::log(
        "h",
        T::new("h (step size)", "h（步长）"),
        T::new("Learning rate of gradient descent or Adam.", "梯度下降或 Adam 的学习率。"),
        (0.001, 0.2),
        0.01,
    ),
    ParamSpec::linear(
        "a0",
        T::new("a₀ (start slope)", "a₀（初始斜率）"),
        T::new(
            "Initial slope of f(x) = a x + b. Click the phase plane to set a₀ and b₀ together.",
            "f(x) = a x + b 的初始斜率。点击相平面可同时设定 a₀ 和 b₀。",
        ),
        (-2.0, 3.0),
        0.5,
        0.01,
    ),
    ParamSpec::linear(
        "b0",
        T::new("b₀ (start offset)", "b₀（初始截距）"),
        T::new("Initial offset of f(x) = a x + b.", "f(x) = a x + b 的初始截距。"),
        (-4.0, 4.0),
        1.5,
        0.01,
    ),
    ParamSpec::flag(
        "clamp",
        T::new("tightness clamp", "紧致损失截断"),
        T::new(
            "Clamp L_tight as tanh(L_tight/(1.5 R))·1.5 R with R = E(f(z) − z)² detached (from re-implementations).",
            "把 L_tight 截断为 tanh(L_tight/(1.5 R))·1.5 R，其中 R = E(f(z) − z)² 不传梯度（来自复现代码）。",
        ),
        false,
    ),
    ParamSpec::choice(
        "gradient",
        T::new("gradient", "梯度"),
        T::new(
            "expected: exact expectation over z; sampled: the moments of a fresh minibatch of z each step.",
            "expected：对 z 取精确期望；sampled：每步用一个新的 z 小批次的矩。",
        ),
        &["expected", "sampled"],
        "expected",
    ),
    ParamSpec::int(
        "batch",
        T::new("batch size", "批次大小"),
        T::new("Noise samples per step in sampled mode.", "sampled 模式下每步的噪声样本数。"),
        (2, 1024),
        64,
    ),
    ParamSpec::choice(
        "optimizer",
        T::new("optimiser", "优化器"),
        T::new(
            "gd: plain gradient descent; adam: Adam with betas (0.5, 0.999) as in the re-implementation.",
            "gd：普通梯度下降；adam：与复现代码一样，β 为 (0.5, 0.999) 的 Adam。",
        ),
        &["gd", "adam"],
        "gd",
    ),
];

/// Presets: the paper's coefficients and Su's unit coefficients (the issue), plus one just beyond the Hopf
/// threshold λ_t* = 3 of the default data and noise, started next to the ideal point so that the outward
/// spiral is visible before the run diverges.
pub static PRESETS: [Preset; 3] = [
    Preset::new(
        "paper",
        T::new("paper (1, 1, 0.1)", "论文 (1, 1, 0.1)"),
        &[("lambda_rec", "1"), ("lambda_idem", "1"), ("lambda_tight", "0.1")],
    )
    .claim(Claim::new(
        "dist_to_ideal",
        Op::Lt,
        1e-3,
        500,
        T::new("the distance to the ideal point (0, 1) falling below 10⁻³", "到理想点 (0, 1) 的距离降到 10⁻³ 以下"),
    )),
    Preset::new(
        "post",
        T::new("post (1, 1, 1)", "原文 (1, 1, 1)"),
        &[("lambda_rec", "1"), ("lambda_idem", "1"), ("lambda_tight", "1")],
    )
    .claim(Claim::new(
        "dist_to_ideal",
        Op::Lt,
        1e-3,
        600,
        T::new("the distance to the ideal point (0, 1) falling below 10⁻³", "到理想点 (0, 1) 的距离降到 10⁻³ 以下"),
    )),
    Preset::new(
        "too-tight",
        T::new("too tight (1, 1, 3.1)", "过紧 (1, 1, 3.1)"),
        &[
            ("lambda_rec", "1"),
            ("lambda_idem", "1"),
            ("lambda_tight", "3.1"),
            ("x0", "1"),
            ("z_mean", "0"),
            ("z_std", "1"),
            ("a0", "0.02"),
            ("b0", "1.02"),
        ],
    )
    .claim(Claim::new(
        "dist_to_ideal",
        Op::Gt,
        0.2,
        1000,
        T::new(
            "the run spiralling away from the ideal point (distance past 0.2, from 0.03)",
            "轨迹螺旋远离理想点（距离从 0.03 增到超过 0.2）",
        ),
    )),
];

/// The metrics reported by `dynamics run`, in order.
///
/// - `a`, `b`: the network `f(x) = a x + b`; `dist_to_ideal`: distance to the ideal point (0, x₀).
/// - `eig1_re` … `eig2_im`: eigenvalues of the flow's Jacobian `J = −H` at the ideal point (theory §3 closed
///   form); a complex pair as `re ± i|im|` (eig1 with the positive imaginary part), real ones in decreasing
///   order.
/// - `hopf_lambda_tight`: the Hopf threshold λ_t*, `null` where none exists.
/// - `rate_predicted`: the spectral radius of `I + hJ` at the ideal point, the predicted per-step factor of
///   the distance near it under gradient descent; `null` for Adam.
/// - `n_fixed_points`: the number of isolated fixed points of the expected flow found in the search box.
pub static METRICS: [&str; 10] = [
    "a",
    "b",
    "dist_to_ideal",
    "eig1_re",
    "eig1_im",
    "eig2_re",
    "eig2_im",
    "hopf_lambda_tight",
    "rate_predicted",
    "n_fixed_points",
];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    steps_per_frame: 5,
    golden_steps: 600,
    aspect: (0.6, 1.55),
    presets: &PRESETS,
    clickable: true,
    // The network `(a, b)` stops moving.
    settle: Some(Settle { metrics: &["a", "b"], rel_tol: 1e-09, abs_tol: 1e-12, window: 100 }),
    more_settings: &["x0", "z_mean", "z_std", "a0", "b0", "clamp", "gradient", "batch", "optimizer"],
    metrics_info: &metrics_info::INFO,
    ..PanelSpec::new(
        "dirac-ign",
        T::new("Dirac-IGN: (a, b) phase plane of f(x) = a x + b", "Dirac-IGN：f(x) = a x + b 的 (a, b) 相平面"),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(IgnSim::new(config_from(p), seed)),
    )
};

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    let (z_mean, z_std) = (p.f64("z_mean"), p.f64("z_std"));
    Config {
        problem: Problem {
            lambda: Coeffs { rec: p.f64("lambda_rec"), idem: p.f64("lambda_idem"), tight: p.f64("lambda_tight") },
            x0: p.f64("x0"),
            mom: Moments::normal(z_mean, z_std),
            clamp: p.flag("clamp"),
        },
        z_mean,
        z_std,
        h: p.f64("h"),
        a0: p.f64("a0"),
        b0: p.f64("b0"),
        sampled: p.choice("gradient") == "sampled",
        batch: p.int("batch").max(1) as usize,
        optimizer: if p.choice("optimizer") == "adam" { Optimizer::Adam } else { Optimizer::Gd },
    }
}

/// The base view of the phase plane: the ideal point, the identity and the start with a margin.
pub fn base_view(cfg: &Config) -> ((f64, f64), (f64, f64)) {
    let x0 = cfg.problem.x0;
    let a = ((-0.75f64).min(cfg.a0 - 0.25), 1.75f64.max(cfg.a0 + 0.25));
    let b = (0.0f64.min(x0).min(cfg.b0) - 1.25, 0.0f64.max(x0).max(cfg.b0) + 1.25);
    (a, b)
}

/// The live simulation and what the figure needs.
pub struct IgnSim {
    /// The model.
    pub model: Ign,
    /// Sampled `(a, b)` by step.
    pub hist: History<(f64, f64)>,
    /// The fixed points of the expected flow in the search box.
    pub fixed: FixedSet,
    /// The flow's Jacobian at the ideal point (theory closed form).
    pub j_ideal: Matrix2<f64>,
    /// Its eigenvalues.
    pub eig: [(f64, f64); 2],
    /// The Hopf threshold λ_t*, if it exists.
    pub hopf: Option<f64>,
    /// The GD per-step rate near the ideal point (`None` for Adam).
    pub rate: Option<f64>,
    /// The distance to the ideal point at step 0.
    pub d0: f64,
    /// The base view `(a range, b range)`.
    pub view: ((f64, f64), (f64, f64)),
}

impl IgnSim {
    /// A simulation of `cfg` with `seed` at step 0.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let model = Ign::new(cfg, seed);
        let mut hist = History::new(4096);
        hist.push(0, (model.a, model.b));
        let view = base_view(&cfg);
        // Search a box twice the base view in each direction, so that points near the edges are found too.
        let ((a0, a1), (b0, b1)) = view;
        let (sa, sb) = (a1 - a0, b1 - b0);
        let fixed = cfg.problem.fixed_points((a0 - sa, a1 + sa), (b0 - sb, b1 + sb));
        let j_ideal = -cfg.problem.ideal_h();
        let rate = match cfg.optimizer {
            Optimizer::Gd => Some(spectral_radius(&(Matrix2::identity() + j_ideal * cfg.h))),
            Optimizer::Adam => None,
        };
        IgnSim {
            eig: eig2(&j_ideal),
            hopf: cfg.problem.hopf_threshold(),
            j_ideal,
            rate,
            d0: model.dist_to_ideal(),
            fixed,
            view,
            model,
            hist,
        }
    }
}

impl Sim for IgnSim {
    fn step(&mut self) {
        self.model.step_recorded(&mut self.hist);
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let m = &self.model;
        vec![
            ("a", Metric::Num(m.a)),
            ("b", Metric::Num(m.b)),
            ("dist_to_ideal", Metric::Num(m.dist_to_ideal())),
            ("eig1_re", Metric::Num(self.eig[0].0)),
            ("eig1_im", Metric::Num(self.eig[0].1)),
            ("eig2_re", Metric::Num(self.eig[1].0)),
            ("eig2_im", Metric::Num(self.eig[1].1)),
            ("hopf_lambda_tight", self.hopf.map_or(Metric::Null, Metric::Num)),
            ("rate_predicted", self.rate.map_or(Metric::Null, Metric::Num)),
            ("n_fixed_points", Metric::Int(self.fixed.points.len() as i64)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        Drawn::plane(draw::draw(area, self, theme))
    }

    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        match drawn.to_data(0, px, py) {
            Some((a, b)) => vec![("a0", fmt_f64(round2(a))), ("b0", fmt_f64(round2(b)))],
            None => Vec::new(),
        }
    }
}

/// Rounds to 0.01 so that clicked starts stay short in the URL hash.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
