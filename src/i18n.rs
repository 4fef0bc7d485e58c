//! Languages and bilingual strings: every word the program shows a reader exists in English and Chinese.
//!
//! A string a reader sees is written once, where it is used, as a [`T`] pair (`T::new("gradient", "梯度")`)
//! or, for text with values in it, with the [`tr!`](crate::tr) macro, which formats only the wording of the
//! language asked for. The language travels with what renders: [`crate::plot::Theme::lang`] for drawing, an
//! argument of the JSON builders (`list_json`, `to_json`) for tables, the web `Figure` and the `--lang` flag.
//! Keys, parameter names, panel ids and metric names are API and are never translated. Terms follow
//! `docs/zh-glossary.md`; `tests/i18n.rs` fails when a shown string lacks its Chinese wording.
//!
//! The Chinese wording is compiled in only with the crate's `zh` feature (on by default). Without it, as in the
//! English page's wasm module, [`T`] keeps only its English wording, [`tr!`](crate::tr) formats only the English
//! one, and every request for Chinese gives English ([`Lang::shown`]); the Chinese literals are then referenced
//! nowhere and leave the module. The command line refuses `--lang zh` in such a build ([`Lang::available`]).

/// A language the program speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language's code as used in URLs (`lang=zh`), HTML and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Whether this build has the wording of the language: English always, Chinese with the `zh` feature.
    pub const fn available(self) -> bool {
        match self {
            Lang::En => true,
            Lang::Zh => cfg!(feature = "zh"),
        }
    }

    /// The language text is shown in when `self` is asked for: `self` if this build has it, English otherwise.
    /// A constant function of `self` the optimiser folds, so a build without `zh` compiles no Chinese branch.
    #[inline(always)]
    pub const fn shown(self) -> Lang {
        if self.available() {
            self
        } else {
            Lang::En
        }
    }

    /// The language of a code: `en` or `zh` (also `zh-CN`, `zh-Hans` and other case variants); `None` otherwise.
    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        let primary = c.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }
}

/// One string in both languages. Symbols, numbers and formulas inside it stay the same in both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct T {
    /// The English wording.
    pub en: &'static str,
    /// The Chinese wording (a field only with the `zh` feature).
    #[cfg(feature = "zh")]
    pub zh: &'static str,
}

impl T {
    /// A string with its English and Chinese wording. Without the `zh` feature the Chinese one is dropped here.
    /// Always inlined, so that in such a build no call passes the Chinese literal anywhere.
    #[cfg_attr(not(feature = "zh"), allow(unused_variables))]
    #[inline(always)]
    pub const fn new(en: &'static str, zh: &'static str) -> T {
        T {
            en,
            #[cfg(feature = "zh")]
            zh,
        }
    }

    /// The wording in `lang` (in English when this build has no wording in `lang`).
    pub const fn get(self, lang: Lang) -> &'static str {
        match lang.shown() {
            Lang::En => self.en,
            #[cfg(feature = "zh")]
            Lang::Zh => self.zh,
            #[cfg(not(feature = "zh"))]
            Lang::Zh => self.en,
        }
    }
}

/// Formats the wording of one language: `tr!(lang, "step {n}", "第 {n} 步")` with `lang` a [`Lang`] (or anything
/// with a `lang` field or method giving one, such as `theme.lang`). Only the chosen wording is formatted; both
/// are checked by the compiler like `format!` strings. Without the `zh` feature the Chinese branch is dead code
/// (see [`Lang::shown`]) and its wording is not in the build.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        match $crate::i18n::Lang::shown($lang) {
            $crate::i18n::Lang::En => format!($en $(, $arg)*),
            $crate::i18n::Lang::Zh => format!($zh $(, $arg)*),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_variants_parse() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(l));
        }
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("ZH_hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }

    #[test]
    #[cfg(not(feature = "zh"))]
    fn without_zh_every_request_for_chinese_gives_english() {
        assert!(!Lang::Zh.available());
        assert_eq!(Lang::Zh.shown(), Lang::En);
        assert_eq!(T::new("a", "甲").get(Lang::Zh), "a");
        assert_eq!(tr!(Lang::Zh, "step {}", "第 {} 步", 3), "step 3");
    }

    #[test]
    #[cfg(feature = "zh")]
    fn tr_formats_the_chosen_wording_only() {
        let n = 3;
        assert_eq!(tr!(Lang::En, "step {n}", "第 {n} 步"), "step 3");
        assert_eq!(tr!(Lang::Zh, "step {}", "第 {} 步", n), "第 3 步");
        assert_eq!(T::new("a", "甲").get(Lang::Zh), "甲");
    }
}
