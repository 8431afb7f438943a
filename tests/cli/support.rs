//! A small fixture builder shared by the CLI tests.
#![allow(dead_code)]

use assert_cmd::Command;

/// The real binary with a private, empty state dir and a fixed clock and language, so every
/// run is reproducible and never touches the developer's own data.
pub fn privaudit(state: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("privaudit").expect("binary builds");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .arg("--state-dir")
        .arg(state)
        .arg("--as-of")
        .arg("2026-03-10T09:00:00+08:00");
    cmd
}
