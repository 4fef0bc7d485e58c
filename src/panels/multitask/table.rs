//! The multi-task panel's parameter table, presets and metric names (the hash and CLI contract).

use crate::i18n::T;
use crate::panel::{Claim, Op, Preset};
use crate::params::ParamSpec;

const fn coord(key: &'static str, label: T, help: T, default: f64) -> ParamSpec {
    ParamSpec::linear(key, label, help, (-10.0, 10.0), default, 0.01)
}

const fn scale_param(key: &'static str, label: T) -> ParamSpec {
    ParamSpec::log(
        key,
        label,
        T::new(
            "Scale of the task's loss: L_i = s_i(½‖θ − c_i‖² + m_i).",
            "该任务损失的尺度：L_i = s_i(½‖θ − c_i‖² + m_i)。",
        ),
        (1e-3, 1e3),
        1.0,
    )
    .unit("×")
}

const fn offset_param(key: &'static str, label: T) -> ParamSpec {
    ParamSpec::linear(
        key,
        label,
        T::new(
            "Irreducible loss of the task (its minimum is s_i m_i); at least 0.001, since log weighting needs m > 0.",
            "该任务不可约的损失（最小值为 s_i m_i）；至少 0.001，因为对数加权要求 m > 0。",
        ),
        (1e-3, 10.0),
        1.0,
        0.0,
    )
}

const fn prior_param(key: &'static str, label: T, default: f64) -> ParamSpec {
    ParamSpec::log(
        key,
        label,
        T::new(
            "Prior loss D_i of the task (what a model knowing only the label prior scores); the prior scheme \
      \
                       divides by it.",
            "该任务的先验损失 D_i（只知道标签先验的模型能达到的损失）；先验方案用它去除。",
        ),
        (1e-3, 1e3),
        default,
    )
}

/// The `show` choices: groups first, then each scheme by name.
pub const SHOW: [&str; 11] = [
    "all",
    "post",
    "scale-invariant",
    "shift-invariant",
    "equal",
    "init",
    "prior",
    "realtime",
    "genmean",
    "gradnorm",
    "uncertainty",
];

/// The parameter table (issue 7; ranges from theory §2).
pub static PARAMS: [ParamSpec; 26] = [
    coord(
        "c1x",
        T::new("c₁ x (task 1 centre)", "c₁ x（任务 1 中心）"),
        T::new("Optimum of task 1; drag its square on the plane.", "任务 1 的最优点；可在平面上拖动它的方块。"),
        0.0,
    ),
    coord("c1y", T::new("c₁ y", "c₁ y"), T::new("Optimum of task 1.", "任务 1 的最优点。"), 0.0),
    coord(
        "c2x",
        T::new("c₂ x (task 2 centre)", "c₂ x（任务 2 中心）"),
        T::new("Optimum of task 2; drag its square on the plane.", "任务 2 的最优点；可在平面上拖动它的方块。"),
        4.0,
    ),
    coord("c2y", T::new("c₂ y", "c₂ y"), T::new("Optimum of task 2.", "任务 2 的最优点。"), 0.0),
    coord(
        "c3x",
        T::new("c₃ x (task 3 centre)", "c₃ x（任务 3 中心）"),
        T::new("Optimum of task 3; drag its square on the plane.", "任务 3 的最优点；可在平面上拖动它的方块。"),
        1.0,
    ),
    coord("c3y", T::new("c₃ y", "c₃ y"), T::new("Optimum of task 3.", "任务 3 的最优点。"), 3.0),
    scale_param("s1", T::new("s₁ (task 1 scale)", "s₁（任务 1 尺度）")),
    scale_param("s2", T::new("s₂ (task 2 scale)", "s₂（任务 2 尺度）")),
    scale_param("s3", T::new("s₃ (task 3 scale)", "s₃（任务 3 尺度）")),
    offset_param("m1", T::new("m₁ (task 1 offset)", "m₁（任务 1 偏移）")),
    offset_param("m2", T::new("m₂ (task 2 offset)", "m₂（任务 2 偏移）")),
    offset_param("m3", T::new("m₃ (task 3 offset)", "m₃（任务 3 偏移）")),
    coord(
        "theta0_x",
        T::new("θ₀ x (start)", "θ₀ x（起点）"),
        T::new(
            "Start of every scheme; click the plane away from the centres to set it.",
            "所有方案的起点；在平面上远离中心处点击可设定。",
        ),
        3.0,
    ),
    coord("theta0_y", T::new("θ₀ y", "θ₀ y"), T::new("Start of every scheme.", "所有方案的起点。"), 3.0),
    ParamSpec::log(
        "lr",
        T::new("η (step size)", "η（步长）"),
        T::new(
            "Gradient-descent step of every scheme (gradient normalisation decays it as η/√(1 + k/100)).",
            "所有方案的梯度下降步长（梯度归一化按 η/√(1 + k/100) 衰减）。",
        ),
        (1e-5, 1.0),
        0.05,
    ),
    ParamSpec::linear(
        "gamma",
        T::new("γ (generalised mean)", "γ（广义平均）"),
        T::new(
            "Exponent of the generalised mean ((1/n) Σ L_i^γ)^{1/γ}: γ = 1 arithmetic, γ → 0 geometric, \
           \
                  large γ the worst task, very negative γ the easiest task.",
            "广义平均 ((1/n) Σ L_i^γ)^{1/γ} 的指数：γ = 1 为算术平均，γ → 0 为几何平均，γ 很大时只看最差的任务，γ \
                很负时只看最容易的任务。",
        ),
        (-8.0, 8.0),
        0.5,
        0.01,
    ),
    prior_param("prior1", T::new("D₁ (task 1 prior loss)", "D₁（任务 1 先验损失）"), 1.0),
    prior_param("prior2", T::new("D₂ (task 2 prior loss)", "D₂（任务 2 先验损失）"), 2.0),
    prior_param("prior3", T::new("D₃ (task 3 prior loss)", "D₃（任务 3 先验损失）"), 4.0),
    ParamSpec::choice(
        "show",
        T::new("show", "显示"),
        T::new(
            "Which schemes are drawn: all, the six from the post, the scale- or shift-invariant ones, or one.",
            "画哪些方案：全部、原文的六种、缩放不变或平移不变的方案，或其中一种。",
        ),
        &SHOW,
        "all",
    ),
    ParamSpec::choice(
        "replay",
        T::new("invariance replay", "不变性重放"),
        T::new(
            "Rerun every scheme with task 1's loss ×1000 or +5 and draw the new paths (thin) over the old (wide).",
            "把任务 1 的损失 ×1000 或 +5 后重跑每个方案，新路径（细线）画在旧路径（粗线）之上。",
        ),
        &["none", "x1000", "plus5"],
        "none",
    ),
    ParamSpec::list(
        "calc_freq",
        T::new("calculator: class frequencies", "计算器：类别频率"),
        T::new(
            "Class counts or frequencies p (normalised) for the prior calculator: log K versus H(p).",
            "先验计算器用的类别计数或频率 p（会归一化）：log K 对比 H(p)。",
        ),
        (0.0, 1000.0),
        (2, 12),
        &[0.7, 0.2, 0.1],
    ),
    ParamSpec::linear(
        "calc_mean",
        T::new("calculator: target mean μ", "计算器：目标均值 μ"),
        T::new(
            "Mean of a regression target for the prior calculator: E y² = μ² + σ² versus Var y = σ².",
            "先验计算器用的回归目标均值：E y² = μ² + σ² 对比 Var y = σ²。",
        ),
        (-100.0, 100.0),
        3.0,
        0.1,
    ),
    ParamSpec::linear(
        "calc_sd",
        T::new("calculator: target s.d. σ", "计算器：目标标准差 σ"),
        T::new(
            "Standard deviation of the regression target for the prior calculator.",
            "先验计算器用的回归目标标准差。",
        ),
        (0.0, 100.0),
        1.0,
        0.1,
    ),
    ParamSpec::flag(
        "contours",
        T::new("contours", "等高线"),
        T::new("Draw three level circles of each task loss.", "为每个任务的损失画三条等值圆。"),
        true,
    ),
    ParamSpec::flag(
        "predicted",
        T::new("predicted end points", "预测终点"),
        T::new(
            "Mark where the theory says each drawn scheme stops (small rings in the scheme's colour).",
            "标出理论预测的各方案终点（方案颜色的小圆环）。",
        ),
        true,
    ),
];

/// The two invariance buttons, a way back, and the log-weighting caveat of theory §4.
pub static PRESETS: [Preset; 4] = [
    Preset::new("x1000", T::new("x1000 task 1", "任务 1 ×1000"), &[("replay", "x1000")]).claim(Claim::new(
        "equal_replay_diverged",
        Op::Eq,
        1.0,
        50,
        T::new(
            "equal weights' ×1000 replay running away while the scale-invariant paths stay put",
            "等权方案在 ×1000 重放中跑远，缩放不变的路径保持不动",
        ),
    )),
    Preset::new("plus5", T::new("+5 task 1", "任务 1 +5"), &[("replay", "plus5")]).claim(Claim::new(
        "realtime_replay_gap",
        Op::Gt,
        0.1,
        100,
        T::new(
            "the real-time-loss path moving under +5 while gradient normalisation stays put",
            "实时损失方案在 +5 下移动，梯度归一化保持不动",
        ),
    )),
    Preset::new("no-replay", T::new("no replay", "不重放"), &[("replay", "none")]).claim(Claim::new(
        "gradnorm_x",
        Op::Lt,
        1.31,
        400,
        T::new(
            "gradient normalisation stopping at the geometric median (1.30, 1.05)",
            "梯度归一化停在几何中位数 (1.30, 1.05)",
        ),
    )),
    Preset::new(
        "tiny-offsets",
        T::new("tiny offsets: log picks one task", "极小偏移：对数加权只选一个任务"),
        &[("m1", "0.01"), ("m2", "0.01"), ("m3", "0.01"), ("lr", "0.01"), ("show", "realtime"), ("replay", "none")],
    )
    .claim(Claim::new(
        "realtime_min_loss",
        Op::Lt,
        0.0101,
        400,
        T::new("the real-time (log) scheme settling on one task's centre", "实时（对数）方案停在某一个任务的中心"),
    )),
];

macro_rules! scheme_metrics {
    ($($s:literal),*) => {
        [$(
            concat!($s, "_x"),
            concat!($s, "_y"),
            concat!($s, "_max_loss"),
            concat!($s, "_min_loss"),
            concat!($s, "_diverged"),
            concat!($s, "_replay_gap"),
            concat!($s, "_replay_diverged"),
        )* "centroid_x", "centroid_y", "median_x", "median_y"]
    };
}

/// Metrics per scheme S (in [`Scheme::ALL`] order), then the two overlay points:
/// - `S_x`, `S_y`: the end point (current iterate) of the original run; null once diverged.
/// - `S_max_loss`, `S_min_loss`: `max_i L_i` and `min_i L_i` there; null once diverged.
/// - `S_diverged`: 1 if the original run left `|θ|∞ ≤ 10⁶` or went non-finite, else 0.
/// - `S_replay_gap`: with a replay on, the largest distance so far between the original and the replayed
///   iterate at the same step (0 up to rounding for a scheme invariant to the change); null without a replay
///   or once either run has diverged.
/// - `S_replay_diverged`: 1 if the replayed run diverged, 0 if not, null without a replay.
/// - `centroid_x/y`: the s-weighted centroid `Σ s_i c_i / Σ s_i`; `median_x/y`: the geometric median.
pub static METRICS: [&str; 53] =
    scheme_metrics!("equal", "init", "prior", "realtime", "genmean", "gradnorm", "uncertainty");
