//! The FP microscope (theory §3): one row of scores, the two losses in both precisions, and a sweep of ξ.
//!
//! Pure: no drawing, no clock; the jitter of the negatives and the stand-in Jacobian come from seeded
//! streams. The positive is index 0 of every score row.

use crate::panels::flatnce::loss::{cosine, flatnce, infonce, ulp_f32, xi};
use crate::rng;

/// The largest K of the parameter table; the seeded draws are made for this K so that changing K keeps the
/// jitter of the first negatives and the first rows of the Jacobian.
pub const K_MAX: usize = 64;
/// Width of the stand-in Jacobian `J` (K × 16): the "parameter gradient" is `Jᵀ g` (theory §3).
pub const PARAM_DIM: usize = 16;
/// The ξ range of the sweep (theory §3: 1e-12 to 1).
pub const XI_RANGE: (f64, f64) = (1e-12, 1.0);
/// Points of the sweep. Log-spaced, ~50 per decade, so that the first steps of the staircase (at 1, 2, 3 …
/// ulp, factors of 2 and 1.5 apart) are each resolved by a dozen points or more.
pub const SWEEP_POINTS: usize = 600;
/// The position of the positive score in every row.
pub const T: usize = 0;

/// The microscope's inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// Temperature τ: scores are cosines over τ.
    pub tau: f64,
    /// Number of candidates K (one positive, K − 1 negatives).
    pub k: usize,
    /// Cosine of the positive pair.
    pub cos_pos: f64,
    /// Mean gap Δ = cos_pos − mean negative cosine.
    pub gap: f64,
    /// Spread of the negative cosines around their mean.
    pub jitter: f64,
}

/// The fixed seeded draws: the negatives' jitter directions and the Jacobian `J`.
#[derive(Clone, Debug)]
pub struct Draws {
    /// Standard normal ε_i, one per possible negative.
    pub eps: Vec<f64>,
    /// `J` row-major, `K_MAX × PARAM_DIM`, standard normal entries.
    pub jac: Vec<f64>,
}

impl Draws {
    /// The draws for `seed` (stream 0: jitter, stream 1: Jacobian).
    pub fn new(seed: u64) -> Self {
        let mut r0 = rng::stream(seed, 0);
        let mut r1 = rng::stream(seed, 1);
        Draws {
            eps: (0..K_MAX).map(|_| rng::normal(&mut r0)).collect(),
            jac: (0..K_MAX * PARAM_DIM).map(|_| rng::normal(&mut r1)).collect(),
        }
    }

    /// `Jᵀ g` in `f64` for a score gradient of length `g.len() ≤ K_MAX` (the first rows of `J`).
    pub fn param_grad(&self, g: &[f64]) -> [f64; PARAM_DIM] {
        let mut out = [0.0; PARAM_DIM];
        for (i, gi) in g.iter().enumerate().take(K_MAX) {
            for (c, o) in out.iter_mut().enumerate() {
                *o += self.jac[i * PARAM_DIM + c] * gi;
            }
        }
        out
    }
}

/// The score row of `cfg`, rounded to f32 once so that both precisions see identical inputs (theory §3).
///
/// Negative cosines are `cos_pos − Δ + jitter·ε_i`, clamped to [−1, 1]: they are cosines of unit vectors,
/// and a reader who sets Δ = 2 means "negatives opposite to the anchor", not a cosine of −1.05. The clamp
/// only acts at the ends of the Δ range and changes nothing in the mechanism.
pub fn scores(cfg: &Config, draws: &Draws) -> Vec<f32> {
    let k = cfg.k.clamp(1, K_MAX);
    let mut s = Vec::with_capacity(k);
    s.push((cfg.cos_pos / cfg.tau) as f32);
    for i in 1..k {
        let c = (cfg.cos_pos - cfg.gap + cfg.jitter * draws.eps[i - 1]).clamp(-1.0, 1.0);
        s.push((c / cfg.tau) as f32);
    }
    s
}

/// Everything the readouts and metrics show for one score row.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The positive score s_t (an f32 value).
    pub s_t: f32,
    /// Whether s_t is the largest score (the condition of the exact staircase, theory §2).
    pub st_is_max: bool,
    /// ξ = Σ_{i≠t} exp(s_i − s_t), in f64 from the f32 scores.
    pub xi: f64,
    /// ulp(s_t) in f32.
    pub ulp: f64,
    /// InfoNCE loss in f32.
    pub info_loss32: f64,
    /// InfoNCE loss in f64.
    pub info_loss64: f64,
    /// FlatNCE loss (log ξ) in f32.
    pub flat_loss32: f64,
    /// FlatNCE loss in f64.
    pub flat_loss64: f64,
    /// InfoNCE's positive-logit gradient g_t in f32.
    pub gt32: f64,
    /// The exact g_t = −ξ/(1 + ξ).
    pub gt_exact: f64,
    /// |g_t32 − g_t| / |g_t|.
    pub gt_rel_err: f64,
    /// cos(Jᵀ g32, Jᵀ g64) for InfoNCE.
    pub info_cos32v64: f64,
    /// cos(Jᵀ g32, Jᵀ g64) for FlatNCE.
    pub flat_cos32v64: f64,
}

impl Probe {
    /// Whether every value the figure reports is finite.
    pub fn is_finite(&self) -> bool {
        [self.xi, self.info_loss32, self.info_loss64, self.flat_loss32, self.flat_loss64, self.gt_rel_err]
            .iter()
            .all(|v| v.is_finite())
    }
}

impl Probe {
    /// The f32 InfoNCE loss in units of ulp(s_t).
    pub fn loss32_ulps(&self) -> f64 {
        if self.ulp > 0.0 {
            self.info_loss32 / self.ulp
        } else {
            0.0
        }
    }
}

/// The relative error of the f32 positive-logit gradient against the exact `−ξ/(1+ξ)`.
///
/// The exact value is the reference rather than the f64 algorithm's `exp(−loss64) − 1`, which itself loses
/// about `1e-16/ξ` relative accuracy (1e-4 at ξ = 1e-12). When the exact value underflows to 0 (impossible
/// for the parameter ranges, guarded anyway) the error is 0 for a zero f32 gradient and 1 otherwise.
pub fn rel_err(g32: f64, exact: f64) -> f64 {
    if exact != 0.0 {
        ((g32 - exact) / exact).abs()
    } else if g32 == 0.0 {
        0.0
    } else {
        1.0
    }
}

/// Evaluates both losses in both precisions on the f32 score row `s32` (positive at index 0).
pub fn probe(s32: &[f32], draws: &Draws) -> Probe {
    let k = s32.len();
    let s64: Vec<f64> = s32.iter().map(|&v| v as f64).collect();
    let mut g32 = vec![0f32; k];
    let mut g64 = vec![0f64; k];
    let s_t = s32.first().copied().unwrap_or(0.0);
    let st_is_max = s32.iter().all(|&v| v <= s_t);
    let xi = xi(&s64, T);

    let info_loss32 = infonce(s32, T, &mut g32) as f64;
    let info_loss64 = infonce(&s64, T, &mut g64);
    let gt32 = g32.first().map_or(0.0, |&v| v as f64);
    let gt_exact = -xi / (1.0 + xi);
    let info_cos32v64 = param_cos(draws, &g32, &g64);

    let flat_loss32 = flatnce(s32, T, &mut g32) as f64;
    let flat_loss64 = flatnce(&s64, T, &mut g64);
    let flat_cos32v64 = param_cos(draws, &g32, &g64);

    Probe {
        s_t,
        st_is_max,
        xi,
        ulp: ulp_f32(s_t) as f64,
        info_loss32,
        info_loss64,
        flat_loss32,
        flat_loss64,
        gt32,
        gt_exact,
        gt_rel_err: rel_err(gt32, gt_exact),
        info_cos32v64,
        flat_cos32v64,
    }
}

/// cos(Jᵀ g32, Jᵀ g64), computed in f64.
fn param_cos(draws: &Draws, g32: &[f32], g64: &[f64]) -> f64 {
    let w: Vec<f64> = g32.iter().map(|&v| v as f64).collect();
    cosine(&draws.param_grad(&w), &draws.param_grad(g64))
}

/// One point of the ξ sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPoint {
    /// ξ of the f32-rounded scores, in f64.
    pub xi: f64,
    /// InfoNCE loss in f32.
    pub info32: f64,
    /// InfoNCE loss in f64.
    pub info64: f64,
    /// FlatNCE loss in f32.
    pub flat32: f64,
    /// FlatNCE loss in f64.
    pub flat64: f64,
    /// Relative error of InfoNCE's f32 g_t against −ξ/(1+ξ).
    pub info_gt_err: f64,
    /// Relative error of FlatNCE's f32 g_t against its exact value −1 (0 when it is exact).
    pub flat_gt_err: f64,
}

/// The score row that realises `xi` at fixed `s_t` with K candidates: every negative at
/// `s_t + ln(ξ/(K−1))` (theory §3), rounded to f32.
pub fn sweep_row(s_t: f32, k: usize, xi: f64) -> Vec<f32> {
    let k = k.max(2);
    let neg = (s_t as f64 + (xi / (k - 1) as f64).ln()) as f32;
    let mut s = vec![neg; k];
    s[T] = s_t;
    s
}

/// Evaluates both losses in both precisions on the sweep row for `target` ξ.
fn sweep_point(s_t: f32, k: usize, target: f64, g32: &mut [f32], g64: &mut [f64]) -> SweepPoint {
    let s32 = sweep_row(s_t, k, target);
    let s64: Vec<f64> = s32.iter().map(|&v| v as f64).collect();
    let x = xi(&s64, T);
    let info32 = infonce(&s32, T, g32) as f64;
    let info_gt_err = rel_err(g32[T] as f64, -x / (1.0 + x));
    let info64 = infonce(&s64, T, g64);
    let flat32 = flatnce(&s32, T, g32) as f64;
    let flat_gt_err = rel_err(g32[T] as f64, -1.0);
    let flat64 = flatnce(&s64, T, g64);
    SweepPoint { xi: x, info32, info64, flat32, flat64, info_gt_err, flat_gt_err }
}

/// The ξ sweep at fixed `s_t`: `SWEEP_POINTS` log-spaced values of ξ over [`XI_RANGE`].
pub fn sweep(s_t: f32, k: usize) -> Vec<SweepPoint> {
    let k = k.clamp(2, K_MAX);
    let (lo, hi) = (XI_RANGE.0.log10(), XI_RANGE.1.log10());
    let mut g32 = vec![0f32; k];
    let mut g64 = vec![0f64; k];
    (0..SWEEP_POINTS)
        .map(|i| {
            let target = 10f64.powf(lo + (hi - lo) * i as f64 / (SWEEP_POINTS - 1) as f64);
            sweep_point(s_t, k, target, &mut g32, &mut g64)
        })
        .collect()
}

/// Points of the zoomed staircase (linear in ξ/ulp).
pub const ZOOM_POINTS: usize = 400;
/// The zoom's range of ξ in units of ulp(s_t).
pub const ZOOM_ULPS: f64 = 8.0;

/// The staircase under the microscope: ξ from 0 to [`ZOOM_ULPS`]·ulp(s_t), linearly spaced, at fixed s_t.
pub fn zoom(s_t: f32, k: usize) -> Vec<SweepPoint> {
    let k = k.clamp(2, K_MAX);
    let ulp = ulp_f32(s_t) as f64;
    let mut g32 = vec![0f32; k];
    let mut g64 = vec![0f64; k];
    (1..=ZOOM_POINTS)
        .map(|i| sweep_point(s_t, k, ZOOM_ULPS * ulp * i as f64 / ZOOM_POINTS as f64, &mut g32, &mut g64))
        .collect()
}

/// The gap Δ used at step `n` when the sweep animation is on: a triangle wave over [0, 2] that starts at
/// `gap0` and moves by `rate` per step, computed from `n` directly (no accumulated rounding).
pub fn swept_gap(gap0: f64, n: u64, rate: f64) -> f64 {
    let u = (gap0 + rate * n as f64).rem_euclid(4.0);
    if u <= 2.0 {
        u
    } else {
        4.0 - u
    }
}
