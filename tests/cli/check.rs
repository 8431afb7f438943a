//! `check`: policy controls over a repository for CI: probes, attestations, thresholds, and
//! the text, JSON, JUnit and SARIF outputs.

use super::support::{Sandbox, assert_valid_sarif};
use serde_json::Value;

/// A valid resident ID (GB 11643 check digit computed below) and a mobile number.
fn planted_id() -> String {
    let body = "11010519900307123";
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}
const MOBILE: &str = "13912345678"; // privaudit:allow synthetic

fn repo(sb: &Sandbox, dirty: bool, notice: bool) -> std::path::PathBuf {
    sb.file("repo/src/main.rs", "fn main() { println!(\"hello\"); }\n");
    sb.file("repo/README.md", "# demo\n");
    if dirty {
        sb.file(
            "repo/data/users.csv",
            &format!("name,id,phone\nZhang San,{},{MOBILE}\n", planted_id()),
        );
    }
    if notice {
        sb.file("repo/PRIVACY.md", "# Privacy notice\n");
    }
    sb.dir.path().join("repo")
}

fn check(sb: &Sandbox, root: &std::path::Path, extra: &[&str]) -> std::process::Output {
    sb.cmd()
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn control<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn personal_data_in_the_tree_fails_the_run_and_is_never_shown_in_full() {
    let sb = Sandbox::new();
    let root = repo(&sb, true, true);
    for format in ["text", "json", "junit", "sarif"] {
        let out = check(&sb, &root, &["--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(&planted_id()),
            "{format} output shows the full ID number"
        );
        assert!(
            !all.contains(MOBILE),
            "{format} output shows the full mobile number"
        );
    }
    let report = json(&check(&sb, &root, &["--format", "json"]));
    let c = control(&report, "no-personal-data-in-repo");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["failing"], true);
    assert!(c["detail"].as_str().unwrap().contains("110105********"));
    assert_eq!(report["result"], "fail");
}

#[test]
fn a_clean_tree_with_a_notice_passes_and_unreviewed_controls_fail_only_under_strict() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, true);
    let out = check(&sb, &root, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out);
    assert_eq!(
        control(&report, "no-personal-data-in-repo")["status"],
        "pass"
    );
    assert_eq!(control(&report, "privacy-notice-present")["status"], "pass");
    assert!(
        control(&report, "privacy-notice-present")["detail"]
            .as_str()
            .unwrap()
            .contains("PRIVACY.md")
    );
    assert!(report["summary"]["not_reviewed"].as_u64().unwrap() > 0);
    assert_eq!(report["result"], "pass");
    let strict = check(&sb, &root, &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stdout).contains("strict"));
}

#[test]
fn a_missing_privacy_notice_fails_at_the_default_threshold() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, false);
    let out = check(&sb, &root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(control(&report, "privacy-notice-present")["status"], "fail");
    // The notice control is high: `--fail-on critical` lets it through.
    assert_eq!(
        check(&sb, &root, &["--fail-on", "critical"]).status.code(),
        Some(0)
    );
}

#[test]
fn attestations_yes_no_na_and_expiry() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, true);
    let answers = sb.file(
        "attest.yaml",
        "security-measures: yes\nincident-response-plan: {status: yes, note: tabletop 2026-01, reviewed_on: 2026-01-15, expires: 2027-01-15}\nbreach-notification: {status: yes, expires: 2026-03-01}\nimpact-assessment: n/a\ndata-accuracy: no\n",
    );
    let out = check(
        &sb,
        &root,
        &["--format", "json", "--answers", answers.to_str().unwrap()],
    );
    let report = json(&out);
    assert_eq!(control(&report, "security-measures")["status"], "pass");
    assert_eq!(control(&report, "incident-response-plan")["status"], "pass");
    assert_eq!(
        control(&report, "incident-response-plan")["detail"],
        "tabletop 2026-01"
    );
    assert_eq!(
        control(&report, "breach-notification")["status"],
        "not_reviewed"
    );
    assert!(
        control(&report, "breach-notification")["detail"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    assert_eq!(
        control(&report, "impact-assessment")["status"],
        "not_applicable"
    );
    // data-accuracy is medium: a failure, but below the default `high` threshold.
    assert_eq!(control(&report, "data-accuracy")["status"], "fail");
    assert_eq!(control(&report, "data-accuracy")["failing"], false);
    assert_eq!(out.status.code(), Some(0));
    let low = check(
        &sb,
        &root,
        &[
            "--fail-on",
            "medium",
            "--answers",
            answers.to_str().unwrap(),
        ],
    );
    assert_eq!(low.status.code(), Some(1));
}

#[test]
fn scoping_answers_switch_controls_on() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, true);
    let plain = json(&check(&sb, &root, &["--format", "json"]));
    let ids = |r: &Value| -> Vec<String> {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!ids(&plain).contains(&"children-pi-guardian-consent".to_owned()));
    let answers = sb.file(
        "scope.yaml",
        "processes_children_pi: true\njurisdictions: [cn, eu]\n",
    );
    let scoped = json(&check(
        &sb,
        &root,
        &["--format", "json", "--answers", answers.to_str().unwrap()],
    ));
    assert!(ids(&scoped).contains(&"children-pi-guardian-consent".to_owned()));
    assert!(ids(&scoped).contains(&"eu-breach-notification".to_owned()));
}

#[test]
fn junit_parses_and_its_counts_match_the_test_cases() {
    let sb = Sandbox::new();
    let root = repo(&sb, true, false);
    let answers = sb.file("a.yaml", "impact-assessment: n/a\nsecurity-measures: yes\n");
    let out = check(
        &sb,
        &root,
        &["--format", "junit", "--answers", answers.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let count = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .count()
    };
    let attr = |name: &str| suite.attribute(name).unwrap().parse::<usize>().unwrap();
    assert_eq!(attr("tests"), cases.len());
    assert_eq!(attr("failures"), count("failure"));
    assert_eq!(attr("skipped"), count("skipped"));
    assert_eq!(count("failure"), 2, "personal data and the missing notice");
    let root_el = doc.root_element();
    assert_eq!(
        root_el
            .attribute("tests")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        cases.len()
    );
    let failing: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert!(
        failing
            .iter()
            .any(|n| n.starts_with("no-personal-data-in-repo"))
    );
}

#[test]
fn sarif_is_valid_and_points_at_the_files() {
    let sb = Sandbox::new();
    let root = repo(&sb, true, false);
    let out = check(&sb, &root, &["--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let located: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "policy/no-personal-data-in-repo")
        .collect();
    assert_eq!(located.len(), 2, "one result per planted value");
    for r in located {
        assert_eq!(r["ruleId"], "policy/no-personal-data-in-repo");
        assert_eq!(r["level"], "error");
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.ends_with("data/users.csv"), "{uri}");
        assert_eq!(
            r["partialFingerprints"]["privaudit/v1"]
                .as_str()
                .unwrap()
                .len(),
            64
        );
    }
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "policy/privacy-notice-present")
    );
}

#[test]
fn bad_input_exits_2() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, true);
    let unknown_pack = check(&sb, &root, &["--pack", "nope"]);
    assert_eq!(unknown_pack.status.code(), Some(2));
    let wrong_kind = check(&sb, &root, &["--pack", "audit"]);
    assert_eq!(wrong_kind.status.code(), Some(2));
    let no_root = sb
        .cmd()
        .args(["check", "--root"])
        .arg(sb.dir.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(no_root.status.code(), Some(2));
    let answers = sb.file(
        "bad.yaml",
        "security-measures: maybe\nsecurity-measure: yes\n",
    );
    let bad = check(&sb, &root, &["--answers", answers.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("bad.yaml:1:") && err.contains("bad.yaml:2:1"),
        "{err}"
    );
    assert!(err.contains("`security-measure`"), "{err}");
    assert_eq!(
        check(&sb, &root, &["--fail-on", "urgent"]).status.code(),
        Some(2)
    );
}

#[test]
fn chinese_text_output() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, false);
    let out = sb
        .cmd()
        .args(["--lang", "zh", "check", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("未通过") && text.contains("项控制"), "{text}");
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let sb = Sandbox::new();
    let root = repo(&sb, false, false);
    let plain = check(&sb, &root, &[]);
    assert!(
        !plain.stdout.contains(&0x1b),
        "no colour when stdout is not a terminal"
    );
    let forced = sb
        .cmd()
        .args(["--color", "always", "check", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(forced.stdout.contains(&0x1b), "--color always colours");
    let never = sb
        .cmd()
        .env_remove("NO_COLOR")
        .args(["--color", "never", "check", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(!never.stdout.contains(&0x1b));
}
