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

/// The id of a built-in pack: its file stem (`rules/audit.yaml` → `audit`).
fn id_of(file: &str) -> &str {
    file.trim_start_matches("rules/").trim_end_matches(".yaml")
}

/// One built-in pack by id, parsed and validated once per process, or `None` if there is no
/// built-in pack with that id. Commands load only the packs they use: parsing is most of
/// the start-up time of a short command such as `check`.
pub fn pack(id: &str) -> Option<Result<&'static Pack, &'static Diagnostics>> {
    static CACHE: [OnceLock<Result<Pack, Diagnostics>>; SOURCES.len()] =
        [const { OnceLock::new() }; SOURCES.len()];
    let index = SOURCES.iter().position(|(file, _)| id_of(file) == id)?;
    let (file, source) = SOURCES[index];
    Some(
        CACHE[index]
            .get_or_init(|| super::load_str(&format!("builtin:{file}"), source).map(|(p, _)| p))
            .as_ref(),
    )
}

/// Ids of the built-in packs, in the order `rules list` shows them.
pub fn ids() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|(file, _)| id_of(file))
}

/// Every built-in pack. A broken built-in pack is a bug caught by the registry tests; at
/// run time it is reported like any other bad pack.
pub fn packs() -> Result<Vec<&'static Pack>, Diagnostics> {
    let mut packs = Vec::new();
    let mut problems = Vec::new();
    for id in ids() {
        match pack(id) {
            Some(Ok(p)) => packs.push(p),
            Some(Err(d)) => problems.extend(d.0.iter().cloned()),
            None => {}
        }
    }
    if problems.is_empty() {
        Ok(packs)
    } else {
        Err(Diagnostics(problems))
    }
}

/// The registry test: every built-in pack loads cleanly (no errors, no warnings), every
/// prose text is really bilingual, and the stable ids scripts rely on exist.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;
    use crate::pack::model::{PackKind, QuestionType};
    use crate::pack::validate::id_pattern;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// A Chinese text must contain Chinese, and must not just repeat the English.
    fn assert_bilingual(what: &str, t: &Text) {
        assert!(!t.en.trim().is_empty(), "{what}: empty English");
        assert!(
            has_cjk(&t.zh),
            "{what}: Chinese text has no Chinese: {:?}",
            t.zh
        );
        assert!(
            !has_cjk(&t.en) || t.en != t.zh,
            "{what}: English text is Chinese"
        );
    }

    #[test]
    fn every_builtin_pack_loads_without_errors_or_warnings() {
        for (file, source) in SOURCES {
            match crate::pack::load_str(file, source) {
                Ok((_, warnings)) => assert!(warnings.is_empty(), "{file}: {warnings:?}"),
                Err(d) => panic!("{file}:\n{d}"),
            }
            assert!(
                source.starts_with("# yaml-language-server: $schema=../schema/pack.schema.json"),
                "{file} lacks the schema comment"
            );
        }
        assert_eq!(packs().map(|p| p.len()).ok(), Some(3));
        assert!(pack("policy").is_some_and(|p| p.is_ok_and(|p| p.id == "policy")));
        assert!(pack("nope").is_none());
    }

    #[test]
    fn every_text_is_translated_and_every_id_is_well_formed() {
        for pack in packs().unwrap() {
            let p = &pack.id;
            assert_bilingual(&format!("{p} title"), &pack.title);
            let mut ids = std::collections::HashSet::new();
            for q in pack.all_questions() {
                assert!(id_pattern().is_match(&q.id), "{p}: question id {}", q.id);
                assert!(
                    ids.insert(q.id.clone()),
                    "{p}: duplicate question id {}",
                    q.id
                );
                assert_bilingual(&format!("{p}/{} prompt", q.id), &q.prompt);
                if let Some(h) = &q.help {
                    assert_bilingual(&format!("{p}/{} help", q.id), h);
                }
                for o in &q.options {
                    assert!(id_pattern().is_match(&o.id), "{p}: option id {}", o.id);
                    assert_bilingual(&format!("{p}/{}.{} label", q.id, o.id), &o.label);
                }
            }
            let mut item_ids = std::collections::HashSet::new();
            for i in &pack.items {
                assert!(id_pattern().is_match(&i.id), "{p}: item id {}", i.id);
                assert!(
                    item_ids.insert(i.id.clone()),
                    "{p}: duplicate item id {}",
                    i.id
                );
                assert_bilingual(&format!("{p}/{} title", i.id), &i.title);
                assert_bilingual(&format!("{p}/{} why", i.id), &i.why);
                assert!(!i.how.is_empty(), "{p}/{} has no how-to", i.id);
                for h in &i.how {
                    assert_bilingual(&format!("{p}/{} how", i.id), h);
                }
                for &r in &i.refs {
                    assert!(r < pack.references.len(), "{p}/{}: dangling ref", i.id);
                }
            }
            for r in &pack.references {
                assert_bilingual(&format!("{p}/{} citation", r.id), &r.citation);
                assert_bilingual(&format!("{p}/{} summary", r.id), &r.summary);
            }
            for c in &pack.contacts {
                // A proper name (a web site, an app) may stand for itself in both languages.
                if c.name.en != c.name.zh {
                    assert_bilingual(&format!("{p}/{} name", c.id), &c.name);
                }
                assert_bilingual(&format!("{p}/{} summary", c.id), &c.summary);
            }
            for l in &pack.letters {
                assert_bilingual(&format!("{p}/{} letter title", l.id), &l.title);
                assert_bilingual(&format!("{p}/{} letter body", l.id), &l.body);
            }
        }
    }

    #[test]
    fn stable_ids_of_the_design_contract_exist() {
        let all = packs().unwrap();
        let kinds: Vec<PackKind> = all.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [PackKind::Audit, PackKind::Response, PackKind::Policy]
        );
        let response = all.iter().find(|p| p.id == "response").unwrap();
        for id in [
            "change-passwords",
            "switch-accounts",
            "freeze-cards",
            "report-police",
            "collect-evidence",
            "notify-contacts",
            "request-deletion",
            "report-regulator",
            "consult-lawyer",
            "claim-compensation",
            "ignore-trivial",
        ] {
            assert!(response.item(id).is_some(), "response pack lacks `{id}`");
        }
        let leaked = response.question("leaked_data").unwrap();
        assert_eq!(leaked.kind, QuestionType::Multi);
        for o in [
            "id_number",
            "phone",
            "email",
            "address",
            "password",
            "bank_card",
            "photos",
            "biometrics",
            "health",
        ] {
            assert!(leaked.option(o).is_some(), "leaked_data lacks option `{o}`");
        }
        assert_eq!(
            response.question("discovered_on").unwrap().kind,
            QuestionType::Date
        );
        let j = response.question("jurisdiction").unwrap();
        let opts: Vec<&str> = j.options.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(opts, ["cn", "eu", "us", "other"]);
        // Every other question has a default, so those three answers give a complete plan.
        for q in &response.questions {
            if !["leaked_data", "discovered_on", "jurisdiction"].contains(&q.id.as_str()) {
                assert!(
                    q.default.is_some(),
                    "response question `{}` has no default",
                    q.id
                );
            }
        }
        let policy = all.iter().find(|p| p.id == "policy").unwrap();
        for id in ["no-personal-data-in-repo", "privacy-notice-present"] {
            assert!(
                policy.item(id).is_some_and(|i| i.probe.is_some()),
                "policy lacks probe `{id}`"
            );
        }
        let audit = all.iter().find(|p| p.id == "audit").unwrap();
        assert!(
            audit.items.len() >= 25,
            "audit pack has {} controls",
            audit.items.len()
        );
    }
}
