//! Softmax and smooth Top-k: temperature, thresholds and where constructions fail.
//!
//! Post: Su Jianlin, "Softmax后传：寻找Top-K的光滑近似", https://kexue.fm/archives/10373 (theory note
//! `shared/theory/topk.md`). Softmax is the smooth version of argmax; the post asks for a smooth Top-k
//! `ST_k(x/τ)` that sums to k, stays in [0, 1], keeps the order of the scores and tends to the hard multi-hot
//! vector as τ → 0. The figure puts seven constructions on the same draggable scores: three thresholds
//! `p = f(x/τ − λ)` (exp-min, sigmoid by bisection, the C¹ "smooth" f), GradTopK `Z_{k,i}/Z_k` through a
//! stable DP (prefix/suffix tables of positive terms) and through the post's recursion, and two iterations
//! (Su's 2019 one and the Stack Exchange weighted softmax). It shows the output over the hard Top-k, the
//! threshold, the Jacobian, every output against log τ, and all constructions side by side, and it flags where
//! one fails: values above 1, broken order, the recursion's numerical breakdown, smooth-f ≠ softmax at k = 1,
//! naive f32 softmax at low τ.
//! Playing multiplies τ by `anneal` per step, down to a floor of 10⁻⁴ of the start (never below 10⁻⁶, the τ
//! slider's minimum, so that the τ a paused run commits is the one it shows). Input (a preset, a dragged
//! bar) does not start annealing ([`Panel::plays_on_input`]), so a failure a preset is about stays on screen until
//! the reader presses Play; the τ slider then follows the annealed τ ([`Panel::follows`]).
//!
//! The `threshold` metric is reported in score units, `τλ` (so `p_i = f((x_i − τλ)/τ)`), which is where the
//! figure draws it among the score bars.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::topk::methods;
pub use dynamics_models::panels::topk::model;

use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{fmt_f64, ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use methods::Method;
use model::{round_decimal, Config, Curves, Lab, Precision, Snapshot, TAU_MIN, X_MAX};
use std::cell::RefCell;
use std::rc::Rc;

/// The parameter table (issue 4; ranges from theory §3).
pub static PARAMS: [ParamSpec; 9] = [
    ParamSpec::choice(
        "method",
        T::new("construction", "构造"),
        T::new(
            "exp, sigmoid, smooth: thresholds f(x/τ − λ); gradtopk: Z_{k,i}/Z_k by a stable DP; \
             \
                gradtopk-recursion: the post's unstable recursion; su-iterative, se-weighted: iterated softmaxes.",
            "exp、sigmoid、smooth：阈值形式 f(x/τ − λ)；gradtopk：用稳定的 DP 计算 Z_{k,i}/Z_k；gradtopk-recursion：\
                原文中不稳定的递推；su-iterative、se-weighted：迭代的 Softmax。",
        ),
        &["exp", "sigmoid", "smooth", "gradtopk", "gradtopk-recursion", "su-iterative", "se-weighted"],
        "exp",
    ),
    ParamSpec::int(
        "k",
        T::new("k", "k"),
        T::new(
            "How many entries the hard Top-k keeps (clamped to n − 1).",
            "硬 Top-k 保留的分量个数（不超过 n − 1）。",
        ),
        (1, 31),
        3,
    ),
    // Down to 10⁻⁶ (the theory's design range starts at 0.01): annealing goes to 10⁻⁴ of the start, and a
    // paused run commits the τ it shows, so the slider and the link must be able to carry it.
    ParamSpec::log(
        "tau",
        T::new("τ (temperature)", "τ（温度）"),
        T::new(
            "The outputs are ST_k(x/τ); small τ approaches the hard Top-k. Click the annealing plot to set it.",
            "输出为 ST_k(x/τ)；τ 越小越接近硬 Top-k。点击退火图可设定 τ。",
        ),
        (TAU_MIN, 10.0),
        1.0,
    ),
    ParamSpec::list(
        "x",
        T::new("scores x", "分数 x"),
        T::new(
            "Comma-separated scores (up to 32); empty draws n random scores from the seed. Drag the bars.",
            "以逗号分隔的分数（最多 32 个）；留空则由随机种子生成 n 个随机分数。可拖动条形。",
        ),
        (-X_MAX, X_MAX),
        (0, 32),
        &[],
    ),
    ParamSpec::int(
        "n",
        T::new("n (random scores)", "n（随机分数个数）"),
        T::new("Number of random scores when x is empty.", "x 为空时随机分数的个数。"),
        (4, 32),
        8,
    ),
    ParamSpec::log(
        "spread",
        T::new("spread", "散布"),
        T::new("Standard deviation of the random scores when x is empty.", "x 为空时随机分数的标准差。"),
        (0.1, 16.0),
        2.0,
    ),
    ParamSpec::int(
        "iterations",
        T::new("bisection steps", "二分次数"),
        T::new(
            "Halvings of the sigmoid threshold's bracket (the post uses 20; about 60 reach f64 precision).",
            "Sigmoid 阈值区间的二分次数（原文用 20 次；约 60 次达到 f64 精度）。",
        ),
        (1, 60),
        20,
    ),
    ParamSpec::linear(
        "anneal",
        T::new("anneal (τ factor per step)", "退火（τ 每步的倍数）"),
        T::new(
            "Play multiplies τ by this each step, down to 10⁻⁴ of the start (at least 10⁻⁶); 1 = no annealing.",
            "播放时每步把 τ 乘以此数，直到初值的 10⁻⁴（至少 10⁻⁶）；1 表示不退火。",
        ),
        (0.8, 1.0),
        0.97,
        0.001,
    )
    .unit("×"),
    ParamSpec::choice(
        "precision",
        T::new("arithmetic", "运算精度"),
        T::new(
            "Every construction runs in this floating-point type (f32: every operation rounds to single).",
            "所有构造都用这种浮点类型计算（f32：每次运算都舍入到单精度）。",
        ),
        &["f64", "f32"],
        "f64",
    ),
];

/// Presets: the failures the theory documents, each on the post's example scores where it applies.
pub static PRESETS: [Preset; 5] = [
    Preset::new(
        "su-exceeds-1",
        T::new("Su-iterative exceeds 1", "Su 迭代构造超过 1"),
        &[("method", "su-iterative"), ("x", "3,2,1,4"), ("k", "3"), ("tau", "1"), ("precision", "f64")],
    )
    .claim(Claim::new("max", Op::Gt, 1.0, 1, T::new("an output above 1 (1.117)", "一个输出超过 1（1.117）"))),
    Preset::new(
        "se-wrong-limit",
        T::new("SE: wrong τ → 0 limit", "SE：τ → 0 极限错误"),
        &[("method", "se-weighted"), ("x", "3,2,1,4"), ("k", "2"), ("tau", "0.3"), ("precision", "f64")],
    )
    .claim(Claim::new(
        "max",
        Op::Gt,
        1.4,
        1,
        T::new("1.46 on the largest score, heading for 1.5 instead of 1", "最大分数上为 1.46，趋向 1.5 而不是 1"),
    )),
    Preset::new(
        "recursion-breaks",
        T::new("recursion breaks at τ = 0.3", "τ = 0.3 时递推崩溃"),
        &[
            ("method", "gradtopk-recursion"),
            ("x", ""),
            ("n", "32"),
            ("spread", "2"),
            ("k", "8"),
            ("tau", "0.3"),
            ("precision", "f64"),
        ],
    )
    .claim(Claim::new(
        "breakdown",
        Op::Eq,
        1.0,
        1,
        T::new("the recursion off from the stable DP (breakdown)", "递推结果偏离稳定 DP（崩溃）"),
    )),
    Preset::new(
        "smooth-k1",
        T::new("smooth f, k = 1 ≠ softmax", "光滑 f，k = 1 ≠ Softmax"),
        &[("method", "smooth"), ("x", "3,2,1,4"), ("k", "1"), ("tau", "1"), ("precision", "f64")],
    )
    .claim(Claim::new(
        "max",
        Op::Lt,
        0.64,
        1,
        T::new("a largest output of 0.628 where softmax gives 0.644", "最大输出为 0.628，而 Softmax 给出 0.644"),
    )),
    Preset::new(
        "f32-softmax",
        T::new("f32 softmax at τ = 0.01", "τ = 0.01 时的 f32 Softmax"),
        &[("method", "exp"), ("x", "3,2,1,4"), ("k", "1"), ("tau", "0.01"), ("precision", "f32")],
    )
    .claim(Claim::new(
        "naive_f32_ok",
        Op::Eq,
        0.0,
        1,
        T::new(
            "the naive f32 softmax giving NaN while the stable one stays exact",
            "朴素 f32 Softmax 给出 NaN，稳定版本仍然精确",
        ),
    )),
];

/// The metrics reported by `dynamics run`, in order (the first eight are named by issue 4).
pub static METRICS: [&str; 16] = [
    "p",
    "sum",
    "max",
    "min",
    "threshold",
    "max_dev_hard",
    "monotone",
    "tau",
    "in_range",
    "breakdown",
    "recursion_dev",
    "annealing_done",
    "k_used",
    "n",
    "naive_f32_ok",
    "recursion_nan",
];

/// Whether the naive f32 softmax `e^y/Σe^y` (shown in the comparison strip when k = 1) is finite at the
/// current τ; `null` when k > 1, where it is not computed.
fn naive_f32_ok(s: &Snapshot) -> Metric {
    match s.rows.iter().find(|r| r.label == "naive f32") {
        Some(r) => Metric::Bool(r.p.iter().all(|v| v.is_finite())),
        None => Metric::Null,
    }
}

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    steps_per_frame: 1,
    golden_steps: 40,
    aspect: (0.56, 1.8),
    // A change of any setting shows the construction at the slider's τ: the run restarts at step 0 rather
    // than replaying the annealing to the current step (the page commits the followed τ to the slider when
    // it pauses, so the picture does not jump).
    replay_limit: 0,
    presets: &PRESETS,
    clickable: true,
    // A preset or a dragged bar shows its construction at the slider's τ and stays there: stepping anneals
    // τ, so the run moves on only when the reader presses Play.
    plays_on_input: false,
    // While annealing plays, the τ slider shows the current τ.
    follows: &[("tau", "tau")],
    // τ stops changing: annealing has reached its floor, or `anneal` is 1 and nothing moves.
    settle: Some(Settle { metrics: &["tau"], rel_tol: 0.0, abs_tol: 0.0, window: 10 }),
    more_settings: &["n", "spread", "iterations", "anneal", "precision"],
    metrics_info: &metrics_info::INFO,
    // Each step anneals τ once; the annealing is the figure's point, so auto keeps one step per frame.
    max_auto_steps: 1,
    // Empty means "draw n random scores"; one score has no top-k, and silently replacing it with random
    // scores would hide the mistake, so it is rejected like any other malformed value.
    check_params: |params, lang| {
        if params.list("x").len() == 1 {
            return Err(T::new(
                "'x' needs at least 2 comma-separated scores (or none, for n random scores)",
                "“x”至少要有 2 个以逗号分隔的分数（或留空，使用 n 个随机分数）",
            )
            .get(lang)
            .to_string());
        }
        Ok(())
    },
    ..PanelSpec::new(
        "topk",
        T::new("Smooth Top-k: temperature and failures", "光滑 Top-k：温度与失效"),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(TopkSim::new(p, seed)),
    )
};

/// The live simulation: the lab, its annealing curves (computed once per build) and a per-τ cache.
pub struct TopkSim {
    /// The model.
    pub lab: Lab,
    /// The selected construction's annealing curves.
    pub curves: Curves,
    snap: RefCell<Option<Rc<Snapshot>>>,
}

/// Samples of the annealing curves: 64 over 5–7 decades of τ, about 10 per decade, enough for the
/// smooth sigmoid-like transitions (each spans about a decade) and cheap enough to recompute on every drag.
const CURVE_SAMPLES: usize = 64;

impl TopkSim {
    /// Builds the lab from validated parameters.
    pub fn new(p: &ParamValues, seed: u64) -> Self {
        let cfg = Config {
            method: Method::from_name(p.choice("method")).unwrap_or(Method::Exp),
            precision: Precision::from_name(p.choice("precision")).unwrap_or(Precision::F64),
            k: p.int("k").max(1) as usize,
            tau: p.f64("tau"),
            anneal: p.f64("anneal"),
            iterations: p.int("iterations").max(1) as usize,
            x: p.list("x").to_vec(),
            n: p.int("n").max(2) as usize,
            spread: p.f64("spread"),
        };
        let lab = Lab::new(cfg, seed);
        let curves = lab.curves(CURVE_SAMPLES);
        TopkSim { lab, curves, snap: RefCell::new(None) }
    }

    /// The derived state at the current τ, computed once per τ.
    pub fn snapshot(&self) -> Rc<Snapshot> {
        let mut cache = self.snap.borrow_mut();
        if let Some(s) = cache.as_ref().filter(|s| s.tau == self.lab.tau) {
            return Rc::clone(s);
        }
        let s = Rc::new(self.lab.snapshot());
        *cache = Some(Rc::clone(&s));
        s
    }

    /// The scores after pressing or dragging at device pixel `(px, py)`: the bar under the pointer takes
    /// the score under it (rounded to a hundredth of the axis span's decade, clamped to ±50). Presses in
    /// the score panel's margins extrapolate, so dragging above the top grows the axis. `None` outside the
    /// score panel or when `drawn` has no score bars. With random scores, the result makes them explicit.
    pub fn drag_update(&self, drawn: &Drawn, px: f64, py: f64) -> Option<Vec<f64>> {
        let m = drawn.bars?;
        let (x0, x1) = (m.px_x.0 as f64, m.px_x.1 as f64);
        let (y0, y1) = (m.px_y.0 as f64, m.px_y.1 as f64);
        if !(px.is_finite() && py.is_finite()) || x1 <= x0 || y1 <= y0 || m.n != self.lab.x.len() || m.n == 0 {
            return None;
        }
        if px < x0 || px > x1 || py < m.hit_y.0 as f64 || py > m.hit_y.1 as f64 {
            return None;
        }
        let i = (((px - x0) / (x1 - x0) * m.n as f64).floor() as usize).min(m.n - 1);
        let v = m.y.1 - (py - y0) / (y1 - y0) * (m.y.1 - m.y.0);
        let e = (m.y.1 - m.y.0).abs().max(1e-9).log10().floor() as i32 - 3;
        let v = round_decimal(v, e).clamp(-X_MAX, X_MAX);
        let mut x = self.lab.x.clone();
        x[i] = v;
        Some(x)
    }

    /// The temperature under a click on the annealing plot, rounded to three significant digits.
    fn tau_at(&self, drawn: &Drawn, px: f64, py: f64) -> Option<f64> {
        let (lt, _) = drawn.to_data(0, px, py)?;
        let tau = 10f64.powf(lt);
        Some(round_decimal(tau, tau.log10().floor() as i32 - 2))
    }
}

impl Sim for TopkSim {
    fn step(&mut self) {
        self.lab.step();
    }

    fn is_finite(&self) -> bool {
        // The state is the scores and τ (floored, so always finite and positive). The outputs are pure
        // functions of it; a construction's own NaN (the post's recursion, SE at extreme τ) is the phenomenon
        // shown and flagged by the figure, not a divergence of the run.
        self.lab.is_finite()
    }

    /// A run is `ok` whatever a construction computes (its NaN is the phenomenon shown), so every number here is
    /// either finite or has no value (`null`) with its reason in a yes/no metric: the selected construction's
    /// output and what is derived from it have none when it broke down to a non-finite output (`breakdown`), and
    /// the recursion's deviation from the DP has none when the recursion gave NaN (`recursion_nan`).
    fn metrics(&self) -> Metrics {
        let s = self.snapshot();
        let num_or_null = |v: f64| if v.is_finite() { Metric::Num(v) } else { Metric::Null };
        let finite = s.check.finite;
        let out = |v: f64| if finite { num_or_null(v) } else { Metric::Null };
        let threshold = match s.out.lambda {
            Some(l) => out(l * self.lab.tau),
            None => Metric::Null,
        };
        let recursion_nan = !s.recursion_dev.is_finite();
        vec![
            ("p", if finite { Metric::List(s.out.p.clone()) } else { Metric::Null }),
            ("sum", out(s.check.sum)),
            ("max", out(s.check.max)),
            ("min", out(s.check.min)),
            ("threshold", threshold),
            ("max_dev_hard", out(s.check.max_dev_hard)),
            ("monotone", Metric::Bool(s.check.monotone)),
            ("tau", Metric::Num(self.lab.tau)),
            ("in_range", Metric::Bool(s.check.in_range)),
            ("breakdown", Metric::Bool(s.breakdown(self.lab.cfg.method))),
            ("recursion_dev", num_or_null(s.recursion_dev)),
            ("annealing_done", Metric::Bool(self.lab.annealing_done())),
            ("k_used", Metric::Int(self.lab.k as i64)),
            ("n", Metric::Int(self.lab.x.len() as i64)),
            ("naive_f32_ok", naive_f32_ok(&s)),
            ("recursion_nan", Metric::Bool(recursion_nan)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        let snap = self.snapshot();
        draw::draw(area, self, &snap, theme)
    }

    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        if let Some(x) = self.drag_update(drawn, px, py) {
            let text = x.iter().map(|v| fmt_f64(*v)).collect::<Vec<_>>().join(",");
            return vec![("x", text)];
        }
        match self.tau_at(drawn, px, py) {
            Some(tau) => vec![("tau", fmt_f64(tau))],
            None => Vec::new(),
        }
    }
}
