//! `audit` and `respond`: ask what is missing (or take it from `--answers`), evaluate the
//! pack, write the report and save the session.

use anyhow::{Result, bail};

use super::Context;
use crate::answers::{self, Answers};
use crate::cli::{InterviewArgs, ReportFormat};
use crate::engine::{self, DoneSteps, ProbeResults};
use crate::exit::ExitStatus;
use crate::i18n::Lang;
use crate::pack::model::{Pack, PackKind};
use crate::prompt::{Ask, PromptError, Prompter, TerminalPrompter};
use crate::session::{Pending, SESSION_SCHEMA, Session, Store};

/// Asks every applicable unanswered question in pack order until none is left. After each
/// answer `saved` is called, so an interruption loses nothing already answered.
pub fn conduct(
    pack: &Pack,
    answers: &mut Answers,
    prompter: &mut dyn Prompter,
    lang: Lang,
    today: chrono::NaiveDate,
    mut saved: impl FnMut(&Answers) -> Result<()>,
) -> Result<(), PromptError> {
    let mut asked = 0;
    loop {
        let pending = engine::pending_questions(pack, answers, today);
        let Some(question) = pending.first() else {
            return Ok(());
        };
        let ask = Ask {
            question,
            lang,
            number: asked + 1,
            estimate: asked + still_to_ask(pack, answers, today),
            default: answers::default_answer(question, today),
            today,
        };
        let answer = prompter.ask(&ask)?;
        answers.insert(question.id.clone(), answer);
        asked += 1;
        saved(answers).map_err(|e| PromptError::Io(std::io::Error::other(e.to_string())))?;
    }
}

/// How many questions are probably still to come: those that apply now, plus those whose
/// condition depends on a question not answered yet (they may still apply). Keeps the
/// "question 4 of ~N" hint from growing as the interview goes on.
fn still_to_ask(pack: &Pack, answers: &Answers, today: chrono::NaiveDate) -> usize {
    pack.questions
        .iter()
        .filter(|q| !answers.contains_key(&q.id))
        .filter(|q| match &q.when {
            None => true,
            Some(c) => {
                engine::holds(c, answers, today)
                    || c.questions().iter().any(|id| !answers.contains_key(*id))
            }
        })
        .count()
}

pub fn run(cx: &mut Context, kind: PackKind, args: InterviewArgs) -> Result<ExitStatus> {
    let lang = cx.lang;
    let command = match kind {
        PackKind::Audit => "audit",
        _ => "respond",
    };
    if args.format == ReportFormat::Ics && kind == PackKind::Audit {
        bail!(lang.pick(
            "--format ics is for response plans (they have due dates); use md, json or html for an audit",
            "--format ics 仅用于应对计划（带截止日期）；自查报告请用 md、json 或 html"
        ));
    }
    let default_id = if kind == PackKind::Audit {
        "audit"
    } else {
        "response"
    };
    let set = cx.packs_for(&[default_id])?;
    let Some(pack) = set.for_kind(default_id, kind) else {
        bail!(
            "{} ({})",
            lang.pick("no pack of this kind is loaded", "没有加载这种类型的规则包"),
            kind.as_str()
        );
    };
    let today = cx.as_of.date_naive();
    let mut answers = match &args.answers {
        Some(path) => super::read_answers(path, &[pack], today, lang)?,
        None => Answers::new(),
    };

    let store = Store::new(cx.state_dir()?);
    let interactive = cx.interactive(args.non_interactive);
    if interactive {
        let interrupted = lang.pick(
            "Interrupted. Your answers so far are saved; run the command again to resume.",
            "已中断。已回答的内容已保存，再次运行该命令即可继续。",
        );
        crate::prompt::exit_on_interrupt(interrupted.to_owned());
        let mut prompter = TerminalPrompter::new(cx.color_stderr());
        if let Some(pending) = store.load_pending(command)?.filter(|p| p.pack == pack.id) {
            let detail = match lang {
                Lang::En => format!("{} answers saved", pending.answers.len()),
                Lang::Zh => format!("已保存 {} 个回答", pending.answers.len()),
            };
            match prompter.confirm_resume(lang, &detail) {
                Ok(true) => {
                    for (k, v) in pending.answers {
                        // The answers file wins over what was typed last time.
                        answers.entry(k).or_insert(v);
                    }
                }
                Ok(false) => store.clear_pending(command)?,
                Err(PromptError::Interrupted) => {
                    crate::prompt::announce_interrupt(interrupted);
                    return Ok(ExitStatus::Interrupted);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let result = conduct(pack, &mut answers, &mut prompter, lang, today, |a| {
            store.save_pending(&Pending {
                command: command.to_owned(),
                pack: pack.id.clone(),
                answers: a.clone(),
            })
        });
        match result {
            Ok(()) => {}
            Err(PromptError::Interrupted) => {
                crate::prompt::announce_interrupt(interrupted);
                return Ok(ExitStatus::Interrupted);
            }
            Err(e) => return Err(e.into()),
        }
    }

    let missing = engine::complete_with_defaults(pack, &mut answers, today);
    if let Some(first) = missing.first() {
        let q = pack
            .question(first)
            .map(|q| (q.kind.as_str(), q.prompt.get(lang)))
            .unwrap_or(("", ""));
        let all = missing.join(", ");
        let file = super::answers_file_prefix(args.answers.as_deref(), lang);
        bail!(match lang {
            Lang::En => format!(
                "{file}missing answer for question `{first}` ({}: {}); give it in --answers FILE or run in a terminal without --non-interactive. Missing: {all}",
                q.0, q.1
            ),
            Lang::Zh => format!(
                "{file}问题 `{first}`（{}：{}）缺少回答；请在 --answers 文件中提供，或在终端中不带 --non-interactive 运行。缺少：{all}",
                q.0, q.1
            ),
        });
    }

    let plan = engine::evaluate(
        pack,
        &answers,
        cx.as_of,
        &ProbeResults::default(),
        &DoneSteps::new(),
    );
    let session = store.save_new(Session {
        schema_version: SESSION_SCHEMA,
        id: String::new(),
        command: command.to_owned(),
        pack: pack.id.clone(),
        pack_version: pack.version.clone(),
        lang: lang.code().to_owned(),
        as_of: cx.as_of,
        answers: answers.clone(),
        done: DoneSteps::new(),
    })?;
    store.clear_pending(command)?;

    let doc = crate::report::build(command, pack, &plan, lang, &DoneSteps::new());
    super::emit_report(cx, &doc, args.format, args.out.as_deref())?;
    if args.out.is_some() || cx.terminal.stderr_tty {
        writeln!(
            cx.err,
            "{} {} ({})",
            lang.pick("Saved session", "已保存会话"),
            session.id,
            store.root().display()
        )?;
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::ScriptedPrompter;
    use std::collections::BTreeMap;

    fn response() -> &'static Pack {
        crate::pack::builtin::pack("response").unwrap().unwrap()
    }

    fn script(pairs: &[(&str, serde_json::Value)]) -> ScriptedPrompter {
        ScriptedPrompter::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
    }

    #[test]
    fn asks_only_applicable_questions_in_pack_order() {
        let pack = response();
        let mut prompter = script(&[
            ("leaked_data", serde_json::json!(["phone"])),
            ("discovered_on", serde_json::json!("yesterday")),
            ("jurisdiction", serde_json::json!("cn")),
        ]);
        let mut answers = Answers::new();
        let mut saves = 0;
        conduct(pack, &mut answers, &mut prompter, Lang::En, today(), |_| {
            saves += 1;
            Ok(())
        })
        .unwrap();
        // `password_reused` only applies when a password leaked.
        assert!(!prompter.asked.contains(&"password_reused".to_owned()));
        let order: Vec<usize> = prompter
            .asked
            .iter()
            .map(|id| pack.questions.iter().position(|q| &q.id == id).unwrap())
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "asked out of order: {:?}",
            prompter.asked
        );
        assert_eq!(
            &prompter.asked[..3],
            ["leaked_data", "discovered_on", "jurisdiction"]
        );
        assert_eq!(
            saves,
            prompter.asked.len(),
            "answers are saved after every question"
        );
        assert_eq!(
            answers.get("discovered_on"),
            Some(&crate::answers::Answer::Date(today().pred_opt().unwrap()))
        );
    }

    #[test]
    fn the_question_count_hint_never_grows_and_is_never_short() {
        let audit = crate::pack::builtin::pack("audit").unwrap().unwrap();
        // Answer every question "yes"/first option, which opens every follow-up question.
        let answers: BTreeMap<String, serde_json::Value> = audit
            .questions
            .iter()
            .map(|q| {
                let v = match q.kind {
                    crate::pack::model::QuestionType::YesNo => serde_json::json!(true),
                    crate::pack::model::QuestionType::Multi => serde_json::json!([q.options[0].id]),
                    _ => serde_json::json!(q.options[0].id),
                };
                (q.id.clone(), v)
            })
            .collect();
        let mut prompter = ScriptedPrompter::new(answers);
        let mut given = Answers::new();
        conduct(audit, &mut given, &mut prompter, Lang::En, today(), |_| {
            Ok(())
        })
        .unwrap();
        let estimates = &prompter.estimates;
        assert!(estimates.windows(2).all(|w| w[1] <= w[0]), "{estimates:?}");
        assert!(
            estimates[0] >= prompter.asked.len(),
            "{estimates:?} vs {} asked",
            prompter.asked.len()
        );
        assert_eq!(estimates.last(), Some(&prompter.asked.len()));
    }

    #[test]
    fn a_follow_up_question_is_asked_when_its_condition_holds() {
        let pack = response();
        let mut prompter = script(&[
            ("leaked_data", serde_json::json!(["password"])),
            ("discovered_on", serde_json::json!("2026-03-01")),
            ("jurisdiction", serde_json::json!("eu")),
            ("password_reused", serde_json::json!(false)),
        ]);
        let mut answers = Answers::new();
        conduct(pack, &mut answers, &mut prompter, Lang::En, today(), |_| {
            Ok(())
        })
        .unwrap();
        assert!(prompter.asked.contains(&"password_reused".to_owned()));
        assert_eq!(
            answers.get("password_reused"),
            Some(&crate::answers::Answer::Bool(false))
        );
    }

    #[test]
    fn answered_questions_are_not_asked_again() {
        let pack = response();
        let mut answers = Answers::new();
        answers.insert(
            "leaked_data".into(),
            crate::answers::Answer::Choices(vec!["email".into()]),
        );
        answers.insert(
            "jurisdiction".into(),
            crate::answers::Answer::Text("us".into()),
        );
        let mut prompter = script(&[("discovered_on", serde_json::json!("today"))]);
        conduct(pack, &mut answers, &mut prompter, Lang::Zh, today(), |_| {
            Ok(())
        })
        .unwrap();
        assert!(!prompter.asked.contains(&"leaked_data".to_owned()));
        assert!(!prompter.asked.contains(&"jurisdiction".to_owned()));
        assert_eq!(prompter.asked[0], "discovered_on");
    }

    #[test]
    fn invalid_scripted_answers_are_rejected_not_stored() {
        let pack = response();
        let mut prompter = script(&[
            ("leaked_data", serde_json::json!(["phone"])),
            ("discovered_on", serde_json::json!("2026-03-11")),
        ]);
        let mut answers = Answers::new();
        let err = conduct(pack, &mut answers, &mut prompter, Lang::En, today(), |_| {
            Ok(())
        })
        .unwrap_err();
        assert!(err.to_string().contains("future"), "{err}");
        assert!(!answers.contains_key("discovered_on"));
    }
}
