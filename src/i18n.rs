//! Languages and bilingual strings: every word the program shows a reader exists in English and Chinese.
//!
//! A string a reader sees is written once, where it is used, as a [`T`] pair (`T::new("gradient", "梯度")`)
//! or, for text with values in it, with the [`tr!`](crate::tr) macro, which formats only the wording of the
//! language asked for. The language travels with what renders: [`crate::plot::Theme::lang`] for drawing, an
//! argument of the JSON builders (`list_json`, `to_json`) for tables, the web `Figure` and the `--lang` flag.
//! Keys, parameter names, panel ids and metric names are API and are never translated. Terms follow
//! `docs/zh-glossary.md`; `tests/i18n.rs` fails when a shown string lacks its Chinese wording.

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
    /// The Chinese wording.
    pub zh: &'static str,
}

impl T {
    /// A string with its English and Chinese wording.
    pub const fn new(en: &'static str, zh: &'static str) -> T {
        T { en, zh }
    }

    /// The wording in `lang`.
    pub const fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// Formats the wording of one language: `tr!(lang, "step {n}", "第 {n} 步")` with `lang` a [`Lang`] (or anything
/// with a `lang` field or method giving one, such as `theme.lang`). Only the chosen wording is formatted; both
/// are checked by the compiler like `format!` strings.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
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
    fn tr_formats_the_chosen_wording_only() {
        let n = 3;
        assert_eq!(tr!(Lang::En, "step {n}", "第 {n} 步"), "step 3");
        assert_eq!(tr!(Lang::Zh, "step {}", "第 {} 步", n), "第 3 步");
        assert_eq!(T::new("a", "甲").get(Lang::Zh), "甲");
    }
}
