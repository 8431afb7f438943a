//! The validated pack: what the engine and the front ends work with. Every id in here has
//! been checked to exist, every text has both languages.

use chrono::NaiveDate;

pub use super::raw::{Jurisdiction, PackKind, Priority, QuestionType};
use crate::answers::Answer;
use crate::i18n::Text;
use crate::offset::Offset;

#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub kind: PackKind,
    pub version: String,
    pub title: Text,
    pub description: Option<Text>,
    /// Where the pack came from: `builtin:rules/audit.yaml` or the path given.
    pub source: String,
    /// Index of the date question due dates count from.
    pub anchor: Option<usize>,
    /// Index of the single-choice question that picks the jurisdiction.
    pub jurisdiction: Option<usize>,
    pub questions: Vec<Question>,
    pub items: Vec<Item>,
    pub references: Vec<Reference>,
    pub contacts: Vec<Contact>,
    pub letters: Vec<Letter>,
}

impl Pack {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
    pub fn letter(&self, id: &str) -> Option<&Letter> {
        self.letters.iter().find(|l| l.id == id)
    }
    /// Every question an answers file may answer: the pack's own and its letters'.
    pub fn all_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .chain(self.letters.iter().flat_map(|l| l.questions.iter()))
    }
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub kind: QuestionType,
    pub prompt: Text,
    pub help: Option<Text>,
    pub options: Vec<Choice>,
    pub default: Option<DefaultValue>,
    pub required: bool,
    pub when: Option<Condition>,
}

impl Question {
    pub fn option(&self, id: &str) -> Option<&Choice> {
        self.options.iter().find(|o| o.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    pub help: Option<Text>,
}

/// A question's default: a fixed answer, or (for dates) the `--as-of` day.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Value(Answer),
    Today,
}

impl DefaultValue {
    pub fn resolve(&self, today: NaiveDate) -> Answer {
        match self {
            DefaultValue::Value(a) => a.clone(),
            DefaultValue::Today => Answer::Date(today),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub title: Text,
    pub why: Text,
    pub how: Vec<Text>,
    pub priority: Priority,
    pub due: Option<Offset>,
    pub when: Option<Condition>,
    pub pass: Option<Condition>,
    /// Indices into [`Pack::references`].
    pub refs: Vec<usize>,
    /// Indices into [`Pack::contacts`].
    pub contacts: Vec<usize>,
    pub tags: Vec<String>,
    /// Index into [`Pack::letters`].
    pub letter: Option<usize>,
    pub probe: Option<Probe>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    /// Fails when the scanner finds personal data of these kinds (stable kind names).
    Scan { kinds: Vec<String> },
    /// Passes when a file matching one of these globs exists under the root.
    FileExists(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub id: String,
    pub jurisdiction: Jurisdiction,
    pub citation: Text,
    pub summary: Text,
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: String,
    pub jurisdiction: Jurisdiction,
    pub name: Text,
    pub value: String,
    pub summary: Text,
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Letter {
    pub id: String,
    pub title: Text,
    pub questions: Vec<Question>,
    pub body: Text,
}

/// A validated condition over answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Answered {
        question: String,
        answered: bool,
    },
    Is {
        question: String,
        value: Answer,
    },
    OneOf {
        question: String,
        options: Vec<String>,
    },
    Includes {
        question: String,
        option: String,
    },
    IncludesAny {
        question: String,
        options: Vec<String>,
    },
    IncludesAll {
        question: String,
        options: Vec<String>,
    },
    Before {
        question: String,
        date: DateRef,
    },
    After {
        question: String,
        date: DateRef,
    },
    AtLeast {
        question: String,
        value: f64,
    },
    AtMost {
        question: String,
        value: f64,
    },
}

impl Condition {
    /// Every question this condition looks at.
    pub fn questions(&self) -> Vec<&str> {
        match self {
            Condition::All(list) | Condition::Any(list) => {
                list.iter().flat_map(Condition::questions).collect()
            }
            Condition::Not(inner) => inner.questions(),
            Condition::Answered { question, .. }
            | Condition::Is { question, .. }
            | Condition::OneOf { question, .. }
            | Condition::Includes { question, .. }
            | Condition::IncludesAny { question, .. }
            | Condition::IncludesAll { question, .. }
            | Condition::Before { question, .. }
            | Condition::After { question, .. }
            | Condition::AtLeast { question, .. }
            | Condition::AtMost { question, .. } => vec![question.as_str()],
        }
    }
}

/// The right-hand side of a date comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateRef {
    Fixed(NaiveDate),
    /// A span back from the `--as-of` day: `30d ago`.
    Ago(Offset),
}

impl DateRef {
    pub fn parse(s: &str) -> Result<DateRef, String> {
        let s = s.trim();
        if let Some(span) = s.strip_suffix("ago") {
            return Offset::parse(span.trim())
                .map(DateRef::Ago)
                .map_err(|e| format!("{e} in `{s}`"));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(DateRef::Fixed)
            .map_err(|_| {
                format!("expected a date YYYY-MM-DD or a span like `30d ago`, found `{s}`")
            })
    }

    pub fn resolve(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            DateRef::Fixed(d) => Some(d),
            DateRef::Ago(o) => o.sub_from_date(today),
        }
    }
}
