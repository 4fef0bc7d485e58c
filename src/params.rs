//! Parameter tables and validated parameter values.
//!
//! Every panel declares a static table of [`ParamSpec`]s. The table is the single source of truth: the
//! web layer generates its controls from it, the URL hash and the command line parse values through it,
//! and the tests derive their property checks from it. One text syntax serves the hash and the command
//! line alike: numbers as Rust parses them (`1e-3` allowed, no infinities or NaN), choices by name,
//! booleans `true`/`false`, lists comma-separated (`3,2,1,4`).

use crate::i18n::{Lang, T};
use crate::tr;
use serde_json::{json, Value as Json};

/// How a continuous parameter is laid out on its slider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Evenly spaced values.
    Linear,
    /// Evenly spaced logarithms; the range must be strictly positive.
    Log,
}

impl Scale {
    /// The name used in the JSON parameter table.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
        }
    }
}

/// The kind of a parameter, with its range and default.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A real number in `[min, max]`. `step` is the slider granularity on a linear scale (0 means fine).
    Float {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
        /// Default value.
        default: f64,
        /// Slider scale.
        scale: Scale,
        /// Slider granularity; 0 lets the web layer choose.
        step: f64,
    },
    /// A whole number in `[min, max]`.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
        /// Default value.
        default: i64,
    },
    /// One of a fixed list of names.
    Choice {
        /// The allowed names, in display order.
        choices: &'static [&'static str],
        /// The default name; it must be one of `choices`.
        default: &'static str,
    },
    /// A boolean, written `true` or `false`.
    Bool {
        /// Default value.
        default: bool,
    },
    /// A comma-separated list of real numbers, each in `[min, max]`, with `min_len..=max_len` entries.
    List {
        /// Smallest allowed entry.
        min: f64,
        /// Largest allowed entry.
        max: f64,
        /// Fewest entries.
        min_len: usize,
        /// Most entries.
        max_len: usize,
        /// Default entries.
        default: &'static [f64],
    },
}

/// One row of a panel's parameter table.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The stable key used in the URL hash, on the command line and in JSON. Never rename one.
    pub key: &'static str,
    /// A short human label for the control, in both languages.
    pub label: T,
    /// The unit shown beside the value, or an empty string.
    pub unit: &'static str,
    /// One sentence shown as the control's description, in both languages.
    pub help: T,
    /// The kind, range and default.
    pub kind: Kind,
}

/// The group of controls a parameter row belongs to on the page. A panel lists its rarely used keys in
/// [`crate::panel::Panel::more_settings`]; every other row is in the main group, so tables need no edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Shown with the figure: the settings a reader touches first.
    Main,
    /// Shown in a collapsed "More settings" group.
    More,
}

impl Group {
    /// The group of `key` for a panel whose rarely used keys are `more`.
    pub fn of(key: &str, more: &[&str]) -> Group {
        if more.contains(&key) {
            Group::More
        } else {
            Group::Main
        }
    }

    /// The name used in the JSON parameter table.
    pub fn name(self) -> &'static str {
        match self {
            Group::Main => "main",
            Group::More => "more",
        }
    }
}

/// A parameter value of any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A real number.
    Float(f64),
    /// A whole number.
    Int(i64),
    /// The index of a choice in its spec's `choices`.
    Choice(usize),
    /// A boolean.
    Bool(bool),
    /// A list of real numbers.
    List(Vec<f64>),
}

/// Why a textual value was not accepted as it stands.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueError {
    /// The text is not a value of the parameter's kind; the message says what is allowed.
    Malformed(String),
    /// The text parsed but lies outside the allowed range. `clamped` is the nearest allowed value.
    OutOfRange {
        /// The nearest allowed value.
        clamped: Value,
        /// What is allowed.
        message: String,
    },
}

impl ValueError {
    /// The human-readable explanation.
    pub fn message(&self) -> &str {
        match self {
            ValueError::Malformed(m) => m,
            ValueError::OutOfRange { message, .. } => message,
        }
    }
}

/// Compact constructors for table rows: `ParamSpec::log("lr", label, help, (0.001, 0.2), 0.05)` instead of
/// spelling out every field. A row without a unit gets one with [`ParamSpec::unit`].
impl ParamSpec {
    /// A real number in `[min, max]` on a linear slider with granularity `step` (0 lets the page choose).
    pub const fn linear(key: &'static str, label: T, help: T, (min, max): (f64, f64), default: f64, step: f64) -> Self {
        ParamSpec { key, label, unit: "", help, kind: Kind::Float { min, max, default, scale: Scale::Linear, step } }
    }

    /// A positive real number in `[min, max]` on a logarithmic slider.
    pub const fn log(key: &'static str, label: T, help: T, (min, max): (f64, f64), default: f64) -> Self {
        ParamSpec { key, label, unit: "", help, kind: Kind::Float { min, max, default, scale: Scale::Log, step: 0.0 } }
    }

    /// A whole number in `[min, max]`.
    pub const fn int(key: &'static str, label: T, help: T, (min, max): (i64, i64), default: i64) -> Self {
        ParamSpec { key, label, unit: "", help, kind: Kind::Int { min, max, default } }
    }

    /// One of `choices`, `default` first chosen.
    pub const fn choice(
        key: &'static str,
        label: T,
        help: T,
        choices: &'static [&'static str],
        default: &'static str,
    ) -> Self {
        ParamSpec { key, label, unit: "", help, kind: Kind::Choice { choices, default } }
    }

    /// A yes/no switch.
    pub const fn flag(key: &'static str, label: T, help: T, default: bool) -> Self {
        ParamSpec { key, label, unit: "", help, kind: Kind::Bool { default } }
    }

    /// Between `min_len` and `max_len` comma-separated numbers, each in `[min, max]`.
    pub const fn list(
        key: &'static str,
        label: T,
        help: T,
        (min, max): (f64, f64),
        (min_len, max_len): (usize, usize),
        default: &'static [f64],
    ) -> Self {
        ParamSpec { key, label, unit: "", help, kind: Kind::List { min, max, min_len, max_len, default } }
    }

    /// This row with `unit` shown beside its value.
    pub const fn unit(self, unit: &'static str) -> Self {
        ParamSpec { unit, ..self }
    }
}

impl ParamSpec {
    /// The default value of this parameter.
    pub fn default_value(&self) -> Value {
        match self.kind {
            Kind::Float { default, .. } => Value::Float(default),
            Kind::Int { default, .. } => Value::Int(default),
            Kind::Choice { choices, default } => Value::Choice(choices.iter().position(|c| *c == default).unwrap_or(0)),
            Kind::Bool { default } => Value::Bool(default),
            Kind::List { default, .. } => Value::List(default.to_vec()),
        }
    }

    /// A one-line description of what this parameter accepts, used in error messages.
    pub fn allowed(&self) -> String {
        self.allowed_in(Lang::En)
    }

    /// What this parameter accepts, worded in `lang` (ranges, choice names and `true`/`false` stay as typed).
    pub fn allowed_in(&self, lang: Lang) -> String {
        match self.kind {
            Kind::Float { min, max, .. } => {
                tr!(lang, "a number in [{}, {}]", "[{}, {}] 内的数", fmt_f64(min), fmt_f64(max))
            }
            Kind::Int { min, max, .. } => tr!(lang, "a whole number in [{min}, {max}]", "[{min}, {max}] 内的整数"),
            Kind::Choice { choices, .. } => tr!(lang, "one of {}", "{} 之一", choices.join(" | ")),
            Kind::Bool { .. } => tr!(lang, "true or false", "true 或 false"),
            Kind::List { min, max, min_len, max_len, .. } => tr!(
                lang,
                "{min_len} to {max_len} comma-separated numbers in [{}, {}]",
                "{min_len} 到 {max_len} 个 [{}, {}] 内的数，以逗号分隔",
                fmt_f64(min),
                fmt_f64(max)
            ),
        }
    }

    /// Parses `text` as a value of this parameter. Out-of-range numbers are reported with their clamped value.
    pub fn parse(&self, text: &str) -> Result<Value, ValueError> {
        self.parse_in(text, Lang::En)
    }

    /// Parses `text` like [`ParamSpec::parse`], with the messages worded in `lang`.
    pub fn parse_in(&self, text: &str, lang: Lang) -> Result<Value, ValueError> {
        let malformed =
            || ValueError::Malformed(tr!(lang, "'{}' expects {}", "“{}”应为 {}", self.key, self.allowed_in(lang)));
        let outside = || {
            tr!(lang, "'{}' is {}, outside {}", "“{}”取值 {} 超出范围，应为 {}", self.key, text, self.allowed_in(lang))
        };
        match self.kind {
            Kind::Float { min, max, .. } => {
                let v = parse_finite(text).ok_or_else(malformed)?;
                if v < min || v > max {
                    return Err(ValueError::OutOfRange {
                        clamped: Value::Float(v.clamp(min, max)),
                        message: outside(),
                    });
                }
                Ok(Value::Float(v))
            }
            Kind::Int { min, max, .. } => {
                let v: i64 = if text.is_empty() || text.len() > 40 {
                    return Err(malformed());
                } else {
                    match text.parse::<i64>() {
                        Ok(v) => v,
                        Err(_) => {
                            // A whole number too large for i64 is out of range, not malformed.
                            let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
                            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                                if text.starts_with('-') {
                                    i64::MIN
                                } else {
                                    i64::MAX
                                }
                            } else {
                                return Err(malformed());
                            }
                        }
                    }
                };
                if v < min || v > max {
                    return Err(ValueError::OutOfRange { clamped: Value::Int(v.clamp(min, max)), message: outside() });
                }
                Ok(Value::Int(v))
            }
            Kind::Choice { choices, .. } => {
                choices.iter().position(|c| *c == text).map(Value::Choice).ok_or_else(malformed)
            }
            Kind::Bool { .. } => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(malformed()),
            },
            Kind::List { min, max, min_len, max_len, .. } => {
                let items: Vec<f64> = if text.is_empty() {
                    Vec::new()
                } else {
                    let mut out = Vec::new();
                    for part in text.split(',') {
                        if out.len() >= max_len.max(1) * 4 {
                            return Err(malformed());
                        }
                        out.push(parse_finite(part).ok_or_else(malformed)?);
                    }
                    out
                };
                let mut clamped: Vec<f64> = items.iter().map(|v| v.clamp(min, max)).collect();
                let len_ok = (min_len..=max_len).contains(&items.len());
                if !len_ok {
                    if items.len() < min_len {
                        return Err(malformed());
                    }
                    clamped.truncate(max_len);
                }
                if !len_ok || clamped != items {
                    return Err(ValueError::OutOfRange {
                        clamped: Value::List(clamped),
                        message: tr!(lang, "'{}' expects {}", "“{}”应为 {}", self.key, self.allowed_in(lang)),
                    });
                }
                Ok(Value::List(items))
            }
        }
    }

    /// Formats a value of this parameter in the canonical text syntax, which [`ParamSpec::parse`] reads back exactly.
    pub fn format(&self, value: &Value) -> String {
        match (value, self.kind) {
            (Value::Float(v), _) => fmt_f64(*v),
            (Value::Int(v), _) => v.to_string(),
            (Value::Choice(i), Kind::Choice { choices, .. }) => choices.get(*i).copied().unwrap_or("").to_string(),
            (Value::Choice(i), _) => i.to_string(),
            (Value::Bool(b), _) => b.to_string(),
            (Value::List(v), _) => v.iter().map(|x| fmt_f64(*x)).collect::<Vec<_>>().join(","),
        }
    }

    /// Describes this row as JSON for `dynamics list` and the web layer, with its words in `lang`.
    pub fn to_json(&self, lang: Lang) -> Json {
        let mut row = serde_json::Map::new();
        row.insert("key".into(), json!(self.key));
        row.insert("label".into(), json!(self.label.get(lang)));
        row.insert("unit".into(), json!(self.unit));
        row.insert("help".into(), json!(self.help.get(lang)));
        match self.kind {
            Kind::Float { min, max, default, scale, step } => {
                row.insert("kind".into(), json!("float"));
                row.insert("min".into(), json!(min));
                row.insert("max".into(), json!(max));
                row.insert("default".into(), json!(default));
                row.insert("scale".into(), json!(scale.name()));
                row.insert("step".into(), json!(step));
            }
            Kind::Int { min, max, default } => {
                row.insert("kind".into(), json!("int"));
                row.insert("min".into(), json!(min));
                row.insert("max".into(), json!(max));
                row.insert("default".into(), json!(default));
                row.insert("scale".into(), json!("linear"));
            }
            Kind::Choice { choices, default } => {
                row.insert("kind".into(), json!("choice"));
                row.insert("choices".into(), json!(choices));
                row.insert("default".into(), json!(default));
            }
            Kind::Bool { default } => {
                row.insert("kind".into(), json!("bool"));
                row.insert("default".into(), json!(default));
            }
            Kind::List { min, max, min_len, max_len, default } => {
                row.insert("kind".into(), json!("list"));
                row.insert("min".into(), json!(min));
                row.insert("max".into(), json!(max));
                row.insert("min_len".into(), json!(min_len));
                row.insert("max_len".into(), json!(max_len));
                row.insert("default".into(), json!(default));
            }
        }
        Json::Object(row)
    }
}

/// Formats a float in its shortest exactly round-tripping decimal form.
pub fn fmt_f64(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let plain = format!("{v}");
    let sci = format!("{v:e}");
    if sci.len() < plain.len() {
        sci
    } else {
        plain
    }
}

/// Parses a finite float written as a plain decimal number ([`is_decimal`]); rejects everything else, including
/// empty strings, infinities, NaN, surrounding spaces and values that overflow to infinity.
fn parse_finite(text: &str) -> Option<f64> {
    if text.len() > 64 || !is_decimal(text) {
        return None;
    }
    Some(decimal_to_f64(text)).filter(|v| v.is_finite())
}

/// Whether `text` is a plain decimal number: an optional sign, digits with at most one point and at least one
/// digit, and an optional exponent (`e` or `E`, an optional sign, at least one digit). "1.", ".5", "-2e-3" and
/// "+7E10" are; "", ".", "1e", "inf", "0x10", " 1" and "1_000" are not.
///
/// This is the grammar that Rust's `f64::from_str` and JavaScript's `parseFloat` both read whole and alike (each
/// also takes more: Rust "inf" and "nan", JavaScript leading spaces and a trailing remainder), so a value given
/// here parses to the same number natively and in the browser ([`decimal_to_f64`]).
pub fn is_decimal(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The `f64` nearest to a decimal number that [`is_decimal`] accepts (infinite if it overflows), with the
/// standard library's parser.
#[cfg(not(target_arch = "wasm32"))]
pub fn decimal_to_f64(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// The `f64` nearest to a decimal number that [`is_decimal`] accepts (infinite if it overflows), with the
/// browser's `parseFloat` (through the web layer, the one module that calls JavaScript).
///
/// In WebAssembly this replaces the standard library's float parser, whose code and table of powers of five
/// (10 KB) were 13.6 KB of the gzipped module (BENCHMARKS.md, "stop 21"). It is a platform primitive, like the
/// `libm` functions, and as deterministic: JavaScript engines round a decimal number to the nearest double, ties
/// to even, as Rust does, and `tests/web.rs` checks in the browser that the two give the same bits, halfway
/// cases and long mantissas included.
#[cfg(target_arch = "wasm32")]
pub fn decimal_to_f64(text: &str) -> f64 {
    crate::web::parse_float(text)
}

/// A panel's full set of parameter values, always complete and always inside the table's ranges.
#[derive(Clone, Debug)]
pub struct ParamValues {
    specs: &'static [ParamSpec],
    values: Vec<Value>,
}

impl PartialEq for ParamValues {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.specs, other.specs) && self.values == other.values
    }
}

/// An error naming a parameter key and what it allows.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError(pub String);

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ParamValues {
    /// The defaults of every row of `specs`.
    pub fn defaults(specs: &'static [ParamSpec]) -> Self {
        ParamValues { specs, values: specs.iter().map(ParamSpec::default_value).collect() }
    }

    /// The table these values belong to.
    pub fn specs(&self) -> &'static [ParamSpec] {
        self.specs
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.specs.iter().position(|s| s.key == key)
    }

    /// The spec row for `key`, if the table has one.
    pub fn spec(&self, key: &str) -> Option<&'static ParamSpec> {
        self.specs.iter().find(|s| s.key == key)
    }

    /// The value of `key`, if the table has one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.index(key).map(|i| &self.values[i])
    }

    fn expect(&self, key: &str) -> &Value {
        // Panels read only keys of their own static table; the registry test builds every panel to prove it.
        match self.get(key) {
            Some(v) => v,
            None => panic!("parameter table has no key '{key}'"),
        }
    }

    /// The real value of a float or int parameter.
    pub fn f64(&self, key: &str) -> f64 {
        match self.expect(key) {
            Value::Float(v) => *v,
            Value::Int(v) => *v as f64,
            other => panic!("parameter '{key}' is not numeric: {other:?}"),
        }
    }

    /// The value of an int parameter.
    pub fn int(&self, key: &str) -> i64 {
        match self.expect(key) {
            Value::Int(v) => *v,
            Value::Float(v) => *v as i64,
            other => panic!("parameter '{key}' is not an integer: {other:?}"),
        }
    }

    /// The chosen name of a choice parameter.
    pub fn choice(&self, key: &str) -> &'static str {
        match (self.expect(key), self.spec(key).map(|s| s.kind)) {
            (Value::Choice(i), Some(Kind::Choice { choices, .. })) => choices[*i],
            (other, _) => panic!("parameter '{key}' is not a choice: {other:?}"),
        }
    }

    /// The value of a bool parameter.
    pub fn flag(&self, key: &str) -> bool {
        match self.expect(key) {
            Value::Bool(b) => *b,
            other => panic!("parameter '{key}' is not a bool: {other:?}"),
        }
    }

    /// The entries of a list parameter.
    pub fn list(&self, key: &str) -> &[f64] {
        match self.expect(key) {
            Value::List(v) => v,
            other => panic!("parameter '{key}' is not a list: {other:?}"),
        }
    }

    /// Sets `key` from text, rejecting unknown keys, malformed and out-of-range values.
    pub fn set_strict(&mut self, key: &str, text: &str) -> Result<(), ParamError> {
        let i = self.index(key).ok_or_else(|| {
            let keys: Vec<&str> = self.specs.iter().map(|s| s.key).collect();
            ParamError(format!("unknown parameter '{key}'; known: {}", keys.join(", ")))
        })?;
        match self.specs[i].parse(text) {
            Ok(v) => {
                self.values[i] = v;
                Ok(())
            }
            Err(e) => Err(ParamError(e.message().to_string())),
        }
    }

    /// Sets `key` from text, clamping out-of-range values. Returns a notice when the value was clamped;
    /// an unknown key or a malformed value leaves the values unchanged and returns an error.
    pub fn set_lenient(&mut self, key: &str, text: &str) -> Result<Option<String>, ParamError> {
        self.set_lenient_in(key, text, Lang::En)
    }

    /// Sets `key` from text like [`ParamValues::set_lenient`], with the notice or error worded in `lang` (what
    /// the page shows a reader; keys and values stay as typed).
    pub fn set_lenient_in(&mut self, key: &str, text: &str, lang: Lang) -> Result<Option<String>, ParamError> {
        let i = self
            .index(key)
            .ok_or_else(|| ParamError(tr!(lang, "unknown parameter '{key}'", "没有名为“{key}”的参数")))?;
        match self.specs[i].parse_in(text, lang) {
            Ok(v) => {
                self.values[i] = v;
                Ok(None)
            }
            Err(ValueError::OutOfRange { clamped, message }) => {
                let shown = self.specs[i].format(&clamped);
                self.values[i] = clamped;
                Ok(Some(tr!(lang, "{message}; using {shown}", "{message}；已改用 {shown}")))
            }
            Err(ValueError::Malformed(m)) => Err(ParamError(m)),
        }
    }

    /// The canonical text of `key`'s value.
    pub fn text(&self, key: &str) -> Option<String> {
        self.index(key).map(|i| self.specs[i].format(&self.values[i]))
    }

    /// Whether `key` holds its default value.
    pub fn is_default(&self, key: &str) -> bool {
        self.index(key).is_none_or(|i| self.values[i] == self.specs[i].default_value())
    }

    /// All values as a JSON object keyed by parameter key, numbers as numbers and choices as names.
    pub fn to_json(&self) -> Json {
        let mut m = serde_json::Map::new();
        for (spec, v) in self.specs.iter().zip(&self.values) {
            let j = match v {
                Value::Float(x) => json!(x),
                Value::Int(x) => json!(x),
                Value::Choice(_) => json!(spec.format(v)),
                Value::Bool(b) => json!(b),
                Value::List(l) => json!(l),
            };
            m.insert(spec.key.to_string(), j);
        }
        Json::Object(m)
    }

    /// Checks that every value lies inside its spec's range (an invariant the setters maintain).
    pub fn all_in_range(&self) -> bool {
        self.specs.iter().zip(&self.values).all(|(s, v)| match (s.kind, v) {
            (Kind::Float { min, max, .. }, Value::Float(x)) => x.is_finite() && *x >= min && *x <= max,
            (Kind::Int { min, max, .. }, Value::Int(x)) => *x >= min && *x <= max,
            (Kind::Choice { choices, .. }, Value::Choice(i)) => *i < choices.len(),
            (Kind::Bool { .. }, Value::Bool(_)) => true,
            (Kind::List { min, max, min_len, max_len, .. }, Value::List(l)) => {
                (min_len..=max_len).contains(&l.len()) && l.iter().all(|x| x.is_finite() && *x >= min && *x <= max)
            }
            _ => false,
        })
    }
}

/// Checks a parameter table for internal consistency; returns a description of every problem found.
pub fn check_table(specs: &[ParamSpec]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        if s.key.is_empty() || !s.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            problems.push(format!("key '{}' must be [a-z0-9_]+", s.key));
        }
        if matches!(s.key, "seed" | "steps") {
            problems.push(format!("key '{}' is reserved", s.key));
        }
        if specs[..i].iter().any(|t| t.key == s.key) {
            problems.push(format!("key '{}' appears twice", s.key));
        }
        let ok = match s.kind {
            Kind::Float { min, max, default, scale, step } => {
                min.is_finite()
                    && max.is_finite()
                    && min < max
                    && (min..=max).contains(&default)
                    && step >= 0.0
                    && (scale == Scale::Linear || min > 0.0)
            }
            Kind::Int { min, max, default } => min < max && (min..=max).contains(&default),
            Kind::Choice { choices, default } => !choices.is_empty() && choices.contains(&default),
            Kind::Bool { .. } => true,
            Kind::List { min, max, min_len, max_len, default } => {
                min < max
                    && min_len <= max_len
                    && (min_len..=max_len).contains(&default.len())
                    && default.iter().all(|x| (min..=max).contains(x))
            }
        };
        if !ok {
            problems.push(format!("key '{}' has an inconsistent range or default", s.key));
        }
        if s.parse(&s.format(&s.default_value())).ok() != Some(s.default_value()) {
            problems.push(format!("key '{}' default does not round-trip through text", s.key));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact constructors fill exactly the fields the long form spells out.
    #[test]
    fn compact_rows_equal_the_long_form() {
        let (label, help) = (T::new("α", "α"), T::new("Speed.", "速度。"));
        let long = |unit, kind| format!("{:?}", ParamSpec { key: "a", label, unit, help, kind });
        let short = |p: ParamSpec| format!("{p:?}");
        let float = |scale, step| Kind::Float { min: 0.1, max: 10.0, default: 1.0, scale, step };
        assert_eq!(short(ParamSpec::log("a", label, help, (0.1, 10.0), 1.0)), long("", float(Scale::Log, 0.0)));
        assert_eq!(
            short(ParamSpec::linear("a", label, help, (0.1, 10.0), 1.0, 0.01).unit("×")),
            long("×", float(Scale::Linear, 0.01))
        );
        assert_eq!(
            short(ParamSpec::int("a", label, help, (1, 9), 3)),
            long("", Kind::Int { min: 1, max: 9, default: 3 })
        );
        assert_eq!(
            short(ParamSpec::choice("a", label, help, &["x", "y"], "y")),
            long("", Kind::Choice { choices: &["x", "y"], default: "y" })
        );
        assert_eq!(short(ParamSpec::flag("a", label, help, true)), long("", Kind::Bool { default: true }));
    }
}
