//! The URL hash codec: a stable, shareable encoding of every panel's non-default settings.
//!
//! Format (an API boundary; shared links depend on it): `#` followed by `&`-separated entries
//! `panel-id.key=value`, where `key` is a parameter key of that panel, `seed`, or `step` (the figure opens
//! paused at that step, see [`STEP_KEY`]), and `value` uses the
//! shared text syntax of [`crate::params`], percent-encoded where needed. Only non-default values are
//! written. Decoding is forgiving: unknown panels and keys are ignored, malformed values are dropped and
//! out-of-range values clamped, a key given twice keeps its last value, and every such case yields a
//! human-readable notice, with control characters in echoed text escaped. The key `preset` names one of
//! the panel's presets (`#topk.preset=su-exceeds-1`) and decodes into that preset's complete setting. Nothing
//! decoded here is ever meant to be inserted as HTML; notices are plain text.

use crate::i18n::Lang;
use crate::panel::Panel;
use crate::params::ParamValues;
use crate::runner::MAX_SEED;
use crate::tr;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Hashes longer than this many bytes are cut off with a notice.
pub const MAX_HASH_LEN: usize = 16 * 1024;
/// At most this many entries are read.
pub const MAX_ENTRIES: usize = 512;

/// Characters left unescaped in values: unreserved characters plus `,` (list separator), `+` and `.`.
const VALUE_SET: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b',').remove(b'+');

/// One accepted entry of a decoded hash, with its value in canonical text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The panel id.
    pub panel: &'static str,
    /// The parameter key, or `seed`.
    pub key: String,
    /// The canonical value text (already clamped into range).
    pub value: String,
}

/// The result of decoding a hash: the accepted entries (last one wins per key) and the notices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// Accepted entries in the order they appeared, without duplicates.
    pub entries: Vec<Entry>,
    /// Plain-text notices about what was ignored or clamped, and why.
    pub notices: Vec<String>,
}

/// Shortens user text for a notice, so a hostile hash cannot flood the page.
fn short(s: &str) -> String {
    escape_for_message(s, 40)
}

/// Shows user text inside a one-line message: control characters and the invisible characters that reorder
/// text (bidirectional marks and overrides) are written as escapes such as `\n` or `\u{1b}` rather than
/// dropped, so the reader sees exactly what was given and the message can neither break its line nor restyle
/// a terminal; text longer than `max` characters is cut with `…`.
pub fn escape_for_message(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// Appends `c` to `out`, escaped as [`escape_for_message`] does.
pub fn push_escaped(out: &mut String, c: char) {
    let reorders =
        matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if c.is_control() || reorders {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

/// Decodes a hash (with or without the leading `#`) against the registered panels, with English notices.
pub fn decode(hash: &str, panels: &[&'static dyn Panel]) -> Decoded {
    decode_in(hash, panels, Lang::En)
}

/// Decodes a hash like [`decode`], with the notices worded in `lang` (the parameter parser's messages inside them
/// too). Keys, values and numbers quoted in a notice stay as typed.
pub fn decode_in(hash: &str, panels: &[&'static dyn Panel], lang: Lang) -> Decoded {
    let mut out = Decoded::default();
    // The (panel, key) pairs typed so far, to report a key given twice.
    let mut typed: Vec<(&str, String)> = Vec::new();
    let mut h = hash.strip_prefix('#').unwrap_or(hash);
    if h.len() > MAX_HASH_LEN {
        let mut cut = MAX_HASH_LEN;
        while !h.is_char_boundary(cut) {
            cut -= 1;
        }
        h = &h[..cut];
        out.notices.push(tr!(
            lang,
            "the link is longer than {MAX_HASH_LEN} characters; the rest was ignored",
            "链接超过 {MAX_HASH_LEN} 个字符，超出部分已忽略"
        ));
    }
    for (n, part) in h.split('&').enumerate() {
        if part.is_empty() {
            continue;
        }
        if n >= MAX_ENTRIES {
            out.notices.push(tr!(
                lang,
                "more than {MAX_ENTRIES} settings in the link; the rest were ignored",
                "链接中的设置超过 {MAX_ENTRIES} 项，其余已忽略"
            ));
            break;
        }
        let Some((name, raw)) = part.split_once('=') else {
            out.notices.push(tr!(
                lang,
                "ignored '{}': expected panel.key=value",
                "已忽略“{}”：格式应为 panel.key=value",
                short(part)
            ));
            continue;
        };
        let name = match percent_decode_str(name).decode_utf8() {
            Ok(s) => s.into_owned(),
            Err(_) => {
                out.notices.push(tr!(lang, "ignored '{}': not valid text", "已忽略“{}”：不是有效文本", short(name)));
                continue;
            }
        };
        let Some((pid, key)) = name.split_once('.') else {
            out.notices.push(tr!(
                lang,
                "ignored '{}': expected panel.key=value",
                "已忽略“{}”：格式应为 panel.key=value",
                short(&name)
            ));
            continue;
        };
        let Some(panel) = panels.iter().find(|p| p.id() == pid) else {
            out.notices.push(tr!(
                lang,
                "ignored '{}': no figure called '{}'",
                "已忽略“{}”：没有名为“{}”的图",
                short(&name),
                short(pid)
            ));
            continue;
        };
        let value = match percent_decode_str(raw).decode_utf8() {
            Ok(s) => s.into_owned(),
            Err(_) => {
                out.notices.push(tr!(
                    lang,
                    "ignored {}: the value is not valid text",
                    "已忽略 {}：取值不是有效文本",
                    short(&name)
                ));
                continue;
            }
        };
        if key == "preset" {
            typed.retain(|(p, _)| *p != panel.id());
            out.notices.extend(expand_preset(*panel, &value, &mut out.entries, lang));
            continue;
        }
        let canonical = if key == "seed" {
            match parse_seed(&value) {
                Ok(s) => s.to_string(),
                Err(SeedError::Malformed) => {
                    out.notices.push(tr!(
                        lang,
                        "ignored {}.seed: '{}' is not a whole number in [0, {MAX_SEED}]",
                        "已忽略 {}.seed：“{}”不是 [0, {MAX_SEED}] 内的整数",
                        pid,
                        short(&value)
                    ));
                    continue;
                }
                Err(SeedError::OutOfRange(c)) => {
                    out.notices.push(tr!(
                        lang,
                        "{}.seed '{}' is outside [0, {MAX_SEED}]; using {c}",
                        "{}.seed “{}”超出 [0, {MAX_SEED}]，已改用 {c}",
                        pid,
                        short(&value)
                    ));
                    c.to_string()
                }
            }
        } else if key == STEP_KEY {
            match parse_step(&value) {
                Some(s) if s <= panel.replay_limit() => s.to_string(),
                Some(_) if panel.replay_limit() == 0 => {
                    // A panel whose settings alone state its picture (Top-k: τ is a setting) replays no steps.
                    out.notices.push(tr!(
                        lang,
                        "{pid}.step={}: this figure does not replay steps; it opens at step 0 with the settings given",
                        "{pid}.step={}：此图不重放步骤，按所给设置从第 0 步打开",
                        short(&value)
                    ));
                    "0".to_string()
                }
                Some(_) => {
                    let limit = panel.replay_limit();
                    out.notices.push(tr!(
                        lang,
                        "{pid}.step={}: this figure replays at most {limit} steps, so it opens paused at step {limit}",
                        "{pid}.step={}：此图最多重放 {limit} 步，因此打开时暂停在第 {limit} 步",
                        short(&value)
                    ));
                    limit.to_string()
                }
                None => {
                    out.notices.push(tr!(
                        lang,
                        "ignored {pid}.step: '{}' is not a whole number of steps",
                        "已忽略 {pid}.step：“{}”不是整数步数",
                        short(&value)
                    ));
                    continue;
                }
            }
        } else {
            let mut scratch = ParamValues::defaults(panel.params());
            match scratch.set_lenient_in(key, &value, lang) {
                Ok(None) => scratch.text(key).unwrap_or_default(),
                Ok(Some(notice)) => {
                    out.notices.push(tr!(lang, "{}: {}", "{}：{}", pid, escape_for_message(&notice, 300)));
                    scratch.text(key).unwrap_or_default()
                }
                Err(e) => {
                    out.notices.push(tr!(
                        lang,
                        "ignored {}.{}: {}",
                        "已忽略 {}.{}：{}",
                        pid,
                        short(key),
                        escape_for_message(&e.0, 300)
                    ));
                    continue;
                }
            }
        };
        // Only keys typed twice are reported: a key that overrides a value of an earlier `preset` is meant.
        if typed.contains(&(panel.id(), key.to_string())) {
            out.notices.push(tr!(
                lang,
                "{}.{} appears more than once in the link; the last value was used",
                "{}.{} 在链接中出现了不止一次，已采用最后一个值",
                pid,
                short(key)
            ));
        }
        typed.push((panel.id(), key.to_string()));
        out.entries.retain(|e| !(e.panel == panel.id() && e.key == key));
        out.entries.push(Entry { panel: panel.id(), key: key.to_string(), value: canonical });
    }
    out
}

/// The key of the step count: `<panel>.step=N` opens that figure paused at step N, replayed from step 0. Values
/// past the panel's [`Panel::replay_limit`] are clamped to it with a notice.
pub const STEP_KEY: &str = "step";

/// Parses a step count: a whole number written with decimal digits only (any size; larger than `u64` saturates).
pub fn parse_step(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || digits.len() > 40 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

/// Expands `panel.preset=id` into the preset's complete setting: every earlier entry of the panel is
/// dropped (a preset states the whole setting, so keys it does not list return to their defaults) and the
/// preset's non-default values and seed take their place. Later entries in the same hash still override it.
/// Returns a notice for an unknown id.
fn expand_preset(panel: &'static dyn Panel, id: &str, entries: &mut Vec<Entry>, lang: Lang) -> Option<String> {
    let Some(preset) = crate::panel::find_preset(panel, id) else {
        return Some(tr!(
            lang,
            "ignored {}.preset: {}",
            "已忽略 {}.preset：{}",
            panel.id(),
            crate::runner::unknown_preset_in(panel, id, lang)
        ));
    };
    let params = match preset.params(panel.params()) {
        Ok(p) => p,
        Err(e) => return Some(tr!(lang, "ignored {}.preset: {e}", "已忽略 {}.preset：{e}", panel.id())),
    };
    entries.retain(|e| e.panel != panel.id());
    for spec in panel.params() {
        if !params.is_default(spec.key) {
            let value = params.text(spec.key).unwrap_or_default();
            entries.push(Entry { panel: panel.id(), key: spec.key.to_string(), value });
        }
    }
    let seed = preset.seed_or_default();
    if seed != crate::runner::DEFAULT_SEED {
        entries.push(Entry { panel: panel.id(), key: "seed".to_string(), value: seed.to_string() });
    }
    None
}

/// Why a seed text was not accepted as it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedError {
    /// Not a whole number.
    Malformed,
    /// A whole number outside `[0, MAX_SEED]`; carries the clamped seed.
    OutOfRange(u64),
}

/// Parses a seed: a whole number in `[0, MAX_SEED]`.
pub fn parse_seed(text: &str) -> Result<u64, SeedError> {
    if text.is_empty() || text.len() > 40 {
        return Err(SeedError::Malformed);
    }
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SeedError::Malformed);
    }
    if neg {
        return if digits.bytes().all(|b| b == b'0') { Ok(0) } else { Err(SeedError::OutOfRange(0)) };
    }
    match digits.parse::<u64>() {
        Ok(v) if v <= MAX_SEED => Ok(v),
        _ => Err(SeedError::OutOfRange(MAX_SEED)),
    }
}

/// Encodes `(panel id, key, canonical value)` triples as a hash string starting with `#`, or `""` if empty.
pub fn encode<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) -> String {
    let parts: Vec<String> =
        entries.into_iter().map(|(p, k, v)| format!("{p}.{k}={}", utf8_percent_encode(v, VALUE_SET))).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("#{}", parts.join("&"))
    }
}

#[cfg(test)]
mod step_tests {
    use super::*;
    use crate::panels;

    /// `step` decodes like `seed`: whole numbers only, past the replay limit clamped with a notice naming it.
    #[test]
    fn step_entries_decode_clamp_and_reject() {
        let toy = panels::find("simsiam-toy").unwrap();
        let limit = toy.replay_limit();
        let d = decode("#simsiam-toy.step=300&simsiam-toy.alpha=4", &panels::all());
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        assert_eq!(d.entries[0], Entry { panel: "simsiam-toy", key: "step".into(), value: "300".into() });

        let d = decode(&format!("#simsiam-toy.step={}", limit + 1), &panels::all());
        assert_eq!(d.entries[0].value, limit.to_string());
        assert!(d.notices[0].contains(&limit.to_string()) && d.notices[0].contains("step"), "{:?}", d.notices);

        let d = decode("#simsiam-toy.step=99999999999999999999999", &panels::all());
        assert_eq!(d.entries[0].value, limit.to_string());

        for bad in ["-3", "1.5", "1e3", "", "x"] {
            let d = decode(&format!("#simsiam-toy.step={bad}"), &panels::all());
            assert!(d.entries.is_empty(), "{bad}");
            assert!(d.notices[0].contains("simsiam-toy.step"), "{bad}: {:?}", d.notices);
        }
        assert_eq!(encode([("simsiam-toy", "step", "300")]), "#simsiam-toy.step=300");
    }
}
