//! InfoNCE and FlatNCE in score space, written once for `f32` and `f64` (theory note §2 and the
//! implementation notes of §4, `shared/theory/flatnce.md`).
//!
//! Both panels use these functions: the microscope evaluates them on one row of scores, the training toy
//! on every anchor's row. Every intermediate is computed in the float type `F`, including `exp` and `ln`,
//! which for `f32` are Rust's `f32::exp` and `f32::ln` (the system libm natively, Rust's own libm in
//! WebAssembly). Nothing is computed in `f64` and rounded afterwards, so the `f32` results carry exactly
//! the rounding a float32 framework would produce.
//!
//! The algorithm is the framework one the theory names: a max-subtracted log-sum-exp,
//! `lse = m + ln Σ exp(s_i − m)`, the loss `lse − s_t`, and the score gradient `exp(s_i − lse) − [i = t]`.
//!
//! Platforms: natively `f32::exp`/`f32::ln` come from the system libm, in WebAssembly from Rust's libm
//! (FreeBSD's `expf`/`logf`); measured over 2.8e8 f32 inputs they differ in the last bit for about 0.7% of
//! them. The staircase does not depend on that (its integrality is structural and its thresholds sit
//! several ulps of the `ln` result away from the deciding midpoint; see `tests/theory_flatnce.rs`), but a
//! float32 training run carries such a difference forward, so the toy's browser and native metrics can
//! differ by ~1e-8 relative after a few hundred steps.

pub use crate::real::Real;

/// The largest entry of `s` over the indices `i` with `keep(i)`; `None` when no index is kept.
fn max_where<F: Real>(s: &[F], keep: impl Fn(usize) -> bool) -> Option<F> {
    let mut m: Option<F> = None;
    for (i, &v) in s.iter().enumerate() {
        if keep(i) && m.is_none_or(|m| v > m) {
            m = Some(v);
        }
    }
    m
}

/// `m + ln Σ_{keep(i)} exp(s_i − m)` with `m` the largest kept score, all in `F`.
///
/// Summation order (derived, and it matters in f32): the terms other than the first maximum are summed
/// first and the maximum's own term, exactly `exp(0) = 1`, is added last, so that `1 + ξ` is rounded once,
/// as a pairwise or tree reduction effectively does. This gives theory §2's zero threshold of about 0.55
/// ulp(s_t) for every K. Adding the 1 first and then each small term in turn would instead round away
/// every term below half an ulp of 1 (2⁻²⁴) one by one, pushing the threshold up to roughly
/// (K − 1)·2⁻²⁴, an artifact of a naive loop rather than of float32.
fn logsumexp_where<F: Real>(s: &[F], keep: impl Fn(usize) -> bool + Copy) -> Option<F> {
    let m = max_where(s, keep)?;
    let first_max = s.iter().enumerate().position(|(i, &v)| keep(i) && v == m);
    let mut sum = F::ZERO;
    for (i, &v) in s.iter().enumerate() {
        if keep(i) && Some(i) != first_max {
            sum += (v - m).exp();
        }
    }
    sum += F::ONE;
    Some(m + sum.ln())
}

/// InfoNCE (cross-entropy) for the scores `s` with positive index `t`: returns the loss
/// `lse − s_t = log(1 + ξ)` and writes the score gradient `exp(s_i − lse) − [i = t]` into `g`.
///
/// `g` must have the length of `s`; `t` must index `s`. With an empty `s` the loss is 0 and `g` untouched.
pub fn infonce<F: Real>(s: &[F], t: usize, g: &mut [F]) -> F {
    let Some(lse) = logsumexp_where(s, |_| true) else {
        return F::ZERO;
    };
    for (i, (gi, &si)) in g.iter_mut().zip(s).enumerate() {
        let p = (si - lse).exp();
        *gi = if i == t { p - F::ONE } else { p };
    }
    s.get(t).map_or(F::ZERO, |&st| lse - st)
}

/// FlatNCE for the scores `s` with positive index `t`: the cross-entropy with `s_t` removed from the
/// log-sum-exp. Returns the loss `lse' − s_t = log ξ` (negative when ξ < 1) and writes the score gradient
/// into `g`: the softmax over the negatives for `i ≠ t` and exactly `−1` for `i = t`.
///
/// This is the gradient of the paper's `ξ / sg(ξ)` as well (theory §1: `∇(ξ/sg(ξ)) = ∇ξ/ξ = ∇ log ξ`).
/// With a single score (no negatives) the loss is 0 and the gradient is `−1` at `t`.
pub fn flatnce<F: Real>(s: &[F], t: usize, g: &mut [F]) -> F {
    let Some(lse) = logsumexp_where(s, |i| i != t) else {
        for gi in g.iter_mut() {
            *gi = -F::ONE;
        }
        return F::ZERO;
    };
    for (i, (gi, &si)) in g.iter_mut().zip(s).enumerate() {
        *gi = if i == t { -F::ONE } else { (si - lse).exp() };
    }
    s.get(t).map_or(F::ZERO, |&st| lse - st)
}

/// `ξ = Σ_{i≠t} exp(s_i − s_t)` in `f64` (the exact-enough reference of the readouts).
pub fn xi(s: &[f64], t: usize) -> f64 {
    let Some(&st) = s.get(t) else {
        return 0.0;
    };
    s.iter().enumerate().filter(|(i, _)| *i != t).map(|(_, &v)| (v - st).exp()).sum()
}

/// The unit in the last place of a float32 value: the gap from `|x|` to the next larger float32.
///
/// Equals `f32::EPSILON · 2^floor(log2 |x|)` for normal numbers (theory §4); computed bit-wise so that it
/// is exact and needs no `log2`. Zero and subnormals give the subnormal spacing; infinities and NaN give NaN.
pub fn ulp_f32(x: f32) -> f32 {
    let a = x.abs();
    if !a.is_finite() {
        return f32::NAN;
    }
    if a == f32::MAX {
        return a - f32::from_bits(a.to_bits() - 1);
    }
    f32::from_bits(a.to_bits() + 1) - a
}

/// The cosine of two vectors in `f64`, clamped to [−1, 1]; 0 when exactly one has zero length and 1 when
/// both do, and 0 if the sums overflow, so that the readout stays finite when a gradient underflows to zero.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    let c = match (aa > 0.0, bb > 0.0) {
        (true, true) => ab / (aa.sqrt() * bb.sqrt()),
        (false, false) => 1.0,
        _ => 0.0,
    };
    if c.is_finite() {
        c.clamp(-1.0, 1.0)
    } else {
        0.0
    }
}
