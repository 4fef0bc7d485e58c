//! Small drawing helpers shared by the two TaiLr panels: chart titles with a wrapped key, and key samples.

use crate::plot::draw::{circle_px, path_px, rect_px, text_px};
use crate::plot::Area;
use crate::plot::Theme;
use plotters::prelude::*;

/// What a key entry's sample looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sample {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A filled square.
    Block,
    /// A filled dot.
    Dot,
    /// An open ring.
    Ring,
}

/// Draws a key sample at `(x, y)` (left end, vertical centre), 16 CSS px wide.
pub fn sample(area: &Area<'_>, theme: &Theme, (x, y): (i32, i32), color: RGBColor, kind: Sample) {
    match kind {
        Sample::Line => {
            path_px(area, &[(x, y), (x + theme.dpx(16.0), y)], theme.stroke(color, 2.0));
        }
        Sample::Dashed => {
            let seg = theme.dpx(4.0);
            for k in 0..3 {
                let a = x + k * (seg + seg / 2);
                path_px(area, &[(a, y), (a + seg, y)], theme.stroke(color, 2.0));
            }
        }
        Sample::Block => {
            let s = theme.dpx(5.0);
            rect_px(area, (x + theme.dpx(3.0), y - s), (x + theme.dpx(3.0) + 2 * s, y + s), color.filled());
        }
        Sample::Dot => {
            circle_px(area, (x + theme.dpx(8.0), y), theme.px(3.0) as i32, color.filled());
        }
        Sample::Ring => {
            circle_px(area, (x + theme.dpx(8.0), y), theme.px(4.5) as i32, color.stroke_width(theme.px(1.6)));
        }
    }
}

/// A title line and a key (wrapped onto more rows when narrow) at the top of `area`; returns the top margin
/// in CSS pixels that a chart needs below them.
pub fn header(area: &Area<'_>, theme: &Theme, title: &str, keys: &[(String, RGBColor, Sample)]) -> f64 {
    text_px(area, title, (theme.dpx(8.0), theme.dpx(4.0)), &theme.font(11.5));
    if keys.is_empty() {
        return 22.0;
    }
    let rows = key_rows(area, theme, 26.0, keys);
    36.0 + 14.0 * (rows - 1) as f64
}

/// A key laid out in rows from CSS height `y_css` (the first row's centre), wrapping at the area's width;
/// returns the number of rows used.
pub fn key_rows(area: &Area<'_>, theme: &Theme, y_css: f64, keys: &[(String, RGBColor, Sample)]) -> usize {
    let (w, _) = area.dim_in_pixel();
    let kstyle = theme.font_in(10.0, theme.muted());
    let x_start = theme.dpx(8.0);
    let (mut x, mut row) = (x_start, 0);
    for (label, color, kind) in keys {
        let lw = area.estimate_text_size(label, &kstyle).map(|(w, _)| w as i32).unwrap_or(theme.dpx(30.0));
        let item_w = theme.dpx(20.0) + lw;
        if x > x_start && x + item_w > w as i32 - theme.dpx(4.0) {
            x = x_start;
            row += 1;
        }
        let y = theme.dpx(y_css) + row * theme.dpx(14.0);
        sample(area, theme, (x, y), *color, *kind);
        text_px(area, label, (x + theme.dpx(20.0), y - theme.dpx(6.0)), &kstyle);
        x += item_w + theme.dpx(8.0);
    }
    row as usize + 1
}

/// Mixes `a` toward `b` by `t ∈ [0, 1]`.
pub fn lerp(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round().clamp(0.0, 255.0) as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}
