//! FlatNCE's FP microscope: InfoNCE and FlatNCE on one row of scores, in float32 and float64.
//!
//! Post: Su Jianlin, "FlatNCE：小批次对比学习效果差的原因竟是浮点误差？", https://kexue.fm/archives/8586,
//! relaying Chen et al., arXiv:2107.01152 (theory note `shared/theory/flatnce.md`). Claim: when the positive
//! score dominates, InfoNCE's loss `log(1 + ξ)`, `ξ = Σ_{i≠t} e^{s_i − s_t}`, is computed in float32 as
//! `lse − s_t` with `lse` and `s_t` neighbouring floats, so it is an exact staircase of ulp(s_t) that drops to
//! exactly 0 once ξ is below about half an ulp; the positive-logit gradient `g_t = e^{−loss} − 1` loses its
//! value the same way, while the negatives' gradients stay accurate. FlatNCE, the cross-entropy without `s_t`
//! in its log-sum-exp (`log ξ`, the gradient of the paper's `ξ/sg(ξ)`), has `g_t = −1` exactly and matches
//! float64. The figure shows both losses against ξ on log-log axes, with the current setting marked, the
//! relative error of `g_t` against ξ, and readouts of the current setting.
//!
//! Time: the microscope is static. Its state is a function of the parameters alone, so `Sim::step` does
//! nothing and one step per frame is plenty; pressing play changes nothing unless the reader turns on
//! `sweep`, which animates the gap Δ as a slow triangle wave over [0, 2] from the slider's value (ξ then
//! sweeps log-linearly across the plot and the readouts run down the staircase). The sweep is off by default
//! so that the numbers on screen, in a shared link and in the metrics always belong to the sliders.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::flatnce::fp::model;

use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{probe, scores, sweep, swept_gap, zoom, Config, Draws, Probe, SweepPoint};

/// How far the gap moves per step when `sweep` is on: 0.005 per step, so one pass over [0, 2] takes 400
/// steps (about 7 s at 60 frames per second and one step per frame).
pub const SWEEP_RATE: f64 = 0.005;

/// The parameter table (issue 6; ranges from theory §3).
pub static PARAMS: [ParamSpec; 6] = [
    ParamSpec::log(
        "tau",
        T::new("τ (temperature)", "τ（温度）"),
        T::new(
            "Scores are cosines over τ; small τ makes the positive score large and ξ tiny.",
            "分数是余弦除以 τ；τ 越小，正样本分数越大，ξ 越小。",
        ),
        (0.02, 1.0),
        0.05,
    ),
    ParamSpec::int(
        "k",
        T::new("K (candidates)", "K（候选数）"),
        T::new("One positive and K − 1 negatives.", "一个正样本和 K − 1 个负样本。"),
        (2, 64),
        8,
    ),
    ParamSpec::linear(
        "cos_pos",
        T::new("cos⁺ (positive cosine)", "cos⁺（正样本余弦）"),
        T::new(
            "Cosine of the positive pair; the positive score is s_t = cos⁺/τ.",
            "正样本对的余弦；正样本分数 s_t = cos⁺/τ。",
        ),
        (0.1, 1.0),
        0.95,
        0.01,
    ),
    ParamSpec::linear(
        "gap",
        T::new("Δ (mean gap)", "Δ（平均间隔）"),
        T::new(
            "Positive cosine minus the mean negative cosine; ξ ≈ (K − 1)·e^(−Δ/τ).",
            "正样本余弦减去负样本余弦的均值；ξ ≈ (K − 1)·e^(−Δ/τ)。",
        ),
        (0.0, 2.0),
        1.0,
        0.005,
    ),
    ParamSpec::linear(
        "jitter",
        T::new("negative jitter", "负样本抖动"),
        T::new(
            "Standard deviation of the negative cosines around their mean (fixed seeded directions).",
            "负样本余弦围绕均值的标准差（方向由随机种子固定）。",
        ),
        (0.0, 0.2),
        0.05,
        0.005,
    ),
    ParamSpec::flag(
        "sweep",
        T::new("sweep Δ on play", "播放时扫动 Δ"),
        T::new(
            "When on, playing moves Δ back and forth over [0, 2] from the slider's value (the slider stays).",
            "打开时，播放会让 Δ 从滑块的值出发在 [0, 2] 内来回扫动（滑块不动）。",
        ),
        false,
    ),
];

/// Presets: the post's regime (ξ far below half an ulp), a few ulp (the staircase), and a large temperature
/// where ξ is of order 1 and nothing is lost.
pub static PRESETS: [Preset; 3] = [
    Preset::new(
        "dominant-positive",
        T::new("dominant positive: loss32 = 0", "正样本占优：f32 损失 = 0"),
        &[("tau", "0.05"), ("k", "8"), ("cos_pos", "0.95"), ("gap", "1"), ("jitter", "0.05")],
    )
    .claim(Claim::new(
        "info_loss32",
        Op::Eq,
        0.0,
        1,
        T::new(
            "InfoNCE's f32 loss reading exactly 0 although ξ is 1.3·10⁻⁸",
            "虽然 ξ 为 1.3·10⁻⁸，InfoNCE 的 f32 损失恰为 0",
        ),
    )),
    Preset::new(
        "few-ulp",
        T::new("a few ulp: the staircase", "几个 ulp：阶梯"),
        &[("tau", "0.05"), ("k", "8"), ("cos_pos", "0.95"), ("gap", "0.72"), ("jitter", "0.05")],
    )
    .claim(Claim::new(
        "gt_rel_err",
        Op::Gt,
        0.05,
        1,
        T::new(
            "the f32 positive gradient g_t off by more than 5 %: the loss is a staircase of ulps",
            "f32 的正样本梯度 g_t 偏差超过 5 %：损失是一级级 ulp 的阶梯",
        ),
    )),
    Preset::new(
        "large-tau",
        T::new("τ = 0.5: nothing lost", "τ = 0.5：没有损失精度"),
        &[("tau", "0.5"), ("k", "8"), ("cos_pos", "0.95"), ("gap", "1"), ("jitter", "0.05")],
    )
    .claim(Claim::new(
        "gt_rel_err",
        Op::Lt,
        1e-6,
        1,
        T::new("f32 and f64 agreeing to 10⁻⁶ when ξ is of order 1", "ξ 为 1 的量级时 f32 与 f64 吻合到 10⁻⁶"),
    )),
];

/// The metrics reported by `dynamics run`, in order (issue 6's names first).
///
/// - `xi`: ξ in f64 from the f32 scores; `ulp`: ulp(s_t) in f32.
/// - `info_loss32`, `info_loss64`, `flat_loss32`, `flat_loss64`: the losses in each precision.
/// - `gt_rel_err`: |g_t(f32) − g_t| / |g_t| for InfoNCE, against the exact `g_t = −ξ/(1+ξ)`.
/// - `info_cos32v64`, `flat_cos32v64`: cos(Jᵀg32, Jᵀg64) for a fixed seeded K×16 Jacobian J.
/// - `s_t`: the positive score; `loss32_ulps`: `info_loss32 / ulp`; `gap_used`: Δ of the current step
///   (the slider's value unless `sweep` is on).
pub static METRICS: [&str; 12] = [
    "xi",
    "ulp",
    "info_loss32",
    "info_loss64",
    "flat_loss32",
    "flat_loss64",
    "gt_rel_err",
    "info_cos32v64",
    "flat_cos32v64",
    "s_t",
    "loss32_ulps",
    "gap_used",
];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    // Static figure: one (no-op) step per frame.
    steps_per_frame: 1,
    golden_steps: 1,
    aspect: (0.56, 1.45),
    presets: &PRESETS,
    // The microscope is static unless `sweep` animates the gap.
    settle: Some(Settle { metrics: &["gap_used"], rel_tol: 0.0, abs_tol: 0.0, window: 10 }),
    more_settings: &["jitter"],
    metrics_info: &metrics_info::INFO,
    // With `sweep` on, each step moves the gap; one step per frame keeps the sweep watchable.
    max_auto_steps: 1,
    ..PanelSpec::new(
        "flatnce-fp",
        T::new("FlatNCE: the float32 microscope", "FlatNCE：float32 显微镜"),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(FpSim::new(config_from(p), p.flag("sweep"), seed)),
    )
};

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    Config {
        tau: p.f64("tau"),
        k: p.int("k").clamp(2, model::K_MAX as i64) as usize,
        cos_pos: p.f64("cos_pos"),
        gap: p.f64("gap"),
        jitter: p.f64("jitter"),
    }
}

/// The microscope: the current probe and the ξ sweep at the current s_t.
pub struct FpSim {
    /// The configuration of the sliders.
    pub cfg: Config,
    /// Whether the gap is animated.
    pub sweeping: bool,
    /// The gap of the current step.
    pub gap: f64,
    /// The seeded jitter and Jacobian.
    pub draws: Draws,
    /// The current score row (f32; index 0 is the positive).
    pub s32: Vec<f32>,
    /// The readouts of the current row.
    pub probe: Probe,
    /// The sweep of ξ at the current s_t (depends on τ, cos⁺ and K only).
    pub sweep: Vec<SweepPoint>,
    /// The first ulps of the same sweep, linearly spaced (the zoomed staircase).
    pub zoom: Vec<SweepPoint>,
    steps: u64,
}

impl FpSim {
    /// The microscope for `cfg` at step 0.
    pub fn new(cfg: Config, sweeping: bool, seed: u64) -> Self {
        let draws = Draws::new(seed);
        let s32 = scores(&cfg, &draws);
        let probe = probe(&s32, &draws);
        let sweep = sweep(probe.s_t, cfg.k);
        let zoom = zoom(probe.s_t, cfg.k);
        FpSim { cfg, sweeping, gap: cfg.gap, draws, s32, probe, sweep, zoom, steps: 0 }
    }
}

impl Sim for FpSim {
    fn step(&mut self) {
        self.steps += 1;
        if !self.sweeping {
            return;
        }
        // Only the negatives move: s_t, and with it the sweep, stays fixed.
        self.gap = swept_gap(self.cfg.gap, self.steps, SWEEP_RATE);
        let cfg = Config { gap: self.gap, ..self.cfg };
        self.s32 = scores(&cfg, &self.draws);
        self.probe = probe(&self.s32, &self.draws);
    }

    fn is_finite(&self) -> bool {
        self.probe.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let p = &self.probe;
        vec![
            ("xi", Metric::Num(p.xi)),
            ("ulp", Metric::Num(p.ulp)),
            ("info_loss32", Metric::Num(p.info_loss32)),
            ("info_loss64", Metric::Num(p.info_loss64)),
            ("flat_loss32", Metric::Num(p.flat_loss32)),
            ("flat_loss64", Metric::Num(p.flat_loss64)),
            ("gt_rel_err", Metric::Num(p.gt_rel_err)),
            ("info_cos32v64", Metric::Num(p.info_cos32v64)),
            ("flat_cos32v64", Metric::Num(p.flat_cos32v64)),
            ("s_t", Metric::Num(p.s_t as f64)),
            ("loss32_ulps", Metric::Num(p.loss32_ulps())),
            ("gap_used", Metric::Num(self.gap)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        draw::draw(area, self, theme);
        Drawn::default()
    }
}
