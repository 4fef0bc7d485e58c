//! The multi-task weighting panel checked against its theory (`shared/theory/multitask.md`, §2 and §3).
//!
//! Every scheme's update is `θ ← θ − η_k Σ_i w_i s_i (θ − c_i)`, so a converged run sits at a weighted mean of
//! the centres with weights `ω_i = w_i s_i` (theory §2). The expected end points below are written out from
//! those formulas in the test (closed forms where the defaults give one, the defining fixed-point equation
//! otherwise), never copied from a run.
//!
//! Tolerances. At the defaults every scheme contracts geometrically (equal weights: factor 1 − η Σ s_i/n =
//! 0.95 per step; the others comparably, see each test), so after 20 000 steps the remaining error is far
//! below rounding and end points are compared at 1e-9 (a few thousand ulps of numbers of size 1, allowing for
//! rounding accumulated along the run and in the test's own arithmetic). Gradient normalisation's step decays
//! as η/√(1 + k/100) but stays large enough (Σ η_k ≈ 130 over 20 000 steps) for the same geometric contraction
//! of `Σ‖θ − c_i‖` near the median. Invariance under ×1000 holds "up to rounding" because `s_1` appears in a
//! numerator and a denominator: per-step differences of a few ulps that a contracting map does not amplify,
//! so 1e-10 bounds them over 20 000 steps (20 000 × 1e-16 × |θ| ≈ 1e-11 even if every step's rounding added
//! up). Invariance under +5 is exact for the schemes that never read a loss value: the offset does not enter
//! their arithmetic at all, so their trajectories are bitwise identical.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::panels::multitask::model::{genmean, genmean_weights, Race, Replay, Scheme, Settings, Tasks};
use dynamics::params::ParamValues;
use dynamics::runner::Runner;
use serde_json::Value as Json;

const SCHEMES: [&str; 7] = ["equal", "init", "prior", "realtime", "genmean", "gradnorm", "uncertainty"];
const C: [[f64; 2]; 3] = [[0.0, 0.0], [4.0, 0.0], [1.0, 3.0]];

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/// A runner of the panel with `params` set strictly by their text keys, stepped `steps` times.
fn run(params: &[(&str, &str)], steps: u64) -> Runner {
    let p = panels::find("multitask").expect("multitask is registered");
    let mut r = Runner::new(p, ParamValues::defaults(p.params()), 1);
    for (k, v) in params {
        r.set_param_strict(k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
    }
    r.step(steps);
    r
}

fn metric(r: &Runner, name: &str) -> Json {
    r.metrics_json().get(name).cloned().unwrap_or_else(|| panic!("no metric {name}"))
}

fn num(r: &Runner, name: &str) -> f64 {
    metric(r, name).as_f64().unwrap_or_else(|| panic!("{name} is not a number: {}", metric(r, name)))
}

fn end(r: &Runner, scheme: &str) -> [f64; 2] {
    [num(r, &format!("{scheme}_x")), num(r, &format!("{scheme}_y"))]
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn assert_near(what: &str, got: [f64; 2], want: [f64; 2], tol: f64) {
    let d = dist(got, want);
    assert!(d <= tol, "{what}: got {got:?}, expected {want:?} (distance {d:e} > {tol:e})");
}

/// `Σ ω_i c_i / Σ ω_i`, written out independently of the panel's code.
fn wmean(c: &[[f64; 2]; 3], w: [f64; 3]) -> [f64; 2] {
    let s = w[0] + w[1] + w[2];
    [(w[0] * c[0][0] + w[1] * c[1][0] + w[2] * c[2][0]) / s, (w[0] * c[0][1] + w[1] * c[1][1] + w[2] * c[2][1]) / s]
}

/// `½‖θ − c‖² + m`: a task loss divided by its scale.
fn q(th: [f64; 2], c: [f64; 2], m: f64) -> f64 {
    0.5 * ((th[0] - c[0]).powi(2) + (th[1] - c[1]).powi(2)) + m
}

/// `Σ_i (θ − c_i)/‖θ − c_i‖`: zero exactly at the geometric median (when it is not a centre).
fn unit_sum(th: [f64; 2], c: &[[f64; 2]; 3]) -> f64 {
    let mut s = [0.0, 0.0];
    for ci in c {
        let d = dist(th, *ci);
        s[0] += (th[0] - ci[0]) / d;
        s[1] += (th[1] - ci[1]) / d;
    }
    s[0].hypot(s[1])
}

fn default_tasks() -> Tasks {
    Tasks { c: C, s: [1.0; 3], m: [1.0; 3], b: [0.0; 3], prior: [1.0, 2.0, 4.0] }
}

fn default_settings() -> Settings {
    Settings { lr: 0.05, gamma: 0.5, theta0: [3.0, 3.0] }
}

// ---------------------------------------------------------------------------------------------------------
// §3: every scheme's end point at the defaults
// ---------------------------------------------------------------------------------------------------------

#[test]
fn end_points_at_defaults_solve_their_fixed_point_equations() {
    let r = run(&[], 20_000);
    let th0 = [3.0, 3.0];
    for s in SCHEMES {
        assert_eq!(metric(&r, &format!("{s}_diverged")), 0, "{s} diverged at the defaults");
    }
    // Equal weights: the centroid (all s_i = 1).
    assert_near("equal", end(&r, "equal"), [5.0 / 3.0, 1.0], 1e-9);
    assert_near("centroid metric", [num(&r, "centroid_x"), num(&r, "centroid_y")], [5.0 / 3.0, 1.0], 1e-12);
    // Initial loss: explicit ω_i = 1/(½‖θ0 − c_i‖² + m_i) = (1/10, 1/6, 1/3), which gives (5/3, 5/3).
    let w_init = [1.0 / q(th0, C[0], 1.0), 1.0 / q(th0, C[1], 1.0), 1.0 / q(th0, C[2], 1.0)];
    assert_eq!(w_init, [0.1, 1.0 / 6.0, 1.0 / 3.0]);
    assert_near("init", end(&r, "init"), wmean(&C, w_init), 1e-9);
    assert_near("init closed form", end(&r, "init"), [5.0 / 3.0, 5.0 / 3.0], 1e-9);
    // Prior: ω_i = s_i / D_i with the default D = (1, 2, 4).
    assert_near("prior", end(&r, "prior"), wmean(&C, [1.0, 0.5, 0.25]), 1e-9);
    // Real-time: the implicit mean with ω_i = 1/(½‖θ − c_i‖² + m_i). At the defaults it has the closed-form
    // solution θ* = (1, 1): there ω = (1/2, 1/6, 1/3) sums to 1 and Σ ω_i c_i = (4/6 + 1/3, 1) = (1, 1).
    let rt = end(&r, "realtime");
    assert_near("realtime closed form", rt, [1.0, 1.0], 1e-9);
    let w_rt = [1.0 / q(rt, C[0], 1.0), 1.0 / q(rt, C[1], 1.0), 1.0 / q(rt, C[2], 1.0)];
    assert_near("realtime fixed-point equation", rt, wmean(&C, w_rt), 1e-9);
    // Generalised mean (γ = 0.5): the implicit mean with ω_i = s_i L_i(θ)^{γ−1}.
    let gm = end(&r, "genmean");
    let w_gm = [q(gm, C[0], 1.0).powf(-0.5), q(gm, C[1], 1.0).powf(-0.5), q(gm, C[2], 1.0).powf(-0.5)];
    assert_near("genmean fixed-point equation", gm, wmean(&C, w_gm), 1e-9);
    // It lies strictly between the real-time point (γ → 0) and the centroid (γ = 1).
    assert!(dist(gm, rt) > 0.1 && dist(gm, [5.0 / 3.0, 1.0]) > 0.1, "genmean {gm:?} should be a third point");
    // Gradient normalisation: the geometric median, where the three unit vectors cancel.
    let gn = end(&r, "gradnorm");
    assert!(unit_sum(gn, &C) < 1e-9, "gradnorm end {gn:?}: Σ unit vectors = {:e}", unit_sum(gn, &C));
    let median = [num(&r, "median_x"), num(&r, "median_y")];
    assert!(unit_sum(median, &C) < 1e-12, "median metric {median:?} is not the geometric median");
    assert_near("gradnorm vs median metric", gn, median, 1e-9);
    // Uncertainty weighting: at equilibrium e^{u_i} = L_i, so the real-time point.
    assert_near("uncertainty", end(&r, "uncertainty"), [1.0, 1.0], 1e-9);
}

/// The uncertainty scheme's log-variances settle at `u_i = log L_i` (theory §1: σ_i² = L_i at the optimum).
#[test]
fn uncertainty_log_variances_equal_log_losses_at_equilibrium() {
    let mut race = Race::new(default_tasks(), default_settings(), 1e-3);
    for _ in 0..20_000 {
        race.step();
    }
    let run = race.run(Scheme::Uncertainty);
    let l = race.tasks.losses(run.theta);
    for (i, (u, l)) in run.u.iter().zip(l).enumerate() {
        assert!((u - l.ln()).abs() < 1e-9, "u_{} = {u}, log L = {}", i + 1, l.ln());
    }
}

/// An independent Weiszfeld iteration agrees with the panel's gradient-normalisation end point for an obtuse
/// triangle too, and when one angle reaches 120° the median is that vertex (theory §2).
#[test]
fn gradient_normalisation_finds_the_geometric_median_including_a_vertex_median() {
    // A triangle with all angles below 120°: Weiszfeld from the centroid.
    let c = [[0.0, 0.0], [5.0, 0.0], [4.0, 2.0]];
    let mut th = [3.0, 2.0 / 3.0];
    for _ in 0..10_000 {
        let w = [1.0 / dist(th, c[0]), 1.0 / dist(th, c[1]), 1.0 / dist(th, c[2])];
        th = wmean(&c, w);
    }
    let params = [("c1x", "0"), ("c1y", "0"), ("c2x", "5"), ("c2y", "0"), ("c3x", "4"), ("c3y", "2")];
    let r = run(&params, 20_000);
    assert_near("gradnorm, obtuse triangle", end(&r, "gradnorm"), th, 1e-8);
    // An angle of more than 120° at c3 = (2, 0.3) between c1 = (0, 0) and c2 = (4, 0): the unit vectors from c1
    // and c2 toward c3 sum to less than 1 in length, so the median is c3 itself. There Σ‖θ − c_i‖ has a kink,
    // and the decaying step η/√(1 + k/100) makes the iterate settle onto it at a rate ~η_k: after 20 000 steps
    // η_k ≈ 0.0035, so within 0.01.
    let u1 = [2.0 / 2.0f64.hypot(0.3), 0.3 / 2.0f64.hypot(0.3)];
    let u2 = [-2.0 / 2.0f64.hypot(0.3), 0.3 / 2.0f64.hypot(0.3)];
    assert!((u1[0] + u2[0]).hypot(u1[1] + u2[1]) < 1.0);
    let params = [("c1x", "0"), ("c1y", "0"), ("c2x", "4"), ("c2y", "0"), ("c3x", "2"), ("c3y", "0.3")];
    let r = run(&params, 20_000);
    assert_near("median metric at a vertex", [num(&r, "median_x"), num(&r, "median_y")], [2.0, 0.3], 1e-12);
    assert_near("gradnorm to a vertex median", end(&r, "gradnorm"), [2.0, 0.3], 1e-2);
}

// ---------------------------------------------------------------------------------------------------------
// M2: scale invariance (task 1 ×1000)
// ---------------------------------------------------------------------------------------------------------

#[test]
fn x1000_leaves_init_realtime_gradnorm_and_prior_trajectories_unchanged() {
    let r = run(&[("replay", "x1000")], 20_000);
    assert_eq!(r.diverged_at(), None, "one scheme diverging must not stop the panel");
    // The prior scheme divides by D_1, which the replay scales with the loss (a true prior loss scales too).
    for s in ["init", "realtime", "gradnorm", "prior"] {
        assert_eq!(metric(&r, &format!("{s}_replay_diverged")), 0, "{s}");
        let gap = num(&r, &format!("{s}_replay_gap"));
        assert!(gap <= 1e-10, "{s}: the ×1000 replay strays {gap:e} from the original path");
    }
    // Equal weights: the stability limit η Σ s_i / n < 2 is broken (0.05 × 1002/3 ≈ 16.7).
    assert_eq!(metric(&r, "equal_replay_diverged"), 1);
    assert_eq!(metric(&r, "equal_replay_gap"), Json::Null);
    // The original equal-weight run is unaffected and still reported.
    assert_eq!(metric(&r, "equal_diverged"), 0);
    assert_near("equal original", end(&r, "equal"), [5.0 / 3.0, 1.0], 1e-9);
    // Generalised mean (γ = 0.5) and uncertainty weighting are not scale invariant along the way.
    for s in ["genmean", "uncertainty"] {
        let moved = metric(&r, &format!("{s}_replay_diverged")) == 1 || num(&r, &format!("{s}_replay_gap")) > 0.1;
        assert!(moved, "{s} should change under ×1000");
    }
}

/// Equal weights with s_1 = 1000: GD on `(1/n) Σ L_i` has curvature `Σ s_i / n`, so it converges exactly for
/// `η Σ s_i / n < 2` and its end point is the s-weighted centroid, dragged to task 1.
#[test]
fn equal_weights_under_x1000_stability_limit_and_end_point() {
    let limit = 2.0 * 3.0 / 1002.0;
    let stable = run(&[("s1", "1000"), ("lr", &format!("{}", 0.98 * limit))], 5_000);
    let unstable = run(&[("s1", "1000"), ("lr", &format!("{}", 1.02 * limit))], 5_000);
    assert_eq!(metric(&stable, "equal_diverged"), 0, "η just below the limit must converge");
    assert_eq!(metric(&unstable, "equal_diverged"), 1, "η just above the limit must diverge");
    assert_eq!(metric(&unstable, "equal_x"), Json::Null, "a diverged scheme reports no end point");
    // With η/1000 the contraction factor on the stiff direction is 1 − 5e-5 × 334 ≈ 0.983 per step.
    let r = run(&[("s1", "1000"), ("lr", "5e-5")], 20_000);
    assert_near("equal, s1 = 1000", end(&r, "equal"), [5.0 / 1002.0, 3.0 / 1002.0], 1e-9);
    assert_near("centroid metric", [num(&r, "centroid_x"), num(&r, "centroid_y")], [5.0 / 1002.0, 3.0 / 1002.0], 1e-12);
}

/// Uncertainty weighting is scale invariant only at equilibrium: after a long transient (u_1 first jumps by
/// about η·½·L_1(θ0)·1000 and then relaxes at η/2 per step) the ×1000 run reaches the real-time point too.
#[test]
fn uncertainty_reaches_the_realtime_point_after_x1000_only_at_equilibrium() {
    let t = default_tasks().transformed(Replay::Scale1000);
    let mut race = Race::new(t, default_settings(), 1e-3);
    let mut far: f64 = 0.0;
    for _ in 0..60_000 {
        race.step();
        far = far.max(dist(race.run(Scheme::Uncertainty).theta, [1.0, 1.0]));
    }
    let u = race.run(Scheme::Uncertainty);
    assert!(!u.diverged());
    assert!(far > 10.0, "the transient should overshoot far from the plane (max distance {far})");
    assert_near("uncertainty ×1000 at equilibrium", u.theta, [1.0, 1.0], 1e-9);
}

// ---------------------------------------------------------------------------------------------------------
// M3: translation (task 1 + 5)
// ---------------------------------------------------------------------------------------------------------

#[test]
fn plus5_leaves_equal_and_gradnorm_exactly_unchanged_and_moves_the_loss_dividers() {
    let r = run(&[("replay", "plus5")], 20_000);
    for s in ["equal", "gradnorm"] {
        assert_eq!(num(&r, &format!("{s}_replay_gap")), 0.0, "{s} must be bitwise unchanged by +5");
    }
    for s in ["init", "prior", "realtime", "genmean", "uncertainty"] {
        assert_eq!(metric(&r, &format!("{s}_replay_diverged")), 0, "{s}");
        let gap = num(&r, &format!("{s}_replay_gap"));
        assert!(gap > 0.1, "{s} should move under +5 (gap {gap})");
    }
}

/// The +5 end points themselves, from the theory's weights with L_1 → L_1 + 5.
#[test]
fn plus5_end_points_follow_the_shifted_weights() {
    let t = default_tasks().transformed(Replay::Plus5);
    let set = default_settings();
    let mut race = Race::new(t, set, 1e-3);
    for _ in 0..20_000 {
        race.step();
    }
    let th0 = set.theta0;
    let l0 = [q(th0, C[0], 1.0) + 5.0, q(th0, C[1], 1.0), q(th0, C[2], 1.0)];
    assert_near("init +5", race.run(Scheme::Init).theta, wmean(&C, l0.map(|l| 1.0 / l)), 1e-9);
    assert_near("prior +5", race.run(Scheme::Prior).theta, wmean(&C, [1.0 / 6.0, 0.5, 0.25]), 1e-9);
    let rt = race.run(Scheme::Realtime).theta;
    let w = [1.0 / (q(rt, C[0], 1.0) + 5.0), 1.0 / q(rt, C[1], 1.0), 1.0 / q(rt, C[2], 1.0)];
    assert_near("realtime +5 fixed-point equation", rt, wmean(&C, w), 1e-9);
    assert!(dist(rt, [1.0, 1.0]) > 0.3, "task 1 loses weight, so the real-time point leaves (1, 1)");
    assert!(dist(rt, C[0]) > dist([1.0, 1.0], C[0]), "and moves away from task 1");
}

// ---------------------------------------------------------------------------------------------------------
// M5: the generalised mean
// ---------------------------------------------------------------------------------------------------------

#[test]
fn generalised_mean_is_monotone_in_gamma_and_has_the_right_limits() {
    let gammas = [-4.0, -1.0, -0.01, 0.01, 0.5, 1.0, 2.0, 8.0];
    let mut prev: Option<(f64, f64)> = None;
    for g in gammas {
        let r = run(&[("gamma", &g.to_string())], 20_000);
        assert_eq!(metric(&r, "genmean_diverged"), 0, "γ = {g}");
        let (mx, mn) = (num(&r, "genmean_max_loss"), num(&r, "genmean_min_loss"));
        if let Some((pmx, pmn)) = prev {
            // Non-increasing and non-decreasing, up to the 1e-9 convergence tolerance.
            assert!(mx <= pmx + 1e-9, "max loss rose from {pmx} to {mx} at γ = {g}");
            assert!(mn >= pmn - 1e-9, "min loss fell from {pmn} to {mn} at γ = {g}");
        }
        prev = Some((mx, mn));
    }
    // γ = 1 is the arithmetic mean: the equal-weight end point, the centroid.
    let r = run(&[("gamma", "1")], 20_000);
    assert_near("γ = 1", end(&r, "genmean"), [5.0 / 3.0, 1.0], 1e-9);
    // γ → 0 from either side approaches the real-time point (1, 1), linearly in γ: halving γ halves the error.
    for sign in [1.0, -1.0] {
        let e = |g: f64| dist(end(&run(&[("gamma", &(sign * g).to_string())], 20_000), "genmean"), [1.0, 1.0]);
        let (e1, e2) = (e(0.02), e(0.01));
        assert!(e1 < 0.05, "γ = {}: {e1} from the real-time point", sign * 0.02);
        let ratio = e2 / e1;
        assert!(
            (0.4..=0.6).contains(&ratio),
            "γ → 0{}: error ratio {ratio} is not O(γ)",
            if sign > 0.0 { "+" } else { "−" }
        );
    }
    // γ = 0 exactly uses the geometric-mean limit: the real-time point.
    let r = run(&[("gamma", "0")], 20_000);
    assert_near("γ = 0", end(&r, "genmean"), [1.0, 1.0], 1e-9);
    // Strongly negative γ "solves the easiest task": from θ0 = (3, 3) the nearest optimum is task 3's, and with
    // ω_i ∝ L_i^{γ−1} = L_i^{−9} the other tasks keep weights ~6^{−9} ≈ 1e-7 there.
    let r = run(&[("gamma", "-8")], 20_000);
    assert_near("γ = −8", end(&r, "genmean"), C[2], 1e-5);
}

/// The weight formula is the exact gradient of M(γ) (checked by central differences) and M is increasing in γ,
/// between min and max of the losses.
#[test]
fn generalised_mean_weights_are_its_gradient() {
    let l = [0.7, 2.5, 9.0];
    for g in [-8.0, -1.0, -1e-9, 0.0, 1e-9, 0.3, 1.0, 3.0, 8.0] {
        let w = genmean_weights(l, g);
        for i in 0..3 {
            let h = 1e-6 * l[i];
            let (mut a, mut b) = (l, l);
            a[i] += h;
            b[i] -= h;
            let fd = (genmean(a, g) - genmean(b, g)) / (2.0 * h);
            // Central differences with h = 1e-6 L_i: truncation O(h²) ≈ 1e-12 relative, rounding ≈ ε M / h =
            // 1.1e-10 M / L_i absolute; allow 1e-7 relative plus ten times the rounding term.
            let tol = 1e-7 * fd.abs() + 1e-9 * genmean(l, g) / l[i];
            assert!((w[i] - fd).abs() <= tol, "γ = {g}, i = {i}: {} vs {fd}", w[i]);
        }
        // (1/n) Σ L^γ to the 1/γ: compare with the direct formula where it is well conditioned.
        if g.abs() >= 0.3 {
            let direct = (l.iter().map(|x: &f64| x.powf(g)).sum::<f64>() / 3.0).powf(1.0 / g);
            assert!((genmean(l, g) - direct).abs() < 1e-12 * direct, "γ = {g}");
        }
    }
    let geo = (0.7f64 * 2.5 * 9.0).cbrt();
    assert!((genmean(l, 0.0) - geo).abs() < 1e-12 * geo);
    assert!((genmean(l, 1e-9) - geo).abs() < 1e-8 * geo, "γ → 0 must approach the geometric mean smoothly");
    let ms: Vec<f64> = [-8.0, -2.0, -0.5, 0.0, 0.5, 2.0, 8.0].iter().map(|g| genmean(l, *g)).collect();
    assert!(ms.windows(2).all(|w| w[0] < w[1]), "M(γ) must increase: {ms:?}");
    assert!(ms[0] > 0.7 && ms[6] < 9.0);
}

// ---------------------------------------------------------------------------------------------------------
// M6: gradient normalisation ignores scales and offsets
// ---------------------------------------------------------------------------------------------------------

#[test]
fn gradient_normalisation_ignores_scales_and_offsets() {
    let base = end(&run(&[], 20_000), "gradnorm");
    let odd = [("s1", "1000"), ("s2", "0.001"), ("s3", "3"), ("m1", "0.001"), ("m2", "10"), ("m3", "2")];
    let r = run(&odd, 20_000);
    assert_near("gradnorm, odd scales and offsets", end(&r, "gradnorm"), base, 1e-10);
}

// ---------------------------------------------------------------------------------------------------------
// §4: the near-zero-offset caveat
// ---------------------------------------------------------------------------------------------------------

/// With tiny offsets the geometric mean vanishes at every centre, so the real-time scheme converges to one
/// task's optimum, chosen by the start. Near c_j its fixed point solves `d/(½d² + m) = F` with `|F| = O(1)`
/// (the pull of the other two tasks), so `|θ − c_j| ≈ m|F|`, about 0.01 for m = 0.01; and GD there is stable
/// only for `η < 2m` (the weight 1/L_j reaches 1/m), hence η = 0.005.
#[test]
fn tiny_offsets_make_the_realtime_scheme_pick_one_task() {
    let tiny = [("m1", "0.01"), ("m2", "0.01"), ("m3", "0.01"), ("lr", "0.005")];
    let mut picked = Vec::new();
    for (start, task) in [(("3.5", "0.5"), 1usize), (("1.2", "2.5"), 2), (("0.5", "0.4"), 0)] {
        let mut params = tiny.to_vec();
        params.extend([("theta0_x", start.0), ("theta0_y", start.1)]);
        let r = run(&params, 40_000);
        let e = end(&r, "realtime");
        assert!(dist(e, C[task]) < 0.05, "from {start:?} the real-time run should stop at task {}: {e:?}", task + 1);
        picked.push(task);
    }
    // With m = 1 the same starts reach one compromise, away from every centre.
    for start in [("3.5", "0.5"), ("1.2", "2.5"), ("0.5", "0.4")] {
        let r = run(&[("theta0_x", start.0), ("theta0_y", start.1)], 20_000);
        let e = end(&r, "realtime");
        assert!(C.iter().all(|c| dist(e, *c) > 0.9), "m = 1 should give a compromise: {e:?}");
    }
    // The offset slider stops at 1e-3 (theory §4: clamp m ≥ 1e-3): 0 is clamped with a notice.
    let p = panels::find("multitask").unwrap();
    let mut v = ParamValues::defaults(p.params());
    assert!(v.set_strict("m1", "0").is_err());
    assert!(v.set_lenient("m1", "0").expect("clamped").is_some());
    assert_eq!(v.f64("m1"), 1e-3);
}

// ---------------------------------------------------------------------------------------------------------
// Invariance at the level of single steps, and divergence bookkeeping
// ---------------------------------------------------------------------------------------------------------

/// Trajectory-level invariance (theory §2): compare whole trajectories step by step with the model directly,
/// for non-default centres, scales and start.
#[test]
fn trajectories_are_invariant_step_by_step() {
    let t = Tasks {
        c: [[-1.0, 0.5], [3.0, -2.0], [2.0, 4.0]],
        s: [0.3, 7.0, 1.5],
        m: [0.2, 2.0, 0.5],
        b: [0.0; 3],
        prior: [0.5, 3.0, 1.0],
    };
    let set = Settings { lr: 0.02, gamma: 0.5, theta0: [4.0, 3.0] };
    for (replay, same, exact) in [
        (Replay::Scale1000, vec![Scheme::Init, Scheme::Prior, Scheme::Realtime, Scheme::GradNorm], false),
        (Replay::Plus5, vec![Scheme::Equal, Scheme::GradNorm], true),
    ] {
        let mut a = Race::new(t, set, 1e-3);
        let mut b = Race::new(t.transformed(replay), set, 1e-3);
        let mut worst = [0.0f64; 7];
        for _ in 0..5_000 {
            a.step();
            b.step();
            for s in Scheme::ALL {
                let d = dist(a.run(s).theta, b.run(s).theta);
                worst[s.index()] = worst[s.index()].max(if d.is_nan() { f64::INFINITY } else { d });
            }
        }
        for s in Scheme::ALL {
            let w = worst[s.index()];
            if same.contains(&s) {
                let tol = if exact { 0.0 } else { 1e-10 };
                assert!(w <= tol, "{replay:?}: {s:?} strays {w:e}");
            } else {
                assert!(w > 1e-3 || b.run(s).diverged(), "{replay:?}: {s:?} should change (max gap {w:e})");
            }
        }
    }
}

#[test]
fn a_diverging_scheme_is_frozen_and_reported_without_stopping_the_panel() {
    let r = run(&[("s1", "1000")], 2_000);
    assert_eq!(r.diverged_at(), None);
    assert_eq!(r.report_json()["status"], "ok");
    assert_eq!(metric(&r, "equal_diverged"), 1);
    for k in ["equal_x", "equal_y", "equal_max_loss", "equal_min_loss"] {
        assert_eq!(metric(&r, k), Json::Null, "{k}");
    }
    // The scale-invariant schemes are untouched by s_1 = 1000 and land where they do at the defaults.
    let d = run(&[], 2_000);
    for s in ["init", "realtime", "gradnorm"] {
        assert_eq!(metric(&r, &format!("{s}_diverged")), 0);
        assert_near(s, end(&r, s), end(&d, s), 1e-10);
    }
}

// ---------------------------------------------------------------------------------------------------------
// The figure: extreme settings draw without error, and pointer input moves the right thing
// ---------------------------------------------------------------------------------------------------------

#[test]
fn extreme_settings_draw_without_error() {
    use dynamics::plot::Theme;
    use dynamics::render;
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("replay", "x1000"), ("lr", "1")],
        vec![("s1", "1000"), ("s2", "1000"), ("s3", "1000"), ("lr", "1"), ("replay", "plus5")],
        // Coincident and collinear centres, start on a centre.
        vec![("c2x", "0"), ("c2y", "0"), ("theta0_x", "0"), ("theta0_y", "0")],
        vec![("c1x", "-10"), ("c1y", "-10"), ("c2x", "0"), ("c2y", "0"), ("c3x", "10"), ("c3y", "10")],
        vec![("c1x", "1"), ("c1y", "1"), ("c2x", "1"), ("c2y", "1"), ("c3x", "1"), ("c3y", "1")],
        vec![("gamma", "-8"), ("m1", "0.001"), ("m2", "0.001"), ("m3", "0.001"), ("show", "genmean")],
        vec![("gamma", "8"), ("s1", "0.001"), ("s2", "1000"), ("show", "scale-invariant"), ("replay", "x1000")],
        vec![("show", "uncertainty"), ("replay", "x1000"), ("contours", "false"), ("predicted", "false")],
        vec![("calc_freq", "0,0"), ("calc_mean", "-100"), ("calc_sd", "0"), ("lr", "1e-5")],
    ];
    for params in cases {
        for steps in [0, 1, 3_000] {
            let r = run(&params, steps);
            for (w, h) in [(800, 450), (360, 470), (300, 900)] {
                render::svg(&r, w, h, &Theme::light(1.0)).unwrap_or_else(|e| panic!("{params:?} {w}x{h}: {e}"));
            }
        }
    }
}

#[test]
fn pointer_near_a_centre_drags_it_and_elsewhere_sets_the_start() {
    use dynamics::plot::{AnyBackend, Theme};
    use plotters::prelude::*;
    use plotters_svg::SVGBackend;
    dynamics::render::ensure_fonts();
    let p = panels::find("multitask").unwrap();
    let sim = p.build(&ParamValues::defaults(p.params()), 1);
    let mut svg = String::new();
    let drawn = {
        let area = AnyBackend::new(SVGBackend::with_string(&mut svg, (800, 450))).into_drawing_area();
        dynamics::plot::drawing(&area, &Theme::light(1.0), |a, t| sim.draw(a, t)).expect("draw")
    };
    // Learn the pixel-to-data map from two clicks far from every centre (they set the start).
    let at = |px: f64, py: f64| -> Vec<(&'static str, f64)> {
        sim.click(&drawn, px, py).into_iter().map(|(k, v)| (k, v.parse::<f64>().unwrap())).collect()
    };
    let a = at(60.0, 60.0);
    let b = at(360.0, 360.0);
    assert_eq!(a.iter().map(|x| x.0).collect::<Vec<_>>(), ["theta0_x", "theta0_y"]);
    assert_eq!(b.iter().map(|x| x.0).collect::<Vec<_>>(), ["theta0_x", "theta0_y"]);
    let kx = (b[0].1 - a[0].1) / 300.0;
    let ky = (b[1].1 - a[1].1) / 300.0;
    assert!(kx > 0.0 && ky < 0.0 && ((kx + ky) / kx).abs() < 0.05, "axes should have equal scales: {kx}, {ky}");
    let to_px = |x: f64, y: f64| (60.0 + (x - a[0].1) / kx, 60.0 + (y - a[1].1) / ky);
    // 8 pixels from task 2's centre (4, 0): the centre moves to the pointer.
    let (px, py) = to_px(4.0, 0.0);
    let moved = at(px + 8.0, py);
    assert_eq!(moved.iter().map(|x| x.0).collect::<Vec<_>>(), ["c2x", "c2y"]);
    assert!((moved[0].1 - (4.0 + 8.0 * kx)).abs() < 0.02 && moved[1].1.abs() < 0.02, "{moved:?}");
    // 60 pixels away from every centre: the start.
    let (px, py) = to_px(2.0, 2.2);
    assert_eq!(at(px, py).iter().map(|x| x.0).collect::<Vec<_>>(), ["theta0_x", "theta0_y"]);
    // Outside the plane: nothing.
    assert!(sim.click(&drawn, 790.0, 440.0).is_empty());
}
