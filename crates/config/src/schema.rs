//! The shape of the config file: every key, its type and accepted values. One description serves
//! loading (unknown keys and wrong types are refused with the full dotted path), `config set`
//! (a value is checked against the schema at its key before it is written) and the key list of
//! [`crate::known_keys`].

use std::sync::LazyLock;

use crate::error::ConfigError;
use crate::keypath;
use crate::suggest;
use crate::tree::Node;

pub(crate) const MODES: &[&str] = &["websocket", "webhook"];
pub(crate) const DM_POLICIES: &[&str] = &["pairing", "open", "allowlist", "disabled"];
// `allowall` and `raw` are OpenClaw's spellings of `open` and `text`.
pub(crate) const GROUP_POLICIES: &[&str] = &["allowlist", "open", "disabled", "allowall"];
pub(crate) const RENDER_MODES: &[&str] = &["auto", "text", "post", "card", "raw"];
pub(crate) const PROVIDERS: &[&str] = &["echo", "command", "anthropic", "openai"];

/// What a leaf accepts.
#[derive(Debug)]
pub(crate) enum Kind {
    Bool,
    Str,
    StrList,
    Enum(&'static [&'static str]),
    /// `feishu`, `lark` or an http(s) base URL, as `lark::Domain::parse` reads it.
    Domain,
    Int {
        min: u64,
        max: u64,
    },
    /// A number (fractions allowed); `positive` excludes 0.
    Number {
        positive: bool,
    },
    /// OpenClaw's: accepted with any value, not used by this gateway (named at start-up).
    Any,
    /// A secret: a string, or OpenClaw's reference `{ source, provider, id }`.
    SecretRef,
    /// An array of ids, strings or numbers (OpenClaw's `allowFrom`).
    IdList,
    /// A model catalog: an array of objects, each with a string `id` (other fields free).
    Catalog,
    /// `true`, `false` or one of these strings.
    BoolOr(&'static [&'static str]),
}

#[derive(Debug)]
pub(crate) enum Schema {
    Leaf(Kind),
    Object(Vec<(&'static str, Schema)>),
    /// Free-form names (`accounts.<name>`, `groups.<chat_id>`), each holding `value`.
    Map {
        placeholder: &'static str,
        reserved: Option<&'static str>,
        value: Box<Schema>,
    },
    /// A leaf or an object (`streaming: true` or `streaming: { mode }`).
    Either(Box<Schema>, Box<Schema>),
}

/// The whole file's schema.
pub(crate) fn root() -> &'static Schema {
    static ROOT: LazyLock<Schema> = LazyLock::new(build);
    &ROOT
}

fn build() -> Schema {
    use Kind::*;
    let leaf = Schema::Leaf;
    let lark = Schema::Object(lark_fields(true));
    let mut agent = vec![
        ("provider", leaf(Enum(PROVIDERS))),
        ("command", leaf(StrList)),
        ("timeoutSeconds", leaf(Number { positive: true })),
        ("model", leaf(Str)),
        ("baseUrl", leaf(Str)),
        (
            "maxTokens",
            leaf(Int {
                min: 1,
                max: u32::MAX as u64,
            }),
        ),
        ("systemPrompt", leaf(Str)),
        (
            "maxToolRounds",
            leaf(Int {
                min: 0,
                max: u32::MAX as u64,
            }),
        ),
        ("streaming", leaf(Bool)),
    ];
    agent.extend(crate::agent_ext::schema_fields());
    let agent = Schema::Object(agent);
    let gateway = Schema::Object(
        vec![
            (
                "port",
                leaf(Int {
                    min: 0,
                    max: u16::MAX as u64,
                }),
            ),
            ("bind", leaf(Str)),
            ("customBindHost", leaf(Str)),
            ("auth", crate::schema_openclaw::gateway_auth()),
        ]
        .into_iter()
        .chain(crate::schema_openclaw::ignored(
            crate::schema_openclaw::GATEWAY_IGNORED,
        ))
        .collect(),
    );
    let mut channels = vec![
        ("lark", lark),
        ("feishu", Schema::Object(lark_fields(true))),
    ];
    channels.extend(crate::schema_openclaw::ignored(
        crate::schema_openclaw::OTHER_CHANNELS,
    ));
    let mut root = vec![
        ("channels", Schema::Object(channels)),
        ("agent", agent),
        ("gateway", gateway),
        ("store", Schema::Object(vec![("url", leaf(Str))])),
    ];
    crate::schema_openclaw::extend_root(&mut root);
    Schema::Object(root)
}

/// The keys of one Lark account; the top level also has `accounts`.
fn lark_fields(top: bool) -> Vec<(&'static str, Schema)> {
    use Kind::*;
    let leaf = Schema::Leaf;
    let group = Schema::Object(
        vec![
            ("requireMention", leaf(Bool)),
            ("systemPrompt", leaf(Str)),
            ("enabled", leaf(Bool)),
            ("allowFrom", leaf(IdList)),
            ("streaming", leaf(Bool)),
        ]
        .into_iter()
        .chain(crate::schema_openclaw::group_fields())
        .collect(),
    );
    let mut fields = vec![
        ("enabled", leaf(Bool)),
        ("appId", leaf(Str)),
        ("appSecret", leaf(SecretRef)),
        ("appIdFile", leaf(Str)),
        ("appSecretFile", leaf(Str)),
        ("name", leaf(Str)),
        ("domain", leaf(Domain)),
        ("mode", leaf(Enum(MODES))),
        ("encryptKey", leaf(SecretRef)),
        ("verificationToken", leaf(SecretRef)),
        ("webhookPath", leaf(Str)),
        ("dmPolicy", leaf(Enum(DM_POLICIES))),
        ("groupPolicy", leaf(Enum(GROUP_POLICIES))),
        ("allowFrom", leaf(IdList)),
        ("groupAllowFrom", leaf(IdList)),
        ("requireMention", leaf(Bool)),
        (
            "groups",
            Schema::Map {
                placeholder: "<chat_id>",
                reserved: None,
                value: Box::new(group),
            },
        ),
        ("typingIndicator", leaf(Bool)),
        ("typingDelayMs", leaf(Number { positive: false })),
        ("streaming", crate::schema_openclaw::streaming()),
        ("connections", leaf(Number { positive: true })),
        ("senderNameTtlSeconds", leaf(Number { positive: false })),
        ("pongTimeoutSeconds", leaf(Number { positive: false })),
        ("pingIntervalSeconds", leaf(Number { positive: false })),
        ("renderMode", leaf(Enum(RENDER_MODES))),
        ("maxEventAgeMinutes", leaf(Number { positive: false })),
        ("catchUp", leaf(Bool)),
        ("mediaMaxMb", leaf(Number { positive: false })),
        (
            "downloads",
            Schema::Object(vec![("dmDir", leaf(Str)), ("groupDir", leaf(Str))]),
        ),
        (
            "rateLimits",
            Schema::Object(vec![
                ("appPerSecond", leaf(Number { positive: true })),
                ("chatPerSecond", leaf(Number { positive: true })),
            ]),
        ),
    ];
    fields.extend(crate::schema_openclaw::account_fields(top));
    if top {
        fields.push((
            "accounts",
            Schema::Map {
                placeholder: "<name>",
                reserved: Some(crate::DEFAULT_ACCOUNT),
                value: Box::new(Schema::Object(lark_fields(false))),
            },
        ));
    }
    fields
}

/// Every path in the schema with `<name>` / `<chat_id>` placeholders: `(path, is_leaf)`.
pub(crate) fn all_paths() -> &'static [(String, bool)] {
    static ALL: LazyLock<Vec<(String, bool)>> = LazyLock::new(|| {
        let mut out = Vec::new();
        walk(root(), &mut Vec::new(), &mut out);
        out
    });
    &ALL
}

fn walk(schema: &Schema, path: &mut Vec<String>, out: &mut Vec<(String, bool)>) {
    if !path.is_empty() {
        let leaf = matches!(schema, Schema::Leaf(_) | Schema::Either(..));
        out.push((path.join("."), leaf));
    }
    walk_children(schema, path, out);
}

fn walk_children(schema: &Schema, path: &mut Vec<String>, out: &mut Vec<(String, bool)>) {
    match schema {
        Schema::Leaf(_) => {}
        Schema::Object(fields) => {
            for (name, child) in fields {
                path.push((*name).to_owned());
                walk(child, path, out);
                path.pop();
            }
        }
        Schema::Map {
            placeholder, value, ..
        } => {
            path.push((*placeholder).to_owned());
            walk(value, path, out);
            path.pop();
        }
        Schema::Either(_, object) => walk_children(object, path, out),
    }
}

/// The schema at a key path, or the unknown-key error for the first segment that does not exist.
pub(crate) fn lookup(path: &[String]) -> Result<&'static Schema, ConfigError> {
    let mut schema = root();
    for (i, seg) in path.iter().enumerate() {
        schema = match schema {
            Schema::Object(fields) => match fields.iter().find(|(name, _)| name == seg) {
                Some((_, child)) => child,
                None => return Err(unknown(&path[..i], seg, fields)),
            },
            Schema::Map {
                reserved, value, ..
            } => {
                check_name(&path[..i], seg, *reserved)?;
                value
            }
            Schema::Either(_, object) => match &**object {
                Schema::Object(fields) => match fields.iter().find(|(name, _)| name == seg) {
                    Some((_, child)) => child,
                    None => return Err(unknown(&path[..i], seg, fields)),
                },
                other => other,
            },
            Schema::Leaf(_) => {
                return Err(ConfigError::UnknownKey {
                    file: None,
                    key: keypath::display(&path[..=i]),
                    suggestion: None,
                });
            }
        };
    }
    Ok(schema)
}

/// Checks a value against its schema: unknown keys, types and accepted values. `null` is
/// accepted anywhere and means "not set".
pub(crate) fn check(
    schema: &Schema,
    node: &Node,
    path: &mut Vec<String>,
) -> Result<(), ConfigError> {
    if matches!(node, Node::Null) {
        return Ok(());
    }
    match (schema, node) {
        (Schema::Either(_, object), Node::Object(_)) => check(object, node, path),
        (Schema::Either(leaf, _), _) => check(leaf, node, path),
        (Schema::Leaf(Kind::SecretRef), Node::Object(_)) => crate::secret_ref::check(node, path),
        (Schema::Object(fields), Node::Object(members)) => {
            for (key, value) in members {
                let Some((_, child)) = fields.iter().find(|(name, _)| name == key) else {
                    return Err(unknown(path, key, fields));
                };
                path.push(key.clone());
                check(child, value, path)?;
                path.pop();
            }
            Ok(())
        }
        (
            Schema::Map {
                reserved, value, ..
            },
            Node::Object(members),
        ) => {
            for (key, item) in members {
                check_name(path, key, *reserved)?;
                path.push(key.clone());
                check(value, item, path)?;
                path.pop();
            }
            Ok(())
        }
        (Schema::Object(_) | Schema::Map { .. }, other) => {
            Err(invalid(path, other, false, "an object"))
        }
        (Schema::Leaf(kind), node) => check_leaf(kind, node, path),
    }
}

fn check_leaf(kind: &Kind, node: &Node, path: &mut Vec<String>) -> Result<(), ConfigError> {
    let ok = match (kind, node) {
        (Kind::Bool, Node::Bool(_)) => true,
        (Kind::Str | Kind::SecretRef, Node::String(_)) => true,
        (Kind::Any, _) => true,
        (Kind::Catalog, Node::Array(items)) => items
            .iter()
            .all(|m| matches!(m.get("id"), Some(Node::String(_)))),
        (Kind::BoolOr(_), Node::Bool(_)) => true,
        (Kind::BoolOr(values), Node::String(s)) => values.contains(&s.as_str()),
        (Kind::IdList, Node::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !matches!(item, Node::String(_) | Node::Number(_)) {
                    path.push(format!("{i}"));
                    let err = invalid(path, item, false, "a string or a number");
                    path.pop();
                    return Err(err);
                }
            }
            true
        }
        (Kind::StrList, Node::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !matches!(item, Node::String(_)) {
                    path.push(format!("{i}"));
                    let err = invalid(path, item, false, "a string");
                    path.pop();
                    return Err(err);
                }
            }
            true
        }
        (Kind::Enum(values), Node::String(s)) => values.contains(&s.as_str()),
        (Kind::Domain, Node::String(s)) => lark::Domain::parse(s).is_ok(),
        (Kind::Int { min, max }, Node::Number(n)) => {
            n.as_u64().is_some_and(|v| v >= *min && v <= *max)
        }
        (Kind::Number { positive }, Node::Number(n)) => n
            .as_f64()
            .is_some_and(|v| if *positive { v > 0.0 } else { v >= 0.0 }),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(
            path,
            node,
            matches!(kind, Kind::SecretRef),
            &expected(kind),
        ))
    }
}

fn expected(kind: &Kind) -> String {
    match kind {
        Kind::Bool => "true or false".to_owned(),
        Kind::Str => "a string".to_owned(),
        Kind::SecretRef => {
            "a string or a secret reference { source: \"env\" | \"file\" | \"exec\", provider, id }"
                .to_owned()
        }
        Kind::IdList => "an array of ids, such as [\"ou_123\"]".to_owned(),
        Kind::Any => "anything".to_owned(),
        Kind::Catalog => {
            "an array of models, each with its id, such as [{ id: \"qwen3\" }]".to_owned()
        }
        Kind::BoolOr(values) => {
            let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            format!("true, false or {}", quoted.join(", "))
        }
        Kind::StrList => "an array of strings, such as [\"ou_123\"]".to_owned(),
        Kind::Enum(values) => {
            let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            format!("one of {}", quoted.join(", "))
        }
        Kind::Domain => {
            "\"feishu\", \"lark\" or a base URL starting with http:// or https://".to_owned()
        }
        Kind::Int { min, max } => format!("a whole number from {min} to {max}"),
        Kind::Number { positive: true } => "a number greater than 0".to_owned(),
        Kind::Number { positive: false } => "a number, 0 or greater".to_owned(),
    }
}

pub(crate) fn invalid(path: &[String], got: &Node, secret: bool, expected: &str) -> ConfigError {
    ConfigError::InvalidValue {
        file: None,
        key: display_path(path),
        got: describe(got, secret),
        expected: expected.to_owned(),
    }
}

/// Array indices are pushed as plain digits; show them as `allowFrom[2]`.
fn display_path(path: &[String]) -> String {
    match path.split_last() {
        None => "the top level of the config".to_owned(),
        Some((last, parent)) if last.chars().all(|c| c.is_ascii_digit()) && !parent.is_empty() => {
            format!("{}[{last}]", keypath::display(parent))
        }
        _ => keypath::display(path),
    }
}

/// What a value is, for messages: secrets by type only, long strings shortened.
pub(crate) fn describe(node: &Node, secret: bool) -> String {
    match node {
        Node::Null => "null".to_owned(),
        Node::Bool(b) => b.to_string(),
        Node::Number(n) => n.to_string(),
        Node::String(_) if secret => "a string".to_owned(),
        Node::String(s) if s.chars().count() > 60 => {
            let short: String = s.chars().take(57).collect();
            format!("{:?}", format!("{short}..."))
        }
        Node::String(s) => format!("{s:?}"),
        Node::Array(_) => "an array".to_owned(),
        Node::Object(_) => "an object".to_owned(),
    }
}

fn unknown(parent: &[String], key: &str, fields: &[(&'static str, Schema)]) -> ConfigError {
    let mut full = parent.to_vec();
    full.push(key.to_owned());
    let siblings: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    ConfigError::UnknownKey {
        file: None,
        key: keypath::display(&full),
        suggestion: suggest::nearest(parent, key, &siblings),
    }
}

fn check_name(parent: &[String], name: &str, reserved: Option<&str>) -> Result<(), ConfigError> {
    let mut full = parent.to_vec();
    full.push(name.to_owned());
    let message = if name.trim().is_empty() {
        "a name must not be empty"
    } else if reserved == Some(name) {
        "the account name \"default\" is reserved for the top-level account; put its keys directly under the channel (channels.lark or channels.feishu), or pick another name"
    } else {
        return Ok(());
    };
    Err(ConfigError::Invalid {
        file: None,
        key: keypath::display(&full),
        message: message.to_owned(),
    })
}
