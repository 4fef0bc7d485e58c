//! FlatNCE: why InfoNCE's gradient vanishes in floating point at small temperatures, and FlatNCE's does not.
//!
//! Two panels share this topic: [`fp`] (`flatnce-fp`, the f32/f64 microscope) and [`train`] (`flatnce-train`, a
//! training toy). Both use the pure losses in [`loss`] and the log-axis helpers in [`draw`].

pub(crate) mod draw;
pub mod fp;
pub use dynamics_models::panels::flatnce::loss;
pub mod train;
