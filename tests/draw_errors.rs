//! A backend error during drawing reaches the caller (src/plot/mod.rs, `drawing` and `keep`).
//!
//! Panels draw through primitives that keep the first backend error instead of returning it, so that their
//! drawing code has no error paths; `plot::drawing`, which the runner's `draw` and `paint` go through, hands
//! that error back once the figure is done. These tests draw every panel on a backend that fails, and check
//! that the error is reported, that it names the backend's failure, and that it does not outlive its drawing.

#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::plot::{AnyBackend, Theme};
use dynamics::runner::Runner;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};
use std::fmt;

/// The error of [`Failing`].
#[derive(Debug)]
struct Broken;

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the test backend is broken")
    }
}

impl std::error::Error for Broken {}

/// A backend whose every pixel (and so every line, shape and text of plotters' default implementations)
/// fails.
struct Failing;

impl DrawingBackend for Failing {
    type ErrorType = Broken;

    fn get_size(&self) -> (u32, u32) {
        (800, 500)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Broken>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Broken>> {
        Ok(())
    }

    fn draw_pixel(&mut self, _: BackendCoord, _: BackendColor) -> Result<(), DrawingErrorKind<Broken>> {
        Err(DrawingErrorKind::DrawingError(Broken))
    }
}

#[test]
fn every_panel_reports_a_failing_backend() {
    dynamics::render::ensure_fonts();
    for p in panels::all() {
        let mut runner = Runner::with_defaults(p);
        runner.step(3);
        let theme = Theme::light(1.0);
        let root = AnyBackend::new(Failing).into_drawing_area();
        let err = runner.paint(&root, &theme).expect_err(p.id());
        assert!(err.0.contains("the test backend is broken"), "{}: {}", p.id(), err.0);
        let err = runner.draw(&root, &theme).expect_err(p.id());
        assert!(err.0.contains("the test backend is broken"), "{}: {}", p.id(), err.0);

        // The next drawing, on a working backend, starts clean.
        let mut svg = String::new();
        {
            let root = AnyBackend::new(plotters_svg::SVGBackend::with_string(&mut svg, (800, 500))).into_drawing_area();
            runner.paint(&root, &theme).unwrap_or_else(|e| panic!("{}: {}", p.id(), e.0));
        }
        assert!(svg.contains("<svg"), "{}", p.id());
    }
}
