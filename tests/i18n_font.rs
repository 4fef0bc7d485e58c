//! The embedded CJK font covers every Chinese character the program can draw.
//!
//! PNG output draws text with fonts embedded in the binary, never system fonts. Chinese strings need a CJK
//! font; a whole one is about 16 MB, so the repository embeds a subset made by `scripts/cjk-font.py`, which
//! keeps only the characters found in the string sources: every `*.rs` file under `src/`, where the
//! per-language string tables and the drawing code's bilingual strings live. These tests fail as soon as a string source gains a CJK character that the committed
//! subset lacks, which is the signal to re-run the script.
#![cfg(not(target_arch = "wasm32"))]

use ab_glyph::{Font, FontRef};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The CJK subset, at the path from which the renderer embeds it.
const CJK_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular-subset.otf");
/// The Latin font that draws the characters Noto Sans CJK lacks (sub- and superscripts such as `₀` and `ⁿ`).
const LATIN_FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The code points counted as CJK; `scripts/cjk-font.py` uses the same list (checked below).
const CJK_RANGES: [(u32, u32); 9] = [
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
];

fn is_cjk(c: char) -> bool {
    CJK_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&(c as u32)))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files whose text the program may draw in Chinese (the same list as the script's).
fn string_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files
}

/// The lines of the string sources that contain CJK, with the file they come from.
fn chinese_lines() -> Vec<(PathBuf, String)> {
    let mut lines = Vec::new();
    for path in string_sources() {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        lines.extend(text.lines().filter(|l| l.chars().any(is_cjk)).map(|l| (path.clone(), l.to_string())));
    }
    lines
}

fn font(data: &'static [u8], name: &str) -> FontRef<'static> {
    FontRef::try_from_slice(data).unwrap_or_else(|e| panic!("{name} is not a font ab_glyph can read: {e}"))
}

/// Whether a font maps the character to a real glyph (glyph 0 is `.notdef`, the empty box).
fn has_glyph(font: &FontRef, c: char) -> bool {
    font.glyph_id(c).0 != 0
}

#[test]
fn the_string_sources_contain_chinese() {
    // Guards the other tests against passing vacuously (e.g. if the string tables were moved without the
    // tables it feeds having been written yet).
    let count = chinese_lines().iter().flat_map(|(_, l)| l.chars().filter(|&c| is_cjk(c))).collect::<BTreeSet<_>>();
    assert!(count.len() >= 100, "only {} distinct CJK characters found in the string sources", count.len());
}

#[test]
fn the_cjk_font_has_a_glyph_for_every_cjk_character_of_the_string_sources() {
    let cjk = font(CJK_FONT, "the CJK subset");
    let mut missing: BTreeSet<(char, String)> = BTreeSet::new();
    for (path, line) in chinese_lines() {
        for c in line.chars().filter(|&c| is_cjk(c)) {
            if !has_glyph(&cjk, c) {
                let file = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
                missing.insert((c, file));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the embedded CJK font lacks {} character(s); run `python3 scripts/cjk-font.py` and commit the font: {:?}",
        missing.len(),
        missing
    );
}

#[test]
fn every_character_of_a_chinese_string_is_drawable_with_the_embedded_fonts() {
    // Chinese labels mix in Latin letters, digits, Greek and sub- and superscripts. Each must come from the CJK
    // subset or, for the few Noto Sans CJK lacks, from the embedded DejaVu Sans.
    let cjk = font(CJK_FONT, "the CJK subset");
    let latin = font(LATIN_FONT, "DejaVu Sans");
    let missing: BTreeSet<char> = chinese_lines()
        .iter()
        .flat_map(|(_, l)| l.chars().collect::<Vec<_>>())
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .filter(|&c| !has_glyph(&cjk, c) && !has_glyph(&latin, c))
        .collect();
    assert!(missing.is_empty(), "no embedded font draws {missing:?}");
}

#[test]
fn cjk_glyphs_have_outlines_that_rasterise() {
    // The subset keeps CFF outlines; check that ab_glyph turns a few of them into visible pixels.
    let cjk = font(CJK_FONT, "the CJK subset");
    for c in ['坍', '缩', '梯', '度', '（', '：'] {
        if !has_glyph(&cjk, c) {
            continue; // covered by the glyph test above if a string source uses it
        }
        let glyph = cjk.glyph_id(c).with_scale(32.0);
        let outlined = cjk.outline_glyph(glyph).unwrap_or_else(|| panic!("{c:?} has no outline"));
        let mut inked = 0usize;
        outlined.draw(|_, _, coverage| inked += usize::from(coverage > 0.5));
        assert!(inked > 10, "{c:?} rasterises to only {inked} pixels");
    }
}

#[test]
fn the_font_script_uses_the_same_cjk_ranges() {
    let script = std::fs::read_to_string(root().join("scripts/cjk-font.py")).expect("scripts/cjk-font.py");
    let ranges: Vec<(u32, u32)> = script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("(0x"))
        .map(|l| l.split('#').next().unwrap_or(""))
        .map(|l| {
            let hex: Vec<u32> = l
                .split(|c: char| !c.is_ascii_hexdigit())
                .filter(|s| s.len() == 4)
                .filter_map(|s| u32::from_str_radix(s, 16).ok())
                .collect();
            (hex[0], hex[1])
        })
        .collect();
    assert_eq!(ranges, CJK_RANGES.to_vec());
}

#[test]
fn the_font_is_small_and_its_licence_sits_beside_it() {
    // The subset holds a few hundred characters; a jump in size means the script kept far more than the
    // strings need (for instance a whole block of ideographs).
    assert!(CJK_FONT.len() < 256 * 1024, "the CJK subset is {} KB", CJK_FONT.len() / 1024);
    let licence = std::fs::read_to_string(root().join("assets/fonts/NotoSansCJKsc-Regular-subset.LICENSE"))
        .expect("the licence file beside the font");
    assert!(licence.contains("SIL OPEN FONT LICENSE Version 1.1"), "the licence file lacks the OFL text");
    assert!(licence.contains("Adobe"), "the licence file lacks the copyright notice");
}
