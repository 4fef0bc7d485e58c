//! The pure model of the P-tuning toy (`shared/theory/ptuning.md` §2): a frozen "language model" that is a
//! soft selector over three skills, an embedding table whose only trainable rows are the prompt rows, and
//! full-batch gradient descent on the mean binary cross-entropy.
//!
//! Notation follows the theory note: prompt rows `p_1..p_m`, prompt vector `c = mean_j p_j`, gate
//! `π_s(c) = softmax_s(β k_s·c)`, skill outputs `a_s(x) = G w_s·x`, logit `Σ_s π_s a_s`. The frozen table
//! is implemented literally as `E_eff = E ⊙ M + sg(E) ⊙ (1 − M)`: the forward pass reads `E_eff` (equal to
//! `E`), the backward pass returns `g ⊙ M` (stop-gradient), and the optimiser updates every row of `E` with
//! that masked gradient. This module imports neither plotters nor web-sys.

pub use super::frozen::*;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

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

/// Which parameters are trained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A hand-written template: the prompt slot holds the chosen word; nothing trains.
    Manual,
    /// Discrete search: the word with the best training accuracy (ties: the lower loss); nothing trains.
    Search,
    /// P-tuning: only the prompt rows of the embedding table train.
    PTuning,
    /// Full fine-tuning: the prompt rows and the skills `w_s`, `k_s` train.
    FineTune,
}

impl Mode {
    /// All modes in parameter-table order.
    pub const ALL: [Mode; 4] = [Mode::Manual, Mode::Search, Mode::PTuning, Mode::FineTune];

    /// The parameter-table name.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Manual => "manual",
            Mode::Search => "search",
            Mode::PTuning => "ptuning",
            Mode::FineTune => "finetune",
        }
    }

    /// The mode with this name.
    pub fn from_name(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == s)
    }

    /// Whether the prompt rows are trainable (mask 1 on them).
    pub fn trains_prompt(self) -> bool {
        matches!(self, Mode::PTuning | Mode::FineTune)
    }
}

/// Where the prompt rows start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Every prompt row starts at the chosen word's embedding.
    Token,
    /// Every prompt row starts at the origin (uniform gate).
    Origin,
}

/// Everything a run depends on besides the seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Input dimension D (2, or 20 for the few-shot variant).
    pub dim: usize,
    /// Target angle φ* in degrees.
    pub target_deg: f64,
    /// Number of training points.
    pub n_train: usize,
    /// Probability of flipping each training label.
    pub label_noise: f64,
    /// Number of prompt rows m.
    pub prompt_len: usize,
    /// Gradient-descent step.
    pub lr: f64,
    /// Gain G.
    pub gain: f64,
    /// Gate sharpness β.
    pub beta: f64,
    /// Training mode.
    pub mode: Mode,
    /// The word of manual mode and of `init = token`.
    pub token: usize,
    /// Start of the prompt rows.
    pub init: Init,
    /// Weight λ_nat of the naturalness regulariser.
    pub naturalness: f64,
}

impl Config {
    /// The theory's defaults (§2 parameter table).
    pub fn defaults() -> Self {
        Config {
            dim: 2,
            target_deg: 45.0,
            n_train: 32,
            label_noise: 0.0,
            prompt_len: 1,
            lr: 0.2,
            gain: 10.0,
            beta: 1.0,
            mode: Mode::PTuning,
            token: 1,
            init: Init::Token,
            naturalness: 0.0,
        }
    }
}

/// One run: the embedding table, the network (frozen unless fine-tuning), the task, and a fresh logistic
/// regression on x trained on the same data for comparison.
#[derive(Clone, Debug)]
pub struct Model {
    /// The configuration.
    pub cfg: Config,
    /// The embedding table `[e_0..e_5, p_1..p_m]` and its mask.
    pub table: Table,
    /// The rows read at the prompt slot (the "template"): the prompt rows, or one word in manual/search mode.
    pub seq: Vec<usize>,
    /// The live network (changes only in fine-tune mode).
    pub net: Net,
    /// An untouched copy of the pre-trained network for the word directions, the cone and the heat map.
    pub pretrained: Net,
    /// The task and its data.
    pub task: Task,
    /// The word chosen by discrete search.
    pub searched: usize,
    /// Weights of the logistic-regression baseline (D parameters, no bias, started at 0; trained when D > 2).
    pub logreg: Vec<f64>,
    /// Loss and accuracy at the current state.
    pub stats: Stats,
    frozen_bits: Vec<u64>,
    cache: Option<Grads>,
}

impl Model {
    /// A fresh run at step 0.
    pub fn new(cfg: Config, seed: u64) -> Self {
        let dim = cfg.dim;
        let net = Net::pretrained(dim, cfg.gain, cfg.beta, seed);
        let task = Task::new(&net, cfg.target_deg, cfg.n_train, cfg.label_noise, seed);
        let searched = search(&net, &task);
        let m = cfg.prompt_len.max(1);
        let token = cfg.token.min(N_VOCAB - 1);
        let start = match cfg.init {
            Init::Token => word(token),
            Init::Origin => [0.0, 0.0],
        };
        let mut rows: Vec<[f64; 2]> = (0..N_VOCAB).map(word).collect();
        rows.extend(std::iter::repeat_n(start, m));
        let mask: Vec<bool> = (0..N_VOCAB + m).map(|r| r >= N_VOCAB && cfg.mode.trains_prompt()).collect();
        let seq: Vec<usize> = match cfg.mode {
            Mode::Manual => vec![token],
            Mode::Search => vec![searched],
            Mode::PTuning | Mode::FineTune => (N_VOCAB..N_VOCAB + m).collect(),
        };
        let table = Table { rows, mask };
        let mut model = Model {
            pretrained: net.clone(),
            net,
            task,
            searched,
            logreg: vec![0.0; dim],
            stats: Stats { loss: 0.0, train_acc: 0.0 },
            frozen_bits: Vec::new(),
            cache: None,
            table,
            seq,
            cfg,
        };
        model.frozen_bits = model.frozen_weights().iter().map(|v| v.to_bits()).collect();
        model.refresh();
        model
    }

    /// Every weight that P-tuning must leave alone: the vocabulary rows, `k_s`, `w_s`, G and β.
    pub fn frozen_weights(&self) -> Vec<f64> {
        let mut out: Vec<f64> = self.table.rows[..N_VOCAB].iter().flat_map(|r| r.iter().copied()).collect();
        out.extend(self.net.flat());
        out
    }

    /// Whether every frozen weight is bitwise identical to its value at build time.
    pub fn frozen_unchanged(&self) -> bool {
        let now = self.frozen_weights();
        now.len() == self.frozen_bits.len() && now.iter().zip(&self.frozen_bits).all(|(v, b)| v.to_bits() == *b)
    }

    /// The prompt vector `c = mean_j E_eff[seq_j]`.
    pub fn prompt(&self) -> [f64; 2] {
        prompt_of(&self.table.effective(), &self.seq)
    }

    /// Number of trainable parameters: 2 per masked row, plus `w_s` and `k_s` when fine-tuning.
    pub fn trainable(&self) -> usize {
        let rows = 2 * self.table.mask.iter().filter(|m| **m).count();
        rows + if self.cfg.mode == Mode::FineTune { N_SKILLS * (self.net.dim + 2) } else { 0 }
    }

    /// Number of frozen parameters (vocabulary rows, and `w_s`, `k_s`, G, β unless fine-tuning).
    pub fn frozen(&self) -> usize {
        let net = if self.cfg.mode == Mode::FineTune { 2 } else { N_SKILLS * (self.net.dim + 2) + 2 };
        2 * N_VOCAB + net
    }

    /// The gradient of the training objective with respect to every row of `E_eff` (before the mask), and
    /// with respect to `w_s` and `k_s` (theory §2 "Training" and "Implementation notes"), at the current
    /// state. Always computed afresh (unlike the cache that [`Model::step`] uses).
    pub fn gradients(&self) -> Grads {
        self.pass().1
    }

    /// One pass over the data at the current state: loss and training accuracy, the gradients of the
    /// selected mode, and the logistic baseline's gradient. The pass is shared so that one step costs one
    /// exponential and one logarithm per point (plus one exponential for the baseline).
    fn pass(&self) -> (Stats, Grads) {
        let eff = self.table.effective();
        let c = prompt_of(&eff, &self.seq);
        let net = &self.net;
        let dim = net.dim;
        let pi = net.gate(c);
        let kbar = [
            (0..N_SKILLS).map(|s| pi[s] * net.keys[s][0]).sum::<f64>(),
            (0..N_SKILLS).map(|s| pi[s] * net.keys[s][1]).sum::<f64>(),
        ];
        let n = self.task.len().max(1) as f64;
        let fine = self.cfg.mode == Mode::FineTune;
        // μ_s = Σ_n δ_n (w_s·x_n); the gate does not depend on x, so the sum over n comes first.
        let mut mu = [0.0; N_SKILLS];
        let mut gw = if fine { vec![0.0; N_SKILLS * dim] } else { Vec::new() };
        let mut gk = [[0.0; 2]; N_SKILLS];
        let mut glr = vec![0.0; dim];
        let (mut loss, mut hits) = (0.0, 0usize);
        let with_logreg = self.has_baseline();
        let (w0, w1, w2) = (net.skill(0), net.skill(1), net.skill(2));
        for (i, &y) in self.task.y.iter().enumerate() {
            let x = self.task.input(i);
            // Plain index loops: this is the hot loop of every step (and of the theory tests in debug builds).
            let mut proj = [0.0; N_SKILLS];
            for (j, &xj) in x.iter().enumerate() {
                proj[0] += w0[j] * xj;
                proj[1] += w1[j] * xj;
                proj[2] += w2[j] * xj;
            }
            let a = [net.gain * proj[0], net.gain * proj[1], net.gain * proj[2]];
            let logit = pi[0] * a[0] + pi[1] * a[1] + pi[2] * a[2];
            // BCE = softplus(z) − y z and ∂BCE/∂z = σ(z) − y, sharing e = exp(−|z|).
            let e = (-logit.abs()).exp();
            loss += logit.max(0.0) + e.ln_1p() - y * logit;
            let sig = if logit >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
            hits += usize::from((logit > 0.0) == (y > 0.5));
            let delta = sig - y;
            mu[0] += delta * proj[0];
            mu[1] += delta * proj[1];
            mu[2] += delta * proj[2];
            if fine {
                for s in 0..N_SKILLS {
                    // ∂logit/∂w_s = G π_s x and ∂logit/∂k_s = β π_s (a_s − logit) c.
                    let f = delta * net.gain * pi[s];
                    for (g, xi) in gw[s * dim..(s + 1) * dim].iter_mut().zip(x) {
                        *g += f * xi;
                    }
                    let h = delta * net.beta * pi[s] * (a[s] - logit);
                    gk[s][0] += h * c[0];
                    gk[s][1] += h * c[1];
                }
            }
            if with_logreg {
                let dl = sigmoid(dot(&self.logreg, x)) - y;
                for (g, xi) in glr.iter_mut().zip(x) {
                    *g += dl * xi;
                }
            }
        }
        let stats = Stats { loss: loss / n, train_acc: hits as f64 / n };
        // g_c = β G Σ_s π_s μ_s (k_s − k̄) / N.
        let mut gc = [0.0; 2];
        for s in 0..N_SKILLS {
            let f = net.beta * net.gain * pi[s] * mu[s] / n;
            gc[0] += f * (net.keys[s][0] - kbar[0]);
            gc[1] += f * (net.keys[s][1] - kbar[1]);
        }
        let mut rows = vec![[0.0; 2]; eff.len()];
        let lambda = self.cfg.naturalness;
        if lambda > 0.0 {
            // R = −λ log Σ_v exp(−‖c − e_v‖²/(2s²)): ∂R/∂c = λ Σ ρ_v (c − e_v)/s², ∂R/∂e_v = −λ ρ_v (c − e_v)/s².
            // The second part is the gradient that reaches the vocabulary rows and that the mask must stop.
            let (_, rho) = naturalness(lambda, c, &eff[..N_VOCAB]);
            let s2 = NAT_WIDTH * NAT_WIDTH;
            for (v, r) in rho.iter().enumerate() {
                let d = [c[0] - eff[v][0], c[1] - eff[v][1]];
                gc[0] += lambda * r * d[0] / s2;
                gc[1] += lambda * r * d[1] / s2;
                rows[v][0] -= lambda * r * d[0] / s2;
                rows[v][1] -= lambda * r * d[1] / s2;
            }
        }
        // ∂c/∂E_eff[r] = 1/len for every row r read at the prompt slot.
        let len = self.seq.len().max(1) as f64;
        for &r in &self.seq {
            if let Some(g) = rows.get_mut(r) {
                g[0] += gc[0] / len;
                g[1] += gc[1] / len;
            }
        }
        gw.iter_mut().chain(glr.iter_mut()).for_each(|g| *g /= n);
        for g in gk.iter_mut() {
            g[0] /= n;
            g[1] /= n;
        }
        (stats, Grads { rows, c: gc, w: gw, k: gk, logreg: glr })
    }

    /// One full-batch gradient-descent step of the selected mode, and one of the logistic baseline.
    ///
    /// The gradient at the current state was computed by the pass that produced [`Model::stats`]; after the
    /// update one pass gives the new statistics and the next step's gradient. (Code that edits the public
    /// fields directly must call [`Model::refresh`] before stepping.)
    pub fn step(&mut self) {
        let g = match self.cache.take() {
            Some(g) => g,
            None => self.pass().1,
        };
        let masked = self.table.backward(&g.rows);
        self.table.apply(&masked, self.cfg.lr);
        if self.cfg.mode == Mode::FineTune {
            for (w, gw) in self.net.w.iter_mut().zip(&g.w) {
                *w -= self.cfg.lr * gw;
            }
            for (k, gk) in self.net.keys.iter_mut().zip(&g.k) {
                k[0] -= self.cfg.lr * gk[0];
                k[1] -= self.cfg.lr * gk[1];
            }
        }
        for (w, gi) in self.logreg.iter_mut().zip(&g.logreg) {
            *w -= self.cfg.lr * gi;
        }
        self.refresh();
    }

    /// Recomputes the statistics and the cached gradient from the current state.
    pub fn refresh(&mut self) {
        let (stats, g) = self.pass();
        self.stats = stats;
        self.cache = Some(g);
    }

    /// The current classifier normal `v = G Σ_s π_s(c) w_s`.
    pub fn normal(&self) -> Vec<f64> {
        self.net.normal(self.prompt())
    }

    /// Exact test accuracy of the current classifier.
    pub fn test_acc(&self) -> f64 {
        exact_accuracy(&self.normal(), &self.task.u)
    }

    /// Whether the logistic-regression baseline is trained: only in the few-shot variant (D > 2), where
    /// it is the comparison the theory asks for; in D = 2 it would cost a third of every step for nothing shown.
    pub fn has_baseline(&self) -> bool {
        self.task.dim > 2
    }

    /// Exact test accuracy of the logistic baseline (0.5 while its weights are 0), if it is trained.
    pub fn logreg_acc(&self) -> Option<f64> {
        self.has_baseline().then(|| exact_accuracy(&self.logreg, &self.task.u))
    }

    /// Exact test accuracy of every word under the pre-trained model.
    pub fn word_accs(&self) -> [f64; N_VOCAB] {
        std::array::from_fn(|v| exact_accuracy(&self.pretrained.normal(word(v)), &self.task.u))
    }

    /// The best exact test accuracy of any single word (an oracle choice among the six).
    pub fn best_word_acc(&self) -> f64 {
        self.word_accs().into_iter().fold(0.0, f64::max)
    }

    /// Whether every state variable is finite.
    pub fn is_finite(&self) -> bool {
        self.table.rows.iter().all(|r| r[0].is_finite() && r[1].is_finite())
            && self.net.w.iter().all(|v| v.is_finite())
            && self.net.keys.iter().all(|k| k[0].is_finite() && k[1].is_finite())
            && self.logreg.iter().all(|v| v.is_finite())
            && self.stats.loss.is_finite()
    }
}

/// Gradients of one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Grads {
    /// With respect to each row of `E_eff` (not yet masked).
    pub rows: Vec<[f64; 2]>,
    /// With respect to the prompt vector `c`.
    pub c: [f64; 2],
    /// With respect to `w_s` (empty unless fine-tuning).
    pub w: Vec<f64>,
    /// With respect to `k_s` (zero unless fine-tuning).
    pub k: [[f64; 2]; N_SKILLS],
    /// The logistic baseline's gradient.
    pub logreg: Vec<f64>,
}

/// The mean of the rows `seq` of `rows`.
pub fn prompt_of(rows: &[[f64; 2]], seq: &[usize]) -> [f64; 2] {
    let mut c = [0.0; 2];
    for &r in seq {
        if let Some(e) = rows.get(r) {
            c[0] += e[0];
            c[1] += e[1];
        }
    }
    let m = seq.len().max(1) as f64;
    [c[0] / m, c[1] / m]
}
