//! TaiLr on one context: the optimum of the expected loss is a water-filling rule that cuts noise labels.
//!
//! Post: Su Jianlin, "缓解交叉熵过度自信的一个简明方案", https://kexue.fm/archives/9526 (theory note
//! `shared/theory/tailr.md` §2–§3), on TaiLr (Ji et al., arXiv:2302.13344). TaiLr replaces cross-entropy
//! `−ln p` by `L_γ = −ln(γ + (1−γ)p)/(1−γ)`, whose logit gradient is cross-entropy's `p − e_y` weighted by
//! `w(p) = p/(γ + (1−γ)p)`; the paper's stop-gradient form floors the weight at `b`. Free logits trained on a
//! label distribution `q` converge, for `b = 0`, to `p*_j = max(0, (q_j/μ − γ)/(1 − γ))` with `Σ p* = 1`:
//! every label with `q_j ≤ γμ` is cut to zero and the survivors are sharpened, so for
//! `q = (1−ε) onehot + ε uniform(K)` the noise disappears completely once `γ ≥ q_n/q_c`. Cross-entropy
//! (`γ = 0`) reproduces `q`, noise included. The figure shows the bars of `q`, of the current `p` and of the
//! analytic `p*` with the cut-off `γμ`, and the loss and its gradient weight against `p` beside
//! cross-entropy and `−p`.
//!
//! Representation choices: `q` is a list parameter; empty means "use `eps` and `classes`". A list that does
//! not sum to 1 is normalised, an all-zero list is replaced by the uniform distribution and a one-entry list
//! is ignored (the figure's headline says which happened). Clicking a bar sets that label's `q` entry.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::tailr::single::model;

use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{fmt_f64, ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{one_hot_threshold, resolve_q, Config, Single, MAX_CLASSES};

/// The parameter table (issue 8; ranges from theory §3).
pub static PARAMS: [ParamSpec; 6] = [
    ParamSpec::linear(
        "gamma",
        T::new("γ (TaiLr)", "γ（TaiLr）"),
        T::new(
            "TaiLr's γ: 0 is cross-entropy, 1 is −p (smoothed accuracy); the gradient weight is p/(γ + (1−γ)p).",
            "TaiLr 的 γ：0 即交叉熵，1 即 −p（光滑化的准确率）；梯度权重为 p/(γ + (1−γ)p)。",
        ),
        (0.0, 1.0),
        0.1,
        0.005,
    ),
    ParamSpec::linear(
        "floor",
        T::new("b (weight floor)", "b（权重下限）"),
        T::new(
            "The paper's floor: the weight is max(b, p/(γ + (1−γ)p)), so no label is ever cut; b = 1 is cross-entropy.",
            "论文中的下限：权重为 max(b, p/(γ + (1−γ)p))，因此没有标签会被截掉；b = 1 即交叉熵。",
        ),
        (0.0, 1.0),
        0.0,
        0.01,
    ),
    ParamSpec::linear(
        "eps",
        T::new("ε (label noise)", "ε（标签噪声）"),
        T::new(
            "q = (1−ε)·onehot + ε·uniform over K labels (used when the list q is empty).",
            "q = (1−ε)·onehot + ε·K 个标签上的均匀分布（列表 q 为空时使用）。",
        ),
        (0.0, 0.9),
        0.3,
        0.01,
    ),
    ParamSpec::int(
        "classes",
        T::new("K (labels)", "K（标签数）"),
        T::new("Number of labels (used when the list q is empty).", "标签个数（列表 q 为空时使用）。"),
        (2, 50),
        10,
    ),
    ParamSpec::list(
        "q",
        T::new("q (label distribution)", "q（标签分布）"),
        T::new(
            "Explicit label probabilities, comma-separated (normalised if they do not sum to 1); overrides ε and K. \
                \
             Empty uses ε and K. Click a bar to set its entry.",
            "直接给出各标签的概率，以逗号分隔（和不为 1 时会归一化）；会覆盖 ε 和 K。留空则用 ε 和 K。\
                点击条形可设定对应分量。",
        ),
        (0.0, 1000.0),
        (0, MAX_CLASSES),
        &[],
    ),
    ParamSpec::log(
        "h",
        T::new("h (step size)", "h（步长）"),
        T::new(
            "Gradient-descent step on the logits: z ← z − h·g with the expected gradient g.",
            "在 logits 上做梯度下降：z ← z − h·g，g 为期望梯度。",
        ),
        (0.01, 2.0),
        0.5,
    ),
];

/// Presets: the noise cut (default), γ just below the threshold, cross-entropy, the `−p` limit, a floor,
/// and a hand-made q.
pub static PRESETS: [Preset; 5] = [
    Preset::new(
        "noise-cut",
        T::new("noise cut (γ = 0.1)", "截掉噪声（γ = 0.1）"),
        &[("gamma", "0.1"), ("floor", "0"), ("q", "")],
    )
    .claim(Claim::new(
        "max_gap",
        Op::Lt,
        0.02,
        300,
        T::new("the noise labels draining towards 0: p becoming one-hot", "噪声标签的概率流向 0：p 变成 one-hot"),
    )),
    Preset::new(
        "below-threshold",
        T::new("below threshold (γ = 0.02)", "低于阈值（γ = 0.02）"),
        &[("gamma", "0.02"), ("floor", "0"), ("q", "")],
    )
    .claim(Claim::new(
        "max_gap",
        Op::Lt,
        1e-3,
        300,
        T::new("p settling on p* with every label kept", "p 稳定在 p*，每个标签都保留"),
    )),
    Preset::new(
        "cross-entropy",
        T::new("cross-entropy (γ = 0)", "交叉熵（γ = 0）"),
        &[("gamma", "0"), ("floor", "0"), ("q", "")],
    )
    .claim(Claim::new(
        "max_gap",
        Op::Lt,
        1e-3,
        200,
        T::new("p settling on q itself (0.73 and 0.03)", "p 稳定在 q 本身（0.73 和 0.03）"),
    )),
    Preset::new("floor", T::new("floor b = 0.3", "下限 b = 0.3"), &[("gamma", "0.5"), ("floor", "0.3"), ("q", "")])
        .claim(Claim::new(
            "max_gap",
            Op::Lt,
            1e-3,
            300,
            T::new("p settling with the noise labels held up by the floor", "p 稳定下来，噪声标签被下限托住"),
        )),
    Preset::new(
        "q-list",
        T::new("q = 0.5, 0.3, 0.15, 0.05", "q = 0.5, 0.3, 0.15, 0.05"),
        &[("gamma", "0.3"), ("floor", "0"), ("q", "0.5,0.3,0.15,0.05")],
    )
    .claim(Claim::new(
        "max_gap",
        Op::Lt,
        0.02,
        400,
        T::new(
            "the two small labels draining to 0 while the two large ones share the mass",
            "两个小标签流向 0，两个大标签分掉全部概率",
        ),
    )),
];

/// The metrics, in order.
///
/// - `p`: the current probabilities; `p_star`: the analytic optimum (theory §2; with a floor, the stationary
///   point derived in [`model::optimum`]); `max_gap`: `max_j |p_j − p*_j|`; `mu`: the multiplier
///   `μ = Σ_j q_j w̃(p*_j)`.
/// - `q`: the label distribution used (normalised); `cutoff`: `γμ` (labels with `q_j ≤ γμ` get `p* = 0`), or
///   with a floor the level below which labels sit on the floor; `threshold`: `q₂/q₁`, the γ at and above
///   which `p*` is one-hot (for the noisy one-hot `q` this is `q_n/q_c`); `active`: the number of labels with
///   `p*_j > 0`; `loss`: the expected loss `Σ q_j L_γ(p_j)`.
pub static METRICS: [&str; 9] = ["p", "p_star", "max_gap", "mu", "q", "cutoff", "threshold", "active", "loss"];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    golden_steps: 300,
    aspect: (0.56, 1.4),
    presets: &PRESETS,
    clickable: true,
    // The probabilities stop approaching p* (the noise-cut runs approach it like 1/t and settle late).
    settle: Some(Settle { metrics: &["max_gap", "loss"], rel_tol: 1e-07, abs_tol: 1e-12, window: 200 }),
    more_settings: &["classes", "q", "h"],
    metrics_info: &metrics_info::INFO,
    ..PanelSpec::new(
        "tailr-single",
        T::new("TaiLr on one context: the water-filling optimum", "单个上下文上的 TaiLr：注水式最优解"),
        &PARAMS,
        &METRICS,
        |p, _seed| Box::new(SingleSim::new(config_from(p))),
    )
};

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    let (q, source) = resolve_q(p.list("q"), p.f64("eps"), p.int("classes").clamp(2, MAX_CLASSES as i64) as usize);
    Config { gamma: p.f64("gamma"), floor: p.f64("floor"), h: p.f64("h"), q, source }
}

/// The live simulation.
pub struct SingleSim {
    /// The model.
    pub model: Single,
}

impl SingleSim {
    /// A simulation of `cfg` at step 0.
    pub fn new(cfg: Config) -> Self {
        SingleSim { model: Single::new(cfg) }
    }
}

impl Sim for SingleSim {
    fn step(&mut self) {
        self.model.step();
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let m = &self.model;
        vec![
            ("p", Metric::List(m.p.clone())),
            ("p_star", Metric::List(m.opt.p.clone())),
            ("max_gap", Metric::Num(m.max_gap())),
            ("mu", Metric::Num(m.opt.mu)),
            ("q", Metric::List(m.cfg.q.clone())),
            ("cutoff", Metric::Num(m.opt.cutoff)),
            ("threshold", Metric::Num(one_hot_threshold(&m.cfg.q))),
            ("active", Metric::Int(m.opt.p.iter().filter(|v| **v > 0.0).count() as i64)),
            ("loss", Metric::Num(m.expected_loss())),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        Drawn { planes: draw::draw(area, self, theme).into_iter().collect(), ..Drawn::default() }
    }

    /// A click or drag on the bar chart sets the `q` entry of the label under the pointer to the probability
    /// under it (the list starts from the current, normalised `q`; the model renormalises).
    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        let Some((x, s)) = drawn.to_data(0, px, py) else { return Vec::new() };
        let q = &self.model.cfg.q;
        if q.is_empty() || !x.is_finite() || x < 0.0 {
            return Vec::new();
        }
        let j = (x.floor() as usize).min(q.len() - 1);
        let v = (s.max(0.0) * s.max(0.0)).min(1.0);
        let v = (v * 1000.0).round() / 1000.0;
        let mut list: Vec<f64> = q.iter().map(|x| (x * 1000.0).round() / 1000.0).collect();
        list[j] = v;
        vec![("q", list.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(","))]
    }
}
