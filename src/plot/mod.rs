//! Shared drawing vocabulary: the erased backend, the colour theme, layout and small chart helpers.
//!
//! Everything here works on [`Area`], the one concrete drawing area every figure draws into; nothing here
//! knows about the browser. Sizes are given in CSS pixels and multiplied by [`Theme::scale`] (the device pixel
//! ratio in the browser, 1 for SVG), so figures stay sharp on high-DPI screens.

pub mod axis;
mod backend;
pub mod chart;
pub mod draw;
pub mod fmt;
pub mod legend;
pub mod measure;

pub use backend::{AnyBackend, BackendError};

use crate::i18n::{Lang, T};
use crate::plot::draw::{path_px, rect_px, text_px};
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// The drawing area every panel draws into.
pub type Area<'a> = DrawingArea<AnyBackend<'a>, Shift>;

/// A drawing failure: what the backend (canvas, SVG or bitmap) or the font layer reported, as text.
///
/// Plotters' errors convert into it with `?`, and it converts into `String` for the command line and the web
/// layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawError(pub String);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DrawError {}

impl From<DrawingAreaErrorKind<BackendError>> for DrawError {
    fn from(e: DrawingAreaErrorKind<BackendError>) -> Self {
        DrawError(e.to_string())
    }
}

impl From<DrawError> for String {
    fn from(e: DrawError) -> Self {
        e.0
    }
}

/// The result of a draw call: `T` is what the drawing hands back (for example the pixel maps clicks need).
pub type DrawResult<T = ()> = Result<T, DrawError>;

/// Colours, sizes and fonts of one rendering: light or dark, at a given pixel density.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Whether to use the dark palette.
    pub dark: bool,
    /// Device pixels per CSS pixel.
    pub scale: f64,
    /// The language of every word the figure draws (see [`crate::i18n`]).
    pub lang: Lang,
}

/// The Okabe–Ito colour-blind-safe palette, tuned per mode.
const LIGHT_SERIES: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
];
const DARK_SERIES: [RGBColor; 7] = [
    RGBColor(86, 180, 233),
    RGBColor(240, 128, 60),
    RGBColor(60, 200, 150),
    RGBColor(224, 150, 190),
    RGBColor(240, 190, 60),
    RGBColor(150, 210, 250),
    RGBColor(170, 170, 170),
];

impl Theme {
    /// A light theme at the given scale.
    pub fn light(scale: f64) -> Self {
        Theme { dark: false, scale: sane_scale(scale), lang: Lang::En }
    }

    /// A dark theme at the given scale.
    pub fn dark(scale: f64) -> Self {
        Theme { dark: true, scale: sane_scale(scale), lang: Lang::En }
    }

    /// The same theme drawing its words in `lang`.
    pub fn with_lang(self, lang: Lang) -> Self {
        Theme { lang, ..self }
    }

    /// The wording of a bilingual string in the theme's language.
    pub fn t(&self, s: T) -> &'static str {
        s.get(self.lang)
    }

    /// The figure background.
    pub fn bg(&self) -> RGBColor {
        if self.dark {
            RGBColor(24, 26, 31)
        } else {
            RGBColor(255, 255, 255)
        }
    }

    /// Text and axes.
    pub fn fg(&self) -> RGBColor {
        if self.dark {
            RGBColor(225, 227, 232)
        } else {
            RGBColor(30, 32, 36)
        }
    }

    /// Secondary text, fixed-point lines and field arrows.
    pub fn muted(&self) -> RGBColor {
        if self.dark {
            RGBColor(140, 145, 155)
        } else {
            RGBColor(125, 130, 140)
        }
    }

    /// Grid lines.
    pub fn grid(&self) -> RGBColor {
        if self.dark {
            RGBColor(48, 52, 60)
        } else {
            RGBColor(232, 234, 238)
        }
    }

    /// The i-th series colour (cycling).
    pub fn series(&self, i: usize) -> RGBColor {
        let p = if self.dark { &DARK_SERIES } else { &LIGHT_SERIES };
        p[i % p.len()]
    }

    /// The colour for warnings and collapse markers.
    pub fn warn(&self) -> RGBColor {
        if self.dark {
            RGBColor(255, 110, 100)
        } else {
            RGBColor(200, 30, 30)
        }
    }

    /// A length in device pixels.
    #[inline(never)]
    pub fn px(&self, css: f64) -> u32 {
        (css * self.scale).round().max(1.0) as u32
    }

    /// A length in device pixels as a signed coordinate offset.
    #[inline(never)]
    pub fn dpx(&self, css: f64) -> i32 {
        (css * self.scale).round() as i32
    }

    /// The sans-serif text style at `css` pixels, in the foreground colour.
    ///
    /// The family is named by its variant rather than by the string "sans-serif": plotters parses a family
    /// string through `str::to_lowercase`, which alone brings Unicode's case tables into the wasm module.
    pub fn font(&self, css: f64) -> TextStyle<'static> {
        (FontFamily::SansSerif, css * self.scale).into_font().color(&self.fg())
    }

    /// The sans-serif text style at `css` pixels in a given colour.
    pub fn font_in(&self, css: f64, color: RGBColor) -> TextStyle<'static> {
        (FontFamily::SansSerif, css * self.scale).into_font().color(&color)
    }

    /// Italic text, used for math symbols in labels.
    pub fn italic(&self, css: f64) -> TextStyle<'static> {
        (FontFamily::SansSerif, css * self.scale, FontStyle::Italic).into_font().color(&self.fg())
    }

    /// A stroke of the given colour and CSS width.
    pub fn stroke(&self, color: RGBColor, css_width: f64) -> ShapeStyle {
        color.stroke_width(self.px(css_width))
    }
}

fn sane_scale(s: f64) -> f64 {
    if s.is_finite() {
        s.clamp(0.25, 8.0)
    } else {
        1.0
    }
}

/// Maps between device pixels inside a chart's plotting area and data coordinates (both axes linear).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaneMap {
    /// Pixel span of the x axis, left to right.
    pub px_x: (i32, i32),
    /// Pixel span of the y axis, top to bottom.
    pub px_y: (i32, i32),
    /// Data range of the x axis.
    pub x: (f64, f64),
    /// Data range of the y axis (bottom value first).
    pub y: (f64, f64),
}

impl PlaneMap {
    /// Records the mapping of a linear 2-D chart.
    pub fn of_chart(
        chart: &ChartContext<'_, AnyBackend<'_>, Cartesian2d<crate::plot::chart::Axis, crate::plot::chart::Axis>>,
    ) -> Self {
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let xs = chart.x_range();
        let ys = chart.y_range();
        PlaneMap { px_x: (xr.start, xr.end), px_y: (yr.start, yr.end), x: (xs.start, xs.end), y: (ys.start, ys.end) }
    }

    /// The data point under device pixel `(px, py)`, or `None` outside the plotting area.
    pub fn to_data(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let (x0, x1) = (self.px_x.0 as f64, self.px_x.1 as f64);
        let (y0, y1) = (self.px_y.0 as f64, self.px_y.1 as f64);
        if !(px.is_finite() && py.is_finite()) || px < x0 || px > x1 || py < y0 || py > y1 || x1 <= x0 || y1 <= y0 {
            return None;
        }
        let fx = (px - x0) / (x1 - x0);
        let fy = (py - y0) / (y1 - y0);
        Some((self.x.0 + fx * (self.x.1 - self.x.0), self.y.1 - fy * (self.y.1 - self.y.0)))
    }
}

/// The pixel geometry of a bar chart that can be dragged: device-pixel spans and the value range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BarMap {
    /// Plotting area, left to right.
    pub px_x: (i32, i32),
    /// Plotting area, top to bottom.
    pub px_y: (i32, i32),
    /// The whole bar panel (margins included), top to bottom: presses here still drag, extrapolated.
    pub hit_y: (i32, i32),
    /// Value range, bottom value first.
    pub y: (f64, f64),
    /// Number of bars.
    pub n: usize,
}

impl BarMap {
    /// The device pixel at the top of bar `i` drawn to value `v` (for tests and hit checks).
    pub fn pixel(&self, i: usize, v: f64) -> (f64, f64) {
        let (x0, x1) = (self.px_x.0 as f64, self.px_x.1 as f64);
        let (y0, y1) = (self.px_y.0 as f64, self.px_y.1 as f64);
        let px = x0 + (i as f64 + 0.5) / self.n as f64 * (x1 - x0);
        let py = y0 + (self.y.1 - v) / (self.y.1 - self.y.0) * (y1 - y0);
        (px, py)
    }
}

/// What a drawing hands back for pointer input: the pixel-to-data maps of the charts it drew.
///
/// [`crate::runner::Runner`] keeps the last one and passes it to [`crate::panel::Sim::click`], so that a
/// simulation needs no interior mutability to remember where it was drawn. Figures without pointer input
/// return `Drawn::default()`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawn {
    /// The maps of the clickable linear charts, in an order each panel defines.
    pub planes: Vec<PlaneMap>,
    /// The map of a draggable bar chart, if the figure has one.
    pub bars: Option<BarMap>,
    /// The device pixels per CSS pixel the figure was drawn at (0 when not recorded).
    pub scale: f64,
}

impl Drawn {
    /// A drawing with one clickable chart.
    pub fn plane(map: PlaneMap) -> Self {
        Drawn { planes: vec![map], ..Drawn::default() }
    }

    /// The data point under device pixel `(px, py)` of chart `i`, or `None` outside it or when there is none.
    pub fn to_data(&self, i: usize, px: f64, py: f64) -> Option<(f64, f64)> {
        self.planes.get(i)?.to_data(px, py)
    }
}

/// Whether a figure of this pixel size should lay its charts side by side (wide) or stacked (narrow).
pub fn is_wide(area: &Area<'_>, scale: f64) -> bool {
    let (w, h) = area.dim_in_pixel();
    (w as f64) / scale >= 560.0 && w as f64 >= 1.15 * h as f64
}

/// Splits a figure into one main chart and two side charts: main on the left at `main_frac` of the width
/// when wide, otherwise main on top at `main_frac` of the height with the side charts side by side below.
pub fn main_and_two<'a>(area: &Area<'a>, wide: bool, main_frac: f64) -> (Area<'a>, Area<'a>, Area<'a>) {
    let (w, h) = area.dim_in_pixel();
    if wide {
        let (main, side) = area.split_horizontally((w as f64 * main_frac) as u32);
        let (_, sh) = side.dim_in_pixel();
        let (a, b) = side.split_vertically(sh / 2);
        (main, a, b)
    } else {
        let (main, side) = area.split_vertically((h as f64 * main_frac) as u32);
        let (sw, _) = side.dim_in_pixel();
        let (a, b) = side.split_horizontally(sw / 2);
        (main, a, b)
    }
}

/// Keeps only points whose coordinates are both finite.
pub fn finite(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    points.into_iter().filter(|(x, y)| x.is_finite() && y.is_finite()).collect()
}

/// The range `[lo, hi]` of the finite values, padded by `pad` of its span; `fallback` if there are none.
pub fn padded_range(values: impl IntoIterator<Item = f64>, pad: f64, fallback: (f64, f64)) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return fallback;
    }
    let span = hi - lo;
    let span = if span > 1e-12 * (lo.abs() + hi.abs()).max(1e-300) { span } else { lo.abs().max(1.0) * 0.1 };
    (lo - pad * span, hi + pad * span)
}

/// Positive log-axis range covering the finite positive values, snapped out to whole decades.
pub fn log_range(values: impl IntoIterator<Item = f64>, floor: f64, fallback: (f64, f64)) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values {
        if v.is_finite() && v > 0.0 {
            lo = lo.min(v.max(floor));
            hi = hi.max(v.max(floor));
        }
    }
    if !lo.is_finite() {
        return fallback;
    }
    let lo = 10f64.powf(lo.log10().floor());
    let mut hi = 10f64.powf(hi.log10().ceil());
    if hi <= lo {
        hi = lo * 10.0;
    }
    (lo, hi)
}

/// Draws a normalised vector field on a linear chart: `n` by `n` short arrows, `f(x, y)` giving the direction.
///
/// The drawing is one function for every field ([`vector_field_dyn`] calls `f` through a reference): as a
/// generic function it was compiled once per panel's closure into the wasm module.
#[inline]
pub fn vector_field(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<crate::plot::chart::Axis, crate::plot::chart::Axis>>,
    theme: &Theme,
    n: usize,
    f: impl Fn(f64, f64) -> (f64, f64),
) {
    vector_field_dyn(chart, theme, n, &f)
}

/// [`vector_field`] with the direction field behind a reference.
pub fn vector_field_dyn(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<crate::plot::chart::Axis, crate::plot::chart::Axis>>,
    theme: &Theme,
    n: usize,
    f: &dyn Fn(f64, f64) -> (f64, f64),
) {
    let xs = chart.x_range();
    let ys = chart.y_range();
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let cell_px = ((xr.end - xr.start) as f64 / n as f64).min((yr.end - yr.start) as f64 / n as f64);
    let len_px = 0.38 * cell_px;
    let to_px_x = (xr.end - xr.start) as f64 / (xs.end - xs.start);
    let to_px_y = (yr.end - yr.start) as f64 / (ys.end - ys.start);
    let color = theme.muted().mix(0.8);
    let style = color.stroke_width(theme.px(1.2));
    let mut segs = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let x = xs.start + (i as f64 + 0.5) / n as f64 * (xs.end - xs.start);
            let y = ys.start + (j as f64 + 0.5) / n as f64 * (ys.end - ys.start);
            let (dx, dy) = f(x, y);
            // Direction in pixel space (y grows downwards there).
            let (vx, vy) = (dx * to_px_x, -dy * to_px_y);
            let norm = (vx * vx + vy * vy).sqrt();
            if !norm.is_finite() || norm < 1e-12 {
                continue;
            }
            // Arrow length grows gently with speed so that slow regions read as slow.
            let speed = (dx * dx + dy * dy).sqrt();
            let l = len_px * (0.35 + 0.65 * (speed / (1.0 + speed)));
            let (ux, uy) = (vx / norm * l, vy / norm * l);
            segs.push(((x, y), (ux, uy)));
        }
    }
    let area = chart.plotting_area();
    for ((x, y), (ux, uy)) in segs {
        // map_coordinate gives backend pixels; the stripped area draws relative to its own top-left.
        let (px, py) = area.map_coordinate(&(x, y));
        let (px, py) = ((px - xr.start) as f64, (py - yr.start) as f64);
        let tail = ((px - ux / 2.0) as i32, (py - uy / 2.0) as i32);
        let head = ((px + ux / 2.0) as i32, (py + uy / 2.0) as i32);
        let back = 0.35;
        let (hx, hy) = (px + ux / 2.0, py + uy / 2.0);
        let w1 = ((hx - back * ux - 0.5 * back * uy) as i32, (hy - back * uy + 0.5 * back * ux) as i32);
        let w2 = ((hx - back * ux + 0.5 * back * uy) as i32, (hy - back * uy - 0.5 * back * ux) as i32);
        let root = area.strip_coord_spec();
        path_px(&root, &[tail, head], style);
        path_px(&root, &[w1, head, w2], style);
    }
}

/// Where a legend box sits inside its area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    /// Top right.
    TopRight,
    /// Bottom right.
    BottomRight,
}

/// Draws a small legend box in a corner of a chart's plotting area; `dashed` entries show a dashed sample.
pub fn legend(area: &Area<'_>, theme: &Theme, corner: Corner, entries: &[(String, RGBColor, bool)]) {
    if entries.is_empty() {
        return;
    }
    let (w, area_h) = area.dim_in_pixel();
    let line_h = theme.dpx(15.0);
    let box_w = theme.dpx(132.0);
    let x0 = w as i32 - box_w - theme.dpx(6.0);
    let h = line_h * entries.len() as i32 + theme.dpx(6.0);
    let y0 = match corner {
        Corner::TopRight => theme.dpx(6.0),
        Corner::BottomRight => area_h as i32 - h - theme.dpx(6.0),
    };
    rect_px(area, (x0, y0), (x0 + box_w, y0 + h), theme.bg().mix(0.85).filled());
    for (i, (label, color, dashed)) in entries.iter().enumerate() {
        let y = y0 + theme.dpx(10.0) + line_h * i as i32;
        let x = x0 + theme.dpx(6.0);
        if *dashed {
            let seg = theme.dpx(4.0);
            for k in 0..3 {
                let a = x + k * 2 * seg;
                path_px(area, &[(a, y), (a + seg, y)], theme.stroke(*color, 2.0));
            }
        } else {
            path_px(area, &[(x, y), (x + theme.dpx(20.0), y)], theme.stroke(*color, 2.0));
        }
        text_px(area, label, (x + theme.dpx(26.0), y - theme.dpx(6.0)), &theme.font(11.0));
    }
}

std::thread_local! {
    /// The first backend error of the drawing in progress on this thread (see `keep`).
    static FIRST_ERROR: std::cell::RefCell<Option<DrawError>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the first error of a drawing primitive, so that primitives need not return one.
#[inline(never)]
pub(crate) fn keep(r: Result<(), DrawingAreaErrorKind<BackendError>>) {
    if let Err(e) = r {
        FIRST_ERROR.with(|slot| {
            let mut slot = slot.borrow_mut();
            if slot.is_none() {
                *slot = Some(DrawError::from(e));
            }
        });
    }
}

/// Takes the first error kept since the last call.
fn take_error() -> Option<DrawError> {
    FIRST_ERROR.with(|slot| slot.borrow_mut().take())
}

/// Draws a whole figure: fills `area` with the theme's background, runs `draw` on it, and returns what it
/// returns, or the first error of a drawing primitive during it (primitives keep their errors rather than
/// return them, see `keep`).
pub fn drawing<T>(area: &Area<'_>, theme: &Theme, draw: impl FnOnce(&Area<'_>, &Theme) -> T) -> DrawResult<T> {
    take_error();
    keep(area.fill(&theme.bg()));
    let out = draw(area, theme);
    match take_error() {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
