//! The training toy of theory §4: K one-hot prototypes, two noisy views each, a d×K linear encoder with
//! normalised outputs, trained with InfoNCE or FlatNCE by Adam or SGD in f32 or f64.
//!
//! Pure: no drawing, no clock. The initial encoder comes from the seeded stream 0 and the views' noise from
//! stream 1, so a run of the other loss from the same seed (the ghost) starts from the same encoder and sees
//! the same batches. All arithmetic of a run happens in its precision `F` (inputs, forward pass, the score
//! losses of `flatnce_fp::loss`, backward pass and optimiser state); alongside, every step also computes
//! the f64 gradient on the same batch from the same (f64-widened) weights, which gives `cos(g, g64)` and
//! the per-anchor ξ_k of the readouts.

use crate::panels::flatnce::loss::{cosine, flatnce, infonce, Real};
use crate::rng;

/// Which contrastive loss is trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossKind {
    /// Cross-entropy over all candidates: `log(1 + ξ)` per anchor.
    InfoNce,
    /// Cross-entropy without the positive in the log-sum-exp: `log ξ` per anchor.
    FlatNce,
}

impl LossKind {
    /// The parameter value.
    pub fn name(self) -> &'static str {
        match self {
            LossKind::InfoNce => "infonce",
            LossKind::FlatNce => "flatnce",
        }
    }
    /// The name shown in the figure.
    pub fn label(self) -> &'static str {
        match self {
            LossKind::InfoNce => "InfoNCE",
            LossKind::FlatNce => "FlatNCE",
        }
    }
    /// Parses a parameter value.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "infonce" => Some(LossKind::InfoNce),
            "flatnce" => Some(LossKind::FlatNce),
            _ => None,
        }
    }
    /// The other loss (the ghost's).
    pub fn other(self) -> Self {
        match self {
            LossKind::InfoNce => LossKind::FlatNce,
            LossKind::FlatNce => LossKind::InfoNce,
        }
    }
}

/// The arithmetic of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// float32 throughout.
    F32,
    /// float64 throughout.
    F64,
}

/// The optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 (theory §4).
    Adam,
    /// Plain gradient descent.
    Sgd,
}

/// Adam's first-moment decay.
pub const BETA1: f64 = 0.9;
/// Adam's second-moment decay.
pub const BETA2: f64 = 0.999;
/// Adam's ε.
pub const ADAM_EPS: f64 = 1e-8;

/// The toy's configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// The trained loss.
    pub loss: LossKind,
    /// The arithmetic.
    pub precision: Precision,
    /// The optimiser.
    pub optimizer: Optimizer,
    /// Learning rate.
    pub lr: f64,
    /// Temperature τ.
    pub tau: f64,
    /// Number of prototypes N = batch size K (inputs are one-hot in R^K).
    pub k: usize,
    /// Embedding dimension d (2: circle, 3: sphere).
    pub dim: usize,
    /// Noise of the views: x = e_n + σε.
    pub sigma: f64,
}

impl Config {
    /// The defaults of theory §4 with the given loss.
    pub fn defaults(loss: LossKind) -> Self {
        Config {
            loss,
            precision: Precision::F32,
            optimizer: Optimizer::Adam,
            lr: 1e-2,
            tau: 0.05,
            k: 4,
            dim: 2,
            sigma: 0.05,
        }
    }
}

/// One step's inputs: two views of every prototype, each a row of length K (row-major K×K).
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// View 1 (the anchors), row k = e_k + σε.
    pub x1: Vec<f64>,
    /// View 2 (the candidates).
    pub x2: Vec<f64>,
}

impl Batch {
    /// Draws a batch of `k` prototypes with noise `sigma` from `rng` (2k² normal draws, always, so that the
    /// stream advances the same way whatever σ is).
    pub fn draw(rng: &mut rng::Rng, k: usize, sigma: f64) -> Self {
        let mut view = || {
            let mut x = vec![0.0; k * k];
            for r in 0..k {
                for c in 0..k {
                    x[r * k + c] = if r == c { 1.0 } else { 0.0 } + sigma * rng::normal(rng);
                }
            }
            x
        };
        let x1 = view();
        let x2 = view();
        Batch { x1, x2 }
    }
}

/// The result of one forward and backward pass in precision `F`.
#[derive(Clone, Debug)]
pub struct Pass<F> {
    /// The mean loss over the K anchors.
    pub loss: F,
    /// Each anchor's loss.
    pub anchor_loss: Vec<F>,
    /// ∂loss/∂W, row-major d×K.
    pub grad: Vec<F>,
    /// Scores S_kj = a_k·b_j/τ, row-major K×K.
    pub scores: Vec<F>,
    /// Anchor embeddings a_k, row-major K×d.
    pub a: Vec<F>,
    /// Candidate embeddings b_j, row-major K×d.
    pub b: Vec<F>,
}

/// Embeds the rows of `x` (K×K) with `w` (d×K): returns the normalised embeddings (K×d) and the norms.
fn embed<F: Real>(w: &[F], x: &[f64], k: usize, d: usize) -> (Vec<F>, Vec<F>) {
    let mut z = vec![F::ZERO; k * d];
    let mut norms = vec![F::ZERO; k];
    for row in 0..k {
        let xr = &x[row * k..row * k + k];
        let mut sq = F::ZERO;
        for r in 0..d {
            let mut acc = F::ZERO;
            for c in 0..k {
                acc += w[r * k + c] * F::of(xr[c]);
            }
            z[row * d + r] = acc;
            sq += acc * acc;
        }
        let n = sq.sqrt();
        norms[row] = n;
        for r in 0..d {
            z[row * d + r] = z[row * d + r] / n;
        }
    }
    (z, norms)
}

/// Back through `z = v/‖v‖` and `v = W x`: adds `(gZ − z(z·gZ))/‖v‖ · xᵀ` of every row to `grad`.
fn backprop_view<F: Real>(grad: &mut [F], gz: &[F], z: &[F], norms: &[F], x: &[f64], k: usize, d: usize) {
    for row in 0..k {
        let zr = &z[row * d..row * d + d];
        let gr = &gz[row * d..row * d + d];
        let mut dot = F::ZERO;
        for r in 0..d {
            dot += zr[r] * gr[r];
        }
        for r in 0..d {
            let gv = (gr[r] - zr[r] * dot) / norms[row];
            for c in 0..k {
                grad[r * k + c] += gv * F::of(x[row * k + c]);
            }
        }
    }
}

/// One forward and backward pass of `loss` at weights `w` (d×K) on `batch`, entirely in `F` (theory §4's
/// backprop: gS from the score losses over K, gA = gS·B/τ, gB = gSᵀ·A/τ, then through the normalisation).
pub fn pass<F: Real>(w: &[F], batch: &Batch, k: usize, d: usize, tau: f64, loss: LossKind) -> Pass<F> {
    let tau_f = F::of(tau);
    let kf = F::of(k as f64);
    let (a, na) = embed(w, &batch.x1, k, d);
    let (b, nb) = embed(w, &batch.x2, k, d);
    let mut scores = vec![F::ZERO; k * k];
    for i in 0..k {
        for j in 0..k {
            let mut dot = F::ZERO;
            for r in 0..d {
                dot += a[i * d + r] * b[j * d + r];
            }
            scores[i * k + j] = dot / tau_f;
        }
    }
    let mut gs = vec![F::ZERO; k * k];
    let mut anchor_loss = vec![F::ZERO; k];
    let mut total = F::ZERO;
    for i in 0..k {
        let row = &scores[i * k..i * k + k];
        let g = &mut gs[i * k..i * k + k];
        let l = match loss {
            LossKind::InfoNce => infonce(row, i, g),
            LossKind::FlatNce => flatnce(row, i, g),
        };
        for gv in g.iter_mut() {
            *gv = *gv / kf;
        }
        anchor_loss[i] = l;
        total += l;
    }
    let mut ga = vec![F::ZERO; k * d];
    let mut gb = vec![F::ZERO; k * d];
    for i in 0..k {
        for j in 0..k {
            let g = gs[i * k + j];
            for r in 0..d {
                ga[i * d + r] += g * b[j * d + r];
                gb[j * d + r] += g * a[i * d + r];
            }
        }
    }
    for v in ga.iter_mut().chain(gb.iter_mut()) {
        *v = *v / tau_f;
    }
    let mut grad = vec![F::ZERO; d * k];
    backprop_view(&mut grad, &ga, &a, &na, &batch.x1, k, d);
    backprop_view(&mut grad, &gb, &b, &nb, &batch.x2, k, d);
    Pass { loss: total / kf, anchor_loss, grad, scores, a, b }
}

/// Per-anchor ξ_k = Σ_{j≠k} exp(S_kj − S_kk) in f64 from a K×K score matrix.
pub fn anchor_xi(scores: &[f64], k: usize) -> Vec<f64> {
    (0..k)
        .map(|i| {
            let skk = scores[i * k + i];
            (0..k).filter(|&j| j != i).map(|j| (scores[i * k + j] - skk).exp()).sum()
        })
        .collect()
}

/// The median of finite values (mean of the two middle ones for an even count); NaN when there are none.
pub fn median(v: &[f64]) -> f64 {
    let finite: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if finite.is_empty() {
        return f64::NAN;
    }
    // Gathered through the crate's one index sort (so no other sort is compiled); values equal in total
    // order are equal bits, so this is the sorted list.
    let s: Vec<f64> = crate::math::argsort(&finite, false).into_iter().map(|i| finite[i]).collect();
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}

/// The largest cosine between the clean prototype embeddings `W e_n / ‖W e_n‖` (columns of W).
pub fn max_cos(w: &[f64], k: usize, d: usize) -> f64 {
    // Each column gathered once (not once per pair: this runs at every step, twice).
    let cols: Vec<Vec<f64>> = (0..k).map(|n| (0..d).map(|r| w[r * k + n]).collect()).collect();
    let mut best = f64::NEG_INFINITY;
    for n in 0..k {
        for m in n + 1..k {
            best = best.max(cosine(&cols[n], &cols[m]));
        }
    }
    best
}

/// The clean prototype embeddings (K×d, unit rows; a zero column stays zero).
pub fn prototypes(w: &[f64], k: usize, d: usize) -> Vec<f64> {
    let mut z = vec![0.0; k * d];
    for n in 0..k {
        let norm: f64 = (0..d).map(|r| w[r * k + n] * w[r * k + n]).sum::<f64>().sqrt();
        for r in 0..d {
            z[n * d + r] = if norm > 0.0 { w[r * k + n] / norm } else { 0.0 };
        }
    }
    z
}

/// The optimum of `max_cos` where it is known: the regular polygon `cos(2π/N)` on the circle (theory §4),
/// and on the sphere the configurations whose optimality is classical: the regular simplex for N ≤ 4
/// (`−1/(N−1)`), the octahedron for N = 6 and the icosahedron for N = 12 (universally optimal, so also
/// optimal for these smooth losses), and N = 5, whose best minimum angle is 90° (Tammes problem; the
/// triangular bipyramid reaches it), so 0. Other N on the sphere have no closed form: `None`.
pub fn max_cos_target(k: usize, d: usize) -> Option<f64> {
    match (d, k) {
        (_, 0 | 1) => None,
        (2, n) => Some((2.0 * std::f64::consts::PI / n as f64).cos()),
        (3, n @ 2..=4) => Some(-1.0 / (n as f64 - 1.0)),
        (3, 5 | 6) => Some(0.0),
        (3, 12) => Some(1.0 / 5f64.sqrt()),
        _ => None,
    }
}

/// A network and its optimiser state in precision `F`.
#[derive(Clone, Debug)]
pub struct Net<F> {
    /// The encoder W, row-major d×K.
    pub w: Vec<F>,
    m: Vec<F>,
    v: Vec<F>,
    b1t: F,
    b2t: F,
}

impl<F: Real> Net<F> {
    fn new(w0: &[f64]) -> Self {
        let n = w0.len();
        Net {
            w: w0.iter().map(|&x| F::of(x)).collect(),
            m: vec![F::ZERO; n],
            v: vec![F::ZERO; n],
            b1t: F::ONE,
            b2t: F::ONE,
        }
    }

    /// One optimiser step with gradient `g`, in `F`.
    fn update(&mut self, g: &[F], opt: Optimizer, lr: f64) {
        let lr = F::of(lr);
        match opt {
            Optimizer::Sgd => {
                for (w, &gi) in self.w.iter_mut().zip(g) {
                    *w = *w - lr * gi;
                }
            }
            Optimizer::Adam => {
                let (b1, b2, eps) = (F::of(BETA1), F::of(BETA2), F::of(ADAM_EPS));
                self.b1t = self.b1t * b1;
                self.b2t = self.b2t * b2;
                let (c1, c2) = (F::ONE - self.b1t, F::ONE - self.b2t);
                for (((w, m), v), &gi) in self.w.iter_mut().zip(self.m.iter_mut()).zip(self.v.iter_mut()).zip(g) {
                    *m = b1 * *m + (F::ONE - b1) * gi;
                    *v = b2 * *v + (F::ONE - b2) * gi * gi;
                    let mhat = *m / c1;
                    let vhat = *v / c2;
                    *w = *w - lr * mhat / (vhat.sqrt() + eps);
                }
            }
        }
    }

    fn is_finite(&self) -> bool {
        self.w.iter().chain(&self.m).chain(&self.v).all(|x| x.is_finite())
    }
}

/// A network in the chosen precision.
#[derive(Clone, Debug)]
pub enum AnyNet {
    /// float32.
    F32(Net<f32>),
    /// float64.
    F64(Net<f64>),
}

/// What one evaluation at the current weights reports (all in f64 for the readouts).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The run's loss in its own precision (exactly 0.0 when every f32 InfoNCE anchor loss rounds to 0).
    pub loss: f64,
    /// Anchors whose loss is exactly 0 in the run's precision.
    pub zero_anchors: usize,
    /// The median over anchors of ξ_k (f64).
    pub xi_median: f64,
    /// Per-anchor ξ_k (f64).
    pub xi: Vec<f64>,
    /// cos(g, g64): the run's flattened ∂loss/∂W against the f64 one on the same batch.
    pub cos_g_g64: f64,
    /// The run's gradient norm.
    pub grad_norm: f64,
    /// Largest cosine between clean prototype embeddings.
    pub maxcos: f64,
    /// Clean prototype embeddings (K×d).
    pub protos: Vec<f64>,
    /// The batch's anchor embeddings in f64 (K×d).
    pub anchors: Vec<f64>,
}

/// One training run: its network, the gradient of the pending batch and the snapshot of the current state.
#[derive(Clone, Debug)]
pub struct Run {
    /// The configuration.
    pub cfg: Config,
    /// The network.
    pub net: AnyNet,
    grad32: Vec<f32>,
    grad64: Vec<f64>,
    /// The readouts at the current weights on the pending batch.
    pub snap: Snapshot,
}

fn widen<F: Real>(v: &[F]) -> Vec<f64> {
    v.iter().map(|x| x.f64()).collect()
}

impl Run {
    /// A run from weights `w0` (d×K, f64, rounded once into the run's precision), evaluated on `batch`.
    pub fn new(cfg: Config, w0: &[f64], batch: &Batch) -> Self {
        let net = match cfg.precision {
            Precision::F32 => AnyNet::F32(Net::new(w0)),
            Precision::F64 => AnyNet::F64(Net::new(w0)),
        };
        let mut run = Run { cfg, net, grad32: Vec::new(), grad64: Vec::new(), snap: empty_snapshot() };
        run.evaluate(batch);
        run
    }

    /// The weights widened to f64.
    pub fn weights(&self) -> Vec<f64> {
        match &self.net {
            AnyNet::F32(n) => widen(&n.w),
            AnyNet::F64(n) => n.w.clone(),
        }
    }

    /// Evaluates the current weights on `batch`: the run's gradient (kept for the next update), the f64
    /// reference gradient and the readouts.
    pub fn evaluate(&mut self, batch: &Batch) {
        let (k, d, tau, loss) = (self.cfg.k, self.cfg.dim, self.cfg.tau, self.cfg.loss);
        let w64 = self.weights();
        let reference: Pass<f64> = pass(&w64, batch, k, d, tau, loss);
        let (loss_v, zeros, g) = match &self.net {
            AnyNet::F32(n) => {
                let p: Pass<f32> = pass(&n.w, batch, k, d, tau, loss);
                let zeros = p.anchor_loss.iter().filter(|l| **l == 0.0).count();
                let g = widen(&p.grad);
                self.grad32 = p.grad;
                (p.loss as f64, zeros, g)
            }
            AnyNet::F64(_) => {
                let zeros = reference.anchor_loss.iter().filter(|l| **l == 0.0).count();
                self.grad64 = reference.grad.clone();
                (reference.loss, zeros, reference.grad.clone())
            }
        };
        let xi = anchor_xi(&reference.scores, k);
        let grad_norm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
        self.snap = Snapshot {
            loss: loss_v,
            zero_anchors: zeros,
            xi_median: median(&xi),
            xi,
            cos_g_g64: cosine(&g, &reference.grad),
            grad_norm,
            maxcos: max_cos(&w64, k, d),
            protos: prototypes(&w64, k, d),
            anchors: reference.a,
        };
    }

    /// One optimiser step with the pending gradient.
    pub fn update(&mut self) {
        let (opt, lr) = (self.cfg.optimizer, self.cfg.lr);
        match &mut self.net {
            AnyNet::F32(n) => n.update(&self.grad32, opt, lr),
            AnyNet::F64(n) => n.update(&self.grad64, opt, lr),
        }
    }

    /// Whether the network, its optimiser state and the readouts are finite.
    pub fn is_finite(&self) -> bool {
        let net_ok = match &self.net {
            AnyNet::F32(n) => n.is_finite(),
            AnyNet::F64(n) => n.is_finite(),
        };
        net_ok && self.snap.loss.is_finite() && self.snap.maxcos.is_finite()
    }
}

fn empty_snapshot() -> Snapshot {
    Snapshot {
        loss: 0.0,
        zero_anchors: 0,
        xi_median: 0.0,
        xi: Vec::new(),
        cos_g_g64: 1.0,
        grad_norm: 0.0,
        maxcos: 0.0,
        protos: Vec::new(),
        anchors: Vec::new(),
    }
}

/// The initial encoder for `seed`: d×K standard normal entries (stream 0), so prototypes start in random
/// directions.
pub fn initial_weights(seed: u64, k: usize, d: usize) -> Vec<f64> {
    let mut r = rng::stream(seed, 0);
    (0..d * k).map(|_| rng::normal(&mut r)).collect()
}

/// The live run and the ghost (the other loss, same seed, same batches), stepped together.
#[derive(Clone, Debug)]
pub struct Toy {
    /// The run of the chosen loss.
    pub live: Run,
    /// The run of the other loss.
    pub ghost: Run,
    /// Whether the ghost is still stepping (it stops, on its own, if it ever goes non-finite).
    pub ghost_alive: bool,
    noise: rng::Rng,
    batch: Batch,
    /// Steps taken.
    pub steps: u64,
}

impl Toy {
    /// Both runs at step 0, evaluated on the first batch.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let w0 = initial_weights(seed, cfg.k, cfg.dim);
        let mut noise = rng::stream(seed, 1);
        let batch = Batch::draw(&mut noise, cfg.k, cfg.sigma);
        let live = Run::new(cfg, &w0, &batch);
        let ghost = Run::new(Config { loss: cfg.loss.other(), ..cfg }, &w0, &batch);
        Toy { live, ghost, ghost_alive: true, noise, batch, steps: 0 }
    }

    /// One step: both runs update with the gradient of the pending batch, then a new batch is drawn and
    /// both are evaluated on it.
    pub fn step(&mut self) {
        self.steps += 1;
        self.live.update();
        if self.ghost_alive {
            self.ghost.update();
        }
        self.batch = Batch::draw(&mut self.noise, self.live.cfg.k, self.live.cfg.sigma);
        self.live.evaluate(&self.batch);
        if self.ghost_alive {
            self.ghost.evaluate(&self.batch);
            self.ghost_alive = self.ghost.is_finite();
        }
    }

    /// The pending batch.
    pub fn batch(&self) -> &Batch {
        &self.batch
    }
}
