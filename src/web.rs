//! The web layer: the only module that knows wasm-bindgen and web-sys.
//!
//! It exposes the registry, the hash codec and one [`Figure`] per canvas to the generic JavaScript shell
//! (`www/app.js`); `docs/web-api.md` documents the contract. State lives here behind an opaque handle;
//! only short strings cross the boundary (parameters, metrics as JSON, the SVG export).

use crate::hash;
use crate::i18n::Lang;
use crate::panels;
use crate::plot::measure::Measured;
use crate::plot::{AnyBackend, Area, DrawResult, Theme};
use crate::recorder::Recorder;
use crate::runner::Runner;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Installs the panic hook so that a Rust panic is logged with its message before the trap.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The browser's `parseFloat`: the nearest double to a decimal number, ties to even. `params::decimal_to_f64`
/// reads numbers with it in WebAssembly, in place of the standard library's parser and its tables (see there).
pub(crate) fn parse_float(text: &str) -> f64 {
    js_sys::parse_float(text)
}

/// The registry as a JSON array (see `docs/web-api.md`), its titles, labels, help and claims in the language of
/// `lang` (`"en"` or `"zh"`; English when absent or unknown).
#[wasm_bindgen]
pub fn panels_json(lang: Option<String>) -> String {
    panels::list_json(lang_of(lang.as_deref()))["panels"].to_string()
}

/// The codes of the languages this module has wording for, comma-separated: `"en,zh"` for the Chinese page's
/// module (built with the `zh` feature), `"en"` for the English page's.
#[wasm_bindgen]
pub fn languages() -> String {
    Lang::ALL.iter().filter(|l| l.available()).map(|l| l.code()).collect::<Vec<_>>().join(",")
}

/// The language of a code from the page, English when absent, unknown or not in this build (the English page's
/// module has no Chinese wording; the page loads the Chinese module for Chinese).
fn lang_of(code: Option<&str>) -> Lang {
    code.and_then(Lang::from_code).filter(|l| l.available()).unwrap_or_default()
}

/// Decodes a URL hash into accepted entries and plain-text notices, as JSON. The notices are worded in the
/// language of the code `lang` (`"zh"` for Chinese), English when absent or unknown.
#[wasm_bindgen]
pub fn decode_hash(hash_text: &str, lang: Option<String>) -> String {
    let d = hash::decode_in(hash_text, &panels::all(), lang_of(lang.as_deref()));
    let entries: Vec<serde_json::Value> =
        d.entries.iter().map(|e| serde_json::json!({ "panel": e.panel, "key": e.key, "value": e.value })).collect();
    serde_json::json!({ "entries": entries, "notices": d.notices }).to_string()
}

/// Encodes a flat list `[panel, key, value, panel, key, value, ...]` as a hash string (a trailing partial
/// triple is ignored). A flat list of strings crosses the boundary without any JSON parsing.
#[wasm_bindgen]
pub fn encode_hash(flat: Vec<String>) -> String {
    hash::encode(flat.chunks_exact(3).map(|t| (t[0].as_str(), t[1].as_str(), t[2].as_str())))
}

/// One live figure drawn on one canvas.
#[wasm_bindgen]
pub struct Figure {
    runner: Runner,
    canvas: HtmlCanvasElement,
    dpr: f64,
    /// The last CSV export and the step count it was made at, reused while the run has not moved. Nothing is
    /// recorded while the run steps: computing every metric at every recorded step made the first 10 000 steps
    /// of every run several times slower (all of them for panels whose metrics read the whole state, such as
    /// Lion's O(V·d) statistics), so the table is rebuilt by an exact replay when it is asked for.
    csv_cache: Option<(u64, String)>,
    /// The language of the words the figure draws and of its claim.
    lang: Lang,
}

/// Runs `draw` on `canvas` at `css_width` × `css_height` CSS pixels times `dpr`, resizing the backing store.
fn draw_on(
    canvas: &HtmlCanvasElement,
    css_width: f64,
    css_height: f64,
    dpr: f64,
    dark: bool,
    lang: Lang,
    draw: impl FnOnce(&Area<'_>, &Theme) -> DrawResult,
) -> Result<(), JsError> {
    let w = (css_width.max(1.0) * dpr).round().min(8192.0) as u32;
    let h = (css_height.max(1.0) * dpr).round().min(8192.0) as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    let text = CanvasText::new(canvas).ok_or_else(|| JsError::new("no 2d context on canvas"))?;
    let inner = CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| JsError::new("no canvas backend"))?;
    let measure = |font: &str, t: &str| text.measure(font, t);
    let root = AnyBackend::new(Measured::new(inner, &measure)).into_drawing_area();
    let theme = if dark { Theme::dark(dpr) } else { Theme::light(dpr) }.with_lang(lang);
    draw(&root, &theme).map_err(|e| JsError::new(&e.0))?;
    root.present().map_err(|e| JsError::new(&e.to_string()))?;
    Ok(())
}

/// A device-pixel ratio or export scale made safe: finite, positive, within [0.5, 4]; 1 otherwise.
fn safe_scale(dpr: f64) -> f64 {
    if dpr.is_finite() && dpr > 0.0 {
        dpr.clamp(0.5, 4.0)
    } else {
        1.0
    }
}

#[wasm_bindgen]
impl Figure {
    /// Creates the figure of panel `panel_id` on `canvas`, with default parameters and seed.
    #[wasm_bindgen(constructor)]
    pub fn new(panel_id: &str, canvas: HtmlCanvasElement) -> Result<Figure, JsError> {
        let panel = panels::find(panel_id).ok_or_else(|| JsError::new(&format!("unknown panel '{panel_id}'")))?;
        let mut runner = Runner::with_defaults(panel);
        // A replay of a run whose steps come in parts is left to `work`, a frame's share at a time.
        runner.set_spread(true);
        Ok(Figure { runner, canvas, dpr: 1.0, csv_cache: None, lang: Lang::En })
    }

    /// Called after anything that rebuilt the run: the last CSV export no longer describes it.
    fn rebuilt(&mut self) {
        self.csv_cache = None;
    }

    /// Sets the language of the words the figure draws and of its claim (`"en"` or `"zh"`; English for
    /// anything else).
    pub fn set_lang(&mut self, code: &str) {
        self.lang = lang_of(Some(code));
    }

    /// The language code in force (`"en"` or `"zh"`).
    pub fn lang(&self) -> String {
        self.lang.code().to_string()
    }

    /// The panel id.
    pub fn id(&self) -> String {
        self.runner.panel().id().to_string()
    }

    /// Sets a parameter from text; returns a notice when clamped, or an empty string. The notice, and the message
    /// of the error thrown for a malformed value, are worded in the figure's language ([`Figure::set_lang`]).
    pub fn set_param(&mut self, key: &str, text: &str) -> Result<String, JsError> {
        let before = self.runner.params().clone();
        let result = self.runner.set_param_in(key, text, self.lang);
        if *self.runner.params() != before {
            self.rebuilt();
        }
        result.map(|n| n.unwrap_or_default()).map_err(|e| JsError::new(&e.0))
    }

    /// The canonical text of a parameter.
    pub fn param(&self, key: &str) -> Result<String, JsError> {
        self.runner.params().text(key).ok_or_else(|| JsError::new(&format!("unknown parameter '{key}'")))
    }

    /// All parameter values as a JSON object.
    pub fn params_json(&self) -> String {
        self.runner.params().to_json().to_string()
    }

    /// Sets the seed (clamped to the allowed range).
    pub fn set_seed(&mut self, seed: f64) {
        let s = if seed.is_finite() && seed > 0.0 { seed.floor() as u64 } else { 0 };
        let before = self.runner.seed();
        self.runner.set_seed(s);
        if self.runner.seed() != before {
            self.rebuilt();
        }
    }

    /// The seed.
    pub fn seed(&self) -> f64 {
        self.runner.seed() as f64
    }

    /// Advances up to `n` steps; returns the number taken (fewer after divergence).
    pub fn step(&mut self, n: u32) -> u32 {
        self.runner.step(n as u64) as u32
    }

    /// Does up to `n` units of work (parts of steps, see `units_per_step`); returns the units done (fewer when the
    /// run diverged or a replay ended). A replay under way (`replay_to`) is served first.
    pub fn work(&mut self, n: f64) -> f64 {
        let n = if n.is_finite() && n >= 1.0 { n.min(1e15) as u64 } else { 1 };
        self.runner.work(n) as f64
    }

    /// Units of work in one step at the current settings (1 unless the panel takes steps in parts).
    pub fn units_per_step(&self) -> f64 {
        self.runner.units_per_step() as f64
    }

    /// Units of the step in progress done so far (0 between steps).
    pub fn units_done(&self) -> f64 {
        self.runner.units_done() as f64
    }

    /// Whether the rebuilt run's set-up is still under way (served by `work` before the replay, `replay_to` says
    /// where the run goes afterwards): the figure and the metrics show the set-up so far.
    pub fn building(&self) -> bool {
        self.runner.building()
    }

    /// The step a replay under way is going to (served by `work`), if one is.
    pub fn replay_to(&self) -> Option<f64> {
        self.runner.replay_to().map(|s| s as f64)
    }

    /// Goes to step `target` (clamped to the panel's replay limit): steps forward from the current state, or
    /// restarts and replays when `target` lies behind it. Returns the step reached (earlier after divergence).
    /// For a run whose steps come in parts the way there is a replay left to `work` (`replay_to` says where it
    /// goes), and the step returned is where it starts.
    pub fn seek(&mut self, target: f64) -> f64 {
        let target = if target.is_finite() && target > 0.0 { target.floor() as u64 } else { 0 };
        let target = target.min(self.runner.panel().replay_limit());
        let behind = target < self.runner.steps() || self.runner.diverged_at().is_some();
        let reached = self.runner.seek(target);
        if behind {
            self.rebuilt();
        }
        reached as f64
    }

    /// The largest step count that a parameter change replays and that `seek` goes to.
    pub fn replay_limit(&self) -> f64 {
        self.runner.panel().replay_limit() as f64
    }

    /// The metrics history as CSV: a `step` column and one column per scalar metric, one row per recorded step,
    /// at most 10 000 rows, evenly spaced from step 0 to the current step, rebuilt by replaying the run from step 0
    /// (exact: a run depends only on its panel, settings, seed and step count).
    pub fn metrics_csv(&mut self) -> String {
        let steps = self.runner.steps();
        match &self.csv_cache {
            Some((at, csv)) if *at == steps => csv.clone(),
            _ => {
                let csv = Recorder::replay(&self.runner).csv();
                self.csv_cache = Some((steps, csv.clone()));
                csv
            }
        }
    }

    /// Steps taken since the last reset.
    pub fn steps(&self) -> f64 {
        self.runner.steps() as f64
    }

    /// The first non-finite step, if the run diverged.
    pub fn diverged_at(&self) -> Option<f64> {
        self.runner.diverged_at().map(|s| s as f64)
    }

    /// Restarts at step 0.
    pub fn reset(&mut self) {
        self.runner.reset();
        self.rebuilt();
    }

    /// Applies preset `id` of this figure's panel: its complete setting and seed, back to step 0, in one
    /// rebuild. Throws an `Error` naming the known ids when `id` is unknown.
    pub fn apply_preset(&mut self, id: &str) -> Result<(), JsError> {
        self.runner.apply_preset(id).map_err(|e| JsError::new(&e))
    }

    /// The claim of the preset in force (whose complete setting and seed equal the current ones) as JSON,
    /// with `held_at` the first step at which it was seen to hold (claims are tested whenever
    /// `metrics_json` is read), or `null` when no preset with a claim is in force.
    pub fn claim_json(&self) -> String {
        self.runner.claim_json(self.lang).to_string()
    }

    /// The id of the preset in force (whose complete setting and seed equal the current ones, however they
    /// were set), with or without a claim; `undefined` when none is.
    pub fn active_preset(&self) -> Option<String> {
        self.runner.active_preset().map(|p| p.id.to_string())
    }

    /// The step at which the run settled (its settle metrics stopped changing, or the claim in force has
    /// held and its `by_step` is reached), if it has.
    pub fn settled_at(&self) -> Option<f64> {
        self.runner.settled_at().map(|s| s as f64)
    }

    /// Resizes the canvas backing store to the CSS size times `dpr` and draws the figure.
    pub fn render(&mut self, css_width: f64, css_height: f64, dpr: f64, dark: bool) -> Result<(), JsError> {
        let dpr = safe_scale(dpr);
        self.dpr = dpr;
        draw_on(&self.canvas, css_width, css_height, dpr, dark, self.lang, |root, theme| self.runner.draw(root, theme))
    }

    /// Draws the figure on another canvas (for example a detached one for a PNG export) at `css_width` ×
    /// `css_height` CSS pixels times `scale` (clamped to [0.5, 4]; at most 8192 pixels a side). The figure's own
    /// canvas and its click mapping are left as they are.
    pub fn render_to(
        &self,
        canvas: HtmlCanvasElement,
        css_width: f64,
        css_height: f64,
        scale: f64,
        dark: bool,
    ) -> Result<(), JsError> {
        draw_on(&canvas, css_width, css_height, safe_scale(scale), dark, self.lang, |root, theme| {
            self.runner.paint(root, theme)
        })
    }

    /// Handles a click at CSS pixel coordinates; returns whether parameters changed.
    pub fn click(&mut self, css_x: f64, css_y: f64) -> bool {
        let changed = self.runner.click(css_x * self.dpr, css_y * self.dpr);
        if changed {
            self.rebuilt();
        }
        changed
    }

    /// The current metrics as a JSON object.
    pub fn metrics_json(&self) -> String {
        self.runner.metrics_json().to_string()
    }

    /// The non-default `[key, value]` pairs, seed included, as JSON.
    pub fn hash_entries(&self) -> String {
        serde_json::to_string(&self.runner.non_default_entries()).unwrap_or_else(|_| "[]".into())
    }

    /// The same figure as a standalone SVG document of the given CSS size, laid out with the text measurement
    /// of the figure's canvas (so that the runs of a multi-colour title meet as they do on screen).
    pub fn svg(&self, width: u32, height: u32, dark: bool) -> Result<String, JsError> {
        let theme = if dark { Theme::dark(1.0) } else { Theme::light(1.0) }.with_lang(self.lang);
        let text = CanvasText::new(&self.canvas).ok_or_else(|| JsError::new("no 2d context on canvas"))?;
        let measure = |font: &str, t: &str| text.measure(font, t);
        crate::render::svg_measured(&self.runner, width.clamp(64, 8192), height.clamp(64, 8192), &theme, &measure)
            .map_err(|e| JsError::new(&e))
    }

    /// Panics on purpose, so tests can check that one failed figure does not stop the others.
    pub fn debug_panic(&mut self) {
        panic!("debug_panic called on figure '{}'", self.runner.panel().id());
    }
}

/// Most text sizes a page asks for are the same tick labels and captions every frame, so they are kept here.
/// The map is cleared when it grows past [`TEXT_CACHE_LIMIT`] entries. Its keys are 64-bit hashes of the font
/// and the text (a collision among a few thousand labels has a chance of about 10⁻¹², and would misplace one
/// label), and its table is reserved at its full size when first used: readouts drawn with changing numbers add
/// a new label every frame, and with owned text keys the cache's memory grew for minutes after a page opened
/// (seen as wasm memory growth in the soak).
const TEXT_CACHE_LIMIT: usize = 4096;

thread_local! {
    static TEXT_SIZES: RefCell<HashMap<u64, (u32, u32)>> = RefCell::new(HashMap::with_capacity(TEXT_CACHE_LIMIT));
}

/// The cache key of `text` in `font`.
fn text_key(font: &str, text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    font.hash(&mut h);
    text.hash(&mut h);
    h.finish()
}

/// Text measurement by a canvas's own `measureText`, cached.
///
/// plotters measures text in the browser by inserting a `<span>` into the document and reading its
/// `offsetWidth`, which forces a synchronous layout of the whole page for every tick label of every frame (and
/// styles the span with an inline `style` attribute, which the page's content security policy refuses). Figures
/// draw through [`Measured`] with this measurement instead: the advance width and the font's ascent plus
/// descent, which is what the span's box measures for a single line with the default line height, rounded the
/// same way. The SVG export is laid out with the same numbers, so its text runs sit where the canvas puts them.
struct CanvasText {
    context: CanvasRenderingContext2d,
}

impl CanvasText {
    fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some(CanvasText { context })
    }

    fn measure(&self, font: &str, text: &str) -> (u32, u32) {
        let key = text_key(font, text);
        if let Some(size) = TEXT_SIZES.with(|m| m.borrow().get(&key).copied()) {
            return size;
        }
        // The canvas keeps its font between calls; drawing sets its own before every text.
        self.context.set_font(font);
        let size = match self.context.measure_text(text) {
            Ok(m) => {
                let w = m.width();
                let h = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
                (w.round().max(0.0) as u32, h.round().max(0.0) as u32)
            }
            Err(_) => (0, 0),
        };
        TEXT_SIZES.with(|m| {
            let mut m = m.borrow_mut();
            if m.len() >= TEXT_CACHE_LIMIT {
                m.clear();
            }
            m.insert(key, size);
        });
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{FontDesc, FontFamily, FontStyle, TextStyle};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// The fast measurement must agree with plotters' own (a `<span>` in the document) to within a pixel,
    /// or chart layouts would shift; and it must be served from the cache the second time.
    #[wasm_bindgen_test]
    fn canvas_text_measurement_matches_the_document_and_is_cached() {
        let doc = web_sys::window().unwrap().document().unwrap();
        let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
        doc.body().unwrap().append_child(&c).unwrap();
        let text = CanvasText::new(&c).unwrap();
        let measure = |font: &str, t: &str| text.measure(font, t);
        let backend = Measured::new(CanvasBackend::with_canvas_object(c.clone()).unwrap(), &measure);
        for size in [10.5, 12.0, 21.0, 31.5] {
            for text in ["0", "1e-3", "−0.25", "θ (encoder)", "step 12345 · loss 0.693", "WWWWWWWW"] {
                let font = FontDesc::new(FontFamily::SansSerif, size, FontStyle::Normal);
                let (sw, sh) = font.box_size(text).unwrap();
                let style = TextStyle::from(font);
                let (w, h) = backend.estimate_text_size(text, &style).unwrap();
                assert!(w.abs_diff(sw) <= 1, "width of {text:?} at {size}px: canvas {w}, document {sw}");
                assert!(h.abs_diff(sh) <= 1, "height of {text:?} at {size}px: canvas {h}, document {sh}");
                let key = text_key(&format!("normal {size}px sans-serif"), text);
                assert_eq!(TEXT_SIZES.with(|m| m.borrow().get(&key).copied()), Some((w, h)));
            }
        }
        c.remove();
    }

    /// The cache's table is reserved at its full size, so measuring thousands of different labels (readouts
    /// drawn with changing numbers) never grows it: its capacity after 3 × the limit equals the first one.
    #[wasm_bindgen_test]
    fn text_cache_memory_is_reserved_up_front() {
        let doc = web_sys::window().unwrap().document().unwrap();
        let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
        doc.body().unwrap().append_child(&c).unwrap();
        let text = CanvasText::new(&c).unwrap();
        let measure = |font: &str, t: &str| text.measure(font, t);
        let backend = Measured::new(CanvasBackend::with_canvas_object(c.clone()).unwrap(), &measure);
        let style = TextStyle::from(FontDesc::new(FontFamily::SansSerif, 12.0, FontStyle::Normal));
        backend.estimate_text_size("0", &style).unwrap();
        let cap = TEXT_SIZES.with(|m| m.borrow().capacity());
        assert!(cap >= TEXT_CACHE_LIMIT, "capacity {cap}");
        for i in 0..3 * TEXT_CACHE_LIMIT {
            backend.estimate_text_size(&format!("step {i}"), &style).unwrap();
            assert_eq!(TEXT_SIZES.with(|m| m.borrow().capacity()), cap, "after {i} labels");
        }
        c.remove();
    }
}
