//! The pure model of the one-context TaiLr panel (theory `shared/theory/tailr.md` §2, §3 and §4 notes).
//!
//! One context with free logits `z ∈ R^K` and a label distribution `q`. The TaiLr loss of label `y` is
//! `L_γ = −ln(γ + (1−γ) p_y) / (1−γ)`; its gradient with respect to the logits is `w(p_y) (p − e_y)` with the
//! weight `w(p) = p / (γ + (1−γ) p)`. The paper's floor `b` replaces the weight by `max(b, w)` (a stop-gradient
//! constant). A step is explicit gradient descent on the expected loss, `z ← z − h g` with
//! `g = p Σ_y q_y w̃_y − q ⊙ w̃`. The analytic optimum is the water-filling rule
//! `p*_j = max(0, (q_j/μ − γ)/(1 − γ))` (and, with a floor, its generalisation derived in [`optimum`]).
//!
//! This module imports neither plotters nor web-sys and uses no randomness.

/// The most labels the panel accepts.
pub const MAX_CLASSES: usize = 50;

use crate::panels::tailr::loss::{floored_weight, loss, weight};

/// The softmax of `z`, computed with the maximum subtracted so that it never overflows.
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// The TaiLr loss of label `y` as a function of the logits `z`.
pub fn loss_of_logits(z: &[f64], y: usize, gamma: f64) -> f64 {
    let p = softmax(z);
    loss(p.get(y).copied().unwrap_or(0.0), gamma)
}

/// The analytic gradient `∇_z L_γ = w(p_y) (p − e_y)` (theory §2).
pub fn grad_logits(z: &[f64], y: usize, gamma: f64) -> Vec<f64> {
    let p = softmax(z);
    let w = weight(p.get(y).copied().unwrap_or(0.0), gamma);
    p.iter().enumerate().map(|(j, pj)| w * (pj - if j == y { 1.0 } else { 0.0 })).collect()
}

/// Where the label distribution came from, for the figure's headline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QSource {
    /// `q = (1−ε) onehot(0) + ε uniform(K)` from `eps` and `classes`.
    Noise {
        /// Label noise ε.
        eps: f64,
        /// Number of labels K.
        k: usize,
    },
    /// The `q` list as given (it already summed to 1 up to rounding).
    Given,
    /// The `q` list divided by its sum, which was `sum`.
    Normalised {
        /// The sum of the entries as given.
        sum: f64,
    },
    /// The `q` list was all zeros, which cannot be normalised; a uniform distribution is used instead.
    ZeroUniform,
    /// The `q` list had a single entry, which is no choice at all; `eps` and `classes` are used instead.
    TooShort {
        /// Label noise ε.
        eps: f64,
        /// Number of labels K.
        k: usize,
    },
}

/// `(1−ε) onehot(0) + ε uniform(K)`.
pub fn noisy_onehot(eps: f64, k: usize) -> Vec<f64> {
    let k = k.clamp(1, MAX_CLASSES);
    (0..k).map(|j| eps / k as f64 + if j == 0 { 1.0 - eps } else { 0.0 }).collect()
}

/// Resolves the label distribution: the `q` list (normalised) when it has at least two entries, otherwise
/// the noisy one-hot of `eps` and `classes`. Never returns NaN: an all-zero list becomes uniform, negative or
/// non-finite entries (which the parameter table already excludes) count as 0, and at most
/// [`MAX_CLASSES`] entries are used.
pub fn resolve_q(list: &[f64], eps: f64, classes: usize) -> (Vec<f64>, QSource) {
    let eps = if eps.is_finite() { eps.clamp(0.0, 1.0) } else { 0.0 };
    let classes = classes.clamp(2, MAX_CLASSES);
    if list.is_empty() {
        return (noisy_onehot(eps, classes), QSource::Noise { eps, k: classes });
    }
    if list.len() < 2 {
        return (noisy_onehot(eps, classes), QSource::TooShort { eps, k: classes });
    }
    let q: Vec<f64> = list.iter().take(MAX_CLASSES).map(|v| if v.is_finite() && *v > 0.0 { *v } else { 0.0 }).collect();
    let sum: f64 = q.iter().sum();
    if sum.is_nan() || sum <= 0.0 || !sum.is_finite() {
        let k = q.len();
        return (vec![1.0 / k as f64; k], QSource::ZeroUniform);
    }
    let source = if (sum - 1.0).abs() <= 1e-9 { QSource::Given } else { QSource::Normalised { sum } };
    (q.iter().map(|v| v / sum).collect(), source)
}

/// The minimiser of the expected loss (or, with a floor, the stationary point of the expected gradient).
#[derive(Clone, Debug, PartialEq)]
pub struct Optimum {
    /// The optimal probabilities `p*`.
    pub p: Vec<f64>,
    /// The multiplier `μ = Σ_j q_j w̃(p*_j)`.
    pub mu: f64,
    /// The level of `q` below which labels are cut to 0 (`γμ` without a floor) or, with a floor, sit on the
    /// floor with `p*_j = b q_j / μ`: `γμ / (1 − b(1−γ))`.
    pub cutoff: f64,
}

/// The stationary point of the expected gradient for `q` (summing to 1), `γ ∈ [0, 1]` and floor `b`.
///
/// Derivation (extends theory §2 to the floor; the theory's fixed-point iteration converges to the same point).
/// Stationarity of `g = p Σ_y q_y w̃_y − q ⊙ w̃` means `p_j = q_j w̃(p_j) / μ` with `μ = Σ_y q_y w̃(p_y)`. For a
/// fixed μ, label j solves `p = (q_j/μ) max(b, w(p))`:
/// - on the floor (`w(p) ≤ b`, i.e. `p ≤ p_b = bγ/(1 − b(1−γ))`): `p = t := b q_j/μ`, valid iff `t ≤ p_b`;
/// - above it, `w(p) = p/(γ+(1−γ)p)` gives `γ + (1−γ)p = q_j/μ`, i.e. `p = a := (q_j/μ − γ)/(1−γ)`, valid iff
///   `a ≥ p_b`, which is equivalent to `t ≥ p_b` (use `γ + (1−γ)p_b = p_b/b`).
///
/// One can check that `a ≤ t` exactly when `t ≤ p_b`, so in both cases `p_j(μ) = max(b q_j/μ, a)`. This is
/// continuous and decreasing in μ, so `Σ_j p_j(μ) = 1` has one root. With `b = 0` it is the water-filling rule
/// `p*_j = max(0, (q_j/μ − γ)/(1−γ))`, computed here by the theory's sorted active-set formula; with `b > 0`
/// the root is found by bisection. Special cases: `γ = 0` or `b ≥ 1` give `p* = q` (the weight is constant);
/// `γ = 1` is the limit where the above-floor branch becomes a jump at `q_j = μ`: then `μ = max(b, q_max)`, and
/// when `q_max > b` the labels below the top sit on the floor and the tied top labels share the rest (with
/// `b = 0`: one-hot on the top label, split evenly over ties, which is also the `γ → 1` limit of water-filling).
pub fn optimum(q: &[f64], gamma: f64, floor: f64) -> Optimum {
    let k = q.len();
    if k == 0 {
        return Optimum { p: Vec::new(), mu: 1.0, cutoff: 0.0 };
    }
    let gamma = gamma.clamp(0.0, 1.0);
    let b = floor.max(0.0);
    if gamma == 0.0 || b >= 1.0 {
        return Optimum { p: q.to_vec(), mu: 1.0, cutoff: 0.0 };
    }
    if gamma >= 1.0 {
        return optimum_gamma_one(q, b);
    }
    let (p, mu) = if b == 0.0 { water_fill(q, gamma) } else { optimum_bisect(q, gamma, b) };
    Optimum { p, mu, cutoff: gamma * mu / (1.0 - b * (1.0 - gamma)) }
}

/// The `γ = 1` case of [`optimum`].
fn optimum_gamma_one(q: &[f64], b: f64) -> Optimum {
    let q_max = q.iter().copied().fold(0.0, f64::max);
    if q_max <= b {
        // Every label on the floor: p_j = b q_j / μ with μ = b.
        return Optimum { p: q.to_vec(), mu: b, cutoff: b };
    }
    let top: Vec<bool> = q.iter().map(|v| *v >= q_max).collect();
    let r = top.iter().filter(|t| **t).count().max(1) as f64;
    let below: f64 = q.iter().zip(&top).filter(|(_, t)| !**t).map(|(v, _)| b * v / q_max).sum();
    let share = ((1.0 - below) / r).max(0.0);
    let p = q.iter().zip(&top).map(|(v, t)| if *t { share } else { b * v / q_max }).collect();
    Optimum { p, mu: q_max, cutoff: q_max }
}

/// The water-filling rule for `b = 0`, `0 < γ < 1` by the theory's sorted active set: with `qs` sorted
/// descending, `μ_r = (qs_1 + … + qs_r)/(1 + (r−1)γ)` for the `r` with `qs_r > γμ_r ≥ qs_{r+1}`. Returns
/// `(p*, μ)`.
pub fn water_fill(q: &[f64], gamma: f64) -> (Vec<f64>, f64) {
    let k = q.len();
    let idx = crate::math::argsort(q, true);
    let qs: Vec<f64> = idx.iter().map(|i| q[*i]).collect();
    let mut cum = 0.0;
    // Falls back to the top label alone if rounding made every test fail (it cannot in exact arithmetic).
    let mut found = (1, qs.first().copied().unwrap_or(1.0));
    for r in 1..=k {
        cum += qs[r - 1];
        let mu = cum / (1.0 + (r - 1) as f64 * gamma);
        let next = if r < k { qs[r] } else { 0.0 };
        if qs[r - 1] > gamma * mu && next <= gamma * mu {
            found = (r, mu);
            break;
        }
    }
    let (r, mu) = found;
    let mut p = vec![0.0; k];
    for j in 0..r {
        p[idx[j]] = ((qs[j] / mu - gamma) / (1.0 - gamma)).max(0.0);
    }
    (p, mu)
}

/// The floor case of [`optimum`] by bisection on μ of `Σ_j max(b q_j/μ, (q_j/μ − γ)/(1−γ)) = 1` (also valid
/// for `b = 0`, where it is an independent check of [`water_fill`]). Requires `0 < γ < 1`. Returns `(p*, μ)`.
pub fn optimum_bisect(q: &[f64], gamma: f64, b: f64) -> (Vec<f64>, f64) {
    let p_of = |mu: f64| -> Vec<f64> {
        q.iter().map(|v| (b * v / mu).max((v / mu - gamma) / (1.0 - gamma)).max(0.0)).collect()
    };
    let total = |mu: f64| -> f64 { p_of(mu).iter().sum() };
    // At μ = 1 every p_j(1) ≤ q_j (q_j ≤ 1, b < 1), so the sum is at most 1; as μ → 0 it grows without bound.
    let (mut lo, mut hi) = (1e-300f64, 1.0f64);
    for _ in 0..2000 {
        // Bisect in log space first (the bracket spans many decades), then arithmetically.
        let mid = if hi / lo > 4.0 { (lo * hi).sqrt() } else { 0.5 * (lo + hi) };
        if mid <= lo || mid >= hi {
            break;
        }
        if total(mid) > 1.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let mu = hi;
    let mut p = p_of(mu);
    // Remove the last rounding-level mismatch of the sum.
    let s: f64 = p.iter().sum();
    if s > 0.0 {
        p.iter_mut().for_each(|v| *v /= s);
    }
    (p, mu)
}

/// The theory's fixed-point iteration for the floor case, `p ← normalise(q ⊙ w̃(p))` from `p = q`, run for at
/// most `iters` iterations or until an iteration changes nothing (a cross-check of [`optimum`]; the
/// expected-gradient run remains the ground truth).
pub fn floor_fixed_point(q: &[f64], gamma: f64, b: f64, iters: usize) -> Vec<f64> {
    let mut p = q.to_vec();
    for _ in 0..iters {
        let v: Vec<f64> = q.iter().zip(&p).map(|(qj, pj)| qj * floored_weight(*pj, gamma, b)).collect();
        let s: f64 = v.iter().sum();
        if s.is_nan() || s <= 0.0 {
            break;
        }
        let next: Vec<f64> = v.into_iter().map(|x| x / s).collect();
        let change = next.iter().zip(&p).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        p = next;
        if change == 0.0 {
            break;
        }
    }
    p
}

/// The threshold `q₂/q₁` (second-largest over largest entry): `p*` is one-hot on the top label iff `γ` is at
/// least this (theory §2). For `q = (1−ε)onehot + ε uniform(K)` it equals `q_n / q_c`.
pub fn one_hot_threshold(q: &[f64]) -> f64 {
    // Gathered through the crate's one index sort (so no other sort is compiled).
    let s: Vec<f64> = crate::math::argsort(q, true).into_iter().map(|i| q[i]).collect();
    match (s.first(), s.get(1)) {
        (Some(a), Some(b)) if *a > 0.0 => b / a,
        _ => 0.0,
    }
}

/// Everything that defines a run of the single-context model.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// γ ∈ [0, 1].
    pub gamma: f64,
    /// The floor b ∈ [0, 1].
    pub floor: f64,
    /// Step size h.
    pub h: f64,
    /// The label distribution (sums to 1).
    pub q: Vec<f64>,
    /// Where `q` came from.
    pub source: QSource,
}

/// The live single-context model.
#[derive(Clone, Debug)]
pub struct Single {
    /// The configuration.
    pub cfg: Config,
    /// The logits, starting at 0.
    pub z: Vec<f64>,
    /// `softmax(z)`, kept in step with `z`.
    pub p: Vec<f64>,
    /// Steps taken.
    pub steps: u64,
    /// The analytic optimum for the configuration.
    pub opt: Optimum,
}

impl Single {
    /// A model at step 0 (`z = 0`, so `p` is uniform).
    pub fn new(cfg: Config) -> Self {
        let k = cfg.q.len();
        let opt = optimum(&cfg.q, cfg.gamma, cfg.floor);
        let z = vec![0.0; k];
        let p = softmax(&z);
        Single { cfg, z, p, steps: 0, opt }
    }

    /// The current floored weights `w̃(p_j)` of every label.
    pub fn weights(&self) -> Vec<f64> {
        self.p.iter().map(|pj| floored_weight(*pj, self.cfg.gamma, self.cfg.floor)).collect()
    }

    /// The expected gradient `g = p Σ_y q_y w̃_y − q ⊙ w̃` at the current logits.
    pub fn expected_grad(&self) -> Vec<f64> {
        let w = self.weights();
        let s: f64 = self.cfg.q.iter().zip(&w).map(|(q, w)| q * w).sum();
        self.p.iter().zip(&self.cfg.q).zip(&w).map(|((p, q), w)| p * s - q * w).collect()
    }

    /// One explicit gradient-descent step `z ← z − h g`.
    pub fn step(&mut self) {
        let g = self.expected_grad();
        for (z, g) in self.z.iter_mut().zip(&g) {
            *z -= self.cfg.h * g;
        }
        self.p = softmax(&self.z);
        self.steps += 1;
    }

    /// The expected TaiLr loss `Σ_j q_j L_γ(p_j)` (terms with `q_j = 0` contribute nothing).
    pub fn expected_loss(&self) -> f64 {
        self.cfg.q.iter().zip(&self.p).filter(|(q, _)| **q > 0.0).map(|(q, p)| q * loss(*p, self.cfg.gamma)).sum()
    }

    /// The largest `|p_j − p*_j|`.
    pub fn max_gap(&self) -> f64 {
        self.p.iter().zip(&self.opt.p).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
    }

    /// Whether the logits and probabilities are finite.
    pub fn is_finite(&self) -> bool {
        self.z.iter().chain(&self.p).all(|v| v.is_finite())
    }
}
