//! The "GAN and IGN fixed points" section checked against its theory (`shared/theory/gan-ign.md` §2, §3, §5).
//!
//! Most checks are exact identities of the discrete maps (the WGAN radius law, the alternating-WGAN
//! invariant, the GAN radius recursion), so their tolerances are rounding bounds: one step of these maps
//! costs a few ulps of relative error, so after n steps the relative error is at most a small multiple of
//! `n · 2.2e-16`. Rates measured from runs are averaged over many steps; the tolerance then comes from the
//! bounded oscillation of a non-normal linear map (its eigenvector condition number κ enters as `ln κ / n`).
//! Finite-difference checks use central differences, whose truncation error is `O(ε²)` times a third
//! derivative and whose rounding error is `O(ulp · value / ε)`; with ε = 1e-5 both are below 1e-8 relative
//! for the polynomial losses here, so 1e-6 is a safe tolerance.
//!
//! Expected values are computed in each test from the theory's formulas (or written out by hand from them),
//! never copied from a run.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::panels;
use dynamics::panels::dirac::gan::model::{
    self as gan, jacobian, q, rate_predicted, step_matrix, Config as GanConfig, DiracGan, Loss, Update,
};
use dynamics::panels::dirac::ign::model::{
    clamp_factor, grad_terms, Coeffs, Config as IgnConfig, FixedKind, Ign, Moments, Problem, CLAMP_C,
};
use dynamics::params::ParamValues;
use dynamics::plot::Theme;
use dynamics::render;
use dynamics::rng;
use dynamics::runner::Runner;
use nalgebra::Matrix2;
use serde_json::Value as Json;

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/// A runner of a registered panel with `params` set by their text keys (strictly).
fn runner(panel: &str, params: &[(&str, &str)]) -> Runner {
    let p = panels::find(panel).unwrap_or_else(|| panic!("panel {panel} is not registered"));
    let mut r = Runner::new(p, ParamValues::defaults(p.params()), 1);
    for (k, v) in params {
        r.set_param_strict(k, v).unwrap_or_else(|e| panic!("{panel}: {k}={v}: {e}"));
    }
    r
}

/// Steps a runner (which must not diverge) and returns its metrics object.
fn run_metrics(panel: &str, params: &[(&str, &str)], steps: u64) -> serde_json::Map<String, Json> {
    let mut r = runner(panel, params);
    assert_eq!(r.step(steps), steps, "{panel} {params:?} diverged");
    r.metrics_json().as_object().cloned().unwrap()
}

fn num(m: &serde_json::Map<String, Json>, key: &str) -> f64 {
    m.get(key).and_then(Json::as_f64).unwrap_or_else(|| panic!("metric {key} is not a number: {:?}", m.get(key)))
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    let err = (got - want).abs() / want.abs().max(1e-300);
    assert!(err <= rel, "{what}: got {got:e}, want {want:e} (relative error {err:e} > {rel:e})");
}

fn gan_cfg(loss: Loss, update: Update, h: f64, gp: f64, clip: f64) -> GanConfig {
    GanConfig { loss, update, h, gp, clip, theta0: 1.0, psi0: 1.0 }
}

fn sigma(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Sorted eigenvalues of a 2×2 matrix from the characteristic polynomial, independent of the model's `eig2`.
fn eigs(m: &Matrix2<f64>) -> [(f64, f64); 2] {
    let tr = m.trace();
    let det = m.determinant();
    let disc = tr * tr / 4.0 - det;
    if disc >= 0.0 {
        [(tr / 2.0 + disc.sqrt(), 0.0), (tr / 2.0 - disc.sqrt(), 0.0)]
    } else {
        [(tr / 2.0, (-disc).sqrt()), (tr / 2.0, -(-disc).sqrt())]
    }
}

/// The central-difference Jacobian of a map `R² → R²`.
fn fd_jacobian(f: impl Fn(f64, f64) -> (f64, f64), x: f64, y: f64, eps: f64) -> Matrix2<f64> {
    let (fxp, fxm) = (f(x + eps, y), f(x - eps, y));
    let (fyp, fym) = (f(x, y + eps), f(x, y - eps));
    Matrix2::new(
        (fxp.0 - fxm.0) / (2.0 * eps),
        (fyp.0 - fym.0) / (2.0 * eps),
        (fxp.1 - fxm.1) / (2.0 * eps),
        (fyp.1 - fym.1) / (2.0 * eps),
    )
}

fn mat_close(what: &str, got: &Matrix2<f64>, want: &Matrix2<f64>, tol: f64) {
    let scale = want.abs().max().max(1.0);
    let err = (got - want).abs().max();
    assert!(err <= tol * scale, "{what}: got {got:?}, want {want:?} (max error {err:e})");
}

// ---------------------------------------------------------------------------------------------------------
// Dirac-GAN, theory §2 and §5
// ---------------------------------------------------------------------------------------------------------

/// Radius law: simultaneous WGAN steps give `r_n = r₀ (1 + h²)^{n/2}` exactly; from (1, 1) with h = 0.2,
/// n = 500 gives r ≈ 25 636.
#[test]
fn gan_wgan_simultaneous_radius_closed_form() {
    let cfg = gan_cfg(Loss::Wgan, Update::Sim, 0.2, 0.0, 0.0);
    let mut m = DiracGan::new(cfg);
    let r0 = 2f64.sqrt();
    for n in 1..=500u32 {
        m.step();
        let want = r0 * (1.0 + 0.04f64).powf(n as f64 / 2.0);
        // Rounding: a few ulps per step, so 1e-15 per step is generous.
        close(&format!("r_{n}"), m.radius(), want, 1e-15 * n as f64 + 1e-15);
    }
    // Through the panel boundary: the theory's rounded value 25 636.
    let met = run_metrics("dirac-gan", &[("loss", "wgan"), ("update", "sim"), ("h", "0.2")], 500);
    assert!((num(&met, "radius") - 25_636.0).abs() < 1.0, "radius {}", num(&met, "radius"));
    // rate_predicted is exact for simultaneous WGAN: sqrt(1 + h²).
    close("rate_predicted", num(&met, "rate_predicted"), 1.04f64.sqrt(), 1e-15);
}

/// GAN, simultaneous: r² strictly increasing and `r²ₙ₊₁ = r²ₙ (1 + h² σ(−θₙψₙ)²)` to rounding.
#[test]
fn gan_simultaneous_radius_recursion() {
    for h in [0.05, 0.2, 1.0] {
        let mut m =
            DiracGan::new(GanConfig { theta0: 1.3, psi0: -0.4, ..gan_cfg(Loss::Gan, Update::Sim, h, 0.0, 0.0) });
        for n in 0..2000 {
            let (t, p) = (m.theta, m.psi);
            let r2 = t * t + p * p;
            m.step();
            let r2n = m.theta * m.theta + m.psi * m.psi;
            let fp = sigma(-t * p);
            let want = r2 * (1.0 + h * h * fp * fp);
            // One step: a handful of roundings on each of θ', ψ' and their squares.
            close(&format!("h={h} r²_{}", n + 1), r2n, want, 1e-14);
            // Strictly increasing, unless the factor h²σ² is below rounding (a saturated quadrant at large r).
            assert!(r2n > r2 || (h * fp) * (h * fp) < 1e-15, "h={h}: r² did not increase at step {n}");
        }
    }
}

/// Alternating WGAN steps conserve `Q = θ² + ψ² − hθψ` exactly (to rounding, over 10⁵ steps); the linearised
/// alternating update has det = 1 and trace `2 − h² f'(0)²`, so for `h f'(0) ≤ 2` it neither converges
/// nor diverges.
#[test]
fn gan_alternating_conserves_q_and_has_unit_determinant() {
    for h in [0.2, 1.0, 1.9] {
        let mut m = DiracGan::new(gan_cfg(Loss::Wgan, Update::Alt, h, 0.0, 0.0));
        let q0 = m.q();
        let mut drift: f64 = 0.0;
        for _ in 0..100_000 {
            m.step();
            drift = drift.max((m.q() - q0).abs());
        }
        // Each step changes Q by a few ulps of its terms (|terms| ≤ ~3 Q₀ here); 1e5 steps of worst-case
        // linear accumulation stay below 1e5 · 3 · 4 · 1.1e-16 · Q₀ ≈ 1.3e-10 · Q₀.
        assert!(drift <= 2e-10 * q0, "h={h}: Q drifted by {drift:e} from {q0}");
        // And the run neither converges nor diverges: Q bounds r between sqrt(Q/(1 + h/2)) and sqrt(Q/(1 − h/2)).
        let r = m.radius();
        let (lo, hi) = ((q0 / (1.0 + h / 2.0)).sqrt(), (q0 / (1.0 - h / 2.0)).sqrt());
        assert!(r >= lo * (1.0 - 1e-9) && r <= hi * (1.0 + 1e-9), "h={h}: r = {r} outside [{lo}, {hi}]");
    }
    // Through the panel: the q metric is unchanged after 20 000 steps.
    let params = [("loss", "wgan"), ("update", "alt"), ("h", "0.2")];
    let start = run_metrics("dirac-gan", &params, 0);
    let end = run_metrics("dirac-gan", &params, 20_000);
    close("q metric", num(&end, "q"), num(&start, "q"), 1e-11);
    close("q₀ = 2 − 0.2", num(&start, "q"), q(0.2, 1.0, 1.0), 0.0);
    close("q₀ = 2 − 0.2 by hand", num(&start, "q"), 1.8, 1e-15);

    // The linearised alternating update, checked against finite differences of the actual step at (0, 0).
    for loss in [Loss::Gan, Loss::NsGan, Loss::Wgan] {
        for h in [0.1, 0.5, 1.5] {
            let cfg = gan_cfg(loss, Update::Alt, h, 0.0, 0.0);
            let step = |t: f64, p: f64| {
                let mut m = DiracGan::new(GanConfig { theta0: t, psi0: p, ..cfg });
                m.step();
                (m.theta, m.psi)
            };
            let fd = fd_jacobian(step, 0.0, 0.0, 1e-6);
            let sm = step_matrix(&cfg).unwrap();
            mat_close(&format!("{loss:?} h={h} alternating step matrix"), &sm, &fd, 1e-8);
            let f0 = loss.fprime0();
            close("det", sm.determinant(), 1.0, 1e-14);
            close("trace", sm.trace(), 2.0 - h * h * f0 * f0, 1e-14);
            // |λ| = 1 for h f'(0) ≤ 2: the predicted rate is exactly neutral.
            close("alternating rate", rate_predicted(&cfg).unwrap(), 1.0, 1e-12);
        }
    }
}

/// Eigenvalues at (0, 0): `±i f'(0)` without a penalty, `−γ/2 ± sqrt(γ²/4 − f'(0)²)` with a zero-centred
/// penalty γ; the analytic Jacobian also matches finite differences of the field.
#[test]
fn gan_eigenvalues_with_and_without_penalty() {
    for (loss, name, f0) in [(Loss::Gan, "gan", 0.5f64), (Loss::NsGan, "nsgan", 0.5), (Loss::Wgan, "wgan", 1.0)] {
        for gp in [0.0f64, 0.3, 0.7, 1.0, 2.0] {
            let gps = format!("{gp}");
            let m = run_metrics("dirac-gan", &[("loss", name), ("gp", &gps)], 0);
            let disc = gp * gp / 4.0 - f0 * f0;
            let want = if disc >= 0.0 {
                [(-gp / 2.0 + disc.sqrt(), 0.0), (-gp / 2.0 - disc.sqrt(), 0.0)]
            } else {
                [(-gp / 2.0, (-disc).sqrt()), (-gp / 2.0, -(-disc).sqrt())]
            };
            let got = [(num(&m, "eig1_re"), num(&m, "eig1_im")), (num(&m, "eig2_re"), num(&m, "eig2_im"))];
            for i in 0..2 {
                assert!(
                    (got[i].0 - want[i].0).abs() < 1e-12 && (got[i].1 - want[i].1).abs() < 1e-12,
                    "{name} γ={gp}: eigenvalue {i} is {:?}, want {:?}",
                    got[i],
                    want[i]
                );
            }
            // The analytic Jacobian against finite differences of the model's field.
            let cfg = GanConfig { gp, ..gan_cfg(loss, Update::Sim, 0.2, gp, 0.0) };
            let fd = fd_jacobian(|t, p| gan::field(&cfg, t, p), 0.0, 0.0, 1e-6);
            mat_close(&format!("{name} γ={gp} Jacobian"), &jacobian(&cfg).unwrap(), &fd, 1e-8);
        }
    }
    // Critical damping at γ = 2 f'(0): a double eigenvalue −f'(0) (γ = 1 for the GAN).
    let m = run_metrics("dirac-gan", &[("loss", "gan"), ("gp", "1")], 0);
    assert!((num(&m, "eig1_re") + 0.5).abs() < 1e-7 && (num(&m, "eig2_re") + 0.5).abs() < 1e-7);
    // WGAN-GP with γ > 0 has no Jacobian at (0, 0): the eigenvalue metrics are null; with γ = 0 it is WGAN.
    let m = run_metrics("dirac-gan", &[("loss", "wgan-gp"), ("gp", "0.7")], 0);
    for k in ["eig1_re", "eig1_im", "eig2_re", "eig2_im", "rate_predicted"] {
        assert_eq!(m.get(k), Some(&Json::Null), "wgan-gp {k}");
    }
    let m = run_metrics("dirac-gan", &[("loss", "wgan-gp"), ("gp", "0")], 0);
    assert_eq!((num(&m, "eig1_re"), num(&m, "eig1_im")), (0.0, 1.0));
}

/// With a penalty, simultaneous GD converges at the per-step rate `sqrt(1 − hγ + h² f'(0)²)` (under-damped),
/// and only for `h < γ / f'(0)²`.
#[test]
fn gan_penalty_converges_at_predicted_rate_and_threshold() {
    for (loss, name, f0, gp, h) in [(Loss::Gan, "gan", 0.5f64, 0.3f64, 0.2f64), (Loss::Wgan, "wgan", 1.0, 0.5, 0.2)] {
        let want = (1.0 - h * gp + h * h * f0 * f0).sqrt();
        let cfg = gan_cfg(loss, Update::Sim, h, gp, 0.0);
        close(&format!("{name} rate_predicted"), rate_predicted(&cfg).unwrap(), want, 1e-14);
        // Measured: (r_4000 / r_2000)^(1/2000). The linear map is non-normal, so r_n/ρⁿ oscillates within
        // a factor κ² of the eigenvector matrix (κ < 3 here); the error of the averaged rate is then below
        // ln(9)/2000 ≈ 1.1e-3 relative. By step 2000 the GAN run is deep in its linear regime (r < 1e-20).
        let mut m = DiracGan::new(cfg);
        for _ in 0..2000 {
            m.step();
        }
        let r2000 = m.radius();
        for _ in 0..2000 {
            m.step();
        }
        let got = (m.radius() / r2000).powf(1.0 / 2000.0);
        close(&format!("{name} measured contraction"), got, want, 1.2e-3);
        assert!(m.radius() < 1e-30, "{name}: r = {:e} did not converge", m.radius());
    }
    // Threshold h < γ/f'(0)²: WGAN with γ = 0.5 is exactly linear, threshold h = 0.5.
    for (h, converges) in [(0.45, true), (0.55, false)] {
        let mut m = DiracGan::new(gan_cfg(Loss::Wgan, Update::Sim, h, 0.5, 0.0));
        for _ in 0..5000 {
            m.step();
        }
        assert_eq!(m.radius() < 2f64.sqrt(), converges, "WGAN γ=0.5 h={h}: r = {:e}", m.radius());
    }
    // GAN with γ = 0.3: threshold h = 0.3/0.25 = 1.2; start tiny so that the run stays linear.
    for (h, converges) in [(1.1, true), (1.3, false)] {
        let mut m =
            DiracGan::new(GanConfig { theta0: 1e-6, psi0: 1e-6, ..gan_cfg(Loss::Gan, Update::Sim, h, 0.3, 0.0) });
        for _ in 0..3000 {
            m.step();
        }
        assert_eq!(m.radius() < 1e-6, converges, "GAN γ=0.3 h={h}: r = {:e}", m.radius());
        assert_eq!(rate_predicted(&m.cfg).unwrap() < 1.0, converges);
    }
}

/// Weight clipping and WGAN-GP do not converge: the radius stays bounded away from 0 (and bounded).
#[test]
fn gan_clipping_and_wgan_gp_do_not_converge() {
    for params in [
        vec![("loss", "wgan"), ("clip", "1"), ("update", "sim")],
        vec![("loss", "wgan"), ("clip", "0.5"), ("update", "alt")],
        vec![("loss", "wgan-gp"), ("gp", "0.7"), ("update", "sim")],
        vec![("loss", "wgan-gp"), ("gp", "0.7"), ("update", "alt")],
    ] {
        let mut r = runner("dirac-gan", &params);
        assert_eq!(r.step(5000), 5000, "{params:?} diverged");
        let mut lo = f64::INFINITY;
        let mut hi: f64 = 0.0;
        for _ in 0..2000 {
            r.step(1);
            let m = r.metrics_json();
            let rad = m["radius"].as_f64().unwrap();
            lo = lo.min(rad);
            hi = hi.max(rad);
        }
        // Converging would mean r → 0 (the linear rates would give r < 1e-10 by now for any damped run).
        assert!(lo > 0.1, "{params:?}: radius came down to {lo}");
        assert!(hi < 10.0, "{params:?}: radius grew to {hi}");
    }
    // Clipping keeps |ψ| ≤ c at every step.
    let mut m = DiracGan::new(gan_cfg(Loss::Wgan, Update::Sim, 0.2, 0.0, 0.7));
    for _ in 0..3000 {
        m.step();
        assert!(m.psi.abs() <= 0.7);
    }
}

/// Divergent settings end with the runner's diverged status, finite metrics and a finite picture.
/// Simultaneous WGAN with h = 1 has r² = 2·2ⁿ, which overflows f64 (max ≈ 2¹⁰²⁴) first at n = 1023.
#[test]
fn gan_divergent_settings_end_diverged() {
    let mut r = runner("dirac-gan", &[("loss", "wgan"), ("h", "1")]);
    r.step(5000);
    assert_eq!(r.diverged_at(), Some(1023));
    check_diverged_report(&r);
    // Alternating WGAN with h f'(0) > 2: |trace| > 2, a real eigenvalue of modulus > 1.
    let mut r = runner("dirac-gan", &[("loss", "wgan"), ("update", "alt"), ("h", "2.2")]);
    r.step(5000);
    assert!(r.diverged_at().is_some(), "alternating h = 2.2 did not diverge");
    check_diverged_report(&r);
}

fn check_diverged_report(r: &Runner) {
    let rep = r.report_json();
    assert_eq!(rep["status"], "diverged");
    let text = rep.to_string();
    assert!(!text.contains("NaN") && !text.contains("inf"), "non-finite report: {text}");
    for (w, h) in [(800, 450), (360, 470)] {
        let svg = render::svg(r, w, h, &Theme::light(1.0)).expect("render");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{}: non-finite SVG at {w}x{h}", r.panel().id());
    }
}

// ---------------------------------------------------------------------------------------------------------
// Dirac-IGN, theory §3 and §5
// ---------------------------------------------------------------------------------------------------------

fn problem(lr: f64, li: f64, lt: f64, x0: f64, mean: f64, std: f64) -> Problem {
    Problem { lambda: Coeffs { rec: lr, idem: li, tight: lt }, x0, mom: Moments::normal(mean, std), clamp: false }
}

/// The three IGN losses written out with explicit frozen copies, averaged over a sample `zs`.
/// `(a, b)` carry gradient; `(fa, fb)` are the frozen copies (θ' in the paper).
fn losses(a: f64, b: f64, fa: f64, fb: f64, x0: f64, zs: &[f64]) -> [f64; 3] {
    let n = zs.len() as f64;
    let rec = (a * x0 + b - x0).powi(2);
    // L_idem = D(f_{θ'}(f_θ(z)), f_θ(z)): inner f live, outer frozen.
    let idem = zs.iter().map(|z| {
        let y = a * z + b;
        (fa * y + fb - y).powi(2)
    });
    // L_tight = −D(f_θ(f_{θ'}(z)), f_{θ'}(z)): outer f live, its input detached.
    let tight = zs.iter().map(|z| {
        let y = fa * z + fb;
        -(a * y + b - y).powi(2)
    });
    [rec, idem.sum::<f64>() / n, tight.sum::<f64>() / n]
}

/// §5: the closed-form expected gradient equals the finite-difference gradient of the three stop-gradient
/// losses on a large sample of z with the matching sample moments (and the clamp factor likewise).
#[test]
fn ign_closed_form_gradient_matches_finite_differences() {
    let mut r = rng::stream(7, 99);
    let cases = [
        (0.3, 0.8, 1.0, 0.0, 1.0),
        (-0.7, 1.9, 2.0, 0.5, 0.7),
        (1.2, -0.4, -1.5, -1.0, 2.0),
        (0.0, 1.0, 1.0, 0.0, 1.0),
    ];
    for (a, b, x0, mean, std) in cases {
        let zs: Vec<f64> = (0..20_000).map(|_| mean + std * rng::normal(&mut r)).collect();
        let mom = Moments::of(&zs);
        let g = grad_terms(a, b, x0, &mom);
        let eps = 1e-5;
        for (k, gk) in g.iter().enumerate() {
            let fa = (losses(a + eps, b, a, b, x0, &zs)[k] - losses(a - eps, b, a, b, x0, &zs)[k]) / (2.0 * eps);
            let fb = (losses(a, b + eps, a, b, x0, &zs)[k] - losses(a, b - eps, a, b, x0, &zs)[k]) / (2.0 * eps);
            let scale = 1.0 + fa.abs() + fb.abs();
            assert!(
                (gk.0 - fa).abs() <= 1e-6 * scale && (gk.1 - fb).abs() <= 1e-6 * scale,
                "term {k} at ({a}, {b}), x0={x0}: closed form {gk:?}, finite differences ({fa}, {fb})"
            );
        }
        // The clamp: L ← tanh(T/(cR))·cR with R = mean (f'(z) − z)² detached; its gradient is the tight
        // gradient times sech²(a²/c).
        let rr = zs.iter().map(|z| (a * z + b - z).powi(2)).sum::<f64>() / zs.len() as f64;
        let clamped = |aa: f64, bb: f64| {
            let t = losses(aa, bb, a, b, x0, &zs)[2];
            (t / (CLAMP_C * rr)).tanh() * CLAMP_C * rr
        };
        let fa = (clamped(a + eps, b) - clamped(a - eps, b)) / (2.0 * eps);
        let fb = (clamped(a, b + eps) - clamped(a, b - eps)) / (2.0 * eps);
        let s = clamp_factor(a);
        let scale = 1.0 + fa.abs() + fb.abs();
        assert!(
            (s * g[2].0 - fa).abs() <= 1e-6 * scale && (s * g[2].1 - fb).abs() <= 1e-6 * scale,
            "clamp at ({a}, {b}): closed form ({}, {}), finite differences ({fa}, {fb})",
            s * g[2].0,
            s * g[2].1
        );
    }
}

/// §3: the analytic H at the ideal point matches a finite-difference Jacobian of G, `det H = 4λ_rλ_i E(z − x₀)²`
/// for random parameters, and the panel's general Jacobian (used to classify every fixed point) matches
/// finite differences everywhere, clamp included.
#[test]
fn ign_jacobian_at_ideal_point_and_determinant() {
    let mut r = rng::stream(3, 5);
    let mut u = |lo: f64, hi: f64| lo + (hi - lo) * rng::uniform(&mut r);
    for _ in 0..200 {
        let mut p = problem(u(0.0, 3.0), u(0.0, 3.0), u(0.0, 5.0), u(-3.0, 3.0), u(-2.0, 2.0), u(0.1, 3.0));
        let (ia, ib) = p.ideal();
        let (ga, gb) = p.grad(ia, ib);
        assert!(ga == 0.0 && gb == 0.0, "ideal point is not fixed: {ga}, {gb}");
        let fd = fd_jacobian(|a, b| p.grad(a, b), ia, ib, 1e-5);
        mat_close("H at ideal", &p.ideal_h(), &fd, 1e-6);
        let Coeffs { rec, idem, .. } = p.lambda;
        let want = 4.0 * rec * idem * (p.mom.m2 - 2.0 * p.x0 * p.mom.m1 + p.x0 * p.x0);
        let det = p.ideal_h().determinant();
        assert!(
            (det - want).abs() <= 1e-10 * (1.0 + want.abs() + p.ideal_h().abs().max().powi(2)),
            "det H {det} vs {want}"
        );
        for clamp in [false, true] {
            p.clamp = clamp;
            let (a, b) = (u(-2.0, 3.0), u(-4.0, 4.0));
            let fd = fd_jacobian(|a, b| p.grad(a, b), a, b, 1e-5);
            mat_close(&format!("∂G at ({a}, {b}) clamp={clamp}"), &p.jacobian_g(a, b), &fd, 1e-6);
        }
        // The clamp leaves the ideal point's Jacobian unchanged (sech² is 1 with zero slope at a = 0).
        let fd = fd_jacobian(|a, b| p.grad(a, b), ia, ib, 1e-5);
        mat_close("H at ideal with clamp", &p.ideal_h(), &fd, 1e-6);
    }
    // At the defaults H = [[2 + 2 − 0.2, 2], [2 − 2.2, 2]] by hand, so J's eigenvalues are
    // −2.9 ± sqrt(2.9² − 8) = −2.9 ± 0.640…: a stable node.
    let m = run_metrics("dirac-ign", &[], 0);
    let s = (2.9f64 * 2.9 - 8.0).sqrt();
    close("eig1_re", num(&m, "eig1_re"), -2.9 + s, 1e-13);
    close("eig2_re", num(&m, "eig2_re"), -2.9 - s, 1e-13);
    assert_eq!((num(&m, "eig1_im"), num(&m, "eig2_im")), (0.0, 0.0));
    // Su's unit coefficients: H = [[2, 2], [−2, 2]], eigenvalues of J −2 ± 2i (a stable spiral: the game rotates).
    let m = run_metrics("dirac-ign", &[("lambda_tight", "1")], 0);
    for (k, v) in [("eig1_re", -2.0), ("eig1_im", 2.0), ("eig2_re", -2.0), ("eig2_im", -2.0)] {
        close(k, num(&m, k), v, 1e-13);
    }
}

/// §3 Hopf: λ_t* = [λ_r(1 + x₀²) + λ_i(m₂ − x₀m₁)] / [x₀(x₀ − m₁)]; at it the eigenvalues are
/// ±2i sqrt(λ_rλ_i E(z − x₀)²); GD with small h converges just below and spirals out just above; and under GD
/// the discrete threshold `Re λ < −h|λ|²/2` comes slightly earlier.
#[test]
fn ign_hopf_threshold_separates_convergence_from_divergence() {
    // Defaults x₀ = 1, z ~ N(0, 1): λ_t* = (1·2 + 1·1)/(1·1) = 3, eigenvalues ±2√2 i there.
    let m = run_metrics("dirac-ign", &[], 0);
    close("hopf at defaults", num(&m, "hopf_lambda_tight"), 3.0, 1e-15);
    let m = run_metrics("dirac-ign", &[("lambda_tight", "3")], 0);
    assert!(num(&m, "eig1_re").abs() < 1e-12, "Re λ at λ_t* = {}", num(&m, "eig1_re"));
    close("Im λ at λ_t*", num(&m, "eig1_im"), 2.0 * 2f64.sqrt(), 1e-13);

    // Random parameters: the trace changes sign at λ_t*, and the eigenvalues there match the formula.
    let mut r = rng::stream(11, 2);
    let mut u = |lo: f64, hi: f64| lo + (hi - lo) * rng::uniform(&mut r);
    let mut found = 0;
    for _ in 0..300 {
        let p = problem(u(0.1, 3.0), u(0.1, 3.0), 0.0, u(-3.0, 3.0), u(-2.0, 2.0), u(0.1, 3.0));
        let (x0, m1, m2) = (p.x0, p.mom.m1, p.mom.m2);
        let (lr, li) = (p.lambda.rec, p.lambda.idem);
        let num_ = lr * (1.0 + x0 * x0) + li * (m2 - x0 * m1);
        let den = x0 * (x0 - m1);
        match p.hopf_threshold() {
            Some(t) => {
                found += 1;
                close("λ_t*", t, num_ / den, 1e-14);
                let at = |lt: f64| Problem { lambda: Coeffs { tight: lt, ..p.lambda }, ..p };
                let tr = |lt: f64| -at(lt).ideal_h().trace();
                assert!(tr(t * 0.99) < 0.0 && tr(t * 1.01) > 0.0, "trace does not change sign at {t}");
                let e = eigs(&(-at(t).ideal_h()));
                let w = 2.0 * (lr * li * p.mom.dist2_to(x0)).sqrt();
                assert!(e[0].0.abs() < 1e-9 * w && (e[0].1.abs() - w).abs() < 1e-9 * w, "eigenvalues {e:?} vs ±{w}i");
            }
            None => {
                // No threshold: either tightness adds damping (den ≤ 0) or the point is unstable for all λ_t ≥ 0.
                assert!(den <= 0.0 || num_ <= 0.0, "missing threshold for {p:?}");
            }
        }
    }
    assert!(found > 100, "only {found} random cases had a threshold");
    // Null where no threshold exists: x₀ = 0.5 with noise mean 1 gives x₀(x₀ − m₁) < 0.
    let m = run_metrics("dirac-ign", &[("x0", "0.5"), ("z_mean", "1")], 0);
    assert_eq!(m.get("hopf_lambda_tight"), Some(&Json::Null));

    // GD (h = 0.01) from next to the ideal point: just below λ_t* converges, just above spirals out and
    // diverges. At λ_t = 2.9, Re λ = −0.1 and |λ|² = det = 8, so |1 + hλ|² ≈ 1 − 2·0.001 + 8e-4 < 1.
    let start = [("a0", "0.01"), ("b0", "1.01")];
    let below = run_metrics("dirac-ign", &[&start[..], &[("lambda_tight", "2.9")]].concat(), 50_000);
    assert!(num(&below, "dist_to_ideal") < 1e-9, "λ_t = 2.9: d = {}", num(&below, "dist_to_ideal"));
    assert!(num(&below, "rate_predicted") < 1.0);
    let mut above = runner("dirac-ign", &[&start[..], &[("lambda_tight", "3.1")]].concat());
    above.step(50_000);
    assert!(above.diverged_at().is_some(), "λ_t = 3.1 did not diverge");
    check_diverged_report(&above);

    // The discrete threshold: with h = 0.05, Re λ = −(3 − λ_t) must be below −h|λ|²/2 = −0.2, i.e. λ_t < 2.8.
    let run = |lt: &str| {
        let mut r = runner("dirac-ign", &[&start[..], &[("lambda_tight", lt), ("h", "0.05")]].concat());
        r.step(20_000);
        r
    };
    let stable = run("2.7");
    assert!(stable.diverged_at().is_none() && stable.metrics_json()["dist_to_ideal"].as_f64().unwrap() < 1e-6);
    assert!(stable.metrics_json()["rate_predicted"].as_f64().unwrap() < 1.0);
    let unstable = run("2.9");
    assert!(
        unstable.diverged_at().is_some(),
        "h = 0.05, λ_t = 2.9 (below λ_t*, above the discrete threshold) did not diverge"
    );
}

/// §3: the identity (1, 0) is a fixed point with `J = −2(λ_r v vᵀ − λ_t M)`; a saddle when
/// `λ_t Var z < λ_r E(z − x₀)²` (the defaults and Su's unit coefficients), otherwise a source.
#[test]
fn ign_identity_is_a_saddle() {
    for (lt, saddle) in [(0.1, true), (1.0, true), (1.9, true), (2.1, false), (3.0, false)] {
        // x₀ = 1, z ~ N(0, 1): Var z = 1, E(z − x₀)² = 2, so the condition is λ_t < 2 at λ_r = 1.
        let p = problem(1.0, 1.0, lt, 1.0, 0.0, 1.0);
        assert_eq!(p.grad(1.0, 0.0), (0.0, 0.0));
        let v = nalgebra::Vector2::new(p.x0, 1.0);
        let mm = Matrix2::new(p.mom.m2, p.mom.m1, p.mom.m1, 1.0);
        let h_id = (v * v.transpose() * p.lambda.rec - mm * p.lambda.tight) * 2.0;
        mat_close("H at identity", &p.jacobian_g(1.0, 0.0), &h_id, 1e-14);
        let e = eigs(&(-h_id));
        assert!(e[0].1 == 0.0 && e[0].0 > 0.0, "λ_t={lt}: the larger eigenvalue {:?} must be positive", e[0]);
        assert_eq!(e[1].0 < 0.0, saddle, "λ_t={lt}: eigenvalues {e:?}");
        // The fixed-point search reports it with the same classification.
        let set = p.fixed_points((-1.0, 2.0), (-2.0, 2.5));
        let id = set.points.iter().find(|f| f.a == 1.0 && f.b == 0.0).expect("identity not reported");
        assert_eq!(id.kind, if saddle { FixedKind::Saddle } else { FixedKind::Unstable }, "λ_t={lt}");
    }
}

/// §3: at the defaults a second, spurious stable equilibrium exists with a slightly above 1 and b slightly
/// below 0; with x₀ = 0 it sits exactly at `(λ_i/(λ_i − λ_t), 0)`. GD started beyond the identity reaches it.
#[test]
fn ign_spurious_expanding_equilibrium() {
    let p = problem(1.0, 1.0, 0.1, 1.0, 0.0, 1.0);
    let set = p.fixed_points((-1.0, 2.5), (-2.5, 2.5));
    let spurious: Vec<_> = set.points.iter().filter(|f| f.a > 1.0 && f.kind.is_stable()).collect();
    assert_eq!(spurious.len(), 1, "fixed points: {:?}", set.points);
    let s = spurious[0];
    assert!(s.a < 1.5 && s.b < 0.0 && s.b > -0.5, "spurious point at ({}, {})", s.a, s.b);
    let (ga, gb) = p.grad(s.a, s.b);
    assert!(ga.abs() < 1e-12 && gb.abs() < 1e-12, "G = ({ga}, {gb}) at the reported point");
    // The ideal point is reported first, as a stable node.
    assert_eq!((set.points[0].a, set.points[0].b, set.points[0].kind), (0.0, 1.0, FixedKind::StableNode));
    // GD from (1.3, −0.3) (the far side of the identity's stable manifold) converges to it.
    let mut run = Ign::new(IgnConfig { problem: p, ..IgnConfig::defaults(1.3, -0.3) }, 1);
    for _ in 0..20_000 {
        run.step();
    }
    assert!((run.a - s.a).abs() < 1e-9 && (run.b - s.b).abs() < 1e-9, "GD ended at ({}, {})", run.a, run.b);

    // x₀ = 0: exactly (λ_i/(λ_i − λ_t), 0) for λ_t < λ_i.
    for (li, lt) in [(1.0, 0.1), (2.0, 0.5), (1.0, 0.6)] {
        let p = problem(1.0, li, lt, 0.0, 0.0, 1.0);
        let a_star = li / (li - lt);
        let (ga, gb) = p.grad(a_star, 0.0);
        assert!(ga.abs() < 1e-12 && gb.abs() < 1e-12, "G({a_star}, 0) = ({ga}, {gb})");
        let set = p.fixed_points((-1.0, 3.0), (-2.0, 2.0));
        let found = set.points.iter().find(|f| (f.a - a_star).abs() < 1e-9 && f.b.abs() < 1e-9);
        let f = found.unwrap_or_else(|| panic!("λ_i={li} λ_t={lt}: ({a_star}, 0) not found in {:?}", set.points));
        assert!(f.kind.is_stable(), "({a_star}, 0) is {:?}", f.kind);
    }

    // Su's unit coefficients make the b-equation void on the column a = 1 (D(a) = (a − 1)², and at a = 1
    // G_a(1, b) = 2b(λ_r x₀ − λ_t m₁ − λ_t b)), so besides the identity (1, x₀ − m₁) = (1, 1) is fixed.
    let p = problem(1.0, 1.0, 1.0, 1.0, 0.0, 1.0);
    assert_eq!(p.grad(1.0, 1.0), (0.0, 0.0));
    let set = p.fixed_points((-1.0, 2.5), (-2.0, 2.5));
    assert!(set.points.iter().any(|f| (f.a - 1.0).abs() < 1e-9 && (f.b - 1.0).abs() < 1e-9), "{:?}", set.points);
    // Every reported point is a zero of G.
    for f in &set.points {
        let (ga, gb) = p.grad(f.a, f.b);
        assert!(ga.hypot(gb) < 1e-9, "({}, {}) is not fixed: G = ({ga}, {gb})", f.a, f.b);
    }
}

/// The ideal point is a fixed point for every minibatch (all three gradients vanish at a = 0, b = x₀ whatever
/// the moments), so sampled GD converges to it exactly, not just to a noisy neighbourhood. Adam gets there
/// too, to within its step size.
#[test]
fn ign_sampled_and_adam_reach_the_ideal_point() {
    let m = run_metrics("dirac-ign", &[("gradient", "sampled"), ("batch", "16")], 5000);
    assert!(num(&m, "dist_to_ideal") < 1e-12, "sampled: d = {}", num(&m, "dist_to_ideal"));
    let m = run_metrics("dirac-ign", &[("optimizer", "adam"), ("h", "0.01")], 5000);
    assert!(num(&m, "dist_to_ideal") < 0.05, "adam: d = {}", num(&m, "dist_to_ideal"));
    assert_eq!(m.get("rate_predicted"), Some(&Json::Null));
    // Same seed, same sampled run; a different seed, a different path.
    let run = |seed| {
        let mut r = runner("dirac-ign", &[("gradient", "sampled")]);
        r.set_seed(seed);
        r.step(50);
        r.metrics_json()
    };
    assert_eq!(run(4), run(4));
    assert_ne!(run(4), run(5));
}

/// Divergent IGN settings end with the diverged status: a large step for stiff parameters (x₀ = 3 makes the
/// fast eigenvalue of J about −17.9, so GD needs h < 2/17.9 ≈ 0.11) and tightness beyond the threshold.
#[test]
fn ign_divergent_settings_end_diverged() {
    let mut r = runner("dirac-ign", &[("x0", "3"), ("h", "0.2"), ("a0", "0.1"), ("b0", "3")]);
    assert!(r.metrics_json()["rate_predicted"].as_f64().unwrap() > 1.0);
    r.step(20_000);
    assert!(r.diverged_at().is_some(), "x0 = 3, h = 0.2 did not diverge");
    check_diverged_report(&r);
    let mut r = runner("dirac-ign", &[("lambda_tight", "5")]);
    r.step(20_000);
    assert!(r.diverged_at().is_some(), "λ_t = 5 did not diverge");
    check_diverged_report(&r);
}
