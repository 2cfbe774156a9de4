//! Tokens from links: wherever a token is expected, a Lark link works too (`/docx/`, `/wiki/`,
//! `/sheets/` with `?sheet=`, `/base/` with `?table=`, `/file/`, `/drive/folder/`).

/// What a link (or a bare token) points at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    /// The token, or the input itself when it is not a link.
    pub token: String,
    /// `docx`, `wiki`, `sheets`, `base`, `file`, `folder`; empty for a bare token.
    pub kind: String,
    /// `?sheet=` of a spreadsheet link.
    pub sheet: Option<String>,
    /// `?table=` of a base link.
    pub table: Option<String>,
}

/// The token of `input`: the path segment after the kind of a Lark link, else `input` trimmed.
pub fn parse(input: &str) -> Link {
    let s = input.trim();
    let Ok(url) = url::Url::parse(s) else {
        return Link {
            token: s.to_owned(),
            ..Link::default()
        };
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Link {
            token: s.to_owned(),
            ..Link::default()
        };
    }
    let segs: Vec<&str> = url
        .path_segments()
        .map(|p| p.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let kinds = [
        "docx", "docs", "doc", "wiki", "sheets", "sheet", "base", "file", "folder", "mindnote",
    ];
    let mut link = Link::default();
    for (i, seg) in segs.iter().enumerate() {
        if kinds.contains(seg)
            && let Some(tok) = segs.get(i + 1)
        {
            link.kind = (*seg).to_owned();
            link.token = (*tok).to_owned();
            break;
        }
    }
    if link.token.is_empty() {
        link.token = segs
            .last()
            .map(|s| (*s).to_owned())
            .unwrap_or_else(|| s.to_owned());
    }
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "sheet" => link.sheet = Some(v.into_owned()),
            "table" => link.table = Some(v.into_owned()),
            _ => {}
        }
    }
    link
}

/// Just the token.
pub fn token(input: &str) -> String {
    parse(input).token
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_from_links() {
        assert_eq!(token("https://x.feishu.cn/docx/ABC123def"), "ABC123def");
        assert_eq!(token("https://x.feishu.cn/wiki/ABC123def"), "ABC123def");
        assert_eq!(
            token("https://x.feishu.cn/base/ABC123def?table=tbl1"),
            "ABC123def"
        );
        assert_eq!(token(" doxcnXXX "), "doxcnXXX");
        let l = parse("https://x.feishu.cn/sheets/ABC123def?sheet=0ab1c2");
        assert_eq!(
            (l.token.as_str(), l.sheet.as_deref()),
            ("ABC123def", Some("0ab1c2"))
        );
        assert_eq!(
            parse("https://x.feishu.cn/base/A?table=tbl9")
                .table
                .as_deref(),
            Some("tbl9")
        );
        assert_eq!(token("https://x.feishu.cn/drive/folder/fldcn1"), "fldcn1");
    }
}
