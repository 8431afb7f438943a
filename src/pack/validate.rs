//! Validation: turns a parsed [`RawPack`] into a [`Pack`], collecting *every* problem (ids,
//! references, conditions, due offsets, translations, templates) rather than stopping at the
//! first, each located at the line and column of the offending node.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;
use serde_saphyr::Location;

use super::model::*;
use super::raw::*;
use crate::answers;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::i18n::Text;
use crate::offset::Offset;

/// The naming rule for every id: lower case ASCII words joined by `-` or `_`.
pub fn id_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[a-z0-9]+([_-][a-z0-9]+)*$").expect("static regex"))
}

/// Scanner kinds a `scan` probe may name (stable names shared with `privaudit scan`).
pub const SCAN_KINDS: [&str; 4] = ["cn_id", "cn_mobile", "bank_card", "email"];

struct Ctx<'a> {
    file: &'a str,
    source: &'a str,
    problems: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn report(&mut self, code: Code, message: impl Into<String>, at: &Location) {
        self.problems.push(
            Diagnostic::new(code, message, self.file, at.line(), at.column())
                .with_source(self.source),
        );
    }

    fn id(&mut self, what: &str, id: &Sp<String>) {
        if !id_pattern().is_match(&id.value) {
            self.report(
                Code::BadId,
                format!(
                    "{what} id `{}` must be lower case letters and digits joined by `-` or `_` (^[a-z0-9]+([_-][a-z0-9]+)*$)",
                    id.value
                ),
                &id.referenced,
            );
        }
    }

    fn text(&mut self, field: &str, owner: &str, text: &Sp<RawText>) -> Text {
        let raw = &text.value;
        if let Some(plain) = &raw.plain {
            if plain.trim().is_empty() {
                self.report(
                    Code::MissingField,
                    format!("`{field}` of `{owner}` is empty"),
                    &text.referenced,
                );
            }
            return Text::neutral(plain.clone());
        }
        let mut pick = |lang: &str, value: &Option<String>| -> String {
            match value {
                Some(v) if !v.trim().is_empty() => v.clone(),
                Some(_) => {
                    self.report(
                        Code::MissingTranslation,
                        format!("`{field}` of `{owner}` has an empty `{lang}` text"),
                        &text.referenced,
                    );
                    String::new()
                }
                None => {
                    self.report(
                        Code::MissingTranslation,
                        format!("`{field}` of `{owner}` is missing its `{lang}` translation"),
                        &text.referenced,
                    );
                    String::new()
                }
            }
        };
        let en = pick("en", &raw.en);
        let zh = pick("zh", &raw.zh);
        Text { en, zh }
    }

    fn opt_text(&mut self, field: &str, owner: &str, text: &Option<Sp<RawText>>) -> Option<Text> {
        text.as_ref().map(|t| self.text(field, owner, t))
    }

    /// Reports duplicates among `ids`, pointing at the second occurrence.
    fn unique<'i>(&mut self, what: &str, ids: impl Iterator<Item = &'i Sp<String>>) {
        let mut seen: HashMap<&str, &Location> = HashMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.value.as_str()) {
                let msg = format!(
                    "duplicate {what} id `{}` (first defined at line {})",
                    id.value,
                    first.line()
                );
                self.report(Code::DuplicateId, msg, &id.referenced);
            } else {
                seen.insert(&id.value, &id.referenced);
            }
        }
    }
}

/// What a condition may refer to: the questions visible at that point.
struct Scope<'q> {
    questions: Vec<&'q Question>,
    /// Questions defined later in the pack (named in the error of a forward reference).
    later: HashSet<&'q str>,
}

impl Scope<'_> {
    fn find(&self, id: &str) -> Option<&Question> {
        self.questions.iter().copied().find(|q| q.id == id)
    }
}

pub fn validate(
    raw: RawPack,
    file: &str,
    source: &str,
) -> Result<(Pack, Vec<Diagnostic>), Diagnostics> {
    let mut cx = Ctx {
        file,
        source,
        problems: Vec::new(),
    };
    cx.id("pack", &raw.pack);
    let pack_id = raw.pack.value.clone();
    if raw.version.value.trim().is_empty() {
        cx.report(
            Code::MissingField,
            "`version` is empty",
            &raw.version.referenced,
        );
    }
    let title = cx.text("title", &pack_id, &raw.title);
    let description = cx.opt_text("description", &pack_id, &raw.description);
    let kind = raw.kind.value;

    // Ids first, so that later checks can resolve references even when some are broken.
    let all_question_ids = raw
        .questions
        .iter()
        .chain(raw.letters.iter().flat_map(|l| l.questions.iter()))
        .map(|q| &q.id);
    cx.unique("question", all_question_ids);
    cx.unique("item", raw.items.iter().map(|i| &i.id));
    cx.unique("reference", raw.references.iter().map(|r| &r.id));
    cx.unique("contact", raw.contacts.iter().map(|c| &c.id));
    cx.unique("letter", raw.letters.iter().map(|l| &l.id));

    let questions = validate_questions(&mut cx, &raw.questions, &[]);
    if raw.items.is_empty() {
        cx.report(
            Code::MissingField,
            "a pack needs at least one item",
            &raw.pack.referenced,
        );
    }

    let references: Vec<Reference> = raw
        .references
        .iter()
        .map(|r| {
            cx.id("reference", &r.id);
            Reference {
                id: r.id.value.clone(),
                jurisdiction: r.jurisdiction.value,
                citation: cx.text("citation", &r.id.value, &r.citation),
                summary: cx.text("summary", &r.id.value, &r.summary),
                url: r.url.clone(),
            }
        })
        .collect();
    let contacts: Vec<Contact> = raw
        .contacts
        .iter()
        .map(|c| {
            cx.id("contact", &c.id);
            if c.value.trim().is_empty() {
                cx.report(
                    Code::MissingField,
                    format!("contact `{}` has an empty `value`", c.id.value),
                    &c.id.referenced,
                );
            }
            Contact {
                id: c.id.value.clone(),
                jurisdiction: c.jurisdiction.value,
                name: cx.text("name", &c.id.value, &c.name),
                value: c.value.clone(),
                summary: cx.text("summary", &c.id.value, &c.summary),
                url: c.url.clone(),
            }
        })
        .collect();
    let letters: Vec<Letter> = raw
        .letters
        .iter()
        .map(|l| {
            cx.id("letter", &l.id);
            let mut letter_questions = validate_questions(&mut cx, &l.questions, &questions);
            // Letter questions are only asked for the letter; they never gate plan items.
            letter_questions.iter_mut().for_each(|q| q.when = None);
            let body = cx.text("body", &l.id.value, &l.body);
            for (lang, template) in [("en", &body.en), ("zh", &body.zh)] {
                if let Err(e) = crate::letter::check_template(template) {
                    cx.report(
                        Code::BadTemplate,
                        format!(
                            "the `{lang}` body of letter `{}` does not compile: {e}",
                            l.id.value
                        ),
                        &l.body.referenced,
                    );
                }
            }
            Letter {
                id: l.id.value.clone(),
                title: cx.text("title", &l.id.value, &l.title),
                questions: letter_questions,
                body,
            }
        })
        .collect();

    let scope = Scope {
        questions: questions.iter().collect(),
        later: HashSet::new(),
    };
    let mut used_refs = HashSet::new();
    let mut used_contacts = HashSet::new();
    let mut items = Vec::with_capacity(raw.items.len());
    for item in &raw.items {
        let id = item.id.value.clone();
        cx.id("item", &item.id);
        for tag in &item.tags {
            cx.id("tag", tag);
        }
        let how: Vec<Text> = item
            .how
            .value
            .iter()
            .map(|h| cx.text("how", &id, h))
            .collect();
        if how.is_empty() {
            cx.report(
                Code::MissingField,
                format!("item `{id}` needs at least one `how` step"),
                &item.how.referenced,
            );
        }
        let due = item
            .due
            .as_ref()
            .and_then(|d| match Offset::parse(&d.value) {
                Ok(o) => Some(o),
                Err(e) => {
                    cx.report(
                        Code::BadDue,
                        format!("item `{id}`: bad `due`: {e}"),
                        &d.referenced,
                    );
                    None
                }
            });
        let when = item
            .when
            .as_ref()
            .and_then(|c| condition(&mut cx, &scope, c));
        let pass = item
            .pass
            .as_ref()
            .and_then(|c| condition(&mut cx, &scope, c));
        match (kind, &item.pass) {
            (PackKind::Response, Some(p)) => cx.report(
                Code::BadCondition,
                format!("item `{id}`: `pass` is only for audit and policy packs; use `when` for a response step"),
                &p.referenced,
            ),
            (PackKind::Audit, None) => cx.report(
                Code::MissingField,
                format!("control `{id}` of an audit pack needs a `pass` condition"),
                &item.id.referenced,
            ),
            _ => {}
        }
        let refs = resolve(&mut cx, "reference", &id, &item.refs, |r| {
            references.iter().position(|x| x.id == r)
        });
        used_refs.extend(refs.iter().copied());
        let item_contacts = resolve(&mut cx, "contact", &id, &item.contacts, |c| {
            contacts.iter().position(|x| x.id == c)
        });
        used_contacts.extend(item_contacts.iter().copied());
        let letter = item.letter.as_ref().and_then(|l| {
            let found = letters.iter().position(|x| x.id == l.value);
            if found.is_none() {
                cx.report(
                    Code::DanglingRef,
                    format!(
                        "item `{id}` names letter `{}`, which the pack does not define",
                        l.value
                    ),
                    &l.referenced,
                );
            }
            found
        });
        let probe = item
            .probe
            .as_ref()
            .and_then(|p| probe(&mut cx, kind, &id, p));
        items.push(Item {
            id,
            title: cx.text("title", &item.id.value, &item.title),
            why: cx.text("why", &item.id.value, &item.why),
            how,
            priority: item.priority.value,
            due,
            when,
            pass,
            refs,
            contacts: item_contacts,
            tags: item.tags.iter().map(|t| t.value.clone()).collect(),
            letter,
            probe,
        });
    }

    for (i, r) in raw.references.iter().enumerate() {
        if !used_refs.contains(&i) {
            cx.report(
                Code::Unused,
                format!("reference `{}` is not used by any item", r.id.value),
                &r.id.referenced,
            );
        }
    }
    for (i, c) in raw.contacts.iter().enumerate() {
        if !used_contacts.contains(&i) {
            cx.report(
                Code::Unused,
                format!("contact `{}` is not used by any item", c.id.value),
                &c.id.referenced,
            );
        }
    }

    let anchor = raw
        .anchor
        .as_ref()
        .and_then(|a| special_question(&mut cx, &questions, a, QuestionType::Date, "anchor"));
    let jurisdiction = raw.jurisdiction.as_ref().and_then(|j| {
        special_question(&mut cx, &questions, j, QuestionType::Single, "jurisdiction")
    });

    let Ctx { mut problems, .. } = cx;
    problems.sort_by_key(|d| (d.line, d.column));
    if problems.iter().any(|d| !d.code.is_warning()) {
        return Err(Diagnostics(problems));
    }
    Ok((
        Pack {
            id: pack_id,
            kind,
            version: raw.version.value,
            title,
            description,
            source: file.to_owned(),
            anchor,
            jurisdiction,
            questions,
            items,
            references,
            contacts,
            letters,
        },
        problems,
    ))
}

fn special_question(
    cx: &mut Ctx,
    questions: &[Question],
    id: &Sp<String>,
    want: QuestionType,
    field: &str,
) -> Option<usize> {
    match questions.iter().position(|q| q.id == id.value) {
        None => {
            cx.report(
                Code::UnknownQuestion,
                format!(
                    "`{field}` names question `{}`, which the pack does not define",
                    id.value
                ),
                &id.referenced,
            );
            None
        }
        Some(i) if questions[i].kind != want => {
            cx.report(
                Code::TypeMismatch,
                format!(
                    "`{field}` must name a {} question, but `{}` is {}",
                    want.as_str(),
                    id.value,
                    questions[i].kind.as_str()
                ),
                &id.referenced,
            );
            None
        }
        Some(i) => Some(i),
    }
}

fn resolve(
    cx: &mut Ctx,
    what: &str,
    item: &str,
    names: &[Sp<String>],
    find: impl Fn(&str) -> Option<usize>,
) -> Vec<usize> {
    let mut out = Vec::new();
    for name in names {
        match find(&name.value) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => cx.report(
                Code::DanglingRef,
                format!(
                    "item `{item}` names {what} `{}`, which the pack does not define",
                    name.value
                ),
                &name.referenced,
            ),
        }
    }
    out
}

fn probe(cx: &mut Ctx, kind: PackKind, item: &str, p: &Sp<RawProbe>) -> Option<Probe> {
    if kind != PackKind::Policy {
        cx.report(
            Code::BadProbe,
            format!(
                "item `{item}`: probes run only in policy packs (this pack is `{}`)",
                kind.as_str()
            ),
            &p.referenced,
        );
        return None;
    }
    match &p.value {
        RawProbe::Scan(scan) => {
            let mut ok = true;
            for k in &scan.kinds {
                if !SCAN_KINDS.contains(&k.as_str()) {
                    ok = false;
                    cx.report(
                        Code::BadProbe,
                        format!(
                            "item `{item}`: unknown scan kind `{k}` (expected one of {})",
                            SCAN_KINDS.join(", ")
                        ),
                        &p.referenced,
                    );
                }
            }
            let kinds = if scan.kinds.is_empty() {
                SCAN_KINDS.iter().map(|s| s.to_string()).collect()
            } else {
                scan.kinds.clone()
            };
            ok.then_some(Probe::Scan { kinds })
        }
        RawProbe::FileExists(globs) => {
            if globs.is_empty() {
                cx.report(
                    Code::BadProbe,
                    format!("item `{item}`: `file_exists` needs at least one glob"),
                    &p.referenced,
                );
                return None;
            }
            let mut ok = true;
            for g in globs {
                if let Err(e) = globset::Glob::new(g) {
                    ok = false;
                    cx.report(
                        Code::BadProbe,
                        format!("item `{item}`: bad glob `{g}`: {e}"),
                        &p.referenced,
                    );
                }
            }
            ok.then(|| Probe::FileExists(globs.clone()))
        }
    }
}

/// Validates questions in order: a question's `when` may only look at questions before it
/// (they are asked in pack order). `outer` are questions visible from an enclosing scope.
fn validate_questions(cx: &mut Ctx, raw: &[RawQuestion], outer: &[Question]) -> Vec<Question> {
    let mut out: Vec<Question> = Vec::with_capacity(raw.len());
    let all_ids: Vec<&str> = raw.iter().map(|q| q.id.value.as_str()).collect();
    for (index, q) in raw.iter().enumerate() {
        let id = q.id.value.clone();
        cx.id("question", &q.id);
        let kind = q.kind.value;
        let choice = matches!(kind, QuestionType::Single | QuestionType::Multi);
        if choice && q.options.is_empty() {
            cx.report(
                Code::BadOptions,
                format!("question `{id}` is `{}` and needs `options`", kind.as_str()),
                &q.kind.referenced,
            );
        }
        if !choice && !q.options.is_empty() {
            cx.report(
                Code::BadOptions,
                format!(
                    "question `{id}` is `{}`; only single and multi questions take `options`",
                    kind.as_str()
                ),
                &q.options[0].id.referenced,
            );
        }
        cx.unique(
            &format!("option (of question `{id}`)"),
            q.options.iter().map(|o| &o.id),
        );
        let options: Vec<Choice> = q
            .options
            .iter()
            .map(|o| {
                cx.id("option", &o.id);
                Choice {
                    id: o.id.value.clone(),
                    label: cx.text("label", &format!("{id}.{}", o.id.value), &o.label),
                    help: cx.opt_text("help", &format!("{id}.{}", o.id.value), &o.help),
                }
            })
            .collect();
        let when = q.when.as_ref().and_then(|c| {
            let scope = Scope {
                questions: outer.iter().chain(out.iter()).collect(),
                later: all_ids[index..].iter().copied().collect(),
            };
            condition(cx, &scope, c)
        });
        let mut question = Question {
            id: id.clone(),
            kind,
            prompt: cx.text("prompt", &id, &q.prompt),
            help: cx.opt_text("help", &id, &q.help),
            options,
            default: None,
            required: q.required.unwrap_or(true),
            when,
        };
        if let Some(d) = &q.default {
            question.default = default_value(cx, &question, d);
        }
        out.push(question);
    }
    out
}

fn default_value(cx: &mut Ctx, q: &Question, d: &Sp<serde_json::Value>) -> Option<DefaultValue> {
    if q.kind == QuestionType::Date && d.value.as_str() == Some("today") {
        return Some(DefaultValue::Today);
    }
    // Defaults are checked without a "today" bound: a fixed date default is the author's call.
    match answers::coerce(q, &d.value, NaiveDate::MAX) {
        Ok(a) => Some(DefaultValue::Value(a)),
        Err(e) => {
            let code = if e.is_unknown_option() {
                Code::UnknownOption
            } else {
                Code::TypeMismatch
            };
            cx.report(
                code,
                format!("bad default for question `{}`: {e}", q.id),
                &d.referenced,
            );
            None
        }
    }
}

const OPERATORS: [&str; 10] = [
    "answered",
    "is",
    "one_of",
    "includes",
    "includes_any",
    "includes_all",
    "before",
    "after",
    "at_least",
    "at_most",
];

/// Checks one condition against the questions in scope and converts it.
fn condition(cx: &mut Ctx, scope: &Scope, c: &Sp<RawCondition>) -> Option<Condition> {
    let raw = &c.value;
    let at = &c.referenced;
    let forms = [
        raw.all.is_some(),
        raw.any.is_some(),
        raw.not.is_some(),
        raw.answer.is_some(),
    ];
    let present: Vec<&str> = OPERATORS
        .iter()
        .zip([
            raw.answered.is_some(),
            raw.is.is_some(),
            raw.one_of.is_some(),
            raw.includes.is_some(),
            raw.includes_any.is_some(),
            raw.includes_all.is_some(),
            raw.before.is_some(),
            raw.after.is_some(),
            raw.at_least.is_some(),
            raw.at_most.is_some(),
        ])
        .filter_map(|(name, set)| set.then_some(*name))
        .collect();
    if forms.iter().filter(|f| **f).count() != 1 {
        cx.report(
            Code::BadCondition,
            "a condition must be exactly one of `all`, `any`, `not` or `answer` (with one operator)",
            at,
        );
        return None;
    }
    if let Some(list) = &raw.all {
        return collect(cx, scope, list).map(Condition::All);
    }
    if let Some(list) = &raw.any {
        return collect(cx, scope, list).map(Condition::Any);
    }
    if let Some(inner) = &raw.not {
        return condition(cx, scope, inner).map(|c| Condition::Not(Box::new(c)));
    }
    let answer = raw.answer.as_ref()?;
    if present.len() != 1 {
        cx.report(
            Code::BadCondition,
            format!(
                "`answer: {}` needs exactly one operator ({}), found {}",
                answer.value,
                OPERATORS.join(", "),
                if present.is_empty() {
                    "none".to_owned()
                } else {
                    present.join(", ")
                }
            ),
            at,
        );
        return None;
    }
    let Some(q) = scope.find(&answer.value) else {
        let msg = if scope.later.contains(answer.value.as_str()) {
            format!(
                "condition names question `{}`, which is asked later; a question's `when` can only look at earlier questions",
                answer.value
            )
        } else {
            format!("condition names unknown question `{}`", answer.value)
        };
        cx.report(Code::UnknownQuestion, msg, &answer.referenced);
        return None;
    };
    let question = q.id.clone();
    let op = present[0];
    let fits = match op {
        "answered" => true,
        "is" => q.kind != QuestionType::Multi,
        "one_of" => q.kind == QuestionType::Single,
        "includes" | "includes_any" | "includes_all" => q.kind == QuestionType::Multi,
        "before" | "after" => q.kind == QuestionType::Date,
        _ => q.kind == QuestionType::Number,
    };
    if !fits {
        let hint = if q.kind == QuestionType::Multi && op == "is" {
            " (use includes, includes_any or includes_all)"
        } else {
            ""
        };
        cx.report(
            Code::TypeMismatch,
            format!(
                "operator `{op}` does not fit question `{question}`, which is {}{hint}",
                q.kind.as_str()
            ),
            &answer.referenced,
        );
        return None;
    }
    let check_options = |cx: &mut Ctx, ids: &[&Sp<String>]| -> Option<Vec<String>> {
        let mut ok = true;
        for id in ids {
            if q.option(&id.value).is_none() {
                ok = false;
                let known: Vec<&str> = q.options.iter().map(|o| o.id.as_str()).collect();
                cx.report(
                    Code::UnknownOption,
                    format!(
                        "question `{question}` has no option `{}` (options: {})",
                        id.value,
                        known.join(", ")
                    ),
                    &id.referenced,
                );
            }
        }
        ok.then(|| ids.iter().map(|i| i.value.clone()).collect())
    };
    match op {
        "answered" => Some(Condition::Answered {
            question,
            answered: raw.answered.unwrap_or(true),
        }),
        "is" => {
            let v = raw.is.as_ref()?;
            match answers::coerce(q, &v.value, NaiveDate::MAX) {
                Ok(value) => Some(Condition::Is { question, value }),
                Err(e) => {
                    let code = if e.is_unknown_option() {
                        Code::UnknownOption
                    } else {
                        Code::TypeMismatch
                    };
                    cx.report(
                        code,
                        format!("`is` value for question `{question}`: {e}"),
                        &v.referenced,
                    );
                    None
                }
            }
        }
        "one_of" => {
            let ids: Vec<&Sp<String>> = raw.one_of.iter().flatten().collect();
            check_options(cx, &ids).map(|options| Condition::OneOf { question, options })
        }
        "includes" => {
            let ids: Vec<&Sp<String>> = raw.includes.iter().collect();
            check_options(cx, &ids).map(|mut o| Condition::Includes {
                question,
                option: o.remove(0),
            })
        }
        "includes_any" => {
            let ids: Vec<&Sp<String>> = raw.includes_any.iter().flatten().collect();
            check_options(cx, &ids).map(|options| Condition::IncludesAny { question, options })
        }
        "includes_all" => {
            let ids: Vec<&Sp<String>> = raw.includes_all.iter().flatten().collect();
            check_options(cx, &ids).map(|options| Condition::IncludesAll { question, options })
        }
        "before" | "after" => {
            let s = raw.before.as_ref().or(raw.after.as_ref())?;
            match DateRef::parse(&s.value) {
                Ok(date) if op == "before" => Some(Condition::Before { question, date }),
                Ok(date) => Some(Condition::After { question, date }),
                Err(e) => {
                    cx.report(
                        Code::BadDate,
                        format!("`{op}` for question `{question}`: {e}"),
                        &s.referenced,
                    );
                    None
                }
            }
        }
        "at_least" => raw
            .at_least
            .filter(|v| v.is_finite())
            .map(|value| Condition::AtLeast { question, value }),
        _ => raw
            .at_most
            .filter(|v| v.is_finite())
            .map(|value| Condition::AtMost { question, value }),
    }
}

fn collect(cx: &mut Ctx, scope: &Scope, list: &[Sp<RawCondition>]) -> Option<Vec<Condition>> {
    // Validate every branch (to report all problems) before giving up on the whole.
    let converted: Vec<Option<Condition>> = list.iter().map(|c| condition(cx, scope, c)).collect();
    converted.into_iter().collect()
}
