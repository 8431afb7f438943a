//! The command line in Chinese: clap writes its help and usage errors in English, so for
//! `--lang zh` (or a `zh*` locale) the command tree gets Chinese texts and headings, and
//! usage errors are rendered here from clap's structured error context.

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Command, CommandFactory};

use super::Cli;
use crate::i18n::Lang;

/// The language the command line should speak, decided before clap parses anything: a
/// `--lang` among the arguments (before `--`), else the locale variables.
pub fn lang_from_args(args: &[OsString]) -> Lang {
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--lang") {
            Some("") => iter.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        if let Some(lang) = value.and_then(|v| v.parse::<Lang>().ok()) {
            return lang;
        }
    }
    Lang::from_env()
}

/// The command tree in `lang`: as declared for English, translated for Chinese.
pub fn command(lang: Lang) -> Command {
    let mut cmd = Cli::command();
    if lang == Lang::En {
        return cmd;
    }
    // Built first, so the generated `--help`/`--version` flags, the `help` subcommands and
    // the global options copied into every subcommand exist and get translated too.
    cmd.build();
    localize(cmd, "")
}

const TEMPLATE_ZH: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

fn localize(cmd: Command, path: &str) -> Command {
    let about = about_zh(path);
    let mut cmd = cmd
        .help_template(TEMPLATE_ZH)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .mut_args(|arg| {
            let id = arg.get_id().as_str().to_owned();
            let heading = if arg.is_positional() {
                "参数"
            } else {
                "选项"
            };
            let Some(help) = arg_zh(path, &id) else {
                return arg.help_heading(heading);
            };
            // clap appends "[default: …] [possible values: …] [env: …]" in English: hide
            // those and say the same in Chinese.
            let mut help = help.to_owned();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty()
                && !arg.is_hide_default_value_set()
                && arg.get_action().takes_values()
            {
                let _ = write!(help, " [默认：{}]", defaults.join("、"));
            }
            let possible: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if !possible.is_empty() && !arg.is_hide_possible_values_set() {
                let _ = write!(help, " [可选：{}]", possible.join("、"));
            }
            if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
                let _ = write!(help, " [环境变量：{}]", env.to_string_lossy());
            }
            arg.help(help)
                .help_heading(heading)
                .hide_default_value(true)
                .hide_possible_values(true)
                .hide_env(true)
        });
    if let Some(about) = about {
        cmd = cmd.about(about).long_about(None);
    }
    let path = path.to_owned();
    cmd.mut_subcommands(move |sub| {
        let sub_path = if path.is_empty() {
            sub.get_name().to_owned()
        } else {
            format!("{path} {}", sub.get_name())
        };
        localize(sub, &sub_path)
    })
}

/// The Chinese summary of the command at `path` ("" for privaudit itself). The `help`
/// subcommand clap adds mirrors the tree (`help plan list`): those entries describe the
/// command they name.
fn about_zh(path: &str) -> Option<&'static str> {
    let words: Vec<&str> = path.split(' ').filter(|w| !w.is_empty()).collect();
    let key = if words.last() == Some(&"help") {
        "help".to_owned()
    } else {
        let named: Vec<&str> = words.into_iter().filter(|w| *w != "help").collect();
        named.join(" ")
    };
    ABOUT_ZH.iter().find(|(p, _)| *p == key).map(|(_, zh)| *zh)
}

/// The Chinese help of argument `id` of the command at `path`: a text for that command, or
/// else one shared by every command that has the argument.
fn arg_zh(path: &str, id: &str) -> Option<&'static str> {
    let specific = format!("{path}:{id}");
    ARG_ZH
        .iter()
        .find(|(k, _)| *k == specific)
        .or_else(|| {
            let shared = format!(":{id}");
            ARG_ZH.iter().find(|(k, _)| *k == shared)
        })
        .map(|(_, zh)| *zh)
}

const ABOUT_ZH: &[(&str, &str)] = &[
    (
        "",
        "把隐私建议变成行动：自查、泄露后的时间表式应对计划、CI 检查。\n(English: --lang en)",
    ),
    ("help", "显示本帮助，或指定子命令的帮助"),
    ("audit", "自查隐私习惯：得出分数和按优先级排列的改进清单"),
    ("respond", "信息泄露之后：带日期的分步应对计划"),
    (
        "check",
        "在代码库上评估政策规则包（用于 CI）：有控制项未通过时退出码为 1",
    ),
    ("plan", "跟进已保存的应对计划：列出、进度、完成、撤销"),
    ("plan list", "列出最近一次应对计划的步骤及其编号和状态"),
    (
        "plan status",
        "进度：截至现在已完成、未完成、已逾期的步骤，以及下一个截止的步骤",
    ),
    ("plan done", "把步骤标记为已完成"),
    ("plan undo", "取消步骤的完成标记"),
    ("evidence", "证据日志：骚扰电话、短信、展示你信息的网站"),
    ("evidence add", "向日志追加一条记录"),
    ("evidence list", "显示日志"),
    (
        "evidence verify",
        "检查哈希链和附件；发现问题时退出码为 1，并指出第一条有问题的记录",
    ),
    ("evidence export", "生成带日期的表格，可交给警方或律师"),
    ("letter", "填写信函模板（删除请求、报警材料、提醒亲友……）"),
    (
        "scan",
        "在文件中查找个人信息（身份证号、手机号、银行卡号、电子邮箱），输出时打码",
    ),
    ("report", "重新生成已保存会话的报告（默认：最近一次）"),
    ("rules", "查看和检查规则包"),
    ("rules list", "列出已加载的规则包"),
    (
        "rules show",
        "显示一个规则包，或其中的一个条目、问题、法律依据或联系渠道",
    ),
    (
        "rules lint",
        "检查规则包文件；有问题时退出码为 2，并列出全部问题",
    ),
    ("rules schema", "输出规则包格式的 JSON Schema（draft-07）"),
    ("completions", "输出 shell 补全脚本"),
];

/// `path:id` for one command's argument, `:id` for an argument every command shares.
const ARG_ZH: &[(&str, &str)] = &[
    (":help", "显示帮助"),
    (":version", "显示版本"),
    (
        ":lang",
        "输出语言（默认：取自 LC_ALL / LC_MESSAGES / LANG；zh* → 中文，其余 → 英文）",
    ),
    (
        ":rules",
        "加载额外的规则包文件，或一个含 *.yaml 规则包的目录（可重复）",
    ),
    (":no_builtin", "不加载内置规则包"),
    (
        ":state_dir",
        "会话、计划和证据日志的存放目录（默认：XDG 数据目录）",
    ),
    (":color", "何时使用颜色"),
    (
        ":as_of",
        "计算日期和截止时间所用的“现在”（RFC 3339，如 2026-03-10T09:00:00+08:00）",
    ),
    (":answers", "回答文件（YAML 或 JSON）：问题编号: 取值"),
    (
        ":out",
        "把结果写入 FILE（原子写入，权限 0600），而不是标准输出",
    ),
    (":format", "输出格式"),
    (
        ":non_interactive",
        "从不提问：缺少且没有默认值的回答视为错误",
    ),
    (
        "check:answers",
        "含自我声明的回答文件（控制项编号: yes|no|n/a，或一个映射）",
    ),
    ("check:packs", "要评估的政策规则包（默认：policy）"),
    ("check:root", "自动检查所查看的目录树的根"),
    ("check:fail_on", "未通过即判定运行失败的最低优先级"),
    ("check:strict", "把未审查的控制项视为未通过"),
    ("report:session", "会话编号（见状态目录）或 `latest`"),
    (
        "rules show:id",
        "规则包编号，或 包/编号（如 response/freeze-cards）",
    ),
    ("rules lint:paths", "要检查的规则包文件"),
    ("plan done:steps", "步骤编号"),
    ("plan undo:steps", "步骤编号"),
    ("evidence add:kind", "记录类型"),
    ("evidence add:from", "来自谁或哪里：电话号码、地址、网址"),
    ("evidence add:note", "发生了什么"),
    ("evidence add:at", "发生时间（默认：现在）"),
    (
        "evidence add:attach",
        "随记录保存的文件（连同 SHA-256 复制到状态目录）",
    ),
    (
        "letter:template",
        "模板编号（见 `privaudit rules show response`）",
    ),
    ("letter:answers", "含信函所需事实的回答文件"),
    (
        "letter:non_interactive",
        "从不提问：缺少的事实视为错误并指出名称",
    ),
    ("scan:paths", "要扫描的文件或目录"),
    ("scan:kinds", "要查找的类型，用逗号分隔（默认：全部）"),
    ("scan:baseline", "不报告指纹在此基线文件中的发现"),
    (
        "scan:write_baseline",
        "把当前全部发现的指纹写入 FILE，并以 0 退出",
    ),
    ("scan:threads", "工作线程数（默认：每个核心一个）"),
    (
        "scan:max_filesize",
        "跳过大于 SIZE 的文件（字节数，或带 K、M、G 后缀）",
    ),
    ("completions:shell", "shell 种类"),
    ("help:subcommand", "要查看帮助的子命令"),
];

/// A usage error in `lang`: clap's own text for English, a translation of its structured
/// context for Chinese (falling back to clap's text for kinds not covered).
pub fn render_error(err: &clap::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return err.render().to_string().trim_end().to_owned() + "\n";
    }
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let list = |kind| match err.get(kind) {
        Some(ContextValue::Strings(v)) => v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>(),
        Some(ContextValue::String(s)) => vec![format!("`{s}`")],
        _ => Vec::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let mut out = String::from("错误：");
    match err.kind() {
        ErrorKind::InvalidValue => {
            if value.is_empty() {
                let _ = write!(out, "参数 `{arg}` 需要一个值，但没有提供");
            } else {
                let _ = write!(out, "参数 `{arg}` 的取值 `{value}` 无效");
            }
            let valid = list(ContextKind::ValidValue);
            if !valid.is_empty() {
                let _ = write!(out, "\n\n  可选值：{}", valid.join("、"));
            }
        }
        ErrorKind::ValueValidation => {
            let _ = write!(out, "参数 `{arg}` 的取值 `{value}` 无效");
            if let Some(source) = std::error::Error::source(err) {
                let _ = write!(out, "：{source}");
            }
        }
        ErrorKind::UnknownArgument => {
            let _ = write!(out, "未知的参数 `{arg}`");
        }
        ErrorKind::InvalidSubcommand => {
            let _ = write!(
                out,
                "未知的子命令 `{}`",
                text(ContextKind::InvalidSubcommand)
            );
        }
        ErrorKind::MissingRequiredArgument => {
            let _ = write!(
                out,
                "缺少必需的参数：{}",
                list(ContextKind::InvalidArg).join("、")
            );
        }
        ErrorKind::ArgumentConflict => {
            let _ = write!(
                out,
                "参数 `{arg}` 不能与 {} 同时使用",
                list(ContextKind::PriorArg).join("、")
            );
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            let _ = write!(out, "参数 `{arg}` 的取值个数不对");
        }
        ErrorKind::NoEquals => {
            let _ = write!(out, "参数 `{arg}` 需要用 `=` 给出取值");
        }
        ErrorKind::MissingSubcommand => {
            let _ = write!(out, "需要一个子命令");
        }
        ErrorKind::InvalidUtf8 => {
            let _ = write!(out, "参数不是有效的 UTF-8 文本");
        }
        _ => return err.render().to_string().trim_end().to_owned() + "\n",
    }
    let suggestions: Vec<String> = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand]
        .into_iter()
        .flat_map(list)
        .collect();
    if !suggestions.is_empty() {
        let _ = write!(out, "\n\n  提示：你是不是想用 {}？", suggestions.join("、"));
    }
    if let Some(ContextValue::StyledStr(usage)) = err.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        let _ = write!(out, "\n\n用法：{usage}");
    }
    out.push_str("\n\n更多信息请运行 `--help`。\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_comes_from_the_arguments_before_the_locale() {
        assert_eq!(
            lang_from_args(&os(&["privaudit", "--lang", "zh", "scan"])),
            Lang::Zh
        );
        assert_eq!(
            lang_from_args(&os(&["privaudit", "scan", "--lang=zh"])),
            Lang::Zh
        );
        assert_eq!(
            lang_from_args(&os(&["privaudit", "--lang=en", "scan"])),
            Lang::En
        );
        // After `--` it is an operand, not the option.
        assert_eq!(
            lang_from_args(&os(&["privaudit", "scan", "--", "--lang", "zh"])),
            Lang::from_env()
        );
    }

    /// Every command and every argument a user can see has a Chinese text: a new option
    /// added in English only fails here.
    #[test]
    fn every_command_and_argument_is_translated() {
        fn walk(cmd: &Command, path: &str, missing: &mut Vec<String>) {
            if about_zh(path).is_none() {
                missing.push(format!("command `{path}`"));
            }
            for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                let id = arg.get_id().as_str();
                if arg_zh(path, id).is_none() {
                    missing.push(format!("argument `{path}:{id}`"));
                }
            }
            for sub in cmd.get_subcommands() {
                let sub_path = if path.is_empty() {
                    sub.get_name().to_owned()
                } else {
                    format!("{path} {}", sub.get_name())
                };
                walk(sub, &sub_path, missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "no Chinese for: {missing:#?}");
    }

    #[test]
    fn chinese_help_has_chinese_headings_and_texts() {
        let mut cmd = command(Lang::Zh);
        let help = cmd
            .find_subcommand_mut("check")
            .expect("check")
            .render_help()
            .to_string();
        for expected in [
            "用法：privaudit check",
            "选项:",
            "未通过即判定运行失败的最低优先级 [默认：high]",
            "输出格式 [默认：text] [可选：text、json、junit、sarif]",
            "显示帮助",
        ] {
            assert!(help.contains(expected), "{expected:?} missing in:\n{help}");
        }
        for english in ["Options:", "Usage:", "default:", "possible values:", "env:"] {
            assert!(!help.contains(english), "{english:?} in:\n{help}");
        }
    }

    #[test]
    fn usage_errors_are_rendered_in_chinese() {
        let err = command(Lang::Zh)
            .try_get_matches_from(["privaudit", "check", "--format", "xml"])
            .unwrap_err();
        let text = render_error(&err, Lang::Zh);
        assert!(
            text.starts_with("错误：参数 `--format <FORMAT>` 的取值 `xml` 无效"),
            "{text}"
        );
        assert!(
            text.contains("可选值：`text`、`json`、`junit`、`sarif`"),
            "{text}"
        );

        let err = command(Lang::Zh)
            .try_get_matches_from(["privaudit", "scna"])
            .unwrap_err();
        let text = render_error(&err, Lang::Zh);
        assert!(text.starts_with("错误：未知的子命令 `scna`"), "{text}");
        assert!(text.contains("提示：你是不是想用 `scan`？"), "{text}");
        assert!(text.contains("用法：privaudit [OPTIONS] <命令>"), "{text}");

        let err = command(Lang::Zh)
            .try_get_matches_from(["privaudit", "scan", "--colour"])
            .unwrap_err();
        let text = render_error(&err, Lang::Zh);
        assert!(text.starts_with("错误：未知的参数 `--colour`"), "{text}");
        assert!(text.contains("`--color`"), "{text}");
    }
}
