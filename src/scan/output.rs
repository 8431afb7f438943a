//! Rendering scan results: text for people, JSON lines / JSON for scripts, SARIF for code
//! scanning dashboards. Every writer shows masked values only.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use console::Style;
use serde::Serialize;

use crate::i18n::Lang;
use crate::sarif;

use super::{Finding, Kind};

/// Totals shown with the findings.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Summary {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub findings: u64,
    pub baselined: u64,
}

/// Replaces control characters in a path so a hostile file name cannot drive the
/// terminal (text output only; JSON escapes them itself).
fn printable(path: &str) -> String {
    path.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// `path:line:column: kind masked`, one line per finding, then a summary line.
pub(crate) fn text(
    out: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
    lang: Lang,
    color: bool,
) -> io::Result<()> {
    let style = |s: Style| {
        if color {
            s.force_styling(true)
        } else {
            s.force_styling(false)
        }
    };
    let path_style = style(Style::new().magenta());
    let pos_style = style(Style::new().green());
    let kind_style = style(Style::new().red().bold());
    for f in findings {
        writeln!(
            out,
            "{}:{}: {} {}",
            path_style.apply_to(printable(&f.path)),
            pos_style.apply_to(format_args!("{}:{}", f.line, f.column)),
            kind_style.apply_to(f.kind),
            f.masked
        )?;
    }
    writeln!(out, "{}", summary_line(findings, summary, lang))
}

/// "3 findings in 2 of 10 files" / "在 10 个文件中的 2 个里发现 3 处个人信息".
pub(crate) fn summary_line(findings: &[Finding], summary: &Summary, lang: Lang) -> String {
    let files_with = findings
        .iter()
        .map(|f| &f.path)
        .collect::<BTreeSet<_>>()
        .len();
    let n = findings.len();
    let total = summary.files_scanned;
    let mut line = match lang {
        Lang::En => format!(
            "{n} finding{} in {files_with} of {total} file{}",
            if n == 1 { "" } else { "s" },
            if total == 1 { "" } else { "s" }
        ),
        Lang::Zh => format!("在 {total} 个文件中的 {files_with} 个里发现 {n} 处个人信息"),
    };
    if summary.baselined > 0 {
        let b = summary.baselined;
        line.push_str(&match lang {
            Lang::En => format!(" ({b} more in the baseline, not reported)"),
            Lang::Zh => format!("（另有 {b} 处已在基线中，未报告）"),
        });
    }
    line
}

/// One JSON object per line with the keys path, line, column, kind, masked, fingerprint.
pub(crate) fn jsonl(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        serde_json::to_writer(&mut *out, f)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: &'static str,
    version: &'static str,
    findings: &'a [Finding],
    summary: &'a Summary,
}

/// A single versioned JSON document with the findings and the summary.
pub(crate) fn json(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    let report = JsonReport {
        schema_version: 1,
        tool: "privaudit",
        version: env!("CARGO_PKG_VERSION"),
        findings,
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}

/// Texts of the SARIF rule for `kind`: (name, short, full, help).
fn rule_texts(kind: Kind, lang: Lang) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        Kind::CnId => (
            "ChineseResidentIdNumber",
            lang.pick("Chinese resident ID number", "居民身份证号码"),
            lang.pick(
                "An 18-character resident ID number (GB 11643) with a valid check character, province code and birth date.",
                "18 位居民身份证号码（GB 11643），校验码、省级行政区划代码和出生日期均有效。",
            ),
            lang.pick(
                "Remove the number or replace it with a masked or synthetic value. If it must stay, add `privaudit:allow cn_id` on the line or record it with `privaudit scan --write-baseline`.",
                "删除该号码，或改为脱敏值、虚构值。如确需保留，在该行加注释 `privaudit:allow cn_id`，或用 `privaudit scan --write-baseline` 记入基线。",
            ),
        ),
        Kind::CnMobile => (
            "ChineseMobileNumber",
            lang.pick("Chinese mobile phone number", "手机号码"),
            lang.pick(
                "An 11-digit mainland China mobile number (1[3-9]…), optionally with +86 and separators.",
                "11 位中国大陆手机号码（1[3-9]…），可带 +86 前缀和分隔符。",
            ),
            lang.pick(
                "Remove the number or mask it (138****5678). If it must stay, add `privaudit:allow cn_mobile` on the line or record it in a baseline.",
                "删除该号码或脱敏（如 138****5678）。如确需保留，在该行加注释 `privaudit:allow cn_mobile`，或记入基线。",
            ),
        ),
        Kind::BankCard => (
            "BankCardNumber",
            lang.pick("Bank card number", "银行卡号"),
            lang.pick(
                "A 13–19 digit payment card number from a known issuer range with a valid Luhn check digit.",
                "13–19 位支付卡号，发卡机构号段已知且 Luhn 校验位有效。",
            ),
            lang.pick(
                "Remove the card number; keep at most the first 6 and last 4 digits. If it is test data, add `privaudit:allow bank_card` on the line or record it in a baseline.",
                "删除卡号，最多保留前 6 位和后 4 位。如为测试数据，在该行加注释 `privaudit:allow bank_card`，或记入基线。",
            ),
        ),
        Kind::Email => (
            "EmailAddress",
            lang.pick("E-mail address", "电子邮箱地址"),
            lang.pick(
                "A personal e-mail address (documentation domains such as example.com are ignored).",
                "个人电子邮箱地址（example.com 等文档专用域名不计）。",
            ),
            lang.pick(
                "Remove the address or use a placeholder at example.com. If it must stay, add `privaudit:allow email` on the line or record it in a baseline.",
                "删除该地址，或改用 example.com 下的占位地址。如确需保留，在该行加注释 `privaudit:allow email`，或记入基线。",
            ),
        ),
    }
}

/// The SARIF level of a kind: an e-mail address is often legitimately public.
fn level(kind: Kind) -> sarif::Level {
    match kind {
        Kind::Email => sarif::Level::Warning,
        _ => sarif::Level::Error,
    }
}

/// The SARIF rule for each kind, in [`Kind::ALL`] order (the `ruleIndex` of results).
pub(crate) fn sarif_rules(lang: Lang) -> Vec<sarif::ReportingDescriptor> {
    Kind::ALL
        .iter()
        .map(|&kind| {
            let (name, short, full, help) = rule_texts(kind, lang);
            sarif::ReportingDescriptor {
                id: kind.name().to_owned(),
                name: Some(name.to_owned()),
                short_description: Some(sarif::MultiformatMessageString::text(short)),
                full_description: Some(sarif::MultiformatMessageString::text(full)),
                help: Some(sarif::MultiformatMessageString::text(help)),
                help_uri: None,
                default_configuration: Some(sarif::ReportingConfiguration { level: level(kind) }),
                properties: None,
            }
        })
        .collect()
}

/// The SARIF result for one finding; the message shows the masked value only.
pub(crate) fn sarif_result(f: &Finding, lang: Lang) -> sarif::SarifResult {
    let (_, short, _, _) = rule_texts(f.kind, lang);
    sarif::SarifResult {
        rule_id: f.kind.name().to_owned(),
        rule_index: Kind::ALL.iter().position(|&k| k == f.kind),
        level: level(f.kind),
        message: sarif::Message::text(format!("{short}: {}", f.masked)),
        locations: vec![sarif::Location {
            physical_location: sarif::PhysicalLocation {
                artifact_location: sarif::ArtifactLocation {
                    uri: sarif::path_to_uri(&f.path),
                    uri_base_id: None,
                },
                region: Some(sarif::Region {
                    start_line: f.line,
                    start_column: Some(f.column_utf16),
                    end_line: None,
                    end_column: None,
                }),
            },
        }],
        partial_fingerprints: BTreeMap::from([("privaudit/v1".to_owned(), f.fingerprint.clone())]),
        properties: None,
    }
}

/// A SARIF 2.1.0 log with one run.
pub(crate) fn sarif(out: &mut dyn Write, findings: &[Finding], lang: Lang) -> io::Result<()> {
    let log = sarif::Log::new(vec![sarif::Run {
        tool: sarif::Tool {
            driver: sarif::Driver {
                name: "privaudit".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                semantic_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                information_uri: None,
                rules: sarif_rules(lang),
            },
        },
        results: findings.iter().map(|f| sarif_result(f, lang)).collect(),
        column_kind: Some(sarif::ColumnKind::Utf16CodeUnits),
        properties: None,
    }]);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}
