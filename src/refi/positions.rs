//! Text positions across tools. The standard counts Unicode code points in the plain text;
//! NVivo (Windows) counts UTF-16 code units and counts CRLF as two; ATLAS.ti counts CRLF as
//! one. Fieldcode stores code points into the newline-normalised text (BOM dropped), so every
//! position from a file is mapped through the convention that fits, chosen per source by checking
//! selections whose `name` holds the selected text.

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

/// For each position in `convention` over `raw` (BOM already removed), the code point offset in
/// the newline-normalised text. Positions inside a CRLF or a surrogate pair map to the start of
/// the character that follows or contains them.
pub fn position_table(raw: &str, convention: Convention) -> Vec<usize> {
    let mut table = Vec::with_capacity(raw.len() + 1);
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
        for _ in 0..units {
            table.push(normalised);
        }
        normalised += 1;
    }
    table.push(normalised);
    table
}

/// A selection to place: its positions as written and, when known, the text it should cover.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    pub start: i64,
    pub end: i64,
    pub name: Option<&'a str>,
}

/// Maps one selection through a table; `None` when it is out of range or empty.
pub fn map_span(table: &[usize], start: i64, end: i64) -> Option<(usize, usize)> {
    if start < 0 || end <= start {
        return None;
    }
    let (a, b) = (*table.get(start as usize)?, *table.get(end as usize)?);
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
    let chars: Vec<char> = normalised.chars().collect();
    let mut best = (score(raw, &chars, selections, default), default);
    for convention in Convention::ALL {
        let s = score(raw, &chars, selections, convention);
        if s > best.0 {
            best = (s, convention);
        }
    }
    best.1
}

/// (selections whose name matches, selections in range) under a convention.
fn score(raw: &str, chars: &[char], selections: &[Placement<'_>], convention: Convention) -> (usize, usize) {
    let table = position_table(raw, convention);
    let mut matched = 0;
    let mut in_range = 0;
    for sel in selections {
        let Some((a, b)) = map_span(&table, sel.start, sel.end) else { continue };
        in_range += 1;
        if sel.name.is_some_and(|name| name_matches(name, &chars[a..b])) {
            matched += 1;
        }
    }
    (matched, in_range)
}

/// True when a selection name is the selected text, possibly truncated with an ellipsis.
/// Names that are labels rather than text ("line:6", "Quotation 6:1") match nothing.
pub fn name_matches(name: &str, selected: &[char]) -> bool {
    let name = name.trim_end_matches('…').trim_end_matches("...");
    let name: Vec<char> = squash(name.chars());
    if name.len() < 4 {
        return false;
    }
    let text: Vec<char> = squash(selected.iter().copied());
    text.starts_with(&name) || (name.len() > text.len() && name.starts_with(&text) && text.len() >= 4)
}

fn squash(chars: impl Iterator<Item = char>) -> Vec<char> {
    let mut out = Vec::new();
    for c in chars {
        if c.is_whitespace() {
            if out.last().is_some_and(|l: &char| *l != ' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    out
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

    #[test]
    fn out_of_range_and_empty_spans_are_refused() {
        let table = position_table("abc", Convention::STANDARD);
        assert_eq!(map_span(&table, 0, 3), Some((0, 3)));
        assert_eq!(map_span(&table, 0, 4), None);
        assert_eq!(map_span(&table, 2, 2), None);
        assert_eq!(map_span(&table, -1, 2), None);
    }

    #[test]
    fn labels_are_not_taken_for_text() {
        let chars: Vec<char> = "line:6 is here".chars().collect();
        assert!(!name_matches("abc", &chars));
        assert!(name_matches("line:6 is", &chars));
        assert!(!name_matches("Quotation 6:1", &chars));
    }
}
