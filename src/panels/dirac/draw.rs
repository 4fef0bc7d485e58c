//! Drawing helpers shared by the Dirac-GAN and Dirac-IGN figures: short numbers, ticks, log ranges, eigenvalue
//! text, keys and the themed mesh.

use crate::plot::draw::text_px;
use crate::plot::{log_range, AnyBackend, Area, DrawError, DrawResult, Theme};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;

/// A number in a short readable form: two decimals for ordinary magnitudes, scientific otherwise.
pub(crate) fn short(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".to_string()
    } else if !v.is_finite() {
        "∞".to_string()
    } else if !(5e-3..1e4).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        if s == "-0.00" {
            "0".to_string()
        } else {
            s
        }
    }
}

/// An axis tick label: trailing zeros trimmed, scientific for very small or large magnitudes.
pub(crate) fn tick(v: &f64) -> String {
    let v = *v;
    let a = v.abs();
    if a < 1e-12 {
        return "0".to_string();
    }
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.0e}");
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The label of a tick on a log10-transformed axis: `1`, `10`, `1e-6` at whole decades, two significant
/// digits in between.
pub(crate) fn pow10_tick(v: &f64) -> String {
    let k = v.round();
    if (v - k).abs() < 1e-9 {
        if (-2.0..=3.0).contains(&k) {
            tick(&10f64.powf(k))
        } else {
            format!("1e{k:.0}")
        }
    } else {
        let x = 10f64.powf(*v);
        if (1e-2..1e3).contains(&x) {
            let digits = (1 - x.log10().floor() as i32).max(0) as usize;
            format!("{x:.digits$}")
        } else {
            format!("{x:.1e}")
        }
    }
}

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
            format!("±{}i", short(i1.abs()))
        } else {
            format!("{} ± {}i", short(r1), short(i1.abs()))
        }
    } else {
        format!("{}, {}", short(r1), short(r2))
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
) -> DrawResult {
    let width = |v: &Vec<(String, RGBColor)>| -> u32 {
        v.iter().map(|(t, c)| area.estimate_text_size(t, &theme.font_in(size, *c)).map(|(w, _)| w).unwrap_or(0)).sum()
    };
    let Some(chosen) = variants.iter().find(|v| width(v) <= max_w).or(variants.last()) else { return Ok(()) };
    let mut x = at.0;
    for (t, c) in chosen {
        let st = theme.font_in(size, *c);
        text_px(area, t, (x, at.1), &st)?;
        x += area.estimate_text_size(t, &st).map(|(w, _)| w as i32).unwrap_or(0);
    }
    Ok(())
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

/// The mesh style shared by every chart of the two panels.
pub(crate) fn mesh<X, Y, XT, YT>(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<X, Y>>,
    theme: &Theme,
    x_desc: &str,
    y_desc: &str,
    xf: &dyn Fn(&XT) -> String,
    yf: &dyn Fn(&YT) -> String,
    n_labels: (usize, usize),
) -> DrawResult
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    chart
        .configure_mesh()
        .light_line_style(theme.bg())
        .bold_line_style(theme.grid())
        .axis_style(theme.muted())
        .label_style(theme.font(10.0))
        .axis_desc_style(theme.font(11.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(n_labels.0)
        .y_labels(n_labels.1)
        .x_label_formatter(xf)
        .y_label_formatter(yf)
        .draw()
        .map_err(DrawError::from)
}
