//! The root of `dynamics-models`, the crate of pure simulation code: every panel's model and the maths and
//! randomness they use, and nothing that draws.
//!
//! The files stay next to their panels under `src/` (so each panel folder shows its model beside its drawing
//! and its description); this root only lists them, in the same module tree as the main crate, which
//! re-exports them under the same paths. Being a crate of its own does two things. Its dependencies are only
//! the numeric ones, so a pure file that tried to draw would not compile. And the release profile can give it
//! its own optimisation level: the models need `opt-level = 3`, while the drawing code that dominates the wasm
//! module would be smaller at "z" (see `Cargo.toml` for what is enabled).

pub mod history;
pub mod math;
pub mod real;
pub mod rng;

/// The panels' pure files, in the main crate's module tree.
pub mod panels {
    /// The Dirac-GAN and Dirac-IGN models.
    pub mod dirac {
        /// The Dirac-GAN model.
        pub mod gan {
            pub mod model;
        }
        /// The Dirac-IGN model.
        pub mod ign {
            pub mod model;
        }
    }
    /// The InfoNCE/FlatNCE losses and the two FlatNCE models.
    pub mod flatnce {
        pub mod loss;
        /// The f32/f64 microscope.
        pub mod fp {
            pub mod model;
        }
        /// The training toy.
        pub mod train {
            pub mod model;
        }
    }
    /// The Lion/Tiger embedding model.
    pub mod lion_embedding {
        pub mod catchup;
        pub mod kernels;
        pub mod model;
    }
    /// The multi-task weighting model and its fixed points.
    pub mod multitask {
        pub mod fixed;
        pub mod model;
    }
    /// The P-tuning model.
    pub mod ptuning {
        pub mod frozen;
        pub mod geometry;
        pub mod model;
    }
    /// The linear SimSiam model.
    pub mod simsiam_linear {
        pub mod model;
    }
    /// The SimSiam toy model.
    pub mod simsiam_toy {
        pub mod model;
    }
    /// The TaiLr loss and the two TaiLr models.
    pub mod tailr {
        pub mod loss;
        /// One context.
        pub mod single {
            pub mod model;
        }
        /// Noisy labels.
        pub mod noisy {
            pub mod model;
        }
    }
    /// The Top-k constructions.
    pub mod topk {
        pub mod methods;
        pub mod model;
    }
}
