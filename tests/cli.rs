//! The `dynamics` command line as other tools see it: JSON on stdout, exit status 2 with a one-line
//! message on bad input, never a panic, and identical output for identical input.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

fn dynamics(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynamics")).args(args).output().expect("binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn list_describes_every_panel_and_parameter() {
    let v = json(&dynamics(&["list"]));
    let panels = v["panels"].as_array().unwrap();
    assert_eq!(panels.len(), dynamics::panels::all().len());
    for (p, reg) in panels.iter().zip(dynamics::panels::all()) {
        assert_eq!(p["id"], reg.id());
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()));
        for row in p["params"].as_array().unwrap() {
            for field in ["key", "kind", "default", "unit"] {
                assert!(row.get(field).is_some(), "{}: {row} lacks {field}", reg.id());
            }
            match row["kind"].as_str().unwrap() {
                "float" | "int" => {
                    assert!(row["min"].is_number() && row["max"].is_number() && row["scale"].is_string())
                }
                "choice" => assert!(row["choices"].as_array().is_some_and(|c| !c.is_empty())),
                "bool" | "list" => {}
                k => panic!("unknown kind {k}"),
            }
        }
    }
}

#[test]
fn run_prints_the_documented_report() {
    let v = json(&dynamics(&["run", "simsiam-toy", "--steps", "300", "--seed", "5", "alpha=4", "mode=full"]));
    assert_eq!(v["panel"], "simsiam-toy");
    assert_eq!(v["seed"], 5);
    assert_eq!(v["steps"], 300);
    assert_eq!(v["params"]["alpha"], 4.0);
    assert_eq!(v["params"]["mode"], "full");
    assert_eq!(v["status"], "ok");
    assert!(v["diverged_at_step"].is_null());
    for m in ["phi", "theta", "t", "invariant", "theta_inf_predicted", "collapse_predicted"] {
        assert!(v["metrics"].get(m).is_some(), "missing metric {m}");
    }
    // t = steps × lr with the default lr of 0.05.
    assert!((v["metrics"]["t"].as_f64().unwrap() - 15.0).abs() < 1e-12);
}

#[test]
fn default_steps_is_zero_and_flags_accept_equals_form() {
    let a = json(&dynamics(&["run", "simsiam-toy"]));
    assert_eq!(a["steps"], 0);
    assert_eq!(a["metrics"]["phi"], 0.6);
    let b = json(&dynamics(&["run", "simsiam-toy", "--steps=10", "--seed=3", "lr=1e-2"]));
    assert_eq!(b["steps"], 10);
    assert_eq!(b["params"]["lr"], 0.01);
}

#[test]
fn same_input_same_output() {
    let args = ["run", "simsiam-toy", "--steps", "1000", "mode=second", "alpha=0.3"];
    assert_eq!(dynamics(&args).stdout, dynamics(&args).stdout);
}

#[test]
fn divergence_is_reported_not_panicked() {
    // A huge step with a fast predictor overshoots: |1 − η α θ²| > 1 makes φ oscillate and blow up.
    let v = json(&dynamics(&["run", "simsiam-toy", "--steps", "5000", "lr=0.2", "alpha=100", "theta0=1.5", "phi0=2"]));
    assert_eq!(v["status"], "diverged");
    let at = v["diverged_at_step"].as_u64().expect("a step number");
    assert_eq!(v["steps"].as_u64().unwrap(), at - 1, "state kept at the last finite step");
    assert!(v["metrics"]["phi"].is_number(), "last finite state is reported");
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_problem() {
    let cases: &[(&[&str], &str)] = &[
        (&[], "command"),
        (&["frobnicate"], "frobnicate"),
        (&["run"], "panel"),
        (&["run", "no-such-panel"], "no-such-panel"),
        (&["run", "simsiam-toy", "zeta=1"], "zeta"),
        (&["run", "simsiam-toy", "alpha=banana"], "alpha"),
        (&["run", "simsiam-toy", "alpha=1000"], "alpha"),
        (&["run", "simsiam-toy", "alpha=NaN"], "alpha"),
        (&["run", "simsiam-toy", "mode=fast"], "sg | full | second"),
        (&["run", "simsiam-toy", "log_theta=yes"], "true or false"),
        (&["run", "simsiam-toy", "--steps", "-1"], "--steps"),
        (&["run", "simsiam-toy", "--steps", "1e3"], "--steps"),
        (&["run", "simsiam-toy", "--steps"], "--steps"),
        (&["run", "simsiam-toy", "--seed", "99999999999"], "--seed"),
        (&["run", "simsiam-toy", "--bogus"], "--bogus"),
        (&["run", "simsiam-toy", "junk"], "key=value"),
        (&["svg", "simsiam-toy"], "-o"),
        (&["svg", "simsiam-toy", "--width", "5", "-o", "x.svg"], "--width"),
        (&["png", "simsiam-toy", "--scale", "9", "-o", "x.png"], "--scale"),
        (&["list", "extra"], "list"),
        (&["bench", "no-such-panel"], "no-such-panel"),
        (&["bench", "simsiam-toy", "alpha=1000"], "alpha"),
        (&["bench", "simsiam-toy", "junk"], "key=value"),
        (&["bench", "--ms", "0"], "--ms"),
        (&["bench", "--fast"], "--fast"),
    ];
    for (args, needle) in cases {
        let out = dynamics(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: message {err:?} should mention {needle}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: one line, got {err:?}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn bench_of_one_panel_reports_only_that_panel() {
    let v = json(&dynamics(&["bench", "--ms", "50", "simsiam-toy", "alpha=4"]));
    let rows = v["panels"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], "simsiam-toy");
    assert!(rows[0]["steps_per_sec"].as_f64().is_some_and(|r| r > 0.0));
}

#[test]
fn svg_and_png_render_the_figure() {
    let dir = std::env::temp_dir().join(format!("dynamics-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("toy.svg");
    let v = json(&dynamics(&[
        "svg",
        "simsiam-toy",
        "--steps",
        "50",
        "--width",
        "640",
        "--height",
        "400",
        "-o",
        svg.to_str().unwrap(),
    ]));
    assert_eq!(v["steps"], 50);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("width=\"640\"") && text.contains("height=\"400\""));
    let to_stdout = dynamics(&["svg", "simsiam-toy", "--steps", "50", "--width", "640", "--height", "400", "-o", "-"]);
    assert_eq!(String::from_utf8(to_stdout.stdout).unwrap().trim_end(), text.trim_end(), "stdout and file agree");

    let png = dir.join("toy.png");
    json(&dynamics(&[
        "png",
        "simsiam-toy",
        "--steps",
        "50",
        "--width",
        "320",
        "--height",
        "200",
        "--scale",
        "2",
        "-o",
        png.to_str().unwrap(),
    ]));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR width and height are big-endian u32 at offsets 16 and 20: 320×200 CSS pixels at scale 2.
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 640);
    assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), 400);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unwritable_output_is_a_clean_error() {
    let out = dynamics(&["svg", "simsiam-toy", "-o", "/nonexistent-dir/x.svg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}

#[test]
fn run_with_a_preset_equals_its_values_and_flags_override_it_in_any_order() {
    let a = json(&dynamics(&["run", "topk", "--preset", "se-wrong-limit", "--steps", "3"]));
    let b = json(&dynamics(&["run", "topk", "--steps", "3", "method=se-weighted", "x=3,2,1,4", "k=2", "tau=0.3"]));
    assert_eq!(a["params"], b["params"]);
    assert_eq!(a["metrics"], b["metrics"]);
    assert_eq!(a["preset"], "se-wrong-limit");
    // Explicit values and the seed win over the preset wherever they stand.
    let c = json(&dynamics(&["run", "topk", "k=1", "--seed", "4", "--preset=se-wrong-limit"]));
    assert_eq!(c["params"]["k"], 1);
    assert_eq!(c["params"]["method"], "se-weighted");
    assert_eq!(c["seed"], 4);
    assert!(c["preset"].is_null(), "k=1 and seed 4 are not the preset's setting");
    let out = dynamics(&["run", "topk", "--preset", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no preset 'nope'") && err.contains("su-exceeds-1"), "{err}");
}

#[test]
fn check_reports_every_claim_of_a_panel_and_rejects_bad_input() {
    let out = dynamics(&["check", "dirac-gan"]);
    let v = json(&out);
    assert_eq!(v["claims"], 5);
    assert_eq!(v["failed"], 0);
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["panel"], "dirac-gan");
        assert_eq!(r["held"], true, "{r}");
        assert!(r["held_at_step"].as_u64().unwrap() <= r["claim"]["by_step"].as_u64().unwrap());
    }
    for bad in [&["check", "nope"][..], &["check", "dirac-gan", "topk"], &["check", "--fast"]] {
        let out = dynamics(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    }
}

#[test]
fn list_exports_presets_with_ids_values_seed_and_claim() {
    let v = json(&dynamics(&["list"]));
    let topk = v["panels"].as_array().unwrap().iter().find(|p| p["id"] == "topk").unwrap();
    let p = &topk["presets"][0];
    assert_eq!(p["id"], "su-exceeds-1");
    assert_eq!(p["seed"], 1);
    assert_eq!(p["claim"]["metric"], "max");
    assert_eq!(p["claim"]["op"], ">");
    assert_eq!(p["claim"]["value"], 1.0);
    assert_eq!(p["claim"]["by_step"], 1);
    assert!(p["values"].as_array().unwrap().iter().any(|kv| kv[0] == "anneal" && kv[1] == "0.97"));
    assert_eq!(topk["plays_on_input"], false);
    assert_eq!(topk["follows"][0][0], "tau");
}
