//! The pure model of Mescheder et al.'s Dirac-GAN (`shared/theory/gan-ign.md` §2).
//!
//! Data `p_D = δ₀`, generator `p_θ = δ_θ`, discriminator `D_ψ(x) = ψx`. The state is `(θ, ψ)`; the
//! training vector field (official `notebooks/diracgan/gans.py`) is `v = (−ψ f'(ψθ), θ f'(ψθ))` with
//! `f'(t) = σ(−t)` for the standard GAN and `f' ≡ 1` for WGAN; the non-saturating GAN uses
//! `v₁ = −ψ f'(−ψθ)`. A zero-centred gradient penalty γ subtracts `γψ` from `v₂`; the WGAN-GP penalty
//! replaces `v₂` by `θ − γ(|ψ| − g₀) sign ψ` with `g₀ = 1`. Weight clipping projects ψ onto `[−c, c]` after
//! every step. This module imports neither plotters nor web-sys and uses no randomness.

use crate::history::History;
use crate::math::spectral_radius;
use nalgebra::Matrix2;

/// The target gradient norm `g₀` of the WGAN-GP penalty (the notebook's value).
pub const WGAN_GP_TARGET: f64 = 1.0;

/// The GAN objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// Standard (saturating) GAN, `f(t) = −log(1 + e^{−t})`.
    Gan,
    /// Non-saturating GAN: the generator uses `f'(−ψθ)`.
    NsGan,
    /// Wasserstein GAN, `f(t) = t`.
    Wgan,
    /// WGAN with the one-centred gradient penalty `γ(|ψ| − 1)²` (weight `gp`).
    WganGp,
}

impl Loss {
    /// All losses in display order.
    pub const ALL: [Loss; 4] = [Loss::Gan, Loss::NsGan, Loss::Wgan, Loss::WganGp];

    /// The parameter-table name.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Gan => "gan",
            Loss::NsGan => "nsgan",
            Loss::Wgan => "wgan",
            Loss::WganGp => "wgan-gp",
        }
    }

    /// The loss with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Loss> {
        Loss::ALL.into_iter().find(|l| l.name() == s)
    }

    /// `f'(0)`: ½ for the (non-saturating) GAN, 1 for the Wasserstein losses.
    pub fn fprime0(self) -> f64 {
        match self {
            Loss::Gan | Loss::NsGan => 0.5,
            Loss::Wgan | Loss::WganGp => 1.0,
        }
    }

    /// `f'(t)`: `σ(−t)` for the GAN losses, 1 for the Wasserstein losses.
    pub fn fprime(self, t: f64) -> f64 {
        match self {
            Loss::Gan | Loss::NsGan => sigmoid(-t),
            Loss::Wgan | Loss::WganGp => 1.0,
        }
    }
}

/// How the two players move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// Simultaneous gradient steps: `(θ, ψ) ← (θ, ψ) + h v(θ, ψ)`.
    Sim,
    /// Alternating steps, generator first: `θ' = θ + h v₁(θ, ψ)`, then `ψ' = ψ + h v₂(θ', ψ)`.
    Alt,
}

impl Update {
    /// The parameter-table name.
    pub fn name(self) -> &'static str {
        match self {
            Update::Sim => "sim",
            Update::Alt => "alt",
        }
    }

    /// The update with this parameter-table name.
    pub fn from_name(s: &str) -> Option<Update> {
        [Update::Sim, Update::Alt].into_iter().find(|u| u.name() == s)
    }
}

/// Everything that defines a Dirac-GAN run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// The objective.
    pub loss: Loss,
    /// Simultaneous or alternating steps.
    pub update: Update,
    /// Step size h.
    pub h: f64,
    /// Penalty weight γ (0 = off): zero-centred for gan, nsgan and wgan; one-centred for wgan-gp.
    pub gp: f64,
    /// Weight-clipping bound c on ψ (0 = off).
    pub clip: f64,
    /// Generator start θ₀.
    pub theta0: f64,
    /// Discriminator start ψ₀.
    pub psi0: f64,
}

impl Config {
    /// The notebook's defaults: standard GAN, simultaneous steps, h = 0.2, no penalty, start (1, 1).
    pub fn defaults() -> Self {
        Config { loss: Loss::Gan, update: Update::Sim, h: 0.2, gp: 0.0, clip: 0.0, theta0: 1.0, psi0: 1.0 }
    }

    /// Whether the WGAN-GP penalty is active. Its term `γ(|ψ| − g₀) sign ψ` jumps by `2γg₀` across ψ = 0,
    /// so the field has no Jacobian at the equilibrium.
    pub fn nonsmooth(&self) -> bool {
        self.loss == Loss::WganGp && self.gp > 0.0
    }

    /// Whether clipping is on.
    pub fn clipped(&self) -> bool {
        self.clip > 0.0
    }
}

/// The logistic function, evaluated without overflow for any argument (±∞ included).
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// numpy's `sign`: 0 at 0, which makes (0, 0) a zero of the WGAN-GP field as in the official code.
fn sign0(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The generator component `v₁(θ, ψ)`.
pub fn v1(cfg: &Config, theta: f64, psi: f64) -> f64 {
    match cfg.loss {
        Loss::NsGan => -psi * cfg.loss.fprime(-psi * theta),
        _ => -psi * cfg.loss.fprime(psi * theta),
    }
}

/// The discriminator component `v₂(θ, ψ)`, penalty included.
pub fn v2(cfg: &Config, theta: f64, psi: f64) -> f64 {
    match cfg.loss {
        Loss::WganGp => theta - cfg.gp * (psi.abs() - WGAN_GP_TARGET) * sign0(psi),
        _ => theta * cfg.loss.fprime(psi * theta) - cfg.gp * psi,
    }
}

/// The continuous-time vector field `v(θ, ψ)`.
pub fn field(cfg: &Config, theta: f64, psi: f64) -> (f64, f64) {
    (v1(cfg, theta, psi), v2(cfg, theta, psi))
}

/// The Jacobian of `v` at the equilibrium (0, 0): `[[0, −f'(0)], [f'(0), −γ]]` (theory §2), or `None` for
/// WGAN-GP with γ > 0.
///
/// Derivation: `∂v₁/∂ψ = −f'(0)` and `∂v₂/∂θ = f'(0)` at the origin, and the `ψθ` arguments contribute
/// nothing there because they are multiplied by a vanishing factor; the non-saturating generator has the same
/// linearisation because only `f'(0)` enters. The zero-centred penalty adds `−γ` to `∂v₂/∂ψ`. For WGAN-GP the
/// term `−γ(|ψ| − 1) sign ψ = −γψ + γ sign ψ` is not even continuous at ψ = 0 (it jumps from −γ to +γ), so
/// there is no Jacobian: the one-sided linearisation `[[0, −1], [1, −γ]]` would suggest a stable spiral,
/// yet the jump pushes `|ψ|` towards 1 and the run never settles. We report no eigenvalues there.
pub fn jacobian(cfg: &Config) -> Option<Matrix2<f64>> {
    if cfg.nonsmooth() {
        return None;
    }
    let f0 = cfg.loss.fprime0();
    Some(Matrix2::new(0.0, -f0, f0, -cfg.gp))
}

/// The linearisation at (0, 0) of one discrete step (simultaneous or alternating), without clipping, which
/// is inactive near the equilibrium.
///
/// Simultaneous: `I + hJ`. Alternating: `θ' = θ + h(J₁₁θ + J₁₂ψ)`, `ψ' = ψ + h(J₂₁θ' + J₂₂ψ)`, i.e.
/// `[[1 + hJ₁₁, hJ₁₂], [hJ₂₁(1 + hJ₁₁), 1 + hJ₂₂ + h²J₂₁J₁₂]]`.
pub fn step_matrix(cfg: &Config) -> Option<Matrix2<f64>> {
    let j = jacobian(cfg)?;
    let h = cfg.h;
    Some(match cfg.update {
        Update::Sim => Matrix2::identity() + j * h,
        Update::Alt => Matrix2::new(
            1.0 + h * j[(0, 0)],
            h * j[(0, 1)],
            h * j[(1, 0)] * (1.0 + h * j[(0, 0)]),
            1.0 + h * j[(1, 1)] + h * h * j[(1, 0)] * j[(0, 1)],
        ),
    })
}

/// The per-step growth factor of the distance to the equilibrium predicted by the linearisation: the
/// spectral radius of [`step_matrix`]. `None` for WGAN-GP with γ > 0.
pub fn rate_predicted(cfg: &Config) -> Option<f64> {
    step_matrix(cfg).map(|m| spectral_radius(&m))
}

/// `Q = θ² + ψ² − hθψ`, conserved exactly by alternating WGAN steps without penalty (theory §2).
pub fn q(h: f64, theta: f64, psi: f64) -> f64 {
    theta * theta + psi * psi - h * theta * psi
}

/// One Dirac-GAN run.
#[derive(Clone, Debug, PartialEq)]
pub struct DiracGan {
    /// The configuration.
    pub cfg: Config,
    /// Generator parameter θ.
    pub theta: f64,
    /// Discriminator parameter ψ.
    pub psi: f64,
    /// Steps taken.
    pub steps: u64,
}

impl DiracGan {
    /// A run at its start `(θ₀, ψ₀)` (ψ₀ clipped when clipping is on).
    pub fn new(cfg: Config) -> Self {
        let psi = if cfg.clipped() { cfg.psi0.clamp(-cfg.clip, cfg.clip) } else { cfg.psi0 };
        DiracGan { cfg, theta: cfg.theta0, psi, steps: 0 }
    }

    /// One step, recorded in `hist` as (theta, psi). This is the figure's whole per-step work, kept in the models crate so that it runs at full optimisation
    /// while the glue that calls it is optimised for size (src/models.rs).
    #[inline(never)]
    pub fn step_recorded(&mut self, hist: &mut History<(f64, f64)>) {
        self.step();
        hist.push(self.steps, (self.theta, self.psi));
    }

    /// One simultaneous or alternating step, then clipping.
    #[inline] // into `step_recorded`, the glue's one call per step
    pub fn step(&mut self) {
        let c = &self.cfg;
        let (theta, psi) = (self.theta, self.psi);
        let (t, mut p) = match c.update {
            Update::Sim => {
                let (a, b) = field(c, theta, psi);
                (theta + c.h * a, psi + c.h * b)
            }
            Update::Alt => {
                let t = theta + c.h * v1(c, theta, psi);
                (t, psi + c.h * v2(c, t, psi))
            }
        };
        if c.clipped() {
            p = p.clamp(-c.clip, c.clip);
        }
        self.theta = t;
        self.psi = p;
        self.steps += 1;
    }

    /// The distance to the equilibrium (0, 0).
    pub fn radius(&self) -> f64 {
        self.theta.hypot(self.psi)
    }

    /// The conserved quantity of alternating WGAN steps at the current state.
    pub fn q(&self) -> f64 {
        q(self.cfg.h, self.theta, self.psi)
    }

    /// Whether the state is finite and `θ² + ψ²` does not overflow (the radius law and `Q` need it).
    pub fn is_finite(&self) -> bool {
        (self.theta * self.theta + self.psi * self.psi).is_finite()
    }
}
