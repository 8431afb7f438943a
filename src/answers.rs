//! Answers: the typed values a person gives to a pack's questions, and the answers file
//! (`--answers`, YAML or JSON) that supplies them without prompting.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::i18n::Lang;
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

/// Why a value does not fit a question, in words for either language.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueError {
    NotYesNo(Found),
    UnknownOption {
        question: String,
        found: String,
        expected: Vec<String>,
    },
    NotOptionId(Found),
    NotList(Found),
    NotText(Found),
    BadDate(String),
    FutureDate {
        input: String,
        today: NaiveDate,
    },
    TooFarBack(String),
    NotDate(Found),
    NotNumber(Found),
    BadAttestation(Found),
    AttestationKey(String),
    AttestationDate {
        key: String,
        found: Found,
    },
    AttestationStatusMissing,
}

/// A value as found in a file, for messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List,
    Mapping,
}

impl Found {
    pub fn of(v: &serde_json::Value) -> Found {
        match v {
            serde_json::Value::Null => Found::Null,
            serde_json::Value::Bool(b) => Found::Bool(*b),
            serde_json::Value::Number(n) => Found::Number(n.to_string()),
            serde_json::Value::String(s) => Found::Text(s.clone()),
            serde_json::Value::Array(_) => Found::List,
            serde_json::Value::Object(_) => Found::Mapping,
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Found::Null, Lang::En) => "nothing (null)".into(),
            (Found::Null, Lang::Zh) => "空值".into(),
            (Found::Bool(b), _) => format!("`{b}`"),
            (Found::Number(n), Lang::En) => format!("the number {n}"),
            (Found::Number(n), Lang::Zh) => format!("数字 {n}"),
            (Found::Text(t), _) => format!("`{t}`"),
            (Found::List, Lang::En) => "a list".into(),
            (Found::List, Lang::Zh) => "一个列表".into(),
            (Found::Mapping, Lang::En) => "a mapping".into(),
            (Found::Mapping, Lang::Zh) => "一个映射".into(),
        }
    }
}

impl ValueError {
    /// Unknown option ids get their own diagnostic code.
    pub fn is_unknown_option(&self) -> bool {
        matches!(self, ValueError::UnknownOption { .. })
    }

    pub fn message(&self, lang: Lang) -> String {
        use ValueError as E;
        let zh = lang == Lang::Zh;
        match self {
            E::NotYesNo(f) if zh => format!("应为 yes 或 no，实际为 {}", f.describe(lang)),
            E::NotYesNo(f) => format!("expected yes or no, found {}", f.describe(lang)),
            E::UnknownOption {
                question,
                found,
                expected,
            } if zh => format!(
                "问题 `{question}` 没有选项 `{found}`（可选：{}）",
                expected.join(", ")
            ),
            E::UnknownOption {
                question,
                found,
                expected,
            } => format!(
                "unknown option `{found}` for question `{question}` (expected one of: {})",
                expected.join(", ")
            ),
            E::NotOptionId(f) if zh => format!("应为一个选项 id，实际为 {}", f.describe(lang)),
            E::NotOptionId(f) => format!("expected one option id, found {}", f.describe(lang)),
            E::NotList(f) if zh => format!("应为选项 id 列表，实际为 {}", f.describe(lang)),
            E::NotList(f) => format!("expected a list of option ids, found {}", f.describe(lang)),
            E::NotText(f) if zh => format!("应为文本，实际为 {}", f.describe(lang)),
            E::NotText(f) => format!("expected text, found {}", f.describe(lang)),
            E::BadDate(input) if zh => format!(
                "请输入日期，例如 2026-03-08、today、yesterday 或 3 days ago，实际为 `{input}`"
            ),
            E::BadDate(input) => format!(
                "expected a date as YYYY-MM-DD, `today`, `yesterday` or `N days ago`, found `{input}`"
            ),
            E::FutureDate { input, today } if zh => format!("`{input}` 晚于今天（今天是 {today}）"),
            E::FutureDate { input, today } => {
                format!("`{input}` is in the future (today is {today})")
            }
            E::TooFarBack(input) if zh => format!("`{input}` 太久远了"),
            E::TooFarBack(input) => format!("`{input}` is too far back"),
            E::NotDate(f) if zh => {
                format!("应为 YYYY-MM-DD 格式的日期，实际为 {}", f.describe(lang))
            }
            E::NotDate(f) => format!("expected a date YYYY-MM-DD, found {}", f.describe(lang)),
            E::NotNumber(f) if zh => format!("应为数字，实际为 {}", f.describe(lang)),
            E::NotNumber(f) => format!("expected a number, found {}", f.describe(lang)),
            E::BadAttestation(f) if zh => {
                format!("应为 yes、no 或 n/a，实际为 {}", f.describe(lang))
            }
            E::BadAttestation(f) => format!("expected yes, no or n/a, found {}", f.describe(lang)),
            E::AttestationKey(k) if zh => {
                format!("认证中有未知的键 `{k}`（可用：status、note、reviewed_on、expires）")
            }
            E::AttestationKey(k) => format!(
                "unknown key `{k}` in an attestation (expected status, note, reviewed_on, expires)"
            ),
            E::AttestationDate { key, found } if zh => {
                format!(
                    "`{key}` 应为 YYYY-MM-DD 格式的日期，实际为 {}",
                    found.describe(lang)
                )
            }
            E::AttestationDate { key, found } => {
                format!(
                    "`{key}` must be a date YYYY-MM-DD, found {}",
                    found.describe(lang)
                )
            }
            E::AttestationStatusMissing if zh => "认证需要 `status: yes|no|n/a`".to_owned(),
            E::AttestationStatusMissing => "an attestation needs `status: yes|no|n/a`".to_owned(),
        }
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Parses a date the way a person types it: `YYYY-MM-DD`, `today`, `yesterday`, `N days ago`
/// (also in Chinese: 今天, 昨天, N天前).
pub fn parse_human_date(input: &str, today: NaiveDate) -> Result<NaiveDate, ValueError> {
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
            .ok_or_else(|| ValueError::TooFarBack(input.to_owned()));
    }
    NaiveDate::parse_from_str(s.as_str(), "%Y-%m-%d")
        .map_err(|_| ValueError::BadDate(input.to_owned()))
}

/// Checks a raw value (from YAML/JSON) against a question and turns it into an [`Answer`].
/// `today` resolves relative dates and bounds dates: a leak cannot be discovered tomorrow.
pub fn coerce(
    question: &Question,
    value: &serde_json::Value,
    today: NaiveDate,
) -> Result<Answer, ValueError> {
    use serde_json::Value as V;
    let found = || Found::of(value);
    match question.kind {
        QuestionType::YesNo => match value {
            V::Bool(b) => Ok(Answer::Bool(*b)),
            V::String(s) => match s.to_lowercase().as_str() {
                "yes" | "true" | "y" => Ok(Answer::Bool(true)),
                "no" | "false" | "n" => Ok(Answer::Bool(false)),
                _ => Err(ValueError::NotYesNo(found())),
            },
            _ => Err(ValueError::NotYesNo(found())),
        },
        QuestionType::Single => match value {
            V::String(s) => {
                if question.option(s).is_some() {
                    Ok(Answer::Text(s.clone()))
                } else {
                    Err(unknown_option(question, s))
                }
            }
            _ => Err(ValueError::NotOptionId(found())),
        },
        QuestionType::Multi => {
            let list: Vec<&V> = match value {
                V::Array(items) => items.iter().collect(),
                V::String(_) => vec![value],
                _ => return Err(ValueError::NotList(found())),
            };
            let mut chosen: Vec<String> = Vec::new();
            for v in list {
                let V::String(s) = v else {
                    return Err(ValueError::NotOptionId(Found::of(v)));
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
            _ => Err(ValueError::NotText(found())),
        },
        QuestionType::Date => match value {
            V::String(s) => {
                let date = parse_human_date(s, today)?;
                if date > today {
                    Err(ValueError::FutureDate {
                        input: s.clone(),
                        today,
                    })
                } else {
                    Ok(Answer::Date(date))
                }
            }
            _ => Err(ValueError::NotDate(found())),
        },
        QuestionType::Number => match value {
            V::Number(n) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(Answer::Number)
                .ok_or_else(|| ValueError::NotNumber(found())),
            V::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Answer::Number)
                .ok_or_else(|| ValueError::NotNumber(found())),
            _ => Err(ValueError::NotNumber(found())),
        },
    }
}

/// Parses an attestation of a policy control: `yes`/`no`/`n/a` (or true/false), or a
/// mapping `{status, note, reviewed_on, expires}`.
pub fn coerce_attestation(value: &serde_json::Value) -> Result<Answer, ValueError> {
    use serde_json::Value as V;
    let status = |v: &V| -> Result<AttestStatus, ValueError> {
        match v {
            V::Bool(true) => Ok(AttestStatus::Yes),
            V::Bool(false) => Ok(AttestStatus::No),
            V::String(s) => match s.to_lowercase().as_str() {
                "yes" | "true" => Ok(AttestStatus::Yes),
                "no" | "false" => Ok(AttestStatus::No),
                "n/a" | "na" | "not_applicable" => Ok(AttestStatus::NotApplicable),
                _ => Err(ValueError::BadAttestation(Found::of(v))),
            },
            other => Err(ValueError::BadAttestation(Found::of(other))),
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
                            .ok_or_else(|| ValueError::AttestationDate {
                                key: key.clone(),
                                found: Found::of(v),
                            })?;
                        if key == "reviewed_on" {
                            att.reviewed_on = Some(d);
                        } else {
                            att.expires = Some(d);
                        }
                    }
                    other => return Err(ValueError::AttestationKey(other.to_owned())),
                }
            }
            if !has_status {
                return Err(ValueError::AttestationStatusMissing);
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

fn unknown_option(question: &Question, found: &str) -> ValueError {
    ValueError::UnknownOption {
        question: question.id.clone(),
        found: found.to_owned(),
        expected: question.options.iter().map(|o| o.id.clone()).collect(),
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
    lang: Lang,
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
                unknown_key_message(packs, &key.value, lang),
                &key.referenced,
            ));
            continue;
        };
        match result {
            Ok(answer) => {
                answers.insert(key.value, answer);
            }
            Err(msg) => {
                let code = if msg.is_unknown_option() {
                    Code::UnknownOption
                } else {
                    Code::TypeMismatch
                };
                problems.push(at(
                    code,
                    format!(
                        "`{}`{}{}",
                        key.value,
                        lang.pick(": ", "："),
                        msg.message(lang)
                    ),
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

/// Explains a key the packs do not know: an automated control cannot be attested, and a
/// near miss gets a suggestion.
fn unknown_key_message(packs: &[&Pack], key: &str, lang: Lang) -> String {
    let automated = packs
        .iter()
        .any(|p| p.item(key).is_some_and(|i| i.probe.is_some()));
    if automated {
        return match lang {
            Lang::En => format!(
                "`{key}` is an automated control, checked by its probe on every run; it cannot be attested in the answers file"
            ),
            Lang::Zh => format!(
                "`{key}` 是自动检查的控制项，每次运行都会由探测自动检查，不能在回答文件中认证"
            ),
        };
    }
    let known = packs.iter().flat_map(|p| {
        p.all_questions().map(|q| q.id.as_str()).chain(
            p.items
                .iter()
                .filter(|i| p.kind == crate::pack::model::PackKind::Policy && i.probe.is_none())
                .map(|i| i.id.as_str()),
        )
    });
    let suggestion = known
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k);
    match (lang, suggestion) {
        (Lang::En, Some(s)) => {
            format!("unknown question id `{key}` in the answers file (did you mean `{s}`?)")
        }
        (Lang::En, None) => format!("unknown question id `{key}` in the answers file"),
        (Lang::Zh, Some(s)) => format!("回答文件中有未知的问题 id `{key}`（是不是 `{s}`？）"),
        (Lang::Zh, None) => format!("回答文件中有未知的问题 id `{key}`"),
    }
}

/// Levenshtein distance over characters (ids are short, so the quadratic table is fine).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
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
            Ok(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap())
        );
        assert_eq!(
            parse_human_date("10 days ago", today()),
            Ok(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap())
        );
        assert_eq!(
            parse_human_date("3天前", today()),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 7).unwrap())
        );
        assert_eq!(
            parse_human_date("2024-02-29", today()),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
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

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("leaked_data", "leaked_data"), 0);
        assert_eq!(edit_distance("leaked_dta", "leaked_data"), 1);
        assert_eq!(edit_distance("jurisdiction", "jurisdictoin"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("数据", "数值"), 1);
    }

    #[test]
    fn value_errors_read_well_in_both_languages() {
        let e = ValueError::FutureDate {
            input: "2026-03-11".into(),
            today: today(),
        };
        assert_eq!(
            e.message(Lang::En),
            "`2026-03-11` is in the future (today is 2026-03-10)"
        );
        assert_eq!(
            e.message(Lang::Zh),
            "`2026-03-11` 晚于今天（今天是 2026-03-10）"
        );
        let e = ValueError::NotYesNo(Found::of(&serde_json::json!([1])));
        assert_eq!(e.message(Lang::En), "expected yes or no, found a list");
        assert_eq!(e.message(Lang::Zh), "应为 yes 或 no，实际为 一个列表");
    }
}
