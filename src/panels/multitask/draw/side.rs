//! The side charts of the multi-task panel: per-scheme loss curves (log–log) and the final pull shares of the
//! three tasks per scheme, with the replay's shares and invariance verdicts, and the prior calculator.

use super::style::{scheme_color, scheme_label};
use crate::i18n::T;
use crate::panels::multitask::fixed::scale;
use crate::panels::multitask::model::{Run, Scheme, N};
use crate::panels::multitask::MultitaskSim;
use crate::plot::axis::{label_budget, mantissa_ticks};
use crate::plot::chart::{mesh, title, Axes, Frame};
use crate::plot::draw::{dashed_line, polyline, rect_px, text_px};
use crate::plot::{fmt, log_range, Area, Theme};
use crate::tr;
use plotters::prelude::*;

/// Three neutral shades, one per task (dark to light), readable on both themes.
pub fn task_shades(theme: &Theme) -> [RGBColor; N] {
    if theme.dark {
        [RGBColor(222, 224, 230), RGBColor(145, 150, 160), RGBColor(80, 85, 96)]
    } else {
        [RGBColor(55, 59, 68), RGBColor(140, 145, 155), RGBColor(208, 211, 217)]
    }
}

/// A log-axis range and its ticks: whole decades (at most about five ticks) when the values span more than two
/// decades, otherwise a range padded by 20 % (at least a factor 3 wide) with ticks at 1, 2, 5 or finer mantissas.
fn log_axis(vals: impl Iterator<Item = f64>, floor: f64, ceil: f64) -> ((f64, f64), Vec<f64>) {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in vals.filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v.clamp(floor, ceil));
        hi = hi.max(v.clamp(floor, ceil));
    }
    if !(lo.is_finite() && hi > 0.0) {
        return ((0.1, 10.0), vec![0.1, 1.0, 10.0]);
    }
    if hi / lo > 100.0 {
        let (lo, hi) = log_range([lo, hi], floor, (0.1, 10.0));
        return ((lo, hi), decades(lo, hi));
    }
    let (mut lo, mut hi) = (lo / 1.2, hi * 1.2);
    let widen = (3.0 / (hi / lo)).max(1.0).sqrt();
    lo /= widen;
    hi *= widen;
    ((lo, hi), mantissa_ticks(lo, hi))
}

/// Every other tick (or every third, ...) of `ticks`, so that at most `n` remain.
fn thin(ticks: Vec<f64>, n: usize) -> Vec<f64> {
    let every = ticks.len().div_ceil(n.max(1)).max(1);
    ticks.into_iter().step_by(every).collect()
}

/// The loss chart's frame: a title line above, tick labels only.
const LOSS_FRAME: Frame =
    Frame { top: 22.0, margin: 8.0, x_labels: 20.0, y_labels: 40.0, right: 8.0, right_labels: 0.0 };

/// The height in device pixels of the loss chart's plotting area on `area` (its margins and label area off).
fn plot_height(area: &Area<'_>, theme: &Theme) -> i32 {
    let f = LOSS_FRAME;
    area.dim_in_pixel().1 as i32 - theme.dpx(f.top) - theme.dpx(f.margin) - theme.dpx(f.x_labels)
}

/// Whole decades inside `[lo, hi]`, thinned to at most about five.
fn decades(lo: f64, hi: f64) -> Vec<f64> {
    let (k0, k1) = (lo.log10().ceil() as i32, hi.log10().floor() as i32);
    let step = (((k1 - k0) as f64 / 5.0).ceil() as i32).max(1);
    (k0..=k1).filter(|k| (k - k0) % step == 0).map(|k| 10f64.powi(k)).collect()
}

/// The loss curves of one run: `(step + 1, value)` for the worst task, or for task `i`.
fn curve(run: &Run, task: Option<usize>) -> Vec<(f64, f64)> {
    run.losses
        .iter()
        .map(|(k, l)| {
            let v = match task {
                Some(i) => l[i],
                None => l.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            };
            ((k + 1) as f64, v)
        })
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .collect()
}

/// One curve of the loss chart: points, stroke, and whether it is dashed.
type Line = (Vec<(f64, f64)>, ShapeStyle, bool);

/// Per-scheme loss curves on log–log axes: the worst task's loss `max_i L_i` of every drawn scheme, or the three
/// task losses when only one scheme is drawn. The original run only (a replayed ×1000 task would shift every
/// curve by the factor it was scaled by).
pub fn loss_chart(area: &Area<'_>, sim: &MultitaskSim, theme: &Theme, wide: bool) {
    let drawn: Vec<Scheme> = Scheme::ALL.into_iter().filter(|s| sim.show[s.index()]).collect();
    let single = if drawn.len() == 1 { drawn.first().copied() } else { None };
    let mut lines: Vec<Line> = Vec::new();
    match single {
        Some(s) => {
            let run = sim.base.run(s);
            let styles = [
                (scheme_color(theme, s).stroke_width(theme.px(2.0)), false),
                (theme.muted().stroke_width(theme.px(2.0)), false),
                (theme.fg().mix(0.8).stroke_width(theme.px(1.6)), true),
            ];
            for (i, (style, dashed)) in styles.into_iter().enumerate() {
                lines.push((curve(run, Some(i)), style, dashed));
            }
        }
        None => {
            for s in &drawn {
                let style = scheme_color(theme, *s).stroke_width(theme.px(1.8));
                lines.push((curve(sim.base.run(*s), None), style, false));
            }
        }
    }
    let heading = match single {
        Some(s) if wide => tr!(
            theme.lang,
            "{}: L₁ (colour), L₂ (grey), L₃ (dashed) vs step, log–log",
            "{}：L₁（彩色）、L₂（灰色）、L₃（虚线）随步数变化，双对数",
            scheme_label(s, theme)
        ),
        Some(s) => tr!(
            theme.lang,
            "{}: L₁ (colour), L₂ (grey), L₃ (dashed)",
            "{}：L₁（彩色）、L₂（灰色）、L₃（虚线）",
            scheme_label(s, theme)
        ),
        None if wide => theme
            .t(T::new(
                "worst task's loss max(L₁, L₂, L₃) vs step, log–log",
                "最差任务的损失 max(L₁, L₂, L₃) 随步数变化，双对数",
            ))
            .to_string(),
        None => theme.t(T::new("max(L₁, L₂, L₃) vs step, log–log", "max(L₁, L₂, L₃) 随步数变化，双对数")).to_string(),
    };
    title(area, theme, &heading, 11.0);
    let ((lo, hi), y_ticks) = log_axis(lines.iter().flat_map(|(l, _, _)| l.iter().map(|p| p.1)), 1e-12, 1e30);
    let x1 = ((sim.base.steps + 1) as f64).max(10.0);
    let x_ticks = decades(1.0, x1);
    let y_ticks = thin(y_ticks, label_budget(6, plot_height(area, theme), theme, 15.0));
    let mut chart = LOSS_FRAME.chart_log_xy(area, theme, ((1.0, x1), &x_ticks), ((lo, hi), &y_ticks));
    mesh(&mut chart, theme, Axes { label_size: 10.0, ..Axes::PLAIN }, &fmt::tick, &fmt::tick);
    for (pts, style, dashed) in lines.into_iter().rev() {
        let pts: Vec<(f64, f64)> = pts.into_iter().map(|(x, y)| (x, y.clamp(lo, hi))).collect();
        if dashed {
            dashed_line(&chart, &pts, theme.px(6.0), theme.px(4.0), style);
        } else {
            polyline(&chart, &pts, style);
        }
    }
}

/// The pull shares `w_i s_i / Σ_j w_j s_j` of every drawn scheme (the barycentric weights of its end point), the
/// replay's shares and verdict beside them, and the prior calculator underneath.
pub fn weights_chart(area: &Area<'_>, sim: &MultitaskSim, theme: &Theme, wide: bool) {
    let h = area.dim_in_pixel().1 as i32;
    shares_title(area, theme, wide);
    // The calculator takes the last two lines, unless the rows would then be too thin for their labels (a short
    // phone figure: the calculator's numbers are in the readouts too).
    let rows: Vec<Scheme> = Scheme::ALL.into_iter().filter(|s| sim.show[s.index()]).collect();
    let top = theme.dpx(22.0);
    let n_rows = rows.len().max(1) as i32;
    let calc_fits = (h - top - theme.dpx(36.0)) / n_rows >= theme.dpx(14.0);
    let calc_h = if calc_fits { theme.dpx(32.0) } else { 0 };
    let avail = (h - top - calc_h - theme.dpx(4.0)).max(theme.dpx(10.0));
    let row_h = (avail / n_rows).min(theme.dpx(24.0)).max(theme.dpx(8.0));
    share_rows(area, sim, theme, wide, &rows, (top, row_h));
    if calc_fits {
        calculator(area, sim, theme, wide, h - calc_h);
    }
}

/// The title of the shares, with a key of the three task shades; the long wording where both fit the width.
fn shares_title(area: &Area<'_>, theme: &Theme, wide: bool) {
    let w = area.dim_in_pixel().0 as i32;
    let small = theme.font_in(10.0, theme.muted());
    let tstyle = theme.font(11.0);
    let key_w: i32 = (1..=N)
        .map(|i| {
            let lw = area
                .estimate_text_size(&tr!(theme.lang, "task {i}", "任务 {i}"), &small)
                .map(|(w, _)| w as i32)
                .unwrap_or(30);
            theme.dpx(20.0) + lw
        })
        .sum();
    let long = theme.t(T::new("each task's share of the pull w·s:", "各任务的拉力份额 w·s："));
    let long_fits =
        area.estimate_text_size(long, &tstyle).is_ok_and(|(tw, _)| tw as i32 + key_w + theme.dpx(12.0) <= w);
    let title =
        if wide && long_fits { long } else { theme.t(T::new("share of the pull w·s:", "拉力份额 w·s：")) };
    text_px(area, title, (theme.dpx(8.0), theme.dpx(4.0)), &tstyle);
    let mut x = theme.dpx(8.0) + area.estimate_text_size(title, &tstyle).map(|(w, _)| w as i32).unwrap_or(150);
    for (i, shade) in task_shades(theme).iter().enumerate() {
        x += theme.dpx(8.0);
        let sq = theme.dpx(9.0);
        rect_px(area, (x, theme.dpx(6.0)), (x + sq, theme.dpx(6.0) + sq), shade.filled());
        rect_px(area, (x, theme.dpx(6.0)), (x + sq, theme.dpx(6.0) + sq), theme.muted().stroke_width(1));
        let label = tr!(theme.lang, "task {}", "任务 {}", i + 1);
        text_px(area, &label, (x + sq + theme.dpx(3.0), theme.dpx(4.0)), &small);
        x += sq + theme.dpx(3.0) + area.estimate_text_size(&label, &small).map(|(w, _)| w as i32).unwrap_or(30);
    }
}

/// One row per drawn scheme from device pixel `top`, `row_h` tall: its name, its shares bar (and the replay's
/// under it, with the verdict on the right).
fn share_rows(
    area: &Area<'_>,
    sim: &MultitaskSim,
    theme: &Theme,
    wide: bool,
    rows: &[Scheme],
    (top, row_h): (i32, i32),
) {
    let w = area.dim_in_pixel().0 as i32;
    let shades = task_shades(theme);
    // Scheme names at most as tall as their row.
    let name_px = (row_h as f64 / theme.scale - 2.0).clamp(7.0, 11.0);
    let label_w = theme.dpx(if wide { 78.0 } else { 74.0 });
    let verdict_w = if sim.replay.is_some() { theme.dpx(if wide { 78.0 } else { 70.0 }) } else { theme.dpx(4.0) };
    let bar_x0 = theme.dpx(8.0) + label_w;
    let bar_x1 = (w - verdict_w - theme.dpx(8.0)).max(bar_x0 + theme.dpx(20.0));
    for (r, s) in rows.iter().enumerate() {
        let y = top + r as i32 * row_h;
        let color = scheme_color(theme, *s);
        let ty = y + row_h / 2 - theme.dpx(name_px * 0.55);
        text_px(area, scheme_label(*s, theme), (theme.dpx(8.0), ty), &theme.font_in(name_px, color));
        let run = sim.base.run(*s);
        let bar_h = (row_h - theme.dpx(5.0)).max(theme.dpx(4.0));
        let replay = sim.replay.as_ref().map(|rr| rr.run(*s));
        let base_h = if replay.is_some() { (bar_h * 3) / 5 } else { bar_h };
        let y0 = y + (row_h - bar_h) / 2;
        bar(area, theme, run, &sim.base.tasks, (bar_x0, bar_x1), (y0, y0 + base_h), &shades, true);
        if let (Some(rr), Some(race)) = (replay, sim.replay.as_ref()) {
            bar(area, theme, rr, &race.tasks, (bar_x0, bar_x1), (y0 + base_h + 1, y0 + bar_h), &shades, false);
            let (text, color) = verdict(sim, theme, *s, run, rr);
            text_px(area, &text, (bar_x1 + theme.dpx(6.0), ty), &theme.font_in(10.0, color));
        }
    }
}

/// What the replay did to scheme `s`'s end point, and its colour.
fn verdict(sim: &MultitaskSim, theme: &Theme, s: Scheme, run: &Run, replayed: &Run) -> (String, RGBColor) {
    let gap = sim.gap[s.index()];
    if run.diverged() {
        (fmt::NONE.to_string(), theme.muted())
    } else if replayed.diverged() {
        (theme.t(T::new("diverges", "发散")).to_string(), theme.warn())
    } else if gap <= 1e-9 * scale(&sim.base.tasks.c) {
        (theme.t(T::new("same path", "路径相同")).to_string(), theme.fg())
    } else {
        (tr!(theme.lang, "moves {}", "移动 {}", fmt::short(gap)), theme.warn())
    }
}

/// The prior calculator's two lines from device pixel `cy`.
fn calculator(area: &Area<'_>, sim: &MultitaskSim, theme: &Theme, wide: bool, cy: i32) {
    let w = area.dim_in_pixel().0 as i32;
    let small = theme.font_in(10.0, theme.muted());
    // The prior calculator (theory §1): initial versus prior loss for a classifier and for a regression.
    let c = &sim.calc;
    let (mu, sd) = sim.calc_target;
    // The long wording where it fits the width, else the short one.
    let fits = |t: &String| area.estimate_text_size(t, &small).is_ok_and(|(tw, _)| tw as i32 + theme.dpx(12.0) <= w);
    let long1 = tr!(
        theme.lang,
        "prior calculator · K = {} classes: init log K = {}, prior H(p) = {}",
        "先验计算器 · K = {} 类：初值 log K = {}，先验 H(p) = {}",
        c.k,
        fmt::short(c.log_k),
        fmt::short(c.entropy)
    );
    let short1 = tr!(
        theme.lang,
        "K = {}: log K = {}, H(p) = {}",
        "K = {}：log K = {}，H(p) = {}",
        c.k,
        fmt::short(c.log_k),
        fmt::short(c.entropy)
    );
    let long2 = tr!(
        theme.lang,
        "target μ = {}, σ = {}: init E y² = {}, prior Var y = {}",
        "目标 μ = {}，σ = {}：初值 E y² = {}，先验 Var y = {}",
        fmt::short(mu),
        fmt::short(sd),
        fmt::short(c.ey2),
        fmt::short(c.var)
    );
    let short2 = tr!(
        theme.lang,
        "μ = {}, σ = {}: E y² = {}, Var y = {}",
        "μ = {}，σ = {}：E y² = {}，Var y = {}",
        fmt::short(mu),
        fmt::short(sd),
        fmt::short(c.ey2),
        fmt::short(c.var)
    );
    // Both lines take the long wording on a wide figure where both fit, else both the short one.
    let (line1, line2) = if wide && fits(&long1) && fits(&long2) { (long1, long2) } else { (short1, short2) };
    text_px(area, &line1, (theme.dpx(8.0), cy), &small);
    text_px(area, &line2, (theme.dpx(8.0), cy + theme.dpx(14.0)), &small);
}

/// One stacked bar of a run's pull shares between `x0` and `x1`, or "diverged at step k".
#[allow(clippy::too_many_arguments)]
fn bar(
    area: &Area<'_>,
    theme: &Theme,
    run: &Run,
    tasks: &crate::panels::multitask::model::Tasks,
    (x0, x1): (i32, i32),
    (y0, y1): (i32, i32),
    shades: &[RGBColor; N],
    numbers: bool,
) {
    if let Some(k) = run.diverged_at {
        // A bar too thin for text (the replay's half of a row) stays empty; the row's verdict says why.
        if (y1 - y0) as f64 >= 9.0 * theme.scale {
            let text = tr!(theme.lang, "diverged at step {k}", "第 {k} 步发散");
            let y = (y0 + y1) / 2 - theme.dpx(6.0);
            text_px(area, &text, (x0 + theme.dpx(2.0), y), &theme.font_in(10.0, theme.warn()));
        }
        return;
    }
    let shares = run.shares(tasks);
    if shares.iter().any(|v| !v.is_finite()) {
        return;
    }
    let width = (x1 - x0) as f64;
    let mut x = x0 as f64;
    let style = theme.font(9.0);
    for (i, sh) in shares.iter().enumerate() {
        let a = x.round() as i32;
        x += sh.clamp(0.0, 1.0) * width;
        let b = x.round() as i32;
        if b > a {
            rect_px(area, (a, y0), (b, y1), shades[i].filled());
        }
        let label = fmt::fixed(*sh, 2);
        let fits = area.estimate_text_size(&label, &style).map(|(w, _)| (w as i32) < b - a - theme.dpx(4.0));
        if numbers && (y1 - y0) as f64 >= 11.0 * theme.scale && fits.unwrap_or(false) {
            let text_color = if i == 0 {
                theme.bg()
            } else if i == 1 {
                RGBColor(255, 255, 255)
            } else {
                RGBColor(20, 20, 24)
            };
            let text_color = if theme.dark && i == 0 { RGBColor(20, 20, 24) } else { text_color };
            let text_color = if theme.dark && i == 2 { RGBColor(235, 235, 240) } else { text_color };
            let ty = (y0 + y1) / 2 - theme.dpx(5.5);
            text_px(area, &label, (a + theme.dpx(3.0), ty), &theme.font_in(9.0, text_color));
        }
    }
    rect_px(area, (x0, y0), (x1, y1), theme.muted().stroke_width(1));
}
