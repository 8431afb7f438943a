//! The pack file exactly as written: serde structs that keep source positions. Only shape
//! and types are checked here (unknown keys, duplicate keys, wrong types); meaning is checked
//! by `validate`.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A node with its position in the pack file.
pub type Sp<T> = Spanned<T>;

/// A user-facing text: a plain string (both languages) or `{en: …, zh: …}`. Either language
/// may be missing here so that validation can report every missing translation at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawText {
    pub plain: Option<String>,
    pub en: Option<String>,
    pub zh: Option<String>,
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a mapping with `en` and `zh`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText {
                    plain: Some(v.to_owned()),
                    ..RawText::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawText, A::Error> {
                let mut text = RawText::default();
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "en" => &mut text.en,
                        "zh" => &mut text.zh,
                        other => {
                            return Err(serde::de::Error::unknown_field(other, &["en", "zh"]));
                        }
                    };
                    *slot = Some(map.next_value::<String>()?);
                }
                Ok(text)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A string used in both languages, or a mapping with the English and Simplified Chinese text.",
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                    "required": ["en", "zh"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// Pack kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackKind {
    Audit,
    Response,
    Policy,
}

impl PackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PackKind::Audit => "audit",
            PackKind::Response => "response",
            PackKind::Policy => "policy",
        }
    }
}

/// Question types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    YesNo,
    Single,
    Multi,
    Text,
    Date,
    Number,
}

impl QuestionType {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::YesNo => "yes_no",
            QuestionType::Single => "single",
            QuestionType::Multi => "multi",
            QuestionType::Text => "text",
            QuestionType::Date => "date",
            QuestionType::Number => "number",
        }
    }
}

/// Item priorities, most urgent first (the derived order sorts critical before low).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
    /// Weight of a control in the audit score.
    pub fn weight(self) -> u32 {
        match self {
            Priority::Critical => 8,
            Priority::High => 4,
            Priority::Medium => 2,
            Priority::Low => 1,
        }
    }
    pub const ALL: [Priority; 4] = [
        Priority::Critical,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];
}

impl std::str::FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| match crate::i18n::display_lang() {
                crate::i18n::Lang::En => {
                    format!("unknown priority `{s}` (expected critical, high, medium or low)")
                }
                crate::i18n::Lang::Zh => {
                    format!("未知的优先级 `{s}`（可选：critical、high、medium、low）")
                }
            })
    }
}

/// Jurisdictions of references and contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    Cn,
    Eu,
    Us,
    Any,
}

impl Jurisdiction {
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Cn => "cn",
            Jurisdiction::Eu => "eu",
            Jurisdiction::Us => "us",
            Jurisdiction::Any => "any",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    #[schemars(with = "String")]
    pub pack: Sp<String>,
    #[schemars(with = "PackKind")]
    pub kind: Sp<PackKind>,
    #[schemars(with = "String")]
    pub version: Sp<String>,
    #[schemars(with = "RawText")]
    pub title: Sp<RawText>,
    #[schemars(with = "Option<RawText>")]
    pub description: Option<Sp<RawText>>,
    /// Id of the `date` question due dates count from.
    #[schemars(with = "Option<String>")]
    pub anchor: Option<Sp<String>>,
    /// Id of the `single` question whose option ids are jurisdictions.
    #[schemars(with = "Option<String>")]
    pub jurisdiction: Option<Sp<String>>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
    pub items: Vec<RawItem>,
    #[serde(default)]
    pub references: Vec<RawReference>,
    #[serde(default)]
    pub contacts: Vec<RawContact>,
    #[serde(default)]
    pub letters: Vec<RawLetter>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    #[schemars(with = "String")]
    pub id: Sp<String>,
    #[serde(rename = "type")]
    #[schemars(with = "QuestionType")]
    pub kind: Sp<QuestionType>,
    #[schemars(with = "RawText")]
    pub prompt: Sp<RawText>,
    #[schemars(with = "Option<RawText>")]
    pub help: Option<Sp<RawText>>,
    #[serde(default)]
    pub options: Vec<RawOption>,
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<Sp<serde_json::Value>>,
    pub required: Option<bool>,
    #[schemars(with = "Option<RawCondition>")]
    pub when: Option<Sp<RawCondition>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    #[schemars(with = "String")]
    pub id: Sp<String>,
    #[schemars(with = "RawText")]
    pub label: Sp<RawText>,
    #[schemars(with = "Option<RawText>")]
    pub help: Option<Sp<RawText>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    #[schemars(with = "String")]
    pub id: Sp<String>,
    #[schemars(with = "RawText")]
    pub title: Sp<RawText>,
    #[schemars(with = "RawText")]
    pub why: Sp<RawText>,
    #[schemars(with = "Vec<RawText>")]
    pub how: Sp<Vec<Sp<RawText>>>,
    #[schemars(with = "Priority")]
    pub priority: Sp<Priority>,
    /// Offset from the anchor: `0h`, `30min`, `24h`, `3d`, `2w`, `1mo`, `3y`.
    #[schemars(with = "Option<String>")]
    pub due: Option<Sp<String>>,
    #[schemars(with = "Option<RawCondition>")]
    pub when: Option<Sp<RawCondition>>,
    /// Audit and policy packs: the control passes when this holds.
    #[schemars(with = "Option<RawCondition>")]
    pub pass: Option<Sp<RawCondition>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub refs: Vec<Sp<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub contacts: Vec<Sp<String>>,
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub tags: Vec<Sp<String>>,
    #[schemars(with = "Option<String>")]
    pub letter: Option<Sp<String>>,
    #[schemars(with = "Option<RawProbe>")]
    pub probe: Option<Sp<RawProbe>>,
}

/// Automated checks of policy controls, run by `privaudit check` over `--root`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum RawProbe {
    /// Fails when the scanner finds personal data of these kinds under the root.
    Scan(RawScanProbe),
    /// Passes when at least one file matches one of these globs (relative to the root).
    FileExists(Vec<String>),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScanProbe {
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// A condition: exactly one of `all`, `any`, `not`, or `answer` with one operator.
#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    #[schemars(with = "Option<Vec<RawCondition>>")]
    pub all: Option<Vec<Sp<RawCondition>>>,
    #[schemars(with = "Option<Vec<RawCondition>>")]
    pub any: Option<Vec<Sp<RawCondition>>>,
    #[schemars(with = "Option<Box<RawCondition>>")]
    pub not: Option<Box<Sp<RawCondition>>>,
    #[schemars(with = "Option<String>")]
    pub answer: Option<Sp<String>>,
    pub answered: Option<bool>,
    #[schemars(with = "Option<serde_json::Value>")]
    pub is: Option<Sp<serde_json::Value>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub one_of: Option<Vec<Sp<String>>>,
    #[schemars(with = "Option<String>")]
    pub includes: Option<Sp<String>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub includes_any: Option<Vec<Sp<String>>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub includes_all: Option<Vec<Sp<String>>>,
    /// A date `YYYY-MM-DD` or a span back from now such as `30d ago`.
    #[schemars(with = "Option<String>")]
    pub before: Option<Sp<String>>,
    #[schemars(with = "Option<String>")]
    pub after: Option<Sp<String>>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    #[schemars(with = "String")]
    pub id: Sp<String>,
    #[schemars(with = "Jurisdiction")]
    pub jurisdiction: Sp<Jurisdiction>,
    #[schemars(with = "RawText")]
    pub citation: Sp<RawText>,
    #[schemars(with = "RawText")]
    pub summary: Sp<RawText>,
    pub url: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    #[schemars(with = "String")]
    pub id: Sp<String>,
    #[schemars(with = "Jurisdiction")]
    pub jurisdiction: Sp<Jurisdiction>,
    #[schemars(with = "RawText")]
    pub name: Sp<RawText>,
    /// The number, address or URL to use.
    pub value: String,
    #[schemars(with = "RawText")]
    pub summary: Sp<RawText>,
    pub url: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLetter {
    #[schemars(with = "String")]
    pub id: Sp<String>,
    #[schemars(with = "RawText")]
    pub title: Sp<RawText>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
    /// A minijinja template per language.
    #[schemars(with = "RawText")]
    pub body: Sp<RawText>,
}
