//! Text layout of every figure at the page's real widths: no label may overlap another or leave the figure.
//!
//! Each panel is stepped to half its golden step count (and to five times it) and rendered to SVG at the canvas
//! sizes the page gives a figure at viewports of 360, 375, 768 and 1280 CSS px, measured in Chromium: on phones
//! the canvas is sticky and its height capped at 60 % of the window (`stickyCap` in `www/figure.js`), so a
//! 360×640 phone draws every figure at 334×384 and a 375×740 one at 349×444 whatever the panel's aspect; embeds
//! and wider figures use the panel's aspect ratio exactly as the web shell computes it. The figure is laid out as
//! the page's canvas lays it out: text at the style's size in CSS pixels (plotters' native font layer and SVG
//! backend use 1/1.24 of it, which made an earlier version of this test see text 24 % narrower than the page
//! shows), measured with the embedded DejaVu Sans ([`canvas_measure`]). Every `<text>` element is then measured
//! at its `font-size`, placed by its anchor attributes (`text-anchor`, `dy`, `rotate`), and every pair of boxes is
//! checked. Boxes are shrunk by
//! [`SLACK`] px on each side first, so that runs of one multi-colour title that merely touch, and glyph boxes
//! that only share their empty side bearings, do not count.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::i18n::Lang;
use dynamics::panels;
use dynamics::plot::measure::SVG_FONT_DIVISOR;
use dynamics::plot::Theme;
use dynamics::render;
use dynamics::runner::Runner;

/// The canvas's text measurement, natively: a CSS font string (`normal 10.5px sans-serif`) measured with the
/// embedded DejaVu Sans at that many pixels to the em, as the browser's canvas draws it (the page's sans-serif is
/// DejaVu Sans on this project's Linux machines; other systems' fonts are a little narrower).
fn canvas_measure(font: &str, text: &str) -> (u32, u32) {
    // The style word (normal, italic, bold) is not read: the embedded fonts are regular only, as in PNG output.
    let px: f64 = font.split_whitespace().nth(1).and_then(|p| p.trim_end_matches("px").parse().ok()).unwrap_or(10.0);
    // The width as the PNG layout measures it: DejaVu Sans, and the CJK subset for the characters it lacks.
    let w = render::text_width(text, px * SVG_FONT_DIVISOR);
    (w.round() as u32, (px * 1.17).round() as u32)
}

/// Canvas CSS sizes: a width and, for a sticky phone canvas, its capped height (`None`: the panel's aspect).
/// Measured on the built page: 334 px wide at 360, 349 at 375, 720 at 768 and 723 beside the controls at 1280;
/// heights capped at 0.6 × 640, 0.6 × 667 and 0.6 × 740. 944 and 590 are wider and half-row embeds.
const SIZES: [(u32, Option<u32>); 11] = [
    (334, Some(384)),
    (334, Some(444)),
    (349, Some(400)),
    (349, Some(444)),
    (334, None),
    (349, None),
    (720, None),
    (723, None),
    (944, None),
    (590, None),
    (338, None),
];
/// Step counts, as multiples of each panel's golden step count: early, at the golden, and a long run whose
/// time axes carry wide tick labels.
const STEPS: [f64; 2] = [0.5, 5.0];
/// Figures narrower than this use the panel's narrow aspect ratio (the shell's `NARROW_PX`).
const NARROW_PX: u32 = 600;
/// How far (px) two boxes may intrude into each other before they count as overlapping.
const SLACK: f64 = 1.0;

/// One measured text label: its box in SVG pixels and its text.
#[derive(Debug, Clone)]
struct Label {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// Reads the value of attribute `name` from one start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// Undoes the XML escapes plotters writes.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Parses a `dy` attribute into a fraction of the font size (plotters writes `0.76em`, `0.5ex`, `-0.5ex`).
fn dy_em(dy: Option<&str>) -> f64 {
    match dy {
        None => 0.0,
        Some(d) if d.ends_with("em") => d.trim_end_matches("em").parse().unwrap_or(0.0),
        // One ex is taken as half an em, the convention of the SVG backend.
        Some(d) if d.ends_with("ex") => d.trim_end_matches("ex").parse::<f64>().unwrap_or(0.0) * 0.5,
        Some(d) => d.parse().unwrap_or(0.0),
    }
}

/// Extracts every non-empty `<text>` element of an SVG document as a measured box.
fn labels(svg: &str) -> Vec<Label> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(close) = rest.find("</text>") else { break };
        let text = unescape(rest[tag_end + 1..close].trim());
        rest = &rest[close..];
        if text.trim().is_empty() {
            continue;
        }
        let num = |n: &str| attr(tag, n).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let (x, y, size) = (num("x"), num("y"), num("font-size"));
        // The attribute is the em; plotters' font layer takes 1.24 em (its SVG backend divides by that factor). The
        // width is the PNG layout's: DejaVu Sans, and the CJK subset for the characters DejaVu Sans lacks.
        let w = render::text_width(&text, size * SVG_FONT_DIVISOR);
        // Glyph extent relative to the baseline: DejaVu Sans ascends about 0.76 em and descends 0.24 em.
        let baseline = y + dy_em(attr(tag, "dy")) * size;
        let (top, bottom) = (baseline - 0.76 * size, baseline + 0.24 * size);
        let (left, right) = match attr(tag, "text-anchor") {
            Some("middle") => (x - w / 2.0, x + w / 2.0),
            Some("end") => (x - w, x),
            _ => (x, x + w),
        };
        let mut b = Label { text, x0: left, y0: top, x1: right, y1: bottom };
        if let Some(t) = attr(tag, "transform") {
            if t.starts_with("rotate(270") || t.starts_with("rotate(-90") {
                // A quarter turn counter-clockwise about (x, y): (px, py) -> (x + (py - y), y - (px - x)).
                let (ax, ay) = (x + (b.y0 - y), y - (b.x1 - x));
                let (bx, by) = (x + (b.y1 - y), y - (b.x0 - x));
                b = Label { text: b.text, x0: ax.min(bx), y0: ay.min(by), x1: ax.max(bx), y1: ay.max(by) };
            } else if t.starts_with("rotate(90") {
                let (ax, ay) = (x - (b.y0 - y), y + (b.x0 - x));
                let (bx, by) = (x - (b.y1 - y), y + (b.x1 - x));
                b = Label { text: b.text, x0: ax.min(bx), y0: ay.min(by), x1: ax.max(bx), y1: ay.max(by) };
            }
        }
        out.push(b);
    }
    out
}

/// Whether two boxes overlap by more than the slack on both axes.
fn overlap(a: &Label, b: &Label) -> bool {
    a.x0 + SLACK < b.x1 - SLACK
        && b.x0 + SLACK < a.x1 - SLACK
        && a.y0 + SLACK < b.y1 - SLACK
        && b.y0 + SLACK < a.y1 - SLACK
}

#[test]
fn measured_boxes_follow_the_anchor_rules() {
    // A hand-made SVG: a 10 px label anchored at its end, one rotated, one centred vertically.
    let svg = r#"<svg><text x="100" y="50" dy="0.5ex" text-anchor="end" font-size="10">abc</text>
<text x="8" y="200" dy="0.76em" text-anchor="middle" font-size="10" transform="rotate(270, 8, 200)">step</text></svg>"#;
    dynamics::render::ensure_fonts();
    let l = labels(svg);
    assert_eq!(l.len(), 2);
    assert!((l[0].x1 - 100.0).abs() < 1e-9 && l[0].x0 < 90.0 && l[0].x0 > 70.0, "{:?}", l[0]);
    // The rotated label runs vertically around y = 200 and sits right of x = 8 (the glyph tops face left).
    assert!(l[1].y1 - l[1].y0 > l[1].x1 - l[1].x0, "{:?}", l[1]);
    assert!(l[1].y0 < 200.0 && l[1].y1 > 200.0, "{:?}", l[1]);
    let a = Label { text: "a".into(), x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };
    let touching = Label { text: "b".into(), x0: 10.0, y0: 0.0, x1: 20.0, y1: 10.0 };
    let crossing = Label { text: "c".into(), x0: 5.0, y0: 5.0, x1: 15.0, y1: 15.0 };
    assert!(!overlap(&a, &touching));
    assert!(overlap(&a, &crossing));
}

#[test]
fn no_label_overlaps_another_or_leaves_the_figure() {
    render::ensure_fonts();
    let mut problems = Vec::new();
    // OVERLAP_DEBUG=<panel id> checks that panel only and writes its light SVGs to the temporary directory.
    let only = std::env::var("OVERLAP_DEBUG").ok();
    for p in panels::all().into_iter().filter(|p| only.as_deref().is_none_or(|o| o == p.id())) {
        let (wide, narrow) = p.aspect();
        let mut r = Runner::with_defaults(p);
        for (steps, (w, cap)) in STEPS.iter().flat_map(|s| SIZES.map(|size| (*s, size))) {
            // The runner only moves forward: each step count is reached once and drawn at every width.
            let target = (p.golden_steps() as f64 * steps) as u64;
            r.step(target.saturating_sub(r.steps()));
            let aspect_h = (w as f64 * if w < NARROW_PX { narrow } else { wide }).round() as u32;
            let h = cap.map_or(aspect_h, |c| c.min(aspect_h));
            // English in the light theme, Chinese in the dark one: text layout does not depend on the colours, and
            // Chinese labels are wider per character (measured with the CJK subset, as PNG output draws them).
            let zh = Theme::dark(1.0).with_lang(Lang::Zh);
            for (tname, theme) in [("light", Theme::light(1.0)), ("dark zh", zh)] {
                let svg = match render::svg_measured(&r, w, h, &theme, &canvas_measure) {
                    Ok(s) => s,
                    Err(e) => {
                        problems.push(format!("{} {w}x{h} {tname} step {}: {e}", p.id(), r.steps()));
                        continue;
                    }
                };
                let ls = labels(&svg);
                if std::env::var("OVERLAP_DEBUG").as_deref() == Ok(p.id()) && tname == "light" {
                    let name = format!("ov-{}-{w}x{h}-{}.svg", p.id(), r.steps());
                    std::fs::write(std::env::temp_dir().join(name), &svg).ok();
                }
                for (i, a) in ls.iter().enumerate() {
                    if a.x0 < -SLACK || a.y0 < -SLACK || a.x1 > w as f64 + SLACK || a.y1 > h as f64 + SLACK {
                        problems.push(format!(
                            "{} {w}x{h} {tname} step {}: '{}' leaves the figure",
                            p.id(),
                            r.steps(),
                            a.text
                        ));
                    }
                    for b in &ls[i + 1..] {
                        if overlap(a, b) {
                            problems.push(format!(
                                "{} {w}x{h} {tname} step {}: '{}' overlaps '{}'",
                                p.id(),
                                r.steps(),
                                a.text,
                                b.text
                            ));
                        }
                    }
                }
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{} text problems:\n{}", problems.len(), problems.join("\n"));
}
