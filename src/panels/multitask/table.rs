//! The multi-task panel's parameter table, presets and metric names (the hash and CLI contract).

use crate::panel::{Claim, Op, Preset};
use crate::params::{Kind, ParamSpec, Scale};

const fn coord(key: &'static str, label: &'static str, help: &'static str, default: f64) -> ParamSpec {
    ParamSpec {
        key,
        label,
        unit: "",
        help,
        kind: Kind::Float { min: -10.0, max: 10.0, default, scale: Scale::Linear, step: 0.01 },
    }
}

const fn scale_param(key: &'static str, label: &'static str) -> ParamSpec {
    ParamSpec {
        key,
        label,
        unit: "×",
        help: "Scale of the task's loss: L_i = s_i(½‖θ − c_i‖² + m_i).",
        kind: Kind::Float { min: 1e-3, max: 1e3, default: 1.0, scale: Scale::Log, step: 0.0 },
    }
}

const fn offset_param(key: &'static str, label: &'static str) -> ParamSpec {
    ParamSpec {
        key,
        label,
        unit: "",
        help: "Irreducible loss of the task (its minimum is s_i m_i); at least 0.001, since log weighting needs m > 0.",
        kind: Kind::Float { min: 1e-3, max: 10.0, default: 1.0, scale: Scale::Linear, step: 0.0 },
    }
}

const fn prior_param(key: &'static str, label: &'static str, default: f64) -> ParamSpec {
    ParamSpec {
        key,
        label,
        unit: "",
        help: "Prior loss D_i of the task (what a model knowing only the label prior scores); the prior scheme \
               divides by it.",
        kind: Kind::Float { min: 1e-3, max: 1e3, default, scale: Scale::Log, step: 0.0 },
    }
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
    coord("c1x", "c₁ x (task 1 centre)", "Optimum of task 1; drag its square on the plane.", 0.0),
    coord("c1y", "c₁ y", "Optimum of task 1.", 0.0),
    coord("c2x", "c₂ x (task 2 centre)", "Optimum of task 2; drag its square on the plane.", 4.0),
    coord("c2y", "c₂ y", "Optimum of task 2.", 0.0),
    coord("c3x", "c₃ x (task 3 centre)", "Optimum of task 3; drag its square on the plane.", 1.0),
    coord("c3y", "c₃ y", "Optimum of task 3.", 3.0),
    scale_param("s1", "s₁ (task 1 scale)"),
    scale_param("s2", "s₂ (task 2 scale)"),
    scale_param("s3", "s₃ (task 3 scale)"),
    offset_param("m1", "m₁ (task 1 offset)"),
    offset_param("m2", "m₂ (task 2 offset)"),
    offset_param("m3", "m₃ (task 3 offset)"),
    coord("theta0_x", "θ₀ x (start)", "Start of every scheme; click the plane away from the centres to set it.", 3.0),
    coord("theta0_y", "θ₀ y", "Start of every scheme.", 3.0),
    ParamSpec {
        key: "lr",
        label: "η (step size)",
        unit: "",
        help: "Gradient-descent step of every scheme (gradient normalisation decays it as η/√(1 + k/100)).",
        kind: Kind::Float { min: 1e-5, max: 1.0, default: 0.05, scale: Scale::Log, step: 0.0 },
    },
    ParamSpec {
        key: "gamma",
        label: "γ (generalised mean)",
        unit: "",
        help: "Exponent of the generalised mean ((1/n) Σ L_i^γ)^{1/γ}: γ = 1 arithmetic, γ → 0 geometric, \
               large γ the worst task, very negative γ the easiest task.",
        kind: Kind::Float { min: -8.0, max: 8.0, default: 0.5, scale: Scale::Linear, step: 0.01 },
    },
    prior_param("prior1", "D₁ (task 1 prior loss)", 1.0),
    prior_param("prior2", "D₂ (task 2 prior loss)", 2.0),
    prior_param("prior3", "D₃ (task 3 prior loss)", 4.0),
    ParamSpec {
        key: "show",
        label: "show",
        unit: "",
        help: "Which schemes are drawn: all, the six from the post, the scale- or shift-invariant ones, or one.",
        kind: Kind::Choice { choices: &SHOW, default: "all" },
    },
    ParamSpec {
        key: "replay",
        label: "invariance replay",
        unit: "",
        help: "Rerun every scheme with task 1's loss ×1000 or +5 and draw the new paths (thin) over the old (wide).",
        kind: Kind::Choice { choices: &["none", "x1000", "plus5"], default: "none" },
    },
    ParamSpec {
        key: "calc_freq",
        label: "calculator: class frequencies",
        unit: "",
        help: "Class counts or frequencies p (normalised) for the prior calculator: log K versus H(p).",
        kind: Kind::List { min: 0.0, max: 1000.0, min_len: 2, max_len: 12, default: &[0.7, 0.2, 0.1] },
    },
    ParamSpec {
        key: "calc_mean",
        label: "calculator: target mean μ",
        unit: "",
        help: "Mean of a regression target for the prior calculator: E y² = μ² + σ² versus Var y = σ².",
        kind: Kind::Float { min: -100.0, max: 100.0, default: 3.0, scale: Scale::Linear, step: 0.1 },
    },
    ParamSpec {
        key: "calc_sd",
        label: "calculator: target s.d. σ",
        unit: "",
        help: "Standard deviation of the regression target for the prior calculator.",
        kind: Kind::Float { min: 0.0, max: 100.0, default: 1.0, scale: Scale::Linear, step: 0.1 },
    },
    ParamSpec {
        key: "contours",
        label: "contours",
        unit: "",
        help: "Draw three level circles of each task loss.",
        kind: Kind::Bool { default: true },
    },
    ParamSpec {
        key: "predicted",
        label: "predicted end points",
        unit: "",
        help: "Mark where the theory says each drawn scheme stops (small rings in the scheme's colour).",
        kind: Kind::Bool { default: true },
    },
];

/// The two invariance buttons, a way back, and the log-weighting caveat of theory §4.
pub static PRESETS: [Preset; 4] = [
    Preset::new("x1000", "x1000 task 1", &[("replay", "x1000")]).claim(Claim::new(
        "equal_replay_diverged",
        Op::Eq,
        1.0,
        50,
        "equal weights' ×1000 replay running away while the scale-invariant paths stay put",
    )),
    Preset::new("plus5", "+5 task 1", &[("replay", "plus5")]).claim(Claim::new(
        "realtime_replay_gap",
        Op::Gt,
        0.1,
        100,
        "the real-time-loss path moving under +5 while gradient normalisation stays put",
    )),
    Preset::new("no-replay", "no replay", &[("replay", "none")]).claim(Claim::new(
        "gradnorm_x",
        Op::Lt,
        1.31,
        400,
        "gradient normalisation stopping at the geometric median (1.30, 1.05)",
    )),
    Preset::new(
        "tiny-offsets",
        "tiny offsets: log picks one task",
        &[("m1", "0.01"), ("m2", "0.01"), ("m3", "0.01"), ("lr", "0.01"), ("show", "realtime"), ("replay", "none")],
    )
    .claim(Claim::new(
        "realtime_min_loss",
        Op::Lt,
        0.0101,
        400,
        "the real-time (log) scheme settling on one task's centre",
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
