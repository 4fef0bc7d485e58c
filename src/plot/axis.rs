//! Axis extents and label budgets that follow the figure: time axes that grow with the run, tick counts that
//! fit the pixels a chart has, and a legend corner that hides the least data.

use super::Theme;

/// The end of a time axis showing steps (or time) `0..=t`: the smallest of 1, 2 and 5 times a power of ten that
/// is at least `t` (and at least `min`).
///
/// The axis grows in round jumps ahead of the run instead of ending at the current step: the run's whole history
/// fills between 40 % and 100 % of the width, tick labels stay round and still between jumps, and a long run
/// does not squeeze its start against the left edge any more than the last jump did.
pub fn time_extent(t: f64, min: f64) -> f64 {
    let t = if t.is_finite() { t.max(min) } else { min };
    if t <= 0.0 {
        return min.max(1.0);
    }
    let p = 10f64.powf(t.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_axes_grow_in_round_steps_and_keep_the_run_in_view() {
        assert_eq!(time_extent(0.0, 10.0), 10.0);
        assert_eq!(time_extent(7.0, 10.0), 10.0);
        assert_eq!(time_extent(11.0, 10.0), 20.0);
        assert_eq!(time_extent(1000.0, 1.0), 1000.0);
        assert_eq!(time_extent(1001.0, 1.0), 2000.0);
        assert_eq!(time_extent(2500.0, 1.0), 5000.0);
        assert_eq!(time_extent(0.35, 0.1), 0.5);
        assert_eq!(time_extent(f64::NAN, 10.0), 10.0);
        // The history always fills at least 40 % of the axis.
        for i in 1..2000 {
            let t = i as f64 * 7.3;
            let e = time_extent(t, 1.0);
            assert!(e >= t && t / e >= 0.4 - 1e-12, "t {t} extent {e}");
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
    fn the_emptiest_corner_is_chosen() {
        let rect = ((0, 0), (100, 100));
        let pts: Vec<(i32, i32)> = (0..50).map(|i| (90 - i / 10, 5 + i / 10)).collect();
        let all = [Corner::TopRight, Corner::TopLeft, Corner::BottomRight, Corner::BottomLeft];
        assert_eq!(emptiest_corner(&pts, rect, (30, 20), 4, &all), Corner::TopLeft);
        assert_eq!(emptiest_corner(&[], rect, (30, 20), 4, &all), Corner::TopRight);
        assert_eq!(corner_origin(Corner::BottomRight, rect, (30, 20), 4), (66, 76));
    }
}
