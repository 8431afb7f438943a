//! Rule packs: loading YAML (parse, then validate), the built-in packs embedded in the
//! binary, and the JSON Schema of the format.

pub mod builtin;
pub mod model;
pub mod raw;
pub mod validate;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Diagnostics};
use model::Pack;

/// Parser limits: generous enough for a pack of 10,000 items, tight enough that alias
/// bombs and pathological nesting fail fast instead of eating memory.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 4_000_000;
    budget.max_events = 8_000_000;
    budget.max_depth = 48;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// Turns a serde-saphyr error into a located diagnostic naming the real file.
pub fn syntax_diagnostic(file: &str, source: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    // The crate's message begins with its own "error: line L column C:" prefix and ends with
    // a snippet naming `<input>`; keep only the message itself and render our own snippet.
    let rendered = err.to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let message = first
        .strip_prefix("error: ")
        .unwrap_or(first)
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("line "))
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or_else(|| first.to_owned());
    Diagnostic::new(Code::Syntax, message, file, line, column).with_source(source)
}

/// Parses and validates one pack from text. `file` names it in diagnostics.
pub fn load_str(file: &str, source: &str) -> Result<(Pack, Vec<Diagnostic>), Diagnostics> {
    if source.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::new(
            Code::Syntax,
            "the file is empty; a pack needs at least `pack`, `kind`, `version`, `title` and `items`",
            file,
            0,
            0,
        )]));
    }
    let raw: raw::RawPack = serde_saphyr::from_str_with_options(source, yaml_options())
        .map_err(|e| Diagnostics(vec![syntax_diagnostic(file, source, &e)]))?;
    validate::validate(raw, file, source)
}

/// Reads a pack file from disk.
pub fn load_file(path: &Path) -> Result<(Pack, Vec<Diagnostic>), Diagnostics> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics(vec![Diagnostic::new(
            Code::Syntax,
            format!("cannot read the pack: {e}"),
            &file,
            0,
            0,
        )])
    })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        Diagnostics(vec![Diagnostic::new(
            Code::Syntax,
            format!(
                "the pack is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            &file,
            0,
            0,
        )])
    })?;
    load_str(&file, &source)
}

/// Expands `--rules` arguments: a file is itself, a directory gives its `*.yaml`/`*.yml`
/// files in name order.
pub fn expand_rule_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                Diagnostics(vec![Diagnostic::new(
                    Code::Syntax,
                    format!("cannot read the rules directory: {e}"),
                    &path.display().to_string(),
                    0,
                    0,
                )])
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The packs in play for this run: the built-in ones (unless `--no-builtin`) and any given
/// with `--rules`. A pack from `--rules` with the id of a built-in one replaces it.
#[derive(Debug, Clone, Default)]
pub struct PackSet {
    pub packs: Vec<Pack>,
}

impl PackSet {
    pub fn load(rules: &[PathBuf], builtin: bool) -> Result<PackSet, Diagnostics> {
        let mut packs: Vec<Pack> = if builtin {
            builtin::packs().map_err(Clone::clone)?.to_vec()
        } else {
            Vec::new()
        };
        let mut problems = Vec::new();
        for path in expand_rule_paths(rules)? {
            match load_file(&path) {
                Ok((pack, _warnings)) => {
                    if let Some(slot) = packs.iter_mut().find(|p| p.id == pack.id) {
                        *slot = pack;
                    } else {
                        packs.push(pack);
                    }
                }
                Err(d) => problems.extend(d.0),
            }
        }
        if problems.is_empty() {
            Ok(PackSet { packs })
        } else {
            Err(Diagnostics(problems))
        }
    }

    pub fn get(&self, id: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.id == id)
    }

    /// The pack for a command: by id if one is loaded, else the only pack of that kind.
    pub fn for_kind(&self, preferred_id: &str, kind: model::PackKind) -> Option<&Pack> {
        self.get(preferred_id)
            .filter(|p| p.kind == kind)
            .or_else(|| self.packs.iter().find(|p| p.kind == kind))
    }
}

/// The JSON Schema (draft-07) of the pack format, as `rules schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<raw::RawPack>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), "privaudit rule pack".into());
        obj.insert(
            "description".into(),
            "A privaudit rule pack: questions, items (tips, steps, controls), references, contacts and letters. See docs/pack-format.md.".into(),
        );
    }
    value
}

/// Robustness: mangled packs and answers files must give diagnostics, never a panic or a
/// hang. A deterministic mutation fuzzer over the built-in packs (no extra tooling needed,
/// so it runs in every `cargo test`).
#[cfg(test)]
mod fuzz {
    use super::*;

    /// xorshift64*: small, deterministic, good enough to pick mutation sites.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    const TOKENS: [&str; 12] = [
        ":",
        "- ",
        "{",
        "}",
        "[",
        "]",
        "&a ",
        "*a",
        "\n  ",
        "\"",
        "!!binary ",
        "\t",
    ];

    fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(out.len());
            match rng.below(5) {
                0 => out[at] = rng.next() as u8,
                1 => out.truncate(at),
                2 => {
                    let end = (at + rng.below(200)).min(out.len());
                    let chunk = out[at..end].to_vec();
                    let to = rng.below(out.len());
                    out.splice(to..to, chunk);
                }
                3 => {
                    let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                    out.splice(at..at, t.iter().copied());
                }
                _ => {
                    let end = (at + rng.below(50)).min(out.len());
                    out.drain(at..end);
                }
            }
            if out.is_empty() {
                break;
            }
        }
        out
    }

    #[test]
    fn mutated_packs_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for (file, source) in builtin::SOURCES {
            for _ in 0..80 {
                let bytes = mutate(&mut rng, source.as_bytes());
                let text = String::from_utf8_lossy(&bytes);
                // Either outcome is fine; a panic fails the test.
                let _ = load_str(file, &text);
            }
        }
    }

    #[test]
    fn mutated_answers_never_panic() {
        let packs = builtin::packs().unwrap();
        let refs: Vec<&model::Pack> = packs.iter().collect();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let seed = "leaked_data: [id_number, phone, bank_card]\ndiscovered_on: 2026-03-08\njurisdiction: cn\nmoney_lost: true\nno-personal-data-in-repo: yes\nlawful-basis-recorded: {status: yes, note: ok, expires: 2027-01-01}\n";
        let mut rng = Rng(42);
        for _ in 0..600 {
            let bytes = mutate(&mut rng, seed.as_bytes());
            let text = String::from_utf8_lossy(&bytes);
            let _ = crate::answers::parse_answers_file(
                "a.yaml",
                &text,
                &refs,
                today,
                crate::i18n::Lang::En,
            );
        }
    }

    #[test]
    fn hostile_yaml_is_rejected_quickly() {
        // Billion laughs: nine levels of nine aliases would expand to 387 million nodes.
        let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(", ");
            bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        let packs = builtin::packs().unwrap();
        let refs: Vec<&model::Pack> = packs.iter().collect();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let started = std::time::Instant::now();
        let err = crate::answers::parse_answers_file(
            "bomb.yaml",
            &bomb,
            &refs,
            today,
            crate::i18n::Lang::En,
        )
        .unwrap_err();
        assert!(err.to_string().contains("bomb.yaml"), "{err}");
        // Generous bound: the point is that it does not expand 387 million nodes.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));

        let deep = format!(
            "leaked_data: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let err = crate::answers::parse_answers_file(
            "deep.yaml",
            &deep,
            &refs,
            today,
            crate::i18n::Lang::En,
        )
        .unwrap_err();
        assert!(err.to_string().contains("deep.yaml:1:"), "{err}");

        let junk: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
        assert!(load_str("junk.yaml", &String::from_utf8_lossy(&junk)).is_err());
    }
}
