//! Baselines: fingerprints of findings that are known and accepted, so a scan only fails
//! on new personal data.
//!
//! The file is JSON:
//!
//! ```json
//! {"version": 1, "fingerprints": [{"fingerprint": "<sha256 hex>", "kind": "cn_id", "path": "src/a.txt"}]}
//! ```
//!
//! Only `fingerprint` is used for matching, so moving or copying a baselined value does not
//! resurface it; `kind` and `path` are optional and only help a person review the file.
//! Unknown keys, an unknown version or a malformed fingerprint are errors with the
//! file, line and column.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Finding, Kind, ScanError};

/// The only baseline format version so far.
const VERSION: u64 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: Version,
    fingerprints: Vec<Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: Fingerprint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

/// The format version; anything but 1 is rejected while parsing, so the error carries a
/// position.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
struct Version;

impl TryFrom<u64> for Version {
    type Error = String;
    fn try_from(v: u64) -> Result<Version, String> {
        if v == VERSION {
            Ok(Version)
        } else {
            Err(format!(
                "unsupported baseline version {v} (expected {VERSION})"
            ))
        }
    }
}

impl From<Version> for u64 {
    fn from(_: Version) -> u64 {
        VERSION
    }
}

/// A SHA-256 fingerprint as 64 lower-case hex digits.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
struct Fingerprint(String);

impl TryFrom<String> for Fingerprint {
    type Error = String;
    fn try_from(s: String) -> Result<Fingerprint, String> {
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Fingerprint(s))
        } else {
            Err("a fingerprint must be 64 lower-case hex digits (SHA-256)".to_owned())
        }
    }
}

impl From<Fingerprint> for String {
    fn from(f: Fingerprint) -> String {
        f.0
    }
}

/// The fingerprints of a loaded baseline.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    /// Reads and validates the baseline at `path`.
    pub fn load(path: &Path) -> Result<Baseline, ScanError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ScanError::ReadBaseline {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&shown, &bytes)
    }

    /// Parses baseline JSON; `shown` names the file in errors.
    pub fn parse(shown: &str, bytes: &[u8]) -> Result<Baseline, ScanError> {
        let file: BaselineFile = serde_json::from_slice(bytes).map_err(|e| {
            let full = e.to_string();
            // serde_json appends the position; it is shown as file:line:column instead.
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let detail = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            ScanError::BadBaseline {
                path: shown.to_owned(),
                // serde_json says column 0 for an error before the first character of a
                // line (end of input after a final newline); positions shown are 1-based.
                line: e.line().max(1),
                column: e.column().max(1),
                detail,
            }
        })?;
        Ok(Baseline {
            fingerprints: file
                .fingerprints
                .into_iter()
                .map(|e| e.fingerprint.0)
                .collect(),
        })
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// The baseline file for `findings`: one entry per distinct fingerprint and path,
    /// sorted, pretty-printed with a final newline.
    pub fn render(findings: &[Finding]) -> Vec<u8> {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: Fingerprint(f.fingerprint.clone()),
                kind: Some(f.kind),
                path: Some(f.path.clone()),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.path, &a.kind, &a.fingerprint).cmp(&(&b.path, &b.kind, &b.fingerprint))
        });
        entries.dedup();
        let file = BaselineFile {
            version: Version,
            fingerprints: entries,
        };
        let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "86e5940e774d4c29925cc3ea1954de7764ec8ebbdc5cdc94934ec2639418654b";

    fn finding(path: &str) -> Finding {
        Finding {
            path: path.to_owned(),
            line: 1,
            column: 1,
            column_utf16: 1,
            kind: Kind::CnId,
            masked: "110105********002X".to_owned(),
            fingerprint: FP.to_owned(),
        }
    }

    #[test]
    fn round_trip() {
        let bytes = Baseline::render(&[finding("b.txt"), finding("a.txt"), finding("a.txt")]);
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        assert!(text.find("a.txt") < text.find("b.txt"), "{text}");
        assert_eq!(text.matches(FP).count(), 2, "deduplicated per path");
        let baseline = Baseline::parse("b.json", &bytes).expect("parses");
        assert!(baseline.contains(FP));
        assert_eq!(baseline.len(), 1);
    }

    #[test]
    fn minimal_file_is_accepted() {
        let json = format!(r#"{{"version":1,"fingerprints":[{{"fingerprint":"{FP}"}}]}}"#);
        assert!(
            Baseline::parse("b.json", json.as_bytes())
                .expect("ok")
                .contains(FP)
        );
    }

    fn error(json: &str) -> (usize, usize, String) {
        match Baseline::parse("b.json", json.as_bytes()) {
            Err(ScanError::BadBaseline {
                line,
                column,
                detail,
                ..
            }) => (line, column, detail),
            other => panic!("expected a baseline error, got {other:?}"),
        }
    }

    #[test]
    fn errors_carry_line_and_column() {
        let (line, column, detail) = error("{\n  \"version\": 1,\n  \"fingerprints\": [,]\n}");
        assert_eq!((line, column), (3, 20));
        assert!(detail.starts_with("expected value"), "{detail}");
        assert!(!detail.contains("at line"));

        let (line, _, detail) = error("{\"version\": 2,\n\"fingerprints\": []}");
        assert_eq!(line, 1);
        assert!(
            detail.contains("unsupported baseline version 2"),
            "{detail}"
        );

        let (line, _, detail) =
            error("{\"version\": 1, \"fingerprints\": [\n {\"fingerprint\": \"abc\"}]}");
        assert_eq!(line, 2);
        assert!(detail.contains("64 lower-case hex"), "{detail}");

        let (_, _, detail) = error(&format!(
            r#"{{"version":1,"fingerprints":[{{"fingerprint":"{FP}","kind":"passport"}}]}}"#
        ));
        assert!(detail.contains("unknown variant `passport`"), "{detail}");

        let (_, _, detail) = error(r#"{"version":1,"fingerprints":[],"extra":true}"#);
        assert!(detail.contains("unknown field `extra`"), "{detail}");
    }
}
