//! The personal-data scanner: finds Chinese resident ID numbers, mobile numbers, bank card
//! numbers and e-mail addresses in files, masked and fingerprinted.
//!
//! Behaviour users and scripts rely on:
//!
//! - **What is found** — `cn_id`: 18 characters, GB 11643 check character, GB/T 2260
//!   province, real birth date from 1900-01-01 to the scan date; also grouped 6-8-4.
//!   `cn_mobile`: `1[3-9]` + 9 digits, optionally `+86`/`86`/`0086` and 3-4-4 groups
//!   (space or hyphen, one kind per number). `bank_card`: 13–19 digits, Luhn-valid, known
//!   issuer range, contiguous or in groups of four (4-6-5 / 4-6-4 for Amex/Diners).
//!   `email`: `local@domain.tld`, alphabetic TLD of 2+ letters; not reported: file names
//!   (`icon@2x.png`), package specs (`lodash@4.17.21`), hosts without a dot
//!   (`user@localhost`), scp/SSH targets (`git@github.com:org/repo`), URL user info
//!   (`https://user@host`), and reserved documentation domains (`example.com/.net/.org`,
//!   `.example`, `.test`, `.invalid`, `.localhost`, `.local`), which belong to nobody.
//! - **Boundaries** — a number touching a letter, digit, `_`, `@` or a decimal point
//!   followed by a digit is part of something longer (hash, UUID, version, float, e-mail)
//!   and is not reported; non-ASCII text around a number is a boundary.
//! - **Files** — `.gitignore` and `.privauditignore` honoured,
//!   hidden files scanned except `.git/`, binary files (NUL in the first 8 KiB) skipped,
//!   links not followed, memory bounded per thread.
//! - **Positions** — `line` is 1-based; `column` is the 1-based *byte* offset in the line
//!   (as ripgrep's `--column`); SARIF regions use UTF-16 code units, as SARIF expects.
//! - **Allow comments** — a line containing `privaudit:allow` is not reported;
//!   `privaudit:allow cn_id,email` silences only the listed kinds on that line.
//! - **Output** never contains a full value: masks keep at most the ends
//!   (`110105********002X`, `138****5678`, `622202*********0128`, `z***@qq.com`), and
//!   fingerprints are SHA-256 of `kind:normalised value`.
//! - **Exit status** — 0 clean (or everything in the baseline, or `--write-baseline`), 1
//!   findings, 2 bad arguments (missing path, unreadable path, malformed baseline).
//!   Files that cannot be read during the walk are warnings; the scan goes on.

mod baseline;
mod mask;
mod matcher;
mod output;
mod stream;
pub mod validate;
mod walk;

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::exit::ExitStatus;
use crate::fsutil;
use crate::i18n::Lang;

pub use baseline::Baseline;

/// A kind of personal data. The names (`cn_id`, `cn_mobile`, `bank_card`, `email`) are
/// stable: they appear in output, baselines, SARIF rule ids and allow comments.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Kind {
    CnId,
    CnMobile,
    BankCard,
    Email,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::CnId, Kind::CnMobile, Kind::BankCard, Kind::Email];

    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::CnId => "cn_id",
            Kind::CnMobile => "cn_mobile",
            Kind::BankCard => "bank_card",
            Kind::Email => "email",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown kind `{s}` (expected one of cn_id, cn_mobile, bank_card, email)")
            })
    }
}

/// A small set of kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct KindSet(u8);

impl KindSet {
    pub(crate) fn none() -> KindSet {
        KindSet(0)
    }
    pub(crate) fn all() -> KindSet {
        KindSet::from_kinds(&Kind::ALL)
    }
    pub(crate) fn from_kinds(kinds: &[Kind]) -> KindSet {
        KindSet(kinds.iter().fold(0, |acc, k| acc | k.bit()))
    }
    pub(crate) fn insert(&mut self, kind: Kind) {
        self.0 |= kind.bit();
    }
    pub(crate) fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One piece of personal data found in a file. Holds the masked value only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The path as given on the command line joined with the path below it.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based byte column (as ripgrep's `--column`).
    pub column: u64,
    pub kind: Kind,
    pub masked: String,
    /// Lower-case hex SHA-256 of `kind:normalised value`.
    pub fingerprint: String,
    /// 1-based column in UTF-16 code units, for SARIF and editors.
    #[serde(skip)]
    pub column_utf16: u64,
}

/// A file or directory that could not be read during the walk; the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanWarning {
    pub path: Option<String>,
    /// The operating system's (English) description of the problem.
    pub detail: String,
}

impl ScanWarning {
    pub fn message(&self, lang: Lang) -> String {
        match (&self.path, lang) {
            (Some(p), Lang::En) => format!("warning: skipped {p}: {}", self.detail),
            (Some(p), Lang::Zh) => format!("警告：已跳过 {p}：{}", self.detail),
            (None, Lang::En) => format!("warning: {}", self.detail),
            (None, Lang::Zh) => format!("警告：{}", self.detail),
        }
    }
}

/// What a scan found, before any baseline is applied.
#[derive(Debug, Clone, Default)]
pub struct ScanOutcome {
    /// Sorted by path, line, column and kind.
    pub findings: Vec<Finding>,
    /// Text files read (binary files are not counted).
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub warnings: Vec<ScanWarning>,
}

/// Errors that stop a scan: bad input from the user (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("cannot read {path}")]
    Unreadable {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot read baseline {path}")]
    ReadBaseline {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("invalid baseline {path}:{line}:{column}: {detail}")]
    BadBaseline {
        path: String,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("cannot write baseline {path}")]
    WriteBaseline {
        path: String,
        #[source]
        source: io::Error,
    },
}

impl ScanError {
    /// The message in `lang`; like `Display`, without the underlying cause, which
    /// `source()` provides.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ScanError::NotFound { path } => format!("{path}：文件或目录不存在"),
            ScanError::Unreadable { path, .. } => format!("无法读取 {path}"),
            ScanError::ReadBaseline { path, .. } => format!("无法读取基线文件 {path}"),
            ScanError::BadBaseline {
                path,
                line,
                column,
                detail,
            } => format!("基线文件无效 {path}:{line}:{column}：{detail}"),
            ScanError::WriteBaseline { path, .. } => format!("无法写入基线文件 {path}"),
        }
    }

    /// Wraps the error for display in `lang`.
    pub fn localized(self, lang: Lang) -> LocalizedScanError {
        LocalizedScanError {
            message: self.message(lang),
            error: self,
        }
    }
}

/// A [`ScanError`] whose `Display` is in the user's language; its `source()` is the
/// underlying cause (an I/O error), so printing the error chain shows both.
#[derive(Debug)]
pub struct LocalizedScanError {
    message: String,
    error: ScanError,
}

impl LocalizedScanError {
    pub fn error(&self) -> &ScanError {
        &self.error
    }
}

impl fmt::Display for LocalizedScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LocalizedScanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// Settings of a scan that do not come from the tree itself.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Kinds to look for; empty means all.
    pub kinds: Vec<Kind>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// The scan date: ID numbers with a later birth date are not valid.
    pub today: NaiveDate,
    /// Files larger than this many bytes are skipped.
    pub max_filesize: Option<u64>,
}

/// Scans `paths` (files or directories) and returns every finding, sorted.
pub fn scan_paths(
    paths: &[PathBuf],
    options: &ScanOptions,
    progress: Option<&ProgressBar>,
) -> Result<ScanOutcome, ScanError> {
    let kinds = if options.kinds.is_empty() {
        KindSet::all()
    } else {
        KindSet::from_kinds(&options.kinds)
    };
    let matcher = matcher::Matcher::new(kinds, options.today);
    walk::walk(
        paths,
        &matcher,
        &walk::WalkConfig {
            threads: options.threads,
            max_filesize: options.max_filesize,
            progress,
        },
    )
}

/// Scans the tree at `root` for `kinds` (all when empty); for the policy probe
/// `no-personal-data-in-repo`.
pub fn scan_tree(
    root: &Path,
    kinds: &[Kind],
    threads: usize,
    today: NaiveDate,
) -> Result<ScanOutcome, ScanError> {
    let options = ScanOptions {
        kinds: kinds.to_vec(),
        threads,
        today,
        max_filesize: None,
    };
    scan_paths(&[root.to_path_buf()], &options, None)
}

/// Output formats of `privaudit scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `path:line:column: kind masked` and a summary line.
    #[default]
    Text,
    /// One JSON object per finding.
    Jsonl,
    /// One JSON document with findings and summary.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Parses a size such as `1048576`, `512K`, `10M` or `1G` (binary multiples).
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, multiplier) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix `{c}` (use K, M or G)")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("invalid size `{s}`"))
}

/// Arguments of `privaudit scan`.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Kinds to look for, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "K,..")]
    pub kinds: Vec<Kind>,
    /// Do not report findings whose fingerprint is in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the fingerprints of all current findings to FILE and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Skip files larger than SIZE (bytes, or with a K, M or G suffix).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,
}

fn progress_bar(lang: Lang) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = lang.pick(
        "{spinner} {human_pos} files scanned [{elapsed}]",
        "{spinner} 已扫描 {human_pos} 个文件 [{elapsed}]",
    );
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Runs `privaudit scan`: scans, applies the baseline, writes the report to `out` and
/// warnings to `err`. `today` is the `--as-of` date; `color` and `progress` say whether
/// the caller's terminal wants colours and a progress bar on stderr.
pub fn run(
    args: &ScanArgs,
    today: NaiveDate,
    lang: Lang,
    color: bool,
    progress: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    // Load the baseline first: a typo in it should fail before a long scan.
    let baseline = match &args.baseline {
        Some(path) => Baseline::load(path).map_err(|e| e.localized(lang))?,
        None => Baseline::default(),
    };
    let options = ScanOptions {
        kinds: args.kinds.clone(),
        threads: args.threads,
        today,
        max_filesize: args.max_filesize,
    };
    let bar = progress.then(|| progress_bar(lang));
    let outcome = scan_paths(&args.paths, &options, bar.as_ref());
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let outcome = outcome.map_err(|e| e.localized(lang))?;
    for warning in &outcome.warnings {
        writeln!(err, "{}", warning.message(lang))?;
    }

    if let Some(path) = &args.write_baseline {
        let bytes = Baseline::render(&outcome.findings);
        fsutil::write_private(path, &bytes).map_err(|source| {
            ScanError::WriteBaseline {
                path: path.display().to_string(),
                source,
            }
            .localized(lang)
        })?;
        let distinct = outcome
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let shown = path.display();
        writeln!(
            err,
            "{}",
            match lang {
                Lang::En => format!("wrote {distinct} fingerprints to the baseline {shown}"),
                Lang::Zh => format!("已将 {distinct} 个指纹写入基线文件 {shown}"),
            }
        )?;
    }

    let (reported, baselined): (Vec<Finding>, Vec<Finding>) = outcome
        .findings
        .into_iter()
        .partition(|f| !baseline.contains(&f.fingerprint));
    let summary = output::Summary {
        files_scanned: outcome.files_scanned,
        bytes_scanned: outcome.bytes_scanned,
        findings: reported.len() as u64,
        baselined: baselined.len() as u64,
    };
    match args.format {
        Format::Text => output::text(out, &reported, &summary, lang, color)?,
        Format::Jsonl => output::jsonl(out, &reported)?,
        Format::Json => output::json(out, &reported, &summary)?,
        Format::Sarif => output::sarif(out, &reported, lang)?,
    }
    out.flush()?;

    Ok(if reported.is_empty() || args.write_baseline.is_some() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).expect("date")
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
            assert_eq!(
                serde_json::to_string(&kind).expect("serialises"),
                format!("\"{kind}\"")
            );
            let value = clap::ValueEnum::to_possible_value(&kind).expect("visible");
            assert_eq!(value.get_name(), kind.name());
        }
        assert!("passport".parse::<Kind>().is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("10m"), Ok(10 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("1T").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("K").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn errors_are_bilingual_and_keep_their_cause() {
        let err = ScanError::Unreadable {
            path: "a/b".into(),
            source: io::Error::new(io::ErrorKind::PermissionDenied, "denied"),
        };
        assert_eq!(err.message(Lang::En), "cannot read a/b");
        assert_eq!(err.message(Lang::Zh), "无法读取 a/b");
        let chain = format!("{:#}", anyhow::Error::new(err.localized(Lang::Zh)));
        assert_eq!(chain, "无法读取 a/b: denied");
        let missing = ScanError::NotFound { path: "x".into() };
        assert_eq!(missing.message(Lang::Zh), "x：文件或目录不存在");
        let warning = ScanWarning {
            path: Some("p".into()),
            detail: "d".into(),
        };
        assert_eq!(warning.message(Lang::En), "warning: skipped p: d");
        assert_eq!(warning.message(Lang::Zh), "警告：已跳过 p：d");
    }

    fn args(paths: &[&Path], format: Format) -> ScanArgs {
        ScanArgs {
            paths: paths.iter().map(|p| p.to_path_buf()).collect(),
            format,
            kinds: vec![],
            baseline: None,
            write_baseline: None,
            threads: 1,
            max_filesize: None,
        }
    }

    fn run_to_strings(args: &ScanArgs, lang: Lang) -> (anyhow::Result<ExitStatus>, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run(args, today(), lang, false, false, &mut out, &mut err);
        (
            status,
            String::from_utf8(out).expect("utf-8"),
            String::from_utf8(err).expect("utf-8"),
        )
    }

    #[test]
    fn run_reports_masked_findings_and_sets_the_exit_status() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "tel 13812345678\n").expect("write");
        std::fs::write(dir.path().join("b.txt"), "nothing here\n").expect("write");
        let (status, out, err) = run_to_strings(&args(&[dir.path()], Format::Text), Lang::En);
        assert_eq!(status.expect("runs"), ExitStatus::Failure);
        assert!(
            out.ends_with(":1:5: cn_mobile 138****5678\n1 finding in 1 of 2 files\n"),
            "{out}"
        );
        assert!(!out.contains("13812345678"));
        assert_eq!(err, "");

        let clean = dir.path().join("b.txt");
        let (status, out, _) = run_to_strings(&args(&[&clean], Format::Jsonl), Lang::Zh);
        assert_eq!(status.expect("runs"), ExitStatus::Success);
        assert_eq!(out, "");
    }

    #[test]
    fn coloured_text_only_when_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "13812345678\n").expect("write");
        let a = args(&[dir.path()], Format::Text);
        let (mut plain, mut coloured, mut err) = (Vec::new(), Vec::new(), Vec::new());
        run(&a, today(), Lang::En, false, false, &mut plain, &mut err).expect("runs");
        run(&a, today(), Lang::En, true, false, &mut coloured, &mut err).expect("runs");
        assert!(!plain.contains(&0x1b));
        assert!(coloured.contains(&0x1b));
    }

    #[test]
    fn run_rejects_a_missing_path_in_the_users_language() {
        let (status, out, _) = run_to_strings(
            &args(&[Path::new("/no/such/privaudit-path")], Format::Text),
            Lang::Zh,
        );
        let err = status.expect_err("missing path is an error");
        assert_eq!(err.to_string(), "/no/such/privaudit-path：文件或目录不存在");
        assert!(err.downcast_ref::<LocalizedScanError>().is_some());
        assert_eq!(out, "");
    }
}
