//! Secrets as OpenClaw writes them: a plain string (with `${VAR}` taken from the environment),
//! or a reference `{ source: "env" | "file" | "exec", provider, id }` resolved at load through
//! `secrets.providers.<provider>`: an environment variable; a JSON pointer into a JSON file (or
//! the whole file with `mode: "singleValue"`, id `"value"`); or a program run without a shell
//! that answers OpenClaw's protocol on stdout (`{"protocolVersion":1,"values":{id: value}}`
//! for `{"protocolVersion":1,"provider":...,"ids":[id]}` on stdin). Errors name the key, the
//! provider, the file or the program, never a value.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::accounts::Ctx;
use crate::error::ConfigError;
use crate::keypath;
use crate::paths::resolve_in;
use crate::schema;
use crate::tree::Node;
use crate::view::Obj;

const REF_KEYS: [&str; 3] = ["source", "provider", "id"];
const DEFAULT_EXEC_TIMEOUT_MS: u64 = 5000;

/// Checks the shape of a reference object (the schema calls this for secret keys).
pub(crate) fn check(node: &Node, path: &mut Vec<String>) -> Result<(), ConfigError> {
    let Node::Object(members) = node else {
        return Ok(());
    };
    for (key, value) in members {
        if !REF_KEYS.contains(&key.as_str()) {
            let mut full = path.clone();
            full.push(key.clone());
            return Err(ConfigError::UnknownKey {
                file: None,
                key: keypath::display(&full),
                suggestion: crate::suggest::nearest(path, key, &REF_KEYS),
            });
        }
        if !matches!(value, Node::String(_)) {
            path.push(key.clone());
            let err = schema::invalid(path, value, false, "a string");
            path.pop();
            return Err(err);
        }
    }
    let field = |name: &str| match node.get(name) {
        Some(Node::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    };
    let invalid = |message: String| ConfigError::Invalid {
        file: None,
        key: keypath::display(path),
        message,
    };
    for name in REF_KEYS {
        if field(name).is_none() {
            return Err(invalid(format!(
                "a secret reference needs {name}, as in {{ source: \"env\", provider: \"default\", id: \"FEISHU_APP_SECRET\" }}"
            )));
        }
    }
    match field("source") {
        Some("env" | "file" | "exec") => Ok(()),
        Some("store") => Err(invalid(
            "source \"store\" (OpenClaw's shared secret store) is not available in this gateway; use \"env\", \"file\" or \"exec\"".to_owned(),
        )),
        Some(other) => Err(invalid(format!(
            "source {other:?} is not one of \"env\", \"file\", \"exec\""
        ))),
        None => Ok(()),
    }
}

/// Replaces each `${NAME}` (upper-case name) with the variable's value; `$${NAME}` is a literal
/// `${NAME}`. An unset variable stays as written and is reported in `missing`.
pub(crate) fn substitute(text: &str, env: crate::Env<'_>, missing: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let escaped = at > 0 && rest[..at].ends_with('$');
        let after = &rest[at + 2..];
        let end = after.find('}');
        let name = end.map(|e| &after[..e]);
        let valid = name.is_some_and(|n| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
                && n.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        });
        let (Some(name), Some(end), true) = (name, end, valid) else {
            out.push_str(&rest[..at + 2]);
            rest = after;
            continue;
        };
        if escaped {
            out.push_str(&rest[..at - 1]);
            out.push_str(&rest[at..at + 2 + end + 1]);
        } else {
            out.push_str(&rest[..at]);
            match env(name).filter(|v| !v.is_empty()) {
                Some(value) => out.push_str(&value),
                None => {
                    if !missing.iter().any(|m| m == name) {
                        missing.push(name.to_owned());
                    }
                    out.push_str(&rest[at..at + 2 + end + 1]);
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The secret at `obj.key`: `None` when unset or blank.
pub(crate) fn resolve(
    obj: &Obj<'_>,
    key: &str,
    ctx: &Ctx<'_>,
) -> Result<Option<String>, ConfigError> {
    let full_key = obj.key(key);
    match obj.get(key) {
        None => Ok(None),
        Some(Node::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        Some(node @ Node::Object(_)) => resolve_ref(node, &full_key, ctx).map(Some),
        Some(_) => Ok(None),
    }
}

fn resolve_ref(node: &Node, key: &str, ctx: &Ctx<'_>) -> Result<String, ConfigError> {
    let field = |name: &str| match node.get(name) {
        Some(Node::String(s)) => s.trim(),
        _ => "",
    };
    let (source, provider, id) = (field("source"), field("provider"), field("id"));
    let fail = |message: String| ConfigError::Invalid {
        file: None,
        key: key.to_owned(),
        message,
    };
    let providers = ctx.secrets.obj("providers");
    let entry = providers.obj(provider);
    let configured = providers.get(provider).is_some();
    let entry_source = entry.str("source");
    if configured && entry_source != Some(source) {
        return Err(fail(format!(
            "secrets.providers.{provider} has source {:?}, but this reference asks for {source:?}",
            entry_source.unwrap_or("(none)")
        )));
    }
    let value = match source {
        "env" => {
            if let Some(allowed) = entry.strings("allowlist")
                && !allowed.iter().any(|a| a == id)
            {
                return Err(fail(format!(
                    "the environment variable {id} is not in secrets.providers.{provider}.allowlist"
                )));
            }
            (ctx.env)(id).ok_or_else(|| {
                fail(format!(
                    "its secret reference names the environment variable {id}, which is not set"
                ))
            })?
        }
        "file" | "exec" if !configured => {
            return Err(fail(format!(
                "its secret reference names provider {provider:?}; define it under secrets.providers.{provider} with source {source:?}"
            )));
        }
        "file" => from_file(&entry, provider, id, ctx).map_err(fail)?,
        "exec" => from_exec(&entry, provider, id, ctx).map_err(fail)?,
        _ => return Err(fail(format!("unknown secret source {source:?}"))),
    };
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Err(fail(format!(
            "its secret reference (provider {provider:?}, id {id:?}) resolved to an empty value"
        )));
    }
    Ok(value)
}

fn from_file(entry: &Obj<'_>, provider: &str, id: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let Some(path) = entry.text("path") else {
        return Err(format!("secrets.providers.{provider}.path is not set"));
    };
    let path = resolve_in(&path, ctx.base_dir, ctx.env);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("could not read the secrets file {}: {e}", path.display()))?;
    if entry.str("mode") == Some("singleValue") {
        if id != "value" {
            return Err(format!(
                "secrets.providers.{provider} is a singleValue file, so the reference's id must be \"value\""
            ));
        }
        return Ok(text.trim_end_matches(['\n', '\r']).to_owned());
    }
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "the secrets file {} is not JSON (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match json.pointer(id) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!(
            "{id} in the secrets file {} is not a string",
            path.display()
        )),
        None => Err(format!(
            "the secrets file {} has nothing at {id} (the id is a JSON pointer such as \"/feishu/appSecret\")",
            path.display()
        )),
    }
}

fn from_exec(entry: &Obj<'_>, provider: &str, id: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let Some(program) = entry.text("command") else {
        return Err(format!("secrets.providers.{provider}.command is not set"));
    };
    if !std::path::Path::new(&program).is_absolute() {
        return Err(format!(
            "secrets.providers.{provider}.command must be an absolute path"
        ));
    }
    let mut cmd = Command::new(&program);
    cmd.args(entry.strings("args").unwrap_or_default())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for name in entry.strings("passEnv").unwrap_or_default() {
        if let Some(v) = (ctx.env)(&name) {
            cmd.env(name, v);
        }
    }
    for (name, value) in entry.obj("env").string_members() {
        cmd.env(name, value);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not run {program}: {e}"))?;
    let request = serde_json::json!({"protocolVersion": 1, "provider": provider, "ids": [id]});
    if let Some(mut stdin) = child.stdin.take() {
        // A resolver that exits without reading is judged by its answer, not by this write.
        let _ = stdin.write_all(request.to_string().as_bytes());
    }
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.by_ref().take(1 << 20).read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    let timeout = Duration::from_millis(entry.u64("timeoutMs").unwrap_or(DEFAULT_EXEC_TIMEOUT_MS));
    let out = match rx.recv_timeout(timeout) {
        Ok(out) => out,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{program} did not answer within {timeout:?}"));
        }
    };
    let status = child.wait().map_err(|e| format!("{program}: {e}"))?;
    if !status.success() {
        return Err(format!("{program} exited with {status}"));
    }
    let text = String::from_utf8_lossy(&out);
    let parsed: Option<serde_json::Value> = serde_json::from_str(text.trim()).ok();
    let Some(answer) = parsed else {
        if entry.bool("jsonOnly") == Some(false) {
            return Ok(text.into_owned());
        }
        return Err(format!(
            "{program} did not answer with JSON ({{\"protocolVersion\":1,\"values\":{{...}}}})"
        ));
    };
    if let Some(value) = answer.pointer("/values").and_then(|v| v.get(id)) {
        return value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{program} answered a non-string value for {id:?}"));
    }
    let code = answer
        .pointer("/errors")
        .and_then(|e| e.get(id))
        .and_then(|e| e.get("code"))
        .and_then(|c| c.as_str())
        .filter(|c| matches!(*c, "NOT_FOUND" | "AMBIGUOUS_DUPLICATE_KEY"));
    Err(match code {
        Some(code) => format!("{program} answered {code} for {id:?}"),
        None => format!("{program} answered no value for {id:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_set_variables_and_keeps_the_rest() {
        let env = |name: &str| (name == "KEY").then(|| "v".to_owned());
        let mut missing = Vec::new();
        assert_eq!(substitute("a${KEY}b", &env, &mut missing), "avb");
        assert_eq!(substitute("$${KEY}", &env, &mut missing), "${KEY}");
        assert_eq!(substitute("${lower} ${", &env, &mut missing), "${lower} ${");
        assert!(missing.is_empty());
        assert_eq!(substitute("${NOPE}", &env, &mut missing), "${NOPE}");
        assert_eq!(missing, ["NOPE"]);
    }
}
