//! Bitable field types by their numbers (GO `service/bitable/v1/model.go`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field's `type`. Numbers this client does not know are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldType {
    /// Also barcode (`ui_type`).
    #[default]
    Text,
    /// Also progress, currency, rating.
    Number,
    SingleSelect,
    MultiSelect,
    DateTime,
    Checkbox,
    User,
    Phone,
    Url,
    Attachment,
    SingleLink,
    Formula,
    DuplexLink,
    Location,
    GroupChat,
    CreatedTime,
    ModifiedTime,
    CreatedUser,
    ModifiedUser,
    AutoNumber,
    Other(i64),
}

const TABLE: [(FieldType, i64); 20] = [
    (FieldType::Text, 1),
    (FieldType::Number, 2),
    (FieldType::SingleSelect, 3),
    (FieldType::MultiSelect, 4),
    (FieldType::DateTime, 5),
    (FieldType::Checkbox, 7),
    (FieldType::User, 11),
    (FieldType::Phone, 13),
    (FieldType::Url, 15),
    (FieldType::Attachment, 17),
    (FieldType::SingleLink, 18),
    (FieldType::Formula, 20),
    (FieldType::DuplexLink, 21),
    (FieldType::Location, 22),
    (FieldType::GroupChat, 23),
    (FieldType::CreatedTime, 1001),
    (FieldType::ModifiedTime, 1002),
    (FieldType::CreatedUser, 1003),
    (FieldType::ModifiedUser, 1004),
    (FieldType::AutoNumber, 1005),
];

impl FieldType {
    pub fn number(self) -> i64 {
        match self {
            FieldType::Other(n) => n,
            known => TABLE
                .iter()
                .find(|(t, _)| *t == known)
                .map(|(_, n)| *n)
                .unwrap_or(1),
        }
    }

    pub fn from_number(n: i64) -> FieldType {
        TABLE
            .iter()
            .find(|(_, k)| *k == n)
            .map(|(t, _)| *t)
            .unwrap_or(FieldType::Other(n))
    }

    /// The names agents use: text, number, select, multi_select, date, checkbox, person, url, ...
    pub fn from_name(name: &str) -> Option<FieldType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "text" => FieldType::Text,
            "number" => FieldType::Number,
            "select" | "single_select" => FieldType::SingleSelect,
            "multi_select" | "multiselect" => FieldType::MultiSelect,
            "date" | "datetime" => FieldType::DateTime,
            "checkbox" => FieldType::Checkbox,
            "person" | "user" => FieldType::User,
            "phone" => FieldType::Phone,
            "url" | "link" => FieldType::Url,
            "attachment" => FieldType::Attachment,
            "formula" => FieldType::Formula,
            "location" => FieldType::Location,
            "group_chat" => FieldType::GroupChat,
            "auto_number" => FieldType::AutoNumber,
            _ => return None,
        })
    }
}

impl Serialize for FieldType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.number())
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(FieldType::from_number(i64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for (t, n) in TABLE {
            assert_eq!(t.number(), n);
            assert_eq!(FieldType::from_number(n), t);
        }
        assert_eq!(FieldType::from_number(99), FieldType::Other(99));
        assert_eq!(FieldType::Other(99).number(), 99);
        assert_eq!(
            FieldType::from_name("select"),
            Some(FieldType::SingleSelect)
        );
        assert_eq!(
            FieldType::from_name("person").map(FieldType::number),
            Some(11)
        );
    }
}
