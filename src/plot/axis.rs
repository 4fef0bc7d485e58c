//! Axes that need more than a range: a logarithmic axis whose lowest decade holds values that are exactly 0.
//!
//! A log axis cannot show 0, but "exactly 0" can be the whole point (the f32 InfoNCE loss). Such an axis
//! reserves its bottom decade: values that are exactly 0 are drawn on a floor line at [`LogFloor::floor`],
//! whose tick reads "0". Positive values are never drawn below the decade above the floor, so nothing real can
//! be mistaken for a zero.

use super::fmt;

/// A log axis `[floor / 3, hi]` whose lowest decade holds the floor line for exact zeros.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogFloor {
    /// Where exact zeros are drawn.
    pub floor: f64,
    /// Smallest positive value drawn (one decade above the floor); smaller positives are clamped up to it.
    pub min_pos: f64,
    /// Top of the axis.
    pub hi: f64,
}

impl LogFloor {
    /// An axis for positive data down to `min_pos` (snapped down to a decade) and up to `hi`.
    pub fn new(min_pos: f64, hi: f64) -> Self {
        let min_pos = if min_pos.is_finite() && min_pos > 0.0 { 10f64.powf(min_pos.log10().floor()) } else { 1e-12 };
        let hi = if hi.is_finite() && hi > min_pos { hi } else { min_pos * 10.0 };
        LogFloor { floor: min_pos / 10.0, min_pos, hi }
    }

    /// The same axis with the floor `decades` decades (at least 1) below the lowest positive value, which
    /// leaves room in the floor band for a marker of how often values are exactly 0.
    pub fn with_gap(self, decades: f64) -> Self {
        let d = if decades.is_finite() { decades.max(1.0) } else { 1.0 };
        LogFloor { floor: self.min_pos / 10f64.powf(d), ..self }
    }

    /// The plotted range.
    pub fn range(&self) -> (f64, f64) {
        (self.floor / 2.0, self.hi)
    }

    /// Where to draw `v`: the floor for exact zeros (and for negative values, which these axes never hold
    /// legitimately), otherwise `v` clamped into `[min_pos, hi]`. NaN gives `None`.
    pub fn place(&self, v: f64) -> Option<f64> {
        if v.is_nan() {
            None
        } else if v <= 0.0 {
            Some(self.floor)
        } else {
            Some(v.clamp(self.min_pos, self.hi))
        }
    }

    /// Decade ticks from the floor to the top, thinned to at most `max` labels (the floor always kept).
    pub fn ticks(&self, max: usize) -> Vec<f64> {
        let mut t = vec![self.floor];
        t.extend(decade_ticks(self.min_pos, self.hi, max.saturating_sub(1).max(1)));
        t
    }

    /// Tick label: "0" on the floor, nothing inside the floor band (no positive value is drawn there), a
    /// power of ten elsewhere.
    pub fn label(&self, v: f64) -> String {
        if v <= self.floor * 1.5 {
            "0".to_string()
        } else if v < self.min_pos * 0.99 {
            String::new()
        } else {
            fmt::decade(&v)
        }
    }
}

/// Powers of ten within `[lo, hi]`, every n-th decade so that there are at most `max` of them; the top
/// decade is always included so the axis reads to its end.
pub fn decade_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let k0 = (lo.log10() - 1e-9).ceil() as i32;
    let k1 = (hi.log10() + 1e-9).floor() as i32;
    if k1 < k0 {
        return Vec::new();
    }
    let n = (k1 - k0 + 1) as usize;
    let stride = n.div_ceil(max.max(1)).max(1) as i32;
    (k0..=k1).filter(|k| (k1 - k).rem_euclid(stride) == 0).map(|k| 10f64.powi(k)).collect()
}
