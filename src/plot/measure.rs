//! A backend wrapper that measures text with a given function instead of the backend's own measurement.
//!
//! Layout decisions (which wording of a headline fits, where the next run of a multi-colour title starts, how
//! wide a legend is) all come from `estimate_text_size`. In the browser the canvas answers it with its own
//! `measureText`; an SVG drawn there must be laid out with the same numbers, or the runs of one title are
//! placed for one font and rendered in another (plotters' default measurement inserts a styled `<span>` into
//! the page, which the page's content security policy refuses, so every label was measured in the page's body
//! font and multi-colour titles came out with gaps). [`Measured`] forwards all drawing to the wrapped backend
//! and answers measurement with one function of the CSS font string and the text, shared by every backend that
//! draws for the same screen.
//!
//! Two more differences matter for SVG. plotters' SVG backend writes `font-size` as the style's size divided by
//! 1.24 (its font layer's em), while the canvas draws text at the style's size in CSS pixels; and SVG viewers
//! drop the spaces at either end of a text element, which the layout counted. [`Measured::svg`] undoes both,
//! so that an SVG laid out with the canvas's measurement renders its text at the canvas's size with its spaces.

use plotters::prelude::*;
use plotters::style::FontDesc;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// A text measurement: the CSS font string (as [`css_font`] writes it) and the text to its size in pixels.
pub type MeasureFn<'m> = &'m dyn Fn(&str, &str) -> (u32, u32);

/// The CSS font string of a text style, for example `normal 10.5px sans-serif`.
pub fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str())
}

/// The factor by which plotters' SVG backend divides a style's size to get the written `font-size`.
pub const SVG_FONT_DIVISOR: f64 = 1.24;

/// A drawing backend whose text measurement comes from a function; everything else goes to `inner`.
pub struct Measured<'m, B> {
    inner: B,
    measure: MeasureFn<'m>,
    /// Whether `inner` writes SVG: text is then drawn at the measured size with its edge spaces kept.
    svg: bool,
}

impl<'m, B: DrawingBackend> Measured<'m, B> {
    /// Wraps `inner` (a canvas, or any backend that draws text at the style's size), measuring with `measure`.
    pub fn new(inner: B, measure: MeasureFn<'m>) -> Self {
        Measured { inner, measure, svg: false }
    }

    /// Wraps plotters' SVG backend `inner`, measuring with `measure`; the text is written at the measured size
    /// (`font-size` equal to the style's size) and its leading and trailing spaces as no-break spaces, which
    /// viewers keep and which are as wide as spaces.
    pub fn svg(inner: B, measure: MeasureFn<'m>) -> Self {
        Measured { inner, measure, svg: true }
    }
}

/// `text` with its leading and trailing spaces turned into no-break spaces.
pub fn keep_edge_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if !(text.starts_with(' ') || text.ends_with(' ')) {
        return std::borrow::Cow::Borrowed(text);
    }
    let body = text.trim_matches(' ');
    let lead = text.len() - text.trim_start_matches(' ').len();
    let trail = if body.is_empty() { 0 } else { text.len() - text.trim_end_matches(' ').len() };
    let nbsp = |n: usize| "\u{a0}".repeat(n);
    std::borrow::Cow::Owned(format!("{}{body}{}", nbsp(lead), nbsp(trail)))
}

type Res<T, B> = Result<T, DrawingErrorKind<<B as DrawingBackend>::ErrorType>>;

impl<B: DrawingBackend> DrawingBackend for Measured<'_, B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Res<(), B> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Res<(), B> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res<(), B> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Res<(), B> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, style: &S, fill: bool) -> Res<(), B> {
        self.inner.draw_rect(a, b, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Res<(), B> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, style: &S, fill: bool) -> Res<(), B> {
        self.inner.draw_circle(c, r, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, v: I, style: &S) -> Res<(), B> {
        self.inner.fill_polygon(v, style)
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Res<(), B> {
        if !self.svg {
            return self.inner.draw_text(text, style, pos);
        }
        let scaled = TextStyle {
            font: FontDesc::new(style.family(), style.size() * SVG_FONT_DIVISOR, style.style())
                .transform(style.transform()),
            color: style.color(),
            pos: style.anchor(),
        };
        self.inner.draw_text(&keep_edge_spaces(text), &scaled, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, style: &S) -> Res<(u32, u32), B> {
        Ok((self.measure)(&css_font(style), text))
    }
}

#[cfg(test)]
mod tests {
    use super::keep_edge_spaces;

    #[test]
    fn edge_spaces_become_no_break_spaces() {
        assert_eq!(keep_edge_spaces("loss"), "loss");
        assert_eq!(keep_edge_spaces("loss: "), "loss:\u{a0}");
        assert_eq!(keep_edge_spaces("  a b "), "\u{a0}\u{a0}a b\u{a0}");
        assert_eq!(keep_edge_spaces("   "), "\u{a0}\u{a0}\u{a0}");
    }
}
