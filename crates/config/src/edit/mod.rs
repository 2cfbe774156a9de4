//! Editing the config file one key at a time, for `openclaw config get/set/unset`.
//!
//! Keys are dotted paths (`channels.lark.groups.oc_123.requireMention`); a segment that
//! contains a dot can be written in brackets: `channels.lark.groups["oc.1"].enabled`.
//!
//! In a JSON5 file only the edited key's bytes change: every comment, the key order and the
//! layout of the rest stay byte-identical. A YAML file is rewritten whole (its comments are
//! lost; see [`yaml`]). Writes are atomic; a new file is created with mode 0600.
//!
//! `set` checks the key and the value's type against the schema, but not the rules that span
//! several keys (missing credentials, `appId` with `appIdFile`, provider `command` without a
//! command): an incomplete config must be editable step by step. `validate` checks those.

mod render;
mod scan;
mod splice;
mod write;
mod yaml;

use std::path::Path;

use serde_json::Value;

use crate::error::ConfigError;
use crate::paths::Format;
use crate::tree::{self, Node};
use crate::{keypath, schema};

/// Keys whose values never appear on screen.
const SECRET_KEYS: [&str; 6] = [
    "appSecret",
    "encryptKey",
    "verificationToken",
    "apiKey",
    "token",
    "password",
];
/// Objects whose every value is secret (an MCP server's environment and HTTP headers).
const SECRET_MAPS: [&str; 2] = ["env", "headers"];

/// Reads a command-line value: `true` / `false` → bool, `null` → null, a JSON number → number,
/// text starting with `[` or `{` that parses as JSON5 → array / object, anything else → string.
pub fn parse_cli_value(s: &str) -> Value {
    match s {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" => return Value::Null,
        _ => {}
    }
    // Strict JSON numbers only: `007` or `1e` stay strings, and so does `inf`.
    match serde_json::from_str::<serde_json::Number>(s) {
        Ok(n) if s.trim() == s => return Value::Number(n),
        _ => {}
    }
    let structured = s.starts_with('[') || s.starts_with('{');
    if let Some(node) = structured
        .then(|| json5::from_str::<Node>(s).ok())
        .flatten()
    {
        return node.to_json();
    }
    Value::String(s.to_owned())
}

/// Sets `key` to `value` in the config file, creating the file (and its directory) if needed.
pub fn set(file: &Path, key: &str, value: Value) -> Result<(), ConfigError> {
    let path = keypath::parse(key)?;
    let at_file = |e: ConfigError| e.in_file(file);
    let node = Node::from_json(&value);
    schema::check(schema::lookup(&path)?, &node, &mut path.clone())?;

    let text = read(file)?.unwrap_or_default();
    let format = Format::from_path(file);
    let mut root = parse_file(&text, format).map_err(at_file)?;
    let new_text = match format {
        Format::Json5 => splice::set(&text, &path, &value).map_err(at_file)?,
        Format::Yaml => {
            yaml::set(&mut root, &path, node.clone()).map_err(at_file)?;
            yaml::to_text(&root, file)?
        }
    };
    // Never write a file we cannot read back to the value we meant: a guard against a splice
    // that went wrong in some layout nobody tested.
    let expected = Some(&node).filter(|n| !matches!(n, Node::Null));
    let check = parse_file(&new_text, format).ok();
    if check.as_ref().and_then(|r| lookup(r, &path)) != expected {
        return Err(ConfigError::Write {
            path: file.to_path_buf(),
            reason: format!(
                "setting {} would not have produced a readable file, so the file was left unchanged; please edit it by hand",
                keypath::display(&path)
            ),
        });
    }
    write::write_atomic(file, &new_text)
}

/// Removes `key` from the config file; whether it was there. A key that is present is removed
/// even if it is unknown (that is how a typo gets fixed); an absent unknown key is an error
/// with a suggestion.
pub fn unset(file: &Path, key: &str) -> Result<bool, ConfigError> {
    let path = keypath::parse(key)?;
    let at_file = |e: ConfigError| e.in_file(file);
    let Some(text) = read(file)? else {
        schema::lookup(&path)?;
        return Ok(false);
    };
    let format = Format::from_path(file);
    let mut root = parse_file(&text, format).map_err(at_file)?;
    if lookup(&root, &path).is_none() {
        schema::lookup(&path)?;
        return Ok(false);
    }
    let new_text = match format {
        Format::Json5 => match splice::unset(&text, &path).map_err(at_file)? {
            Some(new_text) => new_text,
            None => return Ok(false),
        },
        Format::Yaml => {
            yaml::unset(&mut root, &path);
            yaml::to_text(&root, file)?
        }
    };
    let gone = parse_file(&new_text, format)
        .ok()
        .is_some_and(|r| lookup(&r, &path).is_none());
    if !gone {
        return Err(ConfigError::Write {
            path: file.to_path_buf(),
            reason: format!(
                "removing {} would not have produced a readable file, so the file was left unchanged; please edit it by hand",
                keypath::display(&path)
            ),
        });
    }
    write::write_atomic(file, &new_text)?;
    Ok(true)
}

/// The raw value at `key` as written in the file (no defaults, no environment), or `None`.
pub fn get(file: &Path, key: &str) -> Result<Option<Value>, ConfigError> {
    let path = keypath::parse(key)?;
    let found = match read(file)? {
        Some(text) => {
            let root = parse_file(&text, Format::from_path(file)).map_err(|e| e.in_file(file))?;
            lookup(&root, &path).map(Node::to_json)
        }
        None => None,
    };
    if found.is_none() {
        schema::lookup(&path)?;
    }
    Ok(found)
}

/// The value as it may be shown: secret keys (`appSecret`, `encryptKey`, `verificationToken`,
/// `apiKey`, `token`, `password`; a secret reference object shows as it is, naming no value),
/// and the values of an MCP server's `env` and `headers`, at `key` itself or anywhere inside
/// an object value, become `"<redacted>"`.
pub fn redact_for_display(key: &str, value: &Value) -> Value {
    let path = keypath::parse(key).unwrap_or_else(|_| key.split('.').map(str::to_owned).collect());
    let last = path.last().cloned().unwrap_or_default();
    let parent = path.iter().rev().nth(1).map(String::as_str);
    if matches!(parent, Some(p) if SECRET_MAPS.contains(&p)) && !value.is_null() {
        return Value::String("<redacted>".to_owned());
    }
    redact(&last, value)
}

fn redact(name: &str, value: &Value) -> Value {
    if SECRET_KEYS.contains(&name) && !value.is_null() && !value.is_object() {
        return Value::String("<redacted>".to_owned());
    }
    match value {
        Value::Object(map) if SECRET_MAPS.contains(&name) => Value::Object(
            map.keys()
                .map(|k| (k.clone(), Value::String("<redacted>".to_owned())))
                .collect(),
        ),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), redact(k, v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| redact("", v)).collect()),
        other => other.clone(),
    }
}

/// The file's text, `None` when it does not exist yet.
fn read(file: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::Read {
            path: file.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}

fn parse_file(text: &str, format: Format) -> Result<Node, ConfigError> {
    tree::parse_text(text, format).map_err(|message| ConfigError::Syntax {
        file: None,
        format,
        message,
    })
}

/// The node at `path`; `null` counts as absent.
fn lookup<'n>(root: &'n Node, path: &[String]) -> Option<&'n Node> {
    path.iter()
        .try_fold(root, |node, seg| node.get(seg))
        .filter(|n| !matches!(n, Node::Null))
}
