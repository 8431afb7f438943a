//! `privaudit report [SESSION|latest]`: re-render a saved session, with ticked steps.

use anyhow::{Result, bail};

use super::Context;
use crate::cli::ReportArgs;
use crate::engine::{self, ProbeResults};
use crate::exit::ExitStatus;
use crate::session::{Session, Store};

/// Rebuilds the plan of a saved session with the packs loaded now (the session records the
/// pack version it was made with; a newer pack may add steps).
pub fn rebuild(
    cx: &Context,
    session: &Session,
) -> Result<(crate::pack::PackSet, crate::engine::Plan)> {
    let set = cx.packs_for(&[session.pack.as_str()])?;
    let Some(pack) = set.get(&session.pack) else {
        bail!(
            "{} `{}`",
            cx.lang.pick(
                "the session was made with a pack that is not loaded:",
                "该会话所用的规则包未加载："
            ),
            session.pack
        );
    };
    let mut answers = session.answers.clone();
    let today = cx.as_of.date_naive();
    engine::complete_with_defaults(pack, &mut answers, today);
    let plan = engine::evaluate(
        pack,
        &answers,
        cx.as_of,
        &ProbeResults::default(),
        &session.done,
    );
    Ok((set, plan))
}

pub fn run(cx: &mut Context, args: ReportArgs) -> Result<ExitStatus> {
    let store = Store::new(cx.state_dir()?);
    let session = store.load(&args.session, None, cx.lang)?;
    let (set, plan) = rebuild(cx, &session)?;
    let Some(pack) = set.get(&session.pack) else {
        bail!(
            "{} `{}`",
            cx.lang.pick("pack not loaded:", "规则包未加载："),
            session.pack
        );
    };
    if args.format == crate::cli::ReportFormat::Ics
        && pack.kind != crate::pack::model::PackKind::Response
    {
        bail!(cx.lang.pick(
            "--format ics is for response plans",
            "--format ics 仅用于应对计划"
        ));
    }
    let doc = crate::report::build(&session.command, pack, &plan, cx.lang, &session.done);
    super::emit_report(cx, &doc, args.format, args.out.as_deref())?;
    Ok(ExitStatus::Success)
}
