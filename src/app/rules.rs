//! `privaudit rules list | show | lint | schema`.

use anyhow::{Result, bail};

use super::Context;
use crate::cli::RulesCommand;
use crate::exit::ExitStatus;
use crate::pack::model::Pack;

pub fn run(cx: &mut Context, cmd: RulesCommand) -> Result<ExitStatus> {
    match cmd {
        RulesCommand::List => list(cx),
        RulesCommand::Show { id } => show(cx, &id),
        RulesCommand::Lint { paths } => lint(cx, &paths),
        RulesCommand::Schema => {
            let schema = crate::pack::json_schema();
            writeln!(cx.out, "{}", serde_json::to_string_pretty(&schema)?)?;
            Ok(ExitStatus::Success)
        }
    }
}

fn list(cx: &mut Context) -> Result<ExitStatus> {
    let set = cx.packs()?;
    let lang = cx.lang;
    for p in &set.packs {
        writeln!(
            cx.out,
            "{:<12} {:<9} {:<8} {:>3} {}  {}  ({})",
            p.id,
            p.kind.as_str(),
            p.version,
            p.items.len(),
            lang.pick("items", "项"),
            p.title.get(lang),
            p.source
        )?;
    }
    Ok(ExitStatus::Success)
}

fn show(cx: &mut Context, id: &str) -> Result<ExitStatus> {
    let set = cx.packs()?;
    let lang = cx.lang;
    let (pack_id, inner) = match id.split_once('/') {
        Some((p, i)) => (p, Some(i)),
        None => (id, None),
    };
    let Some(pack) = set.get(pack_id) else {
        let known: Vec<&str> = set.packs.iter().map(|p| p.id.as_str()).collect();
        bail!(
            "{} `{pack_id}` ({}: {})",
            lang.pick("unknown pack", "未知的规则包"),
            lang.pick("loaded", "已加载"),
            known.join(", ")
        );
    };
    match inner {
        None => show_pack(cx, pack),
        Some(inner) => show_one(cx, pack, inner),
    }
}

fn show_pack(cx: &mut Context, pack: &Pack) -> Result<ExitStatus> {
    let lang = cx.lang;
    let out = &mut *cx.out;
    writeln!(
        out,
        "{} ({} {}, {})",
        pack.title.get(lang),
        pack.id,
        pack.version,
        pack.kind.as_str()
    )?;
    if let Some(d) = &pack.description {
        writeln!(out, "{}", d.get(lang))?;
    }
    // One id column wide enough for the longest id, so the texts line up.
    let w = pack
        .all_questions()
        .map(|q| q.id.len())
        .chain(pack.items.iter().map(|i| i.id.len()))
        .chain(pack.references.iter().map(|r| r.id.len()))
        .chain(pack.contacts.iter().map(|c| c.id.len()))
        .chain(pack.letters.iter().map(|l| l.id.len()))
        .max()
        .unwrap_or(0);
    writeln!(out, "\n{}:", lang.pick("Questions", "问题"))?;
    for q in &pack.questions {
        writeln!(
            out,
            "  {:<w$} {:<7} {}",
            q.id,
            q.kind.as_str(),
            q.prompt.get(lang)
        )?;
    }
    writeln!(out, "\n{}:", lang.pick("Items", "条目"))?;
    for i in &pack.items {
        let due = i.due.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            out,
            "  {:<w$} {:<8} {:>5}  {}",
            i.id,
            i.priority.as_str(),
            due,
            i.title.get(lang)
        )?;
    }
    if !pack.references.is_empty() {
        writeln!(out, "\n{}:", lang.pick("References", "法律依据"))?;
        for r in &pack.references {
            writeln!(
                out,
                "  {:<w$} {:<3} {}",
                r.id,
                r.jurisdiction.as_str(),
                r.citation.get(lang)
            )?;
        }
    }
    if !pack.contacts.is_empty() {
        writeln!(out, "\n{}:", lang.pick("Contacts", "联系渠道"))?;
        for c in &pack.contacts {
            writeln!(
                out,
                "  {:<w$} {:<3} {} — {}",
                c.id,
                c.jurisdiction.as_str(),
                c.name.get(lang),
                c.value
            )?;
        }
    }
    if !pack.letters.is_empty() {
        writeln!(out, "\n{}:", lang.pick("Letters", "文书模板"))?;
        for l in &pack.letters {
            writeln!(out, "  {:<w$} {}", l.id, l.title.get(lang))?;
        }
    }
    Ok(ExitStatus::Success)
}

fn show_one(cx: &mut Context, pack: &Pack, id: &str) -> Result<ExitStatus> {
    let lang = cx.lang;
    let out = &mut *cx.out;
    if let Some(item) = pack.item(id) {
        writeln!(
            out,
            "{} [{}] {}",
            item.id,
            item.priority.as_str(),
            item.title.get(lang)
        )?;
        if let Some(due) = item.due {
            writeln!(out, "{}: +{due}", lang.pick("Due", "期限"))?;
        }
        writeln!(out, "\n{}\n", item.why.get(lang))?;
        for (n, step) in item.how.iter().enumerate() {
            writeln!(out, "{}. {}", n + 1, step.get(lang))?;
        }
        for &r in &item.refs {
            let r = &pack.references[r];
            writeln!(
                out,
                "- [{}] {} — {}",
                r.jurisdiction.as_str(),
                r.citation.get(lang),
                r.summary.get(lang)
            )?;
        }
        for &c in &item.contacts {
            let c = &pack.contacts[c];
            writeln!(
                out,
                "- [{}] {}: {}",
                c.jurisdiction.as_str(),
                c.name.get(lang),
                c.value
            )?;
        }
        return Ok(ExitStatus::Success);
    }
    if let Some(q) = pack.all_questions().find(|q| q.id == id) {
        writeln!(
            out,
            "{} ({})\n{}",
            q.id,
            q.kind.as_str(),
            q.prompt.get(lang)
        )?;
        if let Some(h) = &q.help {
            writeln!(out, "{}", h.get(lang))?;
        }
        for o in &q.options {
            writeln!(out, "  - {:<18} {}", o.id, o.label.get(lang))?;
        }
        return Ok(ExitStatus::Success);
    }
    if let Some(r) = pack.references.iter().find(|r| r.id == id) {
        writeln!(
            out,
            "{} [{}] {}\n{}",
            r.id,
            r.jurisdiction.as_str(),
            r.citation.get(lang),
            r.summary.get(lang)
        )?;
        if let Some(url) = &r.url {
            writeln!(out, "{url}")?;
        }
        return Ok(ExitStatus::Success);
    }
    if let Some(c) = pack.contacts.iter().find(|c| c.id == id) {
        writeln!(
            out,
            "{} [{}] {}: {}\n{}",
            c.id,
            c.jurisdiction.as_str(),
            c.name.get(lang),
            c.value,
            c.summary.get(lang)
        )?;
        return Ok(ExitStatus::Success);
    }
    bail!(
        "{} `{id}` {} `{}`",
        lang.pick(
            "no item, question, reference or contact",
            "找不到条目、问题、法律依据或联系渠道"
        ),
        lang.pick("in pack", "，规则包"),
        pack.id
    )
}

fn lint(cx: &mut Context, paths: &[std::path::PathBuf]) -> Result<ExitStatus> {
    let lang = cx.lang;
    let files = crate::pack::expand_rule_paths(paths).map_err(|d| anyhow::anyhow!(d))?;
    let mut failed = 0;
    for path in &files {
        match crate::pack::load_file(path) {
            Ok((pack, warnings)) => {
                for w in &warnings {
                    writeln!(cx.err, "{w}\n")?;
                }
                writeln!(
                    cx.out,
                    "{}: {} ({} {}, {} {}, {} {})",
                    path.display(),
                    lang.pick("ok", "通过"),
                    pack.id,
                    pack.version,
                    pack.questions.len(),
                    lang.pick("questions", "个问题"),
                    pack.items.len(),
                    lang.pick("items", "个条目"),
                )?;
            }
            Err(diags) => {
                failed += 1;
                writeln!(cx.err, "{diags}\n")?;
            }
        }
    }
    if failed > 0 {
        writeln!(
            cx.err,
            "{}",
            match lang {
                crate::i18n::Lang::En =>
                    format!("{failed} of {} pack file(s) have errors", files.len()),
                crate::i18n::Lang::Zh =>
                    format!("{} 个规则包文件中有 {failed} 个存在错误", files.len()),
            }
        )?;
        return Ok(ExitStatus::Error);
    }
    Ok(ExitStatus::Success)
}
