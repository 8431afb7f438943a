//! `privaudit evidence` end to end: recording, listing, every export format (parsed, not
//! just grepped), the hash chain as a recipient would recompute it, every kind of tampering
//! `verify` must name, private file modes, and the inputs `add` must refuse.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::support::privaudit;

const NOTE_1: &str = "Caller knew my ID number | asked for a \"refund\", then hung up";
const NOTE_2: &str = "Phishing link, see screenshot";
const NOTE_3: &str = "My name, phone and address listed";

/// A temporary state dir (created by privaudit itself, so its mode is privaudit's doing)
/// and a place for files to attach.
struct Fixture {
    root: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            root: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn state(&self) -> PathBuf {
        self.root.path().join("state")
    }

    fn evidence_dir(&self) -> PathBuf {
        self.state().join("evidence")
    }

    fn journal(&self) -> PathBuf {
        self.evidence_dir().join("journal.jsonl")
    }

    fn run(&self, args: &[&str]) -> Assert {
        privaudit(&self.state()).args(args).assert()
    }

    fn run_zh(&self, args: &[&str]) -> Assert {
        privaudit(&self.state())
            .args(["--lang", "zh"])
            .args(args)
            .assert()
    }

    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.root.path().join(name);
        fs::write(&path, contents).expect("write fixture file");
        path
    }

    fn lines(&self) -> Vec<String> {
        fs::read_to_string(self.journal())
            .expect("journal exists")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn write_lines(&self, lines: &[String]) {
        let mut text = lines.join("\n");
        text.push('\n');
        fs::write(self.journal(), text).expect("rewrite journal");
    }

    fn entries(&self) -> Vec<Value> {
        self.lines()
            .iter()
            .map(|l| serde_json::from_str(l).expect("journal line is JSON"))
            .collect()
    }

    /// Three entries; the second has an attachment.
    fn three_entries() -> Fixture {
        let fx = Fixture::new();
        let shot = fx.file("shot.png", b"\x89PNG fake screenshot of an SMS");
        fx.run(&[
            "evidence",
            "add",
            "--kind",
            "call",
            "--from",
            "+86 138 0000 0000",
            "--note",
            NOTE_1,
            "--at",
            "2026-03-08T19:30:00+08:00",
        ])
        .success();
        fx.run(&[
            "evidence",
            "add",
            "--kind",
            "sms",
            "--from",
            "10690000",
            "--note",
            NOTE_2,
            "--at",
            "2026-03-09T10:00:00+08:00",
            "--attach",
            path_str(&shot),
        ])
        .success();
        fx.run(&[
            "evidence",
            "add",
            "--kind",
            "web",
            "--from",
            "https://leak.example/list?id=1",
            "--note",
            NOTE_3,
        ])
        .success();
        fx
    }

    fn attachment_path(&self) -> PathBuf {
        let sha = self.entries()[1]["attachments"][0]["sha256"]
            .as_str()
            .expect("sha256")
            .to_owned();
        self.evidence_dir().join("files").join(sha)
    }

    /// Runs `evidence verify`, expects exit 1, returns stdout.
    fn verify_fails(&self) -> String {
        let out = self.run(&["evidence", "verify"]).code(1);
        stdout(&out)
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn stdout(a: &Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(a: &Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).expect("stderr is UTF-8")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A minimal RFC 4180 reader, written independently of privaudit's writer.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "last record ends with CRLF"
    );
    rows
}

// --- recording and reading back ---------------------------------------------------------

#[test]
fn add_prints_the_entry_number_and_hash_prefix() {
    let fx = Fixture::new();
    let out = fx
        .run(&[
            "evidence",
            "add",
            "--kind",
            "email",
            "--from",
            "a@b.example",
            "--note",
            "phish",
        ])
        .success();
    let hash = fx.entries()[0]["hash"].as_str().expect("hash").to_owned();
    assert_eq!(
        stdout(&out),
        format!("Recorded entry 1 (sha256 {}…)\n", &hash[..12])
    );
    let out = fx
        .run_zh(&[
            "evidence",
            "add",
            "--kind",
            "email",
            "--from",
            "a@b.example",
            "--note",
            "again",
        ])
        .success();
    let hash = fx.entries()[1]["hash"].as_str().expect("hash").to_owned();
    assert_eq!(
        stdout(&out),
        format!("已记录第 2 条（sha256 {}…）\n", &hash[..12])
    );
}

#[test]
fn journal_lines_form_a_hash_chain_a_recipient_can_recompute() {
    let fx = Fixture::three_entries();
    let mut prev = "0".repeat(64);
    for (i, line) in fx.lines().iter().enumerate() {
        let entry: Value = serde_json::from_str(line).expect("JSON line");
        let keys: Vec<&str> = entry
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "seq",
                "at",
                "recorded_at",
                "kind",
                "from",
                "note",
                "attachments",
                "prev",
                "hash"
            ]
        );
        assert_eq!(entry["seq"], i as u64 + 1);
        assert_eq!(entry["prev"], prev.as_str());
        let hash = entry["hash"].as_str().expect("hash");
        let hashed = line.replace(&format!(",\"hash\":\"{hash}\""), "");
        assert_eq!(sha256_hex(hashed.as_bytes()), hash, "line {}", i + 1);
        prev = hash.to_owned();
    }
    let entries = fx.entries();
    assert_eq!(entries[0]["at"], "2026-03-08T19:30:00+08:00");
    assert_eq!(entries[0]["recorded_at"], "2026-03-10T09:00:00+08:00");
    // Without --at, the entry is dated "now".
    assert_eq!(entries[2]["at"], "2026-03-10T09:00:00+08:00");
    let attachment = &entries[1]["attachments"][0];
    assert_eq!(attachment["name"], "shot.png");
    assert_eq!(attachment["size"], 30);
    assert_eq!(
        attachment["sha256"],
        sha256_hex(b"\x89PNG fake screenshot of an SMS").as_str()
    );
    assert_eq!(
        fs::read(fx.attachment_path()).expect("stored copy"),
        b"\x89PNG fake screenshot of an SMS"
    );
}

#[test]
fn list_shows_one_line_per_entry_and_json() {
    let fx = Fixture::three_entries();
    let text = stdout(&fx.run(&["evidence", "list"]).success());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("2026-03-08T19:30:00+08:00"), "{text}");
    assert!(lines[0].contains("Phone call") && lines[0].contains(NOTE_1));
    assert!(lines[1].contains("SMS") && lines[1].contains("(1 attachment)"));
    assert!(lines[2].contains("https://leak.example/list?id=1"));

    let zh = stdout(&fx.run_zh(&["evidence", "list"]).success());
    assert!(
        zh.lines()
            .nth(1)
            .is_some_and(|l| l.contains("短信") && l.contains("1 个附件"))
    );

    let json: Value = serde_json::from_slice(
        &fx.run(&["evidence", "list", "--format", "json"])
            .success()
            .get_output()
            .stdout,
    )
    .expect("list json parses");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["entries"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["entries"][0]["note"], NOTE_1);
    assert_eq!(json["head"], fx.entries()[2]["hash"]);
}

#[test]
fn an_empty_journal_lists_and_verifies_as_empty() {
    let fx = Fixture::new();
    let list = stdout(&fx.run(&["evidence", "list"]).success());
    assert_eq!(list, "The evidence journal is empty.\n");
    let verify = stdout(&fx.run(&["evidence", "verify"]).success());
    assert_eq!(
        verify,
        format!("Journal intact: 0 entries, head {}\n", "0".repeat(64))
    );
}

// --- exports ----------------------------------------------------------------------------

#[test]
fn markdown_export_is_a_dated_table_with_the_head_hash() {
    let fx = Fixture::three_entries();
    let md = stdout(&fx.run(&["evidence", "export"]).success());
    let entries = fx.entries();
    let head = entries[2]["hash"].as_str().expect("hash");
    let sha = entries[1]["attachments"][0]["sha256"]
        .as_str()
        .expect("sha");
    assert!(md.starts_with("# Evidence journal\n"), "{md}");
    assert!(
        md.contains("- Exported at: 2026-03-10T09:00:00+08:00\n"),
        "{md}"
    );
    assert!(md.contains("- Entries: 3\n"), "{md}");
    assert!(md.contains(&format!("`{head}`")), "{md}");
    assert!(md.contains(
        "| No. | When | Kind | From | Note | Attachments |\n|---|---|---|---|---|---|\n"
    ));
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| No."))
        .collect();
    assert_eq!(rows.len(), 3, "{md}");
    // The pipe in the note is escaped, so the row keeps its six cells.
    assert_eq!(
        rows[0],
        "| 1 | 2026-03-08 19:30:00 +08:00 | Phone call | +86 138 0000 0000 | Caller knew my ID number \\| asked for a \"refund\", then hung up |  |"
    );
    assert!(
        rows[1].ends_with(&format!("| shot.png (sha256 {}) |", &sha[..12])),
        "{}",
        rows[1]
    );
    assert!(rows[2].contains("| Website |"));
}

#[test]
fn markdown_export_keeps_multi_line_notes_in_one_row() {
    let fx = Fixture::new();
    fx.run(&[
        "evidence",
        "add",
        "--kind",
        "sms",
        "--from",
        "95555",
        "--note",
        "line one\nline two | x",
    ])
    .success();
    let md = stdout(&fx.run(&["evidence", "export"]).success());
    assert!(md.contains("| line one<br>line two \\| x |"), "{md}");
}

#[test]
fn csv_export_parses_back_to_the_entries() {
    let fx = Fixture::three_entries();
    let csv = stdout(&fx.run(&["evidence", "export", "--format", "csv"]).success());
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[0],
        [
            "No.",
            "When",
            "Recorded at",
            "Kind",
            "From",
            "Note",
            "Attachments",
            "Entry hash (SHA-256)"
        ]
    );
    let entries = fx.entries();
    for (row, entry) in rows[1..].iter().zip(&entries) {
        assert_eq!(row.len(), 8);
        assert_eq!(row[0], entry["seq"].to_string());
        assert_eq!(row[1], entry["at"].as_str().expect("at"));
        assert_eq!(row[7], entry["hash"].as_str().expect("hash"));
    }
    // Commas and quotes survive the round trip.
    assert_eq!(rows[1][5], NOTE_1);
    assert_eq!(rows[2][3], "SMS");
    // A leading "+" would be a formula in a spreadsheet: it is defused.
    assert_eq!(rows[1][4], "'+86 138 0000 0000");
    assert!(rows[2][6].starts_with("shot.png (sha256 "));
}

#[test]
fn json_export_is_versioned_and_ends_with_the_head() {
    let fx = Fixture::three_entries();
    let out = fx
        .run(&["evidence", "export", "--format", "json"])
        .success();
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("export parses");
    let keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["schema_version", "exported_at", "entries", "head"]);
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["exported_at"], "2026-03-10T09:00:00+08:00");
    let entries = fx.entries();
    assert_eq!(json["entries"], Value::Array(entries.clone()));
    assert_eq!(json["head"], entries[2]["hash"]);
}

#[test]
fn chinese_export_has_chinese_headers_and_kinds() {
    let fx = Fixture::three_entries();
    let md = stdout(&fx.run_zh(&["evidence", "export"]).success());
    assert!(md.starts_with("# 证据记录\n"), "{md}");
    assert!(md.contains("- 导出时间：2026-03-10T09:00:00+08:00"), "{md}");
    assert!(md.contains("- 条目数：3"), "{md}");
    assert!(
        md.contains("| 序号 | 时间 | 类型 | 来源 | 说明 | 附件 |"),
        "{md}"
    );
    assert!(md.contains("| 电话 |") && md.contains("| 短信 |") && md.contains("| 网站 |"));
    assert!(!md.contains("Phone call") && !md.contains("| No. |"));

    let csv = stdout(
        &fx.run_zh(&["evidence", "export", "--format", "csv"])
            .success(),
    );
    assert_eq!(
        parse_csv(&csv)[0],
        [
            "序号",
            "时间",
            "记录时间",
            "类型",
            "来源",
            "说明",
            "附件",
            "条目哈希（SHA-256）"
        ]
    );
}

#[test]
fn export_to_a_file_is_private_and_matches_stdout() {
    let fx = Fixture::three_entries();
    let target = fx.root.path().join("for-police.md");
    let printed = stdout(&fx.run(&["evidence", "export"]).success());
    let out = fx
        .run(&["evidence", "export", "--out", path_str(&target)])
        .success();
    assert!(out.get_output().stdout.is_empty());
    assert_eq!(
        fs::read_to_string(&target).expect("export written"),
        printed
    );
    assert_eq!(mode(&target), 0o600);
}

// --- verification -----------------------------------------------------------------------

#[test]
fn an_intact_journal_verifies() {
    let fx = Fixture::three_entries();
    let head = fx.entries()[2]["hash"].as_str().expect("hash").to_owned();
    let out = fx.run(&["evidence", "verify"]).success();
    assert_eq!(
        stdout(&out),
        format!("Journal intact: 3 entries, head {head}\n")
    );
    let zh = fx.run_zh(&["evidence", "verify"]).success();
    assert_eq!(
        stdout(&zh),
        format!("证据记录完整：共 3 条，链末端 {head}\n")
    );
}

#[test]
fn an_edited_entry_is_named() {
    let fx = Fixture::three_entries();
    let mut lines = fx.lines();
    assert!(lines[1].contains(NOTE_2));
    lines[1] = lines[1].replace("Phishing link", "Harmless link");
    fx.write_lines(&lines);
    let out = fx.verify_fails();
    assert!(
        out.starts_with("Journal check failed at entry 2 (line 2): the entry was edited"),
        "{out}"
    );
    assert!(out.contains("[hash-mismatch]"), "{out}");

    let zh = stdout(&fx.run_zh(&["evidence", "verify"]).code(1));
    assert!(
        zh.starts_with("证据记录校验失败：第 2 条（第 2 行）：该条记录在保存后被修改"),
        "{zh}"
    );
}

#[test]
fn an_edited_entry_with_a_recomputed_hash_breaks_the_chain() {
    let fx = Fixture::three_entries();
    let mut lines = fx.lines();
    let old_hash = fx.entries()[0]["hash"].as_str().expect("hash").to_owned();
    let edited = lines[0].replace("hung up", "HUNG UP");
    let without = edited.replace(&format!(",\"hash\":\"{old_hash}\""), "");
    lines[0] = edited.replace(&old_hash, &sha256_hex(without.as_bytes()));
    fx.write_lines(&lines);
    let out = fx.verify_fails();
    assert!(out.contains("entry 2 (line 2)"), "{out}");
    assert!(out.contains("[chain-broken]"), "{out}");
}

#[test]
fn a_deleted_middle_entry_is_named() {
    let fx = Fixture::three_entries();
    let mut lines = fx.lines();
    lines.remove(1);
    fx.write_lines(&lines);
    let out = fx.verify_fails();
    assert!(out.contains("entry 3 (line 2)"), "{out}");
    assert!(out.contains("entry 2 should come here"), "{out}");
    assert!(out.contains("[entry-removed]"), "{out}");
}

#[test]
fn reordered_entries_are_named() {
    let fx = Fixture::three_entries();
    let mut lines = fx.lines();
    lines.swap(1, 2);
    fx.write_lines(&lines);
    let out = fx.verify_fails();
    assert!(out.contains("entry 3 (line 2)"), "{out}");
    assert!(out.contains("[out-of-order]"), "{out}");
}

#[test]
fn a_truncated_last_line_is_named_by_line_number() {
    let fx = Fixture::three_entries();
    let mut lines = fx.lines();
    let half = lines[2].len() / 2;
    lines[2].truncate(half);
    fx.write_lines(&lines);
    let out = fx.verify_fails();
    assert!(out.contains("line 3 (where entry 3 was expected)"), "{out}");
    assert!(out.contains("[unreadable-line]"), "{out}");
    // The damage is not built on: nothing can be added or exported until it is dealt with.
    let add = fx
        .run(&[
            "evidence", "add", "--kind", "other", "--from", "x", "--note", "y",
        ])
        .code(2);
    assert!(
        stderr(&add).contains("nothing was recorded"),
        "{}",
        stderr(&add)
    );
    assert_eq!(fx.lines().len(), 3);
    fx.run(&["evidence", "export"]).code(2);
}

#[test]
fn a_changed_attachment_is_named() {
    let fx = Fixture::three_entries();
    fs::write(fx.attachment_path(), b"a different picture").expect("tamper");
    let out = fx.verify_fails();
    assert!(out.contains("entry 2 (line 2)"), "{out}");
    assert!(out.contains("shot.png"), "{out}");
    assert!(out.contains("[attachment-changed]"), "{out}");
    // An export would vouch for the head hash, so it is refused.
    let export = fx.run(&["evidence", "export"]).code(2);
    assert!(
        stderr(&export).contains("attachment-changed"),
        "{}",
        stderr(&export)
    );
}

#[test]
fn a_deleted_attachment_is_named() {
    let fx = Fixture::three_entries();
    fs::remove_file(fx.attachment_path()).expect("delete");
    let out = fx.verify_fails();
    assert!(out.contains("entry 2 (line 2)"), "{out}");
    assert!(out.contains("[attachment-missing]"), "{out}");
}

// --- privacy of the files ---------------------------------------------------------------

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn journal_and_attachments_are_private() {
    let fx = Fixture::three_entries();
    assert_eq!(mode(&fx.state()), 0o700);
    assert_eq!(mode(&fx.evidence_dir()), 0o700);
    assert_eq!(mode(&fx.evidence_dir().join("files")), 0o700);
    assert_eq!(mode(&fx.journal()), 0o600);
    assert_eq!(mode(&fx.attachment_path()), 0o600);
    // Only the content-addressed copy is left in the store, no temp files.
    assert_eq!(
        fs::read_dir(fx.evidence_dir().join("files"))
            .expect("files dir")
            .count(),
        1
    );
}

// --- bad input --------------------------------------------------------------------------

#[test]
fn an_at_in_the_future_is_refused() {
    let fx = Fixture::new();
    let out = fx
        .run(&[
            "evidence",
            "add",
            "--kind",
            "call",
            "--from",
            "x",
            "--note",
            "y",
            "--at",
            "2026-03-10T09:00:01+08:00",
        ])
        .code(2);
    assert!(
        stderr(&out).contains("--at 2026-03-10T09:00:01+08:00 is in the future"),
        "{}",
        stderr(&out)
    );
    assert!(!fx.journal().exists());
    let zh = fx
        .run_zh(&[
            "evidence",
            "add",
            "--kind",
            "call",
            "--from",
            "x",
            "--note",
            "y",
            "--at",
            "2027-01-01T00:00:00Z",
        ])
        .code(2);
    assert!(stderr(&zh).contains("晚于当前时间"), "{}", stderr(&zh));
}

#[test]
fn a_malformed_at_is_refused() {
    let fx = Fixture::new();
    for bad in ["yesterday", "2026-03-09", "2026-03-09 20:15"] {
        let out = fx
            .run(&[
                "evidence", "add", "--kind", "call", "--from", "x", "--note", "y", "--at", bad,
            ])
            .code(2);
        assert!(
            stderr(&out).contains("is not an RFC 3339 date-time"),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(bad));
    }
    assert!(!fx.journal().exists());
}

#[test]
fn an_unreadable_attachment_is_refused_and_nothing_is_recorded() {
    let fx = Fixture::three_entries();
    let missing = fx.root.path().join("no-such-file.png");
    let out = fx
        .run(&[
            "evidence",
            "add",
            "--kind",
            "sms",
            "--from",
            "x",
            "--note",
            "y",
            "--attach",
            path_str(&missing),
        ])
        .code(2);
    assert!(
        stderr(&out).contains("cannot read the attachment"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("no-such-file.png"));
    let dir = fx.root.path().to_owned();
    fx.run(&[
        "evidence",
        "add",
        "--kind",
        "sms",
        "--from",
        "x",
        "--note",
        "y",
        "--attach",
        path_str(&dir),
    ])
    .code(2);
    assert_eq!(fx.lines().len(), 3);
    fx.run(&["evidence", "verify"]).success();
}

#[test]
fn empty_from_or_note_is_refused() {
    let fx = Fixture::new();
    let out = fx
        .run(&[
            "evidence", "add", "--kind", "call", "--from", "  ", "--note", "y",
        ])
        .code(2);
    assert!(
        stderr(&out).contains("--from must not be empty"),
        "{}",
        stderr(&out)
    );
    let out = fx
        .run_zh(&[
            "evidence", "add", "--kind", "call", "--from", "x", "--note", "",
        ])
        .code(2);
    assert!(stderr(&out).contains("--note 不能为空"), "{}", stderr(&out));
    assert!(!fx.journal().exists());
}
