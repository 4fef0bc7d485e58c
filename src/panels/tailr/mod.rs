//! TaiLr: the total-variation-flavoured loss that down-weights unlikely labels.
//!
//! Two panels share this topic: [`single`] (`tailr-single`, one context and its optimum) and [`noisy`]
//! (`tailr-noisy`, learning from noisy labels). Both use the pure loss in [`loss`] and the figure chrome in
//! [`draw`].

pub(crate) mod draw;
pub use dynamics_models::panels::tailr::loss;
pub mod noisy;
pub mod single;
