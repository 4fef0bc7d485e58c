//! The one source of randomness: a seeded, portable ChaCha8 generator.
//!
//! Models never read a clock or OS entropy. A panel derives independent streams from the user's seed
//! with [`stream`], so that, for example, the data set and the minibatch noise do not shift when one of
//! them draws a different number of values. ChaCha8 produces the same sequence on every platform, so a
//! seed gives the same run natively and in the browser.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// The generator type used by every model.
pub type Rng = ChaCha8Rng;

/// A generator for `seed`, on the independent sub-stream `stream`.
pub fn stream(seed: u64, stream: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// One standard normal draw.
pub fn normal(rng: &mut Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// One uniform draw in `[0, 1)`.
pub fn uniform(rng: &mut Rng) -> f64 {
    use rand::RngExt;
    rng.random::<f64>()
}
