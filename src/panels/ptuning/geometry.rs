//! Pure analytic overlays of the P-tuning toy: the best accuracy any prompt can reach (the reachable cone)
//! and the loss landscape over the prompt plane (theory §2, "Analytic overlays" and "Loss heat-map").

use super::model::{naturalness, softplus, word, Net, Task, N_SKILLS, N_VOCAB};

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The supremum of the exact test accuracy over all prompts, for the target `u`.
///
/// Derivation [DERIVED]: the directions of `v(c) = G Σ_s π_s(c) w_s` are those of the convex combinations of
/// the skills with all weights positive (every π in the open simplex is reachable, theory §2), i.e. the
/// relative interior of the cone `K = cone{w_1, w_2, w_3}`. The supremum of `1 − angle(v, u)/180°` over
/// it equals the maximum over the closed cone. If some `v ∈ K` has `u·v > 0`, the smallest angle is the one
/// to the Euclidean projection of `u` onto `K` (non-negative least squares with three columns, solved here by
/// trying every support set). Otherwise the angle to `u` is at least 90° everywhere, `v ↦ u·v/‖v‖` is
/// quasi-convex on `K`, and its maximum sits on an extreme ray `w_s`.
/// In D = 2 this reduces to the theory's `1 − dist(φ*, [0°, 120°])/180°`, which the tests check.
pub fn cone_max_acc(net: &Net, u: &[f64]) -> f64 {
    let cols: Vec<&[f64]> = (0..N_SKILLS).map(|s| net.skill(s)).collect();
    let mut best: Option<(f64, Vec<f64>)> = None;
    for set in 1u32..(1 << N_SKILLS) {
        let idx: Vec<usize> = (0..N_SKILLS).filter(|s| set & (1 << s) != 0).collect();
        let Some(coef) = least_squares(&cols, &idx, u) else { continue };
        if coef.iter().any(|a| *a < 0.0) {
            continue;
        }
        let mut p = vec![0.0; u.len()];
        for (a, &s) in coef.iter().zip(&idx) {
            for (pi, wi) in p.iter_mut().zip(cols[s]) {
                *pi += a * wi;
            }
        }
        let resid: f64 = u.iter().zip(&p).map(|(a, b)| (a - b) * (a - b)).sum();
        if best.as_ref().is_none_or(|(r, _)| resid < *r) {
            best = Some((resid, p));
        }
    }
    match best {
        Some((_, p)) if dot(&p, u) > 1e-12 => super::model::exact_accuracy(&p, u),
        _ => cols.iter().map(|w| super::model::exact_accuracy(w, u)).fold(0.0, f64::max),
    }
}

/// Least squares of `u` on the columns `idx`, or `None` when their Gram matrix is (numerically) singular.
fn least_squares(cols: &[&[f64]], idx: &[usize], u: &[f64]) -> Option<Vec<f64>> {
    let k = idx.len();
    let gram = nalgebra::DMatrix::from_fn(k, k, |i, j| dot(cols[idx[i]], cols[idx[j]]));
    let rhs = nalgebra::DVector::from_fn(k, |i, _| dot(cols[idx[i]], u));
    if gram.determinant().abs() < 1e-10 {
        return None;
    }
    gram.lu().solve(&rhs).map(|v| v.iter().copied().collect())
}

/// The training objective of the frozen model over a square grid of prompt vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    /// Cells per side.
    pub n: usize,
    /// The grid covers `[−range, range]²`.
    pub range: f64,
    /// Objective at cell centres, row-major with x fastest (`values[j·n + i]`).
    pub values: Vec<f64>,
}

impl Landscape {
    /// The centre of cell `(i, j)`.
    pub fn centre(&self, i: usize, j: usize) -> [f64; 2] {
        let h = 2.0 * self.range / self.n as f64;
        [-self.range + (i as f64 + 0.5) * h, -self.range + (j as f64 + 0.5) * h]
    }

    /// The smallest and largest finite values.
    pub fn bounds(&self) -> (f64, f64) {
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let lo = finite.clone().fold(f64::INFINITY, f64::min);
        let hi = finite.fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    }
}

/// Mean BCE of the pre-trained network plus the naturalness penalty, on an `n × n` grid over
/// `[−range, range]²`. The model is frozen, so this depends only on the data, G, β and λ_nat and is computed
/// once per build. Cost: `n²·N·(S + 2)` operations after precomputing `a_s(x_n)`.
pub fn landscape(net: &Net, task: &Task, lambda: f64, n: usize, range: f64) -> Landscape {
    let a: Vec<[f64; N_SKILLS]> = (0..task.len())
        .map(|i| {
            let x = task.input(i);
            std::array::from_fn(|s| net.gain * dot(net.skill(s), x))
        })
        .collect();
    let words: Vec<[f64; 2]> = (0..N_VOCAB).map(word).collect();
    let m = task.len().max(1) as f64;
    let mut out = Landscape { n, range, values: Vec::with_capacity(n * n) };
    for j in 0..n {
        for i in 0..n {
            let c = out.centre(i, j);
            let pi = net.gate(c);
            let mut loss = 0.0;
            for (ai, y) in a.iter().zip(&task.y) {
                let z = pi[0] * ai[0] + pi[1] * ai[1] + pi[2] * ai[2];
                loss += softplus(z) - y * z;
            }
            let reg = if lambda > 0.0 { naturalness(lambda, c, &words).0 } else { 0.0 };
            out.values.push(loss / m + reg);
        }
    }
    out
}
