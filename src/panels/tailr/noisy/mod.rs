//! TaiLr on noisy labels: cross-entropy memorises flipped labels, TaiLr's reweighting plateaus.
//!
//! Post: Su Jianlin, "缓解交叉熵过度自信的一个简明方案", https://kexue.fm/archives/9526 (theory note
//! `shared/theory/tailr.md` §4), on TaiLr (Ji et al., arXiv:2302.13344). Cross-entropy `−ln p` pays unbounded
//! attention to samples the model finds unlikely, dirty ones included; TaiLr's loss
//! `−ln(γ + (1−γ)p)/(1−γ)` multiplies each sample's cross-entropy gradient by `w(p) = p/(γ + (1−γ)p)`, so a
//! sample the model finds unlikely is down-weighted. Claim: on a model that can memorise (a kernel logistic
//! regression with one coefficient per training point), cross-entropy keeps fitting flipped labels as
//! training goes on, while TaiLr's memorised fraction stays low; TaiLr keeps a better clean test accuracy, and
//! its probability of the given label flags the flipped points better (higher AUROC). The figure shows the
//! TaiLr run's decision field with the training points (flipped ones ringed) and the cross-entropy ghost's
//! boundary dashed, the three measures over time for both runs, and the histogram of `p(given label)` for
//! clean and flipped points.
//!
//! Cost: a step is two n × n mat-vecs per learner (four in all), `4n²` multiply-adds; the curves are sampled
//! every [`RECORD_EVERY`] steps or more (each sample evaluates the 1000-point test set for both learners).

mod draw;
mod metrics_info;
pub use dynamics_models::panels::tailr::noisy::model;

use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{Config, Noisy, Optimizer, Scores};

/// The parameter table (issue 8; ranges from theory §4).
pub static PARAMS: [ParamSpec; 7] = [
    ParamSpec::linear(
        "gamma",
        T::new("γ (TaiLr)", "γ（TaiLr）"),
        T::new(
            "TaiLr's γ: each sample's gradient is weighted by p/(γ + (1−γ)p); 0 is cross-entropy.",
            "TaiLr 的 γ：每个样本的梯度乘以权重 p/(γ + (1−γ)p)；0 即交叉熵。",
        ),
        (0.0, 1.0),
        0.5,
        0.01,
    ),
    ParamSpec::linear(
        "floor",
        T::new("b (weight floor)", "b（权重下限）"),
        T::new(
            "The paper's floor: the weight is max(b, p/(γ + (1−γ)p)); b = 1 is cross-entropy.",
            "论文中的下限：权重为 max(b, p/(γ + (1−γ)p))；b = 1 即交叉熵。",
        ),
        (0.0, 1.0),
        0.0,
        0.01,
    ),
    ParamSpec::linear(
        "noise",
        T::new("ε (flip rate)", "ε（翻转比例）"),
        T::new(
            "The fraction of training labels flipped (exactly round(εn) points, ringed in the figure).",
            "被翻转的训练标签比例（恰好 round(εn) 个点，图中画圈标出）。",
        ),
        (0.0, 0.45),
        0.2,
        0.01,
    ),
    ParamSpec::int(
        "n",
        T::new("n (training points)", "n（训练点数）"),
        T::new(
            "Training points, half per class; the model has one kernel coefficient per point. Cost grows as n².",
            "训练点数，两类各一半；模型为每个点设一个核系数。计算量按 n² 增长。",
        ),
        (50, 400),
        200,
    ),
    ParamSpec::log(
        "bandwidth",
        T::new("bw (kernel bandwidth)", "bw（核带宽）"),
        T::new(
            "Width of the Gaussian kernel exp(−‖x − x'‖²/2bw²); small widths memorise single points easily.",
            "高斯核 exp(−‖x − x'‖²/2bw²) 的宽度；宽度小时容易记住单个点。",
        ),
        (0.1, 2.0),
        0.4,
    ),
    ParamSpec::log(
        "lr",
        T::new("learning rate", "学习率"),
        T::new(
            "Step size of gradient descent or Adam on the kernel coefficients and the bias.",
            "在核系数和偏置上做梯度下降或 Adam 的步长。",
        ),
        (1e-3, 0.3),
        0.05,
    ),
    ParamSpec::choice(
        "optimizer",
        T::new("optimiser", "优化器"),
        T::new(
            "Full-batch gradient descent or Adam (β₁ 0.9, β₂ 0.999); the cross-entropy ghost uses the same.",
            "全批次梯度下降或 Adam（β₁ 0.9，β₂ 0.999）；交叉熵影子用同样的设置。",
        ),
        &["gd", "adam"],
        "adam",
    ),
];

/// Presets: the paper's summarisation γ, plain cross-entropy two ways, and a floor that keeps some weight on
/// dirty samples.
pub static PRESETS: [Preset; 4] = [
    Preset::new("gamma-08", T::new("TaiLr γ = 0.8", "TaiLr γ = 0.8"), &[("gamma", "0.8"), ("floor", "0")]).claim(
        Claim::at(
            "auroc",
            Op::Gt,
            0.99,
            300,
            T::new(
                "TaiLr still finding the flipped labels at step 300 (AUROC above 0.99; cross-entropy 0.91)",
                "第 300 步 TaiLr 仍能找出翻转标签（AUROC 高于 0.99；交叉熵为 0.91）",
            ),
        ),
    ),
    Preset::new("gamma-05", T::new("TaiLr γ = 0.5", "TaiLr γ = 0.5"), &[("gamma", "0.5"), ("floor", "0")]).claim(
        Claim::at(
            "test_acc",
            Op::Gt,
            0.95,
            300,
            T::new(
                "test accuracy still above 0.95 at step 300 while cross-entropy's falls below 0.9",
                "第 300 步测试准确率仍高于 0.95，而交叉熵的降到 0.9 以下",
            ),
        ),
    ),
    Preset::new("floor", T::new("floor b = 0.2", "下限 b = 0.2"), &[("gamma", "0.8"), ("floor", "0.2")]).claim(
        Claim::new(
            "memorised",
            Op::Gt,
            0.4,
            500,
            T::new(
                "with the floor, flipped labels memorised again (over 40 %) like cross-entropy",
                "加了下限后，翻转标签又被记住（超过 40 %），与交叉熵一样",
            ),
        ),
    ),
    Preset::new("cross-entropy", T::new("cross-entropy (γ = 0)", "交叉熵（γ = 0）"), &[("gamma", "0"), ("floor", "0")])
        .claim(Claim::new(
            "memorised",
            Op::Gt,
            0.4,
            500,
            T::new("cross-entropy memorising over 40 % of the flipped labels", "交叉熵记住超过 40 % 的翻转标签"),
        )),
];

/// The metrics, in order. The first four are the TaiLr run's (issue 8); the `ce_` ones are the
/// cross-entropy ghost's on the same data.
///
/// - `memorised`: the share of flipped points whose given (wrong) label has model probability above ½;
///   `null` when no label is flipped.
/// - `test_acc`: the accuracy on 1000 clean test points from the same mixture.
/// - `auroc`: the AUROC of `1 − p(given label)` for finding the flipped training points (Mann–Whitney);
///   `null` when no label (or every label) is flipped.
/// - `loss`: the mean training loss of eq. (2) at the run's γ (for the ghost: cross-entropy).
/// - `train_acc`: the share of training points whose given label has probability above ½.
/// - `flipped`: the number of flipped labels.
pub static METRICS: [&str; 11] = [
    "memorised",
    "test_acc",
    "auroc",
    "loss",
    "train_acc",
    "ce_memorised",
    "ce_test_acc",
    "ce_auroc",
    "ce_loss",
    "ce_train_acc",
    "flipped",
];

/// The smallest number of steps between two samples of the curves.
pub const RECORD_EVERY: u64 = 10;
/// The most samples kept; when full, every other one is dropped and the interval doubles.
pub const RECORD_CAP: usize = 240;

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    // Its picture (the field and its curves) takes about 2.5 ms in the browser, so auto steps for 5 ms rather
    // than 6 and a frame stays near 8 ms.
    auto_budget_ms: 5.0,
    // A default step costs about 4n² = 160 000 multiply-adds (tens of microseconds), and each curve sample
    // evaluates the test set; 8 steps keep step plus draw inside the frame budget.
    steps_per_frame: 8,
    golden_steps: 400,
    aspect: (0.56, 1.45),
    // A default step costs tens of microseconds natively (more in wasm), and a slider drag replays on every
    // change, so replays stop at 1000 steps (about 0.1 s); longer runs restart from step 0.
    replay_limit: 1_000,
    presets: &PRESETS,
    // The live run's and the ghost's readouts stop changing.
    settle: Some(Settle {
        metrics: &["memorised", "test_acc", "auroc", "train_acc", "loss", "ce_loss"],
        rel_tol: 1e-07,
        abs_tol: 1e-12,
        window: 500,
    }),
    more_settings: &["n", "bandwidth", "lr", "optimizer"],
    metrics_info: &metrics_info::INFO,
    ..PanelSpec::new(
        "tailr-noisy",
        T::new("TaiLr vs cross-entropy on flipped labels", "翻转标签上的 TaiLr 与交叉熵"),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(NoisySim::new(config_from(p), seed)),
    )
};

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    Config {
        gamma: p.f64("gamma"),
        floor: p.f64("floor"),
        noise: p.f64("noise"),
        n: p.int("n").clamp(2, 100_000) as usize,
        bandwidth: p.f64("bandwidth"),
        lr: p.f64("lr"),
        optimizer: Optimizer::from_name(p.choice("optimizer")).unwrap_or(Optimizer::Adam),
    }
}

/// One sample of the curves: the step and both learners' scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The step.
    pub step: u64,
    /// The TaiLr learner's scores.
    pub tailr: Scores,
    /// The cross-entropy ghost's scores.
    pub ce: Scores,
}

/// The live simulation: the model and the sampled curves.
pub struct NoisySim {
    /// The model.
    pub model: Noisy,
    /// The sampled curves, in step order (at most [`RECORD_CAP`], reserved when created so that memory stays flat).
    pub trace: Vec<Sample>,
    /// The current sampling interval.
    every: u64,
}

impl NoisySim {
    /// A simulation of `cfg` and `seed` at step 0.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let model = Noisy::new(cfg, seed);
        let mut sim = NoisySim { model, trace: Vec::with_capacity(RECORD_CAP), every: RECORD_EVERY };
        sim.record();
        sim
    }

    fn record(&mut self) {
        let m = &self.model;
        self.trace.push(Sample { step: m.steps, tailr: m.scores(&m.tailr), ce: m.scores(&m.ce) });
        if self.trace.len() >= RECORD_CAP {
            self.every *= 2;
            let every = self.every;
            self.trace.retain(|s| s.step.is_multiple_of(every));
        }
    }
}

/// A number or `null`.
fn opt(v: Option<f64>) -> Metric {
    v.map_or(Metric::Null, Metric::Num)
}

impl Sim for NoisySim {
    fn step(&mut self) {
        self.model.step();
        if self.model.steps.is_multiple_of(self.every) {
            self.record();
        }
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let m = &self.model;
        let (t, c) = (m.scores(&m.tailr), m.scores(&m.ce));
        vec![
            ("memorised", opt(t.memorised)),
            ("test_acc", Metric::Num(t.test_acc)),
            ("auroc", opt(t.auroc)),
            ("loss", Metric::Num(t.loss)),
            ("train_acc", Metric::Num(t.train_acc)),
            ("ce_memorised", opt(c.memorised)),
            ("ce_test_acc", Metric::Num(c.test_acc)),
            ("ce_auroc", opt(c.auroc)),
            ("ce_loss", Metric::Num(c.loss)),
            ("ce_train_acc", Metric::Num(c.train_acc)),
            ("flipped", Metric::Int(m.data.n_flipped() as i64)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        draw::draw(area, self, theme);
        Drawn::default()
    }
}
