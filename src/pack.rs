//! Rule packs: loading YAML (parse, then validate), the built-in packs embedded in the
//! binary, and the JSON Schema of the format.

pub mod builtin;
pub mod model;
pub mod raw;
pub mod validate;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::i18n::Text;
use model::Pack;

/// Parser limits: generous enough for a pack of 10,000 items, tight enough that alias
/// bombs and pathological nesting fail fast instead of eating memory.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 4_000_000;
    budget.max_events = 8_000_000;
    budget.max_depth = 48;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options
}

/// Turns a serde-saphyr error into a located diagnostic naming the real file.
pub fn syntax_diagnostic(file: &str, source: &str, err: &serde_saphyr::Error) -> Diagnostic {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .filter(|&(line, _)| line > 0)
        .unwrap_or_else(|| document_start(source));
    // The crate's message begins with its own "error: line L column C:" prefix and ends with
    // a snippet naming `<input>`; keep only the message itself and render our own snippet.
    let rendered = err.to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let message = first
        .strip_prefix("error: ")
        .unwrap_or(first)
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("line "))
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or_else(|| first.to_owned());
    let zh = yaml_message_zh(&message);
    Diagnostic::new(Code::Syntax, Text::new(message, zh), file, line, column).with_source(source)
}

/// Where the document's root node begins: the first line that is not blank, a comment or
/// a directive. The parser gives no location for a few errors about the whole document
/// (a scalar where a mapping of fields was expected); they are about the root node, so
/// that is where they point.
fn document_start(source: &str) -> (u64, u64) {
    source
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let body = l.trim_start_matches(['\u{feff}', ' ', '\t']);
            let skip = body.is_empty()
                || body.starts_with('#')
                || body.starts_with('%')
                || body.trim_end() == "---";
            (!skip).then(|| {
                (
                    i as u64 + 1,
                    (l.chars().count() - body.chars().count()) as u64 + 1,
                )
            })
        })
        .unwrap_or((1, 1))
}

/// Chinese for the YAML parser's (English) messages. The common shapes are recognised and
/// rendered in full; anything else keeps the parser's text after a Chinese lead-in.
fn yaml_message_zh(en: &str) -> String {
    yaml_shape_zh(en).unwrap_or_else(|| format!("YAML 语法错误：{en}"))
}

fn yaml_shape_zh(en: &str) -> Option<String> {
    if let Some(rest) = en.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`')?;
        return Some(format!(
            "未知的字段 `{name}`{}",
            expected_list_zh(tail, "可用字段", "此处不接受任何字段")?
        ));
    }
    if let Some(rest) = en.strip_prefix("unknown variant `") {
        let (name, tail) = rest.split_once('`')?;
        return Some(format!(
            "未知的取值 `{name}`{}",
            expected_list_zh(tail, "可选值", "没有可选值")?
        ));
    }
    if let Some(rest) = en.strip_prefix("duplicate mapping key") {
        let key = rest
            .strip_suffix("set DuplicateKeyPolicy in Options if acceptable")?
            .trim_end()
            .trim_end_matches(',')
            .trim_start_matches(':')
            .trim();
        return Some(if key.is_empty() {
            "映射中有重复的键".to_owned()
        } else {
            format!("映射中有重复的键 `{key}`")
        });
    }
    if let Some(name) = backticked(en, "duplicate field `") {
        return Some(format!("重复的字段 `{name}`"));
    }
    if let Some(name) = backticked(en, "missing field `") {
        return Some(format!("缺少字段 `{name}`"));
    }
    if let Some(rest) = en.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "类型不符：实际为{}，应为{}",
            found_zh(found),
            expected_zh(expected)
        ));
    }
    if let Some(rest) = en.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "取值无效：实际为{}，应为{}",
            found_zh(found),
            expected_zh(expected)
        ));
    }
    if let Some(rest) = en.strip_prefix("invalid length ") {
        let (len, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "长度不符：实际长度为 {len}，应为{}",
            expected_zh(expected)
        ));
    }
    if let Some(rest) = en.strip_prefix("alias replay limit exceeded: ") {
        return Some(format!("别名展开的事件总数超出上限：{rest}"));
    }
    if let Some(rest) = en.strip_prefix("alias replay stack depth exceeded: ") {
        return Some(format!("别名嵌套深度超出上限：{rest}"));
    }
    if let Some(rest) = en.strip_prefix("alias expansion limit exceeded for anchor id ") {
        return Some(format!("锚点的别名展开次数超出上限：锚点 id {rest}"));
    }
    if let Some(rest) = en.strip_prefix("budget breached: ") {
        return Some(format!("超出解析预算：{rest}"));
    }
    if let Some(rest) = en.strip_prefix("unexpected character: `") {
        // The parser quotes the character as `c'.
        let c = rest.strip_suffix('\'').unwrap_or(rest);
        return Some(format!("意外的字符 `{c}`"));
    }
    if let Some(rest) = en.strip_prefix("mismatched bracket ") {
        let (open, close) = rest.split_once(" closed by ")?;
        return Some(format!("括号不匹配：{open} 被 {close} 闭合"));
    }
    if let Some(open) = en.strip_prefix("unclosed bracket ") {
        return Some(format!("括号 {open} 未闭合"));
    }
    if let Some(what) = en.strip_prefix("unexpected EOF while parsing a ") {
        let what = match what {
            "flow sequence" => "流式序列",
            "flow mapping" => "流式映射",
            "implicit flow mapping" => "隐式流式映射",
            "block sequence" => "块序列",
            "block mapping" => "块映射",
            _ => return None,
        };
        return Some(format!("解析{what}时输入意外结束"));
    }
    if let Some(ty) = en.strip_prefix("invalid ") {
        let ty = match ty {
            "boolean" => "布尔值",
            "floating point" => "浮点数",
            "enum variant" => "枚举取值",
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
            | "i128" | "isize" => return Some(format!("无效的 {ty} 整数")),
            "f32" | "f64" => return Some(format!("无效的 {ty} 浮点数")),
            _ => return None,
        };
        return Some(format!("无效的{ty}"));
    }
    if let Some(what) = en.strip_prefix("expected ") {
        let what = match what {
            "sequence start" => "此处应为序列（列表）",
            "mapping start" => "此处应为映射",
            "string scalar" => "此处应为字符串",
            "scalar" => "此处应为标量值",
            "end of mapping after enum variant value" => "枚举取值之后应结束映射（只能有一个键）",
            _ => return None,
        };
        return Some(what.to_owned());
    }
    let fixed = match en {
        "recursion limit exceeded" => "嵌套层级超出上限",
        "unexpected end of input" | "unexpected eof" => "输入意外结束",
        "misplaced bracket" => "括号位置错误",
        "alias references unknown anchor" => "别名引用了未知的锚点",
        "externally tagged enum expected scalar or mapping" => "此处应为标量值或映射",
        "mapping values are not allowed in this context" => "此处不允许出现映射值",
        "invalid indentation" => "缩进无效",
        _ => return None,
    };
    Some(fixed.to_owned())
}

/// The name in a message that is exactly `prefix`, the name and a closing backtick.
fn backticked<'a>(en: &'a str, prefix: &str) -> Option<&'a str> {
    en.strip_prefix(prefix)?.strip_suffix('`')
}

/// The tail of an unknown field/variant message: `, expected one of a, b`, `, expected x` or
/// `, there are no fields|variants`.
fn expected_list_zh(tail: &str, label: &str, none: &str) -> Option<String> {
    if tail.is_empty() {
        return Some(String::new());
    }
    if let Some(list) = tail.strip_prefix(", expected one of ") {
        return Some(format!("（{label}：{list}）"));
    }
    if let Some(one) = tail.strip_prefix(", expected ") {
        return Some(format!("（{label}：{one}）"));
    }
    if tail.starts_with(", there are no ") {
        return Some(format!("（{none}）"));
    }
    None
}

/// Serde's description of the value it found: a kind (`sequence`) or a kind and the value.
fn found_zh(found: &str) -> String {
    for (en, zh) in [
        ("boolean ", "布尔值 "),
        ("integer ", "整数 "),
        ("floating point ", "浮点数 "),
        ("character ", "字符 "),
        ("string ", "字符串 "),
    ] {
        if let Some(value) = found.strip_prefix(en) {
            return format!("{zh}{value}");
        }
    }
    let zh = match found {
        "sequence" => "序列",
        "map" => "映射",
        "unit value" => "空值",
        "byte array" => "字节数组",
        _ => return spaced(found),
    };
    zh.to_owned()
}

/// What serde expected, for the phrasings this crate's types produce.
fn expected_zh(expected: &str) -> String {
    let zh = match expected {
        "a string or a mapping with `en` and `zh`" => "字符串或含 `en` 和 `zh` 的映射",
        "a string" => "字符串",
        "a sequence" => "序列（列表）",
        "a map" => "映射",
        "a boolean" => "布尔值",
        "a number" => "数字",
        _ => return spaced(expected),
    };
    zh.to_owned()
}

/// English text after Chinese prose is set off by a space (full-width punctuation after it
/// needs none).
fn spaced(en: &str) -> String {
    format!(" {en}")
}

/// Parses and validates one pack from text. `file` names it in diagnostics.
pub fn load_str(file: &str, source: &str) -> Result<(Pack, Vec<Diagnostic>), Diagnostics> {
    if source.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::new(
            Code::Syntax,
            Text::new(
                "the file is empty; a pack needs at least `pack`, `kind`, `version`, `title` and `items`",
                "文件为空；规则包至少需要 `pack`、`kind`、`version`、`title` 和 `items`",
            ),
            file,
            0,
            0,
        )]));
    }
    let raw: raw::RawPack = serde_saphyr::from_str_with_options(source, yaml_options())
        .map_err(|e| Diagnostics(vec![syntax_diagnostic(file, source, &e)]))?;
    validate::validate(raw, file, source)
}

/// Reads a pack file from disk.
pub fn load_file(path: &Path) -> Result<(Pack, Vec<Diagnostic>), Diagnostics> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics(vec![Diagnostic::new(
            Code::Syntax,
            Text::new(
                format!("cannot read the pack: {e}"),
                format!(
                    "无法读取规则包：{}",
                    crate::i18n::io_error_text(&e, crate::i18n::Lang::Zh)
                ),
            ),
            &file,
            0,
            0,
        )])
    })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        Diagnostics(vec![crate::diag::not_utf8(
            &file,
            e.as_bytes(),
            &e.utf8_error(),
            Text::new("the pack", "规则包"),
        )])
    })?;
    load_str(&file, &source)
}

/// Expands `--rules` arguments: a file is itself, a directory gives its `*.yaml`/`*.yml`
/// files in name order.
pub fn expand_rule_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                Diagnostics(vec![Diagnostic::new(
                    Code::Syntax,
                    Text::new(
                        format!("cannot read the rules directory: {e}"),
                        format!(
                            "无法读取规则目录：{}",
                            crate::i18n::io_error_text(&e, crate::i18n::Lang::Zh)
                        ),
                    ),
                    &path.display().to_string(),
                    0,
                    0,
                )])
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The packs in play for this run: the built-in ones (unless `--no-builtin`) and any given
/// with `--rules`. A pack from `--rules` with the id of a built-in one replaces it.
#[derive(Debug, Clone, Default)]
pub struct PackSet {
    pub packs: Vec<Pack>,
}

impl PackSet {
    pub fn load(rules: &[PathBuf], builtin: bool) -> Result<PackSet, Diagnostics> {
        Self::load_only(rules, builtin, None)
    }

    /// Like [`PackSet::load`], but of the built-in packs only those in `ids` (all with
    /// `None`). Packs from `--rules` are always loaded: their ids are only known once read.
    pub fn load_only(
        rules: &[PathBuf],
        builtin: bool,
        ids: Option<&[&str]>,
    ) -> Result<PackSet, Diagnostics> {
        let mut packs: Vec<Pack> = Vec::new();
        if builtin {
            let wanted: Vec<&str> = match ids {
                Some(ids) => builtin::ids().filter(|id| ids.contains(id)).collect(),
                None => builtin::ids().collect(),
            };
            for id in wanted {
                if let Some(p) = builtin::pack(id) {
                    packs.push(p.map_err(Clone::clone)?.clone());
                }
            }
        }
        let mut problems = Vec::new();
        for path in expand_rule_paths(rules)? {
            match load_file(&path) {
                Ok((pack, _warnings)) => {
                    if let Some(slot) = packs.iter_mut().find(|p| p.id == pack.id) {
                        *slot = pack;
                    } else {
                        packs.push(pack);
                    }
                }
                Err(d) => problems.extend(d.0),
            }
        }
        if problems.is_empty() {
            Ok(PackSet { packs })
        } else {
            Err(Diagnostics(problems))
        }
    }

    pub fn get(&self, id: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.id == id)
    }

    /// The pack for a command: by id if one is loaded, else the only pack of that kind.
    pub fn for_kind(&self, preferred_id: &str, kind: model::PackKind) -> Option<&Pack> {
        self.get(preferred_id)
            .filter(|p| p.kind == kind)
            .or_else(|| self.packs.iter().find(|p| p.kind == kind))
    }
}

/// The JSON Schema (draft-07) of the pack format, as `rules schema` prints it.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<raw::RawPack>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), "privaudit rule pack".into());
        obj.insert(
            "description".into(),
            "A privaudit rule pack: questions, items (tips, steps, controls), references, contacts and letters. See docs/pack-format.md.".into(),
        );
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn common_yaml_messages_have_a_chinese_rendering() {
        let cases = [
            (
                "unknown field `wen`, expected one of id, title",
                "未知的字段 `wen`（可用字段：id, title）",
            ),
            (
                "unknown variant `urgent`, expected one of high, low",
                "未知的取值 `urgent`（可选值：high, low）",
            ),
            (
                "duplicate mapping key: title, set DuplicateKeyPolicy in Options if acceptable",
                "映射中有重复的键 `title`",
            ),
            ("missing field `items`", "缺少字段 `items`"),
            (
                "invalid type: boolean `true`, expected a string or a mapping with `en` and `zh`",
                "类型不符：实际为布尔值 `true`，应为字符串或含 `en` 和 `zh` 的映射",
            ),
            (
                "invalid type: sequence, expected struct RawItem",
                "类型不符：实际为序列，应为 struct RawItem",
            ),
            ("invalid u32", "无效的 u32 整数"),
            ("recursion limit exceeded", "嵌套层级超出上限"),
            (
                "alias replay limit exceeded: total_replayed_events=100001 > 100000",
                "别名展开的事件总数超出上限：total_replayed_events=100001 > 100000",
            ),
            ("unexpected end of input", "输入意外结束"),
            ("unexpected character: `\\u{7f}'", "意外的字符 `\\u{7f}`"),
            (
                "mismatched bracket '[' closed by '}'",
                "括号不匹配：'[' 被 '}' 闭合",
            ),
            ("expected sequence start", "此处应为序列（列表）"),
            (
                "while parsing a block mapping, did not find expected key",
                "YAML 语法错误：while parsing a block mapping, did not find expected key",
            ),
            // A shape that starts like a known one but does not fit it falls back too.
            (
                "unknown field `x` somehow",
                "YAML 语法错误：unknown field `x` somehow",
            ),
        ];
        for (en, zh) in cases {
            assert_eq!(yaml_message_zh(en), zh, "{en}");
        }
    }

    #[test]
    fn syntax_diagnostics_keep_the_english_text() {
        let source = "pack: x\nkind: response\nwen: 1\n";
        let d = load_str("p.yaml", source).unwrap_err();
        let text = &d.0[0].message;
        assert!(
            text.en.starts_with("unknown field `wen`, expected one of "),
            "{}",
            text.en
        );
        assert!(
            text.zh.starts_with("未知的字段 `wen`（可用字段："),
            "{}",
            text.zh
        );
        assert!(
            d.render(Lang::En)
                .starts_with("error[E001]: unknown field `wen`")
        );
        assert!(
            d.render(Lang::Zh)
                .starts_with("错误[E001]：未知的字段 `wen`")
        );
    }

    /// Every validation message has a real Chinese rendering, not a copy of the English.
    #[test]
    fn validation_messages_are_bilingual() {
        let source = r#"pack: Broken_Pack
kind: response
version: " "
title: {en: T}
questions:
  - {id: d, type: yes_no, prompt: x, default: maybe}
  - {id: s, type: single, prompt: x, options: [{id: a, label: A}, {id: a, label: B}], default: z}
  - {id: t, type: text, prompt: x, options: [{id: a, label: A}]}
  - {id: m, type: multi, prompt: x, options: [{id: a, label: A}]}
  - {id: w, type: date, prompt: x, when: {answer: later, answered: true}}
  - {id: later, type: date, prompt: x}
items:
  - {id: a, title: x, why: w, how: [z], priority: low, when: {answer: d, is: 7}, probe: {file_exists: []}, due: 3 days}
  - {id: b, title: "", why: {en: a, zh: ""}, how: [z], priority: low, pass: {answer: d, answered: true}, letter: nope, contacts: [zz], refs: [r, nowhere]}
  - {id: c, title: x, why: w, how: [], priority: low, when: {answer: m, is: a}}
  - {id: c, title: x, why: w, how: [z], priority: low, when: {answer: m, includes: b, includes_any: [a]}}
  - {id: e, title: x, why: w, how: [z], priority: low, when: {all: [{answer: w, before: soon}, {answer: ghost, answered: true}, {answer: s, one_of: [q]}]}}
  - {id: f, title: x, why: w, how: [z], priority: low, when: {any: [], not: {answer: d, answered: true}}}
anchor: d
jurisdiction: nope
references:
  - {id: r, jurisdiction: cn, citation: c, summary: s}
  - {id: r2, jurisdiction: cn, citation: c, summary: s}
contacts:
  - {id: C, jurisdiction: cn, name: nm, value: " ", summary: s}
letters:
  - {id: l, title: t, body: {en: "{{ x ", zh: ok}}
"#;
        let d = load_str("p.yaml", source).unwrap_err();
        assert!(d.0.len() > 25, "{}", d.render(Lang::En));
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for diag in &d.0 {
            let Text { en, zh } = &diag.message;
            assert!(!cjk(en), "English with Chinese in it: {en}");
            assert!(cjk(zh) && zh != en, "not translated: {en}");
        }
    }
}

/// Hostile YAML: specific attacks, each rejected quickly with a located error. The random and
/// mutated inputs are in `tests/cli/robustness.rs`.
#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn hostile_yaml_is_rejected_quickly() {
        // Billion laughs: nine levels of nine aliases would expand to 387 million nodes.
        let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(", ");
            bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        let packs = builtin::packs().unwrap();
        let refs: Vec<&model::Pack> = packs.clone();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let started = std::time::Instant::now();
        let err = crate::answers::parse_answers_file(
            "bomb.yaml",
            &bomb,
            &refs,
            today,
            crate::i18n::Lang::En,
        )
        .unwrap_err();
        assert!(err.to_string().contains("bomb.yaml"), "{err}");
        // Generous bound: the point is that it does not expand 387 million nodes.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));

        let deep = format!(
            "leaked_data: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let err = crate::answers::parse_answers_file(
            "deep.yaml",
            &deep,
            &refs,
            today,
            crate::i18n::Lang::En,
        )
        .unwrap_err();
        assert!(err.to_string().contains("deep.yaml:1:"), "{err}");

        let junk: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
        assert!(load_str("junk.yaml", &String::from_utf8_lossy(&junk)).is_err());
    }
}
