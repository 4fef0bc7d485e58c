//! The web layer: the only module that knows wasm-bindgen and web-sys.
//!
//! It exposes the registry, the hash codec and one [`Figure`] per canvas to the generic JavaScript shell
//! (`www/app.js`); `docs/web-api.md` documents the contract. State lives here behind an opaque handle;
//! only short strings cross the boundary (parameters, metrics as JSON, the SVG export).

use crate::hash;
use crate::panels;
use crate::plot::{AnyBackend, Theme};
use crate::runner::Runner;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Installs the panic hook so that a Rust panic is logged with its message before the trap.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The registry as a JSON array (see `docs/web-api.md`).
#[wasm_bindgen]
pub fn panels_json() -> String {
    panels::list_json()["panels"].to_string()
}

/// Decodes a URL hash into accepted entries and plain-text notices, as JSON.
#[wasm_bindgen]
pub fn decode_hash(hash_text: &str) -> String {
    let d = hash::decode(hash_text, &panels::all());
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
}

#[wasm_bindgen]
impl Figure {
    /// Creates the figure of panel `panel_id` on `canvas`, with default parameters and seed.
    #[wasm_bindgen(constructor)]
    pub fn new(panel_id: &str, canvas: HtmlCanvasElement) -> Result<Figure, JsError> {
        let panel = panels::find(panel_id).ok_or_else(|| JsError::new(&format!("unknown panel '{panel_id}'")))?;
        Ok(Figure { runner: Runner::with_defaults(panel), canvas, dpr: 1.0 })
    }

    /// The panel id.
    pub fn id(&self) -> String {
        self.runner.panel().id().to_string()
    }

    /// Sets a parameter from text; returns a notice when clamped, or an empty string.
    pub fn set_param(&mut self, key: &str, text: &str) -> Result<String, JsError> {
        self.runner.set_param(key, text).map(|n| n.unwrap_or_default()).map_err(|e| JsError::new(&e.0))
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
        self.runner.set_seed(s);
    }

    /// The seed.
    pub fn seed(&self) -> f64 {
        self.runner.seed() as f64
    }

    /// Advances up to `n` steps; returns the number taken (fewer after divergence).
    pub fn step(&mut self, n: u32) -> u32 {
        self.runner.step(n as u64) as u32
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
    }

    /// Resizes the canvas backing store to the CSS size times `dpr` and draws the figure.
    pub fn render(&mut self, css_width: f64, css_height: f64, dpr: f64, dark: bool) -> Result<(), JsError> {
        let dpr = if dpr.is_finite() && dpr > 0.0 { dpr.clamp(0.5, 4.0) } else { 1.0 };
        let w = (css_width.max(1.0) * dpr).round().min(8192.0) as u32;
        let h = (css_height.max(1.0) * dpr).round().min(8192.0) as u32;
        if self.canvas.width() != w {
            self.canvas.set_width(w);
        }
        if self.canvas.height() != h {
            self.canvas.set_height(h);
        }
        self.dpr = dpr;
        let backend = CanvasBackend::with_canvas_object(self.canvas.clone())
            .ok_or_else(|| JsError::new("no 2d context on canvas"))?;
        let root = AnyBackend::new(backend).into_drawing_area();
        let theme = if dark { Theme::dark(dpr) } else { Theme::light(dpr) };
        self.runner.draw(&root, &theme).map_err(|e| JsError::new(&e))?;
        root.present().map_err(|e| JsError::new(&format!("{e:?}")))?;
        Ok(())
    }

    /// Handles a click at CSS pixel coordinates; returns whether parameters changed.
    pub fn click(&mut self, css_x: f64, css_y: f64) -> bool {
        self.runner.click(css_x * self.dpr, css_y * self.dpr)
    }

    /// The current metrics as a JSON object.
    pub fn metrics_json(&self) -> String {
        self.runner.metrics_json().to_string()
    }

    /// The non-default `[key, value]` pairs, seed included, as JSON.
    pub fn hash_entries(&self) -> String {
        serde_json::to_string(&self.runner.non_default_entries()).unwrap_or_else(|_| "[]".into())
    }

    /// The same figure as a standalone SVG document of the given CSS size.
    pub fn svg(&self, width: u32, height: u32, dark: bool) -> Result<String, JsError> {
        let theme = if dark { Theme::dark(1.0) } else { Theme::light(1.0) };
        crate::render::svg(&self.runner, width.clamp(64, 8192), height.clamp(64, 8192), &theme)
            .map_err(|e| JsError::new(&e))
    }

    /// Panics on purpose, so tests can check that one failed figure does not stop the others.
    pub fn debug_panic(&mut self) {
        panic!("debug_panic called on figure '{}'", self.runner.panel().id());
    }
}
