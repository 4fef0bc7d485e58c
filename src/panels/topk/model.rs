//! The pure model of the smooth Top-k lab (theory `shared/theory/topk.md` §3): the scores, the temperature
//! and its annealing, and everything derived from them (the selected construction's output and Jacobian,
//! all constructions side by side, the annealing curves).
//!
//! The state is only the scores `x` and the current temperature τ; every output is a pure function of it,
//! computed in the chosen precision by [`super::methods`]. Random scores come from `rng::stream(seed, 1)`.
//! This module imports neither plotters nor the crate's plot module.

use super::methods::{self, Method, Soft};
use crate::real::Real;
use crate::rng;

/// The `rng` stream of the random scores.
pub const STREAM_SCORES: u64 = 1;
/// Scores are kept in `[-X_MAX, X_MAX]` (the range of the `x` parameter's entries).
pub const X_MAX: f64 = 50.0;
/// Annealing stops at this fraction of the starting temperature (but never below [`TAU_MIN`]).
pub const FLOOR_FRACTION: f64 = 1e-4;
/// The lowest temperature: the `tau` parameter's minimum and the lowest floor of annealing, so that every τ a run
/// anneals to is a value the slider, the link and the command line can carry (a paused run commits the τ it shows).
pub const TAU_MIN: f64 = 1e-6;
/// The post's recursion counts as broken down once it differs from the stable DP by more than this
/// (the theory's criterion, §4 "Recursion vs DP").
pub const RECURSION_FAIL: f64 = 1e-3;

/// Whether a deviation of the post's recursion from the stable DP counts as a breakdown (NaN included).
pub fn recursion_failed(dev: f64) -> bool {
    dev.is_nan() || dev > RECURSION_FAIL
}

/// The arithmetic every construction runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// IEEE double precision.
    F64,
    /// IEEE single precision: every operation rounds to `f32`.
    F32,
}

impl Precision {
    /// The parameter-table name.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
        }
    }

    /// The precision with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Precision> {
        match s {
            "f64" => Some(Precision::F64),
            "f32" => Some(Precision::F32),
            _ => None,
        }
    }

    /// Machine epsilon.
    pub fn eps(self) -> f64 {
        match self {
            Precision::F64 => f64::EPSILON,
            Precision::F32 => f32::EPSILON as f64,
        }
    }

    /// The slack allowed before a value counts as outside [0, 1] or out of order: 256 ulps of 1, far
    /// below anything visible and far above the rounding of the well-defined constructions (whose outputs
    /// are exp/log of O(1) quantities, a few ulps off at most).
    pub fn tol(self) -> f64 {
        256.0 * self.eps()
    }
}

/// The scores divided by τ, in precision `R` (both rounded to `R` first, then divided in `R`).
pub fn tempered<R: Real>(x: &[f64], tau: f64) -> Vec<R> {
    let t = R::of(tau);
    x.iter().map(|&v| R::of(v) / t).collect()
}

/// The output of one construction, widened to `f64`.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The soft Top-k vector.
    pub p: Vec<f64>,
    /// The threshold λ in units of `y = x/τ`, for threshold methods (`p_i = f(x_i/τ − λ)`).
    pub lambda: Option<f64>,
}

fn widen<R: Real>(s: Soft<R>) -> Output {
    Output { p: s.p.into_iter().map(R::f64).collect(), lambda: s.lambda.map(R::f64) }
}

fn analyse_in<R: Real>(method: Method, x: &[f64], tau: f64, k: usize, iters: usize, jac: bool) -> (Output, Vec<f64>) {
    let y: Vec<R> = tempered(x, tau);
    let soft = methods::evaluate(method, &y, k, iters);
    let j = if jac {
        // ∂p/∂x = (∂p/∂y)/τ.
        methods::jacobian(method, &y, k, iters, &soft).into_iter().map(|v| v.f64() / tau).collect()
    } else {
        Vec::new()
    };
    (widen(soft), j)
}

/// The output of `method` on scores `x` at temperature τ (requires `1 ≤ k < n`).
pub fn evaluate(method: Method, precision: Precision, x: &[f64], tau: f64, k: usize, iters: usize) -> Output {
    analyse(method, precision, x, tau, k, iters, false).0
}

/// The output and, if `jac`, the row-major Jacobian `∂p_i/∂x_j` (in the same precision, widened).
pub fn analyse(
    method: Method,
    precision: Precision,
    x: &[f64],
    tau: f64,
    k: usize,
    iters: usize,
    jac: bool,
) -> (Output, Vec<f64>) {
    match precision {
        Precision::F64 => analyse_in::<f64>(method, x, tau, k, iters, jac),
        Precision::F32 => analyse_in::<f32>(method, x, tau, k, iters, jac),
    }
}

/// Softmax of `x/τ` (max-subtracted) in `precision`.
pub fn softmax(precision: Precision, x: &[f64], tau: f64) -> Vec<f64> {
    match precision {
        Precision::F64 => methods::softmax(&tempered::<f64>(x, tau)).into_iter().collect(),
        Precision::F32 => methods::softmax(&tempered::<f32>(x, tau)).into_iter().map(f64::from).collect(),
    }
}

/// Whether SE's weighted softmax lost a weight `1 − p_i` to rounding (its underflow artefact, §4).
pub fn se_underflow(precision: Precision, x: &[f64], tau: f64, k: usize) -> bool {
    match precision {
        Precision::F64 => methods::se_weighted_traced(&tempered::<f64>(x, tau), k).1,
        Precision::F32 => methods::se_weighted_traced(&tempered::<f32>(x, tau), k).1,
    }
}

/// Naive `e^{x_i/τ} / Σ e^{x_j/τ}` in `f32` (overflows once `x/τ` exceeds about 88.7).
pub fn naive_softmax_f32(x: &[f64], tau: f64) -> Vec<f64> {
    methods::naive_softmax(&tempered::<f32>(x, tau)).into_iter().map(f64::from).collect()
}

/// The hard Top-k multi-hot vector (ties broken by index).
pub fn hard_topk(x: &[f64], k: usize) -> Vec<f64> {
    let mut h = vec![0.0; x.len()];
    for &i in methods::order_desc(x).iter().take(k) {
        h[i] = 1.0;
    }
    h
}

/// Whether `p` preserves the order of `x` (`x_i > x_j ⇒ p_i ≥ p_j`, ties in `x` give equal `p`), up to `tol`.
/// NaN anywhere is not monotone.
pub fn monotone(x: &[f64], p: &[f64], tol: f64) -> bool {
    if p.iter().any(|v| v.is_nan()) || p.len() != x.len() {
        return false;
    }
    let order = methods::order_desc(x);
    order.windows(2).all(|w| {
        let (a, b) = (w[0], w[1]);
        if x[a] == x[b] {
            (p[a] - p[b]).abs() <= tol
        } else {
            p[a] >= p[b] - tol
        }
    })
}

/// The summary the figure and the metrics report for one output.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// Σp (NaN if any entry is NaN).
    pub sum: f64,
    /// The largest entry (NaN if any entry is NaN).
    pub max: f64,
    /// The smallest entry (NaN if any entry is NaN).
    pub min: f64,
    /// The largest |p_i − hard_i|.
    pub max_dev_hard: f64,
    /// Every entry in [0, 1] (within the precision's tolerance).
    pub in_range: bool,
    /// Order preserved (within the tolerance).
    pub monotone: bool,
    /// Every entry finite.
    pub finite: bool,
}

impl Check {
    /// Checks `p` against the scores `x` and `k` with tolerance `tol`.
    pub fn of(x: &[f64], p: &[f64], k: usize, tol: f64) -> Check {
        let finite = p.iter().all(|v| v.is_finite());
        let nan_or = |v: f64| if finite { v } else { f64::NAN };
        let hard = hard_topk(x, k);
        let dev = p.iter().zip(&hard).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        Check {
            sum: nan_or(p.iter().sum()),
            max: nan_or(p.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v))),
            min: nan_or(p.iter().fold(f64::INFINITY, |m, &v| m.min(v))),
            max_dev_hard: nan_or(dev),
            in_range: finite && p.iter().all(|&v| (-tol..=1.0 + tol).contains(&v)),
            monotone: monotone(x, p, tol),
            finite,
        }
    }

    /// Whether anything is wrong: NaN, a value outside [0, 1] or the order broken.
    pub fn bad(&self) -> bool {
        !(self.finite && self.in_range && self.monotone)
    }
}

/// The largest |a_i − b_i|, NaN if either has a NaN.
pub fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    let mut m = 0.0f64;
    for (x, y) in a.iter().zip(b) {
        let d = (x - y).abs();
        if d.is_nan() {
            return f64::NAN;
        }
        m = m.max(d);
    }
    m
}

/// One row of the comparison strip.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The label shown at the row's start.
    pub label: &'static str,
    /// The method, or `None` for the k = 1 extras (softmax, naive f32).
    pub method: Option<Method>,
    /// The output.
    pub p: Vec<f64>,
    /// Its summary.
    pub check: Check,
}

/// Every construction at the same scores and temperature, plus softmax and naive f32 softmax when k = 1.
pub fn comparison(precision: Precision, x: &[f64], tau: f64, k: usize, iters: usize) -> Vec<Row> {
    let tol = precision.tol();
    let mut rows: Vec<Row> = Method::ALL
        .into_iter()
        .map(|m| {
            let p = evaluate(m, precision, x, tau, k, iters).p;
            Row { label: m.short(), method: Some(m), check: Check::of(x, &p, k, tol), p }
        })
        .collect();
    if k == 1 {
        let p = softmax(precision, x, tau);
        rows.push(Row { label: "softmax", method: None, check: Check::of(x, &p, k, tol), p });
        let p = naive_softmax_f32(x, tau);
        rows.push(Row { label: "naive f32", method: None, check: Check::of(x, &p, k, Precision::F32.tol()), p });
    }
    rows
}

/// `p_i` against log₁₀ τ on a grid, for the annealing plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Curves {
    /// The grid of log₁₀ τ, increasing.
    pub log10_tau: Vec<f64>,
    /// The output at each grid point.
    pub p: Vec<Vec<f64>>,
    /// Whether the output at each grid point is broken (NaN, outside [0, 1], out of order; for the post's
    /// recursion more than [`RECURSION_FAIL`] away from the stable DP; for SE a weight lost to underflow).
    pub bad: Vec<bool>,
}

/// The annealing curves of `method` over `log10_tau ∈ [lo, hi]` with `samples` points.
#[allow(clippy::too_many_arguments)]
pub fn curves(
    method: Method,
    precision: Precision,
    x: &[f64],
    k: usize,
    iters: usize,
    lo: f64,
    hi: f64,
    samples: usize,
) -> Curves {
    let samples = samples.max(2);
    let mut c = Curves { log10_tau: Vec::new(), p: Vec::new(), bad: Vec::new() };
    for s in 0..samples {
        let lt = lo + (hi - lo) * s as f64 / (samples - 1) as f64;
        let tau = 10f64.powf(lt);
        let p = evaluate(method, precision, x, tau, k, iters).p;
        let mut bad = Check::of(x, &p, k, precision.tol()).bad();
        if method == Method::GradTopkRecursion && !bad {
            let dp = evaluate(Method::GradTopk, precision, x, tau, k, iters).p;
            bad = recursion_failed(max_abs_diff(&p, &dp));
        }
        if method == Method::SeWeighted && !bad {
            bad = se_underflow(precision, x, tau, k);
        }
        c.log10_tau.push(lt);
        c.p.push(p);
        c.bad.push(bad);
    }
    c
}

/// The lab's settings (the parameter table, already validated).
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The selected construction.
    pub method: Method,
    /// The arithmetic.
    pub precision: Precision,
    /// Requested k (clamped to `1..n−1`).
    pub k: usize,
    /// Starting temperature.
    pub tau: f64,
    /// Factor applied to τ per step (1 = none).
    pub anneal: f64,
    /// Bisection steps of the sigmoid threshold.
    pub iterations: usize,
    /// Explicit scores; fewer than two entries means "draw random scores".
    pub x: Vec<f64>,
    /// Number of random scores.
    pub n: usize,
    /// Standard deviation of the random scores.
    pub spread: f64,
}

/// The random scores for `n`, `spread` and `seed`: `spread · N(0, 1)`, rounded to four significant digits
/// of the spread (so that the list stays short in a link once dragging makes it explicit) and clamped to
/// `±X_MAX`.
pub fn random_scores(n: usize, spread: f64, seed: u64) -> Vec<f64> {
    let mut r = rng::stream(seed, STREAM_SCORES);
    let e = spread.abs().max(1e-3).log10().floor() as i32 - 4;
    (0..n).map(|_| round_decimal(spread * rng::normal(&mut r), e).clamp(-X_MAX, X_MAX)).collect()
}

/// `v` rounded to a multiple of `10^e`, computed so that the result is the double nearest to the decimal
/// (dividing by an exact power of ten rather than multiplying by an inexact one), so it prints short.
pub fn round_decimal(v: f64, e: i32) -> f64 {
    if e < 0 {
        let s = 10f64.powi(-e);
        (v * s).round() / s
    } else {
        let s = 10f64.powi(e);
        (v / s).round() * s
    }
}

/// The lab: scores, k and the annealed temperature.
#[derive(Clone, Debug, PartialEq)]
pub struct Lab {
    /// The settings.
    pub cfg: Config,
    /// The scores in use (explicit, or drawn from the seed). Fixed once the lab is made: [`Lab::is_finite`]
    /// reads their finiteness as [`Lab::new`] found it.
    pub x: Vec<f64>,
    /// Whether `x` came from the `x` parameter.
    pub explicit: bool,
    /// k in use, `1 ≤ k ≤ n − 1`.
    pub k: usize,
    /// The current temperature.
    pub tau: f64,
    /// The temperature at which annealing stops (`FLOOR_FRACTION` of the start, at least [`TAU_MIN`]).
    pub floor: f64,
    /// Steps taken.
    pub steps: u64,
    /// Whether every score in `x` is finite (checked once by [`Lab::new`]: the scores never change).
    x_finite: bool,
}

impl Lab {
    /// A lab at step 0.
    pub fn new(cfg: Config, seed: u64) -> Lab {
        let explicit = cfg.x.len() >= 2;
        let x: Vec<f64> = if explicit {
            cfg.x.iter().map(|v| v.clamp(-X_MAX, X_MAX)).collect()
        } else {
            random_scores(cfg.n.max(2), cfg.spread, seed)
        };
        let k = cfg.k.clamp(1, x.len() - 1);
        let tau = cfg.tau;
        let x_finite = x.iter().all(|v| v.is_finite());
        Lab { floor: (tau * FLOOR_FRACTION).max(TAU_MIN), tau, x, explicit, k, cfg, steps: 0, x_finite }
    }

    /// One annealing step: τ ← max(τ · anneal, floor).
    pub fn step(&mut self) {
        self.steps += 1;
        self.tau = (self.tau * self.cfg.anneal).max(self.floor);
    }

    /// Whether annealing has reached its floor.
    pub fn annealing_done(&self) -> bool {
        self.cfg.anneal < 1.0 && self.tau <= self.floor
    }

    /// The state is finite (τ is floored and the scores clamped, so this holds for every valid setting).
    ///
    /// It runs at every step, so the scores, which a step never changes, were checked once by [`Lab::new`]
    /// (checking them here cost a pass over `n` scores per step).
    pub fn is_finite(&self) -> bool {
        self.tau.is_finite() && self.tau > 0.0 && self.x_finite
    }

    /// The log₁₀ τ range of the annealing plot: from the floor (or 0.01, whichever is lower) to 10.
    pub fn tau_range(&self) -> (f64, f64) {
        (self.floor.log10().min(-2.0), 1.0)
    }

    /// The selected construction's annealing curves.
    pub fn curves(&self, samples: usize) -> Curves {
        let (lo, hi) = self.tau_range();
        curves(self.cfg.method, self.cfg.precision, &self.x, self.k, self.cfg.iterations, lo, hi, samples)
    }

    /// Everything the figure and the metrics show at the current temperature.
    pub fn snapshot(&self) -> Snapshot {
        let c = &self.cfg;
        let (out, jac) = analyse(c.method, c.precision, &self.x, self.tau, self.k, c.iterations, true);
        let check = Check::of(&self.x, &out.p, self.k, c.precision.tol());
        let rows = comparison(c.precision, &self.x, self.tau, self.k, c.iterations);
        let row_p = |m: Method| rows.iter().find(|r| r.method == Some(m)).map(|r| r.p.clone()).unwrap_or_default();
        let recursion_dev = max_abs_diff(&row_p(Method::GradTopkRecursion), &row_p(Method::GradTopk));
        let softmax = (self.k == 1).then(|| softmax(c.precision, &self.x, self.tau));
        let se_artefact = se_underflow(c.precision, &self.x, self.tau, self.k);
        Snapshot {
            hard: hard_topk(&self.x, self.k),
            out,
            check,
            jac,
            rows,
            recursion_dev,
            softmax,
            se_artefact,
            tau: self.tau,
        }
    }
}

/// The derived state at one temperature.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The temperature it was computed at.
    pub tau: f64,
    /// The selected construction's output.
    pub out: Output,
    /// Its summary.
    pub check: Check,
    /// The hard Top-k.
    pub hard: Vec<f64>,
    /// Row-major `∂p_i/∂x_j`.
    pub jac: Vec<f64>,
    /// All constructions side by side.
    pub rows: Vec<Row>,
    /// max |recursion − DP| (NaN when the recursion gives NaN).
    pub recursion_dev: f64,
    /// Softmax of x/τ when k = 1.
    pub softmax: Option<Vec<f64>>,
    /// Whether SE lost a weight to underflow at this τ (its output is then an artefact).
    pub se_artefact: bool,
}

impl Snapshot {
    /// Whether the selected construction has broken down numerically or (for the post's recursion)
    /// disagrees with the stable DP beyond [`RECURSION_FAIL`].
    pub fn breakdown(&self, method: Method) -> bool {
        !self.check.finite || (method == Method::GradTopkRecursion && recursion_failed(self.recursion_dev))
    }
}
