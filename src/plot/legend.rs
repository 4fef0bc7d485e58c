//! Keys drawn outside the data: a legend laid out as rows of short line samples and labels in a chart's top
//! margin, so that it hides nothing (a boxed legend inside the plotting area covered up to a quarter of a
//! phone-sized phase plane).

use super::draw::{path_px, text_px};
use super::{Area, Theme};
use plotters::prelude::*;

/// One key entry: its label, its colour and whether its sample is dashed.
pub type KeyEntry = (String, RGBColor, bool);

/// Row height of a key, in CSS pixels.
pub const KEY_ROW: f64 = 14.0;
/// Label size of a key, in CSS pixels.
const KEY_FONT: f64 = 10.5;

/// The left edges (device pixels, from `x0`) and row of each entry when wrapped into `max_w` device pixels.
fn layout(area: &Area<'_>, theme: &Theme, entries: &[KeyEntry], x0: i32, max_w: i32) -> Vec<(i32, i32)> {
    let style = theme.font(KEY_FONT);
    let (mut x, mut row) = (x0, 0);
    let mut out = Vec::with_capacity(entries.len());
    for (label, _, _) in entries {
        let lw = area.estimate_text_size(label, &style).map(|(w, _)| w as i32).unwrap_or(theme.dpx(60.0));
        let item = theme.dpx(20.0) + lw;
        if x > x0 && x + item > x0 + max_w {
            x = x0;
            row += 1;
        }
        out.push((x, row));
        x += item + theme.dpx(10.0);
    }
    out
}

/// The number of rows `entries` take when wrapped into `max_w` device pixels.
pub fn key_rows(area: &Area<'_>, theme: &Theme, entries: &[KeyEntry], max_w: i32) -> usize {
    layout(area, theme, entries, 0, max_w).last().map_or(0, |(_, r)| *r as usize + 1)
}

/// Draws `entries` as wrapped rows starting at device pixel `(x0, y0)` (the top of the first row) within
/// `max_w` device pixels; returns the number of rows drawn.
pub fn draw_keys(area: &Area<'_>, theme: &Theme, entries: &[KeyEntry], (x0, y0): (i32, i32), max_w: i32) -> usize {
    let style = theme.font_in(KEY_FONT, theme.fg());
    let spots = layout(area, theme, entries, x0, max_w);
    for ((label, color, dashed), (x, row)) in entries.iter().zip(&spots) {
        let mid = y0 + row * theme.dpx(KEY_ROW) + theme.dpx(KEY_ROW / 2.0);
        if *dashed {
            let seg = theme.dpx(4.0);
            for k in 0..2 {
                let a = x + k * 2 * seg + theme.dpx(1.0);
                path_px(area, &[(a, mid), (a + seg, mid)], theme.stroke(*color, 2.0));
            }
        } else {
            path_px(area, &[(*x, mid), (x + theme.dpx(15.0), mid)], theme.stroke(*color, 2.5));
        }
        text_px(area, label, (x + theme.dpx(20.0), mid - theme.dpx(KEY_FONT * 0.55)), &style);
    }
    spots.last().map_or(0, |(_, r)| *r as usize + 1)
}
