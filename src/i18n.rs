//! Language selection and bilingual text: every user-facing string exists in English and
//! Simplified Chinese.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// The language of the user-facing output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Picks the language from `LC_ALL`, then `LC_MESSAGES`, then `LANG` (`zh*` → Chinese),
    /// the way POSIX orders them. Anything else, or nothing, is English.
    pub fn from_env() -> Lang {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    /// Same as [`Lang::from_env`] over an arbitrary variable lookup (testable without
    /// touching the process environment).
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(value) = get(name).filter(|v| !v.is_empty()) {
                return if value.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }

    /// The language code used in file formats and reports (`en`, `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Chooses between an English and a Chinese rendering of the same message.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Lang::En),
            "zh" => Ok(Lang::Zh),
            other => Err(match display_lang() {
                Lang::En => format!("unknown language `{other}` (expected en or zh)"),
                Lang::Zh => format!("未知的语言 `{other}`（可选：en 或 zh）"),
            }),
        }
    }
}

/// The language `Display` renders diagnostics in; set once per run by `app::run`.
static DISPLAY_LANG: AtomicU8 = AtomicU8::new(0);

/// Sets the language that language-independent `Display` output (diagnostics) uses for the
/// rest of the process. English until set.
pub fn set_display_lang(lang: Lang) {
    let code = match lang {
        Lang::En => 0,
        Lang::Zh => 1,
    };
    DISPLAY_LANG.store(code, Ordering::Relaxed);
}

/// The language set by [`set_display_lang`] (English by default).
pub fn display_lang() -> Lang {
    match DISPLAY_LANG.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

/// An operating-system error in `lang`. The OS's own text is English ("No such file or
/// directory (os error 2)"); in Chinese the common kinds get their own words, with the
/// error number kept for a search, and anything else keeps the OS's text.
pub fn io_error_text(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    if lang == Lang::En {
        return e.to_string();
    }
    let zh = match e.kind() {
        K::NotFound => "文件或目录不存在",
        K::PermissionDenied => "没有访问权限",
        K::AlreadyExists => "已经存在",
        K::IsADirectory => "这是一个目录，不是文件",
        K::NotADirectory => "路径中有一部分不是目录",
        K::DirectoryNotEmpty => "目录不为空",
        K::ReadOnlyFilesystem => "文件系统是只读的",
        K::StorageFull => "磁盘空间不足",
        K::QuotaExceeded => "超出磁盘配额",
        K::FileTooLarge => "文件太大",
        K::InvalidFilename => "文件名无效",
        K::InvalidData => "数据无效",
        K::UnexpectedEof => "文件意外结束",
        K::BrokenPipe => "管道已关闭",
        K::Interrupted => "操作被中断",
        K::OutOfMemory => "内存不足",
        _ => return e.to_string(),
    };
    match e.raw_os_error() {
        Some(code) => format!("{zh}（系统错误 {code}）"),
        None => zh.to_owned(),
    }
}

/// A text in both languages. Plain strings in packs (phone numbers, URLs) fill both.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The same string in both languages.
    pub fn neutral(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            en: s.clone(),
            zh: s,
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// A string that is already in the right language (or the same in both) fills both.
impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::neutral(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::neutral(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_system_errors_are_said_in_chinese() {
        let missing = std::io::Error::from_raw_os_error(2);
        assert_eq!(
            io_error_text(&missing, Lang::Zh),
            "文件或目录不存在（系统错误 2）"
        );
        assert_eq!(
            io_error_text(&missing, Lang::En),
            "No such file or directory (os error 2)"
        );
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(io_error_text(&denied, Lang::Zh), "没有访问权限");
        // A kind without its own words keeps the system's text rather than a vague one.
        let other = std::io::Error::other("disk on fire");
        assert_eq!(io_error_text(&other, Lang::Zh), "disk on fire");
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn lc_all_wins_over_lang() {
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "C")])),
            Lang::Zh
        );
    }

    #[test]
    fn empty_variables_are_skipped_and_default_is_english() {
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", ""), ("LANG", "zh_TW")])),
            Lang::Zh
        );
        assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "C.UTF-8")])),
            Lang::En
        );
    }
}
