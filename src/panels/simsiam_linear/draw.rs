//! Drawing of the linear SimSiam panel: the embedded data cloud with its covariance ellipse (and the
//! start and predicted final ellipses), the singular values of `W` on a log axis, and the predictor's
//! diagonal against its predicted limit.

use super::model::Variant;
use super::{LinearSim, Sample};
use crate::i18n::T;
use crate::plot::axis::{corner_origin, emptiest_corner, mantissa_ticks, time_extent, Corner};
use crate::plot::chart::{fitting, mesh, Axes, Frame};
use crate::plot::draw::{crosses, dashed_line, dots, path_px, polyline, rect_px, text_px};
use crate::plot::legend::{draw_keys, KeyEntry, KEY_ROW};
use crate::plot::{finite, fmt, is_wide, log_range, main_and_two, padded_range, AnyBackend, Area, Theme};
use crate::tr;
use nalgebra::Matrix2;
use plotters::prelude::*;

/// The largest magnitude drawn; larger values (an encoder growing without bound) saturate here so that
/// axis ranges stay finite.
const LIMIT: f64 = 1e100;

/// Draws the whole figure.
pub fn draw(area: &Area<'_>, sim: &LinearSim, theme: &Theme) {
    let wide = is_wide(area, theme.scale);
    let (main, top, bottom) = main_and_two(area, wide, if wide { 0.5 } else { 0.56 });
    cloud_chart(&main, sim, theme, wide);
    sv_chart(&top, sim, theme, wide);
    p_chart(&bottom, sim, theme, wide);
}

/// A short description of a variant for the headline.
fn variant_label(v: Variant, theme: &Theme) -> &'static str {
    theme.t(match v {
        Variant::SimSiam => T::new("SimSiam (stop-grad + predictor)", "SimSiam（停止梯度 + 预测器）"),
        Variant::NoStopGrad => T::new("no stop-grad (predictor kept)", "不停止梯度（保留预测器）"),
        Variant::NoPredictor => T::new("no predictor (P = I, stop-grad)", "无预测器（P = I，停止梯度）"),
        Variant::Byol => T::new("BYOL (EMA target + predictor)", "BYOL（EMA 目标 + 预测器）"),
        Variant::EmaNoPredictor => T::new("EMA target, no predictor", "EMA 目标，无预测器"),
        Variant::FixedPredictor => T::new("fixed random predictor", "固定的随机预测器"),
    })
}

/// What the continuous-time theory says about the spread, in a few words.
fn verdict(sim: &LinearSim, theme: &Theme) -> String {
    let v = sim.model.cfg.variant;
    let rate = |g: f64| tr!(theme.lang, "×{g:.4}/step", "每步 ×{g:.4}");
    match v {
        Variant::Byol => theme
            .t(T::new(
                "theory: fixed point P = λ/(λ+σ²), no closed form for W",
                "理论：不动点 P = λ/(λ+σ²)，W 无闭式解",
            ))
            .to_string(),
        Variant::FixedPredictor => match sim.growth {
            Some(g) if g > 1.0 => {
                tr!(theme.lang, "theory: W grows without bound ({})", "理论：W 无界增长（{}）", rate(g))
            }
            Some(g) if g < 1.0 => tr!(theme.lang, "theory: collapses ({})", "理论：坍缩（{}）", rate(g)),
            _ => theme.t(T::new("theory: neutral", "理论：中性")).to_string(),
        },
        _ => {
            let linear = sim.growth.filter(|g| *g < 1.0).map(|g| format!(" ({})", rate(g))).unwrap_or_default();
            match (sim.pred[0].collapse, sim.pred[1].collapse) {
                (false, false) => theme.t(T::new("theory: spread survives", "理论：散布保持")).to_string(),
                (true, true) => tr!(theme.lang, "theory: collapses to 0{linear}", "理论：坍缩到 0{linear}"),
                (true, false) => theme
                    .t(T::new("theory: mode 1 collapses, mode 2 survives", "理论：模态 1 坍缩，模态 2 保持"))
                    .to_string(),
                (false, true) => theme
                    .t(T::new("theory: mode 2 collapses, mode 1 survives", "理论：模态 2 坍缩，模态 1 保持"))
                    .to_string(),
            }
        }
    }
}

/// The predicted final encoder `diag(|w_j∞|)`, when the theory gives both modes' limits.
fn predicted_w(sim: &LinearSim) -> Option<Matrix2<f64>> {
    match (sim.pred[0].w_inf, sim.pred[1].w_inf) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => Some(Matrix2::new(a, 0.0, 0.0, b)),
        _ => None,
    }
}

/// The `k`-standard-deviation ellipse of the embedding covariance `W X Wᵀ`, as the image of a circle
/// under `k W X^{1/2}`.
fn ellipse(w: &Matrix2<f64>, lambda: [f64; 2], k: f64) -> Vec<(f64, f64)> {
    let (a, b) = (lambda[0].sqrt(), lambda[1].sqrt());
    finite((0..=120).map(|i| {
        let th = i as f64 / 120.0 * std::f64::consts::TAU;
        let (u1, u2) = (k * a * th.cos(), k * b * th.sin());
        (w[(0, 0)] * u1 + w[(0, 1)] * u2, w[(1, 0)] * u1 + w[(1, 1)] * u2)
    }))
}

/// The fixed data cloud mapped through `w`, dropping non-finite points.
fn embed(w: &Matrix2<f64>, sim: &LinearSim) -> Vec<(f64, f64)> {
    finite(sim.cloud.iter().map(|x| {
        let y = w * x;
        (y[0], y[1])
    }))
}

/// The cloud chart's headline: the variant and the gradient mode, then the theory's verdict and the measured
/// spread (on two lines when one is too narrow); returns the top margin in CSS pixels it takes.
fn headline(area: &Area<'_>, sim: &LinearSim, theme: &Theme) -> f64 {
    let m = &sim.model;
    let max_w = area.dim_in_pixel().0.saturating_sub(theme.px(16.0));
    let mode = if m.cfg.sampled {
        tr!(theme.lang, "minibatch B = {}", "小批次 B = {}", m.cfg.batch)
    } else {
        theme.t(T::new("exact gradient", "精确梯度")).to_string()
    };
    let h1 = theme.font(13.0);
    let line1 = fitting(
        area,
        &[
            format!("{} · {}", variant_label(m.cfg.variant, theme), mode),
            variant_label(m.cfg.variant, theme).to_string(),
            m.cfg.variant.name().to_string(),
        ],
        &h1,
        max_w,
    );
    let h2 = theme.font_in(12.0, theme.muted());
    let spread =
        tr!(theme.lang, "spread {} (start {})", "散布 {}（起点 {}）", fmt::short(m.spread()), fmt::short(sim.spread0));
    let full = format!("{spread} · {}", verdict(sim, theme));
    let fits = area.estimate_text_size(&full, &h2).map(|(w, _)| w <= max_w).unwrap_or(true);
    text_px(area, &line1, (theme.dpx(8.0), theme.dpx(6.0)), &h1);
    if fits {
        text_px(area, &full, (theme.dpx(8.0), theme.dpx(24.0)), &h2);
        44.0
    } else {
        text_px(area, &verdict(sim, theme), (theme.dpx(8.0), theme.dpx(24.0)), &h2);
        text_px(area, &spread, (theme.dpx(8.0), theme.dpx(40.0)), &h2);
        58.0
    }
}

/// The cloud chart's key: the embedding now, at the start and (when the theory gives it) at the predicted end.
fn cloud_keys(theme: &Theme, target: Option<Matrix2<f64>>) -> Vec<KeyEntry> {
    let mut entries: Vec<KeyEntry> = vec![
        (theme.t(T::new("Wx now (2-s.d. ellipse)", "当前 Wx（2 倍标准差椭圆）")).to_string(), theme.series(0), false),
        (theme.t(T::new("start W₀x", "起点 W₀x")).to_string(), theme.muted(), false),
    ];
    match target {
        Some(t) if t[(0, 0)] == 0.0 && t[(1, 1)] == 0.0 => {
            entries.push((
                theme.t(T::new("predicted final: 0 (×)", "预测终态：0（×）")).to_string(),
                theme.fg(),
                false,
            ));
        }
        Some(_) => entries.push((theme.t(T::new("predicted final", "预测终态")).to_string(), theme.fg(), true)),
        None => {}
    }
    entries
}

/// The main chart: headline, the cloud `W x` now and at the start, and the 2-s.d. ellipses of `W X Wᵀ`
/// now, at the start and (dashed) at the predicted end, on equal axis scales.
#[inline(never)]
fn cloud_chart(area: &Area<'_>, sim: &LinearSim, theme: &Theme, wide: bool) {
    let m = &sim.model;
    let lambda = m.cfg.lambda;
    let now = embed(&m.w, sim);
    let start = embed(&sim.w_init, sim);
    let target = predicted_w(sim);
    let now_ell = ellipse(&m.w, lambda, 2.0);
    let start_ell = ellipse(&sim.w_init, lambda, 2.0);
    let target_ell = target.map(|w| ellipse(&w, lambda, 2.0));

    // One half-range for both axes covering everything drawn, so shapes are not distorted.
    let mut r = 0.0f64;
    for (x, y) in now.iter().chain(&start).chain(&now_ell).chain(&start_ell).chain(target_ell.iter().flatten()) {
        if x.is_finite() && y.is_finite() {
            r = r.max(x.abs()).max(y.abs());
        }
    }
    // Beyond `LIMIT` (an encoder growing without bound) the picture saturates rather than overflow.
    let r = if r.is_finite() && r > 0.0 { (1.08 * r).min(LIMIT) } else { 1.0 };
    let sat = |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        pts.into_iter().map(|(x, y)| (x.clamp(-LIMIT, LIMIT), y.clamp(-LIMIT, LIMIT))).collect()
    };
    let (now, start, now_ell, start_ell) = (sat(now), sat(start), sat(now_ell), sat(start_ell));
    let target_ell = target_ell.map(sat);

    let top = headline(area, sim, theme);
    let c = theme.series(0);
    let entries = cloud_keys(theme, target);
    // On a narrow figure the plane is too small to give a corner to the key: it goes in rows above the plane.
    let top = if wide {
        top
    } else {
        let key_w = area.dim_in_pixel().0 as i32 - theme.dpx(16.0);
        let y = theme.dpx(top - 2.0);
        let rows = draw_keys(area, theme, &entries, (theme.dpx(8.0), y), key_w);
        top + KEY_ROW * rows as f64
    };

    // Equal data scale on both axes: the longer pixel side's range is stretched.
    let frame = Frame { top, x_labels: 30.0, y_labels: 40.0, ..Frame::MAIN };
    let mut chart = frame.chart_equal(area, theme, (-r, r), (-r, r));
    let (rx, ry) = (chart.x_range().end, chart.y_range().end);
    let axes = Axes {
        x_ticks: if wide { 7 } else { 5 },
        y_ticks: 7,
        x_desc: "(Wx)₁",
        y_desc: "(Wx)₂",
        label_size: 10.0,
        desc_size: 11.0,
        ..Axes::PLAIN
    };
    mesh(&mut chart, theme, axes, &|v| fmt::tick_in(v, rx), &|v| fmt::tick_in(v, ry));

    // The start: faint points and ellipse.
    let faint = theme.muted().mix(0.45);
    dots(&chart, &start, theme.px(1.6), faint.filled());
    polyline(&chart, &start_ell, theme.muted().mix(0.7).stroke_width(theme.px(1.2)));
    // The predicted final ellipse (it may degenerate to a segment when one mode collapses).
    if let Some(ell) = &target_ell {
        if target.is_some_and(|t| t[(0, 0)] == 0.0 && t[(1, 1)] == 0.0) {
            crosses(&chart, &[(0.0, 0.0)], theme.px(6.0), theme.fg().stroke_width(theme.px(1.5)));
        } else {
            dashed_line(&chart, ell, theme.px(6.0), theme.px(4.0), theme.fg().mix(0.85).stroke_width(theme.px(1.5)));
        }
    }
    // The current embedding.
    dots(&chart, &now, theme.px(2.0), c.mix(0.75).filled());
    polyline(&chart, &now_ell, c.stroke_width(theme.px(2.2)));

    if wide {
        // The key goes to the corner of the plane that covers the fewest drawn points.
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let rel = |p: &(f64, f64)| {
            let (x, y) = chart.backend_coord(p);
            (x - xr.start, y - yr.start)
        };
        let pts: Vec<(i32, i32)> =
            now.iter().chain(&start).chain(&now_ell).chain(target_ell.iter().flatten()).map(rel).collect();
        key_column(&chart.plotting_area().strip_coord_spec(), theme, &entries, &pts);
    }
}

/// A compact legend sized to its text, in the corner of a plotting area that covers the fewest of `pts` (pixels
/// relative to the area), the top left on a tie.
fn key_column(area: &Area<'_>, theme: &Theme, entries: &[(String, RGBColor, bool)], pts: &[(i32, i32)]) {
    let style = theme.font(10.0);
    let text_w = entries
        .iter()
        .map(|(l, _, _)| area.estimate_text_size(l, &style).map(|(w, _)| w as i32).unwrap_or(theme.dpx(90.0)))
        .max()
        .unwrap_or(0);
    let line_h = theme.dpx(14.0);
    let box_w = theme.dpx(30.0) + text_w;
    let h = line_h * entries.len() as i32 + theme.dpx(4.0);
    let (pw, ph) = area.dim_in_pixel();
    let rect = ((0, 0), (pw as i32, ph as i32));
    let order = [Corner::TopLeft, Corner::TopRight, Corner::BottomLeft, Corner::BottomRight];
    let corner = emptiest_corner(pts, rect, (box_w, h), theme.dpx(4.0), &order);
    let (x0, y0) = corner_origin(corner, rect, (box_w, h), theme.dpx(4.0));
    rect_px(area, (x0, y0), (x0 + box_w, y0 + h), theme.bg().mix(0.85).filled());
    for (i, (label, color, dashed)) in entries.iter().enumerate() {
        let y = y0 + theme.dpx(9.0) + line_h * i as i32;
        let x = x0 + theme.dpx(4.0);
        segment(area, theme, (x, y), *color, *dashed);
        text_px(area, label, (x + theme.dpx(22.0), y - theme.dpx(6.0)), &style);
    }
}

/// A short solid or dashed key segment starting at `(x, y)`.
fn segment(area: &Area<'_>, theme: &Theme, (x, y): (i32, i32), color: RGBColor, dashed: bool) {
    if dashed {
        let seg = theme.dpx(4.0);
        for k in 0..2 {
            let a = x + k * 2 * seg + k * seg / 2;
            path_px(area, &[(a, y), (a + seg, y)], theme.stroke(color, 2.0));
        }
    } else {
        path_px(area, &[(x, y), (x + theme.dpx(16.0), y)], theme.stroke(color, 2.0));
    }
}

/// A title line and a key (wrapped onto more rows when narrow) above a time-series chart; returns the
/// top margin in CSS pixels that the chart needs below them.
fn header(area: &Area<'_>, theme: &Theme, title: &str, keys: &[(String, RGBColor, bool)]) -> f64 {
    let (w, _) = area.dim_in_pixel();
    text_px(area, title, (theme.dpx(8.0), theme.dpx(4.0)), &theme.font(11.0));
    let kstyle = theme.font_in(10.0, theme.muted());
    let x_start = theme.dpx(8.0);
    let (mut x, mut row) = (x_start, 0);
    for (label, color, dashed) in keys {
        let lw = area.estimate_text_size(label, &kstyle).map(|(w, _)| w as i32).unwrap_or(theme.dpx(30.0));
        let item_w = theme.dpx(20.0) + lw;
        if x > x_start && x + item_w > w as i32 - theme.dpx(4.0) {
            x = x_start;
            row += 1;
        }
        let y = theme.dpx(27.0) + row * theme.dpx(14.0);
        segment(area, theme, (x, y), *color, *dashed);
        text_px(area, label, (x + theme.dpx(20.0), y - theme.dpx(6.0)), &kstyle);
        x += item_w + theme.dpx(10.0);
    }
    if keys.is_empty() {
        22.0
    } else {
        38.0 + 14.0 * row as f64
    }
}

/// The frame of the two time-series charts, below a header `top` CSS pixels tall.
fn side_frame(top: f64) -> Frame {
    Frame { top, margin: 8.0, x_labels: 24.0, y_labels: 44.0, right: 8.0, right_labels: 0.0 }
}

/// The tick counts and label size of the two time-series charts.
fn side_axes(wide: bool) -> Axes<'static> {
    Axes { x_ticks: if wide { 5 } else { 3 }, y_ticks: 5, label_size: 10.0, ..Axes::PLAIN }
}

/// The right end of the time axes: the current time, at least 1.
fn t_max(sim: &LinearSim) -> f64 {
    time_extent(sim.model.time(), 1.0)
}

/// A horizontal dashed reference line across the chart.
fn dashed_level<Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<crate::plot::chart::Axis, Y>>,
    theme: &Theme,
    t1: f64,
    v: f64,
    color: RGBColor,
) {
    dashed_line(chart, &[(0.0, v), (t1, v)], theme.px(6.0), theme.px(4.0), color.mix(0.9).stroke_width(theme.px(1.4)));
}

/// One time series `(t, f(sample))` from the history, finite points only.
fn series_of(sim: &LinearSim, f: impl Fn(&Sample) -> f64) -> Vec<(f64, f64)> {
    finite(sim.hist.items().iter().map(|(_, s)| (s.t, f(s))))
}

/// The log-axis range of the singular-value chart: whole decades when the values span more than two of
/// them, otherwise a tighter range (at least a factor 4) so that slow changes stay visible.
fn sv_range(vals: Vec<f64>) -> (f64, f64) {
    let pos: Vec<f64> = vals.into_iter().filter(|v| v.is_finite() && *v > 0.0).map(|v| v.clamp(1e-30, LIMIT)).collect();
    let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = pos.iter().copied().fold(0.0, f64::max);
    if !lo.is_finite() || hi <= 0.0 {
        return (0.1, 1.0);
    }
    if hi / lo > 100.0 {
        return log_range(pos, 1e-30, (0.1, 1.0));
    }
    let (lo, hi) = (lo / 1.25, hi * 1.25);
    let widen = (4.0 / (hi / lo)).max(1.0).sqrt();
    (lo / widen, hi * widen)
}

/// Tick values for a log axis on `[lo, hi]`: every few decades over wide spans, otherwise
/// [`mantissa_ticks`].
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let decades = (hi / lo).log10();
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    if decades > 2.5 {
        let step = (decades / 5.0).ceil().max(1.0) as i32;
        return (k0..=k1)
            .filter(|k| k.rem_euclid(step) == 0)
            .map(|k| 10f64.powi(k))
            .filter(|v| (lo..=hi).contains(v))
            .collect();
    }
    mantissa_ticks(lo, hi)
}

/// The singular values of `W` and the spread over time on a log axis, with the predicted `|w_j∞|` (or,
/// without a predictor, the exact decay `w0 (1 − ησ²)^k`) dashed.
#[inline(never)]
fn sv_chart(area: &Area<'_>, sim: &LinearSim, theme: &Theme, wide: bool) {
    let (c_max, c_min, c_spread) = (theme.series(0), theme.series(1), theme.fg().mix(0.6));
    let mut preds: Vec<f64> = sim.pred.iter().filter_map(|p| p.w_inf).filter(|v| v.is_finite() && *v > 0.0).collect();
    // At most two values (one per mode): sort them descending by hand, as a stable sort would.
    if preds.len() == 2 && preds[0].total_cmp(&preds[1]).is_lt() {
        preds.swap(0, 1);
    }
    let keys = vec![
        ("s_max".to_string(), c_max, false),
        ("s_min".to_string(), c_min, false),
        (theme.t(T::new("spread", "散布")).to_string(), theme.fg(), false),
        (theme.t(T::new("theory", "理论")).to_string(), theme.muted(), true),
    ];
    // Without a predictor the update is exactly W ← (1 − ησ²) W: draw that geometric decay.
    let exact = match (sim.model.cfg.variant, sim.growth) {
        (Variant::NoPredictor, Some(g)) => Some((sim.model.cfg.w0, g)),
        _ => None,
    };
    let keys = if preds.is_empty() && exact.is_none() { keys[..3].to_vec() } else { keys };
    let top = header(
        area,
        theme,
        if wide {
            theme.t(T::new("singular values of W (log scale) vs t", "W 的奇异值（对数坐标）随 t 变化"))
        } else {
            theme.t(T::new("singular values of W", "W 的奇异值"))
        },
        &keys,
    );
    let mut vals: Vec<f64> = Vec::new();
    for (_, s) in sim.hist.items() {
        vals.extend([s.sv_max, s.sv_min, s.spread]);
    }
    vals.extend(&preds);
    let (lo, hi) = sv_range(vals);
    let t1 = t_max(sim);
    let mut chart = side_frame(top).chart_log_y(area, theme, (0.0, t1), (lo, hi), &log_ticks(lo, hi));
    mesh(&mut chart, theme, side_axes(wide), &fmt::tick, &fmt::tick);
    for (i, v) in preds.iter().enumerate() {
        dashed_level(&mut chart, theme, t1, *v, if i == 0 { c_max } else { c_min });
    }
    let clamp = |v: f64| v.clamp(lo, hi);
    if let Some((w0, g)) = exact {
        let lr = sim.model.cfg.lr;
        let pts: Vec<(f64, f64)> =
            (0..=64).map(|i| t1 * i as f64 / 64.0).map(|t| (t, clamp(w0 * g.powf(t / lr)))).collect();
        dashed_line(&chart, &pts, theme.px(6.0), theme.px(4.0), theme.fg().mix(0.9).stroke_width(theme.px(1.4)));
    }
    polyline(&chart, &series_of(sim, |s| clamp(s.spread)), c_spread.stroke_width(theme.px(1.2)));
    polyline(&chart, &series_of(sim, |s| clamp(s.sv_min)), c_min.stroke_width(theme.px(2.0)));
    polyline(&chart, &series_of(sim, |s| clamp(s.sv_max)), c_max.stroke_width(theme.px(2.0)));
}

/// The predictor's diagonal over time with its predicted limits dashed.
#[inline(never)]
fn p_chart(area: &Area<'_>, sim: &LinearSim, theme: &Theme, wide: bool) {
    let v = sim.model.cfg.variant;
    let (c1, c2) = (theme.series(2), theme.series(3));
    let preds: Vec<Option<f64>> = sim.pred.iter().map(|p| p.p_inf.filter(|x| x.is_finite())).collect();
    let titles = match v {
        Variant::NoPredictor | Variant::EmaNoPredictor => [
            theme.t(T::new("diag(P): P = I, no predictor", "diag(P)：P = I，无预测器")),
            theme.t(T::new("P = I (no predictor)", "P = I（无预测器）")),
        ],
        Variant::FixedPredictor => [
            theme.t(T::new("diag(P): fixed random, never trained", "diag(P)：固定随机，不训练")),
            theme.t(T::new("P: fixed, random", "P：固定随机")),
        ],
        Variant::NoStopGrad => [
            theme.t(T::new("diag(P) vs t; dashed: where P stalls", "diag(P) 随 t 变化；虚线：P 停滞处")),
            theme.t(T::new("diag(P); dashed: theory", "diag(P)；虚线：理论")),
        ],
        _ if sim.pred.iter().any(|p| p.collapse) => [
            theme.t(T::new("diag(P) vs t; dashed: predicted limit", "diag(P) 随 t 变化；虚线：预测极限")),
            theme.t(T::new("diag(P); dashed: theory", "diag(P)；虚线：理论")),
        ],
        _ => [
            theme.t(T::new("diag(P) vs t; dashed: λⱼ/(λⱼ+σ²)", "diag(P) 随 t 变化；虚线：λⱼ/(λⱼ+σ²)")),
            theme.t(T::new("diag(P); dashed: λ/(λ+σ²)", "diag(P)；虚线：λ/(λ+σ²)")),
        ],
    };
    let title = if wide { titles[0] } else { titles[1] };
    let keys = vec![("P₁₁".to_string(), c1, false), ("P₂₂".to_string(), c2, false)];
    let top = header(area, theme, title, &keys);
    let mut vals: Vec<f64> = Vec::new();
    for (_, s) in sim.hist.items() {
        vals.extend([s.p11, s.p22]);
    }
    vals.extend(preds.iter().flatten());
    let (lo, hi) = padded_range(vals, 0.1, (0.0, 1.0));
    let (lo, hi) = (lo.max(-1e6), hi.min(1e6));
    let t1 = t_max(sim);
    let mut chart = side_frame(top).chart(area, theme, (0.0, t1), (lo, hi));
    mesh(&mut chart, theme, side_axes(wide), &fmt::tick, &fmt::tick);
    for (p, c) in preds.iter().zip([c1, c2]) {
        if let Some(p) = p {
            dashed_level(&mut chart, theme, t1, *p, c);
        }
    }
    let clamp = |v: f64| v.clamp(lo, hi);
    polyline(&chart, &series_of(sim, |s| clamp(s.p22)), c2.stroke_width(theme.px(2.0)));
    polyline(&chart, &series_of(sim, |s| clamp(s.p11)), c1.stroke_width(theme.px(2.0)));
}
