//! The engine: pure functions from a pack, answers and a clock reading to a plan. Nothing
//! here touches the terminal, the file system or the real clock.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use serde::Serialize;

use crate::answers::{Answer, Answers, AttestStatus};
use crate::pack::model::{Condition, Jurisdiction, Pack, PackKind, Priority};

/// Whether a condition holds. A predicate on an unanswered question is false.
pub fn holds(cond: &Condition, answers: &Answers, today: NaiveDate) -> bool {
    use Condition as C;
    match cond {
        C::All(list) => list.iter().all(|c| holds(c, answers, today)),
        C::Any(list) => list.iter().any(|c| holds(c, answers, today)),
        C::Not(inner) => !holds(inner, answers, today),
        C::Answered { question, answered } => answers.contains_key(question) == *answered,
        C::Is { question, value } => answers
            .get(question)
            .is_some_and(|a| answers_equal(a, value)),
        C::OneOf { question, options } => {
            matches!(answers.get(question), Some(Answer::Text(t)) if options.contains(t))
        }
        C::Includes { question, option } => {
            chosen(answers, question).is_some_and(|c| c.contains(option))
        }
        C::IncludesAny { question, options } => {
            chosen(answers, question).is_some_and(|c| options.iter().any(|o| c.contains(o)))
        }
        C::IncludesAll { question, options } => {
            chosen(answers, question).is_some_and(|c| options.iter().all(|o| c.contains(o)))
        }
        C::Before { question, date } => match (answers.get(question), date.resolve(today)) {
            (Some(Answer::Date(d)), Some(limit)) => *d < limit,
            _ => false,
        },
        C::After { question, date } => match (answers.get(question), date.resolve(today)) {
            (Some(Answer::Date(d)), Some(limit)) => *d > limit,
            _ => false,
        },
        C::AtLeast { question, value } => {
            matches!(answers.get(question), Some(Answer::Number(n)) if n >= value)
        }
        C::AtMost { question, value } => {
            matches!(answers.get(question), Some(Answer::Number(n)) if n <= value)
        }
    }
}

fn answers_equal(a: &Answer, b: &Answer) -> bool {
    match (a, b) {
        (Answer::Number(x), Answer::Number(y)) => (x - y).abs() < f64::EPSILON,
        _ => a == b,
    }
}

fn chosen<'a>(answers: &'a Answers, question: &str) -> Option<&'a Vec<String>> {
    match answers.get(question) {
        Some(Answer::Choices(c)) => Some(c),
        _ => None,
    }
}

/// What is still to be asked, in pack order: questions whose `when` holds and that have no
/// answer yet. Used by the interview and by non-interactive runs to name what is missing.
pub fn pending_questions<'p>(
    pack: &'p Pack,
    answers: &Answers,
    today: NaiveDate,
) -> Vec<&'p crate::pack::model::Question> {
    pack.questions
        .iter()
        .filter(|q| !answers.contains_key(&q.id))
        .filter(|q| q.when.as_ref().is_none_or(|c| holds(c, answers, today)))
        .collect()
}

/// Fills in defaults, in pack order, for questions that apply and are unanswered, and drops
/// answers to questions whose `when` no longer holds (so a stale answer cannot trigger steps).
/// Returns the ids of required questions that still have no answer.
pub fn complete_with_defaults(pack: &Pack, answers: &mut Answers, today: NaiveDate) -> Vec<String> {
    let mut missing = Vec::new();
    for q in &pack.questions {
        let applies = q.when.as_ref().is_none_or(|c| holds(c, answers, today));
        if !applies {
            answers.remove(&q.id);
            continue;
        }
        if answers.contains_key(&q.id) {
            continue;
        }
        if let Some(d) = &q.default {
            answers.insert(q.id.clone(), d.resolve(today));
        } else if q.required {
            missing.push(q.id.clone());
        }
    }
    missing
}

/// How an item came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A response step still to do.
    Open,
    /// A response step ticked off with `plan done`.
    Done,
    /// An audit or policy control that failed.
    Fail,
    /// An attested control without a (current) attestation.
    NotReviewed,
    /// A control that passed.
    Pass,
    /// An attested control marked n/a.
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Done => "done",
            Status::Fail => "fail",
            Status::NotReviewed => "not_reviewed",
            Status::Pass => "pass",
            Status::NotApplicable => "not_applicable",
        }
    }
}

/// When a step is due relative to now, for grouping the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueGroup {
    Overdue,
    Today,
    ThisWeek,
    ThisMonth,
    Later,
    /// Items without a due date.
    Anytime,
}

impl DueGroup {
    pub const ALL: [DueGroup; 6] = [
        DueGroup::Overdue,
        DueGroup::Today,
        DueGroup::ThisWeek,
        DueGroup::ThisMonth,
        DueGroup::Later,
        DueGroup::Anytime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DueGroup::Overdue => "overdue",
            DueGroup::Today => "today",
            DueGroup::ThisWeek => "this_week",
            DueGroup::ThisMonth => "this_month",
            DueGroup::Later => "later",
            DueGroup::Anytime => "anytime",
        }
    }

    /// Overdue: due before now. Today: later today. This week: within 7 days. This month:
    /// within a calendar month. Later: after that.
    pub fn classify(due: Option<DateTime<FixedOffset>>, now: DateTime<FixedOffset>) -> DueGroup {
        let Some(due) = due else {
            return DueGroup::Anytime;
        };
        if due < now {
            DueGroup::Overdue
        } else if due.date_naive() == now.date_naive() {
            DueGroup::Today
        } else if due <= now + chrono::Days::new(7) {
            DueGroup::ThisWeek
        } else if now
            .checked_add_months(chrono::Months::new(1))
            .is_none_or(|month| due <= month)
        {
            DueGroup::ThisMonth
        } else {
            DueGroup::Later
        }
    }
}

/// One item of the plan, as evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into the pack's items.
    pub item: usize,
    pub status: Status,
    pub due: Option<DateTime<FixedOffset>>,
    pub group: DueGroup,
    /// References and contacts for the chosen jurisdiction (indices into the pack).
    pub refs: Vec<usize>,
    pub contacts: Vec<usize>,
    /// Why a control has this status, when the engine knows more than pass/fail (probe
    /// findings, attestation notes, expiry).
    pub detail: Option<String>,
}

/// The audit score and what moved it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// 0–100.
    pub value: u32,
    /// Points each failed control costs, by item id, largest first.
    pub lost: Vec<(String, f64)>,
    /// Points each passed control earned, by item id, largest first.
    pub gained: Vec<(String, f64)>,
    /// The score if the three most important failures were fixed.
    pub if_top_three_fixed: u32,
}

/// The result of evaluating one pack.
#[derive(Debug, Clone)]
pub struct Plan {
    pub pack: String,
    pub kind: PackKind,
    pub as_of: DateTime<FixedOffset>,
    /// The moment due dates count from.
    pub anchor: DateTime<FixedOffset>,
    /// The chosen jurisdiction option id, when the pack routes by jurisdiction.
    pub jurisdiction: Option<String>,
    pub answers: Answers,
    pub entries: Vec<Entry>,
    pub score: Option<Score>,
}

/// Results of automated probes for policy controls, computed by `check` before evaluation
/// (the engine itself never touches the file system).
#[derive(Debug, Clone, Default)]
pub struct ProbeResults(pub BTreeMap<String, ProbeOutcome>);

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeOutcome {
    pub passed: bool,
    pub detail: String,
}

/// Step ids already ticked off, with the date each was done.
pub type DoneSteps = BTreeMap<String, NaiveDate>;

/// Evaluates a pack. `answers` should already have defaults applied
/// ([`complete_with_defaults`]); unanswered questions simply make their predicates false.
pub fn evaluate(
    pack: &Pack,
    answers: &Answers,
    as_of: DateTime<FixedOffset>,
    probes: &ProbeResults,
    done: &DoneSteps,
) -> Plan {
    let today = as_of.date_naive();
    let anchor = anchor_time(pack, answers, as_of);
    let jurisdiction = pack
        .jurisdiction
        .and_then(|i| match answers.get(&pack.questions[i].id) {
            Some(Answer::Text(j)) => Some(j.clone()),
            _ => None,
        });
    let routes = |j: Jurisdiction| match (&jurisdiction, j) {
        (_, Jurisdiction::Any) | (None, _) => true,
        (Some(chosen), j) => chosen == j.as_str(),
    };

    let mut entries = Vec::new();
    for (index, item) in pack.items.iter().enumerate() {
        if !item.when.as_ref().is_none_or(|c| holds(c, answers, today)) {
            continue;
        }
        let (status, detail) = match pack.kind {
            PackKind::Response => match done.get(&item.id) {
                Some(_) => (Status::Done, None),
                None => (Status::Open, None),
            },
            PackKind::Audit => {
                let pass = item.pass.as_ref().is_some_and(|c| holds(c, answers, today));
                (if pass { Status::Pass } else { Status::Fail }, None)
            }
            PackKind::Policy => policy_status(item, answers, probes, today),
        };
        let due = item.due.and_then(|d| d.add_to(anchor));
        entries.push(Entry {
            item: index,
            status,
            group: DueGroup::classify(due, as_of),
            due,
            refs: item
                .refs
                .iter()
                .copied()
                .filter(|&r| routes(pack.references[r].jurisdiction))
                .collect(),
            contacts: item
                .contacts
                .iter()
                .copied()
                .filter(|&c| routes(pack.contacts[c].jurisdiction))
                .collect(),
            detail,
        });
    }

    let score = (pack.kind == PackKind::Audit).then(|| score(pack, &entries));
    sort_entries(pack, &mut entries);
    Plan {
        pack: pack.id.clone(),
        kind: pack.kind,
        as_of,
        anchor,
        jurisdiction,
        answers: answers.clone(),
        entries,
        score,
    }
}

/// Due dates count from the anchor question's date. A leak found today counts from now;
/// one found on an earlier day counts from the start of that day, so "within 2 hours" of an
/// old discovery is already overdue, as it should be.
fn anchor_time(
    pack: &Pack,
    answers: &Answers,
    as_of: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    let date = pack
        .anchor
        .and_then(|i| match answers.get(&pack.questions[i].id) {
            Some(Answer::Date(d)) => Some(*d),
            _ => None,
        });
    match date {
        Some(d) if d < as_of.date_naive() => as_of
            .timezone()
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .unwrap_or(as_of),
        _ => as_of,
    }
}

fn policy_status(
    item: &crate::pack::model::Item,
    answers: &Answers,
    probes: &ProbeResults,
    today: NaiveDate,
) -> (Status, Option<String>) {
    if item.probe.is_some() {
        return match probes.0.get(&item.id) {
            Some(p) => (
                if p.passed { Status::Pass } else { Status::Fail },
                Some(p.detail.clone()),
            ),
            None => (Status::NotReviewed, Some("probe not run".to_owned())),
        };
    }
    if let Some(pass) = &item.pass {
        let ok = holds(pass, answers, today);
        return (if ok { Status::Pass } else { Status::Fail }, None);
    }
    match answers.get(&item.id) {
        Some(Answer::Attest(att)) => {
            if let Some(expires) = att.expires.filter(|e| *e < today) {
                return (
                    Status::NotReviewed,
                    Some(format!("attestation expired on {expires}")),
                );
            }
            let status = match att.status {
                AttestStatus::Yes => Status::Pass,
                AttestStatus::No => Status::Fail,
                AttestStatus::NotApplicable => Status::NotApplicable,
            };
            (status, att.note.clone())
        }
        _ => (Status::NotReviewed, None),
    }
}

fn score(pack: &Pack, entries: &[Entry]) -> Score {
    let weight = |e: &Entry| f64::from(pack.items[e.item].priority.weight());
    let total: f64 = entries.iter().map(weight).sum();
    if total == 0.0 {
        return Score {
            value: 100,
            lost: Vec::new(),
            gained: Vec::new(),
            if_top_three_fixed: 100,
        };
    }
    let points = |e: &Entry| weight(e) * 100.0 / total;
    let passed: f64 = entries
        .iter()
        .filter(|e| e.status == Status::Pass)
        .map(weight)
        .sum();
    let mut failed: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.status == Status::Fail)
        .collect();
    // Most costly first; ties keep pack order.
    failed.sort_by(|a, b| {
        pack.items[a.item]
            .priority
            .cmp(&pack.items[b.item].priority)
            .then(a.item.cmp(&b.item))
    });
    let top_three: f64 = failed.iter().take(3).map(|e| weight(e)).sum();
    let round = |x: f64| (x * 100.0 / total).round() as u32;
    let mut gained: Vec<(String, f64)> = entries
        .iter()
        .filter(|e| e.status == Status::Pass)
        .map(|e| (pack.items[e.item].id.clone(), points(e)))
        .collect();
    gained.sort_by(|a, b| b.1.total_cmp(&a.1));
    Score {
        value: round(passed),
        lost: failed
            .iter()
            .map(|e| (pack.items[e.item].id.clone(), points(e)))
            .collect(),
        gained,
        if_top_three_fixed: round(passed + top_three),
    }
}

/// Response plans: by due date (overdue first), then priority, then pack order. Audits and
/// policies: failures first, by priority, then pack order.
fn sort_entries(pack: &Pack, entries: &mut [Entry]) {
    let priority = |e: &Entry| pack.items[e.item].priority;
    match pack.kind {
        PackKind::Response => entries.sort_by(|a, b| {
            let key = |e: &Entry| (e.due.is_none(), e.due);
            key(a)
                .cmp(&key(b))
                .then(priority(a).cmp(&priority(b)))
                .then(a.item.cmp(&b.item))
        }),
        PackKind::Audit | PackKind::Policy => entries.sort_by(|a, b| {
            a.status
                .cmp(&b.status)
                .then(priority(a).cmp(&priority(b)))
                .then(a.item.cmp(&b.item))
        }),
    }
}

/// Counts steps for `plan status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub open: usize,
    pub overdue: usize,
}

pub fn progress(plan: &Plan) -> Progress {
    let mut p = Progress::default();
    for e in &plan.entries {
        match e.status {
            Status::Done => p.done += 1,
            _ if e.group == DueGroup::Overdue => {
                p.open += 1;
                p.overdue += 1;
            }
            _ => p.open += 1,
        }
    }
    p
}

/// Whether a priority meets a threshold (`--fail-on high` includes critical).
pub fn at_or_above(p: Priority, threshold: Priority) -> bool {
    p <= threshold
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::Attestation;
    use chrono::NaiveDate;

    const PACK: &str = r#"
pack: t
kind: response
version: "1"
title: {en: T, zh: 测试}
anchor: found
jurisdiction: where
questions:
  - {id: found, type: date, prompt: {en: When?, zh: 何时？}}
  - id: where
    type: single
    prompt: {en: Where?, zh: 哪里？}
    options:
      - {id: cn, label: {en: China, zh: 中国}}
      - {id: eu, label: {en: EU, zh: 欧盟}}
  - id: what
    type: multi
    prompt: {en: What?, zh: 什么？}
    options:
      - {id: phone, label: {en: Phone, zh: 电话}}
      - {id: card, label: {en: Card, zh: 卡}}
      - {id: email, label: {en: Email, zh: 邮箱}}
  - {id: lost, type: yes_no, prompt: {en: Lost money?, zh: 损失？}, default: false}
  - {id: amount, type: number, prompt: {en: How much?, zh: 多少？}, when: {answer: lost, is: true}, required: false}
  - {id: note, type: text, prompt: {en: Note?, zh: 备注？}, required: false}
items:
  - {id: always, title: {en: A, zh: 甲}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, due: 30d}
  - {id: card-step, title: {en: C, zh: 卡}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: critical, due: 1h, when: {answer: what, includes: card}, refs: [law-cn, law-eu, law-any], contacts: [police-cn]}
  - {id: any-step, title: {en: Y, zh: 乙}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high, due: 2d, when: {answer: what, includes_any: [phone, email]}}
  - {id: all-step, title: {en: L, zh: 丙}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: medium, due: 1mo, when: {answer: what, includes_all: [phone, email]}}
  - {id: not-step, title: {en: N, zh: 丁}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: medium, due: 1w, when: {not: {answer: lost, is: true}}}
  - {id: big-loss, title: {en: B, zh: 戊}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: critical, due: 0h, when: {all: [{answer: lost, is: true}, {answer: amount, at_least: 1000}]}}
  - {id: small-loss, title: {en: S, zh: 己}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high, due: 1d, when: {answer: amount, at_most: 999.5}}
  - {id: old-leak, title: {en: O, zh: 庚}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, due: 3y, when: {answer: found, before: 1y ago}}
  - {id: fresh-leak, title: {en: F, zh: 辛}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, when: {answer: found, after: 2026-01-01}}
  - {id: eu-only, title: {en: E, zh: 壬}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high, due: 1mo, when: {any: [{answer: where, one_of: [eu]}, {answer: note, answered: true}]}}
  - {id: no-note, title: {en: X, zh: 癸}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, when: {answer: note, answered: false}}
  - {id: note-is, title: {en: X, zh: 子}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, when: {answer: note, is: hello}}
references:
  - {id: law-cn, jurisdiction: cn, citation: {en: CN law, zh: 中国法}, summary: {en: s, zh: 要}}
  - {id: law-eu, jurisdiction: eu, citation: {en: EU law, zh: 欧盟法}, summary: {en: s, zh: 要}}
  - {id: law-any, jurisdiction: any, citation: {en: Any law, zh: 通用}, summary: {en: s, zh: 要}}
contacts:
  - {id: police-cn, jurisdiction: cn, name: {en: Police, zh: 警察}, value: "110", summary: {en: s, zh: 要}}
"#;

    fn pack() -> Pack {
        crate::pack::load_str("t.yaml", PACK)
            .map(|(p, _)| p)
            .unwrap_or_else(|d| panic!("{d}"))
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn answers(found: NaiveDate, place: &str, what: &[&str]) -> Answers {
        let mut a = Answers::new();
        a.insert("found".into(), Answer::Date(found));
        a.insert("where".into(), Answer::Text(place.into()));
        a.insert(
            "what".into(),
            Answer::Choices(what.iter().map(|s| s.to_string()).collect()),
        );
        a
    }

    fn plan_ids(pack: &Pack, a: &Answers, now: &str) -> Vec<String> {
        let mut a = a.clone();
        complete_with_defaults(pack, &mut a, at(now).date_naive());
        let plan = evaluate(
            pack,
            &a,
            at(now),
            &ProbeResults::default(),
            &DoneSteps::new(),
        );
        plan.entries
            .iter()
            .map(|e| pack.items[e.item].id.clone())
            .collect()
    }

    #[test]
    fn includes_forms_follow_the_multi_answer() {
        let p = pack();
        let now = "2026-03-10T09:00:00+08:00";
        let ids = plan_ids(&p, &answers(day(2026, 3, 10), "cn", &["card"]), now);
        assert!(ids.contains(&"card-step".into()));
        assert!(!ids.contains(&"any-step".into()));
        assert!(!ids.contains(&"all-step".into()));
        let ids = plan_ids(&p, &answers(day(2026, 3, 10), "cn", &["phone"]), now);
        assert!(!ids.contains(&"card-step".into()));
        assert!(ids.contains(&"any-step".into()));
        assert!(!ids.contains(&"all-step".into()));
        let ids = plan_ids(
            &p,
            &answers(day(2026, 3, 10), "cn", &["phone", "email"]),
            now,
        );
        assert!(ids.contains(&"any-step".into()) && ids.contains(&"all-step".into()));
    }

    #[test]
    fn not_all_and_number_comparisons() {
        let p = pack();
        let now = "2026-03-10T09:00:00+08:00";
        let base = answers(day(2026, 3, 10), "cn", &[]);
        let ids = plan_ids(&p, &base, now);
        // `lost` defaults to false, so `not lost` holds and the loss steps do not appear.
        assert!(ids.contains(&"not-step".into()));
        assert!(!ids.contains(&"big-loss".into()) && !ids.contains(&"small-loss".into()));

        let mut big = base.clone();
        big.insert("lost".into(), Answer::Bool(true));
        big.insert("amount".into(), Answer::Number(1000.0));
        let ids = plan_ids(&p, &big, now);
        assert!(ids.contains(&"big-loss".into()));
        assert!(!ids.contains(&"small-loss".into()));
        assert!(!ids.contains(&"not-step".into()));

        let mut small = big.clone();
        small.insert("amount".into(), Answer::Number(999.5));
        let ids = plan_ids(&p, &small, now);
        assert!(!ids.contains(&"big-loss".into()) && ids.contains(&"small-loss".into()));
    }

    #[test]
    fn stale_answers_to_questions_that_no_longer_apply_are_dropped() {
        let p = pack();
        let mut a = answers(day(2026, 3, 10), "cn", &[]);
        a.insert("amount".into(), Answer::Number(5000.0)); // but `lost` is false
        complete_with_defaults(&p, &mut a, day(2026, 3, 10));
        assert!(!a.contains_key("amount"));
    }

    #[test]
    fn date_comparisons_fixed_and_relative() {
        let p = pack();
        let now = "2026-03-10T09:00:00+08:00";
        let old = plan_ids(&p, &answers(day(2025, 3, 9), "cn", &[]), now);
        assert!(old.contains(&"old-leak".into()));
        assert!(!old.contains(&"fresh-leak".into()));
        // Exactly one year ago is not *before* one year ago.
        let edge = plan_ids(&p, &answers(day(2025, 3, 10), "cn", &[]), now);
        assert!(!edge.contains(&"old-leak".into()));
        let fresh = plan_ids(&p, &answers(day(2026, 1, 2), "cn", &[]), now);
        assert!(fresh.contains(&"fresh-leak".into()));
        let boundary = plan_ids(&p, &answers(day(2026, 1, 1), "cn", &[]), now);
        assert!(!boundary.contains(&"fresh-leak".into()));
    }

    #[test]
    fn answered_one_of_and_text_is() {
        let p = pack();
        let now = "2026-03-10T09:00:00+08:00";
        let cn = plan_ids(&p, &answers(day(2026, 3, 10), "cn", &[]), now);
        assert!(!cn.contains(&"eu-only".into()));
        assert!(cn.contains(&"no-note".into()));
        let eu = plan_ids(&p, &answers(day(2026, 3, 10), "eu", &[]), now);
        assert!(eu.contains(&"eu-only".into()));
        let mut noted = answers(day(2026, 3, 10), "cn", &[]);
        noted.insert("note".into(), Answer::Text("hello".into()));
        let ids = plan_ids(&p, &noted, now);
        assert!(ids.contains(&"eu-only".into()) && ids.contains(&"note-is".into()));
        assert!(!ids.contains(&"no-note".into()));
    }

    #[test]
    fn references_and_contacts_route_by_jurisdiction() {
        let p = pack();
        let now = at("2026-03-10T09:00:00+08:00");
        for (place, want_refs, want_contacts) in [
            ("cn", vec!["law-cn", "law-any"], vec!["police-cn"]),
            ("eu", vec!["law-eu", "law-any"], vec![]),
        ] {
            let a = answers(day(2026, 3, 10), place, &["card"]);
            let plan = evaluate(&p, &a, now, &ProbeResults::default(), &DoneSteps::new());
            let e = plan
                .entries
                .iter()
                .find(|e| p.items[e.item].id == "card-step")
                .unwrap();
            let refs: Vec<&str> = e
                .refs
                .iter()
                .map(|&r| p.references[r].id.as_str())
                .collect();
            let contacts: Vec<&str> = e
                .contacts
                .iter()
                .map(|&c| p.contacts[c].id.as_str())
                .collect();
            assert_eq!(refs, want_refs, "{place}");
            assert_eq!(contacts, want_contacts, "{place}");
            assert_eq!(plan.jurisdiction.as_deref(), Some(place));
        }
    }

    #[test]
    fn due_dates_cross_month_and_year_ends() {
        let p = pack();
        // Found on New Year's Eve, evaluated the same evening: due times count from now.
        let now = at("2025-12-31T22:30:00+08:00");
        let a = answers(day(2025, 12, 31), "cn", &["card", "phone", "email"]);
        let plan = evaluate(&p, &a, now, &ProbeResults::default(), &DoneSteps::new());
        let due = |id: &str| {
            plan.entries
                .iter()
                .find(|e| p.items[e.item].id == id)
                .and_then(|e| e.due)
                .unwrap()
        };
        assert_eq!(due("card-step"), at("2025-12-31T23:30:00+08:00"));
        assert_eq!(due("any-step"), at("2026-01-02T22:30:00+08:00"));
        assert_eq!(due("always"), at("2026-01-30T22:30:00+08:00"));
        assert_eq!(due("all-step"), at("2026-01-31T22:30:00+08:00"));

        // Found on Jan 31 (an earlier day): counts from midnight; +1mo clamps to Feb 28.
        let now = at("2026-02-01T08:00:00+01:00");
        let a = answers(day(2026, 1, 31), "eu", &["phone", "email"]);
        let plan = evaluate(&p, &a, now, &ProbeResults::default(), &DoneSteps::new());
        assert_eq!(plan.anchor, at("2026-01-31T00:00:00+01:00"));
        let all = plan
            .entries
            .iter()
            .find(|e| p.items[e.item].id == "all-step")
            .unwrap();
        assert_eq!(all.due, Some(at("2026-02-28T00:00:00+01:00")));
    }

    #[test]
    fn overdue_steps_come_first_then_priority() {
        let p = pack();
        // Found five days ago: the 1h and 2d steps are overdue.
        let now = at("2026-03-10T09:00:00+08:00");
        let a = answers(day(2026, 3, 5), "cn", &["card", "phone"]);
        let plan = evaluate(&p, &a, now, &ProbeResults::default(), &DoneSteps::new());
        let groups: Vec<(&str, DueGroup)> = plan
            .entries
            .iter()
            .map(|e| (p.items[e.item].id.as_str(), e.group))
            .collect();
        assert_eq!(groups[0], ("card-step", DueGroup::Overdue));
        assert_eq!(groups[1], ("any-step", DueGroup::Overdue));
        assert!(groups.iter().skip(2).all(|(_, g)| *g != DueGroup::Overdue));
        // Groups never go backwards in time.
        assert!(groups.windows(2).all(|w| w[0].1 <= w[1].1));
        let progress = progress(&plan);
        assert_eq!(progress.overdue, 2);
    }

    #[test]
    fn due_groups_by_distance_from_now() {
        let now = at("2026-03-10T09:00:00+08:00");
        let g = |s: &str| DueGroup::classify(Some(at(s)), now);
        assert_eq!(g("2026-03-10T08:59:00+08:00"), DueGroup::Overdue);
        assert_eq!(g("2026-03-10T23:00:00+08:00"), DueGroup::Today);
        assert_eq!(g("2026-03-17T09:00:00+08:00"), DueGroup::ThisWeek);
        assert_eq!(g("2026-04-10T09:00:00+08:00"), DueGroup::ThisMonth);
        assert_eq!(g("2026-04-10T09:01:00+08:00"), DueGroup::Later);
        assert_eq!(DueGroup::classify(None, now), DueGroup::Anytime);
    }

    #[test]
    fn done_steps_are_marked() {
        let p = pack();
        let now = at("2026-03-10T09:00:00+08:00");
        let a = answers(day(2026, 3, 10), "cn", &["card"]);
        let mut done = DoneSteps::new();
        done.insert("card-step".into(), day(2026, 3, 10));
        let plan = evaluate(&p, &a, now, &ProbeResults::default(), &done);
        let e = plan
            .entries
            .iter()
            .find(|e| p.items[e.item].id == "card-step")
            .unwrap();
        assert_eq!(e.status, Status::Done);
        assert_eq!(progress(&plan).done, 1);
    }

    const AUDIT: &str = r#"
pack: a
kind: audit
version: "1"
title: {en: A, zh: 甲}
questions:
  - {id: q1, type: yes_no, prompt: {en: one, zh: 一}}
  - {id: q2, type: yes_no, prompt: {en: two, zh: 二}}
  - {id: q3, type: yes_no, prompt: {en: three, zh: 三}}
  - {id: q4, type: yes_no, prompt: {en: four, zh: 四}}
  - {id: q5, type: yes_no, prompt: {en: five, zh: 五}, when: {answer: q4, is: true}}
items:
  - {id: c1, title: {en: c1, zh: 一}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: critical, pass: {answer: q1, is: true}}
  - {id: c2, title: {en: c2, zh: 二}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high, pass: {answer: q2, is: true}}
  - {id: c3, title: {en: c3, zh: 三}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: medium, pass: {answer: q3, is: true}}
  - {id: c4, title: {en: c4, zh: 四}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, pass: {answer: q4, is: true}}
  - {id: c5, title: {en: c5, zh: 五}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, pass: {answer: q5, is: true}, when: {answer: q4, is: true}}
"#;

    #[test]
    fn audit_score_weights_priorities_and_projects_top_three() {
        let (p, _) = crate::pack::load_str("a.yaml", AUDIT).unwrap();
        let now = at("2026-03-10T09:00:00+08:00");
        let mut a = Answers::new();
        for (q, v) in [("q1", false), ("q2", false), ("q3", true), ("q4", false)] {
            a.insert(q.into(), Answer::Bool(v));
        }
        let plan = evaluate(&p, &a, now, &ProbeResults::default(), &DoneSteps::new());
        // c5 does not apply (q4 is false): weights 8 + 4 + 2 + 1 = 15, passed 2.
        let s = plan.score.clone().unwrap();
        assert_eq!(s.value, (2.0f64 * 100.0 / 15.0).round() as u32);
        let lost: Vec<&str> = s.lost.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(lost, ["c1", "c2", "c4"]);
        assert!((s.lost[0].1 - 800.0 / 15.0).abs() < 1e-9);
        assert_eq!(s.if_top_three_fixed, 100);
        // Failures first, by priority.
        let order: Vec<&str> = plan
            .entries
            .iter()
            .map(|e| p.items[e.item].id.as_str())
            .collect();
        assert_eq!(order, ["c1", "c2", "c4", "c3"]);
    }

    #[test]
    fn policy_attestations_and_expiry() {
        let yaml = r#"
pack: p
kind: policy
version: "1"
title: {en: P, zh: 规}
items:
  - {id: a1, title: {en: a, zh: 甲}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high}
  - {id: a2, title: {en: b, zh: 乙}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high}
  - {id: a3, title: {en: c, zh: 丙}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low}
  - {id: a4, title: {en: d, zh: 丁}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low}
  - {id: a5, title: {en: e, zh: 戊}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, probe: {file_exists: [PRIVACY.md]}}
"#;
        let (p, _) = crate::pack::load_str("p.yaml", yaml).unwrap();
        let now = at("2026-03-10T09:00:00+08:00");
        let mut a = Answers::new();
        let att = |status, expires: Option<NaiveDate>| {
            Answer::Attest(Attestation {
                status,
                note: None,
                reviewed_on: None,
                expires,
            })
        };
        a.insert("a1".into(), att(AttestStatus::Yes, Some(day(2026, 3, 9))));
        a.insert("a2".into(), att(AttestStatus::No, None));
        a.insert("a3".into(), att(AttestStatus::NotApplicable, None));
        let mut probes = ProbeResults::default();
        probes.0.insert(
            "a5".into(),
            ProbeOutcome {
                passed: true,
                detail: "found".into(),
            },
        );
        let plan = evaluate(&p, &a, now, &probes, &DoneSteps::new());
        let status = |id: &str| {
            plan.entries
                .iter()
                .find(|e| p.items[e.item].id == id)
                .unwrap()
                .status
        };
        assert_eq!(status("a1"), Status::NotReviewed, "expired attestation");
        assert_eq!(status("a2"), Status::Fail);
        assert_eq!(status("a3"), Status::NotApplicable);
        assert_eq!(status("a4"), Status::NotReviewed);
        assert_eq!(status("a5"), Status::Pass);
        assert!(at_or_above(Priority::Critical, Priority::High));
        assert!(!at_or_above(Priority::Medium, Priority::High));
    }
}
