//! `privaudit evidence add | list | verify | export`: the front end of [`crate::evidence`].
//! Everything it prints is in the user's language; a journal that fails verification is a
//! `Failure` (exit 1) for `verify` and an error (exit 2) for the commands that would build
//! on it.

use anyhow::Result;

use super::Context;
use crate::cli::{EvidenceCommand, ListFormat};
use crate::evidence::{self, Draft, EvidenceError};
use crate::exit::ExitStatus;
use crate::i18n::Lang;

pub fn run(cx: &mut Context, cmd: EvidenceCommand) -> Result<ExitStatus> {
    let lang = cx.lang;
    let state_dir = cx.state_dir()?;
    // Library errors carry both languages; pick the user's here, at the edge.
    let localize = |e: EvidenceError| anyhow::anyhow!(e.message(lang));
    match cmd {
        EvidenceCommand::Add {
            kind,
            from,
            note,
            at,
            attach,
        } => {
            let draft = Draft::new(kind, from, note, at.as_deref(), cx.as_of).map_err(localize)?;
            let entry = evidence::add(&state_dir, draft, &attach).map_err(|e| {
                // Say plainly that the new entry was not written, so the user does not
                // assume it is safe in the journal.
                let msg = e.message(lang);
                match e {
                    EvidenceError::Broken(_) => anyhow::anyhow!(
                        "{}{msg}",
                        lang.pick("nothing was recorded: ", "未记录任何内容：")
                    ),
                    _ => anyhow::anyhow!(msg),
                }
            })?;
            let short = entry.hash.get(..12).unwrap_or(&entry.hash);
            match lang {
                Lang::En => {
                    writeln!(cx.out, "Recorded entry {} (sha256 {short}…)", entry.seq)?;
                }
                Lang::Zh => {
                    writeln!(cx.out, "已记录第 {} 条（sha256 {short}…）", entry.seq)?;
                }
            }
            Ok(ExitStatus::Success)
        }
        EvidenceCommand::List { format } => {
            let entries = evidence::load_entries(&state_dir).map_err(localize)?;
            let text = match format {
                ListFormat::Text => evidence::list_text(&entries, lang),
                ListFormat::Json => evidence::list_json(&entries),
            };
            cx.out.write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        EvidenceCommand::Verify => {
            let report = evidence::verify(&state_dir).map_err(localize)?;
            match &report.problem {
                None => {
                    match lang {
                        Lang::En => writeln!(
                            cx.out,
                            "Journal intact: {} entries, head {}",
                            report.entries, report.head
                        )?,
                        Lang::Zh => writeln!(
                            cx.out,
                            "证据记录完整：共 {} 条，链末端 {}",
                            report.entries, report.head
                        )?,
                    }
                    Ok(ExitStatus::Success)
                }
                Some(problem) => {
                    writeln!(
                        cx.out,
                        "{}{}",
                        lang.pick("Journal check failed at ", "证据记录校验失败："),
                        problem.message(lang)
                    )?;
                    Ok(ExitStatus::Failure)
                }
            }
        }
        EvidenceCommand::Export { format, out } => {
            let entries = evidence::load_verified(&state_dir).map_err(localize)?;
            let text = evidence::export(&entries, format, cx.as_of, lang);
            super::emit(cx, text.as_bytes(), out.as_deref())?;
            Ok(ExitStatus::Success)
        }
    }
}
