//! Each route's path below the base URL (its method is beside the enum in `routes.rs`).

use super::{Route, seg};

impl Route {
    /// The path below the base URL.
    pub fn path(&self) -> String {
        match self {
            Route::Workspace(r) => r.path(),
            Route::TenantAccessToken => "/open-apis/auth/v3/tenant_access_token/internal".into(),
            Route::AppAccessToken => "/open-apis/auth/v3/app_access_token/internal".into(),
            Route::WsEndpoint => "/callback/ws/endpoint".into(),
            Route::BotInfo => "/open-apis/bot/v3/info".into(),
            Route::ContactUserGet { user_id } => {
                format!("/open-apis/contact/v3/users/{}", seg(user_id))
            }
            Route::ContactUserBatch => "/open-apis/contact/v3/users/batch".into(),
            Route::MessageCreate => "/open-apis/im/v1/messages".into(),
            Route::MessageList => "/open-apis/im/v1/messages".into(),
            Route::MessageGet { message_id } => {
                format!("/open-apis/im/v1/messages/{}", seg(message_id))
            }
            Route::MessageReply { message_id } => {
                format!("/open-apis/im/v1/messages/{}/reply", seg(message_id))
            }
            Route::MessageUpdate { message_id } => {
                format!("/open-apis/im/v1/messages/{}", seg(message_id))
            }
            Route::MessagePatch { message_id } => {
                format!("/open-apis/im/v1/messages/{}", seg(message_id))
            }
            Route::MessageDelete { message_id } => {
                format!("/open-apis/im/v1/messages/{}", seg(message_id))
            }
            Route::MessageResource {
                message_id,
                file_key,
            } => format!(
                "/open-apis/im/v1/messages/{}/resources/{}",
                seg(message_id),
                seg(file_key)
            ),
            Route::ReactionCreate { message_id } => {
                format!("/open-apis/im/v1/messages/{}/reactions", seg(message_id))
            }
            Route::ReactionList { message_id } => {
                format!("/open-apis/im/v1/messages/{}/reactions", seg(message_id))
            }
            Route::ReactionDelete {
                message_id,
                reaction_id,
            } => format!(
                "/open-apis/im/v1/messages/{}/reactions/{}",
                seg(message_id),
                seg(reaction_id)
            ),
            Route::PinCreate => "/open-apis/im/v1/pins".into(),
            Route::PinList => "/open-apis/im/v1/pins".into(),
            Route::PinDelete { message_id } => format!("/open-apis/im/v1/pins/{}", seg(message_id)),
            Route::ChatGet { chat_id } => format!("/open-apis/im/v1/chats/{}", seg(chat_id)),
            Route::ChatMembers { chat_id } => {
                format!("/open-apis/im/v1/chats/{}/members", seg(chat_id))
            }
            Route::ImageCreate => "/open-apis/im/v1/images".into(),
            Route::FileCreate => "/open-apis/im/v1/files".into(),
            Route::CardCreate => "/open-apis/cardkit/v1/cards".into(),
            Route::CardUpdate { card_id } => {
                format!("/open-apis/cardkit/v1/cards/{}", seg(card_id))
            }
            Route::CardSettings { card_id } => {
                format!("/open-apis/cardkit/v1/cards/{}/settings", seg(card_id))
            }
            Route::CardBatchUpdate { card_id } => {
                format!("/open-apis/cardkit/v1/cards/{}/batch_update", seg(card_id))
            }
            Route::CardElementCreate { card_id } => {
                format!("/open-apis/cardkit/v1/cards/{}/elements", seg(card_id))
            }
            Route::CardElementUpdate {
                card_id,
                element_id,
            } => format!(
                "/open-apis/cardkit/v1/cards/{}/elements/{}",
                seg(card_id),
                seg(element_id)
            ),
            Route::CardElementPatch {
                card_id,
                element_id,
            } => format!(
                "/open-apis/cardkit/v1/cards/{}/elements/{}",
                seg(card_id),
                seg(element_id)
            ),
            Route::CardElementDelete {
                card_id,
                element_id,
            } => format!(
                "/open-apis/cardkit/v1/cards/{}/elements/{}",
                seg(card_id),
                seg(element_id)
            ),
            Route::CardElementContent {
                card_id,
                element_id,
            } => format!(
                "/open-apis/cardkit/v1/cards/{}/elements/{}/content",
                seg(card_id),
                seg(element_id)
            ),
            Route::DocumentCreate => "/open-apis/docx/v1/documents".into(),
            Route::DocumentGet { document_id } => {
                format!("/open-apis/docx/v1/documents/{}", seg(document_id))
            }
            Route::DocumentRawContent { document_id } => format!(
                "/open-apis/docx/v1/documents/{}/raw_content",
                seg(document_id)
            ),
            Route::BlockList { document_id } => {
                format!("/open-apis/docx/v1/documents/{}/blocks", seg(document_id))
            }
            Route::BlockGet {
                document_id,
                block_id,
            } => format!(
                "/open-apis/docx/v1/documents/{}/blocks/{}",
                seg(document_id),
                seg(block_id)
            ),
            Route::BlockChildrenCreate {
                document_id,
                block_id,
            } => format!(
                "/open-apis/docx/v1/documents/{}/blocks/{}/children",
                seg(document_id),
                seg(block_id)
            ),
            Route::BlockChildrenBatchDelete {
                document_id,
                block_id,
            } => format!(
                "/open-apis/docx/v1/documents/{}/blocks/{}/children/batch_delete",
                seg(document_id),
                seg(block_id)
            ),
            Route::BlockBatchUpdate { document_id } => format!(
                "/open-apis/docx/v1/documents/{}/blocks/batch_update",
                seg(document_id)
            ),
            Route::MediaUploadAll => "/open-apis/drive/v1/medias/upload_all".into(),
            Route::MediaUploadPrepare => "/open-apis/drive/v1/medias/upload_prepare".into(),
            Route::MediaUploadPart => "/open-apis/drive/v1/medias/upload_part".into(),
            Route::MediaUploadFinish => "/open-apis/drive/v1/medias/upload_finish".into(),
            Route::MediaDownload { file_token } => {
                format!("/open-apis/drive/v1/medias/{}/download", seg(file_token))
            }
            Route::FileUploadAll => "/open-apis/drive/v1/files/upload_all".into(),
            Route::FileUploadPrepare => "/open-apis/drive/v1/files/upload_prepare".into(),
            Route::FileUploadPart => "/open-apis/drive/v1/files/upload_part".into(),
            Route::FileUploadFinish => "/open-apis/drive/v1/files/upload_finish".into(),
            Route::FileDownload { file_token } => {
                format!("/open-apis/drive/v1/files/{}/download", seg(file_token))
            }
            Route::PermissionMemberCreate { token } => {
                format!("/open-apis/drive/v1/permissions/{}/members", seg(token))
            }
            Route::PermissionMemberList { token } => {
                format!("/open-apis/drive/v1/permissions/{}/members", seg(token))
            }
            Route::PermissionMemberDelete { token, member_id } => format!(
                "/open-apis/drive/v1/permissions/{}/members/{}",
                seg(token),
                seg(member_id)
            ),
            Route::DocWikiSearch => "/open-apis/search/v2/doc_wiki/search".into(),
            Route::DocsSearchLegacy => "/open-apis/suite/docs-api/search/object".into(),
            Route::SpreadsheetCreate => "/open-apis/sheets/v3/spreadsheets".into(),
            Route::SpreadsheetGet { token } => {
                format!("/open-apis/sheets/v3/spreadsheets/{}", seg(token))
            }
            Route::SheetsQuery { token } => format!(
                "/open-apis/sheets/v3/spreadsheets/{}/sheets/query",
                seg(token)
            ),
            Route::ValuesGet { token, range } => format!(
                "/open-apis/sheets/v2/spreadsheets/{}/values/{}",
                seg(token),
                seg(range)
            ),
            Route::ValuesPut { token } => {
                format!("/open-apis/sheets/v2/spreadsheets/{}/values", seg(token))
            }
            Route::ValuesAppend { token } => format!(
                "/open-apis/sheets/v2/spreadsheets/{}/values_append",
                seg(token)
            ),
            Route::BitableAppCreate => "/open-apis/bitable/v1/apps".into(),
            Route::BitableAppGet { app_token } => {
                format!("/open-apis/bitable/v1/apps/{}", seg(app_token))
            }
            Route::BitableTableList { app_token } => {
                format!("/open-apis/bitable/v1/apps/{}/tables", seg(app_token))
            }
            Route::BitableTableCreate { app_token } => {
                format!("/open-apis/bitable/v1/apps/{}/tables", seg(app_token))
            }
            Route::BitableFieldList {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/fields",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableFieldCreate {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/fields",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableFieldUpdate {
                app_token,
                table_id,
                field_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/fields/{}",
                seg(app_token),
                seg(table_id),
                seg(field_id)
            ),
            Route::BitableFieldDelete {
                app_token,
                table_id,
                field_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/fields/{}",
                seg(app_token),
                seg(table_id),
                seg(field_id)
            ),
            Route::BitableRecordList {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableRecordSearch {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records/search",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableRecordCreate {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableRecordUpdate {
                app_token,
                table_id,
                record_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records/{}",
                seg(app_token),
                seg(table_id),
                seg(record_id)
            ),
            Route::BitableRecordDelete {
                app_token,
                table_id,
                record_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records/{}",
                seg(app_token),
                seg(table_id),
                seg(record_id)
            ),
            Route::BitableRecordBatchCreate {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records/batch_create",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableRecordBatchUpdate {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records/batch_update",
                seg(app_token),
                seg(table_id)
            ),
            Route::BitableRecordBatchDelete {
                app_token,
                table_id,
            } => format!(
                "/open-apis/bitable/v1/apps/{}/tables/{}/records/batch_delete",
                seg(app_token),
                seg(table_id)
            ),
        }
    }
}
