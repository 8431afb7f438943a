//! The process exit status, named once so every command maps outcomes the same way.

/// What a run of privaudit ended with; `main` turns it into the process exit code.
///
/// | status | code | meaning |
/// |---|---|---|
/// | `Success` | 0 | done; for `check`/`scan`: nothing at or above the failure threshold |
/// | `Failure` | 1 | `check`: a control failed at or above `--fail-on`; `scan`: personal data found; `evidence verify`: the journal was tampered with |
/// | `Error` | 2 | bad input or usage |
/// | `Interrupted` | 130 | Ctrl-C during an interactive run (answers so far are kept), as shells expect after SIGINT |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success,
    Failure,
    Error,
    Interrupted,
}

impl ExitStatus {
    /// The numeric process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
            ExitStatus::Interrupted => 130,
        }
    }
}
