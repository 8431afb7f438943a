//! `rules list | show | lint | schema`, `--rules`/`--no-builtin`, completions and usage
//! errors.

use super::support::{AS_OF, Sandbox, std_privaudit, stdout_of};

#[test]
fn list_shows_the_three_builtin_packs_in_both_languages() {
    let sb = Sandbox::new();
    let en = stdout_of(sb.cmd().args(["rules", "list"]));
    for id in ["audit", "response", "policy"] {
        assert!(en.lines().any(|l| l.starts_with(id)), "{en}");
    }
    assert!(en.contains("builtin:rules/response.yaml"));
    let zh = stdout_of(sb.cmd().args(["--lang", "zh", "rules", "list"]));
    assert!(zh.contains("个人信息泄露后的应对计划"), "{zh}");
}

#[test]
fn show_a_pack_and_one_item_with_its_law() {
    let sb = Sandbox::new();
    let pack = stdout_of(sb.cmd().args(["rules", "show", "response"]));
    assert!(pack.contains("freeze-cards") && pack.contains("leaked_data"));
    let item = stdout_of(
        sb.cmd()
            .args(["rules", "show", "response/request-deletion"]),
    );
    assert!(item.contains("request-deletion [high]"), "{item}");
    assert!(
        item.contains("PIPL") || item.contains("Personal Information Protection Law"),
        "{item}"
    );
    let missing = sb
        .cmd()
        .args(["rules", "show", "response/nope"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let no_pack = sb.cmd().args(["rules", "show", "nope"]).output().unwrap();
    assert_eq!(no_pack.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_pack.stderr).contains("audit, response, policy"));
}

#[test]
fn the_committed_schema_is_what_rules_schema_prints() {
    let sb = Sandbox::new();
    let printed = stdout_of(sb.cmd().args(["rules", "schema"]));
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/pack.schema.json"),
    )
    .unwrap();
    assert_eq!(
        printed, committed,
        "run `privaudit rules schema > schema/pack.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    // Editors check packs against this schema: it must accept every built-in pack and
    // reject a typo.
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for (file, source) in privaudit::pack::builtin::SOURCES {
        let pack: serde_json::Value = serde_saphyr::from_str(source).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&pack)
            .map(|e| e.to_string())
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    let typo: serde_json::Value = serde_saphyr::from_str(
        "pack: x\nkind: audit\nversion: '1'\ntitle: X\nitems: []\nquestons: []\n",
    )
    .unwrap();
    assert!(!validator.is_valid(&typo));
}

#[test]
fn lint_passes_on_the_builtin_packs() {
    let sb = Sandbox::new();
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let out = stdout_of(sb.cmd().args(["rules", "lint"]).arg(&rules));
    assert_eq!(
        out.lines().filter(|l| l.contains(": ok (")).count(),
        3,
        "{out}"
    );
}

const CUSTOM: &str = r#"# yaml-language-server: $schema=../schema/pack.schema.json
pack: response
kind: response
version: "9.9"
title: {en: Custom response, zh: 自定义应对}
anchor: found
questions:
  - {id: found, type: date, prompt: {en: When?, zh: 何时？}}
items:
  - {id: breathe, title: {en: Take a breath, zh: 深呼吸}, why: {en: Calm helps, zh: 冷静有帮助}, how: [{en: Breathe, zh: 呼吸}], priority: high, due: 0h}
"#;

#[test]
fn rules_adds_or_replaces_packs_and_no_builtin_drops_them() {
    let sb = Sandbox::new();
    let pack = sb.file("custom.yaml", CUSTOM);
    let answers = sb.file("a.yaml", "found: today\n");
    let md = stdout_of(
        sb.cmd()
            .arg("--rules")
            .arg(&pack)
            .args(["respond", "--non-interactive", "--answers"])
            .arg(&answers),
    );
    assert!(
        md.contains("# Custom response") && md.contains("response 9.9"),
        "{md}"
    );
    assert!(md.contains("Take a breath"));
    let list = stdout_of(
        sb.cmd()
            .arg("--no-builtin")
            .arg("--rules")
            .arg(&pack)
            .args(["rules", "list"]),
    );
    assert_eq!(list.lines().count(), 1, "{list}");
    // A directory of packs works too.
    let dir = sb.dir.path().join("packs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&pack, dir.join("a.yaml")).unwrap();
    let list = stdout_of(
        sb.cmd()
            .arg("--no-builtin")
            .arg("--rules")
            .arg(&dir)
            .args(["rules", "list"]),
    );
    assert!(list.starts_with("response"));
    // A broken pack in --rules stops every command with exit 2.
    let broken = sb.file("broken.yaml", "pack: x\n");
    let out = sb
        .cmd()
        .arg("--rules")
        .arg(&broken)
        .args(["rules", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.yaml"));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let sb = Sandbox::new();
    assert_eq!(
        sb.cmd().arg("--help").output().unwrap().status.code(),
        Some(0)
    );
    assert_eq!(
        sb.cmd().arg("--version").output().unwrap().status.code(),
        Some(0)
    );
    for args in [
        vec!["frobnicate"],
        vec!["--lang", "fr", "rules", "list"],
        vec!["--as-of", "yesterday", "rules", "list"],
        vec!["respond", "--format", "pdf"],
    ] {
        let out = sb.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let bash = stdout_of(sb.cmd().args(["completions", "bash"]));
    assert!(bash.contains("privaudit") && bash.contains("respond"));
}

/// `privaudit completions bash | head -1` closes the pipe early: a quiet exit 0 like every
/// other command, never a panic from the completion generator.
#[test]
fn a_closed_pipe_is_not_an_error() {
    let sb = Sandbox::new();
    for args in [
        vec!["completions", "bash"],
        vec!["rules", "schema"],
        vec!["--lang", "zh", "--help"],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = std_privaudit(&sb.state(), AS_OF)
            .args(&args)
            .stdout(writer)
            .output()
            .expect("run privaudit");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// The command line itself speaks Chinese: help, and usage errors with a suggestion.
#[test]
fn help_and_usage_errors_follow_the_language() {
    let sb = Sandbox::new();
    let help = stdout_of(sb.cmd().args(["--lang", "zh", "scan", "--help"]));
    assert!(help.contains("用法：privaudit scan"), "{help}");
    assert!(help.contains("要扫描的文件或目录"), "{help}");
    let out = sb
        .cmd()
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["evidence", "ad"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("错误：未知的子命令 `ad`"), "{stderr}");
    assert!(stderr.contains("`add`"), "{stderr}");
    // English stays clap's own wording.
    let out = sb.cmd().args(["evidence", "ad"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: unrecognized subcommand 'ad'"),
        "{stderr}"
    );
}
