//! Text helpers for the one offset convention of Fieldcode: Unicode code points into a document's
//! immutable, newline-normalised text, end exclusive.

/// Normalise line endings to `\n` (CRLF and lone CR) and drop a leading BOM.
pub fn normalise_newlines(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// [`normalise_newlines`] taking the text by value: a text that needs no change is returned as
/// it is, without a copy.
pub fn normalise_newlines_owned(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    normalise_newlines(&text)
}

/// Maps code point offsets to byte offsets and back for one text, in O(log n) a lookup.
///
/// Only every 64th code point's byte offset is kept, so the index is small even for long texts.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// byte offset of code point `i * STRIDE`.
    checkpoints: Vec<usize>,
    char_len: usize,
    byte_len: usize,
}

const STRIDE: usize = 64;

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STRIDE + 1);
        let (mut chars, mut at) = (0, 0);
        while at < bytes.len() {
            // Mostly ASCII text: a whole block of ASCII is STRIDE code points at once.
            if chars % STRIDE == 0
                && let Some(block) = bytes.get(at..at + STRIDE)
                && block.is_ascii()
            {
                checkpoints.push(at);
                chars += STRIDE;
                at += STRIDE;
                continue;
            }
            // A code point starts at every byte that is not a continuation byte (0b10xx_xxxx).
            if (bytes[at] as i8) >= -0x40 {
                if chars % STRIDE == 0 {
                    checkpoints.push(at);
                }
                chars += 1;
            }
            at += 1;
        }
        CharIndex { checkpoints, char_len: chars, byte_len: bytes.len() }
    }

    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Byte offset of code point `char_pos` (clamped to the end of the text).
    pub fn byte_of(&self, text: &str, char_pos: usize) -> usize {
        if char_pos >= self.char_len {
            return self.byte_len;
        }
        let block = char_pos / STRIDE;
        let base = self.checkpoints[block];
        let skip = char_pos % STRIDE;
        // A block with as many bytes as code points is ASCII: no need to walk it.
        let block_bytes = self.checkpoints.get(block + 1).copied().unwrap_or(self.byte_len) - base;
        if block_bytes == STRIDE.min(self.char_len - block * STRIDE) {
            return base + skip;
        }
        match text[base..].char_indices().nth(skip) {
            Some((b, _)) => base + b,
            None => self.byte_len,
        }
    }

    /// Code point offset of byte `byte_pos`, which must be a char boundary (else rounded down).
    pub fn char_of(&self, text: &str, byte_pos: usize) -> usize {
        let byte_pos = byte_pos.min(self.byte_len);
        let block = match self.checkpoints.binary_search(&byte_pos) {
            Ok(i) => return i * STRIDE,
            Err(i) => i.saturating_sub(1),
        };
        let base = self.checkpoints.get(block).copied().unwrap_or(0);
        block * STRIDE + text[base..].char_indices().take_while(|(b, _)| base + b < byte_pos).count()
    }

    /// The text between two code point offsets.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> &'t str {
        let a = self.byte_of(text, start);
        let b = self.byte_of(text, end.max(start));
        &text[a..b]
    }
}

/// The byte offsets of the code points at `positions` (ascending) in `text`, found in one scan
/// that stops at the last of them; `None` if one lies past the end or they are not ascending.
/// For a few lookups in a long text (an edit's splice), where building a [`CharIndex`] would
/// read the whole text: blocks of 64 bytes are counted at once (the count vectorises).
pub fn byte_offsets(text: &str, positions: &[usize]) -> Option<Vec<usize>> {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let starts = |b: &[u8]| b.iter().filter(|&&x| (x as i8) >= -0x40).count();
    let (mut at, mut chars) = (0usize, 0usize);
    let mut out = Vec::with_capacity(positions.len());
    for &want in positions {
        if want < chars {
            return None;
        }
        // Skip whole blocks holding no more than the code points before `want`.
        while let Some(block) = bytes.get(at..at + BLOCK) {
            let n = starts(block);
            if chars + n > want {
                break;
            }
            chars += n;
            at += BLOCK;
        }
        while at < bytes.len() {
            if (bytes[at] as i8) >= -0x40 {
                if chars == want {
                    break;
                }
                chars += 1;
            }
            at += 1;
        }
        if at == bytes.len() && chars != want {
            return None;
        }
        out.push(at);
    }
    Some(out)
}

/// The text between two code point offsets, for one-off lookups (linear in `end`).
pub fn char_slice(text: &str, start: usize, end: usize) -> &str {
    let mut iter = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len()));
    let a = iter.nth(start).unwrap_or(text.len());
    let b = if end > start { iter.nth(end - start - 1).unwrap_or(text.len()) } else { a };
    &text[a..b]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_normalised_and_bom_dropped() {
        assert_eq!(normalise_newlines("\u{feff}a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalise_newlines_owned("\u{feff}a\r\nb\rc\n".into()), "a\nb\nc\n");
        assert_eq!(normalise_newlines_owned("\u{feff}a\nb".into()), "a\nb");
    }

    #[test]
    fn byte_offsets_agree_with_the_char_index_and_refuse_past_the_end() {
        let text: String = (0..700)
            .map(|i| {
                if i % 13 == 0 {
                    '😀'
                } else if i % 5 == 0 {
                    'é'
                } else {
                    'a'
                }
            })
            .collect();
        let index = CharIndex::new(&text);
        let positions = [0, 1, 63, 64, 65, 200, 200, 511, 699, 700];
        let want: Vec<usize> = positions.iter().map(|&p| index.byte_of(&text, p)).collect();
        assert_eq!(byte_offsets(&text, &positions), Some(want));
        assert_eq!(byte_offsets(&text, &[701]), None);
        assert_eq!(byte_offsets(&text, &[5, 4]), None);
        assert_eq!(byte_offsets("", &[0]), Some(vec![0]));
    }

    #[test]
    fn char_index_round_trips_on_mixed_text() {
        let text: String = (0..500)
            .map(|i| {
                if i % 7 == 0 {
                    'é'
                } else if i % 11 == 0 {
                    '😀'
                } else {
                    'a'
                }
            })
            .collect();
        let index = CharIndex::new(&text);
        assert_eq!(index.char_len(), 500);
        for (i, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.byte_of(&text, i), byte);
            assert_eq!(index.char_of(&text, byte), i);
        }
        assert_eq!(index.byte_of(&text, 500), text.len());
        assert_eq!(index.slice(&text, 6, 9), char_slice(&text, 6, 9));
    }

    #[test]
    fn char_index_skips_walking_ascii_blocks_only() {
        let text = format!("{}é{}😀{}", "a".repeat(130), "b".repeat(70), "c".repeat(3));
        let index = CharIndex::new(&text);
        for (i, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.byte_of(&text, i), byte, "code point {i}");
        }
        assert_eq!(index.byte_of(&text, index.char_len()), text.len());
        let ascii = "x".repeat(128);
        assert_eq!(CharIndex::new(&ascii).byte_of(&ascii, 127), 127);
    }

    #[test]
    fn char_slice_handles_edges() {
        assert_eq!(char_slice("héllo", 1, 3), "él");
        assert_eq!(char_slice("héllo", 3, 99), "lo");
        assert_eq!(char_slice("héllo", 2, 2), "");
    }
}
