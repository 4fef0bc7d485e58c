//! Every string the program shows a reader has its Chinese wording.
//!
//! Two checks. The tables (titles, parameter labels and help, preset labels, claim wordings, metric labels and
//! groups) must have Chinese wording that is not the English text left in place: a Chinese entry may keep Latin
//! words only if they are names, symbols or API values (see `allowed`). The figures, rendered in Chinese at
//! their defaults and at every preset, must draw no English word either: every `<text>` of the SVG is read and
//! its Latin words checked the same way. A string added in English only, in a table or in drawing code, fails
//! here. The Chinese golden SVGs (`tests/golden/zh/`) pin one figure per topic. What the page says back about
//! values (clamp notices, malformed values, unknown keys and presets, a panel's own checks, in a control or a link)
//! and the words it shows for text metrics (Lion's engine) are checked the same way.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::i18n::{Lang, T};
use dynamics::panel::Panel;
use dynamics::panels;
use dynamics::params::{Kind, ParamSpec};
use dynamics::plot::Theme;
use dynamics::render;
use dynamics::runner::Runner;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Latin words a Chinese string may keep: names of methods, models and people, abbreviations, function names
/// in formulas, and the terms `docs/zh-glossary.md` keeps in English.
const NAMES: &[&str] = &[
    "SimSiam",
    "BYOL",
    "EMA",
    "GAN",
    "WGAN",
    "Dirac",
    "IGN",
    "Hopf",
    "Wasserstein",
    "Jacobian",
    "InfoNCE",
    "FlatNCE",
    "Lion",
    "Tiger",
    "Adam",
    "AdamW",
    "SGD",
    "Zipf",
    "GradTopK",
    "ThreTopK",
    "RMS",
    "GPU",
    "TaiLr",
    "AUROC",
    "BCE",
    "Top",
    "Softmax",
    "softmax",
    "sigmoid",
    "DP",
    "NaN",
    "ulp",
    "ulps",
    "tuning",
    "Embedding",
    "token",
    "prompt",
    "logits",
    "logit",
    "onehot",
    "one",
    "hot",
    "cos",
    "log",
    "exp",
    "tanh",
    "clip",
    "max",
    "min",
    "round",
    "diag",
    "det",
    "Var",
    "Re",
    "Im",
    "sgn",
    "sign",
    "float",
    "Sigmoid",
    "rec",
    "idem",
    "tight",
    "rms",
    "row",
    "Su",
    "LM",
    "CE",
    "inf",
];

/// Whether a Latin word may stay in a Chinese string of `panel`: a name, a parameter key, a choice value or a
/// metric name of the panel (these are API and are quoted as they are), or a single letter or symbol.
fn allowed(word: &str, panel: &dyn Panel) -> bool {
    // Short words, names, and runs of capitals (matrix products such as WXW, abbreviations) are symbols.
    let capitals = word.len() <= 4 && word.chars().all(|c| c.is_ascii_uppercase());
    if word.chars().count() < 3 || capitals || NAMES.contains(&word) {
        return true;
    }
    let api = panel.params().iter().flat_map(|s| {
        let choices: Vec<&str> = match s.kind {
            dynamics::params::Kind::Choice { choices, .. } => choices.to_vec(),
            _ => Vec::new(),
        };
        std::iter::once(s.key).chain(choices)
    });
    api.chain(panel.metric_names().iter().copied()).any(|k| k == word || k.split(['-', '_']).any(|part| part == word))
}

/// The Latin words (runs of ASCII letters) of a string.
fn latin_words(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).collect()
}

/// Whether a string has a CJK character (so it has actually been worded in Chinese).
fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c))
}

/// Every table string of a panel, with where it comes from.
fn table_strings(p: &dyn Panel) -> Vec<(String, T)> {
    let mut out = vec![("title".to_string(), p.title())];
    for s in p.params() {
        out.push((format!("param {} label", s.key), s.label));
        out.push((format!("param {} help", s.key), s.help));
    }
    for pr in p.presets() {
        out.push((format!("preset {} label", pr.id), pr.label));
        if let Some(c) = pr.claim {
            out.push((format!("preset {} watch", pr.id), c.watch));
        }
    }
    for m in p.metrics_info() {
        out.push((format!("metric {} label", m.key), m.label));
        out.push((format!("metric {} group", m.key), m.group));
        for (value, words) in m.values {
            out.push((format!("metric {} value '{value}'", m.key), *words));
        }
    }
    out
}

#[test]
fn every_table_string_has_chinese_wording() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for p in panels::all() {
        for (what, s) in table_strings(p) {
            checked += 1;
            let english: Vec<&str> = latin_words(s.en).into_iter().filter(|w| !allowed(w, p)).collect();
            if s.zh.trim().is_empty() {
                problems.push(format!("{} {what}: no Chinese wording", p.id()));
            } else if !english.is_empty() && !has_cjk(s.zh) {
                problems.push(format!("{} {what}: '{}' is not worded in Chinese", p.id(), s.zh));
            }
            let left: Vec<&str> = latin_words(s.zh).into_iter().filter(|w| !allowed(w, p)).collect();
            if !left.is_empty() {
                problems.push(format!("{} {what}: English left in '{}': {left:?}", p.id(), s.zh));
            }
        }
    }
    assert!(checked > 400, "only {checked} strings found: the walk over the tables is broken");
    assert!(problems.is_empty(), "{} strings lack Chinese wording:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_chinese_registry_changes_words_only() {
    // Keys, names, values and numbers are the same in both languages; only labels, help and titles differ.
    let (en, zh) = (panels::list_json(Lang::En), panels::list_json(Lang::Zh));
    fn strip(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let words = ["title", "label", "help", "watch", "group"].contains(&k.as_str()) && v.is_string();
                        // A text metric's `values`: the values (keys) are API, the words shown for them are not.
                        if k == "values" && v.is_object() {
                            let keys = v.as_object().unwrap().keys().map(|k| (k.clone(), serde_json::Value::Null));
                            return (k.clone(), serde_json::Value::Object(keys.collect()));
                        }
                        (k.clone(), if words { serde_json::Value::Null } else { strip(v) })
                    })
                    .collect(),
            ),
            serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    assert_eq!(strip(&en), strip(&zh));
    assert_ne!(en, zh);
    // Parameter groups ("main"/"more") are API for the shell and stay in English.
    assert_eq!(zh["panels"][0]["params"][0]["group"], "main");
}

/// The words drawn in a figure: the text of every `<text>` element of an SVG.
fn drawn_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let Some(open_end) = rest.find('>') else { break };
        let Some(close) = rest.find("</text>") else { break };
        let text = rest[open_end + 1..close]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        if !text.trim().is_empty() {
            out.push(text);
        }
        rest = &rest[close..];
    }
    out
}

/// Renders a run in Chinese at the page's desktop width and returns the words it draws.
fn chinese_texts(r: &Runner) -> Vec<String> {
    let (wide, _) = r.panel().aspect();
    let svg = render::svg(r, 944, (944.0 * wide).round() as u32, &Theme::light(1.0).with_lang(Lang::Zh))
        .unwrap_or_else(|e| panic!("{}: {e}", r.panel().id()));
    drawn_texts(&svg)
}

/// The runs a figure is checked at: its defaults and every preset, each at its golden step count.
fn runs(p: &'static dyn Panel) -> Vec<(String, Runner)> {
    let mut out = Vec::new();
    let mut r = Runner::with_defaults(p);
    r.step(p.golden_steps());
    out.push(("defaults".to_string(), r));
    for pr in p.presets() {
        let params = pr.params(p.params()).expect("presets are valid");
        let mut r = Runner::new(p, params, pr.seed_or_default());
        r.step(p.golden_steps());
        out.push((format!("preset {}", pr.id), r));
    }
    out
}

/// English words each figure draws in Chinese, by panel id.
fn english_drawn() -> BTreeMap<&'static str, BTreeSet<String>> {
    render::ensure_fonts();
    let mut out = BTreeMap::new();
    for p in panels::all() {
        let mut words = BTreeSet::new();
        for (run, r) in runs(p) {
            for text in chinese_texts(&r) {
                for w in latin_words(&text).into_iter().filter(|w| !allowed(w, p)) {
                    words.insert(format!("{w} (in '{text}', {run})"));
                }
            }
        }
        out.insert(p.id(), words);
    }
    out
}

#[test]
fn chinese_figures_draw_no_english_words() {
    let found = english_drawn();
    let problems: Vec<String> = found
        .iter()
        .filter(|(_, words)| !words.is_empty())
        .map(|(id, words)| format!("{id}: {}", words.iter().take(12).cloned().collect::<Vec<_>>().join("; ")))
        .collect();
    assert!(problems.is_empty(), "Chinese figures still draw English:\n{}", problems.join("\n"));
}

#[test]
fn the_english_figures_are_untouched_by_the_language_switch() {
    // A theme without a language is English: the English SVG of a run is the same with `Lang::En` set.
    for p in panels::all() {
        let mut r = Runner::with_defaults(p);
        r.step(p.golden_steps() / 2);
        let a = render::svg(&r, 600, 400, &Theme::light(1.0)).unwrap();
        let b = render::svg(&r, 600, 400, &Theme::light(1.0).with_lang(Lang::En)).unwrap();
        assert_eq!(a, b, "{}", p.id());
    }
}

/// One panel per topic, whose Chinese figure is kept as a golden SVG.
const ZH_GOLDENS: [&str; 8] =
    ["simsiam-toy", "simsiam-linear", "dirac-gan", "topk", "flatnce-fp", "lion-embedding", "multitask", "tailr-single"];

#[test]
fn chinese_golden_svgs() {
    render::ensure_fonts();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/zh");
    let bless = std::env::var("BLESS").is_ok();
    let mut missing = Vec::new();
    for id in ZH_GOLDENS {
        let p = panels::find(id).unwrap_or_else(|| panic!("no panel {id}"));
        let mut r = Runner::with_defaults(p);
        r.step(p.golden_steps());
        let (wide, _) = p.aspect();
        let svg = render::svg(&r, 800, (800.0 * wide).round() as u32, &Theme::light(1.0).with_lang(Lang::Zh))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let path = dir.join(format!("{id}.svg"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &svg).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) => assert!(want == svg, "{id}: the Chinese figure changed; look at it and BLESS=1 if intended"),
            Err(_) => missing.push(id),
        }
    }
    assert!(missing.is_empty(), "no Chinese golden for {missing:?}; run BLESS=1 cargo test --test i18n");
}

/// Links that reach every notice the hash decoder words itself or takes from the parameter parser, each with the
/// English wording it must not keep in Chinese.
fn bad_links() -> Vec<(String, &'static str)> {
    let long = format!("#simsiam-toy.seed=1&{}", "x".repeat(dynamics::hash::MAX_HASH_LEN + 10));
    let many = format!("#{}", vec!["simsiam-toy.seed=1"; dynamics::hash::MAX_ENTRIES + 1].join("&"));
    vec![
        (long, "longer than"),
        (many, "settings in the link"),
        ("#nothing".to_string(), "expected"),
        ("#%ff=1".to_string(), "not valid text"),
        ("#nodot=1".to_string(), "expected"),
        ("#no-such-figure.seed=1".to_string(), "no figure"),
        ("#simsiam-toy.seed=%ff".to_string(), "not valid text"),
        ("#simsiam-toy.seed=abc".to_string(), "whole number"),
        ("#simsiam-toy.seed=-1".to_string(), "outside"),
        ("#simsiam-toy.step=99999999999".to_string(), "replays at most"),
        ("#topk.step=5".to_string(), "does not replay steps"),
        ("#simsiam-toy.step=x".to_string(), "whole number of steps"),
        ("#simsiam-toy.preset=no-such-preset".to_string(), "has no preset"),
        ("#simsiam-toy.seed=1&simsiam-toy.seed=2".to_string(), "more than once"),
        ("#simsiam-toy.no_such_key=1".to_string(), "unknown parameter"),
        ("#simsiam-toy.alpha=1e9".to_string(), "outside"),
        ("#simsiam-toy.alpha=x".to_string(), "expects"),
    ]
}

#[test]
fn hash_notices_have_chinese_wording() {
    let all = panels::all();
    for (link, english) in bad_links() {
        // The long links are shown by their start only.
        let shown = &link[..link.len().min(60)];
        let en = dynamics::hash::decode_in(&link, &all, Lang::En);
        let zh = dynamics::hash::decode_in(&link, &all, Lang::Zh);
        assert!(!en.notices.is_empty(), "{shown}: no notice");
        assert_eq!(en.notices, dynamics::hash::decode(&link, &all).notices, "{shown}: English changed");
        assert_eq!(en.entries, zh.entries, "{shown}: the language changed what was accepted");
        assert_eq!(en.notices.len(), zh.notices.len(), "{shown}");
        assert!(en.notices.iter().any(|n| english.is_empty() || n.contains(english)), "{shown}: {:?}", en.notices);
        for (e, z) in en.notices.iter().zip(&zh.notices) {
            assert!(has_cjk(z) && z != e, "{shown}: notice without Chinese wording: {z}");
            if !english.is_empty() {
                assert!(!z.contains(english), "{shown}: English left in the Chinese notice: {z}");
            }
        }
    }
}

/// The Latin words of a message about a parameter of `p` that are neither allowed in a Chinese string nor the
/// value syntax (`true`, `false`), once the API names it quotes are taken out: the panel's id, parameter keys,
/// choice values, preset ids, the `preset`, `seed` and `step` keys, and the `typed` names of the test.
fn english_left(msg: &str, p: &dyn Panel, typed: &[&str]) -> Vec<String> {
    let mut names: Vec<&str> = vec![p.id(), "preset", "seed", "step"];
    for spec in p.params() {
        names.push(spec.key);
        if let Kind::Choice { choices, .. } = spec.kind {
            names.extend(choices.iter().copied());
        }
    }
    names.extend(p.presets().iter().map(|pr| pr.id));
    names.extend(typed.iter().copied().filter(|t| !t.is_empty()));
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut rest = msg.to_string();
    for n in names {
        rest = rest.replace(n, " ");
    }
    latin_words(&rest)
        .into_iter()
        .filter(|w| !allowed(w, p) && !["true", "false"].contains(w))
        .map(String::from)
        .collect()
}

/// Texts a reader may type that a parameter does not accept as they stand: malformed, out of range both ways,
/// lists too short, too long or with an entry out of range. They are made of digits, signs and commas only,
/// so that every Latin word of a message comes from its wording.
fn bad_texts(spec: &ParamSpec) -> Vec<String> {
    use dynamics::params::fmt_f64;
    match spec.kind {
        Kind::Float { min, max, .. } => {
            vec!["1..2".into(), String::new(), fmt_f64(min - (max - min) - 1.0), fmt_f64(max + (max - min) + 1.0)]
        }
        Kind::Int { min, max, .. } => {
            vec!["1.5".into(), format!("{}", min - 1), format!("{}", max + 1), "9".repeat(30), "-".into()]
        }
        Kind::Choice { .. } => vec!["7".into(), String::new()],
        Kind::Bool { .. } => vec!["2".into()],
        Kind::List { max, min_len, max_len, .. } => {
            let mut out = vec![
                "1,,2".into(),
                vec!["0"; max_len + 1].join(","),
                vec![fmt_f64(max * 2.0 + 1.0); min_len.max(2)].join(","),
            ];
            if min_len > 1 {
                out.push("0".into());
            }
            out
        }
    }
}

/// Checks that a message shown on the Chinese page is worded in Chinese: it has CJK characters, differs from the
/// English wording, and keeps no English word.
fn check_chinese(problems: &mut Vec<String>, what: &str, zh: &str, en: &str, p: &dyn Panel) {
    let left = english_left(zh, p, &["no_such_key", "no-such-preset"]);
    if !has_cjk(zh) || zh == en || !left.is_empty() {
        problems.push(format!("{what}: '{zh}' (English '{en}'), English words {left:?}"));
    }
}

#[test]
fn messages_about_values_the_page_sets_are_chinese() {
    // What the page shows when a control, a link or a preset sets a value: the clamp notice of an out-of-range
    // value, the error of a malformed one, a panel's own cross-parameter check, an unknown key or preset.
    let all = panels::all();
    let mut problems = Vec::new();
    let mut checked = 0;
    for p in panels::all() {
        for spec in p.params() {
            for text in bad_texts(spec) {
                let what = format!("{} {}={text:?}", p.id(), spec.key);
                let (mut en_run, mut zh_run) = (Runner::with_defaults(p), Runner::with_defaults(p));
                let en = en_run.set_param(spec.key, &text);
                let zh = zh_run.set_param_in(spec.key, &text, Lang::Zh);
                // The language changes the wording only: the same values are accepted, clamped or refused.
                assert_eq!(en_run.params(), zh_run.params(), "{what}");
                let (en, zh) = match (en, zh) {
                    (Ok(Some(e)), Ok(Some(z))) => (e, z),
                    (Err(e), Err(z)) => (e.0, z.0),
                    (en, zh) => panic!("{what}: accepted as it stands or differently by language: {en:?} / {zh:?}"),
                };
                checked += 1;
                check_chinese(&mut problems, &what, &zh, &en, p);
                // The same value in a link: the notice wraps the parser's message.
                let link = format!("#{}.{}={text}", p.id(), spec.key);
                let (en_d, zh_d) = (
                    dynamics::hash::decode_in(&link, &all, Lang::En),
                    dynamics::hash::decode_in(&link, &all, Lang::Zh),
                );
                for (e, z) in en_d.notices.iter().zip(&zh_d.notices) {
                    check_chinese(&mut problems, &format!("link {link}"), z, e, p);
                }
            }
        }
        let mut r = Runner::with_defaults(p);
        let en = Runner::with_defaults(p).set_param("no_such_key", "1").unwrap_err().0;
        let zh = r.set_param_in("no_such_key", "1", Lang::Zh).unwrap_err().0;
        check_chinese(&mut problems, &format!("{} unknown key", p.id()), &zh, &en, p);
        let link = format!("#{}.preset=no-such-preset", p.id());
        let (en_d, zh_d) =
            (dynamics::hash::decode_in(&link, &all, Lang::En), dynamics::hash::decode_in(&link, &all, Lang::Zh));
        assert_eq!(zh_d.notices.len(), 1, "{link}");
        check_chinese(&mut problems, &link, &zh_d.notices[0], &en_d.notices[0], p);
    }
    assert!(checked > 300, "only {checked} messages checked: the walk over the tables is broken");
    // A list Top-k cannot use: one score (the table allows it; the panel's own check refuses it).
    let topk = panels::find("topk").unwrap();
    let en = Runner::with_defaults(topk).set_param("x", "5").unwrap_err().0;
    let zh = Runner::with_defaults(topk).set_param_in("x", "5", Lang::Zh).unwrap_err().0;
    assert!(en.contains("at least 2"), "{en}");
    check_chinese(&mut problems, "topk x=5 (check_params)", &zh, &en, topk);
    assert!(problems.is_empty(), "{} messages lack Chinese wording:\n{}", problems.len(), problems.join("\n"));
}

/// Settings of the Lion/Tiger figure that run its per-step engine, one per reason it gives that the table's ranges
/// reach (the reason "α·max(1, λ·max|θ₀|) > 1" needs λ·max|θ₀| > 20 with α ≤ 0.05, beyond the ranges; AdamW's
/// "lr·λ > 1" is worded as Tiger's).
const PER_STEP_SETTINGS: &[&[(&str, &str)]] = &[
    &[("catchup", "per-step")],
    &[("wd", "0")],
    &[("lr", "0.1")],
    &[("lr_rule", "constant"), ("lr", "10"), ("wd", "1")],
    &[("optimizer", "adamw"), ("beta1", "0.99"), ("beta2", "0.9")],
];

#[test]
fn lion_engine_readouts_have_chinese_display_words_and_the_figure_draws_no_english() {
    // `engine` and `engine_reason` are text metrics: their values are API (English in JSON and CSV); the page
    // shows the wording the metric table gives for each value, in the page's language.
    let p = panels::find("lion-embedding").unwrap();
    let words = |key: &str| p.metrics_info().iter().find(|m| m.key == key).map(|m| m.values).unwrap_or(&[]);
    let shown = |key: &str, value: &str| words(key).iter().find(|(v, _)| *v == value).map(|(_, t)| *t);
    let info = serde_json::to_value(panels::list_json(Lang::Zh)).unwrap();
    let lion = info["panels"].as_array().unwrap().iter().find(|x| x["id"] == p.id()).unwrap().clone();
    let json_words = |key: &str, value: &str| {
        let m = lion["metrics_info"].as_array().unwrap().iter().find(|m| m["key"] == key).unwrap().clone();
        m["values"][value].as_str().map(String::from)
    };
    let mut reasons = BTreeSet::new();
    let mut problems = Vec::new();
    let mut runs: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    runs.extend(PER_STEP_SETTINGS.iter().map(|s| s.to_vec()));
    for setting in runs {
        let mut r = Runner::with_defaults(p);
        for (k, v) in &setting {
            r.set_param(k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
        }
        r.step(3);
        let m = r.metrics_json();
        let engine = m["engine"].as_str().unwrap().to_string();
        assert_eq!(engine, if setting.is_empty() { "closed-form" } else { "per-step" }, "{setting:?}");
        let mut values = vec![("engine", engine)];
        if let Some(why) = m["engine_reason"].as_str() {
            assert!(reasons.insert(why.to_string()), "{setting:?}: reason '{why}' seen twice");
            values.push(("engine_reason", why.to_string()));
        } else {
            assert!(setting.is_empty(), "{setting:?}: no reason given for the per-step engine");
        }
        for (key, value) in values {
            match shown(key, &value) {
                None => problems.push(format!("{key}='{value}': no display wording")),
                Some(t) => {
                    assert_eq!(t.en, value, "{key}: the English wording is the value itself");
                    assert_eq!(json_words(key, &value).as_deref(), Some(t.zh), "{key}='{value}' in the Chinese table");
                    check_chinese(&mut problems, &format!("{key}='{value}'"), t.zh, t.en, p);
                }
            }
        }
        for text in chinese_texts(&r) {
            let left = english_left(&text, p, &[]);
            if !left.is_empty() {
                problems.push(format!("{setting:?}: the figure draws '{text}' ({left:?})"));
            }
        }
    }
    assert_eq!(reasons.len(), PER_STEP_SETTINGS.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn chinese_figures_at_the_ends_of_their_ranges_draw_no_english() {
    // Every real parameter at its smallest, then at its largest value: the settings that make runs diverge,
    // clamp, switch engines or draw warnings. Whole numbers keep their defaults (their ends only resize a run).
    render::ensure_fonts();
    let mut problems = Vec::new();
    for p in panels::all() {
        for end in ["min", "max"] {
            let mut r = Runner::with_defaults(p);
            for spec in p.params() {
                if let Kind::Float { min, max, .. } = spec.kind {
                    let v = if end == "min" { min } else { max };
                    // A combination a panel refuses is skipped like a reader's refused input.
                    let _ = r.set_param(spec.key, &dynamics::params::fmt_f64(v));
                }
            }
            r.step(p.golden_steps().min(300));
            for text in chinese_texts(&r) {
                let left = english_left(&text, p, &[]);
                if !left.is_empty() {
                    problems.push(format!("{} at {end}: '{text}' ({left:?})", p.id()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Top-k replays no steps (its τ is a setting): a link with a step opens at step 0 and says so, rather than
/// "replays at most 0 steps, so it opens paused at step 0".
#[test]
fn a_step_in_a_link_to_a_panel_that_replays_none_opens_at_step_0() {
    let all = panels::all();
    let d = dynamics::hash::decode_in("#topk.step=5", &all, Lang::En);
    assert_eq!(d.notices.len(), 1, "{:?}", d.notices);
    assert!(!d.notices[0].contains("at most 0"), "{}", d.notices[0]);
    let step = d.entries.iter().find(|e| e.key == "step").map(|e| e.value.clone());
    assert_eq!(step.as_deref(), Some("0"), "{:?}", d.entries);
}
