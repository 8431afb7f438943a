//! Follow-through after the plan: ticking steps, the re-rendered report, and letters filled
//! from the plan, the answers file and the evidence journal, in both languages.

use super::support::{Sandbox, stdout_of};
use serde_json::Value;

const ANSWERS: &str = "leaked_data: [id_number, phone, bank_card]\ndiscovered_on: 2026-03-08\njurisdiction: cn\nfraud_attempts: true\nsource_known: company\n";

fn with_plan(answers: &str) -> Sandbox {
    let sb = Sandbox::new();
    let file = sb.file("answers.yaml", answers);
    stdout_of(
        sb.cmd()
            .args(["respond", "--non-interactive", "--answers"])
            .arg(&file),
    );
    sb
}

fn latest_json(sb: &Sandbox) -> Value {
    serde_json::from_str(&stdout_of(
        sb.cmd().args(["report", "latest", "--format", "json"]),
    ))
    .unwrap()
}

fn step<'a>(plan: &'a Value, id: &str) -> &'a Value {
    plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

#[test]
fn done_and_undo_tick_steps_in_the_saved_plan() {
    let sb = with_plan(ANSWERS);
    let status = stdout_of(sb.cmd().args(["plan", "status"]));
    assert!(status.starts_with("0 of "), "{status}");
    let overdue_before: usize = status
        .lines()
        .filter(|l| l.trim_start().starts_with("overdue:"))
        .count();
    assert!(overdue_before > 0);

    let out = stdout_of(
        sb.cmd()
            .args(["plan", "done", "freeze-cards", "report-police"]),
    );
    assert!(out.contains("freeze-cards") && out.contains("report-police"));
    let md = stdout_of(sb.cmd().args(["report", "latest"]));
    assert!(
        md.contains("- [x] **Block or replace your bank cards** (`freeze-cards`)"),
        "{md}"
    );
    assert!(md.contains("done on 2026-03-10"));
    assert!(md.contains("- [ ] **Warn your friends and family**"));
    let plan = latest_json(&sb);
    assert_eq!(step(&plan, "freeze-cards")["status"], "done");
    assert_eq!(step(&plan, "freeze-cards")["done_on"], "2026-03-10");
    assert_eq!(plan["summary"]["done"], 2);
    let status = stdout_of(sb.cmd().args(["plan", "status"]));
    assert!(status.starts_with("2 of "), "{status}");
    let overdue_after = status
        .lines()
        .filter(|l| l.trim_start().starts_with("overdue:"))
        .count();
    assert_eq!(
        overdue_after,
        overdue_before - 2,
        "ticked overdue steps are no longer overdue"
    );
    let list = stdout_of(sb.cmd().args(["plan", "list"]));
    assert!(list.lines().any(|l| l.starts_with("[x] freeze-cards")));

    stdout_of(sb.cmd().args(["plan", "undo", "freeze-cards"]));
    let plan = latest_json(&sb);
    assert_eq!(step(&plan, "freeze-cards")["status"], "open");
    assert_eq!(step(&plan, "report-police")["status"], "done");
    let ics = stdout_of(sb.cmd().args(["report", "latest", "--format", "ics"]));
    assert!(ics.contains("STATUS:COMPLETED") && ics.contains("STATUS:NEEDS-ACTION"));
}

#[test]
fn unknown_step_ids_are_refused_and_nothing_changes() {
    let sb = with_plan(ANSWERS);
    let out = sb
        .cmd()
        .args(["plan", "done", "freeze-cards", "freez-cards"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`freez-cards`"));
    assert_eq!(step(&latest_json(&sb), "freeze-cards")["status"], "open");
}

#[test]
fn status_is_counted_as_of_now() {
    let sb = with_plan(ANSWERS);
    // A week later, more steps are overdue than on the day of the plan.
    let now = stdout_of(sb.cmd().args(["plan", "status"]));
    let later = stdout_of(
        sb.cmd_at("2026-03-17T09:00:00+08:00")
            .args(["plan", "status"]),
    );
    let count = |s: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with("overdue:"))
            .count()
    };
    assert!(count(&later) > count(&now), "{now}\n---\n{later}");
}

#[test]
fn plan_without_a_saved_response_is_a_clear_error() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["plan", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("privaudit respond"));
}

const LETTER_FACTS: &str = "\
your_name: Li Lei
your_contact: lilei@example.org
provider_name: Example Shop Co.
account_identifier: member 88231
reporter_name: Li Lei
reporter_contact: +86 10 5555 0100
incident_summary: On 8 March a caller quoted my ID number and asked me to move money to a \"safe account\".
loss_details: none so far
sender_name: Lei
verify_how: call my usual number before sending money
complainant_name: Li Lei
complainant_contact: lilei@example.org
complained_company: Example Shop Co.
regulator_name: the local cyberspace administration
complaint_summary: The company leaked my data and has not answered my deletion request.
request_sent_on: 2026-03-09
provider_reply: no reply
";

#[test]
fn every_letter_renders_in_both_languages_with_every_fact_filled() {
    let sb = with_plan(ANSWERS);
    stdout_of(sb.cmd().args([
        "evidence",
        "add",
        "--kind",
        "call",
        "--from",
        "+86 10 5555 0199",
        "--note",
        "Caller quoted my ID number",
        "--at",
        "2026-03-09T15:30:00+08:00",
    ]));
    let facts = sb.file("facts.yaml", LETTER_FACTS);
    for letter in [
        "deletion-request",
        "police-report",
        "warn-contacts",
        "regulator-complaint",
    ] {
        for lang in ["en", "zh"] {
            let text = stdout_of(
                sb.cmd()
                    .args([
                        "--lang",
                        lang,
                        "letter",
                        letter,
                        "--non-interactive",
                        "--answers",
                    ])
                    .arg(&facts),
            );
            for hole in ["{{", "}}", "{%", "undefined", "[NAME]", "None"] {
                assert!(
                    !text.contains(hole),
                    "{letter}/{lang} contains `{hole}`:\n{text}"
                );
            }
            assert!(
                text.contains("Li Lei") || text.contains("Lei"),
                "{letter}/{lang} lacks the sender"
            );
            if lang == "zh" {
                assert!(
                    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{letter} zh is not Chinese"
                );
            }
            insta::assert_snapshot!(format!("letter_{letter}_{lang}"), text);
        }
    }
    let police = stdout_of(
        sb.cmd()
            .args(["letter", "police-report", "--non-interactive", "--answers"])
            .arg(&facts),
    );
    assert!(
        police.contains("+86 10 5555 0199"),
        "the evidence table is in the police report"
    );
    let deletion = stdout_of(
        sb.cmd()
            .args([
                "letter",
                "deletion-request",
                "--non-interactive",
                "--answers",
            ])
            .arg(&facts),
    );
    assert!(
        deletion.contains("Article 47"),
        "cn deletion request cites PIPL Art. 47"
    );
}

#[test]
fn eu_deletion_request_cites_gdpr_and_the_one_month_deadline() {
    let sb = with_plan("leaked_data: [email]\ndiscovered_on: 2026-03-01\njurisdiction: eu\n");
    let facts = sb.file("facts.yaml", LETTER_FACTS);
    let text = stdout_of(
        sb.cmd()
            .args([
                "letter",
                "deletion-request",
                "--non-interactive",
                "--answers",
            ])
            .arg(&facts),
    );
    assert!(
        text.contains("Article 17") && text.contains("one month"),
        "{text}"
    );
    assert!(!text.contains("Personal Information Protection Law"));
}

#[test]
fn a_missing_fact_is_named_never_left_blank() {
    let sb = with_plan(ANSWERS);
    let facts = sb.file("facts.yaml", "your_name: Li Lei\n");
    let out = sb
        .cmd()
        .args([
            "letter",
            "deletion-request",
            "--non-interactive",
            "--answers",
        ])
        .arg(&facts)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`your_contact`") && err.contains("provider_name"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let unknown = sb
        .cmd()
        .args(["letter", "love-letter", "--non-interactive"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("deletion-request"));
}
