//! The per-token forward and backward pass of the embedding toy as fixed-width f32 kernels.
//!
//! Each kernel is generic over the row width `D` (4, 8, 16 or 32, the widths the model dispatches on, or 0
//! for any other width, read from `d` at run time). With `D` known at compile time every loop has a constant
//! trip count over stack arrays, so LLVM unrolls it and vectorises the element-wise parts (SSE natively,
//! `simd128` in WebAssembly) without bounds checks. Every sum is accumulated in the same index order as the
//! scalar reference, and LLVM never reassociates floating-point additions, so the result is bit for bit the
//! same at every width and on every target.

use super::catchup::MAX_DIM;

/// Forward and backward of one distinct token of the batch.
///
/// `w` is the frozen head (C×d, row-major, C = d) and `wt` its transpose; `row` the token's embedding row;
/// `cnt` how often each class followed it in the batch and `n` how often it appeared; `inv_b` = 1/B.
/// Writes the logits `z = W·row` to `z` and the row's batch-averaged gradient
/// `g = Wᵀ(n·softmax(z) − cnt)/B` to `g`, and returns `(max z, Σ e^{z − max z})` for the loss.
///
/// Accumulation orders (the reference): `z_c` sums over `j` in index order; the normaliser sums over `c` in
/// index order; `g_j` sums over `c` in index order and is then scaled by `1/B`.
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn token<const D: usize>(
    d: usize,
    w: &[f32],
    wt: &[f32],
    row: &[f32],
    cnt: &[f32],
    n: f32,
    inv_b: f32,
    z: &mut [f32],
    g: &mut [f32],
) -> (f32, f32) {
    let d = if D > 0 { D } else { d.min(MAX_DIM) };
    let (w, wt, row, cnt) = (&w[..d * d], &wt[..d * d], &row[..d], &cnt[..d]);
    let (z, g) = (&mut z[..d], &mut g[..d]);
    // z = W θ, column by column of Wᵀ: z_c += Wᵀ[j][c]·θ_j for j = 0, 1, …
    let mut za = [0.0f32; MAX_DIM];
    let za = &mut za[..d];
    for (j, tj) in row.iter().enumerate() {
        let wtj = &wt[j * d..j * d + d];
        for (zc, wc) in za.iter_mut().zip(wtj) {
            *zc += wc * tj;
        }
    }
    z.copy_from_slice(za);
    let zmax = za.iter().fold(f32::NEG_INFINITY, |a, x| a.max(*x));
    let mut e = [0.0f32; MAX_DIM];
    let e = &mut e[..d];
    for (ec, zc) in e.iter_mut().zip(za.iter()) {
        *ec = (*zc - zmax).exp();
    }
    let mut sum = 0.0f32;
    for ec in e.iter() {
        sum += *ec;
    }
    // r = n·p − cnt: the sum over this token's samples of (p − e_y).
    let mut rr = [0.0f32; MAX_DIM];
    let rr = &mut rr[..d];
    for ((rc, ec), cc) in rr.iter_mut().zip(e.iter()).zip(cnt) {
        *rc = n * (*ec / sum) - cc;
    }
    // g = Wᵀ r / B, row of W by row: g_j += W[c][j]·r_c for c = 0, 1, …
    let mut ga = [0.0f32; MAX_DIM];
    let ga = &mut ga[..d];
    for (c, rc) in rr.iter().enumerate() {
        let wc = &w[c * d..c * d + d];
        for (gj, wj) in ga.iter_mut().zip(wc) {
            *gj += wj * rc;
        }
    }
    for (go, gj) in g.iter_mut().zip(ga.iter()) {
        *go = gj * inv_b;
    }
    (zmax, sum)
}
