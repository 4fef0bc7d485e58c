//! An interactive explorer of training dynamics.
//!
//! Small, low-dimensional training-dynamics systems from Su Jianlin's posts are simulated by pure Rust
//! models and drawn with plotters, live on `<canvas>` in the browser (through [`web`], the only module
//! that knows wasm-bindgen and web-sys) and as SVG or PNG natively (through the `dynamics` command line).
//! See `ARCHITECTURE.md` for the bird's-eye view and the invariants.

pub mod check;
pub use dynamics_models::{history, math, real, rng};

pub mod hash;
pub mod i18n;
pub mod panel;
pub mod panels;
pub mod params;
pub mod plot;
pub mod recorder;
pub mod render;
pub mod runner;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// The WebAssembly module's allocator: talc, which grows the module's memory as it needs, in place of the
/// standard library's dlmalloc (a smaller module for the same speed; BENCHMARKS.md, "stop 23"). Native builds
/// keep the system allocator.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
