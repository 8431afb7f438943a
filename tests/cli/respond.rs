//! `respond`: routing by jurisdiction, steps per data class, due dates, ordering, reports in
//! every format and both languages, and non-interactive behaviour.

use std::collections::BTreeSet;

use super::support::{Sandbox, stdout_of};
use serde_json::Value;

const AS_OF: &str = "2026-03-10T09:00:00+08:00";

fn plan_json(sb: &Sandbox, answers: &str, as_of: &str) -> Value {
    let file = sb.file("answers.yaml", answers);
    let out = stdout_of(
        sb.cmd_at(as_of)
            .args([
                "respond",
                "--non-interactive",
                "--format",
                "json",
                "--answers",
            ])
            .arg(&file),
    );
    serde_json::from_str(&out).expect("respond --format json is JSON")
}

fn items(plan: &Value) -> Vec<&Value> {
    plan["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["items"].as_array().expect("items").iter())
        .collect()
}

fn ids(plan: &Value) -> Vec<String> {
    items(plan)
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn item<'a>(plan: &'a Value, id: &str) -> &'a Value {
    items(plan)
        .into_iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no step `{id}` in the plan"))
}

#[test]
fn three_answers_alone_give_a_complete_plan() {
    let sb = Sandbox::new();
    let plan = plan_json(
        &sb,
        "leaked_data: [phone]\ndiscovered_on: 2026-03-10\njurisdiction: cn\n",
        AS_OF,
    );
    let ids = ids(&plan);
    for always in [
        "collect-evidence",
        "ignore-trivial",
        "notify-contacts",
        "request-deletion",
        "lock-phone-number",
    ] {
        assert!(
            ids.contains(&always.to_owned()),
            "{always} missing from {ids:?}"
        );
    }
    assert_eq!(plan["schema_version"], 1);
    assert_eq!(plan["anchor_date"], "2026-03-10");
    assert_eq!(plan["jurisdiction"]["id"], "cn");
}

#[test]
fn each_jurisdiction_routes_to_its_own_law_and_contacts() {
    let sb = Sandbox::new();
    let answers = |j: &str| {
        format!(
            "leaked_data: [id_number, phone, email, bank_card, password]\ndiscovered_on: 2026-03-10\njurisdiction: {j}\nsource_known: company\nmoney_lost: true\n"
        )
    };
    let mut seen_refs = std::collections::BTreeMap::new();
    for j in ["cn", "eu", "us", "other"] {
        let plan = plan_json(&sb, &answers(j), AS_OF);
        let mut refs = BTreeSet::new();
        let mut contacts = BTreeSet::new();
        for i in items(&plan) {
            for r in i["refs"].as_array().unwrap() {
                let rj = r["jurisdiction"].as_str().unwrap();
                assert!(
                    rj == j || rj == "any",
                    "{j} plan cites {rj} law {}",
                    r["id"]
                );
                refs.insert(r["id"].as_str().unwrap().to_owned());
            }
            for c in i["contacts"].as_array().unwrap() {
                let cj = c["jurisdiction"].as_str().unwrap();
                assert!(
                    cj == j || cj == "any",
                    "{j} plan lists {cj} contact {}",
                    c["id"]
                );
                contacts.insert(c["value"].as_str().unwrap().to_owned());
            }
        }
        match j {
            "cn" => {
                for number in ["110", "96110", "12315"] {
                    assert!(
                        contacts.contains(number),
                        "cn plan lacks {number}: {contacts:?}"
                    );
                }
                assert!(
                    refs.contains("pipl-47") && refs.contains("pipl-69"),
                    "{refs:?}"
                );
                assert!(ids(&plan).contains(&"cn-emergency-stop-payment".to_owned()));
            }
            "eu" => {
                for r in ["gdpr-17", "gdpr-77", "gdpr-79", "gdpr-82"] {
                    assert!(refs.contains(r), "eu plan lacks {r}: {refs:?}");
                }
                assert!(!ids(&plan).contains(&"us-credit-freeze".to_owned()));
            }
            "us" => {
                let ids = ids(&plan);
                for step in [
                    "us-credit-freeze",
                    "us-fraud-alert",
                    "us-report-identity-theft",
                    "us-irs-ip-pin",
                ] {
                    assert!(ids.contains(&step.to_owned()), "us plan lacks {step}");
                }
                assert!(contacts.iter().any(|c| c.contains("identitytheft.gov") || c.contains("IdentityTheft.gov")), "{contacts:?}");
            }
            _ => {
                assert!(
                    refs.iter()
                        .all(|r| !r.starts_with("pipl") && !r.starts_with("gdpr")),
                    "{refs:?}"
                );
                assert!(
                    !ids(&plan)
                        .iter()
                        .any(|i| i.starts_with("cn-") || i.starts_with("us-"))
                );
            }
        }
        seen_refs.insert(j, refs);
    }
    assert_ne!(seen_refs["cn"], seen_refs["eu"]);
}

#[test]
fn a_data_class_step_appears_exactly_when_that_class_leaked() {
    let sb = Sandbox::new();
    let cases = [
        ("bank_card", "freeze-cards"),
        ("phone", "lock-phone-number"),
        ("biometrics", "protect-biometrics"),
        ("health", "health-data"),
        ("email", "secure-email"),
        ("security_answers", "change-security-answers"),
        ("password", "change-passwords"),
    ];
    for (class, step) in cases {
        let with = plan_json(
            &sb,
            &format!("leaked_data: [{class}]\ndiscovered_on: 2026-03-10\njurisdiction: eu\n"),
            AS_OF,
        );
        assert!(
            ids(&with).contains(&step.to_owned()),
            "{step} missing when {class} leaked"
        );
        let others: Vec<&str> = cases.iter().map(|c| c.0).filter(|c| *c != class).collect();
        let without = plan_json(
            &sb,
            &format!(
                "leaked_data: [{}]\ndiscovered_on: 2026-03-10\njurisdiction: eu\n",
                others.join(", ")
            ),
            AS_OF,
        );
        assert!(
            !ids(&without).contains(&step.to_owned()),
            "{step} present though {class} did not leak"
        );
    }
}

#[test]
fn due_dates_count_from_discovery_across_month_and_year_ends() {
    let sb = Sandbox::new();
    // Found on New Year's Eve, planned the same evening.
    let plan = plan_json(
        &sb,
        "leaked_data: [bank_card]\ndiscovered_on: 2025-12-31\njurisdiction: cn\nsource_known: company\n",
        "2025-12-31T22:30:00+08:00",
    );
    assert_eq!(
        item(&plan, "freeze-cards")["due"],
        "2025-12-31T23:30:00+08:00"
    );
    assert_eq!(
        item(&plan, "report-police")["due"],
        "2026-01-01T22:30:00+08:00"
    );
    assert_eq!(
        item(&plan, "request-deletion")["due"],
        "2026-01-03T22:30:00+08:00"
    );
    assert_eq!(
        item(&plan, "claim-compensation")["due"],
        "2026-03-31T22:30:00+08:00"
    );

    // Found on 30 November, planned a day later: counts from the start of the discovery day;
    // three months after Nov 30 is the last day of February.
    let plan = plan_json(
        &sb,
        "leaked_data: [bank_card, id_number]\ndiscovered_on: 2025-11-30\njurisdiction: cn\nsource_known: company\n",
        "2025-12-01T08:00:00+08:00",
    );
    assert_eq!(plan["anchor_date"], "2025-11-30");
    assert_eq!(
        item(&plan, "freeze-cards")["due"],
        "2025-11-30T01:00:00+08:00"
    );
    assert_eq!(item(&plan, "freeze-cards")["group"], "overdue");
    assert_eq!(
        item(&plan, "claim-compensation")["due"],
        "2026-02-28T00:00:00+08:00"
    );
    assert_eq!(
        item(&plan, "recheck-credit-report")["due"],
        "2025-12-30T00:00:00+08:00"
    );
}

#[test]
fn overdue_steps_come_first_and_groups_run_forward_in_time() {
    let sb = Sandbox::new();
    let plan = plan_json(
        &sb,
        "leaked_data: [bank_card, phone, id_number]\ndiscovered_on: 2026-03-05\njurisdiction: cn\n",
        AS_OF,
    );
    let groups: Vec<&str> = plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(groups.first(), Some(&"overdue"));
    let order = [
        "overdue",
        "today",
        "this_week",
        "this_month",
        "later",
        "anytime",
    ];
    let pos: Vec<usize> = groups
        .iter()
        .map(|g| order.iter().position(|o| o == g).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{groups:?}");
    let as_of = chrono::DateTime::parse_from_rfc3339(AS_OF).unwrap();
    let mut last = None;
    for i in items(&plan) {
        let due = chrono::DateTime::parse_from_rfc3339(i["due"].as_str().unwrap()).unwrap();
        assert_eq!(i["group"] == "overdue", due < as_of, "{}", i["id"]);
        if let Some(prev) = last {
            assert!(prev <= due, "steps out of date order at {}", i["id"]);
        }
        last = Some(due);
    }
    assert_eq!(
        plan["summary"]["overdue"].as_u64().unwrap() as usize,
        plan["groups"][0]["items"].as_array().unwrap().len()
    );
}

#[test]
fn json_report_has_ids_iso_dates_and_refs() {
    let sb = Sandbox::new();
    let plan = plan_json(
        &sb,
        "leaked_data: [password, email]\ndiscovered_on: 2026-03-09\njurisdiction: eu\n",
        AS_OF,
    );
    assert_eq!(plan["generated_at"], AS_OF);
    assert_eq!(plan["lang"], "en");
    assert_eq!(plan["packs"][0]["id"], "response");
    for i in items(&plan) {
        assert!(i["id"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(["open", "done"].contains(&i["status"].as_str().unwrap()));
        assert!(["critical", "high", "medium", "low"].contains(&i["priority"].as_str().unwrap()));
        chrono::DateTime::parse_from_rfc3339(i["due"].as_str().unwrap())
            .expect("ISO 8601 due date");
        assert!(i["refs"].is_array() && i["how"].as_array().is_some_and(|h| !h.is_empty()));
    }
}

#[test]
fn missing_required_answer_is_an_error_naming_the_question() {
    let sb = Sandbox::new();
    let file = sb.file("a.yaml", "leaked_data: [phone]\njurisdiction: cn\n");
    let out = sb
        .cmd()
        .args(["respond", "--non-interactive", "--answers"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`discovered_on`"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn without_a_terminal_it_never_prompts_or_hangs() {
    // No --non-interactive, but stdin is not a terminal: the missing answers are an error.
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .arg("respond")
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`leaked_data`"), "{err}");
}

#[test]
fn out_file_is_private_and_identical_to_stdout_and_runs_are_reproducible() {
    let sb = Sandbox::new();
    let answers = sb.file(
        "a.yaml",
        "leaked_data: [phone, bank_card]\ndiscovered_on: 2026-03-08\njurisdiction: us\n",
    );
    for format in ["md", "json", "html", "ics"] {
        let first = stdout_of(
            sb.cmd()
                .args([
                    "respond",
                    "--non-interactive",
                    "--format",
                    format,
                    "--answers",
                ])
                .arg(&answers),
        );
        let second = stdout_of(
            sb.cmd()
                .args([
                    "respond",
                    "--non-interactive",
                    "--format",
                    format,
                    "--answers",
                ])
                .arg(&answers),
        );
        assert!(first == second, "{format} output differs between runs");
        let out = sb.dir.path().join(format!("reports/plan.{format}"));
        let status = sb
            .cmd()
            .args([
                "respond",
                "--non-interactive",
                "--format",
                format,
                "--answers",
            ])
            .arg(&answers)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success());
        assert!(status.stdout.is_empty(), "--out must keep stdout empty");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{format} report mode");
        }
    }
}

#[test]
fn sessions_are_saved_privately() {
    let sb = Sandbox::new();
    let answers = sb.file(
        "a.yaml",
        "leaked_data: [phone]\ndiscovered_on: 2026-03-08\njurisdiction: cn\n",
    );
    stdout_of(
        sb.cmd()
            .args(["respond", "--non-interactive", "--answers"])
            .arg(&answers),
    );
    let sessions = sb.state().join("sessions");
    let files: Vec<_> = std::fs::read_dir(&sessions)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(saved["command"], "respond");
    assert_eq!(saved["answers"]["jurisdiction"], "cn");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
            0o600
        );
        for dir in [sb.state(), sessions] {
            assert_eq!(
                std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700,
                "{}",
                dir.display()
            );
        }
    }
}

#[test]
fn html_report_is_self_contained_and_escaped() {
    let sb = Sandbox::new();
    let answers = sb.file(
        "a.yaml",
        "leaked_data: [phone]\ndiscovered_on: 2026-03-08\njurisdiction: eu\n",
    );
    let html = stdout_of(
        sb.cmd()
            .args([
                "--lang",
                "zh",
                "respond",
                "--non-interactive",
                "--format",
                "html",
                "--answers",
            ])
            .arg(&answers),
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_lowercase();
    for asset in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!lower.contains(asset), "HTML report contains `{asset}`");
    }
    let attr = regex::Regex::new(r#"(?i)\b(src|href)\s*=\s*["']?\s*(https?:|//)"#).unwrap();
    assert!(!attr.is_match(&html), "HTML report loads an external asset");
    assert!(html.contains("<html lang=\"zh\">"));
    assert!(
        html.contains("已逾期") || html.contains("今天"),
        "Chinese chrome missing"
    );
}

#[test]
fn ics_has_one_todo_per_dated_step_with_matching_due() {
    let sb = Sandbox::new();
    let answers = sb.file(
        "a.yaml",
        "leaked_data: [phone, bank_card]\ndiscovered_on: 2026-03-08\njurisdiction: cn\n",
    );
    let plan: Value = serde_json::from_str(&stdout_of(
        sb.cmd()
            .args([
                "respond",
                "--non-interactive",
                "--format",
                "json",
                "--answers",
            ])
            .arg(&answers),
    ))
    .unwrap();
    let ics = stdout_of(
        sb.cmd()
            .args([
                "respond",
                "--non-interactive",
                "--format",
                "ics",
                "--answers",
            ])
            .arg(&answers),
    );
    assert!(ics.contains("\r\n"), "RFC 5545 lines end in CRLF");
    let calendar: icalendar::Calendar = ics.parse().expect("ICS parses");
    let mut todos = std::collections::BTreeMap::new();
    for component in &calendar.components {
        if let icalendar::CalendarComponent::Todo(todo) = component {
            use icalendar::Component;
            let uid = todo.get_uid().unwrap().to_owned();
            let due = todo.property_value("DUE").unwrap().to_owned();
            todos.insert(uid, due);
        }
    }
    let steps = items(&plan);
    assert_eq!(todos.len(), steps.len());
    for step in steps {
        let uid = format!(
            "response-{}-2026-03-08@privaudit",
            step["id"].as_str().unwrap()
        );
        let due = chrono::DateTime::parse_from_rfc3339(step["due"].as_str().unwrap()).unwrap();
        let want = due
            .with_timezone(&chrono::Utc)
            .format("%Y%m%dT%H%M%SZ")
            .to_string();
        assert_eq!(todos.get(&uid), Some(&want), "{uid}");
    }
}

#[test]
fn markdown_reports_in_both_languages() {
    let sb = Sandbox::new();
    let answers = sb.file(
        "a.yaml",
        "leaked_data: [id_number, phone, bank_card]\ndiscovered_on: 2026-03-08\njurisdiction: cn\nfraud_attempts: true\n",
    );
    let en = stdout_of(
        sb.cmd()
            .args(["respond", "--non-interactive", "--answers"])
            .arg(&answers),
    );
    let zh = stdout_of(
        sb.cmd()
            .args(["--lang", "zh", "respond", "--non-interactive", "--answers"])
            .arg(&answers),
    );
    assert!(en.contains("## Overdue") && zh.contains("## 已逾期"));
    assert!(
        zh.contains("生成时间：") || zh.contains("生成时间: "),
        "zh header chrome"
    );
    insta::assert_snapshot!("respond_cn_en_md", en);
    insta::assert_snapshot!("respond_cn_zh_md", zh);
    let env_zh = stdout_of(
        sb.cmd()
            .env("LANG", "zh_CN.UTF-8")
            .args(["respond", "--non-interactive", "--answers"])
            .arg(&answers),
    );
    assert_eq!(env_zh, zh, "LANG=zh_CN selects Chinese");
}

#[test]
fn json_and_html_snapshots() {
    let sb = Sandbox::new();
    let answers = sb.file("a.yaml", "leaked_data: [email, password]\ndiscovered_on: 2026-03-09\njurisdiction: eu\naccount_hacked: true\n");
    let json = stdout_of(
        sb.cmd()
            .args([
                "respond",
                "--non-interactive",
                "--format",
                "json",
                "--answers",
            ])
            .arg(&answers),
    );
    let html = stdout_of(
        sb.cmd()
            .args([
                "--lang",
                "zh",
                "respond",
                "--non-interactive",
                "--format",
                "html",
                "--answers",
            ])
            .arg(&answers),
    );
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(env!("CARGO_PKG_VERSION"), "[VERSION]");
    settings.bind(|| {
        insta::assert_snapshot!("respond_eu_en_json", json);
        insta::assert_snapshot!("respond_eu_zh_html", html);
    });
}
