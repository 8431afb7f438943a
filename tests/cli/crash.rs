//! Crash safety: the real binary is killed with SIGKILL at random moments while it writes a
//! session, a report (`--out`) and an evidence entry, and after every kill each file must be
//! either its old or its new complete version, leftovers must be temp files the next run
//! ignores, and the evidence journal must still verify and accept the next entry.
//!
//! Kill times are drawn uniformly from 0 to 1.2 × the median run time of the same command
//! (measured first, unkilled), by a seeded xorshift generator, so kills land before, during
//! and after the write. `PRIVAUDIT_CRASH_KILLS=N` changes the number of kills per writer
//! (default [`KILLS`]); `--nocapture` shows where the kills landed.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::{AS_OF, Rng, copy_tree, std_privaudit, success_stdout};

/// Kills per writer unless `PRIVAUDIT_CRASH_KILLS` says otherwise.
const KILLS: usize = 100;
/// Unkilled runs whose median sets the range of kill times.
const TIMING_RUNS: usize = 5;
const ANSWERS: &str = "leaked_data: [id_number, phone, bank_card]\ndiscovered_on: 2026-03-08\njurisdiction: cn\nfraud_attempts: true\n";
/// The previous report in the `--out` file: another plan, so old and new differ.
const OLD_ANSWERS: &str = "leaked_data: [email]\ndiscovered_on: 2026-03-01\njurisdiction: eu\n";
/// Size of the attachment whose copy widens the window of an evidence write.
const ATTACHMENT_BYTES: usize = 4 << 20;
const SIGKILL: i32 = 9;

fn kills() -> usize {
    std::env::var("PRIVAUDIT_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(KILLS)
}

/// The real binary, set up as `support::privaudit` does, with its output discarded.
fn privaudit(state: &Path, args: &[&str]) -> Command {
    let mut cmd = std_privaudit(state, AS_OF);
    cmd.args(args).stdin(Stdio::null());
    cmd
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// Runs a command that must succeed and returns its stdout.
fn run_ok(mut cmd: Command) -> String {
    success_stdout(cmd.output().expect("runs"))
}

/// Runs the command unkilled `TIMING_RUNS` times (`prepare` before each) and returns the
/// median wall time from spawn to exit.
fn median_run_time(mut prepare: impl FnMut(), mut cmd: impl FnMut() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..TIMING_RUNS)
        .map(|_| {
            prepare();
            let start = Instant::now();
            let status = cmd()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("runs");
            assert!(status.success(), "unkilled run failed: {status}");
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Spawns the command, SIGKILLs it after `delay`, and tells whether the kill hit a running
/// process (`true`) or it had already finished, successfully (`false`).
fn run_and_kill(mut cmd: Command, delay: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    std::thread::sleep(delay);
    // `Child::kill` sends SIGKILL on Unix; a child that already exited is not touched.
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    if status.signal() == Some(SIGKILL) {
        return true;
    }
    assert!(status.success(), "{cmd:?} failed before the kill: {status}");
    false
}

/// Where the kills landed, per writer.
#[derive(Default)]
struct Landing(BTreeMap<&'static str, usize>);

impl Landing {
    fn count(&mut self, what: &'static str) {
        *self.0.entry(what).or_default() += 1;
    }

    fn get(&self, what: &str) -> usize {
        self.0.get(what).copied().unwrap_or(0)
    }
}

// The distribution is the point of this test's output (seen with `--nocapture`), so the
// workspace's print_stderr lint is lifted here only.
#[allow(clippy::print_stderr)]
fn print_landing(writer: &str, landing: &Landing, median: Duration, elapsed: Duration) {
    let parts: Vec<String> = landing.0.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    eprintln!(
        "crash-safety {writer}: {} kills, median unkilled run {median:?}, {elapsed:.1?} in all; {}",
        landing.0.values().sum::<usize>(),
        parts.join(", ")
    );
}

/// Names in a directory, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .collect();
    names.sort();
    names
}

fn is_temp(name: &str) -> bool {
    name.starts_with(".privaudit-")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

/// One test runs the three writers one after the other: each measures its own run time,
/// which the others running at the same time would skew, and it keeps one test thread busy
/// rather than three.
#[test]
fn sigkill_while_writing_leaves_old_or_new_files() {
    crash_while_saving_a_session();
    crash_while_writing_a_report();
    crash_while_adding_evidence();
}

/// Checks one saved session file completely: it parses and has every field of a session.
fn assert_complete_session(path: &Path) {
    let text = fs::read_to_string(path).expect("session readable");
    let s: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not complete JSON ({e}):\n{text}", path.display()));
    let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
    assert_eq!(s["schema_version"], 1, "{}", path.display());
    assert_eq!(s["id"], stem, "{}", path.display());
    assert_eq!(s["command"], "respond");
    assert_eq!(s["pack"], "response");
    assert!(s["pack_version"].is_string());
    assert_eq!(s["lang"], "en");
    assert_eq!(s["as_of"], AS_OF);
    assert_eq!(s["answers"]["jurisdiction"], "cn");
    assert_eq!(s["answers"]["discovered_on"], "2026-03-08");
    assert!(s["done"].is_object());
    assert_eq!(mode(path), 0o600, "{}", path.display());
}

fn crash_while_saving_a_session() {
    let started = Instant::now();
    let root = tempfile::tempdir().expect("tempdir");
    let state = root.path().join("state");
    let sessions = state.join("sessions");
    let answers = root.path().join("answers.yaml");
    fs::write(&answers, ANSWERS).expect("answers");
    let respond = || {
        privaudit(
            &state,
            &[
                "respond",
                "--non-interactive",
                "--answers",
                path_str(&answers),
            ],
        )
    };

    // The old state: sessions saved by unkilled runs (the timing runs included).
    let median = median_run_time(|| {}, respond);
    let expected_report = run_ok(privaudit(&state, &["report", "latest"]));
    let mut rng = Rng(0x5e55_1011_dead_beef);
    let mut landing = Landing::default();
    for i in 0..kills() {
        let before: BTreeMap<String, Vec<u8>> = names(&sessions)
            .into_iter()
            .filter(|n| !is_temp(n))
            .map(|n| {
                let bytes = fs::read(sessions.join(&n)).expect("session");
                (n, bytes)
            })
            .collect();
        let temps_before = names(&sessions).iter().filter(|n| is_temp(n)).count();

        let killed = run_and_kill(respond(), rng.delay(median.mul_f64(1.2)));

        let after = names(&sessions);
        let mut new = Vec::new();
        let mut temps = 0;
        for name in &after {
            if is_temp(name) {
                temps += 1;
                continue;
            }
            assert!(name.ends_with(".json"), "kill {i}: unexpected file {name}");
            let path = sessions.join(name);
            assert_complete_session(&path);
            match before.get(name) {
                Some(old) => assert_eq!(
                    &fs::read(&path).expect("session"),
                    old,
                    "kill {i}: {name} changed"
                ),
                None => new.push(name.clone()),
            }
        }
        assert!(
            before.keys().all(|n| after.contains(n)),
            "kill {i}: a session disappeared"
        );
        assert!(new.len() <= 1, "kill {i}: one run saved {new:?}");
        assert!(
            killed || new.len() == 1,
            "kill {i}: a finished run saved nothing"
        );
        let latest = after.iter().rfind(|n| !is_temp(n)).expect("a session");
        assert!(
            new.first() == Some(latest) || before.keys().next_back() == Some(latest),
            "kill {i}: latest session {latest} is neither the old nor the new one"
        );
        landing.count(match (killed, temps > temps_before, new.is_empty()) {
            (false, _, _) => "finished before the kill",
            (true, true, _) => "mid-write (temp file left)",
            (true, false, false) => "after the rename",
            (true, false, true) => "before the write",
        });

        // The next run ignores whatever the kill left behind (the two readers take turns,
        // to keep the run time down).
        if i % 2 == 0 {
            run_ok(privaudit(&state, &["plan", "status"]));
        } else {
            assert_eq!(
                run_ok(privaudit(&state, &["report", "latest"])),
                expected_report,
                "kill {i}: report latest"
            );
        }
    }
    print_landing("session", &landing, median, started.elapsed());
}

fn crash_while_writing_a_report() {
    let started = Instant::now();
    let root = tempfile::tempdir().expect("tempdir");
    let state = root.path().join("state");
    let answers = root.path().join("answers.yaml");
    let old_answers = root.path().join("old.yaml");
    fs::write(&answers, ANSWERS).expect("answers");
    fs::write(&old_answers, OLD_ANSWERS).expect("answers");
    let reports = root.path().join("reports");
    fs::create_dir(&reports).expect("reports dir");
    let out = reports.join("R.md");
    let respond = |answers: &Path| {
        privaudit(
            &state,
            &[
                "respond",
                "--non-interactive",
                "--answers",
                path_str(answers),
                "--out",
                path_str(&out),
            ],
        )
    };

    run_ok(respond(&old_answers));
    let old = fs::read(&out).expect("old report");
    run_ok(respond(&answers));
    let new = fs::read(&out).expect("new report");
    assert_ne!(old, new, "the old and new reports must differ");
    // Puts the old report back (as a file of its own, mode 0600) before each run.
    let restore = || {
        if fs::read(&out).ok().as_deref() != Some(&old[..]) {
            use std::os::unix::fs::OpenOptionsExt;
            fs::remove_file(&out).expect("remove report");
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&out)
                .expect("old report");
            std::io::Write::write_all(&mut file, &old).expect("old report");
        }
    };
    let median = median_run_time(restore, || respond(&answers));

    let mut rng = Rng(0x0e90_27ca_fe12_3457);
    let mut landing = Landing::default();
    for i in 0..kills() {
        restore();
        let temps_before = names(&reports).iter().filter(|n| is_temp(n)).count();

        let killed = run_and_kill(respond(&answers), rng.delay(median.mul_f64(1.2)));

        let now = fs::read(&out).expect("the report is always there");
        let is_new = now == new;
        assert!(
            is_new || now == old,
            "kill {i}: R.md is neither the old nor the new report ({} bytes; old {}, new {})",
            now.len(),
            old.len(),
            new.len()
        );
        assert!(
            killed || is_new,
            "kill {i}: a finished run left the old report"
        );
        assert_eq!(mode(&out), 0o600, "kill {i}: report mode");
        let listing = names(&reports);
        for name in &listing {
            assert!(
                name == "R.md" || is_temp(name),
                "kill {i}: unexpected file {name}"
            );
        }
        let temps = listing.iter().filter(|n| is_temp(n)).count();
        landing.count(match (killed, temps > temps_before, is_new) {
            (false, _, _) => "finished before the kill",
            (true, true, _) => "mid-write (temp file left)",
            (true, false, true) => "after the rename",
            (true, false, false) => "before the write",
        });
    }
    print_landing("report", &landing, median, started.elapsed());
}

/// `Journal intact: N entries, …` → N; fails on anything else.
fn verified_entries(state: &Path) -> usize {
    let out = run_ok(privaudit(state, &["evidence", "verify"]));
    out.strip_prefix("Journal intact: ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected verify output: {out}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn add_args<'a>(note: &'a str, attach: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec![
        "evidence",
        "add",
        "--kind",
        "web",
        "--from",
        "crash-test",
        "--note",
        note,
    ];
    if let Some(path) = attach {
        args.extend(["--attach", path]);
    }
    args
}

fn crash_while_adding_evidence() {
    let started = Instant::now();
    let root = tempfile::tempdir().expect("tempdir");
    let template = root.path().join("template");
    let small = root.path().join("small.txt");
    fs::write(&small, b"a small attachment").expect("small");
    let big = root.path().join("big.bin");
    let mut fill = Rng(0xb16_b00b_5eed_0001);
    let big_bytes: Vec<u8> = (0..ATTACHMENT_BYTES / 8)
        .flat_map(|_| fill.next().to_le_bytes())
        .collect();
    fs::write(&big, &big_bytes).expect("big");
    let big_sha = sha256_hex(&big_bytes);

    // The old journal: three entries, one with an attachment.
    run_ok(privaudit(&template, &add_args("first", None)));
    run_ok(privaudit(
        &template,
        &add_args("second", Some(path_str(&small))),
    ));
    run_ok(privaudit(&template, &add_args("third", None)));
    assert_eq!(verified_entries(&template), 3);
    let old_journal = fs::read(template.join("evidence/journal.jsonl")).expect("journal");
    let old_files = names(&template.join("evidence/files"));

    let state = root.path().join("state");
    let fresh = || {
        if state.exists() {
            fs::remove_dir_all(&state).expect("clean state");
        }
        copy_tree(&template, &state);
    };
    let add = || privaudit(&state, &add_args("crash", Some(path_str(&big))));
    let median = median_run_time(fresh, add);

    let mut rng = Rng(0xe71d_e2ce_0bad_f00d);
    let mut landing = Landing::default();
    for i in 0..kills() {
        fresh();

        let killed = run_and_kill(add(), rng.delay(median.mul_f64(1.2)));

        // The journal verifies (chain and every referenced attachment) with 3 or 4 entries,
        // and only ever grew by whole lines.
        let n = verified_entries(&state);
        assert!(n == 3 || n == 4, "kill {i}: {n} entries");
        assert!(
            killed || n == 4,
            "kill {i}: a finished add recorded nothing"
        );
        let journal = fs::read(state.join("evidence/journal.jsonl")).expect("journal");
        assert!(
            journal.starts_with(&old_journal),
            "kill {i}: history changed"
        );
        assert!(journal.ends_with(b"\n"), "kill {i}: torn last line");
        assert_eq!(journal.iter().filter(|&&b| b == b'\n').count(), n);
        if n == 4 {
            let last: Value =
                serde_json::from_slice(&journal[old_journal.len()..]).expect("new entry");
            assert_eq!(last["attachments"][0]["sha256"], big_sha.as_str());
        }
        assert_eq!(mode(&state.join("evidence/journal.jsonl")), 0o600);

        // The store holds the old files, maybe the new one (whole, under its hash) and
        // maybe a temp file of an interrupted copy, nothing else.
        let files_dir = state.join("evidence/files");
        let mut stored = false;
        let mut temp = false;
        for name in names(&files_dir) {
            let path = files_dir.join(&name);
            if name == big_sha {
                assert!(
                    fs::read(&path).expect("attachment") == big_bytes,
                    "kill {i}: the stored attachment is not whole"
                );
                assert_eq!(mode(&path), 0o600);
                stored = true;
            } else if name.starts_with(".incoming-") {
                temp = true;
            } else {
                assert!(
                    old_files.contains(&name),
                    "kill {i}: unexpected file {name}"
                );
            }
        }
        assert!(
            n == 3 || stored,
            "kill {i}: entry recorded without its file"
        );
        landing.count(match (killed, temp, stored, n) {
            (false, ..) => "finished before the kill",
            (true, true, ..) => "mid-copy (temp file left)",
            (true, false, true, 3) => "attachment stored, entry not yet appended",
            (true, false, _, 4) => "after the append",
            _ => "before the write",
        });

        // The chain continues: `add` checks it before appending, and numbers the entry.
        let next = run_ok(privaudit(&state, &add_args("next", None)));
        assert!(
            next.starts_with(&format!("Recorded entry {} ", n + 1)),
            "kill {i}: {next}"
        );
    }
    print_landing("evidence", &landing, median, started.elapsed());
    assert!(
        landing.get("finished before the kill") < kills(),
        "no kill hit a running add"
    );
}
