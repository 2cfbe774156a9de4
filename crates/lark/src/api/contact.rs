//! `contact/v3` users: who an open id is (name, English name, avatar, status).
//!
//! - `GET /contact/v3/users/:user_id?user_id_type=` → `data.user`;
//! - `GET /contact/v3/users/batch?user_ids=a&user_ids=b&user_id_type=` → `data.items` (the key
//!   repeats; at most 50 ids a call by the platform's docs, so longer lists are split).
//!
//! The app needs a contact scope (`contact:contact.base:readonly` or an alternative), else the
//! platform answers 99991672 and [`crate::ApiError::permission_violations`] lists the scopes that
//! would do. `name`, `en_name` and `avatar` come only with `contact:user.base:readonly`; without
//! it they are `None`. An id naming no user fails the call (99992351, or 99992360 for user ids),
//! in a batch for every id of it.

use serde::Deserialize;

use crate::error::Result;
use crate::http::{Client, Req};
use crate::model::{OpenId, UnionId, UserId};
use crate::routes::Route;

/// The most ids one batch call carries.
pub const BATCH_LIMIT: usize = 50;

/// Which kind of id names the users of a call (`user_id_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UserIdType {
    /// `ou_...`, the user's id within this app (the platform's default).
    #[default]
    OpenId,
    /// `on_...`, the same for every app of one developer.
    UnionId,
    /// The tenant-wide user id (reading it needs `contact:user.employee_id:readonly`).
    UserId,
}

impl UserIdType {
    pub fn as_str(self) -> &'static str {
        match self {
            UserIdType::OpenId => "open_id",
            UserIdType::UnionId => "union_id",
            UserIdType::UserId => "user_id",
        }
    }
}

/// A user's avatar in four sizes.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Avatar {
    pub avatar_72: String,
    pub avatar_240: String,
    pub avatar_640: String,
    pub avatar_origin: String,
}

/// Where a user stands in the tenant.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct UserStatus {
    pub is_frozen: bool,
    pub is_resigned: bool,
    pub is_activated: bool,
    pub is_exited: bool,
    pub is_unjoin: bool,
}

/// A user of the tenant as `contact/v3` answers it. Ids the answer lacks are empty.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct User {
    pub open_id: OpenId,
    pub union_id: UnionId,
    pub user_id: UserId,
    /// `None` when the app lacks `contact:user.base:readonly`.
    pub name: Option<String>,
    pub en_name: Option<String>,
    pub avatar: Option<Avatar>,
    pub status: UserStatus,
}

impl User {
    /// The name to show: `name`, else `en_name`; `None` when neither is known.
    pub fn display_name(&self) -> Option<&str> {
        [&self.name, &self.en_name]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .find(|s| !s.is_empty())
    }
}

#[derive(Deserialize)]
struct GetAnswer {
    #[serde(default)]
    user: User,
}

#[derive(Deserialize)]
struct BatchAnswer {
    #[serde(default, deserialize_with = "super::de::null_as_default")]
    items: Vec<User>,
}

impl Client {
    /// The user `id` (of kind `id_type`).
    pub async fn get_user(&self, id: &str, id_type: UserIdType) -> Result<User> {
        let req = Req::route(Route::ContactUserGet {
            user_id: id.to_owned(),
        })
        .query("user_id_type", id_type.as_str());
        let a: GetAnswer = self.call(req).await?;
        Ok(a.user)
    }

    /// The users `ids` (of kind `id_type`), in the platform's order, [`BATCH_LIMIT`] per call.
    /// No ids, no call.
    pub async fn get_users_batch<S: AsRef<str>>(
        &self,
        ids: &[S],
        id_type: UserIdType,
    ) -> Result<Vec<User>> {
        let mut users = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH_LIMIT) {
            let mut req = Req::route(Route::ContactUserBatch);
            for id in chunk {
                req = req.query("user_ids", id.as_ref());
            }
            let a: BatchAnswer = self
                .call(req.query("user_id_type", id_type.as_str()))
                .await?;
            users.extend(a.items);
        }
        Ok(users)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_user_and_one_without_the_base_scope() {
        let full: User = serde_json::from_value(serde_json::json!({
            "open_id": "ou_1", "union_id": "on_1", "user_id": "u1", "name": "Ada",
            "en_name": "Ada L", "avatar": {"avatar_72": "a72", "avatar_240": "a240",
            "avatar_640": "a640", "avatar_origin": "ao"},
            "status": {"is_frozen": false, "is_activated": true}, "department_ids": ["0"],
        }))
        .unwrap();
        assert_eq!(full.open_id.as_str(), "ou_1");
        assert_eq!(full.display_name(), Some("Ada"));
        assert_eq!(full.avatar.unwrap().avatar_72, "a72");
        assert!(full.status.is_activated);

        let bare: User = serde_json::from_value(serde_json::json!({"open_id": "ou_2"})).unwrap();
        assert_eq!(bare.name, None);
        assert_eq!(bare.display_name(), None);
        let en: User =
            serde_json::from_value(serde_json::json!({"name": " ", "en_name": "Bo"})).unwrap();
        assert_eq!(en.display_name(), Some("Bo"));
    }
}
