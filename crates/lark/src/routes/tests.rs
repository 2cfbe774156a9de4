//! The exact method and path of every route.

use super::*;

#[test]
fn paths() {
    let cases = [
        (
            Route::TenantAccessToken,
            "POST",
            "/open-apis/auth/v3/tenant_access_token/internal",
        ),
        (
            Route::AppAccessToken,
            "POST",
            "/open-apis/auth/v3/app_access_token/internal",
        ),
        (Route::WsEndpoint, "POST", "/callback/ws/endpoint"),
        (Route::BotInfo, "GET", "/open-apis/bot/v3/info"),
        (Route::MessageCreate, "POST", "/open-apis/im/v1/messages"),
        (Route::MessageList, "GET", "/open-apis/im/v1/messages"),
        (
            Route::MessageGet {
                message_id: "MESSAGE_ID".into(),
            },
            "GET",
            "/open-apis/im/v1/messages/MESSAGE_ID",
        ),
        (
            Route::MessageReply {
                message_id: "MESSAGE_ID".into(),
            },
            "POST",
            "/open-apis/im/v1/messages/MESSAGE_ID/reply",
        ),
        (
            Route::MessageUpdate {
                message_id: "MESSAGE_ID".into(),
            },
            "PUT",
            "/open-apis/im/v1/messages/MESSAGE_ID",
        ),
        (
            Route::MessagePatch {
                message_id: "MESSAGE_ID".into(),
            },
            "PATCH",
            "/open-apis/im/v1/messages/MESSAGE_ID",
        ),
        (
            Route::MessageDelete {
                message_id: "MESSAGE_ID".into(),
            },
            "DELETE",
            "/open-apis/im/v1/messages/MESSAGE_ID",
        ),
        (
            Route::MessageResource {
                message_id: "MESSAGE_ID".into(),
                file_key: "FILE_KEY".into(),
            },
            "GET",
            "/open-apis/im/v1/messages/MESSAGE_ID/resources/FILE_KEY",
        ),
        (
            Route::ReactionCreate {
                message_id: "MESSAGE_ID".into(),
            },
            "POST",
            "/open-apis/im/v1/messages/MESSAGE_ID/reactions",
        ),
        (
            Route::ReactionList {
                message_id: "MESSAGE_ID".into(),
            },
            "GET",
            "/open-apis/im/v1/messages/MESSAGE_ID/reactions",
        ),
        (
            Route::ReactionDelete {
                message_id: "MESSAGE_ID".into(),
                reaction_id: "REACTION_ID".into(),
            },
            "DELETE",
            "/open-apis/im/v1/messages/MESSAGE_ID/reactions/REACTION_ID",
        ),
        (Route::PinCreate, "POST", "/open-apis/im/v1/pins"),
        (Route::PinList, "GET", "/open-apis/im/v1/pins"),
        (
            Route::PinDelete {
                message_id: "MESSAGE_ID".into(),
            },
            "DELETE",
            "/open-apis/im/v1/pins/MESSAGE_ID",
        ),
        (
            Route::ChatGet {
                chat_id: "CHAT_ID".into(),
            },
            "GET",
            "/open-apis/im/v1/chats/CHAT_ID",
        ),
        (
            Route::ChatMembers {
                chat_id: "CHAT_ID".into(),
            },
            "GET",
            "/open-apis/im/v1/chats/CHAT_ID/members",
        ),
        (Route::ImageCreate, "POST", "/open-apis/im/v1/images"),
        (Route::FileCreate, "POST", "/open-apis/im/v1/files"),
        (Route::CardCreate, "POST", "/open-apis/cardkit/v1/cards"),
        (
            Route::CardUpdate {
                card_id: "CARD_ID".into(),
            },
            "PUT",
            "/open-apis/cardkit/v1/cards/CARD_ID",
        ),
        (
            Route::CardSettings {
                card_id: "CARD_ID".into(),
            },
            "PATCH",
            "/open-apis/cardkit/v1/cards/CARD_ID/settings",
        ),
        (
            Route::CardBatchUpdate {
                card_id: "CARD_ID".into(),
            },
            "POST",
            "/open-apis/cardkit/v1/cards/CARD_ID/batch_update",
        ),
        (
            Route::CardElementCreate {
                card_id: "CARD_ID".into(),
            },
            "POST",
            "/open-apis/cardkit/v1/cards/CARD_ID/elements",
        ),
        (
            Route::CardElementUpdate {
                card_id: "CARD_ID".into(),
                element_id: "ELEMENT_ID".into(),
            },
            "PUT",
            "/open-apis/cardkit/v1/cards/CARD_ID/elements/ELEMENT_ID",
        ),
        (
            Route::CardElementPatch {
                card_id: "CARD_ID".into(),
                element_id: "ELEMENT_ID".into(),
            },
            "PATCH",
            "/open-apis/cardkit/v1/cards/CARD_ID/elements/ELEMENT_ID",
        ),
        (
            Route::CardElementDelete {
                card_id: "CARD_ID".into(),
                element_id: "ELEMENT_ID".into(),
            },
            "DELETE",
            "/open-apis/cardkit/v1/cards/CARD_ID/elements/ELEMENT_ID",
        ),
        (
            Route::CardElementContent {
                card_id: "CARD_ID".into(),
                element_id: "ELEMENT_ID".into(),
            },
            "PUT",
            "/open-apis/cardkit/v1/cards/CARD_ID/elements/ELEMENT_ID/content",
        ),
        (
            Route::DocumentCreate,
            "POST",
            "/open-apis/docx/v1/documents",
        ),
        (
            Route::DocumentGet {
                document_id: "DOCUMENT_ID".into(),
            },
            "GET",
            "/open-apis/docx/v1/documents/DOCUMENT_ID",
        ),
        (
            Route::DocumentRawContent {
                document_id: "DOCUMENT_ID".into(),
            },
            "GET",
            "/open-apis/docx/v1/documents/DOCUMENT_ID/raw_content",
        ),
        (
            Route::BlockList {
                document_id: "DOCUMENT_ID".into(),
            },
            "GET",
            "/open-apis/docx/v1/documents/DOCUMENT_ID/blocks",
        ),
        (
            Route::BlockGet {
                document_id: "DOCUMENT_ID".into(),
                block_id: "BLOCK_ID".into(),
            },
            "GET",
            "/open-apis/docx/v1/documents/DOCUMENT_ID/blocks/BLOCK_ID",
        ),
        (
            Route::BlockChildrenCreate {
                document_id: "DOCUMENT_ID".into(),
                block_id: "BLOCK_ID".into(),
            },
            "POST",
            "/open-apis/docx/v1/documents/DOCUMENT_ID/blocks/BLOCK_ID/children",
        ),
        (
            Route::BlockChildrenBatchDelete {
                document_id: "DOCUMENT_ID".into(),
                block_id: "BLOCK_ID".into(),
            },
            "DELETE",
            "/open-apis/docx/v1/documents/DOCUMENT_ID/blocks/BLOCK_ID/children/batch_delete",
        ),
        (
            Route::BlockBatchUpdate {
                document_id: "DOCUMENT_ID".into(),
            },
            "PATCH",
            "/open-apis/docx/v1/documents/DOCUMENT_ID/blocks/batch_update",
        ),
        (
            Route::MediaUploadAll,
            "POST",
            "/open-apis/drive/v1/medias/upload_all",
        ),
        (
            Route::MediaUploadPrepare,
            "POST",
            "/open-apis/drive/v1/medias/upload_prepare",
        ),
        (
            Route::MediaUploadPart,
            "POST",
            "/open-apis/drive/v1/medias/upload_part",
        ),
        (
            Route::MediaUploadFinish,
            "POST",
            "/open-apis/drive/v1/medias/upload_finish",
        ),
        (
            Route::MediaDownload {
                file_token: "FILE_TOKEN".into(),
            },
            "GET",
            "/open-apis/drive/v1/medias/FILE_TOKEN/download",
        ),
        (
            Route::FileUploadAll,
            "POST",
            "/open-apis/drive/v1/files/upload_all",
        ),
        (
            Route::FileUploadPrepare,
            "POST",
            "/open-apis/drive/v1/files/upload_prepare",
        ),
        (
            Route::FileUploadPart,
            "POST",
            "/open-apis/drive/v1/files/upload_part",
        ),
        (
            Route::FileUploadFinish,
            "POST",
            "/open-apis/drive/v1/files/upload_finish",
        ),
        (
            Route::FileDownload {
                file_token: "FILE_TOKEN".into(),
            },
            "GET",
            "/open-apis/drive/v1/files/FILE_TOKEN/download",
        ),
        (
            Route::PermissionMemberCreate {
                token: "TOKEN".into(),
            },
            "POST",
            "/open-apis/drive/v1/permissions/TOKEN/members",
        ),
        (
            Route::PermissionMemberList {
                token: "TOKEN".into(),
            },
            "GET",
            "/open-apis/drive/v1/permissions/TOKEN/members",
        ),
        (
            Route::PermissionMemberDelete {
                token: "TOKEN".into(),
                member_id: "MEMBER_ID".into(),
            },
            "DELETE",
            "/open-apis/drive/v1/permissions/TOKEN/members/MEMBER_ID",
        ),
        (
            Route::DocWikiSearch,
            "POST",
            "/open-apis/search/v2/doc_wiki/search",
        ),
        (
            Route::DocsSearchLegacy,
            "POST",
            "/open-apis/suite/docs-api/search/object",
        ),
        (
            Route::SpreadsheetCreate,
            "POST",
            "/open-apis/sheets/v3/spreadsheets",
        ),
        (
            Route::SpreadsheetGet {
                token: "TOKEN".into(),
            },
            "GET",
            "/open-apis/sheets/v3/spreadsheets/TOKEN",
        ),
        (
            Route::SheetsQuery {
                token: "TOKEN".into(),
            },
            "GET",
            "/open-apis/sheets/v3/spreadsheets/TOKEN/sheets/query",
        ),
        (
            Route::ValuesGet {
                token: "TOKEN".into(),
                range: "RANGE".into(),
            },
            "GET",
            "/open-apis/sheets/v2/spreadsheets/TOKEN/values/RANGE",
        ),
        (
            Route::ValuesPut {
                token: "TOKEN".into(),
            },
            "PUT",
            "/open-apis/sheets/v2/spreadsheets/TOKEN/values",
        ),
        (
            Route::ValuesAppend {
                token: "TOKEN".into(),
            },
            "POST",
            "/open-apis/sheets/v2/spreadsheets/TOKEN/values_append",
        ),
        (
            Route::BitableAppCreate,
            "POST",
            "/open-apis/bitable/v1/apps",
        ),
        (
            Route::BitableAppGet {
                app_token: "APP_TOKEN".into(),
            },
            "GET",
            "/open-apis/bitable/v1/apps/APP_TOKEN",
        ),
        (
            Route::BitableTableList {
                app_token: "APP_TOKEN".into(),
            },
            "GET",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables",
        ),
        (
            Route::BitableTableCreate {
                app_token: "APP_TOKEN".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables",
        ),
        (
            Route::BitableFieldList {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "GET",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/fields",
        ),
        (
            Route::BitableFieldCreate {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/fields",
        ),
        (
            Route::BitableFieldUpdate {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
                field_id: "FIELD_ID".into(),
            },
            "PUT",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/fields/FIELD_ID",
        ),
        (
            Route::BitableFieldDelete {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
                field_id: "FIELD_ID".into(),
            },
            "DELETE",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/fields/FIELD_ID",
        ),
        (
            Route::BitableRecordList {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "GET",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records",
        ),
        (
            Route::BitableRecordSearch {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records/search",
        ),
        (
            Route::BitableRecordCreate {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records",
        ),
        (
            Route::BitableRecordUpdate {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
                record_id: "RECORD_ID".into(),
            },
            "PUT",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records/RECORD_ID",
        ),
        (
            Route::BitableRecordDelete {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
                record_id: "RECORD_ID".into(),
            },
            "DELETE",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records/RECORD_ID",
        ),
        (
            Route::BitableRecordBatchCreate {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records/batch_create",
        ),
        (
            Route::BitableRecordBatchUpdate {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records/batch_update",
        ),
        (
            Route::BitableRecordBatchDelete {
                app_token: "APP_TOKEN".into(),
                table_id: "TABLE_ID".into(),
            },
            "POST",
            "/open-apis/bitable/v1/apps/APP_TOKEN/tables/TABLE_ID/records/batch_delete",
        ),
        (
            Route::ContactUserGet {
                user_id: "USER_ID".into(),
            },
            "GET",
            "/open-apis/contact/v3/users/USER_ID",
        ),
        (
            Route::ContactUserBatch,
            "GET",
            "/open-apis/contact/v3/users/batch",
        ),
    ];
    for (route, method, path) in cases {
        assert_eq!(route.method().as_str(), method, "{route:?}");
        assert_eq!(route.path(), path, "{route:?}");
    }
}

#[test]
fn segments_cannot_change_the_path_shape() {
    assert_eq!(seg("om_1/../x"), "om_1%2F..%2Fx");
    assert_eq!(seg("shtA!A1:C3"), "shtA!A1:C3");
    assert_eq!(seg("a b?c"), "a%20b%3Fc");
}
