//! Drawing of the Dirac-IGN: the (a, b) phase plane with the vector field of the expected stop-gradient
//! flow, every fixed point classified, the ideal point, the identity and the trajectory, with the Hopf
//! readout above and the fixed-point list below; a 1-D strip with the data point, the noise density, the
//! density of f(z) and the energy `(f(y) − y)²`; and the distance to the ideal point on a log axis.

use super::model::{FixedCurve, FixedKind, FixedPoint, Optimizer};
use super::IgnSim;
use crate::i18n::T;
use crate::panels::dirac::draw::{eig_text, key_line, log10_labels, log10_range, mesh, nice_up, rate_line};
use crate::plot::chart::fitting;
use crate::plot::chart::Axis;
use crate::plot::chart::{x_mesh, Axes, Chart, Frame};
use crate::plot::draw::{
    circle_px, dashed_line, dots, path_px, polygon, polygon_px, polyline, rect_px, text_px, triangles,
};
use crate::plot::fmt::{self, tick};
use crate::plot::{is_wide, vector_field, AnyBackend, Area, PlaneMap, Theme};
use crate::tr;
use plotters::prelude::*;

/// The most fixed points listed under the plane.
const MAX_LISTED: usize = 5;
/// The energy value drawn at the top of the strip, in units of the noise variance (larger values are clipped).
const ENERGY_TOP_VARS: f64 = 4.0;

/// Draws the whole figure and returns the phase plane's pixel mapping for click handling.
pub fn draw(area: &Area<'_>, sim: &IgnSim, theme: &Theme) -> PlaneMap {
    let wide = is_wide(area, theme.scale);
    let (w, h) = area.dim_in_pixel();
    if wide {
        let (left, right) = area.split_horizontally((w as f64 * 0.54) as u32);
        let (_, rh) = right.dim_in_pixel();
        let (strip, dist) = right.split_vertically((rh as f64 * 0.48) as u32);
        let map = plane_block(&left, sim, theme);
        strip_chart(&strip, sim, theme);
        distance_chart(&dist, sim, theme);
        map
    } else {
        let (top, bottom) = area.split_vertically((h as f64 * 0.56) as u32);
        let (_, bh) = bottom.dim_in_pixel();
        let (strip, dist) = bottom.split_vertically((bh as f64 * 0.48) as u32);
        let map = plane_block(&top, sim, theme);
        strip_chart(&strip, sim, theme);
        distance_chart(&dist, sim, theme);
        map
    }
}

/// Extends `base` to cover `lo..hi` with a margin, snapped to a coarse grid so that the view changes only
/// now and then. Returns `None` when that would take more than one base span on either side: the run is
/// then running away, and the base view (with the trajectory clamped to its edge) keeps the fixed points
/// and the start of the escape readable.
fn extend(base: (f64, f64), lo: f64, hi: f64) -> Option<(f64, f64)> {
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    if lo >= base.0 && hi <= base.1 {
        return Some(base);
    }
    let span = base.1 - base.0;
    if lo < base.0 - span || hi > base.1 + span {
        return None;
    }
    let (l, r) = (base.0.min(lo), base.1.max(hi));
    let step = nice_up((r - l) / 6.0);
    let l = ((l - 0.3 * step) / step).floor() * step;
    let r = ((r + 0.3 * step) / step).ceil() * step;
    Some((l, r))
}

/// The current view `(a range, b range)`: the base view, extended by the trajectory unless it runs away.
fn view(sim: &IgnSim) -> ((f64, f64), (f64, f64)) {
    let fin = || sim.hist.items().iter().map(|(_, p)| *p).filter(|(a, b)| a.is_finite() && b.is_finite());
    let (amin, amax) = fin().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (a, _)| (l.min(a), h.max(a)));
    let (bmin, bmax) = fin().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, b)| (l.min(b), h.max(b)));
    match (extend(sim.view.0, amin, amax), extend(sim.view.1, bmin, bmax)) {
        (Some(a), Some(b)) => (a, b),
        _ => sim.view,
    }
}

fn kind_color(theme: &Theme, k: FixedKind) -> RGBColor {
    match k {
        FixedKind::StableNode | FixedKind::StableSpiral => theme.series(2),
        FixedKind::Saddle => theme.series(4),
        FixedKind::Unstable => theme.warn(),
        FixedKind::Centre | FixedKind::Degenerate => theme.muted(),
    }
}

/// Draws a fixed-point marker centred at backend pixel `c` (relative to `area`).
fn marker(area: &Area<'_>, theme: &Theme, c: (i32, i32), k: FixedKind) {
    let r = theme.dpx(4.5);
    let col = kind_color(theme, k);
    let edge = theme.fg().stroke_width(theme.px(1.0));
    match k {
        FixedKind::StableNode | FixedKind::StableSpiral => {
            circle_px(area, c, r, col.filled());
            circle_px(area, c, r, edge);
        }
        FixedKind::Saddle => {
            let tri = vec![(c.0, c.1 - r - 1), (c.0 - r - 1, c.1 + r), (c.0 + r + 1, c.1 + r)];
            polygon_px(area, &tri, col.filled());
            let mut outline = tri;
            outline.push(outline[0]);
            path_px(area, &outline, edge);
        }
        FixedKind::Unstable | FixedKind::Centre => {
            circle_px(area, c, r, bg_fill(theme));
            circle_px(area, c, r, col.stroke_width(theme.px(2.0)));
        }
        FixedKind::Degenerate => {
            rect_px(area, (c.0 - r, c.1 - r), (c.0 + r, c.1 + r), col.filled());
        }
    }
}

fn bg_fill(theme: &Theme) -> ShapeStyle {
    theme.bg().filled()
}

/// The name of a fixed point: the ideal point and the identity are named, others by their slope.
fn point_name(sim: &IgnSim, p: &FixedPoint, theme: &Theme) -> &'static str {
    let x0 = sim.model.cfg.problem.x0;
    if p.a == 0.0 && p.b == x0 {
        theme.t(T::new("ideal", "理想点"))
    } else if p.a == 1.0 && p.b == 0.0 {
        theme.t(T::new("identity", "恒等映射"))
    } else if p.a > 1.0 && p.kind.is_stable() {
        theme.t(T::new("expanding", "扩张"))
    } else {
        ""
    }
}

/// The kind of a fixed point in words.
fn kind_name(k: FixedKind, theme: &Theme) -> &'static str {
    theme.t(match k {
        FixedKind::StableNode => T::new("stable node", "稳定结点"),
        FixedKind::StableSpiral => T::new("stable spiral", "稳定焦点"),
        FixedKind::Saddle => T::new("saddle", "鞍点"),
        FixedKind::Unstable => T::new("unstable", "不稳定"),
        FixedKind::Centre => T::new("centre", "中心"),
        FixedKind::Degenerate => T::new("degenerate", "退化"),
    })
}

/// The Hopf readout, long and short.
fn hopf_text(sim: &IgnSim, theme: &Theme) -> (String, String) {
    let p = &sim.model.cfg.problem;
    let lt = p.lambda.tight;
    match sim.hopf {
        Some(t) => {
            let side = if lt < t {
                theme.t(T::new("below: ideal stable", "之下：理想点稳定"))
            } else {
                theme.t(T::new("above: ideal spirals out", "之上：理想点螺旋发散"))
            };
            (
                tr!(
                    theme.lang,
                    "Hopf threshold λt* = {}; λt = {} is {}",
                    "Hopf 阈值 λt* = {}；λt = {} 在其{}",
                    fmt::hundredths(t),
                    fmt::hundredths(lt),
                    side
                ),
                format!("λt* = {}; {}", fmt::hundredths(t), side),
            )
        }
        None => {
            let x0 = p.x0;
            let why = if x0 * (x0 - p.mom.m1) <= 0.0 {
                theme.t(T::new("tightness only adds damping", "紧致项只增加阻尼"))
            } else if p.lambda.rec * p.lambda.idem * p.mom.dist2_to(x0) <= 0.0 {
                theme.t(T::new("det J = 0 (λrec or λidem is 0)", "det J = 0（λrec 或 λidem 为 0）"))
            } else {
                theme.t(T::new("ideal unstable for every λt", "对任何 λt 理想点都不稳定"))
            };
            (
                tr!(theme.lang, "no Hopf threshold: {why}", "无 Hopf 阈值：{why}"),
                tr!(theme.lang, "no λt*: {why}", "无 λt*：{why}"),
            )
        }
    }
}

fn plane_block(area: &Area<'_>, sim: &IgnSim, theme: &Theme) -> PlaneMap {
    let cfg = &sim.model.cfg;
    let p = cfg.problem;
    let h = area.dim_in_pixel().1;
    let line = theme.px(15.0);
    let listed: Vec<&FixedPoint> = sim.fixed.points.iter().take(MAX_LISTED).collect();
    let n_lines = listed.len() + usize::from(!sim.fixed.curves.is_empty() || sim.fixed.all_fixed);
    let head_h = theme.px(38.0);
    let list_h = (line * n_lines as u32 + theme.px(10.0)).min(h / 3);
    let (head, rest) = area.split_vertically(head_h.min(h / 4));
    let (_, rh) = rest.dim_in_pixel();
    let (plot_area, list_area) = rest.split_vertically(rh.saturating_sub(list_h));

    plane_headline(&head, sim, theme);

    // The plane.
    let ((a0, a1), (b0, b1)) = view(sim);
    let frame = Frame { top: 4.0, margin: 8.0, x_labels: 30.0, y_labels: 40.0, right: 8.0, right_labels: 0.0 };
    let mut chart = frame.chart(&plot_area, theme, (a0, a1), (b0, b1));
    let axes =
        (theme.t(T::new("a (slope of f)", "a（f 的斜率）")), theme.t(T::new("b (offset of f)", "b（f 的截距）")));
    mesh(&mut chart, theme, axes, &tick, &tick, (7, 6));
    vector_field(&mut chart, theme, 17, move |a, b| p.flow(a, b));

    // Curves of fixed points (degenerate coefficients).
    for c in &sim.fixed.curves {
        let pts: Vec<(f64, f64)> = match c {
            FixedCurve::Vertical(x) => vec![(*x, b0), (*x, b1)],
            FixedCurve::Curve(v) => {
                v.iter().copied().filter(|(a, b)| (a0..=a1).contains(a) && (b0..=b1).contains(b)).collect()
            }
        };
        polyline(&chart, &pts, theme.muted().stroke_width(theme.px(3.0)));
    }

    // Trajectory.
    let color = theme.series(0);
    let pts: Vec<(f64, f64)> = sim
        .hist
        .items()
        .iter()
        .map(|(_, p)| *p)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (a.clamp(a0, a1), b.clamp(b0, b1)))
        .collect();
    polyline(&chart, &pts, color.stroke_width(theme.px(1.8)));
    let start = (cfg.a0.clamp(a0, a1), cfg.b0.clamp(b0, b1));
    dots(&chart, &[start], theme.px(4.5), theme.fg().stroke_width(theme.px(1.5)));

    landmarks(&chart, sim, theme);
    if let Some(&last) = pts.last() {
        dots(&chart, &[last], theme.px(4.0), color.filled());
    }

    fixed_list(&list_area, sim, theme, &listed, line);
    PlaneMap::of_chart(&chart)
}

/// The plane's two headlines: coefficients, optimiser and rate (or where a run that left the plane is), then
/// the Hopf readout.
fn plane_headline(head: &Area<'_>, sim: &IgnSim, theme: &Theme) {
    let cfg = &sim.model.cfg;
    let p = cfg.problem;
    let w = head.dim_in_pixel().0;
    let opt = match cfg.optimizer {
        Optimizer::Gd => match sim.rate {
            Some(rho) => tr!(
                theme.lang,
                "GD h = {}: ×{rho:.4}/step near ideal",
                "GD h = {}：理想点附近每步 ×{rho:.4}",
                fmt::hundredths(cfg.h)
            ),
            None => tr!(theme.lang, "GD h = {}", "GD h = {}", fmt::hundredths(cfg.h)),
        },
        Optimizer::Adam => tr!(theme.lang, "Adam h = {}", "Adam h = {}", fmt::hundredths(cfg.h)),
    };
    let sampled = if cfg.sampled { tr!(theme.lang, ", batch {}", "，批次 {}", cfg.batch) } else { String::new() };
    let coeffs = format!(
        "λ = ({}, {}, {})",
        fmt::hundredths(p.lambda.rec),
        fmt::hundredths(p.lambda.idem),
        fmt::hundredths(p.lambda.tight)
    );
    let hs = theme.font(12.5);
    let max_w = w.saturating_sub(theme.px(12.0));
    let ((a0, a1), (b0, b1)) = view(sim);
    let (ma, mb) = (sim.model.a, sim.model.b);
    let off = !((a0..=a1).contains(&ma) && (b0..=b1).contains(&mb));
    if off {
        // The run has left the plane (it is diverging): say where it is.
        let t = tr!(
            theme.lang,
            "running away: (a, b) = ({}, {})",
            "正在发散：(a, b) = ({}, {})",
            fmt::hundredths(ma),
            fmt::hundredths(mb)
        );
        text_px(head, &t, (theme.dpx(8.0), theme.dpx(5.0)), &theme.font_in(12.5, theme.warn()));
    } else {
        let l1 = fitting(
            head,
            &[format!("{coeffs}{sampled} · {opt}"), format!("{coeffs} · {opt}"), opt.clone()],
            &hs,
            max_w,
        );
        text_px(head, &l1, (theme.dpx(8.0), theme.dpx(5.0)), &hs);
    }
    let (hl, hsh) = hopf_text(sim, theme);
    let hcol = if sim.hopf.is_some_and(|t| p.lambda.tight >= t) { theme.warn() } else { theme.fg() };
    let hstyle = theme.font_in(11.5, hcol);
    let l2 = fitting(head, &[hl, hsh], &hstyle, max_w);
    text_px(head, &l2, (theme.dpx(8.0), theme.dpx(21.0)), &hstyle);
}

/// The fixed points on the plane, the ideal point ringed, and the ideal point and the identity named (unless
/// the view is zoomed).
fn landmarks(chart: &Chart<'_, '_>, sim: &IgnSim, theme: &Theme) {
    let p = sim.model.cfg.problem;
    let ((a0, a1), (b0, b1)) = view(sim);
    let pa = chart.plotting_area();
    let (xr, yr) = pa.get_pixel_range();
    let root = pa.strip_coord_spec();
    let to_px = |a: f64, b: f64| {
        let (x, y) = pa.map_coordinate(&(a, b));
        (x - xr.start, y - yr.start)
    };
    let inside = |a: f64, b: f64| (a0..=a1).contains(&a) && (b0..=b1).contains(&b);
    let zoomed = ((a0, a1), (b0, b1)) != sim.view;
    let (ia, ib) = p.ideal();
    if inside(ia, ib) && !zoomed {
        let c = to_px(ia, ib);
        circle_px(&root, c, theme.dpx(9.0), theme.fg().stroke_width(theme.px(1.3)));
        text_px(
            &root,
            theme.t(T::new("ideal", "理想点")),
            (c.0 + theme.dpx(10.0), c.1 - theme.dpx(16.0)),
            &theme.font(11.0),
        );
    }
    if inside(ia, ib) && zoomed {
        let c = to_px(ia, ib);
        circle_px(&root, c, theme.dpx(9.0), theme.fg().stroke_width(theme.px(1.3)));
    }
    if inside(1.0, 0.0) && !zoomed {
        let c = to_px(1.0, 0.0);
        let st = theme.font(11.0);
        let (tw, _) = root.estimate_text_size(theme.t(T::new("identity", "恒等映射")), &st).unwrap_or((0, 0));
        text_px(
            &root,
            theme.t(T::new("identity", "恒等映射")),
            (c.0 - tw as i32 - theme.dpx(8.0), c.1 - theme.dpx(6.0)),
            &st,
        );
    }
    for fp in &sim.fixed.points {
        if inside(fp.a, fp.b) {
            marker(&root, theme, to_px(fp.a, fp.b), fp.kind);
        }
    }
}

/// The list of the `listed` fixed points under the plane, one per `line` device pixels, and a note on curves of
/// fixed points.
fn fixed_list(list_area: &Area<'_>, sim: &IgnSim, theme: &Theme, listed: &[&FixedPoint], line: u32) {
    let w = list_area.dim_in_pixel().0;
    let fs = theme.font(10.5);
    let lw = w.saturating_sub(theme.px(30.0));
    for (i, fp) in listed.iter().enumerate() {
        let y = theme.dpx(4.0) + (line * i as u32) as i32;
        let c = (theme.dpx(14.0), y + theme.dpx(6.0));
        marker(list_area, theme, c, fp.kind);
        let name = point_name(sim, fp, theme);
        let pos = format!("({}, {})", fmt::hundredths(fp.a), fmt::hundredths(fp.b));
        let eig = eig_text(&fp.eig);
        let texts = [
            tr!(
                theme.lang,
                "{name}{}{pos}: {}, λ = {eig}",
                "{name}{}{pos}：{}，λ = {eig}",
                if name.is_empty() { "" } else { " " },
                kind_name(fp.kind, theme)
            ),
            tr!(theme.lang, "{pos} {}: {eig}", "{pos} {}：{eig}", kind_name(fp.kind, theme)),
            format!("{pos} {}", kind_name(fp.kind, theme)),
        ];
        let t = fitting(list_area, &texts, &fs, lw);
        text_px(list_area, &t, (theme.dpx(24.0), y), &fs);
    }
    if !sim.fixed.curves.is_empty() || sim.fixed.all_fixed {
        let y = theme.dpx(4.0) + (line * listed.len() as u32) as i32;
        let t = if sim.fixed.all_fixed {
            theme.t(T::new("all three λ are 0: every point is fixed", "三个 λ 都为 0：每个点都是不动点"))
        } else {
            theme.t(T::new("grey line: a whole curve of fixed points", "灰线：一整条不动点曲线"))
        };
        text_px(list_area, t, (theme.dpx(24.0), y), &fs);
    }
}

/// The normal density.
fn normal_pdf(y: f64, mean: f64, sd: f64) -> f64 {
    let u = (y - mean) / sd;
    (-0.5 * u * u).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
}

/// A curve over the x-axis, filled down to 0 with `alpha` and outlined.
fn filled_curve(
    chart: &mut ChartContext<'_, AnyBackend<'_>, Cartesian2d<Axis, Axis>>,
    pts: Vec<(f64, f64)>,
    color: RGBColor,
    alpha: f64,
    width: u32,
) {
    let (Some(&first), Some(&last)) = (pts.first(), pts.last()) else { return };
    let mut poly = Vec::with_capacity(pts.len() + 2);
    poly.push((first.0, 0.0));
    poly.extend(pts.iter().copied());
    poly.push((last.0, 0.0));
    polygon(chart, &poly, color.mix(alpha).filled());
    polyline(chart, &pts, color.stroke_width(width));
}

fn strip_chart(area: &Area<'_>, sim: &IgnSim, theme: &Theme) {
    let cfg = &sim.model.cfg;
    let (a, b) = (sim.model.a, sim.model.b);
    let x0 = cfg.problem.x0;
    let (m, s) = (cfg.z_mean, cfg.z_std);
    // f(z) ~ N(a m + b, a² s²).
    let (fm, fs) = (a * m + b, a.abs() * s);
    // The y-range: the data point and the noise; f(z) too while it stays within a few noise widths.
    let reach = 4.0 * (x0.abs() + m.abs() + 3.0 * s);
    let mut lo = (x0.min(m - 3.0 * s)) - 0.5 * s;
    let mut hi = (x0.max(m + 3.0 * s)) + 0.5 * s;
    if fm.is_finite() && fs.is_finite() && (fm - 3.0 * fs) > -reach && (fm + 3.0 * fs) < reach {
        lo = lo.min(fm - 3.0 * fs);
        hi = hi.max(fm + 3.0 * fs);
    }
    let peak_noise = normal_pdf(m, m, s);
    let top = 1.25 * peak_noise;
    let frame = Frame { top: 24.0, margin: 8.0, x_labels: 26.0, y_labels: 12.0, right: 8.0, right_labels: 0.0 };
    let mut chart = frame.chart(area, theme, (lo, hi), (0.0, top));
    x_mesh(&mut chart, theme, Axes { x_ticks: 6, label_size: 10.0, ..Axes::PLAIN }, &tick);
    const N: usize = 240;
    let xs: Vec<f64> = (0..=N).map(|i| lo + (hi - lo) * i as f64 / N as f64).collect();
    // Noise density, filled.
    let noise = theme.muted();
    filled_curve(
        &mut chart,
        xs.iter().map(|&y| (y, normal_pdf(y, m, s).min(top))).collect(),
        noise,
        0.25,
        theme.px(1.2),
    );
    // The data point.
    let data = theme.series(1);
    if (lo..=hi).contains(&x0) {
        polyline(&chart, &[(x0, 0.0), (x0, 0.92 * top)], data.stroke_width(theme.px(2.5)));
        dots(&chart, &[(x0, 0.92 * top)], theme.px(4.0), data.filled());
    }
    // Density of f(z): a normal of width |a|s, or a spike when that is tiny.
    let gen = theme.series(0);
    if fm.is_finite() && fs.is_finite() {
        if fs > (hi - lo) / N as f64 {
            let pts = xs.iter().map(|&y| (y, normal_pdf(y, fm, fs).min(top))).collect();
            filled_curve(&mut chart, pts, gen, 0.2, theme.px(1.8));
        } else if (lo..=hi).contains(&fm) {
            polyline(&chart, &[(fm, 0.0), (fm, top)], gen.stroke_width(theme.px(1.5)));
        }
    }
    // The energy δ(y) = (f(y) − y)², drawn on its own fixed scale [0, 4 s²] mapped to the strip height.
    let e_top = ENERGY_TOP_VARS * s * s;
    let en = theme.series(3);
    let energy: Vec<(f64, f64)> = xs
        .iter()
        .map(|&y| (y, ((a - 1.0) * y + b).powi(2)))
        .filter(|(_, e)| e.is_finite())
        .map(|(y, e)| (y, e.min(e_top) / e_top * top))
        .collect();
    dashed_line(&chart, &energy, theme.px(5.0), theme.px(3.0), en.stroke_width(theme.px(1.8)));
    // Its zero y* = b/(1 − a), the "target manifold".
    if (1.0 - a).abs() > 1e-9 {
        let ys = b / (1.0 - a);
        if (lo..=hi).contains(&ys) {
            triangles(&chart, &[(ys, 0.0)], theme.px(4.0), en.filled());
        }
    }
    // The key as a row of coloured words (a legend box would cover the densities).
    let key = [
        (theme.t(T::new("data x₀", "数据 x₀")), data),
        (theme.t(T::new("noise z", "噪声 z")), noise),
        ("f(z)", gen),
        (theme.t(T::new("energy (f(y) − y)²", "能量 (f(y) − y)²")), en),
    ];
    let mut x = theme.dpx(8.0);
    for (label, col) in key {
        let st = theme.font_in(11.5, col);
        text_px(area, label, (x, theme.dpx(5.0)), &st);
        let (tw, _) = area.estimate_text_size(label, &st).unwrap_or((0, 0));
        x += tw as i32 + theme.dpx(12.0);
    }
}

fn distance_chart(area: &Area<'_>, sim: &IgnSim, theme: &Theme) {
    let x0 = sim.model.cfg.problem.x0;
    // The axis grows ahead of the run; the y range covers the prediction up to the current step only.
    let n = (sim.model.steps as f64).max(10.0);
    let n1 = crate::plot::axis::time_extent(n, 10.0);
    let ds: Vec<(f64, f64)> = sim
        .hist
        .items()
        .iter()
        .map(|(s, (a, b))| (*s as f64, a.hypot(b - x0)))
        .filter(|(_, d)| d.is_finite() && *d > 0.0)
        .collect();
    let mut vals: Vec<f64> = ds.iter().map(|p| p.1).collect();
    if let Some(rho) = sim.rate {
        let l = sim.d0.ln() + n * rho.ln();
        vals.push(l.clamp(-690.0, 690.0).exp());
    }
    vals.push(sim.d0);
    // Cap the top at 10⁴ times the larger of d₀ and 1: a diverging run leaves through the top, and the
    // growth before it (the outward spiral) keeps most of the height.
    let cap = (sim.d0.max(1.0) * 1e4).min(1e300);
    let vals: Vec<f64> = vals.into_iter().map(|v| v.min(cap)).collect();
    let ((l0, l1), ny) = log10_range(&vals, 1e-12, (1e-3, 10.0));
    let lg = |v: f64| v.log10().clamp(l0, l1);
    // The axis ends on a round step whose tick label is centred on the right edge: room for half of it.
    let frame = Frame { top: 24.0, margin: 8.0, x_labels: 28.0, y_labels: 46.0, right: 16.0, right_labels: 0.0 };
    let mut chart = frame.chart(area, theme, (0.0, n1), (l0, l1));
    let ny = log10_labels(chart.plotting_area().dim_in_pixel().1 as i32, (l0, l1), ny, theme);
    mesh(&mut chart, theme, (theme.t(T::new("step", "步数")), ""), &tick, &fmt::log10_tick, (5, ny));
    if let Some(rho) = sim.rate {
        let pts = rate_line(sim.d0, rho, n1, l0, l1);
        if !pts.is_empty() {
            let fg = theme.fg().mix(0.75);
            dashed_line(&chart, &pts, theme.px(6.0), theme.px(4.0), fg.stroke_width(theme.px(1.4)));
        }
    }
    let pts: Vec<(f64, f64)> = ds.iter().map(|(s, d)| (*s, lg(*d))).collect();
    polyline(&chart, &pts, theme.series(0).stroke_width(theme.px(1.8)));
    let (fg, c0) = (theme.fg(), theme.series(0));
    let s = |t: &str, c: RGBColor| (t.to_string(), c);
    let mut long = vec![
        s(theme.t(T::new("distance", "距离")), c0),
        s(theme.t(T::new(" to the ideal point (0, x₀), log scale", "到理想点 (0, x₀)，对数坐标")), fg),
    ];
    let mut short_ = vec![
        s(theme.t(T::new("distance", "距离")), c0),
        s(theme.t(T::new(" to (0, x₀), log", "到 (0, x₀)，对数")), fg),
    ];
    if sim.rate.is_some() {
        long.push(s(theme.t(T::new("; dashed: linearised d₀ρⁿ", "；虚线：线性化的 d₀ρⁿ")), fg));
        short_.push(s(theme.t(T::new("; dashed: d₀ρⁿ", "；虚线：d₀ρⁿ")), fg));
    }
    let (w, _) = area.dim_in_pixel();
    key_line(area, theme, (theme.dpx(8.0), theme.dpx(5.0)), 11.5, w.saturating_sub(theme.px(12.0)), &[long, short_]);
}
