//! The pure model of Su's scalar SimSiam toy: loss `l = (φθ − θ)²/2` under three gradient modes.
//!
//! Notation follows `shared/theory/simsiam.md` §2–3: `r = φθ − θ_T`, where the target `θ_T` is `θ`
//! itself or, in stop-gradient mode only, an exponential moving average of `θ`. `α` scales the predictor's
//! learning rate. This module imports neither plotters nor web-sys.

use crate::history::History;
/// Which gradient terms the encoder θ receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// SimSiam: stop-gradient on the target, `dθ/dt = −r φ`.
    Sg,
    /// No stop-gradient: both terms, `dθ/dt = −r (φ − 1)`.
    Full,
    /// Only the term that stop-gradient removes: `dθ/dt = +r`.
    Second,
}

impl Mode {
    /// All modes in display order.
    pub const ALL: [Mode; 3] = [Mode::Sg, Mode::Full, Mode::Second];

    /// The parameter-table name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sg => "sg",
            Mode::Full => "full",
            Mode::Second => "second",
        }
    }

    /// The mode with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// One Euler trajectory of the toy.
#[derive(Clone, Debug, PartialEq)]
pub struct Toy {
    /// The gradient mode.
    pub mode: Mode,
    /// Predictor speed ratio α.
    pub alpha: f64,
    /// Euler step η.
    pub lr: f64,
    /// EMA coefficient τ of the target (0 = the target is θ itself). Only used in [`Mode::Sg`].
    pub tau: f64,
    /// Predictor φ.
    pub phi: f64,
    /// Encoder θ.
    pub theta: f64,
    /// Target θ_T (equals θ when the EMA is off).
    pub target: f64,
}

impl Toy {
    /// A trajectory starting at `(φ0, θ0)` with the target equal to `θ0`.
    pub fn new(mode: Mode, alpha: f64, lr: f64, tau: f64, phi0: f64, theta0: f64) -> Self {
        // Differentiating through an EMA target is undefined, so the EMA only applies to stop-gradient mode.
        let tau = if mode == Mode::Sg { tau } else { 0.0 };
        Toy { mode, alpha, lr, tau, phi: phi0, theta: theta0, target: theta0 }
    }

    /// Whether the target is an EMA (rather than θ itself).
    pub fn ema_on(&self) -> bool {
        self.tau > 0.0
    }

    /// One explicit Euler step of size η (theory §3).
    pub fn step(&mut self) {
        let tgt = if self.ema_on() { self.target } else { self.theta };
        let r = self.phi * self.theta - tgt;
        let phi = self.phi - self.lr * self.alpha * r * self.theta;
        let theta = match self.mode {
            Mode::Sg => self.theta - self.lr * r * self.phi,
            Mode::Full => self.theta - self.lr * r * (self.phi - 1.0),
            Mode::Second => self.theta + self.lr * r,
        };
        self.phi = phi;
        self.theta = theta;
        self.target = if self.ema_on() { self.tau * self.target + (1.0 - self.tau) * theta } else { theta };
    }

    /// Whether the state is finite.
    pub fn is_finite(&self) -> bool {
        self.phi.is_finite() && self.theta.is_finite() && self.target.is_finite()
    }

    /// The mode's continuous-time conserved quantity at the current state (theory §2).
    pub fn invariant(&self) -> f64 {
        invariant(self.mode, self.alpha, self.phi, self.theta)
    }
}

/// The conserved quantity of `mode` at `(φ, θ)`: `θ² − φ²/α` (sg), `θ² − (φ−1)²/α` (full),
/// `θ²/2 + φ/α` (second).
pub fn invariant(mode: Mode, alpha: f64, phi: f64, theta: f64) -> f64 {
    match mode {
        Mode::Sg => theta * theta - phi * phi / alpha,
        Mode::Full => theta * theta - (phi - 1.0) * (phi - 1.0) / alpha,
        Mode::Second => theta * theta / 2.0 + phi / alpha,
    }
}

/// `θ²` on the invariant curve of `mode` with value `c`, as a function of φ.
pub fn theta_sq_on_curve(mode: Mode, alpha: f64, c: f64, phi: f64) -> f64 {
    match mode {
        Mode::Sg => c + phi * phi / alpha,
        Mode::Full => c + (phi - 1.0) * (phi - 1.0) / alpha,
        Mode::Second => 2.0 * (c - phi / alpha),
    }
}

/// The analytic end state of the continuous-time flow without EMA.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// Whether θ → 0.
    pub collapse: bool,
    /// The limit of φ.
    pub phi_inf: f64,
    /// The limit of θ (0 on collapse; otherwise with the sign of θ0, which the flow never changes).
    pub theta_inf: f64,
}

/// Predicts the end state from the start `(φ0, θ0)` (theory §2, derived from the invariants and the fact
/// that φ moves monotonically toward 1 while θ ≠ 0).
pub fn predict(mode: Mode, alpha: f64, phi0: f64, theta0: f64) -> Prediction {
    let sign = if theta0 < 0.0 { -1.0 } else { 1.0 };
    if theta0 == 0.0 {
        // The collapse line is made of fixed points.
        return Prediction { collapse: true, phi_inf: phi0, theta_inf: 0.0 };
    }
    if phi0 == 1.0 {
        return Prediction { collapse: false, phi_inf: 1.0, theta_inf: theta0 };
    }
    let c = invariant(mode, alpha, phi0, theta0);
    // θ² when φ reaches 1 along the invariant curve.
    let q = theta_sq_on_curve(mode, alpha, c, 1.0);
    let survive = |q: f64| Prediction { collapse: false, phi_inf: 1.0, theta_inf: sign * q.sqrt() };
    match mode {
        Mode::Sg => {
            if phi0 > 1.0 {
                // φ falls toward 1 and θ² = c + φ²/α falls with it.
                if q > 0.0 {
                    survive(q)
                } else {
                    Prediction { collapse: true, phi_inf: (-alpha * c).sqrt(), theta_inf: 0.0 }
                }
            } else if phi0 >= 0.0 {
                // φ rises toward 1 and θ² rises with it: never collapses.
                survive(q)
            } else if c > 0.0 {
                // φ rises through 0, where θ² = c is its minimum.
                survive(q)
            } else {
                Prediction { collapse: true, phi_inf: -(-alpha * c).sqrt(), theta_inf: 0.0 }
            }
        }
        Mode::Full => {
            if c > 0.0 {
                survive(c)
            } else {
                let d = (-alpha * c).sqrt();
                let phi_inf = if phi0 < 1.0 { 1.0 - d } else { 1.0 + d };
                Prediction { collapse: true, phi_inf, theta_inf: 0.0 }
            }
        }
        Mode::Second => {
            if q > 0.0 {
                survive(q)
            } else {
                Prediction { collapse: true, phi_inf: phi0 + alpha * theta0 * theta0 / 2.0, theta_inf: 0.0 }
            }
        }
    }
}

/// Samples the branch of the invariant curve through `(φ0, θ0)` on which the trajectory moves, over
/// `phi_range`, as polylines (the branch may break where θ² would be negative).
pub fn invariant_branch(
    mode: Mode,
    alpha: f64,
    phi0: f64,
    theta0: f64,
    phi_range: (f64, f64),
    n: usize,
) -> Vec<Vec<(f64, f64)>> {
    let sign = if theta0 < 0.0 { -1.0 } else { 1.0 };
    let c = invariant(mode, alpha, phi0, theta0);
    let mut lines = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for i in 0..=n {
        let phi = phi_range.0 + (phi_range.1 - phi_range.0) * i as f64 / n as f64;
        let t2 = theta_sq_on_curve(mode, alpha, c, phi);
        if t2 >= 0.0 && t2.is_finite() {
            cur.push((phi, sign * t2.sqrt()));
        } else if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    // Keep the connected piece nearest the start (the one it lies on): the flow never leaves it.
    let gap = |l: &Vec<(f64, f64)>| match (l.first(), l.last()) {
        (Some(a), Some(b)) => (a.0 - phi0).max(phi0 - b.0).max(0.0),
        _ => f64::INFINITY,
    };
    match (0..lines.len()).min_by(|&i, &j| gap(&lines[i]).total_cmp(&gap(&lines[j]))) {
        Some(i) => vec![lines.swap_remove(i)],
        None => lines,
    }
}

/// One step of `runs` (step number `step`, simulated time `t`), each recorded in its history: the first run
/// always, a ghost only while it is finite. This is the figure's whole per-step work, kept in the models crate so that it runs at full optimisation
/// while the glue that calls it is optimised for size (src/models.rs).
#[inline(never)]
pub fn step_runs(runs: &mut [Toy], hist: &mut [History<(f64, f64, f64)>], step: u64, t: f64) {
    for (i, (run, h)) in runs.iter_mut().zip(hist.iter_mut()).enumerate() {
        // A ghost that has gone non-finite stops; only the selected mode decides divergence.
        if i > 0 && !run.is_finite() {
            continue;
        }
        run.step();
        h.push(step, (t, run.phi, run.theta));
    }
}
