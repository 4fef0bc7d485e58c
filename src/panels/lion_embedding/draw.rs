//! Drawing of the Lion/Tiger embedding panel: each row's largest |entry| against its frequency rank, a heat
//! map of the embedding (row buckets by rank × entries), the largest |entry| per rank bucket and the count of
//! rows at the cap over time, and a token inspector.
//!
//! Drawing reads only what it shows: at most [`SCATTER_ROWS`] rows for the scatter (every rank up to 300,
//! then log-spaced ranks) and at most [`HEAT_ROWS`] rows per heat-map bucket, each evaluated at the current
//! step in closed form, so a frame costs the same at V = 2000 and at V = 100 000. The time series come from
//! the simulation's exact whole-embedding samples.

use super::model::{Model, BUCKETS};
use super::LionSim;
use crate::i18n::T;
use crate::plot::axis::{label_budget, time_extent};
use crate::plot::chart::{fitting, mesh, Axes, Frame};
use crate::plot::draw::{dashed_line, dots, path_px, polyline, rect_px, text_px};
use crate::plot::{fmt, is_wide, log_range, Area, Theme};
use crate::tr;
use plotters::prelude::*;

/// Most rows drawn in the scatter (every rank up to 300, then log-spaced: at most a few per pixel column).
pub const SCATTER_ROWS: usize = 600;
/// Most rows sampled per heat-map bucket.
pub const HEAT_ROWS: usize = 12;
/// Most heat-map row buckets.
const MAX_BUCKETS: usize = 64;
/// Colour levels per sign in the heat map: cells are quantised to them so that runs of equal colour down a
/// column (rows at the cap, rows still near their start) are drawn as one rectangle.
const HEAT_LEVELS: f64 = 24.0;
/// Magnitudes are clamped here before plotting (the model's values are finite but may be huge).
const LIMIT: f64 = 1e30;

/// Draws the whole figure.
pub fn draw(area: &Area<'_>, sim: &LionSim, theme: &Theme) {
    let wide = is_wide(area, theme.scale);
    let (w, h) = area.dim_in_pixel();
    if wide {
        let (left, right) = area.split_horizontally((w as f64 * 0.5) as u32);
        let (lh, rh) = (left.dim_in_pixel().1, right.dim_in_pixel().1);
        let (scatter, heat) = left.split_vertically((lh as f64 * 0.6) as u32);
        let (series, rest) = right.split_vertically((rh as f64 * 0.42) as u32);
        let (cap, insp) = rest.split_vertically((rh as f64 * 0.2) as u32);
        scatter_chart(&scatter, sim, theme, true);
        heat_map(&heat, sim, theme);
        series_chart(&series, sim, theme, true);
        cap_chart(&cap, sim, theme);
        inspector(&insp, sim, theme, true);
    } else if (h as f64) / theme.scale < 560.0 {
        // A short phone figure (the page caps a sticky canvas at 60 % of the window): the count of rows at the
        // cap is in the headline already, so its chart gives its height to the others; below 480 px the token
        // inspector, which needs height to read, gives way too.
        let roomy = (h as f64) / theme.scale >= 480.0;
        let fr: &[f64] = if roomy { &[0.37, 0.2, 0.22] } else { &[0.42, 0.22] };
        let (parts, rest) = stack(area, h, fr);
        scatter_chart(&parts[0], sim, theme, false);
        heat_map(&parts[1], sim, theme);
        if roomy {
            series_chart(&parts[2], sim, theme, false);
            inspector(&rest, sim, theme, false);
        } else {
            series_chart(&rest, sim, theme, false);
        }
    } else {
        let (parts, rest) = stack(area, h, &[0.27, 0.17, 0.2, 0.12]);
        scatter_chart(&parts[0], sim, theme, false);
        heat_map(&parts[1], sim, theme);
        series_chart(&parts[2], sim, theme, false);
        cap_chart(&parts[3], sim, theme);
        inspector(&rest, sim, theme, false);
    }
}

/// The colour of rank bucket `b`.
fn bucket_color(theme: &Theme, b: usize) -> RGBColor {
    [theme.series(2), theme.series(0), theme.series(4), theme.series(1)][b.min(3)]
}

/// Labels of the rank buckets (1-based ranks).
const BUCKET_LABELS: [T; 4] = [
    T::new("ranks 1–20", "排名 1–20"),
    T::new("21–100", "21–100"),
    T::new("101–500", "101–500"),
    T::new(">500", ">500"),
];

/// A title line at the top of a sub-area; returns the top margin it needs in CSS pixels.
fn title(area: &Area<'_>, theme: &Theme, text: &str) -> f64 {
    text_px(area, text, (theme.dpx(8.0), theme.dpx(3.0)), &theme.font(11.0));
    18.0
}

/// The ranks drawn in the scatter: all of the first 500, then log-spaced (all of them for small V).
pub fn scatter_ranks(v: usize) -> Vec<usize> {
    if v <= SCATTER_ROWS {
        return (0..v).collect();
    }
    let head = 300.min(v);
    let mut out: Vec<usize> = (0..head).collect();
    let n = SCATTER_ROWS - head;
    let (l0, l1) = ((head as f64).ln(), (v as f64).ln());
    for i in 0..n {
        let r = (l0 + (l1 - l0) * i as f64 / (n - 1).max(1) as f64).exp() as usize;
        let r = r.min(v - 1);
        if out.last().is_none_or(|&last| r > last) {
            out.push(r);
        }
    }
    out
}

/// The optimizer and learning-rate rule in words.
fn setting(m: &Model, theme: &Theme) -> String {
    let c = &m.cfg;
    let rule = if c.rms_rule() {
        format!("row-RMS α={}", fmt::short(c.lr as f64))
    } else {
        format!("lr={}", fmt::short(c.lr as f64))
    };
    let mut s = format!("{} · {rule} · λ={}", c.optimizer.label(), fmt::short(c.wd as f64));
    if c.lazy {
        s.push_str(theme.t(T::new(" · lazy rows", " · 惰性行更新")));
    }
    if c.ftz {
        s.push_str(" · FTZ");
    }
    s
}

/// The scatter's headline: the setting and step, the largest entry and the rows at the cap, and a note when
/// the slow per-step engine runs.
fn scatter_headline(area: &Area<'_>, sim: &LionSim, theme: &Theme) {
    let m = &sim.model;
    let max_w = area.dim_in_pixel().0.saturating_sub(theme.px(12.0));
    let h1 = theme.font(13.0);
    // A step of the per-step engine taken in parts may be in progress when the figure is drawn (the page draws
    // after completed steps only, but a resize or theme change redraws at once): its rows are then partly of the
    // next step, and the headline says so.
    // Likewise while a rebuilt run is still drawing its initial embedding (the page's rebuilds at large
    // vocabularies): the rows not drawn yet are zero.
    let step = match (sim.build_share(), sim.sweep_share()) {
        (Some(share), _) => {
            let pct = (100.0 * share).floor();
            tr!(theme.lang, "step 0 (initial embedding: {pct} % drawn)", "第 0 步（初始 Embedding：已生成 {pct}%）")
        }
        (None, Some(share)) => {
            let (next, pct) = (m.t + 1, (100.0 * share).floor());
            tr!(theme.lang, "step {} (step {next}: {pct} % done)", "第 {} 步（第 {next} 步：已完成 {pct}%）", m.t)
        }
        (None, None) => tr!(theme.lang, "step {}", "第 {} 步", m.t),
    };
    let mut candidates = vec![format!("{} · {step}", setting(m, theme))];
    if sim.sweep_share().is_some() || sim.build_share().is_some() {
        // A narrow figure gives up the setting before the step in progress.
        candidates.push(step);
    }
    candidates.extend([setting(m, theme), m.cfg.optimizer.label().to_string()]);
    let line1 = fitting(area, &candidates, &h1, max_w);
    text_px(area, &line1, (theme.dpx(8.0), theme.dpx(4.0)), &h1);
    // The statistics of the current step when they are cheap (small vocabularies, taken at once and cached per
    // step) or already computed (for the readouts), else the last whole-embedding sample's, dated when it is not
    // of the current step.
    let (last_at, last) = if sim.samples_at_once() {
        (m.t, sim.summary())
    } else if let Some(s) = sim.current_summary() {
        (m.t, s)
    } else {
        sim.series.last().map(|(t, s)| (*t, s.summary)).unwrap_or_default()
    };
    let h2 = theme.font_in(11.5, theme.muted());
    let at_cap = match (m.cfg.cap(), last.min_rank_at_cap) {
        (None, _) => theme.t(T::new("no weight decay: no cap", "无权重衰减：无上限")).to_string(),
        (Some(_), Some(r)) => {
            tr!(theme.lang, "{} rows at 0.99/λ (lowest rank {r})", "{} 行达到 0.99/λ（最低排名 {r}）", last.rows_at_cap)
        }
        (Some(_), None) => theme.t(T::new("no row at 0.99/λ", "没有行达到 0.99/λ")).to_string(),
    };
    let stats = format!("max|E| = {} · {at_cap}", fmt::short(last.max_abs));
    // During the set-up the statistics are an empty embedding's (no scan): the line says when they come instead.
    let line2 = if sim.build_share().is_some() {
        theme.t(T::new("statistics once the initial embedding is drawn", "初始 Embedding 生成后再给出数值")).to_string()
    } else if last_at == m.t {
        fitting(area, &[stats, at_cap.clone()], &h2, max_w)
    } else {
        let dated = tr!(theme.lang, "step {last_at}: {stats}", "第 {last_at} 步：{stats}");
        let short_dated = tr!(theme.lang, "step {last_at}: {at_cap}", "第 {last_at} 步：{at_cap}");
        fitting(area, &[dated, short_dated, at_cap.clone()], &h2, max_w)
    };
    text_px(area, &line2, (theme.dpx(8.0), theme.dpx(22.0)), &h2);
    if let Some(why) =
        m.per_step_reason.map(|why| theme.t(super::metrics_info::shown(&super::metrics_info::REASONS, why)))
    {
        // The slow path says so on the figure (every row is updated every step: cost ∝ V·d).
        let note = [
            tr!(
                theme.lang,
                "per-step engine (slow, all V rows each step): {why}",
                "逐步计算（慢，每步更新全部 V 行）：{why}"
            ),
            theme.t(T::new("per-step engine (slow)", "逐步计算（慢）")).into(),
        ];
        text_px(area, &fitting(area, &note, &h2, max_w), (theme.dpx(8.0), theme.dpx(38.0)), &h2);
    }
}

/// The main chart: max |entry| of each row against its rank (log-log), with 1/λ and the optimum's scale.
fn scatter_chart(area: &Area<'_>, sim: &LionSim, theme: &Theme, wide: bool) {
    let m = &sim.model;
    let v = m.vocab();
    let ranks = scatter_ranks(v);
    let mut scratch = m.scratch();
    let pts: Vec<(f64, f64, usize)> = ranks
        .iter()
        .map(|&r| {
            let b = BUCKETS.iter().position(|(lo, hi)| r >= *lo && r < *hi).unwrap_or(3);
            ((r + 1) as f64, m.row_max_abs(r, &mut scratch).min(LIMIT), b)
        })
        .collect();
    let opt: Vec<(f64, f64)> =
        ranks.iter().map(|&r| ((r + 1) as f64, m.optimum_max(r))).filter(|(_, y)| y.is_finite() && *y > 0.0).collect();
    let cap = m.cfg.cap();
    scatter_headline(area, sim, theme);

    let mut ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    ys.extend(opt.iter().map(|p| p.1));
    if let Some(c) = cap {
        ys.push(c * 1.3);
    }
    let (lo, hi) = log_range(ys, 1e-4, (1e-3, 1e3));
    let x1 = (v as f64).max(2.0);
    let top = if m.per_step_reason.is_some() { 56.0 } else { 40.0 };
    let frame = Frame { top, margin: 6.0, x_labels: 30.0, y_labels: 40.0, right: 12.0, right_labels: 0.0 };
    let mut chart = frame.chart_log_xy_auto(area, theme, (1.0, x1), (lo, hi));
    // On a short chart the long axis description would reach into the headline, and ticks into each other.
    let plot_h = chart.plotting_area().dim_in_pixel().1;
    let desc = theme.font(10.5);
    let long_fits = area
        .estimate_text_size(theme.t(T::new("max |row entry|", "行内最大 |分量|")), &desc)
        .is_ok_and(|(w, _)| w + theme.px(8.0) <= plot_h);
    let axes = Axes {
        x_ticks: if wide { 6 } else { 4 },
        y_ticks: label_budget(6, plot_h as i32, theme, 15.0),
        x_desc: theme.t(T::new("frequency rank (log)", "频率排名（对数）")),
        y_desc: if long_fits { theme.t(T::new("max |row entry|", "行内最大 |分量|")) } else { "max|E|" },
        label_size: 10.0,
        desc_size: 10.5,
        label_color: None,
    };
    mesh(&mut chart, theme, axes, &fmt::count, &fmt::tick);
    let clampy = |y: f64| y.clamp(lo, hi);
    if let Some(c) = cap {
        dashed_line(
            &chart,
            &[(1.0, c), (x1, c)],
            theme.px(9.0),
            theme.px(6.0),
            theme.warn().stroke_width(theme.px(1.5)),
        );
    }
    polyline(
        &chart,
        &opt.iter().map(|(x, y)| (*x, clampy(*y))).collect::<Vec<_>>(),
        theme.fg().mix(0.7).stroke_width(theme.px(1.3)),
    );
    // The points in rank order, one run of equal bucket (and colour) at a time.
    for run in pts.chunk_by(|a, b| a.2 == b.2) {
        let xy: Vec<(f64, f64)> = run.iter().map(|(x, y, _)| (*x, clampy(y.max(lo)))).collect();
        dots(&chart, &xy, theme.px(1.6), bucket_color(theme, run[0].2).mix(0.7).filled());
    }
    // Labels for the two reference lines (in the chart's own pixel space).
    let plot = chart.plotting_area();
    let base = area.get_base_pixel();
    if let Some(c) = cap {
        let (px, py) = plot.map_coordinate(&(1.0, c));
        let (px, py) = (px - base.0, py - base.1);
        let lab = theme.font_in(10.0, theme.warn());
        text_px(area, &format!("1/λ = {}", fmt::short(c)), (px + theme.dpx(4.0), py - theme.dpx(14.0)), &lab);
    }
    if let Some(&(x, y)) = opt.get(1.min(opt.len().saturating_sub(1))) {
        let (px, py) = plot.map_coordinate(&(x, clampy(y)));
        let (px, py) = (px - base.0, py - base.1);
        let lab = theme.font_in(10.0, theme.fg());
        text_px(area, theme.t(T::new("optimum (no decay)", "最优（无衰减）")), (px, py - theme.dpx(14.0)), &lab);
    }
}

/// A diverging colour for `x` in [−1, 1]: blue for negative, red for positive, the background at 0.
fn diverging(theme: &Theme, x: f64) -> RGBColor {
    let x = if x.is_finite() { x.clamp(-1.0, 1.0) } else { 0.0 };
    let bg = theme.bg();
    let hue = if x >= 0.0 { RGBColor(200, 40, 40) } else { RGBColor(40, 90, 200) };
    let hue = if theme.dark && x >= 0.0 {
        RGBColor(240, 90, 80)
    } else if theme.dark {
        RGBColor(90, 150, 250)
    } else {
        hue
    };
    let t = x.abs();
    let mix = |a: u8, b: u8| (a as f64 * (1.0 - t) + b as f64 * t).round() as u8;
    RGBColor(mix(bg.0, hue.0), mix(bg.1, hue.1), mix(bg.2, hue.2))
}

/// The heat map: row buckets by rank (top = rank 1) × entries; each cell is the entry of largest magnitude
/// among up to [`HEAT_ROWS`] rows of the bucket, coloured on a signed square-root scale up to ±1/λ.
fn heat_map(area: &Area<'_>, sim: &LionSim, theme: &Theme) {
    let m = &sim.model;
    let v = m.vocab();
    let d = m.dim();
    let scale = m.cfg.cap().unwrap_or_else(|| sim.series.last().map_or(1.0, |(_, s)| s.summary.max_abs.max(1e-9)));
    let top = title(
        area,
        theme,
        &tr!(
            theme.lang,
            "embedding rows by rank × {d} entries (colour ±{})",
            "Embedding 各行按排名 × {d} 个分量（颜色 ±{}）",
            fmt::short(scale)
        ),
    );
    let (w, h) = area.dim_in_pixel();
    let (x0, y0) = (theme.dpx(40.0), theme.dpx(top + 4.0));
    let (x1, y1) = (w as i32 - theme.dpx(12.0), h as i32 - theme.dpx(18.0));
    if x1 <= x0 + 4 || y1 <= y0 + 4 {
        return;
    }
    let nb = MAX_BUCKETS.min(v).min(((y1 - y0) as usize).max(1)).max(1);
    let mut scratch = m.scratch();
    let mut cells = vec![0.0f64; nb * d];
    for b in 0..nb {
        let (lo, hi) = (b * v / nb, ((b + 1) * v / nb).max(b * v / nb + 1).min(v));
        let n = hi - lo;
        let take = n.min(HEAT_ROWS);
        for i in 0..take {
            let r = lo + i * n / take;
            m.entries_into(r, &mut scratch);
            for j in 0..d {
                let e = scratch.theta.get(j).copied().unwrap_or(0.0) as f64;
                if e.abs() > cells[b * d + j].abs() {
                    cells[b * d + j] = e;
                }
            }
        }
    }
    let (cw, ch) = ((x1 - x0) as f64 / d as f64, (y1 - y0) as f64 / nb as f64);
    let level = |b: usize, j: usize| {
        let val = cells[b * d + j] / scale;
        let x = if val.is_finite() { (val.signum() * val.abs().sqrt()).clamp(-1.0, 1.0) } else { 0.0 };
        (x * HEAT_LEVELS).round() as i32
    };
    for j in 0..d {
        let (a0, a1) = (x0 + (j as f64 * cw) as i32, x0 + ((j + 1) as f64 * cw) as i32);
        let mut b = 0;
        while b < nb {
            let lv = level(b, j);
            let mut e = b + 1;
            while e < nb && level(e, j) == lv {
                e += 1;
            }
            let col = diverging(theme, lv as f64 / HEAT_LEVELS);
            let (b0, b1) = (y0 + (b as f64 * ch) as i32, y0 + (e as f64 * ch).ceil() as i32);
            rect_px(area, (a0, b0), (a1.max(a0 + 1), b1.max(b0 + 1)), col.filled());
            b = e;
        }
    }
    rect_px(area, (x0, y0), (x1, y1), theme.muted().stroke_width(1));
    let small = theme.font_in(10.0, theme.muted());
    text_px(area, theme.t(T::new("rank 1", "排名 1")), (theme.dpx(2.0), y0), &small);
    text_px(area, &fmt::count(&(v as f64)), (theme.dpx(2.0), y1 - theme.dpx(11.0)), &small);
    let foot = theme.t(T::new("entries →   colour: sign·√(|E|/scale)", "分量 →   颜色：sign·√(|E|/尺度)"));
    text_px(area, foot, (x0, y1 + theme.dpx(3.0)), &small);
}

/// The frame of a chart over steps below a title (and keys) `top` CSS pixels tall.
fn time_frame(top: f64) -> Frame {
    Frame { top, margin: 6.0, x_labels: 20.0, y_labels: 40.0, right: 12.0, right_labels: 0.0 }
}

/// The axes of a chart over steps whose plotting area is `plot_h` device pixels tall: at most `y_max` y labels.
fn time_axes(theme: &Theme, wide: bool, y_max: usize, plot_h: u32) -> Axes<'static> {
    let y_ticks = label_budget(y_max, plot_h as i32, theme, 15.0);
    Axes { x_ticks: if wide { 5 } else { 4 }, y_ticks, label_size: 10.0, ..Axes::PLAIN }
}

/// The points of a polyline over steps `[0, t1]` that can show on a plot `cols` pixels wide: per pixel column the
/// first, lowest, highest and last point, in their order (the M4 reduction: each column keeps its vertical
/// extent and its joins to its neighbours, so the line looks the same at that width). Series longer than four
/// points per column (long runs keep up to 1 024 samples) are drawn with fewer segments.
fn thin(pts: &[(f64, f64)], t1: f64, cols: u32) -> Vec<(f64, f64)> {
    if pts.len() <= 4 * cols as usize || t1 <= 0.0 {
        return pts.to_vec();
    }
    let col = |x: f64| (x / t1 * cols as f64).floor() as i64;
    let mut out = Vec::with_capacity(4 * cols as usize);
    let mut i = 0;
    while i < pts.len() {
        let c = col(pts[i].0);
        let (mut j, mut lo, mut hi) = (i, i, i);
        while j < pts.len() && col(pts[j].0) == c {
            if pts[j].1 < pts[lo].1 {
                lo = j;
            }
            if pts[j].1 > pts[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        for (n, &k) in keep.iter().enumerate() {
            if n == 0 || k != keep[n - 1] {
                out.push(pts[k]);
            }
        }
        i = j;
    }
    out
}

/// A row of colour keys after a title; returns the top margin needed.
fn keys(area: &Area<'_>, theme: &Theme, items: &[(String, RGBColor)]) -> f64 {
    let (w, _) = area.dim_in_pixel();
    let style = theme.font_in(10.0, theme.muted());
    let (mut x, mut row) = (theme.dpx(8.0), 0);
    for (label, c) in items {
        let lw = area.estimate_text_size(label, &style).map(|(w, _)| w as i32).unwrap_or(theme.dpx(40.0));
        let item = theme.dpx(16.0) + lw + theme.dpx(8.0);
        if x > theme.dpx(8.0) && x + item > w as i32 {
            x = theme.dpx(8.0);
            row += 1;
        }
        let y = theme.dpx(24.0) + row * theme.dpx(13.0);
        path_px(area, &[(x, y), (x + theme.dpx(12.0), y)], theme.stroke(*c, 2.0));
        text_px(area, label, (x + theme.dpx(15.0), y - theme.dpx(6.0)), &style);
        x += item;
    }
    32.0 + 13.0 * row as f64
}

/// The largest |entry| per rank bucket over time (log scale), with 1/λ and, for a constant learning rate
/// under Tiger/Lion, the constant-sign curve `(1 − (1 − ηλ)^t)/λ` from 0.
fn series_chart(area: &Area<'_>, sim: &LionSim, theme: &Theme, wide: bool) {
    let m = &sim.model;
    title(
        area,
        theme,
        if wide {
            theme.t(T::new("largest |entry| per rank bucket vs step", "各排名分组的最大 |分量| 随步数变化"))
        } else {
            theme.t(T::new("largest |entry| per bucket", "各分组最大 |分量|"))
        },
    );
    let items: Vec<(String, RGBColor)> =
        (0..4).map(|b| (theme.t(BUCKET_LABELS[b]).to_string(), bucket_color(theme, b))).collect();
    let top = keys(area, theme, &items);
    let t1 = time_extent(m.t as f64, 10.0);
    let cap = m.cfg.cap();
    let mut ys: Vec<f64> = Vec::new();
    for (_, s) in sim.series.items() {
        ys.extend(s.summary.bucket_max.iter().copied().filter(|x| x.is_finite()).map(|x| x.min(LIMIT)));
    }
    if let Some(c) = cap {
        ys.push(c * 1.3);
    }
    let (lo, hi) = log_range(ys, 1e-4, (1e-3, 1e3));
    let mut chart = time_frame(top).chart_log_y_auto(area, theme, (0.0, t1), (lo, hi));
    let axes = time_axes(theme, wide, 5, chart.plotting_area().dim_in_pixel().1);
    mesh(&mut chart, theme, axes, &fmt::count, &fmt::tick);
    if let Some(c) = cap {
        dashed_line(
            &chart,
            &[(0.0, c), (t1, c)],
            theme.px(9.0),
            theme.px(6.0),
            theme.warn().stroke_width(theme.px(1.4)),
        );
        if m.cfg.optimizer.is_sign() && !m.cfg.rms_rule() && !m.cfg.lazy {
            let q = 1.0 - m.cfg.lr as f64 * m.cfg.wd as f64;
            let pts: Vec<(f64, f64)> =
                (1..=80).map(|i| t1 * i as f64 / 80.0).map(|t| (t, (c * (1.0 - q.powf(t))).clamp(lo, hi))).collect();
            dashed_line(&chart, &pts, theme.px(3.0), theme.px(3.0), theme.fg().mix(0.8).stroke_width(theme.px(1.2)));
        }
    }
    for b in 0..4 {
        let pts: Vec<(f64, f64)> = sim
            .series
            .items()
            .iter()
            .filter(|(_, s)| s.summary.bucket_max[b].is_finite())
            .map(|(t, s)| (*t as f64, s.summary.bucket_max[b].clamp(lo, hi)))
            .collect();
        let cols = chart.plotting_area().dim_in_pixel().0;
        polyline(&chart, &thin(&pts, t1, cols), bucket_color(theme, b).stroke_width(theme.px(2.0)));
    }
}

/// The number of rows with an entry of at least 0.99/λ over time.
fn cap_chart(area: &Area<'_>, sim: &LionSim, theme: &Theme) {
    let m = &sim.model;
    let top = title(area, theme, theme.t(T::new("rows with an entry ≥ 0.99/λ", "有分量 ≥ 0.99/λ 的行数")));
    let t1 = time_extent(m.t as f64, 10.0);
    let ymax = sim.series.items().iter().map(|(_, s)| s.summary.rows_at_cap).max().unwrap_or(0).max(1) as f64 * 1.15;
    let mut chart = time_frame(top).chart(area, theme, (0.0, t1), (0.0, ymax));
    let axes = time_axes(theme, true, 3, chart.plotting_area().dim_in_pixel().1);
    mesh(&mut chart, theme, axes, &fmt::count, &fmt::tick);
    let pts: Vec<(f64, f64)> =
        sim.series.items().iter().map(|(t, s)| (*t as f64, s.summary.rows_at_cap as f64)).collect();
    let cols = chart.plotting_area().dim_in_pixel().0;
    polyline(&chart, &thin(&pts, t1, cols), theme.warn().stroke_width(theme.px(2.0)));
}

/// The token inspector: one entry of one rare token's row over time, the sign of its momentum, its
/// appearances as ticks, and the analytic constant-sign curve from its first appearance.
fn inspector(area: &Area<'_>, sim: &LionSim, theme: &Theme, wide: bool) {
    let m = &sim.model;
    let items = sim.inspected.items();
    let d = m.dim();
    // The entry of largest magnitude now.
    let j = items
        .last()
        .map(|(_, s)| {
            s.theta
                .iter()
                .enumerate()
                .fold((0usize, -1.0f32), |(bj, bv), (j, x)| if x.abs() > bv { (j, x.abs()) } else { (bj, bv) })
                .0
        })
        .unwrap_or(0)
        .min(d - 1);
    let rank = sim.inspect + 1;
    let head = if wide {
        tr!(
            theme.lang,
            "token of rank {rank} (p = {:.1e}, seen {}×): entry {}",
            "排名 {rank} 的 token（p = {:.1e}，出现 {} 次）：分量 {}",
            m.p_of(sim.inspect),
            sim.appearances,
            j + 1
        )
    } else {
        tr!(theme.lang, "rank {rank}, seen {}×: entry {}", "排名 {rank}，出现 {} 次：分量 {}", sim.appearances, j + 1)
    };
    title(area, theme, &head);
    let (c_theta, c_sign, c_an) = (theme.series(0), theme.series(1), theme.fg());
    let top = keys(
        area,
        theme,
        &[
            ("θ".to_string(), c_theta),
            (theme.t(T::new("sign(m)·scale", "sign(m)·尺度")).to_string(), c_sign),
            (theme.t(T::new("constant-sign law", "符号恒定时的规律")).to_string(), c_an),
        ],
    );
    let t1 = time_extent(m.t as f64, 10.0);
    let theta: Vec<(f64, f64)> = items
        .iter()
        .filter_map(|(t, s)| s.theta.get(j).map(|x| (*t as f64, (*x as f64).clamp(-LIMIT, LIMIT))))
        .collect();
    // Analytic constant-sign curve from the first appearance (flush-to-zero off: the sign never changes).
    let mut analytic = Vec::new();
    if let Some((ta, row)) = &sim.first {
        let n = 80u64;
        for i in 0..=n {
            let t = *ta + (m.t.saturating_sub(*ta)) * i / n;
            let mut r = row.clone();
            m.advance(&mut r, *ta, t - ta, false);
            if let Some(x) = r.theta.get(j) {
                analytic.push((t as f64, (*x as f64).clamp(-LIMIT, LIMIT)));
            }
        }
    }
    let ymax =
        theta.iter().chain(&analytic).map(|p| p.1.abs()).fold(0.0f64, f64::max).max(3.0 * m.cfg.init_std).max(1e-6)
            * 1.15;
    let mut chart = time_frame(top).chart(area, theme, (0.0, t1), (-ymax, ymax));
    let axes = time_axes(theme, wide, 5, chart.plotting_area().dim_in_pixel().1);
    mesh(&mut chart, theme, axes, &fmt::count, &|v| fmt::tick_in(v, ymax));
    let sgn_level = 0.9 * ymax;
    let sgn: Vec<(f64, f64)> =
        items.iter().filter_map(|(t, s)| s.sign.get(j).map(|x| (*t as f64, *x as f64 * sgn_level))).collect();
    let cols = chart.plotting_area().dim_in_pixel().0;
    // The sign is a step curve: of each run of equal values only its ends change the line drawn.
    let sgn: Vec<(f64, f64)> = sgn
        .iter()
        .enumerate()
        .filter(|(i, p)| *i == 0 || *i + 1 == sgn.len() || sgn[i - 1].1 != p.1 || sgn[i + 1].1 != p.1)
        .map(|(_, p)| *p)
        .collect();
    polyline(&chart, &thin(&sgn, t1, cols), c_sign.mix(0.8).stroke_width(theme.px(1.2)));
    if !analytic.is_empty() {
        dashed_line(&chart, &analytic, theme.px(5.0), theme.px(4.0), c_an.mix(0.85).stroke_width(theme.px(1.5)));
    }
    polyline(&chart, &thin(&theta, t1, cols), c_theta.stroke_width(theme.px(2.0)));
    // Appearance ticks along the bottom.
    // One tick per pixel column: appearances closer than a pixel would be drawn over each other anyway.
    let tick_h = ymax * 0.12;
    let plot = chart.plotting_area();
    let mut last_px = None;
    let mut shown = Vec::new();
    for t in &sim.ticks {
        let px = plot.map_coordinate(&(*t as f64, -ymax)).0;
        if last_px != Some(px) {
            last_px = Some(px);
            shown.push(*t as f64);
        }
    }
    for t in shown {
        polyline(&chart, &[(t, -ymax), (t, -ymax + tick_h)], theme.fg().stroke_width(theme.px(1.0)));
    }
}

/// Splits `area` (of pixel height `h`) into bands from the top, one per fraction of `h` in `fractions`; returns
/// the bands and what is left below them.
fn stack<'a>(area: &Area<'a>, h: u32, fractions: &[f64]) -> (Vec<Area<'a>>, Area<'a>) {
    let mut rest = area.clone();
    let mut parts = Vec::with_capacity(fractions.len());
    for f in fractions {
        let (a, b) = rest.split_vertically((h as f64 * f) as u32);
        parts.push(a);
        rest = b;
    }
    (parts, rest)
}
