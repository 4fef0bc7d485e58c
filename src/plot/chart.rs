//! Shared chart scaffolding: the themed frame and mesh every panel's charts use.
//!
//! Each panel used to spell out the same margins, label areas and mesh styles; sharing them keeps the
//! figures consistent and keeps one copy of plotters' axis code in the wasm module per coordinate type.

use super::{AnyBackend, Area, DrawError, DrawResult, Theme};
use crate::plot::draw::text_px;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub use super::fmt::{log_tick, tick};

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
    /// Space on the right (often the same as `margin`; more when the last x tick label is wide).
    pub right: f64,
}

impl Frame {
    /// A small chart with a one-line title and tick labels only.
    pub const SMALL: Frame = Frame { top: 22.0, margin: 8.0, x_labels: 26.0, y_labels: 44.0, right: 8.0 };
    /// A main chart with a headline and axis descriptions.
    pub const MAIN: Frame = Frame { top: 28.0, margin: 8.0, x_labels: 34.0, y_labels: 40.0, right: 8.0 };

    /// This frame with its margin and right margin set to `margin`.
    pub const fn margins(self, margin: f64) -> Frame {
        Frame { margin, right: margin, ..self }
    }

    /// A chart builder on `area` with this frame at the theme's scale.
    pub fn builder<'a, 'b, 'c>(&self, area: &'a Area<'c>, theme: &Theme) -> ChartBuilder<'a, 'b, AnyBackend<'c>> {
        let mut b = ChartBuilder::on(area);
        b.margin(theme.px(self.margin))
            .margin_top(theme.px(self.top))
            .margin_right(theme.px(self.right))
            .x_label_area_size(theme.px(self.x_labels))
            .y_label_area_size(theme.px(self.y_labels));
        b
    }
}

/// A chart with linear axes on both sides, the one coordinate type of the panels' charts (a logarithmic
/// quantity is drawn on a linear axis over its log₁₀ with [`super::fmt::pow10`] ticks).
pub type Chart<'a, 'b> = ChartContext<'a, AnyBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

impl Frame {
    /// Sets up a chart in this frame on `area` showing `x` by `y` (data ranges, low end first).
    #[inline(never)]
    pub fn chart<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        theme: &Theme,
        x: (f64, f64),
        y: (f64, f64),
    ) -> DrawResult<Chart<'a, 'b>> {
        Ok(self.builder(area, theme).build_cartesian_2d(x.0..x.1, y.0..y.1)?)
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
    /// Tick label size in CSS pixels (0 for the default, 10.5).
    pub label_size: f64,
    /// Axis description size in CSS pixels (0 for the default, 12).
    pub desc_size: f64,
    /// Tick label colour (`None` for the foreground), e.g. the colour of the one series an axis belongs to.
    pub label_color: Option<RGBColor>,
}

impl Axes<'static> {
    /// Plotters' tick choice, no descriptions, default sizes: the base for `Axes { .., ..Axes::PLAIN }`.
    pub const PLAIN: Axes<'static> =
        Axes { x_ticks: 0, y_ticks: 0, x_desc: "", y_desc: "", label_size: 0.0, desc_size: 0.0, label_color: None };
}

impl Axes<'_> {
    fn label_style(&self, theme: &Theme) -> TextStyle<'static> {
        let size = if self.label_size > 0.0 { self.label_size } else { 10.5 };
        theme.font_in(size, self.label_color.unwrap_or(theme.fg()))
    }

    fn desc_style(&self, theme: &Theme) -> TextStyle<'static> {
        let size = if self.desc_size > 0.0 { self.desc_size } else { 12.0 };
        theme.font_in(size, self.label_color.unwrap_or(theme.fg()))
    }
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
        .label_style(axes.label_style(theme))
        .axis_desc_style(axes.desc_style(theme))
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
