//! Layout of the P-tuning figure: a headline with the parameter counter, the two planes, and the accuracy
//! and loss curves.

mod plane;

use crate::i18n::T;
use crate::panels::ptuning::model::Mode;
use crate::panels::ptuning::PTuningSim;
use crate::plot::axis::label_budget;
use crate::plot::chart::{mesh, Axes, Frame};
use crate::plot::draw::{dashed_line, polyline, text_px};
use crate::plot::fmt::{self, log_tick, tick};
use crate::plot::{is_wide, log_range, Area, PlaneMap, Theme};
use crate::tr;
use plane::{input_plane, prompt_plane};
use plotters::prelude::*;

/// Frame of the two curve charts (a title line, small tick labels).
const CURVES: Frame = Frame { top: 30.0, margin: 16.0, x_labels: 20.0, y_labels: 38.0, right: 16.0, right_labels: 0.0 };
const AXES: Axes<'static> = Axes { x_ticks: 4, y_ticks: 4, ..Axes::PLAIN };

/// The curves' axes for a plot `plot_h` device pixels tall: four y labels, fewer where a capped phone canvas
/// leaves the plot too short for them.
fn axes_for(plot_h: u32, theme: &Theme) -> Axes<'static> {
    Axes { y_ticks: label_budget(AXES.y_ticks, plot_h as i32, theme, 15.0), ..AXES }
}

/// Draws the figure; returns the pixel mappings of the prompt plane and the input plane.
pub fn draw(area: &Area<'_>, sim: &PTuningSim, theme: &Theme) -> (PlaneMap, PlaneMap) {
    let wide = is_wide(area, theme.scale);
    let (_, h) = area.dim_in_pixel();
    let head = theme.px(if wide { 22.0 } else { 38.0 }).min(h / 3);
    let (top, body) = area.split_vertically(head);
    headline(&top, sim, theme, wide);
    let (bw, bh) = body.dim_in_pixel();
    let (pa, ia, aa, la) = if wide {
        // Left: the prompt plane, the main picture. Right: the input plane beside the loss curve, and the
        // accuracy curves (the headline numbers) across the whole width below.
        let side = bh.min((bw as f64 * 0.44) as u32);
        let (p, right) = body.split_horizontally(side);
        let (_, rh) = right.dim_in_pixel();
        let (top_row, a) = right.split_vertically((rh as f64 * 0.54) as u32);
        let (_, th) = top_row.dim_in_pixel();
        let (i, l) = top_row.split_horizontally(th);
        (p, i, a, l)
    } else {
        // Two square planes side by side, then the two curves stacked.
        let planes_h = (bh / 2).min(bw / 2 + theme.px(22.0));
        let (planes, charts) = body.split_vertically(planes_h);
        let (p, i) = planes.split_horizontally(bw / 2);
        let (_, ch) = charts.dim_in_pixel();
        let (a, l) = charts.split_vertically(ch / 2);
        (p, i, a, l)
    };
    let pm = prompt_plane(&pa, sim, theme);
    let im = input_plane(&ia, sim, theme);
    accuracy_chart(&aa, sim, theme);
    loss_chart(&la, sim, theme);
    (pm, im)
}

fn method(mode: Mode, theme: &Theme) -> &'static str {
    match mode {
        Mode::Manual => theme.t(T::new("hand-written word", "人工词语")),
        Mode::Search => theme.t(T::new("discrete search", "离散搜索")),
        Mode::PTuning => "P-tuning",
        Mode::FineTune => theme.t(T::new("full fine-tuning", "完整微调")),
    }
}

fn headline(area: &Area<'_>, sim: &PTuningSim, theme: &Theme, wide: bool) {
    let m = &sim.model;
    let first = tr!(
        theme.lang,
        "{} · {} trainable / {} frozen parameters",
        "{} · {} 个可训练 / {} 个冻结参数",
        method(m.cfg.mode, theme),
        m.trainable(),
        m.frozen()
    );
    let frozen = if m.frozen_unchanged() {
        theme.t(T::new("frozen weights bitwise unchanged", "冻结权重逐位不变"))
    } else {
        theme.t(T::new("frozen weights changed", "冻结权重被改变"))
    };
    let second = format!("φ* = {:.0}° · {}", m.cfg.target_deg, frozen);
    if wide {
        let text = format!("{first} · {second}");
        text_px(area, &text, (theme.dpx(8.0), theme.dpx(4.0)), &theme.font(13.0));
    } else {
        text_px(area, &first, (theme.dpx(6.0), theme.dpx(3.0)), &theme.font(12.0));
        text_px(area, &second, (theme.dpx(6.0), theme.dpx(20.0)), &theme.font_in(11.0, theme.muted()));
    }
}

fn t_max(sim: &PTuningSim) -> f64 {
    crate::plot::axis::time_extent(sim.steps as f64, 10.0)
}

fn accuracy_chart(area: &Area<'_>, sim: &PTuningSim, theme: &Theme) {
    let items = sim.curves.items();
    let d20 = sim.model.task.dim > 2;
    let mut lo: f64 = 0.9;
    for (_, s) in items {
        for v in [s.train, s.test] {
            if v.is_finite() {
                lo = lo.min(v);
            }
        }
    }
    for v in [sim.best_word_acc(), sim.cone_max] {
        lo = lo.min(v);
    }
    if d20 {
        // The baseline starts at 0.5 (zero weights); skip that first sample when choosing the range.
        for (_, s) in items.iter().skip(1) {
            lo = lo.min(s.logreg);
        }
    }
    let lo = ((lo - 0.02) * 20.0).floor() / 20.0;
    let lo = lo.clamp(0.0, 0.95);
    let t1 = t_max(sim);
    let mut chart = CURVES.chart(area, theme, (0.0, t1), (lo, 1.005));
    let axes = axes_for(chart.plotting_area().dim_in_pixel().1, theme);
    mesh(&mut chart, theme, axes, &tick, &|v| fmt::fixed(*v, 2));
    for (y, color) in [(sim.best_word_acc(), theme.fg().mix(0.8)), (sim.cone_max, theme.series(4).mix(1.0))] {
        let style = color.stroke_width(theme.px(1.3));
        dashed_line(&chart, &[(0.0, y), (t1, y)], theme.px(5.0), theme.px(4.0), style);
    }
    let pts = |f: fn(&crate::panels::ptuning::Sample) -> f64| -> Vec<(f64, f64)> {
        items.iter().map(|(t, s)| (*t as f64, f(s))).filter(|p| p.1.is_finite()).map(|(t, v)| (t, v.max(lo))).collect()
    };
    if d20 {
        let lr: Vec<(f64, f64)> = pts(|s| s.logreg).into_iter().skip(1).collect();
        polyline(&chart, &lr, theme.series(3).stroke_width(theme.px(1.6)));
    }
    polyline(&chart, &pts(|s| s.train), theme.series(0).stroke_width(theme.px(1.4)));
    polyline(&chart, &pts(|s| s.test), theme.series(1).stroke_width(theme.px(2.2)));
    let m = &sim.model;
    let mut first = vec![
        (tr!(theme.lang, "test {:.3} (exact)", "测试 {:.3}（精确）", m.test_acc()), theme.series(1)),
        (tr!(theme.lang, "  train {:.2}", "  训练 {:.2}", m.stats.train_acc), theme.series(0)),
    ];
    let mut second = vec![
        (tr!(theme.lang, "- - best word {:.3}", "- - 最佳词 {:.3}", sim.best_word_acc()), theme.fg()),
        (tr!(theme.lang, "  - - cone max {:.3}", "  - - 锥内最高 {:.3}", sim.cone_max), theme.series(4)),
    ];
    if let Some(acc) = m.logreg_acc() {
        second.push((tr!(theme.lang, "  logreg {acc:.3}", "  逻辑回归 {acc:.3}"), theme.series(3)));
    }
    if area.dim_in_pixel().0 < theme.px(300.0) {
        // Narrow charts: one piece per line would not fit; put the baseline on the first line instead.
        if let Some(extra) = second.pop().filter(|_| d20) {
            first.push(extra);
        }
    }
    pieces(area, theme, theme.dpx(3.0), &first);
    pieces(area, theme, theme.dpx(16.0), &second);
}

/// Draws coloured pieces of text one after another on one line, starting near the left edge.
fn pieces(area: &Area<'_>, theme: &Theme, y: i32, items: &[(String, RGBColor)]) {
    let mut x = theme.dpx(6.0);
    for (text, color) in items {
        let font = theme.font_in(10.5, *color);
        text_px(area, text, (x, y), &font);
        x += area.estimate_text_size(text, &font).map_or(0, |(w, _)| w as i32);
    }
}

fn loss_chart(area: &Area<'_>, sim: &PTuningSim, theme: &Theme) {
    let items = sim.curves.items();
    let (lo, hi) = log_range(items.iter().map(|(_, s)| s.loss), 1e-6, (1e-2, 1.0));
    let t1 = t_max(sim);
    let mut chart = CURVES.chart_log_y_auto(area, theme, (0.0, t1), (lo, hi));
    let axes = axes_for(chart.plotting_area().dim_in_pixel().1, theme);
    mesh(&mut chart, theme, axes, &tick, &log_tick);
    let pts: Vec<(f64, f64)> = items
        .iter()
        .map(|(t, s)| (*t as f64, s.loss))
        .filter(|p| p.1.is_finite())
        .map(|(t, v)| (t, v.clamp(lo, hi)))
        .collect();
    polyline(&chart, &pts, theme.series(1).stroke_width(theme.px(2.0)));
    let title = tr!(theme.lang, "training loss (BCE) {:.4}", "训练损失（BCE）{:.4}", sim.model.stats.loss);
    text_px(area, &title, (theme.dpx(6.0), theme.dpx(3.0)), &theme.font(11.0));
}
