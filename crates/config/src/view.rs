//! Read access to one object of a schema-checked tree, remembering its dotted path so that rules
//! beyond the schema (conflicts, missing companions) can name keys in full. Values were already
//! checked against the schema, so a getter that finds another type simply answers `None`
//! instead of failing.

use crate::keypath;
use crate::tree::Node;

#[derive(Debug, Clone)]
pub(crate) struct Obj<'a> {
    members: &'a [(String, Node)],
    path: Vec<String>,
}

impl<'a> Obj<'a> {
    /// The root object (any other value reads as an empty object).
    pub(crate) fn root(node: &'a Node) -> Obj<'a> {
        Obj::at(node, Vec::new())
    }

    fn at(node: &'a Node, path: Vec<String>) -> Obj<'a> {
        let members = match node {
            Node::Object(members) => members.as_slice(),
            _ => &[],
        };
        Obj { members, path }
    }

    /// The full dotted path of a key of this object.
    pub(crate) fn key(&self, key: &str) -> String {
        let mut full = self.path.clone();
        full.push(key.to_owned());
        keypath::display(&full)
    }

    /// A member that is set (present and not `null`).
    pub(crate) fn get(&self, key: &str) -> Option<&'a Node> {
        self.members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Node::Null))
    }

    pub(crate) fn str(&self, key: &str) -> Option<&'a str> {
        match self.get(key)? {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// A string with surrounding whitespace removed; blank counts as not set.
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        self.str(key)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn u64(&self, key: &str) -> Option<u64> {
        match self.get(key)? {
            Node::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub(crate) fn f64(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            Node::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub(crate) fn strings(&self, key: &str) -> Option<Vec<String>> {
        match self.get(key)? {
            Node::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|item| match item {
                        Node::String(s) => Some(s.clone()),
                        // OpenClaw allows numeric ids in allow lists.
                        Node::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// A nested object; empty when absent.
    pub(crate) fn obj(&self, key: &str) -> Obj<'a> {
        let mut path = self.path.clone();
        path.push(key.to_owned());
        match self.get(key) {
            Some(node) => Obj::at(node, path),
            None => Obj { members: &[], path },
        }
    }

    /// The members whose values are strings, in file order (`env` maps).
    pub(crate) fn string_members(&self) -> Vec<(&'a str, &'a str)> {
        self.members
            .iter()
            .filter_map(|(k, v)| match v {
                Node::String(s) => Some((k.as_str(), s.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The set members of a map-like object (`accounts`, `groups`), in file order.
    pub(crate) fn entries(&self) -> Vec<(&'a str, Obj<'a>)> {
        self.members
            .iter()
            .filter(|(_, v)| !matches!(v, Node::Null))
            .map(|(k, v)| {
                let mut path = self.path.clone();
                path.push(k.clone());
                (k.as_str(), Obj::at(v, path))
            })
            .collect()
    }
}
