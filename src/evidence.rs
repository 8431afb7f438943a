//! The evidence journal: an append-only, hash-chained record of what happened after a leak
//! (harassing calls, SMS, phishing mail, sites showing the leaked data), with attached files
//! kept by content, and the exports a user hands to the police or a lawyer.
//!
//! # On disk
//!
//! ```text
//! <state_dir>/evidence/              0700
//! <state_dir>/evidence/journal.jsonl 0600  one entry per line, never rewritten
//! <state_dir>/evidence/files/        0700
//! <state_dir>/evidence/files/<sha256> 0600 attachment bytes, named by their SHA-256
//! ```
//!
//! Each line is the compact JSON of an [`Entry`] with its members in this order:
//! `seq`, `at`, `recorded_at`, `kind`, `from`, `note`, `attachments` (each `name`,
//! `sha256`, `size`), `prev`, `hash`.
//!
//! # What is hashed
//!
//! `hash` is the lowercase hex SHA-256 of the UTF-8 bytes of the entry's compact JSON
//! serialization *without* the `hash` member, that is
//!
//! ```text
//! {"seq":N,"at":"…","recorded_at":"…","kind":"…","from":"…","note":"…",
//!  "attachments":[{"name":"…","sha256":"…","size":N},…],"prev":"…"}
//! ```
//!
//! on one line with no whitespace between tokens; strings escaped as `serde_json` does
//! (only `"`, `\` and control characters; everything else as raw UTF-8); dates in RFC 3339
//! with the offset they were given in and fractional seconds only when non-zero. `prev`
//! is the previous entry's `hash`, or 64 zeros for the first entry, and each attachment's
//! `sha256` is the hash of the file's bytes — so one head hash pins every entry, their
//! order and every attached file. Because privaudit writes lines in exactly this form, for
//! an untouched line the hash input is the line with `,"hash":"…"` removed (for text without
//! control characters, `jq -cj 'del(.hash)'` of the line).
//!
//! # Limits
//!
//! A hash chain proves that nothing was edited, removed or reordered *before* the last
//! entry; dropping entries at the end leaves a shorter chain that is intact. That is why
//! every export prints the head hash: whoever holds an export can tell whether the journal
//! they are shown later still contains it.

use std::fmt::{self, Write as _};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cli::{EvidenceKind, ExportFormat};
use crate::fsutil;
use crate::i18n::Lang;

/// Version of the JSON export and list formats.
pub const EXPORT_SCHEMA: u32 = 1;

/// `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const JOURNAL_FILE: &str = "journal.jsonl";

/// One journal entry, in the order its members are written and hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1-based position in the journal.
    pub seq: u64,
    /// When it happened (the user's `--at`, default the time it was recorded).
    #[serde(with = "rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// When privaudit recorded it.
    #[serde(with = "rfc3339")]
    pub recorded_at: DateTime<FixedOffset>,
    pub kind: EvidenceKind,
    /// Who or where it came from: a phone number, an address, a URL.
    pub from: String,
    /// What happened.
    pub note: String,
    pub attachments: Vec<Attachment>,
    /// The previous entry's `hash`, or [`GENESIS`].
    pub prev: String,
    /// SHA-256 over every other member (see the module documentation).
    pub hash: String,
}

/// A file kept with an entry, stored as `files/<sha256>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The original file name (without its directory, which may say more than the user
    /// meant to share).
    pub name: String,
    pub sha256: String,
    pub size: u64,
}

/// The members of an [`Entry`] that its hash covers, borrowed, in the same order, so the
/// hash input is the entry's own serialization minus `hash`.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: u64,
    #[serde(with = "rfc3339")]
    at: &'a DateTime<FixedOffset>,
    #[serde(with = "rfc3339")]
    recorded_at: &'a DateTime<FixedOffset>,
    kind: EvidenceKind,
    from: &'a str,
    note: &'a str,
    attachments: &'a [Attachment],
    prev: &'a str,
}

impl Entry {
    /// The hash this entry's content should have.
    pub fn compute_hash(&self) -> String {
        let hashed = Hashed {
            seq: self.seq,
            at: &self.at,
            recorded_at: &self.recorded_at,
            kind: self.kind,
            from: &self.from,
            note: &self.note,
            attachments: &self.attachments,
            prev: &self.prev,
        };
        // Serializing plain strings, integers and dates cannot fail; an empty input would
        // only ever produce a hash that verification rejects.
        let bytes = serde_json::to_vec(&hashed).unwrap_or_default();
        hex(&Sha256::digest(&bytes))
    }

    /// Builds the entry that follows `prev` (or the first one), with its hash.
    pub fn next(prev: Option<&Entry>, draft: Draft, attachments: Vec<Attachment>) -> Entry {
        let mut entry = Entry {
            seq: prev.map_or(1, |p| p.seq.saturating_add(1)),
            at: draft.at,
            recorded_at: draft.recorded_at,
            kind: draft.kind,
            from: draft.from,
            note: draft.note,
            attachments,
            prev: prev.map_or_else(|| GENESIS.to_owned(), |p| p.hash.clone()),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        entry
    }

    /// The JSON line written to the journal (without its newline).
    fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// RFC 3339 dates exactly as they enter the hash: the offset as given, seconds, and
/// fractional seconds only when there are some.
mod rfc3339 {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

/// What the user asked to record, validated; see [`Draft::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub at: DateTime<FixedOffset>,
    pub recorded_at: DateTime<FixedOffset>,
    pub kind: EvidenceKind,
    pub from: String,
    pub note: String,
}

impl Draft {
    /// Validates the user's input against `now`: `from` and `note` must say something, and
    /// `at` (default `now`) must be RFC 3339 and not in the future — evidence of something
    /// that has not happened yet is a typo, and a wrong date undermines the whole record.
    pub fn new(
        kind: EvidenceKind,
        from: String,
        note: String,
        at: Option<&str>,
        now: DateTime<FixedOffset>,
    ) -> Result<Draft, EvidenceError> {
        if from.trim().is_empty() {
            return Err(EvidenceError::Empty { field: "from" });
        }
        if note.trim().is_empty() {
            return Err(EvidenceError::Empty { field: "note" });
        }
        let at = match at {
            None => now,
            Some(raw) => {
                DateTime::parse_from_rfc3339(raw.trim()).map_err(|e| EvidenceError::InvalidAt {
                    value: raw.to_owned(),
                    reason: e.to_string(),
                })?
            }
        };
        if at > now {
            return Err(EvidenceError::FutureAt { at, now });
        }
        Ok(Draft {
            at,
            recorded_at: now,
            kind,
            from,
            note,
        })
    }
}

/// The first thing wrong with a journal: where, and which check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of `journal.jsonl`.
    pub line: usize,
    /// The entry's `seq`; for a line that is not an entry, the `seq` expected there.
    pub seq: u64,
    pub check: Check,
}

/// The integrity checks, in the order they run on each line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The line is not a journal entry (not UTF-8, not JSON, missing or unknown members,
    /// a malformed digest).
    Unreadable { detail: String },
    /// The content no longer matches the entry's own hash: it was edited.
    HashMismatch { stored: String, computed: String },
    /// `seq` skips ahead and the skipped entries are nowhere in the file: entries were removed.
    Removed { expected: u64 },
    /// `seq` is not the next one but the expected entry appears elsewhere (or this one
    /// repeats an earlier number): entries were reordered or duplicated.
    OutOfOrder { expected: u64 },
    /// `prev` is not the previous entry's hash: an earlier entry was edited (and its hash
    /// recomputed), removed or reordered.
    PrevMismatch { expected: String, found: String },
    /// The attached file is no longer in the store.
    AttachmentMissing { name: String, sha256: String },
    /// The attached file's bytes no longer match the recorded digest or size.
    AttachmentChanged {
        name: String,
        sha256: String,
        actual: String,
    },
}

impl Check {
    /// A stable name for the check, for scripts and documentation.
    pub fn code(&self) -> &'static str {
        match self {
            Check::Unreadable { .. } => "unreadable-line",
            Check::HashMismatch { .. } => "hash-mismatch",
            Check::Removed { .. } => "entry-removed",
            Check::OutOfOrder { .. } => "out-of-order",
            Check::PrevMismatch { .. } => "chain-broken",
            Check::AttachmentMissing { .. } => "attachment-missing",
            Check::AttachmentChanged { .. } => "attachment-changed",
        }
    }
}

impl Problem {
    /// A sentence naming the entry, its line and what failed.
    pub fn message(&self, lang: Lang) -> String {
        let (line, seq) = (self.line, self.seq);
        let place = match (&self.check, lang) {
            (Check::Unreadable { .. }, Lang::En) => {
                format!("line {line} (where entry {seq} was expected)")
            }
            (Check::Unreadable { .. }, Lang::Zh) => format!("第 {line} 行（应为第 {seq} 条）"),
            (_, Lang::En) => format!("entry {seq} (line {line})"),
            (_, Lang::Zh) => format!("第 {seq} 条（第 {line} 行）"),
        };
        let what = match (&self.check, lang) {
            (Check::Unreadable { detail }, Lang::En) => {
                format!("the line is not a valid journal entry: {detail}")
            }
            (Check::Unreadable { detail }, Lang::Zh) => {
                format!("该行不是有效的记录：{detail}")
            }
            (Check::HashMismatch { stored, computed }, Lang::En) => format!(
                "the entry was edited after it was recorded: its content hashes to {computed}, \
                 not to its recorded hash {stored}"
            ),
            (Check::HashMismatch { stored, computed }, Lang::Zh) => format!(
                "该条记录在保存后被修改：其内容的哈希为 {computed}，与保存的哈希 {stored} 不符"
            ),
            (Check::Removed { expected }, Lang::En) => format!(
                "entries were removed: entry {expected} should come here and is not in the journal"
            ),
            (Check::Removed { expected }, Lang::Zh) => {
                format!("有记录被删除：此处应为第 {expected} 条，但日志中找不到它")
            }
            (Check::OutOfOrder { expected }, Lang::En) => {
                format!("entries were reordered or duplicated: entry {expected} should come here")
            }
            (Check::OutOfOrder { expected }, Lang::Zh) => {
                format!("记录的顺序被改动或有重复：此处应为第 {expected} 条")
            }
            (Check::PrevMismatch { expected, found }, Lang::En) => format!(
                "the link to the previous entry is broken (prev is {found}, the previous \
                 entry's hash is {expected}): an earlier entry was edited, removed or reordered"
            ),
            (Check::PrevMismatch { expected, found }, Lang::Zh) => format!(
                "与上一条记录的链接断开（prev 为 {found}，上一条的哈希为 {expected}）：\
                 之前的记录被修改、删除或调换了顺序"
            ),
            (Check::AttachmentMissing { name, sha256 }, Lang::En) => format!(
                "the attached file {} (sha256 {sha256}) is missing from the evidence store",
                display_text(name)
            ),
            (Check::AttachmentMissing { name, sha256 }, Lang::Zh) => format!(
                "附件 {}（sha256 {sha256}）已从证据存储中丢失",
                display_text(name)
            ),
            (
                Check::AttachmentChanged {
                    name,
                    sha256,
                    actual,
                },
                Lang::En,
            ) => format!(
                "the attached file {} was changed: recorded sha256 {sha256}, now {actual}",
                display_text(name)
            ),
            (
                Check::AttachmentChanged {
                    name,
                    sha256,
                    actual,
                },
                Lang::Zh,
            ) => format!(
                "附件 {} 已被改动：记录的 sha256 为 {sha256}，现在为 {actual}",
                display_text(name)
            ),
        };
        let sep = lang.pick(": ", "：");
        format!("{place}{sep}{what} [{}]", self.check.code())
    }
}

/// The result of checking a journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries that passed every check (all of them when `problem` is `None`).
    pub entries: usize,
    /// The hash of the last entry that passed, or [`GENESIS`] for none.
    pub head: String,
    /// The first problem found, if any.
    pub problem: Option<Problem>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Why an evidence operation could not be done.
#[derive(Debug)]
pub enum EvidenceError {
    /// `--from` or `--note` is empty.
    Empty { field: &'static str },
    /// `--at` is not an RFC 3339 date-time.
    InvalidAt { value: String, reason: String },
    /// `--at` is later than now.
    FutureAt {
        at: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    },
    /// A file given with `--attach` cannot be read.
    Attachment { path: PathBuf, source: io::Error },
    /// The journal or the attachment store cannot be read or written.
    Io { path: PathBuf, source: io::Error },
    /// The journal fails verification, so it cannot be extended or exported.
    Broken(Problem),
}

impl EvidenceError {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            EvidenceError::Empty { field } => format!(
                "--{field} {}",
                lang.pick(
                    "must not be empty: say who it came from and what happened",
                    "不能为空：请写明来源和经过"
                )
            ),
            EvidenceError::InvalidAt { value, reason } => match lang {
                Lang::En => format!(
                    "--at `{}` is not an RFC 3339 date-time like 2026-03-10T09:00:00+08:00 ({reason})",
                    display_text(value)
                ),
                Lang::Zh => format!(
                    "--at `{}` 不是 RFC 3339 格式的时间，例如 2026-03-10T09:00:00+08:00（{reason}）",
                    display_text(value)
                ),
            },
            EvidenceError::FutureAt { at, now } => {
                let (at, now) = (stamp(at), stamp(now));
                match lang {
                    Lang::En => format!("--at {at} is in the future (now is {now})"),
                    Lang::Zh => format!("--at {at} 晚于当前时间（现在是 {now}）"),
                }
            }
            EvidenceError::Attachment { path, source } => format!(
                "{} {}{}{}",
                lang.pick("cannot read the attachment", "无法读取附件"),
                path.display(),
                lang.pick(": ", "："),
                crate::i18n::io_error_text(source, lang)
            ),
            EvidenceError::Io { path, source } => format!(
                "{} {}{}{}",
                lang.pick("cannot access the evidence journal at", "无法访问证据记录"),
                path.display(),
                lang.pick(": ", "："),
                crate::i18n::io_error_text(source, lang)
            ),
            EvidenceError::Broken(problem) => match lang {
                Lang::En => format!(
                    "the evidence journal fails verification at {} \
                     (run `privaudit evidence verify` for details)",
                    problem.message(lang)
                ),
                Lang::Zh => format!(
                    "证据记录校验未通过：{}（运行 `privaudit evidence verify` 查看详情）",
                    problem.message(lang)
                ),
            },
        }
    }

    fn io(path: &Path, source: io::Error) -> EvidenceError {
        EvidenceError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

impl fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for EvidenceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EvidenceError::Attachment { source, .. } | EvidenceError::Io { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }
}

/// `<state_dir>/evidence`.
pub fn evidence_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("evidence")
}

/// `<state_dir>/evidence/journal.jsonl`.
pub fn journal_path(state_dir: &Path) -> PathBuf {
    evidence_dir(state_dir).join(JOURNAL_FILE)
}

fn files_dir(state_dir: &Path) -> PathBuf {
    evidence_dir(state_dir).join("files")
}

/// Records a new entry: copies the attachments into the store, then appends one line.
///
/// The journal is opened with `O_APPEND` and the line written with a single `write` and
/// fsynced, rather than rewriting the whole file atomically: earlier bytes are never
/// rewritten (so no bug here can alter history, and the kernel can enforce it with
/// `chattr +a`), and a crash mid-append can at worst leave a torn *last* line, which
/// [`verify`] reports by line number while every earlier entry stays intact. The file is
/// locked while the last entry is read and the new one appended, so two concurrent `add`s
/// cannot fork the chain. An existing journal that fails the chain checks is not extended.
pub fn add(state_dir: &Path, draft: Draft, attach: &[PathBuf]) -> Result<Entry, EvidenceError> {
    let dir = evidence_dir(state_dir);
    fsutil::create_private_dir(&dir).map_err(|e| EvidenceError::io(&dir, e))?;
    let path = journal_path(state_dir);
    let existed = path.exists();
    let mut file = open_journal(&path)?;
    file.lock().map_err(|e| EvidenceError::io(&path, e))?;

    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| EvidenceError::io(&path, e))?;
    let scan = scan_journal(&bytes, None);
    if let Some(problem) = scan.problem {
        return Err(EvidenceError::Broken(problem));
    }

    let attachments = attach
        .iter()
        .map(|p| store_attachment(state_dir, p))
        .collect::<Result<Vec<_>, _>>()?;
    let entry = Entry::next(scan.entries.last(), draft, attachments);

    let mut line = String::new();
    // A final line that lost only its newline still verifies; end it before appending so
    // the new entry gets a line of its own.
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        line.push('\n');
    }
    line.push_str(&entry.to_line());
    line.push('\n');
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| EvidenceError::io(&path, e))?;
    if !existed {
        sync_dir(&dir);
    }
    Ok(entry)
}

fn open_journal(path: &Path) -> Result<File, EvidenceError> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| EvidenceError::io(path, e))
}

/// Makes a new directory entry durable; best effort, as the data itself is already synced.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The prefix of an attachment being copied in, before it is renamed to its hash.
const INCOMING_PREFIX: &str = ".incoming-";

/// Copies one attachment into `files/<sha256>` (streaming, so large files do not fill
/// memory) and describes it. A file already in the store is left untouched: it holds the
/// same bytes by construction, and replacing it could hide tampering with earlier evidence.
fn store_attachment(state_dir: &Path, source: &Path) -> Result<Attachment, EvidenceError> {
    let attach_err = |e: io::Error| EvidenceError::Attachment {
        path: source.to_owned(),
        source: e,
    };
    let mut input = File::open(source).map_err(attach_err)?;
    if input.metadata().map_err(attach_err)?.is_dir() {
        return Err(attach_err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        )));
    }
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.display().to_string());

    let dir = files_dir(state_dir);
    fsutil::create_private_dir(&dir).map_err(|e| EvidenceError::io(&dir, e))?;
    fsutil::remove_stale_temp_files(&dir, INCOMING_PREFIX);
    // tempfile creates the file with mode 0600.
    let mut tmp = tempfile::Builder::new()
        .prefix(INCOMING_PREFIX)
        .tempfile_in(&dir)
        .map_err(|e| EvidenceError::io(&dir, e))?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(attach_err(e)),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        size += n as u64;
        tmp.write_all(chunk)
            .map_err(|e| EvidenceError::io(tmp.path(), e))?;
    }
    let sha256 = hex(&hasher.finalize());
    let target = dir.join(&sha256);
    if !target.exists() {
        tmp.as_file()
            .sync_all()
            .map_err(|e| EvidenceError::io(tmp.path(), e))?;
        match tmp.persist_noclobber(&target) {
            Ok(_) => sync_dir(&dir),
            // Another run stored the same bytes meanwhile: that copy is as good as ours.
            Err(e) if target.exists() => drop(e),
            Err(e) => return Err(EvidenceError::io(&target, e.error)),
        }
    }
    Ok(Attachment { name, sha256, size })
}

/// Checks the whole journal: the hash chain and every attached file. A journal that does
/// not exist yet verifies as empty (0 entries, head [`GENESIS`]): a new user has recorded
/// nothing, and there is nothing to tamper with. I/O errors (other than the journal not
/// existing) are errors, not verdicts: a journal that cannot be read was not shown to be
/// tampered with.
pub fn verify(state_dir: &Path) -> Result<VerifyReport, EvidenceError> {
    let bytes = read_journal(state_dir)?;
    let files = files_dir(state_dir);
    let scan = scan_journal(&bytes, Some(&files));
    Ok(VerifyReport {
        entries: scan.entries.len(),
        head: scan
            .entries
            .last()
            .map_or_else(|| GENESIS.to_owned(), |e| e.hash.clone()),
        problem: scan.problem,
    })
}

/// The entries of an intact journal, for letters and listings. The chain is checked (so
/// nothing edited reaches a letter) but attachments are not re-read.
pub fn load_entries(state_dir: &Path) -> Result<Vec<Entry>, EvidenceError> {
    let bytes = read_journal(state_dir)?;
    let scan = scan_journal(&bytes, None);
    match scan.problem {
        Some(problem) => Err(EvidenceError::Broken(problem)),
        None => Ok(scan.entries),
    }
}

/// The entries of a journal that passes every check, attachments included: an export
/// states the head hash, so it is only produced for a journal that deserves it.
pub fn load_verified(state_dir: &Path) -> Result<Vec<Entry>, EvidenceError> {
    let bytes = read_journal(state_dir)?;
    let files = files_dir(state_dir);
    let scan = scan_journal(&bytes, Some(&files));
    match scan.problem {
        Some(problem) => Err(EvidenceError::Broken(problem)),
        None => Ok(scan.entries),
    }
}

fn read_journal(state_dir: &Path) -> Result<Vec<u8>, EvidenceError> {
    let path = journal_path(state_dir);
    match fs::read(&path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(EvidenceError::io(&path, e)),
    }
}

/// Entries that passed, and the first problem.
struct Scan {
    entries: Vec<Entry>,
    problem: Option<Problem>,
}

/// Runs the checks over the journal's bytes, line by line, stopping at the first problem.
/// With `files`, attached files are re-hashed too. Pure apart from reading attachments.
fn scan_journal(bytes: &[u8], files: Option<&Path>) -> Scan {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    // The newline that ends the last entry leaves an empty piece, which is not a line.
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut entries: Vec<Entry> = Vec::new();
    for (index, raw) in lines.iter().enumerate() {
        let line = index + 1;
        let expected_seq = entries.last().map_or(1, |e| e.seq.saturating_add(1));
        let prev_hash = entries.last().map_or(GENESIS, |e| e.hash.as_str());
        let fail = |seq, check| Scan {
            entries: entries.clone(),
            problem: Some(Problem { line, seq, check }),
        };
        let entry = match parse_line(raw) {
            Ok(entry) => entry,
            Err(detail) => return fail(expected_seq, Check::Unreadable { detail }),
        };
        let computed = entry.compute_hash();
        if computed != entry.hash {
            return fail(
                entry.seq,
                Check::HashMismatch {
                    stored: entry.hash.clone(),
                    computed,
                },
            );
        }
        if entry.seq != expected_seq {
            let expected_elsewhere = lines
                .iter()
                .filter_map(|l| parse_line(l).ok())
                .any(|e| e.seq == expected_seq);
            let check = if entry.seq > expected_seq && !expected_elsewhere {
                Check::Removed {
                    expected: expected_seq,
                }
            } else {
                Check::OutOfOrder {
                    expected: expected_seq,
                }
            };
            return fail(entry.seq, check);
        }
        if entry.prev != prev_hash {
            return fail(
                entry.seq,
                Check::PrevMismatch {
                    expected: prev_hash.to_owned(),
                    found: entry.prev.clone(),
                },
            );
        }
        if let Some(files) = files
            && let Some(check) = check_attachments(&entry, files)
        {
            return fail(entry.seq, check);
        }
        entries.push(entry);
    }
    Scan {
        entries,
        problem: None,
    }
}

/// Parses one line into an entry whose digests are well-formed (so a digest can never be
/// used as a path outside the store).
fn parse_line(raw: &[u8]) -> Result<Entry, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err("empty line".to_owned());
    }
    let entry: Entry = serde_json::from_slice(raw).map_err(|e| e.to_string())?;
    for (field, value) in [("hash", &entry.hash), ("prev", &entry.prev)] {
        if !is_digest(value) {
            return Err(format!("`{field}` is not a SHA-256 hex digest"));
        }
    }
    if entry.attachments.iter().any(|a| !is_digest(&a.sha256)) {
        return Err("an attachment's `sha256` is not a SHA-256 hex digest".to_owned());
    }
    Ok(entry)
}

fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The first attachment of `entry` that is missing or changed in the store.
fn check_attachments(entry: &Entry, files: &Path) -> Option<Check> {
    for a in &entry.attachments {
        let path = files.join(&a.sha256);
        let missing = || Check::AttachmentMissing {
            name: a.name.clone(),
            sha256: a.sha256.clone(),
        };
        let Ok(file) = File::open(&path) else {
            return Some(missing());
        };
        match hash_reader(file) {
            Ok((actual, size)) if actual == a.sha256 && size == a.size => {}
            Ok((actual, _)) => {
                return Some(Check::AttachmentChanged {
                    name: a.name.clone(),
                    sha256: a.sha256.clone(),
                    actual,
                });
            }
            // A directory or unreadable file in its place does not hold the evidence either.
            Err(_) => return Some(missing()),
        }
    }
    None
}

fn hash_reader(mut r: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(buf.get(..n).unwrap_or_default());
                size += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((hex(&hasher.finalize()), size))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The hash of the last entry, or [`GENESIS`] for an empty journal.
pub fn head(entries: &[Entry]) -> &str {
    entries.last().map_or(GENESIS, |e| e.hash.as_str())
}

/// The localized name of a kind of evidence.
pub fn kind_label(kind: EvidenceKind, lang: Lang) -> &'static str {
    match kind {
        EvidenceKind::Call => lang.pick("Phone call", "电话"),
        EvidenceKind::Sms => lang.pick("SMS", "短信"),
        EvidenceKind::Email => lang.pick("Email", "电子邮件"),
        EvidenceKind::Web => lang.pick("Website", "网站"),
        EvidenceKind::Letter => lang.pick("Letter", "信件"),
        EvidenceKind::Other => lang.pick("Other", "其他"),
    }
}

/// The RFC 3339 form used in listings and messages (the same as in the journal).
fn stamp(d: &DateTime<FixedOffset>) -> String {
    d.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// The date-time shown in exported tables: readable, to the second, with its offset.
fn table_time(d: &DateTime<FixedOffset>) -> String {
    d.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

/// Text from the journal made safe for one terminal line: control characters (newlines,
/// escape sequences a caller could use to rewrite the terminal) are shown escaped.
pub fn display_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// One line per entry: seq, when, kind, from, note, number of attachments.
pub fn list_text(entries: &[Entry], lang: Lang) -> String {
    if entries.is_empty() {
        return format!(
            "{}\n",
            lang.pick("The evidence journal is empty.", "证据记录为空。")
        );
    }
    let mut out = String::new();
    for e in entries {
        let n = e.attachments.len();
        let files = match lang {
            Lang::En if n == 1 => "1 attachment".to_owned(),
            Lang::En => format!("{n} attachments"),
            Lang::Zh => format!("{n} 个附件"),
        };
        let _ = writeln!(
            out,
            "{:>3}  {}  {}  {}  {}  ({files})",
            e.seq,
            stamp(&e.at),
            kind_label(e.kind, lang),
            display_text(&e.from),
            display_text(&e.note),
        );
    }
    out
}

/// The entries as versioned JSON: `{"schema_version":1,"entries":[…],"head":"…"}`.
pub fn list_json(entries: &[Entry]) -> String {
    #[derive(Serialize)]
    struct Listing<'a> {
        schema_version: u32,
        entries: &'a [Entry],
        head: &'a str,
    }
    let doc = Listing {
        schema_version: EXPORT_SCHEMA,
        entries,
        head: head(entries),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Renders an export of an intact journal. `exported_at` is the run's "now", so an export
/// is reproducible with `--as-of`.
pub fn export(
    entries: &[Entry],
    format: ExportFormat,
    exported_at: DateTime<FixedOffset>,
    lang: Lang,
) -> String {
    match format {
        ExportFormat::Md => export_markdown(entries, exported_at, lang),
        ExportFormat::Csv => export_csv(entries, lang),
        ExportFormat::Json => export_json(entries, exported_at),
    }
}

/// A dated Markdown document: title, when it was exported, how many entries, the head
/// hash that pins them, and one table row per entry.
pub fn export_markdown(
    entries: &[Entry],
    exported_at: DateTime<FixedOffset>,
    lang: Lang,
) -> String {
    let mut out = String::new();
    let sep = lang.pick(": ", "：");
    let _ = writeln!(out, "# {}\n", lang.pick("Evidence journal", "证据记录"));
    let _ = writeln!(
        out,
        "- {}{sep}{}",
        lang.pick("Exported at", "导出时间"),
        stamp(&exported_at)
    );
    let _ = writeln!(
        out,
        "- {}{sep}{}",
        lang.pick("Entries", "条目数"),
        entries.len()
    );
    let _ = writeln!(
        out,
        "- {}{sep}`{}`",
        lang.pick("Chain head (SHA-256)", "哈希链末端（SHA-256）"),
        head(entries)
    );
    let _ = writeln!(
        out,
        "\n{}\n",
        lang.pick(
            "Each entry was recorded with a SHA-256 hash covering its content, its attached \
             files and the previous entry's hash. The chain head above therefore fixes every \
             entry, their order and the attached files: `privaudit evidence verify` on the \
             original journal must report the same head.",
            "每条记录在保存时都计算了 SHA-256 哈希，覆盖其内容、附件以及上一条记录的哈希。\
             因此上面的链末端哈希固定了所有记录、它们的顺序和附件：\
             对原始记录运行 `privaudit evidence verify` 应得到相同的链末端哈希。"
        )
    );
    let headers = [
        lang.pick("No.", "序号"),
        lang.pick("When", "时间"),
        lang.pick("Kind", "类型"),
        lang.pick("From", "来源"),
        lang.pick("Note", "说明"),
        lang.pick("Attachments", "附件"),
    ];
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for e in entries {
        let files = e
            .attachments
            .iter()
            .map(|a| format!("{} (sha256 {})", md_cell(&a.name), short(&a.sha256)))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            e.seq,
            table_time(&e.at),
            kind_label(e.kind, lang),
            md_cell(&e.from),
            md_cell(&e.note),
            files
        );
    }
    out
}

/// Makes text safe inside a Markdown table cell: `|` would end the cell and a newline the
/// row; `<`, `>` and `&` become entities so a note cannot inject HTML into a rendered
/// export; a backslash is escaped so it cannot swallow the character after it.
fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// RFC 4180 CSV (CRLF line ends, fields quoted when needed), one row per entry, headers in
/// the user's language.
pub fn export_csv(entries: &[Entry], lang: Lang) -> String {
    let headers = [
        lang.pick("No.", "序号"),
        lang.pick("When", "时间"),
        lang.pick("Recorded at", "记录时间"),
        lang.pick("Kind", "类型"),
        lang.pick("From", "来源"),
        lang.pick("Note", "说明"),
        lang.pick("Attachments", "附件"),
        lang.pick("Entry hash (SHA-256)", "条目哈希（SHA-256）"),
    ];
    let mut out = String::new();
    push_csv_row(&mut out, headers.iter().map(|h| (*h).to_owned()));
    for e in entries {
        let files = e
            .attachments
            .iter()
            .map(|a| format!("{} (sha256 {})", a.name, a.sha256))
            .collect::<Vec<_>>()
            .join("; ");
        push_csv_row(
            &mut out,
            [
                e.seq.to_string(),
                stamp(&e.at),
                stamp(&e.recorded_at),
                kind_label(e.kind, lang).to_owned(),
                e.from.clone(),
                e.note.clone(),
                files,
                e.hash.clone(),
            ],
        );
    }
    out
}

fn push_csv_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let mut first = true;
    for field in fields {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&csv_field(&field));
    }
    out.push_str("\r\n");
}

/// One RFC 4180 field. A cell a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab or CR — text the sender of a phishing message controls) is prefixed
/// with `'`, as OWASP advises, so opening the export cannot execute it; the JSON export
/// keeps the exact text.
fn csv_field(s: &str) -> String {
    let neutral = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// `{"schema_version":1,"exported_at":…,"entries":[…],"head":"<last hash>"}`, entries
/// exactly as in the journal so the recipient can recompute every hash.
pub fn export_json(entries: &[Entry], exported_at: DateTime<FixedOffset>) -> String {
    #[derive(Serialize)]
    struct Export<'a> {
        schema_version: u32,
        #[serde(with = "rfc3339")]
        exported_at: &'a DateTime<FixedOffset>,
        entries: &'a [Entry],
        head: &'a str,
    }
    let doc = Export {
        schema_version: EXPORT_SCHEMA,
        exported_at: &exported_at,
        entries,
        head: head(entries),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-10T09:00:00+08:00").unwrap()
    }

    fn draft(note: &str) -> Draft {
        Draft::new(
            EvidenceKind::Call,
            "+86 10 5555 0100".to_owned(),
            note.to_owned(),
            Some("2026-03-09T20:15:00+08:00"),
            now(),
        )
        .unwrap()
    }

    fn chain(notes: &[&str]) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for n in notes {
            let e = Entry::next(out.last(), draft(n), Vec::new());
            out.push(e);
        }
        out
    }

    fn journal(entries: &[Entry]) -> Vec<u8> {
        entries
            .iter()
            .flat_map(|e| format!("{}\n", e.to_line()).into_bytes())
            .collect()
    }

    fn first_problem(bytes: &[u8]) -> Problem {
        scan_journal(bytes, None).problem.expect("a problem")
    }

    #[test]
    fn hash_is_sha256_of_the_line_without_its_hash_member() {
        let e = &chain(&["first"])[0];
        let line = e.to_line();
        let without = line.replace(&format!(",\"hash\":\"{}\"", e.hash), "");
        assert_eq!(hex(&Sha256::digest(without.as_bytes())), e.hash);
        assert_eq!(
            without,
            format!(
                "{{\"seq\":1,\"at\":\"2026-03-09T20:15:00+08:00\",\"recorded_at\":\
                 \"2026-03-10T09:00:00+08:00\",\"kind\":\"call\",\"from\":\"+86 10 5555 0100\",\
                 \"note\":\"first\",\"attachments\":[],\"prev\":\"{GENESIS}\"}}"
            )
        );
    }

    #[test]
    fn entries_link_to_the_previous_hash() {
        let es = chain(&["a", "b", "c"]);
        assert_eq!(es[0].prev, GENESIS);
        assert_eq!(es[1].prev, es[0].hash);
        assert_eq!(es[2].seq, 3);
        let scan = scan_journal(&journal(&es), None);
        assert!(scan.problem.is_none());
        assert_eq!(scan.entries, es);
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let e = chain(&["a"]).remove(0);
        let mut edits: Vec<Entry> = Vec::new();
        let mut x = e.clone();
        x.seq = 2;
        edits.push(x);
        let mut x = e.clone();
        x.at = now();
        edits.push(x);
        let mut x = e.clone();
        x.recorded_at = x.at;
        edits.push(x);
        let mut x = e.clone();
        x.kind = EvidenceKind::Sms;
        edits.push(x);
        let mut x = e.clone();
        x.from.push('1');
        edits.push(x);
        let mut x = e.clone();
        x.note.push('!');
        edits.push(x);
        let mut x = e.clone();
        x.attachments.push(Attachment {
            name: "a.png".into(),
            sha256: GENESIS.into(),
            size: 1,
        });
        edits.push(x);
        let mut x = e.clone();
        x.prev = "1".repeat(64);
        edits.push(x);
        for edited in edits {
            assert_ne!(edited.compute_hash(), e.hash, "{edited:?}");
        }
    }

    #[test]
    fn edited_entry_is_a_hash_mismatch() {
        let es = chain(&["a", "b", "c"]);
        let text = String::from_utf8(journal(&es)).unwrap();
        let p = first_problem(text.replace("\"note\":\"b\"", "\"note\":\"B\"").as_bytes());
        assert_eq!((p.line, p.seq), (2, 2));
        assert_eq!(p.check.code(), "hash-mismatch");
    }

    #[test]
    fn re_hashed_edit_breaks_the_next_link() {
        let mut es = chain(&["a", "b", "c"]);
        es[1].note = "B".into();
        es[1].hash = es[1].compute_hash();
        let p = first_problem(&journal(&es));
        assert_eq!((p.line, p.seq), (3, 3));
        assert!(matches!(p.check, Check::PrevMismatch { .. }));
    }

    #[test]
    fn removed_and_reordered_entries_are_told_apart() {
        let es = chain(&["a", "b", "c", "d"]);
        let removed = [es[0].clone(), es[2].clone(), es[3].clone()];
        let p = first_problem(&journal(&removed));
        assert_eq!((p.line, p.seq), (2, 3));
        assert_eq!(p.check, Check::Removed { expected: 2 });

        let swapped = [es[0].clone(), es[2].clone(), es[1].clone(), es[3].clone()];
        let p = first_problem(&journal(&swapped));
        assert_eq!((p.line, p.seq), (2, 3));
        assert_eq!(p.check, Check::OutOfOrder { expected: 2 });

        let first_gone = [es[1].clone(), es[2].clone()];
        let p = first_problem(&journal(&first_gone));
        assert_eq!((p.line, p.seq), (1, 2));
        assert_eq!(p.check, Check::Removed { expected: 1 });

        let duplicated = [es[0].clone(), es[1].clone(), es[1].clone()];
        let p = first_problem(&journal(&duplicated));
        assert_eq!((p.line, p.seq), (3, 2));
        assert_eq!(p.check, Check::OutOfOrder { expected: 3 });
    }

    #[test]
    fn unreadable_lines_are_named_by_line_number() {
        let es = chain(&["a", "b"]);
        let mut bytes = journal(&es);
        bytes.truncate(bytes.len() - 20);
        let p = first_problem(&bytes);
        assert_eq!((p.line, p.seq), (2, 2));
        assert_eq!(p.check.code(), "unreadable-line");

        let mut bytes = journal(&es[..1]);
        bytes.extend_from_slice(b"\n");
        bytes.extend(journal(&es[1..]));
        let p = first_problem(&bytes);
        assert_eq!(p.line, 2);
        assert_eq!(
            p.check,
            Check::Unreadable {
                detail: "empty line".into()
            }
        );

        let p = first_problem(b"\xff\xfe\n");
        assert_eq!((p.line, p.seq), (1, 1));

        // A digest that could name a path outside the store is refused before use.
        let mut e = chain(&["a"]).remove(0);
        e.attachments.push(Attachment {
            name: "x".into(),
            sha256: "../../../etc/passwd".into(),
            size: 1,
        });
        e.hash = e.compute_hash();
        let p = first_problem(&journal(&[e]));
        assert_eq!(p.check.code(), "unreadable-line");
    }

    #[test]
    fn a_last_line_without_newline_still_verifies() {
        let es = chain(&["a", "b"]);
        let mut bytes = journal(&es);
        bytes.pop();
        assert!(scan_journal(&bytes, None).problem.is_none());
        assert!(scan_journal(b"", None).problem.is_none());
    }

    #[test]
    fn draft_validation() {
        let bad = |from: &str, note: &str, at: Option<&str>| {
            Draft::new(EvidenceKind::Sms, from.into(), note.into(), at, now()).unwrap_err()
        };
        assert!(matches!(
            bad(" ", "x", None),
            EvidenceError::Empty { field: "from" }
        ));
        assert!(matches!(
            bad("x", "\n", None),
            EvidenceError::Empty { field: "note" }
        ));
        assert!(matches!(
            bad("x", "y", Some("yesterday")),
            EvidenceError::InvalidAt { .. }
        ));
        assert!(matches!(
            bad("x", "y", Some("2026-03-10T01:00:01Z")),
            EvidenceError::FutureAt { .. }
        ));
        // The same instant as now in another offset is not the future.
        let d = Draft::new(
            EvidenceKind::Sms,
            "x".into(),
            "y".into(),
            Some("2026-03-10T01:00:00Z"),
            now(),
        )
        .unwrap();
        assert_eq!(stamp(&d.at), "2026-03-10T01:00:00+00:00");
        let d = Draft::new(EvidenceKind::Sms, "x".into(), "y".into(), None, now()).unwrap();
        assert_eq!(d.at, now());
        for lang in [Lang::En, Lang::Zh] {
            let msg = bad("x", "y", Some("2026-03-11T00:00:00+08:00")).message(lang);
            assert!(msg.contains("2026-03-11T00:00:00+08:00"), "{msg}");
        }
        assert!(
            bad("x", "y", Some("2026-13-01"))
                .message(Lang::Zh)
                .contains("RFC 3339 格式")
        );
    }

    #[test]
    fn markdown_cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(md_cell("a|b"), "a\\|b");
        assert_eq!(md_cell("l1\r\nl2\nl3"), "l1<br>l2<br>l3");
        assert_eq!(md_cell("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(md_cell("C:\\x"), "C:\\\\x");
        assert_eq!(md_cell("\u{1b}[2J"), "\\u{1b}[2J");
    }

    #[test]
    fn csv_quoting_follows_rfc_4180_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("l1\nl2"), "\"l1\nl2\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+86 138"), "'+86 138");
    }

    #[test]
    fn exports_state_count_and_head() {
        let es = chain(&["a|b", "c"]);
        let md = export_markdown(&es, now(), Lang::En);
        assert!(md.contains("- Entries: 2"));
        assert!(md.contains(&es[1].hash));
        assert!(md.contains(
            "| 1 | 2026-03-09 20:15:00 +08:00 | Phone call | +86 10 5555 0100 | a\\|b |  |"
        ));
        let zh = export_markdown(&es, now(), Lang::Zh);
        assert!(zh.contains("| 序号 | 时间 | 类型 | 来源 | 说明 | 附件 |"));
        let json: serde_json::Value = serde_json::from_str(&export_json(&es, now())).unwrap();
        assert_eq!(json["head"], es[1].hash.as_str());
        assert_eq!(json["entries"][0]["note"], "a|b");
        let csv = export_csv(&es, Lang::En);
        assert_eq!(csv.matches("\r\n").count(), 3);
        assert!(export_markdown(&[], now(), Lang::En).contains(GENESIS));
    }

    #[test]
    fn list_text_keeps_one_line_per_entry() {
        let mut es = chain(&["a"]);
        es[0].note = "two\nlines \u{1b}[31m".into();
        let text = list_text(&es, Lang::En);
        assert_eq!(text.lines().count(), 1);
        assert!(text.contains("two\\nlines \\u{1b}[31m"));
        assert!(text.contains("(0 attachments)"));
        assert!(list_text(&[], Lang::Zh).contains("为空"));
    }

    #[test]
    fn add_appends_without_rewriting_and_refuses_a_broken_journal() {
        let state = tempfile::tempdir().unwrap();
        let st = state.path();
        let attachment = st.join("shot.png");
        fs::write(&attachment, b"pixels").unwrap();
        let first = add(st, draft("a"), std::slice::from_ref(&attachment)).unwrap();
        assert_eq!(first.attachments[0].name, "shot.png");
        assert_eq!(first.attachments[0].size, 6);
        let stored = files_dir(st).join(&first.attachments[0].sha256);
        assert_eq!(fs::read(&stored).unwrap(), b"pixels");
        let before = fs::read(journal_path(st)).unwrap();

        // The same file twice is stored once.
        let second = add(st, draft("b"), &[attachment.clone(), attachment]).unwrap();
        assert_eq!(second.prev, first.hash);
        assert_eq!(fs::read_dir(files_dir(st)).unwrap().count(), 1);
        let after = fs::read(journal_path(st)).unwrap();
        assert!(
            after.starts_with(&before),
            "earlier bytes are kept as they were"
        );
        let report = verify(st).unwrap();
        assert!(report.is_intact());
        assert_eq!(
            (report.entries, report.head.as_str()),
            (2, second.hash.as_str())
        );

        // A final line that lost its newline gets one before the next entry.
        fs::write(journal_path(st), &after[..after.len() - 1]).unwrap();
        add(st, draft("c"), &[]).unwrap();
        assert_eq!(load_entries(st).unwrap().len(), 3);

        // A torn last line stops further appends instead of burying the damage.
        let mut torn = fs::read(journal_path(st)).unwrap();
        torn.truncate(torn.len() - 10);
        fs::write(journal_path(st), &torn).unwrap();
        let err = add(st, draft("d"), &[]).unwrap_err();
        assert!(
            matches!(err, EvidenceError::Broken(Problem { line: 3, .. })),
            "{err}"
        );
        assert_eq!(fs::read(journal_path(st)).unwrap(), torn);
    }

    #[test]
    fn a_missing_journal_verifies_as_empty() {
        let state = tempfile::tempdir().unwrap();
        let report = verify(state.path()).unwrap();
        assert_eq!(
            report,
            VerifyReport {
                entries: 0,
                head: GENESIS.to_owned(),
                problem: None
            }
        );
        assert!(load_entries(state.path()).unwrap().is_empty());
    }
}
