//! Registry-wide tests: every registered panel gets these checks with no new test code.
//!
//! - its parameter table is consistent and its defaults round-trip through text;
//! - it builds, steps and reports exactly the metric names it declares;
//! - it draws at wide and narrow sizes, light and dark, without errors;
//! - its golden SVG (default parameters, seed 1, `golden_steps`) matches `tests/golden/<id>.svg` exactly.
//!   Re-bless with `BLESS=1 cargo test --test registry` and review the SVG diff by eye.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::params::check_table;
use dynamics::plot::Theme;
use dynamics::render;
use dynamics::runner::Runner;
use std::path::PathBuf;

#[test]
fn ids_are_unique_and_well_formed() {
    let ids: Vec<&str> = panels::all().iter().map(|p| p.id()).collect();
    for (i, id) in ids.iter().enumerate() {
        assert!(!ids[..i].contains(id), "duplicate panel id {id}");
        assert!(
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "panel id '{id}' must be [a-z0-9-]+"
        );
    }
}

#[test]
fn parameter_tables_are_consistent() {
    for p in panels::all() {
        let problems = check_table(p.params());
        assert!(problems.is_empty(), "{}: {problems:?}", p.id());
    }
}

#[test]
fn metrics_match_declared_names_and_runs_stay_finite_at_defaults() {
    for p in panels::all() {
        let mut r = Runner::with_defaults(p);
        let names_at_start: Vec<String> = r.metrics_json().as_object().unwrap().keys().cloned().collect();
        let declared: Vec<String> = p.metric_names().iter().map(|s| s.to_string()).collect();
        assert_eq!(names_at_start, declared, "{}: metric names", p.id());
        assert_eq!(r.step(p.golden_steps()), p.golden_steps(), "{} diverged at defaults", p.id());
        assert_eq!(r.diverged_at(), None);
        let names_later: Vec<String> = r.metrics_json().as_object().unwrap().keys().cloned().collect();
        assert_eq!(names_later, declared, "{}: metric names after stepping", p.id());
    }
}

#[test]
fn every_panel_draws_at_every_size_and_theme() {
    for p in panels::all() {
        let mut r = Runner::with_defaults(p);
        r.step(p.golden_steps() / 2);
        for (w, h) in [(800, 450), (1200, 560), (360, 470), (300, 900)] {
            for theme in [Theme::light(1.0), Theme::dark(1.0), Theme::light(2.0)] {
                let svg = render::svg(&r, w, h, &theme).unwrap_or_else(|e| panic!("{} {w}x{h}: {e}", p.id()));
                assert!(svg.starts_with("<svg"), "{}: not an SVG", p.id());
                assert!(svg.len() > 2000, "{}: suspiciously empty SVG at {w}x{h}", p.id());
            }
        }
    }
}

#[test]
fn same_seed_same_metrics_every_panel() {
    for p in panels::all() {
        let run = || {
            let mut r = Runner::with_defaults(p);
            r.set_seed(7);
            r.step(p.golden_steps());
            r.report_json()
        };
        assert_eq!(run(), run(), "{} is not deterministic", p.id());
    }
}

#[test]
fn golden_svgs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for p in panels::all() {
        let mut r = Runner::with_defaults(p);
        r.step(p.golden_steps());
        let svg = render::svg(&r, 800, 450, &Theme::light(1.0)).expect("render");
        let path = dir.join(format!("{}.svg", p.id()));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &svg).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == svg => {}
            Ok(_) => {
                let actual = path.with_extension("actual.svg");
                std::fs::write(&actual, &svg).unwrap();
                failures.push(format!(
                    "{}: differs from {} (actual written to {})",
                    p.id(),
                    path.display(),
                    actual.display()
                ));
            }
            Err(_) => failures.push(format!(
                "{}: no golden at {}; run BLESS=1 cargo test --test registry",
                p.id(),
                path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The architecture's import rules, checked on the source text.
#[test]
fn layering_invariants() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        if rel != "web.rs" {
            for banned in ["wasm_bindgen", "web_sys", "js_sys", "plotters_canvas"] {
                assert!(!code.contains(banned), "{rel} uses {banned}; only web.rs may");
            }
        }
        if rel.ends_with("model.rs") {
            for banned in ["plotters", "crate::plot", "Instant", "SystemTime", "thread_rng", "rand::rng", "getrandom"] {
                assert!(!code.contains(banned), "{rel} uses {banned}; models are pure");
            }
        }
    }
}

#[test]
fn presets_name_real_keys_with_valid_values() {
    for p in panels::all() {
        for preset in p.presets() {
            let mut v = dynamics::params::ParamValues::defaults(p.params());
            for (k, val) in preset.values {
                v.set_strict(k, val).unwrap_or_else(|e| panic!("{} preset '{}': {e}", p.id(), preset.label));
            }
        }
    }
}
