//! The `privaudit` binary: parse arguments, run, print the error chain, exit with the
//! documented code (0 success, 1 failure found, 2 bad input or usage).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::FromArgMatches;
use privaudit::app::{self, Terminal};
use privaudit::cli::{Cli, localize};
use privaudit::exit::ExitStatus;

fn main() -> ExitCode {
    // The language is known before parsing, so help and usage errors speak it too.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = localize::lang_from_args(&args);
    privaudit::i18n::set_display_lang(lang);
    let parsed = localize::command(lang)
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        // --help and --version are successes, printed by clap from the translated tree.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // Every other parse error is a usage error: clap's own text (coloured on a
        // terminal) in English, a translation of it in Chinese.
        Err(e) => {
            if lang == privaudit::i18n::Lang::En {
                let _ = e.print();
            } else {
                let _ = write!(std::io::stderr(), "{}", localize::render_error(&e, lang));
            }
            return ExitCode::from(ExitStatus::Error.code());
        }
    };
    let terminal = Terminal {
        stdin_tty: std::io::stdin().is_terminal(),
        stdout_tty: std::io::stdout().is_terminal(),
        stderr_tty: std::io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let result = app::run(cli, terminal, &mut out, &mut err);
    let flushed = out.flush();
    let status = match result.and_then(|s| flushed.map(|_| s).map_err(Into::into)) {
        Ok(status) => status,
        Err(e) if is_broken_pipe(&e) => ExitStatus::Success,
        Err(e) => {
            let lang = privaudit::i18n::display_lang();
            let mut msg = String::new();
            for (i, cause) in e.chain().enumerate() {
                if i > 0 {
                    msg.push_str(lang.pick("\n  caused by: ", "\n  原因："));
                }
                // The operating system's own texts are English; say them in the user's language.
                match cause.downcast_ref::<std::io::Error>() {
                    Some(io) => msg.push_str(&privaudit::i18n::io_error_text(io, lang)),
                    None => msg.push_str(&cause.to_string()),
                }
            }
            // Diagnostics already start with their level; plain errors get one.
            let diagnostic = ["error", "warning", "错误", "警告"]
                .iter()
                .any(|level| msg.starts_with(level));
            if diagnostic {
                let _ = writeln!(err, "{msg}");
            } else {
                let _ = writeln!(err, "{}{msg}", lang.pick("error: ", "错误："));
            }
            ExitStatus::Error
        }
    };
    ExitCode::from(status.code())
}

/// A reader that went away (`privaudit … | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
