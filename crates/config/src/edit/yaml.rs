//! Editing a YAML config: the file is parsed, the tree changed and the whole file written
//! again. Key order is kept, but YAML comments and formatting are NOT: YAML has no
//! comment-preserving editor we could trust, and JSON5 is the recommended format.

use crate::error::ConfigError;
use crate::keypath;
use crate::tree::Node;

/// Sets `path` in the tree, creating objects on the way (a `null` counts as absent).
pub(crate) fn set(root: &mut Node, path: &[String], value: Node) -> Result<(), ConfigError> {
    let Some((last, parents)) = path.split_last() else {
        *root = value;
        return Ok(());
    };
    let mut node = root;
    for (i, seg) in parents.iter().enumerate() {
        let members = object_members(node, &path[..i], path)?;
        let index = match members.iter().position(|(k, _)| k == seg) {
            Some(index) => index,
            None => {
                members.push((seg.clone(), Node::Object(Vec::new())));
                members.len() - 1
            }
        };
        node = &mut members[index].1;
    }
    let members = object_members(node, parents, path)?;
    match members.iter_mut().find(|(k, _)| k == last) {
        Some((_, slot)) => *slot = value,
        None => members.push((last.clone(), value)),
    }
    Ok(())
}

/// Removes `path` from the tree; whether it was there.
pub(crate) fn unset(root: &mut Node, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut node = root;
    for seg in parents {
        let Node::Object(members) = node else {
            return false;
        };
        match members.iter_mut().find(|(k, _)| k == seg) {
            Some((_, child)) => node = child,
            None => return false,
        }
    }
    let Node::Object(members) = node else {
        return false;
    };
    let before = members.len();
    members.retain(|(k, _)| k != last);
    members.len() != before
}

/// The members of the object at `at`, turning a `null` into an empty object.
fn object_members<'n>(
    node: &'n mut Node,
    at: &[String],
    full: &[String],
) -> Result<&'n mut Vec<(String, Node)>, ConfigError> {
    if matches!(node, Node::Null) {
        *node = Node::Object(Vec::new());
    }
    match node {
        Node::Object(members) => Ok(members),
        _ => Err(ConfigError::NotAnObject {
            file: None,
            key: keypath::display(at),
            child: keypath::display(full),
        }),
    }
}

/// The YAML text of a tree.
pub(crate) fn to_text(root: &Node, file: &std::path::Path) -> Result<String, ConfigError> {
    serde_yaml_ng::to_string(root).map_err(|e| ConfigError::Write {
        path: file.to_path_buf(),
        reason: e.to_string(),
    })
}
