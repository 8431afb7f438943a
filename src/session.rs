//! Saved sessions under the state dir: every finished `audit`/`respond` (answers, packs,
//! clock, ticked steps) and the answers of an interrupted one, so it can be resumed.
//! Everything is written atomically, mode 0600 in 0700 directories.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::engine::DoneSteps;
use crate::fsutil;
use crate::i18n::Lang;

pub const SESSION_SCHEMA: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub schema_version: u32,
    pub id: String,
    /// `audit` or `respond`.
    pub command: String,
    pub pack: String,
    pub pack_version: String,
    pub lang: String,
    pub as_of: DateTime<FixedOffset>,
    pub answers: Answers,
    /// Response steps ticked off, with the day each was done.
    #[serde(default)]
    pub done: DoneSteps,
}

/// Answers given so far in an interrupted interactive run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pending {
    pub command: String,
    pub pack: String,
    pub answers: Answers,
}

pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn new(root: PathBuf) -> Store {
        Store { root }
    }

    fn sessions_dir(&self) -> PathBuf {
        self.root.join("sessions")
    }

    fn pending_path(&self, command: &str) -> PathBuf {
        self.root.join("pending").join(format!("{command}.json"))
    }

    /// Session files, oldest first. Ids start with a zero-padded sequence number, so name
    /// order is save order whatever `--as-of` said.
    fn session_files(&self) -> Result<Vec<PathBuf>> {
        let dir = self.sessions_dir();
        if !dir.exists() {
            return Ok(Vec::new());
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        Ok(files)
    }

    /// Saves a finished session under a new id and returns it.
    pub fn save_new(&self, mut session: Session) -> Result<Session> {
        let next = self
            .session_files()?
            .iter()
            .filter_map(|p| {
                p.file_name()?
                    .to_str()?
                    .split('-')
                    .next()?
                    .parse::<u32>()
                    .ok()
            })
            .max()
            .unwrap_or(0)
            + 1;
        session.id = format!(
            "{next:04}-{}-{}",
            session.command,
            session.as_of.format("%Y%m%d")
        );
        self.save(&session)?;
        Ok(session)
    }

    pub fn save(&self, session: &Session) -> Result<()> {
        let path = self.sessions_dir().join(format!("{}.json", session.id));
        let json = serde_json::to_vec_pretty(session)?;
        fsutil::write_private(&path, &json).with_context(|| format!("writing {}", path.display()))
    }

    /// Loads a session by id, or the latest one (optionally of one command) for `latest`.
    pub fn load(&self, id: &str, command: Option<&str>, lang: Lang) -> Result<Session> {
        let files = self.session_files()?;
        let path = if id == "latest" {
            files
                .iter()
                .rev()
                .find(|p| {
                    command.is_none_or(|c| {
                        p.file_stem()
                            .and_then(|s| s.to_str())
                            .is_some_and(|s| s.split('-').nth(1) == Some(c))
                    })
                })
                .cloned()
        } else {
            files
                .iter()
                .find(|p| p.file_stem().and_then(|s| s.to_str()) == Some(id))
                .cloned()
        };
        let Some(path) = path else {
            if id == "latest" {
                match command {
                    Some("respond") => bail!(lang.pick(
                        "no saved response plan yet; run `privaudit respond` first",
                        "还没有保存的应对计划；请先运行 `privaudit respond`"
                    )),
                    _ => bail!(lang.pick(
                        "no saved session yet; run `privaudit respond` or `privaudit audit` first",
                        "还没有保存的会话；请先运行 `privaudit respond` 或 `privaudit audit`"
                    )),
                }
            }
            bail!(
                "{} `{id}` ({})",
                lang.pick("no saved session", "找不到会话"),
                self.sessions_dir().display()
            );
        };
        read_json(&path)
    }

    pub fn save_pending(&self, pending: &Pending) -> Result<()> {
        let path = self.pending_path(&pending.command);
        fsutil::write_private(&path, &serde_json::to_vec_pretty(pending)?)
            .with_context(|| format!("writing {}", path.display()))
    }

    pub fn load_pending(&self, command: &str) -> Result<Option<Pending>> {
        let path = self.pending_path(command);
        if !path.exists() {
            return Ok(None);
        }
        read_json(&path).map(Some)
    }

    pub fn clear_pending(&self, command: &str) -> Result<()> {
        let path = self.pending_path(command);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("removing {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid privaudit state file", path.display()))
}

/// Marks steps done (or not) in a session. Unknown ids are an error naming them.
pub fn tick(session: &mut Session, ids: &[String], done_on: Option<NaiveDate>) {
    for id in ids {
        match done_on {
            Some(day) => {
                session.done.insert(id.clone(), day);
            }
            None => {
                session.done.remove(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(command: &str) -> Session {
        Session {
            schema_version: SESSION_SCHEMA,
            id: String::new(),
            command: command.into(),
            pack: "response".into(),
            pack_version: "1".into(),
            lang: "en".into(),
            as_of: DateTime::parse_from_rfc3339("2026-03-10T09:00:00+08:00").unwrap(),
            answers: Answers::new(),
            done: DoneSteps::new(),
        }
    }

    #[test]
    fn latest_is_the_last_saved_even_with_equal_clocks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        let a = store.save_new(session("respond")).unwrap();
        let b = store.save_new(session("audit")).unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(store.load("latest", None, Lang::En).unwrap().id, b.id);
        assert_eq!(
            store.load("latest", Some("respond"), Lang::En).unwrap().id,
            a.id
        );
        assert_eq!(store.load(&a.id, None, Lang::En).unwrap(), a);
        assert!(store.load("nope", None, Lang::En).is_err());
    }

    #[test]
    fn pending_answers_round_trip_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        assert_eq!(store.load_pending("respond").unwrap(), None);
        let mut answers = Answers::new();
        answers.insert("x".into(), crate::answers::Answer::Bool(true));
        let p = Pending {
            command: "respond".into(),
            pack: "response".into(),
            answers,
        };
        store.save_pending(&p).unwrap();
        assert_eq!(store.load_pending("respond").unwrap(), Some(p));
        store.clear_pending("respond").unwrap();
        assert_eq!(store.load_pending("respond").unwrap(), None);
    }
}
