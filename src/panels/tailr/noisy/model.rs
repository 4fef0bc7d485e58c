//! The pure model of the noisy-label TaiLr panel (theory `shared/theory/tailr.md` §4).
//!
//! Two Gaussian classes in the plane, `x ~ N((±1.5, 0), 0.6² I)`, with exactly `round(ε n)` training labels
//! flipped. A kernel logistic regression `f(x) = Σ_j α_j k(x, x_j) + β` with the Gaussian kernel
//! `k(x, x') = exp(−‖x − x'‖²/(2 bw²))` has one parameter per training point, so it can memorise. It is trained
//! full-batch on the TaiLr loss in the paper's stop-gradient form: with `p = σ(f)` and `p_y` the probability
//! of the given label, `g_f = max(b, w(p_y)) (p − y) / n`, `∇α = K g_f`, `∇β = Σ g_f`, then plain gradient
//! descent or Adam. A second learner, the cross-entropy "ghost" (`γ = 0`, no floor), trains on the same data
//! from the same start with the same optimiser.
//!
//! This module imports neither plotters nor web-sys. All randomness comes from [`crate::rng`] streams of the
//! user's seed: the training inputs, the label flips and the test set each have their own stream.

use crate::panels::tailr::loss::{floored_weight, loss};
use crate::rng::{self, Rng};

/// The `rng` stream of the training inputs.
pub const STREAM_TRAIN: u64 = 1;
/// The `rng` stream of the label flips.
pub const STREAM_FLIPS: u64 = 2;
/// The `rng` stream of the clean test set.
pub const STREAM_TEST: u64 = 3;

/// The class centres are `(±CENTRE, 0)`.
pub const CENTRE: f64 = 1.5;
/// The within-class standard deviation.
pub const SPREAD: f64 = 0.6;
/// The size of the clean test set.
///
/// The theory suggests 4000 points; 1000 keeps one evaluation (a 1000 × n kernel mat-vec per learner) cheap
/// enough for the live curves within the frame budget. The sampling error of an accuracy near 0.93 is then
/// about `sqrt(0.93·0.07/1000) ≈ 0.008`, and it is the same test set for the TaiLr run and its cross-entropy
/// ghost, so the comparison between them is paired.
pub const TEST_POINTS: usize = 1000;

/// Which optimiser updates `(α, β)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Plain gradient descent.
    Gd,
    /// Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, bias-corrected).
    Adam,
}

impl Optimizer {
    /// The parameter-table name.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Gd => "gd",
            Optimizer::Adam => "adam",
        }
    }

    /// The optimiser with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "gd" => Some(Optimizer::Gd),
            "adam" => Some(Optimizer::Adam),
            _ => None,
        }
    }
}

/// Everything that defines a run apart from the seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// TaiLr's γ ∈ [0, 1].
    pub gamma: f64,
    /// The floor b of the gradient weight.
    pub floor: f64,
    /// The fraction ε of training labels flipped.
    pub noise: f64,
    /// The number of training points.
    pub n: usize,
    /// The kernel bandwidth.
    pub bandwidth: f64,
    /// The learning rate.
    pub lr: f64,
    /// The optimiser.
    pub optimizer: Optimizer,
}

impl Config {
    /// The theory's defaults (§4).
    pub fn defaults() -> Self {
        Config { gamma: 0.5, floor: 0.0, noise: 0.2, n: 200, bandwidth: 0.4, lr: 0.05, optimizer: Optimizer::Adam }
    }
}

/// The training and test data of one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    /// Training inputs.
    pub x: Vec<[f64; 2]>,
    /// The true class (the mixture component) of each training point.
    pub truth: Vec<bool>,
    /// The given (possibly flipped) label of each training point.
    pub label: Vec<bool>,
    /// Which training labels were flipped.
    pub flipped: Vec<bool>,
    /// Clean test inputs.
    pub test_x: Vec<[f64; 2]>,
    /// Their true classes.
    pub test_y: Vec<bool>,
}

/// Draws `n` points, half from each class (class `i % 2`), from `rng`.
fn mixture(rng: &mut Rng, n: usize) -> (Vec<[f64; 2]>, Vec<bool>) {
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % 2 == 1;
        let cx = if c { CENTRE } else { -CENTRE };
        x.push([cx + SPREAD * rng::normal(rng), SPREAD * rng::normal(rng)]);
        y.push(c);
    }
    (x, y)
}

impl Data {
    /// The data set of `seed`: `n` training points with exactly `round(noise · n)` labels flipped (chosen
    /// uniformly without replacement), and [`TEST_POINTS`] clean test points. The classes are balanced
    /// exactly (alternating), which removes the class-count noise without changing the phenomenon.
    pub fn new(seed: u64, n: usize, noise: f64) -> Self {
        let n = n.max(2);
        let (x, truth) = mixture(&mut rng::stream(seed, STREAM_TRAIN), n);
        let n_flip = ((noise.clamp(0.0, 1.0) * n as f64).round() as usize).min(n);
        // A partial Fisher–Yates shuffle picks the flipped indices.
        let mut order: Vec<usize> = (0..n).collect();
        let mut frng = rng::stream(seed, STREAM_FLIPS);
        for i in 0..n_flip {
            let j = i + ((rng::uniform(&mut frng) * (n - i) as f64) as usize).min(n - i - 1);
            order.swap(i, j);
        }
        let mut flipped = vec![false; n];
        for &i in &order[..n_flip] {
            flipped[i] = true;
        }
        let label = truth.iter().zip(&flipped).map(|(t, f)| t ^ f).collect();
        let (test_x, test_y) = mixture(&mut rng::stream(seed, STREAM_TEST), TEST_POINTS);
        Data { x, truth, label, flipped, test_x, test_y }
    }

    /// The number of training points.
    pub fn n(&self) -> usize {
        self.x.len()
    }

    /// The number of flipped training labels.
    pub fn n_flipped(&self) -> usize {
        self.flipped.iter().filter(|f| **f).count()
    }
}

/// The Gaussian kernel `exp(−‖a − b‖²/(2 bw²))`.
pub fn kernel(a: [f64; 2], b: [f64; 2], bw: f64) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (-(dx * dx + dy * dy) / (2.0 * bw * bw)).exp()
}

/// The row-major `rows.len() × cols.len()` kernel matrix.
pub fn kernel_matrix(rows: &[[f64; 2]], cols: &[[f64; 2]], bw: f64) -> Vec<f64> {
    let mut k = Vec::with_capacity(rows.len() * cols.len());
    for a in rows {
        for b in cols {
            k.push(kernel(*a, *b, bw));
        }
    }
    k
}

/// `out = M v + c` for a row-major matrix `m` with `v.len()` columns.
///
/// Written as a plain loop over row slices with four accumulators: fast in release and tolerable in the
/// unoptimised test build.
pub fn mat_vec(m: &[f64], v: &[f64], c: f64, out: &mut [f64]) {
    let n = v.len();
    if n == 0 {
        out.iter_mut().for_each(|o| *o = c);
        return;
    }
    let v4 = v.chunks_exact(4);
    let v_rest = v4.remainder();
    for (row, o) in m.chunks_exact(n).zip(out.iter_mut()) {
        let r4 = row.chunks_exact(4);
        let r_rest = r4.remainder();
        let mut acc = [0.0f64; 4];
        for (a, b) in r4.zip(v4.clone()) {
            acc[0] += a[0] * b[0];
            acc[1] += a[1] * b[1];
            acc[2] += a[2] * b[2];
            acc[3] += a[3] * b[3];
        }
        for (a, b) in r_rest.iter().zip(v_rest) {
            acc[0] += a * b;
        }
        *o = c + (acc[0] + acc[1]) + (acc[2] + acc[3]);
    }
}

/// The logistic function, written so that it neither overflows nor returns NaN for any finite input.
pub fn sigmoid(f: f64) -> f64 {
    if f >= 0.0 {
        1.0 / (1.0 + (-f).exp())
    } else {
        let e = f.exp();
        e / (1.0 + e)
    }
}

/// The model probability of the given label: `σ(f)` for label 1, `σ(−f)` for label 0 (computed directly,
/// not as `1 − σ(f)`, so that it keeps its relative precision near 0).
pub fn p_given(f: f64, label: bool) -> f64 {
    sigmoid(if label { f } else { -f })
}

/// One learner: the kernel coefficients, the bias, the optimiser state and the cached outputs on the
/// training points.
#[derive(Clone, Debug, PartialEq)]
pub struct Learner {
    /// TaiLr's γ (0 for the cross-entropy ghost).
    pub gamma: f64,
    /// The floor b (0 for the ghost).
    pub floor: f64,
    /// The kernel coefficients α.
    pub alpha: Vec<f64>,
    /// The bias β.
    pub beta: f64,
    /// `f = K α + β` on the training points, kept in step with `(α, β)`.
    pub f: Vec<f64>,
    /// Adam's first moments of `α` (unused by gradient descent).
    pub m: Vec<f64>,
    /// Adam's second moments of `α`.
    pub v: Vec<f64>,
    /// Adam's first moment of `β`.
    pub mb: f64,
    /// Adam's second moment of `β`.
    pub vb: f64,
    /// Optimiser steps taken.
    pub t: u64,
    /// Scratch: the logit gradient `g_f`.
    gf: Vec<f64>,
    /// Scratch: `∇α = K g_f`.
    ga: Vec<f64>,
}

/// Adam's β₁.
const BETA1: f64 = 0.9;
/// Adam's β₂.
const BETA2: f64 = 0.999;
/// Adam's ε.
const ADAM_EPS: f64 = 1e-8;

impl Learner {
    /// A learner at `α = 0`, `β = 0` (so `p = ½` everywhere) for `n` training points.
    pub fn new(gamma: f64, floor: f64, n: usize) -> Self {
        Learner {
            gamma,
            floor,
            alpha: vec![0.0; n],
            beta: 0.0,
            f: vec![0.0; n],
            m: vec![0.0; n],
            v: vec![0.0; n],
            mb: 0.0,
            vb: 0.0,
            t: 0,
            gf: vec![0.0; n],
            ga: vec![0.0; n],
        }
    }

    /// The logit gradient `g_f,i = w̃(p_y,i) (p_i − y_i) / n` at the current outputs.
    pub fn logit_grad(&self, labels: &[bool]) -> Vec<f64> {
        let mut g = vec![0.0; self.f.len()];
        self.fill_logit_grad(labels, &mut g);
        g
    }

    fn fill_logit_grad(&self, labels: &[bool], g: &mut [f64]) {
        let n = self.f.len().max(1) as f64;
        for ((g, f), y) in g.iter_mut().zip(&self.f).zip(labels) {
            let w = floored_weight(p_given(*f, *y), self.gamma, self.floor);
            // p − y without cancellation: σ(f) − 1 = −σ(−f).
            let resid = if *y { -sigmoid(-f) } else { sigmoid(*f) };
            *g = w * resid / n;
        }
    }

    /// One full-batch step with kernel matrix `k` (n × n, symmetric).
    pub fn step(&mut self, k: &[f64], labels: &[bool], lr: f64, opt: Optimizer) {
        let mut gf = std::mem::take(&mut self.gf);
        let mut ga = std::mem::take(&mut self.ga);
        gf.resize(self.f.len(), 0.0);
        ga.resize(self.f.len(), 0.0);
        self.fill_logit_grad(labels, &mut gf);
        // ∇α = Kᵀ g_f = K g_f (K is symmetric); ∇β = Σ g_f.
        mat_vec(k, &gf, 0.0, &mut ga);
        let gb: f64 = gf.iter().sum();
        self.t += 1;
        match opt {
            Optimizer::Gd => {
                for (a, g) in self.alpha.iter_mut().zip(&ga) {
                    *a -= lr * g;
                }
                self.beta -= lr * gb;
            }
            Optimizer::Adam => {
                let t = self.t.min(i32::MAX as u64) as i32;
                let c1 = 1.0 - BETA1.powi(t);
                let c2 = 1.0 - BETA2.powi(t);
                for (((a, g), m), v) in self.alpha.iter_mut().zip(&ga).zip(self.m.iter_mut()).zip(self.v.iter_mut()) {
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    *a -= lr * (*m / c1) / ((*v / c2).sqrt() + ADAM_EPS);
                }
                self.mb = BETA1 * self.mb + (1.0 - BETA1) * gb;
                self.vb = BETA2 * self.vb + (1.0 - BETA2) * gb * gb;
                self.beta -= lr * (self.mb / c1) / ((self.vb / c2).sqrt() + ADAM_EPS);
            }
        }
        mat_vec(k, &self.alpha, self.beta, &mut self.f);
        self.gf = gf;
        self.ga = ga;
    }

    /// Whether every state variable is finite.
    pub fn is_finite(&self) -> bool {
        self.beta.is_finite()
            && self.mb.is_finite()
            && self.vb.is_finite()
            && self.alpha.iter().chain(&self.f).chain(&self.m).chain(&self.v).all(|v| v.is_finite())
    }

    /// The probability of the given label at every training point.
    pub fn p_given(&self, labels: &[bool]) -> Vec<f64> {
        self.f.iter().zip(labels).map(|(f, y)| p_given(*f, *y)).collect()
    }

    /// The mean training loss: eq. (2) at this learner's γ (cross-entropy, computed as a softplus so that it
    /// stays finite, when γ = 0).
    pub fn loss(&self, labels: &[bool]) -> f64 {
        let n = self.f.len().max(1) as f64;
        self.f
            .iter()
            .zip(labels)
            .map(|(f, y)| {
                let s = if *y { *f } else { -f };
                if self.gamma <= 0.0 {
                    softplus(-s)
                } else {
                    loss(sigmoid(s), self.gamma)
                }
            })
            .sum::<f64>()
            / n
    }

    /// The logits `f` at the points whose kernel rows against the training set are `k_rows` (row-major).
    pub fn logits_at(&self, k_rows: &[f64]) -> Vec<f64> {
        let rows = k_rows.len().checked_div(self.alpha.len()).unwrap_or(0);
        let mut out = vec![0.0; rows];
        mat_vec(k_rows, &self.alpha, self.beta, &mut out);
        out
    }

    /// The logits on the grid `xs × ys` (row `j` is `ys[j]`), using the separable Gaussian kernel:
    /// `f(x, y) = β + Σ_m e^{−(x−x_m)²/2bw²} (e^{−(y−y_m)²/2bw²} α_m)`.
    pub fn field(&self, train: &[[f64; 2]], bw: f64, xs: &[f64], ys: &[f64]) -> Vec<f64> {
        let n = self.alpha.len().min(train.len());
        let s = 1.0 / (2.0 * bw * bw);
        let ex: Vec<f64> =
            xs.iter().flat_map(|x| train[..n].iter().map(move |t| (-(x - t[0]).powi(2) * s).exp())).collect();
        let mut out = Vec::with_capacity(xs.len() * ys.len());
        let mut wy = vec![0.0; n];
        let mut row = vec![0.0; xs.len()];
        for y in ys {
            for ((w, t), a) in wy.iter_mut().zip(&train[..n]).zip(&self.alpha) {
                *w = (-(y - t[1]).powi(2) * s).exp() * a;
            }
            mat_vec(&ex, &wy, self.beta, &mut row);
            out.extend_from_slice(&row);
        }
        out
    }
}

/// `ln(1 + e^x)` without overflow.
pub fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// The AUROC of `score` for separating `positive` from the rest (Mann–Whitney with mid-ranks for ties):
/// `P(score_pos > score_neg) + ½ P(tie)`. `None` when either group is empty.
pub fn auroc(score: &[f64], positive: &[bool]) -> Option<f64> {
    let n = score.len().min(positive.len());
    let n_pos = positive[..n].iter().filter(|p| **p).count();
    let n_neg = n - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let idx = crate::math::argsort(&score[..n], false);
    // Mid-ranks (1-based) over runs of equal scores.
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && score[idx[j]] == score[idx[i]] {
            j += 1;
        }
        let mid = (i + 1 + j) as f64 / 2.0;
        for &k in &idx[i..j] {
            if positive[k] {
                rank_sum_pos += mid;
            }
        }
        i = j;
    }
    let u = rank_sum_pos - (n_pos * (n_pos + 1)) as f64 / 2.0;
    Some(u / (n_pos as f64 * n_neg as f64))
}

/// The measurements of one learner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    /// The share of flipped points whose given (wrong) label has model probability above ½; `None` without
    /// flipped points.
    pub memorised: Option<f64>,
    /// The share of clean test points classified as their true class (`σ(f) > ½`).
    pub test_acc: f64,
    /// The AUROC of `1 − p(given label)` for finding the flipped points; `None` without flipped or clean points.
    pub auroc: Option<f64>,
    /// The mean training loss (eq. (2) at the learner's γ).
    pub loss: f64,
    /// The share of training points whose given label has model probability above ½.
    pub train_acc: f64,
}

/// The noisy-label experiment: data, kernel matrices, the TaiLr learner and its cross-entropy ghost.
#[derive(Clone, Debug)]
pub struct Noisy {
    /// The configuration.
    pub cfg: Config,
    /// The data.
    pub data: Data,
    /// The training kernel matrix (n × n, row-major).
    pub k: Vec<f64>,
    /// The test-set kernel rows against the training points (TEST_POINTS × n, row-major).
    pub k_test: Vec<f64>,
    /// The TaiLr learner (γ, b from the configuration).
    pub tailr: Learner,
    /// The cross-entropy ghost (γ = 0, b = 0).
    pub ce: Learner,
    /// Steps taken.
    pub steps: u64,
}

impl Noisy {
    /// The experiment of `cfg` and `seed` at step 0.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let data = Data::new(seed, cfg.n, cfg.noise);
        let n = data.n();
        let k = kernel_matrix(&data.x, &data.x, cfg.bandwidth);
        let k_test = kernel_matrix(&data.test_x, &data.x, cfg.bandwidth);
        Noisy {
            tailr: Learner::new(cfg.gamma, cfg.floor, n),
            ce: Learner::new(0.0, 0.0, n),
            cfg,
            data,
            k,
            k_test,
            steps: 0,
        }
    }

    /// One step of both learners.
    pub fn step(&mut self) {
        self.tailr.step(&self.k, &self.data.label, self.cfg.lr, self.cfg.optimizer);
        self.ce.step(&self.k, &self.data.label, self.cfg.lr, self.cfg.optimizer);
        self.steps += 1;
    }

    /// Whether both learners are finite.
    pub fn is_finite(&self) -> bool {
        self.tailr.is_finite() && self.ce.is_finite()
    }

    /// The measurements of `learner` (one of [`Noisy::tailr`] and [`Noisy::ce`]).
    pub fn scores(&self, learner: &Learner) -> Scores {
        let d = &self.data;
        let pg = learner.p_given(&d.label);
        let n_flip = d.n_flipped();
        let memorised = if n_flip == 0 {
            None
        } else {
            Some(pg.iter().zip(&d.flipped).filter(|(p, f)| **f && **p > 0.5).count() as f64 / n_flip as f64)
        };
        let score: Vec<f64> = pg.iter().map(|p| 1.0 - p).collect();
        let test_f = learner.logits_at(&self.k_test);
        let correct = test_f.iter().zip(&d.test_y).filter(|(f, y)| (**f > 0.0) == **y).count();
        let test_acc = correct as f64 / test_f.len().max(1) as f64;
        let train_acc = pg.iter().filter(|p| **p > 0.5).count() as f64 / pg.len().max(1) as f64;
        Scores { memorised, test_acc, auroc: auroc(&score, &d.flipped), loss: learner.loss(&d.label), train_acc }
    }
}
