//! Drawing of the smooth Top-k lab: draggable score bars with the threshold, the output over the hard
//! Top-k with its checks, the annealing plot, the Jacobian heat map and the comparison strip.
//!
//! Everything drawn is clamped to its axes, NaN is drawn as a marker (never passed to plotters), and all
//! index arithmetic is bounded by `n`, so no parameter value can make drawing fail or panic.

use super::methods::{order_desc, Method};
use super::model::{recursion_failed, Precision, Row, Snapshot};
use super::TopkSim;
use crate::i18n::T;
use crate::plot::axis::label_budget;
use crate::plot::chart::{fitting, mesh, title as chart_title, Axes, Chart, Frame};
use crate::plot::draw::{crosses, dashed_line, path_px, polyline, rect, rect_px, text_px};
use crate::plot::fmt;
use crate::plot::{is_wide, Area, BarMap, Drawn, PlaneMap, Theme};
use crate::tr;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The frame of the bar charts: a title line above, no x tick labels (the bars are items).
const BARS: Frame = Frame { top: 20.0, margin: 6.0, x_labels: 4.0, y_labels: 34.0, right: 6.0, right_labels: 0.0 };

/// The shared themed mesh for a bar chart: y ticks only (a single, unlabelled x tick puts no grid between bars),
/// as many as the chart's height holds.
fn bar_mesh(chart: &mut Chart<'_, '_>, theme: &Theme) {
    let y_ticks = y_budget(chart, theme);
    mesh(chart, theme, Axes { x_ticks: 1, y_ticks, ..Axes::default() }, &|_| String::new(), &fmt::tick)
}

/// At most five y tick labels, fewer where the plot is too short for them (a capped phone canvas).
fn y_budget(chart: &Chart<'_, '_>, theme: &Theme) -> usize {
    label_budget(5, chart.plotting_area().dim_in_pixel().1 as i32, theme, 15.0)
}

/// Draws the whole figure and returns the pixel maps used for dragging and clicking.
pub fn draw(area: &Area<'_>, sim: &TopkSim, snap: &Snapshot, theme: &Theme) -> Drawn {
    let wide = is_wide(area, theme.scale);
    let (_, h) = area.dim_in_pixel();
    let head_h = theme.px(if wide { 24.0 } else { 40.0 }).min(h / 5);
    let (head, body) = area.split_vertically(head_h);
    headline(&head, sim, snap, theme, wide);
    let (bw, bh) = body.dim_in_pixel();
    let (scores, output, anneal, bottom) = if wide {
        let (left, right) = body.split_horizontally((bw as f64 * 0.46) as u32);
        let (_, lh) = left.dim_in_pixel();
        let (scores, output) = left.split_vertically((lh as f64 * 0.44) as u32);
        let (_, rh) = right.dim_in_pixel();
        let (anneal, bottom) = right.split_vertically((rh as f64 * 0.5) as u32);
        (scores, output, anneal, bottom)
    } else {
        let (scores, rest) = body.split_vertically((bh as f64 * 0.2) as u32);
        let (output, rest) = rest.split_vertically((bh as f64 * 0.25) as u32);
        let (anneal, bottom) = rest.split_vertically((bh as f64 * 0.26) as u32);
        (scores, output, anneal, bottom)
    };
    let (bw2, _) = bottom.dim_in_pixel();
    let (jac, strip) = bottom.split_horizontally((bw2 as f64 * 0.4) as u32);
    let bars = score_chart(&scores, sim, snap, theme);
    output_chart(&output, sim, snap, theme);
    let anneal_map = anneal_chart(&anneal, sim, theme);
    jacobian_map(&jac, sim, snap, theme);
    comparison_strip(&strip, sim, snap, theme);
    Drawn { planes: vec![anneal_map], bars: Some(bars), scale: theme.scale }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/// Linear interpolation between two colours.
fn lerp(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// The smallest of 1, 1.5, 2, 3, 4, 6, 8 × 10^e that is at least `v` (v > 0).
fn nice_ceil(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let e = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0] {
        if m * e >= v * (1.0 - 1e-12) {
            return m * e;
        }
    }
    10.0 * e
}

/// The score axis: from 0 or the negative nice bound to the positive nice bound, so that dragging to the
/// top edge maps to the bound itself and the axis does not run away under the pointer.
fn score_range(x: &[f64]) -> (f64, f64) {
    let lo = x.iter().fold(0.0f64, |m, &v| m.min(v));
    let hi = x.iter().fold(0.0f64, |m, &v| m.max(v));
    let lo = if lo < 0.0 { -nice_ceil(-lo) } else { 0.0 };
    let hi = if hi > 0.0 { nice_ceil(hi) } else { 0.0 };
    if hi - lo <= 0.0 {
        (0.0, 1.0)
    } else {
        (lo, hi)
    }
}

fn item_color(theme: &Theme, in_hard: bool) -> RGBColor {
    if in_hard {
        theme.series(0)
    } else {
        theme.muted()
    }
}

/// The problems of the selected construction, in words, most serious first.
pub fn warnings(sim: &TopkSim, snap: &Snapshot, theme: &Theme) -> Vec<String> {
    let method = sim.lab.cfg.method;
    let tol = sim.lab.cfg.precision.tol();
    let c = &snap.check;
    let mut w = Vec::new();
    if !c.finite {
        w.push(match method {
            Method::GradTopkRecursion => theme
                .t(T::new(
                    "recursion broke down: Z(k−1) − Z(k−1, i) cancels to ≤ 0",
                    "递推崩溃：Z(k−1) − Z(k−1, i) 相消到 ≤ 0",
                ))
                .to_string(),
            Method::SeWeighted => theme
                .t(T::new("SE broke down: every weight underflowed, 0/0", "SE 崩溃：所有权重都下溢，0/0"))
                .to_string(),
            _ => theme.t(T::new("non-finite output", "输出非有限值")).to_string(),
        });
    } else if method == Method::GradTopkRecursion && recursion_failed(snap.recursion_dev) {
        w.push(tr!(
            theme.lang,
            "recursion broke down: off by {} from the stable DP",
            "递推崩溃：与稳定 DP 相差 {}",
            fmt::value(snap.recursion_dev)
        ));
    }
    if c.finite && (c.sum - sim.lab.k as f64).abs() > 1e3 * tol * sim.lab.k as f64 {
        let d = fmt::value(c.sum - sim.lab.k as f64);
        w.push(if method == Method::Sigmoid {
            tr!(theme.lang, "Σp − k = {d}: too few bisection steps for this τ", "Σp − k = {d}：对这个 τ 二分次数太少")
        } else {
            format!("Σp − k = {d}")
        });
    }
    if c.finite && c.max > 1.0 + tol {
        w.push(tr!(theme.lang, "p > 1 (max {})", "p > 1（最大 {}）", fmt::value(c.max)));
    }
    if c.finite && c.min < -tol {
        w.push(tr!(theme.lang, "p < 0 (min {})", "p < 0（最小 {}）", fmt::value(c.min)));
    }
    if c.finite && !c.monotone {
        w.push(theme.t(T::new("order of scores not preserved", "分数顺序未保持")).to_string());
    }
    if let (Method::Smooth, Some(sm)) = (method, snap.softmax.as_ref()) {
        let d = super::model::max_abs_diff(sm, &snap.out.p);
        if d > 1e3 * tol {
            w.push(tr!(
                theme.lang,
                "k = 1 but ≠ softmax (by {}): the post's claim fails",
                "k = 1 但 ≠ Softmax（差 {}）：原文的论断不成立",
                fmt::value(d)
            ));
        }
    }
    if method == Method::SeWeighted && c.finite && snap.se_artefact {
        w.push(
            theme
                .t(T::new(
                    "SE: a weight 1 − p rounded to 0 (underflow artefact)",
                    "SE：权重 1 − p 舍入为 0（下溢造成）",
                ))
                .to_string(),
        );
    }
    w
}

// ---------------------------------------------------------------------------------------------------------
// Panels
// ---------------------------------------------------------------------------------------------------------

fn headline(area: &Area<'_>, sim: &TopkSim, snap: &Snapshot, theme: &Theme, wide: bool) {
    let lab = &sim.lab;
    let n = lab.x.len();
    let clamp_note = if lab.k != lab.cfg.k { theme.t(T::new(" (clamped)", "（已限制）")) } else { "" };
    let src =
        if lab.explicit { theme.t(T::new("x given", "给定的 x")) } else { theme.t(T::new("random x", "随机 x")) };
    let first = format!("{} · {}", method_label(lab.cfg.method, theme), lab.cfg.precision.name());
    let second = tr!(
        theme.lang,
        "k = {}{clamp_note} of n = {n} ({src}) · τ = {}",
        "k = {}{clamp_note}，n = {n}（{src}）· τ = {}",
        lab.k,
        fmt::value(snap.tau)
    );
    let (x0, y0) = (theme.dpx(8.0), theme.dpx(5.0));
    if wide {
        text_px(area, &format!("{first} · {second}"), (x0, y0), &theme.font(13.0));
    } else {
        text_px(area, &first, (x0, y0), &theme.font(13.0));
        text_px(area, &second, (x0, y0 + theme.dpx(17.0)), &theme.font(11.0));
    }
}

fn score_chart(area: &Area<'_>, sim: &TopkSim, snap: &Snapshot, theme: &Theme) -> BarMap {
    let x = &sim.lab.x;
    let n = x.len();
    let (lo, hi) = score_range(x);
    let mut chart = BARS.chart(area, theme, (0.0, n as f64), (lo, hi));
    bar_mesh(&mut chart, theme);
    for (i, &v) in x.iter().enumerate() {
        let c = item_color(theme, snap.hard.get(i).is_some_and(|h| *h > 0.5));
        rect(&chart, (i as f64 + 0.14, 0.0), (i as f64 + 0.86, v.clamp(lo, hi)), c.mix(0.85).filled());
    }
    polyline(&chart, &[(0.0, 0.0), (n as f64, 0.0)], theme.muted().stroke_width(1));
    let mut title =
        theme.t(T::new("scores x (drag a bar; blue = hard Top-k)", "分数 x（拖动条形；蓝色 = 硬 Top-k）")).to_string();
    if let Some(l) = snap.out.lambda {
        let t = l * sim.lab.tau;
        if t.is_finite() {
            let shown = t.clamp(lo, hi);
            dashed_line(
                &chart,
                &[(0.0, shown), (n as f64, shown)],
                theme.px(5.0),
                theme.px(3.0),
                theme.fg().stroke_width(theme.px(1.5)),
            );
            let off = if t > hi {
                theme.t(T::new(" (above)", "（在上方）"))
            } else if t < lo {
                theme.t(T::new(" (below)", "（在下方）"))
            } else {
                ""
            };
            title = tr!(
                theme.lang,
                "scores x; dashed: threshold τλ = {}{off}",
                "分数 x；虚线：阈值 τλ = {}{off}",
                fmt::value(t)
            );
        }
    }
    chart_title(area, theme, &title, 11.0);
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (bx, by) = area.get_base_pixel();
    let (_, ah) = area.dim_in_pixel();
    let _ = bx;
    BarMap { px_x: (xr.start, xr.end), px_y: (yr.start, yr.end), hit_y: (by, by + ah as i32), y: (lo, hi), n }
}

/// The reference drawn as ticks over the output bars, with its name.
fn reference(sim: &TopkSim, snap: &Snapshot, theme: &Theme) -> Option<(&'static str, Vec<f64>)> {
    if sim.lab.cfg.method == Method::GradTopkRecursion {
        let dp = snap.rows.iter().find(|r| r.method == Some(Method::GradTopk))?;
        return Some((theme.t(T::new("stable DP", "稳定 DP")), dp.p.clone()));
    }
    snap.softmax.clone().map(|s| ("softmax", s))
}

fn output_chart(area: &Area<'_>, sim: &TopkSim, snap: &Snapshot, theme: &Theme) {
    let p = &snap.out.p;
    let n = p.len();
    let tol = sim.lab.cfg.precision.tol();
    let c = &snap.check;
    let fmax = p.iter().filter(|v| v.is_finite()).fold(1.0f64, |m, &v| m.max(v));
    let fmin = p.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, &v| m.min(v));
    let (ylo, yhi) = ((fmin * 1.1).max(-0.6), (fmax * 1.06).clamp(1.08, 2.6));
    let frame = Frame { top: 34.0, ..BARS };
    let mut chart = frame.chart(area, theme, (0.0, n as f64), (ylo, yhi));
    bar_mesh(&mut chart, theme);
    // Hard Top-k outlines.
    let outline = theme.fg().stroke_width(theme.px(1.2));
    for (i, _) in snap.hard.iter().enumerate().filter(|(_, h)| **h > 0.5) {
        rect(&chart, (i as f64 + 0.06, 0.0), (i as f64 + 0.94, 1.0), outline);
    }
    // The soft output.
    for (i, &v) in p.iter().enumerate().filter(|(_, v)| v.is_finite()) {
        let bad = v > 1.0 + tol || v < -tol;
        let col = if bad { theme.warn() } else { theme.series(0) };
        rect(&chart, (i as f64 + 0.2, 0.0), (i as f64 + 0.8, v.clamp(ylo, yhi)), col.mix(0.8).filled());
    }
    // NaN entries: a cross at the baseline.
    let nan: Vec<(f64, f64)> =
        p.iter().enumerate().filter(|(_, v)| !v.is_finite()).map(|(i, _)| (i as f64 + 0.5, 0.5)).collect();
    crosses(&chart, &nan, theme.px(4.0), theme.warn().stroke_width(theme.px(2.0)));
    if fmax > 1.0 + tol {
        dashed_line(
            &chart,
            &[(0.0, 1.0), (n as f64, 1.0)],
            theme.px(4.0),
            theme.px(3.0),
            theme.warn().stroke_width(theme.px(1.2)),
        );
    }
    // A reference beside the output: softmax when k = 1, the stable DP for the post's recursion.
    let reference = reference(sim, snap, theme);
    if let Some((_, sm)) = &reference {
        let tick = theme.series(4).stroke_width(theme.px(2.5));
        for (i, &v) in sm.iter().enumerate() {
            if v.is_finite() {
                let y = v.clamp(ylo, yhi);
                polyline(&chart, &[(i as f64 + 0.1, y), (i as f64 + 0.9, y)], tick);
            }
        }
    }
    let sm_note = match &reference {
        Some((name, _)) => tr!(theme.lang, " · orange ticks: {name}", " · 橙色刻度：{name}"),
        None => String::new(),
    };
    let line1 = tr!(
        theme.lang,
        "Σp = {} · max p = {} · outline: hard{sm_note}",
        "Σp = {} · max p = {} · 轮廓：硬 Top-k{sm_note}",
        fmt::against_int(c.sum, sim.lab.k),
        fmt::value(c.max)
    );
    text_px(area, &line1, (theme.dpx(6.0), theme.dpx(3.0)), &theme.font(11.0));
    let warns = warnings(sim, snap, theme);
    let naive_note = snap
        .rows
        .iter()
        .find(|r| r.label == "naive f32")
        .filter(|r| !r.check.finite)
        .map(|_| theme.t(T::new(" · naive f32 e^y/Σe^y gives NaN here", " · 朴素 f32 e^y/Σe^y 在此给出 NaN")))
        .unwrap_or("");
    let (line2, color) = if warns.is_empty() {
        (
            tr!(theme.lang, "in [0, 1], Σp = k, order kept{naive_note}", "在 [0, 1] 内，Σp = k，顺序保持{naive_note}"),
            theme.muted(),
        )
    } else {
        (format!("⚠ {}", warns.join(" · ")), theme.warn())
    };
    text_px(area, &line2, (theme.dpx(6.0), theme.dpx(17.0)), &theme.font_in(11.0, color));
}

fn anneal_chart(area: &Area<'_>, sim: &TopkSim, theme: &Theme) -> PlaneMap {
    let c = &sim.curves;
    let (lo, hi) = sim.lab.tau_range();
    let all = c.p.iter().flatten().copied().filter(|v| v.is_finite());
    let (mut ymin, mut ymax) = (0.0f64, 1.0f64);
    for v in all {
        ymin = ymin.min(v);
        ymax = ymax.max(v);
    }
    let (ylo, yhi) = ((ymin - 0.05).max(-0.6), (ymax + 0.05).min(2.6));
    let frame = Frame { x_labels: 20.0, right: 22.0, ..BARS };
    let mut chart = frame.chart(area, theme, (lo, hi), (ylo, yhi));
    let y_ticks = y_budget(&chart, theme);
    let axes = Axes { x_ticks: ((hi - lo).round() as usize + 1).min(12), y_ticks, ..Axes::default() };
    mesh(&mut chart, theme, axes, &fmt::pow10, &fmt::tick);
    // Shade the τ where the construction is broken.
    let m = c.log10_tau.len();
    let half = if m > 1 { (hi - lo) / (m - 1) as f64 / 2.0 } else { 0.0 };
    let shade = theme.warn().mix(0.15).filled();
    let mut s = 0;
    while s < m {
        if c.bad[s] {
            let mut e = s;
            while e + 1 < m && c.bad[e + 1] {
                e += 1;
            }
            let (a, b) = ((c.log10_tau[s] - half).max(lo), (c.log10_tau[e] + half).min(hi));
            rect(&chart, (a, ylo), (b, yhi), shade);
            s = e + 1;
        } else {
            s += 1;
        }
    }
    // One curve per item, broken where the output is NaN; hard Top-k members in blue, drawn last.
    let n = sim.lab.x.len();
    let hard = super::model::hard_topk(&sim.lab.x, sim.lab.k);
    // Others first, then members, each in index order (a stable partition).
    let (mut idx, members): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| hard[i] <= 0.5 || hard[i].is_nan());
    idx.extend(members);
    for i in idx {
        let col = item_color(theme, hard[i] > 0.5).mix(0.85).stroke_width(theme.px(1.4));
        let mut seg: Vec<(f64, f64)> = Vec::new();
        for (t, p) in c.log10_tau.iter().zip(&c.p) {
            match p.get(i) {
                Some(v) if v.is_finite() => seg.push((*t, v.clamp(ylo, yhi))),
                _ => {
                    if seg.len() > 1 {
                        polyline(&chart, &std::mem::take(&mut seg), col);
                    }
                    seg.clear();
                }
            }
        }
        if seg.len() > 1 {
            polyline(&chart, &seg, col);
        }
    }
    // Start (dashed) and current τ.
    let start = sim.lab.cfg.tau.log10();
    dashed_line(
        &chart,
        &[(start, ylo), (start, yhi)],
        theme.px(4.0),
        theme.px(3.0),
        theme.muted().stroke_width(theme.px(1.2)),
    );
    let now = sim.lab.tau.log10().clamp(lo, hi);
    polyline(&chart, &[(now, ylo), (now, yhi)], theme.fg().stroke_width(theme.px(2.0)));
    let title = if sim.lab.annealing_done() {
        theme
            .t(T::new("p against τ · annealing stopped at its floor τ₀·10⁻⁴", "p 随 τ 变化 · 退火已停在下限 τ₀·10⁻⁴"))
            .to_string()
    } else if sim.lab.cfg.anneal < 1.0 {
        tr!(
            theme.lang,
            "p against τ · play anneals τ ×{} per step",
            "p 随 τ 变化 · 播放时每步 τ ×{}",
            sim.lab.cfg.anneal
        )
    } else {
        theme
            .t(T::new("p against τ (click to set τ) · red: broken", "p 随 τ 变化（点击设定 τ）· 红色：失效"))
            .to_string()
    };
    chart_title(area, theme, &title, 11.0);
    PlaneMap::of_chart(&chart)
}

fn jacobian_map(area: &Area<'_>, sim: &TopkSim, snap: &Snapshot, theme: &Theme) {
    let n = sim.lab.x.len();
    let jac = &snap.jac;
    let vmax = jac.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    // The long wording where the map's column is wide enough, else the bound alone, else the symbol.
    let titles = if jac.iter().any(|v| v.is_finite()) {
        vec![
            tr!(theme.lang, "∂p/∂x, max |·| {}", "∂p/∂x，max |·| {}", fmt::value(vmax)),
            format!("|∂p/∂x| ≤ {}", fmt::value(vmax)),
            "∂p/∂x".to_string(),
        ]
    } else {
        vec!["∂p/∂x".to_string()]
    };
    let title = fitting(area, &titles, &theme.font(11.0), area.dim_in_pixel().0.saturating_sub(theme.px(12.0)));
    chart_title(area, theme, &title, 11.0);
    text_px(
        area,
        theme.t(T::new("orange +, blue −", "橙色 +，蓝色 −")),
        (theme.dpx(8.0), theme.dpx(18.0)),
        &theme.font_in(10.0, theme.muted()),
    );
    let (w, h) = area.dim_in_pixel();
    let top = theme.dpx(34.0);
    let pad = theme.dpx(6.0);
    let side = (w as i32 - 2 * pad).min(h as i32 - top - pad);
    if side < 4 || n == 0 || jac.len() != n * n {
        return;
    }
    let x0 = pad;
    let cell = side as f64 / n as f64;
    let scale = if vmax > 0.0 { vmax } else { 1.0 };
    let (bg, pos, neg) = (theme.bg(), theme.series(1), theme.series(0));
    for i in 0..n {
        let ya = top + (i as f64 * cell).floor() as i32;
        let yb = top + ((i + 1) as f64 * cell).floor() as i32;
        for j in 0..n {
            let xa = x0 + (j as f64 * cell).floor() as i32;
            let xb = x0 + ((j + 1) as f64 * cell).floor() as i32;
            let v = jac[i * n + j];
            let col = if !v.is_finite() {
                theme.muted()
            } else if v >= 0.0 {
                lerp(bg, pos, (v / scale).sqrt())
            } else {
                lerp(bg, neg, (-v / scale).sqrt())
            };
            rect_px(area, (xa, ya), (xb, yb), col.filled());
        }
    }
    rect_px(area, (x0, top), (x0 + side, top + side), theme.grid().stroke_width(1));
    let bad = jac.iter().filter(|v| !v.is_finite()).count();
    if bad > 0 {
        let msg = if bad == jac.len() {
            theme.t(T::new("undefined", "无定义")).to_string()
        } else {
            tr!(theme.lang, "{bad} undefined", "{bad} 无定义")
        };
        text_px(
            area,
            &msg,
            (x0 + side / 2, top + side / 2),
            &theme.font_in(11.0, theme.warn()).pos(Pos::new(HPos::Center, VPos::Center)),
        );
    }
}

/// The short name of a strip row as drawn: method names stay as they are, descriptions are worded in the
/// theme's language.
fn short_name(row: &Row, theme: &Theme) -> &'static str {
    let t = match row.method {
        Some(Method::Smooth) => T::new("smooth f", "光滑 f"),
        Some(Method::GradTopkRecursion) => T::new("recursion", "递推"),
        Some(Method::SuIterative) => T::new("Su iter.", "Su 迭代"),
        Some(Method::SeWeighted) => T::new("SE weighted", "SE 加权"),
        None if row.label == "naive f32" => T::new("naive f32", "朴素 f32"),
        _ => return row.label,
    };
    theme.t(t)
}

/// The headline description of a construction.
fn method_label(m: Method, theme: &Theme) -> &'static str {
    theme.t(match m {
        Method::Exp => T::new("ThreTopK, f = min(1, eˣ)", "ThreTopK，f = min(1, eˣ)"),
        Method::Sigmoid => T::new("ThreTopK, f = σ (bisection)", "ThreTopK，f = σ（二分法）"),
        Method::Smooth => T::new("ThreTopK, smooth f", "ThreTopK，光滑 f"),
        Method::GradTopk => T::new("GradTopK (stable DP)", "GradTopK（稳定 DP）"),
        Method::GradTopkRecursion => T::new("GradTopK (post's recursion)", "GradTopK（原文的递推）"),
        Method::SuIterative => T::new("Su's iterative soft-k-max", "Su 的迭代式光滑 k-max"),
        Method::SeWeighted => T::new("SE weighted softmax", "SE 加权 Softmax"),
    })
}

/// A short status of one strip row and whether it is a failure.
fn row_status(row: &Row, tol: f64, snap: &Snapshot, theme: &Theme) -> (&'static str, bool) {
    let c = &row.check;
    if !c.finite {
        return ("NaN", true);
    }
    if row.method == Some(Method::GradTopkRecursion) && recursion_failed(snap.recursion_dev) {
        return (theme.t(T::new("≠ DP", "≠ DP")), true);
    }
    if row.method == Some(Method::SeWeighted) && snap.se_artefact {
        return (theme.t(T::new("uflow", "下溢")), true);
    }
    if c.max > 1.0 + tol {
        return ("> 1", true);
    }
    if c.min < -tol {
        return ("< 0", true);
    }
    if !c.monotone {
        return (theme.t(T::new("order", "顺序")), true);
    }
    (theme.t(T::new("ok", "正常")), false)
}

fn comparison_strip(area: &Area<'_>, sim: &TopkSim, snap: &Snapshot, theme: &Theme) {
    let (w, h) = area.dim_in_pixel();
    let rows = &snap.rows;
    chart_title(area, theme, theme.t(T::new("all methods, items by score", "全部构造，按分数排序")), 11.0);
    let top = theme.dpx(22.0);
    let label_w = theme.dpx(64.0).min(w as i32 * 2 / 5);
    let status_w = theme.dpx(34.0).min(w as i32 / 5);
    let x0 = label_w;
    let x1 = w as i32 - status_w - theme.dpx(4.0);
    let n = sim.lab.x.len();
    if rows.is_empty() || n == 0 || x1 - x0 < n as i32 {
        return;
    }
    let row_h = ((h as i32 - top - theme.dpx(6.0)) / rows.len() as i32).min(theme.dpx(20.0));
    if row_h < 3 {
        return;
    }
    let order = order_desc(&sim.lab.x);
    let cell = (x1 - x0) as f64 / n as f64;
    let gap = if cell >= 5.0 { 1 } else { 0 };
    let font_h = (row_h as f64 / theme.scale * 0.62).clamp(7.0, 11.0);
    let selected = sim.lab.cfg.method;
    for (r, row) in rows.iter().enumerate() {
        let tol = if row.label == "naive f32" { Precision::F32.tol() } else { sim.lab.cfg.precision.tol() };
        let ya = top + r as i32 * row_h;
        let yb = ya + row_h - 1;
        let is_sel = row.method == Some(selected);
        let label = if is_sel { format!("▸ {}", short_name(row, theme)) } else { short_name(row, theme).to_string() };
        let lc = if is_sel { theme.fg() } else { theme.muted() };
        let ymid = (ya + yb) / 2;
        text_px(
            area,
            &label,
            (label_w - theme.dpx(4.0), ymid),
            &theme.font_in(font_h, lc).pos(Pos::new(HPos::Right, VPos::Center)),
        );
        for (c, &i) in order.iter().enumerate() {
            let xa = x0 + (c as f64 * cell).floor() as i32;
            let xb = x0 + ((c + 1) as f64 * cell).floor() as i32 - gap;
            let v = row.p.get(i).copied().unwrap_or(f64::NAN);
            let col = if !v.is_finite() {
                theme.muted().mix(0.5).to_rgba()
            } else if v > 1.0 + tol || v < -tol {
                theme.warn().to_rgba()
            } else {
                lerp(theme.bg(), theme.series(0), v).to_rgba()
            };
            rect_px(area, (xa, ya), (xb.max(xa), yb), col.filled());
        }
        let (status, bad) = row_status(row, tol, snap, theme);
        let sc = if bad { theme.warn() } else { theme.muted() };
        text_px(
            area,
            status,
            (x1 + theme.dpx(4.0), ymid),
            &theme.font_in(font_h, sc).pos(Pos::new(HPos::Left, VPos::Center)),
        );
        if is_sel {
            rect_px(area, (x0, ya), (x1, yb), theme.fg().stroke_width(1));
        }
    }
    // The Top-k boundary: after the k highest scores.
    let k = sim.lab.k.min(n);
    let xb = x0 + (k as f64 * cell).floor() as i32;
    let y_end = top + rows.len() as i32 * row_h;
    path_px(area, &[(xb, top - theme.dpx(3.0)), (xb, y_end + theme.dpx(2.0))], theme.fg().stroke_width(theme.px(1.5)));
}
