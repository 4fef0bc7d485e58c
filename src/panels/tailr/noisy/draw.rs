//! Drawing of the noisy-label TaiLr panel: the TaiLr run's decision field (a coarse heat map of `σ(f)`) with
//! the training points, flipped ones ringed, its boundary in the foreground colour and the cross-entropy
//! ghost's faint (the ghost is drawn faint in every chart); the
//! memorised fraction, clean test accuracy and AUROC over time for both runs; and the histogram of
//! `p(given label)` for clean and flipped points.
//!
//! The heat map is computed at draw time on a grid 36 cells wide (at most 72 high) with the separable kernel
//! (`n` multiply-adds per cell per learner) and drawn as horizontal runs of equal colour, so a typical
//! frame draws a few hundred rectangles. Every plotted value is a probability, a share or a clamped
//! coordinate; nothing non-finite reaches plotters, and no index depends on a parameter without a bound.

use super::model::{p_given, sigmoid, Learner, CENTRE, SPREAD};
use super::{NoisySim, Sample as Point};
use crate::i18n::T;
use crate::panels::tailr::draw::{header, key_rows, lerp, Sample};
use crate::plot::chart::{fits, fitting};
use crate::plot::chart::{mesh, Axes, Chart, Frame};
use crate::plot::draw::{dots, polyline, rect, text_px};
use crate::plot::fmt::{self, short, tick};
use crate::plot::{is_wide, main_and_two, Area, Theme};
use crate::tr;
use plotters::prelude::*;

/// Columns of the heat-map grid.
const GRID: usize = 36;
/// Colour levels of the heat map per side of ½ (runs of equal level are merged into one rectangle).
const LEVELS: f64 = 8.0;
/// Bins of the histogram.
const BINS: usize = 20;

/// Draws the whole figure.
pub fn draw(area: &Area<'_>, sim: &NoisySim, theme: &Theme) {
    let wide = is_wide(area, theme.scale);
    let (main, top, bottom) = main_and_two(area, wide, if wide { 0.5 } else { 0.55 });
    field_chart(&main, sim, theme, wide);
    curves_chart(&top, sim, theme, wide);
    hist_chart(&bottom, sim, theme, wide);
}

/// The colours of class 0 and class 1.
fn class_colors(theme: &Theme) -> (RGBColor, RGBColor) {
    (theme.series(0), theme.series(1))
}

/// The faint version of `c` used for the cross-entropy ghost.
fn ghost_color(theme: &Theme, c: RGBColor) -> RGBColor {
    lerp(theme.bg(), c, 0.5)
}

/// The colour of flipped points (rings, the memorised curve, the flipped histogram).
fn flipped_color(theme: &Theme) -> RGBColor {
    theme.series(3)
}

/// The main chart: headline, key, heat map, boundaries and points, on equal axis scales.
fn field_chart(area: &Area<'_>, sim: &NoisySim, theme: &Theme, wide: bool) {
    let top = field_headline(area, sim, theme);
    let top = field_keys(area, sim, theme, top);
    // Equal data scale on both axes around the data box [−(1.5 + 3.5·0.6), +…] × [−3.5·0.6, +…].
    let (bx, by) = (CENTRE + 3.5 * SPREAD, 3.5 * SPREAD);
    let frame = Frame { top, margin: 8.0, x_labels: 22.0, y_labels: 30.0, right: 8.0, right_labels: 0.0 };
    let mut chart = frame.chart_equal(area, theme, (-bx, bx), (-by, by));
    let (rx, ry) = (chart.x_range().end, chart.y_range().end);
    // The heat map below covers the grid lines of the themed mesh.
    mesh(
        &mut chart,
        theme,
        Axes { x_ticks: if wide { 7 } else { 5 }, y_ticks: 5, x_desc: "", y_desc: "", ..Axes::PLAIN },
        &tick,
        &tick,
    );
    let grid = FieldGrid::new(rx, ry);
    let m = &sim.model;
    let f_t = m.tailr.field(&m.data.x, m.cfg.bandwidth, &grid.xs, &grid.ys);
    let f_c = m.ce.field(&m.data.x, m.cfg.bandwidth, &grid.xs, &grid.ys);
    heat_map(&chart, theme, &grid, &f_t);
    // Boundaries f = 0: the cross-entropy ghost faint, TaiLr in the foreground colour on top.
    let fg = theme.fg();
    for l in &contour(&f_c, grid.nx, grid.ny, &grid.xs, &grid.ys) {
        polyline(&chart, l, ghost_color(theme, fg).stroke_width(theme.px(1.8)));
    }
    for l in &contour(&f_t, grid.nx, grid.ny, &grid.xs, &grid.ys) {
        polyline(&chart, l, fg.stroke_width(theme.px(2.2)));
    }
    training_points(&chart, sim, theme, (rx, ry));
}

/// The field chart's headline: what runs, then the three measures for both runs (on two lines when one is too
/// narrow); returns the top margin in CSS pixels it takes.
fn field_headline(area: &Area<'_>, sim: &NoisySim, theme: &Theme) -> f64 {
    let m = &sim.model;
    let cfg = &m.cfg;
    let max_w = area.dim_in_pixel().0.saturating_sub(theme.px(12.0));
    let h1 = theme.font(12.5);
    let h2 = theme.font_in(11.0, theme.muted());
    let floor = if cfg.floor > 0.0 { format!(", b = {}", short(cfg.floor)) } else { String::new() };
    let line1 = fitting(
        area,
        &[
            tr!(
                theme.lang,
                "TaiLr γ = {}{floor} (field, bold) vs cross-entropy ghost (faint) · step {}",
                "TaiLr γ = {}{floor}（场与粗线）对比交叉熵影子（浅色）· 第 {} 步",
                short(cfg.gamma),
                m.steps
            ),
            tr!(
                theme.lang,
                "TaiLr γ = {}{floor} vs CE ghost (faint) · step {}",
                "TaiLr γ = {}{floor} 对比 CE 影子（浅色）· 第 {} 步",
                short(cfg.gamma),
                m.steps
            ),
            tr!(
                theme.lang,
                "γ = {}{floor} vs CE · step {}",
                "γ = {}{floor} 对比 CE · 第 {} 步",
                short(cfg.gamma),
                m.steps
            ),
        ],
        &h1,
        max_w,
    );
    text_px(area, &line1, (theme.dpx(8.0), theme.dpx(5.0)), &h1);
    let Some(s) = sim.trace.last().copied() else {
        return 23.0;
    };
    let (t, c) = (s.tailr, s.ce);
    let parts = [
        tr!(
            theme.lang,
            "memorised {} (CE {})",
            "记忆比例 {}（CE {}）",
            fmt::whole_pct(t.memorised),
            fmt::whole_pct(c.memorised)
        ),
        tr!(
            theme.lang,
            "test acc {} (CE {})",
            "测试准确率 {}（CE {}）",
            fmt::fixed_opt(Some(t.test_acc), 2),
            fmt::fixed_opt(Some(c.test_acc), 2)
        ),
        tr!(
            theme.lang,
            "AUROC {} (CE {})",
            "AUROC {}（CE {}）",
            fmt::fixed_opt(t.auroc, 2),
            fmt::fixed_opt(c.auroc, 2)
        ),
    ];
    let joined = parts.join(" · ");
    if fits(area, &joined, &h2, max_w) {
        text_px(area, &joined, (theme.dpx(8.0), theme.dpx(23.0)), &h2);
        38.0
    } else {
        let a = format!("{} · {}", parts[0], parts[1]);
        text_px(area, &a, (theme.dpx(8.0), theme.dpx(23.0)), &h2);
        text_px(area, &parts[2].clone(), (theme.dpx(8.0), theme.dpx(38.0)), &h2);
        53.0
    }
}

/// The key below the headline at `top` CSS pixels; returns the top margin in CSS pixels the chart needs.
fn field_keys(area: &Area<'_>, sim: &NoisySim, theme: &Theme, top: f64) -> f64 {
    let (c0, c1) = class_colors(theme);
    let fc = flipped_color(theme);
    let m = &sim.model;
    let keys: Vec<(String, RGBColor, Sample)> = vec![
        (theme.t(T::new("given label 0", "所给标签 0")).to_string(), c0, Sample::Dot),
        (theme.t(T::new("given label 1", "所给标签 1")).to_string(), c1, Sample::Dot),
        (tr!(theme.lang, "flipped ({})", "被翻转（{}）", m.data.n_flipped()), fc, Sample::Ring),
        (theme.t(T::new("boundary", "边界")).to_string(), theme.fg(), Sample::Line),
        (theme.t(T::new("CE ghost", "交叉熵影子")).to_string(), ghost_color(theme, theme.fg()), Sample::Line),
    ];
    let rows = key_rows(area, theme, top + 8.0, &keys);
    top + 16.0 + 14.0 * (rows - 1) as f64
}

/// The cell centres of the heat-map grid over `[−rx, rx] × [−ry, ry]`: [`GRID`] columns, rows for square cells.
struct FieldGrid {
    nx: usize,
    ny: usize,
    dx: f64,
    dy: f64,
    rx: f64,
    ry: f64,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

impl FieldGrid {
    fn new(rx: f64, ry: f64) -> Self {
        let nx = GRID;
        let ny = ((GRID as f64 * ry / rx).round() as usize).clamp(8, 2 * GRID);
        let (dx, dy) = (2.0 * rx / nx as f64, 2.0 * ry / ny as f64);
        let xs: Vec<f64> = (0..nx).map(|i| -rx + (i as f64 + 0.5) * dx).collect();
        let ys: Vec<f64> = (0..ny).map(|j| -ry + (j as f64 + 0.5) * dy).collect();
        FieldGrid { nx, ny, dx, dy, rx, ry, xs, ys }
    }
}

/// The heat map of `σ(f)` for the field `f` on `grid`, drawn as horizontal runs of equal colour level.
fn heat_map(chart: &Chart<'_, '_>, theme: &Theme, grid: &FieldGrid, f_t: &[f64]) {
    let (c0, c1) = class_colors(theme);
    let FieldGrid { nx, ny, dx, dy, rx, ry, .. } = *grid;
    let level = |f: f64| -> i32 {
        let p = if f.is_finite() {
            sigmoid(f)
        } else if f > 0.0 {
            1.0
        } else {
            0.0
        };
        ((2.0 * p - 1.0) * LEVELS).round().clamp(-LEVELS, LEVELS) as i32
    };
    let color_of = |lv: i32| -> RGBColor {
        let t = 0.34 * (lv.unsigned_abs() as f64 / LEVELS);
        if lv >= 0 {
            lerp(theme.bg(), c1, t)
        } else {
            lerp(theme.bg(), c0, t)
        }
    };
    let mut rects = Vec::new();
    for j in 0..ny {
        let mut i = 0;
        while i < nx {
            let lv = level(f_t.get(j * nx + i).copied().unwrap_or(0.0));
            let mut e = i + 1;
            while e < nx && level(f_t.get(j * nx + e).copied().unwrap_or(0.0)) == lv {
                e += 1;
            }
            let x0 = -rx + i as f64 * dx;
            let x1 = -rx + e as f64 * dx;
            let y0 = -ry + j as f64 * dy;
            rects.push(((x0, y0), (x1, y0 + dy), color_of(lv)));
            i = e;
        }
    }
    for (a, b, c) in rects {
        rect(chart, a, b, c.filled());
    }
}

/// The training points coloured by their given label, flipped ones ringed, clamped into `[−rx, rx] × [−ry, ry]`.
fn training_points(chart: &Chart<'_, '_>, sim: &NoisySim, theme: &Theme, (rx, ry): (f64, f64)) {
    let (c0, c1) = class_colors(theme);
    let fc = flipped_color(theme);
    let m = &sim.model;
    let clampx = |v: f64| v.clamp(-rx, rx);
    let clampy = |v: f64| v.clamp(-ry, ry);
    let d = &m.data;
    for (x, y) in d.x.iter().zip(&d.label) {
        let c = if *y { c1 } else { c0 };
        dots(chart, &[(clampx(x[0]), clampy(x[1]))], theme.px(2.6), c.filled());
    }
    let rings: Vec<(f64, f64)> =
        d.x.iter().zip(&d.flipped).filter(|(_, f)| **f).map(|(x, _)| (clampx(x[0]), clampy(x[1]))).collect();
    dots(chart, &rings, theme.px(5.2), fc.stroke_width(theme.px(1.6)));
}

/// A grid edge carrying a crossing of the zero level: horizontal from node `(i, j)` to `(i+1, j)`, or
/// vertical from `(i, j)` to `(i, j+1)`. Segments share crossings through these ids, so chaining them into
/// polylines is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Edge {
    H(usize, usize),
    V(usize, usize),
}

/// The zero level set of `f` (row-major, `ny` rows of `nx` values at `xs × ys`) by marching squares, as
/// polylines (one per connected piece). Saddle cells are resolved by the mean of their corners.
fn contour(f: &[f64], nx: usize, ny: usize, xs: &[f64], ys: &[f64]) -> Vec<Vec<(f64, f64)>> {
    if nx < 2 || ny < 2 || f.len() < nx * ny || xs.len() < nx || ys.len() < ny {
        return Vec::new();
    }
    let val = |i: usize, j: usize| -> f64 {
        let v = f[j * nx + i];
        if v.is_finite() {
            v
        } else if v > 0.0 {
            1e300
        } else {
            -1e300
        }
    };
    // The segments of every cell, as pairs of edges.
    let mut segs: Vec<(Edge, Edge)> = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let (a, b, c, d) = (val(i, j), val(i + 1, j), val(i + 1, j + 1), val(i, j + 1));
            // Corners counter-clockwise: a (i, j), b (i+1, j), c (i+1, j+1), d (i, j+1).
            let idx = (a > 0.0) as u8 | ((b > 0.0) as u8) << 1 | ((c > 0.0) as u8) << 2 | ((d > 0.0) as u8) << 3;
            let (ab, bc, cd, da) = (Edge::H(i, j), Edge::V(i + 1, j), Edge::H(i, j + 1), Edge::V(i, j));
            let centre_pos = (a + b + c + d) > 0.0;
            match idx {
                1 | 14 => segs.push((da, ab)),
                2 | 13 => segs.push((ab, bc)),
                3 | 12 => segs.push((da, bc)),
                4 | 11 => segs.push((bc, cd)),
                6 | 9 => segs.push((ab, cd)),
                7 | 8 => segs.push((cd, da)),
                // a and c positive: joined through the centre, or cut off at the corners of b and d.
                5 if centre_pos => segs.extend([(ab, bc), (cd, da)]),
                5 => segs.extend([(da, ab), (bc, cd)]),
                // b and d positive.
                10 if centre_pos => segs.extend([(da, ab), (bc, cd)]),
                10 => segs.extend([(ab, bc), (cd, da)]),
                _ => {}
            }
        }
    }
    // The crossing point on an edge, by linear interpolation.
    let point = |e: Edge| -> (f64, f64) {
        let (x0, y0, v0, x1, y1, v1) = match e {
            Edge::H(i, j) => (xs[i], ys[j], val(i, j), xs[i + 1], ys[j], val(i + 1, j)),
            Edge::V(i, j) => (xs[i], ys[j], val(i, j), xs[i], ys[j + 1], val(i, j + 1)),
        };
        let t = if v0 != v1 { (v0 / (v0 - v1)).clamp(0.0, 1.0) } else { 0.5 };
        (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    };
    // Chain segments through shared edges (each edge touches at most two segments).
    let mut at: std::collections::HashMap<Edge, Vec<usize>> = std::collections::HashMap::new();
    for (k, (e0, e1)) in segs.iter().enumerate() {
        at.entry(*e0).or_default().push(k);
        at.entry(*e1).or_default().push(k);
    }
    let mut used = vec![false; segs.len()];
    let mut lines = Vec::new();
    for start in 0..segs.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (e0, e1) = segs[start];
        let mut chain = std::collections::VecDeque::from([e0, e1]);
        // Extend forwards from the back, then backwards from the front.
        for forward in [true, false] {
            loop {
                let end = if forward { chain.back() } else { chain.front() };
                let Some(&end) = end else { break };
                let next = at.get(&end).and_then(|ks| ks.iter().copied().find(|k| !used[*k]));
                let Some(k) = next else { break };
                used[k] = true;
                let (a, b) = segs[k];
                let other = if a == end { b } else { a };
                if forward {
                    chain.push_back(other);
                } else {
                    chain.push_front(other);
                }
            }
        }
        lines.push(chain.into_iter().map(point).collect());
    }
    lines
}

/// The three measures over time: TaiLr bold, the cross-entropy ghost faint.
fn curves_chart(area: &Area<'_>, sim: &NoisySim, theme: &Theme, wide: bool) {
    let (c_mem, c_acc, c_auc) = (flipped_color(theme), theme.series(2), theme.fg());
    let names = if wide {
        [
            theme.t(T::new("flipped memorised", "记住的翻转点")),
            theme.t(T::new("clean test acc", "干净测试准确率")),
            theme.t(T::new("AUROC of 1 − p(label)", "1 − p(标签) 的 AUROC")),
            theme.t(T::new("CE ghost", "交叉熵影子")),
        ]
    } else {
        [theme.t(T::new("memorised", "记忆比例")), theme.t(T::new("test acc", "测试准确率")), "AUROC", "CE"]
    };
    let keys = vec![
        (names[0].to_string(), c_mem, Sample::Line),
        (names[1].to_string(), c_acc, Sample::Line),
        (names[2].to_string(), c_auc, Sample::Line),
        (names[3].to_string(), ghost_color(theme, theme.fg()), Sample::Line),
    ];
    let title = if wide {
        theme.t(T::new("TaiLr (bold) vs cross-entropy (faint) over steps", "TaiLr（粗线）与交叉熵（浅色）随步数变化"))
    } else {
        theme.t(T::new("TaiLr vs CE (faint)", "TaiLr 对比 CE（浅色）"))
    };
    let top = header(area, theme, title, &keys);
    let t1 = crate::plot::axis::time_extent(sim.model.steps as f64, 10.0);
    // The axis ends on a round step whose tick label is centred on the right edge: room for half of it.
    let mut chart = Frame { top, margin: 8.0, x_labels: 22.0, y_labels: 30.0, right: 16.0, right_labels: 0.0 }.chart(
        area,
        theme,
        (0.0, t1),
        (0.0, 1.02),
    );
    mesh(
        &mut chart,
        theme,
        Axes { x_ticks: if wide { 5 } else { 3 }, y_ticks: 6, x_desc: "", y_desc: "", ..Axes::PLAIN },
        &tick,
        &tick,
    );
    type Get = fn(&Point) -> (Option<f64>, Option<f64>);
    let series: [(Get, RGBColor); 3] = [
        (|s| (s.tailr.memorised, s.ce.memorised), c_mem),
        (|s| (Some(s.tailr.test_acc), Some(s.ce.test_acc)), c_acc),
        (|s| (s.tailr.auroc, s.ce.auroc), c_auc),
    ];
    let pts = |get: Get, ghost: bool| -> Vec<(f64, f64)> {
        sim.trace
            .iter()
            .filter_map(|s| {
                let (t, c) = get(s);
                let v = if ghost { c } else { t }?;
                v.is_finite().then_some((s.step as f64, v.clamp(0.0, 1.02)))
            })
            .collect()
    };
    for (get, color) in series {
        polyline(&chart, &pts(get, true), ghost_color(theme, color).stroke_width(theme.px(1.6)));
        polyline(&chart, &pts(get, false), color.stroke_width(theme.px(2.2)));
    }
}

/// The share of `values` (probabilities) in each of [`BINS`] equal bins of `[0, 1]`.
fn histogram(values: impl Iterator<Item = f64>) -> [f64; BINS] {
    let mut h = [0.0; BINS];
    let mut n = 0usize;
    for v in values {
        let v = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
        let i = ((v * BINS as f64) as usize).min(BINS - 1);
        h[i] += 1.0;
        n += 1;
    }
    if n > 0 {
        h.iter_mut().for_each(|x| *x /= n as f64);
    }
    h
}

/// The histograms of `p(given label)` of one learner for clean and for flipped points.
fn histograms(sim: &NoisySim, learner: &Learner) -> ([f64; BINS], [f64; BINS]) {
    let d = &sim.model.data;
    let pg: Vec<(f64, bool)> =
        learner.f.iter().zip(&d.label).zip(&d.flipped).map(|((f, y), fl)| (p_given(*f, *y), *fl)).collect();
    (
        histogram(pg.iter().filter(|(_, f)| !*f).map(|(p, _)| *p)),
        histogram(pg.iter().filter(|(_, f)| *f).map(|(p, _)| *p)),
    )
}

/// The histogram of `p(given label)`: TaiLr as bars, the cross-entropy ghost as outlines.
fn hist_chart(area: &Area<'_>, sim: &NoisySim, theme: &Theme, wide: bool) {
    let (c_clean, c_flip) = (theme.muted(), flipped_color(theme));
    let keys = vec![
        (theme.t(T::new("clean", "干净")).to_string(), c_clean, Sample::Block),
        (theme.t(T::new("flipped", "被翻转")).to_string(), c_flip, Sample::Block),
        (
            (if wide { theme.t(T::new("CE ghost (outline)", "交叉熵影子（轮廓）")) } else { "CE" }).to_string(),
            theme.muted(),
            Sample::Line,
        ),
    ];
    let title = if wide {
        theme.t(T::new("p(given label) of training points, share of each group", "训练点的 p(所给标签)，各组占比"))
    } else {
        theme.t(T::new("p(given label)", "p(所给标签)"))
    };
    let top = header(area, theme, title, &keys);
    let (t_clean, t_flip) = histograms(sim, &sim.model.tailr);
    let (c_clean_h, c_flip_h) = histograms(sim, &sim.model.ce);
    let ymax =
        t_clean.iter().chain(&t_flip).chain(&c_clean_h).chain(&c_flip_h).copied().fold(0.1, f64::max).min(1.0) * 1.05;
    let mut chart = Frame {
        top,
        margin: 8.0,
        x_labels: if wide { 32.0 } else { 22.0 },
        y_labels: 30.0,
        right: 8.0,
        right_labels: 0.0,
    }
    .chart(area, theme, (0.0, 1.0), (0.0, ymax));
    mesh(
        &mut chart,
        theme,
        Axes {
            x_ticks: if wide { 6 } else { 3 },
            y_ticks: 4,
            x_desc: if wide {
                theme.t(T::new("model probability of the given label", "模型给所给标签的概率"))
            } else {
                ""
            },
            ..Axes::PLAIN
        },
        &tick,
        &tick,
    );
    let bw = 1.0 / BINS as f64;
    for (h, color, alpha) in [(t_clean, c_clean, 0.55), (t_flip, c_flip, 0.75)] {
        for (i, v) in h.into_iter().enumerate().filter(|(_, v)| *v > 0.0) {
            let x0 = i as f64 * bw;
            rect(&chart, (x0 + 0.1 * bw, 0.0), (x0 + 0.9 * bw, v.min(ymax)), color.mix(alpha).filled());
        }
    }
    // The ghost's histograms as step outlines.
    for (h, color) in [(c_clean_h, c_clean), (c_flip_h, c_flip)] {
        let mut pts = vec![(0.0, 0.0)];
        for (i, v) in h.iter().enumerate() {
            let v = v.min(ymax);
            pts.push((i as f64 * bw, v));
            pts.push(((i + 1) as f64 * bw, v));
        }
        pts.push((1.0, 0.0));
        polyline(&chart, &pts, color.stroke_width(theme.px(1.4)));
    }
}
