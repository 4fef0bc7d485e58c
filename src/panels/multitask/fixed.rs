//! Where each scheme should stop, and the small side calculations (pure; theory §2 "Fixed points" and §4).
//!
//! For isotropic tasks every scheme's end point is a weighted mean `θ* = Σ ω_i c_i / Σ ω_i` (set the update
//! `Σ_i w_i s_i (θ − c_i)` to zero); only the weights `ω_i = w_i s_i` differ. Explicit ones are evaluated
//! directly, implicit ones (real-time, generalised mean) by iterating the weighted mean, and gradient
//! normalisation's `ω_i = 1/‖θ − c_i‖` by Weiszfeld's iteration for the geometric median.

use super::model::{Scheme, Settings, Tasks, N};

/// `Σ ω_i c_i / Σ ω_i`, or `None` when the weights do not sum to a positive finite number.
pub fn weighted_mean(c: &[[f64; 2]; N], omega: [f64; N]) -> Option<[f64; 2]> {
    let sum: f64 = omega.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return None;
    }
    let x = (0..N).map(|i| omega[i] * c[i][0]).sum::<f64>() / sum;
    let y = (0..N).map(|i| omega[i] * c[i][1]).sum::<f64>() / sum;
    Some([x, y])
}

/// The s-weighted centroid `Σ s_i c_i / Σ s_i`: the equal-weight end point.
pub fn centroid(t: &Tasks) -> [f64; 2] {
    weighted_mean(&t.c, t.s).unwrap_or(t.c[0])
}

/// The length scale of the centres (largest pairwise distance, at least 1), for relative tolerances.
pub fn scale(c: &[[f64; 2]; N]) -> f64 {
    let mut d: f64 = 1.0;
    for i in 0..N {
        for j in 0..i {
            d = d.max((c[i][0] - c[j][0]).hypot(c[i][1] - c[j][1]));
        }
    }
    d
}

/// The geometric median of the centres: the minimiser of `Σ_i ‖θ − c_i‖`, i.e. the point where the unit
/// vectors toward it from the centres sum to zero (theory §2, gradient normalisation).
///
/// A centre `c_j` is the median when the unit vectors from the other (distinct) centres sum to at most the
/// number of centres sitting at `c_j` (the subgradient condition; one for distinct centres, as in the note).
/// That is checked first, which also covers collinear and coincident centres. Otherwise the median is
/// strictly inside the triangle and Weiszfeld's iteration `θ ← Σ (c_i/‖θ − c_i‖) / Σ (1/‖θ − c_i‖)`, started
/// at the centroid, converges to it without touching a centre.
pub fn geometric_median(c: &[[f64; 2]; N]) -> [f64; 2] {
    let tol = 1e-14 * scale(c);
    for j in 0..N {
        let mut sum = [0.0, 0.0];
        let mut here = 0.0;
        for ci in c {
            let (dx, dy) = (c[j][0] - ci[0], c[j][1] - ci[1]);
            let d = dx.hypot(dy);
            if d <= tol {
                here += 1.0;
            } else {
                sum[0] += dx / d;
                sum[1] += dy / d;
            }
        }
        if sum[0].hypot(sum[1]) <= here {
            return c[j];
        }
    }
    let mut th = weighted_mean(c, [1.0; N]).unwrap_or(c[0]);
    for _ in 0..100_000 {
        let mut omega = [0.0; N];
        for i in 0..N {
            omega[i] = 1.0 / (th[0] - c[i][0]).hypot(th[1] - c[i][1]).max(tol);
        }
        let Some(next) = weighted_mean(c, omega) else { break };
        let moved = (next[0] - th[0]).hypot(next[1] - th[1]);
        th = next;
        if moved <= tol {
            break;
        }
    }
    th
}

/// Iterates `θ ← Σ ω_i(θ) c_i / Σ ω_i(θ)` from `start`; the converged point, or `None` if it does not settle
/// within the iteration budget (an implicit fixed point can be unstable for this iteration).
pub fn implicit_mean(c: &[[f64; 2]; N], omega: impl Fn([f64; 2]) -> [f64; N], start: [f64; 2]) -> Option<[f64; 2]> {
    let tol = 1e-13 * scale(c);
    let mut th = start;
    // Converging cases need a few hundred iterations at most; the budget bounds the per-frame cost (the figure
    // solves these from the live iterate) of a case where the iteration does not converge from there.
    for _ in 0..2_000 {
        let next = weighted_mean(c, omega(th))?;
        let moved = (next[0] - th[0]).hypot(next[1] - th[1]);
        th = next;
        if moved <= tol {
            return Some(th);
        }
    }
    None
}

/// The real-time weights `ω_i = s_i / L_i(θ)` (theory §2; `1/(½‖θ − c_i‖² + m_i)` without shifts).
pub fn realtime_omega(t: &Tasks, th: [f64; 2]) -> [f64; N] {
    std::array::from_fn(|i| t.s[i] / t.loss(i, th))
}

/// The generalised-mean weights `ω_i = s_i L_i(θ)^{γ−1}`, scaled by a common factor (which cancels) so that
/// the largest is 1; evaluated in log space.
pub fn genmean_omega(t: &Tasks, gamma: f64, th: [f64; 2]) -> [f64; N] {
    let lw: [f64; N] = std::array::from_fn(|i| t.s[i].ln() + (gamma - 1.0) * t.loss(i, th).ln());
    let top = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    lw.map(|x| (x - top).exp())
}

/// The end point the theory predicts for `scheme`. Implicit equations are solved from `from` (the run's
/// current iterate), because with small offsets they have several solutions and the one gradient descent
/// reaches depends on where it is (theory §2, "Analytic overlay points").
pub fn predicted(scheme: Scheme, t: &Tasks, set: &Settings, from: [f64; 2]) -> Option<[f64; 2]> {
    match scheme {
        Scheme::Equal => Some(centroid(t)),
        Scheme::Init => weighted_mean(&t.c, std::array::from_fn(|i| t.s[i] / t.loss(i, set.theta0))),
        Scheme::Prior => weighted_mean(&t.c, std::array::from_fn(|i| t.s[i] / t.prior[i])),
        // Uncertainty weighting at equilibrium has e^{u_i} = L_i: the real-time point.
        Scheme::Realtime | Scheme::Uncertainty => implicit_mean(&t.c, |th| realtime_omega(t, th), from),
        Scheme::GenMean => implicit_mean(&t.c, |th| genmean_omega(t, set.gamma, th), from),
        Scheme::GradNorm => Some(geometric_median(&t.c)),
    }
}

/// The Pareto set of isotropic quadratic tasks: the convex hull of the centres (a stationary point of
/// `Σ λ_i L_i` with `λ_i ≥ 0` is a convex combination of the `c_i`, whatever the scales and offsets). Returns
/// the hull's corners: three for a proper triangle, two for collinear centres, one if they coincide.
pub fn pareto_hull(c: &[[f64; 2]; N]) -> Vec<[f64; 2]> {
    let (a, b, d) = (c[0], c[1], c[2]);
    let cross = (b[0] - a[0]) * (d[1] - a[1]) - (b[1] - a[1]) * (d[0] - a[0]);
    let s = scale(c);
    if cross.abs() > 1e-12 * s * s {
        return vec![a, b, d];
    }
    // Collinear: the two points farthest apart.
    let mut best = (a, a, -1.0);
    for i in 0..N {
        for j in 0..=i {
            let dist = (c[i][0] - c[j][0]).hypot(c[i][1] - c[j][1]);
            if dist > best.2 {
                best = (c[i], c[j], dist);
            }
        }
    }
    if best.2 <= 1e-14 * s {
        vec![best.0]
    } else {
        vec![best.0, best.1]
    }
}

/// The prior-versus-initial-loss side calculator (theory §1 and §4).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calculator {
    /// Number of classes K.
    pub k: usize,
    /// `log K`: cross-entropy at zero logits (the initial loss).
    pub log_k: f64,
    /// `H(p) = −Σ p_k log p_k`: the loss of predicting the class frequencies (the prior loss).
    pub entropy: f64,
    /// `E y² = μ² + σ²`: squared error of predicting 0 (the initial loss).
    pub ey2: f64,
    /// `Var y = σ²`: squared error of predicting the mean (the prior loss).
    pub var: f64,
}

/// Computes the calculator from class counts or frequencies (normalised here; all zero means uniform) and the
/// target mean and standard deviation.
pub fn calculator(freq: &[f64], mean: f64, sd: f64) -> Calculator {
    let k = freq.len().max(1);
    let total: f64 = freq.iter().filter(|x| x.is_finite() && **x > 0.0).sum();
    let entropy = if total > 0.0 {
        -freq.iter().filter(|x| x.is_finite() && **x > 0.0).map(|x| x / total).map(|p| p * p.ln()).sum::<f64>()
    } else {
        (k as f64).ln()
    };
    Calculator { k, log_k: (k as f64).ln(), entropy, ey2: mean * mean + sd * sd, var: sd * sd }
}
