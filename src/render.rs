//! Rendering a run to SVG (everywhere) and PNG (natively), with the same drawing code as the canvas.

use crate::plot::{AnyBackend, Theme};
use crate::runner::Runner;
use plotters::prelude::*;
#[cfg(not(target_arch = "wasm32"))]
use plotters_backend::DrawingErrorKind;
use plotters_svg::SVGBackend;

/// The DejaVu Sans font embedded for native text layout and PNG output, so that no system fonts are needed.
#[cfg(not(target_arch = "wasm32"))]
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The CJK subset (Noto Sans CJK SC, made by `scripts/cjk-font.py`) that draws the characters DejaVu Sans lacks:
/// the Chinese of the figures. It lacks sub- and superscripts, which DejaVu Sans has, so text falls back per
/// character (see [`FontFallback`]).
#[cfg(not(target_arch = "wasm32"))]
static CJK_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular-subset.otf");

/// The family name the CJK subset is registered under.
#[cfg(not(target_arch = "wasm32"))]
const CJK_FAMILY: &str = "cjk-sans";

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
            let _ = plotters::style::register_font(CJK_FAMILY, style, CJK_FONT);
        }
    });
}

/// Renders the run's figure as a standalone SVG document of `width` × `height` pixels.
pub fn svg(runner: &Runner, width: u32, height: u32, theme: &Theme) -> Result<String, String> {
    #[cfg(not(target_arch = "wasm32"))]
    ensure_fonts();
    let mut buf = String::new();
    {
        let svg = SVGBackend::with_string(&mut buf, (width, height));
        #[cfg(not(target_arch = "wasm32"))]
        let svg = FontFallback { inner: svg, split: false };
        let root = AnyBackend::new(svg).into_drawing_area();
        runner.paint(&root, theme)?;
        root.present().map_err(|e| e.to_string())?;
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
        root.present().map_err(|e| e.to_string())?;
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
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (w, h));
        let root = AnyBackend::new(FontFallback { inner: bitmap, split: true }).into_drawing_area();
        runner.paint(&root, theme)?;
        root.present().map_err(|e| e.to_string())?;
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

/// Which embedded font draws each character: DejaVu Sans where it has a glyph, else the CJK subset.
#[cfg(not(target_arch = "wasm32"))]
struct Fonts {
    latin: ab_glyph::FontRef<'static>,
    cjk: ab_glyph::FontRef<'static>,
    /// The CJK font's size relative to the requested one, so that its em matches the em a browser gives the
    /// same CSS font size. ab_glyph scales a font so that ascent − descent equals the size; that span is
    /// 1.16 em for DejaVu Sans but 1.45 em for Noto Sans CJK, whose glyphs would otherwise come out a fifth
    /// smaller than the Latin text beside them.
    cjk_scale: f64,
}

#[cfg(not(target_arch = "wasm32"))]
fn fonts() -> &'static Fonts {
    use ab_glyph::Font;
    use std::sync::OnceLock;
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        // Both fonts are files shipped in the repository and read by tests/i18n_font.rs.
        let latin = ab_glyph::FontRef::try_from_slice(FONT).expect("embedded DejaVu Sans");
        let cjk = ab_glyph::FontRef::try_from_slice(CJK_FONT).expect("embedded CJK subset");
        let span = |f: &ab_glyph::FontRef| {
            let em = f.units_per_em().unwrap_or(1000.0) as f64;
            (f.ascent_unscaled() - f.descent_unscaled()) as f64 / em
        };
        let cjk_scale = span(&cjk) / span(&latin);
        Fonts { latin, cjk, cjk_scale }
    })
}

/// Whether a character is drawn with the CJK subset: DejaVu Sans lacks it and the subset has it.
#[cfg(not(target_arch = "wasm32"))]
fn needs_cjk(c: char) -> bool {
    use ab_glyph::Font;
    let f = fonts();
    f.latin.glyph_id(c).0 == 0 && f.cjk.glyph_id(c).0 != 0
}

/// Splits text into runs of one font each: `(run, uses the CJK subset)`.
#[cfg(not(target_arch = "wasm32"))]
fn font_runs(text: &str) -> Vec<(&str, bool)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let cjk = needs_cjk(c);
        if current.is_some_and(|k| k != cjk) {
            runs.push((&text[start..i], current.unwrap_or(false)));
            start = i;
        }
        current = Some(cjk);
    }
    if let Some(k) = current {
        runs.push((&text[start..], k));
    }
    runs
}

/// The style of one run: the CJK family at its matched size, or the requested style unchanged.
#[cfg(not(target_arch = "wasm32"))]
fn run_style<S: plotters_backend::BackendTextStyle>(style: &S, cjk: bool) -> TextStyle<'static> {
    use plotters::style::FontDesc;
    let size = if cjk { style.size() * fonts().cjk_scale } else { style.size() };
    let family = if cjk { FontFamily::Name(CJK_FAMILY) } else { FontFamily::SansSerif };
    TextStyle {
        font: FontDesc::new(family, size, style.style()).transform(style.transform()),
        color: style.color(),
        pos: plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Top,
        ),
    }
}

/// The advance width in pixels of text at `size` pixels, measured the way PNG output lays it out: DejaVu Sans
/// for the characters it has, the CJK subset (at its matched size) for the others. Layout tests use it to
/// measure the labels of an SVG.
#[cfg(not(target_arch = "wasm32"))]
pub fn text_width(text: &str, size: f64) -> f64 {
    use ab_glyph::{Font, ScaleFont};
    let f = fonts();
    font_runs(text)
        .into_iter()
        .map(|(run, cjk)| {
            let (font, px) = if cjk { (&f.cjk, size * f.cjk_scale) } else { (&f.latin, size) };
            let scaled = font.as_scaled(px as f32);
            // Advances plus kerning, exactly as plotters lays out one run.
            let mut prev = None;
            let mut w = 0.0;
            for c in run.chars() {
                let g = font.glyph_id(c);
                w += scaled.h_advance(g) as f64;
                if let Some(pg) = prev {
                    w += scaled.kern(pg, g) as f64;
                }
                prev = Some(g);
            }
            w
        })
        .sum()
}

/// A backend wrapper that lays out text with per-character font fallback: characters DejaVu Sans lacks (the
/// Chinese of the figures) are measured, and with `split` drawn, in the embedded CJK subset. Text DejaVu Sans
/// covers alone is passed through untouched, so English output is unchanged. SVG output keeps each label as one
/// `<text>` (the viewer picks its fonts) and only uses the measurement, so that layout decisions such as
/// [`crate::plot::chart::fitting`] see the width Chinese text really takes.
#[cfg(not(target_arch = "wasm32"))]
struct FontFallback<B> {
    inner: B,
    /// Whether to draw the runs separately (bitmap output) rather than pass the text on whole (SVG).
    split: bool,
}

#[cfg(not(target_arch = "wasm32"))]
impl<B: DrawingBackend> DrawingBackend for FontFallback<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: plotters_backend::BackendCoord,
        color: plotters_backend::BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: plotters_backend::BackendCoord,
        to: plotters_backend::BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: plotters_backend::BackendCoord,
        bottom_right: plotters_backend::BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = plotters_backend::BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: plotters_backend::BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = plotters_backend::BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<S: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: plotters_backend::BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if !self.split || !text.chars().any(needs_cjk) {
            return self.inner.draw_text(text, style, pos);
        }
        use plotters::style::text_anchor::{HPos, VPos};
        // Anchor the whole string as plotters anchors one run (its layout box is the advance width by
        // size / 1.24), then draw each run left-anchored along the (possibly rotated) baseline.
        let width = text_width(text, style.size());
        let height = style.size() / 1.24;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Right => -width,
            HPos::Center => -width / 2.0,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let mut x = dx;
        for (run, cjk) in font_runs(text) {
            let rs = run_style(style, cjk);
            // A larger CJK size moves plotters' baseline (at half the size below the top) down; lift it back.
            let lift = if cjk { (style.size() * fonts().cjk_scale - style.size()) / 2.0 } else { 0.0 };
            let (ox, oy) = trans.transform(x.round() as i32, (dy - lift).round() as i32);
            self.inner.draw_text(run, &rs, (pos.0 + ox, pos.1 + oy))?;
            x += text_width(run, style.size());
        }
        Ok(())
    }
    fn estimate_text_size<S: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        if !text.chars().any(needs_cjk) {
            return self.inner.estimate_text_size(text, style);
        }
        Ok((text_width(text, style.size()).round() as u32, (style.size() / 1.24) as u32))
    }
}
