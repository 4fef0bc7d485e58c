//! The two planes of the P-tuning figure: the prompt plane (heat map, words, keys, prompt trail) and the
//! input plane (data, target and model boundaries, word boundaries, the reachable cone).

use crate::i18n::T;
use crate::panels::ptuning::model::{word, Mode, N_SKILLS, N_VOCAB, WORDS};
use crate::panels::ptuning::{PTuningSim, PLANE};
use crate::plot::chart::{square, Chart};
use crate::plot::draw::{dashed_line, dots, polygon, polyline, rect, text_at, text_off, text_px};
use crate::plot::{Area, PlaneMap, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Half-width of the input plane.
const INPUT: f64 = 3.0;

/// A square chart over `[−r, r]²` centred in `area`, with a title line above it.
fn square_chart<'a, 'b>(area: &'a Area<'b>, theme: &Theme, r: f64, titles: &[&str], color: RGBColor) -> Chart<'a, 'b> {
    let w = area.dim_in_pixel().0;
    let font = theme.font_in(12.0, color);
    // The first title that fits the area's width (the last one otherwise).
    let fits = |t: &&&str| area.estimate_text_size(t, &font).is_ok_and(|(tw, _)| tw + theme.px(10.0) <= w);
    let title = titles.iter().find(fits).or(titles.last()).copied().unwrap_or("");
    text_px(area, title, (theme.dpx(6.0), theme.dpx(3.0)), &font);
    square(area, theme.px(18.0), theme.px(4.0), r)
}

/// Colour of the heat map at relative position `t` in [0, 1] (0 = lowest objective).
fn heat(theme: &Theme, t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 1.0 };
    let (lo, mid, hi) = if theme.dark {
        ((104, 98, 52), (46, 72, 86), (26, 30, 44))
    } else {
        ((255, 244, 196), (176, 214, 222), (104, 134, 178))
    };
    let lerp = |a: (u8, u8, u8), b: (u8, u8, u8), s: f64| {
        let f = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * s).round() as u8;
        RGBColor(f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
    };
    if t < 0.5 {
        lerp(lo, mid, 2.0 * t)
    } else {
        lerp(mid, hi, 2.0 * t - 1.0)
    }
}

/// Draws an arrow from `a` to `b` in data coordinates.
fn arrow(chart: &mut Chart<'_, '_>, a: (f64, f64), b: (f64, f64), head: f64, style: ShapeStyle) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l = (dx * dx + dy * dy).sqrt();
    polyline(chart, &[a, b], style);
    if l > 1e-9 {
        let (ux, uy) = (dx / l, dy / l);
        let p1 = (b.0 - head * (ux - 0.5 * uy), b.1 - head * (uy + 0.5 * ux));
        let p2 = (b.0 - head * (ux + 0.5 * uy), b.1 - head * (uy - 0.5 * ux));
        polygon(chart, &[b, p1, p2], style.color.filled());
    }
}

/// Clamps a point into the square `[−r, r]²` along the ray from the origin, so that far points sit on the
/// border in their true direction.
fn clamp_ray(p: (f64, f64), r: f64) -> (f64, f64) {
    let m = p.0.abs().max(p.1.abs());
    if !m.is_finite() {
        return (0.0, 0.0);
    }
    if m <= r {
        p
    } else {
        // Divide first: p·r could overflow for a prompt near the largest finite numbers.
        (p.0 / m * r, p.1 / m * r)
    }
}

/// The prompt plane. Returns its pixel mapping for clicks.
pub fn prompt_plane(area: &Area<'_>, sim: &PTuningSim, theme: &Theme) -> PlaneMap {
    let model = &sim.model;
    let full = if model.cfg.naturalness > 0.0 {
        theme.t(T::new("prompt plane c: frozen loss + naturalness", "prompt 平面 c：冻结损失 + 自然度"))
    } else {
        theme.t(T::new("prompt plane c: frozen model's loss", "prompt 平面 c：冻结模型的损失"))
    };
    let titles = [full, theme.t(T::new("prompt plane c", "prompt 平面 c")), "prompt c"];
    let mut chart = square_chart(area, theme, PLANE, &titles, theme.fg());
    // Small planes drop the key labels, which would collide with the word labels.
    let roomy = chart.plotting_area().dim_in_pixel().0 >= theme.px(240.0);
    // Heat map on a log scale of the objective.
    let land = &sim.land;
    let (lo, hi) = land.bounds();
    let (llo, lhi) = (lo.max(1e-9).ln(), hi.max(1e-9).ln());
    let span = (lhi - llo).max(1e-9);
    let h = 2.0 * land.range / land.n.max(1) as f64;
    let cells = (0..land.n).flat_map(|j| (0..land.n).map(move |i| (i, j))).filter_map(|(i, j)| {
        let v = *land.values.get(j * land.n + i)?;
        let c = land.centre(i, j);
        let col = heat(theme, (v.max(1e-9).ln() - llo) / span);
        Some(((c[0] - h / 2.0, c[1] - h / 2.0), (c[0] + h / 2.0, c[1] + h / 2.0), col))
    });
    for (a, b, col) in cells {
        rect(&chart, a, b, col.filled());
    }
    rect(&chart, (-PLANE, -PLANE), (PLANE, PLANE), theme.muted().stroke_width(theme.px(1.0)));

    // Skill keys k_s as arrows from the origin.
    let key_color = theme.fg().mix(0.75);
    for (s, k) in model.pretrained.keys.iter().enumerate() {
        arrow(&mut chart, (0.0, 0.0), (k[0], k[1]), 0.22, key_color.stroke_width(theme.px(1.5)));
        if roomy {
            let lab = (0.62 * k[0] - 0.28 * k[1], 0.62 * k[1] + 0.28 * k[0]);
            text_at(&chart, &format!("k{}", s + 1), lab, &theme.font_in(10.0, theme.muted()));
        }
    }

    // The words: fixed points of every method that cannot train the embedding.
    let chosen = if model.cfg.mode == Mode::Search { model.searched } else { model.cfg.token };
    for (v, name) in WORDS.iter().enumerate().take(N_VOCAB) {
        let e = word(v);
        let r = if v == chosen { theme.px(5.0) } else { theme.px(3.5) };
        dots(&chart, &[(e[0], e[1])], r, theme.fg().filled());
        if v == chosen {
            dots(&chart, &[(e[0], e[1])], theme.px(8.0), theme.fg().stroke_width(theme.px(1.2)));
        }
        // Labels sit outside the ring, anchored away from the dot so they never cover it.
        let dir = crate::panels::ptuning::model::unit(60.0 * v as f64);
        let h = if dir[0] > 0.3 {
            HPos::Left
        } else if dir[0] < -0.3 {
            HPos::Right
        } else {
            HPos::Center
        };
        let vp = if dir[1] > 0.3 {
            VPos::Bottom
        } else if dir[1] < -0.3 {
            VPos::Top
        } else {
            VPos::Center
        };
        let off = (theme.dpx(7.0) as f64 * dir[0]).round() as i32;
        let off_y = -(theme.dpx(7.0) as f64 * dir[1]).round() as i32;
        text_off(&chart, name, (e[0], e[1]), (off, off_y), &theme.font(11.0).pos(Pos::new(h, vp)));
    }

    // The prompt's trail, clamped to the plane along rays so that an escaping prompt stays visible.
    let color = theme.series(1);
    let pts: Vec<(f64, f64)> =
        sim.trail.items().iter().map(|(_, p)| *p).filter(|p| p.0.is_finite() && p.1.is_finite()).collect();
    let shown: Vec<(f64, f64)> = pts.iter().map(|p| clamp_ray(*p, PLANE)).collect();
    polyline(&chart, &shown, color.stroke_width(theme.px(2.2)));
    if let Some(&first) = shown.first() {
        dots(&chart, &[first], theme.px(4.0), color.stroke_width(theme.px(1.5)));
    }
    let c = model.prompt();
    let cp = clamp_ray((c[0], c[1]), PLANE);
    dots(&chart, &[cp], theme.px(5.5), color.filled());
    if c[0].abs().max(c[1].abs()) > PLANE {
        let n = c[0].hypot(c[1]);
        let label = if n < 1e4 { format!("‖c‖ = {n:.1} →") } else { format!("‖c‖ = {n:.1e} →") };
        // Inside the plane, a little toward the centre from where the prompt leaves it.
        let r = (cp.0 * cp.0 + cp.1 * cp.1).sqrt().max(1e-9);
        let at = (
            (cp.0 * (1.0 - 0.9 / r) + 0.3).clamp(-PLANE + 0.2, PLANE - 2.6),
            (cp.1 * (1.0 - 0.9 / r)).clamp(-PLANE + 0.5, PLANE - 0.2),
        );
        text_at(&chart, &label, at, &theme.font_in(11.0, color));
    }
    PlaneMap::of_chart(&chart)
}

/// The input plane (the exact plane when D = 2, the projection onto the target plane when D = 20).
pub fn input_plane(area: &Area<'_>, sim: &PTuningSim, theme: &Theme) -> PlaneMap {
    let model = &sim.model;
    let task = &model.task;
    let titles: &[&str] = if task.dim == 2 {
        &[theme.t(T::new("input plane x", "输入平面 x")), theme.t(T::new("input x", "输入 x"))]
    } else {
        &[
            theme.t(T::new("x projected on skills 1, 2", "x 在技能 1、2 上的投影")),
            theme.t(T::new("x, projected", "x 的投影")),
        ]
    };
    let mut chart = square_chart(area, theme, INPUT, titles, theme.fg());
    rect(&chart, (-INPUT, -INPUT), (INPUT, INPUT), theme.muted().stroke_width(theme.px(1.0)));
    let r = 0.95 * INPUT;

    // The cone of reachable normals (D = 2: the wedge between w_1 and w_3).
    if task.dim == 2 {
        let a0 = task.project(model.pretrained.skill(0));
        let a1 = task.project(model.pretrained.skill(N_SKILLS - 1));
        let (t0, t1) = (a0.1.atan2(a0.0), a1.1.atan2(a1.0));
        let mut poly = vec![(0.0, 0.0)];
        for i in 0..=32 {
            let t = t0 + (t1 - t0) * i as f64 / 32.0;
            poly.push((r * t.cos(), r * t.sin()));
        }
        polygon(&chart, &poly, theme.series(4).mix(0.16).filled());
        let at = (r * 0.55 * (0.5 * (t0 + t1)).cos() - 0.9, r * 0.92 * (0.5 * (t0 + t1)).sin());
        // Kept inside the plane: a short phone plane would push the label past its right edge.
        let (label, style) = (theme.t(T::new("reachable normals", "可达法向量")), theme.font_in(10.0, theme.series(4)));
        let pa = chart.plotting_area();
        let (xr, yr) = pa.get_pixel_range();
        let (x, y) = pa.map_coordinate(&at);
        let lw = pa.estimate_text_size(label, &style).map_or(0, |(w, _)| w as i32);
        let x = (x - xr.start).min(xr.end - xr.start - lw - theme.dpx(2.0)).max(0);
        text_px(&pa.strip_coord_spec(), label, (x, y - yr.start), &style);
    }

    // Data, coloured by (possibly noisy) label; decimated above 400 points.
    let n = task.len();
    let stride = n.div_ceil(400).max(1);
    for cls in [0.0, 1.0] {
        let col = theme.series(if cls > 0.5 { 0 } else { 6 }).mix(0.75);
        let pts: Vec<(f64, f64)> = (0..n)
            .step_by(stride)
            .filter(|&i| task.y.get(i) == Some(&cls))
            .map(|i| {
                let (x, y) = task.project(task.input(i));
                (x.clamp(-INPUT, INPUT), y.clamp(-INPUT, INPUT))
            })
            .collect();
        dots(&chart, &pts, theme.px(2.3), col.filled());
    }

    // Boundaries are lines through the origin perpendicular to a normal.
    let boundary = |nrm: (f64, f64)| -> Option<[(f64, f64); 2]> {
        let l = (nrm.0 * nrm.0 + nrm.1 * nrm.1).sqrt();
        (l > 1e-12 && l.is_finite()).then(|| {
            let (tx, ty) = (-nrm.1 / l * r, nrm.0 / l * r);
            [(-tx, -ty), (tx, ty)]
        })
    };
    for v in 0..N_VOCAB {
        if let Some(seg) = boundary(task.project(&model.pretrained.normal(word(v)))) {
            polyline(&chart, &seg, theme.muted().mix(0.45).stroke_width(theme.px(1.0)));
        }
    }
    if task.dim > 2 {
        if let Some(seg) = boundary(task.project(&model.logreg)) {
            polyline(&chart, &seg, theme.series(3).stroke_width(theme.px(1.6)));
        }
    }
    let v = task.project(&model.normal());
    if let Some(seg) = boundary(v) {
        polyline(&chart, &seg, theme.series(1).stroke_width(theme.px(2.4)));
        let l = (v.0 * v.0 + v.1 * v.1).sqrt();
        arrow(
            &mut chart,
            (0.0, 0.0),
            (1.4 * v.0 / l, 1.4 * v.1 / l),
            0.25,
            theme.series(1).stroke_width(theme.px(2.0)),
        );
    }
    // The target on top, dashed, so that a learned boundary lying on it shows through the gaps.
    if let Some(seg) = boundary(task.project(&task.u)) {
        dashed_line(&chart, &seg, theme.px(6.0), theme.px(4.0), theme.fg().stroke_width(theme.px(1.6)));
    }
    let u = task.project(&task.u);
    let lu = (u.0 * u.0 + u.1 * u.1).sqrt().max(1e-12);
    arrow(&mut chart, (0.0, 0.0), (1.4 * u.0 / lu, 1.4 * u.1 / lu), 0.25, theme.fg().stroke_width(theme.px(1.2)));
    PlaneMap::of_chart(&chart)
}
