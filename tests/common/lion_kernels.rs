//! Inputs shared by the tests that compare Lion/Tiger's SIMD kernels with the portable code: the AVX2 kernels
//! natively (`tests/theory_lion.rs`) and the simd128 kernels in the browser (`tests/web.rs`).

use dynamics::panels::lion_embedding::model::{Config, Optimizer};

/// Samples of `s·N(0, 1)` in f32 from the project's seeded stream `seed`.
pub fn normals(seed: u64) -> impl FnMut(f64) -> f32 {
    let mut rng = dynamics::rng::stream(seed, 0);
    move |s| (s * dynamics::rng::normal(&mut rng)) as f32
}

/// The bit patterns of a slice of floats, for exact comparisons that tell −0 from +0 and see NaN payloads.
pub fn bits(x: &[f32]) -> Vec<u32> {
    x.iter().map(|v| v.to_bits()).collect()
}

/// One input of the row-update comparisons: the settings and a row of width `d` with its momentum and gradient.
pub struct RowCase {
    /// Tiger or Lion, with or without the per-row RMS rule, at one weight decay and learning rate.
    pub cfg: Config,
    /// The row θ.
    pub theta: Vec<f32>,
    /// Its momentum m.
    pub m: Vec<f32>,
    /// Its gradient g.
    pub g: Vec<f32>,
}

/// Case number `case` of a row-update comparison at width `d`, its random entries drawn from `normal`: Tiger
/// and Lion alternately, with and without the per-row RMS rule, three weight decays and learning rates, rows and
/// momenta at several scales, momenta and gradients with exact zeros (sign 0) and −0 every fifth case, and rows,
/// momenta or gradients with infinite or NaN entries, or a row of −0, in some cases of every forty.
pub fn row_case(case: usize, d: usize, normal: &mut impl FnMut(f64) -> f32) -> RowCase {
    let lion = case % 2 == 1;
    let scale = [0.02, 1.0, 1e-30, 300.0][(case / 3) % 4];
    let mut theta: Vec<f32> = (0..d).map(|_| normal(scale)).collect();
    let mut m: Vec<f32> = (0..d).map(|_| normal(scale * 1e-3)).collect();
    let mut g: Vec<f32> = (0..d).map(|_| normal(1e-3)).collect();
    if case.is_multiple_of(5) {
        m[case % d] = 0.0;
        g[case % d] = 0.0;
        m[(case + 3) % d] = -0.0;
        g[(case + 3) % d] = -0.0;
    }
    match case % 40 {
        7 => theta[case % d] = f32::INFINITY,
        13 => g[(case * 3) % d] = f32::NAN,
        21 => m[(case * 5) % d] = f32::NEG_INFINITY,
        29 => theta = vec![-0.0; d],
        _ => {}
    }
    let mut cfg = Config::defaults();
    cfg.optimizer = if lion { Optimizer::Lion } else { Optimizer::Tiger };
    cfg.rms = (case / 2).is_multiple_of(2);
    cfg.wd = [0.01f32, 0.0, 0.3][(case / 4) % 3];
    cfg.lr = [1e-3f32, 2e-3, 0.05][(case / 12) % 3];
    RowCase { cfg, theta, m, g }
}
