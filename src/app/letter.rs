//! `privaudit letter TEMPLATE_ID`: fill a letter template from the saved plan's answers, the
//! answers file, the evidence journal and (interactively) the facts still missing.

use anyhow::{Result, bail};

use super::Context;
use crate::answers::{Answer, Answers};
use crate::cli::LetterArgs;
use crate::engine;
use crate::exit::ExitStatus;
use crate::i18n::Lang;
use crate::pack::model::{Letter, Pack};
use crate::prompt::{Ask, PromptError, Prompter, TerminalPrompter};
use crate::session::Store;

pub fn run(cx: &mut Context, args: LetterArgs) -> Result<ExitStatus> {
    let lang = cx.lang;
    let set = cx.packs()?;
    let Some((pack, letter)) = set
        .packs
        .iter()
        .find_map(|p| p.letter(&args.template).map(|l| (p, l)))
    else {
        let known: Vec<&str> = set
            .packs
            .iter()
            .flat_map(|p| p.letters.iter().map(|l| l.id.as_str()))
            .collect();
        bail!(
            "{} `{}` ({}: {})",
            lang.pick("unknown letter template", "未知的文书模板"),
            args.template,
            lang.pick("available", "可用"),
            known.join(", ")
        );
    };
    let today = cx.as_of.date_naive();
    let store = Store::new(cx.state_dir()?);

    // Start from the latest response plan, if there is one, so the facts given there are
    // not asked again; the answers file overrides them.
    let mut answers = match store.load("latest", Some("respond"), lang) {
        Ok(session) if session.pack == pack.id => session.answers,
        _ => Answers::new(),
    };
    if let Some(path) = &args.answers {
        answers.extend(super::read_answers(path, &[pack], today, lang)?);
    }

    let interactive = cx.interactive(args.non_interactive);
    if interactive {
        let interrupted = lang.pick(
            "Interrupted; no letter was written.",
            "已中断，未生成文书。",
        );
        crate::prompt::exit_on_interrupt(interrupted.to_owned());
        let mut prompter = TerminalPrompter::new(cx.color_stderr());
        let asked =
            super::interview::conduct(pack, &mut answers, &mut prompter, lang, today, |_| Ok(()))
                .and_then(|()| {
                    ask_letter_questions(letter, &mut answers, &mut prompter, lang, today)
                });
        match asked {
            Ok(()) => {}
            Err(PromptError::Interrupted) => {
                crate::prompt::announce_interrupt(interrupted);
                return Ok(ExitStatus::Interrupted);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut missing = engine::complete_with_defaults(pack, &mut answers, today);
    for q in &letter.questions {
        if answers.contains_key(&q.id) {
            continue;
        }
        match &q.default {
            Some(d) => {
                answers.insert(q.id.clone(), d.resolve(today));
            }
            None if q.required => missing.push(q.id.clone()),
            None => {}
        }
    }
    if let Some(first) = missing.first() {
        bail!(
            "{} `{first}` {} `{}`; {} ({})",
            lang.pick("missing answer for question", "缺少问题的回答："),
            lang.pick("needed by letter", "，文书"),
            letter.id,
            lang.pick(
                "give it in --answers FILE or run in a terminal",
                "请在 --answers 文件中提供，或在终端中运行"
            ),
            missing.join(", ")
        );
    }

    let evidence = crate::evidence::load_entries(&cx.state_dir()?).unwrap_or_default();
    let context = letter_context(pack, &answers, lang, today, &evidence);
    let body = crate::letter::render(letter.body.get(lang), &context).map_err(|e| {
        anyhow::anyhow!(
            "{} `{}`: {e}",
            lang.pick("cannot fill in letter", "无法生成文书"),
            letter.id
        )
    })?;
    super::emit(cx, body.as_bytes(), args.out.as_deref())?;
    Ok(ExitStatus::Success)
}

fn ask_letter_questions(
    letter: &Letter,
    answers: &mut Answers,
    prompter: &mut dyn Prompter,
    lang: Lang,
    today: chrono::NaiveDate,
) -> Result<(), PromptError> {
    let pending: Vec<_> = letter
        .questions
        .iter()
        .filter(|q| !answers.contains_key(&q.id))
        .collect();
    for (n, q) in pending.iter().enumerate() {
        let ask = Ask {
            question: q,
            lang,
            number: n + 1,
            estimate: pending.len(),
            default: crate::answers::default_answer(q, today),
            today,
        };
        let answer = prompter.ask(&ask)?;
        // An optional text left empty is no answer at all.
        if !matches!(&answer, Answer::Text(t) if t.trim().is_empty()) {
            answers.insert(q.id.clone(), answer);
        }
    }
    Ok(())
}

/// What templates see: every answer by question id (dates as `YYYY-MM-DD`), `labels.<id>`
/// with the answer as a person reads it, `today`, and the evidence journal's entries.
pub fn letter_context(
    pack: &Pack,
    answers: &Answers,
    lang: Lang,
    today: chrono::NaiveDate,
    evidence: &[crate::evidence::Entry],
) -> serde_json::Value {
    let mut ctx = serde_json::Map::new();
    let mut labels = serde_json::Map::new();
    for (id, answer) in answers {
        let value = match answer {
            Answer::Date(d) => serde_json::Value::String(d.to_string()),
            other => serde_json::to_value(other).unwrap_or_default(),
        };
        ctx.insert(id.clone(), value);
        labels.insert(
            id.clone(),
            crate::report::display_answer(pack, id, answer, lang).into(),
        );
    }
    ctx.insert("labels".into(), labels.into());
    ctx.insert("today".into(), today.to_string().into());
    let entries: Vec<serde_json::Value> = evidence
        .iter()
        .map(|e| {
            serde_json::json!({
                "at": e.at.format("%Y-%m-%d %H:%M").to_string(),
                "kind": crate::evidence::kind_label(e.kind, lang),
                "from": e.from,
                "note": e.note,
            })
        })
        .collect();
    ctx.insert("evidence".into(), entries.into());
    serde_json::Value::Object(ctx)
}
