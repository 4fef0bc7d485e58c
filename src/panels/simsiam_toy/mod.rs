//! SimSiam's scalar toy: why stop-gradient plus a fast predictor does not collapse.
//!
//! Post: Su Jianlin, "从动力学角度看优化算法（六）：为什么SimSiam不退化？", https://kexue.fm/archives/7980.
//! Claim: with stop-gradient the encoder θ and the predictor φ share the factor ∂l/∂h, so the fast predictor
//! drives ∂l/∂h to zero and the encoder stops at a non-zero value; adding back the term that stop-gradient
//! removes (or keeping only it) gives a "fast lane" to the collapsed state θ = 0. The figure shows the phase
//! plane of each mode with its vector field, the live Euler trajectory on its analytic conserved curve
//! (dashed), ghost trajectories of the other two modes, and φ(t), θ(t) against the predicted limits.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::simsiam_toy::model;

use crate::history::History;
use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{fmt_f64, ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{predict, Mode, Prediction, Toy};

/// The parameter table (theory §3).
pub static PARAMS: [ParamSpec; 7] = [
    ParamSpec::choice(
        "mode",
        T::new("gradient", "梯度"),
        T::new(
            "sg: SimSiam's stop-gradient; full: no stop-gradient; second: only the term stop-gradient removes.",
            "sg：SimSiam 的停止梯度；full：不停止梯度；second：只保留停止梯度去掉的那一项。",
        ),
        &["sg", "full", "second"],
        "sg",
    ),
    ParamSpec::linear(
        "phi0",
        T::new("φ₀ (predictor start)", "φ₀（预测器起点）"),
        T::new(
            "Initial predictor weight φ. Click the phase plane to set φ₀ and θ₀ together.",
            "预测器的初始权重 φ。点击相平面可同时设定 φ₀ 和 θ₀。",
        ),
        (-1.5, 2.0),
        0.6,
        0.01,
    ),
    ParamSpec::linear(
        "theta0",
        T::new("θ₀ (encoder start)", "θ₀（编码器起点）"),
        T::new("Initial encoder weight θ.", "编码器的初始权重 θ。"),
        (-1.5, 1.5),
        0.1,
        0.01,
    ),
    ParamSpec::log(
        "lr",
        T::new("η (step size)", "η（步长）"),
        T::new("Explicit Euler step; time t = steps × η.", "显式欧拉步长；时间 t = 步数 × η。"),
        (0.001, 0.2),
        0.05,
    ),
    ParamSpec::log(
        "alpha",
        T::new("α (predictor speed)", "α（预测器速度）"),
        T::new(
            "Predictor learning rate over encoder learning rate; a faster predictor prevents collapse.",
            "预测器学习率与编码器学习率之比；预测器越快越不容易坍缩。",
        ),
        (0.1, 100.0),
        1.0,
    )
    .unit("×"),
    ParamSpec::linear(
        "tau",
        T::new("τ (EMA target)", "τ（EMA 目标）"),
        T::new(
            "EMA coefficient of the target (BYOL); 0 = off. Only stop-gradient mode can use an EMA target.",
            "目标的 EMA 系数（BYOL）；0 表示关闭。只有停止梯度模式能用 EMA 目标。",
        ),
        (0.0, 0.999),
        0.0,
        0.001,
    ),
    ParamSpec::flag(
        "log_theta",
        T::new("log |θ| axis", "log |θ| 坐标"),
        T::new(
            "Plot |θ(t)| on a logarithmic axis to see the exponential rates of collapse.",
            "用对数坐标画 |θ(t)|，以看出坍缩的指数速率。",
        ),
        false,
    ),
];

/// Presets: the post's start, and one start on either side of the sg collapse threshold
/// `θ0² ≤ (φ0² − 1)/α` (φ0 > 1), showing that a faster predictor prevents collapse.
pub static PRESETS: [Preset; 3] = [
    Preset::new(
        "post-start",
        T::new("post's start (0.6, 0.1)", "原文起点 (0.6, 0.1)"),
        &[("mode", "sg"), ("phi0", "0.6"), ("theta0", "0.1"), ("alpha", "1"), ("tau", "0")],
    )
    .claim(Claim::new(
        "theta",
        Op::Gt,
        0.8,
        400,
        T::new("the encoder θ stopping near 0.81, not at 0", "编码器 θ 停在 0.81 附近，而不是 0"),
    )),
    Preset::new(
        "slow-predictor",
        T::new("slow predictor collapses", "慢预测器坍缩"),
        &[("mode", "sg"), ("phi0", "1.8"), ("theta0", "0.5"), ("alpha", "0.5"), ("tau", "0")],
    )
    .claim(Claim::new(
        "theta",
        Op::Lt,
        1e-3,
        300,
        T::new("θ falling below 10⁻³: a slow predictor collapses", "θ 降到 10⁻³ 以下：慢预测器坍缩"),
    )),
    Preset::new(
        "fast-predictor",
        T::new("fast predictor survives", "快预测器不坍缩"),
        &[("mode", "sg"), ("phi0", "1.8"), ("theta0", "0.5"), ("alpha", "10"), ("tau", "0")],
    )
    .claim(Claim::new(
        "phi",
        Op::Lt,
        1.01,
        400,
        T::new("the predictor φ settling at 1 while θ stops near 0.17", "预测器 φ 稳定在 1，θ 停在 0.17 附近"),
    )),
];

/// The metrics reported by `dynamics run`, in order.
pub static METRICS: [&str; 9] = [
    "phi",
    "theta",
    "t",
    "invariant",
    "theta_inf_predicted",
    "collapse_predicted",
    "phi_inf_predicted",
    "invariant_drift",
    "ema",
];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    golden_steps: 400,
    presets: &PRESETS,
    clickable: true,
    // θ and φ stop moving once the predictor has settled (or θ has collapsed to within 10⁻¹²).
    settle: Some(Settle { metrics: &["theta", "phi"], rel_tol: 1e-09, abs_tol: 1e-12, window: 200 }),
    more_settings: &["lr", "tau", "log_theta"],
    metrics_info: &metrics_info::INFO,
    ..PanelSpec::new(
        "simsiam-toy",
        T::new("SimSiam toy: (φ, θ) phase plane", "SimSiam 玩具模型：(φ, θ) 相平面"),
        &PARAMS,
        &METRICS,
        |p, _seed| Box::new(ToySim::new(p)),
    )
};

/// Everything the drawing needs: the three trajectories, their histories and the analytic overlays.
pub struct ToySim {
    /// The selected mode's trajectory (index 0) and the other two modes' ghosts.
    pub runs: [Toy; 3],
    /// Sampled `(t, φ, θ)` of each run.
    pub hist: [History<(f64, f64, f64)>; 3],
    /// The start point.
    pub start: (f64, f64),
    /// The analytic end state of the selected mode (continuous time, no EMA).
    pub pred: Prediction,
    /// The invariant at the start.
    pub inv0: f64,
    /// Whether |θ| is shown on a log axis.
    pub log_theta: bool,
    steps: u64,
}

impl ToySim {
    fn new(p: &ParamValues) -> Self {
        let mode = Mode::from_name(p.choice("mode")).unwrap_or(Mode::Sg);
        let (alpha, lr, tau) = (p.f64("alpha"), p.f64("lr"), p.f64("tau"));
        let (phi0, theta0) = (p.f64("phi0"), p.f64("theta0"));
        let others: Vec<Mode> = Mode::ALL.into_iter().filter(|m| *m != mode).collect();
        let runs = [
            Toy::new(mode, alpha, lr, tau, phi0, theta0),
            Toy::new(others[0], alpha, lr, 0.0, phi0, theta0),
            Toy::new(others[1], alpha, lr, 0.0, phi0, theta0),
        ];
        let mut hist = [History::new(4096), History::new(4096), History::new(4096)];
        for (h, r) in hist.iter_mut().zip(&runs) {
            h.push(0, (0.0, r.phi, r.theta));
        }
        ToySim {
            inv0: runs[0].invariant(),
            pred: predict(mode, alpha, phi0, theta0),
            runs,
            hist,
            start: (phi0, theta0),
            log_theta: p.flag("log_theta"),
            steps: 0,
        }
    }

    /// Simulated time `t = steps × η`.
    pub fn t(&self) -> f64 {
        self.steps as f64 * self.runs[0].lr
    }
}

impl Sim for ToySim {
    fn step(&mut self) {
        self.steps += 1;
        let t = self.t();
        model::step_runs(&mut self.runs, &mut self.hist, self.steps, t);
    }

    fn is_finite(&self) -> bool {
        self.runs[0].is_finite()
    }

    fn metrics(&self) -> Metrics {
        let r = &self.runs[0];
        let ema = r.ema_on();
        let (theta_inf, collapse, phi_inf) = if ema {
            // The closed forms assume the target is θ itself; with an EMA target there is none.
            (Metric::Null, Metric::Null, Metric::Null)
        } else {
            (Metric::Num(self.pred.theta_inf), Metric::Int(self.pred.collapse as i64), Metric::Num(self.pred.phi_inf))
        };
        vec![
            ("phi", Metric::Num(r.phi)),
            ("theta", Metric::Num(r.theta)),
            ("t", Metric::Num(self.t())),
            ("invariant", Metric::Num(r.invariant())),
            ("theta_inf_predicted", theta_inf),
            ("collapse_predicted", collapse),
            ("phi_inf_predicted", phi_inf),
            ("invariant_drift", Metric::Num((r.invariant() - self.inv0).abs())),
            ("ema", Metric::Bool(ema)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        Drawn::plane(draw::draw(area, self, theme))
    }

    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        match drawn.to_data(0, px, py) {
            Some((phi, theta)) => vec![("phi0", fmt_f64(round2(phi))), ("theta0", fmt_f64(round2(theta)))],
            None => Vec::new(),
        }
    }
}

/// Rounds to 0.01 so that clicked starts stay short in the URL hash.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
