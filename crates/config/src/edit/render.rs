//! Writing JSON values into a JSON5 file in the file's own style: its indent unit, and quoted or
//! bare keys as the surrounding object already uses. Values themselves are JSON.

use serde_json::Value;

/// How new text should look.
#[derive(Debug, Clone)]
pub(crate) struct Style {
    /// One level of indentation (`"  "`, `"    "`, `"\t"`).
    pub(crate) unit: String,
    /// Whether keys are written in quotes (`"appId": ...`) or bare (`appId: ...`).
    pub(crate) quote_keys: bool,
    /// `"\n"`, or `"\r\n"` for a file with Windows line endings.
    pub(crate) newline: &'static str,
    /// Everything on one line, for objects written on one line (`{ port: 1 }`).
    pub(crate) flat: bool,
}

impl Style {
    /// A key as it should be written.
    pub(crate) fn key(&self, key: &str) -> String {
        if !self.quote_keys && is_identifier(key) {
            key.to_owned()
        } else {
            json(&Value::String(key.to_owned()))
        }
    }

    /// `key: value` for a member whose key line is indented by `indent`; `nested` are further
    /// keys, each becoming an object around the next (`a: { b: { c: value } }`).
    pub(crate) fn member(
        &self,
        key: &str,
        nested: &[String],
        value: &Value,
        indent: &str,
    ) -> String {
        format!("{}: {}", self.key(key), self.nested(nested, value, indent))
    }

    /// The value of a member at `indent`, wrapped in one object per key of `nested`.
    pub(crate) fn nested(&self, nested: &[String], value: &Value, indent: &str) -> String {
        match nested.split_first() {
            None => self.value(value, indent),
            Some((first, rest)) if self.flat => {
                format!("{{{}}}", self.member(first, rest, value, ""))
            }
            Some((first, rest)) => {
                let inner = format!("{indent}{}", self.unit);
                let member = self.member(first, rest, value, &inner);
                let nl = self.newline;
                format!("{{{nl}{inner}{member}{nl}{indent}}}")
            }
        }
    }

    /// A value whose first line continues a line indented by `indent`. Short arrays of scalars
    /// stay on one line; objects and long arrays get one member per line (unless `flat`).
    pub(crate) fn value(&self, value: &Value, indent: &str) -> String {
        let inner = format!("{indent}{}", self.unit);
        let nl = self.newline;
        match value {
            Value::Array(items) if items.is_empty() => "[]".to_owned(),
            Value::Array(items) => {
                let scalars = items.iter().all(|v| !v.is_array() && !v.is_object());
                let parts: Vec<String> = items.iter().map(|v| self.value(v, &inner)).collect();
                let flat = format!("[{}]", parts.join(", "));
                if self.flat || (scalars && flat.len() <= 80) {
                    flat
                } else {
                    let lines: Vec<String> = parts.iter().map(|p| format!("{inner}{p}")).collect();
                    format!("[{nl}{}{nl}{indent}]", lines.join(&format!(",{nl}")))
                }
            }
            Value::Object(map) if map.is_empty() => "{}".to_owned(),
            Value::Object(map) if self.flat => {
                let members: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k), self.value(v, "")))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }
            Value::Object(map) => {
                let lines: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{inner}{}: {}", self.key(k), self.value(v, &inner)))
                    .collect();
                format!("{{{nl}{}{nl}{indent}}}", lines.join(&format!(",{nl}")))
            }
            scalar => json(scalar),
        }
    }
}

/// JSON text of a value. Serializing a `Value` cannot fail (its keys are strings), but an empty
/// string is still better than a panic should that ever change.
fn json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Whether a key can be written bare in JSON5 (the ASCII subset, which is all OpenClaw uses).
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_in_style() {
        let bare = Style {
            unit: "  ".to_owned(),
            quote_keys: false,
            newline: "\n",
            flat: false,
        };
        let nested = ["lark".to_owned(), "appId".to_owned()];
        assert_eq!(
            bare.member("channels", &nested, &json!("cli_1"), ""),
            "channels: {\n  lark: {\n    appId: \"cli_1\"\n  }\n}"
        );
        assert_eq!(bare.value(&json!(["a", 1, true]), ""), "[\"a\", 1, true]");
        assert_eq!(
            bare.value(&json!({"oc-1": {"enabled": false}}), "  "),
            "{\n    \"oc-1\": {\n      enabled: false\n    }\n  }"
        );
        let quoted = Style {
            unit: "\t".to_owned(),
            quote_keys: true,
            newline: "\r\n",
            flat: false,
        };
        assert_eq!(quoted.member("a", &[], &json!(1), ""), "\"a\": 1");
        assert_eq!(
            quoted.member("a", &["b".to_owned()], &json!(1), ""),
            "\"a\": {\r\n\t\"b\": 1\r\n}"
        );
        let flat = Style { flat: true, ..bare };
        assert_eq!(
            flat.member("a", &["b".to_owned()], &json!({"c": [1, {"d": 2}]}), "  "),
            "a: {b: {c: [1, {d: 2}]}}"
        );
    }
}
