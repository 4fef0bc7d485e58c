//! Drawing of the training toy: the embeddings (circle, or sphere in projection) for the live run and the
//! ghost, and four time series for both: the largest prototype cosine against its optimum, the median ξ
//! against the f32 zero threshold, the loss (exact zeros on a floor line), and 1 − cos(g, g64).
//!
//! Colours name the loss (InfoNCE blue, FlatNCE green, as in the microscope); the live run is drawn thick
//! and the ghost thin and pale. Every plotted value is clamped into its axis, and histories are thinned to
//! at most [`MAX_POINTS`] points per series, so no setting can make drawing fail or slow.

use super::model::{LossKind, Optimizer, Precision};
use super::{Sample, TrainSim};
use crate::i18n::T;
use crate::panels::flatnce::draw::{blend, text};
use crate::panels::flatnce::loss::ulp_f32;
use crate::plot::axis::{decade_ticks, LogFloor};
use crate::plot::chart::{fitting, mesh, right_mesh, with_right_axis, Axes, Axis, Frame};
use crate::plot::draw::{circle_px, dashed_line, path_px, polygon, polyline, polyline_right, text_at};
use crate::plot::fmt;
use crate::plot::{is_wide, Area, Theme};
use crate::tr;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Most points drawn per series (histories hold up to 2048 samples).
pub const MAX_POINTS: usize = 700;

/// The colour of a loss.
fn loss_color(theme: &Theme, l: LossKind) -> RGBColor {
    match l {
        LossKind::InfoNce => theme.series(0),
        LossKind::FlatNce => theme.series(2),
    }
}

/// Draws the whole figure.
pub fn draw(area: &Area<'_>, sim: &TrainSim, theme: &Theme) {
    let wide = is_wide(area, theme.scale);
    let (_, h) = area.dim_in_pixel();
    let head_h = theme.px(if wide { 24.0 } else { 42.0 }).min(h / 5);
    let (head, body) = area.split_vertically(head_h);
    headline(&head, sim, theme, wide);
    let (bw, bh) = body.dim_in_pixel();
    let (emb, grid) = if wide {
        body.split_horizontally((bw as f64 * 0.36) as u32)
    } else {
        body.split_vertically((bh as f64 * 0.38).min(bw as f64 * 0.9) as u32)
    };
    embedding(&emb, sim, theme);
    let (gw, gh) = grid.dim_in_pixel();
    let (top, bottom) = grid.split_vertically(gh / 2);
    let (a, b) = top.split_horizontally(gw / 2);
    let (c, d) = bottom.split_horizontally(gw / 2);
    maxcos_chart(&a, sim, theme);
    xi_chart(&b, sim, theme);
    loss_chart(&c, sim, theme);
    cos_chart(&d, sim, theme);
}

fn headline(area: &Area<'_>, sim: &TrainSim, theme: &Theme, wide: bool) {
    let live = &sim.toy.live;
    let cfg = live.cfg;
    let prec = match cfg.precision {
        Precision::F32 => "f32",
        Precision::F64 => "f64",
    };
    let opt = match cfg.optimizer {
        Optimizer::Adam => "Adam",
        Optimizer::Sgd => "SGD",
    };
    let s = &live.snap;
    let g = &sim.toy.ghost.snap;
    let target = sim.target.map_or(String::new(), |t| {
        // cos(2π/4) is 6e-17 in floating point: show it as the 0 it is.
        let t = if t.abs() < 1e-9 { 0.0 } else { t };
        tr!(theme.lang, ", optimum {}", "，最优 {}", fmt::sig(t, 2))
    });
    let zero = if cfg.loss == LossKind::InfoNce && s.loss == 0.0 {
        tr!(theme.lang, " · {prec} loss exactly 0", " · {prec} 损失恰为 0")
    } else if s.maxcos > 0.99 && sim.toy.steps > 500 {
        theme.t(T::new(" · two prototypes merged", " · 两个原型重合")).to_string()
    } else {
        String::new()
    };
    let a = tr!(theme.lang, "{} {prec} {opt}, step {}", "{} {prec} {opt}，第 {} 步", cfg.loss.label(), sim.toy.steps);
    let b = tr!(
        theme.lang,
        "maxcos {} (ghost {} {}{target}){zero}",
        "最大余弦 {}（影子 {} {}{target}）{zero}",
        fmt::sig(s.maxcos, 2),
        cfg.loss.other().label(),
        fmt::sig(g.maxcos, 2)
    );
    let font = theme.font(13.0);
    if wide {
        text(area, format!("{a} · {b}"), theme.dpx(8.0), theme.dpx(5.0), &font)
    } else {
        // A phone's line drops the ghost's loss name, then the note, then the optimum, as its width requires.
        let (m, gm) = (fmt::sig(s.maxcos, 2), fmt::sig(g.maxcos, 2));
        let variants = [
            b,
            tr!(theme.lang, "maxcos {} (ghost {}{target}){zero}", "最大余弦 {}（影子 {}{target}）{zero}", m, gm),
            tr!(theme.lang, "maxcos {} (ghost {}{target})", "最大余弦 {}（影子 {}{target}）", m, gm),
            tr!(theme.lang, "maxcos {} (ghost {})", "最大余弦 {}（影子 {}）", m, gm),
        ];
        let max_w = area.dim_in_pixel().0.saturating_sub(theme.px(12.0));
        text(area, a, theme.dpx(8.0), theme.dpx(3.0), &font);
        text(area, fitting(area, &variants, &font, max_w), theme.dpx(8.0), theme.dpx(21.0), &font)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Embeddings
// ---------------------------------------------------------------------------------------------------------

/// Projects a point of the sphere for drawing: a fixed view (azimuth 35°, elevation 25°); returns screen
/// `(x, y)` and depth (positive towards the viewer).
fn project(p: &[f64]) -> (f64, f64, f64) {
    let (x, y, z) =
        (p.first().copied().unwrap_or(0.0), p.get(1).copied().unwrap_or(0.0), p.get(2).copied().unwrap_or(0.0));
    let (az, el) = (35f64.to_radians(), 25f64.to_radians());
    let (ca, sa, ce, se) = (az.cos(), az.sin(), el.cos(), el.sin());
    // Rotate about z by the azimuth, then tilt about the screen x axis by the elevation.
    let (x1, y1) = (ca * x - sa * y, sa * x + ca * y);
    let (sy, depth) = (ce * z - se * y1, ce * y1 + se * z);
    (x1, sy, depth)
}

fn embedding(area: &Area<'_>, sim: &TrainSim, theme: &Theme) {
    let (w, h) = area.dim_in_pixel();
    // A wide strip (phones) puts the key to the right of the circle, a tall area below it.
    let strip = w as f64 > 1.4 * h as f64;
    let circle_w = if strip { (w as f64 * 0.6) as i32 } else { w as i32 };
    let top = theme.dpx(16.0);
    let side = circle_w.min(h as i32 - top).max(10) as f64;
    let cx = circle_w / 2;
    let cy = top + (h as i32 - top) / 2;
    let r = side / 2.0 * 0.88;
    let to_px = |x: f64, y: f64| (cx + (x.clamp(-1.5, 1.5) * r) as i32, cy - (y.clamp(-1.5, 1.5) * r) as i32);
    let d = sim.toy.live.cfg.dim;
    let live_c = loss_color(theme, sim.toy.live.cfg.loss);
    let ghost_c = loss_color(theme, sim.toy.ghost.cfg.loss);
    let circle = |rad: f64| -> Vec<(i32, i32)> {
        (0..=96)
            .map(|i| {
                let t = i as f64 / 96.0 * std::f64::consts::TAU;
                to_px(rad * t.cos(), rad * t.sin())
            })
            .collect()
    };
    path_px(area, &circle(1.0), theme.stroke(theme.muted(), 1.2));
    path_px(area, &circle(0.78), theme.stroke(theme.grid(), 1.0));
    if d == 3 {
        // The equator, dashed by drawing every other segment; back half paler.
        let eq: Vec<(f64, f64, f64)> = (0..=96)
            .map(|i| {
                let t = i as f64 / 96.0 * std::f64::consts::TAU;
                project(&[t.cos(), t.sin(), 0.0])
            })
            .collect();
        for (i, pair) in eq.windows(2).enumerate() {
            if i % 2 == 0 {
                let c = if pair[0].2 >= 0.0 { theme.muted() } else { theme.grid() };
                let seg = vec![to_px(pair[0].0, pair[0].1), to_px(pair[1].0, pair[1].1)];
                path_px(area, &seg, theme.stroke(c, 1.0));
            }
        }
    }
    let pos = |p: &[f64]| -> (f64, f64, f64) {
        if d == 3 {
            project(p)
        } else {
            (p.first().copied().unwrap_or(0.0), p.get(1).copied().unwrap_or(0.0), 1.0)
        }
    };
    // The batch's anchors (view 1) of the live run: small dots showing the view noise.
    for p in sim.toy.live.snap.anchors.chunks(d) {
        let (x, y, z) = pos(p);
        let c = if z >= 0.0 { live_c.mix(0.45) } else { live_c.mix(0.2) };
        circle_px(area, to_px(x, y), theme.px(2.5) as i32, c.filled());
    }
    // The ghost's prototypes on the inner ring, hollow.
    for p in sim.toy.ghost.snap.protos.chunks(d) {
        let (x, y, z) = pos(p);
        let c = if z >= 0.0 { ghost_c } else { blend(ghost_c, theme.bg(), 0.4) };
        circle_px(area, to_px(0.78 * x, 0.78 * y), theme.px(4.0) as i32, c.stroke_width(theme.px(1.8)));
    }
    // The live prototypes: spokes and filled dots (behind the sphere: hollow).
    for p in sim.toy.live.snap.protos.chunks(d) {
        let (x, y, z) = pos(p);
        let front = z >= 0.0;
        let spoke = if front { live_c.mix(0.6) } else { live_c.mix(0.25) };
        path_px(area, &[(cx, cy), to_px(x, y)], spoke.stroke_width(theme.px(1.5)));
        if front {
            circle_px(area, to_px(x, y), theme.px(5.5) as i32, live_c.filled());
        } else {
            circle_px(area, to_px(x, y), theme.px(5.0) as i32, live_c.stroke_width(theme.px(2.0)));
        }
    }
    let small = theme.font_in(10.0, theme.muted());
    let label = if d == 3 {
        theme.t(T::new("sphere (hollow: far side)", "球面（空心：背面）"))
    } else {
        theme.t(T::new("circle", "圆周"))
    };
    text(
        area,
        tr!(theme.lang, "prototypes W eₙ/|W eₙ| on the {label}", "{label}上的原型 W eₙ/|W eₙ|"),
        theme.dpx(6.0),
        theme.dpx(2.0),
        &small,
    );
    let (x, y) =
        if strip { (circle_w, h as i32 / 2 - theme.dpx(14.0)) } else { (theme.dpx(6.0), h as i32 - theme.dpx(28.0)) };
    text(
        area,
        tr!(theme.lang, "● {} (live)", "● {}（实时）", sim.toy.live.cfg.loss.label()),
        x,
        y,
        &theme.font_in(10.0, live_c),
    );
    // On a narrow strip the full ghost label would run off the edge; the prose names the inner ring too.
    let ghost_font = theme.font_in(10.0, ghost_c);
    let ghost = sim.toy.ghost.cfg.loss.label();
    let variants = [
        tr!(theme.lang, "○ {ghost} (ghost, inner ring)", "○ {ghost}（影子，内圈）"),
        tr!(theme.lang, "○ {ghost} (ghost)", "○ {ghost}（影子）"),
    ];
    let label = fitting(area, &variants, &ghost_font, (w as i32 - x).max(0) as u32);
    text(area, label, x, y + theme.dpx(13.0), &ghost_font);
}

// ---------------------------------------------------------------------------------------------------------
// Time series
// ---------------------------------------------------------------------------------------------------------

/// The samples of a history, thinned to at most [`MAX_POINTS`].
fn thin(items: &[(u64, Sample)]) -> Vec<(f64, Sample)> {
    let stride = items.len().div_ceil(MAX_POINTS).max(1);
    let mut out: Vec<(f64, Sample)> = items.iter().step_by(stride).map(|(s, v)| (*s as f64, *v)).collect();
    if let Some((s, v)) = items.last() {
        if out.last().map(|l| l.0) != Some(*s as f64) {
            out.push((*s as f64, *v));
        }
    }
    out
}

fn x_max(sim: &TrainSim) -> f64 {
    crate::plot::axis::time_extent(sim.toy.steps as f64, 10.0)
}

/// The live and ghost series of one quantity, each with its colour, width and loss.
struct Runs {
    live: Vec<(f64, Sample)>,
    ghost: Vec<(f64, Sample)>,
    live_c: RGBColor,
    ghost_c: RGBColor,
}

fn runs(sim: &TrainSim, theme: &Theme) -> Runs {
    Runs {
        live: thin(sim.hist.items()),
        ghost: thin(sim.ghost_hist.items()),
        live_c: loss_color(theme, sim.toy.live.cfg.loss),
        ghost_c: blend(loss_color(theme, sim.toy.ghost.cfg.loss), theme.bg(), 0.6),
    }
}

fn title(area: &Area<'_>, s: &str, theme: &Theme) {
    text(area, s.to_string(), theme.dpx(6.0), theme.dpx(2.0), &theme.font(11.0))
}

/// The frame of the time series: a title line above, room on the right for a second axis of `right` CSS
/// pixels when there is one.
fn frame(right: f64) -> Frame {
    Frame {
        top: 18.0,
        margin: 4.0,
        right: if right > 0.0 { 4.0 } else { 14.0 },
        x_labels: 20.0,
        y_labels: 38.0,
        right_labels: right,
    }
}

/// The axes of the time series: four step labels and `y_ticks` value labels at 9 px.
fn axes(y_ticks: usize) -> Axes<'static> {
    Axes { x_ticks: 4, y_ticks, label_size: 9.0, ..Axes::PLAIN }
}

fn maxcos_chart(area: &Area<'_>, sim: &TrainSim, theme: &Theme) {
    title(area, theme.t(T::new("largest prototype cosine", "原型间最大余弦")), theme);
    let r = runs(sim, theme);
    let xm = x_max(sim);
    let mut chart = frame(0.0).chart(area, theme, (0.0, xm), (-1.05, 1.05));
    mesh(&mut chart, theme, axes(5), &fmt::count, &|v| fmt::fixed(*v, 1));
    if let Some(t) = sim.target {
        let t = t.clamp(-1.0, 1.0);
        dashed_line(
            &chart,
            &[(0.0, t), (xm, t)],
            theme.px(5.0),
            theme.px(4.0),
            theme.fg().mix(0.7).stroke_width(theme.px(1.2)),
        );
        text_at(
            &chart,
            theme.t(T::new("optimum", "最优")),
            (xm, t),
            &theme.font_in(9.0, theme.muted()).pos(Pos::new(HPos::Right, VPos::Bottom)),
        );
    }
    let f = |v: &Sample| if v.maxcos.is_finite() { v.maxcos.clamp(-1.05, 1.05) } else { 1.05 };
    polyline(
        &chart,
        &r.ghost.iter().map(|(s, v)| (*s, f(v))).collect::<Vec<_>>(),
        r.ghost_c.stroke_width(theme.px(1.4)),
    );
    polyline(&chart, &r.live.iter().map(|(s, v)| (*s, f(v))).collect::<Vec<_>>(), r.live_c.stroke_width(theme.px(2.0)));
}

fn xi_chart(area: &Area<'_>, sim: &TrainSim, theme: &Theme) {
    let (aw, _) = area.dim_in_pixel();
    let long = aw as f64 / theme.scale >= 250.0;
    title(
        area,
        if long {
            theme.t(T::new("median ξ; dashed: ½ ulp(1/τ), f32 zero line", "ξ 的中位数；虚线：½ ulp(1/τ)，f32 零线"))
        } else {
            theme.t(T::new("median ξ; dashed: ½ ulp", "ξ 的中位数；虚线：½ ulp"))
        },
        theme,
    );
    let r = runs(sim, theme);
    let xm = x_max(sim);
    // Half an ulp of the positive score ≈ 1/τ: the f32 InfoNCE loss of an anchor is exactly 0 below it
    // (theory §2; the actual s_kk is a little below 1/τ, in the same binade for cos(a_k, b_k) > 0.5
    // unless 1/τ sits just above a power of two, so the line is a guide, not a per-anchor threshold).
    let thr = ulp_f32((1.0 / sim.toy.live.cfg.tau) as f32) as f64 / 2.0;
    let vals = r.live.iter().chain(&r.ghost).map(|(_, v)| v.xi_median).filter(|v| v.is_finite() && *v > 0.0);
    let (mut lo, mut hi) = (thr, thr);
    for v in vals {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let lo = 10f64.powf(lo.max(1e-300).log10().floor() - 0.3).max(1e-300);
    let hi = 10f64.powf(hi.log10().ceil() + 0.3);
    let ticks = decade_ticks(lo, hi, 5);
    let mut chart = frame(0.0).chart_log_y(area, theme, (0.0, xm), (lo, hi), &ticks);
    mesh(&mut chart, theme, axes(ticks.len().max(2)), &fmt::count, &fmt::decade);
    let warn = theme.series(1);
    dashed_line(&chart, &[(0.0, thr), (xm, thr)], theme.px(4.0), theme.px(3.0), warn.stroke_width(theme.px(1.2)));
    let f = |v: &Sample| if v.xi_median.is_finite() && v.xi_median > 0.0 { v.xi_median.clamp(lo, hi) } else { lo };
    polyline(
        &chart,
        &r.ghost.iter().map(|(s, v)| (*s, f(v))).collect::<Vec<_>>(),
        r.ghost_c.stroke_width(theme.px(1.4)),
    );
    polyline(&chart, &r.live.iter().map(|(s, v)| (*s, f(v))).collect::<Vec<_>>(), r.live_c.stroke_width(theme.px(2.0)));
}

fn loss_chart(area: &Area<'_>, sim: &TrainSim, theme: &Theme) {
    let r = runs(sim, theme);
    let xm = x_max(sim);
    // InfoNCE on a log axis whose bottom decade is the "exactly 0" floor; FlatNCE (log ξ, negative) on a
    // linear right axis. Which of the two series is the live run depends on the `loss` parameter.
    let live_is_info = sim.toy.live.cfg.loss == LossKind::InfoNce;
    let (info, flat) = if live_is_info { (&r.live, &r.ghost) } else { (&r.ghost, &r.live) };
    let (info_c, flat_c) = if live_is_info { (r.live_c, r.ghost_c) } else { (r.ghost_c, r.live_c) };
    let (info_w, flat_w) = if live_is_info { (2.0, 1.4) } else { (1.4, 2.0) };
    let mut min_pos = f64::INFINITY;
    for (_, v) in info.iter() {
        if v.loss > 0.0 && v.loss.is_finite() {
            min_pos = min_pos.min(v.loss);
        }
    }
    let ax = LogFloor::new(if min_pos.is_finite() { min_pos.max(1e-30) } else { 1e-7 }, 10.0).with_gap(2.0);
    let (ylo, yhi) = ax.range();
    // The share of the height below the lowest positive value (the floor band).
    let band = (ax.min_pos / ylo).ln() / (yhi / ylo).ln();
    let (mut flo, mut fhi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (_, v) in flat.iter() {
        if v.loss.is_finite() {
            flo = flo.min(v.loss);
            fhi = fhi.max(v.loss);
        }
    }
    if !(flo.is_finite() && fhi.is_finite()) {
        (flo, fhi) = (-10.0, 1.0);
    }
    let (flo, fhi) = ((flo - 1.0).floor().max(-1e6), (fhi + 1.0).ceil().min(1e6).max(flo + 1.0));
    // Extend the FlatNCE axis downwards so that its curve stays above the floor band.
    let flo = flo - band / (1.0 - band).max(0.1) * (fhi - flo);
    let ticks = ax.ticks(5);
    let chart = frame(30.0).chart_log_y(area, theme, (0.0, xm), (ylo, yhi), &ticks);
    let mut chart = with_right_axis(chart, Axis::linear((0.0, xm)), (flo, fhi));
    let left = Axes { label_color: Some(info_c), ..axes(ticks.len().max(2) + 1) };
    mesh(&mut chart, theme, left, &fmt::count, &|v| ax.label(*v));
    right_mesh(&mut chart, theme, Axes { label_color: Some(flat_c), ..axes(4) }, &|v| fmt::fixed(*v, 0));
    let mut x = theme.dpx(6.0);
    for (t, c) in [(theme.t(T::new("loss: ", "损失：")), theme.fg()), ("InfoNCE ◂ ", info_c), ("▸ FlatNCE", flat_c)]
    {
        let style = theme.font_in(11.0, c);
        text(area, t, x, theme.dpx(2.0), &style);
        x += area.estimate_text_size(t, &style).map_or(theme.dpx(60.0), |(w, _)| w as i32);
    }
    dashed_line(
        &chart,
        &[(0.0, ax.floor), (xm, ax.floor)],
        theme.px(4.0),
        theme.px(3.0),
        theme.muted().stroke_width(theme.px(1.0)),
    );
    // The band's label, shorter where the plot is too narrow for it (a half-width chart on a phone).
    let band_font = theme.font_in(9.0, theme.muted()).pos(Pos::new(HPos::Left, VPos::Top));
    let band_texts = [
        theme.t(T::new("band: anchors at exactly 0", "色带：损失恰为 0 的锚点")).to_string(),
        theme.t(T::new("band: exactly 0", "色带：恰为 0")).to_string(),
    ];
    let plot_w = chart.plotting_area().dim_in_pixel().0;
    let band_label = fitting(area, &band_texts, &band_font, (plot_w as f64 * 0.95) as u32);
    text_at(&chart, &band_label, (xm * 0.03, ax.min_pos * 0.9), &band_font);
    // The share of the InfoNCE run's anchors whose loss is exactly 0, as a band in the floor decade (from
    // the floor line up to the lowest positive value drawn, log-proportionally): the mean loss is exactly 0
    // only when the band is full, but single anchors are at 0 far more often.
    let warn = theme.series(1);
    if info.iter().any(|(_, v)| v.zero_frac > 0.0) {
        let mut band: Vec<(f64, f64)> = Vec::with_capacity(info.len() + 2);
        band.push((info.first().map_or(0.0, |p| p.0), ax.floor));
        for (s, v) in info.iter() {
            let f = if v.zero_frac.is_finite() { v.zero_frac.clamp(0.0, 1.0) } else { 0.0 };
            band.push((*s, ax.floor * (ax.min_pos / ax.floor).powf(f)));
        }
        band.push((info.last().map_or(0.0, |p| p.0), ax.floor));
        polygon(&chart, &band, warn.mix(0.35).filled());
    }
    let fl = |v: f64| if v.is_finite() { v.clamp(flo, fhi) } else { flo };
    let flat_pts: Vec<(f64, f64)> = flat.iter().map(|(s, v)| (*s, fl(v.loss))).collect();
    polyline_right(&chart, &flat_pts, flat_c.stroke_width(theme.px(flat_w)));
    let pts: Vec<(f64, f64)> = info.iter().filter_map(|(s, v)| ax.place(v.loss).map(|y| (*s, y))).collect();
    polyline(&chart, &pts, info_c.stroke_width(theme.px(info_w)));
    // Mean loss exactly 0, emphasised on the floor line: one thick segment per run of consecutive zero
    // samples, at least 0.5% of the axis long so that a single zero step is visible.
    let min_len = xm * 0.005;
    let mut start: Option<(f64, f64)> = None;
    let mut segs: Vec<(f64, f64)> = Vec::new();
    for (s, v) in info.iter() {
        if v.loss == 0.0 {
            start = Some(start.map_or((*s, *s), |(a, _)| (a, *s)));
        } else if let Some(seg) = start.take() {
            segs.push(seg);
        }
    }
    segs.extend(start);
    for (a, b) in segs {
        let b = b.max(a + min_len).min(xm);
        polyline(&chart, &[(a, ax.floor), (b, ax.floor)], warn.stroke_width(theme.px(5.0)));
    }
}

fn cos_chart(area: &Area<'_>, sim: &TrainSim, theme: &Theme) {
    let (aw, _) = area.dim_in_pixel();
    let t = if aw as f64 / theme.scale >= 220.0 {
        theme.t(T::new("1 − cos(g, g₆₄) on the same batch", "同一批次上的 1 − cos(g, g₆₄)"))
    } else {
        "1 − cos(g, g₆₄)"
    };
    title(area, t, theme);
    let r = runs(sim, theme);
    let xm = x_max(sim);
    // 1 − cos below 1e-12 is f64 rounding of the cosine itself (and exactly 0 for the f64 runs): floor.
    let ax = LogFloor::new(1e-12, 2.0).with_gap(2.0);
    let (ylo, yhi) = ax.range();
    let place = |c: f64| -> f64 {
        let v = 1.0 - c;
        if !v.is_finite() {
            yhi
        } else if v < ax.min_pos {
            ax.floor
        } else {
            v.min(yhi)
        }
    };
    let ticks = ax.ticks(5);
    let mut chart = frame(0.0).chart_log_y(area, theme, (0.0, xm), (ylo, yhi), &ticks);
    let y_fmt = |v: &f64| if *v <= ax.floor * 1.5 { "<10⁻¹²".to_string() } else { fmt::decade(v) };
    mesh(&mut chart, theme, axes(ticks.len().max(2) + 1), &fmt::count, &y_fmt);
    polyline(
        &chart,
        &r.ghost.iter().map(|(s, v)| (*s, place(v.cos))).collect::<Vec<_>>(),
        r.ghost_c.stroke_width(theme.px(1.4)),
    );
    polyline(
        &chart,
        &r.live.iter().map(|(s, v)| (*s, place(v.cos))).collect::<Vec<_>>(),
        r.live_c.stroke_width(theme.px(2.0)),
    );
}
