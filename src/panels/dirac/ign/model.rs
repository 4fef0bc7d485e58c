//! The pure model of the "Dirac-IGN" (`shared/theory/gan-ign.md` §3): an Idempotent Generative Network
//! shrunk to one data point and an affine network.
//!
//! Data: a Dirac at `x₀`. Noise `z` with mean `m₁` and second moment `m₂`. Network `f(x) = a x + b`. The
//! three IGN losses with the paper's stop-gradients (rec: everything; idem: inner f only; tight: outer f
//! only) have closed-form expected gradients in `m₁, m₂` (theory §3, table), and the training step is
//! `(a, b) ← (a, b) − h G` (or Adam on `G`). In sampled mode the same closed forms are evaluated with the
//! moments of a fresh minibatch of z, which is exact because every term is a polynomial of degree ≤ 2 in z.
//!
//! This module imports neither plotters nor web-sys. All randomness comes from a seeded [`crate::rng`]
//! stream.

use crate::history::History;
use crate::math::eig2;
use crate::rng::{self, Rng};
use nalgebra::Matrix2;

/// The `rng` stream of the sampled minibatches.
const STREAM_BATCHES: u64 = 1;
/// The constant `c` of the (re-implementations') tightness clamp `tanh(T/(cR))·cR`.
pub const CLAMP_C: f64 = 1.5;
/// Adam's β₁ and β₂ (the re-implementation's `betas = (0.5, 0.999)`).
pub const ADAM_BETAS: (f64, f64) = (0.5, 0.999);
/// Adam's ε.
pub const ADAM_EPS: f64 = 1e-8;

/// The loss coefficients `(λ_rec, λ_idem, λ_tight)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coeffs {
    /// λ_rec.
    pub rec: f64,
    /// λ_idem.
    pub idem: f64,
    /// λ_tight.
    pub tight: f64,
}

/// The first two moments of the noise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moments {
    /// `m₁ = E z`.
    pub m1: f64,
    /// `m₂ = E z²`.
    pub m2: f64,
}

impl Moments {
    /// The moments of `N(mean, std²)`.
    pub fn normal(mean: f64, std: f64) -> Self {
        Moments { m1: mean, m2: mean * mean + std * std }
    }

    /// The sample moments of `zs` (zero for an empty slice).
    pub fn of(zs: &[f64]) -> Self {
        let n = zs.len().max(1) as f64;
        Moments { m1: zs.iter().sum::<f64>() / n, m2: zs.iter().map(|z| z * z).sum::<f64>() / n }
    }

    /// `E(z − x₀)² = m₂ − 2x₀m₁ + x₀²`.
    pub fn dist2_to(&self, x0: f64) -> f64 {
        self.m2 - 2.0 * x0 * self.m1 + x0 * x0
    }
}

/// The stationary part of the problem: coefficients, data point, noise moments, clamp.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Problem {
    /// Loss coefficients.
    pub lambda: Coeffs,
    /// The data point x₀.
    pub x0: f64,
    /// The noise moments.
    pub mom: Moments,
    /// Whether the tightness clamp is on.
    pub clamp: bool,
}

/// The three unweighted stop-gradient gradients `∇L_rec, ∇L_idem, ∇L_tight` at `(a, b)`, as `(∂a, ∂b)`
/// (theory §3 table).
pub fn grad_terms(a: f64, b: f64, x0: f64, mom: &Moments) -> [(f64, f64); 3] {
    let Moments { m1, m2 } = *mom;
    let r0 = (a - 1.0) * x0 + b;
    let er = a * (a - 1.0) * m1 + a * b;
    let erz = a * (a - 1.0) * m2 + a * b * m1;
    let ery = a * a * (a - 1.0) * m2 + a * b * (2.0 * a - 1.0) * m1 + a * b * b;
    [(2.0 * r0 * x0, 2.0 * r0), (2.0 * (a - 1.0) * erz, 2.0 * (a - 1.0) * er), (-2.0 * ery, -2.0 * er)]
}

/// The clamp factor on the tightness gradient, `sech²(a²/c)`.
///
/// Derivation (theory §3): the clamp replaces `T = L_tight` by `tanh(T/(cR))·cR` with `R = E(f(z) − z)²`
/// detached, so its gradient is `sech²(T/(cR))·∇T`. For the affine model `f(f(z)) − f(z) = a·(f(z) − z)`
/// pointwise, hence `T = −a²R` exactly (for the expectation and for any minibatch) and the factor is
/// `sech²(a²/c)` (sech² is even). It is 1 at `a = 0` with zero slope, so the clamp changes neither the ideal
/// point's Jacobian nor the Hopf threshold.
pub fn clamp_factor(a: f64) -> f64 {
    let u = a * a / CLAMP_C;
    if u > 350.0 {
        return 0.0;
    }
    let c = u.cosh();
    1.0 / (c * c)
}

/// `d/da sech²(a²/c) = −2 sech²(u) tanh(u) · 2a/c` with `u = a²/c`.
fn clamp_factor_da(a: f64) -> f64 {
    let u = a * a / CLAMP_C;
    if u > 350.0 {
        return 0.0;
    }
    -2.0 * clamp_factor(a) * u.tanh() * 2.0 * a / CLAMP_C
}

impl Problem {
    /// The tightness weight at `a`, clamp included: `λ_t` or `λ_t sech²(a²/c)`.
    fn tight_weight(&self, a: f64) -> f64 {
        if self.clamp {
            self.lambda.tight * clamp_factor(a)
        } else {
            self.lambda.tight
        }
    }

    /// The weighted gradient `G = λ_r ∇L_rec + λ_i ∇L_idem + λ_t ∇L_tight` with moments `mom`.
    pub fn grad_with(&self, a: f64, b: f64, mom: &Moments) -> (f64, f64) {
        let [rec, idem, tight] = grad_terms(a, b, self.x0, mom);
        let (lr, li, lt) = (self.lambda.rec, self.lambda.idem, self.tight_weight(a));
        (lr * rec.0 + li * idem.0 + lt * tight.0, lr * rec.1 + li * idem.1 + lt * tight.1)
    }

    /// The expected gradient `G(a, b)`.
    pub fn grad(&self, a: f64, b: f64) -> (f64, f64) {
        self.grad_with(a, b, &self.mom)
    }

    /// The flow `−G(a, b)` of the expected stop-gradient dynamics.
    pub fn flow(&self, a: f64, b: f64) -> (f64, f64) {
        let (ga, gb) = self.grad(a, b);
        (-ga, -gb)
    }

    /// The analytic Jacobian `∂G/∂(a, b)` of the expected gradient (clamp included). The flow's Jacobian is
    /// its negative.
    ///
    /// With `Er = a(a−1)m₁ + ab`, `Erz = a(a−1)m₂ + abm₁`, `Ery = (a³ − a²)m₂ + (2a² − a)bm₁ + ab²`:
    /// `∂Er = ((2a−1)m₁ + b, a)`, `∂Erz = ((2a−1)m₂ + bm₁, am₁)`,
    /// `∂Ery = ((3a² − 2a)m₂ + (4a − 1)bm₁ + b², (2a² − a)m₁ + 2ab)`, and
    /// `G_a = 2λ_r r₀x₀ + 2λ_i(a−1)Erz − 2λ_t Ery`, `G_b = 2λ_r r₀ + 2(λ_i(a−1) − λ_t)Er`, with `λ_t`
    /// replaced by `λ_t s(a)` under the clamp (whose derivative `s'(a)` multiplies the raw tight gradient).
    pub fn jacobian_g(&self, a: f64, b: f64) -> Matrix2<f64> {
        let Moments { m1, m2 } = self.mom;
        let (lr, li) = (self.lambda.rec, self.lambda.idem);
        let lt = self.tight_weight(a);
        let x0 = self.x0;
        let er = a * (a - 1.0) * m1 + a * b;
        let erz = a * (a - 1.0) * m2 + a * b * m1;
        let ery = a * a * (a - 1.0) * m2 + a * b * (2.0 * a - 1.0) * m1 + a * b * b;
        let er_a = (2.0 * a - 1.0) * m1 + b;
        let er_b = a;
        let erz_a = (2.0 * a - 1.0) * m2 + b * m1;
        let erz_b = a * m1;
        let ery_a = (3.0 * a * a - 2.0 * a) * m2 + (4.0 * a - 1.0) * b * m1 + b * b;
        let ery_b = (2.0 * a * a - a) * m1 + 2.0 * a * b;
        let mut gaa = 2.0 * lr * x0 * x0 + 2.0 * li * (erz + (a - 1.0) * erz_a) - 2.0 * lt * ery_a;
        let gab = 2.0 * lr * x0 + 2.0 * li * (a - 1.0) * erz_b - 2.0 * lt * ery_b;
        let mut gba = 2.0 * lr * x0 + 2.0 * li * er + 2.0 * (li * (a - 1.0) - lt) * er_a;
        let gbb = 2.0 * lr + 2.0 * (li * (a - 1.0) - lt) * er_b;
        if self.clamp {
            // d/da of λ_t s(a) · (−2 Ery, −2 Er).
            let ds = self.lambda.tight * clamp_factor_da(a);
            gaa += ds * (-2.0 * ery);
            gba += ds * (-2.0 * er);
        }
        Matrix2::new(gaa, gab, gba, gbb)
    }

    /// The flow's Jacobian `J = −∂G/∂(a, b)`.
    pub fn jacobian(&self, a: f64, b: f64) -> Matrix2<f64> {
        -self.jacobian_g(a, b)
    }

    /// The ideal point `(0, x₀)`: everything maps to the data point.
    pub fn ideal(&self) -> (f64, f64) {
        (0.0, self.x0)
    }

    /// The theory's closed form `H` at the ideal point (theory §3), with `J = −H`.
    pub fn ideal_h(&self) -> Matrix2<f64> {
        let Coeffs { rec: lr, idem: li, tight: lt } = self.lambda;
        let Moments { m1, m2 } = self.mom;
        let x0 = self.x0;
        Matrix2::new(
            2.0 * lr * x0 * x0 + 2.0 * li * (m2 - x0 * m1) + 2.0 * lt * (x0 * m1 - x0 * x0),
            2.0 * lr * x0,
            2.0 * lr * x0 + 2.0 * (li + lt) * (m1 - x0),
            2.0 * lr,
        )
    }

    /// The eigenvalues of `J = −H` at the ideal point.
    pub fn ideal_eigenvalues(&self) -> [(f64, f64); 2] {
        eig2(&(-self.ideal_h()))
    }

    /// The Hopf threshold `λ_t* = [λ_r(1 + x₀²) + λ_i(m₂ − x₀m₁)] / [x₀(x₀ − m₁)]` (theory §3), where the
    /// trace of `J` at the ideal point changes sign from negative (stable) to positive (spiralling out).
    ///
    /// It exists only when (i) `x₀(x₀ − m₁) > 0`, so that tightness removes damping (otherwise it adds
    /// damping and no λ_t destabilises), (ii) the numerator is positive, so that λ_t* > 0 (otherwise the
    /// ideal point is unstable for every λ_t ≥ 0 and there is no threshold to cross), and (iii)
    /// `det J = 4λ_rλ_i E(z − x₀)² > 0`, so that at zero trace the eigenvalues are the complex pair
    /// `±i sqrt(det J)` of a Hopf bifurcation and not a double zero. The clamp does not change it
    /// (see [`clamp_factor`]).
    pub fn hopf_threshold(&self) -> Option<f64> {
        let Coeffs { rec: lr, idem: li, .. } = self.lambda;
        let Moments { m1, m2 } = self.mom;
        let x0 = self.x0;
        let den = x0 * (x0 - m1);
        let num = lr * (1.0 + x0 * x0) + li * (m2 - x0 * m1);
        let det = 4.0 * lr * li * self.mom.dist2_to(x0);
        let tiny = 1e-12 * (1.0 + lr + li) * (1.0 + x0 * x0 + m2.abs());
        if den > tiny && num > tiny && det > tiny {
            Some(num / den)
        } else {
            None
        }
    }
}

/// The type of a fixed point of the flow, from the eigenvalues of its Jacobian `J`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedKind {
    /// Both eigenvalues real and negative.
    StableNode,
    /// A complex pair with negative real part.
    StableSpiral,
    /// Real eigenvalues of opposite signs.
    Saddle,
    /// Both real parts positive (node or spiral).
    Unstable,
    /// A purely imaginary pair (the Hopf point itself).
    Centre,
    /// A zero eigenvalue: the point is not isolated or not hyperbolic.
    Degenerate,
}

impl FixedKind {
    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            FixedKind::StableNode => "stable node",
            FixedKind::StableSpiral => "stable spiral",
            FixedKind::Saddle => "saddle",
            FixedKind::Unstable => "unstable",
            FixedKind::Centre => "centre",
            FixedKind::Degenerate => "degenerate",
        }
    }

    /// Whether the point attracts nearby trajectories of the continuous flow.
    pub fn is_stable(self) -> bool {
        matches!(self, FixedKind::StableNode | FixedKind::StableSpiral)
    }
}

/// Classifies a fixed point by the trace and determinant of its Jacobian `J`.
pub fn classify(j: &Matrix2<f64>) -> FixedKind {
    let tr = j[(0, 0)] + j[(1, 1)];
    let det = j.determinant();
    let scale = j.abs().max().max(1e-300);
    if det.abs() <= 1e-9 * scale * scale {
        return FixedKind::Degenerate;
    }
    if det < 0.0 {
        return FixedKind::Saddle;
    }
    if tr.abs() <= 1e-9 * scale {
        return FixedKind::Centre;
    }
    let [(_, im), _] = eig2(j);
    match (tr < 0.0, im != 0.0) {
        (true, false) => FixedKind::StableNode,
        (true, true) => FixedKind::StableSpiral,
        (false, _) => FixedKind::Unstable,
    }
}

/// One fixed point of the expected flow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedPoint {
    /// Slope a.
    pub a: f64,
    /// Offset b.
    pub b: f64,
    /// The eigenvalues of `J` at the point, as [`eig2`] orders them.
    pub eig: [(f64, f64); 2],
    /// The classification.
    pub kind: FixedKind,
}

/// A set of non-isolated fixed points (when a coefficient is zero, whole curves can be fixed).
#[derive(Clone, Debug, PartialEq)]
pub enum FixedCurve {
    /// Every `(a*, b)` is fixed.
    Vertical(f64),
    /// Every `(a, b(a))` on the elimination curve is fixed (sampled points).
    Curve(Vec<(f64, f64)>),
}

/// All fixed points found in a search box, plus any curves of fixed points.
#[derive(Clone, Debug, PartialEq)]
pub struct FixedSet {
    /// Isolated (or at least found) fixed points, ideal point first, then the identity, then by `a`.
    pub points: Vec<FixedPoint>,
    /// Curves of fixed points, if the parameters make whole curves fixed.
    pub curves: Vec<FixedCurve>,
    /// Whether every point is fixed (all three coefficients are zero).
    pub all_fixed: bool,
}

/// The most fixed points reported (a safety cap; the generic count is at most a handful).
pub const MAX_FIXED: usize = 12;

impl Problem {
    /// Finds the fixed points of the expected flow with `a` in `a_range` and `b` in `b_range`.
    ///
    /// Method: `G_b` is linear in b, `G_b = 2[(a−1)N(a) + D(a) b]` with `k(a) = (λ_i(a−1) − λ_t s(a))a`,
    /// `D = λ_r + k`, `N = λ_r x₀ + k m₁`, so away from `D = 0` every fixed point lies on the curve
    /// `b(a) = −(a−1)N/D`, where it is a root of the scalar function
    /// `P(a) = D² G_a(a, b(a)) = c₀D² − c₁D(a−1)N + c₂(a−1)²N²` (`G_a = c₀ + c₁b + c₂b²`). Roots of P are
    /// bracketed by sign changes on a fine grid (and near-zero local minima of |P| catch double roots);
    /// where `D(a*) = 0` and `(a*−1)N(a*) = 0` the b-equation is void and `G_a(a*, b) = 0` is solved as a
    /// quadratic in b (this happens at the identity column a = 1 when λ_r = λ_t, e.g. for the post's unit
    /// coefficients). Every candidate is polished by Newton's method on the 2-D system with the analytic
    /// Jacobian and kept only if `G` vanishes to rounding; a coarse grid of Newton starts in the box backs
    /// up the elimination. If `P ≡ 0` or the quadratic is void, whole curves are fixed and are reported
    /// in [`FixedSet::curves`] instead.
    pub fn fixed_points(&self, a_range: (f64, f64), b_range: (f64, f64)) -> FixedSet {
        if self.lambda.rec == 0.0 && self.lambda.idem == 0.0 && self.lambda.tight == 0.0 {
            return FixedSet { points: Vec::new(), curves: Vec::new(), all_fixed: true };
        }
        let mut cands: Vec<(f64, f64)> = vec![self.ideal(), (1.0, 0.0)];
        let mut curves = Vec::new();
        let Coeffs { rec: lr, idem: li, .. } = self.lambda;
        let Moments { m1, m2 } = self.mom;
        let x0 = self.x0;
        let parts = |a: f64| {
            let lt = self.tight_weight(a);
            let k = (li * (a - 1.0) - lt) * a;
            let d = lr + k;
            let n = lr * x0 + k * m1;
            let c0 = 2.0 * lr * x0 * x0 * (a - 1.0) + 2.0 * li * (a - 1.0) * (a - 1.0) * a * m2
                - 2.0 * lt * a * a * (a - 1.0) * m2;
            let c1 = 2.0 * lr * x0 + 2.0 * li * (a - 1.0) * a * m1 - 2.0 * lt * a * (2.0 * a - 1.0) * m1;
            let c2 = -2.0 * lt * a;
            (d, n, c0, c1, c2)
        };
        let p_of = |a: f64| {
            let (d, n, c0, c1, c2) = parts(a);
            let am1n = (a - 1.0) * n;
            let terms = [c0 * d * d, -c1 * d * am1n, c2 * am1n * am1n];
            (terms[0] + terms[1] + terms[2], terms.iter().map(|t| t.abs()).sum::<f64>())
        };
        let b_of = |a: f64| {
            let (d, n, ..) = parts(a);
            -(a - 1.0) * n / d
        };
        // The scalar search runs over a wider a-range than the box, so that points just outside still count.
        let span = (a_range.1 - a_range.0).abs().max(1.0);
        let (lo, hi) = (a_range.0 - 0.5 * span, a_range.1 + 0.5 * span);
        const N: usize = 1200;
        let grid: Vec<(f64, f64, f64)> = (0..=N)
            .map(|i| {
                let a = lo + (hi - lo) * i as f64 / N as f64;
                let (p, mag) = p_of(a);
                (a, p, mag)
            })
            .collect();
        let max_mag = grid.iter().map(|g| g.2).fold(0.0, f64::max);
        let max_p = grid.iter().map(|g| g.1.abs()).fold(0.0, f64::max);
        if max_mag > 0.0 && max_p <= 1e-10 * max_mag {
            // P vanishes identically: the whole curve b(a) is fixed.
            let pts: Vec<(f64, f64)> = grid.iter().map(|g| (g.0, b_of(g.0))).filter(|(_, b)| b.is_finite()).collect();
            curves.push(FixedCurve::Curve(pts));
        } else {
            for w in grid.windows(3) {
                let (a0, p0, _) = w[0];
                let (a1, p1, m1_) = w[1];
                let (a2, p2, _) = w[2];
                if p0 == 0.0 {
                    cands.push((a0, b_of(a0)));
                }
                if p0 * p1 < 0.0 {
                    let r = bisect(|a| p_of(a).0, a0, a1);
                    cands.push((r, b_of(r)));
                }
                // A double root: |P| has a near-zero local minimum without a sign change.
                if p1.abs() <= p0.abs() && p1.abs() <= p2.abs() && p0 * p2 > 0.0 && p1.abs() <= 1e-3 * m1_ {
                    cands.push((a1, b_of(a1)));
                }
                let _ = a2;
            }
        }
        // Columns where D(a*) = 0: roots of D on the same grid (sign changes and touching minima).
        let d_of = |a: f64| parts(a).0;
        let mut d_roots = Vec::new();
        for i in 0..N {
            let a0 = lo + (hi - lo) * i as f64 / N as f64;
            let a1 = lo + (hi - lo) * (i + 1) as f64 / N as f64;
            let (d0, d1) = (d_of(a0), d_of(a1));
            if d0 == 0.0 {
                d_roots.push(a0);
            } else if d0 * d1 < 0.0 {
                d_roots.push(bisect(d_of, a0, a1));
            }
        }
        // Without the clamp D is the quadratic λ_i a² − (λ_i + λ_t)a + λ_r: add its (possibly double) roots.
        if !self.clamp {
            d_roots.extend(quadratic_roots(li, -(li + self.lambda.tight), lr));
        }
        for a in d_roots {
            let (d, n, c0, c1, c2) = parts(a);
            let scale = lr + li + self.lambda.tight.abs() + 1e-300;
            if d.abs() > 1e-9 * scale || ((a - 1.0) * n).abs() > 1e-9 * scale * (1.0 + x0.abs() + m1.abs()) {
                continue;
            }
            let cscale = c0.abs() + c1.abs() + c2.abs();
            if cscale <= 1e-12 * scale * (1.0 + x0 * x0 + m2.abs()) {
                let known = curves.iter().any(|c| matches!(c, FixedCurve::Vertical(x) if (x - a).abs() < 1e-6));
                if !known && curves.len() < 4 {
                    curves.push(FixedCurve::Vertical(a));
                }
                continue;
            }
            for b in quadratic_roots(c2, c1, c0) {
                cands.push((a, b));
            }
        }
        // Backup: Newton from a coarse grid of starts in the box.
        const G: usize = 9;
        for i in 0..G {
            for j in 0..G {
                let a = a_range.0 + (a_range.1 - a_range.0) * (i as f64 + 0.5) / G as f64;
                let b = b_range.0 + (b_range.1 - b_range.0) * (j as f64 + 0.5) / G as f64;
                cands.push((a, b));
            }
        }
        let mut points: Vec<FixedPoint> = Vec::new();
        for (k, (a, b)) in cands.into_iter().enumerate() {
            // The ideal point and the identity are exact fixed points: keep them unpolished.
            let p = if k < 2 { Some((a, b)) } else { self.newton(a, b) };
            let Some((a, b)) = p else { continue };
            if !(a_range.0..=a_range.1).contains(&a) || !(b_range.0..=b_range.1).contains(&b) {
                continue;
            }
            if curves.iter().any(|c| on_curve(c, a, b)) {
                continue;
            }
            let dup = points.iter().any(|q| (q.a - a).abs() + (q.b - b).abs() <= 1e-7 * (1.0 + a.abs() + b.abs()));
            if dup || points.len() >= MAX_FIXED {
                continue;
            }
            let j = self.jacobian(a, b);
            points.push(FixedPoint { a, b, eig: eig2(&j), kind: classify(&j) });
        }
        if points.len() > 2 {
            // By `a`, then `b`: ordered by `b` first, then by `a` with ties kept in that order.
            let rest = points.split_off(2);
            let by_b = crate::math::argsort(&rest.iter().map(|p| p.b).collect::<Vec<_>>(), false);
            let rest: Vec<FixedPoint> = by_b.into_iter().map(|i| rest[i]).collect();
            let by_a = crate::math::argsort(&rest.iter().map(|p| p.a).collect::<Vec<_>>(), false);
            points.extend(by_a.into_iter().map(|i| rest[i]));
        }
        FixedSet { points, curves, all_fixed: false }
    }

    /// Newton's method on `G = 0` from `(a, b)`; returns the root if it converges to rounding.
    pub fn newton(&self, mut a: f64, mut b: f64) -> Option<(f64, f64)> {
        if !(a.is_finite() && b.is_finite()) {
            return None;
        }
        for _ in 0..60 {
            let (ga, gb) = self.grad(a, b);
            let j = self.jacobian_g(a, b);
            let det = j.determinant();
            if !det.is_finite() || det == 0.0 {
                break;
            }
            let da = (j[(1, 1)] * ga - j[(0, 1)] * gb) / det;
            let db = (-j[(1, 0)] * ga + j[(0, 0)] * gb) / det;
            // Damp huge steps so that a start far from any root cannot jump to infinity.
            let len = da.hypot(db);
            let damp = if len > 2.0 { 2.0 / len } else { 1.0 };
            a -= damp * da;
            b -= damp * db;
            if !(a.is_finite() && b.is_finite()) || a.abs() > 1e6 || b.abs() > 1e6 {
                return None;
            }
            if len <= 1e-14 * (1.0 + a.abs() + b.abs()) {
                break;
            }
        }
        let (ga, gb) = self.grad(a, b);
        let scale = self.residual_scale(a, b);
        (ga.hypot(gb) <= 1e-9 * scale).then_some((a, b))
    }

    /// A magnitude against which `|G(a, b)|` counts as zero: the size of the individual terms of G.
    fn residual_scale(&self, a: f64, b: f64) -> f64 {
        let t = grad_terms(a, b, self.x0, &self.mom);
        let l = [self.lambda.rec, self.lambda.idem, self.tight_weight(a)];
        let s: f64 = t.iter().zip(l).map(|(g, w)| w.abs() * (g.0.abs() + g.1.abs())).sum();
        s + 1e-12 * (1.0 + self.lambda.rec + self.lambda.idem + self.lambda.tight)
    }
}

fn on_curve(c: &FixedCurve, a: f64, b: f64) -> bool {
    match c {
        FixedCurve::Vertical(x) => (a - x).abs() < 1e-6,
        FixedCurve::Curve(pts) => pts.iter().any(|(x, y)| (x - a).abs() + (y - b).abs() < 0.05),
    }
}

/// A root of `f` in `[lo, hi]` where `f(lo)` and `f(hi)` have opposite signs, by bisection to rounding.
fn bisect(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let mut flo = f(lo);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        let fm = f(mid);
        if fm == 0.0 {
            return mid;
        }
        if (fm < 0.0) == (flo < 0.0) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The real roots of `c2 x² + c1 x + c0` (a double root once; linear when `c2 = 0`).
fn quadratic_roots(c2: f64, c1: f64, c0: f64) -> Vec<f64> {
    let scale = c2.abs().max(c1.abs()).max(c0.abs());
    if scale == 0.0 || !scale.is_finite() {
        return Vec::new();
    }
    if c2.abs() <= 1e-14 * scale {
        return if c1.abs() > 1e-14 * scale { vec![-c0 / c1] } else { Vec::new() };
    }
    let disc = c1 * c1 - 4.0 * c2 * c0;
    if disc < -1e-12 * c1 * c1.max(1e-300) {
        return Vec::new();
    }
    let s = disc.max(0.0).sqrt();
    // The numerically stable pair of formulas.
    let q = -0.5 * (c1 + if c1 >= 0.0 { s } else { -s });
    if q == 0.0 {
        return vec![0.0];
    }
    let (r1, r2) = (q / c2, c0 / q);
    if (r1 - r2).abs() <= 1e-12 * (1.0 + r1.abs()) {
        vec![r1]
    } else {
        vec![r1, r2]
    }
}

/// The optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Plain gradient descent `θ ← θ − hG`.
    Gd,
    /// Adam with step h and betas (0.5, 0.999).
    Adam,
}

/// Everything that defines a Dirac-IGN run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// The stationary problem (coefficients, data point, noise moments, clamp).
    pub problem: Problem,
    /// Noise mean.
    pub z_mean: f64,
    /// Noise standard deviation.
    pub z_std: f64,
    /// Step size h.
    pub h: f64,
    /// Start slope a₀.
    pub a0: f64,
    /// Start offset b₀.
    pub b0: f64,
    /// Minibatch moments instead of the exact expectation.
    pub sampled: bool,
    /// Minibatch size.
    pub batch: usize,
    /// The optimiser.
    pub optimizer: Optimizer,
}

impl Config {
    /// The paper's coefficients (1, 1, 0.1), x₀ = 1, z ~ N(0, 1), GD with h = 0.01 from `(a₀, b₀)`.
    pub fn defaults(a0: f64, b0: f64) -> Self {
        Config {
            problem: Problem {
                lambda: Coeffs { rec: 1.0, idem: 1.0, tight: 0.1 },
                x0: 1.0,
                mom: Moments::normal(0.0, 1.0),
                clamp: false,
            },
            z_mean: 0.0,
            z_std: 1.0,
            h: 0.01,
            a0,
            b0,
            sampled: false,
            batch: 64,
            optimizer: Optimizer::Gd,
        }
    }
}

/// One Dirac-IGN run.
#[derive(Clone, Debug)]
pub struct Ign {
    /// The configuration.
    pub cfg: Config,
    /// Slope a.
    pub a: f64,
    /// Offset b.
    pub b: f64,
    /// Steps taken.
    pub steps: u64,
    /// Adam's first and second moments of `(G_a, G_b)`.
    adam_m: (f64, f64),
    adam_v: (f64, f64),
    /// `β₁ᵗ` and `β₂ᵗ` for Adam's bias correction.
    adam_pow: (f64, f64),
    batches: Rng,
    zs: Vec<f64>,
}

impl Ign {
    /// A run at its start; `seed` drives the minibatches in sampled mode.
    pub fn new(cfg: Config, seed: u64) -> Self {
        Ign {
            cfg,
            a: cfg.a0,
            b: cfg.b0,
            steps: 0,
            adam_m: (0.0, 0.0),
            adam_v: (0.0, 0.0),
            adam_pow: (1.0, 1.0),
            batches: rng::stream(seed, STREAM_BATCHES),
            zs: Vec::new(),
        }
    }

    /// The gradient used by the next step: exact, or with a fresh minibatch's moments (consumes the stream).
    fn step_grad(&mut self) -> (f64, f64) {
        let p = self.cfg.problem;
        if self.cfg.sampled {
            self.zs.clear();
            for _ in 0..self.cfg.batch.max(1) {
                let z = self.cfg.z_mean + self.cfg.z_std * rng::normal(&mut self.batches);
                self.zs.push(z);
            }
            p.grad_with(self.a, self.b, &Moments::of(&self.zs))
        } else {
            p.grad(self.a, self.b)
        }
    }

    /// One step, recorded in `hist` as (a, b). This is the figure's whole per-step work, kept in the models crate so that it runs at full optimisation
    /// while the glue that calls it is optimised for size (src/models.rs).
    #[inline(never)]
    pub fn step_recorded(&mut self, hist: &mut History<(f64, f64)>) {
        self.step();
        hist.push(self.steps, (self.a, self.b));
    }

    /// One optimiser step.
    #[inline] // into `step_recorded`, the glue's one call per step
    pub fn step(&mut self) {
        let g = self.step_grad();
        let h = self.cfg.h;
        match self.cfg.optimizer {
            Optimizer::Gd => {
                self.a -= h * g.0;
                self.b -= h * g.1;
            }
            Optimizer::Adam => {
                let (b1, b2) = ADAM_BETAS;
                self.adam_m = (b1 * self.adam_m.0 + (1.0 - b1) * g.0, b1 * self.adam_m.1 + (1.0 - b1) * g.1);
                self.adam_v =
                    (b2 * self.adam_v.0 + (1.0 - b2) * g.0 * g.0, b2 * self.adam_v.1 + (1.0 - b2) * g.1 * g.1);
                self.adam_pow = (self.adam_pow.0 * b1, self.adam_pow.1 * b2);
                let (c1, c2) = (1.0 - self.adam_pow.0, 1.0 - self.adam_pow.1);
                self.a -= h * (self.adam_m.0 / c1) / ((self.adam_v.0 / c2).sqrt() + ADAM_EPS);
                self.b -= h * (self.adam_m.1 / c1) / ((self.adam_v.1 / c2).sqrt() + ADAM_EPS);
            }
        }
        self.steps += 1;
    }

    /// The distance to the ideal point `(0, x₀)`.
    pub fn dist_to_ideal(&self) -> f64 {
        self.a.hypot(self.b - self.cfg.problem.x0)
    }

    /// Whether the state (Adam's moments included) is finite and the expected gradient does not overflow.
    pub fn is_finite(&self) -> bool {
        let (ga, gb) = self.cfg.problem.grad(self.a, self.b);
        self.a.is_finite()
            && self.b.is_finite()
            && (ga + gb).is_finite()
            && (self.adam_m.0 + self.adam_m.1 + self.adam_v.0 + self.adam_v.1).is_finite()
    }
}
