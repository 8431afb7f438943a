//! One report model for every output: [`ReportDoc`] is built from a plan in the chosen
//! language, then rendered as Markdown, JSON, HTML (minijinja templates built into the
//! binary) or iCalendar. Reports are byte-for-byte reproducible for the same inputs.

mod ics;

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use serde::Serialize;

use crate::answers::Answer;
use crate::engine::{DueGroup, Plan, Status};
use crate::i18n::Lang;
use crate::pack::model::{Pack, PackKind, Priority};

/// Version of the JSON report format; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct ReportDoc {
    pub schema_version: u32,
    pub tool: &'static str,
    pub tool_version: &'static str,
    /// `audit`, `respond` or `check`.
    pub command: String,
    pub title: String,
    /// The `--as-of` moment, RFC 3339.
    pub generated_at: String,
    /// The date due dates count from.
    pub anchor_date: String,
    pub lang: &'static str,
    pub packs: Vec<PackDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<ChoiceDoc>,
    /// The answers the plan was built from, with their labels.
    pub answers: Vec<AnswerDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreDoc>,
    pub summary: SummaryDoc,
    /// Items grouped by when they are due (response plans) or by status (audits).
    pub groups: Vec<GroupDoc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackDoc {
    pub id: String,
    pub version: String,
    pub title: String,
}

impl PackDoc {
    /// How a report header names a pack.
    pub fn of(pack: &Pack, lang: Lang) -> PackDoc {
        PackDoc {
            id: pack.id.clone(),
            version: pack.version.clone(),
            title: pack.title.get(lang).to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ChoiceDoc {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerDoc {
    pub question: String,
    pub prompt: String,
    pub value: Answer,
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreDoc {
    pub value: u32,
    pub max: u32,
    pub if_top_three_fixed: u32,
    pub lowered_by: Vec<ScoreLine>,
    pub raised_by: Vec<ScoreLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreLine {
    pub id: String,
    pub title: String,
    /// Points, one decimal.
    pub points: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryDoc {
    pub total: usize,
    pub open: usize,
    pub done: usize,
    pub overdue: usize,
    pub pass: usize,
    pub fail: usize,
    pub not_reviewed: usize,
    pub not_applicable: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_due: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupDoc {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemDoc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemDoc {
    pub id: String,
    pub pack: String,
    pub title: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub priority_label: String,
    /// ISO 8601 date-time with offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// The due moment as a person reads it: a date, or date and time for sub-day offsets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_display: Option<String>,
    pub group: &'static str,
    pub why: String,
    pub how: Vec<String>,
    pub refs: Vec<RefDoc>,
    pub contacts: Vec<ContactDoc>,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefDoc {
    pub id: String,
    pub jurisdiction: &'static str,
    pub citation: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactDoc {
    pub id: String,
    pub jurisdiction: &'static str,
    pub name: String,
    pub value: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Renders an answer as a person reads it (option labels, localized yes/no).
pub fn display_answer(pack: &Pack, question: &str, answer: &Answer, lang: Lang) -> String {
    let q = pack.all_questions().find(|q| q.id == question);
    let label = |id: &str| {
        q.and_then(|q| q.option(id))
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    match answer {
        Answer::Bool(b) => lang
            .pick(if *b { "yes" } else { "no" }, if *b { "是" } else { "否" })
            .to_owned(),
        Answer::Number(n) => n.to_string(),
        Answer::Date(d) => d.to_string(),
        Answer::Text(t) => label(t),
        Answer::Choices(c) => c
            .iter()
            .map(|id| label(id))
            .collect::<Vec<_>>()
            .join(lang.pick(", ", "、")),
        Answer::Attest(a) => format!("{:?}", a.status),
    }
}

pub fn priority_label(p: Priority, lang: Lang) -> String {
    match p {
        Priority::Critical => lang.pick("critical", "紧急"),
        Priority::High => lang.pick("high", "高"),
        Priority::Medium => lang.pick("medium", "中"),
        Priority::Low => lang.pick("low", "低"),
    }
    .to_owned()
}

pub fn group_title(g: DueGroup, kind: PackKind, lang: Lang) -> String {
    match (kind, g) {
        (PackKind::Response, DueGroup::Overdue) => lang.pick("Overdue", "已逾期"),
        (PackKind::Response, DueGroup::Today) => lang.pick("Today", "今天"),
        (PackKind::Response, DueGroup::ThisWeek) => lang.pick("This week", "本周内"),
        (PackKind::Response, DueGroup::ThisMonth) => lang.pick("This month", "本月内"),
        (PackKind::Response, DueGroup::Later) => lang.pick("Later", "以后"),
        (_, _) => lang.pick("Any time", "随时"),
    }
    .to_owned()
}

fn status_title(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Open => lang.pick("Open", "待办"),
        Status::Done => lang.pick("Done", "已完成"),
        Status::Fail => lang.pick("To fix", "需要改进"),
        Status::NotReviewed => lang.pick("Not reviewed", "未审阅"),
        Status::Pass => lang.pick("Already good", "已做到"),
        Status::NotApplicable => lang.pick("Not applicable", "不适用"),
    }
}

/// An entry's due moment as a person reads it: the date, and the time too when the item's
/// offset is finer than a day ("within 2 hours").
pub fn due_display(pack: &Pack, entry: &crate::engine::Entry) -> Option<String> {
    let sub_day = pack.items[entry.item].due.is_some_and(|o| o.is_sub_day());
    entry.due.map(|due| {
        if sub_day {
            due.format("%Y-%m-%d %H:%M").to_string()
        } else {
            due.format("%Y-%m-%d").to_string()
        }
    })
}

/// Builds the report model for one evaluated pack.
pub fn build(
    command: &str,
    pack: &Pack,
    plan: &Plan,
    lang: Lang,
    done: &BTreeMap<String, NaiveDate>,
) -> ReportDoc {
    let items: Vec<(ItemDoc, DueGroup, Status)> = plan
        .entries
        .iter()
        .map(|e| {
            let item = &pack.items[e.item];
            let doc = ItemDoc {
                id: item.id.clone(),
                pack: pack.id.clone(),
                title: item.title.get(lang).to_owned(),
                status: e.status.as_str(),
                priority: item.priority.as_str(),
                priority_label: priority_label(item.priority, lang),
                due: e.due.map(|d| d.to_rfc3339()),
                due_display: due_display(pack, e),
                group: if e.status == Status::Done {
                    "done"
                } else {
                    e.group.as_str()
                },
                why: item.why.get(lang).to_owned(),
                how: item.how.iter().map(|h| h.get(lang).to_owned()).collect(),
                refs: e
                    .refs
                    .iter()
                    .map(|&r| {
                        let r = &pack.references[r];
                        RefDoc {
                            id: r.id.clone(),
                            jurisdiction: r.jurisdiction.as_str(),
                            citation: r.citation.get(lang).to_owned(),
                            summary: r.summary.get(lang).to_owned(),
                            url: r.url.clone(),
                        }
                    })
                    .collect(),
                contacts: e
                    .contacts
                    .iter()
                    .map(|&c| {
                        let c = &pack.contacts[c];
                        ContactDoc {
                            id: c.id.clone(),
                            jurisdiction: c.jurisdiction.as_str(),
                            name: c.name.get(lang).to_owned(),
                            value: c.value.clone(),
                            summary: c.summary.get(lang).to_owned(),
                            url: c.url.clone(),
                        }
                    })
                    .collect(),
                tags: item.tags.clone(),
                letter: item.letter.map(|l| pack.letters[l].id.clone()),
                done_on: done.get(&item.id).map(|d| d.to_string()),
                detail: e.detail.clone(),
            };
            (doc, e.group, e.status)
        })
        .collect();

    let mut summary = SummaryDoc {
        total: items.len(),
        ..SummaryDoc::default()
    };
    for (doc, group, status) in &items {
        match status {
            Status::Open => {
                summary.open += 1;
                if *group == DueGroup::Overdue {
                    summary.overdue += 1;
                }
                if summary.next_due.is_none() && *group != DueGroup::Overdue {
                    summary.next_due = doc.due_display.clone();
                }
            }
            Status::Done => summary.done += 1,
            Status::Pass => summary.pass += 1,
            Status::Fail => summary.fail += 1,
            Status::NotReviewed => summary.not_reviewed += 1,
            Status::NotApplicable => summary.not_applicable += 1,
        }
    }

    let groups = if pack.kind == PackKind::Response {
        // Open steps by when they are due; ticked-off steps together at the end.
        let mut groups: Vec<GroupDoc> = DueGroup::ALL
            .iter()
            .filter_map(|g| {
                let members: Vec<ItemDoc> = items
                    .iter()
                    .filter(|(_, group, status)| group == g && *status != Status::Done)
                    .map(|(d, _, _)| d.clone())
                    .collect();
                (!members.is_empty()).then(|| GroupDoc {
                    id: g.as_str().to_owned(),
                    title: group_title(*g, pack.kind, lang),
                    items: members,
                })
            })
            .collect();
        let done: Vec<ItemDoc> = items
            .iter()
            .filter(|(_, _, status)| *status == Status::Done)
            .map(|(d, _, _)| d.clone())
            .collect();
        if !done.is_empty() {
            groups.push(GroupDoc {
                id: "done".to_owned(),
                title: status_title(Status::Done, lang).to_owned(),
                items: done,
            });
        }
        groups
    } else {
        let mut statuses: Vec<Status> = items.iter().map(|(_, _, s)| *s).collect();
        statuses.dedup();
        statuses
            .into_iter()
            .map(|s| GroupDoc {
                id: s.as_str().to_owned(),
                title: status_title(s, lang).to_owned(),
                items: items
                    .iter()
                    .filter(|(_, _, st)| *st == s)
                    .map(|(d, _, _)| d.clone())
                    .collect(),
            })
            .collect()
    };

    let title_of = |id: &str| {
        pack.item(id)
            .map(|i| i.title.get(lang).to_owned())
            .unwrap_or_default()
    };
    let tenth = |x: f64| (x * 10.0).round() / 10.0;
    let score = plan.score.as_ref().map(|s| ScoreDoc {
        value: s.value,
        max: 100,
        if_top_three_fixed: s.if_top_three_fixed,
        lowered_by: s
            .lost
            .iter()
            .map(|(id, p)| ScoreLine {
                id: id.clone(),
                title: title_of(id),
                points: tenth(*p),
            })
            .collect(),
        raised_by: s
            .gained
            .iter()
            .map(|(id, p)| ScoreLine {
                id: id.clone(),
                title: title_of(id),
                points: tenth(*p),
            })
            .collect(),
    });

    let jurisdiction = plan.jurisdiction.as_ref().map(|j| ChoiceDoc {
        id: j.clone(),
        label: pack
            .jurisdiction
            .and_then(|i| pack.questions[i].option(j))
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| j.clone()),
    });
    let answers = pack
        .questions
        .iter()
        .filter_map(|q| {
            plan.answers.get(&q.id).map(|a| AnswerDoc {
                question: q.id.clone(),
                prompt: q.prompt.get(lang).to_owned(),
                value: a.clone(),
                display: display_answer(pack, &q.id, a, lang),
            })
        })
        .collect();

    ReportDoc {
        schema_version: SCHEMA_VERSION,
        tool: "privaudit",
        tool_version: env!("CARGO_PKG_VERSION"),
        command: command.to_owned(),
        title: pack.title.get(lang).to_owned(),
        generated_at: plan.as_of.to_rfc3339(),
        anchor_date: plan.anchor.date_naive().to_string(),
        lang: lang.code(),
        packs: vec![PackDoc::of(pack, lang)],
        jurisdiction,
        answers,
        score,
        summary,
        groups,
    }
}

/// The report chrome (headings and labels) in the report's language.
fn labels(lang: Lang) -> serde_json::Value {
    let pairs: &[(&str, &str, &str)] = &[
        ("colon", ": ", "："),
        ("period", ".", "。"),
        ("generated_at", "Generated at", "生成时间"),
        ("anchor_date", "Counting from", "起算日期"),
        ("language", "Language", "语言"),
        ("packs", "Rule packs", "规则包"),
        ("jurisdiction", "Jurisdiction", "适用地区"),
        ("answers", "Your answers", "你的回答"),
        ("score", "Score", "得分"),
        (
            "if_top_three",
            "If you fix the top three items below, your score becomes",
            "如果改正下面最重要的三项，得分将变为",
        ),
        ("lowered_by", "What lowered it", "扣分项"),
        ("raised_by", "What raised it", "得分项"),
        ("due", "Due", "截止"),
        ("done_on", "done on", "完成于"),
        ("priority", "Priority", "优先级"),
        ("why", "Why it matters", "为什么重要"),
        ("how", "How to do it", "怎么做"),
        ("refs", "Legal basis", "法律依据"),
        ("contacts", "Where to turn", "求助渠道"),
        ("letter", "Letter template", "文书模板"),
        ("summary", "Summary", "概览"),
        ("steps", "steps", "个步骤"),
        ("controls", "controls", "项检查"),
        ("open", "open", "待办"),
        ("done", "done", "已完成"),
        ("overdue", "overdue", "已逾期"),
        ("next_due", "next due", "下一个截止"),
        ("pass", "already good", "项已做到"),
        ("fail", "to fix", "项需改进"),
        ("points", "points", "分"),
        ("nothing", "Nothing to do.", "没有需要做的事项。"),
        (
            "disclaimer",
            "This plan is guidance, not legal advice. Laws and channels change; check the official sources cited.",
            "本计划仅供参考，不构成法律意见。法律和渠道可能变化，请以所引用的官方来源为准。",
        ),
    ];
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, en, zh)| ((*k).to_owned(), lang.pick(en, zh).into()))
        .collect();
    serde_json::Value::Object(map)
}

const MD_TEMPLATE: &str = include_str!("../templates/report.md.j2");
const HTML_TEMPLATE: &str = include_str!("../templates/report.html.j2");

fn render_template(name: &str, source: &str, doc: &ReportDoc, lang: Lang) -> Result<String> {
    let mut env = minijinja::Environment::new();
    // Optional fields are left out of the serialized model, so absent must mean falsy here.
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // The `.html` suffix turns on HTML auto-escaping for every interpolated value.
    env.add_template(name, source)
        .context("built-in report template")?;
    let ctx = minijinja::context! { doc => doc, L => labels(lang) };
    env.get_template(name)?
        .render(ctx)
        .with_context(|| format!("rendering the {name} report"))
}

pub fn markdown(doc: &ReportDoc, lang: Lang) -> Result<String> {
    render_template("report.md", MD_TEMPLATE, doc, lang)
}

pub fn html(doc: &ReportDoc, lang: Lang) -> Result<String> {
    render_template("report.html", HTML_TEMPLATE, doc, lang)
}

pub fn json(doc: &ReportDoc) -> Result<String> {
    let mut s = serde_json::to_string_pretty(doc)?;
    s.push('\n');
    Ok(s)
}

pub use ics::ics;
