//! Text positions across tools. The standard counts Unicode code points in the plain text;
//! NVivo (Windows) counts UTF-16 code units and counts CRLF as two; ATLAS.ti counts CRLF as
//! one. Fieldcode stores code points into the newline-normalised text (BOM dropped), so every
//! position from a file is mapped through the convention that fits, chosen per source by checking
//! selections whose `name` holds the selected text.

use crate::text::CharIndex;

/// How a tool counted positions in a source's plain text (the BOM is never counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convention {
    /// Counts UTF-16 code units instead of code points.
    pub utf16: bool,
    /// Counts a CRLF line break as two positions instead of one.
    pub crlf_as_two: bool,
}

impl Convention {
    /// The standard's convention: code points, a line break is one position.
    pub const STANDARD: Convention = Convention { utf16: false, crlf_as_two: false };
    /// NVivo's: UTF-16 code units, CRLF counted as two.
    pub const NVIVO: Convention = Convention { utf16: true, crlf_as_two: true };

    const ALL: [Convention; 4] = [
        Convention::STANDARD,
        Convention { utf16: false, crlf_as_two: true },
        Convention { utf16: true, crlf_as_two: false },
        Convention::NVIVO,
    ];

    pub fn describe(self) -> &'static str {
        match (self.utf16, self.crlf_as_two) {
            (false, false) => "code points",
            (false, true) => "code points with CRLF as two",
            (true, false) => "UTF-16 units",
            (true, true) => "UTF-16 units with CRLF as two (NVivo)",
        }
    }
}

/// For each position in a convention over a raw text, the code point offset in the
/// newline-normalised text.
///
/// The offset goes up by one at every position except where the count pauses: at the `\r` of a
/// CRLF counted as two, and at the first unit of a surrogate pair counted in UTF-16 units. Only
/// those pauses are kept, so the table costs 8 bytes per pause instead of 8 bytes per character
/// (a 200 MB source would otherwise need a 1.6 GB table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionTable {
    /// Positions `p` where the offset at `p + 1` is the offset at `p`, in order.
    pauses: Vec<usize>,
    /// Number of positions, the end of the text included.
    len: usize,
}

impl PositionTable {
    /// The code point offset of `position`, or `None` past the end of the text.
    pub fn get(&self, position: usize) -> Option<usize> {
        (position < self.len).then(|| position - self.pauses.partition_point(|&p| p < position))
    }

    /// Number of positions, the end of the text included.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The [`PositionTable`] of `raw` (BOM already removed) in `convention`. Positions inside a CRLF
/// or a surrogate pair map to the start of the character that follows or contains them.
pub fn position_table(raw: &str, convention: Convention) -> PositionTable {
    let mut pauses = Vec::new();
    let mut position = 0usize;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            if convention.crlf_as_two {
                pauses.push(position);
                position += 1;
            }
            continue;
        }
        if convention.utf16 && c.len_utf16() == 2 {
            pauses.push(position);
            position += 1;
        }
        position += 1;
    }
    PositionTable { pauses, len: position + 1 }
}

/// A selection to place: its positions as written and, when known, the text it should cover.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    pub start: i64,
    pub end: i64,
    pub name: Option<&'a str>,
}

/// Maps one selection through a table; `None` when it is out of range or empty.
pub fn map_span(table: &PositionTable, start: i64, end: i64) -> Option<(usize, usize)> {
    if start < 0 || end <= start {
        return None;
    }
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?;
    let (a, b) = (table.get(start)?, table.get(end)?);
    (a < b).then_some((a, b))
}

/// The convention that fits a source best: the one under which the most selection names match
/// the text they cover; on a tie, the one the origin tool is known to use.
pub fn choose(raw: &str, normalised: &str, selections: &[Placement<'_>], origin: &str) -> Convention {
    let default = if origin.to_ascii_lowercase().contains("nvivo") { Convention::NVIVO } else { Convention::STANDARD };
    let has_cr = raw.contains('\r');
    let has_astral = raw.chars().any(|c| c.len_utf16() == 2);
    if !has_cr && !has_astral {
        return default;
    }
    let index = CharIndex::new(normalised);
    let mut best = (score(raw, normalised, &index, selections, default), default);
    for convention in Convention::ALL {
        let s = score(raw, normalised, &index, selections, convention);
        if s > best.0 {
            best = (s, convention);
        }
    }
    best.1
}

/// (selections whose name matches, selections in range) under a convention.
fn score(
    raw: &str,
    normalised: &str,
    index: &CharIndex,
    selections: &[Placement<'_>],
    convention: Convention,
) -> (usize, usize) {
    let table = position_table(raw, convention);
    let mut matched = 0;
    let mut in_range = 0;
    for sel in selections {
        let Some((a, b)) = map_span(&table, sel.start, sel.end) else { continue };
        in_range += 1;
        if sel.name.is_some_and(|name| name_matches(name, index.slice(normalised, a, b))) {
            matched += 1;
        }
    }
    (matched, in_range)
}

/// True when a selection name is the selected text, possibly truncated with an ellipsis.
/// Names that are labels rather than text ("line:6", "Quotation 6:1") match nothing. Only as
/// much of the selected text is read as the name is long.
pub fn name_matches(name: &str, selected: &str) -> bool {
    let name = name.trim_end_matches('…').trim_end_matches("...");
    let name: Vec<char> = squash(name.chars()).collect();
    if name.len() < 4 {
        return false;
    }
    let text: Vec<char> = squash(selected.chars()).take(name.len() + 1).collect();
    text.starts_with(&name) || (name.len() > text.len() && name.starts_with(&text) && text.len() >= 4)
}

/// The characters with each run of whitespace made one space, none at either end.
fn squash(chars: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    let mut pending_space = false;
    let mut started = false;
    chars
        .flat_map(move |c| {
            if c.is_whitespace() {
                pending_space = started;
                [None, None]
            } else {
                let space = std::mem::take(&mut pending_space).then_some(' ');
                started = true;
                [space, Some(c)]
            }
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_pos(raw: &str, byte: usize) -> i64 {
        raw[..byte].encode_utf16().count() as i64
    }

    #[test]
    fn nvivo_utf16_and_crlf_positions_land_on_the_same_characters() {
        let raw = "Intro 😀 line\r\nLW1: the bus 🚌 never comes\r\nEnd";
        let normalised = crate::text::normalise_newlines(raw);
        let target = "the bus 🚌 never";
        let byte = raw.find(target).unwrap();
        let start = utf16_pos(raw, byte);
        let end = utf16_pos(raw, byte + target.len());
        let sel = [Placement { start, end, name: Some(target) }];
        let convention = choose(raw, &normalised, &sel, "NVivo 12 (Windows)");
        assert_eq!(convention, Convention::NVIVO);
        let table = position_table(raw, convention);
        let (a, b) = map_span(&table, start, end).unwrap();
        assert_eq!(crate::text::char_slice(&normalised, a, b), target);
    }

    #[test]
    fn names_decide_against_the_origin_default() {
        let raw = "a\r\nb 😀 c\r\nthe quoted words here\r\n";
        let normalised = crate::text::normalise_newlines(raw);
        let target = "the quoted words";
        let start = normalised.chars().take_while(|_| true).collect::<String>().find(target).unwrap();
        let start = normalised[..start].chars().count() as i64;
        let sel = [Placement { start, end: start + 16, name: Some("the quoted…") }];
        assert_eq!(choose(raw, &normalised, &sel, "NVivo 12"), Convention::STANDARD);
    }

    /// The table as one entry per position, as it was first written.
    fn dense_table(raw: &str, convention: Convention) -> Vec<usize> {
        let mut table = Vec::new();
        let mut normalised = 0usize;
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' && chars.peek() == Some(&'\n') {
                if convention.crlf_as_two {
                    table.push(normalised);
                }
                continue;
            }
            let units = if convention.utf16 { c.len_utf16() } else { 1 };
            table.extend(std::iter::repeat_n(normalised, units));
            normalised += 1;
        }
        table.push(normalised);
        table
    }

    #[test]
    fn the_compact_table_agrees_with_one_entry_per_position() {
        for raw in ["", "abc", "a\r\nb", "\r\n\r\n", "a\rb\r", "😀", "x😀\r\n😀y\r", "\r😀\n\r\n"] {
            for convention in Convention::ALL {
                let dense = dense_table(raw, convention);
                let table = position_table(raw, convention);
                assert_eq!(table.len(), dense.len(), "{raw:?} {convention:?}");
                for (position, &offset) in dense.iter().enumerate() {
                    assert_eq!(table.get(position), Some(offset), "{raw:?} {convention:?} at {position}");
                }
                assert_eq!(table.get(dense.len()), None);
            }
        }
    }

    #[test]
    fn out_of_range_and_empty_spans_are_refused() {
        let table = position_table("abc", Convention::STANDARD);
        assert_eq!(map_span(&table, 0, 3), Some((0, 3)));
        assert_eq!(map_span(&table, 0, 4), None);
        assert_eq!(map_span(&table, 2, 2), None);
        assert_eq!(map_span(&table, -1, 2), None);
        assert_eq!(map_span(&table, 0, i64::MAX), None);
    }

    #[test]
    fn labels_are_not_taken_for_text() {
        let text = "line:6 is here";
        assert!(!name_matches("abc", text));
        assert!(name_matches("line:6 is", text));
        assert!(!name_matches("Quotation 6:1", text));
    }

    #[test]
    fn names_match_across_whitespace_and_truncation() {
        assert!(name_matches("the  quoted\nwords…", "  the quoted words here"));
        assert!(name_matches("the quoted words here and more", "the quoted\twords"));
        assert!(name_matches("the quoted words here", "the quoted"));
        assert!(!name_matches("the quoted words", "other words"));
        assert!(!name_matches("abcd", "   "));
    }
}
