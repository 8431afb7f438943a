//! `privaudit evidence add | list | verify | export`.

use anyhow::Result;

use super::Context;
use crate::cli::EvidenceCommand;
use crate::exit::ExitStatus;

pub fn run(_cx: &mut Context, _cmd: EvidenceCommand) -> Result<ExitStatus> {
    anyhow::bail!("wip")
}
