//! A small fixture builder shared by the CLI tests.
#![allow(dead_code)]

use assert_cmd::Command;

/// The real binary with a private, empty state dir and a fixed clock and language, so every
/// run is reproducible and never touches the developer's own data.
pub fn privaudit(state: &std::path::Path) -> Command {
    Command::from_std(std_privaudit(state, AS_OF))
}

/// The clock every test run is pinned to unless it says otherwise.
pub const AS_OF: &str = "2026-03-10T09:00:00+08:00";

/// The same as a plain `std::process::Command`, for tests that spawn and kill the process
/// or redirect its streams themselves.
pub fn std_privaudit(state: &std::path::Path, as_of: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("privaudit"));
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .arg("--state-dir")
        .arg(state)
        .arg("--as-of")
        .arg(as_of);
    cmd
}

/// A temporary state dir plus a place for fixtures.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn state(&self) -> std::path::PathBuf {
        self.dir.path().join("state")
    }

    /// Writes a fixture file and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("fixture dir");
        }
        std::fs::write(&path, contents).expect("fixture");
        path
    }

    /// `privaudit` with this sandbox's state dir and the fixed clock.
    pub fn cmd(&self) -> Command {
        privaudit(&self.state())
    }

    /// Like [`Sandbox::cmd`] but with another `--as-of`.
    pub fn cmd_at(&self, as_of: &str) -> Command {
        Command::from_std(std_privaudit(&self.state(), as_of))
    }
}

/// Runs a command that must succeed and returns its stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    success_stdout(cmd.output().expect("runs"))
}

/// The stdout of a run that must have succeeded; on failure, both streams for the message.
pub fn success_stdout(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// xorshift64*: small and deterministic, so a failing random case can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `[0, n)`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True once in `one_in` times.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A delay drawn uniformly from `[0, max)`.
    pub fn delay(&mut self, max: std::time::Duration) -> std::time::Duration {
        let micros = u64::try_from(max.as_micros()).unwrap_or(u64::MAX).max(1);
        std::time::Duration::from_micros(self.next() % micros)
    }
}

/// Validates a SARIF log against the committed copy of the SARIF 2.1.0 schema.
pub fn assert_valid_sarif(log: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/sarif-schema-2.1.0.json"),
        )
        .expect("schema fixture"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
}

/// Copies a directory tree, keeping file and directory modes (a state dir is 0700 and its
/// files 0600, and the copy must be the same state).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    use std::fs;
    fs::create_dir_all(to).expect("create dir");
    fs::set_permissions(to, fs::metadata(from).expect("meta").permissions()).expect("chmod");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
