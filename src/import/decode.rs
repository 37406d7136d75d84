//! Bytes to text: BOM-marked UTF-8/UTF-16, plain UTF-8, else a detected legacy encoding such as
//! Windows-1252. Decoding never substitutes U+FFFD: a file that does not decode cleanly is refused.

use encoding_rs::Encoding;

/// Decodes a text file's bytes, or says why it cannot be read as text.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(format!(
                "the file starts with a {} byte-order mark but is not valid {}",
                encoding.name(),
                encoding.name()
            ));
        }
        return finish(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_owned());
    }
    if looks_binary(bytes) {
        return Err("it looks like a binary file, not text".into());
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = detector.guess(None, true);
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => finish(text.into_owned()),
        None => Err(format!(
            "it is not UTF-8 and does not decode as {} either; save it as UTF-8 and import it again",
            encoding.name()
        )),
    }
}

/// [`decode_text`] taking the bytes by value: valid UTF-8 without a byte-order mark (the common
/// case) becomes the text without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.is_empty() || Encoding::for_bom(&bytes).is_some() {
        return decode_text(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => finish(text),
        Err(not_utf8) => decode_text(not_utf8.as_bytes()),
    }
}

fn finish(text: String) -> Result<String, String> {
    if looks_binary(text.as_bytes()) {
        return Err("it looks like a binary file, not text".into());
    }
    if text.trim().is_empty() {
        return Err("the file has no text".into());
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
        assert_eq!(decode_text(bytes).unwrap(), "The café costs £5 – she said “no” to the naïve plan.");
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
    }
}
