//! Small maths shared by several topics: eigenvalues and spectral radius of real 2×2 matrices, and the one
//! index sort ([`argsort`]) every model orders its scores with.
//!
//! Pure: no plotting, no randomness, no clock.

use nalgebra::Matrix2;

/// The eigenvalues of a real 2×2 matrix in closed form, as `(re, im)` pairs.
///
/// A complex pair is returned as `(re, +|im|)` then `(re, −|im|)`; real eigenvalues in decreasing order.
pub fn eig2(m: &Matrix2<f64>) -> [(f64, f64); 2] {
    let tr = m[(0, 0)] + m[(1, 1)];
    // disc = (tr/2)² − det, written as ((m00 − m11)/2)² + m01 m10 to avoid cancellation.
    let half_diff = 0.5 * (m[(0, 0)] - m[(1, 1)]);
    let disc = half_diff * half_diff + m[(0, 1)] * m[(1, 0)];
    let c = 0.5 * tr;
    if disc >= 0.0 {
        let s = disc.sqrt();
        [(c + s, 0.0), (c - s, 0.0)]
    } else {
        let s = (-disc).sqrt();
        [(c, s), (c, -s)]
    }
}

/// The spectral radius of a real 2×2 matrix.
pub fn spectral_radius(m: &Matrix2<f64>) -> f64 {
    let [(r1, i1), (r2, i2)] = eig2(m);
    r1.hypot(i1).max(r2.hypot(i2))
}

/// The indices `0..key.len()` ordered by `key` in IEEE total order (increasing, or decreasing when
/// `descending`), equal keys in index order.
///
/// A stable sort of the identity permutation, so ties keep index order whatever the keys. Every model that
/// orders indices by a score calls this one function, so the sort is compiled once: each distinct comparator
/// instantiates its own copy of the standard library's sort, several kilobytes of wasm (the stable sort is the
/// smaller one: the unstable sort's sorting network for `usize` alone is 14 KB at the models' opt-level 3).
pub fn argsort(key: &[f64], descending: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..key.len()).collect();
    idx.sort_by(|&a, &b| {
        let by_key = key[a].total_cmp(&key[b]);
        if descending {
            by_key.reverse()
        } else {
            by_key
        }
    });
    idx
}
