//! `privaudit check`: evaluate policy packs over a repository for CI. Automated probes run
//! first (the scanner, file presence), then the engine evaluates attested controls from the
//! answers file. Output as text, JSON, JUnit XML or SARIF; exit 1 when a control at or above
//! `--fail-on` fails.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use super::Context;
use crate::answers::Answers;
use crate::cli::{CheckArgs, CheckFormat};
use crate::engine::{self, DoneSteps, ProbeOutcome, ProbeResults, Status};
use crate::exit::ExitStatus;
use crate::i18n::Lang;
use crate::pack::model::{Pack, PackKind, Probe};

/// One control's outcome, flattened for the writers.
#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub pack: String,
    pub id: String,
    pub title: String,
    pub status: &'static str,
    pub priority: &'static str,
    /// Whether this result fails the run (status and `--fail-on`/`--strict`).
    pub failing: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub why: String,
    pub how: Vec<String>,
    pub refs: Vec<String>,
    /// Personal data found by a scan probe (masked), for SARIF locations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<crate::scan::Finding>,
    /// Where a code-scanning dashboard should point for this control: the attestation's
    /// line in the answers file, or the file a presence probe looked for.
    #[serde(skip)]
    pub anchor: Option<(String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub tool: &'static str,
    pub tool_version: &'static str,
    pub generated_at: String,
    pub root: String,
    pub fail_on: &'static str,
    pub strict: bool,
    /// `pass` or `fail`.
    pub result: &'static str,
    pub packs: Vec<crate::report::PackDoc>,
    pub summary: CheckSummary,
    pub controls: Vec<ControlResult>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckSummary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub not_reviewed: usize,
    pub not_applicable: usize,
    pub failing: usize,
}

pub fn run(cx: &mut Context, args: CheckArgs) -> Result<ExitStatus> {
    let lang = cx.lang;
    if !args.root.is_dir() {
        bail!(
            "{}: {}",
            lang.pick("--root is not a directory", "--root 不是目录"),
            args.root.display()
        );
    }
    let ids: Vec<String> = if args.packs.is_empty() {
        vec!["policy".to_owned()]
    } else {
        args.packs.clone()
    };
    let set = cx.packs_for(&ids.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut packs: Vec<&Pack> = Vec::new();
    for id in &ids {
        match set.get(id) {
            Some(p) if p.kind == PackKind::Policy => packs.push(p),
            Some(p) => bail!(
                "{} `{id}` {} `{}`",
                lang.pick("pack", "规则包"),
                lang.pick("is not a policy pack; it is", "不是 policy 类型，而是"),
                p.kind.as_str()
            ),
            None => bail!("{} `{id}`", lang.pick("unknown pack", "未知的规则包")),
        }
    }
    let today = cx.as_of.date_naive();
    let base_answers = match &args.answers {
        Some(path) => super::read_answers(path, &packs, today, lang)?,
        None => Answers::new(),
    };
    let answers_text = args
        .answers
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok());

    let mut controls = Vec::new();
    for pack in &packs {
        let mut answers = base_answers.clone();
        let missing = engine::complete_with_defaults(pack, &mut answers, today);
        if let Some(q) = missing.first() {
            let file = super::answers_file_prefix(args.answers.as_deref(), lang);
            bail!(
                "{file}{} `{q}` ({} `{}`); {}",
                lang.pick("missing answer for question", "缺少问题的回答"),
                lang.pick("pack", "规则包"),
                pack.id,
                lang.pick("give it in --answers FILE", "请在 --answers 文件中提供")
            );
        }
        let (probes, findings) = run_probes(pack, &answers, &args.root, today)?;
        let plan = engine::evaluate(pack, &answers, cx.as_of, &probes, &DoneSteps::new());
        for entry in &plan.entries {
            let item = &pack.items[entry.item];
            let failing = match entry.status {
                Status::Fail => engine::at_or_above(item.priority, args.fail_on),
                Status::NotReviewed => {
                    args.strict && engine::at_or_above(item.priority, args.fail_on)
                }
                _ => false,
            };
            controls.push(ControlResult {
                pack: pack.id.clone(),
                id: item.id.clone(),
                title: item.title.get(lang).to_owned(),
                status: entry.status.as_str(),
                priority: item.priority.as_str(),
                failing,
                detail: entry.detail.clone(),
                why: item.why.get(lang).to_owned(),
                how: item.how.iter().map(|h| h.get(lang).to_owned()).collect(),
                refs: entry
                    .refs
                    .iter()
                    .map(|&r| pack.references[r].citation.get(lang).to_owned())
                    .collect(),
                findings: findings.get(&item.id).cloned().unwrap_or_default(),
                anchor: anchor_of(item, args.answers.as_deref(), answers_text.as_deref()),
            });
        }
    }

    let mut summary = CheckSummary {
        total: controls.len(),
        ..CheckSummary::default()
    };
    for c in &controls {
        match c.status {
            "pass" => summary.pass += 1,
            "fail" => summary.fail += 1,
            "not_reviewed" => summary.not_reviewed += 1,
            _ => summary.not_applicable += 1,
        }
        summary.failing += usize::from(c.failing);
    }
    let report = CheckReport {
        schema_version: 1,
        tool: "privaudit",
        tool_version: env!("CARGO_PKG_VERSION"),
        generated_at: cx.as_of.to_rfc3339(),
        root: args.root.display().to_string(),
        fail_on: args.fail_on.as_str(),
        strict: args.strict,
        result: if summary.failing > 0 { "fail" } else { "pass" },
        packs: packs
            .iter()
            .map(|p| crate::report::PackDoc::of(p, lang))
            .collect(),
        summary,
        controls,
    };

    let color = cx.color_stdout();
    let text = match args.format {
        CheckFormat::Text => text(&report, lang, color),
        CheckFormat::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
        CheckFormat::Junit => junit(&report)?,
        CheckFormat::Sarif => sarif(&report)?,
    };
    cx.out.write_all(text.as_bytes())?;
    Ok(if report.summary.failing > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

type Findings = std::collections::BTreeMap<String, Vec<crate::scan::Finding>>;

/// The SARIF anchor of a control (see [`ControlResult::anchor`]).
fn anchor_of(
    item: &crate::pack::model::Item,
    answers: Option<&Path>,
    text: Option<&str>,
) -> Option<(String, u64)> {
    match &item.probe {
        // The first glob without wildcards names the file that should be there.
        Some(Probe::FileExists(globs)) => globs
            .iter()
            .find(|g| !g.contains(['*', '?', '[', '{']))
            .map(|g| (g.clone(), 1)),
        Some(Probe::Scan { .. }) => None,
        None => {
            let path = answers?.display().to_string();
            let line = text
                .and_then(|t| {
                    t.lines().position(|l| {
                        l.strip_prefix(item.id.as_str())
                            .is_some_and(|r| r.trim_start().starts_with(':'))
                    })
                })
                .map_or(1, |i| i as u64 + 1);
            Some((path, line))
        }
    }
}

/// Runs the automated probes of the controls that apply.
fn run_probes(
    pack: &Pack,
    answers: &Answers,
    root: &Path,
    today: chrono::NaiveDate,
) -> Result<(ProbeResults, Findings)> {
    let mut results = ProbeResults::default();
    let mut findings = Findings::new();
    for item in &pack.items {
        let Some(probe) = &item.probe else { continue };
        if !item
            .when
            .as_ref()
            .is_none_or(|c| engine::holds(c, answers, today))
        {
            continue;
        }
        let outcome = match probe {
            Probe::FileExists(globs) => file_exists(root, globs)?,
            Probe::Scan { kinds } => {
                let kinds: Vec<crate::scan::Kind> =
                    kinds.iter().filter_map(|k| k.parse().ok()).collect();
                let outcome = crate::scan::scan_tree(root, &kinds, 0, today)
                    .with_context(|| format!("scanning {}", root.display()))?;
                let n = outcome.findings.len();
                let detail = if n == 0 {
                    format!("no personal data found in {} files", outcome.files_scanned)
                } else {
                    let first: Vec<String> = outcome
                        .findings
                        .iter()
                        .take(5)
                        .map(|f| {
                            format!("{}:{}:{} {} {}", f.path, f.line, f.column, f.kind, f.masked)
                        })
                        .collect();
                    format!(
                        "{n} finding(s): {}{}",
                        first.join("; "),
                        if n > 5 { "; …" } else { "" }
                    )
                };
                findings.insert(item.id.clone(), outcome.findings);
                ProbeOutcome {
                    passed: n == 0,
                    detail,
                }
            }
        };
        results.0.insert(item.id.clone(), outcome);
    }
    Ok((results, findings))
}

/// Passes when a file under `root` matches one of the globs (relative, `/`-separated).
fn file_exists(root: &Path, globs: &[String]) -> Result<ProbeOutcome> {
    let mut builder = globset::GlobSetBuilder::new();
    for g in globs {
        builder.add(
            globset::GlobBuilder::new(g)
                .case_insensitive(true)
                .literal_separator(true)
                .build()?,
        );
    }
    let set = builder.build()?;
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut matched: Vec<String> = Vec::new();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if set.is_match(&rel) {
                matched.push(rel);
            }
        }
    }
    matched.sort();
    Ok(match matched.first() {
        Some(found) => ProbeOutcome {
            passed: true,
            detail: format!("found {found}"),
        },
        None => ProbeOutcome {
            passed: false,
            detail: format!("no file matches {}", globs.join(", ")),
        },
    })
}

fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "pass" => lang.pick("PASS", "通过"),
        "fail" => lang.pick("FAIL", "未通过"),
        "not_reviewed" => lang.pick("NOT REVIEWED", "未审阅"),
        _ => lang.pick("N/A", "不适用"),
    }
}

fn text(report: &CheckReport, lang: Lang, color: bool) -> String {
    use console::Style;
    let style = |s: Style| s.force_styling(color);
    let mut out = String::new();
    for c in &report.controls {
        let label = status_label(c.status, lang);
        let styled = match c.status {
            "pass" => style(Style::new().green()).apply_to(label),
            "fail" => style(Style::new().red().bold()).apply_to(label),
            "not_reviewed" => style(Style::new().yellow()).apply_to(label),
            _ => style(Style::new().dim()).apply_to(label),
        };
        out.push_str(&format!(
            "{styled:<12} [{}] {}/{} — {}\n",
            c.priority, c.pack, c.id, c.title
        ));
        if let Some(d) = &c.detail {
            out.push_str(&format!("             {d}\n"));
        }
        if let Some(first) = c.how.first().filter(|_| c.failing) {
            out.push_str(&format!("             → {first}\n"));
        }
    }
    let s = &report.summary;
    let verdict = if report.result == "fail" {
        style(Style::new().red().bold()).apply_to(lang.pick("FAILED", "未通过"))
    } else {
        style(Style::new().green().bold()).apply_to(lang.pick("OK", "通过"))
    };
    out.push_str(&match lang {
        Lang::En => format!(
            "\n{} controls: {} pass, {} fail, {} not reviewed, {} n/a — {verdict} (fail-on {}{})\n",
            s.total, s.pass, s.fail, s.not_reviewed, s.not_applicable, report.fail_on,
            if report.strict { ", strict" } else { "" }
        ),
        Lang::Zh => format!(
            "\n共 {} 项控制：{} 项通过，{} 项未通过，{} 项未审阅，{} 项不适用 — {verdict}（失败阈值 {}{}）\n",
            s.total, s.pass, s.fail, s.not_reviewed, s.not_applicable, report.fail_on,
            if report.strict { "，严格模式" } else { "" }
        ),
    });
    out
}

/// JUnit XML as Jenkins and GitLab read it: one suite per pack, one case per control.
/// Failing controls are failures; passing ones (and failures below the threshold) are
/// successes with their status in system-out; not-reviewed and n/a are skipped.
fn junit(report: &CheckReport) -> Result<String> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut junit = Report::new("privaudit check");
    if let Ok(ts) = chrono::DateTime::parse_from_rfc3339(&report.generated_at) {
        junit.set_timestamp(ts);
    }
    for pack in &report.packs {
        let mut suite = TestSuite::new(pack.id.as_str());
        suite.set_timestamp(
            chrono::DateTime::parse_from_rfc3339(&report.generated_at).unwrap_or_default(),
        );
        for c in report.controls.iter().filter(|c| c.pack == pack.id) {
            let status = if c.failing {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(c.title.as_str());
                s.set_type(c.priority);
                let mut body = String::new();
                if let Some(d) = &c.detail {
                    body.push_str(d);
                    body.push('\n');
                }
                body.push_str(&c.why);
                for (n, h) in c.how.iter().enumerate() {
                    body.push_str(&format!("\n{}. {h}", n + 1));
                }
                s.set_description(body);
                s
            } else if matches!(c.status, "not_reviewed" | "not_applicable") {
                let mut s = TestCaseStatus::skipped();
                s.set_message(c.status);
                s
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(format!("{} [{}]", c.id, c.priority), status);
            case.set_classname(format!("privaudit.{}", c.pack));
            let mut out = format!("status: {}", c.status);
            if let Some(d) = &c.detail {
                out.push_str(&format!("\n{d}"));
            }
            case.set_system_out(out);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    Ok(junit.to_string()?)
}

/// SARIF: one rule per control, one result per failing control (and, as notes, failures
/// below the threshold); scan findings become results with file locations and the
/// scanner's fingerprints, so code-scanning dashboards de-duplicate them.
fn sarif(report: &CheckReport) -> Result<String> {
    use crate::sarif::*;
    let level = |p: &str| match p {
        "critical" | "high" => Level::Error,
        "medium" => Level::Warning,
        _ => Level::Note,
    };
    let rule_id = |c: &ControlResult| format!("{}/{}", c.pack, c.id);
    let rules: Vec<ReportingDescriptor> = report
        .controls
        .iter()
        .map(|c| ReportingDescriptor {
            id: rule_id(c),
            name: Some(c.id.clone()),
            short_description: Some(MultiformatMessageString::text(c.title.clone())),
            full_description: Some(MultiformatMessageString::text(c.why.clone())),
            help: Some(MultiformatMessageString::text(c.how.join("\n"))),
            help_uri: None,
            default_configuration: Some(ReportingConfiguration {
                level: level(c.priority),
            }),
            properties: None,
        })
        .collect();
    let mut results = Vec::new();
    for (index, c) in report.controls.iter().enumerate() {
        let failed = c.status == "fail" || (c.failing && c.status == "not_reviewed");
        if !failed {
            continue;
        }
        let lvl = if c.failing {
            level(c.priority)
        } else {
            Level::Note
        };
        let mut push = |message: String, location: Option<Location>, fingerprint: Option<&str>| {
            results.push(SarifResult {
                rule_id: rule_id(c),
                rule_index: Some(index),
                level: lvl,
                message: Message::text(message),
                locations: location.into_iter().collect(),
                partial_fingerprints: fingerprint
                    .map(|f| {
                        [("privaudit/v1".to_owned(), f.to_owned())]
                            .into_iter()
                            .collect()
                    })
                    .unwrap_or_default(),
                properties: None,
            });
        };
        if c.findings.is_empty() {
            let message = match &c.detail {
                Some(d) => format!("{}: {d}", c.title),
                None => format!("{} ({})", c.title, c.status),
            };
            // GitHub code scanning rejects results without a location, so point at the
            // attestation or at the file that should exist.
            let location = c.anchor.as_ref().map(|(path, line)| Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: path_to_uri(path),
                        uri_base_id: None,
                    },
                    region: Some(Region {
                        start_line: *line,
                        start_column: None,
                        end_line: None,
                        end_column: None,
                    }),
                },
            });
            let fingerprint = {
                use sha2::Digest;
                sha2::Sha256::digest(rule_id(c).as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            };
            push(message, location, Some(&fingerprint));
        } else {
            for f in &c.findings {
                let location = Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: path_to_uri(&f.path),
                            uri_base_id: None,
                        },
                        region: Some(Region {
                            start_line: f.line,
                            start_column: Some(f.column_utf16),
                            end_line: None,
                            end_column: None,
                        }),
                    },
                };
                push(
                    format!("{}: {} {}", c.title, f.kind, f.masked),
                    Some(location),
                    Some(&f.fingerprint),
                );
            }
        }
    }
    let log = Log::new(vec![Run {
        tool: Tool {
            driver: Driver {
                name: "privaudit".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
                semantic_version: Some(env!("CARGO_PKG_VERSION").into()),
                information_uri: None,
                rules,
            },
        },
        results,
        column_kind: None,
        properties: None,
    }]);
    Ok(format!("{}\n", serde_json::to_string_pretty(&log)?))
}
