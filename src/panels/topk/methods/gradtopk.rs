//! (b) GradTopK `Z_{k,i}/Z_k` (§1b, §2): the panel's scaled DP, the theory's log-space DP, the post's
//! recursion and the covariance Jacobian.

use super::{logaddexp, logsumexp, max_of, order_desc};
use crate::real::Real;

/// GradTopK `p_i = Z_{k,i}/Z_k`: the prefix/suffix DP of §2 with every table entry scaled by its own dominant
/// term, which the panel uses (see [`gradtopk_dp_log`] for the theory's log-space form).
///
/// Why not the log-space tables as written: their entries are logs of elementary symmetric polynomials, of
/// magnitude up to k·(x_max − x_min)/τ, and `p_i = exp(ln Z_{k,i} − ln Z_k)` subtracts two of them. Each carries
/// an absolute rounding error ε·|ln Z|, so p has relative error ε·k·spread/τ: 1e-7 in f64 and a useless
/// 1e1 in f32 at τ = 10⁻⁶ with spread 16 (it returned Σp = 5 for k = 16 in f32). The same DP can instead
/// keep every exponent as a difference of two nearby sorted scores:
///
/// - Sort the scores decreasingly, `z_0 ≥ … ≥ z_{n−1}`, `w_l = e^{z_l}` (never formed).
/// - Prefix `F[j][m] = e_m(w_0..w_{j−1})` is dominated by `w_0⋯w_{m−1}`; `G = F/(w_0⋯w_{m−1})` obeys
///   `G[j][m] = G[j−1][m] + e^{z_{j−1} − z_{m−1}} G[j−1][m−1]`, with `j − 1 ≥ m − 1` so the factor is ≤ 1 and
///   `1 ≤ G ≤ C(n, m)`: no overflow, no cancellation.
/// - Suffix `B[j][m] = e_m(w_j..w_{n−1})` is dominated by `w_j⋯w_{j+m−1}`; `H = B/(w_j⋯w_{j+m−1})` obeys
///   `H[j][m] = e^{z_{j+m} − z_j} H[j+1][m] + H[j+1][m−1]` (first term only when `j + m < n`).
/// - For the item at sorted position r, `Z_{k,i}/Z_k = Σ_m G[r][m] H[r+1][k−1−m] e^{c(r,m)} / G[n][k]` where the
///   scales leave `e^{c} = Π_{t<k−m} w_{r+t}/w_{m+t}`, i.e. `c(r, m) = Σ_{t=0}^{k−m−1} (z_{r+t} − z_{m+t}) ≤ 0`
///   (m ≤ r). Each term is one subset class's share of Z_k, so it is ≤ 1.
///
/// Every exponent is a sum of differences of scores, exact to a few ulps of those differences, so p keeps
/// full relative precision at any τ, in either precision. Cost: 3nk exponentials and O(nk²) additions.
pub fn gradtopk_dp<R: Real>(y: &[R], k: usize) -> Vec<R> {
    let n = y.len();
    if k == 0 || n == 0 {
        return vec![R::ZERO; n];
    }
    if k >= n {
        return vec![R::ONE; n];
    }
    let order = order_desc(y);
    let z: Vec<R> = order.iter().map(|&i| y[i]).collect();
    let w = k + 1;
    // G[j*w + m], j = 0..=n.
    let mut g = vec![R::ZERO; (n + 1) * w];
    g[0] = R::ONE;
    for j in 1..=n {
        g[j * w] = R::ONE;
        for m in 1..=k.min(j) {
            g[j * w + m] = g[(j - 1) * w + m] + (z[j - 1] - z[m - 1]).exp() * g[(j - 1) * w + m - 1];
        }
    }
    // H[j*w + m], j = 0..=n (suffix starting at sorted position j).
    let mut h = vec![R::ZERO; (n + 1) * w];
    h[n * w] = R::ONE;
    for j in (0..n).rev() {
        h[j * w] = R::ONE;
        for m in 1..=k.min(n - j) {
            let keep = if j + m < n { (z[j + m] - z[j]).exp() * h[(j + 1) * w + m] } else { R::ZERO };
            h[j * w + m] = keep + h[(j + 1) * w + m - 1];
        }
    }
    let total = g[n * w + k];
    let mut p = vec![R::ZERO; n];
    for r in 0..n {
        let after = n - 1 - r;
        let m_lo = (k - 1).saturating_sub(after);
        let mut acc = R::ZERO;
        for m in m_lo..=(k - 1).min(r) {
            let mut c = R::ZERO;
            for t in 0..(k - m) {
                c += z[r + t] - z[m + t];
            }
            acc += g[r * w + m] * h[(r + 1) * w + (k - 1 - m)] * c.exp();
        }
        p[order[r]] = acc / total;
    }
    p
}

/// GradTopK `p_i = Z_{k,i}/Z_k` by the log-space prefix/suffix tables of §2 ("Stable GradTopK"), exactly
/// as the theory writes them. Kept as the reference for [`gradtopk_dp`] (the tests compare both with brute-force
/// enumeration).
///
/// `Z_k = e_k(e^{y_1}, …, e^{y_n})`. With `F[j][m] = ln e_m(first j items)` and `B[j][m] = ln e_m(items j..n)`,
/// `ln Z_{k,i} = y_i + ln Σ_m e^{F[i−1][m] + B[i+1][k−1−m]}`. Only sums of positive terms occur, so nothing
/// cancels. The scores are shifted by their maximum first (the result is shift invariant), which keeps every
/// logarithm O(k·spread) and the final differences accurate. Cost O(nk).
pub fn gradtopk_dp_log<R: Real>(y: &[R], k: usize) -> Vec<R> {
    let n = y.len();
    if k == 0 || n == 0 {
        return vec![R::ZERO; n];
    }
    if k >= n {
        return vec![R::ONE; n];
    }
    let top = max_of(y);
    let z: Vec<R> = y.iter().map(|&v| v - top).collect();
    let w = k + 1;
    let ninf = -R::INF;
    // F[j*w + m], j = 0..=n.
    let mut f = vec![ninf; (n + 1) * w];
    f[0] = R::ZERO;
    for j in 1..=n {
        for m in 0..=k.min(j) {
            let keep = f[(j - 1) * w + m];
            let take = if m > 0 { z[j - 1] + f[(j - 1) * w + m - 1] } else { ninf };
            f[j * w + m] = logaddexp(keep, take);
        }
    }
    // B[j*w + m], j = 1..=n+1 (items j..n, 1-based).
    let mut b = vec![ninf; (n + 2) * w];
    b[(n + 1) * w] = R::ZERO;
    for j in (1..=n).rev() {
        for m in 0..=k.min(n + 1 - j) {
            let keep = b[(j + 1) * w + m];
            let take = if m > 0 { z[j - 1] + b[(j + 1) * w + m - 1] } else { ninf };
            b[j * w + m] = logaddexp(keep, take);
        }
    }
    let lz = f[n * w + k];
    let mut terms = Vec::with_capacity(k);
    (1..=n)
        .map(|i| {
            terms.clear();
            for m in 0..k {
                terms.push(f[(i - 1) * w + m] + b[(i + 1) * w + (k - 1 - m)]);
            }
            (z[i - 1] + logsumexp(&terms) - lz).exp()
        })
        .collect()
}

/// GradTopK by the post's recursion (§1b): `ln Z_{j,i} = y_i + ln(Z_{j−1} − Z_{j−1,i})`,
/// `ln Z_j = logsumexp_i ln Z_{j,i} − ln j`, from `ln Z_{1,i} = y_i`.
///
/// We give the recursion every advantage: the scores are shifted by their maximum, and the difference is
/// evaluated as `ln Z_{j−1} + ln1p(−e^{ln Z_{j−1,i} − ln Z_{j−1}})` so that nothing overflows. It still
/// breaks down, because `Z_{j−1} − Z_{j−1,i}` cancels whenever one term dominates (a large spread of `y`,
/// i.e. low temperature, or a large k): the difference rounds to 0 (ln 0 = −∞, the item drops out) or to a
/// negative number (NaN).
pub fn gradtopk_recursion<R: Real>(y: &[R], k: usize) -> Vec<R> {
    let top = max_of(y);
    let z: Vec<R> = y.iter().map(|&v| v - top).collect();
    let mut lz = z.clone();
    let mut big = logsumexp(&lz);
    for j in 2..=k {
        let next: Vec<R> = z.iter().zip(&lz).map(|(&zi, &l)| zi + big + (-(l - big).exp()).ln_1p()).collect();
        lz = next;
        big = logsumexp(&lz) - R::of(j as f64).ln();
    }
    lz.iter().map(|&l| (l - big).exp()).collect()
}

/// Row-major GradTopK Jacobian, the covariance of membership under `P(S) ∝ e^{Σ_{i∈S} y_i}` (§2):
/// `∂p_i/∂y_j = P(i, j ∈ S) − p_i p_j`, diagonal `p_i(1 − p_i)`, with the pair probabilities from
/// `P(i, j ∈ S) = p_j · ST_{k−1}(y without j)_i`. One DP of cost O(nk) per j, O(n²k) in all.
pub fn gradtopk_jacobian<R: Real>(y: &[R], k: usize, p: &[R]) -> Vec<R> {
    let n = y.len();
    let mut jac = vec![R::ZERO; n * n];
    let mut rest = Vec::with_capacity(n.saturating_sub(1));
    for j in 0..n {
        rest.clear();
        rest.extend(y.iter().enumerate().filter(|(i, _)| *i != j).map(|(_, &v)| v));
        let q = if k >= 2 { gradtopk_dp(&rest, k - 1) } else { vec![R::ZERO; rest.len()] };
        let mut qi = q.into_iter();
        for i in 0..n {
            jac[i * n + j] = if i == j {
                p[i] * (R::ONE - p[i])
            } else {
                let pair = p[j] * qi.next().unwrap_or(R::ZERO);
                pair - p[i] * p[j]
            };
        }
    }
    jac
}
