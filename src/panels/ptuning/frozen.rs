//! The frozen parts of the P-tuning toy (`shared/theory/ptuning.md` §2): the vocabulary, the pre-trained
//! network (a soft selector over three skills), the masked embedding table, the task and its data, and the
//! exact test-accuracy formula. Pure Rust: no plotters, no clock, randomness only from seeded streams.

use crate::rng;

/// The frozen vocabulary (the "natural-language words"); word `v` sits at `1.5·(cos 60v°, sin 60v°)`.
/// The names are [DESIGN]: short lowercase words so that they are valid choice names in links.
pub const WORDS: [&str; 6] = ["great", "very", "good", "not", "bad", "film"];
/// Number of vocabulary rows.
pub const N_VOCAB: usize = 6;
/// Number of skills.
pub const N_SKILLS: usize = 3;
/// Radius of the vocabulary ring.
pub const VOCAB_RADIUS: f64 = 1.5;
/// Width `s` of the naturalness regulariser's wells. The theory leaves `s` open; 0.5 is a third of the
/// distance between neighbouring words (1.5), so each word is a distinct well and the prior is negligible
/// half-way between two words [DESIGN].
pub const NAT_WIDTH: f64 = 0.5;

/// The unit vector at `deg` degrees.
pub fn unit(deg: f64) -> [f64; 2] {
    let r = deg.to_radians();
    [r.cos(), r.sin()]
}

/// The frozen embedding of word `v`.
pub fn word(v: usize) -> [f64; 2] {
    let e = unit(60.0 * v as f64);
    [VOCAB_RADIUS * e[0], VOCAB_RADIUS * e[1]]
}

/// A numerically stable softmax of three logits.
pub fn softmax3(z: [f64; 3]) -> [f64; 3] {
    let m = z[0].max(z[1]).max(z[2]);
    let e = [(z[0] - m).exp(), (z[1] - m).exp(), (z[2] - m).exp()];
    let s = e[0] + e[1] + e[2];
    [e[0] / s, e[1] / s, e[2] / s]
}

/// `ln(1 + e^z)` without overflow.
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// The (pre-trained) network: skill keys, skill directions, gain and gate sharpness.
#[derive(Clone, Debug, PartialEq)]
pub struct Net {
    /// Input dimension D.
    pub dim: usize,
    /// Skill keys `k_s` on the prompt plane.
    pub keys: [[f64; 2]; N_SKILLS],
    /// Skill directions `w_s`, row-major (`w[s·D + i]`).
    pub w: Vec<f64>,
    /// Gain G.
    pub gain: f64,
    /// Gate sharpness β.
    pub beta: f64,
}

impl Net {
    /// The pre-trained network: keys at 0°, 120°, 240°; skills at 0°, 60°, 120° when D = 2, otherwise
    /// random unit vectors in R^D drawn from the seed's stream 3.
    pub fn pretrained(dim: usize, gain: f64, beta: f64, seed: u64) -> Self {
        let keys = [unit(0.0), unit(120.0), unit(240.0)];
        let mut w = vec![0.0; N_SKILLS * dim];
        if dim == 2 {
            for s in 0..N_SKILLS {
                let d = unit(60.0 * s as f64);
                w[2 * s] = d[0];
                w[2 * s + 1] = d[1];
            }
        } else {
            let mut r = rng::stream(seed, 3);
            for s in 0..N_SKILLS {
                let row = &mut w[s * dim..(s + 1) * dim];
                for x in row.iter_mut() {
                    *x = rng::normal(&mut r);
                }
                let n = norm(row).max(1e-300);
                for x in row.iter_mut() {
                    *x /= n;
                }
            }
        }
        Net { dim, keys, w, gain, beta }
    }

    /// Skill direction `w_s`.
    pub fn skill(&self, s: usize) -> &[f64] {
        &self.w[s * self.dim..(s + 1) * self.dim]
    }

    /// The gate `π(c) = softmax_s(β k_s·c)`.
    pub fn gate(&self, c: [f64; 2]) -> [f64; 3] {
        let z = |s: usize| self.beta * (self.keys[s][0] * c[0] + self.keys[s][1] * c[1]);
        softmax3([z(0), z(1), z(2)])
    }

    /// The classifier normal `v(c) = G Σ_s π_s(c) w_s`.
    pub fn normal(&self, c: [f64; 2]) -> Vec<f64> {
        let pi = self.gate(c);
        let mut v = vec![0.0; self.dim];
        for (s, p) in pi.iter().enumerate() {
            for (vi, wi) in v.iter_mut().zip(self.skill(s)) {
                *vi += self.gain * p * wi;
            }
        }
        v
    }

    /// The weights as a flat list, in a fixed order: keys, skills, gain, β.
    pub fn flat(&self) -> Vec<f64> {
        let mut out: Vec<f64> = self.keys.iter().flat_map(|k| k.iter().copied()).collect();
        out.extend_from_slice(&self.w);
        out.push(self.gain);
        out.push(self.beta);
        out
    }
}

/// The embedding table `[e_0..e_5, p_1..p_m]` with its row mask.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The rows of `E`.
    pub rows: Vec<[f64; 2]>,
    /// The row mask `M`: true where the row is trainable.
    pub mask: Vec<bool>,
}

impl Table {
    /// The forward value `E_eff = E ⊙ M + sg(E) ⊙ (1 − M)`, computed literally. `sg` is the identity in
    /// the forward pass, so for finite `E` this equals `E` bit for bit (`x·1 + x·0 = x`).
    pub fn effective(&self) -> Vec<[f64; 2]> {
        self.rows
            .iter()
            .zip(&self.mask)
            .map(|(r, &m)| {
                let m = if m { 1.0 } else { 0.0 };
                [r[0] * m + r[0] * (1.0 - m), r[1] * m + r[1] * (1.0 - m)]
            })
            .collect()
    }

    /// The backward pass of `E_eff` with respect to `E`: `g ⊙ M`, because `sg` passes no gradient. A
    /// select rather than a product, so that even a non-finite upstream gradient leaves frozen rows at an
    /// exact 0 (stop-gradient semantics, not `0·g`).
    pub fn backward(&self, g_eff: &[[f64; 2]]) -> Vec<[f64; 2]> {
        self.mask.iter().zip(g_eff).map(|(&m, g)| if m { *g } else { [0.0, 0.0] }).collect()
    }

    /// One gradient-descent update of every row with the (masked) gradient `g`.
    pub fn apply(&mut self, g: &[[f64; 2]], lr: f64) {
        for (r, g) in self.rows.iter_mut().zip(g) {
            r[0] -= lr * g[0];
            r[1] -= lr * g[1];
        }
    }
}

/// The task: the target normal `u`, the plane it lives in, and the training data.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// Input dimension D.
    pub dim: usize,
    /// The unit target normal `u(φ*) = cos φ* q1 + sin φ* q2`.
    pub u: Vec<f64>,
    /// First axis of the target plane: `w_1`.
    pub q1: Vec<f64>,
    /// Second axis: `w_2` made orthogonal to `w_1` and normalised.
    pub q2: Vec<f64>,
    /// Inputs, row-major (`x[n·D + i]`).
    pub x: Vec<f64>,
    /// Labels in {0, 1} (after label noise).
    pub y: Vec<f64>,
}

impl Task {
    /// Builds the target and draws the data: `x ~ N(0, I_D)` from stream 1, label flips from stream 2.
    ///
    /// The target plane is spanned by `q1 = w_1` and `q2 = unit(w_2 − (w_2·w_1) w_1)`, and
    /// `u = cos φ* q1 + sin φ* q2`. In D = 2 this is exactly the theory's `u(φ*) = (cos φ*, sin φ*)`
    /// (w_1 = (1, 0), so q2 = (0, 1)). In D = 20 the theory only asks for "an equal mix of two skills" or a
    /// target outside the reachable set; this construction gives both from the one angle: φ* = 45° is
    /// close to `w_1 + w_2` (random unit vectors in R^20 are nearly orthogonal), large φ* points away from
    /// every skill [DESIGN].
    pub fn new(net: &Net, target_deg: f64, n: usize, noise: f64, seed: u64) -> Self {
        let dim = net.dim;
        let q1 = net.skill(0).to_vec();
        let w2 = net.skill(1);
        let proj = dot(w2, &q1);
        let mut q2: Vec<f64> = w2.iter().zip(&q1).map(|(a, b)| a - proj * b).collect();
        let n2 = norm(&q2);
        if n2 > 1e-12 {
            q2.iter_mut().for_each(|v| *v /= n2);
        } else {
            // w_2 parallel to w_1 (probability zero): any unit vector orthogonal to q1 will do.
            q2 = vec![0.0; dim];
            q2[1] = 1.0;
        }
        let (cs, sn) = (target_deg.to_radians().cos(), target_deg.to_radians().sin());
        let u: Vec<f64> = q1.iter().zip(&q2).map(|(a, b)| cs * a + sn * b).collect();
        let mut rx = rng::stream(seed, 1);
        let x: Vec<f64> = (0..n * dim).map(|_| rng::normal(&mut rx)).collect();
        let mut rf = rng::stream(seed, 2);
        let y = (0..n)
            .map(|i| {
                let clean = dot(&u, &x[i * dim..(i + 1) * dim]) > 0.0;
                let flip = rng::uniform(&mut rf) < noise;
                if clean != flip {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        Task { dim, u, q1, q2, x, y }
    }

    /// Number of training points.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there are no training points.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Input `x_n`.
    pub fn input(&self, n: usize) -> &[f64] {
        &self.x[n * self.dim..(n + 1) * self.dim]
    }

    /// Coordinates of a vector in the target plane `(q1, q2)`.
    pub fn project(&self, v: &[f64]) -> (f64, f64) {
        (dot(v, &self.q1), dot(v, &self.q2))
    }
}

/// The unoriented angle between two vectors, in degrees (90° if either is zero).
pub fn angle_deg(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (norm(a), norm(b));
    if !(na > 0.0 && nb > 0.0 && (na * nb).is_finite()) {
        return 90.0;
    }
    (dot(a, b) / (na * nb)).clamp(-1.0, 1.0).acos().to_degrees()
}

/// The exact test accuracy of the classifier `1[v·x > 0]` on clean labels `1[u·x > 0]`, x isotropic
/// Gaussian (theory §2, analytic overlays): `1 − Δangle(v, u)/180°`. The two classifiers disagree exactly
/// on the two wedges between their boundaries, whose probability under a rotation-invariant law is the
/// angle over 180°; in D > 2 the same holds in the plane spanned by `u` and `v`, because the projection of
/// an isotropic Gaussian onto that plane is isotropic.
pub fn exact_accuracy(v: &[f64], u: &[f64]) -> f64 {
    1.0 - angle_deg(v, u) / 180.0
}

/// Mean training loss and training accuracy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Mean binary cross-entropy.
    pub loss: f64,
    /// Fraction of training points with `1[logit > 0] = y`.
    pub train_acc: f64,
}

/// Loss and accuracy of `net` with prompt vector `c` on the training data.
pub fn evaluate(net: &Net, task: &Task, c: [f64; 2]) -> Stats {
    let v = net.normal(c);
    let n = task.len().max(1) as f64;
    let (mut loss, mut hits) = (0.0, 0usize);
    for (i, &y) in task.y.iter().enumerate() {
        let z = dot(&v, task.input(i));
        loss += softplus(z) - y * z;
        hits += usize::from((z > 0.0) == (y > 0.5));
    }
    Stats { loss: loss / n, train_acc: hits as f64 / n }
}

/// The naturalness penalty `−λ log Σ_v exp(−‖c − e_v‖²/(2s²))` and its weights `ρ_v` (a softmax).
pub fn naturalness(lambda: f64, c: [f64; 2], words: &[[f64; 2]]) -> (f64, Vec<f64>) {
    let z: Vec<f64> = words
        .iter()
        .map(|e| -((c[0] - e[0]).powi(2) + (c[1] - e[1]).powi(2)) / (2.0 * NAT_WIDTH * NAT_WIDTH))
        .collect();
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ex: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = ex.iter().sum();
    (-lambda * (m + s.ln()), ex.iter().map(|e| e / s).collect())
}

/// The word whose embedding gives the best training accuracy (ties: the lower loss, then the lower index).
pub fn search(net: &Net, task: &Task) -> usize {
    let mut best = 0;
    let mut best_stats = evaluate(net, task, word(0));
    for v in 1..N_VOCAB {
        let s = evaluate(net, task, word(v));
        if s.train_acc > best_stats.train_acc || (s.train_acc == best_stats.train_acc && s.loss < best_stats.loss) {
            best = v;
            best_stats = s;
        }
    }
    best
}
