//! The lines of a normalised text with their code point offsets.
//!
//! Speaker turns and paragraphs are both found line by line, and both need each line's offset in
//! code points. Splitting and counting the text once here, with a SIMD newline search, instead of
//! once per pass, made parsing a large transcript markedly cheaper (see `benches/import.rs`).

/// One line of a text, without its `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub body: &'a str,
    /// Code point offset of the line's first character.
    pub start: usize,
    /// Code point offset just past the body (where the `\n` is, if any).
    pub end: usize,
}

/// The lines of `text` with their code point spans, and the text's length in code points.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    pub lines: Vec<Line<'a>>,
    pub char_len: usize,
}

impl<'a> Lines<'a> {
    pub fn of(text: &'a str) -> Lines<'a> {
        let mut lines = Vec::with_capacity(text.len() / 64 + 1);
        let mut push = |body: &'a str, start: usize| {
            let end = start + body.chars().count();
            lines.push(Line { body, start, end });
            end
        };
        let (mut byte, mut char_pos) = (0, 0);
        for newline in memchr::memchr_iter(b'\n', text.as_bytes()) {
            char_pos = push(&text[byte..newline], char_pos) + 1;
            byte = newline + 1;
        }
        if byte < text.len() {
            char_pos = push(&text[byte..], char_pos);
        }
        Lines { lines, char_len: char_pos }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_split_inclusive_and_count_code_points() {
        for text in ["", "a", "a\n", "a\n\nbé\n", "\n", "zoë\nçà", "x\n\n"] {
            let found = Lines::of(text);
            let bodies: Vec<&str> = found.lines.iter().map(|l| l.body).collect();
            let expected: Vec<&str> = text.split_inclusive('\n').map(|l| l.strip_suffix('\n').unwrap_or(l)).collect();
            assert_eq!(bodies, expected, "{text:?}");
            assert_eq!(found.char_len, text.chars().count(), "{text:?}");
            let chars: Vec<char> = text.chars().collect();
            for line in &found.lines {
                assert_eq!(chars[line.start..line.end].iter().collect::<String>(), line.body, "{text:?}");
            }
        }
    }
}
