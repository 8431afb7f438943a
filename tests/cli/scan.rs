//! `privaudit scan` end to end: exit codes, every output format, ignore rules, binary
//! files, allow comments, baselines, and — in every test — that no output contains a
//! planted value in full.
//!
//! Fixture trees are generated in a temporary directory rather than committed: a
//! committed tree of valid ID and card numbers would make this repository fail its own
//! scan. The planted values are computed here from the published algorithms (GB 11643
//! weights, Luhn), independently of the scanner's validators.

use std::fs;
use std::path::Path;

use assert_cmd::assert::Assert;
use serde_json::Value;

use super::support::privaudit;

/// A GB 11643 ID number: the check character from the weights table.
fn cn_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("digit") * w)
        .sum();
    let check = "10X98765432"
        .chars()
        .nth((sum % 11) as usize)
        .expect("11 chars");
    format!("{first17}{check}")
}

/// `body` with its Luhn check digit appended.
fn luhn(body: &str) -> String {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).expect("digit");
            match (i % 2 == 0, d * 2) {
                (true, dd) if dd > 9 => dd - 9,
                (true, dd) => dd,
                (false, _) => d,
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// The values planted in a fixture tree, in normalised form.
struct Planted {
    id: String,
    id_x: String,
    mobile: String,
    mobile2: String,
    card: String,
    card16: String,
    email: String,
}

impl Planted {
    fn new() -> Planted {
        // One ID number ending in a digit and one ending in X, found by trying sequence
        // numbers rather than trusting a hard-coded example.
        let with_seq = |prefix: &str, want_x: bool| {
            (100..1000)
                .map(|seq| cn_id(&format!("{prefix}{seq}")))
                .find(|id| id.ends_with('X') == want_x)
                .expect("some sequence number gives each check style")
        };
        Planted {
            id: with_seq("32010219851231", false),
            id_x: with_seq("44030619900307", true),
            mobile: "13912345678".to_owned(),
            mobile2: "18687654321".to_owned(),
            card: luhn("622848001234567890"),
            card16: luhn("453201511283036"),
            email: "wang.xiaoming@163.com".to_owned(),
        }
    }

    fn all(&self) -> [&str; 7] {
        [
            &self.id,
            &self.id_x,
            &self.mobile,
            &self.mobile2,
            &self.card,
            &self.card16,
            &self.email,
        ]
    }
}

/// 4-4-4-4-3 grouping of a 19-digit card number.
fn grouped(card: &str, sep: char) -> String {
    card.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}

fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    fs::write(path, contents).expect("write fixture");
}

/// A tree with personal data in reported places and in places that must be skipped.
fn dirty_tree(root: &Path, p: &Planted) {
    write(
        root,
        "docs/contacts.md",
        format!(
            "# Contacts\n\n- 张三 手机：{m} 身份证：{id}\n- mail: {e}\n",
            m = p.mobile,
            id = p.id,
            e = p.email
        ),
    );
    write(
        root,
        "data/users.csv",
        format!(
            "name,phone,card\nli,+86 {m2},{card}\nzhao,,{card16}\n",
            m2 = p.mobile2,
            card = grouped(&p.card, ' '),
            card16 = p.card16
        ),
    );
    write(
        root,
        "src/app.rs",
        format!(
            "// test fixture\nconst ID: &str = \"{}\";\n",
            p.id_x.to_lowercase()
        ),
    );
    // Hidden files are scanned.
    write(root, ".env", format!("ADMIN_PHONE={}\n", p.mobile));
    // Everything below is skipped.
    write(root, ".gitignore", "*.log\n/build/\n");
    write(root, "server.log", format!("user {} logged in\n", p.mobile));
    write(root, "build/out.txt", format!("{}\n", p.id));
    write(root, ".privauditignore", "fixtures/\n");
    write(root, "fixtures/sample.txt", format!("{}\n", p.card16));
    write(
        root,
        ".git/config",
        format!("[user]\n\temail = {}\n", p.email),
    );
    let mut binary = b"\x7fELF\x00\x01".to_vec();
    binary.extend_from_slice(p.mobile.as_bytes());
    write(root, "bin/tool", binary);
    write(
        root,
        "notes/allowed.txt",
        format!(
            "{} # privaudit:allow\n{} {} # privaudit:allow cn_mobile,email\n",
            p.id, p.mobile2, p.email
        ),
    );
    write(root, "notes/decoys.txt", decoys());
}

/// Things that look like personal data and are not.
fn decoys() -> String {
    [
        "uuid 550e8400-e29b-41d4-a716-446655440000",
        "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "ts 1741574400123",
        "order 202403101234567890123",
        "ip 192.168.100.200 version 13.812.345.678",
        "id 110105194912310021",
        "asset icon@2x.png, pkg lodash@4.17.21, user@localhost, docs@example.com",
        "remote git@github.com:org/repo.git",
        "",
    ]
    .join("\n")
        + &format!(
            "card with a wrong check digit {}\n",
            wrong_check_digit(&luhn("622202123456789012"))
        )
}

/// `valid` with its last digit changed, so the Luhn check fails.
fn wrong_check_digit(valid: &str) -> String {
    let (body, last) = valid.split_at(valid.len() - 1);
    let d = last.parse::<u32>().expect("digit");
    format!("{body}{}", (d + 1) % 10)
}

/// 1-based line and byte column of the first occurrence of `needle` in a fixture file.
fn position(root: &Path, rel: &str, needle: &str) -> (usize, usize) {
    let text = fs::read_to_string(root.join(rel)).expect("fixture");
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.find(needle) {
            return (i + 1, col + 1);
        }
    }
    panic!("{needle} not in {rel}");
}

fn clean_tree(root: &Path) {
    write(root, "README.md", "# Nothing to see\n");
    write(root, "notes/decoys.txt", decoys());
}

fn stdout(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn stderr(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// Fails if any planted value appears in full in `text`, in any of the forms it was
/// planted in (with or without separators, either case of X).
fn assert_no_leak(text: &str, p: &Planted) {
    let lower = text.to_lowercase();
    let digits_only: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    for value in p.all() {
        let v = value.to_lowercase();
        assert!(!lower.contains(&v), "output leaks {value}:\n{text}");
        if v.chars().all(|c| c.is_ascii_digit()) && v.len() > 11 {
            assert!(
                !digits_only.to_lowercase().contains(&v),
                "output leaks {value} with separators:\n{text}"
            );
        }
    }
    let local = p.email.split('@').next().expect("local part");
    assert!(!text.contains(local), "output leaks the e-mail local part");
}

fn scan(state: &Path, dir: &Path, args: &[&str]) -> Assert {
    privaudit(state)
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .assert()
}

#[test]
fn personal_data_is_reported_masked_and_exits_1() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    let repo = tmp.path().join("repo");
    dirty_tree(&repo, &p);
    let a = scan(tmp.path(), tmp.path(), &["repo"]).code(1);
    let out = stdout(&a);
    let mobile = |v: &str| format!("{}****{}", &v[..3], &v[7..]);
    let id = |v: &str| format!("{}********{}", &v[..6], &v[14..]);
    let card = |v: &str| {
        format!(
            "{}{}{}",
            &v[..6],
            "*".repeat(v.len() - 10),
            &v[v.len() - 4..]
        )
    };
    let expect = |rel: &str, needle: &str, kind: &str, masked: String| {
        let (line, col) = position(&repo, rel, needle);
        format!("repo/{rel}:{line}:{col}: {kind} {masked}")
    };
    let expected = vec![
        expect(".env", &p.mobile, "cn_mobile", mobile(&p.mobile)),
        expect("data/users.csv", "+86", "cn_mobile", mobile(&p.mobile2)),
        expect("data/users.csv", &p.card[..4], "bank_card", card(&p.card)),
        expect("data/users.csv", &p.card16, "bank_card", card(&p.card16)),
        expect(
            "docs/contacts.md",
            &p.mobile,
            "cn_mobile",
            mobile(&p.mobile),
        ),
        expect("docs/contacts.md", &p.id, "cn_id", id(&p.id)),
        expect(
            "docs/contacts.md",
            &p.email,
            "email",
            "w***@163.com".to_owned(),
        ),
        expect("src/app.rs", &p.id_x.to_lowercase(), "cn_id", id(&p.id_x)),
        "8 findings in 4 of 8 files".to_owned(),
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    // Spot-check the arithmetic above against positions worked out by hand.
    assert!(out.contains("repo/.env:1:13: "));
    assert!(out.contains("repo/data/users.csv:2:4: "));
    assert!(out.contains("repo/docs/contacts.md:4:9: "));
    assert_no_leak(&out, &p);
    assert_no_leak(&stderr(&a), &p);
}

#[test]
fn a_clean_tree_exits_0() {
    let tmp = tempfile::tempdir().expect("tempdir");
    clean_tree(&tmp.path().join("repo"));
    let a = scan(tmp.path(), tmp.path(), &["repo"]).code(0);
    assert_eq!(stdout(&a), "0 findings in 0 of 2 files\n");
    assert_eq!(stderr(&a), "");
}

#[test]
fn summary_is_bilingual() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = privaudit(tmp.path())
        .current_dir(tmp.path())
        .args(["--lang", "zh", "scan", "repo"])
        .assert()
        .code(1);
    assert!(
        stdout(&a).ends_with("在 8 个文件中的 4 个里发现 8 处个人信息\n"),
        "{}",
        stdout(&a)
    );
}

#[test]
fn a_missing_path_is_exit_2_naming_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    clean_tree(&tmp.path().join("repo"));
    let a = scan(tmp.path(), tmp.path(), &["repo", "no/such/dir"]).code(2);
    assert!(stderr(&a).contains("no/such/dir"), "{}", stderr(&a));
    assert!(stderr(&a).contains("no such file or directory"));
    assert_eq!(stdout(&a), "");

    let a = privaudit(tmp.path())
        .current_dir(tmp.path())
        .args(["--lang", "zh", "scan", "missing.txt"])
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("missing.txt：文件或目录不存在"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn unknown_kind_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    clean_tree(&tmp.path().join("repo"));
    let a = scan(
        tmp.path(),
        tmp.path(),
        &["repo", "--kinds", "cn_id,passport"],
    )
    .code(2);
    assert!(stderr(&a).contains("passport"));
}

#[test]
fn kinds_restrict_what_is_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = scan(
        tmp.path(),
        tmp.path(),
        &["repo", "--kinds", "email,cn_id", "--format", "jsonl"],
    )
    .code(1);
    let kinds: Vec<String> = stdout(&a)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["kind"].to_string())
        .collect();
    assert_eq!(kinds, vec!["\"cn_id\"", "\"email\"", "\"cn_id\""]);
}

#[test]
fn paths_are_reported_as_given() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = scan(
        tmp.path(),
        &tmp.path().join("repo"),
        &["./docs", "src/app.rs", "--format", "jsonl"],
    )
    .code(1);
    let paths: Vec<String> = stdout(&a)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["path"]
                .as_str()
                .expect("str")
                .to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        vec![
            "./docs/contacts.md",
            "./docs/contacts.md",
            "./docs/contacts.md",
            "src/app.rs"
        ]
    );
}

#[test]
fn jsonl_has_exactly_the_documented_keys_in_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = scan(tmp.path(), tmp.path(), &["repo", "--format", "jsonl"]).code(1);
    let out = stdout(&a);
    assert_eq!(out.lines().count(), 8);
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["path", "line", "column", "kind", "masked", "fingerprint"]
        );
        assert!(v["line"].as_u64().expect("number") >= 1);
        assert!(v["column"].as_u64().expect("number") >= 1);
        let fp = v["fingerprint"].as_str().expect("string");
        assert_eq!(fp.len(), 64);
        assert!(
            fp.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }
    // The same mobile number in two files has one fingerprint.
    let fps: Vec<String> = out
        .lines()
        .filter(|l| l.contains(&format!("{}****{}", &p.mobile[..3], &p.mobile[7..])))
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["fingerprint"].to_string())
        .collect();
    assert_eq!(fps.len(), 2);
    assert_eq!(fps[0], fps[1]);
    assert_no_leak(&out, &p);
}

#[test]
fn json_report_has_findings_and_summary() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = scan(tmp.path(), tmp.path(), &["repo", "--format", "json"]).code(1);
    let v: Value = serde_json::from_str(&stdout(&a)).expect("JSON");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["schema_version", "tool", "version", "findings", "summary"]
    );
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"], "privaudit");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["findings"].as_array().expect("array").len(), 8);
    assert_eq!(v["summary"]["files_scanned"], 8);
    assert_eq!(v["summary"]["findings"], 8);
    assert_eq!(v["summary"]["baselined"], 0);
    assert!(v["summary"]["bytes_scanned"].as_u64().expect("number") > 100);
    assert_no_leak(&stdout(&a), &p);
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = scan(tmp.path(), tmp.path(), &["./repo", "--format", "sarif"]).code(1);
    let log: Value = serde_json::from_str(&stdout(&a)).expect("JSON");
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .expect("schema fixture"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does catch a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(rules, ["cn_id", "cn_mobile", "bank_card", "email"]);
    assert_eq!(
        run["tool"]["driver"]["rules"][3]["defaultConfiguration"]["level"],
        "warning"
    );
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 8);
    let email = results
        .iter()
        .find(|r| r["ruleId"] == "email")
        .expect("an e-mail result");
    assert_eq!(email["level"], "warning");
    let loc = &email["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "repo/docs/contacts.md");
    assert_eq!(loc["region"]["startLine"], 4);
    assert_eq!(loc["region"]["startColumn"], 9);
    assert_eq!(
        email["partialFingerprints"]["privaudit/v1"]
            .as_str()
            .expect("fingerprint")
            .len(),
        64
    );
    // "- 张三 手机：" before the mobile number: 8 UTF-16 units, 18 bytes.
    let mobile = results
        .iter()
        .find(|r| {
            r["ruleId"] == "cn_mobile"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "repo/docs/contacts.md"
        })
        .expect("the mobile in contacts.md");
    assert_eq!(
        mobile["locations"][0]["physicalLocation"]["region"]["startColumn"],
        9
    );
    assert_no_leak(&stdout(&a), &p);
}

#[test]
fn nothing_ever_prints_a_planted_value() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    for format in ["text", "jsonl", "json", "sarif"] {
        for lang in ["en", "zh"] {
            let a = privaudit(tmp.path())
                .current_dir(tmp.path())
                .args(["--lang", lang, "scan", "repo", "--format", format])
                .assert()
                .code(1);
            assert_no_leak(&stdout(&a), &p);
            assert_no_leak(&stderr(&a), &p);
        }
    }
}

#[test]
fn baseline_round_trip() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    let repo = tmp.path().join("repo");
    dirty_tree(&repo, &p);

    let a = scan(
        tmp.path(),
        tmp.path(),
        &["repo", "--write-baseline", "baseline.json"],
    )
    .code(0);
    assert!(
        stderr(&a).contains("wrote 7 fingerprints"),
        "{}",
        stderr(&a)
    );
    let baseline = fs::read_to_string(tmp.path().join("baseline.json")).expect("written");
    assert_no_leak(&baseline, &p);
    let parsed: Value = serde_json::from_str(&baseline).expect("JSON");
    assert_eq!(parsed["version"], 1);
    assert_eq!(parsed["fingerprints"].as_array().expect("array").len(), 8);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(tmp.path().join("baseline.json"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let a = scan(
        tmp.path(),
        tmp.path(),
        &["repo", "--baseline", "baseline.json"],
    )
    .code(0);
    assert_eq!(
        stdout(&a),
        "0 findings in 0 of 8 files (8 more in the baseline, not reported)\n"
    );

    // A new value fails the run again; the known ones stay quiet, even in a new file.
    write(
        &repo,
        "docs/new.txt",
        format!("{} and {}\n", p.mobile, luhn("621700123456789")),
    );
    let a = scan(
        tmp.path(),
        tmp.path(),
        &["repo", "--baseline", "baseline.json", "--format", "jsonl"],
    )
    .code(1);
    let out = stdout(&a);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("\"path\":\"repo/docs/new.txt\""));
    assert!(out.contains("\"kind\":\"bank_card\""));
}

#[test]
fn a_malformed_baseline_is_exit_2_with_its_position() {
    let tmp = tempfile::tempdir().expect("tempdir");
    clean_tree(&tmp.path().join("repo"));
    write(
        tmp.path(),
        "bad.json",
        "{\"version\": 1,\n \"fingerprints\": [\n  {\"fingerprint\": 5}\n]}\n",
    );
    let a = scan(tmp.path(), tmp.path(), &["repo", "--baseline", "bad.json"]).code(2);
    assert!(stderr(&a).contains("bad.json:3:"), "{}", stderr(&a));
    assert_eq!(stdout(&a), "");

    let a = scan(
        tmp.path(),
        tmp.path(),
        &["repo", "--baseline", "absent.json"],
    )
    .code(2);
    assert!(stderr(&a).contains("absent.json"), "{}", stderr(&a));
}

#[test]
fn binary_ignored_and_allowed_files_are_not_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    dirty_tree(&tmp.path().join("repo"), &p);
    let a = scan(tmp.path(), tmp.path(), &["repo", "--format", "jsonl"]).code(1);
    let out = stdout(&a);
    for skipped in [
        "server.log",
        "build/",
        "fixtures/",
        ".git/",
        "bin/tool",
        "notes/",
    ] {
        assert!(!out.contains(skipped), "{skipped} reported:\n{out}");
    }
    assert!(out.contains("repo/.env"), "hidden files are scanned");
    // An ignored file named on the command line is scanned: the user asked for it.
    scan(tmp.path(), tmp.path(), &["repo/server.log"]).code(1);
}

#[test]
fn threads_do_not_change_the_result() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    let repo = tmp.path().join("repo");
    dirty_tree(&repo, &p);
    for i in 0..40 {
        write(
            &repo,
            &format!("many/f{i:02}.txt"),
            format!("x {}\n", p.mobile2),
        );
    }
    let one = stdout(&scan(tmp.path(), tmp.path(), &["repo", "--threads", "1"]).code(1));
    let four = stdout(&scan(tmp.path(), tmp.path(), &["repo", "--threads", "4"]).code(1));
    assert_eq!(one, four);
    assert!(one.ends_with("48 findings in 44 of 48 files\n"), "{one}");
}

/// Small trees are scanned on one thread and large ones by the parallel walker: a tree too
/// large for the first gives exactly the findings of its halves, each small enough for it.
#[test]
fn large_and_small_trees_give_the_same_findings() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    let many = tmp.path().join("many");
    for half in ["a", "b"] {
        for i in 0..90 {
            let body = match i % 3 {
                0 => format!("tel {}\n", p.mobile2),
                1 => format!("nothing here {i}\n"),
                _ => format!("card {} and {}\n", p.card, p.mobile),
            };
            write(&many, &format!("{half}/f{i:02}.txt"), body);
        }
    }
    let lines = |args: &[&str]| -> Vec<String> {
        let out = stdout(&scan(tmp.path(), tmp.path(), args).code(1));
        out.lines().map(str::to_owned).collect()
    };
    let whole = lines(&["many", "--format", "jsonl"]);
    let mut halves = lines(&["many/a", "--format", "jsonl"]);
    halves.extend(lines(&["many/b", "--format", "jsonl"]));
    assert_eq!(whole.len(), 2 * (30 + 2 * 30), "{whole:?}");
    assert_eq!(whole, halves);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_warning_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Planted::new();
    let repo = tmp.path().join("repo");
    dirty_tree(&repo, &p);
    let locked = repo.join("locked.txt");
    fs::write(&locked, format!("{}\n", p.mobile)).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::read(&locked).is_ok() {
        // Running as root: permissions are not enforced, nothing to test.
        return;
    }
    let a = scan(tmp.path(), tmp.path(), &["repo"]).code(1);
    assert!(
        stderr(&a).contains("warning: skipped repo/locked.txt"),
        "{}",
        stderr(&a)
    );
    assert!(stdout(&a).contains("8 findings"));
    // Named on the command line, it is an error.
    let a = scan(tmp.path(), tmp.path(), &["repo/locked.txt"]).code(2);
    assert!(
        stderr(&a).contains("cannot read repo/locked.txt"),
        "{}",
        stderr(&a)
    );
}
