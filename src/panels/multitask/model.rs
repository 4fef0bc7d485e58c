//! Three quadratic tasks sharing a 2-D parameter and seven loss-weighting schemes racing on them (pure model).
//!
//! Theory: `shared/theory/multitask.md` §2. Task i has the loss `L_i(θ) = s_i (½‖θ − c_i‖² + m_i) + b_i` with
//! gradient `g_i = s_i (θ − c_i)`. The shift `b_i` is 0 for the user's tasks; the "+5 task 1" replay sets
//! `b_1 = 5`, which adds exactly 5 to the loss value (the note's `m_1 += 5` at its default `s_1 = 1`). Every
//! scheme takes `θ ← θ − η_k Σ_i w_i g_i` with its own weights `w_i` (theory §2, "Implementation notes").
//!
//! Divergence is per scheme: a step that would leave `|θ|∞ ≤ BOUND` or produce a non-finite value is not
//! taken; the scheme is frozen at its last good state and marked diverged. So the state of a [`Race`] is
//! always finite, and one scheme blowing up never poisons the others.

/// Number of tasks.
pub const N: usize = 3;

/// A scheme whose iterate leaves `|θ|∞ ≤ BOUND` is declared diverged. The plane is tens of units wide at
/// most (centres and start are limited to ±10), and a stable run contracts toward the hull of the centres
/// except for the uncertainty scheme's transient overshoot, which stays many orders of magnitude below this.
pub const BOUND: f64 = 1e6;

/// Guard on a gradient norm in gradient normalisation (theory §2: θ exactly at a centre).
pub const GRAD_EPS: f64 = 1e-12;

/// The seven weighting schemes, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `w_i = 1/n`.
    Equal,
    /// `w_i = 1/L_i(θ0)`: the initial loss (non-dimensionalisation).
    Init,
    /// `w_i = 1/D_i`: a prior loss given as a constant.
    Prior,
    /// `w_i = 1/L_i(θ)`: the real-time loss, the gradient of `Σ log L_i`.
    Realtime,
    /// `w_i = M^{1−γ} L_i^{γ−1}/n`: the exact gradient of the generalised mean `M = ((1/n) Σ L_i^γ)^{1/γ}`.
    GenMean,
    /// `w_i = 1/‖g_i‖` with a decaying step: gradient normalisation (the post's, not Chen et al.'s GradNorm).
    GradNorm,
    /// `w_i = ½ e^{−u_i}` with learned log-variances `u_i` (Kendall et al.; not from the post).
    Uncertainty,
}

impl Scheme {
    /// All schemes in display order.
    pub const ALL: [Scheme; 7] = [
        Scheme::Equal,
        Scheme::Init,
        Scheme::Prior,
        Scheme::Realtime,
        Scheme::GenMean,
        Scheme::GradNorm,
        Scheme::Uncertainty,
    ];

    /// The stable name used in metric names and the `show` parameter.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Equal => "equal",
            Scheme::Init => "init",
            Scheme::Prior => "prior",
            Scheme::Realtime => "realtime",
            Scheme::GenMean => "genmean",
            Scheme::GradNorm => "gradnorm",
            Scheme::Uncertainty => "uncertainty",
        }
    }

    /// The position in [`Scheme::ALL`].
    pub fn index(self) -> usize {
        Scheme::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The scheme with this name.
    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The three tasks: centres, scales, offsets, additive shifts and the prior constants `D_i`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tasks {
    /// Centres `c_i`.
    pub c: [[f64; 2]; N],
    /// Scales `s_i > 0`.
    pub s: [f64; N],
    /// Offsets (irreducible losses) `m_i > 0`.
    pub m: [f64; N],
    /// Additive shifts `b_i` of the loss value (0 except in the "+5" replay).
    pub b: [f64; N],
    /// Prior losses `D_i > 0` used by the prior scheme.
    pub prior: [f64; N],
}

/// A change applied to task 1 to test invariance (the two replay buttons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// No replay.
    None,
    /// Multiply task 1's loss by 1000.
    Scale1000,
    /// Add 5 to task 1's loss.
    Plus5,
}

impl Tasks {
    /// `L_i(θ)`.
    pub fn loss(&self, i: usize, th: [f64; 2]) -> f64 {
        let (dx, dy) = (th[0] - self.c[i][0], th[1] - self.c[i][1]);
        self.s[i] * (0.5 * (dx * dx + dy * dy) + self.m[i]) + self.b[i]
    }

    /// All three losses at `θ`.
    pub fn losses(&self, th: [f64; 2]) -> [f64; N] {
        [self.loss(0, th), self.loss(1, th), self.loss(2, th)]
    }

    /// `g_i = ∇L_i(θ) = s_i (θ − c_i)`.
    pub fn grad(&self, i: usize, th: [f64; 2]) -> [f64; 2] {
        [self.s[i] * (th[0] - self.c[i][0]), self.s[i] * (th[1] - self.c[i][1])]
    }

    /// The tasks with task 1's loss transformed. The prior constant `D_1` is a loss value of task 1 (the
    /// loss of a model that knows only the label prior), so it transforms with the loss: ×1000 or +5.
    /// With `D_1` held fixed instead, the prior scheme would look scale-variant and shift-invariant,
    /// the opposite of what the post says about a true prior loss.
    pub fn transformed(&self, r: Replay) -> Tasks {
        let mut t = *self;
        match r {
            Replay::None => {}
            Replay::Scale1000 => {
                t.s[0] *= 1000.0;
                t.b[0] *= 1000.0;
                t.prior[0] *= 1000.0;
            }
            Replay::Plus5 => {
                t.b[0] += 5.0;
                t.prior[0] += 5.0;
            }
        }
        t
    }
}

/// The run settings shared by all schemes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Step size η.
    pub lr: f64,
    /// Exponent γ of the generalised mean.
    pub gamma: f64,
    /// The start θ0.
    pub theta0: [f64; 2],
}

/// `log M(γ)` for the generalised mean `M = ((1/n) Σ L_i^γ)^{1/γ}` of positive losses, from their logs.
///
/// For `|γ| < 0.5` the mean of `L_i^γ` is written as `1 + mean(expm1(γ log L_i))` and its log taken with
/// `ln_1p`, which keeps `log M` accurate as γ → 0 (where it tends to the mean log, the geometric mean); for
/// larger `|γ|` a log-sum-exp shifted by the largest term avoids overflow. γ = 0 exactly is the geometric mean.
pub fn log_genmean(ll: [f64; N], gamma: f64) -> f64 {
    let n = N as f64;
    if gamma == 0.0 {
        ll.iter().sum::<f64>() / n
    } else if gamma.abs() < 0.5 {
        (ll.iter().map(|x| (gamma * x).exp_m1()).sum::<f64>() / n).ln_1p() / gamma
    } else {
        let a = ll.iter().map(|x| gamma * x).fold(f64::NEG_INFINITY, f64::max);
        (a + (ll.iter().map(|x| (gamma * x - a).exp()).sum::<f64>() / n).ln()) / gamma
    }
}

/// The generalised mean `M(γ)` of positive losses.
pub fn genmean(l: [f64; N], gamma: f64) -> f64 {
    log_genmean(l.map(f64::ln), gamma).exp()
}

/// The generalised-mean weights `∂M/∂L_i = M^{1−γ} L_i^{γ−1} / n` (theory §2), evaluated in log space so that
/// `L_i^γ` cannot overflow for large `|γ|`; at γ = 0 they are the limit `G/(n L_i)` (G the geometric mean).
pub fn genmean_weights(l: [f64; N], gamma: f64) -> [f64; N] {
    let ll = l.map(f64::ln);
    let log_m = log_genmean(ll, gamma);
    ll.map(|x| ((1.0 - gamma) * log_m + (gamma - 1.0) * x - (N as f64).ln()).exp())
}

/// One scheme's run.
#[derive(Clone, Debug)]
pub struct Run {
    /// The scheme.
    pub scheme: Scheme,
    /// The current iterate θ (the last good one if diverged).
    pub theta: [f64; 2],
    /// The uncertainty scheme's log-variances `u_i` (start 0); unused by the others.
    pub u: [f64; N],
    /// `L_i(θ0)`, frozen at the start (init scheme).
    pub init_loss: [f64; N],
    /// The weights `w_i` used in the last step (at the start: the weights the first step will use).
    pub w: [f64; N],
    /// Steps taken.
    pub k: u64,
    /// The step whose result left the bound or was non-finite.
    pub diverged_at: Option<u64>,
    /// The decimated path in the plane.
    pub trail: Trail,
    /// `(step, [L_1, L_2, L_3])` at the race's sample steps.
    pub losses: Vec<(u64, [f64; N])>,
}

impl Run {
    fn new(scheme: Scheme, tasks: &Tasks, set: &Settings, delta: f64) -> Self {
        let th = set.theta0;
        let mut run = Run {
            scheme,
            theta: th,
            u: [0.0; N],
            init_loss: tasks.losses(th),
            w: [0.0; N],
            k: 0,
            diverged_at: None,
            trail: Trail::new(delta, 400),
            losses: Vec::with_capacity(LOSS_SAMPLES_RESERVED),
        };
        run.losses.push((0, tasks.losses(th)));
        run.trail.push(th);
        run.w = run.weights(tasks, set);
        run
    }

    /// Whether the run has diverged.
    pub fn diverged(&self) -> bool {
        self.diverged_at.is_some()
    }

    /// The scheme's weights `w_i` at the current state.
    pub fn weights(&self, tasks: &Tasks, set: &Settings) -> [f64; N] {
        let n = N as f64;
        match self.scheme {
            Scheme::Equal => [1.0 / n; N],
            Scheme::Init => self.init_loss.map(|l| 1.0 / l),
            Scheme::Prior => tasks.prior.map(|d| 1.0 / d),
            Scheme::Realtime => tasks.losses(self.theta).map(|l| 1.0 / l),
            Scheme::GenMean => genmean_weights(tasks.losses(self.theta), set.gamma),
            Scheme::GradNorm => {
                let mut w = [0.0; N];
                for (i, wi) in w.iter_mut().enumerate() {
                    let g = tasks.grad(i, self.theta);
                    *wi = 1.0 / g[0].hypot(g[1]).max(GRAD_EPS);
                }
                w
            }
            Scheme::Uncertainty => self.u.map(|u| 0.5 * (-u).exp()),
        }
    }

    /// The step size of step `k` (0-based): η, or `η/√(1 + k/100)` for gradient normalisation.
    pub fn step_size(&self, lr: f64) -> f64 {
        match self.scheme {
            Scheme::GradNorm => lr / (1.0 + self.k as f64 / 100.0).sqrt(),
            _ => lr,
        }
    }

    /// The pull shares `w_i s_i / Σ_j w_j s_j`: at a fixed point θ* = Σ_i share_i c_i (theory §2).
    pub fn shares(&self, tasks: &Tasks) -> [f64; N] {
        let a: [f64; N] = std::array::from_fn(|i| self.w[i] * tasks.s[i]);
        let sum: f64 = a.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            a.map(|x| x / sum)
        } else {
            [f64::NAN; N]
        }
    }

    /// One step; a step that leaves the bound or is non-finite marks the run diverged and is not taken.
    fn step(&mut self, tasks: &Tasks, set: &Settings) {
        if self.diverged() {
            return;
        }
        let w = self.weights(tasks, set);
        let eta = self.step_size(set.lr);
        let mut dir = [0.0; 2];
        for (i, wi) in w.iter().enumerate() {
            let g = tasks.grad(i, self.theta);
            dir[0] += wi * g[0];
            dir[1] += wi * g[1];
        }
        let th = [self.theta[0] - eta * dir[0], self.theta[1] - eta * dir[1]];
        let mut u = self.u;
        if self.scheme == Scheme::Uncertainty {
            // u_i ← u_i − η(−½ e^{−u_i} L_i + ½), with L_i at the old θ (simultaneous update).
            let l = tasks.losses(self.theta);
            for i in 0..N {
                u[i] -= set.lr * (-0.5 * (-self.u[i]).exp() * l[i] + 0.5);
            }
        }
        self.k += 1;
        let ok = th.iter().all(|x| x.is_finite() && x.abs() <= BOUND) && u.iter().all(|x| x.is_finite());
        if !ok {
            self.diverged_at = Some(self.k);
            return;
        }
        self.theta = th;
        self.u = u;
        self.w = w;
        self.trail.push(th);
    }

    /// Whether all state is finite (always true by construction; checked for the runner).
    pub fn is_finite(&self) -> bool {
        self.theta.iter().chain(&self.u).all(|x| x.is_finite())
    }
}

/// A path in the plane decimated by distance: a point is kept when it lies at least `delta` from the last kept
/// point; when `cap` points are kept, `delta` doubles and the path is thinned.
///
/// Decimating by step count (as [`crate::history::History`] does) would thin the first few hundred steps,
/// where every scheme's interesting transient lies, as soon as a long run fills the buffer; decimating by
/// distance keeps the shape of the path at any length, and a converged run adds no points at all.
#[derive(Clone, Debug)]
pub struct Trail {
    pts: Vec<[f64; 2]>,
    delta: f64,
    cap: usize,
}

impl Trail {
    /// An empty trail with resolution `delta` and at most `cap` points.
    pub fn new(delta: f64, cap: usize) -> Self {
        Trail { pts: Vec::with_capacity(cap.max(16)), delta: delta.max(1e-12), cap: cap.max(16) }
    }

    /// Offers a point.
    pub fn push(&mut self, p: [f64; 2]) {
        let far = match self.pts.last() {
            Some(q) => (p[0] - q[0]).hypot(p[1] - q[1]) >= self.delta,
            None => true,
        };
        if !far {
            return;
        }
        self.pts.push(p);
        if self.pts.len() >= self.cap {
            self.delta *= 2.0;
            let delta = self.delta;
            let mut kept: Vec<[f64; 2]> = Vec::with_capacity(self.pts.len());
            for &q in &self.pts {
                match kept.last() {
                    Some(r) if (q[0] - r[0]).hypot(q[1] - r[1]) < delta => {}
                    _ => kept.push(q),
                }
            }
            self.pts = kept;
        }
    }

    /// The kept points, oldest first.
    pub fn points(&self) -> &[[f64; 2]] {
        &self.pts
    }
}

/// All seven schemes on one set of tasks.
#[derive(Clone, Debug)]
pub struct Race {
    /// The tasks.
    pub tasks: Tasks,
    /// The shared settings.
    pub set: Settings,
    /// One run per scheme, in [`Scheme::ALL`] order.
    pub runs: Vec<Run>,
    /// Steps taken.
    pub steps: u64,
    next_sample: u64,
}

/// Whether loss samples are taken at every step up to this one; after it they are geometrically spaced.
const DENSE_SAMPLES: u64 = 64;

/// Loss samples reserved per run when it is created: the samples are geometrically spaced (×1.03) after
/// [`DENSE_SAMPLES`], so 1 024 of them last beyond step 10¹⁴, and a long run's memory does not grow as they
/// accumulate (with a growing vector it doubled once near step 20 000 and again near step 3·10⁷, about ten
/// minutes into a page's run). 32 bytes each, 7 runs: 229 KB.
const LOSS_SAMPLES_RESERVED: usize = 1024;

impl Race {
    /// All schemes at θ0. `delta` is the trail resolution in plane units.
    pub fn new(tasks: Tasks, set: Settings, delta: f64) -> Self {
        let runs = Scheme::ALL.iter().map(|s| Run::new(*s, &tasks, &set, delta)).collect();
        Race { tasks, set, runs, steps: 0, next_sample: 1 }
    }

    /// One step of every scheme that has not diverged. Losses are recorded at every step up to 64 and then
    /// at steps growing by 3 %, which keeps a log-step axis evenly filled with O(log steps) samples.
    pub fn step(&mut self) {
        self.steps += 1;
        let sample = self.steps >= self.next_sample;
        if sample {
            self.next_sample = if self.steps < DENSE_SAMPLES {
                self.steps + 1
            } else {
                (self.steps + 1).max((self.steps as f64 * 1.03).ceil() as u64)
            };
        }
        for run in &mut self.runs {
            run.step(&self.tasks, &self.set);
            if sample && !run.diverged() {
                run.losses.push((self.steps, self.tasks.losses(run.theta)));
            }
        }
    }

    /// The run of `scheme`.
    pub fn run(&self, scheme: Scheme) -> &Run {
        &self.runs[scheme.index()]
    }

    /// Whether every run's state is finite.
    pub fn is_finite(&self) -> bool {
        self.runs.iter().all(Run::is_finite)
    }
}
