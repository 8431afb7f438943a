//! A minimal SARIF 2.1.0 model shared by `scan` and `check`.
//!
//! Only the objects privaudit emits are modelled, with the JSON names of the OASIS
//! standard; optional members are skipped when empty so the output stays small and valid
//! against `sarif-schema-2.1.0.json`. Build a [`Log`] with one [`Run`] per tool
//! invocation and serialise it with `serde_json`.

use std::collections::BTreeMap;

use serde::Serialize;

/// The schema URI written into `$schema` (the OASIS errata 01 schema).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Free-form extra data (`properties`), a SARIF property bag.
pub type PropertyBag = serde_json::Map<String, serde_json::Value>;

/// The top-level SARIF log.
#[derive(Debug, Clone, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

impl Log {
    /// A SARIF 2.1.0 log with the given runs.
    pub fn new(runs: Vec<Run>) -> Log {
        Log {
            schema: SCHEMA_URI,
            version: "2.1.0",
            runs,
        }
    }
}

/// How columns in [`Region`]s are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnKind {
    /// UTF-16 code units: what GitHub code scanning and most editors expect.
    Utf16CodeUnits,
    UnicodeCodePoints,
}

/// One invocation of one tool and what it found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub results: Vec<SarifResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_kind: Option<ColumnKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<PropertyBag>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

/// The analysis tool: its name, version and the rules its results refer to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_uri: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ReportingDescriptor>,
}

/// A plain-text message (`message` objects of results and notifications).
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub text: String,
}

impl Message {
    pub fn text(text: impl Into<String>) -> Message {
        Message { text: text.into() }
    }
}

/// A message with an optional Markdown rendering (rule descriptions and help).
#[derive(Debug, Clone, Serialize)]
pub struct MultiformatMessageString {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
}

impl MultiformatMessageString {
    pub fn text(text: impl Into<String>) -> MultiformatMessageString {
        MultiformatMessageString {
            text: text.into(),
            markdown: None,
        }
    }
}

/// The severity of a result or the default severity of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Note,
    Warning,
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportingConfiguration {
    pub level: Level,
}

/// A rule: stable `id`, human name, descriptions and help.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_description: Option<MultiformatMessageString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<MultiformatMessageString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<MultiformatMessageString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_configuration: Option<ReportingConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<PropertyBag>,
}

/// One result (named `SarifResult` to keep `Result` for Rust).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    /// Index of the rule in `tool.driver.rules`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: Level,
    pub message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// Stable identities for matching results across runs (`"privaudit/v1": sha256`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub partial_fingerprints: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<PropertyBag>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

/// A file, as a URI reference (relative paths with forward slashes, see [`path_to_uri`]).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<String>,
}

/// A text region; lines and columns are 1-based.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u64>,
}

/// Turns a path as privaudit prints it into a SARIF `uri`: forward slashes, no leading
/// `./`, percent-encoding for anything that is not allowed in a URI path (`:` included,
/// so a relative path never reads as a scheme), and a `file://` URI for absolute paths.
pub fn path_to_uri(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_owned();
    }
    let absolute = p.starts_with('/');
    let mut out = String::with_capacity(p.len() + 8);
    if absolute {
        out.push_str("file://");
    }
    for &b in p.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes() {
        assert_eq!(path_to_uri("./src/a b.txt"), "src/a%20b.txt");
        assert_eq!(path_to_uri("src\\x.rs"), "src/x.rs");
        assert_eq!(path_to_uri("/tmp/x"), "file:///tmp/x");
        assert_eq!(path_to_uri("文件.txt"), "%E6%96%87%E4%BB%B6.txt");
        assert_eq!(path_to_uri("100%.txt"), "100%25.txt");
        assert_eq!(path_to_uri("../up.txt"), "../up.txt");
    }

    #[test]
    fn optional_members_are_omitted() {
        let log = Log::new(vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "t".into(),
                    version: None,
                    semantic_version: None,
                    information_uri: None,
                    rules: vec![],
                },
            },
            results: vec![],
            column_kind: None,
            properties: None,
        }]);
        let json = serde_json::to_string(&log).expect("serialises");
        assert_eq!(
            json,
            format!(
                r#"{{"$schema":"{SCHEMA_URI}","version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t"}}}},"results":[]}}]}}"#
            )
        );
    }
}
