//! The Zipf embedding toy of theory §3, in f32: a frozen orthonormal head, rank-dependent predictability,
//! and Tiger, Lion or AdamW on the embedding.
//!
//! Storage and every optimiser update are real f32 arithmetic ([`row_step`] is the theory's pseudo-code).
//! Flush-to-zero is emulated in software: WebAssembly has no FTZ mode and native x86 Rust does not set it,
//! so with `ftz` on, every f32 value the update stores (and Lion's interpolation, whose sign is used) is set
//! to 0 when its magnitude is below `f32::MIN_POSITIVE`.
//!
//! Two engines advance the rows of tokens that are absent from a batch (an implementation choice; not to be
//! confused with the optimiser remedy "lazy updates", config field `lazy`, which does not update such rows
//! at all):
//! - **closed form** (default): rows are only written when their token appears; in between they are evaluated
//!   from their last state with [`super::catchup`], O(d) per read whatever the gap. Used only where the theory
//!   proves that absent rows stay finite ([`closed_form_applies`]), so that checking the touched rows after
//!   every step detects divergence exactly.
//! - **per step**: every row is updated on every step exactly as the pseudo-code says (cost ∝ vocab); the
//!   reference the closed form is tested against, and the engine used wherever the closed form does not apply.

use super::catchup::{self, decay, powu, sign, stuck_value, zero_step, MAX_DIM, ROWS};
use super::kernels;
use crate::rng::{self, Rng};
use nalgebra::DMatrix;

/// The optimiser applied to the embedding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Tiger: Lion with β₁ = β₂ = β.
    Tiger,
    /// Lion with its own β₁, β₂.
    Lion,
    /// AdamW.
    AdamW,
}

impl Optimizer {
    /// From the parameter text.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "tiger" => Some(Optimizer::Tiger),
            "lion" => Some(Optimizer::Lion),
            "adamw" => Some(Optimizer::AdamW),
            _ => None,
        }
    }
    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Optimizer::Tiger => "Tiger",
            Optimizer::Lion => "Lion",
            Optimizer::AdamW => "AdamW",
        }
    }
    /// Whether the update is a sign (Tiger, Lion).
    pub fn is_sign(self) -> bool {
        !matches!(self, Optimizer::AdamW)
    }
}

/// How rows of absent tokens are advanced (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catchup {
    /// Evaluate in closed form when read.
    ClosedForm,
    /// Update every row every step.
    PerStep,
}

/// The toy's settings (theory §3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// Optimiser.
    pub optimizer: Optimizer,
    /// Learning rate (Tiger's α when `rms`).
    pub lr: f32,
    /// Tiger's per-row RMS rule `η = α·RMS(row)` (Tiger and Lion only; AdamW always uses `lr`).
    pub rms: bool,
    /// Weight decay λ.
    pub wd: f32,
    /// Tiger's β.
    pub beta: f32,
    /// Lion's β₁, β₂.
    pub lion_beta: (f32, f32),
    /// AdamW's β₁, β₂.
    pub adam_beta: (f32, f32),
    /// AdamW's ε.
    pub eps: f32,
    /// Vocabulary size V.
    pub vocab: usize,
    /// Zipf exponent s.
    pub zipf: f64,
    /// Tokens per batch B.
    pub batch: usize,
    /// Embedding width d (= number of classes C).
    pub dim: usize,
    /// Determinism at rank 1 and at rank V.
    pub q_min: f64,
    /// See `q_min`.
    pub q_max: f64,
    /// Standard deviation of the initial embedding.
    pub init_std: f64,
    /// The optimiser remedy: rows of absent tokens are not updated at all.
    pub lazy: bool,
    /// Emulated flush-to-zero.
    pub ftz: bool,
    /// Requested engine for absent rows.
    pub catchup: Catchup,
}

impl Config {
    /// The settings of the SIMD row updates ([`kernels::SignStep`]) for Tiger and Lion without flush-to-zero, the
    /// configurations they serve; `None` for AdamW or with flush-to-zero.
    pub fn sign_step(&self) -> Option<kernels::SignStep> {
        if !self.optimizer.is_sign() || self.ftz {
            return None;
        }
        let lion = self.optimizer == Optimizer::Lion;
        let (b1, b2) = if lion { self.lion_beta } else { (self.beta, 0.0) };
        Some(kernels::SignStep { lion, b1, b2, lr: self.lr, rms: self.rms, wd: self.wd })
    }

    /// The theory's defaults: Tiger with the per-row RMS rule, α = 1e-3, λ = 0.01, V = 2000, B = 256, d = 16.
    pub fn defaults() -> Self {
        Config {
            optimizer: Optimizer::Tiger,
            lr: 1e-3,
            rms: true,
            wd: 0.01,
            beta: 0.965,
            lion_beta: (0.95, 0.98),
            adam_beta: (0.9, 0.999),
            eps: 1e-8,
            vocab: 2000,
            zipf: 1.0,
            batch: 256,
            dim: 16,
            q_min: 0.5,
            q_max: 1.0,
            init_std: 0.02,
            lazy: false,
            ftz: false,
            catchup: Catchup::ClosedForm,
        }
    }

    /// Whether the per-row RMS rule is in effect (it applies to the sign optimisers only).
    pub fn rms_rule(&self) -> bool {
        self.rms && self.optimizer.is_sign()
    }

    /// The bound `1/λ` on |θ| under Tiger and Lion, or `None` without weight decay.
    pub fn cap(&self) -> Option<f64> {
        (self.wd > 0.0).then(|| 1.0 / self.wd as f64)
    }
}

/// Whether absent rows may be advanced in closed form: they provably stay finite (so divergence shows up in
/// touched rows first) and the formulas are accurate.
///
/// - Tiger/Lion, constant lr: `|θ'| ≤ |θ|(1 − ηλ) + η` for `ηλ ≤ 1`, so `|θ| ≤ max(|θ₀|, 1/λ)` (theory §2);
///   with λ = 0 the row moves by at most η per step.
/// - Tiger/Lion, RMS rule: `η = α·RMS ≤ α R` with `R = max(1/λ, max|θ₀|)`, so the same bound holds when
///   `α R λ ≤ 1` and λ > 0 (with λ = 0 the row grows like `(1 + α)^k` and overflows). The continuous-time
///   solution is used only for α ≤ 0.05, where its O(α) error is small.
/// - AdamW: the update `u` of an absent row is bounded when `β₁² < β₂` (Cauchy–Schwarz on the moment sums),
///   so `ηλ ≤ 1` keeps the row bounded.
pub fn closed_form_applies(cfg: &Config, max_init: f64) -> bool {
    per_step_reason(cfg, max_init).is_none()
}

/// Why absent rows must be advanced by the per-step engine at these settings, in a few words for the figure
/// and the `engine_reason` metric, or `None` when the closed form applies ([`closed_form_applies`] states
/// the conditions and why).
pub fn per_step_reason(cfg: &Config, max_init: f64) -> Option<&'static str> {
    if cfg.catchup == Catchup::PerStep {
        return Some("chosen under absent rows");
    }
    if cfg.lazy {
        return None; // absent rows do not change at all
    }
    let (lr, wd) = (cfg.lr as f64, cfg.wd as f64);
    match cfg.optimizer {
        Optimizer::Tiger | Optimizer::Lion if cfg.rms => {
            if wd <= 0.0 {
                Some("λ = 0 with the row-RMS rule: absent rows grow without bound")
            } else if lr > 0.05 {
                Some("row-RMS α > 0.05: the closed form's O(α) error is too large")
            } else if lr * (1.0f64).max(wd * max_init) > 1.0 {
                Some("α·max(1, λ·max|θ₀|) > 1: absent rows may grow")
            } else {
                None
            }
        }
        Optimizer::Tiger | Optimizer::Lion => (lr * wd > 1.0).then_some("lr·λ > 1: absent rows may oscillate and grow"),
        Optimizer::AdamW => {
            let (b1, b2) = (cfg.adam_beta.0 as f64, cfg.adam_beta.1 as f64);
            if lr * wd > 1.0 {
                Some("lr·λ > 1: absent rows may oscillate and grow")
            } else if b1 * b1 >= b2 {
                Some("β₁² ≥ β₂: the drift of absent rows is not bounded in closed form")
            } else {
                None
            }
        }
    }
}

/// Determinism `q_i = q_min + (q_max − q_min) ln i / ln V` of 0-based rank `r` (theory §3).
pub fn q_at(cfg: &Config, v: usize, r: usize) -> f64 {
    let frac = if v > 1 { ((r + 1) as f64).ln() / (v as f64).ln() } else { 0.0 };
    (cfg.q_min + (cfg.q_max - cfg.q_min) * frac).clamp(0.0, 1.0)
}

/// Whether every entry of `x` is finite, without an early exit (so that the loop vectorises; in WebAssembly,
/// whose build does not vectorise loops, with simd128 written out).
#[inline]
fn all_finite(x: &[f32]) -> bool {
    max_abs_bits(x) < 0x7f80_0000
}

/// The largest `|x|` bit pattern of `x` (the sign bit cleared, then the unsigned maximum, in any order).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn max_abs_bits(x: &[f32]) -> u32 {
    let mut worst = 0u32;
    for v in x {
        worst = worst.max(v.to_bits() & 0x7fff_ffff);
    }
    worst
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use kernels::wasm::max_abs_bits;

/// Flush-to-zero emulation: magnitudes below `f32::MIN_POSITIVE` become 0 when `ftz` is on.
#[inline(always)]
pub fn flush(x: f32, ftz: bool) -> f32 {
    if ftz && x.abs() < f32::MIN_POSITIVE {
        0.0
    } else {
        x
    }
}

/// The RMS of a row in f32: the squares summed in the fixed lane order of [`kernels::lane_sum`] (four
/// partial sums, one SIMD register).
#[inline]
pub fn rms_f32(row: &[f32]) -> f32 {
    let mut sq = [0.0f32; MAX_DIM];
    let n = row.len().min(MAX_DIM);
    for (q, x) in sq.iter_mut().zip(&row[..n]) {
        *q = x * x;
    }
    (kernels::lane_sum(&sq[..n]) / row.len() as f32).sqrt()
}

/// AdamW's bias corrections `1 − β₁^t`, `1 − β₂^t` at global step `t` (computed in f64 with [`powu`], then
/// rounded to f32, so they are the same on every platform).
pub fn bias_corrections(cfg: &Config, t: u64) -> (f32, f32) {
    let (b1, b2) = cfg.adam_beta;
    ((1.0 - powu(b1 as f64, t)) as f32, (1.0 - powu(b2 as f64, t)) as f32)
}

/// One optimiser step of one row in f32, exactly the theory's pseudo-code. `g` is the batch-averaged
/// gradient of the row (zeros for an absent token), `bc` the AdamW bias corrections of this step.
pub fn row_step(cfg: &Config, theta: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], bc: (f32, f32)) {
    match theta.len() {
        #[cfg(not(target_arch = "wasm32"))]
        4 => row_step_n::<4>(cfg, theta, m, v, g, bc, None),
        #[cfg(not(target_arch = "wasm32"))]
        8 => row_step_n::<8>(cfg, theta, m, v, g, bc, None),
        #[cfg(not(target_arch = "wasm32"))]
        16 => row_step_n::<16>(cfg, theta, m, v, g, bc, None),
        #[cfg(not(target_arch = "wasm32"))]
        32 => row_step_n::<32>(cfg, theta, m, v, g, bc, None),
        _ => row_step_n::<0>(cfg, theta, m, v, g, bc, None),
    }
}

/// The RMS of a row of width `D` ([`rms_f32`] with the width known at compile time, the same arithmetic;
/// `D = 0` is any width).
#[inline(always)]
fn rms_n<const D: usize>(row: &[f32]) -> f32 {
    if D == 0 || D > MAX_DIM {
        return rms_f32(row);
    }
    let row = &row[..D];
    let mut sq = [0.0f32; MAX_DIM];
    let sq = &mut sq[..D];
    for (q, x) in sq.iter_mut().zip(row) {
        *q = x * x;
    }
    (kernels::lane_sum(sq) / D as f32).sqrt()
}

/// [`row_step`] for rows of width `D` (4, 8, 16 or 32, or 0 for any width): the same operations in the same
/// order, with constant trip counts so that every loop is unrolled and vectorised. `eta` is the learning rate of
/// Tiger or Lion under the per-row RMS rule if the caller has computed it already (`lr·rms_n(θ)` of this row
/// before the update, the same value); `None` computes it here.
#[inline(always)]
fn row_step_n<const D: usize>(
    cfg: &Config,
    theta: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    g: &[f32],
    bc: (f32, f32),
    eta: Option<f32>,
) {
    // One copy of the loops per `ftz` value: with the flag tested inside, the flush's select did not vectorise
    // (the momentum loop of Tiger ran one lane at a time); the operations and their order are the same.
    if cfg.ftz {
        row_step_nf::<D, true>(cfg, theta, m, v, g, bc, eta)
    } else {
        row_step_nf::<D, false>(cfg, theta, m, v, g, bc, eta)
    }
}

/// [`row_step_n`] with flush-to-zero known at compile time (`FTZ`).
#[inline(always)]
fn row_step_nf<const D: usize, const FTZ: bool>(
    cfg: &Config,
    theta: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    g_in: &[f32],
    bc: (f32, f32),
    eta_given: Option<f32>,
) {
    let d = if D > 0 { D } else { theta.len().min(MAX_DIM) };
    let (theta_out, m_out, v_out) = (&mut theta[..d], &mut m[..d], v);
    // Work on copies on the stack: the rows and the gradient are parts of the model's heap buffers, which LLVM
    // cannot prove distinct once this is inlined into the step, so it did not vectorise loops that read one
    // and write another (Tiger's momentum update ran one lane at a time). The values are the same.
    let (mut tb, mut mb, mut gb) = ([0.0f32; MAX_DIM], [0.0f32; MAX_DIM], [0.0f32; MAX_DIM]);
    let (theta, m, g) = (&mut tb[..d], &mut mb[..d], &mut gb[..d]);
    theta.copy_from_slice(theta_out);
    m.copy_from_slice(m_out);
    g.copy_from_slice(&g_in[..d]);
    let g = &*g;
    let ftz = FTZ;
    let (lr, wd) = (cfg.lr, cfg.wd);
    match cfg.optimizer {
        Optimizer::Tiger => {
            let b = cfg.beta;
            let omb = 1.0 - b;
            for (mj, gj) in m.iter_mut().zip(g) {
                *mj = flush(b * *mj + omb * gj, ftz);
            }
            // The per-row RMS is taken from θ before the update, as in the reference code.
            let eta = eta_given.unwrap_or_else(|| if cfg.rms { lr * rms_n::<D>(theta) } else { lr });
            for (tj, mj) in theta.iter_mut().zip(m.iter()) {
                *tj = flush(*tj - eta * (sign(*mj) + wd * *tj), ftz);
            }
        }
        Optimizer::Lion => {
            let (b1, b2) = cfg.lion_beta;
            let eta = eta_given.unwrap_or_else(|| if cfg.rms { lr * rms_n::<D>(theta) } else { lr });
            for ((tj, mj), gj) in theta.iter_mut().zip(m.iter_mut()).zip(g) {
                let c = flush(b1 * *mj + (1.0 - b1) * gj, ftz);
                *tj = flush(*tj - eta * (sign(c) + wd * *tj), ftz);
                *mj = flush(b2 * *mj + (1.0 - b2) * gj, ftz);
            }
        }
        Optimizer::AdamW => {
            let mut vb = [0.0f32; MAX_DIM];
            let v = &mut vb[..d];
            v.copy_from_slice(&v_out[..d]);
            let (b1, b2) = cfg.adam_beta;
            let (bc1, bc2) = bc;
            let eps = cfg.eps;
            // Plain indexing: the four-way zip with the flush inside did not vectorise.
            for j in 0..d {
                m[j] = flush(b1 * m[j] + (1.0 - b1) * g[j], ftz);
                v[j] = flush(b2 * v[j] + (1.0 - b2) * (g[j] * g[j]), ftz);
                let u = (m[j] / bc1) / ((v[j] / bc2).sqrt() + eps);
                theta[j] = flush(theta[j] - lr * (u + wd * theta[j]), ftz);
            }
            v_out[..d].copy_from_slice(v);
        }
    }
    theta_out.copy_from_slice(theta);
    m_out.copy_from_slice(m);
}

/// The constants of the closed-form catch-up that depend only on the configuration.
#[derive(Clone, Debug)]
struct Decays {
    /// Decay factor of the stored momentum m, and its f32 sticking value.
    m_beta: f32,
    m_stuck: f64,
    /// AdamW's second moment.
    v_stuck: f64,
    /// `powu(m_beta, k)` for the short gaps `k < POW_TABLE` that most catch-ups have (the same values,
    /// looked up instead of recomputed).
    m_pow: Vec<f64>,
}

/// Length of [`Decays::m_pow`].
const POW_TABLE: usize = 1024;

impl Decays {
    /// `powu(m_beta, k)`.
    #[inline]
    fn m_beta_pow(&self, k: u64) -> f64 {
        match self.m_pow.get(k as usize) {
            Some(p) => *p,
            None => powu(self.m_beta as f64, k),
        }
    }
}

/// The full state of one row at some step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Embedding entries.
    pub theta: Vec<f32>,
    /// First moment (Tiger/Lion momentum).
    pub m: Vec<f32>,
    /// AdamW's second moment (empty otherwise).
    pub v: Vec<f32>,
}

/// Per-step statistics of the whole embedding.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    /// max |entry| over all rows.
    pub max_abs: f64,
    /// max |entry| per rank bucket [0,20), [20,100), [100,500), [500,V) (0-based); NaN for an empty bucket.
    pub bucket_max: [f64; 4],
    /// Rows with an entry at least 0.99/λ.
    pub rows_at_cap: u64,
    /// The smallest 1-based rank among them.
    pub min_rank_at_cap: Option<u64>,
}

/// The flag of a [`Model`] guide-table entry that is the sample itself (no walk along the CDF needed). Token
/// indices stay below 2³¹ (the vocabulary is at most 200 000).
const SURE: u32 = 1 << 31;

/// Rows of the initial embedding drawn per unit of work while a model made by [`Model::new_in_parts`] is completed
/// in parts: about 2 ms in the browser at width 32 (15 ns an entry).
pub const INIT_ROWS: usize = 4096;

/// Rank buckets (0-based, half-open) for the plots and metrics.
pub const BUCKETS: [(usize, usize); 4] = [(0, 20), (20, 100), (100, 500), (500, usize::MAX)];

/// The toy: data, head, embedding and optimiser state.
pub struct Model {
    /// Settings.
    pub cfg: Config,
    /// Whether absent rows are advanced in closed form (else every row every step).
    pub closed_form: bool,
    /// Why the per-step engine runs (`None` with the closed form).
    pub per_step_reason: Option<&'static str>,
    /// The frozen head W = 3Q, C×d row-major (C = d).
    pub w: Vec<f32>,
    /// Wᵀ, d×C row-major.
    wt: Vec<f32>,
    /// Column means of Q (for the per-row optimum).
    q_colmean: Vec<f64>,
    /// Each token's dominant next class.
    pub ystar: Vec<u16>,
    /// Zipf CDF over ranks.
    cdf: Vec<f64>,
    /// Determinism q_i per rank.
    qs: Vec<f64>,
    /// Rows as of their anchor step (all rows current in the per-step engine).
    theta: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
    anchor: Vec<u64>,
    /// Steps taken.
    pub t: u64,
    rng: Rng,
    /// Per-step scratch: slot of each row in the batch, touched rows, class counts.
    slot: Vec<u32>,
    /// Rows touched by the last step, in first-appearance order.
    pub touched: Vec<u32>,
    counts: Vec<f32>,
    ntok: Vec<u32>,
    grads: Vec<f32>,
    /// Logits of each distinct token of the last batch, and their maximum and normaliser `Σ e^{z − zmax}`.
    logits: Vec<f32>,
    lse_in: Vec<(f32, f32)>,
    /// A row of zeros (the gradient of an absent row in the per-step engine).
    zeros: Vec<f32>,
    /// Guide table for sampling: `guide[k]` is the number of CDF entries `≤ k/len` (the cut-point method),
    /// with [`SURE`] set where that number is the sample for every `u` that lands in bucket `k`.
    guide: Vec<u32>,
    /// Largest |entry| at initialisation.
    pub max_init: f64,
    nonfinite: bool,
    decays: Decays,
    /// Whole-embedding statistics being gathered over several steps ([`Model::start_gather`]).
    gather: Option<Gather>,
    /// Per row, `s + 1` if the row was counted by the gathering of step `s` before the sweep reached it.
    gather_seen: Vec<u64>,
    /// The per-step engine's step in progress when it is taken a slice of rows at a time
    /// ([`Model::begin_sweep`]).
    sweep: Option<Sweep>,
    /// The initial embedding still being drawn when the model was made with [`Model::new_in_parts`].
    init: Option<Init>,
}

/// The drawing of the initial embedding a slice of rows at a time ([`Model::init_rows`]).
#[derive(Clone, Debug)]
struct Init {
    /// The stream the entries are drawn from, in row-major order.
    rng: Rng,
    /// The next row to draw.
    next: usize,
}

/// A step of the per-step engine in progress ([`Model::begin_sweep`], [`Model::sweep_rows`]): its batch and
/// gradients are computed, rows `0..next` are updated.
#[derive(Clone, Copy, Debug)]
struct Sweep {
    /// The next row to update.
    next: usize,
    /// Whether a row updated so far became non-finite.
    bad: bool,
    /// Whether the batch's logits and normalisers are finite.
    loss_ok: bool,
    /// AdamW's bias corrections of the step.
    bc: (f32, f32),
    /// The whole-embedding statistics of the rows updated so far, at the new step.
    stats: Summary,
}

/// The statistics of one step gathered a slice of rows at a time ([`Model::start_gather`]).
#[derive(Clone, Debug)]
struct Gather {
    /// The step the statistics are of.
    at: u64,
    /// The next row of the sweep.
    next: usize,
    /// The statistics of the rows counted so far.
    acc: Summary,
    /// A scratch row.
    scratch: Row,
}

impl Model {
    /// A fresh model at step 0.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let mut model = Self::new_in_parts(cfg, seed);
        model.init_rows(usize::MAX);
        model
    }

    /// A fresh model at step 0 whose initial embedding is still to be drawn, [`INIT_ROWS`] rows at a time or in
    /// any other slices, by [`Model::init_rows`] (the page: drawing 6.4 million normal values at V = 200 000,
    /// d = 32 takes about 100 ms in the browser, two frames' worth of stepping). Everything else is made here,
    /// in time proportional to the vocabulary alone. The entries come from the same stream in the same order as
    /// in [`Model::new`], so the finished model is the same bit for bit. Until it is finished, rows not drawn
    /// yet are zero and the engine is chosen as if the largest initial entry were the largest drawn so far;
    /// stepping finishes it first.
    pub fn new_in_parts(cfg: Config, seed: u64) -> Self {
        let v_n = cfg.vocab.max(1);
        let d = cfg.dim.max(1);
        // Frozen head: 3 × a random orthogonal matrix (QR of a Gaussian matrix).
        let mut rq = rng::stream(seed, 1);
        let g = DMatrix::from_fn(d, d, |_, _| rng::normal(&mut rq));
        let q = g.qr().q();
        let mut w = vec![0.0f32; d * d];
        let mut q_colmean = vec![0.0f64; d];
        for c in 0..d {
            for j in 0..d {
                w[c * d + j] = (3.0 * q[(c, j)]) as f32;
                q_colmean[j] += q[(c, j)] / d as f64;
            }
        }
        let mut ry = rng::stream(seed, 2);
        let ystar = (0..v_n).map(|_| ((rng::uniform(&mut ry) * d as f64) as usize).min(d - 1) as u16).collect();
        let mut cdf = Vec::with_capacity(v_n);
        let mut acc = 0.0;
        for i in 1..=v_n {
            acc += (i as f64).powf(-cfg.zipf);
            cdf.push(acc);
        }
        for c in cdf.iter_mut() {
            *c /= acc;
        }
        let theta = vec![0.0f32; v_n * d];
        let max_init = 0.0;
        let adam = cfg.optimizer == Optimizer::AdamW;
        let m_beta = match cfg.optimizer {
            Optimizer::Tiger => cfg.beta,
            Optimizer::Lion => cfg.lion_beta.1,
            Optimizer::AdamW => cfg.adam_beta.0,
        };
        let decays = Decays {
            m_beta,
            m_stuck: stuck_value(m_beta),
            v_stuck: if adam { stuck_value(cfg.adam_beta.1) } else { 0.0 },
            m_pow: (0..POW_TABLE as u64).map(|k| powu(m_beta as f64, k)).collect(),
        };
        let mut wt = vec![0.0f32; d * d];
        for c in 0..d {
            for j in 0..d {
                wt[j * d + c] = w[c * d + j];
            }
        }
        let qs = (0..v_n).map(|r| q_at(&cfg, v_n, r)).collect();
        // Eight cut points per token up to 65 536 (one per token beyond): the walk from a cut point then almost
        // always ends where it starts, so its loop exit is predictable (with one per token, about half the
        // draws walked a step, at random). One binary search per cut point builds it.
        let glen = v_n.max((8 * v_n).min(1 << 16));
        let mut guide: Vec<u32> =
            (0..glen).map(|k| cdf.partition_point(|&c| c <= k as f64 / glen as f64) as u32).collect();
        // A bucket whose neighbours on both sides start at the same CDF entry holds no CDF value, nor does the
        // bucket after it: every `u` whose computed index is k (exact up to rounding, so within (k − 1, k + 2)
        // buckets) has the same sample, so the sampler need not read the CDF there.
        for k in 1..glen.saturating_sub(2) {
            if guide[k - 1] & !SURE == guide[k + 2] {
                guide[k] |= SURE;
            }
        }
        Model {
            qs,
            wt,
            closed_form: closed_form_applies(&cfg, max_init),
            per_step_reason: per_step_reason(&cfg, max_init),
            cfg,
            w,
            q_colmean,
            ystar,
            cdf,
            m: vec![0.0; v_n * d],
            v: if adam { vec![0.0; v_n * d] } else { Vec::new() },
            theta,
            anchor: vec![0; v_n],
            t: 0,
            rng: rng::stream(seed, 3),
            slot: vec![u32::MAX; v_n],
            touched: Vec::new(),
            counts: Vec::new(),
            ntok: Vec::new(),
            grads: Vec::new(),
            logits: Vec::new(),
            lse_in: Vec::new(),
            zeros: vec![0.0; d],
            guide,
            max_init,
            nonfinite: false,
            decays,
            gather: None,
            gather_seen: Vec::new(),
            sweep: None,
            init: Some(Init { rng: rng::stream(seed, 0), next: 0 }),
        }
    }

    /// Draws up to `rows` more rows of the initial embedding of a model made by [`Model::new_in_parts`]; once the
    /// last row is drawn, chooses the engine from the largest initial entry. Returns whether the model is
    /// complete (at once for a complete model).
    pub fn init_rows(&mut self, rows: usize) -> bool {
        let Some(init) = &mut self.init else { return true };
        let d = self.cfg.dim.max(1);
        let end = init.next.saturating_add(rows).min(self.anchor.len());
        let mut max_init = self.max_init;
        for x in &mut self.theta[init.next * d..end * d] {
            *x = (self.cfg.init_std * rng::normal(&mut init.rng)) as f32;
            max_init = max_init.max((*x as f64).abs());
        }
        init.next = end;
        self.max_init = max_init;
        if end < self.anchor.len() {
            return false;
        }
        self.init = None;
        self.closed_form = closed_form_applies(&self.cfg, max_init);
        self.per_step_reason = per_step_reason(&self.cfg, max_init);
        true
    }

    /// The rows of the initial embedding drawn so far while a model made by [`Model::new_in_parts`] is being
    /// completed ([`Model::init_rows`]), else `None`.
    pub fn init_progress(&self) -> Option<usize> {
        self.init.as_ref().map(|i| i.next)
    }

    /// Vocabulary size.
    pub fn vocab(&self) -> usize {
        self.anchor.len()
    }

    /// Embedding width.
    pub fn dim(&self) -> usize {
        self.cfg.dim.max(1)
    }

    /// Determinism `q_i` of the token of 0-based rank `r`.
    pub fn q_of(&self, r: usize) -> f64 {
        self.qs.get(r).copied().unwrap_or(0.0)
    }

    /// Unigram probability of 0-based rank `r`.
    pub fn p_of(&self, r: usize) -> f64 {
        let prev = if r == 0 { 0.0 } else { self.cdf[r - 1] };
        self.cdf.get(r).map_or(0.0, |c| c - prev)
    }

    /// `max_j |E*_rj|` of the per-row optimum without weight decay (theory §3), infinite when `q_r = 1`.
    pub fn optimum_max(&self, r: usize) -> f64 {
        let d = self.dim();
        let q = self.q_of(r);
        let (ps, po) = (q + (1.0 - q) / d as f64, (1.0 - q) / d as f64);
        if po <= 0.0 {
            return f64::INFINITY;
        }
        let delta = (ps / po).ln();
        let y = self.ystar.get(r).copied().unwrap_or(0) as usize;
        let mut best = 0.0f64;
        for j in 0..d {
            let qy = self.w[y * d + j] as f64 / 3.0;
            best = best.max((qy - self.q_colmean[j]).abs());
        }
        delta / 3.0 * best
    }

    /// Whether all state is finite (touched rows are checked when written; absent rows provably stay finite
    /// in the closed-form engine, and are all checked every step in the per-step engine).
    pub fn is_finite(&self) -> bool {
        !self.nonfinite
    }

    /// The token the sampler draws for the uniform value `u` (taken into [0, 1): NaN and values below 0 as 0,
    /// values from 1 on as the largest value below 1): the first rank whose CDF value exceeds `u`.
    pub fn sample_rank(&self, u: f64) -> usize {
        let u = if u >= 0.0 { u.min(1.0 - f64::EPSILON / 2.0) } else { 0.0 };
        self.sample_token(u)
    }

    /// Samples one token's 0-based rank from the Zipf CDF for `u` in [0, 1) ([`Sampler::token`]).
    #[inline]
    fn sample_token(&self, u: f64) -> usize {
        Sampler { guide: &self.guide, cdf: &self.cdf }.token(u)
    }

    /// Writes row `r` as of step `target` into the stored state (closed-form catch-up, in place).
    #[inline(always)]
    fn bring(&mut self, r: usize, target: u64) {
        let a = self.anchor[r];
        if a >= target || self.cfg.lazy {
            self.anchor[r] = self.anchor[r].max(target);
            return;
        }
        let d = self.dim();
        let s = r * d;
        let v: &mut [f32] = if self.v.is_empty() { &mut [] } else { &mut self.v[s..s + d] };
        advance_slices(
            &self.cfg,
            &self.decays,
            &mut self.theta[s..s + d],
            &mut self.m[s..s + d],
            v,
            a,
            target - a,
            self.cfg.ftz,
            false,
        );
        self.anchor[r] = target;
    }

    /// Row `r` as of the current step.
    pub fn row(&self, r: usize) -> Row {
        let mut out = self.scratch();
        self.row_into(r, &mut out);
        out
    }

    /// Writes row `r` as of the current step into `out` (a row of the shape [`Model::scratch`] gives).
    pub fn row_into(&self, r: usize, out: &mut Row) {
        self.eval_into(r, self.t, out, self.cfg.ftz);
    }

    /// Whether the token of 0-based rank `r` was in the last batch.
    pub fn in_batch(&self, r: usize) -> bool {
        self.slot.get(r).is_some_and(|s| *s != u32::MAX)
    }

    /// The stored state of row `r` and its anchor step.
    pub fn stored(&self, r: usize) -> (Row, u64) {
        let d = self.dim();
        let s = r * d;
        let v = if self.v.is_empty() { Vec::new() } else { self.v[s..s + d].to_vec() };
        (Row { theta: self.theta[s..s + d].to_vec(), m: self.m[s..s + d].to_vec(), v }, self.anchor[r])
    }

    /// Evaluates row `r` at step `target ≥ anchor` into `out` (theta, m and, for AdamW, v).
    fn eval_into(&self, r: usize, target: u64, out: &mut Row, ftz: bool) {
        self.eval_row(r, target, out, ftz, false);
    }

    /// [`Model::eval_into`], optionally leaving the moments at their anchor values (`theta_only`), which is all
    /// that statistics of the entries need and saves the moments' decay.
    fn eval_row(&self, r: usize, target: u64, out: &mut Row, ftz: bool, theta_only: bool) {
        let d = self.dim();
        let s = r * d;
        let a = self.anchor[r];
        out.theta.copy_from_slice(&self.theta[s..s + d]);
        out.m.copy_from_slice(&self.m[s..s + d]);
        if !self.v.is_empty() {
            out.v.copy_from_slice(&self.v[s..s + d]);
        }
        if target > a && !self.cfg.lazy {
            self.advance_row(out, a, target - a, ftz, theta_only);
        }
    }

    /// Advances a row state `k` absent steps after global step `t0` in closed form ([`super::catchup`]).
    /// `ftz = false` gives the constant-sign curve of the theory even when the run has flush-to-zero on.
    pub fn advance(&self, row: &mut Row, t0: u64, k: u64, ftz: bool) {
        self.advance_row(row, t0, k, ftz, false);
    }

    /// [`Model::advance`]; with `theta_only` the moments are left as they were (only the entries are advanced).
    fn advance_row(&self, row: &mut Row, t0: u64, k: u64, ftz: bool, theta_only: bool) {
        advance_slices(&self.cfg, &self.decays, &mut row.theta, &mut row.m, &mut row.v, t0, k, ftz, theta_only);
    }

    /// `max_j |θ_rj|` at the current step.
    #[inline(always)]
    pub fn row_max_abs(&self, r: usize, scratch: &mut Row) -> f64 {
        self.row_max_abs_at(r, self.t, scratch)
    }

    /// `max_j |θ_rj|` at step `target`, which is at least the row's anchor (any step up to the current one
    /// for a row not written since `target`).
    #[inline(always)]
    fn row_max_abs_at(&self, r: usize, target: u64, scratch: &mut Row) -> f64 {
        if self.anchor[r] >= target || self.cfg.lazy {
            // The stored row is current (touched at this step, or the per-step engine, or lazy updates, where
            // absent rows do not change): read it in place, the same values the full evaluation copies.
            let d = self.dim();
            return self.theta[r * d..r * d + d].iter().fold(0.0f64, |a, x| a.max((*x as f64).abs()));
        }
        // The common case (Tiger or Lion with the per-row RMS rule, no flush-to-zero, no lazy updates) reads the
        // stored row directly, the same arithmetic without copying the row; a test checks both bit for bit.
        if self.cfg.optimizer.is_sign()
            && self.cfg.rms
            && !self.cfg.ftz
            && !self.cfg.lazy
            && target - self.anchor[r] > EXACT_GAP
        {
            return self.rms_row_max_abs(r, target);
        }
        self.eval_row(r, target, scratch, self.cfg.ftz, true);
        scratch.theta.iter().fold(0.0f64, |a, x| a.max((*x as f64).abs()))
    }

    /// Writes row `r`'s entries at the current step into `scratch.theta` (its moments are left as stored).
    pub fn entries_into(&self, r: usize, scratch: &mut Row) {
        self.eval_row(r, self.t, scratch, self.cfg.ftz, true);
    }

    /// [`Model::row_max_abs_at`] for a sign optimiser with the per-row RMS rule, no flush-to-zero and no lazy
    /// updates, read straight from the stored state.
    #[inline(always)]
    fn rms_row_max_abs(&self, r: usize, target: u64) -> f64 {
        let d = self.dim();
        let s0 = r * d;
        let stored = &self.theta[s0..s0 + d];
        let k = target - self.anchor[r];
        let n = d.min(MAX_DIM);
        let (mut th, mut sg) = ([0.0f64; MAX_DIM], [0.0f64; MAX_DIM]);
        for j in 0..n {
            th[j] = stored[j] as f64;
            sg[j] = sign(self.m[s0 + j]) as f64;
        }
        catchup::rms_segment(&mut th[..n], &sg[..n], self.cfg.lr as f64, self.cfg.wd as f64, k);
        let head = th[..n].iter().fold(0.0f64, |a, x| a.max(((*x as f32) as f64).abs()));
        stored[n..].iter().fold(head, |a, x| a.max((*x as f64).abs()))
    }

    /// Whether absent rows are evaluated by [`catchup::rms_segment`] alone (a sign optimiser with the per-row RMS
    /// rule, no flush-to-zero, no lazy updates): the case [`Model::rms_row_max_abs`] and the four-row versions
    /// below handle.
    #[inline(always)]
    fn rms_direct(&self) -> bool {
        self.cfg.optimizer.is_sign() && self.cfg.rms && !self.cfg.ftz && !self.cfg.lazy
    }

    /// Whether row `r` is read at step `target` by the closed form itself (not by the short-gap f32 loop).
    #[inline(always)]
    fn rms_gap(&self, r: usize, target: u64) -> bool {
        self.anchor[r] < target && target - self.anchor[r] > EXACT_GAP
    }

    /// Loads rows `rows` (each with [`Model::rms_gap`] at `target`, width `D`) into the lanes of
    /// [`catchup::rms_segment_x4`] and advances them to `target`: writes the advanced entries to `th` (lane `l` of
    /// `th[j]` is entry `j` of row `l`) and returns each row's gap.
    #[inline(always)]
    fn rms_rows_x4<const D: usize>(&self, rows: [usize; ROWS], target: u64, th: &mut [[f64; ROWS]; D]) -> [u64; ROWS] {
        // Each row is converted where it lies (contiguous, vectorised), then the four are transposed into lanes.
        let (mut tf, mut sf) = ([[0.0f64; D]; ROWS], [[0.0f64; D]; ROWS]);
        let mut k = [0u64; ROWS];
        for l in 0..ROWS {
            let s0 = rows[l] * D;
            let (t_row, m_row) = (&self.theta[s0..s0 + D], &self.m[s0..s0 + D]);
            for ((t, s), (x, m)) in tf[l].iter_mut().zip(sf[l].iter_mut()).zip(t_row.iter().zip(m_row)) {
                *t = *x as f64;
                *s = sign(*m) as f64;
            }
            k[l] = target - self.anchor[rows[l]];
        }
        let mut sg = [[0.0f64; ROWS]; D];
        for j in 0..D {
            th[j] = [tf[0][j], tf[1][j], tf[2][j], tf[3][j]];
            sg[j] = [sf[0][j], sf[1][j], sf[2][j], sf[3][j]];
        }
        catchup::rms_segment_x4::<D>(th, &sg, self.cfg.lr as f64, self.cfg.wd as f64, k);
        k
    }

    /// [`Model::rms_row_max_abs`] of four rows of width `D` at once, each with [`Model::rms_gap`] at `target`
    /// (the same values, from [`catchup::rms_segment_x4`]).
    #[inline(always)]
    fn rms_rows_max_abs_x4<const D: usize>(&self, rows: [usize; ROWS], target: u64) -> [f64; ROWS] {
        let mut th = [[0.0f64; ROWS]; D];
        self.rms_rows_x4::<D>(rows, target, &mut th);
        let mut out = [0.0f64; ROWS];
        for tj in &th {
            for l in 0..ROWS {
                out[l] = out[l].max(((tj[l] as f32) as f64).abs());
            }
        }
        out
    }

    /// [`Model::row_max_abs_at`] of a row of width `D` whose gap to `target` is at most [`EXACT_GAP`], under
    /// [`Model::rms_direct`]: the same f32 loop ([`exact_absent`]) on copies on the stack.
    #[inline(always)]
    fn short_gap_max_abs<const D: usize>(&self, r: usize, target: u64) -> f64 {
        let s0 = r * D;
        let (mut th, mut m) = ([0.0f32; D], [0.0f32; D]);
        th.copy_from_slice(&self.theta[s0..s0 + D]);
        m.copy_from_slice(&self.m[s0..s0 + D]);
        let a = self.anchor[r];
        exact_absent::<D>(&self.cfg, &mut th, &mut m, &mut [], a, target - a, false, false);
        th.iter().fold(0.0f64, |acc, x| acc.max((*x as f64).abs()))
    }

    /// [`Model::bring`] of four rows of width `D` at once, each with [`Model::rms_gap`] at `target` under
    /// [`Model::rms_direct`]: the entries from [`catchup::rms_segment_x4`], the momenta decayed as in
    /// [`advance_slices`] (the same values).
    #[inline(always)]
    fn bring_x4<const D: usize>(&mut self, rows: [usize; ROWS], target: u64) {
        let mut th = [[0.0f64; ROWS]; D];
        let k = self.rms_rows_x4::<D>(rows, target, &mut th);
        let stuck = self.decays.m_stuck;
        for l in 0..ROWS {
            let s0 = rows[l] * D;
            for (t, tj) in self.theta[s0..s0 + D].iter_mut().zip(&th) {
                *t = tj[l] as f32;
            }
            let bk = self.decays.m_beta_pow(k[l]);
            for mj in self.m[s0..s0 + D].iter_mut() {
                // `max` of two numbers that are never NaN (`a·β^k` is finite), written as a comparison.
                let x = *mj;
                let a = (x as f64).abs();
                let ab = a * bk;
                let dec = (if ab > stuck { ab } else { stuck }).copysign(x as f64) as f32;
                *mj = if a <= stuck { x } else { dec };
            }
            self.anchor[rows[l]] = target;
        }
    }

    /// Starts gathering the whole-embedding statistics of the current step a slice of rows at a time
    /// ([`Model::gather_rows`]), so that no single step pays for all V rows. Rows that a later batch touches
    /// before the sweep reaches them are counted (at this step) just before they are written. The result equals
    /// [`Model::summary`] at this step exactly (the statistics are maxima and counts, whose order of
    /// accumulation does not matter). Closed-form engine only (the per-step engine writes every row every
    /// step); a gathering still under way is finished first.
    pub fn start_gather(&mut self) -> Option<(u64, Summary)> {
        let done = self.gather.is_some().then(|| self.gather_rows(usize::MAX)).flatten();
        if self.gather_seen.len() != self.vocab() {
            self.gather_seen = vec![0; self.vocab()];
        }
        let acc = Summary { bucket_max: [f64::NAN; 4], ..Default::default() };
        self.gather = Some(Gather { at: self.t, next: 0, acc, scratch: self.scratch() });
        done
    }

    /// Whether statistics are being gathered.
    pub fn gathering(&self) -> bool {
        self.gather.is_some()
    }

    /// Counts up to `n` more rows of the statistics being gathered; returns them with their step once every row
    /// is counted.
    pub fn gather_rows(&mut self, n: usize) -> Option<(u64, Summary)> {
        let mut g = self.gather.take()?;
        let v = self.vocab();
        let end = g.next.saturating_add(n).min(v);
        let cap = self.cfg.cap().map(|c| 0.99 * c);
        for r in g.next..end {
            if self.gather_seen[r] != g.at + 1 {
                let mx = self.row_max_abs_at(r, g.at, &mut g.scratch);
                add_row(&mut g.acc, r, mx, cap);
            }
        }
        g.next = end;
        if end == v {
            return Some((g.at, g.acc));
        }
        self.gather = Some(g);
        None
    }

    /// Counts the rows the current batch is about to write, if a gathering has not reached them yet.
    #[inline(always)]
    fn gather_touched(&mut self) {
        let Some(mut g) = self.gather.take() else { return };
        let cap = self.cfg.cap().map(|c| 0.99 * c);
        for k in 0..self.touched.len() {
            let r = self.touched[k] as usize;
            if r >= g.next && self.gather_seen[r] != g.at + 1 {
                let mx = self.row_max_abs_at(r, g.at, &mut g.scratch);
                add_row(&mut g.acc, r, mx, cap);
                self.gather_seen[r] = g.at + 1;
            }
        }
        self.gather = Some(g);
    }

    /// A scratch row of the right shape for [`Model::row_max_abs`].
    pub fn scratch(&self) -> Row {
        let d = self.dim();
        Row { theta: vec![0.0; d], m: vec![0.0; d], v: vec![0.0; if self.v.is_empty() { 0 } else { d }] }
    }

    /// Statistics over every row at the current step (O(V·d)).
    pub fn summary(&self) -> Summary {
        #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { self.summary_avx2() };
        }
        self.summary_any()
    }

    /// [`Model::summary_any`] compiled for CPUs with AVX2, the same arithmetic ([`Model::step_avx2`]).
    #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
    #[target_feature(enable = "avx2")]
    fn summary_avx2(&self) -> Summary {
        self.summary_any()
    }

    /// [`Model::summary`] for any CPU.
    #[inline(always)]
    fn summary_any(&self) -> Summary {
        if BATCH_ROWS && self.rms_direct() {
            return match self.dim() {
                4 => self.summary_x4::<4>(),
                8 => self.summary_x4::<8>(),
                16 => self.summary_x4::<16>(),
                32 => self.summary_x4::<32>(),
                _ => self.summary_rows(),
            };
        }
        self.summary_rows()
    }

    /// [`Model::summary_any`] one row at a time.
    #[inline(always)]
    fn summary_rows(&self) -> Summary {
        let cap = self.cfg.cap().map(|c| 0.99 * c);
        let mut out = Summary { bucket_max: [f64::NAN; 4], ..Default::default() };
        let mut scratch = self.scratch();
        for r in 0..self.vocab() {
            let mx = self.row_max_abs(r, &mut scratch);
            add_row(&mut out, r, mx, cap);
        }
        out
    }

    /// [`Model::summary_any`] under [`Model::rms_direct`] with rows of width `D` (4, 8, 16 or 32): the rows the closed form
    /// evaluates are taken four at a time ([`Model::rms_rows_max_abs_x4`]), the others one by one. The
    /// statistics do not depend on the order in which rows are added, so the result is the same.
    #[inline(always)]
    fn summary_x4<const D: usize>(&self) -> Summary {
        let cap = self.cfg.cap().map(|c| 0.99 * c);
        let mut out = Summary { bucket_max: [f64::NAN; 4], ..Default::default() };
        let mut scratch = self.scratch();
        let mut batch = [0usize; ROWS];
        let mut nb = 0;
        for r in 0..self.vocab() {
            if self.rms_gap(r, self.t) {
                batch[nb] = r;
                nb += 1;
                if nb == ROWS {
                    let mx = self.rms_rows_max_abs_x4::<D>(batch, self.t);
                    for l in 0..ROWS {
                        add_row(&mut out, batch[l], mx[l], cap);
                    }
                    nb = 0;
                }
            } else if self.anchor[r] < self.t {
                let mx = self.short_gap_max_abs::<D>(r, self.t);
                add_row(&mut out, r, mx, cap);
            } else {
                let mx = self.row_max_abs(r, &mut scratch);
                add_row(&mut out, r, mx, cap);
            }
        }
        for &r in &batch[..nb] {
            let mx = self.row_max_abs(r, &mut scratch);
            add_row(&mut out, r, mx, cap);
        }
        out
    }

    /// One training step: sample a batch, compute the gradients of the touched rows, update. Allocation-free
    /// once the scratch buffers have grown to the largest batch seen.
    pub fn step(&mut self) {
        self.init_rows(usize::MAX);
        if self.sweep.is_some() {
            // A step taken a slice at a time is in progress: this finishes it.
            self.sweep_rows(usize::MAX);
            return;
        }
        #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { self.step_avx2() };
            return;
        }
        self.step_any();
    }

    /// [`Model::step_any`] compiled for CPUs with AVX2 (eight f32 lanes instead of four). The operations and
    /// their order are the same (no fused multiply-add: that is a separate target feature, not enabled, and
    /// LLVM does not fuse on its own), so the results are bit for bit those of the baseline build and of
    /// WebAssembly; only the vector width of the element-wise loops changes.
    #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
    #[target_feature(enable = "avx2")]
    fn step_avx2(&mut self) {
        self.step_any();
    }

    /// [`Model::step`] dispatched on the row width.
    ///
    /// Natively every width the panel offers often (4, 8, 16, 32) has its own compiled copy. WebAssembly compiles
    /// only the any-width code (`D = 0`, here and in the batch, row-update, statistics and catch-up dispatches):
    /// each copy is kilobytes of module, and the any-width code is the same arithmetic in the same order, so
    /// results are identical. Its build does not vectorise loops, and its hot loops at widths 8, 16 and 32 are
    /// simd128 kernels chosen at run time ([`kernels::wasm`]), so a width-16 copy no longer ran faster
    /// (BENCHMARKS.md, stop 22: without it 7.3 KB gzipped smaller, Lion/Tiger's steps/s the same side by side).
    #[inline(always)]
    fn step_any(&mut self) {
        match self.dim() {
            #[cfg(not(target_arch = "wasm32"))]
            4 => self.step_n::<4>(),
            #[cfg(not(target_arch = "wasm32"))]
            8 => self.step_n::<8>(),
            #[cfg(not(target_arch = "wasm32"))]
            16 => self.step_n::<16>(),
            #[cfg(not(target_arch = "wasm32"))]
            32 => self.step_n::<32>(),
            _ => self.step_n::<0>(),
        }
    }

    /// [`Model::step`] for rows of width `D` (or any width for `D = 0`): the kernels and the optimiser update
    /// with constant trip counts, the same arithmetic.
    #[inline(always)]
    fn step_n<const D: usize>(&mut self) {
        let t = self.t + 1;
        let bc = bias_corrections(&self.cfg, t);
        // Natively the closed-form engine updates each touched row right after its gradients (in `batch_n`).
        let fused = BATCH_ROWS && self.closed_form;
        let (loss_ok, mut bad) = self.batch_n::<D>(t, fused.then_some(bc));
        // 3. Optimiser update (done already when fused).
        if !self.closed_form {
            bad = self.sweep_n::<D>(0, self.vocab(), bc, t);
        } else if !fused {
            for k in 0..self.touched.len() {
                let r = self.touched[k] as usize;
                bad |= self.update_row::<D>(r, Some(k), bc, t);
            }
        }
        if bad || !loss_ok {
            self.nonfinite = true;
        }
        self.t = t;
    }

    /// The first two parts of step `t` (the batch, and the forward and backward pass of its tokens, with the
    /// closed-form catch-up of their rows first); returns whether the batch's logits and normalisers are finite,
    /// and whether a row updated here became non-finite.
    ///
    /// With `update` (the step's bias corrections; natively, closed-form engine only) it is the whole step: each
    /// touched row is updated by [`row_step`] right after its gradient is computed, instead of in a pass of its
    /// own afterwards. Each row's update reads only that row and its gradient, so the values are the same; the
    /// update then finds the row and its gradient in the cache, its learning rate under the per-row RMS rule is
    /// computed before the gradient (from the same θ, so that its square root overlaps the gradient's
    /// arithmetic), and finiteness is gathered without a reduction per row.
    ///
    /// Out of line in WebAssembly, where a whole step and a step in parts share it (inlined into both, per row
    /// width, it added about 27 KB to the gzipped module); natively inlined, as the engine's speed was measured.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn batch_n<const D: usize>(&mut self, t: u64, update: Option<(f32, f32)>) -> (bool, bool) {
        let d = if D > 0 { D } else { self.dim() };
        let b = self.cfg.batch.max(1);
        // 1. Sample the batch and group it by token.
        if BATCH_ROWS {
            // Room for every sample being a new token, zeroed: a sample always writes its token at the next free
            // slot and keeps that slot only if the token is new, and chooses its class by a select. Whether a token
            // is new (about half the draws at the defaults) and whether its class is the dominant one are random, so
            // branches on them were mispredicted often; the slots, counts and order are the same. (Zeroing each
            // sample's next slot instead of all of them measured slower.) The class counts and appearance counts
            // keep room for the whole batch between steps, and only the last batch's slots are nonzero: those
            // are zeroed here, not the whole buffers.
            let n_prev = self.touched.len();
            for &r in &self.touched {
                self.slot[r as usize] = u32::MAX;
            }
            if self.counts.len() == (b + 1) * d && self.ntok.len() == b + 1 {
                self.counts[..n_prev * d].fill(0.0);
                self.ntok[..n_prev].fill(0);
            } else {
                self.counts.clear();
                self.counts.resize((b + 1) * d, 0.0);
                self.ntok.clear();
                self.ntok.resize(b + 1, 0);
            }
            // Entries below `n_prev` keep old values; every one the batch keeps is written by it.
            self.touched.resize(b + 1, 0);
            let n_new = group_batch(
                &mut self.rng,
                Sampler { guide: &self.guide, cdf: &self.cdf },
                &self.ystar,
                &self.qs,
                &mut self.slot,
                &mut self.touched,
                &mut self.counts,
                &mut self.ntok,
                b,
                d,
            );
            self.touched.truncate(n_new);
        } else {
            // In WebAssembly the branching version (the same slots, counts and order): the one above made the
            // module 0.9 KB larger gzipped, once per row width.
            for r in self.touched.drain(..) {
                self.slot[r as usize] = u32::MAX;
            }
            self.counts.clear();
            self.ntok.clear();
            for _ in 0..b {
                let u_tok = rng::uniform(&mut self.rng);
                let u_q = rng::uniform(&mut self.rng);
                let u_c = rng::uniform(&mut self.rng);
                let r = self.sample_token(u_tok);
                let y = if u_q < self.qs[r] { self.ystar[r] as usize } else { ((u_c * d as f64) as usize).min(d - 1) };
                let mut sl = self.slot[r];
                if sl == u32::MAX {
                    sl = self.touched.len() as u32;
                    self.slot[r] = sl;
                    self.touched.push(r as u32);
                    self.counts.extend(std::iter::repeat_n(0.0, d));
                    self.ntok.push(0);
                }
                self.counts[sl as usize * d + y] += 1.0;
                self.ntok[sl as usize] += 1;
            }
        }
        // 2. Forward and backward per distinct token (all its samples share the logits), in f32.
        let n_t = self.touched.len();
        // Every entry is written by the kernels below: resizing (without clearing) leaves old values in place
        // instead of zeroing 2·n_t·d floats each step.
        self.grads.resize(n_t * d, 0.0);
        self.logits.resize(n_t * d, 0.0);
        self.lse_in.clear();
        let inv_b = 1.0 / b as f32;
        // The touched rows are caught up first and the kernels run afterwards (each reads only its own row, so
        // the order does not change any value): the catch-up's branches then do not interrupt the kernels,
        // which run two tokens at a time ([`kernels::token_pair`], the same arithmetic as [`kernels::token`]).
        if self.closed_form {
            self.gather_touched();
            if BATCH_ROWS && D > 0 && self.rms_direct() {
                // Rows the closed form itself advances go four at a time (the same values, see `bring_x4`).
                let mut batch = [0usize; ROWS];
                let mut nb = 0;
                for k in 0..n_t {
                    let r = self.touched[k] as usize;
                    if self.rms_gap(r, t - 1) {
                        batch[nb] = r;
                        nb += 1;
                        if nb == ROWS {
                            self.bring_x4::<D>(batch, t - 1);
                            nb = 0;
                        }
                    } else {
                        self.bring(r, t - 1);
                    }
                }
                for &r in &batch[..nb] {
                    self.bring(r, t - 1);
                }
            } else {
                for k in 0..n_t {
                    self.bring(self.touched[k] as usize, t - 1);
                }
            }
        }
        // Finiteness of the rows updated here, gathered as the largest `|x|` bit pattern.
        let mut worst = 0u32;
        let update = if BATCH_ROWS { update } else { None };
        let pre_eta = self.cfg.optimizer.is_sign() && self.cfg.rms;
        let lr = self.cfg.lr;
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let mut k = 0;
        #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
        if D == 16 && std::arch::is_x86_feature_detected!("avx2") {
            // Four tokens at a time (the same values as [`kernels::token`], see [`kernels::x86::token_quad16`]).
            const Q: usize = kernels::x86::QUAD;
            // Tiger and Lion without flush-to-zero update their rows with [`kernels::x86::sign_step16`] (the same
            // values as [`Model::update_fused`]), which takes the RMS rule's learning rate itself.
            let sign_step = self.cfg.sign_step();
            while k + Q <= n_t {
                // Written out rather than with `array::map`, which was left as a call per use.
                let tk = &self.touched[k..k + Q];
                let rs = [tk[0] as usize, tk[1] as usize, tk[2] as usize, tk[3] as usize];
                let row = |r: usize| &self.theta[r * d..r * d + d];
                let rows = [row(rs[0]), row(rs[1]), row(rs[2]), row(rs[3])];
                let eta: [Option<f32>; Q] = if update.is_some() && pre_eta && sign_step.is_none() {
                    let e = |r: &[f32]| Some(lr * rms_n::<D>(r));
                    [e(rows[0]), e(rows[1]), e(rows[2]), e(rows[3])]
                } else {
                    [None; Q]
                };
                let cnt = |i: usize| &self.counts[(k + i) * d..(k + i + 1) * d];
                let cnts = [cnt(0), cnt(1), cnt(2), cnt(3)];
                let nt = &self.ntok[k..k + Q];
                let ns = [nt[0] as f32, nt[1] as f32, nt[2] as f32, nt[3] as f32];
                let z = &mut self.logits[k * d..(k + Q) * d];
                let g = &mut self.grads[k * d..(k + Q) * d];
                // SAFETY: the CPU has AVX2 (checked above).
                let out = unsafe { kernels::x86::token_quad16(&self.w, &self.wt, rows, cnts, ns, inv_b, z, g) };
                self.lse_in.extend(out);
                match (update, sign_step) {
                    (Some(_), Some(p)) => {
                        for (i, r) in rs.into_iter().enumerate() {
                            let (s, gk) = (r * d, (k + i) * d);
                            let g = &self.grads[gk..gk + d];
                            let (th, m) = (&mut self.theta[s..s + d], &mut self.m[s..s + d]);
                            // SAFETY: the CPU has AVX2 (checked above).
                            worst = worst.max(unsafe { kernels::x86::sign_step16(th, m, g, p) });
                            self.anchor[r] = t;
                        }
                    }
                    (Some(bc), None) => {
                        for (i, (r, e)) in rs.into_iter().zip(eta).enumerate() {
                            self.update_fused::<D>(r, k + i, bc, t, e, &mut worst);
                        }
                    }
                    (None, _) => {}
                }
                k += Q;
            }
        }
        // In WebAssembly two tokens at a time with simd128 at the widths it has kernels for (the same values as
        // [`kernels::token`], see [`kernels::wasm::token_pair`]). Its build never fuses the row updates
        // (`BATCH_ROWS`).
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let mut k = match kernels::wasm::parts(d) {
            Some(2) => self.token_pairs_simd::<2>(inv_b),
            Some(4) => self.token_pairs_simd::<4>(inv_b),
            Some(8) => self.token_pairs_simd::<8>(inv_b),
            _ => 0,
        };
        while k + 2 <= n_t {
            let (r0, r1) = (self.touched[k] as usize, self.touched[k + 1] as usize);
            let rows = [&self.theta[r0 * d..r0 * d + d], &self.theta[r1 * d..r1 * d + d]];
            let eta = if update.is_some() && pre_eta {
                [Some(lr * rms_n::<D>(rows[0])), Some(lr * rms_n::<D>(rows[1]))]
            } else {
                [None, None]
            };
            let cnts = [&self.counts[k * d..k * d + d], &self.counts[(k + 1) * d..(k + 2) * d]];
            let ns = [self.ntok[k] as f32, self.ntok[k + 1] as f32];
            let z = &mut self.logits[k * d..(k + 2) * d];
            let g = &mut self.grads[k * d..(k + 2) * d];
            let out = kernels::token_pair::<D>(d, &self.w, &self.wt, rows, cnts, ns, inv_b, z, g);
            self.lse_in.extend(out);
            if let Some(bc) = update {
                self.update_fused::<D>(r0, k, bc, t, eta[0], &mut worst);
                self.update_fused::<D>(r1, k + 1, bc, t, eta[1], &mut worst);
            }
            k += 2;
        }
        if k < n_t {
            let r = self.touched[k] as usize;
            let row = &self.theta[r * d..r * d + d];
            let eta = (update.is_some() && pre_eta).then(|| lr * rms_n::<D>(row));
            let cnt = &self.counts[k * d..k * d + d];
            let n = self.ntok[k] as f32;
            let z = &mut self.logits[k * d..k * d + d];
            let g = &mut self.grads[k * d..k * d + d];
            let (zmax, sum) = kernels::token::<D>(d, &self.w, &self.wt, row, cnt, n, inv_b, z, g);
            self.lse_in.push((zmax, sum));
            if let Some(bc) = update {
                self.update_fused::<D>(r, k, bc, t, eta, &mut worst);
            }
        }
        let bad = worst >= 0x7f80_0000;
        // The batch loss is evaluated when it is read ([`Model::loss`]); it is finite exactly when every logit
        // and every normaliser is.
        // (Without an early exit, so that the check of the logits vectorises.)
        (all_finite(&self.logits) && self.lse_in.iter().all(|(_, s)| s.is_finite()), bad)
    }

    /// The forward and backward pass of the batch's distinct tokens two at a time with simd128 at width `4·P`
    /// (WebAssembly, [`kernels::wasm::token_pair`]), from the first; returns how many tokens it did (all but
    /// the last of an odd count).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn token_pairs_simd<const P: usize>(&mut self, inv_b: f32) -> usize {
        const Q: usize = kernels::wasm::PAIR;
        let (d, n_t) = (4 * P, self.touched.len());
        let mut k = 0;
        while k + Q <= n_t {
            let (r0, r1) = (self.touched[k] as usize, self.touched[k + 1] as usize);
            let rows = [&self.theta[r0 * d..r0 * d + d], &self.theta[r1 * d..r1 * d + d]];
            let cnts = [&self.counts[k * d..k * d + d], &self.counts[(k + 1) * d..(k + 2) * d]];
            let ns = [self.ntok[k] as f32, self.ntok[k + 1] as f32];
            let z = &mut self.logits[k * d..(k + Q) * d];
            let g = &mut self.grads[k * d..(k + Q) * d];
            let out = kernels::wasm::token_pair::<P>(&self.w, &self.wt, rows, cnts, ns, inv_b, z, g);
            self.lse_in.extend(out);
            k += Q;
        }
        k
    }

    /// [`Model::update_row`] of row `r` with the gradient of batch slot `k` inside [`Model::batch_n`]: `eta` is
    /// the learning rate under the per-row RMS rule when computed already (the same value), and the largest
    /// `|x|` bit pattern of the row's new values is merged into `worst` (a row is non-finite exactly when it
    /// reaches the bits of infinity).
    #[inline(always)]
    fn update_fused<const D: usize>(
        &mut self,
        r: usize,
        k: usize,
        bc: (f32, f32),
        t: u64,
        eta: Option<f32>,
        worst: &mut u32,
    ) {
        let d = if D > 0 { D } else { self.dim() };
        let s = r * d;
        let g = &self.grads[k * d..k * d + d];
        let (th, m) = (&mut self.theta[s..s + d], &mut self.m[s..s + d]);
        let v: &mut [f32] = if self.v.is_empty() { &mut [] } else { &mut self.v[s..s + d] };
        row_step_n::<D>(&self.cfg, th, m, v, g, bc, eta);
        self.anchor[r] = t;
        // The row's largest `|x|` bit pattern, as [`all_finite`] reduces it (a loop that vectorises), merged
        // into `worst` without a branch.
        let mut row = 0u32;
        for x in th.iter() {
            row = row.max(x.to_bits() & 0x7fff_ffff);
        }
        for x in m.iter() {
            row = row.max(x.to_bits() & 0x7fff_ffff);
        }
        for x in v.iter() {
            row = row.max(x.to_bits() & 0x7fff_ffff);
        }
        *worst = (*worst).max(row);
    }

    /// The per-step engine's update of rows `lo..hi` at step `t` (each row's update reads only that row and its
    /// gradient, so the rows may be updated in any grouping with the same result); returns whether any became
    /// non-finite. Out of line in WebAssembly, like [`Model::batch_n`].
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn sweep_n<const D: usize>(&mut self, lo: usize, hi: usize, bc: (f32, f32), t: u64) -> bool {
        let lazy = self.cfg.lazy;
        let mut bad = false;
        for r in lo..hi {
            let sl = self.slot[r];
            if sl != u32::MAX {
                bad |= self.update_row::<D>(r, Some(sl as usize), bc, t);
            } else if !lazy {
                bad |= self.update_row::<D>(r, None, bc, t);
            }
        }
        bad
    }

    /// Whether a step of the per-step engine is in progress, and if so how many rows it has updated.
    pub fn sweep_progress(&self) -> Option<usize> {
        self.sweep.map(|s| s.next)
    }

    /// Starts a step of the per-step engine that is then taken a slice of rows at a time ([`Model::sweep_rows`]),
    /// so that no call costs O(V·d): this part samples the batch and computes its gradients (what [`Model::step`]
    /// does before its update). The state after the last slice is bit for bit the state after [`Model::step`]:
    /// the same batch, gradients and row updates, only grouped differently (each row's update is independent of
    /// the others). Until then the step count stays at the last completed step, and reading rows gives a mix of
    /// both steps (the caller says so, see the panel's figure). Does nothing with the closed-form engine (whose
    /// steps cost O(batch) already) or when a step is in progress.
    pub fn begin_sweep(&mut self) {
        self.init_rows(usize::MAX);
        if self.closed_form || self.sweep.is_some() {
            return;
        }
        #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { self.begin_sweep_avx2() };
            return;
        }
        self.begin_sweep_any();
    }

    /// [`Model::begin_sweep_any`] compiled for CPUs with AVX2 (see [`Model::step_avx2`]).
    #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
    #[target_feature(enable = "avx2")]
    fn begin_sweep_avx2(&mut self) {
        self.begin_sweep_any();
    }

    /// [`Model::begin_sweep`] dispatched on the row width.
    #[inline(always)]
    fn begin_sweep_any(&mut self) {
        let t = self.t + 1;
        let loss_ok = match self.dim() {
            #[cfg(not(target_arch = "wasm32"))]
            4 => self.batch_n::<4>(t, None).0,
            #[cfg(not(target_arch = "wasm32"))]
            8 => self.batch_n::<8>(t, None).0,
            #[cfg(not(target_arch = "wasm32"))]
            16 => self.batch_n::<16>(t, None).0,
            #[cfg(not(target_arch = "wasm32"))]
            32 => self.batch_n::<32>(t, None).0,
            _ => self.batch_n::<0>(t, None).0,
        };
        let stats = Summary { bucket_max: [f64::NAN; 4], ..Default::default() };
        self.sweep = Some(Sweep { next: 0, bad: false, loss_ok, bc: bias_corrections(&self.cfg, t), stats });
    }

    /// Updates up to `n` more rows of the step in progress ([`Model::begin_sweep`]) and gathers their statistics
    /// at the new step. Once every row is updated the step is complete (the step count moves on, a non-finite
    /// row or batch is recorded as in [`Model::step`]) and its whole-embedding statistics are returned: they
    /// equal [`Model::summary`] at that step exactly (maxima and counts, whose order does not matter). Returns
    /// `None` while rows remain, or when no step is in progress.
    pub fn sweep_rows(&mut self, n: usize) -> Option<Summary> {
        #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { self.sweep_rows_avx2(n) };
        }
        self.sweep_rows_any(n)
    }

    /// [`Model::sweep_rows_any`] compiled for CPUs with AVX2 (see [`Model::step_avx2`]).
    #[cfg(all(target_arch = "x86_64", not(target_os = "none")))]
    #[target_feature(enable = "avx2")]
    fn sweep_rows_avx2(&mut self, n: usize) -> Option<Summary> {
        self.sweep_rows_any(n)
    }

    /// [`Model::sweep_rows`] dispatched on the row width. As in [`Model::step_any`], WebAssembly compiles only
    /// the any-width code (each further copy of the row sweep was 4 to 13 KB of module).
    #[inline(always)]
    fn sweep_rows_any(&mut self, n: usize) -> Option<Summary> {
        match self.dim() {
            #[cfg(not(target_arch = "wasm32"))]
            4 => self.sweep_rows_n::<4>(n),
            #[cfg(not(target_arch = "wasm32"))]
            8 => self.sweep_rows_n::<8>(n),
            #[cfg(not(target_arch = "wasm32"))]
            16 => self.sweep_rows_n::<16>(n),
            #[cfg(not(target_arch = "wasm32"))]
            32 => self.sweep_rows_n::<32>(n),
            _ => self.sweep_rows_n::<0>(n),
        }
    }

    /// [`Model::sweep_rows`] for rows of width `D`.
    #[inline(always)]
    fn sweep_rows_n<const D: usize>(&mut self, n: usize) -> Option<Summary> {
        let mut s = self.sweep.take()?;
        let t = self.t + 1;
        let end = s.next.saturating_add(n).min(self.vocab());
        s.bad |= self.sweep_n::<D>(s.next, end, s.bc, t);
        // The rows just written are current (at step t): their largest |entry| is read in place, as
        // [`Model::row_max_abs`] reads a current row.
        let d = if D > 0 { D } else { self.dim() };
        let cap = self.cfg.cap().map(|c| 0.99 * c);
        for r in s.next..end {
            let mx = self.theta[r * d..r * d + d].iter().fold(0.0f64, |a, x| a.max((*x as f64).abs()));
            add_row(&mut s.stats, r, mx, cap);
        }
        s.next = end;
        if end < self.vocab() {
            self.sweep = Some(s);
            return None;
        }
        if s.bad || !s.loss_ok {
            self.nonfinite = true;
        }
        self.t = t;
        Some(s.stats)
    }

    /// Applies [`row_step`] to row `r` with the gradient of batch slot `slot` (zeros when absent) and anchors
    /// it at step `t`; returns whether any of its values became non-finite.
    #[inline(always)]
    fn update_row<const D: usize>(&mut self, r: usize, slot: Option<usize>, bc: (f32, f32), t: u64) -> bool {
        let d = if D > 0 { D } else { self.dim() };
        let s = r * d;
        let g: &[f32] = match slot {
            Some(k) => &self.grads[k * d..k * d + d],
            None => &self.zeros[..d],
        };
        let (th, m) = (&mut self.theta[s..s + d], &mut self.m[s..s + d]);
        // In WebAssembly, Tiger and Lion without flush-to-zero with simd128 at the widths it has kernels for (the
        // same values as `row_step_n`, see [`kernels::wasm::sign_step`]).
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if let Some(p) = self.cfg.sign_step() {
            let worst = match kernels::wasm::parts(d) {
                Some(2) => Some(kernels::wasm::sign_step::<2>(th, m, g, p)),
                Some(4) => Some(kernels::wasm::sign_step::<4>(th, m, g, p)),
                Some(8) => Some(kernels::wasm::sign_step::<8>(th, m, g, p)),
                _ => None,
            };
            if let Some(worst) = worst {
                self.anchor[r] = t;
                return worst >= 0x7f80_0000;
            }
        }
        let v: &mut [f32] = if self.v.is_empty() { &mut [] } else { &mut self.v[s..s + d] };
        row_step_n::<D>(&self.cfg, th, m, v, g, bc, None);
        self.anchor[r] = t;
        !(all_finite(th) && all_finite(m) && all_finite(v))
    }

    /// Mean cross-entropy of the last batch (NaN before the first step), summed in the order of the tokens'
    /// first appearance and of the classes.
    pub fn loss(&self) -> f64 {
        if self.t == 0 {
            return f64::NAN;
        }
        let d = self.dim();
        let mut loss = 0.0f64;
        for (k, (zmax, sum)) in self.lse_in.iter().enumerate() {
            // −ln p_c = ln Σ e^{z − zmax} − (z_c − zmax)
            let lse = (*sum as f64).ln();
            let cnt = &self.counts[k * d..k * d + d];
            for (c, z) in cnt.iter().zip(&self.logits[k * d..k * d + d]) {
                if *c > 0.0 {
                    loss += *c as f64 * (lse - (*z as f64 - *zmax as f64));
                }
            }
        }
        loss / self.cfg.batch.max(1) as f64
    }
}

/// The sampler's tables, borrowed on their own so that the batch loop ([`group_batch`]) can hold them beside the
/// buffers it writes.
#[derive(Clone, Copy)]
struct Sampler<'a> {
    /// The guide table ([`Model`]'s `guide`).
    guide: &'a [u32],
    /// The Zipf CDF over ranks.
    cdf: &'a [f64],
}

impl Sampler<'_> {
    /// Samples one token's 0-based rank from the Zipf CDF for `u` in [0, 1): the first index whose CDF value
    /// exceeds `u` (what a binary search with `partition_point` gives), read from the guide table (or found from
    /// its start by a short walk).
    #[inline(always)]
    fn token(self, u: f64) -> usize {
        let n = self.cdf.len();
        let len = self.guide.len();
        // SAFETY: `u` is in [0, 1) and `len` at most 200 000 (eight cut points per token up to 65 536, one per
        // token beyond), so `u·len` is finite, non-negative and below 2³²: the conversion is the same truncation
        // as `as usize`, without its checks for NaN and out-of-range values.
        let k = (unsafe { (u * len as f64).to_int_unchecked::<u32>() } as usize).min(len - 1);
        let g = self.guide[k];
        if g & SURE != 0 {
            return ((g & !SURE) as usize).min(n - 1);
        }
        let mut i = g as usize;
        // The start is exact unless `u·len` rounded up across a bucket boundary; walk back if so.
        while i > 0 && self.cdf[i - 1] > u {
            i -= 1;
        }
        while i < n && self.cdf[i] <= u {
            i += 1;
        }
        i.min(n - 1)
    }
}

/// Draws a batch of `b` samples (token, then whether it takes its dominant class, then a uniform class) and
/// groups them by token without branches on the draws (natively; see [`Model::batch_n`]): `touched` (room for
/// `b + 1`) receives the distinct tokens in first-appearance order, `slot` their places, `counts` (zero on
/// entry for every slot used) the classes per slot, `ntok` the appearances per slot. Returns the number of
/// distinct tokens. The buffers come as separate slices so that the loop keeps their addresses in registers
/// (reached through the model, each was reloaded after every store).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn group_batch(
    rng: &mut Rng,
    sampler: Sampler<'_>,
    ystar: &[u16],
    qs: &[f64],
    slot: &mut [u32],
    touched: &mut [u32],
    counts: &mut [f32],
    ntok: &mut [u32],
    b: usize,
    d: usize,
) -> usize {
    let mut n_new = 0usize;
    for _ in 0..b {
        let u_tok = rng::uniform(rng);
        let u_q = rng::uniform(rng);
        let u_c = rng::uniform(rng);
        let r = sampler.token(u_tok);
        // SAFETY: `u_c` is in [0, 1) and `d` is a row width (far below 2³², the model holds V·d floats), so
        // `u_c·d` is finite, non-negative and below 2³²: the same truncation as `as usize`, without the
        // saturating conversion's checks.
        let y_any = (unsafe { (u_c * d as f64).to_int_unchecked::<u32>() } as usize).min(d - 1);
        let y_star = ystar[r] as usize;
        let y = if u_q < qs[r] { y_star } else { y_any };
        let old = slot[r];
        let new = old == u32::MAX;
        touched[n_new] = r as u32;
        let sl = if new { n_new as u32 } else { old };
        slot[r] = sl;
        n_new += new as usize;
        counts[sl as usize * d + y] += 1.0;
        ntok[sl as usize] += 1;
    }
    n_new
}

/// Adds row `r`, whose largest |entry| is `mx`, to the statistics `acc` (`cap` is 0.99/λ). The result does not
/// depend on the order in which rows are added.
#[inline(always)]
fn add_row(acc: &mut Summary, r: usize, mx: f64, cap: Option<f64>) {
    acc.max_abs = acc.max_abs.max(mx);
    let b = BUCKETS.iter().position(|(lo, hi)| r >= *lo && r < *hi).unwrap_or(3);
    acc.bucket_max[b] = if acc.bucket_max[b].is_nan() { mx } else { acc.bucket_max[b].max(mx) };
    if cap.is_some_and(|c| mx >= c) {
        acc.rows_at_cap += 1;
        let rank = r as u64 + 1;
        acc.min_rank_at_cap = Some(acc.min_rank_at_cap.map_or(rank, |m| m.min(rank)));
    }
}

/// Gaps of at most this many steps are caught up by the f32 update itself ([`exact_absent`]) rather than in
/// closed form: it is exactly what the per-step engine computes, and for such gaps it is not slower than the
/// closed form (an `exp` and two square roots in f64 per row; one f32 step is a dependent chain through a
/// square root, about a third of that, measured). At the defaults about 45 % of the rows a batch touches were
/// last touched at most three steps before, so those rows now follow the pseudo-code bit for bit.
pub const EXACT_GAP: u64 = 3;

/// Whether the closed-form catch-up of rows under the per-row RMS rule runs four rows at a time
/// ([`catchup::rms_segment_x4`]) and the batch is grouped by token without branches on the draws; natively
/// only: the results are the same, and in WebAssembly the module would grow by second copies of the catch-up
/// and of the grouping for each row width.
const BATCH_ROWS: bool = cfg!(not(target_arch = "wasm32"));

/// `k` absent steps after global step `t0` by the f32 update of [`row_step`] with a zero gradient, exactly as
/// the per-step engine applies them (with this `ftz`; the bias corrections of AdamW at each global step).
/// With `theta_only` the moments are advanced on a copy and left as they were.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn exact_absent<const D: usize>(
    cfg: &Config,
    theta: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    t0: u64,
    k: u64,
    ftz: bool,
    theta_only: bool,
) {
    let c = Config { ftz, ..*cfg };
    let d = if D > 0 { D } else { theta.len().min(MAX_DIM) };
    let theta = &mut theta[..d];
    let zeros = [0.0f32; MAX_DIM];
    let (mut mb, mut vb) = ([0.0f32; MAX_DIM], [0.0f32; MAX_DIM]);
    let nv = v.len().min(d);
    let (mm, vv): (&mut [f32], &mut [f32]) = if theta_only {
        mb[..d].copy_from_slice(&m[..d]);
        vb[..nv].copy_from_slice(&v[..nv]);
        (&mut mb[..d], &mut vb[..nv])
    } else {
        (&mut m[..d], &mut v[..nv])
    };
    let adam = cfg.optimizer == Optimizer::AdamW;
    for i in 1..=k {
        let bc = if adam { bias_corrections(cfg, t0 + i) } else { (1.0, 1.0) };
        row_step_n::<D>(&c, theta, mm, vv, &zeros[..d], bc, None);
    }
}

/// Advances one row's state (`theta`, `m` and, for AdamW, `v`, all of length d) by `k` absent steps after
/// global step `t0` in closed form ([`super::catchup`]), in place and without allocating. With `theta_only`
/// the moments are left as they were.
///
/// Natively it is inlined into its callers (each compiled per row width), which the engine's speed measured
/// for. In WebAssembly it stays one function: inlined, its five widths times each caller's widths and both call
/// sites made about 80 KB of the gzipped module (BENCHMARKS.md, stop 14, module size).
#[allow(clippy::too_many_arguments)]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn advance_slices(
    cfg: &Config,
    dc: &Decays,
    theta: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    t0: u64,
    k: u64,
    ftz: bool,
    theta_only: bool,
) {
    match theta.len() {
        #[cfg(not(target_arch = "wasm32"))]
        4 => advance_slices_n::<4>(cfg, dc, theta, m, v, t0, k, ftz, theta_only),
        #[cfg(not(target_arch = "wasm32"))]
        8 => advance_slices_n::<8>(cfg, dc, theta, m, v, t0, k, ftz, theta_only),
        #[cfg(not(target_arch = "wasm32"))]
        16 => advance_slices_n::<16>(cfg, dc, theta, m, v, t0, k, ftz, theta_only),
        #[cfg(not(target_arch = "wasm32"))]
        32 => advance_slices_n::<32>(cfg, dc, theta, m, v, t0, k, ftz, theta_only),
        _ => advance_slices_n::<0>(cfg, dc, theta, m, v, t0, k, ftz, theta_only),
    }
}

/// [`advance_slices`] for rows of width `D` (4, 8, 16 or 32, or 0 for any width): the same arithmetic with
/// constant trip counts.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn advance_slices_n<const D: usize>(
    cfg: &Config,
    dc: &Decays,
    theta: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    t0: u64,
    k: u64,
    ftz: bool,
    theta_only: bool,
) {
    if k == 0 {
        return;
    }
    if k <= EXACT_GAP {
        exact_absent::<D>(cfg, theta, m, v, t0, k, ftz, theta_only);
        return;
    }
    let (lr, wd) = (cfg.lr as f64, cfg.wd as f64);
    let d = theta.len();
    match cfg.optimizer {
        Optimizer::Tiger | Optimizer::Lion => {
            // Step i of the gap uses the sign s_j while i < k0_j, then 0 (flush-to-zero only).
            // Tiger uses sign(m_i) = sign(β^i m); Lion uses sign(fl(β₁ m_{i−1})) (flushed as well).
            let lion_b1 = if cfg.optimizer == Optimizer::Lion { Some(cfg.lion_beta.0 as f64) } else { None };
            let d = if D > 0 { D } else { d.min(MAX_DIM) };
            let (theta, m) = (&mut theta[..d], &mut m[..d]);
            let mut k0 = [u64::MAX; MAX_DIM];
            let mut s = [0.0f64; MAX_DIM];
            let mut any_flush = false;
            for (sj, mj) in s[..d].iter_mut().zip(m.iter()) {
                *sj = sign(*mj) as f64;
            }
            for j in 0..if ftz { d } else { 0 } {
                let mj = m[j];
                if mj != 0.0 {
                    let am = (mj as f64).abs();
                    let b = dc.m_beta as f64;
                    k0[j] = match lion_b1 {
                        None => zero_step(am, b),
                        // β₁ β₂^{i−1} |m| < MIN ⇔ β₂^{i} (β₁|m|/β₂) < MIN, capped by m itself being 0.
                        Some(b1) => zero_step(am * b1 / b, b).min(zero_step(am, b).saturating_add(1)),
                    };
                    any_flush |= k0[j] <= k;
                }
            }
            let mut th = [0.0f64; MAX_DIM];
            for (t, x) in th.iter_mut().zip(&theta[..d]) {
                *t = *x as f64;
            }
            if cfg.rms {
                if !any_flush {
                    catchup::rms_segment(&mut th[..d], &s[..d], lr, wd, k);
                } else {
                    // Segments of constant sign vector between the flush steps.
                    let mut done = 0u64;
                    // The distinct flush steps within the gap in increasing order (each the least one after the
                    // last; flush steps are at least 1), then the end of the gap.
                    let mut last = 0u64;
                    loop {
                        let cut = k0[..d].iter().copied().filter(|&z| z > last && z <= k).min().unwrap_or(k + 1);
                        last = cut;
                        let len = cut - 1 - done; // steps done+1 ..= cut-1 share one sign vector
                        let mut sv = [0.0f64; MAX_DIM];
                        for j in 0..d {
                            sv[j] = if k0[j] > done + 1 { s[j] } else { 0.0 };
                        }
                        catchup::rms_segment(&mut th[..d], &sv[..d], lr, wd, len);
                        done = cut - 1;
                        if done >= k {
                            break;
                        }
                    }
                }
            } else if !any_flush && wd > 0.0 {
                // One power for the whole row: θ_k = −s/λ + (θ₀ + s/λ)(1 − ηλ)^k.
                let qk = powu(1.0 - lr * wd, k);
                for j in 0..d {
                    th[j] = -s[j] / wd + (th[j] + s[j] / wd) * qk;
                }
            } else {
                for j in 0..d {
                    let k1 = k.min(k0[j].saturating_sub(1));
                    let x = catchup::const_theta(th[j], s[j], lr, wd, k1);
                    th[j] = catchup::const_theta(x, 0.0, lr, wd, k - k1);
                }
            }
            if theta_only {
                for (t, x) in theta.iter_mut().zip(&th[..d]) {
                    *t = *x as f32;
                }
                return;
            }
            let bk = dc.m_beta_pow(k);
            for (t, x) in theta.iter_mut().zip(&th[..d]) {
                *t = *x as f32;
            }
            if ftz {
                for mj in m.iter_mut() {
                    *mj = decay(*mj, dc.m_beta, dc.m_stuck, k, ftz, bk);
                }
            } else {
                // [`decay`] without flush-to-zero (k ≥ 1), branch-free so that it vectorises.
                let stuck = dc.m_stuck;
                for mj in m.iter_mut() {
                    let x = *mj;
                    let a = (x as f64).abs();
                    let dec = (a * bk).max(stuck).copysign(x as f64) as f32;
                    *mj = if a <= stuck { x } else { dec };
                }
            }
        }
        Optimizer::AdamW => {
            let (b1, b2) = (cfg.adam_beta.0 as f64, cfg.adam_beta.1 as f64);
            let (b1k, b2k) = (powu(b1, k), powu(b2, k));
            for j in 0..d {
                let (mj, vj) = (m[j], v[j]);
                let zero_m = if ftz && mj != 0.0 { zero_step((mj as f64).abs(), b1) } else { u64::MAX };
                let th = catchup::adam_theta(
                    theta[j] as f64,
                    mj as f64,
                    vj as f64,
                    b1,
                    b2,
                    cfg.eps as f64,
                    lr,
                    wd,
                    t0,
                    k,
                    zero_m,
                );
                theta[j] = th as f32;
                if theta_only {
                    continue;
                }
                m[j] = decay(mj, cfg.adam_beta.0, dc.m_stuck, k, ftz, b1k);
                v[j] = decay(vj, cfg.adam_beta.1, dc.v_stuck, k, ftz, b2k);
            }
        }
    }
}
