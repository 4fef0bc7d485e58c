//! The per-token forward and backward pass of the embedding toy as fixed-width f32 kernels.
//!
//! Each kernel is generic over the row width `D` (4, 8, 16 or 32, the widths the model dispatches on, or 0
//! for any other width, read from `d` at run time). With `D` known at compile time every loop has a constant
//! trip count over stack arrays, so LLVM unrolls it and vectorises the element-wise parts (SSE natively,
//! `simd128` in WebAssembly) without bounds checks. Every sum is accumulated in a fixed order written out
//! here, and LLVM never reassociates floating-point additions, so the result is bit for bit the same at every
//! width and on every target.

use super::catchup::MAX_DIM;

/// `e^x` for `x ≤ 0` in f32, within 2 ulp of the exact value (tested over the whole range), and exactly 0 below
/// −87 (where `e^x` is under 1.7·10⁻³⁸, next to nothing beside the softmax's largest term, which is 1).
///
/// Why not `f32::exp`: it is a call into the platform's libm, which does not vectorise and whose last bits
/// differ between the native C library and the WebAssembly build; this function is plain IEEE arithmetic, so
/// it gives the same bits everywhere and vectorises with the loop around it. The method is the classic one
/// (Cody–Waite): `x = n ln 2 + r` with `n` the nearest integer to `x/ln 2` (rounded with the 1.5·2²³ trick,
/// which needs no rounding instruction) and `ln 2` split in two parts so that `r` is exact; `e^r` for
/// `|r| ≤ ln 2 / 2` from the degree-6 minimax polynomial of the Cephes library; the factor `2ⁿ` built from
/// its exponent bits (`n ≥ −126` here, so it is a normal number).
#[inline(always)]
pub fn exp_nonpos(x: f32) -> f32 {
    let xc = x.max(EXP_FLOOR);
    let n = (xc * LOG2E + ROUND) - ROUND;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    let p = EXP_P[0];
    let p = p * r + EXP_P[1];
    let p = p * r + EXP_P[2];
    let p = p * r + EXP_P[3];
    let p = p * r + EXP_P[4];
    let p = p * r + EXP_P[5];
    let y = p * (r * r) + r + 1.0;
    // n as an integer without a float-to-int conversion: adding 1.5·2²³ left n in the low mantissa bits.
    let ni = (xc * LOG2E + ROUND).to_bits().wrapping_sub(ROUND.to_bits());
    let scale = f32::from_bits(ni.wrapping_add(127) << 23);
    if x < EXP_FLOOR {
        0.0
    } else {
        y * scale
    }
}

/// The constants of [`exp_nonpos`] (shared with its eight-lane copy natively, so that both use the same values).
const LOG2E: f32 = std::f32::consts::LOG2_E;
/// `ln 2` in two parts: 0.693359375, exact in few bits, and the rest.
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// 1.5·2²³: adding and subtracting it rounds to the nearest integer.
const ROUND: f32 = 12_582_912.0;
/// Below this `e^x` is taken as 0.
const EXP_FLOOR: f32 = -87.0;
/// The degree-6 minimax polynomial of the Cephes library, highest degree first (its last coefficient,
/// 5.0000001201e-1, rounds to 0.5 in f32).
const EXP_P: [f32; 6] = [1.987_569_1e-4, 1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 0.5];

/// Lanes of the reductions below: four f32 partial results, one SIMD register on every target.
const LANES: usize = 4;

/// The largest entry of `x` (any order gives the same maximum when no entry is NaN; a NaN logit is caught by
/// the caller's finiteness check). Reduced in four lanes, then across them.
#[inline(always)]
fn lane_max(x: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a = if *v > *a { *v } else { *a };
        }
    }
    let mut m = acc.iter().fold(f32::NEG_INFINITY, |a, v| if *v > a { *v } else { a });
    for v in chunks.remainder() {
        m = if *v > m { *v } else { m };
    }
    m
}

/// `Σ x` in a fixed order: entry j is added to lane j mod 4 (in index order), then the lanes are combined as
/// `(l₀ + l₁) + (l₂ + l₃)`, then any remainder beyond a multiple of four is added in index order.
#[inline(always)]
pub fn lane_sum(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let mut chunks = x.chunks_exact(LANES);
    for c in &mut chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += *v;
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for v in chunks.remainder() {
        s += *v;
    }
    s
}

/// Forward and backward of one distinct token of the batch.
///
/// `w` is the frozen head (C×d, row-major, C = d) and `wt` its transpose; `row` the token's embedding row;
/// `cnt` how often each class followed it in the batch and `n` how often it appeared; `inv_b` = 1/B.
/// Writes the logits `z = W·row` to `z` and the row's batch-averaged gradient
/// `g = Wᵀ(n·softmax(z) − cnt)/B` to `g`, and returns `(max z, Σ e^{z − max z})` for the loss.
///
/// Accumulation orders (fixed, the same on every target): `z_c` sums over `j` in index order; the normaliser
/// is [`lane_sum`] of the exponentials; `g_j` sums over `c` in index order and is then scaled by `1/B`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
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
    let zmax = lane_max(za);
    let mut e = [0.0f32; MAX_DIM];
    let e = &mut e[..d];
    for (ec, zc) in e.iter_mut().zip(za.iter()) {
        *ec = exp_nonpos(*zc - zmax);
    }
    let sum = lane_sum(e);
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

/// [`token`] for two distinct tokens at once: the same arithmetic in the same order for each (so the results
/// are bit for bit those of two calls), with the two tokens' loops interleaved. Each token's work is a chain
/// of dependent additions (the logits, then the normaliser, then the gradient); two independent chains side
/// by side keep the floating-point units busy while one of them waits for its previous addition.
///
/// `rows`, `cnts`, `ns` hold the two tokens' rows, class counts and appearance counts; `z` and `g` receive
/// the two tokens' logits and gradients one after the other (2·d entries each). Returns each token's
/// `(max z, Σ e^{z − max z})`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn token_pair<const D: usize>(
    d: usize,
    w: &[f32],
    wt: &[f32],
    rows: [&[f32]; 2],
    cnts: [&[f32]; 2],
    ns: [f32; 2],
    inv_b: f32,
    z: &mut [f32],
    g: &mut [f32],
) -> [(f32, f32); 2] {
    let d = if D > 0 { D } else { d.min(MAX_DIM) };
    let (w, wt) = (&w[..d * d], &wt[..d * d]);
    let (r0, r1) = (&rows[0][..d], &rows[1][..d]);
    let (z, g) = (&mut z[..2 * d], &mut g[..2 * d]);
    let mut za0 = [0.0f32; MAX_DIM];
    let mut za1 = [0.0f32; MAX_DIM];
    let (za0, za1) = (&mut za0[..d], &mut za1[..d]);
    for j in 0..d {
        let wtj = &wt[j * d..j * d + d];
        let (t0, t1) = (r0[j], r1[j]);
        for ((z0, z1), wc) in za0.iter_mut().zip(za1.iter_mut()).zip(wtj) {
            *z0 += wc * t0;
            *z1 += wc * t1;
        }
    }
    z[..d].copy_from_slice(za0);
    z[d..].copy_from_slice(za1);
    let zmax = [lane_max(za0), lane_max(za1)];
    let mut e0 = [0.0f32; MAX_DIM];
    let mut e1 = [0.0f32; MAX_DIM];
    let (e0, e1) = (&mut e0[..d], &mut e1[..d]);
    for ((a, b), (x, y)) in e0.iter_mut().zip(e1.iter_mut()).zip(za0.iter().zip(za1.iter())) {
        *a = exp_nonpos(*x - zmax[0]);
        *b = exp_nonpos(*y - zmax[1]);
    }
    let sum = [lane_sum(e0), lane_sum(e1)];
    let mut rr0 = [0.0f32; MAX_DIM];
    let mut rr1 = [0.0f32; MAX_DIM];
    let (rr0, rr1) = (&mut rr0[..d], &mut rr1[..d]);
    let (c0, c1) = (&cnts[0][..d], &cnts[1][..d]);
    for c in 0..d {
        rr0[c] = ns[0] * (e0[c] / sum[0]) - c0[c];
        rr1[c] = ns[1] * (e1[c] / sum[1]) - c1[c];
    }
    let mut ga0 = [0.0f32; MAX_DIM];
    let mut ga1 = [0.0f32; MAX_DIM];
    let (ga0, ga1) = (&mut ga0[..d], &mut ga1[..d]);
    for c in 0..d {
        let wc = &w[c * d..c * d + d];
        let (q0, q1) = (rr0[c], rr1[c]);
        for ((g0, g1), wj) in ga0.iter_mut().zip(ga1.iter_mut()).zip(wc) {
            *g0 += wj * q0;
            *g1 += wj * q1;
        }
    }
    for (go, gj) in g[..d].iter_mut().zip(ga0.iter()) {
        *go = gj * inv_b;
    }
    for (go, gj) in g[d..].iter_mut().zip(ga1.iter()) {
        *go = gj * inv_b;
    }
    [(zmax[0], sum[0]), (zmax[1], sum[1])]
}

/// The settings of the SIMD row updates (`x86::sign_step16`, `wasm::sign_step`): Tiger or Lion, their momentum
/// factors, the learning rate and the weight decay ([`super::model::Config::sign_step`]
/// reads them from a configuration).
#[derive(Clone, Copy, Debug)]
pub struct SignStep {
    /// Lion (two momentum factors) rather than Tiger (one).
    pub lion: bool,
    /// Tiger's β, or Lion's β₁.
    pub b1: f32,
    /// Lion's β₂ (unused by Tiger).
    pub b2: f32,
    /// The learning rate, or α of the per-row RMS rule.
    pub lr: f32,
    /// The per-row RMS rule `η = α·RMS(row)`, taken from the row before the update.
    pub rms: bool,
    /// Weight decay λ.
    pub wd: f32,
}

/// The forward and backward pass of four tokens at once for rows of width 16, written with AVX2 intrinsics
/// (natively on x86-64 only).
///
/// [`token_pair`] leaves the vectorisation to LLVM, and its two tokens' chains of additions keep the
/// floating-point adders only partly busy. Here each of the four tokens' logits and gradients lives in two
/// eight-lane registers, and every row of `W` or `Wᵀ` is loaded once for the four. Every operation is the one
/// [`token`] performs, on the same operands in the same order: `z_c += Wᵀ[j][c]·θ_j` for `j = 0, 1, …`, the
/// maximum in four lanes then across them, [`exp_nonpos`] lane by lane, [`lane_sum`]'s four lanes and its
/// pairing, `r = n·(e/Σ) − cnt`, `g_j += W[c][j]·r_c` for `c = 0, 1, …`, then `·1/B`. There is no fused
/// multiply-add (a separate target feature, not enabled). So the results are bit for bit those of four calls
/// of [`token`] (tested, including non-finite inputs).
#[cfg(target_arch = "x86_64")]
pub mod x86 {
    use super::{SignStep, EXP_FLOOR, EXP_P, LN2_HI, LN2_LO, LOG2E, ROUND};
    use std::arch::x86_64::*;

    /// Tokens per call.
    pub const QUAD: usize = 4;

    /// [`super::exp_nonpos`] on eight lanes.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn exp8(x: __m256) -> __m256 {
        // `maxps` returns its second operand when the first is NaN, as `f32::max` returns the number.
        let xc = _mm256_max_ps(x, _mm256_set1_ps(EXP_FLOOR));
        let t = _mm256_add_ps(_mm256_mul_ps(xc, _mm256_set1_ps(LOG2E)), _mm256_set1_ps(ROUND));
        let n = _mm256_sub_ps(t, _mm256_set1_ps(ROUND));
        let r = _mm256_sub_ps(
            _mm256_sub_ps(xc, _mm256_mul_ps(n, _mm256_set1_ps(LN2_HI))),
            _mm256_mul_ps(n, _mm256_set1_ps(LN2_LO)),
        );
        let mut p = _mm256_set1_ps(EXP_P[0]);
        for c in &EXP_P[1..] {
            p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(*c));
        }
        let y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0));
        let ni = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(ROUND.to_bits() as i32));
        let scale = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(ni, _mm256_set1_epi32(127))));
        let below = _mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(EXP_FLOOR));
        _mm256_blendv_ps(_mm256_mul_ps(y, scale), _mm256_setzero_ps(), below)
    }

    /// The four-lane chunks of sixteen values held in two eight-lane registers, in index order.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn chunks(lo: __m256, hi: __m256) -> [__m128; 4] {
        [
            _mm256_castps256_ps128(lo),
            _mm256_extractf128_ps::<1>(lo),
            _mm256_castps256_ps128(hi),
            _mm256_extractf128_ps::<1>(hi),
        ]
    }

    /// [`super::lane_sum`] of sixteen values held in two eight-lane registers: its four lanes from 0 (the
    /// four-lane chunks added in index order), then `(l₀ + l₁) + (l₂ + l₃)`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn lane_sum16(lo: __m256, hi: __m256) -> f32 {
        let mut acc = _mm_setzero_ps();
        for c in chunks(lo, hi) {
            acc = _mm_add_ps(acc, c);
        }
        let mut lanes = [0.0f32; 4];
        // SAFETY: `lanes` holds the four floats stored.
        unsafe { _mm_storeu_ps(lanes.as_mut_ptr(), acc) };
        (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    }

    /// [`super::token`] at width 16 for four distinct tokens: `rows`, `cnts`, `ns` as in
    /// [`super::token_pair`], `z` and `g` receive the four tokens' logits and gradients one after the other
    /// (64 entries each). Returns each token's `(max z, Σ e^{z − max z})`.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx2")]
    #[inline]
    pub unsafe fn token_quad16(
        w: &[f32],
        wt: &[f32],
        rows: [&[f32]; QUAD],
        cnts: [&[f32]; QUAD],
        ns: [f32; QUAD],
        inv_b: f32,
        z: &mut [f32],
        g: &mut [f32],
    ) -> [(f32, f32); QUAD] {
        const D: usize = 16;
        let (w, wt) = (&w[..D * D], &wt[..D * D]);
        // Written out rather than with `array::map`, which was left as a call per use (about 1 % of the step).
        let rows = [&rows[0][..D], &rows[1][..D], &rows[2][..D], &rows[3][..D]];
        let cnts = [&cnts[0][..D], &cnts[1][..D], &cnts[2][..D], &cnts[3][..D]];
        let (z, g) = (&mut z[..QUAD * D], &mut g[..QUAD * D]);
        // SAFETY (all loads and stores below): every pointer is into a slice checked above to hold the 8 or 16
        // floats read or written from it; unaligned loads and stores are used throughout.
        // z = W θ: z_c += Wᵀ[j][c]·θ_j for j = 0, 1, …
        let mut zl = [_mm256_setzero_ps(); QUAD];
        let mut zh = [_mm256_setzero_ps(); QUAD];
        for j in 0..D {
            let wl = unsafe { _mm256_loadu_ps(wt.as_ptr().add(j * D)) };
            let wh = unsafe { _mm256_loadu_ps(wt.as_ptr().add(j * D + 8)) };
            for ((l, h), row) in zl.iter_mut().zip(zh.iter_mut()).zip(rows) {
                let x = _mm256_set1_ps(row[j]);
                *l = _mm256_add_ps(*l, _mm256_mul_ps(wl, x));
                *h = _mm256_add_ps(*h, _mm256_mul_ps(wh, x));
            }
        }
        let mut out = [(0.0f32, 0.0f32); QUAD];
        let mut rr = [[0.0f32; D]; QUAD];
        for t in 0..QUAD {
            unsafe {
                _mm256_storeu_ps(z.as_mut_ptr().add(t * D), zl[t]);
                _mm256_storeu_ps(z.as_mut_ptr().add(t * D + 8), zh[t]);
            }
            // The largest logit: `lane_max`'s four lanes (`maxps(v, a)` is `if v > a { v } else { a }`), then
            // across them in order.
            let mut acc = _mm_set1_ps(f32::NEG_INFINITY);
            for c in chunks(zl[t], zh[t]) {
                acc = _mm_max_ps(c, acc);
            }
            let mut lanes = [0.0f32; 4];
            unsafe { _mm_storeu_ps(lanes.as_mut_ptr(), acc) };
            let mut zmax = f32::NEG_INFINITY;
            for v in lanes {
                zmax = if v > zmax { v } else { zmax };
            }
            let m = _mm256_set1_ps(zmax);
            let (el, eh) = (exp8(_mm256_sub_ps(zl[t], m)), exp8(_mm256_sub_ps(zh[t], m)));
            // The normaliser.
            let sum = lane_sum16(el, eh);
            // r = n·(e/Σ) − cnt.
            let (n, s) = (_mm256_set1_ps(ns[t]), _mm256_set1_ps(sum));
            let (cl, ch) = unsafe { (_mm256_loadu_ps(cnts[t].as_ptr()), _mm256_loadu_ps(cnts[t].as_ptr().add(8))) };
            let rl = _mm256_sub_ps(_mm256_mul_ps(n, _mm256_div_ps(el, s)), cl);
            let rh = _mm256_sub_ps(_mm256_mul_ps(n, _mm256_div_ps(eh, s)), ch);
            unsafe {
                _mm256_storeu_ps(rr[t].as_mut_ptr(), rl);
                _mm256_storeu_ps(rr[t].as_mut_ptr().add(8), rh);
            }
            out[t] = (zmax, sum);
        }
        // g = Wᵀ r / B: g_j += W[c][j]·r_c for c = 0, 1, …
        let mut gl = [_mm256_setzero_ps(); QUAD];
        let mut gh = [_mm256_setzero_ps(); QUAD];
        for c in 0..D {
            let wl = unsafe { _mm256_loadu_ps(w.as_ptr().add(c * D)) };
            let wh = unsafe { _mm256_loadu_ps(w.as_ptr().add(c * D + 8)) };
            for ((l, h), r) in gl.iter_mut().zip(gh.iter_mut()).zip(&rr) {
                let q = _mm256_set1_ps(r[c]);
                *l = _mm256_add_ps(*l, _mm256_mul_ps(wl, q));
                *h = _mm256_add_ps(*h, _mm256_mul_ps(wh, q));
            }
        }
        let ib = _mm256_set1_ps(inv_b);
        for (t, (l, h)) in gl.into_iter().zip(gh).enumerate() {
            unsafe {
                _mm256_storeu_ps(g.as_mut_ptr().add(t * D), _mm256_mul_ps(l, ib));
                _mm256_storeu_ps(g.as_mut_ptr().add(t * D + 8), _mm256_mul_ps(h, ib));
            }
        }
        out
    }

    /// One Tiger or Lion step of a row of width 16 without flush-to-zero, with AVX2 intrinsics: what the model's
    /// row update does in scalar code, on the same operands in the same order, so bit for bit the same values
    /// (tested). The learning rate under the RMS rule is `lr·√(lane_sum(θ²)/16)` (the lanes and pairing of
    /// [`super::lane_sum`]); Tiger: `m ← β·m + (1 − β)·g`, then `θ ← θ − η·(sign m + λ·θ)`; Lion:
    /// `c = β₁·m + (1 − β₁)·g`, `θ ← θ − η·(sign c + λ·θ)`, `m ← β₂·m + (1 − β₂)·g`. `sign` is 0 at ±0 and NaN.
    ///
    /// The model's scalar loops over its rows compiled to many partial loads and stores of stack copies of the
    /// rows; here each row is two registers, loaded once and stored once. Returns the largest `|x|` bit pattern
    /// of the new θ and m (a row is non-finite exactly when it reaches the bits of infinity).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    #[inline]
    pub unsafe fn sign_step16(theta: &mut [f32], m: &mut [f32], g: &[f32], p: SignStep) -> u32 {
        const D: usize = 16;
        let (theta, m, g) = (&mut theta[..D], &mut m[..D], &g[..D]);
        // SAFETY (all loads and stores below): each slice was checked above to hold 16 floats; unaligned loads
        // and stores are used throughout.
        let (tl, th) = unsafe { (_mm256_loadu_ps(theta.as_ptr()), _mm256_loadu_ps(theta.as_ptr().add(8))) };
        let (ml, mh) = unsafe { (_mm256_loadu_ps(m.as_ptr()), _mm256_loadu_ps(m.as_ptr().add(8))) };
        let (gl, gh) = unsafe { (_mm256_loadu_ps(g.as_ptr()), _mm256_loadu_ps(g.as_ptr().add(8))) };
        let eta = if p.rms {
            // `lane_sum` of the squares, then /16, √, ·α.
            p.lr * (lane_sum16(_mm256_mul_ps(tl, tl), _mm256_mul_ps(th, th)) / D as f32).sqrt()
        } else {
            p.lr
        };
        let zero = _mm256_setzero_ps();
        let one = _mm256_set1_ps(1.0);
        // `(x > 0) − (x < 0)` as a float: +1, −1, or +0 (at ±0 and NaN).
        let sign = |x: __m256| {
            let pos = _mm256_and_ps(_mm256_cmp_ps::<_CMP_GT_OQ>(x, zero), one);
            let neg = _mm256_and_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(x, zero), one);
            _mm256_sub_ps(pos, neg)
        };
        let (b1, omb1) = (_mm256_set1_ps(p.b1), _mm256_set1_ps(1.0 - p.b1));
        let (eta, wd) = (_mm256_set1_ps(eta), _mm256_set1_ps(p.wd));
        let mom = |m: __m256, g: __m256| _mm256_add_ps(_mm256_mul_ps(b1, m), _mm256_mul_ps(omb1, g));
        let upd = |t: __m256, s: __m256| _mm256_sub_ps(t, _mm256_mul_ps(eta, _mm256_add_ps(s, _mm256_mul_ps(wd, t))));
        let (tl, th, ml, mh) = if p.lion {
            let (b2, omb2) = (_mm256_set1_ps(p.b2), _mm256_set1_ps(1.0 - p.b2));
            let mom2 = |m: __m256, g: __m256| _mm256_add_ps(_mm256_mul_ps(b2, m), _mm256_mul_ps(omb2, g));
            (upd(tl, sign(mom(ml, gl))), upd(th, sign(mom(mh, gh))), mom2(ml, gl), mom2(mh, gh))
        } else {
            let (ml, mh) = (mom(ml, gl), mom(mh, gh));
            (upd(tl, sign(ml)), upd(th, sign(mh)), ml, mh)
        };
        unsafe {
            _mm256_storeu_ps(theta.as_mut_ptr(), tl);
            _mm256_storeu_ps(theta.as_mut_ptr().add(8), th);
            _mm256_storeu_ps(m.as_mut_ptr(), ml);
            _mm256_storeu_ps(m.as_mut_ptr().add(8), mh);
        }
        // The largest `|x|` bit pattern: the sign bit cleared, then the unsigned maximum (order-free).
        let abs = _mm256_set1_epi32(0x7fff_ffff);
        let bits = |x: __m256| _mm256_and_si256(_mm256_castps_si256(x), abs);
        let w = _mm256_max_epu32(_mm256_max_epu32(bits(tl), bits(th)), _mm256_max_epu32(bits(ml), bits(mh)));
        let mut lanes = [0u32; 8];
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), w) };
        lanes.into_iter().max().unwrap_or(0)
    }
}

/// WebAssembly's versions of the step's hottest loops at the row widths 8, 16 (the default) and 32, written with
/// its 128-bit SIMD instructions (`simd128`).
///
/// The WebAssembly build leaves LLVM's loop vectoriser off (`.cargo/config.toml`: it copied every vectorised
/// loop with a scalar remainder and run-time checks, 16 KB of the gzipped module), so the loops the step spends
/// its time in are written out here, as `x86` does natively with AVX2. A row of width `4·P` is `P` four-lane
/// registers. Every operation is the one the scalar code performs, on the same operands in the same order, and
/// there is no fused multiply-add, so the results are bit for bit the scalar code's (tested in the browser,
/// including non-finite inputs).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod wasm {
    use super::{SignStep, EXP_FLOOR, EXP_P, LN2_HI, LN2_LO, LOG2E, ROUND};
    use core::arch::wasm32::*;

    /// Tokens per call of [`token_pair`]: two tokens' logits or gradients and a row of the head stay within
    /// the sixteen vector registers of a typical CPU at the default width 16.
    pub const PAIR: usize = 2;

    /// The four-lane registers of a row of width `d`, if this module has kernels for that width (8, 16, 32).
    pub fn parts(d: usize) -> Option<usize> {
        matches!(d, 8 | 16 | 32).then_some(d / 4)
    }

    /// Loads the four floats at `s[i..i + 4]`.
    #[inline(always)]
    fn load(s: &[f32], i: usize) -> v128 {
        let s = &s[i..i + 4];
        // SAFETY: `s` holds the four floats read; WebAssembly's loads need no alignment.
        unsafe { v128_load(s.as_ptr().cast()) }
    }

    /// Stores `v` to `s[i..i + 4]`.
    #[inline(always)]
    fn store(s: &mut [f32], i: usize, v: v128) {
        let s = &mut s[i..i + 4];
        // SAFETY: `s` holds the four floats written; WebAssembly's stores need no alignment.
        unsafe { v128_store(s.as_mut_ptr().cast(), v) }
    }

    /// The `P` registers of a row of width `4·P` starting at `s[i]`.
    #[inline(always)]
    fn load_row<const P: usize>(s: &[f32], i: usize) -> [v128; P] {
        let mut r = [f32x4_splat(0.0); P];
        for (q, v) in r.iter_mut().enumerate() {
            *v = load(s, i + 4 * q);
        }
        r
    }

    /// The four lanes of `v`, in order.
    #[inline(always)]
    fn lanes(v: v128) -> [f32; 4] {
        [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)]
    }

    /// [`super::lane_sum`] of a row in `P` registers: its four lanes from 0 (the registers added in index
    /// order, as the chunks of four are), then `(l₀ + l₁) + (l₂ + l₃)`.
    #[inline(always)]
    fn lane_sum<const P: usize>(x: [v128; P]) -> f32 {
        let mut acc = f32x4_splat(0.0);
        for v in x {
            acc = f32x4_add(acc, v);
        }
        let l = lanes(acc);
        (l[0] + l[1]) + (l[2] + l[3])
    }

    /// [`super::exp_nonpos`] on four lanes.
    #[inline(always)]
    fn exp4(x: v128) -> v128 {
        // `pmax(a, b)` is `if a < b { b } else { a }`: with `a` the floor, a NaN gives the floor, as `f32::max`
        // returns the number.
        let xc = f32x4_pmax(f32x4_splat(EXP_FLOOR), x);
        let t = f32x4_add(f32x4_mul(xc, f32x4_splat(LOG2E)), f32x4_splat(ROUND));
        let n = f32x4_sub(t, f32x4_splat(ROUND));
        let r = f32x4_sub(f32x4_sub(xc, f32x4_mul(n, f32x4_splat(LN2_HI))), f32x4_mul(n, f32x4_splat(LN2_LO)));
        let mut p = f32x4_splat(EXP_P[0]);
        for c in &EXP_P[1..] {
            p = f32x4_add(f32x4_mul(p, r), f32x4_splat(*c));
        }
        let y = f32x4_add(f32x4_add(f32x4_mul(p, f32x4_mul(r, r)), r), f32x4_splat(1.0));
        let ni = i32x4_sub(t, i32x4_splat(ROUND.to_bits() as i32));
        let scale = i32x4_shl(i32x4_add(ni, i32x4_splat(127)), 23);
        let below = f32x4_lt(x, f32x4_splat(EXP_FLOOR));
        v128_bitselect(f32x4_splat(0.0), f32x4_mul(y, scale), below)
    }

    /// `acc + w·x` register by register.
    #[inline(always)]
    fn madd<const P: usize>(mut acc: [v128; P], w: [v128; P], x: v128) -> [v128; P] {
        for (a, wv) in acc.iter_mut().zip(w) {
            *a = f32x4_add(*a, f32x4_mul(wv, x));
        }
        acc
    }

    /// One token's logits `za` to its output: stores the logits at `z[..4·P]`, and returns `r = n·(e/Σ) − cnt`
    /// with `e = exp(z − max z)`, and `(max z, Σ e)`.
    #[inline(always)]
    fn softmax_residual<const P: usize>(za: [v128; P], n: f32, cnt: &[f32], z: &mut [f32]) -> ([v128; P], (f32, f32)) {
        // The largest logit: `lane_max`'s four lanes (`pmax(a, v)` is `if a < v { v } else { a }`, that is
        // `if v > a { v } else { a }`), the registers taken in index order, then across the lanes in order.
        let mut acc = f32x4_splat(f32::NEG_INFINITY);
        for (q, v) in za.into_iter().enumerate() {
            store(z, 4 * q, v);
            acc = f32x4_pmax(acc, v);
        }
        let mut zmax = f32::NEG_INFINITY;
        for v in lanes(acc) {
            zmax = if v > zmax { v } else { zmax };
        }
        let m = f32x4_splat(zmax);
        let mut e = za;
        for v in e.iter_mut() {
            *v = exp4(f32x4_sub(*v, m));
        }
        let sum = lane_sum(e);
        let (n, s) = (f32x4_splat(n), f32x4_splat(sum));
        for (q, v) in e.iter_mut().enumerate() {
            *v = f32x4_sub(f32x4_mul(n, f32x4_div(*v, s)), load(cnt, 4 * q));
        }
        (e, (zmax, sum))
    }

    /// [`super::token`] at width `4·P` for two distinct tokens: `rows`, `cnts`, `ns` as in
    /// [`super::token_pair`], `z` and `g` receive the two tokens' logits and gradients one after the other
    /// (`2·4·P` entries each). Returns each token's `(max z, Σ e^{z − max z})`.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    pub fn token_pair<const P: usize>(
        w: &[f32],
        wt: &[f32],
        rows: [&[f32]; PAIR],
        cnts: [&[f32]; PAIR],
        ns: [f32; PAIR],
        inv_b: f32,
        z: &mut [f32],
        g: &mut [f32],
    ) -> [(f32, f32); PAIR] {
        let d = 4 * P;
        let (w, wt) = (&w[..d * d], &wt[..d * d]);
        let (r0, r1) = (&rows[0][..d], &rows[1][..d]);
        let (z, g) = (&mut z[..PAIR * d], &mut g[..PAIR * d]);
        // z = W θ: z_c += Wᵀ[j][c]·θ_j for j = 0, 1, …
        let zero = f32x4_splat(0.0);
        let (mut z0, mut z1) = ([zero; P], [zero; P]);
        for j in 0..d {
            let wj = load_row::<P>(wt, j * d);
            z0 = madd(z0, wj, f32x4_splat(r0[j]));
            z1 = madd(z1, wj, f32x4_splat(r1[j]));
        }
        let (z_0, z_1) = z.split_at_mut(d);
        let (q0, out0) = softmax_residual(z0, ns[0], cnts[0], z_0);
        let (q1, out1) = softmax_residual(z1, ns[1], cnts[1], z_1);
        let (mut rr0, mut rr1) = ([0.0f32; super::MAX_DIM], [0.0f32; super::MAX_DIM]);
        for q in 0..P {
            store(&mut rr0, 4 * q, q0[q]);
            store(&mut rr1, 4 * q, q1[q]);
        }
        // g = Wᵀ r / B: g_j += W[c][j]·r_c for c = 0, 1, …
        let (mut g0, mut g1) = ([zero; P], [zero; P]);
        for c in 0..d {
            let wc = load_row::<P>(w, c * d);
            g0 = madd(g0, wc, f32x4_splat(rr0[c]));
            g1 = madd(g1, wc, f32x4_splat(rr1[c]));
        }
        let ib = f32x4_splat(inv_b);
        for q in 0..P {
            store(g, 4 * q, f32x4_mul(g0[q], ib));
            store(g, d + 4 * q, f32x4_mul(g1[q], ib));
        }
        [out0, out1]
    }

    /// One Tiger or Lion step of a row of width `4·P` without flush-to-zero: what the model's row update does
    /// in scalar code, on the same operands in the same order (see `x86::sign_step16`, natively, for the
    /// formulas). Returns the largest `|x|` bit pattern of the new θ and m (a row is non-finite exactly when it
    /// reaches the bits of infinity).
    #[inline(never)]
    pub fn sign_step<const P: usize>(theta: &mut [f32], m: &mut [f32], g: &[f32], p: SignStep) -> u32 {
        let SignStep { lion, b1, b2, lr, rms, wd } = p;
        let d = 4 * P;
        let (theta, m, g) = (&mut theta[..d], &mut m[..d], &g[..d]);
        let (t, mo, gv) = (load_row::<P>(theta, 0), load_row::<P>(m, 0), load_row::<P>(g, 0));
        let eta = if rms {
            // `lane_sum` of the squares, then /d, √, ·α.
            let mut sq = t;
            for v in sq.iter_mut() {
                *v = f32x4_mul(*v, *v);
            }
            lr * (lane_sum(sq) / d as f32).sqrt()
        } else {
            lr
        };
        let one = f32x4_splat(1.0);
        let zero = f32x4_splat(0.0);
        // `(x > 0) − (x < 0)` as a float: +1, −1, or +0 (at ±0 and NaN).
        let sign = |x: v128| f32x4_sub(v128_and(f32x4_gt(x, zero), one), v128_and(f32x4_lt(x, zero), one));
        let (vb1, omb1) = (f32x4_splat(b1), f32x4_splat(1.0 - b1));
        let (veta, vwd) = (f32x4_splat(eta), f32x4_splat(wd));
        let mom = |m: v128, g: v128| f32x4_add(f32x4_mul(vb1, m), f32x4_mul(omb1, g));
        let upd = |t: v128, s: v128| f32x4_sub(t, f32x4_mul(veta, f32x4_add(s, f32x4_mul(vwd, t))));
        let (vb2, omb2) = (f32x4_splat(b2), f32x4_splat(1.0 - b2));
        let abs = i32x4_splat(0x7fff_ffff);
        let mut worst = u32x4_splat(0);
        for q in 0..P {
            let (tn, mn) = if lion {
                let mn = f32x4_add(f32x4_mul(vb2, mo[q]), f32x4_mul(omb2, gv[q]));
                (upd(t[q], sign(mom(mo[q], gv[q]))), mn)
            } else {
                let mn = mom(mo[q], gv[q]);
                (upd(t[q], sign(mn)), mn)
            };
            store(theta, 4 * q, tn);
            store(m, 4 * q, mn);
            worst = u32x4_max(worst, u32x4_max(v128_and(tn, abs), v128_and(mn, abs)));
        }
        let w = [
            u32x4_extract_lane::<0>(worst),
            u32x4_extract_lane::<1>(worst),
            u32x4_extract_lane::<2>(worst),
            u32x4_extract_lane::<3>(worst),
        ];
        w[0].max(w[1]).max(w[2].max(w[3]))
    }

    /// The largest `|x|` bit pattern of `x` (the sign bit cleared, then the unsigned maximum, in any order): `x`
    /// is all finite exactly when it is below the bits of infinity.
    #[inline(never)]
    pub fn max_abs_bits(x: &[f32]) -> u32 {
        let abs = i32x4_splat(0x7fff_ffff);
        let mut acc = u32x4_splat(0);
        let mut chunks = x.chunks_exact(4);
        for c in &mut chunks {
            acc = u32x4_max(acc, v128_and(load(c, 0), abs));
        }
        let mut worst = u32x4_extract_lane::<0>(acc)
            .max(u32x4_extract_lane::<1>(acc))
            .max(u32x4_extract_lane::<2>(acc).max(u32x4_extract_lane::<3>(acc)));
        for v in chunks.remainder() {
            worst = worst.max(v.to_bits() & 0x7fff_ffff);
        }
        worst
    }
}
