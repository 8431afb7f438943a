//! `privaudit plan list | status | done | undo`: progress on the latest response plan.

use anyhow::{Result, bail};

use super::Context;
use crate::cli::PlanCommand;
use crate::engine::{self, DueGroup, Status};
use crate::exit::ExitStatus;
use crate::i18n::Lang;
use crate::session::Store;

pub fn run(cx: &mut Context, cmd: PlanCommand) -> Result<ExitStatus> {
    let lang = cx.lang;
    let store = Store::new(cx.state_dir()?);
    let mut session = store.load("latest", Some("respond"), lang)?;
    let (set, plan) = super::report::rebuild(cx, &session)?;
    let Some(pack) = set.get(&session.pack) else {
        bail!(
            "{} `{}`",
            lang.pick("pack not loaded:", "规则包未加载："),
            session.pack
        );
    };
    let title = |i: usize| pack.items[i].title.get(lang).to_owned();
    match cmd {
        PlanCommand::List => {
            for e in &plan.entries {
                let item = &pack.items[e.item];
                let mark = if e.status == Status::Done {
                    "[x]"
                } else {
                    "[ ]"
                };
                let due = crate::report::due_display(pack, e).unwrap_or_default();
                let flag = if e.status != Status::Done && e.group == DueGroup::Overdue {
                    lang.pick(" (overdue)", "（已逾期）")
                } else {
                    ""
                };
                writeln!(
                    cx.out,
                    "{mark} {:<28} {:<16} {}{flag}",
                    item.id,
                    due,
                    title(e.item)
                )?;
            }
        }
        PlanCommand::Status => {
            let p = engine::progress(&plan);
            let next = plan
                .entries
                .iter()
                .find(|e| e.status != Status::Done && e.group != DueGroup::Overdue);
            let next = next.map(|e| {
                let due = crate::report::due_display(pack, e).unwrap_or_default();
                (title(e.item), due)
            });
            let total = plan.entries.len();
            match lang {
                Lang::En => {
                    write!(
                        cx.out,
                        "{} of {total} steps done · {} open · {} overdue",
                        p.done, p.open, p.overdue
                    )?;
                    if let Some((t, d)) = next {
                        write!(cx.out, " · next: {t} (due {d})")?;
                    }
                }
                Lang::Zh => {
                    write!(
                        cx.out,
                        "共 {total} 个步骤，已完成 {} 个 · 待办 {} 个 · 已逾期 {} 个",
                        p.done, p.open, p.overdue
                    )?;
                    if let Some((t, d)) = next {
                        write!(cx.out, " · 下一步：{t}（截止 {d}）")?;
                    }
                }
            }
            writeln!(cx.out)?;
            for e in plan
                .entries
                .iter()
                .filter(|e| e.status != Status::Done && e.group == DueGroup::Overdue)
            {
                writeln!(
                    cx.out,
                    "  {} {}",
                    lang.pick("overdue:", "已逾期："),
                    title(e.item)
                )?;
            }
        }
        PlanCommand::Done { steps } => {
            check_ids(cx, &plan, pack, &steps)?;
            crate::session::tick(&mut session, &steps, Some(cx.as_of.date_naive()));
            store.save(&session)?;
            for id in &steps {
                writeln!(cx.out, "{} {id}", lang.pick("done:", "已完成："))?;
            }
        }
        PlanCommand::Undo { steps } => {
            check_ids(cx, &plan, pack, &steps)?;
            crate::session::tick(&mut session, &steps, None);
            store.save(&session)?;
            for id in &steps {
                writeln!(cx.out, "{} {id}", lang.pick("reopened:", "已恢复为待办："))?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// Every id must be a step of this plan: a typo must not silently tick nothing.
fn check_ids(
    cx: &Context,
    plan: &engine::Plan,
    pack: &crate::pack::model::Pack,
    ids: &[String],
) -> Result<()> {
    let known: Vec<&str> = plan
        .entries
        .iter()
        .map(|e| pack.items[e.item].id.as_str())
        .collect();
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|id| !known.contains(&id.as_str()))
        .collect();
    if let Some(first) = unknown.first() {
        bail!(
            "{} `{first}` ({}: {})",
            cx.lang.pick(
                "no such step in the current plan:",
                "当前计划中没有这个步骤："
            ),
            cx.lang.pick("steps", "可用步骤"),
            known.join(", ")
        );
    }
    Ok(())
}
