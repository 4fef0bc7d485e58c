//! (a) The iterative constructions: Su's soft-k-max and the Stack Exchange weighted softmax (§1a).

use super::{max_of, min_of, softmax};
use crate::real::Real;

/// Su's iterative soft-k-max (§1a): `y ← y − min y`, then k times `p ← p + softmax((1 − p) ⊙ y)`.
pub fn su_iterative<R: Real>(y: &[R], k: usize) -> Vec<R> {
    let lo = min_of(y);
    let y0: Vec<R> = y.iter().map(|&v| v - lo).collect();
    let mut p = vec![R::ZERO; y.len()];
    for _ in 0..k {
        let z: Vec<R> = y0.iter().zip(&p).map(|(&v, &pi)| (R::ONE - pi) * v).collect();
        for (pi, s) in p.iter_mut().zip(softmax(&z)) {
            *pi += s;
        }
    }
    p
}

/// The Stack Exchange weighted softmax (§1a, flawed): k times `p ← p + w ⊙ e / Σ w ⊙ e` with `w = 1 − p`
/// and `e = exp(y − max y)`.
pub fn se_weighted<R: Real>(y: &[R], k: usize) -> Vec<R> {
    se_weighted_traced(y, k).0
}

/// [`se_weighted`], also telling whether some weight `1 − p_i` rounded to exactly 0 along the way. In exact
/// arithmetic that never happens (after the first round p is a softmax, strictly below 1, and later rounds
/// land on 1 only on a measure-zero set), so it marks the underflow artefact of §4: at low τ the weight of
/// the maximum, `1 − p_max ≈ e^{−g/τ}`, is lost and the result looks like the hard Top-k although the exact
/// answer is 1.5 / 0.5 (k = 2).
pub fn se_weighted_traced<R: Real>(y: &[R], k: usize) -> (Vec<R>, bool) {
    let m = max_of(y);
    let e: Vec<R> = y.iter().map(|&v| (v - m).exp()).collect();
    let mut p = vec![R::ZERO; y.len()];
    let mut lost = false;
    for round in 0..k {
        let w: Vec<R> = p.iter().map(|&pi| R::ONE - pi).collect();
        if round > 0 && w.contains(&R::ZERO) {
            lost = true;
        }
        let t: Vec<R> = e.iter().zip(&w).map(|(&ei, &wi)| wi * ei).collect();
        let mut s = R::ZERO;
        for &v in &t {
            s += v;
        }
        for (pi, ti) in p.iter_mut().zip(t) {
            *pi += ti / s;
        }
    }
    (p, lost)
}
