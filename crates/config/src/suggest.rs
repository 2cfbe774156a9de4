//! "Did you mean": the known key nearest to a mistyped one. First among the keys that may stand
//! at that place (same spelling up to case, `_` and `-`; then small edit distance), then anywhere
//! in the schema for a key written at the wrong level (`appId` at the top → `channels.lark.appId`).

use crate::keypath;
use crate::schema;

/// The full dotted path to suggest for `key` found under `parent`, if one is close enough.
pub(crate) fn nearest(parent: &[String], key: &str, siblings: &[&str]) -> Option<String> {
    let wanted = normalize(key);
    let at_parent = |name: &str| {
        let mut full = parent.to_vec();
        full.push(name.to_owned());
        keypath::display(&full)
    };
    if let Some(same) = siblings.iter().find(|s| normalize(s) == wanted) {
        return Some(at_parent(same));
    }
    let best = siblings
        .iter()
        .map(|s| (strsim::levenshtein(&normalize(s), &wanted), *s))
        .min_by_key(|(distance, _)| *distance);
    if let Some((distance, name)) = best {
        // Two edits, or a third of the word for long keys: closer than that is a typo, farther
        // is a different word and the suggestion would mislead.
        if distance <= 2.max(wanted.chars().count() / 3) {
            return Some(at_parent(name));
        }
    }
    elsewhere(&wanted)
}

/// A known path (shortest first) whose last segment is the key, for keys put at the wrong level.
fn elsewhere(wanted: &str) -> Option<String> {
    schema::all_paths()
        .iter()
        .map(|(path, _)| path)
        .filter(|path| {
            path.rsplit('.')
                .next()
                .is_some_and(|last| normalize(last) == wanted)
        })
        .min_by_key(|path| (path.matches('.').count(), path.len()))
        .cloned()
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(parent: &str) -> Vec<String> {
        parent.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn suggests_typos_and_misplaced_keys() {
        let lark = ["appId", "appSecret", "mode", "requireMention"];
        assert_eq!(
            nearest(&at("channels.lark"), "appid", &lark).as_deref(),
            Some("channels.lark.appId")
        );
        assert_eq!(
            nearest(&at("channels.lark"), "app_secret", &lark).as_deref(),
            Some("channels.lark.appSecret")
        );
        assert_eq!(
            nearest(&at("channels.lark"), "requireMentions", &lark).as_deref(),
            Some("channels.lark.requireMention")
        );
        assert_eq!(
            nearest(&[], "appId", &["channels", "agent"]).as_deref(),
            Some("channels.lark.appId")
        );
        assert_eq!(
            nearest(&[], "lark", &["channels", "agent"]).as_deref(),
            Some("channels.lark")
        );
        assert_eq!(nearest(&at("channels.lark"), "zzzzzzzz", &lark), None);
    }
}
