//! Property tests for the parameter tables, the URL hash codec and the command-line parser:
//! arbitrary input never panics, values always end inside their ranges, and encodings round-trip.
#![cfg(not(target_arch = "wasm32"))]

use dynamics::cli;
use dynamics::hash;
use dynamics::panels;
use dynamics::params::{Kind, ParamSpec, ParamValues, Value};
use proptest::prelude::*;

/// A value text that is valid for `spec` (drawn from its range, in canonical form).
fn valid_text(spec: &'static ParamSpec) -> BoxedStrategy<String> {
    match spec.kind {
        Kind::Float { min, max, .. } => (min..=max).prop_map(move |v| spec.format(&Value::Float(v))).boxed(),
        Kind::Int { min, max, .. } => (min..=max).prop_map(move |v| spec.format(&Value::Int(v))).boxed(),
        Kind::Choice { choices, .. } => (0..choices.len()).prop_map(move |i| choices[i].to_string()).boxed(),
        Kind::Bool { .. } => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        Kind::List { min, max, min_len, max_len, .. } => proptest::collection::vec(min..=max, min_len..=max_len)
            .prop_map(move |v| spec.format(&Value::List(v)))
            .boxed(),
    }
}

/// Every `(panel index, spec index)` pair in the registry.
fn any_spec() -> impl Strategy<Value = (usize, usize)> {
    let pairs: Vec<(usize, usize)> =
        panels::all().iter().enumerate().flat_map(|(i, p)| (0..p.params().len()).map(move |j| (i, j))).collect();
    proptest::sample::select(pairs)
}

fn spec_at(i: usize, j: usize) -> &'static ParamSpec {
    &panels::all()[i].params()[j]
}

/// Strings that look like the inputs people and tools actually produce, plus arbitrary junk.
fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+0-9.eE,]{0,12}",
        "(true|false|sg|full|nan|inf|-inf|1e999|-0|0x10| 1|1 )",
        "[a-z0-9_.=&%#-]{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsing_any_text_never_panics_and_stays_in_range((i, j) in any_spec(), text in junk()) {
        let spec = spec_at(i, j);
        let mut v = ParamValues::defaults(panels::all()[i].params());
        let _ = spec.parse(&text);
        let _ = v.set_lenient(spec.key, &text);
        prop_assert!(v.all_in_range());
        let mut s = ParamValues::defaults(panels::all()[i].params());
        let ok = s.set_strict(spec.key, &text).is_ok();
        prop_assert!(s.all_in_range());
        if ok {
            // Strictly accepted text must be reproduced exactly by its canonical form.
            let canon = s.text(spec.key).unwrap();
            prop_assert_eq!(spec.parse(&canon).unwrap(), spec.parse(&text).unwrap());
        }
    }

    #[test]
    fn valid_values_round_trip_through_text((i, j, text) in any_spec().prop_flat_map(|(i, j)| valid_text(spec_at(i, j)).prop_map(move |t| (i, j, t)))) {
        let spec = spec_at(i, j);
        let value = spec.parse(&text).expect("valid text must parse");
        prop_assert_eq!(spec.format(&value), text.clone());
        prop_assert_eq!(spec.parse(&spec.format(&value)).unwrap(), value);
    }

    #[test]
    fn out_of_range_numbers_are_clamped_with_a_notice((i, j) in any_spec(), x in -1e6f64..1e6) {
        let spec = spec_at(i, j);
        if let Kind::Float { min, max, .. } = spec.kind {
            let mut v = ParamValues::defaults(panels::all()[i].params());
            let text = format!("{x}");
            let notice = v.set_lenient(spec.key, &text).expect("a number is never malformed");
            prop_assert_eq!(notice.is_some(), x < min || x > max);
            prop_assert!(v.all_in_range());
            prop_assert_eq!(v.f64(spec.key), x.clamp(min, max));
        }
    }

    #[test]
    fn hash_decode_never_panics(text in prop_oneof![any::<String>(), "#?([a-z-]{0,14}\\.[a-z0-9_]{0,8}=[-+0-9.e,%a-z]{0,10}&?){0,6}"]) {
        let d = hash::decode(&text, &panels::all());
        for e in &d.entries {
            let p = panels::find(e.panel).unwrap();
            if e.key == "seed" {
                prop_assert!(hash::parse_seed(&e.value).is_ok());
            } else if e.key == hash::STEP_KEY {
                prop_assert!(hash::parse_step(&e.value).is_some_and(|s| s <= p.replay_limit()));
            } else {
                let mut v = ParamValues::defaults(p.params());
                prop_assert!(v.set_strict(&e.key, &e.value).is_ok(), "decoded entry must be strictly valid: {:?}", e);
            }
        }
    }

    #[test]
    fn hash_round_trips((i, j) in any_spec(), text in junk(), seed in 0u64..=u32::MAX as u64) {
        let p = panels::all()[i];
        let spec = spec_at(i, j);
        let mut v = ParamValues::defaults(p.params());
        if v.set_lenient(spec.key, &text).is_err() {
            return Ok(());
        }
        let value = v.text(spec.key).unwrap();
        let seed_text = seed.to_string();
        let encoded = hash::encode([(p.id(), spec.key, value.as_str()), (p.id(), "seed", seed_text.as_str())]);
        let d = hash::decode(&encoded, &panels::all());
        prop_assert!(d.notices.is_empty(), "{:?}", d.notices);
        prop_assert_eq!(d.entries.len(), 2);
        prop_assert_eq!(&d.entries[0].value, &value);
        prop_assert_eq!(&d.entries[1].value, &seed_text);
    }

    #[test]
    fn cli_parse_never_panics(args in proptest::collection::vec(prop_oneof![
        junk(),
        "(run|svg|png|list|bench|help|--steps|--seed|--width|--height|--scale|--dark|-o|simsiam-toy|simsiam-linear)",
        "[a-z0-9_]{1,8}=[-+0-9.e,a-z]{0,8}",
    ], 0..8)) {
        match cli::parse(&args) {
            Ok(cli::Command::Run(spec)) | Ok(cli::Command::Svg(spec, _)) | Ok(cli::Command::Png(spec, _)) => {
                prop_assert!(spec.params.all_in_range());
                prop_assert!(spec.steps <= cli::MAX_STEPS);
            }
            Ok(_) => {}
            Err(e) => {
                prop_assert_eq!(e.code, 2);
                prop_assert!(!e.message.contains('\n'), "one-line message: {:?}", e.message);
            }
        }
    }
}

/// Arguments as the operating system hands them over: any bytes, including ones that are not UTF-8.
#[cfg(unix)]
fn os_arg() -> impl Strategy<Value = std::ffi::OsString> {
    use std::os::unix::ffi::OsStringExt;
    prop_oneof![
        3 => "(run|svg|png|list|bench|help|--steps|--seed|--width|--height|--scale|--dark|-o|--output|--ms|--|-|simsiam-toy|topk)"
            .prop_map(std::ffi::OsString::from),
        3 => "[a-z0-9_]{1,8}=[-+0-9.e,a-z]{0,8}".prop_map(std::ffi::OsString::from),
        2 => junk().prop_map(std::ffi::OsString::from),
        2 => proptest::collection::vec(any::<u8>(), 0..12).prop_map(std::ffi::OsString::from_vec),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the bytes, parsing ends in a command or a one-line, exit-2 message whose echoed text cannot
    /// control a terminal.
    #[cfg(unix)]
    #[test]
    fn cli_parse_of_any_os_arguments_never_panics(args in proptest::collection::vec(os_arg(), 0..8)) {
        match cli::parse(&args) {
            Ok(cli::Command::Png(spec, fig)) => {
                prop_assert!(spec.params.all_in_range());
                let (w, h) = dynamics::render::device_size(fig.width, fig.height, fig.scale);
                prop_assert!(w as u64 * h as u64 <= cli::MAX_PIXELS);
                prop_assert!(fig.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")));
            }
            Ok(_) => {}
            Err(e) => {
                prop_assert_eq!(e.code, 2);
                prop_assert!(!e.message.chars().any(char::is_control), "no raw control character: {:?}", e.message);
                prop_assert!(!e.message.contains('\u{fffd}') || args.iter().any(|a| a.to_string_lossy().contains('\u{fffd}')),
                    "bytes that are not UTF-8 are shown escaped, not replaced: {:?}", e.message);
            }
        }
    }

    /// Any valid run request, written with any of the accepted spellings (`--steps N`, `--steps=N`, a leading `+`)
    /// and its arguments in any order after the panel id, parses back to the same request.
    #[test]
    fn cli_parse_reads_back_every_valid_request(
        (i, values) in (0..panels::all().len()).prop_flat_map(|i| {
            let specs = panels::all()[i].params();
            let texts: Vec<BoxedStrategy<Option<String>>> =
                specs.iter().map(|s| proptest::option::of(valid_text(s)).boxed()).collect();
            (Just(i), texts)
        }),
        steps in 0..=cli::MAX_STEPS,
        seed in 0..=dynamics::runner::MAX_SEED,
        equals in any::<bool>(),
        plus in any::<bool>(),
        order in any::<proptest::sample::Index>(),
    ) {
        let panel = panels::all()[i];
        let mut rest: Vec<Vec<String>> = Vec::new();
        let sign = if plus { "+" } else { "" };
        for (flag, v) in [("--steps", steps), ("--seed", seed)] {
            rest.push(if equals { vec![format!("{flag}={sign}{v}")] } else { vec![flag.to_string(), format!("{sign}{v}")] });
        }
        let mut expected = ParamValues::defaults(panel.params());
        for (spec, text) in panel.params().iter().zip(&values) {
            if let Some(text) = text {
                expected.set_strict(spec.key, text).unwrap();
                rest.push(vec![format!("{}={text}", spec.key)]);
            }
        }
        // A combination the panel refuses as a whole (Top-k: a single score) is not a valid request.
        prop_assume!(panel.check_params(&expected, dynamics::i18n::Lang::En).is_ok());
        let k = rest.len();
        rest.rotate_left(order.index(k.max(1)) % k.max(1));
        let mut args = vec!["run".to_string(), panel.id().to_string()];
        args.extend(rest.into_iter().flatten());
        match cli::parse(&args) {
            Ok(cli::Command::Run(spec)) => {
                prop_assert_eq!(spec.panel.id(), panel.id());
                prop_assert_eq!(spec.steps, steps);
                prop_assert_eq!(spec.seed, seed);
                prop_assert_eq!(spec.params, expected);
            }
            other => prop_assert!(false, "{:?} gave {:?}", args, other),
        }
    }
}

#[test]
fn hash_notices_name_the_key_and_reason() {
    let d = hash::decode(
        "#simsiam-toy.alpha=banana&nope.x=1&simsiam-toy.lr=99&simsiam-toy.zzz=1&simsiam-toy.mode=full&simsiam-toy.seed=-5x",
        &panels::all(),
    );
    let all = d.notices.join("\n");
    assert!(all.contains("alpha"), "{all}");
    assert!(all.contains("nope"), "{all}");
    assert!(all.contains("lr") && all.contains("0.2"), "clamped lr to its max: {all}");
    assert!(all.contains("zzz"), "{all}");
    assert!(all.contains("seed"), "{all}");
    let kept: Vec<(&str, &str)> = d.entries.iter().map(|e| (e.key.as_str(), e.value.as_str())).collect();
    assert_eq!(kept, vec![("lr", "0.2"), ("mode", "full")]);
}

#[test]
fn hash_encoding_escapes_what_must_be_escaped() {
    let h = hash::encode([("p", "x", "a&b=c#d e")]);
    assert_eq!(h, "#p.x=a%26b%3Dc%23d%20e");
    assert_eq!(hash::encode(std::iter::empty()), "");
    let list = hash::encode([("p", "x", "3,-2,1e-3")]);
    assert_eq!(list, "#p.x=3,-2,1e-3");
}

#[test]
fn hash_duplicate_keys_keep_the_last_value_with_a_notice() {
    let d = hash::decode(
        "#simsiam-toy.alpha=2&simsiam-toy.mode=full&simsiam-toy.alpha=3&simsiam-toy.seed=4&simsiam-toy.seed=5",
        &panels::all(),
    );
    let kept: Vec<(&str, &str)> = d.entries.iter().map(|e| (e.key.as_str(), e.value.as_str())).collect();
    assert_eq!(kept, vec![("mode", "full"), ("alpha", "3"), ("seed", "5")]);
    assert_eq!(d.notices.len(), 2, "{:?}", d.notices);
    assert!(d.notices[0].contains("simsiam-toy.alpha") && d.notices[0].contains("more than once"), "{:?}", d.notices);
    assert!(d.notices[1].contains("simsiam-toy.seed") && d.notices[1].contains("more than once"), "{:?}", d.notices);
    // The same key under two different panels is not a duplicate.
    let d = hash::decode("#simsiam-toy.lr=0.1&simsiam-linear.lr=0.1", &panels::all());
    assert!(d.notices.iter().all(|n| !n.contains("more than once")), "{:?}", d.notices);
}

#[test]
fn hash_notices_escape_control_characters_instead_of_dropping_them() {
    let d = hash::decode("#simsiam-toy.alpha=ba%1Bna%0Ana&simsiam-toy.z%E2%80%AEz=1", &panels::all());
    let all = d.notices.join("\n");
    assert!(
        !all.chars().any(|c| c.is_control() && c != '\n') && d.notices.iter().all(|n| !n.contains('\n')),
        "{all:?}"
    );
    assert!(all.contains("z\\u{202e}z"), "the bidi override is shown escaped: {all:?}");
}

/// A score drawn from a few values, so that ties, both zeros, infinities and NaN are common.
fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        proptest::sample::select(vec![0.0, -0.0, 1.0, -1.0, 0.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]),
        -1e3f64..1e3,
    ]
}

proptest! {
    /// `math::argsort` gives the order a stable sort of the identity permutation by IEEE total order gives
    /// (reversed keys for decreasing order), whatever the ties: the models rely on ties staying in index order.
    #[test]
    fn argsort_is_the_stable_total_order(key in proptest::collection::vec(score(), 0..40), descending in any::<bool>()) {
        let mut expected: Vec<usize> = (0..key.len()).collect();
        if descending {
            expected.sort_by(|&a, &b| key[b].total_cmp(&key[a]));
        } else {
            expected.sort_by(|&a, &b| key[a].total_cmp(&key[b]));
        }
        prop_assert_eq!(dynamics::math::argsort(&key, descending), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// `params::is_decimal` accepts exactly the strings over digits, signs, points and exponent letters that the
    /// standard library's float parser accepts: the grammar the hash and the fields take did not change when
    /// WebAssembly's parsing moved to the browser's `parseFloat` (which reads this grammar the same way).
    #[test]
    fn is_decimal_is_rusts_grammar_over_the_number_alphabet(text in "[-+0-9.eE]{0,10}") {
        prop_assert_eq!(dynamics::params::is_decimal(&text), text.parse::<f64>().is_ok(), "{:?}", text);
    }
}
