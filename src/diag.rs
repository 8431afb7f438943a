//! Diagnostics: problems found in packs and answers files, each with a stable code, the file,
//! line and column, the id involved, and a source snippet when the source is at hand. Messages
//! carry both languages; `Display` renders them in [`crate::i18n::display_lang`].

use std::fmt::{self, Write as _};

use crate::i18n::{Lang, Text};

/// Stable diagnostic codes, so docs and tests can name a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file is not valid YAML/JSON or does not have the expected shape.
    Syntax,
    /// An id does not match the naming pattern.
    BadId,
    /// Two things of the same kind share an id.
    DuplicateId,
    /// A condition, anchor or answers file names a question that does not exist.
    UnknownQuestion,
    /// A condition, default or answer names an option the question does not have.
    UnknownOption,
    /// A condition operator or a value does not fit the question's type.
    TypeMismatch,
    /// A condition is not exactly one of all/any/not/answer-with-one-operator.
    BadCondition,
    /// A due offset cannot be parsed.
    BadDue,
    /// An item refers to a reference, contact or letter that does not exist.
    DanglingRef,
    /// A bilingual text lacks one of its languages.
    MissingTranslation,
    /// A question's options do not fit its type.
    BadOptions,
    /// A probe is malformed or used outside a policy pack.
    BadProbe,
    /// A letter template does not compile.
    BadTemplate,
    /// A field is required by the pack's kind or is empty.
    MissingField,
    /// A date is malformed or impossible.
    BadDate,
    /// A reference or contact is defined but never used.
    Unused,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "E001",
            Code::BadId => "E002",
            Code::DuplicateId => "E003",
            Code::UnknownQuestion => "E004",
            Code::UnknownOption => "E005",
            Code::TypeMismatch => "E006",
            Code::BadCondition => "E007",
            Code::BadDue => "E008",
            Code::DanglingRef => "E009",
            Code::MissingTranslation => "E010",
            Code::BadOptions => "E011",
            Code::BadProbe => "E012",
            Code::BadTemplate => "E013",
            Code::MissingField => "E014",
            Code::BadDate => "E015",
            Code::Unused => "W001",
        }
    }

    /// One line saying what the code means (for `rules lint` docs and the README table).
    pub fn description(self) -> &'static str {
        match self {
            Code::Syntax => "not valid YAML/JSON, or a key or value of the wrong shape",
            Code::BadId => "an id does not match ^[a-z0-9]+([_-][a-z0-9]+)*$",
            Code::DuplicateId => {
                "two questions, options, items, references, contacts or letters share an id"
            }
            Code::UnknownQuestion => "a question id that the pack does not define",
            Code::UnknownOption => "an option id that the question does not define",
            Code::TypeMismatch => "an operator or value that does not fit the question's type",
            Code::BadCondition => {
                "a condition that is not exactly one of all/any/not/answer+operator"
            }
            Code::BadDue => "a due offset that is not <number><min|h|d|w|mo|y>",
            Code::DanglingRef => "an item names a reference, contact or letter that does not exist",
            Code::MissingTranslation => "a text lacks its English or Chinese version",
            Code::BadOptions => "options missing on a choice question, or present on another type",
            Code::BadProbe => "a malformed probe, or a probe outside a policy pack",
            Code::BadTemplate => "a letter template that does not compile",
            Code::MissingField => "a field required for this kind of pack is missing or empty",
            Code::BadDate => "a malformed or impossible date",
            Code::Unused => "a reference or contact that no item uses (warning)",
        }
    }

    /// [`Code::description`] in Simplified Chinese.
    pub fn description_zh(self) -> &'static str {
        match self {
            Code::Syntax => "不是有效的 YAML/JSON，或某个键、值的形式不对",
            Code::BadId => "id 不符合 ^[a-z0-9]+([_-][a-z0-9]+)*$",
            Code::DuplicateId => {
                "两个问题、选项、条目、法律依据、联系渠道或文书模板使用了同一个 id"
            }
            Code::UnknownQuestion => "规则包中未定义的问题 id",
            Code::UnknownOption => "问题中未定义的选项 id",
            Code::TypeMismatch => "运算符或取值与问题的类型不符",
            Code::BadCondition => "条件不是 all/any/not/answer+运算符 中的恰好一种",
            Code::BadDue => "期限偏移量不符合 <数字><min|h|d|w|mo|y>",
            Code::DanglingRef => "条目引用了不存在的法律依据、联系渠道或文书模板",
            Code::MissingTranslation => "文本缺少英文或中文版本",
            Code::BadOptions => "选择题缺少选项，或其他类型的问题带有选项",
            Code::BadProbe => "探针格式错误，或在 policy 规则包之外使用了探针",
            Code::BadTemplate => "文书模板无法编译",
            Code::MissingField => "缺少此类规则包必需的字段，或该字段为空",
            Code::BadDate => "日期格式错误或日期不存在",
            Code::Unused => "没有任何条目使用的法律依据或联系渠道（警告）",
        }
    }

    /// [`Code::description`] in the given language.
    pub fn description_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.description(),
            Lang::Zh => self.description_zh(),
        }
    }

    pub fn is_warning(self) -> bool {
        matches!(self, Code::Unused)
    }
}

/// Source lines longer than this are shown as a window around the column.
const SNIPPET_WIDTH: usize = 100;

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// What is wrong, in both languages (a plain string fills both).
    pub message: Text,
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: u64,
    /// 1-based; 0 when unknown.
    pub column: u64,
    /// The source line the problem is on, for the snippet.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<Text>, file: &str, line: u64, column: u64) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            file: file.to_owned(),
            line,
            column,
            source_line: None,
        }
    }

    /// Attaches the offending source line for the snippet.
    pub fn with_source(mut self, source: &str) -> Self {
        if self.line > 0 {
            self.source_line = source
                .lines()
                .nth((self.line - 1) as usize)
                // Binary junk must not reach the terminal as control sequences.
                .map(|l| {
                    l.chars()
                        .map(|c| {
                            if c.is_control() && c != '\t' {
                                '\u{FFFD}'
                            } else {
                                c
                            }
                        })
                        .collect()
                });
        }
        self
    }
}

/// A file that is not UTF-8 text, located at its first invalid byte. `what` names the file's
/// role ("the pack", "the answers file") in both languages.
pub fn not_utf8(file: &str, bytes: &[u8], error: &std::str::Utf8Error, what: Text) -> Diagnostic {
    let at = error.valid_up_to();
    // The prefix up to the bad byte is valid UTF-8 by definition.
    let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    let byte = bytes.get(at).copied().unwrap_or_default();
    Diagnostic::new(
        Code::Syntax,
        Text::new(
            format!("{} is not UTF-8 text (invalid byte 0x{byte:02X})", what.en),
            format!("{}不是 UTF-8 文本（无效字节 0x{byte:02X}）", what.zh),
        ),
        file,
        line,
        column,
    )
    .with_source(&String::from_utf8_lossy(bytes))
}

impl Diagnostic {
    /// The diagnostic in one language: `error[E004]: …` or `错误[E004]：…`, the location and
    /// the snippet.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        let _ = self.write_in(&mut out, lang);
        out
    }

    fn write_in(&self, f: &mut dyn fmt::Write, lang: Lang) -> fmt::Result {
        let code = self.code.as_str();
        let message = self.message.get(lang);
        match (lang, self.code.is_warning()) {
            (Lang::En, false) => write!(f, "error[{code}]: {message}")?,
            (Lang::En, true) => write!(f, "warning[{code}]: {message}")?,
            (Lang::Zh, false) => write!(f, "错误[{code}]：{message}")?,
            (Lang::Zh, true) => write!(f, "警告[{code}]：{message}")?,
        }
        if self.line > 0 {
            write!(f, "\n  --> {}:{}:{}", self.file, self.line, self.column)?;
        } else {
            write!(f, "\n  --> {}", self.file)?;
        }
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // Columns count characters. A very long line is cut to a window around the
            // column so the caret stays on screen.
            let chars: Vec<char> = src.chars().collect();
            let col = (self.column.saturating_sub(1) as usize).min(chars.len());
            let (start, end) = if chars.len() > SNIPPET_WIDTH {
                let start = col.saturating_sub(SNIPPET_WIDTH / 2);
                (start, (start + SNIPPET_WIDTH).min(chars.len()))
            } else {
                (0, chars.len())
            };
            let lead = if start > 0 { "…" } else { "" };
            let tail = if end < chars.len() { "…" } else { "" };
            let shown: String = chars[start..end].iter().collect();
            let caret_pad: String = std::iter::once(lead)
                .filter(|l| !l.is_empty())
                .map(|_| ' ')
                .chain(
                    chars[start..col]
                        .iter()
                        .map(|&c| if c == '\t' { '\t' } else { ' ' }),
                )
                .collect();
            write!(
                f,
                "\n {pad} |\n {gutter} | {lead}{shown}{tail}\n {pad} | {caret_pad}^"
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_in(f, crate::i18n::display_lang())
    }
}

/// Several diagnostics reported together (a pack with many problems).
#[derive(Debug, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.code.is_warning())
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl Diagnostics {
    /// Every diagnostic in one language, blank-line separated, with a count line when there
    /// is more than one.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            let _ = d.write_in(&mut out, lang);
        }
        let errors = self.errors().count();
        let warnings = self.0.len() - errors;
        if self.0.len() > 1 {
            let _ = match lang {
                Lang::En => write!(out, "\n\n{errors} error(s), {warnings} warning(s)"),
                Lang::Zh => write!(out, "\n\n共 {errors} 个错误，{warnings} 个警告"),
            };
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(crate::i18n::display_lang()))
    }
}

impl std::error::Error for Diagnostics {}
impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_and_caret() {
        let d = Diagnostic::new(
            Code::UnknownQuestion,
            "unknown question `x`",
            "p.yaml",
            2,
            9,
        )
        .with_source("a: 1\nwhen: {answer: x}\n");
        assert_eq!(
            d.to_string(),
            "error[E004]: unknown question `x`\n  --> p.yaml:2:9\n   |\n 2 | when: {answer: x}\n   |         ^"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let d = Diagnostic::new(Code::Syntax, "bad", "p.yaml", 1, 301).with_source(&line);
        let text = d.to_string();
        let shown = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(shown.chars().count() < 120, "{shown}");
        // The caret sits under the X.
        let x = shown.chars().position(|c| c == 'X').unwrap();
        assert_eq!(caret.chars().position(|c| c == '^'), Some(x));
    }

    fn two_problems() -> Diagnostics {
        Diagnostics(vec![
            Diagnostic::new(
                Code::UnknownQuestion,
                Text::new("unknown question `x`", "未知的问题 `x`"),
                "p.yaml",
                2,
                9,
            )
            .with_source("a: 1\nwhen: {answer: x}\n"),
            Diagnostic::new(
                Code::Unused,
                Text::new(
                    "reference `r` is not used by any item",
                    "法律依据 `r` 没有被任何条目使用",
                ),
                "p.yaml",
                0,
                0,
            ),
        ])
    }

    #[test]
    fn chinese_rendering_localizes_level_and_summary() {
        assert_eq!(
            two_problems().render(Lang::Zh),
            "错误[E004]：未知的问题 `x`\n  --> p.yaml:2:9\n   |\n 2 | when: {answer: x}\n   |         ^\n\n\
             警告[W001]：法律依据 `r` 没有被任何条目使用\n  --> p.yaml\n\n\
             共 1 个错误，1 个警告"
        );
    }

    #[test]
    fn english_rendering_is_unchanged() {
        assert_eq!(
            two_problems().render(Lang::En),
            "error[E004]: unknown question `x`\n  --> p.yaml:2:9\n   |\n 2 | when: {answer: x}\n   |         ^\n\n\
             warning[W001]: reference `r` is not used by any item\n  --> p.yaml\n\n\
             1 error(s), 1 warning(s)"
        );
    }

    #[test]
    fn a_single_diagnostic_has_no_summary_line() {
        let one = Diagnostics(vec![Diagnostic::new(Code::Syntax, "bad", "p.yaml", 0, 0)]);
        assert_eq!(one.render(Lang::Zh), "错误[E001]：bad\n  --> p.yaml");
        assert_eq!(one.render(Lang::En), "error[E001]: bad\n  --> p.yaml");
    }

    #[test]
    fn every_code_has_a_chinese_description() {
        let codes = [
            Code::Syntax,
            Code::BadId,
            Code::DuplicateId,
            Code::UnknownQuestion,
            Code::UnknownOption,
            Code::TypeMismatch,
            Code::BadCondition,
            Code::BadDue,
            Code::DanglingRef,
            Code::MissingTranslation,
            Code::BadOptions,
            Code::BadProbe,
            Code::BadTemplate,
            Code::MissingField,
            Code::BadDate,
            Code::Unused,
        ];
        for code in codes {
            let zh = code.description_in(Lang::Zh);
            assert!(!zh.is_empty() && zh != code.description(), "{code:?}");
            assert_eq!(code.description_in(Lang::En), code.description());
        }
    }
}
