//! The Lion/Tiger embedding panel checked against its theory (`shared/theory/lion-embedding.md`, §2, §3, §5).
//!
//! Expected values are written out from the theory's formulas or from independent f32 loops written here,
//! never copied from a run. Tolerances:
//! - single f32 updates: a few ulps of the magnitudes involved (each f32 operation rounds by half an ulp);
//! - the closed-form catch-up against the per-step f32 loop: the loop's rounding accumulates at most one ulp
//!   of 1/λ per step (k·2⁻²³/λ after k steps); for the per-row RMS rule the closed form is the continuous-time
//!   solution, whose error relative to the discrete map is O(α) (about α·ln(1/λ·x₀)/2 ≈ 0.6 % at α = 1e-3);
//! - whole runs: qualitative thresholds an order of magnitude away from the observed values' alternatives.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::panels::lion_embedding::catchup::{
    powu, rms_segment, rms_segment_x4, stuck_value, zero_step, MAX_DIM, ROWS, TINY,
};
use dynamics::panels::lion_embedding::model::{flush, row_step, Catchup, Config, Model, Optimizer, Row, EXACT_GAP};
use dynamics::params::ParamValues;
use dynamics::runner::Runner;
use serde_json::Value as Json;

fn runner(params: &[(&str, &str)], seed: u64) -> Runner {
    let p = panels::find("lion-embedding").expect("lion-embedding is registered");
    let mut r = Runner::new(p, ParamValues::defaults(p.params()), seed);
    for (k, v) in params {
        r.set_param_strict(k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
    }
    r
}

fn metric(r: &Runner, name: &str) -> Json {
    r.metrics_json()[name].clone()
}

fn num(r: &Runner, name: &str) -> f64 {
    metric(r, name).as_f64().unwrap_or_else(|| panic!("{name} is not a number: {:?}", metric(r, name)))
}

fn ulp(x: f32) -> f64 {
    let a = x.abs().max(f32::MIN_POSITIVE);
    (f32::from_bits(a.to_bits() + 1) - a) as f64
}

fn sign(x: f32) -> f32 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Every optimiser with the update rules the closed form distinguishes: (optimiser, per-row RMS rule, flush-to-zero).
const RULES: [(Optimizer, bool, bool); 7] = [
    (Optimizer::Tiger, true, false),
    (Optimizer::Tiger, true, true),
    (Optimizer::Tiger, false, false),
    (Optimizer::Lion, true, false),
    (Optimizer::Lion, false, true),
    (Optimizer::AdamW, false, false),
    (Optimizer::AdamW, false, true),
];

fn cfg(opt: Optimizer, rms: bool) -> Config {
    Config { optimizer: opt, rms, ..Config::defaults() }
}

// ---------------------------------------------------------------------------------------------------------
// §2 scalar float facts
// ---------------------------------------------------------------------------------------------------------

/// Repeated `m ← 0.965·m` in f32 from 1e-6: subnormal after about 2064 steps, then stuck at 14·2⁻¹⁴⁹,
/// never 0; with flush-to-zero it is 0 at about that step. Same for β = 0.98 (25·2⁻¹⁴⁹).
#[test]
fn f32_momentum_never_underflows_without_ftz() {
    for (beta, j_star) in [(0.965f32, 14.0), (0.98f32, 25.0)] {
        let mut m = 1e-6f32;
        let mut first_sub = None;
        for k in 1..=200_000u64 {
            m *= beta;
            if first_sub.is_none() && m < f32::MIN_POSITIVE {
                first_sub = Some(k);
            }
        }
        assert!(m > 0.0, "β={beta}: momentum reached 0 without flush-to-zero");
        assert_eq!(m as f64, j_star * TINY, "β={beta}: stuck at {m:e}, theory {j_star}·2^-149");
        assert_eq!(stuck_value(beta), j_star * TINY, "stuck_value({beta})");
        // Theory: ln(1e-6/1.18e-38)/(−ln β) steps to become subnormal.
        let predicted = (1e-6f64 / f32::MIN_POSITIVE as f64).ln() / -(beta as f64).ln();
        let k = first_sub.unwrap() as f64;
        assert!((k - predicted).abs() <= 2.0, "β={beta}: subnormal at {k}, theory {predicted:.1}");
        if beta == 0.965 {
            assert!((k - 2064.0).abs() <= 2.0, "theory §2 quotes ~2064 steps, got {k}");
        }
        // With emulated FTZ the same loop reaches exactly 0, at the same step.
        let mut m = 1e-6f32;
        let mut zero_at = None;
        for k in 1..=10_000u64 {
            m = flush(m * beta, true);
            if m == 0.0 {
                zero_at = Some(k);
                break;
            }
        }
        assert_eq!(zero_at, first_sub, "β={beta}: FTZ zero step");
        // The closed form's flush step agrees with the f32 loop to a step (it rounds once, the loop each step).
        let zs = zero_step(1e-6f32 as f64, beta as f64) as f64;
        assert!((zs - k).abs() <= 1.0, "zero_step {zs} vs loop {k}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// §3 the update rule, coordinate by coordinate
// ---------------------------------------------------------------------------------------------------------

/// Every Tiger/Lion coordinate moves by exactly `η (sign + λθ)` (η = lr, or α·RMS(row) before the update).
#[test]
fn sign_updates_move_by_lr_times_sign_plus_decay() {
    for opt in [Optimizer::Tiger, Optimizer::Lion] {
        for rms in [false, true] {
            let c = Config { vocab: 300, ..cfg(opt, rms) };
            let mut model = Model::new(c, 3);
            for _ in 0..50 {
                model.step();
            }
            let before: Vec<Row> = (0..300).map(|r| model.row(r)).collect();
            model.step();
            let mut checked = 0;
            // Touched rows got the f32 update; absent rows are evaluated in closed form (tested below).
            let touched: Vec<usize> = model.touched.iter().map(|r| *r as usize).collect();
            for r in touched {
                let (b, a) = (&before[r], model.row(r));
                let rms_b = (b.theta.iter().map(|x| x * x).sum::<f32>() / b.theta.len() as f32).sqrt();
                let eta = if rms { c.lr as f64 * rms_b as f64 } else { c.lr as f64 };
                for j in 0..b.theta.len() {
                    // The sign that drove this step: Tiger uses the new momentum, Lion the interpolation,
                    // which has the sign of the new momentum's β₁-mix; recover it from the move itself.
                    let d = a.theta[j] as f64 - b.theta[j] as f64;
                    let decay = c.wd as f64 * b.theta[j] as f64;
                    let s = if opt == Optimizer::Tiger { sign(a.m[j]) as f64 } else { -((d / eta + decay).round()) };
                    assert!(s.abs() <= 1.0, "{opt:?}: sign {s}");
                    let expect = -eta * (s + decay);
                    let tol = 3.0 * ulp(b.theta[j].abs().max(eta as f32)) + 2.0 * eta * f32::EPSILON as f64;
                    assert!(
                        (d - expect).abs() <= tol,
                        "{opt:?} rms={rms} row {r} entry {j}: moved {d:e}, expected {expect:e}"
                    );
                    checked += 1;
                }
            }
            assert!(checked > 500, "only {checked} coordinates checked");
        }
    }
}

/// With the RMS rule a row of equal-magnitude entries moving away from 0 follows the discrete logistic map
/// `x ← x + αx(1 − λx)` exactly (theory §5), and crosses 99 after about `ln(4999·99)/α ≈ 13 000` steps.
#[test]
fn rms_rule_is_the_logistic_map() {
    let c = Config { vocab: 100, dim: 4, ..cfg(Optimizer::Tiger, true) };
    let (mut th, mut m, mut v) = (vec![0.02f32; 4], vec![-1e-3f32; 4], Vec::new());
    let zero = vec![0.0f32; 4];
    let mut x = 0.02f64;
    let mut crossed = None;
    for k in 1..=20_000u64 {
        row_step(&c, &mut th, &mut m, &mut v, &zero, (1.0, 1.0));
        x += c.lr as f64 * x * (1.0 - c.wd as f64 * x);
        // f32 rounding of each step: relative 2⁻²³ per step, compounding over the trajectory.
        assert!((th[0] as f64 - x).abs() <= 1e-3 * x, "step {k}: {} vs logistic {x}", th[0]);
        if crossed.is_none() && th[0] >= 99.0 {
            crossed = Some(k);
        }
    }
    let predicted = (4999.0f64 * 99.0).ln() / 1e-3;
    let k = crossed.expect("reaches 99") as f64;
    assert!((k - predicted).abs() < 0.02 * predicted, "crossed 99 at {k}, theory ≈ {predicted:.0}");
}

// ---------------------------------------------------------------------------------------------------------
// Absent rows: the closed-form catch-up against the per-step f32 loop
// ---------------------------------------------------------------------------------------------------------

/// Runs `k` absent steps of the f32 update on a copy of `row` anchored at global step `t0`.
fn loop_absent(c: &Config, row: &Row, t0: u64, k: u64) -> Row {
    let mut r = row.clone();
    let zero = vec![0.0f32; r.theta.len()];
    for i in 1..=k {
        let t = t0 + i;
        let (b1, b2) = c.adam_beta;
        let bc = ((1.0 - powu(b1 as f64, t)) as f32, (1.0 - powu(b2 as f64, t)) as f32);
        row_step(c, &mut r.theta, &mut r.m, &mut r.v, &zero, bc);
    }
    r
}

/// A row that has trained for a while: its state after `t0` steps of a small model, re-anchored.
fn trained_rows(c: Config, t0: u64) -> (Model, Vec<(Row, u64)>) {
    let mut model = Model::new(c, 11);
    for _ in 0..t0 {
        model.step();
    }
    // Rows that were touched recently (momentum not yet decayed), from ranks across the vocabulary.
    let rows = (0..c.vocab).step_by(7).map(|r| model.stored(r)).collect();
    (model, rows)
}

#[test]
fn closed_form_matches_the_f32_loop() {
    let cases: [(Optimizer, bool, bool); 7] = [
        (Optimizer::Tiger, false, false),
        (Optimizer::Tiger, false, true),
        (Optimizer::Lion, false, false),
        (Optimizer::Lion, false, true),
        (Optimizer::Tiger, true, false),
        (Optimizer::Tiger, true, true),
        (Optimizer::AdamW, false, false),
    ];
    for (opt, rms, ftz) in cases {
        let c = Config { vocab: 400, ftz, ..cfg(opt, rms) };
        let (model, rows) = trained_rows(c, 300);
        let cap = 1.0 / c.wd as f64;
        for (row, t0) in rows.iter().take(30) {
            for k in [1u64, 7, 300, 3000, 12_000] {
                let exact = loop_absent(&c, row, *t0, k);
                let mut closed = row.clone();
                model.advance(&mut closed, *t0, k, ftz);
                for j in 0..row.theta.len() {
                    let (a, b) = (exact.theta[j] as f64, closed.theta[j] as f64);
                    // Rounding of the loop: ≤ one ulp of the cap per step (plus the final rounding).
                    let mut tol = k as f64 * cap * f32::EPSILON as f64 + ulp(a as f32);
                    if rms {
                        // Continuous-time solution of the RMS rule: O(α) relative error (module docs).
                        tol += 0.01 * cap.min(a.abs().max(b.abs()) + 1.0);
                    }
                    if opt == Optimizer::AdamW {
                        // Frozen bias corrections and ε in the geometric sum of a drift of about 10·lr.
                        tol += 0.1 * 10.0 * c.lr as f64;
                    }
                    assert!(
                        (a - b).abs() <= tol,
                        "{opt:?} rms={rms} ftz={ftz} k={k} entry {j}: loop {a} vs closed {b} (tol {tol:e})"
                    );
                    // The momentum: same sign (and 0 exactly when the loop flushed it, up to one step).
                    let (ma, mb) = (exact.m[j], closed.m[j]);
                    if ma == 0.0 || mb == 0.0 {
                        assert!(ftz || row.m[j] == 0.0, "{opt:?}: momentum reached 0 without FTZ");
                    } else {
                        assert_eq!(sign(ma), sign(mb), "{opt:?}: momentum sign");
                    }
                    if !ftz && k >= 12_000 && row.m[j] != 0.0 && opt != Optimizer::AdamW {
                        // Long after the token left, the f32 loop sticks at a subnormal; the closed form
                        // lands on exactly the same value.
                        assert_eq!(ma, mb, "{opt:?}: stuck momentum");
                        assert!(ma != 0.0 && ma.abs() < f32::MIN_POSITIVE);
                    }
                }
            }
        }
    }
}

/// Short gaps (at most [`EXACT_GAP`] absent steps) are caught up by the f32 update itself: bit for bit the
/// loop written out above, for every optimiser, with and without flush-to-zero.
#[test]
fn short_gaps_are_the_f32_loop_bit_for_bit() {
    const { assert!(EXACT_GAP >= 1) };
    for (opt, rms, ftz) in RULES {
        let c = Config { vocab: 400, ftz, ..cfg(opt, rms) };
        let (model, rows) = trained_rows(c, 300);
        for (row, t0) in rows.iter().take(40) {
            for k in 1..=EXACT_GAP {
                let exact = loop_absent(&c, row, *t0, k);
                let mut caught = row.clone();
                model.advance(&mut caught, *t0, k, ftz);
                assert_eq!(caught, exact, "{opt:?} rms={rms} ftz={ftz} k={k}: catch-up differs from the f32 loop");
            }
        }
    }
}

/// A row whose token never appears follows `θ_t = −s/λ + (θ₀ + s/λ)(1 − ηλ)^t` (theory §2): 18.13 at
/// t = 20 000 from 0 with η = 1e-3, λ = 0.01.
#[test]
fn never_seen_row_follows_the_closed_form() {
    let c = Config { vocab: 100, dim: 4, ..cfg(Optimizer::Tiger, false) };
    let (mut th, mut m, mut v) = (vec![0.0f32, 0.5, -0.5, 3.0], vec![1e-3f32, 1e-3, -1e-3, -1e-3], Vec::new());
    let th0 = th.clone();
    let zero = vec![0.0f32; 4];
    for _ in 0..20_000 {
        row_step(&c, &mut th, &mut m, &mut v, &zero, (1.0, 1.0));
    }
    let q = (1.0f64 - 1e-3 * 0.01).powi(20_000);
    for j in 0..4 {
        let s = if j < 2 { 1.0 } else { -1.0 };
        let expect = -s / 0.01 + (th0[j] as f64 + s / 0.01) * q;
        assert!(
            (th[j] as f64 - expect).abs() < 20_000.0 * 100.0 * f32::EPSILON as f64,
            "entry {j}: {} vs {expect}",
            th[j]
        );
    }
    assert!((th[0] as f64 + 18.127).abs() < 0.01, "theory: |θ| = 100(1 − e^-0.2) = 18.13, got {}", th[0]);
}

// ---------------------------------------------------------------------------------------------------------
// Whole runs through the panel boundary
// ---------------------------------------------------------------------------------------------------------

/// The closed-form engine and the per-step engine agree: bit for bit with lazy row updates (absent rows are
/// not touched by either), and to rounding with a constant lr.
#[test]
fn engines_agree() {
    let base = [("vocab", "300"), ("lr_rule", "constant")];
    let run = |extra: &[(&str, &str)]| {
        let mut p: Vec<(&str, &str)> = base.to_vec();
        p.extend_from_slice(extra);
        let mut r = runner(&p, 5);
        r.step(1500);
        r.metrics_json()
    };
    let a = run(&[("lazy", "true")]);
    let b = run(&[("lazy", "true"), ("catchup", "per-step")]);
    assert_eq!(a["closed_form"], Json::Bool(true));
    assert_eq!(b["closed_form"], Json::Bool(false));
    for k in ["max_abs", "max_top20", "max_rare", "loss"] {
        assert_eq!(a[k], b[k], "lazy updates: {k} differs between engines");
    }
    let a = run(&[]);
    let b = run(&[("catchup", "per-step")]);
    for k in ["max_abs", "max_top20", "max_20_100", "max_100_500"] {
        let (x, y) = (a[k].as_f64().unwrap(), b[k].as_f64().unwrap());
        assert!((x - y).abs() <= 1e-3 * x.abs().max(1.0), "{k}: closed form {x} vs per step {y}");
    }
}

/// With lazy row updates neither engine advances absent rows, so every row of the closed-form engine (whose step
/// natively updates each touched row right after its gradients, with the row-RMS learning rate computed ahead)
/// equals, bit for bit and at every step, the per-step engine's (which updates the touched rows in a pass of its
/// own, the plain `row_step`): for each optimiser, with and without the per-row RMS rule and flush-to-zero, at
/// the specialised widths and at a width without its own compiled copy, and with an odd batch (a last token
/// without a partner in the kernels).
#[test]
fn fused_row_updates_equal_the_separate_update_pass() {
    let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<u32>>();
    for (opt, rms, ftz) in RULES {
        for (dim, batch) in [(16, 256), (4, 33), (8, 64), (12, 57), (32, 128)] {
            let c = Config { vocab: 300, dim, batch, lazy: true, ftz, lr: 4e-3, ..cfg(opt, rms) };
            let mut fast = Model::new(c, 21);
            let mut slow = Model::new(Config { catchup: Catchup::PerStep, ..c }, 21);
            assert!(fast.closed_form && !slow.closed_form);
            for t in 1..=150 {
                fast.step();
                slow.step();
                assert_eq!(fast.touched, slow.touched, "{opt:?} d={dim}: batches differ at step {t}");
                for r in 0..c.vocab {
                    let (a, b) = (fast.row(r), slow.row(r));
                    let what = format!("{opt:?} rms={rms} ftz={ftz} d={dim}: row {r} at step {t}");
                    assert_eq!(bits(&a.theta), bits(&b.theta), "{what}: entries differ");
                    assert_eq!(bits(&a.m), bits(&b.m), "{what}: moments differ");
                    assert_eq!(bits(&a.v), bits(&b.v), "{what}: second moments differ");
                }
            }
            assert_eq!(fast.loss().to_bits(), slow.loss().to_bits(), "{opt:?} d={dim}: losses differ");
            assert!(fast.is_finite() && slow.is_finite());
        }
    }
}

/// Rows whose token was never absent for more than [`EXACT_GAP`] steps in a row (the frequent ones) are the
/// same bit for bit in the closed-form engine and in the per-step engine, which applies the pseudo-code to
/// every row on every step: a row's gradient depends only on the row itself and on the sampled batch, which
/// both engines draw from the same stream.
#[test]
fn frequent_rows_are_the_per_step_engine_bit_for_bit() {
    for (opt, rms) in [(Optimizer::Tiger, true), (Optimizer::Lion, false), (Optimizer::AdamW, false)] {
        let c = Config { vocab: 300, ..cfg(opt, rms) };
        let mut fast = Model::new(c, 9);
        let mut slow = Model::new(Config { catchup: Catchup::PerStep, ..c }, 9);
        assert!(fast.closed_form && !slow.closed_form);
        // The longest run of absent steps of each row so far, and the step it was last seen.
        let (mut longest, mut last) = (vec![0u64; c.vocab], vec![0u64; c.vocab]);
        for t in 1..=600u64 {
            fast.step();
            slow.step();
            for r in 0..c.vocab {
                if fast.in_batch(r) {
                    longest[r] = longest[r].max(t - 1 - last[r]);
                    last[r] = t;
                }
            }
        }
        let mut same = 0;
        for r in 0..c.vocab {
            if longest[r] <= EXACT_GAP && 600 - last[r] <= EXACT_GAP {
                assert_eq!(fast.row(r), slow.row(r), "{opt:?}: row {r} differs between the engines");
                same += 1;
            }
        }
        assert!(same >= 5, "{opt:?}: only {same} rows were never absent for long; the check needs more");
    }
}

/// Tiger with the per-row RMS rule: rare rows blow up toward 1/λ and only rare rows reach 0.99/λ;
/// frequent rows stay at the optimum's scale; nothing exceeds 1/λ at any time.
#[test]
fn tiger_rms_blows_up_rare_rows_only() {
    let mut r = runner(&[("vocab", "800")], 1);
    let cap = 100.0;
    for _ in 0..32 {
        r.step(500);
        assert!(num(&r, "max_abs") <= cap * (1.0 + 1e-5), "invariant |θ| ≤ 1/λ violated: {}", num(&r, "max_abs"));
    }
    assert!(num(&r, "max_rare") > 0.95 * cap, "rare rows did not blow up: {}", num(&r, "max_rare"));
    assert!(num(&r, "rows_at_cap") >= 1.0);
    let min_rank = metric(&r, "min_rank_at_cap").as_i64().expect("some row at the cap");
    assert!(min_rank > 500, "a frequent row (rank {min_rank}) reached the cap");
    assert!(num(&r, "max_top20") < 5.0, "frequent rows left the optimum scale: {}", num(&r, "max_top20"));
}

/// Remedies: AdamW and lazy row updates keep the rare rows at the optimum's scale (more than an order of
/// magnitude below Tiger's blow-up); Tiger/Lion with a constant lr reach the closed form's 18.13, not more.
#[test]
fn remedies_and_constant_lr() {
    let steps = 16_000;
    let tiger = {
        let mut r = runner(&[("vocab", "800")], 2);
        r.step(steps);
        num(&r, "max_rare")
    };
    for extra in [vec![("optimizer", "adamw")], vec![("lazy", "true"), ("lr_rule", "constant")], vec![("lazy", "true")]]
    {
        let mut p = vec![("vocab", "800")];
        p.extend(extra.iter().copied());
        let mut r = runner(&p, 2);
        r.step(steps);
        let rare = num(&r, "max_rare");
        assert!(rare < 5.0, "{extra:?}: rare rows reached {rare}");
        assert!(tiger > 10.0 * rare, "{extra:?}: Tiger {tiger} not ≫ remedy {rare}");
        assert_eq!(num(&r, "rows_at_cap"), 0.0);
    }
    for opt in ["tiger", "lion"] {
        let mut r = runner(&[("vocab", "800"), ("lr_rule", "constant"), ("optimizer", opt)], 3);
        r.step(20_000);
        let rare = num(&r, "max_rare");
        // Upper bound: |θ_t| ≤ (1 − q^t)/λ + max|θ₀| q^t, with max|θ₀| ≤ 5 init s.d. = 0.1.
        let q = (1.0f64 - 1e-5).powi(20_000);
        let bound = 100.0 * (1.0 - q) + 0.1 * q;
        assert!(rare <= bound + 1e-3, "{opt}: {rare} exceeds the constant-sign bound {bound}");
        assert!(rare > 17.9, "{opt}: rare-row maximum {rare}, theory ≈ 18.13");
        assert!(num(&r, "max_top20") < 5.0);
    }
}

/// An lr so large that `|1 − ηλ| > 1` makes the run diverge, and the runner reports it.
#[test]
fn divergent_settings_report_divergence() {
    for opt in ["tiger", "adamw"] {
        let mut r =
            runner(&[("optimizer", opt), ("lr_rule", "constant"), ("lr", "10"), ("wd", "0.5"), ("vocab", "200")], 1);
        r.step(2000);
        assert!(r.diverged_at().is_some(), "{opt}: lr=10, λ=0.5 did not diverge");
        assert_eq!(r.report_json()["status"], "diverged");
        assert_eq!(metric(&r, "closed_form"), Json::Bool(false));
    }
}

/// With flush-to-zero, an absent rare token's momentum becomes 0, so its sign step stops.
#[test]
fn ftz_zeroes_absent_momentum() {
    let c = Config { vocab: 400, ftz: true, ..cfg(Optimizer::Tiger, false) };
    let (model, rows) = trained_rows(c, 300);
    let mut zeroed = 0;
    for (row, t0) in rows {
        let mut r = row.clone();
        model.advance(&mut r, t0, 5000, true);
        assert!(r.m.iter().all(|m| *m == 0.0), "momentum survived 5000 absent steps with FTZ");
        let mut r2 = row.clone();
        model.advance(&mut r2, t0, 5000, false);
        zeroed += r2.m.iter().filter(|m| **m != 0.0).count();
    }
    assert!(zeroed > 0, "without FTZ some momentum must survive");
}

/// The sampler's guide table (with its entries that skip the CDF) gives exactly the binary search's token: the
/// first rank whose CDF value exceeds `u`, for random `u`, for `u` at and next to every CDF value and at and
/// next to every bucket boundary of the table.
#[test]
fn guided_sampling_equals_the_binary_search() {
    let mut rng = dynamics::rng::stream(3, 0);
    for (vocab, zipf) in [(100, 1.0), (2000, 1.0), (2000, 0.5), (2000, 2.0), (9000, 1.0), (100_000, 1.0)] {
        let cfg = Config { vocab, zipf, ..Config::defaults() };
        let model = Model::new(cfg, 1);
        // The CDF built here the way the theory states it: p_i ∝ i^−s, summed and normalised.
        let mut cdf: Vec<f64> = Vec::with_capacity(vocab);
        let mut acc = 0.0;
        for i in 1..=vocab {
            acc += (i as f64).powf(-zipf);
            cdf.push(acc);
        }
        cdf.iter_mut().for_each(|c| *c /= acc);
        let want = |u: f64| cdf.partition_point(|&c| c <= u).min(vocab - 1);
        let glen = vocab.max((8 * vocab).min(1 << 16));
        let mut us: Vec<f64> = (0..200_000).map(|_| dynamics::rng::uniform(&mut rng)).collect();
        let near = |x: f64| [f64::from_bits(x.to_bits() - 1), x, f64::from_bits(x.to_bits() + 1)];
        us.extend(cdf.iter().filter(|c| **c > 0.0 && **c < 1.0).flat_map(|c| near(*c)));
        us.extend((1..glen).flat_map(|k| near(k as f64 / glen as f64)));
        for u in us.into_iter().filter(|u| (0.0..1.0).contains(u)) {
            assert_eq!(model.sample_rank(u), want(u), "V = {vocab}, s = {zipf}, u = {u:e}");
        }
    }
}

/// Checks [`rms_segment_x4`] at width `D` against four calls of [`rms_segment`], bit for bit, on rows built by
/// `make(lane, j)` (entry and sign) with gaps `ks`.
fn check_x4<const D: usize>(alpha: f64, lambda: f64, ks: [u64; ROWS], make: &dyn Fn(usize, usize) -> (f64, f64)) {
    let (mut th, mut sg) = ([[0.0f64; ROWS]; D], [[0.0f64; ROWS]; D]);
    for j in 0..D {
        for l in 0..ROWS {
            (th[j][l], sg[j][l]) = make(l, j);
        }
    }
    let before = th;
    rms_segment_x4::<D>(&mut th, &sg, alpha, lambda, ks);
    for l in 0..ROWS {
        let mut row: Vec<f64> = (0..D).map(|j| before[j][l]).collect();
        let signs: Vec<f64> = (0..D).map(|j| sg[j][l]).collect();
        rms_segment(&mut row, &signs, alpha, lambda, ks[l]);
        for j in 0..D {
            assert_eq!(th[j][l].to_bits(), row[j].to_bits(), "D = {D}, lane {l}, entry {j}, k = {}", ks[l]);
        }
    }
}

#[test]
fn four_row_catch_up_equals_the_one_row_catch_up() {
    // Random rows and signs, gaps from just above the exact loop's to a million steps; rows whose signs are all
    // 0 (the scaled branch); rows parallel to their sign vector (θ = x·s, where the row's RMS can reach 0 and
    // the closed form may fall back to the scalar recurrence); large entries near the cap.
    let mut rng = dynamics::rng::stream(7, 0);
    for case in 0..200 {
        let ks = [4 + case as u64, 40 + 7 * case as u64, 1000 + case as u64 * 977, 1_000_000 - case as u64];
        let kind = case % 5;
        let vals: Vec<(f64, f64)> = (0..ROWS * MAX_DIM)
            .map(|_| {
                let x = dynamics::rng::normal(&mut rng);
                let s = [-1.0, 0.0, 1.0][(dynamics::rng::uniform(&mut rng) * 3.0) as usize % 3];
                (x, s)
            })
            .collect();
        let make = |l: usize, j: usize| -> (f64, f64) {
            let (x, s) = vals[l * MAX_DIM + j];
            match (kind, l) {
                (1, 0) | (1, 2) => (0.02 * x, 0.0),
                (2, _) => (50.0 * s + if l == 1 { 1e-3 * x } else { 0.0 }, s),
                (3, _) => (95.0 * x.signum() + x, s),
                _ => ((0.02 * x) as f32 as f64, s),
            }
        };
        check_x4::<4>(1e-3, 0.01, ks, &make);
        check_x4::<8>(1e-3, 0.01, ks, &make);
        check_x4::<16>(1e-3, 0.01, ks, &make);
        check_x4::<32>(0.04, 0.5, ks, &make);
    }
}

/// The statistics read each row's entries through a shortcut that leaves the moments un-advanced; it must give
/// exactly the entries of the full evaluation, for every optimiser, with and without flush-to-zero.
#[test]
fn row_max_abs_equals_the_full_row_evaluation() {
    for (opt, rms, ftz) in [
        (Optimizer::Tiger, true, false),
        (Optimizer::Tiger, true, true),
        (Optimizer::Tiger, false, false),
        (Optimizer::Lion, false, true),
        (Optimizer::AdamW, false, false),
        (Optimizer::AdamW, false, true),
    ] {
        let mut m = Model::new(Config { vocab: 500, ftz, ..cfg(opt, rms) }, 3);
        for _ in 0..700 {
            m.step();
        }
        let mut scratch = m.scratch();
        for r in 0..m.vocab() {
            let full = m.row(r).theta.iter().fold(0.0f64, |a, x| a.max((*x as f64).abs()));
            let fast = m.row_max_abs(r, &mut scratch);
            assert_eq!(fast.to_bits(), full.to_bits(), "{opt:?} rms={rms} ftz={ftz} row {r}: {fast} vs {full}");
        }
    }
}

/// The whole-embedding statistics take a shortcut for the per-row RMS rule; they must equal, bit for bit, the
/// statistics written out here from each row's full evaluation, including rows at the cap.
#[test]
fn summary_equals_the_statistics_of_the_full_rows() {
    use dynamics::panels::lion_embedding::model::BUCKETS;
    for (opt, rms, ftz, lazy, steps) in [
        (Optimizer::Tiger, true, false, false, 4_000),
        (Optimizer::Lion, true, false, false, 3_000),
        (Optimizer::Tiger, true, true, false, 3_000),
        (Optimizer::Tiger, true, false, true, 3_000),
        (Optimizer::Tiger, false, false, false, 3_000),
        (Optimizer::AdamW, false, false, false, 2_000),
    ] {
        // A larger step (4e-3) brings rare rows to the cap within a few thousand steps.
        let mut m = Model::new(Config { vocab: 1500, ftz, lazy, lr: 4e-3, ..cfg(opt, rms) }, 11);
        for _ in 0..steps {
            m.step();
        }
        let cap = m.cfg.cap().map(|c| 0.99 * c);
        let (mut max_abs, mut buckets, mut at_cap, mut min_rank) = (0.0f64, [f64::NAN; 4], 0u64, None);
        for r in 0..m.vocab() {
            let mx = m.row(r).theta.iter().fold(0.0f64, |a, x| a.max((*x as f64).abs()));
            max_abs = max_abs.max(mx);
            let b = BUCKETS.iter().position(|(lo, hi)| r >= *lo && r < *hi).unwrap();
            buckets[b] = if buckets[b].is_nan() { mx } else { buckets[b].max(mx) };
            if cap.is_some_and(|c| mx >= c) {
                at_cap += 1;
                min_rank.get_or_insert(r as u64 + 1);
            }
        }
        let s = m.summary();
        let what = format!("{opt:?} rms={rms} ftz={ftz} lazy={lazy}");
        assert_eq!(s.max_abs.to_bits(), max_abs.to_bits(), "{what}: max_abs");
        for (b, (got, want)) in s.bucket_max.iter().zip(&buckets).enumerate() {
            assert_eq!(got.to_bits(), want.to_bits(), "{what}: bucket {b}");
        }
        assert_eq!((s.rows_at_cap, s.min_rank_at_cap), (at_cap, min_rank), "{what}: rows at the cap");
        if opt == Optimizer::Tiger && rms && !ftz && !lazy {
            assert!(at_cap > 0, "{what}: the check should include rows at the cap, found none");
        }
    }
}

/// Statistics gathered a slice of rows at a time over the following steps (as the figure does for large
/// vocabularies) equal, bit for bit, the whole-embedding statistics of the step they were started at, although
/// the batches of those steps write many rows before the sweep reaches them.
#[test]
fn gathered_statistics_equal_the_summary_of_their_step() {
    for (opt, rms, ftz, steps) in [
        (Optimizer::Tiger, true, false, 4_000),
        (Optimizer::Lion, true, true, 3_000),
        (Optimizer::Tiger, false, false, 3_000),
        (Optimizer::AdamW, false, false, 2_000),
    ] {
        let mut m = Model::new(Config { vocab: 1500, ftz, lr: 4e-3, ..cfg(opt, rms) }, 5);
        assert!(m.closed_form);
        for _ in 0..steps {
            m.step();
        }
        let want = m.summary();
        assert!(m.start_gather().is_none());
        let mut got = None;
        let mut written_first = 0usize;
        for _ in 0..100 {
            m.step();
            // Rows of this batch the sweep has not reached yet (it has counted 15 per step so far).
            written_first += m.touched.iter().filter(|&&r| r as usize >= 15 * (m.t as usize - steps)).count();
            got = m.gather_rows(15);
            if got.is_some() {
                break;
            }
        }
        let what = format!("{opt:?} rms={rms} ftz={ftz}");
        let (at, s) = got.unwrap_or_else(|| panic!("{what}: the gathering did not finish"));
        assert_eq!(at, steps as u64, "{what}: step of the statistics");
        assert!(written_first > 1000, "{what}: the batches should write rows before the sweep counts them");
        assert_eq!(s.max_abs.to_bits(), want.max_abs.to_bits(), "{what}: max_abs");
        for (b, (g, w)) in s.bucket_max.iter().zip(&want.bucket_max).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "{what}: bucket {b}");
        }
        assert_eq!((s.rows_at_cap, s.min_rank_at_cap), (want.rows_at_cap, want.min_rank_at_cap), "{what}: cap");
        if opt == Optimizer::Tiger && rms {
            assert!(want.rows_at_cap > 0, "{what}: the check should include rows at the cap");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The engine's kernels
// ---------------------------------------------------------------------------------------------------------

/// The softmax's exponential is within 2 ulp of the exact `e^x` (computed in f64) over its whole range
/// `[−87, 0]`, and exactly 0 below −87.
#[test]
fn kernel_exp_is_accurate() {
    use dynamics::panels::lion_embedding::kernels::exp_nonpos;
    let mut worst = 0.0f64;
    let n = 2_000_000;
    for i in 0..=n {
        let x = -87.0f32 * (i as f32 / n as f32);
        let exact = (x as f64).exp();
        let got = exp_nonpos(x) as f64;
        let err = (got - exact).abs() / ulp(exact as f32);
        worst = worst.max(err);
        assert!(err <= 2.0, "exp({x}) = {got:e}, exact {exact:e} ({err:.2} ulp)");
    }
    assert!(worst > 0.0, "suspiciously exact");
    assert_eq!(exp_nonpos(-87.5), 0.0);
    assert_eq!(exp_nonpos(-1e30), 0.0);
    assert_eq!(exp_nonpos(0.0), 1.0);
}

/// Every setting where the closed form does not apply says so in the readout: `engine` is "per-step" with a
/// reason, and `closed_form` stays false; at the defaults and for the presets' remedies the closed form runs.
#[test]
fn slow_engine_is_reported_with_its_reason() {
    let closed: [&[(&str, &str)]; 4] =
        [&[], &[("optimizer", "adamw")], &[("lr_rule", "constant"), ("lazy", "true")], &[("vocab", "100000")]];
    for p in closed {
        let mut r = runner(p, 1);
        r.step(3);
        assert_eq!(metric(&r, "engine"), Json::from("closed-form"), "{p:?}");
        assert_eq!(metric(&r, "engine_reason"), Json::Null, "{p:?}");
        assert_eq!(metric(&r, "closed_form"), Json::Bool(true), "{p:?}");
    }
    let slow: [(&[(&str, &str)], &str); 6] = [
        (&[("wd", "0")], "λ = 0"),
        (&[("lr", "0.1")], "α > 0.05"),
        (&[("lr_rule", "constant"), ("lr", "2"), ("wd", "0.9")], "lr·λ > 1"),
        (&[("optimizer", "adamw"), ("lr", "2"), ("wd", "0.9")], "lr·λ > 1"),
        (&[("optimizer", "adamw"), ("beta1", "0.99"), ("beta2", "0.9")], "β₁² ≥ β₂"),
        (&[("catchup", "per-step")], "chosen"),
    ];
    for (p, why) in slow {
        let mut r = runner(&[p, &[("vocab", "300")]].concat(), 1);
        r.step(3);
        assert_eq!(metric(&r, "engine"), Json::from("per-step"), "{p:?}");
        assert_eq!(metric(&r, "closed_form"), Json::Bool(false), "{p:?}");
        let reason = metric(&r, "engine_reason");
        let reason = reason.as_str().unwrap_or_else(|| panic!("{p:?}: no reason given"));
        assert!(reason.contains(why), "{p:?}: reason '{reason}' should mention '{why}'");
    }
}

/// Whether this CPU has AVX2, which the native step's `kernel` (an AVX2-only path) needs; if not, says so (the
/// kernel is then never used here, and there is nothing to compare).
#[cfg(target_arch = "x86_64")]
fn avx2_here(kernel: &str) -> bool {
    let yes = std::arch::is_x86_feature_detected!("avx2");
    if !yes {
        eprintln!("no AVX2 on this CPU: {kernel} is never used here, nothing to compare");
    }
    yes
}

#[cfg(target_arch = "x86_64")]
#[path = "common/lion_kernels.rs"]
mod lion_kernels;
#[cfg(target_arch = "x86_64")]
use lion_kernels::{bits, normals, row_case, RowCase};

/// The AVX2 kernel for four tokens of width 16 must give, bit for bit, what four calls of the portable kernel
/// give: logits, gradients, maxima and normalisers. Inputs: random rows at several scales (so that some logits
/// fall below exp's floor of −87 after the shift), counts that sum to each token's appearances, and rows with
/// infinite or NaN entries (whose results the caller's finiteness check sees; they must still agree).
#[cfg(target_arch = "x86_64")]
#[test]
fn four_token_avx2_kernel_equals_the_portable_kernel() {
    use dynamics::panels::lion_embedding::kernels::{token, x86};
    if !avx2_here("the four-token kernel") {
        return;
    }
    const D: usize = 16;
    let mut normal = normals(11);
    let (w, wt): (Vec<f32>, Vec<f32>) = {
        let w: Vec<f32> = (0..D * D).map(|_| normal(1.0)).collect();
        let wt = (0..D * D).map(|i| w[(i % D) * D + i / D]).collect();
        (w, wt)
    };
    let mut checked = 0;
    for case in 0..400 {
        let scale = [0.02, 1.0, 30.0, 300.0][case % 4];
        let mut rows: Vec<Vec<f32>> = (0..4).map(|_| (0..D).map(|_| normal(scale)).collect()).collect();
        if case % 50 == 7 {
            rows[case % 4][case % D] = f32::INFINITY;
        }
        if case % 50 == 19 {
            rows[(case + 1) % 4][(case * 3) % D] = f32::NAN;
        }
        if case % 50 == 33 {
            rows[2] = vec![-0.0; D];
        }
        let cnts: Vec<Vec<f32>> = (0..4).map(|t| (0..D).map(|c| ((c * 7 + t + case) % 3) as f32).collect()).collect();
        let ns: Vec<f32> = cnts.iter().map(|c| c.iter().sum()).collect();
        let inv_b = 1.0 / 256.0;
        let (mut z1, mut g1) = (vec![0.0f32; 4 * D], vec![0.0f32; 4 * D]);
        let mut out1 = [(0.0f32, 0.0f32); 4];
        for (t, o) in out1.iter_mut().enumerate() {
            let (z, g) = (&mut z1[t * D..t * D + D], &mut g1[t * D..t * D + D]);
            *o = token::<D>(D, &w, &wt, &rows[t], &cnts[t], ns[t], inv_b, z, g);
        }
        let (mut z4, mut g4) = (vec![0.0f32; 4 * D], vec![0.0f32; 4 * D]);
        let r4 = [&rows[0][..], &rows[1][..], &rows[2][..], &rows[3][..]];
        let c4 = [&cnts[0][..], &cnts[1][..], &cnts[2][..], &cnts[3][..]];
        let n4 = [ns[0], ns[1], ns[2], ns[3]];
        // SAFETY: the CPU has AVX2 (checked above).
        let out4 = unsafe { x86::token_quad16(&w, &wt, r4, c4, n4, inv_b, &mut z4, &mut g4) };
        assert_eq!(bits(&z4), bits(&z1), "case {case}: logits");
        assert_eq!(bits(&g4), bits(&g1), "case {case}: gradients");
        for (t, (a, b)) in out4.iter().zip(&out1).enumerate() {
            assert_eq!(a.0.to_bits(), b.0.to_bits(), "case {case} token {t}: max");
            assert_eq!(a.1.to_bits(), b.1.to_bits(), "case {case} token {t}: normaliser");
        }
        checked += 1;
    }
    assert_eq!(checked, 400);
}

/// The AVX2 row update (`kernels::x86::sign_step16`, Tiger and Lion at width 16 without flush-to-zero) gives
/// bit for bit what the scalar row update (`model::row_step`) gives: the new θ and m, and the largest `|x|` bit
/// pattern of the two. Inputs: Tiger and Lion, with and without the per-row RMS rule, with and without weight
/// decay, rows and momenta at several scales, momenta with exact zeros (sign 0) and −0, and rows or gradients
/// with infinite or NaN entries.
#[cfg(target_arch = "x86_64")]
#[test]
fn avx2_row_update_equals_the_scalar_row_update() {
    use dynamics::panels::lion_embedding::kernels::x86::sign_step16;
    if !avx2_here("the row-update kernel") {
        return;
    }
    const D: usize = 16;
    let mut normal = normals(12);
    let mut checked = 0;
    for case in 0..800 {
        let RowCase { cfg, theta, m, g } = row_case(case, D, &mut normal);
        let (mut t1, mut m1) = (theta.clone(), m.clone());
        row_step(&cfg, &mut t1, &mut m1, &mut [], &g, (1.0, 1.0));
        let worst1 = t1.iter().chain(&m1).map(|x| x.to_bits() & 0x7fff_ffff).max().unwrap();
        let p = cfg.sign_step().expect("Tiger or Lion without flush-to-zero");
        let (mut t2, mut m2) = (theta.clone(), m.clone());
        // SAFETY: the CPU has AVX2 (checked above).
        let worst2 = unsafe { sign_step16(&mut t2, &mut m2, &g, p) };
        assert_eq!(bits(&t2), bits(&t1), "case {case}: θ");
        assert_eq!(bits(&m2), bits(&m1), "case {case}: m");
        assert_eq!(worst2, worst1, "case {case}: largest |x| bits");
        checked += 1;
    }
    assert_eq!(checked, 800);
}
