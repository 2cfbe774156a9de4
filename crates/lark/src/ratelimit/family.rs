//! The platform's budgets, per API family: which family a call belongs to (from its method and
//! path, so an endpoint added later falls into its service's family without a change here), the
//! documented figures of each, and which resource a per-resource budget is counted on.
//!
//! The platform counts "per API, per app, per tenant" and refuses a call once either the
//! per-second or the per-minute figure is reached (its frequency-control guide). Families here
//! group the endpoints the client uses; where the docs give one figure to each endpoint of a group
//! the group shares it, which is never more than the platform allows. The figures and where they
//! come from are listed in the README ("Rate limits as the platform counts them").

use reqwest::Method;

/// A group of endpoints sharing one budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// `POST /im/v1/messages` and `POST /im/v1/messages/{id}/reply`; also 5/s per chat or user.
    Send,
    /// `PUT /im/v1/messages/{id}`: editing a text or post.
    Edit,
    /// `PATCH /im/v1/messages/{id}`: replacing a card; also 5/s per message.
    CardPatch,
    /// `POST /im/v1/messages/{id}/reactions`: adding a reaction (the typing indicator's add).
    ReactionAdd,
    /// `DELETE /im/v1/messages/{id}/reactions/{reaction_id}`: the platform counts it apart.
    ReactionRemove,
    /// `/im/v1/pins`.
    Pins,
    /// Image and file uploads (`/im/v1/images`, `/im/v1/files`).
    Media,
    /// Every other IM call: reading messages, chats, members, resources, recalls.
    Im,
    /// `/cardkit/v1/cards`: also 10/s per card.
    CardKit,
    /// `/contact/...`.
    Contact,
    /// Reading documents (`GET /docx/...`).
    DocxRead,
    /// Writing documents (every other `/docx/...` call); also 3/s per document.
    DocxWrite,
    /// Drive uploads in parts (`/drive/v1/medias|files/upload_*`).
    DriveUpload,
    /// The rest of drive: permissions, downloads, search.
    Drive,
    /// `/sheets/...`.
    Sheets,
    /// `/bitable/...`.
    Bitable,
    /// Any other service (wiki, calendar, tasks, ...), at the platform's common tier.
    Other,
}

/// A family's documented figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub per_second: u32,
    pub per_minute: Option<u32>,
    /// Calls per second on one resource (chat, message, card, document), when there is such a
    /// budget.
    pub per_resource: Option<u32>,
}

/// The platform's most common tier: 1000 per minute and 50 per second.
const COMMON: Figures = Figures {
    per_second: 50,
    per_minute: Some(1000),
    per_resource: None,
};

impl Family {
    pub const ALL: [Family; 17] = [
        Family::Send,
        Family::Edit,
        Family::CardPatch,
        Family::ReactionAdd,
        Family::ReactionRemove,
        Family::Pins,
        Family::Media,
        Family::Im,
        Family::CardKit,
        Family::Contact,
        Family::DocxRead,
        Family::DocxWrite,
        Family::DriveUpload,
        Family::Drive,
        Family::Sheets,
        Family::Bitable,
        Family::Other,
    ];

    /// The documented figures (the per-chat send budget is [`super::RateLimits::chat_per_second`]).
    pub fn figures(self) -> Figures {
        let with = |per_resource| Figures {
            per_resource: Some(per_resource),
            ..COMMON
        };
        let only = |per_second| Figures {
            per_second,
            per_minute: None,
            per_resource: None,
        };
        match self {
            Family::Send => with(5),
            Family::CardPatch => with(5),
            Family::CardKit => with(10),
            Family::DocxRead => only(5),
            Family::DocxWrite => Figures {
                per_resource: Some(3),
                ..only(3)
            },
            Family::DriveUpload => only(5),
            Family::Edit
            | Family::ReactionAdd
            | Family::ReactionRemove
            | Family::Pins
            | Family::Media
            | Family::Im
            | Family::Contact
            | Family::Drive
            | Family::Sheets
            | Family::Bitable
            | Family::Other => COMMON,
        }
    }

    /// The family of a call, or `None` for calls no budget applies to (access tokens and the
    /// long connection's endpoint, called once an hour or two).
    pub fn of(method: &Method, path: &str) -> Option<Family> {
        let rest = path.strip_prefix("/open-apis/")?;
        let mut segs = rest.split('/');
        let service = segs.next().unwrap_or("");
        let _version = segs.next();
        let resource = segs.next().unwrap_or("");
        let id = segs.next();
        let sub = segs.next();
        Some(match service {
            "auth" => return None,
            "im" => match (resource, id, sub) {
                ("messages", None, None) if method == Method::POST => Family::Send,
                ("messages", Some(_), Some("reply")) => Family::Send,
                ("messages", Some(_), Some("reactions")) if method == Method::POST => {
                    Family::ReactionAdd
                }
                ("messages", Some(_), Some("reactions")) if method == Method::DELETE => {
                    Family::ReactionRemove
                }
                ("messages", Some(_), None) if method == Method::PUT => Family::Edit,
                ("messages", Some(_), None) if method == Method::PATCH => Family::CardPatch,
                ("pins", ..) => Family::Pins,
                ("images" | "files", None, None) if method == Method::POST => Family::Media,
                _ => Family::Im,
            },
            "cardkit" => Family::CardKit,
            "contact" => Family::Contact,
            "docx" if method == Method::GET => Family::DocxRead,
            "docx" => Family::DocxWrite,
            "drive" if matches!(id, Some(s) if s.starts_with("upload_")) => Family::DriveUpload,
            "drive" | "suite" => Family::Drive,
            "sheets" => Family::Sheets,
            "bitable" => Family::Bitable,
            _ => Family::Other,
        })
    }

    /// The resource a per-resource budget counts on, read from the path: the card of a CardKit
    /// call, the message of a card patch, the document of a docx write. Sends name their chat
    /// themselves.
    pub(crate) fn resource_in(self, path: &str) -> Option<&str> {
        let mut segs = path.strip_prefix("/open-apis/")?.split('/').skip(2);
        let (kind, id) = (segs.next()?, segs.next()?);
        match (self, kind) {
            (Family::CardKit, "cards") | (Family::CardPatch, "messages") => Some(id),
            (Family::DocxWrite, "documents") => Some(id),
            _ => None,
        }
    }

    /// How the README and logs name the family.
    pub fn name(self) -> &'static str {
        match self {
            Family::Send => "send/reply",
            Family::Edit => "edit",
            Family::CardPatch => "card patch",
            Family::ReactionAdd => "reaction add",
            Family::ReactionRemove => "reaction remove",
            Family::Pins => "pins",
            Family::Media => "image/file upload",
            Family::Im => "other IM",
            Family::CardKit => "CardKit",
            Family::Contact => "contact",
            Family::DocxRead => "docx read",
            Family::DocxWrite => "docx write",
            Family::DriveUpload => "drive upload",
            Family::Drive => "drive",
            Family::Sheets => "sheets",
            Family::Bitable => "bitable",
            Family::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(m: Method, p: &str) -> Option<Family> {
        Family::of(&m, p)
    }

    #[test]
    fn calls_fall_into_their_families() {
        use Family::*;
        let cases = [
            (Method::POST, "/open-apis/im/v1/messages", Some(Send)),
            (
                Method::POST,
                "/open-apis/im/v1/messages/om_1/reply",
                Some(Send),
            ),
            (Method::GET, "/open-apis/im/v1/messages", Some(Im)),
            (Method::PUT, "/open-apis/im/v1/messages/om_1", Some(Edit)),
            (
                Method::PATCH,
                "/open-apis/im/v1/messages/om_1",
                Some(CardPatch),
            ),
            (Method::DELETE, "/open-apis/im/v1/messages/om_1", Some(Im)),
            (
                Method::POST,
                "/open-apis/im/v1/messages/om_1/reactions",
                Some(ReactionAdd),
            ),
            (
                Method::DELETE,
                "/open-apis/im/v1/messages/om_1/reactions/r1",
                Some(ReactionRemove),
            ),
            (
                Method::GET,
                "/open-apis/im/v1/messages/om_1/reactions",
                Some(Im),
            ),
            (Method::POST, "/open-apis/im/v1/pins", Some(Pins)),
            (Method::POST, "/open-apis/im/v1/images", Some(Media)),
            (Method::GET, "/open-apis/im/v1/chats/oc_1/members", Some(Im)),
            (
                Method::PUT,
                "/open-apis/cardkit/v1/cards/c1/elements/e/content",
                Some(CardKit),
            ),
            (
                Method::GET,
                "/open-apis/contact/v3/users/ou_1",
                Some(Contact),
            ),
            (
                Method::GET,
                "/open-apis/docx/v1/documents/d1/raw_content",
                Some(DocxRead),
            ),
            (
                Method::POST,
                "/open-apis/docx/v1/documents/d1/blocks/d1/children",
                Some(DocxWrite),
            ),
            (
                Method::POST,
                "/open-apis/drive/v1/medias/upload_part",
                Some(DriveUpload),
            ),
            (
                Method::POST,
                "/open-apis/drive/v1/permissions/t/members",
                Some(Drive),
            ),
            (
                Method::POST,
                "/open-apis/suite/docs-api/search/object",
                Some(Drive),
            ),
            (
                Method::PUT,
                "/open-apis/sheets/v2/spreadsheets/s/values",
                Some(Sheets),
            ),
            (
                Method::POST,
                "/open-apis/bitable/v1/apps/a/tables/t/records",
                Some(Bitable),
            ),
            (Method::GET, "/open-apis/wiki/v2/spaces", Some(Other)),
            (
                Method::POST,
                "/open-apis/auth/v3/tenant_access_token/internal",
                None,
            ),
            (Method::POST, "/callback/ws/endpoint", None),
        ];
        for (m, p, want) in cases {
            assert_eq!(of(m.clone(), p), want, "{m} {p}");
        }
    }

    #[test]
    fn per_resource_budgets_count_on_the_resource_in_the_path() {
        let card = "/open-apis/cardkit/v1/cards/c9/elements/e1/content";
        assert_eq!(Family::CardKit.resource_in(card), Some("c9"));
        let patch = "/open-apis/im/v1/messages/om_7";
        assert_eq!(Family::CardPatch.resource_in(patch), Some("om_7"));
        let doc = "/open-apis/docx/v1/documents/d3/blocks/batch_update";
        assert_eq!(Family::DocxWrite.resource_in(doc), Some("d3"));
        assert_eq!(Family::ReactionAdd.resource_in(patch), None);
        assert_eq!(
            Family::CardKit.resource_in("/open-apis/cardkit/v1/cards"),
            None
        );
    }
}
