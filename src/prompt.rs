//! Asking questions: the [`Prompter`] trait, its terminal implementation (dialoguer and
//! console) and a scripted one, so every interactive flow can be tested without a TTY and
//! scripted answers never reach dialoguer.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Once;

use chrono::NaiveDate;
use console::{Style, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Select};

use crate::answers::{self, Answer};
use crate::i18n::Lang;
use crate::pack::model::{Question, QuestionType};

/// One question to ask, with what the asker needs to present it.
pub struct Ask<'a> {
    pub question: &'a Question,
    pub lang: Lang,
    /// 1-based position of this question.
    pub number: usize,
    /// Estimated total (grows or shrinks as answers switch follow-up questions on or off).
    pub estimate: usize,
    pub default: Option<Answer>,
    pub today: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("interrupted")]
    Interrupted,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Script(String),
}

pub trait Prompter {
    /// Asks one question and returns a valid answer for it.
    fn ask(&mut self, ask: &Ask) -> Result<Answer, PromptError>;
    /// Asks whether to resume an interrupted session (`detail` says how far it got).
    fn confirm_resume(&mut self, lang: Lang, detail: &str) -> Result<bool, PromptError>;
}

/// Answers from a script: question id → value, as an answers file would give them. Records
/// what was asked, in order, so tests can check the flow.
pub struct ScriptedPrompter {
    pub answers: BTreeMap<String, serde_json::Value>,
    pub resume: bool,
    pub asked: Vec<String>,
    /// The "question N of ~M" estimate shown with each question.
    pub estimates: Vec<usize>,
}

impl ScriptedPrompter {
    pub fn new(answers: BTreeMap<String, serde_json::Value>) -> Self {
        ScriptedPrompter {
            answers,
            resume: false,
            asked: Vec::new(),
            estimates: Vec::new(),
        }
    }
}

impl Prompter for ScriptedPrompter {
    fn ask(&mut self, ask: &Ask) -> Result<Answer, PromptError> {
        let q = ask.question;
        self.asked.push(q.id.clone());
        self.estimates.push(ask.estimate);
        match self.answers.get(&q.id) {
            Some(v) => answers::coerce(q, v, ask.today)
                .map_err(|e| PromptError::Script(e.message(ask.lang))),
            None => ask.default.clone().ok_or_else(|| {
                PromptError::Script(format!("the script has no answer for `{}`", q.id))
            }),
        }
    }

    fn confirm_resume(&mut self, _lang: Lang, _detail: &str) -> Result<bool, PromptError> {
        Ok(self.resume)
    }
}

/// The real terminal: dialoguer widgets on stderr, so stdout stays clean for the report.
pub struct TerminalPrompter {
    term: Term,
    color: bool,
}

impl TerminalPrompter {
    pub fn new(color: bool) -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            color,
        }
    }

    fn theme(&self) -> Box<dyn Theme> {
        if self.color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        }
    }

    fn style(&self, s: Style) -> Style {
        if self.color {
            s.force_styling(true)
        } else {
            s.force_styling(false)
        }
    }

    /// The one-line record of a choice, with option labels only (the widget's own report
    /// would repeat every option's help text).
    fn report(&self, prompt: &str, labels: &[&str]) -> std::io::Result<()> {
        let tick = self.style(Style::new().green()).apply_to("✔");
        let answer = self.style(Style::new().green()).apply_to(labels.join(", "));
        self.term.write_line(&format!("{tick} {prompt} · {answer}"))
    }

    fn header(&self, ask: &Ask) -> std::io::Result<()> {
        let q = ask.question;
        let progress = match ask.lang {
            Lang::En => format!("Question {} of ~{}", ask.number, ask.estimate),
            Lang::Zh => format!("第 {} 题，共约 {} 题", ask.number, ask.estimate),
        };
        self.term.write_line("")?;
        self.term.write_line(
            &self
                .style(Style::new().dim())
                .apply_to(progress)
                .to_string(),
        )?;
        if let Some(help) = &q.help {
            self.term.write_line(
                &self
                    .style(Style::new().cyan())
                    .apply_to(help.get(ask.lang))
                    .to_string(),
            )?;
        }
        Ok(())
    }
}

fn map_err(e: dialoguer::Error) -> PromptError {
    match e {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            PromptError::Interrupted
        }
        dialoguer::Error::IO(io) => PromptError::Io(io),
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, ask: &Ask) -> Result<Answer, PromptError> {
        self.header(ask)?;
        let q = ask.question;
        let lang = ask.lang;
        let theme = self.theme();
        let prompt = q.prompt.get(lang).to_owned();
        let label = |o: &crate::pack::model::Choice| match &o.help {
            Some(h) => format!("{} — {}", o.label.get(lang), h.get(lang)),
            None => o.label.get(lang).to_owned(),
        };
        match q.kind {
            QuestionType::YesNo => {
                let mut c = Confirm::with_theme(&*theme)
                    .with_prompt(prompt.as_str())
                    .report(false);
                if let Some(Answer::Bool(b)) = ask.default {
                    c = c.default(b);
                }
                let yes = c.interact_on(&self.term).map_err(map_err)?;
                self.report(
                    &prompt,
                    &[if yes {
                        lang.pick("yes", "是")
                    } else {
                        lang.pick("no", "否")
                    }],
                )?;
                Ok(Answer::Bool(yes))
            }
            QuestionType::Single => {
                let items: Vec<String> = q.options.iter().map(label).collect();
                let default = match &ask.default {
                    Some(Answer::Text(id)) => {
                        q.options.iter().position(|o| &o.id == id).unwrap_or(0)
                    }
                    _ => 0,
                };
                let i = Select::with_theme(&*theme)
                    .with_prompt(prompt.as_str())
                    .items(&items)
                    .default(default)
                    .report(false)
                    .interact_on(&self.term)
                    .map_err(map_err)?;
                self.report(&prompt, &[q.options[i].label.get(lang)])?;
                Ok(Answer::Text(q.options[i].id.clone()))
            }
            QuestionType::Multi => {
                let items: Vec<String> = q.options.iter().map(label).collect();
                let checked: Vec<bool> = q
                    .options
                    .iter()
                    .map(|o| matches!(&ask.default, Some(Answer::Choices(c)) if c.contains(&o.id)))
                    .collect();
                let hint = lang.pick(
                    "(space to select, enter to confirm)",
                    "（空格选择，回车确认）",
                );
                let chosen = MultiSelect::with_theme(&*theme)
                    .with_prompt(format!("{prompt} {hint}"))
                    .items(&items)
                    .defaults(&checked)
                    .report(false)
                    .interact_on(&self.term)
                    .map_err(map_err)?;
                let labels: Vec<&str> = chosen
                    .iter()
                    .map(|&i| q.options[i].label.get(lang))
                    .collect();
                self.report(&prompt, &labels)?;
                Ok(Answer::Choices(
                    chosen
                        .into_iter()
                        .map(|i| q.options[i].id.clone())
                        .collect(),
                ))
            }
            QuestionType::Text | QuestionType::Date | QuestionType::Number => {
                let kind = q.kind;
                let today = ask.today;
                let required = q.required;
                let hint = match kind {
                    QuestionType::Date => lang.pick(
                        " (YYYY-MM-DD, today, yesterday, 3 days ago)",
                        "（YYYY-MM-DD、今天、昨天、3天前）",
                    ),
                    QuestionType::Number => lang.pick(" (a number)", "（数字）"),
                    _ => "",
                };
                let mut input = Input::<String>::with_theme(&*theme)
                    .with_prompt(format!("{prompt}{hint}"))
                    .allow_empty(!required || ask.default.is_some());
                if let Some(d) = &ask.default {
                    let shown = match d {
                        Answer::Date(d) => d.to_string(),
                        Answer::Number(n) => n.to_string(),
                        Answer::Text(t) => t.clone(),
                        _ => String::new(),
                    };
                    input = input.default(shown);
                }
                let question = q.clone();
                let text = input
                    .validate_with(move |s: &String| -> Result<(), String> {
                        if s.trim().is_empty() {
                            return if required {
                                Err(lang.pick("an answer is required", "此题必答").to_owned())
                            } else {
                                Ok(())
                            };
                        }
                        answers::coerce(&question, &serde_json::Value::String(s.clone()), today)
                            .map(|_| ())
                            .map_err(|e| e.message(lang))
                    })
                    .interact_text_on(&self.term)
                    .map_err(map_err)?;
                answers::coerce(q, &serde_json::Value::String(text), today)
                    .map_err(|e| PromptError::Script(e.message(lang)))
            }
        }
    }

    fn confirm_resume(&mut self, lang: Lang, detail: &str) -> Result<bool, PromptError> {
        let theme = self.theme();
        Confirm::with_theme(&*theme)
            .with_prompt(format!(
                "{} ({detail})",
                lang.pick("Resume the unfinished session?", "继续上次未完成的问答？")
            ))
            .default(true)
            .interact_on(&self.term)
            .map_err(map_err)
    }
}

static INTERRUPT_ANNOUNCED: Once = Once::new();

/// Says once, on stderr, that the run was interrupted. The signal handler and the prompt
/// that saw Ctrl-C may both get here at once; `Once` makes the second wait until the first
/// has written the message, so the handler cannot exit the process in between (a flag
/// alone lost the message when the prompt's thread set it and the handler exited first).
pub fn announce_interrupt(message: &str) {
    INTERRUPT_ANNOUNCED.call_once(|| {
        let _ = console::Term::stderr().show_cursor();
        let _ = writeln!(std::io::stderr(), "\n{message}");
    });
}

/// Makes Ctrl-C end an interactive run cleanly: cursor restored, `message` shown, exit 130.
///
/// console puts the terminal in raw mode only while it waits for a key; a Ctrl-C pressed in
/// between (while a prompt is being redrawn) reaches the process as SIGINT and never as a
/// key, so the prompt would not see it. Exiting from the handler is safe because answers
/// are saved as soon as each is given.
pub fn exit_on_interrupt(message: String) {
    let _ = ctrlc::set_handler(move || {
        announce_interrupt(&message);
        std::process::exit(i32::from(crate::exit::ExitStatus::Interrupted.code()));
    });
}
