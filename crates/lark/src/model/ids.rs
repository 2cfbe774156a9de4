//! Typed ids, so that one kind of id cannot be passed where another is expected.
//!
//! The platform's ids are strings with a kind prefix: `oc_` chat, `ou_` open id, `on_` union id,
//! `om_` message, `omt_` thread, `cli_` app. The newtypes accept any string (the platform's docs do
//! not promise the prefixes for every tenant), and [`ReceiveId::infer`] uses the prefixes to pick the
//! `receive_id_type` of a send.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A chat (`oc_...`).
    ChatId
);
id_type!(
    /// A user's open id within one app (`ou_...`).
    OpenId
);
id_type!(
    /// A user's union id across the apps of one developer (`on_...`).
    UnionId
);
id_type!(
    /// A user's tenant-wide user id.
    UserId
);
id_type!(
    /// A message (`om_...`).
    MessageId
);
id_type!(
    /// A thread (`omt_...`).
    ThreadId
);
id_type!(
    /// An app (`cli_...`).
    AppId
);
id_type!(
    /// An uploaded image (`img_...`).
    ImageKey
);
id_type!(
    /// An uploaded file, audio or video (`file_...`).
    FileKey
);
id_type!(
    /// A wiki space (digits, sent as a string).
    WikiSpaceId
);
id_type!(
    /// A node of a wiki tree (the token in `/wiki/<token>` links).
    WikiNodeToken
);
id_type!(
    /// A comment thread of a document.
    CommentId
);
id_type!(
    /// One reply in a comment thread (the first reply is the comment's own text).
    ReplyId
);

/// The `receive_id_type` of a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiveIdType {
    ChatId,
    OpenId,
    UnionId,
    UserId,
    Email,
}

impl ReceiveIdType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiveIdType::ChatId => "chat_id",
            ReceiveIdType::OpenId => "open_id",
            ReceiveIdType::UnionId => "union_id",
            ReceiveIdType::UserId => "user_id",
            ReceiveIdType::Email => "email",
        }
    }
}

/// Where a message goes: an id and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveId {
    pub id: String,
    pub kind: ReceiveIdType,
}

impl ReceiveId {
    /// Infers the kind from the id: `oc_` chat, `ou_` open id, `on_` union id, an e-mail address,
    /// else a user id. A `chat:`/`user:` prefix (as agents write targets) is accepted and dropped.
    pub fn infer(target: &str) -> ReceiveId {
        let id = target.trim();
        let id = id
            .strip_prefix("chat:")
            .or_else(|| id.strip_prefix("user:"))
            .unwrap_or(id)
            .trim();
        let kind = if id.starts_with("oc_") {
            ReceiveIdType::ChatId
        } else if id.starts_with("ou_") {
            ReceiveIdType::OpenId
        } else if id.starts_with("on_") {
            ReceiveIdType::UnionId
        } else if id.contains('@') {
            ReceiveIdType::Email
        } else {
            ReceiveIdType::UserId
        };
        ReceiveId {
            id: id.to_owned(),
            kind,
        }
    }
}

impl From<&ChatId> for ReceiveId {
    fn from(c: &ChatId) -> Self {
        ReceiveId {
            id: c.0.clone(),
            kind: ReceiveIdType::ChatId,
        }
    }
}

impl From<&OpenId> for ReceiveId {
    fn from(o: &OpenId) -> Self {
        ReceiveId {
            id: o.0.clone(),
            kind: ReceiveIdType::OpenId,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receive_id_type_is_inferred_from_the_prefix() {
        let cases = [
            ("oc_62f0", ReceiveIdType::ChatId),
            ("chat:oc_62f0", ReceiveIdType::ChatId),
            ("ou_686b", ReceiveIdType::OpenId),
            ("on_8ed6", ReceiveIdType::UnionId),
            ("ada@example.com", ReceiveIdType::Email),
            ("e33ggbyz", ReceiveIdType::UserId),
        ];
        for (input, kind) in cases {
            assert_eq!(ReceiveId::infer(input).kind, kind, "{input}");
        }
        assert_eq!(ReceiveId::infer("chat:oc_62f0").id, "oc_62f0");
    }
}
