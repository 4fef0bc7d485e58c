//! The pure model of the 2-D linear SimSiam/BYOL system (theory `shared/theory/simsiam.md` §4).
//!
//! Data `x ~ N(0, X)` with `X = diag(λ1, λ2)`; two views `x1 = x + σε1`, `x2 = x + σε2`. An online encoder
//! `W`, a predictor `P` and a target `T` (2×2 each) are trained on the loss `½ E‖P W x1 − sg(T x2)‖²` by
//! explicit Euler steps of size η, with the predictor's step scaled by α. The gradient is either the exact
//! expectation (with `S = X + σ²I`: `R = P W S − T X`, `gP = R Wᵀ`, `gW = Pᵀ R`) or a minibatch estimate
//! of it. Six variants switch stop-gradient, the predictor and the EMA target on and off.
//!
//! This module imports neither plotters nor web-sys. All randomness comes from [`crate::rng`] streams of
//! the user's seed: the fixed random predictor, the minibatches and the displayed data cloud each have
//! their own stream, so one never shifts another.

use crate::history::History;
use crate::math::spectral_radius;
use crate::rng::{self, Rng};
use nalgebra::{Matrix2, Vector2};

/// The `rng` stream of the fixed random predictor.
pub const STREAM_PREDICTOR: u64 = 1;
/// The `rng` stream of the sampled minibatches.
pub const STREAM_BATCHES: u64 = 2;
/// The `rng` stream of the fixed data points shown in the figure.
pub const STREAM_CLOUD: u64 = 3;

/// Which ingredients of SimSiam/BYOL are switched on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Stop-gradient, learnable predictor, target `T = W`.
    SimSiam,
    /// Learnable predictor, target `T = W`, and the gradient also flows through the target copy of `W`.
    NoStopGrad,
    /// Stop-gradient, no predictor (`P = I`), target `T = W`.
    NoPredictor,
    /// Stop-gradient, learnable predictor, EMA target `T ← τT + (1−τ)W`.
    Byol,
    /// Stop-gradient, no predictor (`P = I`), EMA target.
    EmaNoPredictor,
    /// Stop-gradient, a seeded random predictor that is never updated, target `T = W`.
    FixedPredictor,
}

impl Variant {
    /// All variants in display order.
    pub const ALL: [Variant; 6] = [
        Variant::SimSiam,
        Variant::NoStopGrad,
        Variant::NoPredictor,
        Variant::Byol,
        Variant::EmaNoPredictor,
        Variant::FixedPredictor,
    ];

    /// The parameter-table name of the variant.
    pub fn name(self) -> &'static str {
        match self {
            Variant::SimSiam => "simsiam",
            Variant::NoStopGrad => "no-stopgrad",
            Variant::NoPredictor => "no-predictor",
            Variant::Byol => "byol",
            Variant::EmaNoPredictor => "ema-no-predictor",
            Variant::FixedPredictor => "fixed-predictor",
        }
    }

    /// A short human description used in the figure's headline.
    pub fn label(self) -> &'static str {
        match self {
            Variant::SimSiam => "SimSiam (stop-grad + predictor)",
            Variant::NoStopGrad => "no stop-grad (predictor kept)",
            Variant::NoPredictor => "no predictor (P = I, stop-grad)",
            Variant::Byol => "BYOL (EMA target + predictor)",
            Variant::EmaNoPredictor => "EMA target, no predictor",
            Variant::FixedPredictor => "fixed random predictor",
        }
    }

    /// The variant with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.name() == s)
    }

    /// Whether the predictor is trained.
    pub fn learns_predictor(self) -> bool {
        matches!(self, Variant::SimSiam | Variant::NoStopGrad | Variant::Byol)
    }

    /// Whether the target is an exponential moving average of `W` (rather than `W` itself).
    pub fn ema(self) -> bool {
        matches!(self, Variant::Byol | Variant::EmaNoPredictor)
    }

    /// Whether the gradient also flows through the target copy of `W`.
    pub fn through_target(self) -> bool {
        self == Variant::NoStopGrad
    }
}

/// Everything that defines a run apart from the seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// Which ingredients are on.
    pub variant: Variant,
    /// Euler step η of the encoder.
    pub lr: f64,
    /// Predictor speed ratio α (the predictor's step is `η α`).
    pub alpha: f64,
    /// Augmentation noise σ of each view.
    pub sigma: f64,
    /// Data variances `(λ1, λ2)`.
    pub lambda: [f64; 2],
    /// EMA coefficient τ of the target (EMA variants only).
    pub tau: f64,
    /// Minibatch size in sampled mode.
    pub batch: usize,
    /// Sampled minibatch gradients instead of the exact expected gradient.
    pub sampled: bool,
    /// Initial encoder scale: `W0 = w0 I`.
    pub w0: f64,
    /// Initial predictor scale: `P0 = p0 I` (for learnable predictors).
    pub p0: f64,
}

impl Config {
    /// The theory's defaults (§4) for a variant, in expected-gradient mode.
    pub fn defaults(variant: Variant) -> Self {
        Config {
            variant,
            lr: 0.05,
            alpha: 1.0,
            sigma: 0.5,
            lambda: [1.0, 0.5],
            tau: 0.99,
            batch: 64,
            sampled: false,
            w0: 0.7,
            p0: 0.2,
        }
    }

    /// The data covariance `X = diag(λ1, λ2)`.
    pub fn x(&self) -> Matrix2<f64> {
        Matrix2::new(self.lambda[0], 0.0, 0.0, self.lambda[1])
    }

    /// The view covariance `S = X + σ² I`.
    pub fn s(&self) -> Matrix2<f64> {
        let s2 = self.sigma * self.sigma;
        Matrix2::new(self.lambda[0] + s2, 0.0, 0.0, self.lambda[1] + s2)
    }

    /// The predictor's fixed point of mode `j`, `p*_j = λ_j / (λ_j + σ²)`.
    pub fn p_star(&self, j: usize) -> f64 {
        self.lambda[j] / (self.lambda[j] + self.sigma * self.sigma)
    }
}

/// The fixed random predictor of seed `seed`: entries i.i.d. `N(0, 1/2)`, the usual `1/fan_in` variance,
/// so that its expected squared Frobenius norm equals that of the identity.
pub fn fixed_predictor(seed: u64) -> Matrix2<f64> {
    let mut r = rng::stream(seed, STREAM_PREDICTOR);
    let s = std::f64::consts::FRAC_1_SQRT_2;
    let (a, b, c, d) = (rng::normal(&mut r), rng::normal(&mut r), rng::normal(&mut r), rng::normal(&mut r));
    Matrix2::new(s * a, s * b, s * c, s * d)
}

/// `n` fixed data points `x ~ N(0, diag(λ))` of seed `seed`, used only for drawing.
pub fn data_cloud(seed: u64, lambda: [f64; 2], n: usize) -> Vec<Vector2<f64>> {
    let mut r = rng::stream(seed, STREAM_CLOUD);
    let (a, b) = (lambda[0].sqrt(), lambda[1].sqrt());
    (0..n)
        .map(|_| {
            let z1 = rng::normal(&mut r);
            let z2 = rng::normal(&mut r);
            Vector2::new(a * z1, b * z2)
        })
        .collect()
}

/// The singular values `(s_max, s_min)` of a 2×2 matrix, in closed form.
///
/// With `W = [[a, b], [c, d]]`, `s_max ± s_min = ‖(a ± d, c ∓ b)‖`; `s_min` is then taken as
/// `|det W| / s_max`, which keeps its relative accuracy when `W` is nearly singular.
pub fn singular_values(w: &Matrix2<f64>) -> (f64, f64) {
    // Work on W / max|W_ij| so that intermediate sums cannot overflow.
    let m = w.amax();
    if m == 0.0 || !m.is_finite() {
        return (m, m);
    }
    let (a, b, c, d) = (w[(0, 0)] / m, w[(0, 1)] / m, w[(1, 0)] / m, w[(1, 1)] / m);
    let q = (a + d).hypot(c - b);
    let r = (a - d).hypot(c + b);
    let s_max = 0.5 * (q + r);
    let s_min = if s_max > 0.0 { (a * d - b * c).abs() / s_max } else { 0.0 };
    (m * s_max, m * s_min.min(s_max))
}

/// One run of the linear model.
#[derive(Clone, Debug)]
pub struct Linear {
    /// The configuration.
    pub cfg: Config,
    /// Online encoder `W`.
    pub w: Matrix2<f64>,
    /// Predictor `P` (the identity or the fixed random matrix when it is not learned).
    pub p: Matrix2<f64>,
    /// Target `T` (kept equal to `W` unless the variant uses an EMA target).
    pub t: Matrix2<f64>,
    /// Steps taken.
    pub steps: u64,
    batches: Rng,
}

impl Linear {
    /// A run at step 0: `W0 = w0 I`, `T0 = W0`, and `P0 = p0 I`, `I` or the seeded random predictor.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let w = Matrix2::identity() * cfg.w0;
        let p = match cfg.variant {
            Variant::NoPredictor | Variant::EmaNoPredictor => Matrix2::identity(),
            Variant::FixedPredictor => fixed_predictor(seed),
            _ => Matrix2::identity() * cfg.p0,
        };
        Linear { cfg, w, p, t: w, steps: 0, batches: rng::stream(seed, STREAM_BATCHES) }
    }

    /// The exact expected gradients `(gP, gW)` (theory §4).
    pub fn expected_grads(&self) -> (Matrix2<f64>, Matrix2<f64>) {
        let (x, s) = (self.cfg.x(), self.cfg.s());
        let r = self.p * self.w * s - self.t * x;
        let gp = r * self.w.transpose();
        let mut gw = self.p.transpose() * r;
        if self.cfg.variant.through_target() {
            gw -= self.p * self.w * x - self.w * s;
        }
        (gp, gw)
    }

    /// Minibatch estimates of `(gP, gW)` from `B` fresh pairs of views; consumes the batch stream. Their
    /// expectation is [`Linear::expected_grads`].
    pub fn sampled_grads(&mut self) -> (Matrix2<f64>, Matrix2<f64>) {
        let (l1, l2) = (self.cfg.lambda[0].sqrt(), self.cfg.lambda[1].sqrt());
        let sigma = self.cfg.sigma;
        let b = self.cfg.batch.max(1);
        let mut acc_p = Matrix2::zeros();
        let mut acc_1 = Matrix2::zeros();
        let mut acc_2 = Matrix2::zeros();
        let r_ = &mut self.batches;
        for _ in 0..b {
            let x = Vector2::new(l1 * rng::normal(r_), l2 * rng::normal(r_));
            let x1 = x + Vector2::new(rng::normal(r_), rng::normal(r_)) * sigma;
            let x2 = x + Vector2::new(rng::normal(r_), rng::normal(r_)) * sigma;
            let y1 = self.w * x1;
            let r = self.p * y1 - self.t * x2;
            acc_p += r * y1.transpose();
            acc_1 += r * x1.transpose();
            acc_2 += r * x2.transpose();
        }
        let inv = 1.0 / b as f64;
        let gp = acc_p * inv;
        let mut gw = self.p.transpose() * acc_1 * inv;
        if self.cfg.variant.through_target() {
            gw -= acc_2 * inv;
        }
        (gp, gw)
    }

    /// One explicit Euler step: `P ← P − ηα gP` (learnable predictors only), `W ← W − η gW`, then the target.
    pub fn step(&mut self) {
        let (gp, gw) = if self.cfg.sampled { self.sampled_grads() } else { self.expected_grads() };
        if self.cfg.variant.learns_predictor() {
            self.p -= gp * (self.cfg.lr * self.cfg.alpha);
        }
        self.w -= gw * self.cfg.lr;
        self.t = if self.cfg.variant.ema() { self.t * self.cfg.tau + self.w * (1.0 - self.cfg.tau) } else { self.w };
        self.steps += 1;
    }

    /// Whether every state entry is finite.
    pub fn is_finite(&self) -> bool {
        self.w.iter().chain(self.p.iter()).chain(self.t.iter()).all(|v| v.is_finite())
    }

    /// The embedding spread `sqrt(tr(W X Wᵀ)) = sqrt(Σ_ij λ_j W_ij²)`, scaled by the largest entry so that
    /// it stays finite whenever `W` is.
    pub fn spread(&self) -> f64 {
        let m = self.w.amax();
        if m == 0.0 || !m.is_finite() {
            return m;
        }
        let s = self.w / m;
        let x = self.cfg.x();
        m * (s * x * s.transpose()).trace().max(0.0).sqrt()
    }

    /// The singular values `(s_max, s_min)` of `W`.
    pub fn singular_values(&self) -> (f64, f64) {
        singular_values(&self.w)
    }

    /// The exact expected loss `½ E‖P W x1 − T x2‖² = ½ tr(PWSWᵀPᵀ) − tr(PWXTᵀ) + ½ tr(TSTᵀ)`.
    pub fn loss(&self) -> f64 {
        let (x, s) = (self.cfg.x(), self.cfg.s());
        let pw = self.p * self.w;
        0.5 * (pw * s * pw.transpose()).trace() - (pw * x * self.t.transpose()).trace()
            + 0.5 * (self.t * s * self.t.transpose()).trace()
    }

    /// Simulated time `t = steps × η`.
    pub fn time(&self) -> f64 {
        self.steps as f64 * self.cfg.lr
    }
}

/// The continuous-time end state of one eigenmode `j` (expected gradient, diagonal start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModePrediction {
    /// Whether the mode collapses (`w_j → 0`).
    pub collapse: bool,
    /// The limit of `p_j`, when the variant's theory gives one.
    pub p_inf: Option<f64>,
    /// The limit of `|w_j|`, when the variant's theory gives one (`+∞` means unbounded growth).
    pub w_inf: Option<f64>,
}

/// Predicts the end state of mode `j` from the closed forms of theory §4 (and their extensions below).
///
/// - SimSiam: each mode is Su's sg toy with the target 1 replaced by `p* = λ/(λ+σ²)`; `w² − p²/α` is
///   conserved, so `w∞ = sqrt(w0² + (p*² − p0²)/α)` unless the mode collapses, which happens iff the
///   quantity under the root is ≤ 0 with `p0 > p*`, or iff `w0² ≤ p0²/α` with `p0 < 0`. On collapse `p`
///   stops at `±sqrt(p0² − α w0²)`.
/// - No stop-grad (derived here, reducing to the toy's "full" mode when σ = 0): with `u = (λ+σ²)p − λ`
///   and `c² = (λ+σ²)² − λ²`, the quantity `w² − (u² + 2c² ln|u|) / (α (λ+σ²)²)` is conserved and
///   `|w|` falls monotonically. For σ > 0 the logarithm forbids `u → 0`, so every mode collapses and `p`
///   stops where `u² + 2c² ln|u|` has dropped by `α (λ+σ²)² w0²`.
/// - No predictor: `gW = σ² W`, so the mode decays geometrically unless σ = 0.
/// - EMA without predictor: the fixed points need `σ² w = 0`, so the mode collapses unless σ = 0 (the
///   rate is given by [`growth_predicted`]).
/// - BYOL: the only fixed point with `w ≠ 0` has `p = p*`; no closed form for `w∞` or for whether it is
///   reached, so only `p_inf = p*` is reported and `collapse` is `false`.
/// - Fixed random predictor: `W` evolves linearly with no non-trivial fixed point; see
///   [`growth_predicted`]. Nothing is reported per mode (`p_inf` and `w_inf` are `None`).
pub fn predict_mode(cfg: &Config, j: usize) -> ModePrediction {
    let (alpha, w0, p0) = (cfg.alpha, cfg.w0, cfg.p0);
    let lambda = cfg.lambda[j];
    let s = lambda + cfg.sigma * cfg.sigma;
    let p_star = lambda / s;
    let collapsed = |p_inf: Option<f64>| ModePrediction { collapse: true, p_inf, w_inf: Some(0.0) };
    match cfg.variant {
        Variant::SimSiam => {
            let c = w0 * w0 - p0 * p0 / alpha;
            let q = w0 * w0 + (p_star * p_star - p0 * p0) / alpha;
            let survive = ModePrediction { collapse: false, p_inf: Some(p_star), w_inf: Some(q.max(0.0).sqrt()) };
            if w0 == 0.0 {
                return collapsed(Some(p0));
            }
            if p0 > p_star {
                if q > 0.0 {
                    survive
                } else {
                    collapsed(Some((-alpha * c).sqrt()))
                }
            } else if p0 >= 0.0 || c > 0.0 {
                survive
            } else {
                collapsed(Some(-(-alpha * c).sqrt()))
            }
        }
        Variant::NoStopGrad => {
            let u0 = s * p0 - lambda;
            let c2 = s * s - lambda * lambda;
            let drop = alpha * s * s * w0 * w0;
            if w0 == 0.0 {
                return collapsed(Some(p0));
            }
            if u0 == 0.0 {
                // p starts at its fixed point and stays there while w decays.
                return collapsed(Some(p_star));
            }
            if c2 <= 0.0 {
                // σ = 0: the invariant is w² − u²/(α s²), the toy's "full" mode.
                let k = u0 * u0 - drop;
                if k < 0.0 {
                    return ModePrediction {
                        collapse: false,
                        p_inf: Some(p_star),
                        w_inf: Some((w0 * w0 - u0 * u0 / (alpha * s * s)).sqrt()),
                    };
                }
                return collapsed(Some((lambda + u0.signum() * k.sqrt()) / s));
            }
            // Solve v² + 2c² ln v = v0² + 2c² ln v0 − drop for v = |u| in (0, |u0|] by bisection on ln v.
            let v0 = u0.abs();
            let f = |lv: f64| (2.0 * lv).exp() + 2.0 * c2 * lv;
            let target = f(v0.ln()) - drop;
            let (mut lo, mut hi) = (v0.ln() - 1500.0, v0.ln());
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if f(mid) < target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let v = (0.5 * (lo + hi)).exp();
            collapsed(Some((lambda + u0.signum() * v) / s))
        }
        Variant::NoPredictor | Variant::EmaNoPredictor => {
            if cfg.sigma > 0.0 && w0 != 0.0 {
                ModePrediction { collapse: true, p_inf: None, w_inf: Some(0.0) }
            } else {
                ModePrediction { collapse: w0 == 0.0, p_inf: None, w_inf: Some(w0.abs()) }
            }
        }
        Variant::Byol => ModePrediction { collapse: false, p_inf: Some(p_star), w_inf: None },
        Variant::FixedPredictor => ModePrediction { collapse: false, p_inf: None, w_inf: None },
    }
}

/// The asymptotic per-step growth factor of `‖W‖` (and of the spread) for the variants whose update of
/// `W` is linear in expected mode, i.e. those without a learnable predictor; `None` for the others.
///
/// - No predictor: `W ← (1 − ησ²) W` exactly, so the factor is `|1 − ησ²|`.
/// - EMA without predictor: mode `j` evolves as the linear map `(w, t) ↦ (w', τt + (1−τ)w')` with
///   `w' = (1 − η s_j) w + η λ_j t`; the factor is the largest spectral radius of these 2×2 maps.
/// - Fixed predictor `P`: column `j` of `W` evolves as `w_j ↦ (I − η s_j PᵀP + η λ_j Pᵀ) w_j`; the factor is
///   the largest spectral radius of these maps. Above 1, `W` grows without bound (it never converges).
pub fn growth_predicted(cfg: &Config, p: &Matrix2<f64>) -> Option<f64> {
    let eta = cfg.lr;
    let sig2 = cfg.sigma * cfg.sigma;
    match cfg.variant {
        Variant::NoPredictor => Some((1.0 - eta * sig2).abs()),
        Variant::EmaNoPredictor => {
            let tau = cfg.tau;
            let rho = |j: usize| {
                let (l, s) = (cfg.lambda[j], cfg.lambda[j] + sig2);
                let a = 1.0 - eta * s;
                let m = Matrix2::new(a, eta * l, (1.0 - tau) * a, tau + (1.0 - tau) * eta * l);
                spectral_radius(&m)
            };
            Some(rho(0).max(rho(1)))
        }
        Variant::FixedPredictor => {
            let ptp = p.transpose() * p;
            let rho = |j: usize| {
                let (l, s) = (cfg.lambda[j], cfg.lambda[j] + sig2);
                let m = Matrix2::identity() - ptp * (eta * s) + p.transpose() * (eta * l);
                spectral_radius(&m)
            };
            Some(rho(0).max(rho(1)))
        }
        _ => None,
    }
}

/// One recorded sample for the time-series charts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Simulated time `steps × η`.
    pub t: f64,
    /// Largest singular value of `W`.
    pub sv_max: f64,
    /// Smallest singular value of `W`.
    pub sv_min: f64,
    /// `P[0][0]`.
    pub p11: f64,
    /// `P[1][1]`.
    pub p22: f64,
    /// The spread `sqrt(tr(W X Wᵀ))`.
    pub spread: f64,
}

/// The sample of the model's current state.
pub fn sample(m: &Linear) -> Sample {
    let (sv_max, sv_min) = m.singular_values();
    Sample { t: m.time(), sv_max, sv_min, p11: m.p[(0, 0)], p22: m.p[(1, 1)], spread: m.spread() }
}

/// One step of `m`, recorded in `hist`. This is the figure's whole per-step work, kept in the models crate so
/// that it runs at full optimisation while the glue that calls it is optimised for size (src/models.rs).
#[inline(never)]
pub fn step_recorded(m: &mut Linear, hist: &mut History<Sample>) {
    m.step();
    hist.push(m.steps, sample(m));
}
