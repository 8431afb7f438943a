//! The command line, as DESIGN.md fixes it: global options and one subcommand per job.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::i18n::Lang;

pub mod localize;

#[derive(Debug, Parser)]
#[command(
    name = "privaudit",
    version,
    about = "Turn privacy advice into action: self-audit, dated post-leak response plans, CI checks.\n把隐私建议变成行动：自查、泄露后的时间表式应对计划、CI 检查。",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Output language (default: from LC_ALL / LC_MESSAGES / LANG; zh* → zh, else en)
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Add a rule pack file or a directory of *.yaml packs (repeatable)
    #[arg(long = "rules", global = true, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in packs
    #[arg(long, global = true)]
    pub no_builtin: bool,
    /// Where sessions, plans and the evidence journal live (default: the XDG data dir)
    #[arg(long, global = true, value_name = "DIR", env = "PRIVAUDIT_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
    /// When to use colours
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The "now" used for dates and due dates (RFC 3339, e.g. 2026-03-10T09:00:00+08:00)
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_as_of)]
    pub as_of: Option<chrono::DateTime<chrono::FixedOffset>>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_as_of(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(s).map_err(|e| match crate::i18n::display_lang() {
        // chrono's reason is English only.
        Lang::En => format!("expected an RFC 3339 date-time like 2026-03-10T09:00:00+08:00 ({e})"),
        Lang::Zh => "应为 RFC 3339 格式的日期时间，如 2026-03-10T09:00:00+08:00".to_owned(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Self-audit of your privacy habits: a score and a prioritised list of fixes
    Audit(InterviewArgs),
    /// After a leak: a dated, step-by-step response plan
    Respond(InterviewArgs),
    /// Evaluate policy packs over a repository (CI): exit 1 when a control fails
    Check(CheckArgs),
    /// Progress on the saved response plan: list, status, done, undo
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The evidence journal: harassing calls, messages, sites showing your data
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Fill in a letter template (deletion request, police report, warning to friends…)
    Letter(LetterArgs),
    /// Find personal data (ID, mobile, bank card numbers, e-mail) in files, masked
    Scan(crate::scan::ScanArgs),
    /// Re-render a saved session (default: the latest)
    Report(ReportArgs),
    /// Inspect and check rule packs
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct InterviewArgs {
    /// Answers file (YAML or JSON): question_id: value
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Write the report to FILE (atomically, mode 0600) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Never prompt: a missing answer without a default is an error
    #[arg(long)]
    pub non_interactive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
    Html,
    Ics,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Answers file with attestations (control_id: yes|no|n/a or a mapping)
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Policy pack(s) to evaluate (default: policy)
    #[arg(long = "pack", value_name = "ID")]
    pub packs: Vec<String>,
    /// Root of the tree automated probes look at
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Lowest priority whose failure fails the run
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = parse_priority)]
    pub fail_on: crate::pack::model::Priority,
    /// Treat controls that are not reviewed as failed
    #[arg(long)]
    pub strict: bool,
}

fn parse_priority(s: &str) -> Result<crate::pack::model::Priority, String> {
    s.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Junit,
    Sarif,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Session id (from the state dir) or `latest`
    #[arg(default_value = "latest")]
    pub session: String,
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the loaded packs
    List,
    /// Show a pack, or one of its items, questions, references or contacts
    Show {
        /// A pack id, or PACK/ID (e.g. response/freeze-cards)
        id: String,
    },
    /// Check pack files; exit 2 listing every problem
    Lint {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the JSON Schema (draft-07) of the pack format
    Schema,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// List the steps of the latest response plan with their ids and status
    List,
    /// Progress: done, open, overdue as of now, and what is due next
    Status,
    /// Tick steps off
    Done {
        #[arg(required = true, value_name = "STEP_ID")]
        steps: Vec<String>,
    },
    /// Untick steps
    Undo {
        #[arg(required = true, value_name = "STEP_ID")]
        steps: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Call,
    Sms,
    Email,
    Web,
    Letter,
    Other,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Append an entry to the journal
    Add {
        #[arg(long, value_enum)]
        kind: EvidenceKind,
        /// Who or where it came from: a phone number, an address, a URL
        #[arg(long)]
        from: String,
        /// What happened
        #[arg(long)]
        note: String,
        /// When it happened (default: now)
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Files to keep with the entry (copied into the state dir with their SHA-256)
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// Show the journal
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Check the hash chain and attachments; exit 1 naming the first bad entry
    Verify,
    /// A dated table fit to hand to the police or a lawyer
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// Template id (see `privaudit rules show response`)
    pub template: String,
    /// Answers file with the facts the letter needs
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Never prompt: a missing fact is an error naming it
    #[arg(long)]
    pub non_interactive: bool,
}
