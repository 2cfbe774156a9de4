//! The rules of `policy.rs`, one case per rule.

use openclaw_config::Format;

use super::*;

fn account(lark: &str) -> Account {
    let text =
        format!(r#"{{ channels: {{ lark: {{ appId: "cli_a", appSecret: "s", {lark} }} }} }}"#);
    let config = openclaw_config::parse(&text, Format::Json5, &|_| None, std::path::Path::new("."))
        .unwrap_or_else(|e| panic!("{e}"));
    config.lark.accounts.into_iter().next().unwrap()
}

fn dm(sender: &str) -> Facts<'_> {
    Facts {
        is_dm: true,
        chat_id: "oc_dm",
        sender_ids: vec![sender],
        mentions_bot: false,
    }
}

fn group<'a>(chat: &'a str, sender: &'a str, mentions_bot: bool) -> Facts<'a> {
    Facts {
        is_dm: false,
        chat_id: chat,
        sender_ids: vec![sender],
        mentions_bot,
    }
}

#[test]
fn dm_policies_follow_the_channel_document() {
    // Default: pairing, with the allowlist let straight in.
    let a = account(r#"allowFrom: ["ou_known"]"#);
    assert_eq!(judge(&a, &dm("ou_known")), Verdict::Admit);
    assert_eq!(judge(&a, &dm("ou_new")), Verdict::Pairing);
    let a = account(r#"dmPolicy: "open""#);
    assert_eq!(judge(&a, &dm("ou_anyone")), Verdict::Admit);
    let a = account(r#"dmPolicy: "allowlist", allowFrom: ["ou_trusted_user"]"#);
    assert_eq!(judge(&a, &dm("ou_trusted_user")), Verdict::Admit);
    assert_eq!(
        judge(&a, &dm("ou_other")),
        Verdict::Refuse("dm sender not in allowFrom")
    );
    let a = account(r#"dmPolicy: "disabled", allowFrom: ["ou_trusted_user"]"#);
    assert_eq!(
        judge(&a, &dm("ou_trusted_user")),
        Verdict::Refuse("dm disabled")
    );
}

#[test]
fn group_policies_and_mentions() {
    // Default: allowlist, mention required.
    let a = account(r#"groupAllowFrom: ["ou_allowed_user_1"]"#);
    assert_eq!(
        judge(&a, &group("oc_g", "ou_allowed_user_1", true)),
        Verdict::Admit
    );
    assert_eq!(
        judge(&a, &group("oc_g", "ou_allowed_user_1", false)),
        Verdict::Refuse("bot not mentioned")
    );
    assert_eq!(
        judge(&a, &group("oc_g", "ou_stranger", true)),
        Verdict::Refuse("sender not in groupAllowFrom")
    );
    // A chat id in groupAllowFrom admits the whole group.
    let a = account(r#"groupAllowFrom: ["oc_team"]"#);
    assert_eq!(judge(&a, &group("oc_team", "ou_any", true)), Verdict::Admit);
    let a = account(r#"groupPolicy: "open""#);
    assert_eq!(judge(&a, &group("oc_g", "ou_any", true)), Verdict::Admit);
    let a = account(r#"groupPolicy: "disabled", groupAllowFrom: ["*"]"#);
    assert_eq!(
        judge(&a, &group("oc_g", "ou_any", true)),
        Verdict::Refuse("groups disabled")
    );
}

#[test]
fn per_group_settings_override_the_account() {
    let a = account(
        r#"groupPolicy: "open",
           groups: {
             "oc_quiet": { requireMention: false },
             "oc_off": { enabled: false },
             "oc_few": { allowFrom: ["ou_a"] },
           }"#,
    );
    assert_eq!(
        judge(&a, &group("oc_quiet", "ou_any", false)),
        Verdict::Admit
    );
    assert_eq!(
        judge(&a, &group("oc_other", "ou_any", false)),
        Verdict::Refuse("bot not mentioned")
    );
    assert_eq!(
        judge(&a, &group("oc_off", "ou_any", true)),
        Verdict::Refuse("group disabled")
    );
    assert_eq!(judge(&a, &group("oc_few", "ou_a", true)), Verdict::Admit);
    assert_eq!(
        judge(&a, &group("oc_few", "ou_b", true)),
        Verdict::Refuse("sender not in the group's allowFrom")
    );
    // The account-level switch.
    let a = account(r#"groupPolicy: "open", requireMention: false"#);
    assert_eq!(judge(&a, &group("oc_g", "ou_any", false)), Verdict::Admit);
}

#[test]
fn group_sender_allow_from_limits_who_triggers_the_bot_unless_the_group_lists_its_own() {
    let a = account(
        r#"groupPolicy: "open", requireMention: false, groupSenderAllowFrom: ["ou_lead"],
           groups: { oc_own: { allowFrom: ["ou_member"] } }"#,
    );
    assert_eq!(
        judge(&a, &group("oc_any", "ou_lead", false)),
        Verdict::Admit
    );
    assert_eq!(
        judge(&a, &group("oc_any", "ou_member", false)),
        Verdict::Refuse("sender not in groupSenderAllowFrom")
    );
    // The group's own allowFrom wins over groupSenderAllowFrom.
    assert_eq!(
        judge(&a, &group("oc_own", "ou_member", false)),
        Verdict::Admit
    );
    // Under allowlist it admits no group by itself.
    let a = account(
        r#"groupPolicy: "allowlist", requireMention: false, groupAllowFrom: ["oc_ok"], groupSenderAllowFrom: ["ou_lead"]"#,
    );
    assert_eq!(judge(&a, &group("oc_ok", "ou_lead", false)), Verdict::Admit);
    assert_eq!(
        judge(&a, &group("oc_other", "ou_lead", false)),
        Verdict::Refuse("sender not in groupAllowFrom")
    );
    assert_eq!(
        judge(&a, &group("oc_ok", "ou_member", false)),
        Verdict::Refuse("sender not in groupSenderAllowFrom")
    );
}

#[test]
fn a_dm_sender_disabled_in_dms_is_refused_whatever_the_policy() {
    let a = account(
        r#"dmPolicy: "open", allowFrom: ["*"], dms: { ou_muted: { enabled: false }, ou_other: { systemPrompt: "Be brief." } }"#,
    );
    assert_eq!(
        judge(&a, &dm("ou_muted")),
        Verdict::Refuse("dm sender disabled in dms")
    );
    assert_eq!(judge(&a, &dm("ou_other")), Verdict::Admit);
    assert_eq!(
        dm_config(&a, &["ou_other"]).and_then(|d| d.system_prompt.as_deref()),
        Some("Be brief.")
    );
}
