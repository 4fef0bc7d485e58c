//! The Dirac-GAN and Dirac-IGN figures: the smallest GAN and the Idempotent Generative Network read as one.
//!
//! Two panels share this topic: [`gan`] (`dirac-gan`) and [`ign`] (`dirac-ign`). The drawing helpers both use
//! live in [`draw`]; the 2×2 eigenvalue maths both use is crate-level ([`crate::math`]).

pub(crate) mod draw;
pub mod gan;
pub mod ign;
