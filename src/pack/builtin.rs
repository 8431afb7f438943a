//! The built-in packs, embedded in the binary so privaudit works with no files beside it.

use std::sync::OnceLock;

use super::model::Pack;
use crate::diag::Diagnostics;

/// (file name, YAML text) of every built-in pack, in the order `rules list` shows them.
pub const SOURCES: [(&str, &str); 3] = [
    ("rules/audit.yaml", include_str!("../../rules/audit.yaml")),
    (
        "rules/response.yaml",
        include_str!("../../rules/response.yaml"),
    ),
    ("rules/policy.yaml", include_str!("../../rules/policy.yaml")),
];

/// The built-in packs, parsed and validated once per process. A broken built-in pack is a
/// bug caught by the registry tests; at run time it is reported like any other bad pack.
pub fn packs() -> Result<&'static [Pack], &'static Diagnostics> {
    static PACKS: OnceLock<Result<Vec<Pack>, Diagnostics>> = OnceLock::new();
    PACKS
        .get_or_init(|| {
            let mut packs = Vec::new();
            let mut problems = Vec::new();
            for (file, source) in SOURCES {
                match super::load_str(&format!("builtin:{file}"), source) {
                    Ok((pack, _)) => packs.push(pack),
                    Err(d) => problems.extend(d.0),
                }
            }
            if problems.is_empty() {
                Ok(packs)
            } else {
                Err(Diagnostics(problems))
            }
        })
        .as_ref()
        .map(Vec::as_slice)
}
