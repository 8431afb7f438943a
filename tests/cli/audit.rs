//! `audit`: the score, what moved it, the projection if the top three were fixed, and the
//! report in both languages.

use super::support::{Sandbox, stdout_of};
use serde_json::Value;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audit")
        .join(name)
}

fn audit_json(sb: &Sandbox, extra: &[&str], answers: &std::path::Path) -> Value {
    let out = stdout_of(
        sb.cmd()
            .args(extra)
            .args([
                "audit",
                "--non-interactive",
                "--format",
                "json",
                "--answers",
            ])
            .arg(answers),
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn good_habits_score_100_and_bad_habits_score_0() {
    let sb = Sandbox::new();
    let good = audit_json(&sb, &[], &fixture("good-cn.yaml"));
    assert_eq!(good["score"]["value"], 100);
    assert_eq!(good["summary"]["fail"], 0);
    let bad = audit_json(&sb, &[], &fixture("bad-us.yaml"));
    assert_eq!(bad["score"]["value"], 0);
    assert_eq!(bad["summary"]["pass"], 0);
    // What lowered the score adds up to everything, and the projection is the three
    // costliest failures.
    let lost: Vec<f64> = bad["score"]["lowered_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["points"].as_f64().unwrap())
        .collect();
    assert!((lost.iter().sum::<f64>() - 100.0).abs() < 1.0, "{lost:?}");
    assert!(lost.windows(2).all(|w| w[0] >= w[1]), "largest first");
    let top3: f64 = lost.iter().take(3).sum();
    // Points are shown to one decimal, so allow for rounding.
    assert!(
        (bad["score"]["if_top_three_fixed"].as_f64().unwrap() - top3).abs() <= 1.0,
        "{top3}"
    );
    // Failed controls come first, by priority, each with its how-to.
    let first = &bad["groups"][0];
    assert_eq!(first["id"], "fail");
    let prios: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["priority"].as_str().unwrap())
        .collect();
    let rank = |p: &str| {
        ["critical", "high", "medium", "low"]
            .iter()
            .position(|x| *x == p)
            .unwrap()
    };
    assert!(
        prios.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{prios:?}"
    );
    assert!(
        first["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| !i["how"].as_array().unwrap().is_empty())
    );
    // US-only controls apply to the US answers, China-only ones do not.
    let ids: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"credit-freeze-us") && !ids.contains(&"check-phone-numbers-cn"));
}

const SMALL: &str = r#"pack: small
kind: audit
version: "1"
title: {en: Small audit, zh: 小自查}
questions:
  - {id: a, type: yes_no, prompt: {en: A?, zh: 甲？}}
  - {id: b, type: yes_no, prompt: {en: B?, zh: 乙？}}
  - {id: c, type: yes_no, prompt: {en: C?, zh: 丙？}}
  - {id: d, type: yes_no, prompt: {en: D?, zh: 丁？}}
  - {id: e, type: yes_no, prompt: {en: E?, zh: 戊？}}
items:
  - {id: ca, title: {en: Fix A, zh: 改甲}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: critical, pass: {answer: a, is: true}}
  - {id: cb, title: {en: Fix B, zh: 改乙}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: high, pass: {answer: b, is: true}}
  - {id: cc, title: {en: Fix C, zh: 改丙}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: medium, pass: {answer: c, is: true}}
  - {id: cd, title: {en: Fix D, zh: 改丁}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, pass: {answer: d, is: true}}
  - {id: ce, title: {en: Fix E, zh: 改戊}, why: {en: w, zh: 因}, how: [{en: h, zh: 做}], priority: low, pass: {answer: e, is: true}}
"#;

#[test]
fn the_score_weighs_controls_by_priority() {
    let sb = Sandbox::new();
    let pack = sb.file("small.yaml", SMALL);
    // Weights 8 + 4 + 2 + 1 + 1 = 16. Passing B and D earns 5 of 16 → 31.25 → 31.
    let answers = sb.file("a.yaml", "a: false\nb: true\nc: false\nd: true\ne: false\n");
    let report = audit_json(
        &sb,
        &["--no-builtin", "--rules", pack.to_str().unwrap()],
        &answers,
    );
    assert_eq!(report["score"]["value"], 31);
    // Fixing A, C and E (the three failures) gives 16 of 16.
    assert_eq!(report["score"]["if_top_three_fixed"], 100);
    let lowered: Vec<(&str, f64)> = report["score"]["lowered_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["id"].as_str().unwrap(), l["points"].as_f64().unwrap()))
        .collect();
    assert_eq!(lowered, [("ca", 50.0), ("cc", 12.5), ("ce", 6.3)]);
    // Only B passing: 4 of 16 = 25; fixing A, C, D (8 + 2 + 1) → 15 of 16 = 93.75 → 94.
    let answers = sb.file(
        "b.yaml",
        "a: false\nb: true\nc: false\nd: false\ne: false\n",
    );
    let report = audit_json(
        &sb,
        &["--no-builtin", "--rules", pack.to_str().unwrap()],
        &answers,
    );
    assert_eq!(report["score"]["value"], 25);
    assert_eq!(report["score"]["if_top_three_fixed"], 94);
}

#[test]
fn markdown_audit_report_in_both_languages() {
    let sb = Sandbox::new();
    let pack = sb.file("small.yaml", SMALL);
    let answers = sb.file("a.yaml", "a: false\nb: true\nc: false\nd: true\ne: false\n");
    let run = |lang: &str| {
        stdout_of(
            sb.cmd()
                .args([
                    "--lang",
                    lang,
                    "--no-builtin",
                    "--rules",
                    pack.to_str().unwrap(),
                ])
                .args(["audit", "--non-interactive", "--answers"])
                .arg(&answers),
        )
    };
    let en = run("en");
    let zh = run("zh");
    assert!(en.contains("## Score: 31/100") && en.contains("**100/100**"));
    assert!(zh.contains("## 得分：31/100"), "{zh}");
    insta::assert_snapshot!("audit_small_en_md", en);
    insta::assert_snapshot!("audit_small_zh_md", zh);
}

#[test]
fn audit_refuses_ics() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["audit", "--non-interactive", "--format", "ics", "--answers"])
        .arg(fixture("good-cn.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
