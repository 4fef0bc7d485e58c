//! Shared chart scaffolding: the themed frame and mesh every panel's charts use.
//!
//! Each panel used to spell out the same margins, label areas and mesh styles; sharing them keeps the
//! figures consistent. Every chart has one coordinate type, [`Axis`] on both sides (linear or logarithmic
//! chosen at run time), so the wasm module holds one copy of plotters' mesh, axis and series code.

use super::{AnyBackend, Area, Theme};
use crate::plot::draw::text_px;
use plotters::chart::DualCoordChartContext;
use plotters::coord::combinators::LogCoord;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged, ReversibleRanged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;

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
    /// Width of a label area right of the chart for a second y axis (0 for none: an area there, even one
    /// pixel wide, makes plotters repeat the primary y labels in it).
    pub right_labels: f64,
}

impl Frame {
    /// A small chart with a one-line title and tick labels only.
    pub const SMALL: Frame =
        Frame { top: 22.0, margin: 8.0, x_labels: 26.0, y_labels: 44.0, right: 8.0, right_labels: 0.0 };
    /// A main chart with a headline and axis descriptions.
    pub const MAIN: Frame =
        Frame { top: 28.0, margin: 8.0, x_labels: 34.0, y_labels: 40.0, right: 8.0, right_labels: 0.0 };

    /// This frame with its margin and right margin set to `margin`.
    pub const fn margins(self, margin: f64) -> Frame {
        Frame { margin, right: margin, ..self }
    }

    /// A chart builder on `area` with this frame at the theme's scale (private: panels set charts up with the
    /// `chart*` methods, so that each coordinate type's set-up is compiled once).
    fn builder<'a, 'b, 'c>(&self, area: &'a Area<'c>, theme: &Theme) -> ChartBuilder<'a, 'b, AnyBackend<'c>> {
        let mut b = ChartBuilder::on(area);
        b.margin(theme.px(self.margin))
            .margin_top(theme.px(self.top))
            .margin_right(theme.px(self.right))
            .x_label_area_size(theme.px(self.x_labels))
            .y_label_area_size(theme.px(self.y_labels));
        if self.right_labels > 0.0 {
            b.right_y_label_area_size(theme.px(self.right_labels));
        }
        b
    }
}

impl Frame {
    /// The data ranges `x` by `y` widened about their centres so that one data unit spans as many pixels
    /// across as up in this frame's plotting area on `area` (equal aspect: circles stay round).
    pub fn equal_ranges(
        &self,
        area: &Area<'_>,
        theme: &Theme,
        x: (f64, f64),
        y: (f64, f64),
    ) -> ((f64, f64), (f64, f64)) {
        let (w, h) = area.dim_in_pixel();
        let pw = (w as f64 - theme.scale * (self.y_labels + self.margin + self.right + self.right_labels)).max(1.0);
        let ph = (h as f64 - theme.scale * (self.x_labels + self.top + self.margin)).max(1.0);
        let (dx, dy) = (x.1 - x.0, y.1 - y.0);
        if dx / dy < pw / ph {
            let (c, half) = (0.5 * (x.0 + x.1), 0.5 * (dy * pw / ph));
            ((c - half, c + half), y)
        } else {
            let (c, half) = (0.5 * (y.0 + y.1), 0.5 * (dx * ph / pw));
            (x, (c - half, c + half))
        }
    }

    /// Sets up a chart in this frame on `area` with equal units on both axes, showing at least `x` by `y` (see
    /// [`Frame::equal_ranges`]); the ranges drawn are the chart's `x_range()` and `y_range()`.
    #[inline(never)]
    pub fn chart_equal<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        theme: &Theme,
        x: (f64, f64),
        y: (f64, f64),
    ) -> Chart<'a, 'b> {
        let (x, y) = self.equal_ranges(area, theme, x, y);
        self.chart(area, theme, x, y)
    }
}

/// One axis of a chart: linear, or logarithmic with plotters' ticks or with given ticks.
///
/// Every chart of the panels has this coordinate type on both axes, whatever its scales. Plotters compiles its
/// mesh, axis and series code once per coordinate type, and the five combinations of linear and logarithmic
/// axes the panels draw were five copies of it in the wasm module; this type chooses the scale at run time and
/// forwards every call to plotters' own coordinate of that scale, so positions and ticks are plotters' own.
pub struct Axis(AxisKind);

/// The plotters coordinate an [`Axis`] forwards to.
enum AxisKind {
    /// A linear axis.
    Linear(RangedCoordf64),
    /// A logarithmic axis ticked where plotters chooses.
    Log(LogCoord<f64>),
    /// A logarithmic axis ticked at given values.
    LogKeys(WithKeyPoints<LogCoord<f64>>),
}

impl Axis {
    /// A linear axis over `(lo, hi)`.
    pub fn linear((lo, hi): (f64, f64)) -> Axis {
        Axis(AxisKind::Linear((lo..hi).into()))
    }

    /// A logarithmic axis over `(lo, hi)` (positive, low end first) ticked where plotters chooses.
    pub fn log((lo, hi): (f64, f64)) -> Axis {
        Axis(AxisKind::Log((lo..hi).log_scale().into()))
    }

    /// A logarithmic axis over `(lo, hi)` (positive, low end first) ticked at `keys`.
    pub fn log_keys((lo, hi): (f64, f64), keys: &[f64]) -> Axis {
        Axis(AxisKind::LogKeys((lo..hi).log_scale().with_key_points(keys.to_vec())))
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        match &self.0 {
            AxisKind::Linear(a) => a.map(value, limit),
            AxisKind::Log(a) => a.map(value, limit),
            AxisKind::LogKeys(a) => a.map(value, limit),
        }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match &self.0 {
            AxisKind::Linear(a) => a.key_points(hint),
            AxisKind::Log(a) => a.key_points(hint),
            AxisKind::LogKeys(a) => a.key_points(hint),
        }
    }

    fn range(&self) -> Range<f64> {
        match &self.0 {
            AxisKind::Linear(a) => a.range(),
            AxisKind::Log(a) => a.range(),
            AxisKind::LogKeys(a) => a.range(),
        }
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        match &self.0 {
            AxisKind::Linear(a) => a.axis_pixel_range(limit),
            AxisKind::Log(a) => a.axis_pixel_range(limit),
            AxisKind::LogKeys(a) => a.axis_pixel_range(limit),
        }
    }
}

impl ReversibleRanged for Axis {
    /// The value at pixel `input` of a linear axis (`None` on a logarithmic one, which no click reads).
    fn unmap(&self, input: i32, limit: (i32, i32)) -> Option<f64> {
        match &self.0 {
            AxisKind::Linear(a) => a.unmap(input, limit),
            AxisKind::Log(_) | AxisKind::LogKeys(_) => None,
        }
    }
}

/// A chart of the panels: an [`Axis`] on each side (a logarithmic quantity is drawn either on a logarithmic
/// axis or on a linear axis over its log₁₀ with [`super::fmt::pow10`] ticks).
pub type Chart<'a, 'b> = ChartContext<'a, AnyBackend<'b>, Cartesian2d<Axis, Axis>>;

/// A chart with a linear x axis and a logarithmic y axis ticked at given values (such as decades).
pub type LogYChart<'a, 'b> = Chart<'a, 'b>;

/// A chart with logarithmic axes on both sides, each ticked at given values.
pub type LogXYChart<'a, 'b> = Chart<'a, 'b>;

/// A chart with a second, linear y axis on the right (see [`with_right_axis`]).
pub type RightAxisChart<'a, 'b> =
    DualCoordChartContext<'a, AnyBackend<'b>, Cartesian2d<Axis, Axis>, Cartesian2d<Axis, Axis>>;

impl Frame {
    /// Sets up a chart in this frame on `area` with a linear x axis over `x` and a logarithmic y axis over `y`
    /// (positive, low end first) ticked at `y_keys`.
    #[inline(never)]
    pub fn chart_log_y<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        theme: &Theme,
        x: (f64, f64),
        y: (f64, f64),
        y_keys: &[f64],
    ) -> LogYChart<'a, 'b> {
        build(self.builder(area, theme), Axis::linear(x), Axis::log_keys(y, y_keys))
    }

    /// Sets up a chart in this frame on `area` with logarithmic axes over `x` and `y` (positive, low end
    /// first), ticked at `x_keys` and `y_keys`.
    #[inline(never)]
    pub fn chart_log_xy<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        theme: &Theme,
        (x, x_keys): ((f64, f64), &[f64]),
        (y, y_keys): ((f64, f64), &[f64]),
    ) -> LogXYChart<'a, 'b> {
        build(self.builder(area, theme), Axis::log_keys(x, x_keys), Axis::log_keys(y, y_keys))
    }
}

/// A chart with a linear x axis and a logarithmic y axis whose ticks plotters chooses.
pub type LogYAutoChart<'a, 'b> = Chart<'a, 'b>;

impl Frame {
    /// Sets up a chart in this frame on `area` with a linear x axis over `x` and a logarithmic y axis over `y`
    /// (positive, low end first) whose ticks plotters chooses.
    #[inline(never)]
    pub fn chart_log_y_auto<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        theme: &Theme,
        x: (f64, f64),
        y: (f64, f64),
    ) -> LogYAutoChart<'a, 'b> {
        build(self.builder(area, theme), Axis::linear(x), Axis::log(y))
    }
}

/// A chart with logarithmic axes on both sides whose ticks plotters chooses.
pub type LogXYAutoChart<'a, 'b> = Chart<'a, 'b>;

impl Frame {
    /// Sets up a chart in this frame on `area` with logarithmic axes over `x` and `y` (positive, low end
    /// first) whose ticks plotters chooses.
    #[inline(never)]
    pub fn chart_log_xy_auto<'a, 'b>(
        &self,
        area: &'a Area<'b>,
        theme: &Theme,
        x: (f64, f64),
        y: (f64, f64),
    ) -> LogXYAutoChart<'a, 'b> {
        build(self.builder(area, theme), Axis::log(x), Axis::log(y))
    }
}

/// A chart with equal units on both axes: the square `[−r, r]²` as large as fits in `area` below `top` device
/// pixels, centred horizontally, `pad` device pixels from the sides and the bottom, with no label areas.
#[inline(never)]
pub fn square<'a, 'b>(area: &'a Area<'b>, top: u32, pad: u32, r: f64) -> Chart<'a, 'b> {
    let (w, h) = area.dim_in_pixel();
    let side = w.saturating_sub(2 * pad).min(h.saturating_sub(top + pad)).max(8);
    let x0 = (w.saturating_sub(side)) / 2;
    let mut b = ChartBuilder::on(area);
    b.margin_left(x0 as i32)
        .margin_top(top)
        .margin_right(w.saturating_sub(x0 + side))
        .margin_bottom(h.saturating_sub(top + side));
    build(b, Axis::linear((-r, r)), Axis::linear((-r, r)))
}

/// Builds the chart `b` sets up, with axes `x` and `y`.
///
/// Plotters' `build_cartesian_2d` fails only when it draws a caption (its one drawing call), and no chart here
/// has one: [`Frame`]'s builder and [`square`] set margins and label areas only. So charts are set up without
/// an error to pass on, and a failure would be a change in plotters, reported as such.
fn build<'a, 'b>(mut b: ChartBuilder<'a, '_, AnyBackend<'b>>, x: Axis, y: Axis) -> Chart<'a, 'b> {
    match b.build_cartesian_2d(x, y) {
        Ok(chart) => chart,
        Err(e) => unreachable!("plotters failed to set up a chart without a caption: {e}"),
    }
}

/// Adds a linear y axis over `y` on the right of `chart`, sharing its x axis (`x` must describe the same
/// range as the chart's own x axis, on the same scale). Series on it are drawn with
/// [`super::draw::polyline_right`] and [`super::draw::dots_right`], its labels with [`right_mesh`].
pub fn with_right_axis<'a, 'b>(chart: Chart<'a, 'b>, x: Axis, y: (f64, f64)) -> RightAxisChart<'a, 'b> {
    chart.set_secondary_coord(x, Axis::linear(y))
}

/// Draws only the axis lines and their descriptions (no grid, no tick labels), for a chart that places its
/// own ticks (such as a square-root axis); the descriptions are drawn even when empty, at 10.5 px.
#[inline(never)]
pub fn bare_axes<X, Y>(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<X, Y>>,
    theme: &Theme,
    x_desc: &str,
    y_desc: &str,
) where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut m = chart.configure_mesh();
    m.disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .axis_style(theme.muted())
        .axis_desc_style(theme.font(10.5))
        .x_desc(x_desc)
        .y_desc(y_desc);
    super::keep(m.draw());
}

/// Draws an x axis only (no y axis, no horizontal grid lines): the themed vertical grid at `axes.x_ticks`
/// labels formatted by `x_fmt`, for a chart whose height carries no scale (such as densities side by side).
#[inline(never)]
pub fn x_mesh<X, Y>(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<X, Y>>,
    theme: &Theme,
    axes: Axes<'_>,
    x_fmt: &dyn Fn(&X::ValueType) -> String,
) where
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut m = chart.configure_mesh();
    m.disable_y_mesh()
        .disable_y_axis()
        .light_line_style(TRANSPARENT)
        .bold_line_style(theme.grid())
        .axis_style(theme.muted())
        .label_style(axes.label_style(theme))
        .x_label_formatter(x_fmt);
    if axes.x_ticks > 0 {
        m.x_labels(axes.x_ticks);
    }
    super::keep(m.draw());
}

/// Draws the labels of a chart's right axis: muted axis line, `axes.y_ticks` labels formatted by `y_fmt`,
/// `axes.y_desc` as its description, in `axes`' sizes and label colour.
#[inline(never)]
pub fn right_mesh(chart: &mut RightAxisChart<'_, '_>, theme: &Theme, axes: Axes<'_>, y_fmt: &dyn Fn(&f64) -> String) {
    let mut m = chart.configure_secondary_axes();
    m.axis_style(theme.muted()).label_style(axes.label_style(theme)).axis_desc_style(axes.desc_style(theme));
    if axes.y_ticks > 0 {
        m.y_labels(axes.y_ticks);
    }
    if !axes.y_desc.is_empty() {
        m.y_desc(axes.y_desc);
    }
    super::keep(m.y_label_formatter(y_fmt).draw());
}

impl Frame {
    /// Sets up a chart in this frame on `area` showing `x` by `y` (data ranges, low end first).
    #[inline(never)]
    pub fn chart<'a, 'b>(&self, area: &'a Area<'b>, theme: &Theme, x: (f64, f64), y: (f64, f64)) -> Chart<'a, 'b> {
        build(self.builder(area, theme), Axis::linear(x), Axis::linear(y))
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
) where
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
    super::keep(m.draw());
}

/// Draws a one-line title at the top-left of an area.
pub fn title(area: &Area<'_>, theme: &Theme, text: &str, size: f64) {
    text_px(area, text, (theme.dpx(8.0), theme.dpx(4.0)), &theme.font(size));
}

/// The first of `texts` that fits in `max_w` device pixels at `style`, or the last one: headlines offer a long
/// and a short wording and the figure picks what its width allows.
pub fn fitting(area: &Area<'_>, texts: &[String], style: &TextStyle, max_w: u32) -> String {
    for t in texts {
        if fits(area, t, style, max_w) {
            return t.clone();
        }
    }
    texts.last().cloned().unwrap_or_default()
}

/// Whether `text` in `style` is at most `max_w` device pixels wide on `area` (true when it cannot be measured, as
/// [`fitting`] assumes).
pub fn fits(area: &Area<'_>, text: &str, style: &TextStyle, max_w: u32) -> bool {
    area.estimate_text_size(text, style).map(|(w, _)| w <= max_w).unwrap_or(true)
}
