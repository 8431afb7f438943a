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
use crate::i18n::{Lang, Text};
use crate::offset::Offset;

/// The naming rule for every id: lower case ASCII words joined by `-` or `_`.
pub fn id_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[a-z0-9]+([_-][a-z0-9]+)*$").expect("static regex"))
}

/// Scanner kinds a `scan` probe may name (stable names shared with `privaudit scan`).
pub const SCAN_KINDS: [&str; 4] = ["cn_id", "cn_mobile", "bank_card", "email"];

/// What an id names, in both languages, for messages.
#[derive(Clone, Copy)]
struct Noun<'a> {
    en: &'a str,
    zh: &'a str,
}

const PACK: Noun = Noun {
    en: "pack",
    zh: "规则包",
};
const QUESTION: Noun = Noun {
    en: "question",
    zh: "问题",
};
const OPTION: Noun = Noun {
    en: "option",
    zh: "选项",
};
const ITEM: Noun = Noun {
    en: "item",
    zh: "条目",
};
const TAG: Noun = Noun {
    en: "tag",
    zh: "标签",
};
const REFERENCE: Noun = Noun {
    en: "reference",
    zh: "法律依据",
};
const CONTACT: Noun = Noun {
    en: "contact",
    zh: "联系渠道",
};
const LETTER: Noun = Noun {
    en: "letter",
    zh: "文书模板",
};

struct Ctx<'a> {
    file: &'a str,
    source: &'a str,
    problems: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn report(&mut self, code: Code, message: Text, at: &Location) {
        self.problems.push(
            Diagnostic::new(code, message, self.file, at.line(), at.column())
                .with_source(self.source),
        );
    }

    fn id(&mut self, what: Noun, id: &Sp<String>) {
        if !id_pattern().is_match(&id.value) {
            let v = &id.value;
            self.report(
                Code::BadId,
                Text::new(
                    format!(
                        "{} id `{v}` must be lower case letters and digits joined by `-` or `_` (^[a-z0-9]+([_-][a-z0-9]+)*$)",
                        what.en
                    ),
                    format!(
                        "{} id `{v}` 只能由小写字母和数字组成，并用 `-` 或 `_` 连接（^[a-z0-9]+([_-][a-z0-9]+)*$）",
                        what.zh
                    ),
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
                    Text::new(
                        format!("`{field}` of `{owner}` is empty"),
                        format!("`{owner}` 的 `{field}` 为空"),
                    ),
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
                        Text::new(
                            format!("`{field}` of `{owner}` has an empty `{lang}` text"),
                            format!("`{owner}` 的 `{field}` 中 `{lang}` 文本为空"),
                        ),
                        &text.referenced,
                    );
                    String::new()
                }
                None => {
                    self.report(
                        Code::MissingTranslation,
                        Text::new(
                            format!("`{field}` of `{owner}` is missing its `{lang}` translation"),
                            format!("`{owner}` 的 `{field}` 缺少 `{lang}` 译文"),
                        ),
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
    fn unique<'i>(&mut self, what: Noun, ids: impl Iterator<Item = &'i Sp<String>>) {
        let mut seen: HashMap<&str, &Location> = HashMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.value.as_str()) {
                let (v, line) = (&id.value, first.line());
                let msg = Text::new(
                    format!(
                        "duplicate {} id `{v}` (first defined at line {line})",
                        what.en
                    ),
                    format!("{} id `{v}` 重复（首次定义于第 {line} 行）", what.zh),
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
    cx.id(PACK, &raw.pack);
    let pack_id = raw.pack.value.clone();
    if raw.version.value.trim().is_empty() {
        cx.report(
            Code::MissingField,
            Text::new("`version` is empty", "`version` 为空"),
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
    cx.unique(QUESTION, all_question_ids);
    cx.unique(ITEM, raw.items.iter().map(|i| &i.id));
    cx.unique(REFERENCE, raw.references.iter().map(|r| &r.id));
    cx.unique(CONTACT, raw.contacts.iter().map(|c| &c.id));
    cx.unique(LETTER, raw.letters.iter().map(|l| &l.id));

    let questions = validate_questions(&mut cx, &raw.questions, &[]);
    if raw.items.is_empty() {
        cx.report(
            Code::MissingField,
            Text::new("a pack needs at least one item", "规则包至少需要一个条目"),
            &raw.pack.referenced,
        );
    }

    let references: Vec<Reference> = raw
        .references
        .iter()
        .map(|r| {
            cx.id(REFERENCE, &r.id);
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
            cx.id(CONTACT, &c.id);
            if c.value.trim().is_empty() {
                let id = &c.id.value;
                cx.report(
                    Code::MissingField,
                    Text::new(
                        format!("contact `{id}` has an empty `value`"),
                        format!("联系渠道 `{id}` 的 `value` 为空"),
                    ),
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
            cx.id(LETTER, &l.id);
            let mut letter_questions = validate_questions(&mut cx, &l.questions, &questions);
            // Letter questions are only asked for the letter; they never gate plan items.
            letter_questions.iter_mut().for_each(|q| q.when = None);
            let body = cx.text("body", &l.id.value, &l.body);
            for (lang, template) in [("en", &body.en), ("zh", &body.zh)] {
                if let Err(e) = crate::letter::check_template(template) {
                    let id = &l.id.value;
                    cx.report(
                        Code::BadTemplate,
                        Text::new(
                            format!("the `{lang}` body of letter `{id}` does not compile: {e}"),
                            format!("文书模板 `{id}` 的 `{lang}` 正文无法编译：{e}"),
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
        cx.id(ITEM, &item.id);
        for tag in &item.tags {
            cx.id(TAG, tag);
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
                Text::new(
                    format!("item `{id}` needs at least one `how` step"),
                    format!("条目 `{id}` 至少需要一个 `how` 步骤"),
                ),
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
                        Text::new(
                            format!("item `{id}`: bad `due`: {e}"),
                            format!("条目 `{id}`：`due` 无效：{}", offset_error_zh(&d.value, &e)),
                        ),
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
                Text::new(
                    format!("item `{id}`: `pass` is only for audit and policy packs; use `when` for a response step"),
                    format!("条目 `{id}`：`pass` 只用于 audit 和 policy 规则包；response 规则包的步骤请使用 `when`"),
                ),
                &p.referenced,
            ),
            (PackKind::Audit, None) => cx.report(
                Code::MissingField,
                Text::new(
                    format!("control `{id}` of an audit pack needs a `pass` condition"),
                    format!("audit 规则包的控制项 `{id}` 需要 `pass` 条件"),
                ),
                &item.id.referenced,
            ),
            _ => {}
        }
        let refs = resolve(&mut cx, REFERENCE, &id, &item.refs, |r| {
            references.iter().position(|x| x.id == r)
        });
        used_refs.extend(refs.iter().copied());
        let item_contacts = resolve(&mut cx, CONTACT, &id, &item.contacts, |c| {
            contacts.iter().position(|x| x.id == c)
        });
        used_contacts.extend(item_contacts.iter().copied());
        let letter = item.letter.as_ref().and_then(|l| {
            let found = letters.iter().position(|x| x.id == l.value);
            if found.is_none() {
                cx.report(
                    Code::DanglingRef,
                    dangling(&id, LETTER, &l.value),
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
                unused(REFERENCE, &r.id.value),
                &r.id.referenced,
            );
        }
    }
    for (i, c) in raw.contacts.iter().enumerate() {
        if !used_contacts.contains(&i) {
            cx.report(Code::Unused, unused(CONTACT, &c.id.value), &c.id.referenced);
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

/// `item `x` names letter `y`, which the pack does not define`.
fn dangling(item: &str, what: Noun, name: &str) -> Text {
    Text::new(
        format!(
            "item `{item}` names {} `{name}`, which the pack does not define",
            what.en
        ),
        format!("条目 `{item}` 引用的{} `{name}` 在规则包中未定义", what.zh),
    )
}

/// `reference `x` is not used by any item` (a warning).
fn unused(what: Noun, id: &str) -> Text {
    Text::new(
        format!("{} `{id}` is not used by any item", what.en),
        format!("{} `{id}` 未被任何条目使用", what.zh),
    )
}

/// Chinese for an [`Offset::parse`] error on `input` (`en` is the English one).
fn offset_error_zh(input: &str, en: &str) -> String {
    let input = input.trim();
    if en.ends_with("is too large") {
        format!("偏移量 `{input}` 过大")
    } else {
        format!(
            "应为 <数字><单位>，单位为 min、h、d、w、mo 或 y（例如 2h、3d、1mo），实际为 `{input}`"
        )
    }
}

/// Chinese for a [`DateRef::parse`] error on `input`.
fn date_error_zh(input: &str) -> String {
    let input = input.trim();
    match input.strip_suffix("ago").map(str::trim) {
        Some(span) => {
            let offset = match Offset::parse(span) {
                Err(e) => offset_error_zh(span, &e),
                Ok(_) => format!("无法解析 `{span}`"),
            };
            format!("{offset}（位于 `{input}`）")
        }
        None => format!("应为 YYYY-MM-DD 格式的日期或 `30d ago` 这样的时间跨度，实际为 `{input}`"),
    }
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
            let v = &id.value;
            cx.report(
                Code::UnknownQuestion,
                Text::new(
                    format!("`{field}` names question `{v}`, which the pack does not define"),
                    format!("`{field}` 指向的问题 `{v}` 在规则包中未定义"),
                ),
                &id.referenced,
            );
            None
        }
        Some(i) if questions[i].kind != want => {
            let (v, want, is) = (&id.value, want.as_str(), questions[i].kind.as_str());
            cx.report(
                Code::TypeMismatch,
                Text::new(
                    format!("`{field}` must name a {want} question, but `{v}` is {is}"),
                    format!("`{field}` 必须指向 {want} 类型的问题，但 `{v}` 是 {is} 类型"),
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
    what: Noun,
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
                dangling(item, what, &name.value),
                &name.referenced,
            ),
        }
    }
    out
}

fn probe(cx: &mut Ctx, kind: PackKind, item: &str, p: &Sp<RawProbe>) -> Option<Probe> {
    if kind != PackKind::Policy {
        let kind = kind.as_str();
        cx.report(
            Code::BadProbe,
            Text::new(
                format!("item `{item}`: probes run only in policy packs (this pack is `{kind}`)"),
                format!("条目 `{item}`：探针只能用于 policy 规则包（本规则包为 `{kind}`）"),
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
                    let known = SCAN_KINDS.join(", ");
                    cx.report(
                        Code::BadProbe,
                        Text::new(
                            format!(
                                "item `{item}`: unknown scan kind `{k}` (expected one of {known})"
                            ),
                            format!("条目 `{item}`：未知的扫描类型 `{k}`（可选：{known}）"),
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
                    Text::new(
                        format!("item `{item}`: `file_exists` needs at least one glob"),
                        format!("条目 `{item}`：`file_exists` 至少需要一个 glob 模式"),
                    ),
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
                        Text::new(
                            format!("item `{item}`: bad glob `{g}`: {e}"),
                            format!("条目 `{item}`：glob 模式 `{g}` 无效：{e}"),
                        ),
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
        cx.id(QUESTION, &q.id);
        let kind = q.kind.value;
        let choice = matches!(kind, QuestionType::Single | QuestionType::Multi);
        if choice && q.options.is_empty() {
            let kind = kind.as_str();
            cx.report(
                Code::BadOptions,
                Text::new(
                    format!("question `{id}` is `{kind}` and needs `options`"),
                    format!("问题 `{id}` 的类型是 `{kind}`，需要提供 `options`"),
                ),
                &q.kind.referenced,
            );
        }
        if !choice && !q.options.is_empty() {
            let kind = kind.as_str();
            cx.report(
                Code::BadOptions,
                Text::new(
                    format!(
                        "question `{id}` is `{kind}`; only single and multi questions take `options`"
                    ),
                    format!(
                        "问题 `{id}` 的类型是 `{kind}`；只有 single 和 multi 类型的问题才能有 `options`"
                    ),
                ),
                &q.options[0].id.referenced,
            );
        }
        let (of_en, of_zh) = (
            format!("option (of question `{id}`)"),
            format!("问题 `{id}` 的选项"),
        );
        cx.unique(
            Noun {
                en: &of_en,
                zh: &of_zh,
            },
            q.options.iter().map(|o| &o.id),
        );
        let options: Vec<Choice> = q
            .options
            .iter()
            .map(|o| {
                cx.id(OPTION, &o.id);
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
            let id = &q.id;
            cx.report(
                code,
                Text::new(
                    format!("bad default for question `{id}`: {e}"),
                    format!("问题 `{id}` 的默认值无效：{}", e.message(Lang::Zh)),
                ),
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
            Text::new(
                "a condition must be exactly one of `all`, `any`, `not` or `answer` (with one operator)",
                "条件必须恰好是 `all`、`any`、`not` 或 `answer`（带一个运算符）中的一种",
            ),
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
        let (v, ops) = (&answer.value, OPERATORS.join(", "));
        let (found_en, found_zh) = if present.is_empty() {
            ("none".to_owned(), "但没有提供".to_owned())
        } else {
            (
                present.join(", "),
                format!("实际提供了 {}", present.join(", ")),
            )
        };
        cx.report(
            Code::BadCondition,
            Text::new(
                format!("`answer: {v}` needs exactly one operator ({ops}), found {found_en}"),
                format!("`answer: {v}` 需要恰好一个运算符（{ops}），{found_zh}"),
            ),
            at,
        );
        return None;
    }
    let Some(q) = scope.find(&answer.value) else {
        let v = &answer.value;
        let msg = if scope.later.contains(v.as_str()) {
            Text::new(
                format!(
                    "condition names question `{v}`, which is asked later; a question's `when` can only look at earlier questions"
                ),
                format!("条件引用的问题 `{v}` 在之后才会提问；问题的 `when` 只能引用它之前的问题"),
            )
        } else {
            Text::new(
                format!("condition names unknown question `{v}`"),
                format!("条件引用了未知的问题 `{v}`"),
            )
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
        let (hint_en, hint_zh) = if q.kind == QuestionType::Multi && op == "is" {
            (
                " (use includes, includes_any or includes_all)",
                "（请使用 includes、includes_any 或 includes_all）",
            )
        } else {
            ("", "")
        };
        let kind = q.kind.as_str();
        cx.report(
            Code::TypeMismatch,
            Text::new(
                format!(
                    "operator `{op}` does not fit question `{question}`, which is {kind}{hint_en}"
                ),
                format!("运算符 `{op}` 不适用于 {kind} 类型的问题 `{question}`{hint_zh}"),
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
                let (v, known) = (&id.value, known.join(", "));
                cx.report(
                    Code::UnknownOption,
                    Text::new(
                        format!("question `{question}` has no option `{v}` (options: {known})"),
                        format!("问题 `{question}` 没有选项 `{v}`（可选：{known}）"),
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
                        Text::new(
                            format!("`is` value for question `{question}`: {e}"),
                            format!(
                                "问题 `{question}` 的 `is` 取值无效：{}",
                                e.message(Lang::Zh)
                            ),
                        ),
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
                        Text::new(
                            format!("`{op}` for question `{question}`: {e}"),
                            format!(
                                "问题 `{question}` 的 `{op}` 日期无效：{}",
                                date_error_zh(&s.value)
                            ),
                        ),
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
