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

/// Renders the run's figure as SVG like [`svg`], laying text out with `measure` (the CSS font string and the
/// text to a size in pixels) instead of the font layer, and writing text at the measured size: the browser
/// passes its canvas's measurement, so that the export places and sizes every text run as the canvas does.
pub fn svg_measured(
    runner: &Runner,
    width: u32,
    height: u32,
    theme: &Theme,
    measure: crate::plot::measure::MeasureFn<'_>,
) -> Result<String, String> {
    let mut buf = String::new();
    {
        let backend = crate::plot::measure::Measured::svg(SVGBackend::with_string(&mut buf, (width, height)), measure);
        let root = AnyBackend::new(backend).into_drawing_area();
        runner.paint(&root, theme)?;
        root.present().map_err(|e| format!("{e:?}"))?;
    }
    Ok(buf)
}

/// Renders the run's figure as an encoded PNG image of `width` × `height` CSS pixels times the theme's scale.
///
/// The picture is drawn into memory and encoded here, so that writing it is left to the caller and every
/// failure to write is a plain I/O error. Callers bound the pixel count first (the command line refuses more
/// than [`crate::cli::MAX_PIXELS`]); the frame buffer takes three bytes per device pixel.
#[cfg(not(target_arch = "wasm32"))]
pub fn png(runner: &Runner, width: u32, height: u32, theme: &Theme) -> Result<Vec<u8>, String> {
    ensure_fonts();
    let (w, h) = device_size(width, height, theme.scale);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = AnyBackend::new(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
        runner.paint(&root, theme)?;
        root.present().map_err(|e| format!("{e:?}"))?;
    }
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, w, h);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// The size in device pixels of a `width` × `height` CSS-pixel figure at `scale` device pixels per CSS pixel.
pub fn device_size(width: u32, height: u32, scale: f64) -> (u32, u32) {
    ((width as f64 * scale).round() as u32, (height as f64 * scale).round() as u32)
}
