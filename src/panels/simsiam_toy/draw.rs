//! Drawing of the SimSiam toy: phase plane with field, fixed-point lines, conserved curve and trajectories,
//! plus φ(t) and θ(t) against their predicted limits.

use super::model::{invariant_branch, Mode};
use super::ToySim;
use crate::i18n::T;
use crate::plot::axis::time_extent;
use crate::plot::chart::{log_tick, mesh, tick, title, Axes, Frame};
use crate::plot::draw::{crosses, dashed_line, dots, polyline, text_at, text_px};
use crate::plot::legend::{draw_keys, key_rows, KeyEntry, KEY_ROW};
use crate::plot::{finite, is_wide, log_range, main_and_two, padded_range, vector_field, Area, PlaneMap, Theme};
use crate::tr;
use plotters::prelude::*;

const PHI_RANGE: (f64, f64) = (-1.5, 2.0);
const THETA_RANGE: (f64, f64) = (-1.5, 1.5);
/// The time charts' frame: a wider margin keeps the last step tick's label, at the right edge, inside.
const TIME_FRAME: Frame = Frame::SMALL.margins(12.0);
const SMALL_AXES: Axes<'static> = Axes { x_ticks: 4, y_ticks: 5, ..Axes::PLAIN };

fn field(mode: Mode, alpha: f64) -> impl Fn(f64, f64) -> (f64, f64) {
    move |phi, theta| {
        let r = phi * theta - theta;
        let dphi = -alpha * r * theta;
        let dtheta = match mode {
            Mode::Sg => -r * phi,
            Mode::Full => -r * (phi - 1.0),
            Mode::Second => r,
        };
        (dphi, dtheta)
    }
}

/// Draws the whole figure and returns the phase plane's pixel mapping for click handling.
pub fn draw(area: &Area<'_>, sim: &ToySim, theme: &Theme) -> PlaneMap {
    let wide = is_wide(area, theme.scale);
    let (main, top, bottom) = main_and_two(area, wide, 0.58);
    let map = phase_plane(&main, sim, theme);
    phi_chart(&top, sim, theme);
    theta_chart(&bottom, sim, theme);
    map
}

fn headline(sim: &ToySim, theme: &Theme) -> String {
    let run = &sim.runs[0];
    if run.ema_on() {
        tr!(
            theme.lang,
            "mode {} · EMA target τ = {} (no closed form)",
            "模式 {} · EMA 目标 τ = {}（无闭式解）",
            run.mode.name(),
            run.tau
        )
    } else if sim.pred.collapse {
        tr!(
            theme.lang,
            "mode {} · predicted: collapse, θ∞ = 0, φ∞ = {:.3}",
            "模式 {} · 预测：坍缩，θ∞ = 0，φ∞ = {:.3}",
            run.mode.name(),
            sim.pred.phi_inf
        )
    } else {
        tr!(
            theme.lang,
            "mode {} · predicted: θ∞ = {:.4}, no collapse",
            "模式 {} · 预测：θ∞ = {:.4}，不坍缩",
            run.mode.name(),
            sim.pred.theta_inf
        )
    }
}

fn phase_plane(area: &Area<'_>, sim: &ToySim, theme: &Theme) -> PlaneMap {
    let run = &sim.runs[0];
    // The key sits in rows under the headline, outside the plane, so that it hides no trajectory.
    let mut entries: Vec<KeyEntry> = sim
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let label = if i == 0 {
                tr!(theme.lang, "{} (live)", "{}（实时）", r.mode.name())
            } else {
                tr!(theme.lang, "{} (ghost)", "{}（影子）", r.mode.name())
            };
            (label, theme.series(mode_index(r.mode)), false)
        })
        .collect();
    entries.push((theme.t(T::new("conserved curve", "守恒曲线")).to_string(), theme.fg(), true));
    let key_w = area.dim_in_pixel().0 as i32 - theme.dpx(16.0);
    let rows = key_rows(area, theme, &entries, key_w);
    let frame = Frame { top: 30.0 + KEY_ROW * rows as f64, y_labels: 46.0, ..Frame::MAIN };
    let mut chart = frame.chart(area, theme, PHI_RANGE, THETA_RANGE);
    let axes = Axes {
        x_ticks: 8,
        y_ticks: 7,
        x_desc: theme.t(T::new("φ (predictor)", "φ（预测器）")),
        y_desc: theme.t(T::new("θ (encoder)", "θ（编码器）")),
        ..Axes::PLAIN
    };
    mesh(&mut chart, theme, axes, &tick, &tick);
    vector_field(&mut chart, theme, 17, field(run.mode, run.alpha));

    // Fixed points: the line φ = 1 and the collapse line θ = 0.
    let fixed = theme.stroke(theme.muted(), 1.5);
    polyline(&chart, &[(1.0, THETA_RANGE.0), (1.0, THETA_RANGE.1)], fixed);
    polyline(&chart, &[(PHI_RANGE.0, 0.0), (PHI_RANGE.1, 0.0)], theme.warn().mix(0.7).stroke_width(theme.px(1.5)));
    text_at(&chart, "φ = 1", (1.03, THETA_RANGE.1 - 0.05), &theme.font_in(11.0, theme.muted()));
    text_at(
        &chart,
        theme.t(T::new("collapse θ = 0", "坍缩线 θ = 0")),
        (PHI_RANGE.0 + 0.05, 0.12),
        &theme.font_in(11.0, theme.warn()),
    );

    // The conserved curve through the start: the trajectory must run along it.
    let curve_color = theme.fg().mix(0.8);
    for branch in invariant_branch(run.mode, run.alpha, sim.start.0, sim.start.1, PHI_RANGE, 400) {
        let pts: Vec<(f64, f64)> =
            branch.into_iter().filter(|p| p.1 >= THETA_RANGE.0 && p.1 <= THETA_RANGE.1).collect();
        dashed_line(&chart, &pts, theme.px(6.0), theme.px(4.0), curve_color.stroke_width(theme.px(1.5)));
    }

    // Ghost trajectories of the other two modes, then the live one on top.
    for i in [2usize, 1, 0] {
        let color = theme.series(mode_index(sim.runs[i].mode));
        let pts = finite(sim.hist[i].items().iter().map(|(_, (_, p, t))| (*p, *t)));
        let pts: Vec<(f64, f64)> = pts.into_iter().map(|(p, t)| (p.clamp(-50.0, 50.0), t.clamp(-50.0, 50.0))).collect();
        let style =
            if i == 0 { color.stroke_width(theme.px(2.5)) } else { color.mix(0.45).stroke_width(theme.px(1.5)) };
        polyline(&chart, &pts, style);
        if let Some(&last) = pts.last() {
            let r = if i == 0 { theme.px(5.0) } else { theme.px(3.0) };
            let fill = if i == 0 { color.filled() } else { color.mix(0.6).filled() };
            dots(&chart, &[last], r, fill);
        }
    }
    // The start and the predicted end point.
    dots(&chart, &[sim.start], theme.px(5.0), theme.fg().stroke_width(theme.px(1.5)));
    if !run.ema_on() {
        let p = (sim.pred.phi_inf, sim.pred.theta_inf);
        crosses(&chart, &[p], theme.px(6.0), theme.fg().stroke_width(theme.px(2.0)));
    }
    text_px(area, &headline(sim, theme), (theme.dpx(8.0), theme.dpx(6.0)), &theme.font(13.0));
    draw_keys(area, theme, &entries, (theme.dpx(8.0), theme.dpx(26.0)), key_w);
    PlaneMap::of_chart(&chart)
}

/// Colour index of a mode, stable across selections so each mode keeps its colour.
fn mode_index(m: Mode) -> usize {
    match m {
        Mode::Sg => 0,
        Mode::Full => 1,
        Mode::Second => 2,
    }
}

fn t_max(sim: &ToySim) -> f64 {
    time_extent(sim.t(), 1.0)
}

fn phi_chart(area: &Area<'_>, sim: &ToySim, theme: &Theme) {
    let run = &sim.runs[0];
    let mut vals: Vec<f64> = sim.hist[0].items().iter().map(|(_, (_, p, _))| *p).collect();
    vals.push(1.0);
    if !run.ema_on() {
        vals.push(sim.pred.phi_inf);
    }
    let (lo, hi) = padded_range(vals, 0.08, (0.0, 1.2));
    let (lo, hi) = (lo.max(-50.0), hi.min(50.0));
    let mut chart = TIME_FRAME.chart(area, theme, (0.0, t_max(sim)), (lo, hi));
    mesh(&mut chart, theme, SMALL_AXES, &tick, &tick);
    let t1 = t_max(sim);
    if !run.ema_on() {
        dashed_line(
            &chart,
            &[(0.0, sim.pred.phi_inf), (t1, sim.pred.phi_inf)],
            theme.px(6.0),
            theme.px(4.0),
            theme.fg().mix(0.7).stroke_width(theme.px(1.2)),
        );
    }
    let color = theme.series(mode_index(run.mode));
    let pts = finite(sim.hist[0].items().iter().map(|(_, (t, p, _))| (*t, p.clamp(lo, hi))));
    polyline(&chart, &pts, color.stroke_width(theme.px(2.0)));
    title(area, theme, theme.t(T::new("φ(t); dashed: predicted φ∞", "φ(t)；虚线：预测的 φ∞")), 11.0);
}

fn theta_chart(area: &Area<'_>, sim: &ToySim, theme: &Theme) {
    let run = &sim.runs[0];
    let color = theme.series(mode_index(run.mode));
    let t1 = t_max(sim);
    let pred = (!run.ema_on()).then_some(sim.pred.theta_inf);
    if sim.log_theta {
        let mut vals: Vec<f64> = sim.hist[0].items().iter().map(|(_, (_, _, th))| th.abs()).collect();
        if let Some(p) = pred {
            vals.push(p.abs());
        }
        let (lo, hi) = log_range(vals, 1e-300, (1e-4, 1.0));
        let mut chart = TIME_FRAME.chart_log_y_auto(area, theme, (0.0, t1), (lo, hi));
        mesh(&mut chart, theme, SMALL_AXES, &tick, &log_tick);
        if let Some(p) = pred.filter(|p| p.abs() > 0.0) {
            dashed_line(
                &chart,
                &[(0.0, p.abs()), (t1, p.abs())],
                theme.px(6.0),
                theme.px(4.0),
                theme.fg().mix(0.7).stroke_width(theme.px(1.2)),
            );
        }
        let pts: Vec<(f64, f64)> = sim.hist[0]
            .items()
            .iter()
            .map(|(_, (t, _, th))| (*t, th.abs().clamp(lo, hi)))
            .filter(|(t, v)| t.is_finite() && v.is_finite())
            .collect();
        polyline(&chart, &pts, color.stroke_width(theme.px(2.0)));
        title(area, theme, theme.t(T::new("|θ(t)|, log; dashed: |θ∞|", "|θ(t)|，对数；虚线：|θ∞|")), 11.0);
    } else {
        let mut vals: Vec<f64> = sim.hist[0].items().iter().map(|(_, (_, _, th))| *th).collect();
        vals.push(0.0);
        if let Some(p) = pred {
            vals.push(p);
        }
        let (lo, hi) = padded_range(vals, 0.08, (0.0, 1.0));
        let (lo, hi) = (lo.max(-50.0), hi.min(50.0));
        let mut chart = TIME_FRAME.chart(area, theme, (0.0, t1), (lo, hi));
        mesh(&mut chart, theme, SMALL_AXES, &tick, &tick);
        if let Some(p) = pred {
            dashed_line(
                &chart,
                &[(0.0, p), (t1, p)],
                theme.px(6.0),
                theme.px(4.0),
                theme.fg().mix(0.7).stroke_width(theme.px(1.2)),
            );
        }
        let pts = finite(sim.hist[0].items().iter().map(|(_, (t, _, th))| (*t, th.clamp(lo, hi))));
        polyline(&chart, &pts, color.stroke_width(theme.px(2.0)));
        title(area, theme, theme.t(T::new("θ(t); dashed: predicted θ∞", "θ(t)；虚线：预测的 θ∞")), 11.0);
    }
}
