//! Drawing primitives that take slices instead of iterators and are never inlined.
//!
//! Every `chart.draw_series(...)` or `area.draw(...)` call instantiates plotters' generic element code for
//! its exact element, iterator and coordinate types, and at full optimisation that code is inlined into the
//! calling function again at every call site. Panels draw through these functions instead: each exists once
//! per backend and coordinate type in the wasm module, and every call site is a plain call. Each function
//! draws exactly what the plotters call named in its documentation draws, so figures stay the same bit for
//! bit.
//!
//! They return nothing: a backend's error is kept (`super::keep`) and reported once the figure is drawn by
//! [`super::drawing`], so that drawing code calling them has no error paths (each was a branch and a copy of
//! the live values' drops at its call site).

use super::{AnyBackend, Area};
use plotters::chart::DualCoordChartContext;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Draws a polyline through `pts`, like `draw_series(LineSeries::new(pts, style))`: nothing when empty.
#[inline(never)]
pub fn polyline<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, pts: &[(f64, f64)], style: ShapeStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    if pts.is_empty() {
        return;
    }
    super::keep(chart.plotting_area().draw(&PathElement::new(pts.to_vec(), style)));
}

/// Draws a dashed polyline through `pts`, like `draw_series(DashedLineSeries::new(pts, dash, gap, style))`.
#[inline(never)]
pub fn dashed_line<CT>(
    chart: &ChartContext<'_, AnyBackend<'_>, CT>,
    pts: &[(f64, f64)],
    dash: u32,
    gap: u32,
    style: ShapeStyle,
) where
    CT: CoordTranslate<From = (f64, f64)>,
{
    super::keep(chart.plotting_area().draw(&DashedPathElement::new(pts.iter().copied(), dash, gap, style)));
}

/// Draws one circle of pixel radius `r` at each point, like `draw_series(pts.map(|p| Circle::new(p, r, style)))`.
#[inline(never)]
pub fn dots<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, pts: &[(f64, f64)], r: u32, style: ShapeStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let area = chart.plotting_area();
    for p in pts {
        super::keep(area.draw(&Circle::new(*p, r, style)));
    }
}

/// Draws an x-shaped cross of pixel half-size `size` at each point, like `draw_series(pts.map(|p|
/// Cross::new(p, size, style)))`.
#[inline(never)]
pub fn crosses<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, pts: &[(f64, f64)], size: u32, style: ShapeStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let area = chart.plotting_area();
    for p in pts {
        super::keep(area.draw(&Cross::new(*p, size, style)));
    }
}

/// Draws a triangle marker of pixel size `size` at each point, like `draw_series(pts.map(|p|
/// TriangleMarker::new(p, size, style)))`.
#[inline(never)]
pub fn triangles<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, pts: &[(f64, f64)], size: u32, style: ShapeStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let area = chart.plotting_area();
    for p in pts {
        super::keep(area.draw(&TriangleMarker::new(*p, size, style)));
    }
}

/// Draws `text` on a box next to a data point: the box spans pixel offsets `corners` from the point and the
/// text starts at pixel offset `at`, like `draw_series([EmptyElement::at(pos) + Rectangle::new(corners, bg) +
/// Text::new(text, at, style)])`.
#[inline(never)]
pub fn boxed_text_at<CT>(
    chart: &ChartContext<'_, AnyBackend<'_>, CT>,
    pos: (f64, f64),
    corners: [(i32, i32); 2],
    bg: ShapeStyle,
    text: &str,
    at: (i32, i32),
    style: &TextStyle,
) where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let element = EmptyElement::at(pos) + Rectangle::new(corners, bg) + Text::new(text.to_string(), at, style.clone());
    super::keep(chart.plotting_area().draw(&element));
}

/// Draws a rectangle with corners `a` and `b` in data coordinates, like `draw_series([Rectangle::new([a, b],
/// style)])`.
#[inline(never)]
pub fn rect<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, a: (f64, f64), b: (f64, f64), style: ShapeStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    super::keep(chart.plotting_area().draw(&Rectangle::new([a, b], style)));
}

/// Fills the polygon with corners `pts` in data coordinates, like `draw_series([Polygon::new(pts, style)])`.
#[inline(never)]
pub fn polygon<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, pts: &[(f64, f64)], style: ShapeStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    super::keep(chart.plotting_area().draw(&Polygon::new(pts.to_vec(), style)));
}

/// Draws `text` with its anchor at a data point, like `draw_series([Text::new(text, pos, style)])`.
#[inline(never)]
pub fn text_at<CT>(chart: &ChartContext<'_, AnyBackend<'_>, CT>, text: &str, pos: (f64, f64), style: &TextStyle)
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    super::keep(chart.plotting_area().draw(&Text::new(text, pos, style.clone())));
}

/// Draws `text` at pixel offset `off` from a data point, like `draw_series([EmptyElement::at(pos) +
/// Text::new(text, off, style)])`.
#[inline(never)]
pub fn text_off<CT>(
    chart: &ChartContext<'_, AnyBackend<'_>, CT>,
    text: &str,
    pos: (f64, f64),
    off: (i32, i32),
    style: &TextStyle,
) where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let element = EmptyElement::at(pos) + Text::new(text.to_string(), off, style.clone());
    super::keep(chart.plotting_area().draw(&element));
}

/// Draws `text` at pixel position `pos` of an area, like `area.draw(&Text::new(text, pos, style))`.
#[inline(never)]
pub fn text_px(area: &Area<'_>, text: &str, pos: (i32, i32), style: &TextStyle) {
    super::keep(area.draw(&Text::new(text, pos, style.clone())));
}

/// Draws a polyline through pixel positions of an area, like `area.draw(&PathElement::new(pts, style))`.
#[inline(never)]
pub fn path_px(area: &Area<'_>, pts: &[(i32, i32)], style: ShapeStyle) {
    super::keep(area.draw(&PathElement::new(pts.to_vec(), style)));
}

/// Draws a rectangle between pixel positions of an area, like `area.draw(&Rectangle::new([a, b], style))`.
#[inline(never)]
pub fn rect_px(area: &Area<'_>, a: (i32, i32), b: (i32, i32), style: ShapeStyle) {
    super::keep(area.draw(&Rectangle::new([a, b], style)));
}

/// Draws a circle of radius `r` at a pixel position of an area, like `area.draw(&Circle::new(c, r, style))`.
#[inline(never)]
pub fn circle_px(area: &Area<'_>, c: (i32, i32), r: i32, style: ShapeStyle) {
    super::keep(area.draw(&Circle::new(c, r, style)));
}

/// Fills the polygon with pixel corners `pts` of an area, like `area.draw(&Polygon::new(pts, style))`.
#[inline(never)]
pub fn polygon_px(area: &Area<'_>, pts: &[(i32, i32)], style: ShapeStyle) {
    super::keep(area.draw(&Polygon::new(pts.to_vec(), style)));
}

/// Draws a polyline through `pts` in the coordinates of a chart's right axis (see
/// [`super::chart::with_right_axis`]), like `draw_secondary_series(LineSeries::new(pts, style))`.
pub fn polyline_right<CT1, CT2>(
    chart: &DualCoordChartContext<'_, AnyBackend<'_>, CT1, CT2>,
    pts: &[(f64, f64)],
    style: ShapeStyle,
) where
    CT1: CoordTranslate,
    CT2: CoordTranslate<From = (f64, f64)>,
{
    polyline(chart.borrow_secondary(), pts, style)
}

/// Draws one circle of pixel radius `r` at each point in the coordinates of a chart's right axis, like
/// `draw_secondary_series(pts.map(|p| Circle::new(p, r, style)))`.
pub fn dots_right<CT1, CT2>(
    chart: &DualCoordChartContext<'_, AnyBackend<'_>, CT1, CT2>,
    pts: &[(f64, f64)],
    r: u32,
    style: ShapeStyle,
) where
    CT1: CoordTranslate,
    CT2: CoordTranslate<From = (f64, f64)>,
{
    dots(chart.borrow_secondary(), pts, r, style)
}
