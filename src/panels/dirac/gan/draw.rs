//! Drawing of the Dirac-GAN: the (θ, ψ) phase plane with the vector field, the equilibrium and its
//! eigenvalues, the conserved curve and the trajectory, plus the distance to the equilibrium on a log axis
//! against the linearised rate. Also the small formatting and range helpers the Dirac-IGN drawing shares.

use super::model::{field, Loss, Update, WGAN_GP_TARGET};
use super::GanSim;
use crate::i18n::T;
use crate::panels::dirac::draw::{eig_text, key_line, log10_labels, log10_range, mesh, nice_up, rate_line};
use crate::plot::chart::fitting;
use crate::plot::chart::Frame;
use crate::plot::draw::{boxed_text_at, crosses, dashed_line, dots, polyline, text_px};
use crate::plot::fmt::{self, tick};
use crate::plot::{is_wide, legend, vector_field, Area, Corner, PlaneMap, Theme};
use crate::tr;
use plotters::prelude::*;

/// The largest half-extent of the phase plane; a trajectory beyond it is drawn clamped to the edge.
const MAX_HALF: f64 = 1e6;

/// Draws the whole figure and returns the phase plane's pixel mapping for click handling.
pub fn draw(area: &Area<'_>, sim: &GanSim, theme: &Theme) -> PlaneMap {
    let wide = is_wide(area, theme.scale);
    let (w, h) = area.dim_in_pixel();
    let (plane, rest) = if wide {
        // A roughly square phase plane on the left.
        let pw = (w as f64 * 0.56).min(h as f64 + theme.scale * 60.0);
        area.split_horizontally(pw as u32)
    } else {
        let ph = (h as f64 * 0.62).min(w as f64 + theme.scale * 50.0);
        area.split_vertically(ph as u32)
    };
    let map = phase_plane(&plane, sim, theme);
    distance_chart(&rest, sim, theme);
    map
}

fn loss_title(l: Loss) -> &'static str {
    match l {
        Loss::Gan => "GAN",
        Loss::NsGan => "NS-GAN",
        Loss::Wgan => "WGAN",
        Loss::WganGp => "WGAN-GP",
    }
}

/// What the linearisation predicts, in a few words.
fn verdict(sim: &GanSim, theme: &Theme) -> (String, String) {
    let c = &sim.model.cfg;
    let upd = match c.update {
        Update::Sim => theme.t(T::new("simultaneous", "同时更新")),
        Update::Alt => theme.t(T::new("alternating", "交替更新")),
    };
    let clip =
        if c.clipped() { tr!(theme.lang, ", clip {}", "，裁剪 {}", fmt::hundredths(c.clip)) } else { String::new() };
    let what = match sim.rate {
        None => {
            theme.t(T::new("no Jacobian at (0, 0): |ψ| is pushed to 1", "(0, 0) 处无雅可比：|ψ| 被推向 1")).to_string()
        }
        Some(rho) if c.clipped() && rho > 1.0 + 1e-9 => {
            theme.t(T::new("spirals out until clipping caps ψ", "螺旋发散，直到裁剪限制住 ψ")).to_string()
        }
        Some(rho) if rho > 1.0 + 1e-9 => tr!(theme.lang, "spirals out, ×{rho:.4}/step", "螺旋发散，每步 ×{rho:.4}"),
        Some(rho) if rho < 1.0 - 1e-9 => tr!(theme.lang, "converges, ×{rho:.4}/step", "收敛，每步 ×{rho:.4}"),
        Some(_) => {
            theme.t(T::new("neutral: step eigenvalues on the unit circle", "中性：每步的特征值在单位圆上")).to_string()
        }
    };
    let long = tr!(theme.lang, "{} {}{}: {}", "{} {}{}：{}", loss_title(c.loss), upd, clip, what);
    let short_ = tr!(theme.lang, "{}{}: {}", "{}{}：{}", loss_title(c.loss), clip, what);
    (long, short_)
}

/// Which conserved curve through the start applies: the circle of the continuous flow (GAN and WGAN
/// without penalty), or the ellipse `Q = Q₀` of alternating WGAN steps.
enum Overlay {
    None,
    Circle(f64),
    Ellipse { q0: f64, h: f64 },
}

fn overlay(sim: &GanSim) -> Overlay {
    let c = &sim.model.cfg;
    if c.gp > 0.0 || c.clipped() {
        return Overlay::None;
    }
    match (c.loss, c.update) {
        (Loss::Wgan | Loss::WganGp, Update::Alt) if c.h < 2.0 => Overlay::Ellipse { q0: sim.q0, h: c.h },
        (Loss::Gan | Loss::Wgan | Loss::WganGp, _) => Overlay::Circle(sim.r0),
        _ => Overlay::None,
    }
}

fn overlay_points(o: &Overlay) -> Vec<(f64, f64)> {
    const N: usize = 160;
    let ring = |f: &dyn Fn(f64) -> (f64, f64)| -> Vec<(f64, f64)> {
        (0..=N).map(|i| f(i as f64 / N as f64 * std::f64::consts::TAU)).collect()
    };
    match *o {
        Overlay::None => Vec::new(),
        Overlay::Circle(r) => ring(&|t| (r * t.cos(), r * t.sin())),
        Overlay::Ellipse { q0, h } => {
            // Q = θ² + ψ² − hθψ has eigenvalues 1 − h/2 along (1, 1)/√2 and 1 + h/2 along (1, −1)/√2.
            let (s1, s2) = ((q0 / (1.0 - 0.5 * h)).sqrt(), (q0 / (1.0 + 0.5 * h)).sqrt());
            let k = std::f64::consts::FRAC_1_SQRT_2;
            ring(&|t| {
                let (u, v) = (s1 * t.cos(), s2 * t.sin());
                (k * (u + v), k * (u - v))
            })
        }
    }
}

fn phase_plane(area: &Area<'_>, sim: &GanSim, theme: &Theme) -> PlaneMap {
    let c = &sim.model.cfg;
    // The half-extent: at least 2, the start, and the trajectory so far, on a coarse ladder so that the
    // view changes only now and then.
    let traj_max =
        sim.hist.items().iter().map(|(_, (t, p))| t.abs().max(p.abs())).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let need = 2.0f64.max(1.15 * c.theta0.abs().max(c.psi0.abs())).max(1.08 * traj_max);
    let half = nice_up(need).min(MAX_HALF);

    // Equal units on both axes so that the conserved circle looks like one.
    let (w, h) = area.dim_in_pixel();
    let frame = Frame { top: 30.0, margin: 8.0, x_labels: 30.0, y_labels: 42.0, right: 8.0, right_labels: 0.0 };
    let (m, mt, xl, yl) = (theme.px(8.0), theme.px(30.0), theme.px(30.0), theme.px(42.0));
    let pw = (w as f64 - 2.0 * m as f64 - yl as f64).max(10.0);
    let ph = (h as f64 - m as f64 - mt as f64 - xl as f64).max(10.0);
    let (hx, hy) = if pw >= ph { (half * pw / ph, half) } else { (half, half * ph / pw) };

    let mut chart = frame.chart(area, theme, (-hx, hx), (-hy, hy));
    let descs = (theme.t(T::new("θ (generator)", "θ（生成器）")), theme.t(T::new("ψ (discriminator)", "ψ（判别器）")));
    mesh(&mut chart, theme, descs, &tick, &tick, (7, 7));
    let cfg = *c;
    vector_field(&mut chart, theme, 17, move |t, p| field(&cfg, t, p));

    // Clipping bounds.
    if c.clipped() && c.clip < hy {
        for s in [-1.0, 1.0] {
            dashed_line(
                &chart,
                &[(-hx, s * c.clip), (hx, s * c.clip)],
                theme.px(5.0),
                theme.px(4.0),
                theme.warn().mix(0.7).stroke_width(theme.px(1.3)),
            );
        }
    }
    // WGAN-GP: the penalty's target |ψ| = g₀.
    if c.nonsmooth() && WGAN_GP_TARGET < hy {
        for s in [-1.0, 1.0] {
            dashed_line(
                &chart,
                &[(-hx, s * WGAN_GP_TARGET), (hx, s * WGAN_GP_TARGET)],
                theme.px(2.0),
                theme.px(4.0),
                theme.muted().stroke_width(theme.px(1.2)),
            );
        }
    }

    // The trajectory.
    let color = theme.series(0);
    let pts: Vec<(f64, f64)> = sim
        .hist
        .items()
        .iter()
        .map(|(_, (t, p))| (*t, *p))
        .filter(|(t, p)| t.is_finite() && p.is_finite())
        .map(|(t, p)| (t.clamp(-hx, hx), p.clamp(-hy, hy)))
        .collect();
    polyline(&chart, &pts, color.stroke_width(theme.px(1.6)));
    // The conserved curve through the start, on top so that it stays visible where the run follows it.
    let ov = overlay(sim);
    let ov_pts = overlay_points(&ov);
    if !ov_pts.is_empty() {
        let fg = theme.fg().mix(0.75);
        dashed_line(&chart, &ov_pts, theme.px(6.0), theme.px(4.0), fg.stroke_width(theme.px(1.4)));
    }
    let start = (c.theta0.clamp(-hx, hx), sim.model.cfg.psi0.clamp(-hy, hy));
    dots(&chart, &[start], theme.px(4.5), theme.fg().stroke_width(theme.px(1.5)));
    if let Some(&last) = pts.last() {
        dots(&chart, &[last], theme.px(4.5), color.filled());
    }

    // The equilibrium and its eigenvalues.
    crosses(&chart, &[(0.0, 0.0)], theme.px(5.0), theme.fg().stroke_width(theme.px(2.2)));
    let label = match &sim.eig {
        Some(e) => format!("λ = {}", eig_text(e)),
        None => theme.t(T::new("no Jacobian", "无雅可比")).to_string(),
    };
    let style = theme.font(11.0);
    let (tw, th) = area.estimate_text_size(&label, &style).unwrap_or((0, 0));
    let bg = theme.bg().mix(0.85).filled();
    let at = (theme.dpx(7.0), -theme.dpx(7.0) - th as i32);
    let corners =
        [(at.0 - theme.dpx(2.0), at.1 - theme.dpx(1.0)), (at.0 + tw as i32 + theme.dpx(2.0), at.1 + th as i32)];
    boxed_text_at(&chart, (0.0, 0.0), corners, bg, &label, at, &style);

    // Headline.
    let (long, short_) = verdict(sim, theme);
    let hs = theme.font(12.5);
    let text = fitting(area, &[long, short_], &hs, w.saturating_sub(theme.px(12.0)));
    text_px(area, &text, (theme.dpx(8.0), theme.dpx(9.0)), &hs);

    let mut entries: Vec<(String, RGBColor, bool)> =
        vec![(theme.t(T::new("trajectory", "轨迹")).to_string(), color, false)];
    match ov {
        Overlay::Circle(_) => {
            entries.push((theme.t(T::new("flow: r = r₀", "梯度流：r = r₀")).to_string(), theme.fg(), true))
        }
        Overlay::Ellipse { .. } => {
            entries.push((theme.t(T::new("Q = Q₀ (conserved)", "Q = Q₀（守恒）")).to_string(), theme.fg(), true))
        }
        Overlay::None => {}
    }
    if c.clipped() {
        entries.push((
            tr!(theme.lang, "|ψ| = {} (clip)", "|ψ| = {}（裁剪）", fmt::hundredths(c.clip)),
            theme.warn(),
            true,
        ));
    }
    if c.nonsmooth() {
        entries.push((theme.t(T::new("|ψ| = 1 (GP target)", "|ψ| = 1（GP 目标）")).to_string(), theme.muted(), true));
    }
    legend(&chart.plotting_area().strip_coord_spec(), theme, Corner::BottomRight, &entries);
    PlaneMap::of_chart(&chart)
}

fn distance_chart(area: &Area<'_>, sim: &GanSim, theme: &Theme) {
    let c = &sim.model.cfg;
    // The axis grows ahead of the run; the y range covers the prediction up to the current step only.
    let n = (sim.model.steps as f64).max(10.0);
    let n1 = crate::plot::axis::time_extent(n, 10.0);
    let radii: Vec<(f64, f64)> = sim
        .hist
        .items()
        .iter()
        .map(|(s, (t, p))| (*s as f64, t.hypot(*p)))
        .filter(|(_, r)| r.is_finite() && *r > 0.0)
        .collect();
    let show_q = c.loss != Loss::NsGan && c.loss != Loss::Gan && c.update == Update::Alt && c.gp == 0.0 && !c.clipped();
    let qs: Vec<(f64, f64)> = if show_q {
        sim.hist
            .items()
            .iter()
            .map(|(s, (t, p))| (*s as f64, super::model::q(c.h, *t, *p)))
            .filter(|(_, q)| q.is_finite() && *q > 0.0)
            .map(|(s, q)| (s, q.sqrt()))
            .collect()
    } else {
        Vec::new()
    };
    // With clipping the linearisation holds only near (0, 0): show its rate only where it predicts convergence.
    let rate_shown = sim.rate.filter(|rho| !c.clipped() || *rho <= 1.0);
    let mut vals: Vec<f64> = radii.iter().map(|p| p.1).chain(qs.iter().map(|p| p.1)).collect();
    if let Some(rho) = rate_shown {
        // The predicted end value, in logs so that it cannot overflow.
        let l = sim.r0.ln() + n * rho.ln();
        vals.push(l.clamp(-690.0, 690.0).exp());
    }
    vals.push(sim.r0);
    let ((l0, l1), ny) = log10_range(&vals, 1e-12, (1e-3, 10.0));
    let lg = |v: f64| v.log10().clamp(l0, l1);
    // The axis ends on a round step whose tick label is centred on the right edge: room for half of it.
    let frame = Frame { top: 24.0, margin: 8.0, x_labels: 28.0, y_labels: 46.0, right: 16.0, right_labels: 0.0 };
    let mut chart = frame.chart(area, theme, (0.0, n1), (l0, l1));
    let ny = log10_labels(chart.plotting_area().dim_in_pixel().1 as i32, (l0, l1), ny, theme);
    mesh(&mut chart, theme, (theme.t(T::new("step", "步数")), ""), &tick, &fmt::log10_tick, (5, ny));
    let fg = theme.fg().mix(0.75);
    if let Some(rho) = rate_shown {
        let pts = rate_line(sim.r0, rho, n1, l0, l1);
        if !pts.is_empty() {
            dashed_line(&chart, &pts, theme.px(6.0), theme.px(4.0), fg.stroke_width(theme.px(1.4)));
        }
    }
    let pts: Vec<(f64, f64)> = radii.iter().map(|(s, r)| (*s, lg(*r))).collect();
    polyline(&chart, &pts, theme.series(0).stroke_width(theme.px(1.6)));
    if !qs.is_empty() {
        let pts: Vec<(f64, f64)> = qs.iter().map(|(s, q)| (*s, lg(*q))).collect();
        polyline(&chart, &pts, theme.series(2).stroke_width(theme.px(2.2)));
    }
    // The key sits in the title line, so that no legend box covers the curves.
    let (fg, c0, c2) = (theme.fg(), theme.series(0), theme.series(2));
    let s = |t: &str, c: RGBColor| (t.to_string(), c);
    let mut long = vec![
        s(theme.t(T::new("distance ", "距离 ")), fg),
        s("r", c0),
        s(theme.t(T::new(" to (0, 0), log scale", " 到 (0, 0)，对数坐标")), fg),
    ];
    let mut short_ = vec![s("r", c0), s(theme.t(T::new(", log", "，对数")), fg)];
    if rate_shown.is_some() {
        long.push(s(theme.t(T::new("; dashed: linearised r₀ρⁿ", "；虚线：线性化的 r₀ρⁿ")), fg));
        short_.push(s(theme.t(T::new("; dashed: r₀ρⁿ", "；虚线：r₀ρⁿ")), fg));
    }
    if !qs.is_empty() {
        long.push(s("; ", fg));
        long.push(s(theme.t(T::new("√Q conserved", "√Q 守恒")), c2));
        short_.push(s("; ", fg));
        short_.push(s("√Q", c2));
    }
    let (w, _) = area.dim_in_pixel();
    key_line(area, theme, (theme.dpx(8.0), theme.dpx(5.0)), 11.5, w.saturating_sub(theme.px(12.0)), &[long, short_]);
}
