//! A user as `contact/v3` answers it: ids, names, avatar and status. Without
//! `contact:user.base:readonly` the names and the avatar are left out, as the platform does.

use serde_json::{Map, Value, json};

use super::IdType;
use crate::im::store::{ImStore, User};

/// The user a request names, by the request's id type.
pub fn find<'a>(store: &'a ImStore, kind: IdType, id: &str) -> Option<&'a User> {
    match kind {
        IdType::OpenId => store.users.get(id),
        IdType::UnionId => store.users.values().find(|u| u.union_id == id),
        IdType::UserId => store.users.values().find(|u| u.user_id == id),
    }
}

/// The avatar links of a user (the simulator serves no images; the links only have their shape).
fn avatar(open_id: &str) -> Value {
    let url = |size: &str| format!("https://lark-sim.invalid/avatar/{open_id}/{size}.png");
    json!({
        "avatar_72": url("72x72"),
        "avatar_240": url("240x240"),
        "avatar_640": url("640x640"),
        "avatar_origin": url("origin"),
    })
}

/// `data.user` / an item of `data.items`.
pub fn user(u: &User, user_base: bool) -> Value {
    let mut m = Map::new();
    m.insert("open_id".into(), u.open_id.clone().into());
    m.insert("union_id".into(), u.union_id.clone().into());
    m.insert("user_id".into(), u.user_id.clone().into());
    if user_base {
        m.insert("name".into(), u.name.clone().into());
        m.insert("en_name".into(), u.en_name.clone().into());
        m.insert("nickname".into(), "".into());
        m.insert("avatar".into(), avatar(&u.open_id));
    }
    m.insert("email".into(), u.email.clone().into());
    m.insert(
        "status".into(),
        json!({
            "is_frozen": false,
            "is_resigned": false,
            "is_activated": true,
            "is_exited": false,
            "is_unjoin": false,
        }),
    );
    m.insert("department_ids".into(), json!(["0"]));
    Value::Object(m)
}
