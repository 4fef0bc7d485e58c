//! P-tuning: a frozen model, discrete words and a continuous prompt on one plane.
//!
//! Post: Su Jianlin, "P-tuning：自动构建模版，释放语言模型潜能", https://kexue.fm/archives/8295 (theory note
//! `shared/theory/ptuning.md`); paper: Liu et al., "GPT Understands, Too", arXiv:2103.10385. Claim: instead of
//! hand-writing a template of real words, freeze the model and learn only the embeddings of a few unused
//! tokens. In the toy the frozen "language model" is a soft selector over three skills, so a prompt can
//! only pick and mix skills the model already has. The figure shows the prompt plane (the frozen model's
//! loss landscape, the six vocabulary words as fixed points, the skill keys, the learned prompt and its
//! trail) and the input plane (data, target boundary, current boundary, each word's boundary, and the cone
//! of reachable classifier normals): a continuous prompt reaches directions no word gives, and cannot reach
//! a skill the model lacks; only fine-tuning leaves the cone.
//!
//! Representation choices (documented here because links depend on them):
//! - `token` names one of six words; it is the prompt of `mode = manual` and the start of the prompt rows
//!   when `init = token`. Its default, `very`, is the best word for the default target 45°.
//! - `dim` is a choice `2 | 20`. In D = 20 the input plane shows the projection onto the plane of skills 1
//!   and 2, which contains the target normal, so the target boundary is exact and the model's boundary is the
//!   projection of its normal.
//! - `frozen_unchanged` compares the bits of the vocabulary rows, `k_s`, `w_s`, G and β with a copy taken at
//!   build time, on every metrics call. It is 1 in manual, search and P-tuning modes and drops to 0 as soon as
//!   fine-tuning takes a step (that mode unfreezes `w_s` and `k_s`, as the post does for "many labels").
//! - `test_acc` is the exact formula `1 − Δangle(v, u)/180°` on clean labels; `best_token_acc` is the best
//!   exact test accuracy among the six words under the pre-trained model (an oracle choice, so "beating the
//!   best word" is the strong claim); `cone_max_acc` is the supremum over all prompts.
//! - Extra metrics: `logreg_acc` (the few-shot baseline, a fresh 20-parameter logistic regression trained
//!   beside the prompt on the same data; null in D = 2, where it is not trained), `searched_token` (index of
//!   the word discrete search picks), `trainable_params` and `frozen_params` (the counter in the headline).
//! - In fine-tune mode the vocabulary rows stay frozen: no input reads them, so their only gradient would come
//!   from the naturalness prior, which should stay a fixed reference "language" [DESIGN].
//! - The heat map is the frozen model's objective (BCE plus the naturalness penalty) on a 40×40 grid over
//!   `[−4, 4]²`, computed once per build; in fine-tune mode it stays the pre-trained model's landscape.
//! - Clicking the prompt plane picks the nearest word as `token` (the theory's starts are words or the
//!   origin, so no free start is offered); clicking the input plane points the target normal at the click.

mod draw;
mod metrics_info;
pub use dynamics_models::panels::ptuning::frozen;
pub use dynamics_models::panels::ptuning::geometry;
pub use dynamics_models::panels::ptuning::model;

use crate::history::History;
use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use geometry::{cone_max_acc, landscape, Landscape};
use model::{Config, Init, Mode, Model, WORDS};

/// Cells per side of the loss heat map (the theory suggests 64; 40 keeps drawing under 2 000 rectangles).
pub const GRID: usize = 40;
/// The prompt plane shows `[−PLANE, PLANE]²` (theory: c ∈ [−4, 4]²).
pub const PLANE: f64 = 4.0;

/// The parameter table (theory §2 "Parameters"; keys as issue 9 names them).
pub static PARAMS: [ParamSpec; 12] = [
    ParamSpec::linear(
        "target_angle",
        T::new("φ* (target angle)", "φ*（目标角度）"),
        T::new(
            "Direction of the true classifier's normal; the frozen model reaches only 0°–120°. Click the input \
    \
                         plane to set it.",
            "真实分类器法向量的方向；冻结的模型只能达到 0°–120°。点击输入平面可设定。",
        ),
        (0.0, 179.0),
        45.0,
        1.0,
    )
    .unit("°"),
    ParamSpec::int(
        "n_train",
        T::new("N (training points)", "N（训练点数）"),
        T::new("Number of labelled training points x ~ N(0, I).", "带标签训练点 x ~ N(0, I) 的个数。"),
        (4, 512),
        32,
    ),
    ParamSpec::linear(
        "label_noise",
        T::new("label noise", "标签噪声"),
        T::new(
            "Probability of flipping each training label (test accuracy is measured on clean labels).",
            "每个训练标签被翻转的概率（测试准确率在干净标签上计算）。",
        ),
        (0.0, 0.3),
        0.0,
        0.01,
    ),
    ParamSpec::int(
        "prompt_len",
        T::new("m (prompt tokens)", "m（prompt token 数）"),
        T::new(
            "Number of trainable prompt rows; the model reads their mean c, so m only divides c's step by m.",
            "可训练的 prompt 行数；模型读取它们的均值 c，所以 m 只是把 c 的步长除以 m。",
        ),
        (1, 4),
        1,
    ),
    ParamSpec::log(
        "lr",
        T::new("η (step size)", "η（步长）"),
        T::new("Full-batch gradient-descent step.", "全批次梯度下降的步长。"),
        (0.01, 1.0),
        0.2,
    ),
    ParamSpec::linear(
        "gain",
        T::new("G (gain)", "G（增益）"),
        T::new(
            "Scale of the skills' outputs; a small gain makes the loss reward confidence over direction.",
            "技能输出的尺度；增益小时，损失更奖励置信度而不是方向。",
        ),
        (1.0, 20.0),
        10.0,
        0.5,
    ),
    ParamSpec::log(
        "beta",
        T::new("β (gate sharpness)", "β（门控锐度）"),
        T::new(
            "Sharpness of the softmax gate π_s(c) = softmax(β k_s·c).",
            "Softmax 门控 π_s(c) = softmax(β k_s·c) 的锐度。",
        ),
        (0.2, 5.0),
        1.0,
    ),
    ParamSpec::choice(
        "mode",
        T::new("method", "方法"),
        T::new(
            "manual: the chosen word as template; search: the word with the best training accuracy; ptuning: \
      \
                       train only the prompt rows; finetune: also train the skills.",
            "manual：用所选的词作模版；search：训练准确率最高的词；ptuning：只训练 prompt 行；finetune：\
                技能也一起训练。",
        ),
        &["manual", "search", "ptuning", "finetune"],
        "ptuning",
    ),
    ParamSpec::choice(
        "token",
        T::new("word", "词"),
        T::new(
            "The word used by manual mode and as the prompt's start. Click the prompt plane to pick one.",
            "人工模式使用的词，也是 prompt 的起点。点击 prompt 平面可以选择。",
        ),
        &WORDS,
        "very",
    ),
    ParamSpec::choice(
        "init",
        T::new("prompt start", "prompt 起点"),
        T::new("Start the prompt rows at the chosen word or at the origin.", "prompt 行从所选的词或原点出发。"),
        &["token", "origin"],
        "token",
    ),
    ParamSpec::choice(
        "dim",
        T::new("D (input dimension)", "D（输入维数）"),
        T::new(
            "2, or 20 for the few-shot variant (random skills in R^20; a logistic regression is trained beside).",
            "2，或 20 用于小样本变体（R^20 中的随机技能；同时训练一个逻辑回归作对照）。",
        ),
        &["2", "20"],
        "2",
    ),
    ParamSpec::linear(
        "naturalness",
        T::new("λ (naturalness)", "λ（自然度）"),
        T::new(
            "Weight of a regulariser that pulls the prompt towards real words (an analogue of Su's auxiliary \
      \
                       LM loss); 0 = off.",
            "把 prompt 拉向真实词语的正则项的权重（相当于苏剑林文中辅助的 LM 损失）；0 表示关闭。",
        ),
        (0.0, 2.0),
        0.0,
        0.01,
    ),
];

static PRESETS: [Preset; 5] = [
    Preset::new(
        "inside-cone",
        T::new("inside the cone", "锥内"),
        &[("target_angle", "45"), ("mode", "ptuning"), ("dim", "2"), ("naturalness", "0")],
    )
    .claim(Claim::new(
        "test_acc",
        Op::Gt,
        0.99,
        200,
        T::new(
            "the learned prompt passing the best word (0.936): test accuracy above 0.99",
            "学到的 prompt 超过最佳词（0.936）：测试准确率高于 0.99",
        ),
    )),
    Preset::new(
        "outside-cone",
        T::new("outside: a missing skill", "锥外：缺少的技能"),
        &[("target_angle", "160"), ("mode", "ptuning"), ("dim", "2"), ("naturalness", "0")],
    )
    .claim(Claim::new(
        "test_acc",
        Op::Gt,
        0.77,
        300,
        T::new(
            "the prompt stopping at the cone's ceiling (0.78): a skill the model lacks",
            "prompt 停在锥的上限（0.78）：模型缺少这项技能",
        ),
    )),
    Preset::new(
        "finetune",
        T::new("fine-tune leaves the cone", "微调离开锥"),
        &[("target_angle", "160"), ("mode", "finetune"), ("dim", "2"), ("naturalness", "0")],
    )
    .claim(Claim::new(
        "test_acc",
        Op::Gt,
        0.95,
        150,
        T::new(
            "fine-tuning passing the cone's ceiling (0.78): test accuracy above 0.95",
            "微调超过锥的上限（0.78）：测试准确率高于 0.95",
        ),
    )),
    Preset::new(
        "best-word",
        T::new("best word only", "只用最佳词"),
        &[("target_angle", "45"), ("mode", "search"), ("dim", "2")],
    )
    .claim(Claim::new(
        "test_acc",
        Op::Ge,
        0.936,
        1,
        T::new(
            "discrete search stopping at the best word (test accuracy 0.936)",
            "离散搜索停在最佳词（测试准确率 0.936）",
        ),
    )),
    Preset::new(
        "few-shot",
        T::new("few-shot, D = 20", "小样本，D = 20"),
        &[("target_angle", "45"), ("mode", "ptuning"), ("dim", "20"), ("n_train", "32")],
    )
    .claim(Claim::new(
        "test_acc",
        Op::Gt,
        0.98,
        200,
        T::new(
            "the prompt passing the logistic regression on 32 examples (0.81)",
            "prompt 超过用 32 个样本训练的逻辑回归（0.81）",
        ),
    )),
];

/// The metrics reported by `dynamics run`, in order (the first seven are named by issue 9).
pub static METRICS: [&str; 12] = [
    "train_acc",
    "test_acc",
    "loss",
    "prompt_x",
    "prompt_y",
    "best_token_acc",
    "frozen_unchanged",
    "cone_max_acc",
    "logreg_acc",
    "searched_token",
    "trainable_params",
    "frozen_params",
];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    // The default run settles in about 50 steps; two per frame lets the eye follow the prompt.
    steps_per_frame: 2,
    golden_steps: 300,
    // A step costs N·(3D + D) multiply-adds (about 50 µs at N = 512, D = 20), so replays stop at 2000 steps
    // to keep a parameter change under about 0.1 s; everything of interest happens well before that.
    replay_limit: 2000,
    presets: &PRESETS,
    clickable: true,
    // The prompt and its accuracy stop moving.
    settle: Some(Settle {
        metrics: &["test_acc", "loss", "prompt_x", "prompt_y"],
        rel_tol: 1e-09,
        abs_tol: 1e-12,
        window: 200,
    }),
    more_settings: &["label_noise", "prompt_len", "lr", "gain", "beta", "token", "init", "naturalness"],
    metrics_info: &metrics_info::INFO,
    // The default run settles in about 50 steps; a few per frame lets the eye follow the prompt.
    max_auto_steps: 4,
    ..PanelSpec::new(
        "ptuning",
        T::new("P-tuning: words and a learned prompt on one plane", "P-tuning：一个平面上的词与学到的 prompt"),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(PTuningSim::new(config(p), seed)),
    )
};

/// Reads a [`Config`] from validated parameter values.
pub fn config(p: &ParamValues) -> Config {
    Config {
        dim: if p.choice("dim") == "20" { 20 } else { 2 },
        target_deg: p.f64("target_angle"),
        n_train: p.int("n_train").max(1) as usize,
        label_noise: p.f64("label_noise"),
        prompt_len: p.int("prompt_len").max(1) as usize,
        lr: p.f64("lr"),
        gain: p.f64("gain"),
        beta: p.f64("beta"),
        mode: Mode::from_name(p.choice("mode")).unwrap_or(Mode::PTuning),
        token: WORDS.iter().position(|w| *w == p.choice("token")).unwrap_or(1),
        init: if p.choice("init") == "origin" { Init::Origin } else { Init::Token },
        naturalness: p.f64("naturalness"),
    }
}

/// One sample of the curves: train accuracy, exact test accuracy, loss, baseline test accuracy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Training accuracy.
    pub train: f64,
    /// Exact test accuracy.
    pub test: f64,
    /// Mean training BCE.
    pub loss: f64,
    /// Exact test accuracy of the logistic-regression baseline (NaN when it is not trained, D = 2).
    pub logreg: f64,
}

/// The live simulation: the model, its cached overlays and its histories.
pub struct PTuningSim {
    /// The model.
    pub model: Model,
    /// The frozen model's objective over the prompt plane (computed once per build).
    pub land: Landscape,
    /// Exact test accuracy of each word under the pre-trained model.
    pub word_accs: [f64; 6],
    /// Supremum of the test accuracy over all prompts.
    pub cone_max: f64,
    /// The prompt's trail.
    pub trail: History<(f64, f64)>,
    /// The curves.
    pub curves: History<Sample>,
    /// Steps taken.
    pub steps: u64,
}

impl PTuningSim {
    /// A fresh simulation.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let model = Model::new(cfg, seed);
        let land = landscape(&model.pretrained, &model.task, model.cfg.naturalness, GRID, PLANE);
        let mut sim = PTuningSim {
            word_accs: model.word_accs(),
            cone_max: cone_max_acc(&model.pretrained, &model.task.u),
            land,
            model,
            trail: History::new(1024),
            curves: History::new(1024),
            steps: 0,
        };
        sim.record();
        sim
    }

    fn record(&mut self) {
        let c = self.model.prompt();
        self.trail.push(self.steps, (c[0], c[1]));
        let s = Sample {
            train: self.model.stats.train_acc,
            test: self.model.test_acc(),
            loss: self.model.stats.loss,
            logreg: self.model.logreg_acc().unwrap_or(f64::NAN),
        };
        self.curves.push(self.steps, s);
    }

    /// The best word's exact test accuracy.
    pub fn best_word_acc(&self) -> f64 {
        self.word_accs.iter().copied().fold(0.0, f64::max)
    }
}

impl Sim for PTuningSim {
    fn step(&mut self) {
        self.model.step();
        self.steps += 1;
        self.record();
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let m = &self.model;
        let c = m.prompt();
        vec![
            ("train_acc", Metric::Num(m.stats.train_acc)),
            ("test_acc", Metric::Num(m.test_acc())),
            ("loss", Metric::Num(m.stats.loss)),
            ("prompt_x", Metric::Num(c[0])),
            ("prompt_y", Metric::Num(c[1])),
            ("best_token_acc", Metric::Num(self.best_word_acc())),
            ("frozen_unchanged", Metric::Int(i64::from(m.frozen_unchanged()))),
            ("cone_max_acc", Metric::Num(self.cone_max)),
            ("logreg_acc", m.logreg_acc().map_or(Metric::Null, Metric::Num)),
            ("searched_token", Metric::Int(m.searched as i64)),
            ("trainable_params", Metric::Int(m.trainable() as i64)),
            ("frozen_params", Metric::Int(m.frozen() as i64)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        let (prompt, input) = draw::draw(area, self, theme);
        Drawn { planes: vec![prompt, input], ..Drawn::default() }
    }

    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        if let Some((x, y)) = drawn.to_data(0, px, py) {
            let nearest = (0..WORDS.len()).min_by(|&a, &b| {
                let d = |v: usize| {
                    let e = model::word(v);
                    (e[0] - x).powi(2) + (e[1] - y).powi(2)
                };
                d(a).total_cmp(&d(b))
            });
            return nearest.map(|v| vec![("token", WORDS[v].to_string())]).unwrap_or_default();
        }
        if let Some((x, y)) = drawn.to_data(1, px, py) {
            if x * x + y * y > 1e-6 {
                // The normal points at the click; a click below the axis gives the same boundary with the
                // normal in [0°, 180°) (labels swapped), the range of the parameter.
                let deg = y.atan2(x).to_degrees().rem_euclid(180.0).round();
                return vec![("target_angle", format!("{deg}"))];
            }
        }
        Vec::new()
    }
}
