//! `contact/v3` users against lark-sim: one user, a batch, an unknown id, a missing scope (with
//! the scopes in `permission_violations`) and a missing field scope (no name).

mod api_common;

use api_common::*;
use lark::api::contact::UserIdType;
use lark_sim::{ScopeChange, UserSpec};

#[tokio::test]
async fn gets_a_chat_member_by_open_union_and_user_id() {
    let (sim, client) = setup().await;
    group(&sim);
    let ada = client.get_user("ou_ada", UserIdType::OpenId).await.unwrap();
    assert_eq!(ada.open_id.as_str(), "ou_ada");
    assert_eq!(ada.display_name(), Some("Ada"));
    assert!(ada.status.is_activated && !ada.status.is_resigned);
    assert!(!ada.avatar.as_ref().unwrap().avatar_72.is_empty());

    let by_union = client
        .get_user(ada.union_id.as_str(), UserIdType::UnionId)
        .await
        .unwrap();
    assert_eq!(by_union.open_id, ada.open_id);
    let by_user = client
        .get_user(ada.user_id.as_str(), UserIdType::UserId)
        .await
        .unwrap();
    assert_eq!(by_user.open_id, ada.open_id);

    let calls = sim.state().calls(APP);
    assert!(
        calls
            .iter()
            .any(|c| c.path == "/open-apis/contact/v3/users/ou_ada" && c.code == Some(0)),
        "{calls:?}"
    );
}

#[tokio::test]
async fn a_renamed_user_and_a_batch() {
    let (sim, client) = setup().await;
    group(&sim);
    sim.state()
        .set_user(
            APP,
            UserSpec {
                en_name: Some("Carol C".into()),
                ..UserSpec::new("ou_carol", "Carol")
            },
        )
        .unwrap();
    sim.state()
        .set_user(APP, UserSpec::new("ou_bob", "Robert"))
        .unwrap();
    let users = client
        .get_users_batch(&["ou_ada", "ou_bob", "ou_carol"], UserIdType::OpenId)
        .await
        .unwrap();
    let names: Vec<_> = users.iter().map(|u| u.display_name().unwrap()).collect();
    assert_eq!(names, ["Ada", "Robert", "Carol"]);
    assert_eq!(users[2].en_name.as_deref(), Some("Carol C"));

    let none: Vec<String> = Vec::new();
    assert!(
        client
            .get_users_batch(&none, UserIdType::OpenId)
            .await
            .unwrap()
            .is_empty()
    );
    // More than one call's worth is split.
    let many: Vec<String> = (0..60).map(|i| format!("ou_u{i}")).collect();
    for id in &many {
        sim.state().set_user(APP, UserSpec::new(id, id)).unwrap();
    }
    assert_eq!(
        client
            .get_users_batch(&many, UserIdType::OpenId)
            .await
            .unwrap()
            .len(),
        60
    );
}

#[tokio::test]
async fn an_unknown_user_is_the_platforms_invalid_id_error() {
    let (sim, client) = setup().await;
    group(&sim);
    let err = client
        .get_user("ou_nobody", UserIdType::OpenId)
        .await
        .unwrap_err();
    let api = err.api().expect("a platform error");
    assert_eq!((api.code, api.http_status), (99992351, 400), "{err}");
    let err = client
        .get_users_batch(&["ou_ada", "ou_nobody"], UserIdType::OpenId)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(99992351), "{err}");
    let err = client
        .get_user("nobody", UserIdType::UserId)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(99992360), "{err}");
}

#[tokio::test]
async fn a_missing_scope_names_the_scopes_that_would_do() {
    let (sim, client) = setup().await;
    group(&sim);
    sim.state()
        .set_scopes(
            APP,
            ScopeChange {
                contact: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    let err = client
        .get_user("ou_ada", UserIdType::OpenId)
        .await
        .unwrap_err();
    let api = err.api().expect("a platform error");
    assert_eq!((api.code, api.http_status), (99991672, 400));
    let scopes: Vec<&str> = api
        .permission_violations
        .iter()
        .map(|v| v.subject.as_str())
        .collect();
    assert!(
        scopes.contains(&"contact:contact.base:readonly"),
        "{scopes:?}"
    );
    assert!(
        api.permission_violations
            .iter()
            .all(|v| v.kind == "action_scope_required")
    );
    assert!(
        err.to_string().contains("contact:contact.base:readonly"),
        "{err}"
    );
    let err = client
        .get_users_batch(&["ou_ada"], UserIdType::OpenId)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(99991672));

    // With the API scope back but without contact:user.base:readonly: users come, names do not.
    sim.state()
        .set_scopes(
            APP,
            ScopeChange {
                contact: Some(true),
                user_base: Some(false),
            },
        )
        .unwrap();
    let ada = client.get_user("ou_ada", UserIdType::OpenId).await.unwrap();
    assert_eq!(ada.open_id.as_str(), "ou_ada");
    assert_eq!((ada.name.as_deref(), ada.display_name()), (None, None));
    assert!(ada.avatar.is_none());
}
