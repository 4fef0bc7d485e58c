//! Drawing of the FP microscope: the losses against ξ (log-log, FlatNCE on a linear right axis), a zoom of
//! the float32 staircase in units of ulp(s_t) (linear axes, the first 8 ulps of ξ), and the readouts of the
//! current setting (ξ, ulp(s_t), the losses, g_t and its relative error, the two gradient cosines).
//!
//! Every plotted value goes through [`LogFloor::place`] or a clamp into its axis, so extreme settings (ξ far
//! off the plotted decades, K = 64, τ = 0.02) draw clamped markers instead of failing.

use super::model::{SweepPoint, XI_RANGE, ZOOM_ULPS};
use super::FpSim;
use crate::i18n::T;
use crate::panels::flatnce::draw::{blend, text};
use crate::plot::axis::{decade_ticks, label_budget, LogFloor};
use crate::plot::chart::{fitting, mesh, right_mesh, with_right_axis, Axes, Axis, Frame};
use crate::plot::draw::{dashed_line, dots, dots_right, polyline, polyline_right, text_at};
use crate::plot::fmt::{self, pct};
use crate::plot::legend::{draw_keys, key_rows, KeyEntry, KEY_ROW};
use crate::plot::{is_wide, legend, Area, Corner, Theme};
use crate::tr;
use plotters::prelude::*;

/// Colours: InfoNCE f64, InfoNCE f32, FlatNCE (both precisions).
fn colors(theme: &Theme) -> (RGBColor, RGBColor, RGBColor) {
    (theme.series(0), theme.series(1), theme.series(2))
}

/// Draws the whole figure.
pub fn draw(area: &Area<'_>, sim: &FpSim, theme: &Theme) {
    let wide = is_wide(area, theme.scale);
    let (_, h) = area.dim_in_pixel();
    let head_h = theme.px(if wide { 26.0 } else { 44.0 }).min(h / 5);
    let (head, body) = area.split_vertically(head_h);
    headline(&head, sim, theme, wide);
    let (bw, bh) = body.dim_in_pixel();
    let lines = readout_lines(sim, theme);
    let read_h = (theme.px(15.0) * lines.len() as u32 + theme.px(10.0)).min(bh / 3);
    if wide {
        let (main, side) = body.split_horizontally((bw as f64 * 0.6) as u32);
        let (_, sh) = side.dim_in_pixel();
        let (zoomed, read) = side.split_vertically(sh.saturating_sub(read_h));
        loss_chart(&main, sim, theme, true);
        zoom_chart(&zoomed, sim, theme);
        readouts(&read, &lines, theme);
    } else {
        // Half the body for the loss chart, less where the zoom below would keep under 112 CSS px (a capped
        // phone canvas), yet never under 45 % of it (the loss chart's axis description needs its height).
        let main_h = ((bh as f64 * 0.5) as u32).min(bh.saturating_sub(read_h + theme.px(112.0))).max(bh * 9 / 20);
        let (main, rest) = body.split_vertically(main_h);
        let (_, rh) = rest.dim_in_pixel();
        let (zoomed, read) = rest.split_vertically(rh.saturating_sub(read_h));
        loss_chart(&main, sim, theme, false);
        zoom_chart(&zoomed, sim, theme);
        readouts(&read, &lines, theme);
    }
}

fn headline(area: &Area<'_>, sim: &FpSim, theme: &Theme, wide: bool) {
    let p = &sim.probe;
    let (a, b) = if !p.st_is_max {
        (
            theme.t(T::new("a negative outscores the positive:", "某个负样本的分数超过正样本：")).to_string(),
            theme.t(T::new("no staircase, no dominant positive", "无阶梯，正样本不占优")).to_string(),
        )
    } else if p.info_loss32 == 0.0 {
        (
            tr!(
                theme.lang,
                "ξ = {} < ½ ulp(s_t) = {}:",
                "ξ = {} < ½ ulp(s_t) = {}：",
                fmt::sig(p.xi, 2),
                fmt::sig(p.ulp / 2.0, 2)
            ),
            theme
                .t(T::new("f32 InfoNCE loss is exactly 0 and its g_t is 0", "f32 InfoNCE 损失恰为 0，其 g_t 也为 0"))
                .to_string(),
        )
    } else if p.xi < 1e3 * p.ulp {
        (
            tr!(theme.lang, "ξ = {} ≈ {:.1} ulp(s_t):", "ξ = {} ≈ {:.1} ulp(s_t)：", fmt::sig(p.xi, 2), p.xi / p.ulp),
            tr!(
                theme.lang,
                "f32 loss = {} ulp, g_t off by {}",
                "f32 损失 = {} ulp，g_t 偏差 {}",
                p.loss32_ulps().round(),
                pct(p.gt_rel_err)
            ),
        )
    } else {
        (
            tr!(theme.lang, "ξ = {} ≫ ulp(s_t):", "ξ = {} ≫ ulp(s_t)：", fmt::sig(p.xi, 2)),
            tr!(theme.lang, "f32 g_t off by only {}", "f32 的 g_t 仅偏差 {}", pct(p.gt_rel_err)),
        )
    };
    let font = theme.font(13.0);
    if wide {
        text(area, format!("{a} {b}"), theme.dpx(8.0), theme.dpx(6.0), &font)
    } else {
        text(area, a, theme.dpx(8.0), theme.dpx(4.0), &font);
        text(area, b, theme.dpx(8.0), theme.dpx(22.0), &font)
    }
}

/// The readout lines of the current setting, each as its wordings from the longest to the shortest.
fn readout_lines(sim: &FpSim, theme: &Theme) -> Vec<Vec<String>> {
    let p = &sim.probe;
    let (c_info, c_flat) = (fmt::near_one(p.info_cos32v64), fmt::near_one(p.flat_cos32v64));
    let mut v = vec![
        vec![tr!(
            theme.lang,
            "s_t = {} · ulp(s_t) = {} · ξ = {}",
            "s_t = {} · ulp(s_t) = {} · ξ = {}",
            fmt::sig(p.s_t as f64, 4),
            fmt::sig(p.ulp, 3),
            fmt::sig(p.xi, 3)
        )],
        vec![tr!(
            theme.lang,
            "InfoNCE f32: {} ({:.0} ulp) · f64: {}",
            "InfoNCE f32：{}（{:.0} ulp）· f64：{}",
            fmt::sig(p.info_loss32, 3),
            p.loss32_ulps(),
            fmt::sig(p.info_loss64, 3)
        )],
        vec![tr!(
            theme.lang,
            "g_t f32: {} · exact: {} · error {}",
            "g_t f32：{} · 精确值：{} · 误差 {}",
            fmt::sig(p.gt32, 3),
            fmt::sig(p.gt_exact, 3),
            pct(p.gt_rel_err)
        )],
        vec![
            tr!(
                theme.lang,
                "FlatNCE f32: {} · f64: {} · g_t = −1 exactly",
                "FlatNCE f32：{} · f64：{} · g_t 恰为 −1",
                fmt::sig(p.flat_loss32, 5),
                fmt::sig(p.flat_loss64, 5)
            ),
            tr!(
                theme.lang,
                "FlatNCE f32: {} · f64: {}",
                "FlatNCE f32：{} · f64：{}",
                fmt::sig(p.flat_loss32, 5),
                fmt::sig(p.flat_loss64, 5)
            ),
        ],
        vec![
            tr!(
                theme.lang,
                "cos(Jᵀg₃₂, Jᵀg₆₄): InfoNCE {} · FlatNCE {}",
                "cos(Jᵀg₃₂, Jᵀg₆₄)：InfoNCE {} · FlatNCE {}",
                c_info,
                c_flat
            ),
            tr!(
                theme.lang,
                "cos(g₃₂, g₆₄): InfoNCE {} · FlatNCE {}",
                "cos(g₃₂, g₆₄)：InfoNCE {} · FlatNCE {}",
                c_info,
                c_flat
            ),
            tr!(theme.lang, "cos: InfoNCE {} · FlatNCE {}", "cos：InfoNCE {} · FlatNCE {}", c_info, c_flat),
        ],
    ];
    if sim.sweeping {
        v.push(vec![tr!(
            theme.lang,
            "sweeping Δ = {:.3} (slider: {:.3})",
            "扫动 Δ = {:.3}（滑块：{:.3}）",
            sim.gap,
            sim.cfg.gap
        )]);
    }
    v
}

fn readouts(area: &Area<'_>, lines: &[Vec<String>], theme: &Theme) {
    let font = theme.font(11.0);
    let max_w = area.dim_in_pixel().0.saturating_sub(theme.px(14.0));
    for (i, l) in lines.iter().enumerate() {
        let l = fitting(area, l, &font, max_w);
        text(area, l, theme.dpx(10.0), theme.dpx(4.0) + theme.dpx(15.0) * i as i32, &font);
    }
}

/// The x axis position of ξ, clamped into the plotted decades.
fn x_of(xi: f64) -> f64 {
    if xi.is_finite() {
        xi.clamp(XI_RANGE.0, XI_RANGE.1)
    } else {
        XI_RANGE.1
    }
}

/// The loss axis: from the floor line up to 10 (InfoNCE is at most ln K ≤ 4.2).
fn loss_axis() -> LogFloor {
    LogFloor::new(XI_RANGE.0, 10.0)
}

/// Step path of a piecewise-constant curve sampled at `pts`: flat to the next sample, then vertical.
fn steps(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(pts.len() * 2);
    for (i, &(x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push((x, pts[i - 1].1));
        }
        out.push((x, y));
    }
    out
}

/// The loss chart. On a wide figure its key sits in the chart's empty top-left corner; on a narrow one that
/// corner is too small for it (it covered the curves on phones), so the key goes in rows above the chart.
fn loss_chart(area: &Area<'_>, sim: &FpSim, theme: &Theme, wide: bool) {
    let (c64, c32, cflat) = colors(theme);
    let keys: Vec<KeyEntry> = vec![
        ("InfoNCE f64".to_string(), blend(c64, theme.bg(), 0.55), false),
        ("InfoNCE f32".to_string(), c32, false),
        (
            theme.t(T::new("FlatNCE f64 (right)", "FlatNCE f64（右轴）")).to_string(),
            blend(cflat, theme.bg(), 0.45),
            false,
        ),
        (theme.t(T::new("FlatNCE f32 (right)", "FlatNCE f32（右轴）")).to_string(), cflat, false),
    ];
    let key_w = area.dim_in_pixel().0 as i32 - theme.dpx(12.0);
    let key_rows_above = if wide { 0 } else { key_rows(area, theme, &keys, key_w) };
    let ax = loss_axis();
    let (ylo, yhi) = ax.range();
    let sw: &[SweepPoint] = &sim.sweep;
    // FlatNCE axis: log ξ over the plotted decades (log 1e-12 ≈ −27.6 to 0), with a little room above.
    let (flo, fhi) = (XI_RANGE.0.ln() - 1.5, XI_RANGE.1.ln() + 8.0);
    let xt = decade_ticks(XI_RANGE.0, XI_RANGE.1, 7);
    let yt = ax.ticks(8);
    // Room for the widest tick label (10⁻¹¹) beside the axis description, whose middle may reach it.
    let top = 6.0 + KEY_ROW * key_rows_above as f64;
    let frame = Frame { top, margin: 6.0, right: 4.0, x_labels: 32.0, y_labels: 52.0, right_labels: 40.0 };
    let chart = frame.chart_log_xy(area, theme, (XI_RANGE, &xt), ((ylo, yhi), &yt));
    let mut chart = with_right_axis(chart, Axis::log(XI_RANGE), (flo, fhi));
    let axes = Axes {
        x_ticks: xt.len(),
        y_ticks: yt.len(),
        x_desc: "ξ = Σ e^(sᵢ − s_t)",
        y_desc: theme.t(T::new("InfoNCE loss", "InfoNCE 损失")),
        label_size: 10.0,
        desc_size: 11.0,
        label_color: None,
    };
    mesh(&mut chart, theme, axes, &fmt::decade, &|v| ax.label(*v));
    let right = Axes {
        y_ticks: 6,
        y_desc: theme.t(T::new("FlatNCE loss = log ξ", "FlatNCE 损失 = log ξ")),
        label_color: Some(cflat),
        ..axes
    };
    right_mesh(&mut chart, theme, right, &|v| fmt::fixed(*v, 0));

    let floor = ax.floor;
    // The floor line for exact zeros, and half an ulp of s_t where the f32 loss drops to it.
    dashed_line(
        &chart,
        &[(XI_RANGE.0, floor), (XI_RANGE.1, floor)],
        theme.px(5.0),
        theme.px(4.0),
        theme.muted().stroke_width(theme.px(1.2)),
    );
    text_at(
        &chart,
        theme.t(T::new("exactly 0", "恰为 0")),
        (1e-3, floor * 1.6),
        &theme.font_in(10.0, theme.muted()).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Bottom,
        )),
    );
    let half = x_of(sim.probe.ulp / 2.0);
    dashed_line(
        &chart,
        &[(half, ylo), (half, yhi)],
        theme.px(2.0),
        theme.px(3.0),
        c32.mix(0.7).stroke_width(theme.px(1.0)),
    );
    // Its label sits above 10⁻¹⁰, clear of the "current" label near the floor even on a short phone chart.
    let above = theme.font_in(10.0, c32).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Bottom,
    ));
    text_at(&chart, "½ ulp(s_t)", (half * 1.3, 1e-10), &above);

    // FlatNCE in both precisions on the right axis: f64 wide and pale, f32 thin on top (they coincide).
    let fl = |v: f64| if v.is_finite() { v.clamp(flo, fhi) } else { flo };
    let f64pts: Vec<(f64, f64)> = sw.iter().map(|p| (x_of(p.xi), fl(p.flat64))).collect();
    let f32pts: Vec<(f64, f64)> = sw.iter().map(|p| (x_of(p.xi), fl(p.flat32))).collect();
    polyline_right(&chart, &f64pts, cflat.mix(0.45).stroke_width(theme.px(4.0)));
    polyline_right(&chart, &f32pts, cflat.stroke_width(theme.px(1.5)));

    // InfoNCE: f64 a straight line, f32 the staircase down to the floor.
    let i64pts: Vec<(f64, f64)> = sw.iter().filter_map(|p| ax.place(p.info64).map(|y| (x_of(p.xi), y))).collect();
    let i32pts: Vec<(f64, f64)> = sw.iter().filter_map(|p| ax.place(p.info32).map(|y| (x_of(p.xi), y))).collect();
    polyline(&chart, &i64pts, c64.mix(0.55).stroke_width(theme.px(4.0)));
    polyline(&chart, &steps(&i32pts), c32.stroke_width(theme.px(1.8)));

    // The current setting: a vertical line and its values on each curve.
    let p = &sim.probe;
    let x = x_of(p.xi);
    let off = !(XI_RANGE.0..=XI_RANGE.1).contains(&p.xi);
    polyline(&chart, &[(x, ylo), (x, yhi)], theme.fg().mix(0.5).stroke_width(theme.px(1.0)));
    let r = theme.px(4.5);
    if let Some(y) = ax.place(p.info_loss64) {
        dots(&chart, &[(x, y)], r + theme.px(1.5), c64.filled());
    }
    if let Some(y) = ax.place(p.info_loss32) {
        dots(&chart, &[(x, y)], r, c32.filled());
        dots(&chart, &[(x, y)], r, theme.bg().stroke_width(theme.px(1.0)));
    }
    dots_right(&chart, &[(x, fl(p.flat_loss64))], r, cflat.filled());
    let label = if off {
        tr!(theme.lang, "ξ = {} (off scale)", "ξ = {}（超出坐标范围）", fmt::sig(p.xi, 2))
    } else {
        theme.t(T::new("current", "当前")).to_string()
    };
    let (tx, anchor) = if x > 1e-3 {
        (x / 1.4, plotters::style::text_anchor::HPos::Right)
    } else {
        (x * 1.4, plotters::style::text_anchor::HPos::Left)
    };
    text_at(
        &chart,
        &label,
        (tx, floor * 8.0),
        &theme
            .font_in(10.0, theme.fg())
            .pos(plotters::style::text_anchor::Pos::new(anchor, plotters::style::text_anchor::VPos::Bottom)),
    );

    if !wide {
        draw_keys(area, theme, &keys, (theme.dpx(6.0), theme.dpx(4.0)), key_w);
        return;
    }
    // Legend in the empty top-left corner (small ξ, large loss is never reached).
    let plot = chart.plotting_area().strip_coord_spec();
    let (pw, _) = plot.dim_in_pixel();
    let (left, _) = plot.split_horizontally((theme.px(150.0)).min(pw));
    legend(&left, theme, Corner::TopRight, &keys);
}

fn zoom_chart(area: &Area<'_>, sim: &FpSim, theme: &Theme) {
    let (c64, c32, _) = colors(theme);
    let p = &sim.probe;
    let ulp = p.ulp;
    let (xmax, ymax) = (ZOOM_ULPS, ZOOM_ULPS + 0.6);
    let frame = Frame { top: 22.0, margin: 6.0, right: 12.0, x_labels: 30.0, y_labels: 34.0, right_labels: 0.0 };
    let mut chart = frame.chart(area, theme, (0.0, xmax), (0.0, ymax));
    let y_ticks = label_budget(9, chart.plotting_area().dim_in_pixel().1 as i32, theme, 14.0);
    let axes = Axes { x_ticks: 9, y_ticks, x_desc: "ξ / ulp(s_t)", label_size: 10.0, desc_size: 10.0, ..Axes::PLAIN };
    mesh(&mut chart, theme, axes, &|v| fmt::fixed(*v, 0), &|v| fmt::fixed(*v, 0));
    text(
        area,
        theme.t(T::new("zoom: InfoNCE loss in ulp(s_t)", "放大：以 ulp(s_t) 为单位的 InfoNCE 损失")),
        theme.dpx(8.0),
        theme.dpx(3.0),
        &theme.font(11.0),
    );
    let x_of = |xi: f64| if ulp > 0.0 && xi.is_finite() { (xi / ulp).clamp(0.0, xmax) } else { 0.0 };
    let y_of = |l: f64| if ulp > 0.0 && l.is_finite() { (l / ulp).clamp(0.0, ymax) } else { 0.0 };
    dashed_line(
        &chart,
        &[(0.5, 0.0), (0.5, ymax)],
        theme.px(2.0),
        theme.px(3.0),
        c32.mix(0.7).stroke_width(theme.px(1.0)),
    );
    let l64: Vec<(f64, f64)> = sim.zoom.iter().map(|z| (x_of(z.xi), y_of(z.info64))).collect();
    let l32: Vec<(f64, f64)> = sim.zoom.iter().map(|z| (x_of(z.xi), y_of(z.info32))).collect();
    polyline(&chart, &l64, c64.mix(0.55).stroke_width(theme.px(4.0)));
    polyline(&chart, &steps(&l32), c32.stroke_width(theme.px(2.0)));
    let small = theme.font_in(10.0, theme.muted());
    text_at(&chart, "½", (0.58, 0.6), &theme.font_in(10.0, c32));
    let plot = chart.plotting_area().strip_coord_spec();
    // The two labels sit in the empty upper left, stacked; on a short plot (a phone) the lower one would reach
    // the staircase, so they share one row at the top instead.
    let (_, ph) = plot.dim_in_pixel();
    let (x32, y64, y32) = if ph < theme.px(90.0) {
        (theme.dpx(100.0), theme.dpx(4.0), theme.dpx(4.0))
    } else {
        (theme.dpx(30.0), theme.dpx(16.0), theme.dpx(30.0))
    };
    text(&plot, "f64: ≈ ξ", theme.dpx(30.0), y64, &theme.font_in(10.0, c64));
    text(&plot, theme.t(T::new("f32: whole ulps", "f32：整数个 ulp")), x32, y32, &theme.font_in(10.0, c32));
    // The current setting, when it falls inside the zoom.
    let xc = p.xi / ulp;
    if ulp > 0.0 && xc.is_finite() && xc <= xmax && p.st_is_max {
        polyline(&chart, &[(xc, 0.0), (xc, ymax)], theme.fg().mix(0.5).stroke_width(theme.px(1.0)));
        dots(&chart, &[(xc, y_of(p.info_loss32))], theme.px(4.5), c32.filled());
    } else {
        let msg = if !p.st_is_max {
            theme
                .t(T::new("current: a negative outscores the positive", "当前：某个负样本的分数超过正样本"))
                .to_string()
        } else if xc.is_finite() && xc > 0.0 {
            tr!(theme.lang, "current ξ = {} ulp, off to the right", "当前 ξ = {} ulp，在右侧范围外", fmt::sig(xc, 2))
        } else {
            theme.t(T::new("current ξ off scale", "当前 ξ 超出范围")).to_string()
        };
        text(&plot, msg, theme.dpx(30.0), theme.dpx(44.0), &small);
    }
}
