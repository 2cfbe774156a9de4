//! Every URL path the client calls, in one place, each with a test of its exact text.
//!
//! Path parameters are percent-encoded as path segments, so an id or a sheet range can never
//! change the path's shape.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::Method;

/// Characters escaped inside one path segment (RFC 3986 keeps `!`, `:`, `@`, `$`, `,` and `;`).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// One path segment, percent-encoded.
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// An endpoint of the platform: its method and path. Path parameters are fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    TenantAccessToken,
    AppAccessToken,
    WsEndpoint,
    BotInfo,
    MessageCreate,
    MessageList,
    MessageGet {
        message_id: String,
    },
    MessageReply {
        message_id: String,
    },
    MessageUpdate {
        message_id: String,
    },
    MessagePatch {
        message_id: String,
    },
    MessageDelete {
        message_id: String,
    },
    MessageResource {
        message_id: String,
        file_key: String,
    },
    ReactionCreate {
        message_id: String,
    },
    ReactionList {
        message_id: String,
    },
    ReactionDelete {
        message_id: String,
        reaction_id: String,
    },
    PinCreate,
    PinList,
    PinDelete {
        message_id: String,
    },
    ChatGet {
        chat_id: String,
    },
    ChatMembers {
        chat_id: String,
    },
    ImageCreate,
    FileCreate,
    CardCreate,
    CardUpdate {
        card_id: String,
    },
    CardSettings {
        card_id: String,
    },
    CardBatchUpdate {
        card_id: String,
    },
    CardElementCreate {
        card_id: String,
    },
    CardElementUpdate {
        card_id: String,
        element_id: String,
    },
    CardElementPatch {
        card_id: String,
        element_id: String,
    },
    CardElementDelete {
        card_id: String,
        element_id: String,
    },
    CardElementContent {
        card_id: String,
        element_id: String,
    },
    DocumentCreate,
    DocumentGet {
        document_id: String,
    },
    DocumentRawContent {
        document_id: String,
    },
    BlockList {
        document_id: String,
    },
    BlockGet {
        document_id: String,
        block_id: String,
    },
    BlockChildrenCreate {
        document_id: String,
        block_id: String,
    },
    BlockChildrenBatchDelete {
        document_id: String,
        block_id: String,
    },
    BlockBatchUpdate {
        document_id: String,
    },
    MediaUploadAll,
    MediaUploadPrepare,
    MediaUploadPart,
    MediaUploadFinish,
    MediaDownload {
        file_token: String,
    },
    FileUploadAll,
    FileUploadPrepare,
    FileUploadPart,
    FileUploadFinish,
    FileDownload {
        file_token: String,
    },
    PermissionMemberCreate {
        token: String,
    },
    PermissionMemberList {
        token: String,
    },
    PermissionMemberDelete {
        token: String,
        member_id: String,
    },
    DocWikiSearch,
    DocsSearchLegacy,
    SpreadsheetCreate,
    SpreadsheetGet {
        token: String,
    },
    SheetsQuery {
        token: String,
    },
    ValuesGet {
        token: String,
        range: String,
    },
    ValuesPut {
        token: String,
    },
    ValuesAppend {
        token: String,
    },
    BitableAppCreate,
    BitableAppGet {
        app_token: String,
    },
    BitableTableList {
        app_token: String,
    },
    BitableTableCreate {
        app_token: String,
    },
    BitableFieldList {
        app_token: String,
        table_id: String,
    },
    BitableFieldCreate {
        app_token: String,
        table_id: String,
    },
    BitableFieldUpdate {
        app_token: String,
        table_id: String,
        field_id: String,
    },
    BitableFieldDelete {
        app_token: String,
        table_id: String,
        field_id: String,
    },
    BitableRecordList {
        app_token: String,
        table_id: String,
    },
    BitableRecordSearch {
        app_token: String,
        table_id: String,
    },
    BitableRecordCreate {
        app_token: String,
        table_id: String,
    },
    BitableRecordUpdate {
        app_token: String,
        table_id: String,
        record_id: String,
    },
    BitableRecordDelete {
        app_token: String,
        table_id: String,
        record_id: String,
    },
    BitableRecordBatchCreate {
        app_token: String,
        table_id: String,
    },
    BitableRecordBatchUpdate {
        app_token: String,
        table_id: String,
    },
    BitableRecordBatchDelete {
        app_token: String,
        table_id: String,
    },
    ContactUserGet {
        user_id: String,
    },
    ContactUserBatch,
    /// Wiki and document comments ([`workspace::WorkspaceRoute`]).
    Workspace(workspace::WorkspaceRoute),
}

impl Route {
    pub fn method(&self) -> Method {
        match self {
            Route::Workspace(r) => r.method(),
            Route::TenantAccessToken | Route::AppAccessToken | Route::WsEndpoint => Method::POST,
            Route::BotInfo | Route::ContactUserGet { .. } | Route::ContactUserBatch => Method::GET,
            Route::MessageCreate
            | Route::MessageReply { .. }
            | Route::ReactionCreate { .. }
            | Route::PinCreate
            | Route::ImageCreate
            | Route::FileCreate
            | Route::CardCreate
            | Route::CardBatchUpdate { .. }
            | Route::CardElementCreate { .. }
            | Route::DocumentCreate
            | Route::BlockChildrenCreate { .. }
            | Route::MediaUploadAll
            | Route::MediaUploadPrepare
            | Route::MediaUploadPart
            | Route::MediaUploadFinish
            | Route::FileUploadAll
            | Route::FileUploadPrepare
            | Route::FileUploadPart
            | Route::FileUploadFinish
            | Route::PermissionMemberCreate { .. }
            | Route::DocWikiSearch
            | Route::DocsSearchLegacy
            | Route::SpreadsheetCreate
            | Route::ValuesAppend { .. }
            | Route::BitableAppCreate
            | Route::BitableTableCreate { .. }
            | Route::BitableFieldCreate { .. }
            | Route::BitableRecordSearch { .. }
            | Route::BitableRecordCreate { .. }
            | Route::BitableRecordBatchCreate { .. }
            | Route::BitableRecordBatchUpdate { .. }
            | Route::BitableRecordBatchDelete { .. } => Method::POST,
            Route::MessageList
            | Route::MessageGet { .. }
            | Route::MessageResource { .. }
            | Route::ReactionList { .. }
            | Route::PinList
            | Route::ChatGet { .. }
            | Route::ChatMembers { .. }
            | Route::DocumentGet { .. }
            | Route::DocumentRawContent { .. }
            | Route::BlockList { .. }
            | Route::BlockGet { .. }
            | Route::MediaDownload { .. }
            | Route::FileDownload { .. }
            | Route::PermissionMemberList { .. }
            | Route::SpreadsheetGet { .. }
            | Route::SheetsQuery { .. }
            | Route::ValuesGet { .. }
            | Route::BitableAppGet { .. }
            | Route::BitableTableList { .. }
            | Route::BitableFieldList { .. }
            | Route::BitableRecordList { .. } => Method::GET,
            Route::MessageUpdate { .. }
            | Route::CardUpdate { .. }
            | Route::CardElementUpdate { .. }
            | Route::CardElementContent { .. }
            | Route::ValuesPut { .. }
            | Route::BitableFieldUpdate { .. }
            | Route::BitableRecordUpdate { .. } => Method::PUT,
            Route::MessagePatch { .. }
            | Route::CardSettings { .. }
            | Route::CardElementPatch { .. }
            | Route::BlockBatchUpdate { .. } => Method::PATCH,
            Route::MessageDelete { .. }
            | Route::ReactionDelete { .. }
            | Route::PinDelete { .. }
            | Route::CardElementDelete { .. }
            | Route::BlockChildrenBatchDelete { .. }
            | Route::PermissionMemberDelete { .. }
            | Route::BitableFieldDelete { .. }
            | Route::BitableRecordDelete { .. } => Method::DELETE,
        }
    }

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

pub mod workspace;

#[cfg(test)]
mod tests;
