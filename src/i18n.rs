//! The message catalog: every sentence contrib says to a person, in English and 简体中文.
//! The only module that names rust-i18n. The catalogs are `locales/en.yml` and
//! `locales/zh.yml`, built into the binary; messages are looked up with [`crate::t!`] and
//! their `%{name}` placeholders filled from its arguments.

use crate::ui::Lang;

// The catalogs are loaded by `rust_i18n::i18n!` in lib.rs: its lookups must live at the
// crate root. Rebuild when a catalog changes (the macro above reads them at compile time).
const _: &str = include_str!("../locales/en.yml");
const _: &str = include_str!("../locales/zh.yml");

/// A catalog message in the chosen language: `t!("start.forked", from = a, to = b)`.
#[macro_export]
macro_rules! t {
    ($($arg:tt)*) => {
        rust_i18n::t!($($arg)*)
    };
}

/// Speak `lang` from now on (decided once, at start-up).
pub fn set(lang: Lang) {
    rust_i18n::set_locale(code(lang));
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}
