//! A type-erased plotters backend.
//!
//! Panels write one backend-generic `draw` function; the panel trait must stay object-safe, so the
//! glue instantiates that function once, for [`AnyBackend`], which forwards every call to whichever
//! concrete backend (canvas in the browser, SVG or bitmap natively) sits behind it. This keeps one
//! copy of each panel's drawing code in the wasm binary and lets the web layer, the CLI and the
//! golden tests share it.

use plotters::prelude::*;
use plotters::style::FontDesc;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use std::fmt;

/// The error type of [`AnyBackend`]: the inner backend's error, as text.
#[derive(Debug, Clone)]
pub struct BackendError(pub String);

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BackendError {}

type Res<T = ()> = Result<T, DrawingErrorKind<BackendError>>;

fn map_err<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<BackendError> {
    match e {
        DrawingErrorKind::DrawingError(inner) => DrawingErrorKind::DrawingError(BackendError(inner.to_string())),
        DrawingErrorKind::FontError(f) => DrawingErrorKind::FontError(f),
    }
}

/// The object-safe subset of `DrawingBackend` that [`AnyBackend`] forwards to.
trait Erased {
    fn size(&self) -> (u32, u32);
    fn prepare(&mut self) -> Res;
    fn present(&mut self) -> Res;
    fn pixel(&mut self, p: BackendCoord, c: BackendColor) -> Res;
    fn line(&mut self, a: BackendCoord, b: BackendCoord, s: &ShapeStyle) -> Res;
    fn rect(&mut self, a: BackendCoord, b: BackendCoord, s: &ShapeStyle, fill: bool) -> Res;
    fn path(&mut self, pts: &[BackendCoord], s: &ShapeStyle) -> Res;
    fn circle(&mut self, c: BackendCoord, r: u32, s: &ShapeStyle, fill: bool) -> Res;
    fn polygon(&mut self, pts: &[BackendCoord], s: &ShapeStyle) -> Res;
    fn text(&mut self, t: &str, s: &TextStyle<'_>, p: BackendCoord) -> Res;
    fn text_size(&self, t: &str, s: &TextStyle<'_>) -> Res<(u32, u32)>;
}

impl<B: DrawingBackend> Erased for B {
    fn size(&self) -> (u32, u32) {
        self.get_size()
    }
    fn prepare(&mut self) -> Res {
        self.ensure_prepared().map_err(map_err)
    }
    fn present(&mut self) -> Res {
        DrawingBackend::present(self).map_err(map_err)
    }
    fn pixel(&mut self, p: BackendCoord, c: BackendColor) -> Res {
        self.draw_pixel(p, c).map_err(map_err)
    }
    fn line(&mut self, a: BackendCoord, b: BackendCoord, s: &ShapeStyle) -> Res {
        self.draw_line(a, b, s).map_err(map_err)
    }
    fn rect(&mut self, a: BackendCoord, b: BackendCoord, s: &ShapeStyle, fill: bool) -> Res {
        self.draw_rect(a, b, s, fill).map_err(map_err)
    }
    fn path(&mut self, pts: &[BackendCoord], s: &ShapeStyle) -> Res {
        self.draw_path(pts.iter().copied(), s).map_err(map_err)
    }
    fn circle(&mut self, c: BackendCoord, r: u32, s: &ShapeStyle, fill: bool) -> Res {
        self.draw_circle(c, r, s, fill).map_err(map_err)
    }
    fn polygon(&mut self, pts: &[BackendCoord], s: &ShapeStyle) -> Res {
        self.fill_polygon(pts.iter().copied(), s).map_err(map_err)
    }
    fn text(&mut self, t: &str, s: &TextStyle<'_>, p: BackendCoord) -> Res {
        self.draw_text(t, s, p).map_err(map_err)
    }
    fn text_size(&self, t: &str, s: &TextStyle<'_>) -> Res<(u32, u32)> {
        self.estimate_text_size(t, s).map_err(map_err)
    }
}

/// A drawing backend that forwards to any other backend behind a trait object.
pub struct AnyBackend<'a> {
    inner: Box<dyn Erased + 'a>,
}

impl<'a> AnyBackend<'a> {
    /// Wraps a concrete backend.
    pub fn new<B: DrawingBackend + 'a>(backend: B) -> Self {
        AnyBackend { inner: Box::new(backend) }
    }
}

fn shape<S: BackendStyle>(s: &S) -> ShapeStyle {
    let c = s.color();
    ShapeStyle { color: RGBAColor(c.rgb.0, c.rgb.1, c.rgb.2, c.alpha), filled: false, stroke_width: s.stroke_width() }
}

fn text_style<T: BackendTextStyle>(s: &T) -> TextStyle<'_> {
    TextStyle {
        font: FontDesc::new(s.family(), s.size(), s.style()).transform(s.transform()),
        color: s.color(),
        pos: s.anchor(),
    }
}

impl DrawingBackend for AnyBackend<'_> {
    type ErrorType = BackendError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.size()
    }
    fn ensure_prepared(&mut self) -> Res {
        self.inner.prepare()
    }
    fn present(&mut self) -> Res {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res {
        self.inner.pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Res {
        self.inner.line(from, to, &shape(style))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Res {
        self.inner.rect(upper_left, bottom_right, &shape(style), fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Res {
        let pts: Vec<BackendCoord> = path.into_iter().collect();
        self.inner.path(&pts, &shape(style))
    }
    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Res {
        self.inner.circle(center, radius, &shape(style), fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Res {
        let pts: Vec<BackendCoord> = vert.into_iter().collect();
        self.inner.polygon(&pts, &shape(style))
    }
    fn draw_text<TStyle: BackendTextStyle>(&mut self, text: &str, style: &TStyle, pos: BackendCoord) -> Res {
        self.inner.text(text, &text_style(style), pos)
    }
    fn estimate_text_size<TStyle: BackendTextStyle>(&self, text: &str, style: &TStyle) -> Res<(u32, u32)> {
        self.inner.text_size(text, &text_style(style))
    }
}
