//! Lenient deserializers for the platform's loosely typed fields.
//!
//! The wire is not consistent: times are millisecond *strings* in events but numbers in some SDK
//! models, absent ids are sometimes `""` and sometimes missing, lists are sometimes `null`. These
//! helpers accept every form we have seen so one odd field never drops a whole event.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An id that may be missing, `null` or `""`: all three mean "none".
pub(crate) fn opt_id<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(T::from(s)),
        // A number where an id was expected: keep it as text rather than fail the event.
        Some(Value::Number(n)) => Some(T::from(n.to_string())),
        _ => None,
    })
}

/// A plain string that may be missing or `null`.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    })
}

/// An optional string where `""` means absent.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = string(d)?;
    Ok(if s.is_empty() { None } else { Some(s) })
}

/// Milliseconds (or seconds, for `ts`) given as a string or a number.
pub(crate) fn opt_ms<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    })
}

/// A list that may be missing or `null`.
pub(crate) fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A boolean that may be missing, `null`, or a string `"true"`/`"false"`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    })
}

/// A serde error turned into a message that names the problem but never quotes input: serde
/// writes `invalid type: string "<the value>"`, and the value may be a user's message text.
pub(crate) fn safe_reason(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or_default();
    if msg.starts_with("missing field") || msg.starts_with("unknown variant") && !msg.contains('"')
    {
        return msg.to_owned();
    }
    if let Some(pos) = msg.find(", expected ") {
        let head = msg.split(':').next().unwrap_or("invalid value");
        return format!("{head}{}", &msg[pos..]);
    }
    "malformed JSON".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_never_quote_the_input() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            n: u64,
        }
        let e = serde_json::from_str::<T>(r#"{"n":"secret text"}"#).unwrap_err();
        let r = safe_reason(&e);
        assert!(!r.contains("secret"), "{r}");
        assert!(r.contains("expected u64"), "{r}");
        let e = serde_json::from_str::<T>("{}").unwrap_err();
        assert_eq!(safe_reason(&e), "missing field `n`");
    }
}
