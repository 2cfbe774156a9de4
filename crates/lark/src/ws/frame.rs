//! The `pbbp2` frame carried in every binary websocket message of the long connection.
//!
//! The schema is proto2 with four required fields (SeqID, LogID, service, method). Decoders in
//! the official Go and Node SDKs reject a frame that lacks any of them, so this codec always
//! writes them, even when they are zero. The optional fields are written only when set, which is
//! what the Python and Node SDKs do, and which makes the official vectors re-encode byte for byte.

use prost::Message;

/// `method` of a control frame (ping / pong).
pub const METHOD_CONTROL: i32 = 0;
/// `method` of a data frame (event / card).
pub const METHOD_DATA: i32 = 1;

/// Well-known header keys.
pub mod header {
    pub const TYPE: &str = "type";
    pub const MESSAGE_ID: &str = "message_id";
    pub const SUM: &str = "sum";
    pub const SEQ: &str = "seq";
    pub const TRACE_ID: &str = "trace_id";
    pub const BIZ_RT: &str = "biz_rt";
    pub const TIMESTAMP: &str = "timestamp";
    pub const INSTANCE_ID: &str = "instance_id";
}

/// One `key = value` header of a frame.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct Header {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, required, tag = "2")]
    pub value: String,
}

/// A long-connection frame (`pbbp2.Frame`).
#[derive(Clone, PartialEq, Eq, Message)]
pub struct Frame {
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<Header>,
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

/// Why bytes could not be read as a frame.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("malformed pbbp2 frame: {0}")]
    Decode(#[from] prost::DecodeError),
    #[error("malformed pbbp2 frame: required field {0} is missing")]
    MissingField(&'static str),
}

/// The same wire shape with every scalar optional, to tell "absent" from "zero": prost fills a
/// missing required field with its default instead of failing.
#[derive(Clone, PartialEq, Message)]
struct Presence {
    #[prost(uint64, optional, tag = "1")]
    seq_id: Option<u64>,
    #[prost(uint64, optional, tag = "2")]
    log_id: Option<u64>,
    #[prost(int32, optional, tag = "3")]
    service: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    method: Option<i32>,
}

impl Frame {
    /// Decodes one frame; a frame missing a required field is an error, as in the official SDKs.
    pub fn decode_bytes(bytes: &[u8]) -> Result<Self, FrameError> {
        let frame = <Frame as Message>::decode(bytes)?;
        let seen = Presence::decode(bytes)?;
        let missing = [
            (seen.seq_id.is_none(), "SeqID"),
            (seen.log_id.is_none(), "LogID"),
            (seen.service.is_none(), "service"),
            (seen.method.is_none(), "method"),
        ];
        if let Some((_, name)) = missing.iter().find(|(absent, _)| *absent) {
            return Err(FrameError::MissingField(name));
        }
        Ok(frame)
    }

    /// Encodes the frame to its wire bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    /// A client ping for `service` (the `service_id` of the websocket URL).
    pub fn ping(service: i32) -> Self {
        Self::control(service, "ping", None)
    }

    /// A server pong, optionally carrying the full client configuration as JSON.
    pub fn pong(service: i32, config_json: Option<Vec<u8>>) -> Self {
        Self::control(service, "pong", config_json)
    }

    fn control(service: i32, kind: &str, payload: Option<Vec<u8>>) -> Self {
        Frame {
            seq_id: 0,
            log_id: 0,
            service,
            method: METHOD_CONTROL,
            headers: vec![Header::new(header::TYPE, kind)],
            payload,
            ..Default::default()
        }
    }

    /// The value of the first header named `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// Appends a header (headers are a list; order is preserved on the wire).
    pub fn push_header(&mut self, key: &str, value: impl Into<String>) {
        self.headers.push(Header::new(key, value));
    }

    /// The `type` header: `ping`, `pong`, `event` or `card`.
    pub fn kind(&self) -> Option<&str> {
        self.header(header::TYPE)
    }

    pub fn is_control(&self) -> bool {
        self.method == METHOD_CONTROL
    }

    pub fn is_data(&self) -> bool {
        self.method == METHOD_DATA
    }

    /// The frame that acknowledges this data frame: the same frame with `biz_rt` appended and the
    /// payload replaced by the response JSON, as the platform expects.
    pub fn ack(&self, biz_rt_ms: u64, response: &AckPayload) -> Frame {
        let mut ack = self.clone();
        ack.push_header(header::BIZ_RT, biz_rt_ms.to_string());
        ack.payload = Some(response.to_json());
        ack
    }
}

impl Header {
    pub fn new(key: &str, value: impl Into<String>) -> Self {
        Header {
            key: key.to_owned(),
            value: value.into(),
        }
    }
}

/// The JSON payload of an ACK frame: `{"code":200}`, optionally with base64 `data` (a callback's
/// response, such as a card action's toast).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckPayload {
    pub code: u16,
    /// Raw response bytes; written base64-encoded into `data`.
    pub data: Option<Vec<u8>>,
}

impl AckPayload {
    pub const OK: AckPayload = AckPayload {
        code: 200,
        data: None,
    };

    pub fn error() -> Self {
        AckPayload {
            code: 500,
            data: None,
        }
    }

    pub fn with_data(data: Vec<u8>) -> Self {
        AckPayload {
            code: 200,
            data: Some(data),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        use base64::Engine;
        let mut v = serde_json::json!({ "code": self.code });
        if let Some(data) = &self.data {
            v["data"] = base64::engine::general_purpose::STANDARD
                .encode(data)
                .into();
        }
        serde_json::to_vec(&v).expect("a json object always serializes")
    }

    /// Reads an ACK payload as any official SDK writes it (`{"code":200}`, `{"code": 200}`,
    /// `{"code":200,"headers":null,"data":null}`, or with base64 `data`).
    pub fn parse(bytes: &[u8]) -> Option<AckPayload> {
        use base64::Engine;
        #[derive(serde::Deserialize)]
        struct Raw {
            code: u16,
            #[serde(default)]
            data: Option<String>,
        }
        let raw: Raw = serde_json::from_slice(bytes).ok()?;
        let data = match raw.data {
            Some(s) => Some(base64::engine::general_purpose::STANDARD.decode(s).ok()?),
            None => None,
        };
        Some(AckPayload {
            code: raw.code,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_has_all_required_fields_and_no_optional_ones() {
        // service 1234, from PROTOCOL.md §1.4 (PY/NODE encoding).
        let bytes = Frame::ping(1234).to_bytes();
        assert_eq!(
            hex::encode(bytes),
            "0800100018d20920002a0c0a0474797065120470696e67"
        );
    }

    #[test]
    fn missing_required_field_is_rejected() {
        // Only SeqID and LogID: service and method are missing.
        let err = Frame::decode_bytes(&[0x08, 0x01, 0x10, 0x02]).unwrap_err();
        assert!(err.to_string().contains("malformed"), "{err}");
    }

    #[test]
    fn ack_payload_reads_every_sdk_spelling() {
        for raw in [
            &br#"{"code":200}"#[..],
            br#"{"code": 200}"#,
            br#"{"code":200,"headers":null,"data":null}"#,
        ] {
            assert_eq!(AckPayload::parse(raw), Some(AckPayload::OK));
        }
        let with = AckPayload::with_data(br#"{"toast":{}}"#.to_vec());
        assert_eq!(AckPayload::parse(&with.to_json()), Some(with));
    }
}
