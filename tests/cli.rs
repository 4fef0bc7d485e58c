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

fn dynamics_os(args: &[std::ffi::OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dynamics")).args(args).output().expect("binary runs")
}

/// Asserts a bad-input exit: status 2, one line on stderr mentioning `needle`, nothing on stdout, no panic.
fn assert_bad_input(out: &Output, needle: &str, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(err.contains(needle), "{what}: message {err:?} should mention {needle:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{what}: one line, got {err:?}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dynamics-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_bad_input_and_non_utf8_paths_are_used_as_given() {
    use std::ffi::OsString;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let os = |s: &str| OsString::from(s);
    // A parameter value that is not UTF-8: bad input naming the argument, with the byte shown escaped.
    let out = dynamics_os(&[os("run"), os("simsiam-toy"), OsString::from_vec(b"phi0=\xff".to_vec())]);
    assert_bad_input(&out, "phi0=\\xFF", "non-UTF-8 value");
    let out = dynamics_os(&[os("run"), OsString::from_vec(b"simsiam\xfe".to_vec())]);
    assert_bad_input(&out, "simsiam\\xFE", "non-UTF-8 panel id");
    // A legal Linux file name with such a byte after -o is a path, written exactly as given.
    let dir = scratch_dir("nonutf8");
    for ext in ["svg", "png"] {
        let mut name = b"fig\xff.".to_vec();
        name.extend_from_slice(ext.as_bytes());
        let path = dir.join(std::ffi::OsStr::from_bytes(&name));
        let out = dynamics_os(&[os(ext), os("simsiam-toy"), os("--width"), os("200"), os("-o"), path.clone().into()]);
        assert!(out.status.success(), "{ext}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(path.exists(), "{ext}: the file is written under its exact name");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["output"].as_str().is_some_and(|o| o.contains("fig")), "{report}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_closed_standard_output_ends_quietly_with_status_0() {
    // The reading end of the pipe is closed before the program starts, so its first write fails with EPIPE,
    // as in `dynamics list | head -c 10` when head has exited.
    for args in [&["list"][..], &["run", "simsiam-toy", "--steps", "10"], &["svg", "simsiam-toy", "-o", "-"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_dynamics"))
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{args:?}: quiet, got {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[cfg(unix)]
#[test]
fn other_write_errors_on_standard_output_are_one_line_with_status_1() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here; skipped");
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_dynamics"))
        .args(["run", "simsiam-toy"])
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("dynamics: cannot write to standard output: "), "{err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn png_refuses_other_extensions_before_writing_anything() {
    let dir = scratch_dir("ext");
    for name in ["out", "a.jpg", "b.svg", "c.png.gif"] {
        let path = dir.join(name);
        let out = dynamics(&["png", "simsiam-toy", "-o", path.to_str().unwrap()]);
        assert_bad_input(&out, ".png", name);
        assert!(!path.exists(), "{name}: nothing written");
    }
    // The extension is matched without regard to case.
    let upper = dir.join("UPPER.PNG");
    json(&dynamics(&["png", "simsiam-toy", "--width", "100", "-o", upper.to_str().unwrap()]));
    assert_eq!(&std::fs::read(&upper).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn write_errors_are_one_plain_line_with_status_1() {
    for (cmd, path) in [("png", "/proc/x.png"), ("svg", "/proc/x.svg"), ("png", "/nonexistent-dir/y.png")] {
        let out = dynamics(&[cmd, "simsiam-toy", "--width", "100", "-o", path]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd} {path}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{cmd} {path}: one line, got {err:?}");
        assert!(err.starts_with(&format!("dynamics: cannot write {path}: ")), "{cmd} {path}: {err:?}");
        // A plain reason such as "No such file or directory", not a debug dump of nested error values.
        assert!(!err.contains("Error(") && !err.contains('{') && !err.contains("kind:"), "{cmd} {path}: {err:?}");
        assert!(out.stdout.is_empty());
    }
}

#[cfg(unix)]
#[test]
fn renders_above_the_pixel_cap_are_refused_before_allocating() {
    // 8192 × 8192 CSS pixels at scale 4 is 1.07 gigapixels, a 3.2 GB frame buffer. Under a 1 GB address-space
    // limit the program must refuse it from the arguments alone rather than try the allocation.
    let dir = scratch_dir("cap");
    let path = dir.join("huge.png");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1000000 && exec \"$0\" png simsiam-toy --width 8192 --height 8192 --scale 4 -o '{}'",
            path.display()
        ))
        .arg(env!("CARGO_BIN_EXE_dynamics"))
        .output()
        .unwrap();
    assert_bad_input(&out, "megapixels", "8192x8192 at scale 4");
    assert!(!path.exists());
    // The cap counts device pixels: the same size at scale 1 (64 Mi pixels) is within it, and so is the
    // default width at the largest scale.
    let ok = dynamics(&["png", "simsiam-toy", "--width", "2000", "--scale", "4", "-o", path.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let over = dynamics(&["png", "simsiam-toy", "--width", "8192", "--height", "4100", "--scale", "2", "-o", "x.png"]);
    assert_bad_input(&over, "megapixels", "8192x4100 at scale 2");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_flags_are_reported_alike_with_or_without_a_value() {
    let plain = dynamics(&["run", "simsiam-toy", "--bogus"]);
    let valued = dynamics(&["run", "simsiam-toy", "--bogus=1"]);
    assert_bad_input(&plain, "unknown flag '--bogus'", "--bogus");
    assert_bad_input(&valued, "unknown flag '--bogus'", "--bogus=1");
    assert_eq!(plain.stderr, valued.stderr);
    // A flag that takes no value says so instead of calling itself unknown.
    assert_bad_input(&dynamics(&["svg", "simsiam-toy", "--dark=1", "-o", "-"]), "--dark takes no value", "--dark=1");
    // Unknown parameters and flags both list what is known.
    assert_bad_input(&dynamics(&["run", "simsiam-toy", "zeta=1"]), "unknown parameter 'zeta'; known:", "zeta");
    assert_bad_input(&plain, "known: --preset, --steps, --seed", "--bogus lists the flags");
}

#[test]
fn duplicate_keys_and_flags_are_bad_input() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "simsiam-toy", "alpha=1", "alpha=2"], "'alpha' given more than once"),
        (&["run", "simsiam-toy", "--steps", "1", "--steps=2"], "--steps given more than once"),
        (&["run", "simsiam-toy", "--seed", "1", "--seed", "1"], "--seed given more than once"),
        (&["svg", "simsiam-toy", "-o", "a.svg", "--output", "b.svg"], "-o given more than once"),
        (&["svg", "simsiam-toy", "--dark", "--dark", "-o", "-"], "--dark given more than once"),
        (&["bench", "--ms", "5", "--ms", "6"], "--ms given more than once"),
        (&["bench", "simsiam-toy", "lr=0.1", "lr=0.1"], "'lr' given more than once"),
    ];
    for (args, needle) in cases {
        assert_bad_input(&dynamics(args), needle, &format!("{args:?}"));
    }
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
fn signs_are_treated_alike_by_every_whole_number_flag() {
    // A leading '+' is accepted by every whole-number flag, as by the numeric parameters...
    let v = json(&dynamics(&["run", "simsiam-toy", "--steps", "+5", "--seed", "+7"]));
    assert_eq!((v["steps"].as_u64(), v["seed"].as_u64()), (Some(5), Some(7)));
    json(&dynamics(&["bench", "--ms", "+5", "simsiam-toy"]));
    let dir = scratch_dir("signs");
    let path = dir.join("s.svg");
    json(&dynamics(&["svg", "simsiam-toy", "--width", "+300", "--height=+200", "-o", path.to_str().unwrap()]));
    std::fs::remove_dir_all(&dir).ok();
    // ...and a '-' is refused by all of them, zero included, with the same message shape.
    for (flag, range) in [("--steps", "[0, 100000000]"), ("--seed", "[0, 4294967295]")] {
        for bad in ["-5", "-0", "++5", "+-5", "+"] {
            let out = dynamics(&["run", "simsiam-toy", flag, bad]);
            assert_bad_input(&out, &format!("{flag} expects a whole number in {range}, got '{bad}'"), bad);
        }
    }
}

#[test]
fn control_characters_in_echoed_input_are_escaped_not_stripped() {
    let out = dynamics(&["run", "simsiam-toy", "zeta\u{1b}[31m=1"]);
    assert_bad_input(&out, "'zeta\\u{1b}[31m'", "escape sequence in a key");
    assert!(!out.stderr.contains(&0x1b), "no raw escape byte reaches the terminal");
    let out = dynamics(&["run", "no\npanel"]);
    assert_bad_input(&out, "'no\\npanel'", "newline in a panel id");
    let out = dynamics(&["run", "simsiam-toy", "--steps", "1\r\t2"]);
    assert_bad_input(&out, "'1\\r\\t2'", "carriage return and tab in a value");
    // Bidirectional overrides could reorder the message on screen; they are escaped too.
    let out = dynamics(&["run", "simsiam-toy", "--seed", "1\u{202e}2"]);
    assert_bad_input(&out, "'1\\u{202e}2'", "bidi override");
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

#[test]
fn a_combination_the_panel_refuses_is_bad_input() {
    // Top-k needs at least two scores (or none, for random ones); one score used to be replaced silently.
    let out = dynamics(&["run", "topk", "x=5"]);
    assert_bad_input(&out, "topk:", "x=5");
    json(&dynamics(&["run", "topk", "x=5,3"]));
}

#[test]
fn lang_zh_words_the_list_and_the_figures_in_chinese_and_keeps_every_key() {
    let en = json(&dynamics(&["list"]));
    let zh = json(&dynamics(&["list", "--lang", "zh"]));
    let (a, b) = (&en["panels"][0], &zh["panels"][0]);
    assert_eq!(a["id"], b["id"]);
    assert_eq!(a["params"][0]["key"], b["params"][0]["key"]);
    assert_eq!(b["title"], "SimSiam 玩具模型：(φ, θ) 相平面");
    assert_eq!(b["params"][0]["label"], "梯度");
    assert_eq!(json(&dynamics(&["list", "--lang", "en"])), en);

    let bad = dynamics(&["list", "--lang", "fr"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--lang expects en or zh, got 'fr'"));

    let svg = dynamics(&["svg", "simsiam-toy", "--steps", "50", "--lang", "zh", "-o", "-"]);
    assert!(svg.status.success());
    let svg = String::from_utf8_lossy(&svg.stdout);
    assert!(svg.contains("φ（预测器）") && !svg.contains("φ (predictor)"), "the Chinese SVG draws Chinese axis labels");

    // A Chinese PNG is drawn with the embedded fonts alone and differs from the English one.
    let dir = std::env::temp_dir().join(format!("dynamics-cli-zh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pe, pz) = (dir.join("en.png"), dir.join("zh.png"));
    for (lang, path) in [("en", &pe), ("zh", &pz)] {
        let out = dynamics(&["png", "simsiam-toy", "--steps", "50", "--lang", lang, "-o", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let (a, b) = (std::fs::read(&pe).unwrap(), std::fs::read(&pz).unwrap());
    assert!(a.starts_with(b"\x89PNG") && b.starts_with(b"\x89PNG"));
    assert_ne!(a, b);
    std::fs::remove_dir_all(&dir).ok();
}
