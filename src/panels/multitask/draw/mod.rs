//! Drawing of the multi-task panel: the plane with the task contours, the Pareto set, every scheme's path (and
//! its replay), the centroid, the geometric median and the predicted end points; the side charts live in
//! [`side`].

mod side;
mod style;

use crate::i18n::T;
use crate::panels::multitask::model::{Replay, Run, Scheme};
use crate::panels::multitask::MultitaskSim;
use crate::plot::chart::{fitting, mesh, Axes, Chart, Frame};
use crate::plot::draw::{circle_px, dots, path_px, polygon, polyline, rect_px, text_px};
use crate::plot::{fmt, is_wide, main_and_two, Area, PlaneMap, Theme};
use crate::tr;
use plotters::prelude::*;
use style::{scheme_color, scheme_label};

/// Draws the whole figure and returns the plane's pixel mapping for pointer handling.
pub fn draw(area: &Area<'_>, sim: &MultitaskSim, theme: &Theme) -> PlaneMap {
    let wide = is_wide(area, theme.scale);
    let (plane_area, loss_area, weights_area) = if wide {
        main_and_two(area, true, 0.52)
    } else {
        // Stacked: the plane on top, then the loss chart and the weights, each across the full width, since
        // the weight bars need the width for their labels.
        // On a short phone figure (the page's capped sticky canvas) the weights get a larger share, so that
        // every scheme's row keeps a readable height.
        let (_, h) = area.dim_in_pixel();
        let short = (h as f64) / theme.scale < 560.0;
        let (top, rest) = area.split_vertically((h as f64 * if short { 0.48 } else { 0.5 }) as u32);
        let (_, rh) = rest.dim_in_pixel();
        let (mid, bottom) = rest.split_vertically((rh as f64 * if short { 0.42 } else { 0.4 }) as u32);
        (top, mid, bottom)
    };
    let map = plane(&plane_area, sim, theme, wide);
    side::loss_chart(&loss_area, sim, theme, wide);
    side::weights_chart(&weights_area, sim, theme, wide);
    map
}

/// The replay's description.
pub fn replay_text(r: Replay, theme: &Theme) -> &'static str {
    match r {
        Replay::None => "",
        Replay::Scale1000 => theme.t(T::new("task 1 ×1000", "任务 1 ×1000")),
        Replay::Plus5 => theme.t(T::new("task 1 +5", "任务 1 +5")),
    }
}

/// Clips a polyline to a rectangle (Liang–Barsky on each segment) and returns the visible pieces.
pub fn clip_polyline(pts: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
            continue;
        }
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let mut visible = true;
        for (p, q) in [(-dx, a.0 - x.0), (dx, x.1 - a.0), (-dy, a.1 - y.0), (dy, y.1 - a.1)] {
            if p == 0.0 {
                if q < 0.0 {
                    visible = false;
                    break;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !visible || t0 > t1 {
            if cur.len() > 1 {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
            continue;
        }
        let p0 = (a.0 + t0 * dx, a.1 + t0 * dy);
        let p1 = (a.0 + t1 * dx, a.1 + t1 * dy);
        if cur.is_empty() || t0 > 0.0 {
            if cur.len() > 1 {
                out.push(std::mem::take(&mut cur));
            }
            cur.clear();
            cur.push(p0);
        }
        cur.push(p1);
        if t1 < 1.0 {
            out.push(std::mem::take(&mut cur));
        }
    }
    if cur.len() > 1 {
        out.push(cur);
    }
    out
}

/// The names of the drawn schemes that diverged, for the headline.
fn diverged_list(sim: &MultitaskSim, theme: &Theme) -> Vec<String> {
    let mut out = Vec::new();
    for s in Scheme::ALL {
        if !sim.show[s.index()] {
            continue;
        }
        if sim.base.run(s).diverged() {
            out.push(scheme_label(s, theme).to_string());
        }
        if sim.replay.as_ref().is_some_and(|r| r.run(s).diverged()) {
            out.push(tr!(theme.lang, "{} (replay)", "{}（重放）", scheme_label(s, theme)));
        }
    }
    out
}

/// The plane's headline: what is drawn (or which replay), shortened where the plane's column is narrow.
fn headline(sim: &MultitaskSim, theme: &Theme, wide: bool) -> String {
    match sim.replay_kind {
        Replay::None => {
            let n = sim.show.iter().filter(|b| **b).count();
            let note = match (sim.show[Scheme::Uncertainty.index()], wide) {
                (true, true) => theme.t(T::new(" (* not from the post)", "（* 不在原文中）")),
                (true, false) => theme.t(T::new(" (* not in post)", "（* 非原文）")),
                _ => "",
            };
            match Scheme::ALL.iter().find(|s| sim.show[s.index()]) {
                Some(s) if n == 1 => {
                    tr!(theme.lang, "{} on 3 tasks{note}", "{}，3 个任务{note}", scheme_label(*s, theme))
                }
                _ if wide => {
                    tr!(theme.lang, "{n} loss-weighting schemes on 3 tasks{note}", "{n} 种损失加权方案，3 个任务{note}")
                }
                _ => tr!(theme.lang, "{n} schemes, 3 tasks{note}", "{n} 种方案，3 个任务{note}"),
            }
        }
        r if wide => tr!(
            theme.lang,
            "replay {}: thin = replayed, wide = original",
            "重放 {}：细线 = 重放，粗线 = 原路径",
            replay_text(r, theme)
        ),
        r => tr!(theme.lang, "replay {}: thin = new", "重放 {}：细线 = 新路径", replay_text(r, theme)),
    }
}

/// Draws the headline (the long wording where it fits the plane's column, which the loss chart beside it
/// does not share) and the list of diverged schemes; returns the top margin in CSS pixels the plane needs.
fn header(area: &Area<'_>, sim: &MultitaskSim, theme: &Theme, wide: bool) -> f64 {
    let title = headline(sim, theme, wide);
    let hstyle = theme.font(13.0);
    let max_w = area.dim_in_pixel().0.saturating_sub(theme.px(14.0));
    // The short wording is the narrow figure's headline (already `title` on a narrow figure); a replay's
    // headline has no shorter one here.
    let short_title = if wide && sim.replay_kind == Replay::None { headline(sim, theme, false) } else { title.clone() };
    let title = fitting(area, &[title, short_title], &hstyle, max_w);
    text_px(area, &title, (theme.dpx(8.0), theme.dpx(5.0)), &hstyle);
    let dv = diverged_list(sim, theme);
    if dv.is_empty() {
        return 26.0;
    }
    let text = tr!(theme.lang, "diverged: {}", "发散：{}", dv.join(", "));
    text_px(area, &text, (theme.dpx(8.0), theme.dpx(22.0)), &theme.font_in(11.0, theme.warn()));
    40.0
}

/// The plane: the task layout with every drawn scheme's path, on equal axis scales.
fn plane(area: &Area<'_>, sim: &MultitaskSim, theme: &Theme, wide: bool) -> PlaneMap {
    let top = header(area, sim, theme, wide);
    let frame = Frame { top, margin: 6.0, x_labels: 26.0, y_labels: 34.0, right: 6.0, right_labels: 0.0 };
    let mut chart = frame.chart_equal(area, theme, sim.plane.0, sim.plane.1);
    let axes = Axes { x_ticks: if wide { 8 } else { 6 }, y_ticks: 6, label_size: 10.0, ..Axes::PLAIN };
    mesh(&mut chart, theme, axes, &fmt::tick, &fmt::tick);
    let (x, y) = (chart.x_range(), chart.y_range());
    let view = View { x: (x.start, x.end), y: (y.start, y.end) };
    pareto_and_contours(&chart, sim, theme, view);
    paths(&chart, sim, theme, view);
    iterates(&chart, sim, theme, view);
    landmarks(&chart, sim, theme, view);
    PlaneMap::of_chart(&chart)
}

/// The data rectangle the plane shows.
#[derive(Clone, Copy)]
struct View {
    x: (f64, f64),
    y: (f64, f64),
}

impl View {
    fn contains(&self, p: [f64; 2]) -> bool {
        p[0] >= self.x.0 && p[0] <= self.x.1 && p[1] >= self.y.0 && p[1] <= self.y.1
    }

    /// The visible pieces of a polyline.
    fn clip(&self, pts: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        clip_polyline(pts, self.x, self.y)
    }
}

/// The Pareto set (the hull of the centres), lightly shaded, and the task contours.
fn pareto_and_contours(chart: &Chart<'_, '_>, sim: &MultitaskSim, theme: &Theme, view: View) {
    let hull: Vec<(f64, f64)> = sim.hull.iter().map(|p| (p[0], p[1])).collect();
    if hull.len() == 3 {
        polygon(chart, &hull, theme.fg().mix(0.07).filled());
    }
    if hull.len() >= 2 {
        let mut closed = hull.clone();
        closed.push(hull[0]);
        for piece in view.clip(&closed) {
            polyline(chart, &piece, theme.muted().mix(0.6).stroke_width(theme.px(1.0)));
        }
    }
    if !sim.contours {
        return;
    }
    // Contours: circles (the level sets of an isotropic quadratic) at 0.2, 0.4 and 0.6 times the
    // size of the triangle. Exact circles need no marching squares.
    let t = &sim.base.tasks;
    let size = crate::panels::multitask::fixed::scale(&t.c);
    let style = theme.muted().mix(0.35).stroke_width(theme.px(1.0));
    for c in &t.c {
        for k in 1..=3 {
            let r = size * 0.2 * k as f64;
            let circle: Vec<(f64, f64)> = (0..=96)
                .map(|j| {
                    let a = j as f64 / 96.0 * std::f64::consts::TAU;
                    (c[0] + r * a.cos(), c[1] + r * a.sin())
                })
                .collect();
            for piece in view.clip(&circle) {
                polyline(chart, &piece, style);
            }
        }
    }
}

/// The path of a run: its trail and its current iterate.
fn path_of(run: &Run) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = run.trail.points().iter().map(|p| (p[0], p[1])).collect();
    pts.push((run.theta[0], run.theta[1]));
    pts
}

/// The original paths (wide and faint when a replay is drawn over them), then the replayed ones on top.
fn paths(chart: &Chart<'_, '_>, sim: &MultitaskSim, theme: &Theme, view: View) {
    let replaying = sim.replay.is_some();
    for s in Scheme::ALL.iter().copied().filter(|s| sim.show[s.index()]) {
        let run = sim.base.run(s);
        if run.diverged() {
            continue;
        }
        let color = scheme_color(theme, s);
        let style =
            if replaying { color.mix(0.35).stroke_width(theme.px(5.0)) } else { color.stroke_width(theme.px(2.0)) };
        for piece in view.clip(&path_of(run)) {
            polyline(chart, &piece, style);
        }
    }
    if let Some(r) = &sim.replay {
        for s in Scheme::ALL.iter().copied().filter(|s| sim.show[s.index()]) {
            let run = r.run(s);
            if run.diverged() {
                continue;
            }
            for piece in view.clip(&path_of(run)) {
                polyline(chart, &piece, scheme_color(theme, s).stroke_width(theme.px(1.5)));
            }
        }
    }
}

/// The predicted end points (rings in the scheme's colour) and the current iterates (dots; rings for the
/// replay's).
fn iterates(chart: &Chart<'_, '_>, sim: &MultitaskSim, theme: &Theme, view: View) {
    if sim.predicted {
        for s in Scheme::ALL.iter().copied().filter(|s| sim.show[s.index()] && !sim.base.run(*s).diverged()) {
            if let Some(p) = sim.predicted_end(s).filter(|p| view.contains(*p)) {
                let ring = scheme_color(theme, s).stroke_width(theme.px(1.5));
                dots(chart, &[(p[0], p[1])], theme.px(7.0), ring);
            }
        }
    }
    for s in Scheme::ALL.iter().copied().filter(|s| sim.show[s.index()]) {
        let color = scheme_color(theme, s);
        let run = sim.base.run(s);
        if !run.diverged() && view.contains(run.theta) {
            dots(chart, &[(run.theta[0], run.theta[1])], theme.px(3.5), color.filled());
        }
        if let Some(rr) = sim.replay.as_ref().map(|r| r.run(s)).filter(|r| !r.diverged() && view.contains(r.theta)) {
            let ring = color.stroke_width(theme.px(1.5));
            dots(chart, &[(rr.theta[0], rr.theta[1])], theme.px(3.0), ring);
        }
    }
}

/// The centres with their labels, the start, the centroid (diamond), the geometric median (plus) and the key
/// of these markers, drawn in pixels relative to the plotting area.
fn landmarks(chart: &Chart<'_, '_>, sim: &MultitaskSim, theme: &Theme, view: View) {
    let plot = chart.plotting_area().strip_coord_spec();
    let (pxr, pyr) = chart.plotting_area().get_pixel_range();
    let rel = |p: [f64; 2]| {
        let (x, y) = chart.backend_coord(&(p[0], p[1]));
        (x - pxr.start, y - pyr.start)
    };
    let fg = theme.fg();
    // What a task's label must not cover: the start, the centroid, the median, every current iterate and
    // predicted end, and the paths (sampled).
    let mut marks: Vec<(i32, i32)> = vec![rel(sim.base.set.theta0), rel(sim.centroid), rel(sim.median)];
    for s in Scheme::ALL.iter().copied().filter(|s| sim.show[s.index()]) {
        let run = sim.base.run(s);
        marks.push(rel(run.theta));
        if let Some(p) = sim.predicted_end(s) {
            marks.push(rel(p));
        }
        let trail = run.trail.points();
        let every = (trail.len() / 64).max(1);
        marks.extend(trail.iter().step_by(every).map(|p| rel(*p)));
    }
    let size = (pxr.end - pxr.start, pyr.end - pyr.start);
    for (i, c) in sim.base.tasks.c.iter().enumerate().rev() {
        if view.contains(*c) {
            let (px, py) = rel(*c);
            let hs = theme.dpx(4.5);
            rect_px(&plot, (px - hs, py - hs), (px + hs, py + hs), fg.filled());
            task_label(&plot, theme, i, (px, py), size, &marks);
        }
    }
    let start = sim.base.set.theta0;
    if view.contains(start) {
        circle_px(&plot, rel(start), theme.px(5.0) as i32, fg.stroke_width(theme.px(1.5)));
    }
    let stroke = fg.stroke_width(theme.px(2.0));
    let r = theme.dpx(6.0);
    if view.contains(sim.centroid) {
        let (px, py) = rel(sim.centroid);
        let diamond = vec![(px, py - r), (px + r, py), (px, py + r), (px - r, py), (px, py - r)];
        path_px(&plot, &diamond, stroke);
    }
    if view.contains(sim.median) {
        let (px, py) = rel(sim.median);
        path_px(&plot, &[(px - r, py), (px + r, py)], stroke);
        path_px(&plot, &[(px, py - r), (px, py + r)], stroke);
    }
    marker_key(&plot, theme, sim)
}

/// The label of task `i` next to its centre at pixel `(px, py)` of a plotting area `plot_w` × `plot_h`:
/// above right, above left, below right or below left, the first that stays inside the plot and covers the
/// fewest `marks` (the markers are about 7 px across).
fn task_label(
    plot: &Area<'_>,
    theme: &Theme,
    i: usize,
    (px, py): (i32, i32),
    (plot_w, plot_h): (i32, i32),
    marks: &[(i32, i32)],
) {
    let lstyle = theme.font(11.0);
    let label = tr!(theme.lang, "task {}", "任务 {}", i + 1);
    let (lw, lh) = plot.estimate_text_size(&label, &lstyle).map(|(w, h)| (w as i32, h as i32)).unwrap_or((40, 14));
    let (gap, r) = (theme.dpx(7.0), theme.dpx(7.0));
    let spots =
        [(px + gap, py - gap - lh), (px - gap - lw, py - gap - lh), (px + gap, py + gap), (px - gap - lw, py + gap)];
    let cost = |&(x, y): &(i32, i32)| {
        let outside = x < 0 || y < 0 || x + lw > plot_w || y + lh > plot_h;
        let covered =
            marks.iter().filter(|(mx, my)| *mx >= x - r && *mx <= x + lw + r && *my >= y - r && *my <= y + lh + r);
        (outside, covered.count())
    };
    let at = spots.iter().copied().min_by_key(cost).unwrap_or(spots[0]);
    text_px(plot, &label, at, &lstyle);
}

/// A one-line key of the plane's markers along the bottom of the plotting area `plot`.
fn marker_key(plot: &Area<'_>, theme: &Theme, sim: &MultitaskSim) {
    let area = plot;
    let (pw, ph) = plot.dim_in_pixel();
    let style = theme.font_in(10.0, theme.muted());
    let stroke = theme.muted().stroke_width(theme.px(1.5));
    let y = ph as i32 - theme.dpx(10.0);
    let mut x = theme.dpx(8.0);
    let r = theme.dpx(4.0);
    let s = sim.base.tasks.s;
    let centroid = if s[0] == s[1] && s[1] == s[2] {
        theme.t(T::new("centroid", "重心"))
    } else {
        theme.t(T::new("s-weighted centroid", "s 加权重心"))
    };
    let mut items: Vec<(u8, &str)> = vec![
        (0, centroid),
        (1, theme.t(T::new("geometric median", "几何中位数"))),
        (2, theme.t(T::new("start", "起点"))),
        (3, theme.t(T::new("Pareto set", "帕累托集"))),
    ];
    if sim.predicted {
        items.push((4, theme.t(T::new("predicted end", "预测终点"))));
    }
    let avail = pw as f64;
    let total: f64 = items
        .iter()
        .map(|(_, l)| area.estimate_text_size(l, &style).map(|(w, _)| w as f64).unwrap_or(60.0) + theme.scale * 22.0)
        .sum();
    if total > avail - theme.scale * 12.0 {
        items.retain(|(k, _)| *k <= 1);
    }
    let bg_w = items
        .iter()
        .map(|(_, l)| area.estimate_text_size(l, &style).map(|(w, _)| w as i32).unwrap_or(60) + theme.dpx(22.0))
        .sum::<i32>();
    rect_px(
        area,
        (x - theme.dpx(4.0), y - theme.dpx(8.0)),
        (x + bg_w, y + theme.dpx(8.0)),
        theme.bg().mix(0.85).filled(),
    );
    for (kind, label) in items {
        let cx = x + r;
        match kind {
            0 => {
                let d = vec![(cx, y - r), (cx + r, y), (cx, y + r), (cx - r, y), (cx, y - r)];
                path_px(area, &d, stroke);
            }
            1 => {
                path_px(area, &[(cx - r, y), (cx + r, y)], stroke);
                path_px(area, &[(cx, y - r), (cx, y + r)], stroke);
            }
            2 | 4 => {
                circle_px(area, (cx, y), r, stroke);
            }
            _ => {
                rect_px(area, (cx - r, y - r), (cx + r, y + r), theme.fg().mix(0.12).filled());
            }
        }
        text_px(area, label, (x + 2 * r + theme.dpx(4.0), y - theme.dpx(6.0)), &style);
        let lw = area.estimate_text_size(label, &style).map(|(w, _)| w as i32).unwrap_or(60);
        x += 2 * r + theme.dpx(4.0) + lw + theme.dpx(10.0);
    }
}
