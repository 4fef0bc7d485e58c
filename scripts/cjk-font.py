#!/usr/bin/env python3
"""Makes the small CJK font that native PNG output embeds for Chinese text.

The program draws Chinese strings (figure titles, axis labels, legends, headlines) that plotters renders with
an embedded font, so PNG output needs no system font. A whole CJK font is about 16 MB; this script keeps only
the characters the program can draw:

  * every CJK character in the string sources: all `*.rs` files under src/ (where the per-language string
    tables and the drawing code's bilingual strings live);
  * every other character of a line that contains CJK (Latin letters, digits, Greek, sub- and superscripts,
    math signs) that the font has, and printable ASCII, so that a Chinese label can be drawn with this font
    alone.

It writes assets/fonts/NotoSansCJKsc-Regular-subset.otf (Noto Sans CJK SC Regular, SIL Open Font License 1.1)
and the licence beside it. Run it again whenever Chinese strings change: tests/i18n_font.rs fails while the
committed font lacks a glyph for any CJK character of the string sources.

Needs:
  * Python 3 with fontTools:           python3 -m pip install fonttools
  * the Noto CJK fonts (Debian):       apt-get install fonts-noto-cjk
    (or pass --source PATH to a NotoSansCJK-Regular.ttc / NotoSansCJKsc-Regular.otf from elsewhere)

Usage: python3 scripts/cjk-font.py [--source PATH]
"""

import argparse
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_FONT = ROOT / "assets" / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
OUT_LICENSE = ROOT / "assets" / "fonts" / "NotoSansCJKsc-Regular-subset.LICENSE"
FAMILY = "Noto Sans CJK SC"

SOURCE_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
]
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

# The code points counted as CJK. tests/i18n_font.rs uses the same ranges; keep the two lists equal.
CJK_RANGES = [
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms (，：；（）！？)
]


def is_cjk(ch):
    """Whether a character lies in one of the CJK ranges."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def string_sources():
    """The files whose text the program may draw in Chinese, sorted for a stable result."""
    return sorted((ROOT / "src").rglob("*.rs"))


def wanted_characters():
    """Returns (CJK characters, other characters of Chinese lines) found in the string sources."""
    cjk, other = set(), set()
    for path in string_sources():
        for line in path.read_text(encoding="utf-8").splitlines():
            chars = set(line)
            found = {c for c in chars if is_cjk(c)}
            if found:
                cjk |= found
                other |= {c for c in chars - found if c.isprintable() and not c.isspace()}
    return cjk, other


def need(what, how):
    sys.exit(f"cjk-font: {what} is missing. Install it with:\n    {how}\nthen run this script again.")


def open_source_font(path):
    """Opens the Simplified Chinese face, from a collection (.ttc) or a single font file."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path), recalcTimestamp=False).fonts:
            if font["name"].getDebugName(1) == FAMILY:
                return font
        sys.exit(f"cjk-font: {path} has no face named {FAMILY!r}")
    font = TTFont(str(path), recalcTimestamp=False)
    if font["name"].getDebugName(1) != FAMILY:
        sys.exit(f"cjk-font: {path} is {font['name'].getDebugName(1)!r}, not {FAMILY!r}")
    return font


def licence_text(font):
    """The font's copyright notice followed by the SIL Open Font License 1.1."""
    notice = font["name"].getDebugName(0)
    if DEBIAN_COPYRIGHT.exists():
        lines = DEBIAN_COPYRIGHT.read_text(encoding="utf-8").splitlines()
        start = next(i for i, l in enumerate(lines) if l.startswith("License: SIL-1.1") and i + 1 < len(lines)
                     and lines[i + 1].strip().startswith("---"))
        body = []
        for line in lines[start + 1:]:
            if not line.startswith(" "):
                break
            body.append("" if line.strip() == "." else line[1:])
        ofl = "\n".join(body).strip("\n")
    else:
        ofl = font["name"].getDebugName(13) or ""
        if "OPEN FONT LICENSE" not in ofl.upper():
            sys.exit("cjk-font: cannot find the licence text (install fonts-noto-cjk, which ships it)")
    return (
        f"{FAMILY} Regular, subset to the characters this program draws by scripts/cjk-font.py.\n"
        f"Upstream: Noto CJK fonts (github.com/googlefonts/noto-cjk).\n\n{notice}\n\n"
        f"This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n{ofl}\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="a NotoSansCJK-Regular.ttc or NotoSansCJKsc-Regular.otf")
    args = parser.parse_args()

    try:
        from fontTools import subset
    except ImportError:
        need("the Python package fontTools", "python3 -m pip install fonttools")

    source = args.source or next((Path(p) for p in SOURCE_CANDIDATES if os.path.exists(p)), None)
    if source is None or not source.exists():
        need("the Noto Sans CJK font", "apt-get install fonts-noto-cjk   (or pass --source PATH)")

    cjk, other = wanted_characters()
    font = open_source_font(source)
    cmap = font.getBestCmap()
    missing = sorted(c for c in cjk if ord(c) not in cmap)
    if missing:
        sys.exit(f"cjk-font: {FAMILY} has no glyph for {''.join(missing)!r}")
    ascii_printable = {chr(c) for c in range(0x20, 0x7F)}
    keep = cjk | {c for c in other | ascii_printable if ord(c) in cmap}
    uncovered = sorted(c for c in other if ord(c) not in cmap)

    options = subset.Options()
    options.layout_features = []  # plotters lays text out glyph by glyph: no GSUB/GPOS needed
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in keep))
    subsetter.subset(font)

    OUT_FONT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT_FONT))
    OUT_LICENSE.write_text(licence_text(font), encoding="utf-8")

    data = OUT_FONT.read_bytes()
    rel = OUT_FONT.relative_to(ROOT)
    print(f"cjk-font: {rel}: {len(cjk)} CJK characters, {len(keep) - len(cjk)} others, "
          f"{len(data) / 1024:.1f} KB, sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    if uncovered:
        print(f"cjk-font: not in {FAMILY}, drawn with the Latin font: {''.join(uncovered)}")


if __name__ == "__main__":
    main()
