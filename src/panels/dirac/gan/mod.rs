//! The Dirac-GAN: why simultaneous GAN steps spiral out, alternating steps orbit, and a penalty converges.
//!
//! Post: Su Jianlin, "幂等生成网络IGN：试图将判别和生成合二为一的GAN", https://kexue.fm/archives/9969, which reads
//! the Idempotent Generative Network as a GAN; the smallest GAN is Mescheder, Geiger & Nowozin's Dirac-GAN
//! ("Which Training Methods for GANs do actually Converge?", arXiv:1801.04406): data at 0, generator `δ_θ`,
//! linear discriminator `D_ψ(x) = ψx`. Claim: the equilibrium (0, 0) has purely imaginary eigenvalues
//! `±i f'(0)`, so simultaneous steps spiral out exactly as `r²ₙ₊₁ = r²ₙ(1 + h² f'(θψ)²)`, alternating WGAN
//! steps conserve `θ² + ψ² − hθψ` and orbit forever, a zero-centred gradient penalty γ moves the eigenvalues to
//! `−γ/2 ± sqrt(γ²/4 − f'(0)²)` and converges for `h < γ/f'(0)²`, while weight clipping and WGAN-GP do not
//! converge. The figure shows the (θ, ψ) phase plane with the vector field, the equilibrium and its live
//! eigenvalues, the trajectory and the conserved curve, and the distance to the equilibrium on a log axis
//! against the linearised rate.

pub(crate) mod draw;
mod metrics_info;
pub use dynamics_models::panels::dirac::gan::model;

use crate::history::History;
use crate::i18n::T;
use crate::math::eig2;
use crate::panel::{Claim, Metric, Metrics, Op, PanelSpec, Preset, Settle, Sim};
use crate::params::{fmt_f64, ParamSpec, ParamValues};
use crate::plot::{Area, Drawn, Theme};
use model::{jacobian, rate_predicted, Config, DiracGan, Loss, Update};

/// The parameter table (theory §2 and §4).
pub static PARAMS: [ParamSpec; 7] = [
    ParamSpec::choice(
        "loss",
        T::new("loss", "损失"),
        T::new(
            "gan: standard; nsgan: non-saturating generator; wgan: Wasserstein; wgan-gp: WGAN with the one-centred \
                penalty γ(|ψ| − 1)².",
            "gan：标准 GAN；nsgan：非饱和生成器损失；wgan：Wasserstein 距离；wgan-gp：带以 1 为中心的惩罚 γ(|ψ| − \
                1)² 的 WGAN。",
        ),
        &["gan", "nsgan", "wgan", "wgan-gp"],
        "gan",
    ),
    ParamSpec::choice(
        "update",
        T::new("update", "更新方式"),
        T::new(
            "sim: both players step at once; alt: the generator steps first, then the discriminator sees the new θ.",
            "sim：双方同时更新；alt：生成器先走一步，判别器再看到新的 θ。",
        ),
        &["sim", "alt"],
        "sim",
    ),
    ParamSpec::log(
        "h",
        T::new("h (step size)", "h（步长）"),
        T::new("Gradient step size of both players.", "双方共用的梯度步长。"),
        (0.01, 2.5),
        0.2,
    ),
    ParamSpec::linear(
        "gp",
        T::new("γ (gradient penalty)", "γ（梯度惩罚）"),
        T::new(
            "Penalty weight, 0 = off: zero-centred (γψ²/2 on the discriminator) for gan, nsgan and wgan; one-centred \
                with target norm 1 for wgan-gp.",
            "惩罚权重，0 表示关闭：gan、nsgan、wgan 用以 0 为中心的惩罚（判别器上加 γψ²/2）；wgan-gp 用以 1 为中心、\
                目标范数为 1 的惩罚。",
        ),
        (0.0, 2.0),
        0.0,
        0.01,
    ),
    ParamSpec::linear(
        "clip",
        T::new("c (weight clipping)", "c（权重裁剪）"),
        T::new(
            "WGAN-style weight clipping ψ ← clip(ψ, −c, c) after every step (applied to any loss), 0 = off.",
            "WGAN 式权重裁剪：每步之后 ψ ← clip(ψ, −c, c)（对任何损失都生效），0 表示关闭。",
        ),
        (0.0, 2.0),
        0.0,
        0.01,
    ),
    ParamSpec::linear(
        "theta0",
        T::new("θ₀ (generator start)", "θ₀（生成器起点）"),
        T::new(
            "Initial generator position θ. Click the phase plane to set θ₀ and ψ₀ together.",
            "生成器的初始位置 θ。点击相平面可同时设定 θ₀ 和 ψ₀。",
        ),
        (-3.0, 3.0),
        1.0,
        0.01,
    ),
    ParamSpec::linear(
        "psi0",
        T::new("ψ₀ (discriminator start)", "ψ₀（判别器起点）"),
        T::new("Initial discriminator slope ψ.", "判别器的初始斜率 ψ。"),
        (-3.0, 3.0),
        1.0,
        0.01,
    ),
];

/// Presets: the notebook's variants (theory §2, "Notebook defaults").
pub static PRESETS: [Preset; 5] = [
    Preset::new(
        "gan-sim",
        T::new("GAN, simultaneous: spirals out", "GAN，同时更新：螺旋发散"),
        &[("loss", "gan"), ("update", "sim"), ("h", "0.2"), ("gp", "0"), ("clip", "0")],
    )
    .claim(Claim::new(
        "radius",
        Op::Gt,
        2.0,
        400,
        T::new(
            "the distance to the equilibrium growing from 1.41 past 2: simultaneous steps spiral out",
            "到平衡点的距离从 1.41 增长到超过 2：同时更新会螺旋发散",
        ),
    )),
    Preset::new(
        "wgan-alt",
        T::new("WGAN, alternating: orbits", "WGAN，交替更新：周期轨道"),
        &[("loss", "wgan"), ("update", "alt"), ("h", "0.2"), ("gp", "0"), ("clip", "0")],
    )
    .claim(Claim::new(
        "theta",
        Op::Lt,
        -1.0,
        400,
        T::new(
            "θ swinging past −1 on a closed orbit while Q stays 1.8: alternating steps orbit forever",
            "θ 沿闭合轨道摆过 −1，而 Q 保持 1.8：交替更新永远绕圈",
        ),
    )),
    Preset::new(
        "gan-penalty",
        T::new("GAN + penalty 1 (critical)", "GAN + 惩罚 1（临界）"),
        &[("loss", "gan"), ("update", "sim"), ("h", "0.2"), ("gp", "1"), ("clip", "0")],
    )
    .claim(Claim::new(
        "radius",
        Op::Lt,
        1e-3,
        200,
        T::new(
            "the distance falling below 10⁻³: the penalty makes the equilibrium attract",
            "距离降到 10⁻³ 以下：惩罚项让平衡点变得吸引",
        ),
    )),
    Preset::new(
        "wgan-clip",
        T::new("WGAN, clipping 1", "WGAN，裁剪 1"),
        &[("loss", "wgan"), ("update", "sim"), ("h", "0.2"), ("gp", "0"), ("clip", "1")],
    )
    .claim(Claim::at(
        "radius",
        Op::Gt,
        0.9,
        2000,
        T::new(
            "the distance still about 1 at step 2000: clipping does not converge",
            "第 2000 步距离仍约为 1：裁剪不能收敛",
        ),
    )),
    Preset::new(
        "wgan-gp",
        T::new("WGAN-GP (γ 0.7)", "WGAN-GP（γ 0.7）"),
        &[("loss", "wgan-gp"), ("update", "sim"), ("h", "0.2"), ("gp", "0.7"), ("clip", "0")],
    )
    .claim(Claim::at(
        "radius",
        Op::Gt,
        1.5,
        1000,
        T::new(
            "the distance still about 1.8 at step 1000: WGAN-GP does not converge",
            "第 1000 步距离仍约为 1.8：WGAN-GP 不能收敛",
        ),
    )),
];

/// The metrics reported by `dynamics run`, in order.
///
/// - `theta`, `psi`: the state; `radius = sqrt(θ² + ψ²)`, the distance to the equilibrium (0, 0).
/// - `eig1_re` … `eig2_im`: eigenvalues of the continuous-time Jacobian at (0, 0), penalty included; a complex
///   pair as `re ± i|im|` (eig1 has the positive imaginary part), real eigenvalues in decreasing order. `null`
///   for wgan-gp with γ > 0, whose field is discontinuous at ψ = 0 and has no Jacobian there.
/// - `q`: `θ² + ψ² − hθψ`, exactly conserved by alternating WGAN steps without penalty or clipping.
/// - `rate_predicted`: the spectral radius of the linearised step map at (0, 0), i.e. the predicted per-step
///   factor of the radius near the equilibrium (`sqrt(1 + h²)` for simultaneous WGAN, where it is exact);
///   `null` where there is no Jacobian.
pub static METRICS: [&str; 9] =
    ["theta", "psi", "radius", "eig1_re", "eig1_im", "eig2_re", "eig2_im", "q", "rate_predicted"];

/// The panel: its identity, table and metrics, and what differs from the defaults of [`PanelSpec::new`].
pub static PANEL: PanelSpec = PanelSpec {
    steps_per_frame: 2,
    golden_steps: 500,
    aspect: (0.5, 1.25),
    presets: &PRESETS,
    clickable: true,
    // The state stops moving (a converging run); orbits and spirals never settle.
    settle: Some(Settle { metrics: &["theta", "psi"], rel_tol: 1e-09, abs_tol: 1e-12, window: 100 }),
    more_settings: &["theta0", "psi0"],
    metrics_info: &metrics_info::INFO,
    // The spiral is the figure's point: uncapped, "auto" takes hundreds of steps a frame and a diverging
    // setting (WGAN with simultaneous steps grows ×1.02 a step) overflows within seconds, leaving a picture
    // at 1e6 scale. Twenty a frame shows every preset's claim within about 2 s and keeps the spiral visible.
    max_auto_steps: 20,
    ..PanelSpec::new(
        "dirac-gan",
        T::new("Dirac-GAN: (θ, ψ) phase plane", "Dirac-GAN：(θ, ψ) 相平面"),
        &PARAMS,
        &METRICS,
        |p, _seed| Box::new(GanSim::new(config_from(p))),
    )
};

/// Reads a [`Config`] from validated parameter values.
pub fn config_from(p: &ParamValues) -> Config {
    Config {
        loss: Loss::from_name(p.choice("loss")).unwrap_or(Loss::Gan),
        update: Update::from_name(p.choice("update")).unwrap_or(Update::Sim),
        h: p.f64("h"),
        gp: p.f64("gp"),
        clip: p.f64("clip"),
        theta0: p.f64("theta0"),
        psi0: p.f64("psi0"),
    }
}

/// The live simulation and what the figure needs.
pub struct GanSim {
    /// The model.
    pub model: DiracGan,
    /// Sampled `(θ, ψ)` by step.
    pub hist: History<(f64, f64)>,
    /// The eigenvalues at the equilibrium, if the Jacobian exists.
    pub eig: Option<[(f64, f64); 2]>,
    /// The linearised per-step rate, if the Jacobian exists.
    pub rate: Option<f64>,
    /// The radius at step 0.
    pub r0: f64,
    /// `Q` at step 0.
    pub q0: f64,
}

impl GanSim {
    /// A simulation of `cfg` at step 0.
    pub fn new(cfg: Config) -> Self {
        let model = DiracGan::new(cfg);
        let mut hist = History::new(4096);
        hist.push(0, (model.theta, model.psi));
        GanSim {
            eig: jacobian(&cfg).map(|j| eig2(&j)),
            rate: rate_predicted(&cfg),
            r0: model.radius(),
            q0: model.q(),
            model,
            hist,
        }
    }
}

impl Sim for GanSim {
    fn step(&mut self) {
        self.model.step_recorded(&mut self.hist);
    }

    fn is_finite(&self) -> bool {
        self.model.is_finite()
    }

    fn metrics(&self) -> Metrics {
        let m = &self.model;
        let e = |i: usize, re: bool| match self.eig {
            Some(ev) => Metric::Num(if re { ev[i].0 } else { ev[i].1 }),
            None => Metric::Null,
        };
        vec![
            ("theta", Metric::Num(m.theta)),
            ("psi", Metric::Num(m.psi)),
            ("radius", Metric::Num(m.radius())),
            ("eig1_re", e(0, true)),
            ("eig1_im", e(0, false)),
            ("eig2_re", e(1, true)),
            ("eig2_im", e(1, false)),
            ("q", Metric::Num(m.q())),
            ("rate_predicted", self.rate.map_or(Metric::Null, Metric::Num)),
        ]
    }

    fn draw(&self, area: &Area<'_>, theme: &Theme) -> Drawn {
        Drawn::plane(draw::draw(area, self, theme))
    }

    fn click(&self, drawn: &Drawn, px: f64, py: f64) -> Vec<(&'static str, String)> {
        match drawn.to_data(0, px, py) {
            Some((theta, psi)) => vec![("theta0", fmt_f64(round2(theta))), ("psi0", fmt_f64(round2(psi)))],
            None => Vec::new(),
        }
    }
}

/// Rounds to 0.01 so that clicked starts stay short in the URL hash.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
