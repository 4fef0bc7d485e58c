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

/// Every `.rs` file under `src/`, as (path relative to `src/` with `/` separators, text without `//` comment lines).
fn sources() -> Vec<(String, String)> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let rel = p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                let code = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
                files.push((rel, code));
            }
        }
    }
    files.sort();
    files
}

/// The role of a source file in the architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Pure simulation or maths: no drawing, no clock, no unseeded randomness.
    Pure,
    /// Drawing code: `draw.rs` or anything under a `draw/` folder of a panel or topic.
    Draw,
    /// A panel's or topic's `mod.rs` (or `table.rs`, or `metrics_info.rs`, the page's labels of its metrics): its
    /// description (table, metrics, presets) and glue.
    Glue,
    /// Everything else (the framework: runner, plot, render, web, cli, ...).
    Framework,
}

/// Pure crate-level modules (used by several topics).
const PURE_CRATE_FILES: [&str; 6] = ["math.rs", "real.rs", "rng.rs", "history.rs", "params.rs", "hash.rs"];

fn role(rel: &str) -> Role {
    if PURE_CRATE_FILES.contains(&rel) {
        return Role::Pure;
    }
    let Some(inner) = rel.strip_prefix("panels/") else { return Role::Framework };
    if inner == "mod.rs" {
        Role::Framework
    } else if inner.split('/').any(|c| c == "draw.rs" || c == "draw") {
        Role::Draw
    } else if inner.ends_with("/table.rs")
        || inner.ends_with("/metrics_info.rs")
        || (inner.ends_with("/mod.rs") && !reexported_pure(rel))
    {
        Role::Glue
    } else {
        Role::Pure
    }
}

/// Whether a `mod.rs` is the root of a pure module folder (such as Top-k's `methods/`): the main crate
/// re-exports it from the models crate instead of declaring it.
fn reexported_pure(rel: &str) -> bool {
    let module = module_of(rel).join("::");
    sources().iter().any(|(_, code)| code.contains(&format!("pub use dynamics_models::{module};")))
}

/// The architecture's import rules, checked on the source text.
#[test]
fn layering_invariants() {
    let files = sources();
    let pure: Vec<&str> = files.iter().filter(|(r, _)| role(r) == Role::Pure).map(|(r, _)| r.as_str()).collect();
    // The check must actually see the pure files it is meant to cover (models and their helpers alike).
    for expected in [
        "panels/dirac/gan/model.rs",
        "panels/flatnce/loss.rs",
        "panels/multitask/fixed.rs",
        "panels/topk/methods/mod.rs",
        "math.rs",
    ] {
        assert!(pure.contains(&expected), "{expected} should be classified as pure");
    }
    for (rel, code) in &files {
        if rel != "web.rs" {
            for banned in ["wasm_bindgen", "web_sys", "js_sys", "plotters_canvas"] {
                assert!(!code.contains(banned), "{rel} uses {banned}; only web.rs may");
            }
        }
        if role(rel) != Role::Pure && rel.starts_with("panels/") {
            // The main crate declares no pure file: those are compiled by the `dynamics-models` crate
            // (src/models.rs), at full optimisation, and only re-exported here.
            let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
            for name in code.lines().filter_map(|l| {
                let l = l.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                l.strip_prefix("mod ").map(|n| n.trim_end_matches(';').trim())
            }) {
                for child in [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")] {
                    assert!(
                        !(files.iter().any(|(r, _)| *r == child) && role(&child) == Role::Pure),
                        "{rel} declares the pure module {child}; declare it in src/models.rs and re-export it"
                    );
                }
            }
        }
        if role(rel) == Role::Pure {
            for banned in
                ["plotters", "crate::plot", "draw::", "Instant", "SystemTime", "thread_rng", "rand::rng", "getrandom"]
            {
                assert!(!code.contains(banned), "{rel} uses {banned}; pure files draw nothing and read no clock");
            }
            // The one call a pure file makes into the web layer: in WebAssembly, `params` reads numbers with the
            // browser's parser (deterministic, checked against Rust's by tests/web.rs). Nothing else of it.
            let web_uses = code.matches("crate::web").count();
            let parse_float = code.matches("crate::web::parse_float(").count();
            assert_eq!(web_uses, parse_float, "{rel} uses the web layer; pure files may only call web::parse_float");
        }
    }
}

/// What a panel file may not do itself, because `src/plot` offers it: set up a chart (`ChartBuilder`,
/// `build_cartesian_2d`), draw a mesh (`configure_mesh`) or a series (`draw_series`), pass drawing errors on
/// (`DrawResult`: the primitives keep a backend's first error and `plot::drawing` reports it, so panels'
/// drawing has no error paths), or format a number in a function of its own (one taking only numbers and
/// returning a `String`; `src/plot/fmt.rs` has the shared ones). Returns one message per violation.
fn vocabulary_violations(rel: &str, code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for banned in ["configure_mesh", "ChartBuilder", "build_cartesian_2d", "draw_series"] {
        if code.contains(banned) {
            out.push(format!("{rel} calls {banned}; use the chart set-up and primitives of src/plot"));
        }
    }
    if code.contains("DrawResult") {
        out.push(format!("{rel} returns drawing errors; src/plot's primitives keep them (plot::drawing)"));
    }
    for line in code.lines() {
        let l = line.trim();
        let Some(sig) = l.split("fn ").nth(1).filter(|_| l.contains("-> String")) else { continue };
        let Some((name, rest)) = sig.split_once('(') else { continue };
        let params = rest.split(')').next().unwrap_or("");
        let types: Vec<&str> = params.split(',').filter_map(|p| p.split_once(':')).map(|(_, t)| t.trim()).collect();
        let number = |t: &str| ["f64", "&f64", "f32", "Option<f64>", "usize", "u32", "i32", "i64", "u64"].contains(&t);
        let real = |t: &str| ["f64", "&f64", "f32", "Option<f64>"].contains(&t);
        if types.first().is_some_and(|t| real(t)) && types.iter().all(|t| number(t)) {
            out.push(format!("{rel} formats numbers in its own fn {name}; use src/plot/fmt.rs"));
        }
    }
    out
}

/// Panels draw only through `src/plot`: no chart set-up, mesh, series or number formatter of their own.
#[test]
fn panels_draw_through_the_vocabulary() {
    let found: Vec<String> = sources()
        .iter()
        .filter(|(r, _)| r.starts_with("panels/"))
        .flat_map(|(rel, code)| vocabulary_violations(rel, code))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The vocabulary check finds what it is meant to find (a planted mesh, series, builder, formatter and drawing
/// error path) and
/// leaves a panel that draws through `src/plot` alone.
#[test]
fn vocabulary_check_catches_planted_code() {
    let planted = "let mut chart = ChartBuilder::on(area).build_cartesian_2d(0.0..1.0, 0.0..1.0)?;\n\
                   chart.configure_mesh().draw()?;\n\
                   chart.draw_series(LineSeries::new(pts, &RED))?;\n\
                   fn pct(v: f64) -> String { format!(\"{v:.1}%\") }\n\
                   pub(crate) fn tick(v: &f64) -> String { String::new() }\n\
                   fn num(v: f64, sig: usize) -> String { String::new() }\n\
                   fn part(area: &Area<'_>) -> DrawResult { Ok(()) }";
    let found = vocabulary_violations("panels/x/draw.rs", planted);
    assert_eq!(found.len(), 8, "{found:#?}");
    let clean = "let chart = FRAME.chart(area, theme, (0.0, 1.0), (0.0, 1.0));\n\
                 fn label(name: &str, v: f64) -> String { format!(\"{name} = {}\", fmt::value(v)) }";
    assert!(vocabulary_violations("panels/x/draw.rs", clean).is_empty());
    let topk = sources().into_iter().find(|(r, _)| r == "panels/topk/draw.rs").expect("topk's drawing");
    assert!(vocabulary_violations(&topk.0, &topk.1).is_empty());
}

/// The module a source file defines, as path segments below the crate root (`panels/dirac/mod.rs` ->
/// `["panels", "dirac"]`).
fn module_of(rel: &str) -> Vec<String> {
    let mut segs: Vec<String> = rel.trim_end_matches(".rs").split('/').map(String::from).collect();
    if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    segs
}

/// The panel-tree modules a file refers to through `crate::`, `super::` or its own child modules, resolved to
/// the longest prefix that is a module of `known`.
fn references(rel: &str, code: &str, known: &[Vec<String>]) -> Vec<Vec<String>> {
    let me = module_of(rel);
    let children: Vec<String> = code
        .lines()
        .filter_map(|l| l.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ").strip_prefix("mod "))
        .map(|l| l.trim_end_matches(';').trim().to_string())
        .collect();
    let mut out = Vec::new();
    for path in code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')) {
        if !path.contains("::") {
            continue;
        }
        let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let mut base: Vec<String> = match segs.first() {
            Some(&"crate") => Vec::new(),
            Some(&"super") => me[..me.len().saturating_sub(1)].to_vec(),
            Some(s) if children.iter().any(|c| c == s) => me.clone(),
            _ => continue,
        };
        for s in segs.iter().skip(if segs[0] == "super" || segs[0] == "crate" { 1 } else { 0 }) {
            if *s == "super" {
                base.pop();
            } else {
                base.push(s.to_string());
            }
        }
        while !base.is_empty() && !known.contains(&base) {
            base.pop();
        }
        if !base.is_empty() && base != me {
            out.push(base);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// No panel imports a sibling panel (shared code lives in the topic's own module or the crate), and the
/// modules under `src/panels/` import each other without cycles (a child may use its parent's glue).
#[test]
fn panels_import_no_siblings_and_no_cycles() {
    let files: Vec<(String, String)> = sources().into_iter().filter(|(r, _)| r.starts_with("panels/")).collect();
    let known: Vec<Vec<String>> = files.iter().map(|(r, _)| module_of(r)).collect();
    // A panel is a folder that holds a `mod.rs` with a `PANEL` or a panel description; topics hold panels.
    let panel_dirs: Vec<Vec<String>> = files
        .iter()
        .filter(|(r, c)| r.ends_with("/mod.rs") && (c.contains("pub static PANEL") || c.contains("pub const PANEL")))
        .map(|(r, _)| module_of(r))
        .collect();
    assert!(panel_dirs.len() >= 12, "found only {} panel folders", panel_dirs.len());
    let mut edges: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for (rel, code) in &files {
        let me = module_of(rel);
        let my_panel = panel_dirs.iter().find(|p| me.starts_with(p));
        for target in references(rel, code, &known) {
            if let (Some(mine), Some(theirs)) = (my_panel, panel_dirs.iter().find(|p| target.starts_with(p))) {
                assert!(
                    mine == theirs,
                    "{rel} imports {} from another panel; share it through the topic",
                    theirs.join("::")
                );
            }
            if !me.starts_with(&target) {
                edges.push((me.clone(), target));
            }
        }
    }
    // Depth-first search for a cycle among the non-ancestor edges.
    fn visit(
        n: &Vec<String>,
        edges: &[(Vec<String>, Vec<String>)],
        state: &mut Vec<(Vec<String>, u8)>,
        path: &mut Vec<String>,
    ) {
        match state.iter().find(|(m, _)| m == n).map(|(_, s)| *s) {
            Some(2) => return,
            Some(1) => panic!("import cycle: {} -> {}", path.join(" -> "), n.join("::")),
            _ => {}
        }
        state.push((n.clone(), 1));
        path.push(n.join("::"));
        for (_, t) in edges.iter().filter(|(f, _)| f == n) {
            visit(t, edges, state, path);
        }
        path.pop();
        state.iter_mut().filter(|(m, _)| m == n).for_each(|e| e.1 = 2);
    }
    let mut state = Vec::new();
    for m in &known {
        visit(m, &edges, &mut state, &mut Vec::new());
    }
}

#[test]
fn presets_name_real_keys_with_valid_values() {
    for p in panels::all() {
        for preset in p.presets() {
            let mut v = dynamics::params::ParamValues::defaults(p.params());
            for (k, val) in preset.values {
                v.set_strict(k, val).unwrap_or_else(|e| panic!("{} preset '{}': {e}", p.id(), preset.label.en));
            }
        }
    }
}
