//! iCalendar (RFC 5545) rendering: one VTODO per dated step, with a reminder, so the plan
//! lands in a calendar app. Built with the `icalendar` crate rather than by hand.

use chrono::{DateTime, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Todo, TodoStatus, Trigger};

use super::ReportDoc;
use crate::i18n::Lang;

/// RFC 5545 PRIORITY: 1 is highest, 9 lowest.
fn ical_priority(p: &str) -> u32 {
    match p {
        "critical" => 1,
        "high" => 3,
        "medium" => 5,
        _ => 9,
    }
}

/// Renders every dated item as a VTODO. DTSTAMP is the report's `--as-of` moment and UIDs
/// derive from pack, item and anchor date, so the same plan always gives the same file and
/// re-importing it updates the tasks instead of duplicating them.
pub fn ics(doc: &ReportDoc, lang: Lang) -> String {
    let stamp: DateTime<Utc> = DateTime::parse_from_rfc3339(&doc.generated_at)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default();
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"));
    cal.append_property(("PRODID", "-//privaudit//privaudit response plan//EN"));
    cal.append_property(("CALSCALE", "GREGORIAN"));
    cal.name(&doc.title);
    for group in &doc.groups {
        for item in &group.items {
            let Some(due) = item
                .due
                .as_deref()
                .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            else {
                continue;
            };
            let due_utc = due.with_timezone(&Utc);
            let mut description = String::new();
            description.push_str(&item.why);
            description.push_str("\n\n");
            description.push_str(lang.pick("How to do it:", "怎么做："));
            for (n, step) in item.how.iter().enumerate() {
                description.push_str(&format!("\n{}. {}", n + 1, step));
            }
            if !item.refs.is_empty() {
                description.push_str("\n\n");
                description.push_str(lang.pick("Legal basis:", "法律依据："));
                for r in &item.refs {
                    description.push_str(&format!("\n- {}", r.citation));
                }
            }
            if !item.contacts.is_empty() {
                description.push_str("\n\n");
                description.push_str(lang.pick("Where to turn:", "求助渠道："));
                for c in &item.contacts {
                    description.push_str(&format!("\n- {}: {}", c.name, c.value));
                }
            }
            let uid = format!("{}-{}-{}@privaudit", item.pack, item.id, doc.anchor_date);
            let mut todo = Todo::new();
            todo.uid(&uid)
                .timestamp(stamp)
                .summary(&item.title)
                .description(&description)
                .priority(ical_priority(item.priority))
                .due(due_utc)
                .add_property("CATEGORIES", "privaudit");
            if item.status == "done" {
                todo.status(TodoStatus::Completed);
                if let Some(done) = item
                    .done_on
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .and_then(|d| d.and_hms_opt(12, 0, 0))
                {
                    todo.completed(done.and_utc());
                }
            } else {
                todo.status(TodoStatus::NeedsAction);
                // Remind an hour before short deadlines, a day before longer ones.
                let lead = if item.priority == "critical" {
                    chrono::Duration::minutes(30)
                } else {
                    chrono::Duration::hours(24)
                };
                // The alarm gets a fixed stamp and UID too: the crate would otherwise fill in
                // the wall clock and a random UUID, and the file would differ on every run.
                let mut alarm = Alarm::display(&item.title, Trigger::before_end(lead));
                alarm.uid(&format!("{uid}-alarm")).timestamp(stamp);
                todo.alarm(alarm);
            }
            cal.push(todo.done());
        }
    }
    cal.done().to_string()
}
