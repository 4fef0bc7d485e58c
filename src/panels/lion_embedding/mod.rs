//! Embedding blow-up under Lion/Tiger: rows of rare tokens driven to ±1/λ.
//!
//! Post: Su Jianlin, "Lion/Tiger优化器训练下的Embedding异常和对策", https://kexue.fm/archives/9736 (theory note
//! `shared/theory/lion-embedding.md`). Training a 7B model with Tiger, some embedding entries of rare tokens
//! sat at exactly ±100 = ±1/λ. Sign-based optimisers keep moving a row by a full step `η·sign(m)` after its
//! token stops appearing, because the momentum is never exactly 0 (in IEEE f32 without flush-to-zero it
//! sticks at a subnormal), until weight decay balances the sign at `θ* = −sign(m)/λ`. The toy (theory §3):
//! V tokens with Zipf frequencies, a frozen orthonormal head, rank-dependent predictability (frequent tokens
//! have high-entropy continuations, rare ones nearly deterministic ones), f32 storage. Claim: under Tiger
//! with the per-row RMS learning rate the rare rows march to 1/λ while frequent rows stay near the optimum's
//! scale; with a constant lr they follow `θ_t = −s/λ + (θ₀ + s/λ)(1 − ηλ)^t`; AdamW, and the remedy of
//! lazy row updates, stop it; no entry ever exceeds 1/λ under Tiger or Lion.

pub use dynamics_models::panels::lion_embedding::catchup;
mod draw;
mod metrics_info;
pub use dynamics_models::panels::lion_embedding::kernels;
pub use dynamics_models::panels::lion_embedding::model;

use crate::history::History;
use crate::i18n::T;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Sim};
use crate::params::{ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{Catchup, Config, Model, Optimizer, Row, Summary, INIT_ROWS};

/// The parameter table (theory §3; ranges widened so that divergence and large vocabularies can be tried).
pub static PARAMS: [ParamSpec; 21] = [
    ParamSpec::choice(
        "optimizer",
        T::new("optimizer", "优化器"),
        T::new(
            "Optimizer of the embedding: Tiger (Lion with β₁ = β₂), Lion, or AdamW (the hybrid remedy: Adam for the \
                embedding).",
            "Embedding 的优化器：Tiger（β₁ = β₂ 的 Lion）、Lion，或 AdamW（混合方案：Embedding 用 Adam）。",
        ),
        &["tiger", "lion", "adamw"],
        "tiger",
    ),
    ParamSpec::log(
        "lr",
        T::new("lr (α)", "学习率（α）"),
        T::new(
            "Learning rate; with the row-rms rule it is Tiger's relative rate α, η = α·RMS(row).",
            "学习率；用 row-rms 规则时它是 Tiger 的相对学习率 α，η = α·RMS(行)。",
        ),
        (1e-5, 10.0),
        1e-3,
    ),
    ParamSpec::choice(
        "lr_rule",
        T::new("lr rule", "学习率规则"),
        T::new(
            "constant η = lr, or Tiger's per-row rule η = lr·RMS(row) of the reference code (Tiger and Lion; AdamW \
                always uses lr).",
            "常数 η = lr，或参考代码中 Tiger 的逐行规则 η = lr·RMS(行)（用于 Tiger 和 Lion；AdamW 总是用 lr）。",
        ),
        &["constant", "row-rms"],
        "row-rms",
    ),
    ParamSpec::linear(
        "wd",
        T::new("λ (weight decay)", "λ（权重衰减）"),
        T::new(
            "Decoupled weight decay; under Tiger and Lion no entry can exceed 1/λ.",
            "解耦的权重衰减；在 Tiger 和 Lion 下任何分量都不会超过 1/λ。",
        ),
        (0.0, 1.0),
        0.01,
        0.001,
    ),
    ParamSpec::linear(
        "beta",
        T::new("β (Tiger)", "β（Tiger）"),
        T::new("Tiger's momentum coefficient.", "Tiger 的动量系数。"),
        (0.6, 0.9999),
        0.965,
        0.0005,
    ),
    ParamSpec::linear(
        "beta1",
        T::new("β₁ (AdamW)", "β₁（AdamW）"),
        T::new("AdamW's first-moment coefficient.", "AdamW 的一阶矩系数。"),
        (0.6, 0.9999),
        0.9,
        0.0005,
    ),
    ParamSpec::linear(
        "beta2",
        T::new("β₂ (AdamW)", "β₂（AdamW）"),
        T::new("AdamW's second-moment coefficient.", "AdamW 的二阶矩系数。"),
        (0.6, 0.9999),
        0.999,
        0.0005,
    ),
    ParamSpec::log("eps", T::new("ε (AdamW)", "ε（AdamW）"), T::new("AdamW's ε.", "AdamW 的 ε。"), (1e-12, 1e-3), 1e-8),
    ParamSpec::int(
        "vocab",
        T::new("V (vocabulary)", "V（词表大小）"),
        T::new("Number of tokens; real vocabularies have 32k to 150k.", "token 个数；实际词表有 32k 到 150k。"),
        (100, 200_000),
        2000,
    ),
    ParamSpec::linear(
        "zipf",
        T::new("s (Zipf exponent)", "s（Zipf 指数）"),
        T::new("Unigram frequencies p_i ∝ i^−s over ranks i = 1..V.", "一元频率 p_i ∝ i^−s，排名 i = 1..V。"),
        (0.5, 2.0),
        1.0,
        0.01,
    ),
    ParamSpec::int(
        "batch",
        T::new("B (tokens per step)", "B（每步 token 数）"),
        T::new("Tokens sampled per step.", "每步采样的 token 数。"),
        (8, 1024),
        256,
    ),
    ParamSpec::int(
        "dim",
        T::new("d = C (width)", "d = C（宽度）"),
        T::new(
            "Embedding width, equal to the number of classes of the frozen orthonormal head W = 3Q.",
            "Embedding 宽度，等于冻结的正交输出头 W = 3Q 的类别数。",
        ),
        (4, 32),
        16,
    ),
    ParamSpec::linear(
        "q_min",
        T::new("q at rank 1", "排名 1 的 q"),
        T::new(
            "Determinism of the most frequent token's next class; q_i moves from q_min to q_max linearly in ln i.",
            "最高频 token 下一个类别的确定程度；q_i 随 ln i 从 q_min 线性变到 q_max。",
        ),
        (0.0, 1.0),
        0.5,
        0.01,
    ),
    ParamSpec::linear(
        "q_max",
        T::new("q at rank V", "排名 V 的 q"),
        T::new(
            "Determinism of the rarest token's next class (1 = always its dominant class).",
            "最低频 token 下一个类别的确定程度（1 = 总是其主类别）。",
        ),
        (0.0, 1.0),
        1.0,
        0.01,
    ),
    ParamSpec::log(
        "init_std",
        T::new("init s.d.", "初始标准差"),
        T::new("Standard deviation of the initial embedding entries.", "Embedding 初始分量的标准差。"),
        (1e-4, 1.0),
        0.02,
    ),
    ParamSpec::flag(
        "lazy",
        T::new("lazy row updates", "惰性行更新"),
        T::new(
            "Remedy: update only the rows of tokens in the batch (momentum, weight decay and step alike).",
            "补救办法：只更新本批次中出现的 token 所在的行（动量、权重衰减和步长都如此）。",
        ),
        false,
    ),
    ParamSpec::flag(
        "ftz",
        T::new("flush-to-zero", "下溢清零"),
        T::new(
            "Emulate a GPU's flush-to-zero: stored f32 values below 2^−126 in magnitude become 0, so an absent \
                token's momentum reaches 0.",
            "模拟 GPU 的下溢清零：绝对值低于 2^−126 的 f32 存储值变为 0，因此缺席 token 的动量会归零。",
        ),
        false,
    ),
    ParamSpec::linear(
        "lion_beta1",
        T::new("β₁ (Lion)", "β₁（Lion）"),
        T::new("Lion's interpolation coefficient for the sign.", "Lion 在符号函数内的插值系数。"),
        (0.6, 0.9999),
        0.95,
        0.0005,
    ),
    ParamSpec::linear(
        "lion_beta2",
        T::new("β₂ (Lion)", "β₂（Lion）"),
        T::new("Lion's momentum coefficient.", "Lion 的动量系数。"),
        (0.6, 0.9999),
        0.98,
        0.0005,
    ),
    ParamSpec::int(
        "inspect",
        T::new("inspected rank", "查看的排名"),
        T::new(
            "Frequency rank of the token shown in the inspector, clamped to V (the default is the rarest token).",
            "检视器中显示的 token 的频率排名，不超过 V（默认是最低频的 token）。",
        ),
        (1, 200_000),
        200_000,
    ),
    ParamSpec::choice(
        "catchup",
        T::new("absent rows", "缺席行"),
        T::new(
            "How rows of absent tokens are advanced: closed form when read (fast for any V), or the f32 update on \
                every step (the pseudo-code; slow for large V).",
            "缺席 token 的行如何推进：读取时用闭式解（任何 V 都快），或每步做 f32 更新（伪代码的做法；V 大时很慢）。",
        ),
        &["closed-form", "per-step"],
        "closed-form",
    ),
];

/// Presets: the post's setting and each remedy.
pub static PRESETS: [Preset; 5] = [
    Preset::new(
        "blow-up",
        T::new("Tiger, row-RMS lr (blow-up)", "Tiger，逐行 RMS 学习率（爆炸）"),
        // α = 2e-3, the top of the post's range [0.001, 0.002]: the logistic drift to 1/λ takes about
        // ln(4999·99)/α ≈ 6 500 steps instead of 13 000, so the blow-up shows within seconds on the page.
        &[("optimizer", "tiger"), ("lr_rule", "row-rms"), ("lr", "2e-3"), ("lazy", "false"), ("ftz", "false")],
    )
    .claim(Claim::new(
        "rows_at_cap",
        Op::Gt,
        0.0,
        12_000,
        T::new("a rare row reaching 1/λ = 100", "一个低频行达到 1/λ = 100"),
    )),
    Preset::new(
        "constant-lr",
        T::new("Tiger, constant lr", "Tiger，常数学习率"),
        &[("optimizer", "tiger"), ("lr_rule", "constant"), ("lr", "1e-3"), ("lazy", "false")],
    )
    .claim(Claim::new(
        "max_rare",
        Op::Gt,
        2.0,
        2_500,
        T::new(
            "rare rows marching by η every step (largest rare entry past 2)",
            "低频行每步前进 η（低频行最大分量超过 2）",
        ),
    )),
    Preset::new(
        "adamw",
        T::new("AdamW (hybrid remedy)", "AdamW（混合方案）"),
        &[("optimizer", "adamw"), ("lr", "1e-3"), ("lazy", "false")],
    )
    .claim(Claim::at(
        "max_rare",
        Op::Lt,
        1.0,
        6_000,
        T::new("rare rows staying below 1 (Tiger's are past 2 by now)", "低频行保持在 1 以下（Tiger 的此时已超过 2）"),
    )),
    Preset::new(
        "lazy",
        T::new("Tiger + lazy updates", "Tiger + 惰性更新"),
        &[("optimizer", "tiger"), ("lr_rule", "constant"), ("lr", "1e-3"), ("lazy", "true")],
    )
    .claim(Claim::at(
        "max_rare",
        Op::Lt,
        1.0,
        6_000,
        T::new("rare rows staying below 1 when absent rows are not updated", "不更新缺席行时，低频行保持在 1 以下"),
    )),
    // The default setting at 100 000 tokens, with α = 2e-3 as in the blow-up preset.
    Preset::new("vocab-100k", T::new("100k vocabulary", "10 万词表"), &[("vocab", "100000"), ("lr", "2e-3")]).claim(
        Claim::new(
            "rows_at_cap",
            Op::Gt,
            0.0,
            12_000,
            T::new("a rare row of the 100 000 reaching 1/λ = 100", "10 万行中的一个低频行达到 1/λ = 100"),
        ),
    ),
];

/// The metrics reported by `dynamics run`, in order.
///
/// - `max_abs`: the largest |entry| of the embedding; `max_top20`, `max_20_100`, `max_100_500`, `max_rare`:
///   the same over 1-based ranks 1–20, 21–100, 101–500 and above 500 (`null` when a bucket is empty).
/// - `rows_at_cap`: rows with an entry of at least 0.99/λ (0 without weight decay); `min_rank_at_cap`: the
///   smallest 1-based rank among them, `null` if none.
/// - `loss`: mean cross-entropy of the last batch.
/// - `cap`: 1/λ (`null` without weight decay); `closed_form`: whether absent rows were advanced in closed form.
/// - `engine`: `"closed-form"` or `"per-step"` (every row updated every step, cost ∝ V·d);
///   `engine_reason`: why the per-step engine runs (`null` with the closed form).
pub static METRICS: [&str; 12] = [
    "max_abs",
    "max_top20",
    "max_20_100",
    "max_100_500",
    "max_rare",
    "rows_at_cap",
    "min_rank_at_cap",
    "loss",
    "cap",
    "closed_form",
    "engine",
    "engine_reason",
];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    // Its picture (scatter, heat map, inspector) takes 2 to 3 ms in the browser, so auto steps for 4 ms rather
    // than 6 and a frame stays near 8 ms; the blow-up presets still show their claim within their targets.
    auto_budget_ms: 4.0,
    // Eight steps (about 1.5 ms in the browser) leave room for drawing in the 8 ms frame budget; the
    // blow-up at the defaults (about 15 000 steps) then takes half a minute at 60 frames per second.
    steps_per_frame: 8,
    golden_steps: 3000,
    aspect: (0.62, 2.0),
    // A step costs about 20 µs natively at the defaults (more with the per-step engine at large V).
    replay_limit: 20_000,
    presets: &PRESETS,
    more_settings: &[
        "beta",
        "beta1",
        "beta2",
        "eps",
        "zipf",
        "batch",
        "dim",
        "q_min",
        "q_max",
        "init_std",
        "ftz",
        "lion_beta1",
        "lion_beta2",
        "inspect",
        "catchup",
    ],
    metrics_info: &metrics_info::INFO,
    // The page draws the initial embedding in parts: 6.4 million normal values at V = 200 000, d = 32 take
    // about 100 ms in the browser.
    build_in_parts: Some(|p, seed| Box::new(LionSim::new_in_parts(config_from(p), seed, inspect_of(p)))),
    ..PanelSpec::new(
        "lion-embedding",
        T::new(
            "Lion/Tiger embedding blow-up: rare tokens driven to 1/λ",
            "Lion/Tiger 的 Embedding 爆炸：低频 token 被推到 1/λ",
        ),
        &PARAMS,
        &METRICS,
        |p, seed| Box::new(LionSim::new(config_from(p), seed, inspect_of(p))),
    )
};

/// The 0-based rank of the inspected token.
fn inspect_of(p: &ParamValues) -> usize {
    (p.int("inspect").max(1) as usize).min(p.int("vocab").max(1) as usize) - 1
}

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    Config {
        optimizer: Optimizer::from_name(p.choice("optimizer")).unwrap_or(Optimizer::Tiger),
        lr: p.f64("lr") as f32,
        rms: p.choice("lr_rule") == "row-rms",
        wd: p.f64("wd") as f32,
        beta: p.f64("beta") as f32,
        lion_beta: (p.f64("lion_beta1") as f32, p.f64("lion_beta2") as f32),
        adam_beta: (p.f64("beta1") as f32, p.f64("beta2") as f32),
        eps: p.f64("eps") as f32,
        vocab: p.int("vocab").max(1) as usize,
        zipf: p.f64("zipf"),
        batch: p.int("batch").max(1) as usize,
        dim: p.int("dim").max(1) as usize,
        q_min: p.f64("q_min"),
        q_max: p.f64("q_max"),
        init_std: p.f64("init_std"),
        lazy: p.flag("lazy"),
        ftz: p.flag("ftz"),
        catchup: if p.choice("catchup") == "per-step" { Catchup::PerStep } else { Catchup::ClosedForm },
    }
}

/// One sample of the whole-embedding time series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesSample {
    /// The statistics at that step.
    pub summary: Summary,
}

/// One sample of the inspected row.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectSample {
    /// Its entries.
    pub theta: Vec<f32>,
    /// The sign of its momentum per entry.
    pub sign: Vec<i8>,
}

/// Above this vocabulary the closed-form engine gathers each whole-embedding sample over the following steps
/// ([`Model::start_gather`]) instead of in the step that takes it: a sample costs O(V·d), about 45 to 60 ms in
/// the browser at V = 200 000, and no frame may spend more than 50 ms stepping. Up to here a sample costs at most a
/// few milliseconds and is taken at once (the figure then always shows the statistics of its current step).
pub const GATHER_MIN_VOCAB: usize = 20_000;

/// Rows per unit of work when a step of the per-step engine is taken in parts ([`Sim::work`]): at most about
/// 13 ms in the browser at width 32 even where AdamW's absent moments are subnormal (a row then took up to
/// 3.3 µs), a few tenths of a millisecond otherwise, so that the page's stepping loop can stop near its 50 ms
/// limit whatever the setting.
pub const SWEEP_ROWS: usize = 4096;

/// Most appearance ticks kept for the inspector (thinned by half when full).
const MAX_TICKS: usize = 2048;

/// The live simulation: the model plus the histories the figure needs.
pub struct LionSim {
    /// The model.
    pub model: Model,
    /// 0-based rank of the inspected token.
    pub inspect: usize,
    /// Steps between whole-embedding samples (grows with V so that sampling stays cheap).
    pub series_every: u64,
    /// Whole-embedding statistics over time.
    pub series: History<SeriesSample>,
    /// The inspected row over time.
    pub inspected: History<InspectSample>,
    /// Steps at which the inspected token appeared (thinned when many).
    pub ticks: Vec<u64>,
    /// Total appearances of the inspected token.
    pub appearances: u64,
    /// The inspected row right after its first appearance, for the analytic constant-sign curve.
    pub first: Option<(u64, Row)>,
    /// The last whole-embedding summary and its step: it costs O(V·d), and the page asks for the metrics
    /// several times per second, often at a step that was already summarised.
    summary_cache: std::cell::Cell<Option<(u64, Summary)>>,
    /// Scratch row for reading the inspected row every step.
    scratch: Row,
    /// Rows counted per step while a whole-embedding sample is gathered (0: samples are taken at once).
    gather_chunk: usize,
    /// While a step of the per-step engine is taken in parts: the loss of the last completed step (the model's
    /// batch buffers already hold the new step's batch).
    held_loss: Option<f64>,
    /// Whether the set-up is done: the initial embedding drawn, what depends on the engine set and step 0
    /// recorded ([`LionSim::new_in_parts`]).
    set_up: bool,
}

impl LionSim {
    /// A simulation at step 0.
    pub fn new(cfg: Config, seed: u64, inspect: usize) -> Self {
        let mut sim = Self::new_in_parts(cfg, seed, inspect);
        sim.init_rows(usize::MAX);
        sim
    }

    /// A simulation at step 0 whose model is made by [`Model::new_in_parts`]: its initial embedding is drawn by
    /// [`Sim::work`], [`INIT_ROWS`] rows per unit, before the first step (or at once by [`Sim::step`]). Once that
    /// is done it is the simulation [`LionSim::new`] makes, bit for bit.
    pub fn new_in_parts(cfg: Config, seed: u64, inspect: usize) -> Self {
        let model = Model::new_in_parts(cfg, seed);
        let series_every = (model.vocab() as u64 / 100).max(40);
        LionSim {
            inspect: inspect.min(model.vocab() - 1),
            series_every,
            series: History::new(1024),
            inspected: History::new(1024),
            ticks: Vec::new(),
            appearances: 0,
            first: None,
            summary_cache: std::cell::Cell::new(None),
            scratch: model.scratch(),
            gather_chunk: 0,
            held_loss: None,
            model,
            set_up: false,
        }
    }

    /// Draws up to `rows` more rows of the initial embedding ([`Model::init_rows`]); when it is complete, finishes
    /// the set-up ([`LionSim::finish_set_up`]). Returns whether the set-up is complete.
    fn init_rows(&mut self, rows: usize) -> bool {
        if !self.set_up && self.model.init_rows(rows) {
            self.finish_set_up();
        }
        self.set_up
    }

    /// Once the initial embedding is complete: sets what depends on the engine and records step 0 (which for the
    /// per-step engine at large vocabularies scans the whole embedding, so [`Sim::work`] gives it a unit of its own).
    fn finish_set_up(&mut self) {
        self.set_up = true;
        // Four times the rows needed to finish a sample before the next one starts: each sample is complete a
        // quarter of the way to the next (at V = 200 000, 400 rows a step, done 500 steps after it was taken).
        self.gather_chunk = if self.model.closed_form && self.model.vocab() > GATHER_MIN_VOCAB {
            (4 * self.model.vocab()).div_ceil(self.series_every as usize)
        } else {
            0
        };
        self.record();
    }

    /// Units of the set-up that draw the initial embedding (one more finishes it).
    fn init_units(&self) -> u64 {
        self.model.vocab().div_ceil(INIT_ROWS) as u64
    }

    /// Whether whole-embedding samples are taken at once in the step they are of (else gathered over the
    /// following steps, see [`GATHER_MIN_VOCAB`]).
    pub fn samples_at_once(&self) -> bool {
        self.gather_chunk == 0
    }

    /// The summary of the current step if it has been computed already (for the metrics, say), else `None`.
    pub fn current_summary(&self) -> Option<Summary> {
        self.summary_cache.get().filter(|(at, _)| *at == self.model.t).map(|(_, s)| s)
    }

    /// The summary at the current step, computed at most once per step. While the initial embedding is being drawn
    /// ([`LionSim::new_in_parts`]) it is that of an empty embedding, without a scan (one costs about 50 ms in the
    /// browser at V = 200 000, d = 32, and the page reads the metrics every frame while paused); it is not cached.
    pub fn summary(&self) -> Summary {
        if !self.set_up {
            return Summary { bucket_max: [f64::NAN; 4], ..Default::default() };
        }
        let t = self.model.t;
        match self.summary_cache.get() {
            Some((at, s)) if at == t => s,
            _ => {
                let s = self.model.summary();
                self.summary_cache.set(Some((t, s)));
                s
            }
        }
    }

    fn record(&mut self) {
        let t = self.model.t;
        // The summary costs O(V·d); once the history has thinned its samples, it is computed only at the steps
        // the history keeps.
        if t.is_multiple_of(self.series_every) && self.series.keeps(t) {
            if self.gather_chunk == 0 {
                self.series.push(t, SeriesSample { summary: self.summary() });
            } else if let Some((at, summary)) = self.model.start_gather() {
                // The previous sample was not finished yet (it is, a quarter of the way): finished at once.
                self.series.push(at, SeriesSample { summary });
            }
        } else if self.model.gathering() {
            if let Some((at, summary)) = self.model.gather_rows(self.gather_chunk) {
                self.series.push(at, SeriesSample { summary });
            }
        }
        // The inspected row is evaluated (in closed form, an exponential and square roots) only at the steps its
        // history keeps, which once the history has thinned is one step in 2, 4, …
        if !self.inspected.keeps(t) {
            return;
        }
        self.model.row_into(self.inspect, &mut self.scratch);
        let row = &self.scratch;
        let sign = row.m.iter().map(|m| catchup::sign(*m) as i8).collect();
        self.inspected.push(t, InspectSample { theta: row.theta.clone(), sign });
    }
}

fn num(v: f64) -> Metric {
    if v.is_nan() {
        Metric::Null
    } else {
        Metric::Num(v)
    }
}

impl LionSim {
    /// The share of the work of the step in progress done ([`Sim::units_done`] over [`Sim::units_per_step`], as
    /// the page's step readout shows it), when a step of the per-step engine is taken in parts.
    pub fn sweep_share(&self) -> Option<f64> {
        self.model.sweep_progress().map(|_| self.units_done() as f64 / self.units_per_step() as f64)
    }

    /// The share of the initial embedding drawn while the set-up of [`LionSim::new_in_parts`] is under way.
    pub fn build_share(&self) -> Option<f64> {
        (!self.set_up)
            .then(|| self.model.init_progress().unwrap_or(self.model.vocab()) as f64 / self.model.vocab() as f64)
    }

    /// The histories' part of a step, once the model's step is complete.
    fn after_step(&mut self) {
        let r = self.inspect as u32;
        if self.model.in_batch(r as usize) {
            self.appearances += 1;
            if self.first.is_none() {
                let (row, _) = self.model.stored(self.inspect);
                self.first = Some((self.model.t, row));
            }
            if self.ticks.len() >= MAX_TICKS {
                let kept: Vec<u64> = self.ticks.iter().copied().step_by(2).collect();
                self.ticks = kept;
            }
            self.ticks.push(self.model.t);
        }
        self.record();
    }
}

impl Sim for LionSim {
    fn step(&mut self) {
        self.init_rows(usize::MAX);
        self.model.step();
        self.held_loss = None;
        self.after_step();
    }

    /// One unit for the batch and its gradients, then one per [`SWEEP_ROWS`] rows, with the per-step engine;
    /// one unit per step with the closed form (a step costs O(batch)).
    ///
    /// While the set-up of [`LionSim::new_in_parts`] is under way, one unit per [`INIT_ROWS`] rows of the initial
    /// embedding and one to finish it, plus one for the step (whose own units are known once the engine is).
    fn units_per_step(&self) -> u64 {
        if self.building() {
            2 + self.init_units()
        } else if self.model.closed_form {
            1
        } else {
            1 + self.model.vocab().div_ceil(SWEEP_ROWS) as u64
        }
    }

    fn building(&self) -> bool {
        !self.set_up
    }

    /// The per-step engine's step in parts ([`Model::begin_sweep`], [`Model::sweep_rows`]): the same bits as
    /// [`Sim::step`]. While it is in progress the metrics are the last completed step's: its statistics (cached:
    /// computed by the sweep that completed it, or once here after a step taken whole) and its loss.
    fn work(&mut self, units: u64) -> (u64, bool) {
        if !self.set_up {
            // The set-up first, then an incomplete step: the caller decides whether to go on to the step.
            let Some(next) = self.model.init_progress() else {
                self.finish_set_up();
                return (1, false);
            };
            let units = units.max(1);
            if self.model.init_rows((units as usize).saturating_mul(INIT_ROWS)) {
                return ((self.model.vocab() - next).div_ceil(INIT_ROWS) as u64, false);
            }
            return (units, false);
        }
        if self.model.closed_form {
            self.step();
            return (1, true);
        }
        let units = units.max(1);
        let mut done = 0;
        if self.model.sweep_progress().is_none() {
            if self.current_summary().is_none() {
                self.summary();
            }
            self.held_loss = Some(self.model.loss());
            self.model.begin_sweep();
            done = 1;
        }
        if done == units {
            return (done, false);
        }
        let next = self.model.sweep_progress().unwrap_or(0);
        let rows = ((units - done) as usize).saturating_mul(SWEEP_ROWS);
        match self.model.sweep_rows(rows) {
            Some(stats) => {
                done += (self.model.vocab() - next).div_ceil(SWEEP_ROWS) as u64;
                self.summary_cache.set(Some((self.model.t, stats)));
                self.held_loss = None;
                self.after_step();
                (done, true)
            }
            None => (units, false),
        }
    }

    fn units_done(&self) -> u64 {
        if !self.set_up {
            return self.model.init_progress().map_or(self.init_units(), |next| (next / INIT_ROWS) as u64);
        }
        self.model.sweep_progress().map_or(0, |next| 1 + (next / SWEEP_ROWS) as u64)
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let s = self.summary();
        vec![
            ("max_abs", Metric::Num(s.max_abs)),
            ("max_top20", num(s.bucket_max[0])),
            ("max_20_100", num(s.bucket_max[1])),
            ("max_100_500", num(s.bucket_max[2])),
            ("max_rare", num(s.bucket_max[3])),
            ("rows_at_cap", Metric::Int(s.rows_at_cap as i64)),
            ("min_rank_at_cap", s.min_rank_at_cap.map_or(Metric::Null, |r| Metric::Int(r as i64))),
            ("loss", num(self.held_loss.unwrap_or_else(|| self.model.loss()))),
            ("cap", self.model.cfg.cap().map_or(Metric::Null, Metric::Num)),
            ("closed_form", Metric::Bool(self.model.closed_form)),
            ("engine", Metric::Text(if self.model.closed_form { "closed-form" } else { "per-step" })),
            ("engine_reason", self.model.per_step_reason.map_or(Metric::Null, Metric::Text)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        draw::draw(area, self, theme);
        Drawn::default()
    }
}
