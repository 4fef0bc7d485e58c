//! Shared chart scaffolding: the themed frame and mesh every panel's charts use.
//!
//! Each panel used to spell out the same margins, label areas and mesh styles; sharing them keeps the
//! figures consistent and keeps one copy of plotters' axis code in the wasm module per coordinate type.

use super::{AnyBackend, Area, DrawError, DrawResult, Theme};
use crate::plot::draw::text_px;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;

/// Margins and label areas of a chart, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Space above the plotting area (room for a title line).
    pub top: f64,
    /// Space on the other three sides.
    pub margin: f64,
    /// Height of the x label area.
    pub x_labels: f64,
    /// Width of the y label area.
    pub y_labels: f64,
}

impl Frame {
    /// A small chart with a one-line title and tick labels only.
    pub const SMALL: Frame = Frame { top: 22.0, margin: 8.0, x_labels: 26.0, y_labels: 44.0 };
    /// A main chart with a headline and axis descriptions.
    pub const MAIN: Frame = Frame { top: 28.0, margin: 8.0, x_labels: 34.0, y_labels: 40.0 };

    /// A chart builder on `area` with this frame at the theme's scale.
    pub fn builder<'a, 'b, 'c>(&self, area: &'a Area<'c>, theme: &Theme) -> ChartBuilder<'a, 'b, AnyBackend<'c>> {
        let mut b = ChartBuilder::on(area);
        b.margin(theme.px(self.margin))
            .margin_top(theme.px(self.top))
            .x_label_area_size(theme.px(self.x_labels))
            .y_label_area_size(theme.px(self.y_labels));
        b
    }
}

/// Tick counts and axis descriptions of a themed mesh.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Axes<'s> {
    /// Number of x tick labels (0 lets plotters choose).
    pub x_ticks: usize,
    /// Number of y tick labels (0 lets plotters choose).
    pub y_ticks: usize,
    /// The x axis description, or empty.
    pub x_desc: &'s str,
    /// The y axis description, or empty.
    pub y_desc: &'s str,
}

/// Draws the themed mesh: grid at the tick labels only, muted axes, theme fonts. `x_fmt`/`y_fmt` format the
/// tick labels.
#[inline(never)]
pub fn mesh<X, Y>(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<X, Y>>,
    theme: &Theme,
    axes: Axes<'_>,
    x_fmt: &dyn Fn(&X::ValueType) -> String,
    y_fmt: &dyn Fn(&Y::ValueType) -> String,
) -> DrawResult
where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut m = chart.configure_mesh();
    m.light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.muted())
        .label_style(theme.font(10.5))
        .axis_desc_style(theme.font(12.0))
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt);
    if axes.x_ticks > 0 {
        m.x_labels(axes.x_ticks);
    }
    if axes.y_ticks > 0 {
        m.y_labels(axes.y_ticks);
    }
    if !axes.x_desc.is_empty() {
        m.x_desc(axes.x_desc);
    }
    if !axes.y_desc.is_empty() {
        m.y_desc(axes.y_desc);
    }
    m.draw().map_err(DrawError::from)
}

/// Formats a tick value compactly: integers without decimals, small or large magnitudes in scientific
/// notation, others with up to three significant digits.
pub fn tick(v: &f64) -> String {
    let v = *v;
    let a = v.abs();
    if v == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.0e}")
    } else if v == v.round() {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}").trim_end_matches('0').to_string()
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').to_string()
    }
}

/// Formats a log-axis tick as a power of ten.
pub fn log_tick(v: &f64) -> String {
    format!("{:.0e}", *v)
}

/// Draws a one-line title at the top-left of an area.
pub fn title(area: &Area<'_>, theme: &Theme, text: &str, size: f64) -> DrawResult {
    text_px(area, text, (theme.dpx(8.0), theme.dpx(4.0)), &theme.font(size))
}

/// The first of `texts` that fits in `max_w` device pixels at `style`, or the last one: headlines offer a long
/// and a short wording and the figure picks what its width allows.
pub fn fitting(area: &Area<'_>, texts: &[String], style: &TextStyle, max_w: u32) -> String {
    for t in texts {
        if area.estimate_text_size(t, style).map(|(w, _)| w <= max_w).unwrap_or(true) {
            return t.clone();
        }
    }
    texts.last().cloned().unwrap_or_default()
}
