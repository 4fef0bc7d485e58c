//! Drawing of the single-context TaiLr panel: bars of `q`, the current `p` and the optimum `p*` with the
//! cut-off `γμ` on a square-root probability axis, and the loss and its gradient weight against `p` beside
//! cross-entropy and `−p`.
//!
//! Everything plotted is a probability in `[0, 1]` or a loss clamped to its axis, all indices are bounded by
//! the number of labels, and no value reaches plotters unless it is finite.

use super::model::{one_hot_threshold, QSource};
use super::SingleSim;
use crate::i18n::T;
use crate::panels::tailr::draw::{header, key_rows, Sample};
use crate::panels::tailr::loss::{floored_weight, loss};
use crate::plot::chart::fitting;
use crate::plot::chart::{bare_axes, mesh, Axes, Frame};
use crate::plot::draw::{dashed_line, dots, polyline, rect, text_px};
use crate::plot::fmt::{short, tick};
use crate::plot::{is_wide, main_and_two, Area, PlaneMap, Theme};
use crate::tr;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The top of the loss chart; larger losses (cross-entropy near `p = 0`) are clipped there.
const LOSS_MAX: f64 = 4.0;

/// Draws the whole figure and returns the bar chart's mapping (x: label index, y: `sqrt(probability)`).
pub fn draw(area: &Area<'_>, sim: &SingleSim, theme: &Theme) -> Option<PlaneMap> {
    let wide = is_wide(area, theme.scale);
    let (main, top, bottom) = main_and_two(area, wide, if wide { 0.56 } else { 0.55 });
    let map = bar_chart(&main, sim, theme, wide);
    loss_chart(&top, sim, theme, wide);
    weight_chart(&bottom, sim, theme, wide);
    Some(map)
}

/// A finite probability in `[0, 1]` (NaN becomes 0).
fn prob(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Where `q` came from, in a few words.
fn source_text(src: QSource, q: &[f64], theme: &Theme) -> String {
    match src {
        QSource::Noise { eps, k } => {
            let qc = 1.0 - eps + eps / k as f64;
            tr!(
                theme.lang,
                "q = (1−ε)·onehot + ε/K, ε = {}, K = {k}: clean {}, noise {}",
                "q = (1−ε)·onehot + ε/K，ε = {}，K = {k}：干净 {}，噪声 {}",
                short(eps),
                short(qc),
                short(eps / k as f64)
            )
        }
        QSource::Given => tr!(theme.lang, "q given ({} labels)", "给定 q（{} 个标签）", q.len()),
        QSource::Normalised { sum } => {
            tr!(theme.lang, "q normalised (entries summed to {})", "q 已归一化（原分量之和为 {}）", short(sum))
        }
        QSource::ZeroUniform => theme
            .t(T::new("q all zeros: cannot normalise, using uniform", "q 全为 0：无法归一化，改用均匀分布"))
            .to_string(),
        QSource::TooShort { .. } => {
            theme.t(T::new("q needs ≥ 2 entries: using ε and K", "q 至少要 2 个分量：改用 ε 和 K")).to_string()
        }
    }
}

/// A shorter form of [`source_text`] for narrow figures.
fn source_short(src: QSource, theme: &Theme) -> String {
    match src {
        QSource::Noise { eps, k } => {
            tr!(
                theme.lang,
                "clean {}, noise {} ×{}",
                "干净 {}，噪声 {} ×{}",
                short(1.0 - eps + eps / k as f64),
                short(eps / k as f64),
                k - 1
            )
        }
        QSource::Given => theme.t(T::new("q given", "给定 q")).to_string(),
        QSource::Normalised { .. } => theme.t(T::new("q normalised", "q 已归一化")).to_string(),
        QSource::ZeroUniform => theme.t(T::new("q all 0 → uniform", "q 全 0 → 均匀")).to_string(),
        QSource::TooShort { .. } => theme.t(T::new("q too short → ε, K", "q 太短 → ε, K")).to_string(),
    }
}

/// The verdict line: how many labels survive and the one-hot threshold.
fn verdict(sim: &SingleSim, theme: &Theme) -> (String, String) {
    let m = &sim.model;
    let (g, b) = (m.cfg.gamma, m.cfg.floor);
    let thr = one_hot_threshold(&m.cfg.q);
    let k = m.cfg.q.len();
    let active = m.opt.p.iter().filter(|v| **v > 0.0).count();
    let long = if b >= 1.0 {
        theme
            .t(T::new("b ≥ 1: weight ≡ 1, plain cross-entropy: p* = q", "b ≥ 1：权重 ≡ 1，即普通交叉熵：p* = q"))
            .to_string()
    } else if g == 0.0 {
        theme.t(T::new("γ = 0 is cross-entropy: p* = q, noise kept", "γ = 0 即交叉熵：p* = q，噪声保留")).to_string()
    } else if b > 0.0 {
        tr!(
            theme.lang,
            "floor b > 0: no label is cut; {} of {k} sit on the floor",
            "下限 b > 0：没有标签被截断；{k} 个中有 {} 个停在下限",
            k - active_above_floor(sim)
        )
    } else if active == 1 {
        tr!(
            theme.lang,
            "γ ≥ q₂/q₁ = {}: p* is one-hot, all noise cut",
            "γ ≥ q₂/q₁ = {}：p* 为 one-hot，噪声全部截掉",
            short(thr)
        )
    } else {
        tr!(
            theme.lang,
            "{} of {k} labels cut (q ≤ γμ); one-hot needs γ ≥ {}",
            "{k} 个标签中 {} 个被截断（q ≤ γμ）；one-hot 需要 γ ≥ {}",
            k - active,
            short(thr)
        )
    };
    let gap =
        tr!(theme.lang, "max |p − p*| = {} at step {}", "第 {1} 步 max |p − p*| = {0}", short(m.max_gap()), m.steps);
    (long, gap)
}

/// With a floor: the number of labels above the floor level (`q_j > cutoff`).
fn active_above_floor(sim: &SingleSim) -> usize {
    let m = &sim.model;
    m.cfg.q.iter().filter(|q| **q > m.opt.cutoff).count()
}

/// Tick values of the square-root axis up to `top` (a probability).
fn sqrt_ticks(top: f64) -> Vec<f64> {
    [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0].into_iter().filter(|v| *v <= top * 1.0001).map(f64::sqrt).collect()
}

/// The bar chart of `q`, `p` and `p*` with the cut-off line, under a two-line headline.
fn bar_chart(area: &Area<'_>, sim: &SingleSim, theme: &Theme, wide: bool) -> PlaneMap {
    let m = &sim.model;
    let q = &m.cfg.q;
    let k = q.len().max(1);
    // Headline.
    let (aw, _) = area.dim_in_pixel();
    let max_w = aw.saturating_sub(theme.px(12.0));
    let h1 = theme.font(12.5);
    let h2 = theme.font_in(11.0, theme.muted());
    let (g, b) = (m.cfg.gamma, m.cfg.floor);
    let params = if b > 0.0 { format!("γ = {}, b = {}", short(g), short(b)) } else { format!("γ = {}", short(g)) };
    let line1 = fitting(
        area,
        &[
            format!("TaiLr {params} · {}", source_text(m.cfg.source, q, theme)),
            format!("{params} · {}", source_text(m.cfg.source, q, theme)),
            format!("{params} · {}", source_short(m.cfg.source, theme)),
        ],
        &h1,
        max_w,
    );
    let (long, gap) = verdict(sim, theme);
    text_px(area, &line1, (theme.dpx(8.0), theme.dpx(5.0)), &h1);
    let both = format!("{long} · {gap}");
    let fits = area.estimate_text_size(&both, &h2).map(|(w, _)| w <= max_w).unwrap_or(true);
    let top = if fits {
        text_px(area, &both, (theme.dpx(8.0), theme.dpx(23.0)), &h2);
        42.0
    } else {
        text_px(area, &long, (theme.dpx(8.0), theme.dpx(23.0)), &h2);
        text_px(area, &gap, (theme.dpx(8.0), theme.dpx(38.0)), &h2);
        56.0
    };
    let c_q = crate::panels::tailr::draw::lerp(theme.bg(), theme.muted(), 0.45);
    let (c_p, c_star, c_cut) = (theme.series(0), theme.fg(), theme.warn());
    let cut = m.opt.cutoff;
    let ymax = q.iter().chain(&m.p).chain(&m.opt.p).map(|v| prob(*v)).fold(0.02, f64::max);
    let ymax = (ymax * 1.08).min(1.0);
    let show_cut = g > 0.0 && b < 1.0 && cut.is_finite() && cut > 0.0 && cut <= ymax;
    let mut entries = vec![
        (theme.t(T::new("q (data)", "q（数据）")).to_string(), c_q, Sample::Block),
        (theme.t(T::new("p (now)", "p（当前）")).to_string(), c_p, Sample::Block),
        (theme.t(T::new("p* (optimum)", "p*（最优）")).to_string(), c_star, Sample::Line),
    ];
    if show_cut {
        entries.push((
            if b > 0.0 {
                theme.t(T::new("floor level", "下限"))
            } else {
                theme.t(T::new("cut-off γμ", "截断线 γμ"))
            }
            .to_string(),
            c_cut,
            Sample::Dashed,
        ));
    }
    let rows = key_rows(area, theme, top + 3.0, &entries);
    let top = top + 14.0 + 14.0 * (rows - 1) as f64;

    let smax = ymax.sqrt();
    let kf = k as f64;
    let every = if k <= 12 { 1 } else { k.div_ceil(10) };
    let mut chart = Frame {
        top,
        margin: 8.0,
        x_labels: if wide { 30.0 } else { 18.0 },
        y_labels: 38.0,
        right: 8.0,
        right_labels: 0.0,
    }
    .chart(area, theme, (0.0, kf), (0.0, smax));
    // The axes come from plotters; the ticks are drawn by hand, because the √ axis and the centred label
    // numbers need key points that plotters' mesh cannot format.
    let x_desc = if wide { theme.t(T::new("label", "标签")) } else { "" };
    bare_axes(&mut chart, theme, x_desc, theme.t(T::new("probability (√ scale)", "概率（平方根坐标）")));
    for t in sqrt_ticks(ymax) {
        if t > 0.0 {
            polyline(&chart, &[(0.0, t), (kf, t)], theme.grid().stroke_width(theme.px(1.0)));
        }
    }
    {
        let pa = chart.plotting_area();
        let (bx, by) = area.get_base_pixel();
        let ystyle = theme.font(10.0).pos(Pos::new(HPos::Right, VPos::Center));
        for t in sqrt_ticks(ymax) {
            let (x, y) = pa.map_coordinate(&(0.0, t));
            text_px(area, &tick(&(t * t)), (x - bx - theme.dpx(5.0), y - by), &ystyle);
        }
        let xstyle = theme.font(10.0).pos(Pos::new(HPos::Center, VPos::Top));
        for j in (0..k).filter(|j| j % every == 0) {
            let (x, y) = pa.map_coordinate(&(j as f64 + 0.5, 0.0));
            text_px(area, &format!("{}", j + 1), (x - bx, y - by + theme.dpx(4.0)), &xstyle);
        }
    }

    for (j, v) in q.iter().enumerate() {
        let j = j as f64;
        rect(&chart, (j + 0.08, 0.0), (j + 0.92, prob(*v).sqrt()), c_q.filled());
    }
    for (j, v) in m.p.iter().enumerate() {
        let j = j as f64;
        rect(&chart, (j + 0.3, 0.0), (j + 0.7, prob(*v).sqrt()), c_p.filled());
    }
    let star_w = if k > 25 { 1.8 } else { 2.6 };
    for (j, v) in m.opt.p.iter().enumerate() {
        let (j, s) = (j as f64, prob(*v).sqrt());
        polyline(&chart, &[(j + 0.04, s), (j + 0.96, s)], c_star.stroke_width(theme.px(star_w)));
    }
    // The cut-off over the q bars: labels below it get p* = 0 (or, with a floor, sit on the floor).
    if show_cut {
        let s = cut.sqrt();
        dashed_line(&chart, &[(0.0, s), (kf, s)], theme.px(6.0), theme.px(4.0), c_cut.stroke_width(theme.px(1.5)));
        let label = if b > 0.0 {
            tr!(theme.lang, "floor level {}", "下限 {}", short(cut))
        } else {
            tr!(theme.lang, "cut-off γμ = {}", "截断线 γμ = {}", short(cut))
        };
        let style = theme.font_in(10.0, c_cut).pos(Pos::new(HPos::Right, VPos::Bottom));
        let pa = chart.plotting_area();
        let (x, y) = pa.map_coordinate(&(kf, s));
        let (xr, yr) = pa.get_pixel_range();
        let root = pa.strip_coord_spec();
        text_px(&root, &label, (x - xr.start - theme.dpx(4.0), y - yr.start - theme.dpx(2.0)), &style);
    }
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    PlaneMap { px_x: (xr.start, xr.end), px_y: (yr.start, yr.end), x: (0.0, kf), y: (0.0, smax) }
}

/// Probabilities at which the curves are sampled: dense near 0, where cross-entropy's loss blows up.
fn p_grid() -> Vec<f64> {
    (0..=160).map(|i| (i as f64 / 160.0).powi(2)).collect()
}

/// The loss against `p`: TaiLr's `L_γ`, cross-entropy `−ln p` and the accuracy surrogate `1 − p`, with the
/// labels' current `p_j` marked on `L_γ`.
fn loss_chart(area: &Area<'_>, sim: &SingleSim, theme: &Theme, wide: bool) {
    let g = sim.model.cfg.gamma;
    let (c_t, c_ce, c_acc) = (theme.series(0), theme.series(1), theme.series(2));
    let keys = vec![
        (format!("TaiLr, γ = {}", short(g)), c_t, Sample::Line),
        ("CE −ln p".to_string(), c_ce, Sample::Dashed),
        ("1 − p".to_string(), c_acc, Sample::Dashed),
    ];
    let title = if wide {
        theme.t(T::new("loss of a label vs its probability p", "某个标签的损失随其概率 p 的变化"))
    } else {
        theme.t(T::new("loss vs p", "损失随 p 变化"))
    };
    let top = header(area, theme, title, &keys);
    let mut chart = Frame { top, margin: 8.0, x_labels: 22.0, y_labels: 30.0, right: 8.0, right_labels: 0.0 }.chart(
        area,
        theme,
        (0.0, 1.0),
        (0.0, LOSS_MAX),
    );
    mesh(
        &mut chart,
        theme,
        Axes { x_ticks: if wide { 6 } else { 3 }, y_ticks: 5, x_desc: "", y_desc: "", ..Axes::PLAIN },
        &tick,
        &tick,
    );
    let clip = |v: f64| if v.is_finite() { v.clamp(0.0, LOSS_MAX) } else { LOSS_MAX };
    let grid = p_grid();
    dashed_line(
        &chart,
        &grid.iter().map(|p| (*p, clip(-p.ln()))).collect::<Vec<_>>(),
        theme.px(5.0),
        theme.px(3.0),
        c_ce.stroke_width(theme.px(1.6)),
    );
    dashed_line(
        &chart,
        &grid.iter().map(|p| (*p, 1.0 - p)).collect::<Vec<_>>(),
        theme.px(5.0),
        theme.px(3.0),
        c_acc.stroke_width(theme.px(1.6)),
    );
    polyline(
        &chart,
        &grid.iter().map(|p| (*p, clip(loss(*p, g)))).collect::<Vec<_>>(),
        c_t.stroke_width(theme.px(2.4)),
    );
    let now: Vec<(f64, f64)> = sim.model.p.iter().map(|p| (prob(*p), clip(loss(prob(*p), g)))).collect();
    dots(&chart, &now, theme.px(2.6), theme.fg().filled());
}

/// The gradient weight against `p`: TaiLr's floored `w̃(p)`, cross-entropy's 1 and `−p`'s `p`, with the labels'
/// current `p_j` marked.
fn weight_chart(area: &Area<'_>, sim: &SingleSim, theme: &Theme, wide: bool) {
    let (g, b) = (sim.model.cfg.gamma, sim.model.cfg.floor);
    let (c_t, c_ce, c_acc) = (theme.series(0), theme.series(1), theme.series(2));
    let name = if b > 0.0 { "max(b, w(p))" } else { "w(p)" };
    let keys = vec![
        (format!("TaiLr {name}"), c_t, Sample::Line),
        ("CE: 1".to_string(), c_ce, Sample::Dashed),
        ("−p: p".to_string(), c_acc, Sample::Dashed),
        (theme.t(T::new("labels now", "当前各标签")).to_string(), theme.fg(), Sample::Dot),
    ];
    let short_title = theme.t(T::new("gradient weight", "梯度权重")).to_string();
    let title = if wide {
        // The formula and what it multiplies where the half-width chart holds them, else the formula alone.
        let texts = [
            theme
                .t(T::new(
                    "gradient weight w(p) = p/(γ + (1−γ)p) on CE's p − e_y",
                    "梯度权重 w(p) = p/(γ + (1−γ)p)，乘在 CE 的 p − e_y 上",
                ))
                .to_string(),
            theme.t(T::new("gradient weight w(p) = p/(γ + (1−γ)p)", "梯度权重 w(p) = p/(γ + (1−γ)p)")).to_string(),
            short_title,
        ];
        fitting(area, &texts, &theme.font(11.5), area.dim_in_pixel().0.saturating_sub(theme.px(14.0)))
    } else {
        short_title
    };
    let top = header(area, theme, &title, &keys);
    let mut chart = Frame { top, margin: 8.0, x_labels: 24.0, y_labels: 30.0, right: 8.0, right_labels: 0.0 }.chart(
        area,
        theme,
        (0.0, 1.0),
        (0.0, 1.08),
    );
    mesh(
        &mut chart,
        theme,
        Axes {
            x_ticks: if wide { 6 } else { 3 },
            y_ticks: 5,
            x_desc: if wide { "p" } else { "" },
            y_desc: "",
            ..Axes::PLAIN
        },
        &tick,
        &tick,
    );
    dashed_line(&chart, &[(0.0, 1.0), (1.0, 1.0)], theme.px(5.0), theme.px(3.0), c_ce.stroke_width(theme.px(1.6)));
    dashed_line(&chart, &[(0.0, 0.0), (1.0, 1.0)], theme.px(5.0), theme.px(3.0), c_acc.stroke_width(theme.px(1.6)));
    let grid = p_grid();
    polyline(
        &chart,
        &grid.iter().map(|p| (*p, prob(floored_weight(*p, g, b)))).collect::<Vec<_>>(),
        c_t.stroke_width(theme.px(2.4)),
    );
    let now: Vec<(f64, f64)> = sim.model.p.iter().map(|p| (prob(*p), prob(floored_weight(prob(*p), g, b)))).collect();
    dots(&chart, &now, theme.px(2.6), theme.fg().filled());
}
