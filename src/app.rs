//! The application: resolves global options into a [`Context`] and runs one command. Output
//! goes to the writers it is given, so tests and `main` share one code path.

pub mod check;
pub mod evidence;
pub mod interview;
pub mod letter;
pub mod plan;
pub mod report;
pub mod rules;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};

use crate::cli::{Cli, ColorChoice, Command};
use crate::exit::ExitStatus;
use crate::i18n::Lang;
use crate::pack::PackSet;

/// What the terminal looks like, decided once by `main`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// `NO_COLOR` is set (and non-empty).
    pub no_color: bool,
}

/// Everything a command needs besides its own arguments.
pub struct Context<'w> {
    pub lang: Lang,
    pub as_of: DateTime<FixedOffset>,
    pub rules: Vec<PathBuf>,
    pub builtin: bool,
    pub state_dir: Option<PathBuf>,
    pub terminal: Terminal,
    pub color_choice: ColorChoice,
    pub out: &'w mut dyn Write,
    pub err: &'w mut dyn Write,
}

impl Context<'_> {
    /// Colours on stdout: only on a terminal unless forced, never with `NO_COLOR`.
    pub fn color_stdout(&self) -> bool {
        match self.color_choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => self.terminal.stdout_tty && !self.terminal.no_color,
        }
    }

    pub fn color_stderr(&self) -> bool {
        match self.color_choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => self.terminal.stderr_tty && !self.terminal.no_color,
        }
    }

    /// Whether to prompt: not with `--non-interactive`, and never without a terminal on both
    /// stdin and stderr (dialoguer would otherwise wait on `/dev/tty`).
    pub fn interactive(&self, non_interactive: bool) -> bool {
        !non_interactive && self.terminal.stdin_tty && self.terminal.stderr_tty
    }

    /// Loads the packs for this run (built-in unless `--no-builtin`, plus `--rules`).
    pub fn packs(&self) -> Result<PackSet> {
        PackSet::load(&self.rules, self.builtin).map_err(|d| anyhow::anyhow!(d))
    }

    /// Loads only the named built-in packs (plus everything from `--rules`).
    pub fn packs_for(&self, ids: &[&str]) -> Result<PackSet> {
        PackSet::load_only(&self.rules, self.builtin, Some(ids)).map_err(|d| anyhow::anyhow!(d))
    }

    /// The state directory: `--state-dir`, else `$XDG_DATA_HOME/privaudit` (or the platform
    /// equivalent).
    pub fn state_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.state_dir {
            return Ok(dir.clone());
        }
        use etcetera::BaseStrategy;
        let base = etcetera::choose_base_strategy().context(self.lang.pick(
            "cannot find a home directory for the state dir; pass --state-dir",
            "找不到用于保存状态的主目录；请使用 --state-dir",
        ))?;
        Ok(base.data_dir().join("privaudit"))
    }
}

/// Runs the parsed command line.
pub fn run(
    cli: Cli,
    terminal: Terminal,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus> {
    let g = cli.global;
    let mut cx = Context {
        lang: g.lang.unwrap_or_else(Lang::from_env),
        as_of: g
            .as_of
            .unwrap_or_else(|| chrono::Local::now().fixed_offset()),
        rules: g.rules,
        builtin: !g.no_builtin,
        state_dir: g.state_dir,
        terminal,
        color_choice: g.color,
        out,
        err,
    };
    crate::i18n::set_display_lang(cx.lang);
    match cli.command {
        Command::Rules(cmd) => rules::run(&mut cx, cmd),
        Command::Completions { shell } => {
            // Descriptions (shown by fish and zsh) in the user's language.
            let mut command = crate::cli::localize::command(cx.lang);
            // clap_complete panics when its writer fails (`| head` closes the pipe), so the
            // script is generated into memory and written here, where a closed pipe is
            // the quiet exit every other command gets.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "privaudit", &mut script);
            cx.out.write_all(&script)?;
            Ok(ExitStatus::Success)
        }
        Command::Audit(args) => interview::run(&mut cx, crate::pack::model::PackKind::Audit, args),
        Command::Respond(args) => {
            interview::run(&mut cx, crate::pack::model::PackKind::Response, args)
        }
        Command::Report(args) => report::run(&mut cx, args),
        Command::Evidence(cmd) => evidence::run(&mut cx, cmd),
        Command::Plan(cmd) => plan::run(&mut cx, cmd),
        Command::Letter(args) => letter::run(&mut cx, args),
        Command::Check(args) => check::run(&mut cx, args),
        Command::Scan(args) => {
            let color = cx.color_stdout();
            let progress = cx.terminal.stderr_tty;
            let today = cx.as_of.date_naive();
            crate::scan::run(&args, today, cx.lang, color, progress, cx.out, cx.err)
        }
    }
}

/// Reads an answers file for the given packs; every problem is reported with its position.
pub fn read_answers(
    path: &std::path::Path,
    packs: &[&crate::pack::model::Pack],
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<crate::answers::Answers> {
    let file = path.display().to_string();
    let source = std::fs::read(path).with_context(|| {
        format!(
            "{} {file}",
            lang.pick("cannot read the answers file", "无法读取回答文件")
        )
    })?;
    let source = String::from_utf8(source).map_err(|e| {
        anyhow::anyhow!(crate::diag::Diagnostics(vec![crate::diag::not_utf8(
            &file,
            e.as_bytes(),
            &e.utf8_error(),
            crate::i18n::Text::new("the answers file", "回答文件"),
        )]))
    })?;
    crate::answers::parse_answers_file(&file, &source, packs, today, lang)
        .map_err(|d| anyhow::anyhow!(d))
}

/// `answers.yaml: ` (or `answers.yaml：`) before a message about what an answers file lacks,
/// when one was given: there is no line to point at for a key that is not there, but the
/// file is where the answer belongs.
pub fn answers_file_prefix(answers: Option<&std::path::Path>, lang: Lang) -> String {
    answers
        .map(|p| format!("{}{}", p.display(), lang.pick(": ", "：")))
        .unwrap_or_default()
}

/// Writes a rendered report to `--out` (atomically, 0600) or stdout.
pub fn emit_report(
    cx: &mut Context,
    doc: &crate::report::ReportDoc,
    format: crate::cli::ReportFormat,
    out: Option<&std::path::Path>,
) -> Result<()> {
    use crate::cli::ReportFormat as F;
    let text = match format {
        F::Md => crate::report::markdown(doc, cx.lang)?,
        F::Json => crate::report::json(doc)?,
        F::Html => crate::report::html(doc, cx.lang)?,
        F::Ics => crate::report::ics(doc, cx.lang),
    };
    emit(cx, text.as_bytes(), out)
}

/// Writes bytes to a private file or to stdout.
pub fn emit(cx: &mut Context, bytes: &[u8], out: Option<&std::path::Path>) -> Result<()> {
    match out {
        Some(path) => crate::fsutil::write_private(path, bytes).with_context(|| {
            format!(
                "{} {}",
                cx.lang.pick("cannot write", "无法写入"),
                path.display()
            )
        }),
        None => cx.out.write_all(bytes).map_err(Into::into),
    }
}
