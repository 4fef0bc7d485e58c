//! Axis extents and label budgets that follow the figure: time axes that grow with the run, tick counts that
//! fit the pixels a chart has, and a legend corner that hides the least data.
//!
//! It also holds logarithmic axes whose lowest decade holds values that are exactly 0 ([`LogFloor`]): a log
//! axis cannot show 0, but "exactly 0" can be the whole point (the f32 InfoNCE loss). Such an axis reserves its
//! bottom decade: exact zeros are drawn on a floor line at [`LogFloor::floor`], whose tick reads "0", and
//! positive values are never drawn below the decade above the floor.

use super::{fmt, Theme};

/// The end of a time axis showing steps (or time) `0..=t`: the smallest of 1, 1.5, 2, 3, 4, 6 and 8 times a power
/// of ten that is at least `t` (and at least `min`).
///
/// The axis grows in round jumps ahead of the run (each at most 1.5 times the last) instead of ending at the
/// current step: the run's whole history fills between two thirds and all of the width, tick labels stay round
/// and still between jumps, and a run that settles keeps most of the width.
pub fn time_extent(t: f64, min: f64) -> f64 {
    let t = if t.is_finite() { t.max(min) } else { min };
    if t <= 0.0 {
        return min.max(1.0);
    }
    let p = 10f64.powf(t.log10().floor());
    for m in [1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0] {
        // A small tolerance keeps exact powers (t = 1000) from jumping to the next step by rounding.
        if m * p >= t * (1.0 - 1e-12) {
            return m * p;
        }
    }
    10.0 * p
}

/// How many tick labels fit along `span_px` device pixels when each needs `per_label_css` CSS pixels: at most
/// `max`, at least 2 (the ends).
pub fn label_budget(max: usize, span_px: i32, theme: &Theme, per_label_css: f64) -> usize {
    let fit = (span_px.max(0) as f64 / (per_label_css * theme.scale)).floor() as usize;
    fit.clamp(2, max.max(2))
}

/// A corner of a rectangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Top left.
    TopLeft,
    /// Top right.
    TopRight,
    /// Bottom left.
    BottomLeft,
    /// Bottom right.
    BottomRight,
}

/// The corner of the plotting rectangle `(x0, y0)–(x1, y1)` (device pixels) where a box of `w` × `h` pixels
/// inset by `pad` covers the fewest of `points` (device pixels); ties go to the first corner in `prefer`.
pub fn emptiest_corner(
    points: &[(i32, i32)],
    rect: ((i32, i32), (i32, i32)),
    (w, h): (i32, i32),
    pad: i32,
    prefer: &[Corner],
) -> Corner {
    let ((x0, y0), (x1, y1)) = rect;
    let boxed = |c: Corner| -> ((i32, i32), (i32, i32)) {
        let left = matches!(c, Corner::TopLeft | Corner::BottomLeft);
        let top = matches!(c, Corner::TopLeft | Corner::TopRight);
        let bx = if left { x0 + pad } else { x1 - pad - w };
        let by = if top { y0 + pad } else { y1 - pad - h };
        ((bx, by), (bx + w, by + h))
    };
    let covered = |c: Corner| {
        let ((a, b), (c2, d)) = boxed(c);
        points.iter().filter(|(x, y)| *x >= a && *x <= c2 && *y >= b && *y <= d).count()
    };
    let mut best = prefer.first().copied().unwrap_or(Corner::TopRight);
    let mut best_n = usize::MAX;
    for &c in prefer {
        let n = covered(c);
        if n < best_n {
            best = c;
            best_n = n;
        }
    }
    best
}

/// The top-left device pixel of a `w` × `h` box inset by `pad` in corner `c` of the rectangle `rect`.
pub fn corner_origin(c: Corner, rect: ((i32, i32), (i32, i32)), (w, h): (i32, i32), pad: i32) -> (i32, i32) {
    let ((x0, y0), (x1, y1)) = rect;
    let left = matches!(c, Corner::TopLeft | Corner::BottomLeft);
    let top = matches!(c, Corner::TopLeft | Corner::TopRight);
    (if left { x0 + pad } else { x1 - pad - w }, if top { y0 + pad } else { y1 - pad - h })
}

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

/// Ticks for a log axis over `[lo, hi]` spanning a few decades at most: the sparsest of the mantissa sets
/// {1}, {1, 2, 5}, {1, 1.5, 2, 3, 5, 7} and {1, 1.2, 1.5, …, 9} (times powers of ten) that puts at least three
/// ticks inside the range, or the finest set when none does.
pub fn mantissa_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let sets: [&[f64]; 4] = [
        &[1.0],
        &[1.0, 2.0, 5.0],
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0],
        &[1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
    ];
    let mut ticks = Vec::new();
    for set in sets {
        ticks = (k0..=k1)
            .flat_map(|k| set.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|v| (lo..=hi).contains(v))
            .collect();
        if ticks.len() >= 3 {
            break;
        }
    }
    ticks
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_axes_grow_in_round_steps_and_keep_the_run_in_view() {
        assert_eq!(time_extent(0.0, 10.0), 10.0);
        assert_eq!(time_extent(7.0, 10.0), 10.0);
        assert_eq!(time_extent(11.0, 10.0), 15.0);
        assert_eq!(time_extent(1000.0, 1.0), 1000.0);
        assert_eq!(time_extent(1001.0, 1.0), 1500.0);
        assert_eq!(time_extent(2500.0, 1.0), 3000.0);
        assert_eq!(time_extent(201.0, 10.0), 300.0);
        assert_eq!(time_extent(7000.0, 1.0), 8000.0);
        assert_eq!(time_extent(0.35, 0.1), 0.4);
        assert_eq!(time_extent(f64::NAN, 10.0), 10.0);
        // The history always fills at least two thirds of the axis.
        for i in 1..2000 {
            let t = i as f64 * 7.3;
            let e = time_extent(t, 1.0);
            assert!(e >= t && t / e >= 2.0 / 3.0 - 1e-12, "t {t} extent {e}");
        }
    }

    #[test]
    fn label_budget_fits_the_span() {
        let theme = Theme::light(2.0);
        assert_eq!(label_budget(6, 200, &theme, 20.0), 5);
        assert_eq!(label_budget(6, 2000, &theme, 20.0), 6);
        assert_eq!(label_budget(6, 10, &theme, 20.0), 2);
    }

    #[test]
    fn mantissa_ticks_take_the_sparsest_set_with_three_ticks() {
        // {1} gives only 1 and 10 in [0.5, 20]; {1, 2, 5} gives six ticks.
        assert_eq!(mantissa_ticks(0.5, 20.0), vec![0.5, 1.0, 2.0, 5.0, 10.0, 20.0]);
        // Only the finest set puts three ticks in [0.95, 1.6].
        assert_eq!(mantissa_ticks(0.95, 1.6), vec![1.0, 1.2, 1.5]);
        // Four decades: whole decades suffice.
        assert_eq!(mantissa_ticks(0.05, 200.0).len(), 4);
        assert!(mantissa_ticks(0.0, 1.0).is_empty());
    }

    #[test]
    fn the_emptiest_corner_is_chosen() {
        let rect = ((0, 0), (100, 100));
        let pts: Vec<(i32, i32)> = (0..50).map(|i| (90 - i / 10, 5 + i / 10)).collect();
        let all = [Corner::TopRight, Corner::TopLeft, Corner::BottomRight, Corner::BottomLeft];
        assert_eq!(emptiest_corner(&pts, rect, (30, 20), 4, &all), Corner::TopLeft);
        assert_eq!(emptiest_corner(&[], rect, (30, 20), 4, &all), Corner::TopRight);
        assert_eq!(corner_origin(Corner::BottomRight, rect, (30, 20), 4), (66, 76));
    }
}
