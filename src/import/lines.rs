//! The lines of a normalised text with their code point offsets.
//!
//! Speaker turns and paragraphs are both found line by line, and both need each line's offset in
//! code points. [`Lines`] walks the text once per pass with a SIMD newline search and counts code
//! points as it goes. The lines are computed as they are walked, never collected: a 200 MB file
//! of newlines has 200 million lines, and keeping them all (40 bytes each) would take 8 GB.

/// One line of a text, without its `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub body: &'a str,
    /// Code point offset of the line's first character.
    pub start: usize,
    /// Code point offset just past the body (where the `\n` is, if any).
    pub end: usize,
}

/// The lines of a text with their code point spans, as an iterator; once it has run to the end,
/// [`Lines::char_len`] is the text's length in code points.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a str,
    char_pos: usize,
}

impl<'a> Lines<'a> {
    pub fn of(text: &'a str) -> Lines<'a> {
        Lines { rest: text, char_pos: 0 }
    }

    /// Code points walked so far: the text's length once every line has been returned.
    pub fn char_len(&self) -> usize {
        self.char_pos
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let (body, rest, newline) = match memchr::memchr(b'\n', self.rest.as_bytes()) {
            Some(at) => (&self.rest[..at], &self.rest[at + 1..], 1),
            None => (self.rest, "", 0),
        };
        let start = self.char_pos;
        let end = start + body.chars().count();
        self.char_pos = end + newline;
        self.rest = rest;
        Some(Line { body, start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_split_inclusive_and_count_code_points() {
        for text in ["", "a", "a\n", "a\n\nbé\n", "\n", "zoë\nçà", "x\n\n"] {
            let mut walk = Lines::of(text);
            let found: Vec<Line<'_>> = walk.by_ref().collect();
            let bodies: Vec<&str> = found.iter().map(|l| l.body).collect();
            let expected: Vec<&str> = text.split_inclusive('\n').map(|l| l.strip_suffix('\n').unwrap_or(l)).collect();
            assert_eq!(bodies, expected, "{text:?}");
            assert_eq!(walk.char_len(), text.chars().count(), "{text:?}");
            let chars: Vec<char> = text.chars().collect();
            for line in &found {
                assert_eq!(chars[line.start..line.end].iter().collect::<String>(), line.body, "{text:?}");
            }
        }
    }
}
