//! Rendering a run to SVG (everywhere) and PNG (natively), with the same drawing code as the canvas.

use crate::plot::{AnyBackend, Theme};
use crate::runner::Runner;
use plotters::prelude::*;
use plotters_svg::SVGBackend;

/// The DejaVu Sans font embedded for native text layout and PNG output, so that no system fonts are needed.
#[cfg(not(target_arch = "wasm32"))]
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the embedded font as the `sans-serif` family for every style, once per process.
#[cfg(not(target_arch = "wasm32"))]
pub fn ensure_fonts() {
    use plotters::style::FontStyle;
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Italic, FontStyle::Oblique, FontStyle::Bold] {
            // The font is a valid TrueType file shipped in the repository; a failure would surface as a
            // font error from the first draw call, never as a panic.
            let _ = plotters::style::register_font("sans-serif", style, FONT);
        }
    });
}

/// Renders the run's figure as a standalone SVG document of `width` × `height` pixels.
pub fn svg(runner: &Runner, width: u32, height: u32, theme: &Theme) -> Result<String, String> {
    #[cfg(not(target_arch = "wasm32"))]
    ensure_fonts();
    let mut buf = String::new();
    {
        let root = AnyBackend::new(SVGBackend::with_string(&mut buf, (width, height))).into_drawing_area();
        runner.paint(&root, theme)?;
        root.present().map_err(|e| format!("{e:?}"))?;
    }
    Ok(buf)
}

/// Renders the run's figure to a PNG file of `width` × `height` CSS pixels times the theme's scale.
#[cfg(not(target_arch = "wasm32"))]
pub fn png(runner: &Runner, width: u32, height: u32, theme: &Theme, path: &std::path::Path) -> Result<(), String> {
    ensure_fonts();
    let w = (width as f64 * theme.scale).round() as u32;
    let h = (height as f64 * theme.scale).round() as u32;
    let root = AnyBackend::new(BitMapBackend::new(path, (w, h))).into_drawing_area();
    runner.paint(&root, theme)?;
    root.present().map_err(|e| format!("{e:?}"))?;
    Ok(())
}
