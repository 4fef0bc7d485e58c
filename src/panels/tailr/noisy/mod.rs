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

use crate::panel::{Claim, Metric, Metrics, Op, Panel, Preset, Settle, Sim};
use crate::params::{Kind, ParamSpec, ParamValues, Scale};
use crate::plot::{Area, DrawResult, Drawn, Theme};
use model::{Config, Noisy, Optimizer, Scores};

/// The parameter table (issue 8; ranges from theory §4).
pub static PARAMS: [ParamSpec; 7] = [
    ParamSpec {
        key: "gamma",
        label: "γ (TaiLr)",
        unit: "",
        help: "TaiLr's γ: each sample's gradient is weighted by p/(γ + (1−γ)p); 0 is cross-entropy.",
        kind: Kind::Float { min: 0.0, max: 1.0, default: 0.5, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "floor",
        label: "b (weight floor)",
        unit: "",
        help: "The paper's floor: the weight is max(b, p/(γ + (1−γ)p)); b = 1 is cross-entropy.",
        kind: Kind::Float { min: 0.0, max: 1.0, default: 0.0, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "noise",
        label: "ε (flip rate)",
        unit: "",
        help: "The fraction of training labels flipped (exactly round(εn) points, ringed in the figure).",
        kind: Kind::Float { min: 0.0, max: 0.45, default: 0.2, scale: Scale::Linear, step: 0.01 },
    },
    ParamSpec {
        key: "n",
        label: "n (training points)",
        unit: "",
        help: "Training points, half per class; the model has one kernel coefficient per point. Cost grows as n².",
        kind: Kind::Int { min: 50, max: 400, default: 200 },
    },
    ParamSpec {
        key: "bandwidth",
        label: "bw (kernel bandwidth)",
        unit: "",
        help: "Width of the Gaussian kernel exp(−‖x − x'‖²/2bw²); small widths memorise single points easily.",
        kind: Kind::Float { min: 0.1, max: 2.0, default: 0.4, scale: Scale::Log, step: 0.0 },
    },
    ParamSpec {
        key: "lr",
        label: "learning rate",
        unit: "",
        help: "Step size of gradient descent or Adam on the kernel coefficients and the bias.",
        kind: Kind::Float { min: 1e-3, max: 0.3, default: 0.05, scale: Scale::Log, step: 0.0 },
    },
    ParamSpec {
        key: "optimizer",
        label: "optimiser",
        unit: "",
        help: "Full-batch gradient descent or Adam (β₁ 0.9, β₂ 0.999); the cross-entropy ghost uses the same.",
        kind: Kind::Choice { choices: &["gd", "adam"], default: "adam" },
    },
];

/// Presets: the paper's summarisation γ, plain cross-entropy two ways, and a floor that keeps some weight on
/// dirty samples.
pub static PRESETS: [Preset; 4] = [
    Preset::new("gamma-08", "TaiLr γ = 0.8", &[("gamma", "0.8"), ("floor", "0")]).claim(Claim::at(
        "auroc",
        Op::Gt,
        0.99,
        300,
        "TaiLr still finding the flipped labels at step 300 (AUROC above 0.99; cross-entropy 0.91)",
    )),
    Preset::new("gamma-05", "TaiLr γ = 0.5", &[("gamma", "0.5"), ("floor", "0")]).claim(Claim::at(
        "test_acc",
        Op::Gt,
        0.95,
        300,
        "test accuracy still above 0.95 at step 300 while cross-entropy's falls below 0.9",
    )),
    Preset::new("floor", "floor b = 0.2", &[("gamma", "0.8"), ("floor", "0.2")]).claim(Claim::new(
        "memorised",
        Op::Gt,
        0.4,
        500,
        "with the floor, flipped labels memorised again (over 40 %) like cross-entropy",
    )),
    Preset::new("cross-entropy", "cross-entropy (γ = 0)", &[("gamma", "0"), ("floor", "0")]).claim(Claim::new(
        "memorised",
        Op::Gt,
        0.4,
        500,
        "cross-entropy memorising over 40 % of the flipped labels",
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

/// The panel descriptor.
pub struct NoisyPanel;

/// The registered instance.
pub static PANEL: NoisyPanel = NoisyPanel;

impl Panel for NoisyPanel {
    fn id(&self) -> &'static str {
        "tailr-noisy"
    }
    fn title(&self) -> &'static str {
        "TaiLr vs cross-entropy on flipped labels"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &PARAMS
    }
    fn metric_names(&self) -> &'static [&'static str] {
        &METRICS
    }
    fn more_settings(&self) -> &'static [&'static str] {
        &["n", "bandwidth", "lr", "optimizer"]
    }
    fn metrics_info(&self) -> &'static [crate::panel::MetricInfo] {
        &metrics_info::INFO
    }
    fn build(&self, p: &ParamValues, seed: u64) -> Box<dyn Sim> {
        Box::new(NoisySim::new(config_from(p), seed))
    }
    /// A default step costs about 4n² = 160 000 multiply-adds (tens of microseconds), and each curve sample
    /// evaluates the test set; 8 steps keep step plus draw inside the frame budget.
    fn steps_per_frame(&self) -> u32 {
        8
    }
    fn golden_steps(&self) -> u64 {
        400
    }
    fn aspect(&self) -> (f64, f64) {
        (0.56, 1.45)
    }
    /// A default step costs tens of microseconds natively (more in wasm), and a slider drag replays on every
    /// change, so replays stop at 1000 steps (about 0.1 s); longer runs restart from step 0.
    fn replay_limit(&self) -> u64 {
        1_000
    }
    fn presets(&self) -> &'static [Preset] {
        &PRESETS
    }
    /// The live run's and the ghost's readouts stop changing.
    fn settle(&self) -> Option<Settle> {
        Some(Settle {
            metrics: &["memorised", "test_acc", "auroc", "train_acc", "loss", "ce_loss"],
            rel_tol: 1e-07,
            abs_tol: 1e-12,
            window: 500,
        })
    }
}

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

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> DrawResult<Drawn> {
        draw::draw(area, self, theme)?;
        Ok(Drawn::default())
    }
}
