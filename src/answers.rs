//! Answers: the typed values a person gives to a pack's questions, and the answers file
//! (`--answers`, YAML or JSON) that supplies them without prompting.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::pack::model::{DefaultValue, Pack, Question, QuestionType};

/// One answer. Single choices and free text are both strings; the question's type says
/// which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Number(f64),
    Date(NaiveDate),
    Text(String),
    Choices(Vec<String>),
    Attest(Attestation),
}

/// An attested policy control: `yes`, `no` or `n/a`, with optional notes and dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attestation {
    pub status: AttestStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reviewed_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttestStatus {
    #[serde(rename = "yes")]
    Yes,
    #[serde(rename = "no")]
    No,
    #[serde(rename = "n/a")]
    NotApplicable,
}

/// Answers by question id (or, for policy packs, by attested control id).
pub type Answers = BTreeMap<String, Answer>;

/// Parses a date the way a person types it: `YYYY-MM-DD`, `today`, `yesterday`, `N days ago`
/// (also in Chinese: 今天, 昨天, N天前).
pub fn parse_human_date(input: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let s = input.trim().to_lowercase();
    let days_back = match s.as_str() {
        "today" | "今天" => Some(0),
        "yesterday" | "昨天" => Some(1),
        _ => s
            .strip_suffix("days ago")
            .or_else(|| s.strip_suffix("day ago"))
            .or_else(|| s.strip_suffix("天前"))
            .map(str::trim)
            .and_then(|n| n.parse::<u64>().ok()),
    };
    if let Some(n) = days_back {
        return today
            .checked_sub_days(chrono::Days::new(n))
            .ok_or_else(|| format!("`{input}` is too far back"));
    }
    NaiveDate::parse_from_str(s.as_str(), "%Y-%m-%d").map_err(|_| {
        format!(
            "expected a date as YYYY-MM-DD, `today`, `yesterday` or `N days ago`, found `{input}`"
        )
    })
}

/// Checks a raw value (from YAML/JSON) against a question and turns it into an [`Answer`].
/// `today` resolves relative dates and bounds dates: a leak cannot be discovered tomorrow.
pub fn coerce(
    question: &Question,
    value: &serde_json::Value,
    today: NaiveDate,
) -> Result<Answer, String> {
    use serde_json::Value as V;
    let kind = question.kind.as_str();
    match question.kind {
        QuestionType::YesNo => match value {
            V::Bool(b) => Ok(Answer::Bool(*b)),
            V::String(s) => match s.to_lowercase().as_str() {
                "yes" | "true" | "y" => Ok(Answer::Bool(true)),
                "no" | "false" | "n" => Ok(Answer::Bool(false)),
                _ => Err(format!(
                    "expected yes or no for a {kind} question, found `{s}`"
                )),
            },
            other => Err(format!("expected yes or no, found {}", describe(other))),
        },
        QuestionType::Single => match value {
            V::String(s) => {
                if question.option(s).is_some() {
                    Ok(Answer::Text(s.clone()))
                } else {
                    Err(unknown_option(question, s))
                }
            }
            other => Err(format!("expected one option id, found {}", describe(other))),
        },
        QuestionType::Multi => {
            let list: Vec<&V> = match value {
                V::Array(items) => items.iter().collect(),
                V::String(_) => vec![value],
                other => {
                    return Err(format!(
                        "expected a list of option ids, found {}",
                        describe(other)
                    ));
                }
            };
            let mut chosen: Vec<String> = Vec::new();
            for v in list {
                let V::String(s) = v else {
                    return Err(format!(
                        "expected option ids in the list, found {}",
                        describe(v)
                    ));
                };
                if question.option(s).is_none() {
                    return Err(unknown_option(question, s));
                }
                if !chosen.contains(s) {
                    chosen.push(s.clone());
                }
            }
            // Keep the pack's option order so reports do not depend on how the list was typed.
            chosen.sort_by_key(|id| question.options.iter().position(|o| &o.id == id));
            Ok(Answer::Choices(chosen))
        }
        QuestionType::Text => match value {
            V::String(s) => Ok(Answer::Text(s.clone())),
            V::Number(n) => Ok(Answer::Text(n.to_string())),
            V::Bool(b) => Ok(Answer::Text(b.to_string())),
            other => Err(format!("expected text, found {}", describe(other))),
        },
        QuestionType::Date => match value {
            V::String(s) => {
                let date = parse_human_date(s, today)?;
                if date > today {
                    Err(format!("`{s}` is in the future (today is {today})"))
                } else {
                    Ok(Answer::Date(date))
                }
            }
            other => Err(format!(
                "expected a date YYYY-MM-DD, found {}",
                describe(other)
            )),
        },
        QuestionType::Number => match value {
            V::Number(n) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(Answer::Number)
                .ok_or_else(|| "expected a finite number".to_owned()),
            V::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Answer::Number)
                .ok_or_else(|| format!("expected a number, found `{s}`")),
            other => Err(format!("expected a number, found {}", describe(other))),
        },
    }
}

/// Parses an attestation of a policy control: `yes`/`no`/`n/a` (or true/false), or a
/// mapping `{status, note, reviewed_on, expires}`.
pub fn coerce_attestation(value: &serde_json::Value) -> Result<Answer, String> {
    use serde_json::Value as V;
    let status = |v: &V| -> Result<AttestStatus, String> {
        match v {
            V::Bool(true) => Ok(AttestStatus::Yes),
            V::Bool(false) => Ok(AttestStatus::No),
            V::String(s) => match s.to_lowercase().as_str() {
                "yes" | "true" => Ok(AttestStatus::Yes),
                "no" | "false" => Ok(AttestStatus::No),
                "n/a" | "na" | "not_applicable" => Ok(AttestStatus::NotApplicable),
                _ => Err(format!("expected yes, no or n/a, found `{s}`")),
            },
            other => Err(format!(
                "expected yes, no or n/a, found {}",
                describe(other)
            )),
        }
    };
    match value {
        V::Object(map) => {
            let mut att = Attestation {
                status: AttestStatus::No,
                note: None,
                reviewed_on: None,
                expires: None,
            };
            let mut has_status = false;
            for (key, v) in map {
                match key.as_str() {
                    "status" => {
                        att.status = status(v)?;
                        has_status = true;
                    }
                    "note" => {
                        att.note = Some(
                            v.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    }
                    "reviewed_on" | "expires" => {
                        let d = v
                            .as_str()
                            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                            .ok_or_else(|| {
                                format!("`{key}` must be a date YYYY-MM-DD, found {}", describe(v))
                            })?;
                        if key == "reviewed_on" {
                            att.reviewed_on = Some(d);
                        } else {
                            att.expires = Some(d);
                        }
                    }
                    other => {
                        return Err(format!(
                            "unknown key `{other}` in an attestation (expected status, note, reviewed_on, expires)"
                        ));
                    }
                }
            }
            if !has_status {
                return Err("an attestation needs `status: yes|no|n/a`".to_owned());
            }
            Ok(Answer::Attest(att))
        }
        other => Ok(Answer::Attest(Attestation {
            status: status(other)?,
            note: None,
            reviewed_on: None,
            expires: None,
        })),
    }
}

fn unknown_option(question: &Question, found: &str) -> String {
    let ids: Vec<&str> = question.options.iter().map(|o| o.id.as_str()).collect();
    format!(
        "unknown option `{found}` for question `{}` (expected one of: {})",
        question.id,
        ids.join(", ")
    )
}

fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "nothing (null)".into(),
        serde_json::Value::Bool(b) => format!("`{b}`"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("`{s}`"),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "a mapping".into(),
    }
}

/// The keys and values of an answers file, each with its position.
struct SpannedEntries(Vec<(Spanned<String>, Spanned<serde_json::Value>)>);

impl<'de> Deserialize<'de> for SpannedEntries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = SpannedEntries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of question ids to answers")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SpannedEntries, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    let v = map.next_value::<Spanned<serde_json::Value>>()?;
                    out.push((k, v));
                }
                Ok(SpannedEntries(out))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<SpannedEntries, E> {
                // An empty file answers nothing.
                Ok(SpannedEntries(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads an answers file for the given packs. Every problem is reported at once: unknown
/// keys, unknown options, values of the wrong type, each with line and column.
pub fn parse_answers_file(
    file: &str,
    source: &str,
    packs: &[&Pack],
    today: NaiveDate,
) -> Result<Answers, Diagnostics> {
    if source.trim().is_empty() {
        return Ok(Answers::new());
    }
    let entries: SpannedEntries =
        serde_saphyr::from_str_with_options(source, crate::pack::yaml_options())
            .map_err(|e| Diagnostics(vec![crate::pack::syntax_diagnostic(file, source, &e)]))?;
    let mut answers = Answers::new();
    let mut problems = Vec::new();
    for (key, value) in entries.0 {
        let at = |code, msg: String, sp: &serde_saphyr::Location| {
            Diagnostic::new(code, msg, file, sp.line(), sp.column()).with_source(source)
        };
        let question = packs
            .iter()
            .find_map(|p| p.all_questions().find(|q| q.id == key.value));
        let result = if let Some(q) = question {
            coerce(q, &value.value, today)
        } else if packs.iter().any(|p| {
            p.kind == crate::pack::model::PackKind::Policy
                && p.item(&key.value).is_some_and(|i| i.probe.is_none())
        }) {
            coerce_attestation(&value.value)
        } else {
            problems.push(at(
                Code::UnknownQuestion,
                format!("unknown question id `{}` in the answers file", key.value),
                &key.referenced,
            ));
            continue;
        };
        match result {
            Ok(answer) => {
                answers.insert(key.value, answer);
            }
            Err(msg) => {
                let code = if msg.starts_with("unknown option") {
                    Code::UnknownOption
                } else {
                    Code::TypeMismatch
                };
                problems.push(at(
                    code,
                    format!("`{}`: {msg}", key.value),
                    &value.referenced,
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Serializes a question's default for display and sessions.
pub fn default_answer(q: &Question, today: NaiveDate) -> Option<Answer> {
    q.default.as_ref().map(|d: &DefaultValue| d.resolve(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
    }

    #[test]
    fn human_dates() {
        assert_eq!(parse_human_date("today", today()), Ok(today()));
        assert_eq!(
            parse_human_date("Yesterday", today()),
            NaiveDate::from_ymd_opt(2026, 3, 9).ok_or(String::new())
        );
        assert_eq!(
            parse_human_date("10 days ago", today()),
            NaiveDate::from_ymd_opt(2026, 2, 28).ok_or(String::new())
        );
        assert_eq!(
            parse_human_date("3天前", today()),
            NaiveDate::from_ymd_opt(2026, 3, 7).ok_or(String::new())
        );
        assert_eq!(
            parse_human_date("2024-02-29", today()),
            NaiveDate::from_ymd_opt(2024, 2, 29).ok_or(String::new())
        );
        assert!(parse_human_date("2023-02-29", today()).is_err());
        assert!(parse_human_date("next week", today()).is_err());
    }

    #[test]
    fn attestations() {
        let yes = coerce_attestation(&serde_json::json!(true)).unwrap();
        assert!(matches!(
            yes,
            Answer::Attest(Attestation {
                status: AttestStatus::Yes,
                ..
            })
        ));
        let na = coerce_attestation(&serde_json::json!("n/a")).unwrap();
        assert!(matches!(
            na,
            Answer::Attest(Attestation {
                status: AttestStatus::NotApplicable,
                ..
            })
        ));
        let full = coerce_attestation(
            &serde_json::json!({"status": "yes", "note": "DPA signed", "expires": "2027-01-01"}),
        )
        .unwrap();
        let Answer::Attest(a) = full else {
            panic!("not an attestation")
        };
        assert_eq!(a.expires, NaiveDate::from_ymd_opt(2027, 1, 1));
        assert!(coerce_attestation(&serde_json::json!({"note": "x"})).is_err());
        assert!(
            coerce_attestation(&serde_json::json!({"status": "yes", "expiry": "2027-01-01"}))
                .is_err()
        );
        assert!(coerce_attestation(&serde_json::json!("maybe")).is_err());
    }
}
