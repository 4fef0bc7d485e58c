//! Closed-form catch-up of embedding rows whose token is absent (an implementation device, not the optimiser
//! remedy called "lazy updates").
//!
//! While a token is absent its row gets a zero gradient, so the optimiser update is deterministic: the
//! momentum decays geometrically and, under Tiger/Lion, the sign step and weight decay are fixed while the
//! momentum's sign is fixed. The model therefore stores each row as it was right after the step that last
//! touched it (its *anchor*) and evaluates the row at any later step with the formulas below, instead of
//! updating every row on every step.
//!
//! Why closed forms and not an exact per-step catch-up loop (derived and measured, see the panel report):
//! an f32 iteration `x ← fl(f(x))` has no closed form that reproduces its rounding bit for bit, and an exact
//! per-step loop run when a row is next read costs, summed over a run, as much as updating every row on every
//! step: a row of rank i is touched with probability q_i ≈ B p_i per step, and its catch-up then costs its
//! gap ≈ min(1/q_i, t) steps, so the expected catch-up work per step is Σ_i min(1, q_i t) → V. At V = 100 000,
//! d = 16 that loop measured 3–5 ms per step in wasm. The formulas here cost O(d) per read, independent of the
//! gap. (Gaps of at most `model::EXACT_GAP` steps, the most common ones, are still caught up by the loop
//! itself: for them it is no slower than these formulas, and exact.) They are exact in real arithmetic for the constant learning rate, evaluated in f64 and rounded to
//! f32 once; the result differs from the per-step f32 loop by rounding only. The per-row RMS rule is solved
//! in its continuous-time limit (error O(α) relative, see [`rms_segment`]); AdamW's decaying drift is summed
//! as a geometric series (see [`adam_theta`]). The f32 facts the theory is about are kept exactly: without
//! flush-to-zero the momentum sticks at a subnormal multiple of 2⁻¹⁴⁹ and never reaches 0 ([`stuck_value`]);
//! with flush-to-zero it becomes 0 at the step where `β^k |m|` drops below `f32::MIN_POSITIVE`
//! ([`zero_step`]). `tests/theory_lion.rs` compares these formulas with the per-step f32 loop.

/// The largest row width the closed forms handle (the `dim` parameter's maximum).
pub const MAX_DIM: usize = 32;

/// The smallest positive subnormal f32, 2⁻¹⁴⁹.
pub const TINY: f64 = 1.401_298_464_324_817e-45;

/// `x^n` by binary exponentiation: plain IEEE multiplications, so the result is the same natively and in
/// WebAssembly (unlike `exp`/`ln`, whose last bits depend on the platform's libm).
pub fn powu(x: f64, mut n: u64) -> f64 {
    let mut base = x;
    let mut acc = 1.0;
    while n > 0 {
        if n & 1 == 1 {
            acc *= base;
        }
        base *= base;
        n >>= 1;
    }
    acc
}

/// The subnormal value at which repeated `m ← fl(β·m)` in f32 sticks (theory §2): the largest multiple
/// `j·2⁻¹⁴⁹` with `fl(β·j·2⁻¹⁴⁹) = j·2⁻¹⁴⁹`. Below it every subnormal is a fixed point as well, because
/// `round(β j) = j` exactly when `(1 − β) j < ½`. Found with real f32 arithmetic, not from the formula.
pub fn stuck_value(beta: f32) -> f64 {
    // (1 − β) j < ½ gives j < 1/(2(1 − β)); search a little above that bound downwards.
    let bound = (0.5 / (1.0 - beta as f64)).ceil().clamp(1.0, 8_388_000.0) as u32 + 2;
    let mut j = bound;
    while j > 0 {
        let x = f32::from_bits(j); // the subnormal j·2⁻¹⁴⁹
        if beta * x == x {
            return j as f64 * TINY;
        }
        j -= 1;
    }
    0.0
}

/// With flush-to-zero, the first step `k ≥ 1` at which `β^k a` falls below `f32::MIN_POSITIVE`, so that
/// the decayed momentum is flushed to 0 (`a > 0` is the magnitude at the anchor). `u64::MAX` if `a` is 0.
pub fn zero_step(a: f64, beta: f64) -> u64 {
    let min = f32::MIN_POSITIVE as f64;
    if a <= 0.0 || a.is_nan() {
        return 0;
    }
    if a < min {
        return 1;
    }
    // A guess from logarithms, then corrected with `powu` so the answer agrees with `decay` exactly.
    let guess = ((a / min).ln() / -beta.ln()).ceil().clamp(1.0, 1e15) as u64;
    let mut k = guess.max(1);
    while a * powu(beta, k) >= min {
        k += 1;
    }
    while k > 1 && a * powu(beta, k - 1) < min {
        k -= 1;
    }
    k
}

/// The momentum (or Adam's second moment) `k` absent steps after the anchor value `x`:
/// `β^k x` rounded to f32, except that without flush-to-zero it never decays below the f32 sticking
/// value, and with flush-to-zero it is 0 from [`zero_step`] on. `beta_k` is `powu(β, k)`, computed once per
/// row by the caller.
pub fn decay(x: f32, beta: f32, stuck: f64, k: u64, ftz: bool, beta_k: f64) -> f32 {
    if k == 0 || x == 0.0 {
        return x;
    }
    let a = (x as f64).abs();
    let b = beta as f64;
    if ftz {
        if k >= zero_step(a, b) {
            return 0.0;
        }
        return (x as f64 * beta_k) as f32;
    }
    if a <= stuck {
        return x; // already at a fixed point of fl(β·m)
    }
    let v = (a * beta_k).max(stuck);
    (v.copysign(x as f64)) as f32
}

/// Sign as NumPy/TF define it: 0 for ±0 (unlike `f32::signum`, which returns ±1 there).
///
/// Written without branches (the signs of momenta are as good as random, so a branch would mispredict and
/// would keep the loops that use it from vectorising); NaN gives 0.
#[inline]
pub fn sign(x: f32) -> f32 {
    ((x > 0.0) as i32 - (x < 0.0) as i32) as f32
}

/// Tiger/Lion with a constant learning rate `eta`, one coordinate: `k` steps of
/// `θ ← θ − η(s + λθ)` with a fixed sign `s`, exactly in real arithmetic:
/// `θ_k = −s/λ + (θ₀ + s/λ)(1 − ηλ)^k` (theory §2), or `θ₀ − kηs` when λ = 0.
pub fn const_theta(theta: f64, s: f64, eta: f64, lambda: f64, k: u64) -> f64 {
    if k == 0 {
        return theta;
    }
    if lambda == 0.0 {
        return theta - k as f64 * eta * s;
    }
    let q = powu(1.0 - eta * lambda, k);
    -s / lambda + (theta + s / lambda) * q
}

/// Tiger/Lion with the per-row RMS learning rate `η = α·RMS(θ)` and λ > 0: `k` steps with the fixed sign
/// vector `s` (entries −1, 0 or 1), in place.
///
/// Derivation. `θ + s/λ` is multiplied by `(1 − λη)` each step, so `θ_k = −s/λ + u_k w` with `w = θ₀ + s/λ`
/// and a scalar `u_k` (`u₀ = 1`) obeying `u_{k+1} = u_k (1 − λα r(u_k))`, where
/// `r(u)² = mean(u w − s/λ)² = a u² + b u + c`, `a = mean w²`, `b = −(2/λ) mean(s w)`, `c = mean s²/λ²`.
/// In continuous time `du/dk = −λα u r(u)`, and `∫ du/(u r(u))` is elementary for `c > 0`:
/// with `Y(u) = (2c + b u + 2√c r(u))/u`, `Y(u_k) = Y(1) e^{λα√c k}`, which inverts to
/// `u_k = 4c z / ((1 − b z)² − 4ac z²)` with `z = 1/Y(u_k)` (check: `u = 1` at `k = 0`). When every sign
/// is 0, `r = √a u` and `u_k = 1/(1 + λα√a k)`. The discrete map differs from this flow by
/// `O((λαr)²)` per step; summed over a trajectory that changes `ln u` by `L` this is a relative error of
/// about `α L/2`, i.e. well under 1 % at α = 1e-3 (tested against the f32 loop).
#[inline(always)]
pub fn rms_segment(theta: &mut [f64], s: &[f64], alpha: f64, lambda: f64, k: u64) {
    let d = theta.len() as f64;
    if k == 0 || theta.is_empty() {
        return;
    }
    let n = theta.len().min(MAX_DIM);
    let mut wbuf = [0.0f64; MAX_DIM];
    let w = &mut wbuf[..n];
    // For s in {−1, 0, 1}, s·(1/λ) is exactly s/λ (both are ±RN(1/λ) or 0) and saves a division per entry.
    let inv_lambda = 1.0 / lambda;
    // All four sums in one pass, each accumulated in index order from −0.0 (as `Iterator::sum` does).
    let (mut ss, mut ww, mut ws, mut tt) = (-0.0f64, -0.0f64, -0.0f64, -0.0f64);
    for ((w, t), s) in w.iter_mut().zip(&theta[..n]).zip(&s[..n]) {
        *w = t + s * inv_lambda;
        ss += s * s;
        ww += *w * *w;
        ws += *w * s;
        tt += t * t;
    }
    let c = ss / d / (lambda * lambda);
    let r1 = tt / d;
    if c == 0.0 {
        let u = 1.0 / (1.0 + lambda * alpha * r1.sqrt() * k as f64);
        theta.iter_mut().for_each(|x| *x *= u);
        return;
    }
    let a = ww / d;
    let b = -2.0 / lambda * ws / d;
    let sc = c.sqrt();
    let y1 = 2.0 * c + b + 2.0 * sc * r1.sqrt();
    let z = (-lambda * alpha * sc * k as f64).exp() / y1;
    let den = (1.0 - b * z).powi(2) - 4.0 * a * c * z * z;
    let mut u = 4.0 * c * z / den;
    if !(y1 > 0.0 && den > 0.0 && u.is_finite() && (0.0..=1.0 + 1e-9).contains(&u)) {
        // Degenerate row (w parallel to s, so r can reach 0): iterate the exact scalar recurrence instead.
        // It stops early once u no longer changes (its fixed point), which bounds the cost in practice.
        u = 1.0;
        for _ in 0..k.min(10_000_000) {
            let r = (a * u * u + b * u + c).max(0.0).sqrt();
            let next = u * (1.0 - lambda * alpha * r);
            if next == u {
                break;
            }
            u = next;
        }
    }
    let u = u.clamp(0.0, 1.0);
    for ((t, w), s) in theta.iter_mut().zip(w.iter()).zip(s) {
        *t = -s * inv_lambda + w * u;
    }
}

/// Rows per call of [`rms_segment_x4`].
pub const ROWS: usize = 4;

/// [`rms_segment`] for four rows of `D` entries at once, each with its own gap `k[l] ≥ 1`: lane `l` of
/// `theta[j]` and `s[j]` is entry `j` of row `l`. Every lane performs exactly the
/// operations of [`rms_segment`] in the same order (the sums in index order from −0.0, the same divisions,
/// square roots and `exp`, the same fallback for a degenerate row), so each row's result is bit for bit the
/// scalar one; only independent rows share the vector instructions. With the lanes innermost, the
/// element-wise loops vectorise across rows (four f64 lanes with AVX2), which the scalar version cannot do:
/// its sums are chains of dependent additions within one row.
#[inline(always)]
pub fn rms_segment_x4<const D: usize>(
    theta: &mut [[f64; ROWS]; D],
    s: &[[f64; ROWS]; D],
    alpha: f64,
    lambda: f64,
    k: [u64; ROWS],
) {
    let n = D;
    if n == 0 {
        return;
    }
    let dn = n as f64;
    let inv_lambda = 1.0 / lambda;
    let mut w = [[0.0f64; ROWS]; D];
    let (mut ss, mut ww, mut ws, mut tt) = ([-0.0f64; ROWS], [-0.0f64; ROWS], [-0.0f64; ROWS], [-0.0f64; ROWS]);
    for j in 0..n {
        let (t, sj, wj) = (&theta[j], &s[j], &mut w[j]);
        for l in 0..ROWS {
            wj[l] = t[l] + sj[l] * inv_lambda;
            ss[l] += sj[l] * sj[l];
            ww[l] += wj[l] * wj[l];
            ws[l] += wj[l] * sj[l];
            tt[l] += t[l] * t[l];
        }
    }
    let kf = k.map(|x| x as f64);
    let (mut a, mut b, mut c, mut r1, mut sc, mut y1, mut e) = (
        [0.0f64; ROWS],
        [0.0f64; ROWS],
        [0.0f64; ROWS],
        [0.0f64; ROWS],
        [0.0f64; ROWS],
        [0.0f64; ROWS],
        [0.0f64; ROWS],
    );
    for l in 0..ROWS {
        c[l] = ss[l] / dn / (lambda * lambda);
        r1[l] = tt[l] / dn;
        a[l] = ww[l] / dn;
        b[l] = -2.0 / lambda * ws[l] / dn;
        sc[l] = c[l].sqrt();
        y1[l] = 2.0 * c[l] + b[l] + 2.0 * sc[l] * r1[l].sqrt();
        e[l] = -lambda * alpha * sc[l] * kf[l];
    }
    // The one call per row that is not plain IEEE arithmetic (the platform's `exp`, as in the scalar version).
    for (l, el) in e.iter_mut().enumerate() {
        *el = if c[l] == 0.0 { 1.0 } else { el.exp() };
    }
    let mut u = [0.0f64; ROWS];
    let mut ok = [true; ROWS];
    for l in 0..ROWS {
        let z = e[l] / y1[l];
        let den = (1.0 - b[l] * z).powi(2) - 4.0 * a[l] * c[l] * z * z;
        let ul = 4.0 * c[l] * z / den;
        ok[l] = y1[l] > 0.0 && den > 0.0 && ul.is_finite() && (0.0..=1.0 + 1e-9).contains(&ul);
        // Every sign 0: θ is scaled by this u instead (selected below).
        let u0 = 1.0 / (1.0 + lambda * alpha * r1[l].sqrt() * kf[l]);
        u[l] = if c[l] == 0.0 { u0 } else { ul };
    }
    for l in 0..ROWS {
        if c[l] != 0.0 && !ok[l] {
            // Degenerate row: the scalar recurrence of [`rms_segment`].
            let mut ul = 1.0f64;
            for _ in 0..k[l].min(10_000_000) {
                let r = (a[l] * ul * ul + b[l] * ul + c[l]).max(0.0).sqrt();
                let next = ul * (1.0 - lambda * alpha * r);
                if next == ul {
                    break;
                }
                ul = next;
            }
            u[l] = ul;
        }
    }
    let zero = c.map(|x| x == 0.0);
    let uc = u.map(|x| x.clamp(0.0, 1.0));
    for j in 0..n {
        let (t, sj, wj) = (&mut theta[j], &s[j], &w[j]);
        for l in 0..ROWS {
            let moved = -sj[l] * inv_lambda + wj[l] * uc[l];
            t[l] = if zero[l] { t[l] * u[l] } else { moved };
        }
    }
}

/// AdamW, one coordinate, `k` absent steps after an anchor at global step `t0` with moments `m`, `v`.
///
/// Each absent step is `θ ← qθ − η u_i` with `q = 1 − ηλ` and `u_i = m̂_i/(√v̂_i + ε)`. With ε ≪ √v̂ and the
/// bias corrections frozen at the first absent step, `u_i = u_1 ρ^{i−1}` with `ρ = β₁/√β₂`, so
/// `θ_k = q^k θ₀ − η u_1 (q^k − ρ^k)/(q − ρ)`. This drift is about 10 η in all (theory §2: Adam's
/// over-update fades like `0.9005^k`); the approximation errs by a fraction of it (early in training, where
/// the second bias correction still changes, by up to a few per cent of it). With flush-to-zero the drift
/// stops at the step where the first moment is flushed (`zero_m`), after which the row only decays.
#[allow(clippy::too_many_arguments)]
pub fn adam_theta(
    theta: f64,
    m: f64,
    v: f64,
    b1: f64,
    b2: f64,
    eps: f64,
    eta: f64,
    lambda: f64,
    t0: u64,
    k: u64,
    zero_m: u64,
) -> f64 {
    if k == 0 {
        return theta;
    }
    let q = 1.0 - eta * lambda;
    let bc1 = 1.0 - powu(b1, t0 + 1);
    let bc2 = 1.0 - powu(b2, t0 + 1);
    let m1 = b1 * m;
    let v1 = b2 * v;
    let u1 = if m1 == 0.0 { 0.0 } else { (m1 / bc1) / ((v1 / bc2).max(0.0).sqrt() + eps) };
    let k1 = k.min(zero_m.saturating_sub(1));
    let rho = b1 / b2.sqrt();
    let (qk, rk) = (powu(q, k1), powu(rho, k1));
    let series =
        if (q - rho).abs() < 1e-12 { k1 as f64 * powu(q, k1.saturating_sub(1)) } else { (qk - rk) / (q - rho) };
    let after = qk * theta - eta * u1 * series;
    after * powu(q, k - k1)
}
