//! Lenient decoding of the platform's loosely typed fields: numbers sent as strings
//! (`user_count: "3"`, `create_time: "1700000000000"`), and `null` where a list is expected.
//! A value that is neither a number nor a numeric string decodes as absent rather than failing
//! the whole response.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Int(i64),
    Float(f64),
    Str(String),
    Other(serde::de::IgnoredAny),
}

fn parse(v: Option<NumOrStr>) -> Option<i64> {
    match v? {
        NumOrStr::Int(i) => Some(i),
        NumOrStr::Float(f) if f.is_finite() => Some(f as i64),
        NumOrStr::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `"42"`, `42` or `null` into `Option<i64>`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(parse(Option::<NumOrStr>::deserialize(d)?))
}

/// `null` into the type's default (an empty list, an empty string).
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct N {
        #[serde(default, deserialize_with = "super::opt_i64")]
        n: Option<i64>,
    }

    #[test]
    fn numbers_as_strings_or_numbers() {
        let cases = [
            (r#"{"n":"12"}"#, Some(12)),
            (r#"{"n":12}"#, Some(12)),
            (r#"{"n":12.0}"#, Some(12)),
            (r#"{"n":null}"#, None),
            (r#"{"n":"x"}"#, None),
            (r#"{"n":[1]}"#, None),
            (r#"{}"#, None),
        ];
        for (json, n) in cases {
            let v: N = serde_json::from_str(json).unwrap();
            assert_eq!(v.n, n, "{json}");
        }
    }
}
