//! (c) ThreTopK `p = f(y − λ)` with `Σ f(y_i − λ) = k` (§1c, §2): exp-min, sigmoid by bisection and the
//! smooth f, with their implicit-function Jacobians.

use super::{logaddexp, max_of, min_of, order_desc, sigmoid, Method, Soft};
use crate::real::Real;

/// A threshold written as an anchor score plus an offset, `λ = anchor + offset`.
///
/// Why not λ itself: at low temperature the scores `y = x/τ` are huge (up to 5·10⁷ here) and λ sits within
/// O(1) of a score, so `ys[m] + offset` rounds the offset away in f32 (ulp 4 at 5·10⁷). The theory's
/// acceptance test `ys[m] ≤ λ` then passes by rounding for a wrong m — exp-min with k = 31 of 32 returned a
/// vector summing to 30 in f32 before this was fixed. Comparing `ys[i] − anchor` (a difference of two
/// scores, exact or correctly rounded) with the offset keeps every test and every `f(y_i − λ)` exact to
/// rounding of O(1) quantities.
#[derive(Clone, Copy, Debug)]
struct Split<R> {
    anchor: R,
    offset: R,
}

/// Picks the candidate with the smallest violation of its acceptance test (exactly 0 for the right one in
/// exact arithmetic). Rounding or ties can make the exact tests of the theory's pseudo-code reject every
/// candidate by an ulp; choosing the least-violating one keeps the method total without changing any
/// answer the exact tests would give.
fn least_violating<R: Real>(candidates: impl Iterator<Item = (Split<R>, R)>) -> Option<Split<R>> {
    let mut best: Option<(Split<R>, R)> = None;
    for (split, violation) in candidates {
        if split.offset.is_nan() || violation.is_nan() {
            continue;
        }
        if violation <= R::ZERO {
            return Some(split);
        }
        if best.is_none_or(|(_, v)| violation < v) {
            best = Some((split, violation));
        }
    }
    best.map(|(s, _)| s)
}

/// How far `λ = anchor + offset` violates "entries before position m are ≥ λ and entries from m on are
/// ≤ λ" (scores sorted in decreasing order).
fn split_violation<R: Real>(ys: &[R], m: usize, s: Split<R>) -> R {
    let mut v = R::ZERO;
    if m > 0 {
        v = v.max(s.offset - (ys[m - 1] - s.anchor));
    }
    if m < ys.len() {
        v = v.max((ys[m] - s.anchor) - s.offset);
    }
    v
}

/// `ln T[m]` with `T[m] = Σ_{i ≥ m} e^{ys[i] − ys[m]}` (so `ln Σ_{i≥m} e^{ys[i]} = ys[m] + ln T[m]`) for
/// scores sorted in decreasing order; every exponential is at most 1.
fn suffix_log_t<R: Real>(ys: &[R]) -> Vec<R> {
    let n = ys.len();
    let mut out = vec![R::ZERO; n];
    let mut t = R::ZERO;
    for m in (0..n).rev() {
        t = if m + 1 < n { R::ONE + t * (ys[m + 1] - ys[m]).exp() } else { R::ONE };
        out[m] = t.ln();
    }
    out
}

/// `ln U[m]` with `U[m] = Σ_{i < m} e^{ys[m−1] − ys[i]}` (so `ln Σ_{i<m} e^{−ys[i]} = −ys[m−1] + ln U[m]`),
/// index 0 unused.
fn prefix_log_u<R: Real>(ys: &[R]) -> Vec<R> {
    let n = ys.len();
    let mut out = vec![R::ZERO; n + 1];
    let mut u = R::ZERO;
    for m in 1..=n {
        u = if m >= 2 { R::ONE + u * (ys[m - 1] - ys[m - 2]).exp() } else { R::ONE };
        out[m] = u.ln();
    }
    out
}

/// Exp-min threshold (§1c1 with the §2 fix): for m = 0..k−1 saturated entries (sorted descending),
/// `λ = ln Σ_{i ≥ m} e^{ys[i]} − ln(k − m)`, accepted when `ys[m] ≤ λ ≤ ys[m−1]`; `p = min(1, e^{y − λ})`.
/// λ is kept as `ys[m] + (ln T[m] − ln(k − m))` (see [`Split`]).
pub fn thre_exp<R: Real>(y: &[R], k: usize) -> Soft<R> {
    let order = order_desc(y);
    let ys: Vec<R> = order.iter().map(|&i| y[i]).collect();
    let lt = suffix_log_t(&ys);
    let cands = (0..k.min(ys.len())).map(|m| {
        let s = Split { anchor: ys[m], offset: lt[m] - R::of((k - m) as f64).ln() };
        (s, split_violation(&ys, m, s))
    });
    let s = least_violating(cands).unwrap_or(Split { anchor: R::ZERO, offset: R::ZERO });
    let p = y.iter().map(|&v| ((v - s.anchor) - s.offset).exp().min(R::ONE)).collect();
    Soft { p, lambda: Some(s.anchor + s.offset) }
}

/// Sigmoid threshold by bisection (§1c2, the post's bracket): `iters` halvings of
/// `[min y − σ⁻¹(k/n), max y − σ⁻¹(k/n)]`, stopping early once the bracket no longer shrinks in this precision.
pub fn thre_sigmoid<R: Real>(y: &[R], k: usize, iters: usize) -> Soft<R> {
    let n = y.len();
    let kk = R::of(k as f64);
    let c = (kk / R::of((n - k.min(n)) as f64)).ln();
    let mut lo = min_of(y) - c;
    let mut hi = max_of(y) - c;
    for _ in 0..iters {
        let mid = (lo + hi) * R::of(0.5);
        if !(mid > lo && mid < hi) {
            break;
        }
        let mut f = R::ZERO;
        for &v in y {
            f += sigmoid(v - mid);
        }
        if f > kk {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let lambda = (lo + hi) * R::of(0.5);
    Soft { p: y.iter().map(|&v| sigmoid(v - lambda)).collect(), lambda: Some(lambda) }
}

/// The smooth `f(t) = (1 − e^{−|t|}) sign(t)/2 + 1/2` (1 − e^{−t}/2 above 0, e^{t}/2 below).
#[inline]
pub fn smooth_f<R: Real>(t: R) -> R {
    let half = R::of(0.5);
    if t >= R::ZERO {
        R::ONE - (-t).exp() * half
    } else {
        t.exp() * half
    }
}

/// Smooth-f threshold (§1c3 with every §2 fix): m = 0..=n entries above λ (sorted descending),
/// `s₁ = Σ_{i<m} e^{−ys[i]}`, `s₂ = Σ_{i≥m} e^{ys[i]}`, `a = k − m`, and
/// `λ = ln s₂ − ln(√(a² + s₁s₂) + a)` for `a ≥ 0`, `λ = ln(√(a² + s₁s₂) − a) − ln s₁` for `a < 0`.
///
/// Derivation of the evaluation used here (the note asks for overflow-free sums at small τ): both forms are
/// `ln s₂ − L` or `L − ln s₁` with `L = ln(√(a² + s₁s₂) + |a|)`, and with `P = s₁s₂`,
/// `L = logaddexp(½·logaddexp(2 ln|a|, ln P), ln|a|)` — a log of a sum of positive terms, so it neither
/// overflows nor cancels, whatever the scale of y. For a = 0, `L = ½ ln P`. With `ln s₂ = ys[m] + ln T[m]`
/// and `ln s₁ = −ys[m−1] + ln U[m]`, `ln P = (ys[m] − ys[m−1]) + ln T[m] + ln U[m]` (a difference of
/// neighbouring scores), and λ is kept relative to `ys[m]` (a ≥ 0) or `ys[m−1]` (a < 0), see [`Split`].
/// m = 0 gives P = 0 and `λ = ln s₂ − ln 2k`; m = n gives s₂ = 0 and `λ = ln 2(n − k) − ln s₁`; both check
/// directly against Σ f = k.
pub fn thre_smooth<R: Real>(y: &[R], k: usize) -> Soft<R> {
    let n = y.len();
    let order = order_desc(y);
    let ys: Vec<R> = order.iter().map(|&i| y[i]).collect();
    let lt = suffix_log_t(&ys);
    let lu = prefix_log_u(&ys);
    let cands = (0..=n).map(|m| {
        let a = k as f64 - m as f64;
        let ln_a = R::of(a.abs()).ln();
        let ln_p = if m == 0 || m == n { -R::INF } else { (ys[m] - ys[m - 1]) + lt[m] + lu[m] };
        let l = if a == 0.0 { ln_p * R::of(0.5) } else { logaddexp(logaddexp(ln_a + ln_a, ln_p) * R::of(0.5), ln_a) };
        let s = if a >= 0.0 {
            Split { anchor: ys[m.min(n - 1)], offset: if m < n { lt[m] - l } else { -R::INF } }
        } else {
            Split { anchor: ys[m - 1], offset: l - lu[m] }
        };
        (s, split_violation(&ys, m, s))
    });
    let s = least_violating(cands).unwrap_or(Split { anchor: R::ZERO, offset: R::ZERO });
    Soft { p: y.iter().map(|&v| smooth_f((v - s.anchor) - s.offset)).collect(), lambda: Some(s.anchor + s.offset) }
}

/// `f'(y_i − λ)` of a threshold method at its solution: exp-min `e^{y−λ}` below λ and 0 when saturated,
/// sigmoid `σ(1 − σ)`, smooth `e^{−|y−λ|}/2`.
pub fn threshold_slopes<R: Real>(method: Method, y: &[R], p: &[R], lambda: R) -> Vec<R> {
    y.iter()
        .zip(p)
        .map(|(&v, &pi)| match method {
            Method::Exp => {
                if v < lambda {
                    pi
                } else {
                    R::ZERO
                }
            }
            Method::Sigmoid => pi * (R::ONE - pi),
            _ => (-(v - lambda).abs()).exp() * R::of(0.5),
        })
        .collect()
}

/// `∂λ/∂y_j = f'_j / Σ_l f'_l` (implicit differentiation of Σ f(y_i − λ) = k); it sums to 1.
pub fn threshold_gradient<R: Real>(slopes: &[R]) -> Vec<R> {
    let mut s = R::ZERO;
    for &d in slopes {
        s += d;
    }
    if s > R::ZERO {
        slopes.iter().map(|&d| d / s).collect()
    } else {
        vec![R::ZERO; slopes.len()]
    }
}

/// Row-major `n × n` Jacobian `∂p_i/∂y_j` of a threshold method: `f'_i (δ_ij − f'_j / Σ f')`.
pub fn threshold_jacobian<R: Real>(slopes: &[R]) -> Vec<R> {
    let n = slopes.len();
    let g = threshold_gradient(slopes);
    let mut j = vec![R::ZERO; n * n];
    for a in 0..n {
        for b in 0..n {
            let delta = if a == b { R::ONE } else { R::ZERO };
            j[a * n + b] = slopes[a] * (delta - g[b]);
        }
    }
    j
}
