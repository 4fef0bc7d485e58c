//! The FlatNCE section checked against its theory (`shared/theory/flatnce.md`, §2 and the checks of §5).
//!
//! The float32 checks never depend on the last bit of `exp` or `ln`, which differ between the system libm
//! (native) and Rust's libm (WebAssembly): the staircase's integrality is structural (s_t and lse are
//! neighbouring floats), and the zero/non-zero thresholds are tested at 0.5 and 0.6 ulp, each several ulps
//! of the `ln` result away from the rounding midpoint that decides them (worked out at each test). The
//! training comparisons use medians over seeds, as §6 asks, with tolerances set well inside the gaps the
//! theory predicts. Expected values are written out from the theory's formulas, never copied from a run.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::panels::flatnce::fp::model::{probe, sweep_row, Draws, ZOOM_ULPS};
use dynamics::panels::flatnce::fp::FpSim;
use dynamics::panels::flatnce::loss::{cosine, flatnce, infonce, ulp_f32, xi};
use dynamics::panels::flatnce::train::model::{
    anchor_xi, initial_weights, max_cos_target, pass, Batch, Config, LossKind, Toy,
};
use dynamics::params::ParamValues;
use dynamics::plot::Theme;
use dynamics::render;
use dynamics::rng;
use dynamics::runner::Runner;
use serde_json::Value as Json;

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/// A runner of a registered panel with `params` set by their text keys (strictly).
fn runner(panel: &str, params: &[(&str, &str)], seed: u64) -> Runner {
    let p = panels::find(panel).unwrap_or_else(|| panic!("panel {panel} is not registered"));
    let mut r = Runner::new(p, ParamValues::defaults(p.params()), seed);
    for (k, v) in params {
        r.set_param_strict(k, v).unwrap_or_else(|e| panic!("{panel}: {k}={v}: {e}"));
    }
    r
}

fn num(m: &Json, key: &str) -> f64 {
    m.get(key).and_then(Json::as_f64).unwrap_or_else(|| panic!("metric {key} is not a number: {:?}", m.get(key)))
}

/// `n` log-spaced values over [lo, hi].
fn logspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| 10f64.powf(lo.log10() + (hi.log10() - lo.log10()) * i as f64 / (n - 1) as f64)).collect()
}

/// A score row with positive `s_t` at index 0 and K − 1 jittered negatives whose ξ is `target` (before the
/// rounding to f32): negative i sits at `s_t + ln(target/(K−1)) + jitter·ε_i − log-mean correction`.
fn jittered_row(s_t: f32, k: usize, target: f64, jitter: f64, eps: &[f64]) -> Vec<f32> {
    let e: Vec<f64> = (0..k - 1).map(|i| jitter * eps[i % eps.len()]).collect();
    let corr = (e.iter().map(|x| x.exp()).sum::<f64>() / (k - 1) as f64).ln();
    let mut s = vec![s_t];
    for ei in e {
        s.push((s_t as f64 + (target / (k - 1) as f64).ln() + ei - corr) as f32);
    }
    s
}

fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

// ---------------------------------------------------------------------------------------------------------
// §2: exact facts in score space
// ---------------------------------------------------------------------------------------------------------

/// F1: for one anchor the InfoNCE and FlatNCE gradients are parallel and their norms differ by ξ/(1 + ξ),
/// in score space and for the stand-in parameter gradient Jᵀg (f64, ξ ∈ [1e-10, 1]).
///
/// Tolerances: f64 computes `g_t = exp(s_t − lse) − 1` from `lse − s_t`, which carries the rounding of
/// numbers of size s_t: an absolute error up to ulp₆₄(s_t)/2 ≈ 1.8e-15 at s_t = 20, i.e. a relative error
/// of g_t up to 1.8e-5 at ξ = 1e-10 (the theory's "f64 degrades around 1e-13" for s_t ≈ 1). Componentwise
/// the identity is therefore asserted to 1e-3 relative (the theory's norm tolerance); the direction moves
/// by at most ~1e-5, so 1 − cos ≲ 1e-10 < 1e-9; the norm ratio moves by ≲ 1e-5 ≪ 1e-3.
#[test]
fn f1_per_anchor_gradients_are_parallel() {
    let draws = Draws::new(11);
    let mut eps_rng = rng::stream(5, 3);
    let eps: Vec<f64> = (0..64).map(|_| rng::normal(&mut eps_rng)).collect();
    for k in [2usize, 8, 64] {
        for s_t in [1.0f32, 10.0, 20.0] {
            for jitter in [0.0, 0.5] {
                for target in logspace(1e-10, 1.0, 41) {
                    let s = widen(&jittered_row(s_t, k, target, jitter, &eps));
                    let x = xi(&s, 0);
                    let (mut gi, mut gf) = (vec![0.0; k], vec![0.0; k]);
                    infonce(&s, 0, &mut gi);
                    flatnce(&s, 0, &mut gf);
                    let ratio = x / (1.0 + x);
                    for i in 0..k {
                        assert!(
                            (gi[i] - ratio * gf[i]).abs() <= 1e-3 * ratio * gf[i].abs().max(1e-300),
                            "K={k} s_t={s_t} ξ={x:e}: g_info[{i}] = {:e}, ratio·g_flat = {:e}",
                            gi[i],
                            ratio * gf[i]
                        );
                    }
                    let (pi, pf) = (draws.param_grad(&gi), draws.param_grad(&gf));
                    let c = cosine(&pi, &pf);
                    assert!(c >= 1.0 - 1e-9, "K={k} s_t={s_t} ξ={x:e}: cos {c}");
                    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
                    let r = norm(&pi) / norm(&pf);
                    assert!((r / ratio - 1.0).abs() < 1e-3, "K={k} s_t={s_t} ξ={x:e}: norm ratio {r:e} vs {ratio:e}");
                }
            }
        }
    }
}

/// F2: when s_t is the largest score the f32 InfoNCE loss is a whole number of ulp(s_t); it is exactly 0
/// for ξ < 0.5 ulp and positive for ξ > 0.6 ulp; and it tracks log(1 + ξ) to within one ulp (plus the
/// half ulp of the final rounding). Checked at s_t = 10 and 20 (theory §5) and at the panel's default 19.
///
/// Why the thresholds do not hinge on the last bit of `exp`/`ln`: the f32 sum is `1 + ξ` rounded to a
/// multiple k of 2⁻²³, then `lse = s_t + ln(1 + k·2⁻²³)` is rounded to the grid of ulp(s_t) = 2^m·2⁻²³
/// (m = 3 at s_t = 10, 4 at 19 and 20). Below 0.5 ulp, k ≤ 2^(m−1) and `ln(1 + k·2⁻²³) = k·2⁻²³ −
/// k²·2⁻⁴⁷ + …` lies below the midpoint by k²·2⁻⁴⁷ ≥ 2⁻⁴³, several ulps of the `ln` result (≤ 2⁻⁴⁵), so it
/// rounds down to s_t. Above 0.6 ulp, k ≥ 2^(m−1) + 1 and the sum is a full 2⁻²³ past the midpoint.
#[test]
fn f2_float32_staircase() {
    let mut eps_rng = rng::stream(6, 3);
    let eps: Vec<f64> = (0..64).map(|_| rng::normal(&mut eps_rng)).collect();
    for s_t in [10.0f32, 19.0, 20.0] {
        let ulp = ulp_f32(s_t) as f64;
        // Independent value of ulp: f32::EPSILON · 2^floor(log2 s_t).
        assert_eq!(ulp, f32::EPSILON as f64 * 2f64.powi((s_t as f64).log2().floor() as i32));
        for k in [2usize, 8, 64] {
            for jitter in [0.0, 0.3] {
                for target in logspace(1e-10, 1e-2, 1500) {
                    let s32 = jittered_row(s_t, k, target, jitter, &eps);
                    let x = xi(&widen(&s32), 0);
                    if !s32.iter().all(|&v| v <= s_t) {
                        continue;
                    }
                    let mut g = vec![0f32; k];
                    let l32 = infonce(&s32, 0, &mut g) as f64;
                    let n = l32 / ulp;
                    assert!((n - n.round()).abs() < 1e-6, "s_t={s_t} K={k} ξ={x:e}: loss32/ulp = {n}");
                    if x < 0.5 * ulp {
                        assert_eq!(l32, 0.0, "s_t={s_t} K={k} ξ={x:e} < ½ ulp");
                        // g_t = exp(−0) − 1 = 0 exactly: the positive-logit gradient is gone.
                        assert_eq!(g[0], 0.0, "s_t={s_t} K={k} ξ={x:e}: g_t");
                    }
                    if x > 0.6 * ulp {
                        assert!(l32 > 0.0, "s_t={s_t} K={k} ξ={x:e} > 0.6 ulp but loss32 = 0");
                    }
                    let exact = x.ln_1p();
                    assert!((l32 - exact).abs() <= 1.5 * ulp, "s_t={s_t} K={k} ξ={x:e}: {l32:e} vs {exact:e}");
                    // g_t = e^(−loss32) − 1: its error is the loss error plus the rounding of e^(−loss32)
                    // near 1 (≤ 2⁻²⁴), so relative to ξ/(1+ξ) it is about ulp(s_t)/ξ.
                    let gt_exact = -x / (1.0 + x);
                    let err = (g[0] as f64 - gt_exact).abs();
                    assert!(err <= 1.5 * ulp + 2f64.powi(-23), "s_t={s_t} K={k} ξ={x:e}: g_t error {err:e}");
                }
            }
        }
    }
}

/// F2 through the microscope's zoom: every point of the drawn staircase is a whole number of ulps, zero
/// below half an ulp and positive above 0.6 ulp, for several temperatures and K.
#[test]
fn f2_zoomed_staircase_of_the_panel() {
    for (tau, k) in [(0.05, 8usize), (0.1, 2), (0.02, 64), (0.5, 16)] {
        let cfg = dynamics::panels::flatnce::fp::model::Config { tau, k, cos_pos: 0.95, gap: 1.0, jitter: 0.05 };
        let sim = FpSim::new(cfg, false, 1);
        let ulp = sim.probe.ulp;
        assert!(!sim.zoom.is_empty());
        let mut steps_seen = std::collections::BTreeSet::new();
        for z in &sim.zoom {
            let n = z.info32 / ulp;
            assert!((n - n.round()).abs() < 1e-6, "τ={tau} K={k}: {n}");
            if z.xi < 0.5 * ulp {
                assert_eq!(z.info32, 0.0);
            }
            if z.xi > 0.6 * ulp {
                assert!(z.info32 > 0.0);
            }
            steps_seen.insert(n.round() as i64);
        }
        // Over 8 ulps of ξ the staircase takes every value 0, 1, …, 7 (a step of at most one ulp at a time,
        // since the loss stays within 1.5 ulp of log(1 + ξ)).
        for n in 0..(ZOOM_ULPS as i64) {
            assert!(steps_seen.contains(&n), "τ={tau} K={k}: no step at {n} ulp: {steps_seen:?}");
        }
    }
}

/// FlatNCE in f32 matches f64: g_t = −1 exactly, and the parameter gradients agree to cos ≥ 1 − 1e-9
/// over the whole ξ range, while InfoNCE's f32 gradient below half an ulp is visibly wrong.
///
/// Tolerance: the f32 softmax over the negatives has relative errors of a few ulp(s)/1 ≈ 1e-6 per entry
/// (from s_i − lse′ rounded at magnitude ~20), so 1 − cos is of order (1e-6)² · K ≪ 1e-9.
#[test]
fn flatnce_float32_gradient_matches_float64() {
    let draws = Draws::new(3);
    let mut eps_rng = rng::stream(7, 3);
    let eps: Vec<f64> = (0..64).map(|_| rng::normal(&mut eps_rng)).collect();
    for s_t in [10.0f32, 20.0, 50.0] {
        for k in [2usize, 8, 64] {
            for target in logspace(1e-12, 1.0, 60) {
                let s32 = jittered_row(s_t, k, target, 0.3, &eps);
                let s64 = widen(&s32);
                let (mut g32, mut g64) = (vec![0f32; k], vec![0f64; k]);
                let l32 = flatnce(&s32, 0, &mut g32) as f64;
                let l64 = flatnce(&s64, 0, &mut g64);
                assert_eq!(g32[0], -1.0);
                let c = cosine(&draws.param_grad(&widen(&g32)), &draws.param_grad(&g64));
                assert!(c >= 1.0 - 1e-9, "s_t={s_t} K={k} ξ={target:e}: cos {c}");
                // The loss log ξ is accurate to the f32 rounding of numbers of size ~s_t.
                assert!((l32 - l64).abs() <= 4.0 * ulp_f32(s_t) as f64, "s_t={s_t} K={k}: {l32} vs {l64}");
            }
        }
        // InfoNCE below half an ulp: g32 keeps only the negatives, so the cosine drops well below 1.
        let s32 = sweep_row(s_t, 8, 0.1 * ulp_f32(s_t) as f64);
        let p = probe(&s32, &draws);
        assert_eq!(p.info_loss32, 0.0);
        assert_eq!(p.gt_rel_err, 1.0);
        assert!(p.info_cos32v64 < 0.99, "s_t={s_t}: InfoNCE cos {}", p.info_cos32v64);
        assert!(p.flat_cos32v64 >= 1.0 - 1e-9);
    }
}

// ---------------------------------------------------------------------------------------------------------
// The microscope through the runner
// ---------------------------------------------------------------------------------------------------------

/// At the panel's defaults (τ = 0.05, cos⁺ = 0.95, Δ = 1, K = 8) s_t = 19, ulp(19) = 2⁻¹⁹ and
/// ξ ≈ 7·e^(−20) ≈ 1.4e-8 ≪ ½ ulp: the f32 loss is exactly 0, g_t is lost (100% error), FlatNCE agrees.
#[test]
fn microscope_defaults_through_the_runner() {
    let mut r = runner("flatnce-fp", &[], 1);
    r.step(3);
    let m = r.metrics_json();
    assert_eq!(num(&m, "s_t"), (0.95f64 / 0.05) as f32 as f64);
    assert_eq!(num(&m, "ulp"), 2f64.powi(-19));
    let x = num(&m, "xi");
    // Jitter 0.05 at τ = 0.05 spreads each negative by a factor e^(±1): ξ within 7e^(−20)·[e^(−3), e^3].
    let nominal = 7.0 * (-20f64).exp();
    assert!(x > nominal * (-3f64).exp() && x < nominal * 3f64.exp(), "ξ = {x:e}");
    assert_eq!(num(&m, "info_loss32"), 0.0);
    assert_eq!(num(&m, "loss32_ulps"), 0.0);
    assert!((num(&m, "info_loss64") / x.ln_1p() - 1.0).abs() < 1e-6);
    assert_eq!(num(&m, "gt_rel_err"), 1.0);
    assert!(num(&m, "info_cos32v64") < 0.99);
    assert!(num(&m, "flat_cos32v64") >= 1.0 - 1e-9);
    // FlatNCE's loss is log ξ in both precisions (f32 to its rounding at magnitude 18).
    assert!((num(&m, "flat_loss64") - x.ln()).abs() < 1e-9);
    assert!((num(&m, "flat_loss32") - x.ln()).abs() < 1e-5);
    assert_eq!(num(&m, "gap_used"), 1.0);
}

/// The microscope is static: steps change nothing unless `sweep` is on; then Δ follows the triangle wave
/// from the slider's value over [0, 2] and the readouts follow Δ.
#[test]
fn microscope_is_static_unless_sweeping() {
    let mut r = runner("flatnce-fp", &[("gap", "0.7")], 1);
    let m0 = r.metrics_json();
    r.step(500);
    assert_eq!(r.metrics_json(), m0);

    let mut r = runner("flatnce-fp", &[("gap", "0.7"), ("sweep", "true")], 1);
    let mut last_xi = num(&r.metrics_json(), "xi");
    for n in 1..=900u64 {
        r.step(1);
        let m = r.metrics_json();
        // Up at 0.005 per step from 0.7 to 2 (step 260), down to 0 (step 660), up again.
        let expect = if n <= 260 {
            0.7 + 0.005 * n as f64
        } else if n <= 660 {
            2.0 - 0.005 * (n - 260) as f64
        } else {
            0.005 * (n - 660) as f64
        };
        assert!((num(&m, "gap_used") - expect).abs() < 1e-9, "step {n}: Δ = {}", num(&m, "gap_used"));
        let x = num(&m, "xi");
        // A larger gap means smaller ξ (up to the clamp of cosines at −1, where ξ stays put).
        if n <= 260 {
            assert!(x <= last_xi, "step {n}: ξ rose while Δ grew");
        } else if n <= 660 {
            assert!(x >= last_xi, "step {n}: ξ fell while Δ shrank");
        }
        last_xi = x;
    }
}

// ---------------------------------------------------------------------------------------------------------
// §4: the training toy
// ---------------------------------------------------------------------------------------------------------

/// The backprop of §4 (score gradients, gA = gS·B/τ, gB = gSᵀ·A/τ, through z = v/‖v‖) is the gradient of
/// the loss: central differences in f64 agree to O(h²) ≈ 1e-10 relative (asserted at 1e-6).
#[test]
fn backprop_matches_finite_differences() {
    for (loss, k, d, tau, sigma) in [
        (LossKind::InfoNce, 4usize, 2usize, 0.3, 0.1),
        (LossKind::FlatNce, 4, 2, 0.3, 0.1),
        (LossKind::InfoNce, 6, 3, 0.1, 0.2),
        (LossKind::FlatNce, 5, 3, 0.5, 0.0),
    ] {
        let w = initial_weights(3, k, d);
        let mut r = rng::stream(5, 1);
        let batch = Batch::draw(&mut r, k, sigma);
        let p = pass::<f64>(&w, &batch, k, d, tau, loss);
        let gnorm = p.grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        for i in 0..w.len() {
            let h = 1e-5;
            let (mut wp, mut wm) = (w.clone(), w.clone());
            wp[i] += h;
            wm[i] -= h;
            let fd = (pass::<f64>(&wp, &batch, k, d, tau, loss).loss - pass::<f64>(&wm, &batch, k, d, tau, loss).loss)
                / (2.0 * h);
            assert!((fd - p.grad[i]).abs() <= 1e-6 * gnorm, "{loss:?} K={k} d={d}: ∂/∂w{i} {fd:e} vs {:e}", p.grad[i]);
        }
    }
}

/// In training, an anchor's f32 InfoNCE loss is exactly 0 precisely when its ξ_k is below about half an
/// ulp of its positive score (§2 applied row by row): 0 below 0.5 ulp, positive above 0.6 ulp.
#[test]
fn training_zeros_are_the_microscopes_zeros() {
    let cfg = Config::defaults(LossKind::InfoNce);
    let mut toy = Toy::new(Config { sigma: 0.1, ..cfg }, 3);
    let (mut zero, mut pos) = (0, 0);
    for _ in 0..1500 {
        toy.step();
        let w32: Vec<f32> = toy.live.weights().iter().map(|&v| v as f32).collect();
        let p = pass::<f32>(&w32, toy.batch(), cfg.k, cfg.dim, cfg.tau, LossKind::InfoNce);
        let scores = widen(&p.scores);
        let xs = anchor_xi(&scores, cfg.k);
        for i in 0..cfg.k {
            let row = &p.scores[i * cfg.k..(i + 1) * cfg.k];
            let s_kk = row[i];
            if !row.iter().all(|&v| v <= s_kk) {
                continue;
            }
            let ulp = ulp_f32(s_kk) as f64;
            if xs[i] < 0.5 * ulp {
                assert_eq!(p.anchor_loss[i], 0.0);
                zero += 1;
            } else if xs[i] > 0.6 * ulp {
                assert!(p.anchor_loss[i] > 0.0);
                pos += 1;
            }
        }
    }
    // Both cases occur, or the test would check nothing.
    assert!(zero > 100 && pos > 100, "zero anchors {zero}, positive anchors {pos}");
}

/// maxcos targets: cos(2π/N) on the circle (0 for N = 4, −½ for N = 3), the simplex −1/(N−1) on the sphere.
#[test]
fn maxcos_targets() {
    assert!(max_cos_target(4, 2).unwrap().abs() < 1e-15);
    assert!((max_cos_target(3, 2).unwrap() + 0.5).abs() < 1e-15);
    assert!((max_cos_target(2, 2).unwrap() + 1.0).abs() < 1e-15);
    assert!((max_cos_target(4, 3).unwrap() + 1.0 / 3.0).abs() < 1e-15);
    assert_eq!(max_cos_target(7, 3), None);
    let m = runner("flatnce-train", &[("k", "3")], 1).metrics_json();
    assert!((num(&m, "maxcos_target") + 0.5).abs() < 1e-12);
    let m = runner("flatnce-train", &[("k", "7"), ("dim", "3")], 1).metrics_json();
    assert_eq!(m.get("maxcos_target"), Some(&Json::Null));
}

/// Median over seeds of `maxcos` after `steps` steps of the panel with `params` (through the runner).
fn median_maxcos(params: &[(&str, &str)], seeds: std::ops::Range<u64>, steps: u64) -> (f64, f64) {
    let (mut live, mut ghost) = (Vec::new(), Vec::new());
    for seed in seeds {
        let mut r = runner("flatnce-train", params, seed);
        assert_eq!(r.step(steps), steps, "{params:?} seed {seed} diverged");
        let m = r.metrics_json();
        live.push(num(&m, "maxcos"));
        ghost.push(num(&m, "ghost_maxcos"));
    }
    (median(live), median(ghost))
}

/// F5: at small τ, where ξ_k is tiny once pairs separate, FlatNCE (every anchor weighted equally) separates
/// the prototypes much faster than InfoNCE (anchors weighted by ξ_k/(1+ξ_k)); at τ = 0.5, where ξ is of
/// order 1 and the weights are all comparable, the two end at the same separation, near the square's 0.
///
/// Gaps: with the square's optimum at 0 and random starts near maxcos ≈ 0.9, "faster" is asserted as a
/// median lead of 0.2 after 300 steps; "the same" as medians within 0.05 of each other and of the optimum
/// (the σ = 0.1 view noise keeps maxcos a few hundredths above 0).
#[test]
fn f5_flatnce_faster_at_small_tau_same_at_large_tau() {
    // The live run is InfoNCE and the ghost FlatNCE, from the same seeds and batches.
    let (info, flat) = median_maxcos(&[("tau", "0.05")], 0..16, 300);
    assert!(flat < info - 0.2, "τ = 0.05: median maxcos FlatNCE {flat} vs InfoNCE {info}");
    // Same comparison with the roles swapped (FlatNCE live): the result does not depend on which is live.
    let (flat2, info2) = median_maxcos(&[("tau", "0.05"), ("loss", "flatnce")], 0..16, 300);
    assert_eq!((flat2, info2), (flat, info));

    let (info, flat) = median_maxcos(&[("tau", "0.5")], 0..16, 1000);
    assert!((flat - info).abs() < 0.05, "τ = 0.5: median maxcos FlatNCE {flat} vs InfoNCE {info}");
    assert!(flat < 0.1 && info < 0.1, "τ = 0.5: not near the optimum 0: {flat}, {info}");
}

/// F7: in the toy, f32 and f64 InfoNCE runs are practically identical, although the f32 loss reads exactly
/// 0.0 for many steps, and cos(g, g64) stays close to 1: the slowness is gradient scaling, not rounding.
///
/// Tolerances: f32 rounding perturbs each step by ~1e-7 relative; in this contracting training the two runs
/// stay within 1e-2 in maxcos (the figure's resolution) over 3000 steps. cos(g, g64): below half an ulp an
/// anchor loses its positive-pull term, which is nearly radial at a_k (the two views differ by the σ noise),
/// so the bias is a small fraction of the gradient; asserted as a median 1 − cos ≤ 1e-6 and a minimum ≥ 0.8.
#[test]
fn f7_float32_and_float64_infonce_agree_in_training() {
    let (mut zero_steps, mut seeds_with_zeros, mut coss) = (0u64, 0, Vec::new());
    for seed in 0..6u64 {
        let mut a = runner("flatnce-train", &[("precision", "f32")], seed);
        let mut b = runner("flatnce-train", &[("precision", "f64")], seed);
        let mut zeros_here = 0;
        for step in 1..=3000u64 {
            a.step(1);
            b.step(1);
            let (ma, mb) = (a.metrics_json(), b.metrics_json());
            let d = (num(&ma, "maxcos") - num(&mb, "maxcos")).abs();
            assert!(
                d < 1e-2,
                "seed {seed} step {step}: maxcos f32 {} vs f64 {}",
                num(&ma, "maxcos"),
                num(&mb, "maxcos")
            );
            let (xa, xb) = (num(&ma, "xi_median"), num(&mb, "xi_median"));
            assert!((xa.ln() - xb.ln()).abs() < 1.0, "seed {seed} step {step}: median ξ {xa:e} vs {xb:e}");
            if num(&ma, "loss") == 0.0 {
                zeros_here += 1;
            }
            // The f64 run's own gradient is its reference.
            assert!(num(&mb, "cos_g_g64") > 1.0 - 1e-12);
            coss.push(num(&ma, "cos_g_g64"));
        }
        zero_steps += zeros_here;
        if zeros_here > 0 {
            seeds_with_zeros += 1;
        }
    }
    assert!(
        seeds_with_zeros >= 3 && zero_steps >= 100,
        "f32 loss exactly 0 on {zero_steps} steps ({seeds_with_zeros} seeds)"
    );
    let min = coss.iter().copied().fold(1.0, f64::min);
    let med = median(coss);
    assert!(1.0 - med <= 1e-6, "median cos(g, g64) = {med}");
    assert!(min >= 0.8, "min cos(g, g64) = {min}");
}

/// Derived (not in the theory note): on the circle FlatNCE has spurious local minima with two prototypes
/// on top of each other, which InfoNCE does not have. For a merged pair split by ±δ/2 the pair's own
/// log ξ falls only quadratically (≈ −δ²/(8τ) each), while the nearest neighbours' log ξ ≈ (max_j cos − 1)/τ
/// rises linearly, so the mean of log ξ_k goes up. InfoNCE weighs those neighbours by ξ/(1+ξ) ≈ e^(−1.5/τ),
/// so for it the quadratic gain wins. This is why the panel's σ = 0.05 preset can trap FlatNCE.
#[test]
fn flatnce_has_merged_local_minima_on_the_circle() {
    let tau = 0.05;
    // Noise-free views (a = b) at angles θ_n; the mean loss of the K anchors.
    let mean_loss = |angles: &[f64], loss: LossKind| -> f64 {
        let k = angles.len();
        let mut total = 0.0;
        for i in 0..k {
            let row: Vec<f64> = angles.iter().map(|a| (a - angles[i]).cos() / tau).collect();
            let mut g = vec![0.0; k];
            total += match loss {
                LossKind::InfoNce => infonce(&row, i, &mut g),
                LossKind::FlatNce => flatnce(&row, i, &mut g),
            };
        }
        total / k as f64
    };
    let third = std::f64::consts::TAU / 3.0;
    let merged = |delta: f64| vec![-delta / 2.0, delta / 2.0, third, 2.0 * third];
    for delta in [0.01, 0.03, 0.1] {
        let (f0, f1) = (mean_loss(&merged(0.0), LossKind::FlatNce), mean_loss(&merged(delta), LossKind::FlatNce));
        assert!(f1 > f0, "FlatNCE: splitting the pair by {delta} lowers the loss: {f1} vs {f0}");
        let (i0, i1) = (mean_loss(&merged(0.0), LossKind::InfoNce), mean_loss(&merged(delta), LossKind::InfoNce));
        assert!(i1 < i0, "InfoNCE: splitting the pair by {delta} raises the loss: {i1} vs {i0}");
    }
    // A local, not the global, minimum: the square is lower.
    let square: Vec<f64> = (0..4).map(|n| n as f64 * std::f64::consts::FRAC_PI_2).collect();
    assert!(mean_loss(&square, LossKind::FlatNce) < mean_loss(&merged(0.0), LossKind::FlatNce));
}

// ---------------------------------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------------------------------

/// Extreme settings either stay finite or stop with the runner's diverged status, and always draw.
#[test]
fn extreme_settings_run_and_draw() {
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("tau", "0.02"), ("k", "16"), ("dim", "3"), ("optimizer", "sgd"), ("lr", "1"), ("loss", "flatnce")],
        vec![("tau", "1"), ("k", "2"), ("sigma", "0.5"), ("lr", "1")],
        vec![("tau", "0.02"), ("k", "16"), ("sigma", "0"), ("precision", "f64"), ("lr", "0.0001")],
        vec![("tau", "0.02"), ("k", "2"), ("sigma", "0"), ("optimizer", "sgd"), ("lr", "1")],
    ];
    for params in cases {
        let mut r = runner("flatnce-train", &params, 2);
        r.step(400);
        let report = r.report_json();
        let status = report["status"].as_str().unwrap_or("");
        assert!(status == "ok" || status == "diverged", "{params:?}: {status}");
        for (w, h) in [(800, 450), (360, 470)] {
            render::svg(&r, w, h, &Theme::light(1.0)).unwrap_or_else(|e| panic!("{params:?} {w}x{h}: {e}"));
        }
    }
    for params in [
        vec![("tau", "0.02"), ("k", "64"), ("gap", "2"), ("cos_pos", "1"), ("jitter", "0.2")],
        vec![("tau", "1"), ("k", "2"), ("gap", "0"), ("cos_pos", "0.1"), ("jitter", "0.2")],
        vec![("tau", "0.02"), ("k", "64"), ("gap", "0"), ("jitter", "0.2"), ("sweep", "true")],
    ] {
        let mut r = runner("flatnce-fp", &params, 2);
        r.step(300);
        assert_eq!(r.diverged_at(), None, "{params:?}");
        for (w, h) in [(800, 450), (360, 470)] {
            render::svg(&r, w, h, &Theme::dark(2.0)).unwrap_or_else(|e| panic!("{params:?} {w}x{h}: {e}"));
        }
    }
}

/// The training panel's precision parameter really switches the arithmetic: f32 and f64 runs from the same
/// seed differ (by rounding), and the f64 run's gradient is its own reference.
#[test]
fn precision_changes_the_arithmetic() {
    let mut a = runner("flatnce-train", &[("precision", "f32")], 4);
    let mut b = runner("flatnce-train", &[("precision", "f64")], 4);
    a.step(50);
    b.step(50);
    let (ma, mb) = (a.metrics_json(), b.metrics_json());
    assert_ne!(num(&ma, "loss"), num(&mb, "loss"));
    assert!(num(&ma, "cos_g_g64") < 1.0);
}
