//! Tests of the web layer in a real browser page (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use dynamics::web::{decode_hash, encode_hash, panels_json, Figure};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas() -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

/// The number of distinct colours in the canvas, sampled on a grid.
fn distinct_colours(c: &HtmlCanvasElement) -> usize {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let (w, h) = (c.width(), c.height());
    let data = ctx.get_image_data(0.0, 0.0, w as f64, h as f64).unwrap().data();
    let mut seen = std::collections::BTreeSet::new();
    for y in (0..h).step_by(3) {
        for x in (0..w).step_by(3) {
            let i = ((y * w + x) * 4) as usize;
            seen.insert((data[i], data[i + 1], data[i + 2], data[i + 3]));
        }
    }
    seen.len()
}

#[wasm_bindgen_test]
fn every_panel_paints_a_non_blank_canvas_at_high_dpi() {
    let list: serde_json::Value = serde_json::from_str(&panels_json(None)).unwrap();
    for p in list.as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let c = canvas();
        let mut f = Figure::new(id, c.clone()).map_err(|_| ()).unwrap();
        f.step(50);
        f.render(400.0, 250.0, 2.0, false).map_err(|_| ()).unwrap();
        assert_eq!((c.width(), c.height()), (800, 500), "{id}: backing store follows devicePixelRatio");
        assert!(distinct_colours(&c) > 8, "{id}: canvas looks blank");
        f.render(400.0, 250.0, 1.0, true).map_err(|_| ()).unwrap();
        assert!(distinct_colours(&c) > 8, "{id}: dark canvas looks blank");
    }
}

/// In WebAssembly, numbers in links and fields are parsed by the browser's `parseFloat`
/// (`params::decimal_to_f64`); natively by Rust's parser. Both must give the same bits for every string the
/// grammar (`params::is_decimal`) accepts: exact halfway cases between two doubles (ties to even), the
/// subnormal and overflow edges, mantissas longer than the 17 digits a double needs (a correctly rounded parser
/// must read them all), shortest round-trip forms, and random strings of up to 40 digits with exponents from
/// -340 to 320.
#[wasm_bindgen_test]
fn the_browsers_float_parser_gives_rusts_bits() {
    let mut cases: Vec<String> = [
        "0",
        "-0",
        "+0",
        "1",
        "1.",
        ".5",
        "-.5",
        "+7E10",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "1e23",
        "8.533e+68",
        "4.1006e-184",
        "9.998e+307",
        "9.9538452227e-280",
        "6.47660115e-260",
        "7.4e+47",
        "5.92e+48",
        "7.35e+66",
        "8.32116e+55",
        "9007199254740993",
        "9007199254740995",
        "9007199254740993.0000000000000000001",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "0.000000000000000000000000000000000000000000000000000000000001",
        "123456789012345678901234567890",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "3.14159265358979323846264338327950288",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rng = dynamics::rng::stream(21, 0);
    // A uniform integer in 0..n from the project's seeded stream.
    let mut below = |n: u64| (dynamics::rng::uniform(&mut rng) * n as f64) as u64;
    for _ in 0..4000 {
        let len = 1 + below(40) as usize;
        let digits: String = (0..len).map(|_| char::from(b'0' + below(10) as u8)).collect();
        let point = below(len as u64 + 1) as usize;
        let exp = below(661) as i64 - 340;
        let sign = ["", "-", "+"][below(3) as usize];
        cases.push(format!("{sign}{}.{}e{exp}", &digits[..point], &digits[point..]));
        // The shortest round-trip form of a random double, as the page writes it into links.
        let x = f64::from_bits((below(1 << 32) << 32) | below(1 << 32));
        if x.is_finite() {
            cases.push(dynamics::params::fmt_f64(x));
        }
    }
    for text in &cases {
        assert!(dynamics::params::is_decimal(text), "{text} is a decimal number");
        let rust: f64 = text.parse().unwrap();
        let browser = dynamics::params::decimal_to_f64(text);
        assert_eq!(browser.to_bits(), rust.to_bits(), "{text}: browser {browser:e}, Rust {rust:e}");
    }
}

#[wasm_bindgen_test]
fn unknown_panel_and_bad_values_are_errors_not_panics() {
    assert!(Figure::new("no-such-panel", canvas()).is_err());
    let mut f = Figure::new("simsiam-toy", canvas()).map_err(|_| ()).unwrap();
    assert!(f.set_param("zeta", "1").is_err());
    assert!(f.set_param("alpha", "banana").is_err());
    let notice = f.set_param("alpha", "1000").map_err(|_| ()).unwrap();
    assert!(notice.contains("alpha"), "clamping notice: {notice}");
    assert_eq!(f.param("alpha").map_err(|_| ()).unwrap(), "100");
}

#[wasm_bindgen_test]
fn hash_round_trip_through_the_exports() {
    let h = encode_hash(["simsiam-toy", "alpha", "4", "simsiam-toy", "mode", "full"].map(String::from).to_vec());
    assert_eq!(h, "#simsiam-toy.alpha=4&simsiam-toy.mode=full");
    let d: serde_json::Value = serde_json::from_str(&decode_hash(&h, None)).unwrap();
    assert_eq!(d["entries"].as_array().unwrap().len(), 2);
    assert!(d["notices"].as_array().unwrap().is_empty());
    let bad: serde_json::Value = serde_json::from_str(&decode_hash("#simsiam-toy.alpha=<img src=x>", None)).unwrap();
    assert_eq!(bad["entries"].as_array().unwrap().len(), 0);
    assert_eq!(bad["notices"].as_array().unwrap().len(), 1);
}

#[wasm_bindgen_test]
fn parameter_changes_replay_and_hash_entries_follow() {
    let mut f = Figure::new("simsiam-toy", canvas()).map_err(|_| ()).unwrap();
    f.step(100);
    f.set_param("mode", "full").map_err(|_| ()).unwrap();
    assert_eq!(f.steps(), 100.0, "replayed to the same step count");
    f.set_seed(9.0);
    let entries: Vec<(String, String)> = serde_json::from_str(&f.hash_entries()).unwrap();
    assert_eq!(entries, vec![("mode".to_string(), "full".to_string()), ("seed".to_string(), "9".to_string())]);
    f.reset();
    assert_eq!(f.steps(), 0.0);
}

#[wasm_bindgen_test]
fn clicking_the_phase_plane_sets_the_start() {
    let c = canvas();
    let mut f = Figure::new("simsiam-toy", c).map_err(|_| ()).unwrap();
    f.render(800.0, 450.0, 1.0, false).map_err(|_| ()).unwrap();
    // Outside the plotting area nothing changes; inside, φ0 and θ0 move to the clicked point.
    assert!(!f.click(2.0, 2.0));
    assert!(f.click(200.0, 150.0));
    let p: serde_json::Value = serde_json::from_str(&f.params_json()).unwrap();
    assert!(p["phi0"].as_f64().unwrap() != 0.6 || p["theta0"].as_f64().unwrap() != 0.1);
    assert_eq!(f.steps(), 0.0, "a new start restarts the run");
}

#[wasm_bindgen_test]
fn svg_export_matches_the_figure() {
    let mut f = Figure::new("simsiam-toy", canvas()).map_err(|_| ()).unwrap();
    f.step(40);
    let svg = f.svg(640, 360, false).map_err(|_| ()).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("width=\"640\""));
}

#[wasm_bindgen_test]
fn divergence_stops_the_run_at_the_last_finite_state() {
    let mut f = Figure::new("simsiam-toy", canvas()).map_err(|_| ()).unwrap();
    for (k, v) in [("lr", "0.2"), ("alpha", "100"), ("theta0", "1.5"), ("phi0", "2")] {
        f.set_param(k, v).map_err(|_| ()).unwrap();
    }
    let taken = f.step(5000);
    let at = f.diverged_at().expect("diverges");
    assert_eq!(taken as f64, at);
    assert_eq!(f.steps(), at - 1.0);
    assert_eq!(f.step(10), 0, "a diverged run does not step");
    let m: serde_json::Value = serde_json::from_str(&f.metrics_json()).unwrap();
    assert!(m["phi"].is_number());
}

#[path = "common/lion_kernels.rs"]
mod lion_kernels;
use lion_kernels::{bits, normals, row_case, RowCase};

/// The simd128 kernel for two tokens (`kernels::wasm::token_pair`, used by the step in WebAssembly, whose build
/// does not vectorise loops) gives, bit for bit, what two calls of the portable kernel give at each width it
/// serves (8, 16, 32): logits, gradients, maxima and normalisers. Inputs: random rows at several scales (so that
/// some logits fall below exp's floor of −87 after the shift), counts that sum to each token's appearances, and
/// rows with infinite, NaN or −0 entries.
#[wasm_bindgen_test]
fn simd128_token_kernel_equals_the_portable_kernel() {
    use dynamics::panels::lion_embedding::kernels::{token, wasm};
    let mut normal = normals(21);
    for d in [8usize, 16, 32] {
        assert_eq!(wasm::parts(d), Some(d / 4));
        let w: Vec<f32> = (0..d * d).map(|_| normal(1.0)).collect();
        let wt: Vec<f32> = (0..d * d).map(|i| w[(i % d) * d + i / d]).collect();
        for case in 0..300 {
            let scale = [0.02, 1.0, 30.0, 300.0][case % 4];
            let mut rows: Vec<Vec<f32>> = (0..2).map(|_| (0..d).map(|_| normal(scale)).collect()).collect();
            match case % 50 {
                7 => rows[case % 2][case % d] = f32::INFINITY,
                19 => rows[(case + 1) % 2][(case * 3) % d] = f32::NAN,
                33 => rows[1] = vec![-0.0; d],
                41 => rows[0][case % d] = f32::NEG_INFINITY,
                _ => {}
            }
            let cnts: Vec<Vec<f32>> =
                (0..2).map(|t| (0..d).map(|c| ((c * 7 + t + case) % 3) as f32).collect()).collect();
            let ns: Vec<f32> = cnts.iter().map(|c| c.iter().sum()).collect();
            let inv_b = 1.0 / 256.0;
            let (mut z1, mut g1) = (vec![0.0f32; 2 * d], vec![0.0f32; 2 * d]);
            let mut out1 = [(0.0f32, 0.0f32); 2];
            for (t, o) in out1.iter_mut().enumerate() {
                let (z, g) = (&mut z1[t * d..t * d + d], &mut g1[t * d..t * d + d]);
                *o = token::<0>(d, &w, &wt, &rows[t], &cnts[t], ns[t], inv_b, z, g);
            }
            let (mut z2, mut g2) = (vec![0.0f32; 2 * d], vec![0.0f32; 2 * d]);
            let (rows2, cnts2, ns2) = ([&rows[0][..], &rows[1][..]], [&cnts[0][..], &cnts[1][..]], [ns[0], ns[1]]);
            let out2 = match d {
                8 => wasm::token_pair::<2>(&w, &wt, rows2, cnts2, ns2, inv_b, &mut z2, &mut g2),
                16 => wasm::token_pair::<4>(&w, &wt, rows2, cnts2, ns2, inv_b, &mut z2, &mut g2),
                _ => wasm::token_pair::<8>(&w, &wt, rows2, cnts2, ns2, inv_b, &mut z2, &mut g2),
            };
            assert_eq!(bits(&z2), bits(&z1), "d {d} case {case}: logits");
            assert_eq!(bits(&g2), bits(&g1), "d {d} case {case}: gradients");
            for (t, (a, b)) in out2.iter().zip(&out1).enumerate() {
                assert_eq!(a.0.to_bits(), b.0.to_bits(), "d {d} case {case} token {t}: max");
                assert_eq!(a.1.to_bits(), b.1.to_bits(), "d {d} case {case} token {t}: normaliser");
            }
        }
    }
}

/// The simd128 row update (`kernels::wasm::sign_step`, Tiger and Lion without flush-to-zero at widths 8, 16
/// and 32) gives bit for bit what the scalar row update (`model::row_step`) gives: the new θ and m, and the
/// largest `|x|` bit pattern of the two. Inputs: Tiger and Lion, with and without the per-row RMS rule, with
/// and without weight decay, rows and momenta at several scales, momenta with exact zeros (sign 0) and −0, and
/// rows, momenta or gradients with infinite or NaN entries.
#[wasm_bindgen_test]
fn simd128_row_update_equals_the_scalar_row_update() {
    use dynamics::panels::lion_embedding::kernels::wasm;
    use dynamics::panels::lion_embedding::model::row_step;
    let mut normal = normals(22);
    for d in [8usize, 16, 32] {
        for case in 0..600 {
            let RowCase { cfg, theta, m, g } = row_case(case, d, &mut normal);
            let (mut t1, mut m1) = (theta.clone(), m.clone());
            row_step(&cfg, &mut t1, &mut m1, &mut [], &g, (1.0, 1.0));
            let worst1 = t1.iter().chain(&m1).map(|x| x.to_bits() & 0x7fff_ffff).max().unwrap();
            let p = cfg.sign_step().expect("Tiger or Lion without flush-to-zero");
            let (mut t2, mut m2) = (theta.clone(), m.clone());
            let (t, mm) = (&mut t2[..], &mut m2[..]);
            let worst2 = match d {
                8 => wasm::sign_step::<2>(t, mm, &g, p),
                16 => wasm::sign_step::<4>(t, mm, &g, p),
                _ => wasm::sign_step::<8>(t, mm, &g, p),
            };
            assert_eq!(bits(&t2), bits(&t1), "d {d} case {case}: θ");
            assert_eq!(bits(&m2), bits(&m1), "d {d} case {case}: m");
            assert_eq!(worst2, worst1, "d {d} case {case}: largest |x| bits");
        }
    }
}

/// The simd128 finiteness scan (`kernels::wasm::max_abs_bits`) gives the scalar maximum of `|x|`'s bit
/// patterns for every length from 0 to 40 (whole registers and remainders), with an infinity, a NaN or the
/// largest finite value placed at each position in turn.
#[wasm_bindgen_test]
fn simd128_finiteness_scan_equals_the_scalar_scan() {
    use dynamics::panels::lion_embedding::kernels::wasm::max_abs_bits;
    let mut normal = normals(23);
    let scalar = |x: &[f32]| x.iter().map(|v| v.to_bits() & 0x7fff_ffff).max().unwrap_or(0);
    for n in 0..=40 {
        let base: Vec<f32> = (0..n).map(|_| normal(10.0)).collect();
        assert_eq!(max_abs_bits(&base), scalar(&base), "length {n}");
        for pos in 0..n {
            for special in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::MAX] {
                let mut x = base.clone();
                x[pos] = special;
                assert_eq!(max_abs_bits(&x), scalar(&x), "length {n}, {special} at {pos}");
            }
        }
    }
}
