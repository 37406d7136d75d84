//! Bytes to text: BOM-marked UTF-8/UTF-16, plain UTF-8, else a detected legacy encoding such as
//! Windows-1252.
//!
//! A file that is UTF-8 except for a few bytes (a stray `0xFF` in a transcript full of `’`) is
//! UTF-8 with errors, not a legacy file: re-decoding it all in a legacy code page would turn every
//! `’` into `â€™`. Such a file is refused with the offset and line of the first bad byte, or, when
//! the caller asks for [`Invalid::Replace`], read with U+FFFD in place of the bad bytes. A file is
//! taken for a legacy encoding only when its invalid sequences outnumber its valid multi-byte
//! ones (genuine Windows-1252 text has many high bytes and, by chance, almost no valid UTF-8
//! sequences). Nothing else ever substitutes U+FFFD.

use encoding_rs::Encoding;

/// What to do with bytes that are not valid in the file's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Invalid {
    /// Refuse the file, saying where the first bad byte is.
    #[default]
    Refuse,
    /// Replace each bad sequence with U+FFFD.
    Replace,
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// UTF-8 except for `count` invalid sequences; the first is `byte` at `offset` (0-based,
    /// in the file), on line `line` (1-based).
    BadUtf8 { offset: usize, line: usize, byte: u8, count: usize },
    /// Anything else: empty, binary, not decodable.
    Other(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::BadUtf8 { offset, line, byte, count } => write!(
                f,
                "it is UTF-8 except for {count} invalid byte sequence(s); the first, 0x{byte:02X}, is at byte offset \
                 {offset} (line {line}). It was not read; correct those bytes, or import it with them replaced by U+FFFD"
            ),
            DecodeError::Other(reason) => f.write_str(reason),
        }
    }
}

impl From<DecodeError> for String {
    fn from(err: DecodeError) -> String {
        err.to_string()
    }
}

/// Decodes a text file's bytes, or says why it cannot be read as text (invalid bytes refused).
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    decode(bytes, Invalid::Refuse).map_err(String::from)
}

/// What [`decode`] finds bytes to be, before it decodes them.
enum Detected {
    Empty,
    /// A byte-order mark of this encoding, this many bytes long.
    Bom(&'static Encoding, usize),
    Utf8,
    Binary,
    /// UTF-8 with some invalid sequences.
    BrokenUtf8(Utf8Census),
    /// A legacy encoding, as detected.
    Legacy(&'static Encoding),
}

fn detect(bytes: &[u8]) -> Detected {
    if bytes.is_empty() {
        return Detected::Empty;
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Detected::Bom(encoding, bom_len);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Detected::Utf8;
    }
    if looks_binary(bytes) {
        return Detected::Binary;
    }
    let census = Utf8Census::of(bytes);
    if census.multibyte > census.invalid {
        return Detected::BrokenUtf8(census);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    Detected::Legacy(detector.guess(None, false))
}

/// The encoding [`decode`] reads these bytes in, named for people ("UTF-8", "windows-1252",
/// "UTF-16LE (byte-order mark)", …), found by the same detection without decoding.
pub fn encoding_name(bytes: &[u8]) -> String {
    match detect(bytes) {
        Detected::Empty => "empty".to_owned(),
        Detected::Bom(encoding, _) => format!("{} (byte-order mark)", encoding.name()),
        Detected::Utf8 => "UTF-8".to_owned(),
        Detected::Binary => "binary".to_owned(),
        Detected::BrokenUtf8(census) => format!("UTF-8 with {} invalid byte sequence(s)", census.invalid),
        Detected::Legacy(encoding) => encoding.name().to_owned(),
    }
}

/// Decodes a text file's bytes, treating invalid bytes as `invalid` says.
pub fn decode(bytes: &[u8], invalid: Invalid) -> Result<String, DecodeError> {
    match detect(bytes) {
        Detected::Empty => Err(other("the file is empty")),
        Detected::Bom(encoding, bom_len) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
            if had_errors && invalid == Invalid::Refuse {
                return Err(DecodeError::Other(format!(
                    "the file starts with a {} byte-order mark but is not valid {}",
                    encoding.name(),
                    encoding.name()
                )));
            }
            finish(text.into_owned())
        }
        Detected::Utf8 => finish(String::from_utf8_lossy(bytes).into_owned()),
        Detected::Binary => Err(other("it looks like a binary file, not text")),
        Detected::BrokenUtf8(census) => match invalid {
            Invalid::Replace => finish(String::from_utf8_lossy(bytes).into_owned()),
            Invalid::Refuse => Err(census.error(bytes)),
        },
        Detected::Legacy(encoding) => legacy(bytes, encoding),
    }
}

/// [`decode`] taking the bytes by value: valid UTF-8 without a byte-order mark (the common case)
/// becomes the text without a copy.
pub fn decode_owned(bytes: Vec<u8>, invalid: Invalid) -> Result<String, DecodeError> {
    if bytes.is_empty() || Encoding::for_bom(&bytes).is_some() {
        return decode(&bytes, invalid);
    }
    match String::from_utf8(bytes) {
        Ok(text) => finish(text),
        Err(not_utf8) => decode(not_utf8.as_bytes(), invalid),
    }
}

/// A file in a legacy single- or multi-byte encoding, as detected.
fn legacy(bytes: &[u8], encoding: &'static Encoding) -> Result<String, DecodeError> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => finish(text.into_owned()),
        None => Err(DecodeError::Other(format!(
            "it is not UTF-8 and does not decode as {} either; save it as UTF-8 and import it again",
            encoding.name()
        ))),
    }
}

/// How much of some bytes is valid multi-byte UTF-8 and how much is not.
struct Utf8Census {
    /// Valid characters of two to four bytes.
    multibyte: usize,
    /// Invalid sequences (each maximal invalid run as `from_utf8` reports it).
    invalid: usize,
    /// Offset of the first invalid byte.
    first_bad: Option<usize>,
}

impl Utf8Census {
    fn of(bytes: &[u8]) -> Utf8Census {
        let lead_bytes = |valid: &[u8]| valid.iter().filter(|&&b| b >= 0xC0).count();
        let mut census = Utf8Census { multibyte: 0, invalid: 0, first_bad: None };
        let mut at = 0;
        while at < bytes.len() {
            match std::str::from_utf8(&bytes[at..]) {
                Ok(_) => {
                    census.multibyte += lead_bytes(&bytes[at..]);
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    census.multibyte += lead_bytes(&bytes[at..at + good]);
                    census.first_bad.get_or_insert(at + good);
                    census.invalid += 1;
                    at += good + e.error_len().unwrap_or(bytes.len() - at - good);
                }
            }
        }
        census
    }

    fn error(&self, bytes: &[u8]) -> DecodeError {
        let offset = self.first_bad.unwrap_or(0);
        let line = memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1;
        DecodeError::BadUtf8 { offset, line, byte: bytes.get(offset).copied().unwrap_or(0), count: self.invalid }
    }
}

fn other(reason: &str) -> DecodeError {
    DecodeError::Other(reason.to_owned())
}

fn finish(text: String) -> Result<String, DecodeError> {
    if looks_binary(text.as_bytes()) {
        return Err(other("it looks like a binary file, not text"));
    }
    if text.trim().is_empty() {
        return Err(other("the file has no text"));
    }
    Ok(text)
}

/// True when the start of the data has NUL bytes or many control characters.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    controls * 20 > sample.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text(b"caf\xc3\xa9").unwrap(), "café");
        assert_eq!(decode_text(b"\xef\xbb\xbfcaf\xc3\xa9").unwrap(), "café");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xff, 0xfe];
        le.extend("Zoë: hi".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_text(&le).unwrap(), "Zoë: hi");
        let mut be = vec![0xfe, 0xff];
        be.extend("Zoë: hi".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode_text(&be).unwrap(), "Zoë: hi");
    }

    #[test]
    fn windows_1252_is_detected() {
        let bytes = b"The caf\xe9 costs \xa35 \x96 she said \x93no\x94 to the na\xefve plan.";
        assert_eq!(
            decode_text(bytes).unwrap(),
            "The caf\u{e9} costs \u{a3}5 \u{2013} she said \u{201c}no\u{201d} to the na\u{ef}ve plan."
        );
        assert_eq!(encoding_name(bytes), "windows-1252");
        assert_eq!(encoding_name("caf\u{e9}".as_bytes()), "UTF-8");
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert!(decode_text(b"").unwrap_err().contains("empty"));
        assert!(decode_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err().contains("binary"));
        assert!(decode_text(b"  \n\n ").unwrap_err().contains("no text"));
    }

    #[test]
    fn broken_utf16_is_refused_not_replaced() {
        let bytes = [0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]; // lone surrogate
        assert!(decode_text(&bytes).is_err());
        assert_eq!(decode(&bytes, Invalid::Replace).unwrap(), "\u{fffd}A");
    }

    #[test]
    fn one_bad_byte_in_utf8_is_refused_with_its_place_not_read_as_a_code_page() {
        let bytes =
            "the children\u{2019}s room\nwe met \u{2019}there\u{2019}\nbad \u{ff}here".replace('\u{ff}', "\u{0}");
        let mut bytes = bytes.into_bytes();
        let at = bytes.iter().position(|&b| b == 0).unwrap();
        bytes[at] = 0xFF;
        let err = decode(&bytes, Invalid::Refuse).unwrap_err();
        assert_eq!(err, DecodeError::BadUtf8 { offset: at, line: 3, byte: 0xFF, count: 1 });
        assert!(err.to_string().contains(&format!("byte offset {at} (line 3)")), "{err}");
        let lossy = decode(&bytes, Invalid::Replace).unwrap();
        assert!(lossy.contains("children\u{2019}s") && lossy.contains("bad \u{fffd}here"), "{lossy}");
    }

    #[test]
    fn a_legacy_file_with_one_accidental_utf8_pair_stays_legacy() {
        // "À" then "»" in Windows-1252 happen to form a valid UTF-8 pair; the many other high
        // bytes outvote it.
        let bytes = b"\xc0\xbb caf\xe9 na\xefve \x93quoted\x94 \xe9t\xe9 \xe0 la cr\xe8me";
        let text = decode_text(bytes).unwrap();
        assert!(text.contains("caf\u{e9}") && text.contains("cr\u{e8}me"), "{text}");
    }
}
