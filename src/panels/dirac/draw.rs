//! Drawing helpers shared by the Dirac-GAN and Dirac-IGN figures: log ranges, eigenvalue text, keys and the
//! themed mesh.

use crate::plot::axis::label_budget;
use crate::plot::chart::{self, Axes};
use crate::plot::draw::text_px;
use crate::plot::fmt;
use crate::plot::{log_range, AnyBackend, Area, Theme};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The log10 range of the log chart for `vals`: padded by a factor 1.3 when they span less than a factor 10
/// (so that small oscillations stay visible), otherwise snapped out to whole decades; and the number of
/// y labels that puts ticks on whole decades when the span is at least one decade.
pub(crate) fn log10_range(vals: &[f64], floor: f64, fallback: (f64, f64)) -> ((f64, f64), usize) {
    let pos = || vals.iter().copied().filter(|v| v.is_finite() && *v > 0.0).map(|v| v.max(floor));
    let (lo, hi) = (pos().fold(f64::INFINITY, f64::min), pos().fold(0.0, f64::max));
    let (lo, hi) = if lo.is_finite() && hi < 10.0 * lo {
        (lo / 1.3, hi * 1.3)
    } else {
        log_range(vals.iter().copied(), floor, fallback)
    };
    let lo = lo.clamp(1e-300, 1e300);
    let hi = hi.clamp(lo * 1.01, 1e301);
    let (l0, l1) = (lo.log10(), hi.log10());
    let span = l1 - l0;
    let labels = if span >= 1.0 { ((span.floor() as usize) + 1).min(6) } else { 5 };
    ((l0, l1), labels)
}

/// Two eigenvalues as text: `±0.50i`, `−0.15 ± 0.48i` or `−0.50, −0.50`.
pub(crate) fn eig_text(eig: &[(f64, f64); 2]) -> String {
    let [(r1, i1), (r2, _)] = *eig;
    if i1 != 0.0 {
        if r1.abs() < 1e-12 * i1.abs().max(1.0) {
            format!("±{}i", fmt::hundredths(i1.abs()))
        } else {
            format!("{} ± {}i", fmt::hundredths(r1), fmt::hundredths(i1.abs()))
        }
    } else {
        format!("{}, {}", fmt::hundredths(r1), fmt::hundredths(r2))
    }
}

/// The smallest "nice" number (1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten) at least `x` (x > 0).
pub(crate) fn nice_up(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * p >= x * (1.0 - 1e-12) {
            return m * p;
        }
    }
    10.0 * p
}

/// Draws a one-line key of coloured text segments at `(x, y)`: the first of `variants` whose width fits in
/// `max_w` device pixels (or the last one).
pub(crate) fn key_line(
    area: &Area<'_>,
    theme: &Theme,
    at: (i32, i32),
    size: f64,
    max_w: u32,
    variants: &[Vec<(String, RGBColor)>],
) {
    let width = |v: &Vec<(String, RGBColor)>| -> u32 {
        v.iter().map(|(t, c)| area.estimate_text_size(t, &theme.font_in(size, *c)).map(|(w, _)| w).unwrap_or(0)).sum()
    };
    let Some(chosen) = variants.iter().find(|v| width(v) <= max_w).or(variants.last()) else { return };
    let mut x = at.0;
    for (t, c) in chosen {
        let st = theme.font_in(size, *c);
        text_px(area, t, (x, at.1), &st);
        x += area.estimate_text_size(t, &st).map(|(w, _)| w as i32).unwrap_or(0);
    }
}

/// Points of the line `log10 y = log10 y0 + n log10 ρ` for `n` in `[0, n1]`, clipped to `[l0, l1]` (a
/// straight line on the log chart, so its two end points suffice). Empty when it never enters the range.
pub(crate) fn rate_line(y0: f64, rho: f64, n1: f64, l0: f64, l1: f64) -> Vec<(f64, f64)> {
    if !(y0 > 0.0 && rho > 0.0 && y0.is_finite() && rho.is_finite() && n1 > 0.0) {
        return Vec::new();
    }
    let (c, s) = (y0.log10(), rho.log10());
    let (mut a, mut b) = (0.0f64, n1);
    if s.abs() < 1e-300 {
        if c < l0 || c > l1 {
            return Vec::new();
        }
    } else {
        let (na, nb) = ((l0 - c) / s, (l1 - c) / s);
        let (na, nb) = if na < nb { (na, nb) } else { (nb, na) };
        a = a.max(na);
        b = b.min(nb);
    }
    if a >= b {
        return Vec::new();
    }
    let y = |n: f64| (c + n * s).clamp(l0, l1);
    vec![(a, y(a)), (b, y(b))]
}

/// How many y labels (at most `max`) to ask plotters for on a log₁₀ distance axis from `l0` to `l1` that is
/// `plot_h` device pixels tall: as many as fit at 15 CSS px each, and one more where plotters' round steps would
/// otherwise leave a single label, as long as its labels stay 13 CSS px apart (a capped phone canvas is short).
pub(crate) fn log10_labels(plot_h: i32, (l0, l1): (f64, f64), max: usize, theme: &Theme) -> usize {
    let range = RangedCoordf64::from(l0..l1);
    let mut n = label_budget(max, plot_h, theme, 15.0);
    while n < max && range.key_points(n).len() < 2 {
        let k = range.key_points(n + 1);
        let apart = k.windows(2).map(|w| (w[1] - w[0]).abs()).fold(f64::INFINITY, f64::min);
        if k.len() < 2 || apart / (l1 - l0) * plot_h as f64 >= 13.0 * theme.scale {
            n += 1;
        } else {
            break;
        }
    }
    n
}

/// The mesh shared by every chart of the two panels: `n_labels` (x, y) tick labels at 10 px, descriptions at
/// 11 px.
pub(crate) fn mesh<X, Y>(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<X, Y>>,
    theme: &Theme,
    (x_desc, y_desc): (&str, &str),
    xf: &dyn Fn(&X::ValueType) -> String,
    yf: &dyn Fn(&Y::ValueType) -> String,
    n_labels: (usize, usize),
) where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let axes = Axes {
        x_ticks: n_labels.0,
        y_ticks: n_labels.1,
        x_desc,
        y_desc,
        label_size: 10.0,
        desc_size: 11.0,
        label_color: None,
    };
    chart::mesh(chart, theme, axes, xf, yf)
}
