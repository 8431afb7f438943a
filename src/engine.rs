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
        C::Is { question, value } => answers.get(question).is_some_and(|a| answers_equal(a, value)),
        C::OneOf { question, options } => {
            matches!(answers.get(question), Some(Answer::Text(t)) if options.contains(t))
        }
        C::Includes { question, option } => chosen(answers, question).is_some_and(|c| c.contains(option)),
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
        C::AtLeast { question, value } => matches!(answers.get(question), Some(Answer::Number(n)) if n >= value),
        C::AtMost { question, value } => matches!(answers.get(question), Some(Answer::Number(n)) if n <= value),
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
pub fn pending_questions<'p>(pack: &'p Pack, answers: &Answers, today: NaiveDate) -> Vec<&'p crate::pack::model::Question> {
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
    let jurisdiction = pack.jurisdiction.and_then(|i| match answers.get(&pack.questions[i].id) {
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
fn anchor_time(pack: &Pack, answers: &Answers, as_of: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let date = pack.anchor.and_then(|i| match answers.get(&pack.questions[i].id) {
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
            Some(p) => (if p.passed { Status::Pass } else { Status::Fail }, Some(p.detail.clone())),
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
                return (Status::NotReviewed, Some(format!("attestation expired on {expires}")));
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
    let passed: f64 = entries.iter().filter(|e| e.status == Status::Pass).map(weight).sum();
    let mut failed: Vec<&Entry> = entries.iter().filter(|e| e.status == Status::Fail).collect();
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
