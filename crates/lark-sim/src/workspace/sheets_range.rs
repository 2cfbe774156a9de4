//! A1 ranges of the sheets v2 values API: `<sheet>!A1:D10`, `<sheet>!A1`, `<sheet>!A:C`,
//! `<sheet>!A2:C` and a bare `<sheet>` for the whole used range. `<sheet>` is a sheet id or
//! title. Rows and columns here are 0-based.

/// The cells a range names; `rows_to` is `None` when the range is open downwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub row0: usize,
    pub col0: usize,
    pub row1: Option<usize>,
    pub col1: usize,
}

/// A parsed range: the sheet reference and the rectangle (`None` = the whole used range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub sheet: String,
    pub rect: Option<Rect>,
}

/// The most columns a sheet may have (`ZZZ`).
const MAX_COL: usize = 18278;
/// The most rows the simulator accepts in a range.
const MAX_ROW: usize = 1_000_000;

pub fn col_name(mut c: usize) -> String {
    let mut s = Vec::new();
    c += 1;
    while c > 0 {
        let r = (c - 1) % 26;
        s.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn parse_col(s: &str) -> Option<usize> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut n = 0usize;
    for b in s.bytes() {
        n = n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    (1..=MAX_COL).contains(&n).then(|| n - 1)
}

/// `A1` → (row 0, col 0); `A` → (None, col 0).
fn parse_ref(s: &str) -> Option<(Option<usize>, usize)> {
    let split = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    let (letters, digits) = s.split_at(split);
    let col = parse_col(letters)?;
    if digits.is_empty() {
        return Some((None, col));
    }
    let row: usize = digits.parse().ok()?;
    (1..=MAX_ROW).contains(&row).then(|| (Some(row - 1), col))
}

pub fn parse(range: &str) -> Result<Range, String> {
    let range = range.trim();
    let (sheet, cells) = match range.rfind('!') {
        Some(i) => (&range[..i], Some(&range[i + 1..])),
        None => (range, None),
    };
    if sheet.is_empty() {
        return Err(format!("range {range:?} names no sheet"));
    }
    let Some(cells) = cells else {
        return Ok(Range {
            sheet: sheet.to_owned(),
            rect: None,
        });
    };
    let bad = || format!("range {range:?} is not like <sheetId>!A1:D10");
    let (a, b) = match cells.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (cells, None),
    };
    let (ra, ca) = parse_ref(a).ok_or_else(bad)?;
    let rect = match b {
        None => {
            let r = ra.ok_or_else(bad)?;
            Rect {
                row0: r,
                col0: ca,
                row1: Some(r),
                col1: ca,
            }
        }
        Some(b) => {
            let (rb, cb) = parse_ref(b).ok_or_else(bad)?;
            let row0 = ra.unwrap_or(0);
            if cb < ca || rb.is_some_and(|rb| rb < row0) || (ra.is_none() && rb.is_some()) {
                return Err(bad());
            }
            Rect {
                row0,
                col0: ca,
                row1: rb,
                col1: cb,
            }
        }
    };
    Ok(Range {
        sheet: sheet.to_owned(),
        rect: Some(rect),
    })
}

/// `A1:D10` for a closed rectangle.
pub fn a1(row0: usize, col0: usize, row1: usize, col1: usize) -> String {
    format!(
        "{}{}:{}{}",
        col_name(col0),
        row0 + 1,
        col_name(col1),
        row1 + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_range_forms() {
        let r = parse("s1!A1:D10").unwrap();
        assert_eq!(r.sheet, "s1");
        assert_eq!(
            r.rect,
            Some(Rect {
                row0: 0,
                col0: 0,
                row1: Some(9),
                col1: 3
            })
        );
        assert_eq!(
            parse("s1!B2").unwrap().rect,
            Some(Rect {
                row0: 1,
                col0: 1,
                row1: Some(1),
                col1: 1
            })
        );
        assert_eq!(
            parse("s1!A:C").unwrap().rect,
            Some(Rect {
                row0: 0,
                col0: 0,
                row1: None,
                col1: 2
            })
        );
        assert_eq!(parse("Sheet1").unwrap().rect, None);
        assert_eq!(parse("My!Sheet!AA3:AB4").unwrap().sheet, "My!Sheet");
        for bad in ["s1!", "!A1", "s1!1A", "s1!D1:A1", "s1!A10:A1", "s1!A0"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn column_names_round_trip() {
        for c in [0, 25, 26, 27, 701, 702] {
            assert_eq!(parse_col(&col_name(c)), Some(c));
        }
        assert_eq!(col_name(27), "AB");
    }
}
