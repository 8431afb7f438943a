//! Diagnostics: problems found in packs and answers files, each with a stable code, the file,
//! line and column, the id involved, and a source snippet when the source is at hand.

use std::fmt::{self, Write as _};

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
    pub message: String,
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: u64,
    /// 1-based; 0 when unknown.
    pub column: u64,
    /// The source line the problem is on, for the snippet.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, file: &str, line: u64, column: u64) -> Self {
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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.code.is_warning() {
            "warning"
        } else {
            "error"
        };
        write!(f, "{level}[{}]: {}", self.code.as_str(), self.message)?;
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

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            let _ = write!(out, "{d}");
        }
        let errors = self.errors().count();
        let warnings = self.0.len() - errors;
        if self.0.len() > 1 {
            let _ = write!(out, "\n\n{errors} error(s), {warnings} warning(s)");
        }
        f.write_str(&out)
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
}
