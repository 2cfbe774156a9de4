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
}

mod paths;
pub mod workspace;

#[cfg(test)]
mod tests;
