//! Robustness: thousands of random and mutated rule packs, answers files and evidence
//! journals through the real loaders. Whatever the bytes, the outcome is a result or a
//! located diagnostic: never a panic, a hang or unbounded memory.
//!
//! Two layers. In process, every case goes through the same functions the commands call
//! (`pack::load_file`, `app::read_answers`, `evidence::verify`/`add`), and what loads is
//! carried on through the engine and every report writer. Through the binary, a sample of
//! the same cases runs under `ulimit -v` and a timeout, and must exit 0, 1 or 2 as DESIGN.md
//! allows for that command, with the file, line and column in the message.
//!
//! The run is deterministic. `PRIVAUDIT_FUZZ_CASES` sets the number of cases of a pack or
//! answers target (default below; the others scale with it; nightly: `.ci/nightly`) and
//! `PRIVAUDIT_FUZZ_SEED` picks another seed. A failing case is written to
//! `target/robustness-failures/` with its seed, so it can be replayed as a fixture.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use privaudit::answers::Answers;
use privaudit::cli::EvidenceKind;
use privaudit::diag::Diagnostics;
use privaudit::engine::{self, DoneSteps, ProbeResults};
use privaudit::evidence;
use privaudit::i18n::Lang;
use privaudit::pack::{self, builtin, model::Pack};
use privaudit::report;

use super::support::{Rng, Sandbox, copy_tree};

/// Cases per in-process target in a normal `cargo test` (three targets: packs, answers,
/// journals), and per binary target.
const DEFAULT_CASES: usize = 1500;
const DEFAULT_BINARY_CASES: usize = 60;

/// One case may take this long in a debug build before it counts as a hang. The slowest
/// legitimate inputs (a megabyte-long scalar, 20,000 levels of nesting) take well under a
/// second; a runaway alias expansion or a quadratic blow-up would not.
const CASE_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The address-space limit for the binary runs (`ulimit -v`, KiB): generous for a CLI that
/// needs a few MiB, small enough that an expansion bomb dies instead of swapping.
const BINARY_MEMORY_LIMIT_KIB: u64 = 1024 * 1024;

/// `default` cases, or as many in proportion to `PRIVAUDIT_FUZZ_CASES`, which sets the
/// count for a [`DEFAULT_CASES`] target (so binary targets stay the same fraction).
fn cases(default: usize) -> usize {
    std::env::var("PRIVAUDIT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(default, |n| {
            (n.saturating_mul(default) / DEFAULT_CASES).max(1)
        })
}

fn seed(salt: u64) -> u64 {
    let base = std::env::var("PRIVAUDIT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15_u64);
    // Never zero: xorshift would stay at zero.
    (base ^ salt.wrapping_mul(0xA24B_AED4_963E_E407)) | 1
}

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

/// Values of the wrong type (and some of the right type but absurd) for any key.
const ODD_VALUES: &[&str] = &[
    "~",
    "null",
    "[]",
    "{}",
    "[1, 2, [3]]",
    "{a: b, c: [d]}",
    "true",
    "no",
    "-1",
    "0",
    "18446744073709551616",
    "-9223372036854775809",
    "1e400",
    ".nan",
    "-.inf",
    "0x7f",
    "2026-13-45",
    "2026-02-29",
    "9999-12-31",
    "0000-01-01",
    "12:30:00",
    "\"\"",
    "' '",
    "!!binary aGVsbG8=",
    "!custom tag",
    "&anchor value",
    "*undefined_alias",
    "|\n  block\n  text",
    ">-\n  folded",
    "\"\\u0000\\x07\\e\"",
    "\"\\uD800\"",
    "3 days",
    "-5d",
    "99999999y",
    "1mo2d",
    "<<: *x",
    "? complex\n  : key",
    "--- \n...",
    "%YAML 1.2",
    "\u{202E}reversed",
    "中文值",
    "id_number, phone",
];

/// Fragments that change YAML structure when dropped anywhere.
const TOKENS: &[&str] = &[
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "\n  ",
    "\n",
    "\"",
    "'",
    "!!binary ",
    "\t",
    "#",
    "? ",
    "|",
    ">",
    "---\n",
    "...\n",
    "%TAG ! tag:x,2000:\n",
    "<<: ",
    ",",
    "\r\n",
    "\r",
];

/// Byte sequences that are not UTF-8: a stray continuation byte, a truncated sequence, an
/// overlong encoding, an encoded surrogate, and bytes that never occur.
const BAD_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xC3",
    b"\xE4\xB8",
    b"\xC0\xAF",
    b"\xED\xA0\x80",
    b"\xF8\x88\x80\x80\x80",
    b"\xFF\xFE",
];

/// A line-start offset at random (0 when there are no lines).
fn random_line_start(rng: &mut Rng, input: &[u8]) -> usize {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            input
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&i| i < input.len())
        .collect();
    if starts.is_empty() {
        0
    } else {
        *rng.pick(&starts)
    }
}

fn line_end(input: &[u8], start: usize) -> usize {
    input[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(input.len(), |p| start + p + 1)
}

/// One mutation of `input`, chosen among byte-level and YAML-aware ones.
fn mutate_once(rng: &mut Rng, out: &mut Vec<u8>) {
    if out.is_empty() {
        out.extend_from_slice(rng.pick(TOKENS).as_bytes());
        return;
    }
    let at = rng.below(out.len());
    match rng.below(14) {
        // Byte noise.
        0 => out[at] = rng.next() as u8,
        // Truncation, anywhere (also mid-character).
        1 => out.truncate(at),
        // Copy a chunk elsewhere.
        2 => {
            let end = (at + rng.below(200)).min(out.len());
            let chunk = out[at..end].to_vec();
            let to = rng.below(out.len());
            out.splice(to..to, chunk);
        }
        // A structural token.
        3 => {
            let t = rng.pick(TOKENS).as_bytes();
            out.splice(at..at, t.iter().copied());
        }
        // Delete a chunk.
        4 => {
            let end = (at + rng.below(50)).min(out.len());
            out.drain(at..end);
        }
        // Duplicate a whole line: in a mapping, a duplicated key.
        5 | 6 => {
            let start = random_line_start(rng, out);
            let end = line_end(out, start);
            let mut line = out[start..end].to_vec();
            if !line.ends_with(b"\n") {
                line.insert(0, b'\n');
            }
            out.splice(end..end, line);
        }
        // Replace a value with one of the wrong type.
        7 | 8 => {
            let start = random_line_start(rng, out);
            let end = line_end(out, start);
            let value_at = out[start..end]
                .windows(2)
                .position(|w| w == b": ")
                .map(|p| start + p + 2);
            let odd = rng.pick(ODD_VALUES).as_bytes();
            match value_at {
                Some(v) => {
                    let stop = if out[end - 1] == b'\n' { end - 1 } else { end };
                    out.splice(v..stop, odd.iter().copied());
                }
                None => {
                    out.splice(at..at, odd.iter().copied());
                }
            }
        }
        // Invalid UTF-8.
        9 => {
            let bad = rng.pick(BAD_UTF8);
            out.splice(at..at, bad.iter().copied());
        }
        // A huge string (up to a megabyte), quoted or plain.
        10 if rng.chance(4) => {
            let len = 1 << (10 + rng.below(11));
            let filler = if rng.chance(2) { "x" } else { "泄" };
            let huge = if rng.chance(2) {
                format!("\"{}\"", filler.repeat(len / filler.len()))
            } else {
                filler.repeat(len / filler.len())
            };
            out.splice(at..at, huge.into_bytes());
        }
        // Deep nesting of flow collections or block mappings.
        11 if rng.chance(3) => {
            let depth = *rng.pick(&[64usize, 1_000, 20_000]);
            let nested = match rng.below(3) {
                0 => format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
                1 => format!("{}x{}", "{a: ".repeat(depth), "}".repeat(depth)),
                _ => (0..depth.min(2_000))
                    .map(|i| format!("\n{}k:", " ".repeat(i)))
                    .collect(),
            };
            out.splice(at..at, nested.into_bytes());
        }
        // An alias bomb (billion laughs), at the top or in place.
        12 if rng.chance(3) => {
            let bomb = alias_bomb(*rng.pick(&[3usize, 6, 9]));
            let to = if rng.chance(2) {
                out.len()
            } else {
                random_line_start(rng, out)
            };
            out.splice(to..to, bomb.into_bytes());
        }
        // Whole-file changes: a BOM, CRLF line ends, tabs for indentation, a NUL.
        _ => match rng.below(4) {
            0 => {
                out.splice(0..0, "\u{FEFF}".bytes());
            }
            1 => {
                *out = String::from_utf8_lossy(out)
                    .replace('\n', "\r\n")
                    .into_bytes()
            }
            2 => {
                *out = String::from_utf8_lossy(out)
                    .replace("  ", "\t")
                    .into_bytes()
            }
            _ => out.insert(at, 0),
        },
    }
}

/// `input` with a comment line at a random line start: a change the loaders must ignore.
fn with_comment(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    let at = random_line_start(rng, &out);
    out.splice(
        at..at,
        b"# a comment the loader must ignore\n".iter().copied(),
    );
    out
}

/// `levels` levels of nine aliases each: 9^levels nodes if expanded.
fn alias_bomb(levels: usize) -> String {
    let names: Vec<String> = (0..=levels).map(|i| format!("lol{i}")).collect();
    let mut bomb = format!(
        "{}: &{} [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
        names[0], names[0]
    );
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    bomb
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        mutate_once(rng, &mut out);
    }
    out
}

/// Keys a pack, an answers file or a condition may have, so random documents get past the
/// first key lookups and reach the deeper code.
const KEYS: &[&str] = &[
    "pack",
    "kind",
    "version",
    "title",
    "questions",
    "items",
    "references",
    "contacts",
    "letters",
    "anchor",
    "jurisdiction",
    "id",
    "type",
    "prompt",
    "help",
    "options",
    "label",
    "default",
    "required",
    "when",
    "all",
    "any",
    "not",
    "answer",
    "is",
    "one_of",
    "includes",
    "includes_any",
    "includes_all",
    "before",
    "after",
    "at_least",
    "at_most",
    "answered",
    "why",
    "how",
    "priority",
    "due",
    "refs",
    "tags",
    "probe",
    "pass",
    "en",
    "zh",
    "citation",
    "summary",
    "value",
    "name",
    "body",
    "letter",
    "leaked_data",
    "discovered_on",
    "money_lost",
    "status",
    "note",
    "reviewed_on",
    "expires",
];

const SCALARS: &[&str] = &[
    "response",
    "audit",
    "policy",
    "1.0.0",
    "critical",
    "high",
    "low",
    "yes_no",
    "single",
    "multi",
    "date",
    "number",
    "text",
    "cn",
    "eu",
    "us",
    "other",
    "24h",
    "3d",
    "1mo",
    "2026-03-08",
    "today",
    "true",
    "false",
    "0",
    "42",
    "id_number",
    "phone",
    "bank_card",
    "\"a b\"",
    "'x'",
    "中文",
    "~",
];

/// A random YAML document shaped like a pack or an answers file: known keys, values of any
/// type, anchors and aliases, up to `depth` levels.
fn random_document(rng: &mut Rng, depth: usize) -> String {
    let mut out = String::new();
    random_mapping(rng, depth, 0, &mut out);
    out
}

fn random_mapping(rng: &mut Rng, depth: usize, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for _ in 0..1 + rng.below(6) {
        out.push_str(&pad);
        out.push_str(rng.pick::<&str>(KEYS));
        out.push(':');
        random_value(rng, depth, indent, out);
    }
}

fn random_value(rng: &mut Rng, depth: usize, indent: usize, out: &mut String) {
    let choice = if depth == 0 { 0 } else { rng.below(6) };
    match choice {
        0 => {
            out.push(' ');
            out.push_str(rng.pick::<&str>(SCALARS));
            out.push('\n');
        }
        1 => {
            out.push(' ');
            out.push_str(rng.pick::<&str>(ODD_VALUES));
            out.push('\n');
        }
        2 => {
            out.push('\n');
            random_mapping(rng, depth - 1, indent + 2, out);
        }
        3 => {
            out.push('\n');
            for _ in 0..1 + rng.below(4) {
                out.push_str(&" ".repeat(indent + 2));
                out.push('-');
                if rng.chance(2) {
                    out.push('\n');
                    random_mapping(rng, depth - 1, indent + 4, out);
                } else {
                    random_value(rng, depth - 1, indent + 4, out);
                }
            }
        }
        4 => {
            let items: Vec<&str> = (0..rng.below(5)).map(|_| *rng.pick(SCALARS)).collect();
            out.push_str(&format!(" [{}]\n", items.join(", ")));
        }
        _ => {
            out.push_str(&format!(" {{{}: {}}}\n", rng.pick(KEYS), rng.pick(SCALARS)));
        }
    }
}

/// A small valid pack cut from a built-in one: every section whole except `items`, of which
/// the first `keep` stay, so a case parses in milliseconds even in a debug build yet still
/// has questions, conditions, references, contacts and letters to break.
fn trimmed_builtin(source: &str, keep: usize) -> String {
    let mut out = String::new();
    let mut in_items = false;
    let mut seen = 0;
    for line in source.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') && !line.is_empty() {
            in_items = line.starts_with("items:");
        }
        if in_items && line.starts_with("  - ") {
            seen += 1;
        }
        if in_items && seen > keep {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------

fn as_of() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-10T09:00:00+08:00").expect("as-of")
}

fn today() -> NaiveDate {
    as_of().date_naive()
}

/// Saves a case that broke a rule and fails the test with a message that replays it.
fn fail_case(target: &str, case: usize, input: &[u8], why: &str) -> ! {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("robustness-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{case}.yaml"));
    let _ = std::fs::write(&path, input);
    panic!(
        "{target} case {case}: {why}\n  input saved to {}\n  replay: PRIVAUDIT_FUZZ_SEED={} with the same case count",
        path.display(),
        std::env::var("PRIVAUDIT_FUZZ_SEED").unwrap_or_else(|_| "(default)".into())
    );
}

/// Runs `f` on the case, turning a panic or an overlong run into a saved, replayable
/// failure.
fn run_case<T>(target: &str, case: usize, input: &[u8], f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let elapsed = started.elapsed();
    match outcome {
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            if what.contains("input saved to") {
                // Already a saved failure (a check inside the case): pass it on as it is.
                std::panic::resume_unwind(panic);
            }
            fail_case(target, case, input, &format!("panicked: {what}"))
        }
        Ok(_) if elapsed > CASE_TIME_LIMIT => {
            fail_case(target, case, input, &format!("took {elapsed:?}"))
        }
        Ok(value) => value,
    }
}

/// A diagnostic list must name the file, and every error must say where it is (line and
/// column), except the few that are about the file as a whole.
fn diagnostics_are_located(file: &str, diags: &Diagnostics) -> Result<(), String> {
    if !diags.has_errors() {
        return Err("an error result without an error diagnostic".into());
    }
    for d in diags.errors() {
        if d.file != file {
            return Err(format!("diagnostic names {:?}, not {file:?}", d.file));
        }
        let whole_file = d.message.en.contains("the file is empty");
        if !whole_file && (d.line == 0 || d.column == 0) {
            return Err(format!(
                "diagnostic without a line and column: {}",
                d.message.en
            ));
        }
        for lang in [Lang::En, Lang::Zh] {
            let text = d.render(lang);
            if !text.contains(file) {
                return Err(format!("rendered diagnostic lacks the file name: {text}"));
            }
        }
    }
    Ok(())
}

/// A pack that loaded is usable: defaults, evaluation and every report format work on it.
fn exercise_pack(pack: &Pack, answers: &Answers) {
    let mut answers = answers.clone();
    let _missing = engine::complete_with_defaults(pack, &mut answers, today());
    let plan = engine::evaluate(
        pack,
        &answers,
        as_of(),
        &ProbeResults::default(),
        &DoneSteps::new(),
    );
    for lang in [Lang::En, Lang::Zh] {
        let doc = report::build("respond", pack, &plan, lang, &BTreeMap::new());
        report::markdown(&doc, lang).expect("markdown renders");
        report::html(&doc, lang).expect("html renders");
        report::json(&doc).expect("json renders");
        let _ = report::ics(&doc, lang);
    }
}

// ---------------------------------------------------------------------------------------
// In-process targets
// ---------------------------------------------------------------------------------------

#[test]
fn random_and_mutated_packs_load_or_fail_with_located_diagnostics() {
    let sandbox = Sandbox::new();
    let seeds: Vec<String> = builtin::SOURCES
        .iter()
        .map(|(_, source)| trimmed_builtin(source, 4))
        .collect();
    for (i, seed) in seeds.iter().enumerate() {
        // The harness is only as good as its seeds: each must load cleanly to begin with.
        pack::load_str(&format!("seed-{i}.yaml"), seed)
            .unwrap_or_else(|d| panic!("seed {i} does not load:\n{}", d.render(Lang::En)));
    }
    let mut rng = Rng(seed(1));
    let (mut loaded, mut rejected) = (0, 0);
    let total = cases(DEFAULT_CASES);
    for case in 0..total {
        let bytes = match case % 10 {
            // Now and then a whole built-in pack, mutated.
            0 if case % 100 == 0 => mutate(&mut rng, builtin::SOURCES[case % 3].1.as_bytes()),
            0 => random_document(&mut rng, 4).into_bytes(),
            // A change that must not matter, so some cases load and go on to the engine.
            5 => {
                let seed = rng.pick(&seeds).clone();
                with_comment(&mut rng, seed.as_bytes())
            }
            _ => {
                let seed = rng.pick(&seeds).clone();
                mutate(&mut rng, seed.as_bytes())
            }
        };
        let path = sandbox.dir.path().join("pack.yaml");
        std::fs::write(&path, &bytes).expect("write case");
        let file = path.display().to_string();
        run_case("pack", case, &bytes, || match pack::load_file(&path) {
            Ok((pack, _warnings)) => {
                loaded += 1;
                exercise_pack(&pack, &Answers::default());
            }
            Err(diags) => {
                rejected += 1;
                if let Err(why) = diagnostics_are_located(&file, &diags) {
                    fail_case("pack", case, &bytes, &why);
                }
            }
        });
    }
    // Mutations that break nothing must exist (the seeds load), and most must break.
    assert!(
        loaded > 0 && rejected > total / 2,
        "loaded {loaded}, rejected {rejected}"
    );
}

/// Answers for the built-in response pack: what `respond` reads.
const RESPONSE_ANSWERS: &str = "\
leaked_data: [id_number, phone, bank_card, password]
discovered_on: 2026-03-08
jurisdiction: cn
money_lost: true
fraud_attempts: false
account_hacked: false
";

/// Attestations for the built-in policy pack: what `check` reads.
const POLICY_ANSWERS: &str = "\
jurisdictions: [cn, eu]
lawful-basis-recorded: {status: yes, note: checked by legal, reviewed_on: 2026-01-05, expires: 2027-01-01}
incident-response-plan: {status: n/a, note: no systems in scope}
consent-valid: no
";

#[test]
fn random_and_mutated_answers_parse_or_fail_with_located_diagnostics() {
    let sandbox = Sandbox::new();
    let packs = builtin::packs().expect("built-in packs");
    let response = builtin::pack("response").expect("response").expect("loads");
    // One file for all packs; it must parse as it is, or the harness would only ever test
    // rejection.
    let answers_seed = format!("{RESPONSE_ANSWERS}{POLICY_ANSWERS}");
    let seed_path = sandbox.dir.path().join("seed.yaml");
    std::fs::write(&seed_path, &answers_seed).expect("write seed");
    if let Err(e) = privaudit::app::read_answers(&seed_path, &packs, today(), Lang::En) {
        panic!("the answers seed does not parse:\n{e:#}");
    }
    let mut rng = Rng(seed(2));
    let (mut accepted, mut rejected) = (0, 0);
    let total = cases(DEFAULT_CASES);
    for case in 0..total {
        let benign = case % 10 == 5;
        let bytes = if case % 10 == 0 {
            random_document(&mut rng, 3).into_bytes()
        } else if benign {
            // A change that must not matter, so some cases parse and go on to the engine.
            with_comment(&mut rng, answers_seed.as_bytes())
        } else {
            mutate(&mut rng, answers_seed.as_bytes())
        };
        // JSON answers go through the same reader.
        let name = if case % 7 == 0 && !benign {
            "answers.json"
        } else {
            "answers.yaml"
        };
        let path = sandbox.dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write case");
        let file = path.display().to_string();
        run_case(
            "answers",
            case,
            &bytes,
            || match privaudit::app::read_answers(&path, &packs, today(), Lang::En) {
                Ok(answers) => {
                    accepted += 1;
                    exercise_pack(response, &answers);
                }
                Err(error) => {
                    rejected += 1;
                    let Some(diags) = error.downcast_ref::<Diagnostics>() else {
                        fail_case(
                            "answers",
                            case,
                            &bytes,
                            &format!("error without a diagnostic: {error:#}"),
                        );
                    };
                    if let Err(why) = diagnostics_are_located(&file, diags) {
                        fail_case("answers", case, &bytes, &why);
                    }
                }
            },
        );
    }
    assert!(
        accepted > 0 && rejected > total / 2,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// A journal of five entries, one with an attachment, written by the real `add`.
fn seed_journal(state: &Path, scratch: &Path) {
    let attachment = scratch.join("screenshot.png");
    std::fs::write(&attachment, b"\x89PNG not really a picture").expect("attachment");
    for (i, note) in [
        "call from a withheld number",
        "SMS with a link",
        "phishing mail",
        "site showing my ID",
        "another call",
    ]
    .iter()
    .enumerate()
    {
        let at = format!("2026-03-0{}T1{i}:00:00+08:00", i + 1);
        let draft = evidence::Draft::new(
            EvidenceKind::Call,
            format!("sender {i}"),
            (*note).to_owned(),
            Some(&at),
            as_of(),
        )
        .expect("draft");
        let attach = if i == 2 {
            vec![attachment.clone()]
        } else {
            vec![]
        };
        evidence::add(state, draft, &attach).expect("seed entry");
    }
}

/// Journal-aware mutations on top of the byte-level ones: lines swapped, dropped,
/// duplicated, members changed to other types or absurd numbers, digests made into paths.
fn mutate_journal(rng: &mut Rng, journal: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(journal).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match rng.below(6) {
        0 if lines.len() > 1 => {
            let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(a, b);
        }
        1 if !lines.is_empty() => {
            lines.remove(rng.below(lines.len()));
        }
        2 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        3 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            let replacements = [
                ("\"seq\":", "\"seq\":18446744073709551615,\"x\":"),
                ("\"seq\":", "\"seq\":-1,\"x\":"),
                ("\"sha256\":\"", "\"sha256\":\"../../etc/passwd"),
                ("\"at\":\"", "\"at\":\"not a date"),
                ("\"kind\":\"", "\"kind\":\"teleport"),
                ("\"note\":", "\"note\":{\"nested\":[1,2,3]},\"n\":"),
                ("\"hash\":\"", "\"hash\":\"0"),
                ("\"prev\":\"", "\"prev\":\"f"),
                ("{", "[{"),
            ];
            let (from, to) = rng.pick(&replacements);
            lines[i] = lines[i].replacen(from, to, 1);
        }
        4 => lines.push(random_document(rng, 2).replace('\n', " ")),
        _ => return mutate(rng, journal),
    }
    let mut out = lines.join("\n");
    if rng.below(4) != 0 {
        out.push('\n');
    }
    out.into_bytes()
}

#[test]
fn mutated_evidence_journals_verify_or_name_the_first_bad_entry() {
    let sandbox = Sandbox::new();
    let pristine = sandbox.dir.path().join("pristine");
    seed_journal(&pristine, sandbox.dir.path());
    let journal_bytes = std::fs::read(evidence::journal_path(&pristine)).expect("journal");
    let mut rng = Rng(seed(3));
    let (mut intact, mut broken) = (0, 0);
    let total = cases(DEFAULT_CASES / 3);
    for case in 0..total {
        let state = sandbox.dir.path().join(format!("case-{}", case % 2));
        let _ = std::fs::remove_dir_all(&state);
        copy_tree(&pristine, &state);
        let bytes = if case % 20 == 3 {
            // Only the final newline lost (an interrupted editor save): still intact, and
            // the next entry must start on a line of its own.
            journal_bytes[..journal_bytes.len() - 1].to_vec()
        } else {
            mutate_journal(&mut rng, &journal_bytes)
        };
        std::fs::write(evidence::journal_path(&state), &bytes).expect("write journal");
        run_case("journal", case, &bytes, || {
            let report = match evidence::verify(&state) {
                Ok(report) => report,
                // Only reading the store can fail outright; the journal's content never does.
                Err(e) => fail_case("journal", case, &bytes, &format!("verify failed: {e}")),
            };
            if report.is_intact() {
                intact += 1;
                let entries = evidence::load_entries(&state).expect("an intact journal loads");
                assert_eq!(entries.len(), report.entries);
                let _ = evidence::list_text(&entries, Lang::Zh);
                for format in [
                    privaudit::cli::ExportFormat::Md,
                    privaudit::cli::ExportFormat::Csv,
                    privaudit::cli::ExportFormat::Json,
                ] {
                    let _ = evidence::export(&entries, format, as_of(), Lang::En);
                }
            } else {
                broken += 1;
                let problem = report
                    .problem
                    .as_ref()
                    .expect("a broken journal names a problem");
                if problem.line == 0 {
                    fail_case("journal", case, &bytes, "problem without a line number");
                }
                let _ = problem.message(Lang::En);
                let _ = problem.message(Lang::Zh);
            }
            // Appending must extend an intact journal and refuse a broken one, never fork it.
            let draft = evidence::Draft::new(
                EvidenceKind::Sms,
                "someone".into(),
                "after the mutation".into(),
                None,
                as_of(),
            )
            .expect("draft");
            let added = evidence::add(&state, draft, &[]);
            if added.is_ok() != report.is_intact() {
                fail_case(
                    "journal",
                    case,
                    &bytes,
                    &format!(
                        "add {:?} on a journal that is intact={}",
                        added.err(),
                        report.is_intact()
                    ),
                );
            }
            if added.is_ok() {
                let after = evidence::verify(&state).expect("verify after add");
                if !after.is_intact() || after.entries != report.entries + 1 {
                    fail_case(
                        "journal",
                        case,
                        &bytes,
                        "add left a journal that does not verify",
                    );
                }
            }
        });
    }
    assert!(
        intact > 0 && broken > total / 2,
        "intact {intact}, broken {broken}"
    );
}

// ---------------------------------------------------------------------------------------
// Through the binary: exit codes, messages, memory and time limits
// ---------------------------------------------------------------------------------------

/// The real binary under `ulimit -v` and a timeout.
fn limited(sandbox: &Sandbox) -> assert_cmd::Command {
    let bin = assert_cmd::cargo::cargo_bin("privaudit");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {BINARY_MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(bin)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .arg("--state-dir")
        .arg(sandbox.state())
        .arg("--as-of")
        .arg("2026-03-10T09:00:00+08:00");
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(Duration::from_secs(30));
    cmd
}

/// Runs one binary case and checks its exit code against `allowed` and, for exit 2, that
/// the message names the file with a line and column.
fn binary_case(
    target: &str,
    case: usize,
    input: &[u8],
    file: &Path,
    cmd: &mut assert_cmd::Command,
    allowed: &[i32],
) {
    let output = cmd.output().expect("run privaudit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let Some(code) = output.status.code() else {
        fail_case(
            target,
            case,
            input,
            &format!("killed by a signal (time or memory limit?): {stderr}"),
        );
    };
    if !allowed.contains(&code) || stderr.contains("panicked") {
        fail_case(
            target,
            case,
            input,
            &format!("exit {code}, expected one of {allowed:?}: {stderr}"),
        );
    }
    if code == 2 {
        let name = file.display().to_string();
        let located = stderr.match_indices(&name).any(|(at, _)| {
            let rest = &stderr[at + name.len()..];
            let mut parts = rest.splitn(3, ':');
            parts.next() == Some("")
                && parts
                    .next()
                    .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        });
        // About the file as a whole, or a key that is not in it: no line to point at, but
        // the file must still be named.
        let whole_file = stderr.contains("the file is empty")
            || (stderr.contains(&format!("{name}: ")) && stderr.contains("missing answer"));
        if !located && !whole_file {
            fail_case(
                target,
                case,
                input,
                &format!("exit 2 without file:line:column: {stderr}"),
            );
        }
    }
}

#[test]
fn the_binary_exits_0_or_2_on_mutated_packs_within_limits() {
    let sandbox = Sandbox::new();
    let seed_pack = trimmed_builtin(builtin::SOURCES[0].1, 4);
    let mut rng = Rng(seed(4));
    let path = sandbox.dir.path().join("pack.yaml");
    for case in 0..cases(DEFAULT_BINARY_CASES) {
        let bytes = if case % 5 == 0 {
            random_document(&mut rng, 3).into_bytes()
        } else {
            mutate(&mut rng, seed_pack.as_bytes())
        };
        std::fs::write(&path, &bytes).expect("write case");
        let mut cmd = limited(&sandbox);
        cmd.args(["--no-builtin", "rules", "lint"]).arg(&path);
        binary_case("bin-pack", case, &bytes, &path, &mut cmd, &[0, 2]);
    }
}

#[test]
fn the_binary_exits_0_or_2_on_mutated_answers_within_limits() {
    let sandbox = Sandbox::new();
    let mut rng = Rng(seed(5));
    let path = sandbox.dir.path().join("answers.yaml");
    for case in 0..cases(DEFAULT_BINARY_CASES) {
        // Each command gets answers for its own pack, so mutations that break nothing run
        // the whole command, not only the rejection of unknown keys.
        let seed = if case % 2 == 0 {
            RESPONSE_ANSWERS
        } else {
            POLICY_ANSWERS
        };
        let bytes = mutate(&mut rng, seed.as_bytes());
        std::fs::write(&path, &bytes).expect("write case");
        let mut cmd = limited(&sandbox);
        // `check` may also exit 1 (a control failed); `respond` only 0 or 2.
        if case % 2 == 0 {
            cmd.args(["respond", "--non-interactive", "--answers"])
                .arg(&path);
            binary_case("bin-respond", case, &bytes, &path, &mut cmd, &[0, 2]);
        } else {
            cmd.args(["check", "--answers"])
                .arg(&path)
                .arg("--root")
                .arg(sandbox.dir.path());
            binary_case("bin-check", case, &bytes, &path, &mut cmd, &[0, 1, 2]);
        }
    }
}

#[test]
fn the_binary_verifies_mutated_journals_with_exit_0_or_1() {
    let sandbox = Sandbox::new();
    let pristine = sandbox.dir.path().join("pristine");
    seed_journal(&pristine, sandbox.dir.path());
    let journal_bytes = std::fs::read(evidence::journal_path(&pristine)).expect("journal");
    let mut rng = Rng(seed(6));
    for case in 0..cases(DEFAULT_BINARY_CASES) {
        let _ = std::fs::remove_dir_all(sandbox.state());
        copy_tree(&pristine, &sandbox.state());
        let bytes = mutate_journal(&mut rng, &journal_bytes);
        let journal = evidence::journal_path(&sandbox.state());
        std::fs::write(&journal, &bytes).expect("write journal");
        let mut cmd = limited(&sandbox);
        cmd.args(["evidence", "verify"]);
        let output = cmd.output().expect("run privaudit");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        match output.status.code() {
            Some(0) => {}
            // DESIGN.md: 1 names the first bad entry; the line number is how it is found.
            Some(1) if format!("{stdout}{stderr}").contains("line ") => {}
            other => fail_case(
                "bin-journal",
                case,
                &bytes,
                &format!("exit {other:?}: {stdout}{stderr}"),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The scanner: mangled files and baselines
// ---------------------------------------------------------------------------------------

/// A valid resident ID number: GB 11643 check character computed here, independently of the
/// scanner's own validator.
fn cn_id(rng: &mut Rng) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!(
        "110105{:04}{:02}{:02}{:03}",
        1950 + rng.below(55),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(1000)
    );
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A Luhn-valid UnionPay card number of 16 or 19 digits.
fn bank_card(rng: &mut Rng) -> String {
    let len = if rng.chance(2) { 16 } else { 19 };
    let mut digits: Vec<u32> = vec![6, 2, 2, 2, 0, 2];
    while digits.len() < len - 1 {
        digits.push(rng.below(10) as u32);
    }
    // Luhn: double every second digit from the right, counting the check digit as first.
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                (d * 2) % 9 + u32::from(d == 9) * 9
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

/// A text with personal data in the layouts people write it in.
fn planted_text(rng: &mut Rng) -> (String, usize) {
    let mut text = String::new();
    let mut planted = 0;
    for i in 0..8 {
        let line = match i % 4 {
            0 => format!("身份证号：{}，请核对\n", cn_id(rng)),
            1 => {
                let card = bank_card(rng);
                let grouped: Vec<String> = card
                    .as_bytes()
                    .chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                format!("card,{},{}\n", card, grouped.join(" "))
            }
            2 => format!(
                "tel: +86 138{:08} / 139-{:04}-{:04}\n",
                rng.below(100_000_000),
                rng.below(10_000),
                rng.below(10_000)
            ),
            _ => format!("{{\"mail\": \"user{}@qq.com\"}}\n", rng.below(1000)),
        };
        planted += match i % 4 {
            1 => 2,
            2 => 2,
            _ => 1,
        };
        text.push_str(&line);
    }
    (text, planted)
}

fn longest_digit_run(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn the_scanner_survives_mangled_files_and_never_shows_a_whole_number() {
    let sandbox = Sandbox::new();
    let mut rng = Rng(seed(7));
    let total = cases(DEFAULT_CASES / 5);
    for case in 0..total {
        let root = sandbox.dir.path().join(format!("tree-{}", case % 2));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("tree");
        let (text, planted) = planted_text(&mut rng);
        let bytes = if case % 10 == 0 {
            text.clone().into_bytes()
        } else {
            mutate(&mut rng, text.as_bytes())
        };
        std::fs::write(root.join("data.txt"), &bytes).expect("write case");
        let outcome = run_case("scan", case, &bytes, || {
            privaudit::scan::scan_tree(&root, &privaudit::scan::Kind::ALL, 1, today())
        });
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => fail_case("scan", case, &bytes, &format!("scan failed: {e}")),
        };
        let lines = bytes.split(|&b| b == b'\n').count() as u64;
        for finding in &outcome.findings {
            // The masked value shows at most the documented ends: never a run of digits
            // long enough to be a whole ID, card or mobile number. An e-mail address keeps
            // its domain by design (which provider is useful to know), so only the part
            // before the `@` counts there.
            let shown = match finding.kind {
                privaudit::scan::Kind::Email => {
                    finding.masked.split('@').next().unwrap_or_default()
                }
                _ => finding.masked.as_str(),
            };
            if longest_digit_run(shown) > 6 {
                fail_case(
                    "scan",
                    case,
                    &bytes,
                    &format!("unmasked digits: {finding:?}"),
                );
            }
            if finding.line == 0 || finding.line > lines || finding.column == 0 {
                fail_case(
                    "scan",
                    case,
                    &bytes,
                    &format!("position outside the file: {finding:?}"),
                );
            }
        }
        // Unmutated text: everything planted is found (the harness checks something real).
        if case % 10 == 0 && outcome.findings.len() != planted {
            fail_case(
                "scan",
                case,
                &bytes,
                &format!(
                    "planted {planted}, found {}: {:?}",
                    outcome.findings.len(),
                    outcome.findings
                ),
            );
        }
    }
}

#[test]
fn mutated_scan_baselines_load_or_name_line_and_column() {
    let sandbox = Sandbox::new();
    let mut rng = Rng(seed(8));
    let root = sandbox.dir.path().join("tree");
    std::fs::create_dir_all(&root).expect("tree");
    let (text, _) = planted_text(&mut rng);
    std::fs::write(root.join("data.txt"), text).expect("write");
    let outcome =
        privaudit::scan::scan_tree(&root, &privaudit::scan::Kind::ALL, 1, today()).expect("scan");
    let baseline = privaudit::scan::Baseline::render(&outcome.findings);
    for case in 0..cases(DEFAULT_CASES / 3) {
        let bytes = mutate(&mut rng, &baseline);
        let result = run_case("baseline", case, &bytes, || {
            privaudit::scan::Baseline::parse("baseline.json", &bytes)
        });
        if let Err(e) = result {
            match e {
                privaudit::scan::ScanError::BadBaseline { line, column, .. }
                    if line > 0 && column > 0 => {}
                other => fail_case("baseline", case, &bytes, &format!("unlocated: {other}")),
            }
        }
    }
}
