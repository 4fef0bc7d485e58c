//! The seven smooth Top-k constructions of the theory note (`shared/theory/topk.md` §1–§2), written once
//! for any [`Real`] so that the `f32` path really computes in `f32`.
//!
//! Every function takes the tempered scores `y = x/τ` and `k`, and returns the soft multi-hot vector `p`
//! (plus the threshold λ in `y` units where the construction has one). Nothing here allocates more than a
//! few vectors of length `n` or an `n × k` table, and nothing panics for any finite input with
//! `1 ≤ k < n`; callers guarantee that range.

use crate::real::Real;

mod gradtopk;
mod iterative;
mod threshold;

pub use gradtopk::{gradtopk_dp, gradtopk_dp_log, gradtopk_jacobian, gradtopk_recursion};
pub use iterative::{se_weighted, se_weighted_traced, su_iterative};
pub use threshold::{
    smooth_f, thre_exp, thre_sigmoid, thre_smooth, threshold_gradient, threshold_jacobian, threshold_slopes,
};

/// The construction used for the main output, with the parameter-table names of issue 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// ThreTopK with `f = min(1, eˣ)` (exp-min), analytic threshold.
    Exp,
    /// ThreTopK with the sigmoid, threshold by bisection.
    Sigmoid,
    /// ThreTopK with the C¹ "best of both" `f`, analytic threshold (with the theory's fixes).
    Smooth,
    /// GradTopK `Z_{k,i}/Z_k`, by the stable prefix/suffix DP (sums of positive terms only).
    GradTopk,
    /// GradTopK by the post's recursion `Z_{k,i} = e^{x_i}(Z_{k−1} − Z_{k−1,i})` (unstable, for comparison).
    GradTopkRecursion,
    /// Su's 2019 iterative construction (can exceed 1).
    SuIterative,
    /// The Stack Exchange weighted-softmax iteration (wrong τ → 0 limit, for comparison).
    SeWeighted,
}

impl Method {
    /// All methods in the order of the parameter table and of the comparison strip.
    pub const ALL: [Method; 7] = [
        Method::Exp,
        Method::Sigmoid,
        Method::Smooth,
        Method::GradTopk,
        Method::GradTopkRecursion,
        Method::SuIterative,
        Method::SeWeighted,
    ];

    /// The parameter-table name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Exp => "exp",
            Method::Sigmoid => "sigmoid",
            Method::Smooth => "smooth",
            Method::GradTopk => "gradtopk",
            Method::GradTopkRecursion => "gradtopk-recursion",
            Method::SuIterative => "su-iterative",
            Method::SeWeighted => "se-weighted",
        }
    }

    /// A short label for the comparison strip.
    pub fn short(self) -> &'static str {
        match self {
            Method::Exp => "exp-min",
            Method::Sigmoid => "sigmoid",
            Method::Smooth => "smooth f",
            Method::GradTopk => "GradTopK",
            Method::GradTopkRecursion => "recursion",
            Method::SuIterative => "Su iter.",
            Method::SeWeighted => "SE weighted",
        }
    }

    /// A human description for the headline.
    pub fn label(self) -> &'static str {
        match self {
            Method::Exp => "ThreTopK, f = min(1, eˣ)",
            Method::Sigmoid => "ThreTopK, f = σ (bisection)",
            Method::Smooth => "ThreTopK, smooth f",
            Method::GradTopk => "GradTopK (stable DP)",
            Method::GradTopkRecursion => "GradTopK (post's recursion)",
            Method::SuIterative => "Su's iterative soft-k-max",
            Method::SeWeighted => "SE weighted softmax",
        }
    }

    /// The method with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == s)
    }

    /// Whether the construction is `p = f(y − λ)` with a threshold λ.
    pub fn has_threshold(self) -> bool {
        matches!(self, Method::Exp | Method::Sigmoid | Method::Smooth)
    }

    /// Whether the theory proves the construction maps into Δ_k with order preserved (exactly, in exact
    /// arithmetic). The others are shown for comparison: Su-iterative and SE can leave [0, 1], and the
    /// post's recursion is the right formula evaluated by an unstable route.
    pub fn well_defined(self) -> bool {
        matches!(self, Method::Exp | Method::Sigmoid | Method::Smooth | Method::GradTopk)
    }

    /// Whether the theory documents a numerical breakdown (NaN) of this construction: the recursion takes
    /// the logarithm of a difference that cancels, and SE divides 0 by 0 once every weight has underflowed.
    pub fn may_break_down(self) -> bool {
        matches!(self, Method::GradTopkRecursion | Method::SeWeighted)
    }
}

/// A soft Top-k vector and, for threshold methods, λ in `y` units.
#[derive(Clone, Debug, PartialEq)]
pub struct Soft<R> {
    /// The output `p`.
    pub p: Vec<R>,
    /// The threshold λ (`p_i = f(y_i − λ)`), if the method has one.
    pub lambda: Option<R>,
}

// ---------------------------------------------------------------------------------------------------------
// Small numerical helpers
// ---------------------------------------------------------------------------------------------------------

/// The largest entry (−∞ for an empty slice).
pub fn max_of<R: Real>(v: &[R]) -> R {
    v.iter().fold(-R::INF, |m, &x| m.max(x))
}

/// The smallest entry (+∞ for an empty slice).
pub fn min_of<R: Real>(v: &[R]) -> R {
    v.iter().fold(R::INF, |m, &x| m.min(x))
}

/// `ln(eᵃ + eᵇ)` without overflow; −∞ is the neutral element.
#[inline]
pub fn logaddexp<R: Real>(a: R, b: R) -> R {
    if a == -R::INF {
        return b;
    }
    if b == -R::INF {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    let d = lo - hi;
    // Below ln(ε/4) the correction ln(1 + eᵈ) < ε/4 is a relative change of the sum under a quarter ulp:
    // skipping the two transcendental calls changes nothing visible (most pairs at low τ take this path).
    if d < R::of(R::EPS.f64().ln() - 1.4) {
        return hi;
    }
    hi + d.exp().ln_1p()
}

/// `ln Σ e^{v_i}` with the maximum factored out; −∞ for an empty slice or all −∞.
pub fn logsumexp<R: Real>(v: &[R]) -> R {
    let m = max_of(v);
    if !m.is_finite() {
        return m;
    }
    let mut s = R::ZERO;
    for &x in v {
        s += (x - m).exp();
    }
    m + s.ln()
}

/// The numerically safe logistic function.
#[inline]
pub fn sigmoid<R: Real>(t: R) -> R {
    if t >= R::ZERO {
        R::ONE / (R::ONE + (-t).exp())
    } else {
        let e = t.exp();
        e / (R::ONE + e)
    }
}

/// Softmax with the maximum subtracted first (never overflows).
pub fn softmax<R: Real>(y: &[R]) -> Vec<R> {
    let m = max_of(y);
    let e: Vec<R> = y.iter().map(|&v| (v - m).exp()).collect();
    let mut s = R::ZERO;
    for &v in &e {
        s += v;
    }
    e.into_iter().map(|v| v / s).collect()
}

/// Softmax the naive way, `e^{y_i} / Σ e^{y_j}`: overflows to ∞/∞ = NaN once some `y_i` exceeds the
/// exponent range (about 88.7 in `f32`, 709.8 in `f64`), and gives 0/0 when every term underflows.
pub fn naive_softmax<R: Real>(y: &[R]) -> Vec<R> {
    let e: Vec<R> = y.iter().map(|&v| v.exp()).collect();
    let mut s = R::ZERO;
    for &v in &e {
        s += v;
    }
    e.into_iter().map(|v| v / s).collect()
}

/// Indices sorted by decreasing score; ties keep index order, so the hard Top-k is well defined.
pub fn order_desc<R: Real>(y: &[R]) -> Vec<usize> {
    // Widening to f64 keeps every comparison as it was; the sort is the crate's one `argsort` for both precisions
    // (a NaN, which finite scores never give, sorts by IEEE total order instead of tying with everything).
    let y: Vec<f64> = y.iter().map(|v| v.f64()).collect();
    order_desc_f64(&y)
}

/// [`order_desc`] on `f64` scores.
fn order_desc_f64(y: &[f64]) -> Vec<usize> {
    // Adding 0 turns −0 into +0, so the two zeros tie (and keep index order) as they did under `partial_cmp`.
    let y: Vec<f64> = y.iter().map(|v| v + 0.0).collect();
    crate::math::argsort(&y, true)
}

/// Evaluates `method` on tempered scores `y` (requires `1 ≤ k < n`).
pub fn evaluate<R: Real>(method: Method, y: &[R], k: usize, iters: usize) -> Soft<R> {
    match method {
        Method::Exp => thre_exp(y, k),
        Method::Sigmoid => thre_sigmoid(y, k, iters),
        Method::Smooth => thre_smooth(y, k),
        Method::GradTopk => Soft { p: gradtopk_dp(y, k), lambda: None },
        Method::GradTopkRecursion => Soft { p: gradtopk_recursion(y, k), lambda: None },
        Method::SuIterative => Soft { p: su_iterative(y, k), lambda: None },
        Method::SeWeighted => Soft { p: se_weighted(y, k), lambda: None },
    }
}

// ---------------------------------------------------------------------------------------------------------
// Jacobians ∂p/∂y
// ---------------------------------------------------------------------------------------------------------

/// Row-major forward-difference Jacobian of `method` (for the constructions without a closed form), with
/// steps `h_j = √ε · max(1, |y_j|)` in the working precision: n + 1 evaluations, error O(√ε) ≈ 1e-8 in f64
/// (3e-4 in f32), far below what the heat map resolves, at half the cost of central differences.
pub fn fd_jacobian<R: Real>(method: Method, y: &[R], k: usize, iters: usize) -> Vec<R> {
    let n = y.len();
    let mut jac = vec![R::ZERO; n * n];
    let sqrt_eps = R::EPS.sqrt();
    let base = evaluate(method, y, k, iters).p;
    let mut yy = y.to_vec();
    for j in 0..n {
        let h = sqrt_eps * R::ONE.max(y[j].abs());
        yy[j] = y[j] + h;
        let up = evaluate(method, &yy, k, iters).p;
        // The step actually taken, after rounding y + h.
        let span = yy[j] - y[j];
        yy[j] = y[j];
        for i in 0..n {
            jac[i * n + j] = (up[i] - base[i]) / span;
        }
    }
    jac
}

/// The Jacobian `∂p/∂y` of `method` at `y` (row-major), given its output: analytic for the threshold
/// methods and GradTopK, central differences for the others.
pub fn jacobian<R: Real>(method: Method, y: &[R], k: usize, iters: usize, out: &Soft<R>) -> Vec<R> {
    match (method, out.lambda) {
        (Method::Exp | Method::Sigmoid | Method::Smooth, Some(l)) => {
            threshold_jacobian(&threshold_slopes(method, y, &out.p, l))
        }
        (Method::GradTopk, _) => gradtopk_jacobian(y, k, &out.p),
        _ => fd_jacobian(method, y, k, iters),
    }
}
