//! Which platform a client talks to: Feishu, Lark, or any base URL (a private deployment,
//! lark-sim).

use crate::error::{Error, Result};

/// Which platform to talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Domain {
    /// Feishu (China): `https://open.feishu.cn`.
    Feishu,
    /// Lark (international): `https://open.larksuite.com`.
    Lark,
    /// Any base URL, such as a lark-sim instance.
    Custom(String),
}

impl Domain {
    /// `feishu`, `lark`, or a URL.
    pub fn parse(s: &str) -> Result<Domain> {
        match s.trim() {
            "" | "feishu" => Ok(Domain::Feishu),
            "lark" | "larksuite" => Ok(Domain::Lark),
            url if url.starts_with("http://") || url.starts_with("https://") => {
                Ok(Domain::Custom(url.trim_end_matches('/').to_owned()))
            }
            other => Err(Error::Config(format!(
                "unknown domain {other:?}: use \"feishu\", \"lark\" or a base URL such as http://127.0.0.1:9000"
            ))),
        }
    }

    pub fn base_url(&self) -> &str {
        match self {
            Domain::Feishu => "https://open.feishu.cn",
            Domain::Lark => "https://open.larksuite.com",
            Domain::Custom(url) => url,
        }
    }
}
