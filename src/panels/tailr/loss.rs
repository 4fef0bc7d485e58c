//! The TaiLr loss and its gradient weight, shared by the one-context and the noisy-data panels.
//!
//! Pure: no plotting, no randomness.

/// The TaiLr gradient weight `w(p) = p / (γ + (1−γ) p)`, in `[0, 1]` for `p ∈ [0, 1]`.
///
/// At `γ = 0` this is `p / p = 1` (cross-entropy); it is returned as exactly 1 so that a probability that has
/// underflowed to 0 does not give `0/0`. For `γ > 0` the denominator is at least `γ`, so it never vanishes.
pub fn weight(p: f64, gamma: f64) -> f64 {
    if gamma <= 0.0 {
        1.0
    } else {
        p / (gamma + (1.0 - gamma) * p)
    }
}

/// The floored weight `w̃ = max(b, w(p))` of the paper's stop-gradient form.
///
/// The reference criterion also clamps the weight from above at 1 (`clamp(w, min = b, max = 1)`). Since
/// `w ≤ 1`, this only matters for `b > 1`, where torch's clamp returns the maximum, 1: so `b ≥ 1` is plain
/// cross-entropy exactly (theory §2), and the upper clamp is applied here to keep that identity for any `b`.
pub fn floored_weight(p: f64, gamma: f64, floor: f64) -> f64 {
    weight(p, gamma).max(floor).min(1.0)
}

/// The TaiLr loss `L_γ(p) = −ln(γ + (1−γ)p)/(1−γ)` of eq. (2), in the `ln_1p` form
/// `−ln_1p(−(1−γ)(1−p))/(1−γ)`, which stays accurate as `γ → 1`; at `γ = 1` it is the limit `1 − p`.
pub fn loss(p: f64, gamma: f64) -> f64 {
    if gamma >= 1.0 {
        1.0 - p
    } else {
        let a = 1.0 - gamma;
        -(-a * (1.0 - p)).ln_1p() / a
    }
}
