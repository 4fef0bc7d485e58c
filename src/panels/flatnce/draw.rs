//! Small drawing helpers shared by the two FlatNCE figures. Their log axes with a floor line for exact zeros
//! are [`crate::plot::axis::LogFloor`]; both figures draw the floor dashed and label it "exactly 0".

use crate::plot::Area;
use plotters::prelude::*;

use crate::plot::draw::text_px;

/// Draws one line of text at device pixel `(x, y)` of `area`.
pub fn text(area: &Area<'_>, s: impl Into<String>, x: i32, y: i32, style: &TextStyle<'_>) {
    text_px(area, &s.into(), (x, y), style);
}

/// The colour `t` of the way from `b` to `a` (t = 1 gives `a`): an opaque stand-in for `a.mix(t)` on `b`.
pub fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 1.0 };
    let m = |x: u8, y: u8| (y as f64 + (x as f64 - y as f64) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}
