//! Paragraph text from word-processor files: `.docx` (`word/document.xml`) and `.odt`
//! (`content.xml`). Paragraphs are joined by a blank line so each stays a paragraph in Fieldcode.
//!
//! A word-processor file is small on disk and large inside: a 1 MB `.docx` can inflate to
//! hundreds of megabytes of text, and one `<text:s text:c="1000"/>` of an `.odt` stands for a
//! thousand spaces. So the XML part is streamed from the zip (never held whole), the inflated
//! bytes read are capped, and the text is built in one string that is checked against the text
//! limit as it grows: extraction stops as soon as the text passes it, so memory stays a small
//! multiple of the limit whatever the file claims.

use std::io::{BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::MAX_FILE_BYTES;
use super::input::megabytes;

/// Largest inflated XML part read from a document (bytes).
const MAX_PART_BYTES: u64 = 400 * 1024 * 1024;

/// Most spaces one `<text:s text:c="…"/>` stands for.
const MAX_SPACES: usize = 1000;

/// The paragraphs of a `.docx` file.
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    docx_text_within(bytes, MAX_FILE_BYTES)
}

/// [`docx_text`], refusing a text longer than `limit` bytes.
pub fn docx_text_within(bytes: &[u8], limit: u64) -> Result<String, String> {
    let tags = Tags { para: b"p", text: &[b"t"], tab: b"tab", breaks: &[b"br", b"cr"], spaces: false };
    with_part(bytes, "word/document.xml", "a Word document", |xml| extract(xml, &tags, limit))
}

/// The paragraphs (and headings) of an `.odt` file.
pub fn odt_text(bytes: &[u8]) -> Result<String, String> {
    odt_text_within(bytes, MAX_FILE_BYTES)
}

/// [`odt_text`], refusing a text longer than `limit` bytes.
pub fn odt_text_within(bytes: &[u8], limit: u64) -> Result<String, String> {
    let tags = Tags { para: b"p", text: &[], tab: b"tab", breaks: &[b"line-break"], spaces: true };
    let text = with_part(bytes, "content.xml", "an OpenDocument text", |xml| extract(xml, &tags, limit))?;
    // U+0001 stands for a space in some writers' output; both are one byte, so swap in place.
    let mut bytes = text.into_bytes();
    for byte in bytes.iter_mut().filter(|b| **b == 1) {
        *byte = b' ';
    }
    String::from_utf8(bytes).map_err(|_| "its text is not valid UTF-8".to_owned())
}

/// Runs `read` over the XML of `part`, streamed from the zip and capped at [`MAX_PART_BYTES`].
fn with_part(
    bytes: &[u8],
    part: &str,
    what: &str,
    read: impl FnOnce(&mut Reader<BufReader<Capped<'_>>>) -> Result<String, String>,
) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("it is not {what} (the zip container cannot be read: {e})"))?;
    let entry = archive.by_name(part).map_err(|_| format!("it is not {what}: the zip has no {part}"))?;
    let too_big = || format!("its {part} inflates beyond {} MB, the most Fieldcode reads", megabytes(MAX_PART_BYTES));
    if entry.size() > MAX_PART_BYTES {
        return Err(too_big());
    }
    let mut reader =
        Reader::from_reader(BufReader::new(Capped { inner: Box::new(entry), left: MAX_PART_BYTES, over: false }));
    let result = read(&mut reader);
    if reader.get_ref().get_ref().over {
        return Err(too_big());
    }
    result
}

/// A reader that stops after `left` bytes, noting whether there was more.
struct Capped<'a> {
    inner: Box<dyn Read + 'a>,
    left: u64,
    over: bool,
}

impl Read for Capped<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            if self.inner.read(&mut [0u8])? > 0 {
                self.over = true;
                return Err(std::io::Error::other("the part is too large"));
            }
            return Ok(0);
        }
        let len = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..len])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// The element names that matter to one format (local names).
struct Tags<'a> {
    /// A paragraph (`h`, a heading, is one too).
    para: &'a [u8],
    /// Elements whose text is kept; empty: all text inside a paragraph.
    text: &'a [&'a [u8]],
    tab: &'a [u8],
    breaks: &'a [&'a [u8]],
    /// Whether `<s c="n"/>` stands for n spaces (OpenDocument).
    spaces: bool,
}

/// The text being built: paragraphs joined by a blank line, trailing blanks trimmed, empty
/// paragraphs dropped, never longer than `limit` bytes.
struct Text {
    out: String,
    limit: usize,
    /// Where the open paragraph's separator starts, and its text.
    open: Option<(usize, usize)>,
}

impl Text {
    fn push(&mut self, piece: &str) -> Result<(), String> {
        if self.out.len() + piece.len() > self.limit {
            return Err(format!(
                "its text is over {} MB, the limit for one document; split the document",
                megabytes(self.limit as u64)
            ));
        }
        self.out.push_str(piece);
        Ok(())
    }

    fn open_paragraph(&mut self) {
        let separator = self.out.len();
        if separator > 0 {
            self.out.push_str("\n\n");
        }
        self.open = Some((separator, self.out.len()));
    }

    fn close_paragraph(&mut self) {
        if let Some((separator, start)) = self.open.take() {
            let kept = start + self.out[start..].trim_end().len();
            let blank = self.out[start..kept].trim().is_empty();
            self.out.truncate(if blank { separator } else { kept });
        }
    }
}

/// Walks the XML: text inside `tags.text` (or anywhere in a paragraph, when empty) is kept,
/// `tab` adds a tab, `breaks` add a newline, and the end of a paragraph (or `h`) ends it.
fn extract<R: std::io::BufRead>(reader: &mut Reader<R>, tags: &Tags<'_>, limit: u64) -> Result<String, String> {
    let mut text = Text { out: String::new(), limit: limit.min(usize::MAX as u64) as usize, open: None };
    let mut depth_in_para = 0usize;
    let mut in_text = 0usize;
    let mut buf = Vec::new();
    let is_para = |name: &[u8]| name == tags.para || name == b"h";
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("its XML is malformed at byte {}: {e}", reader.buffer_position()))?;
        let keep_text = depth_in_para > 0 && (tags.text.is_empty() || in_text > 0);
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                if is_para(name.as_ref()) {
                    if depth_in_para == 0 {
                        text.open_paragraph();
                    }
                    depth_in_para += 1;
                } else if tags.text.contains(&name.as_ref()) {
                    in_text += 1;
                }
            }
            Event::Empty(e) if depth_in_para > 0 => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == tags.tab {
                    text.push("\t")?;
                } else if tags.breaks.contains(&name) {
                    text.push("\n")?;
                } else if name == b"s" && tags.spaces {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"c")
                        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse::<usize>().ok())
                        .unwrap_or(1);
                    text.push(&" ".repeat(count.min(MAX_SPACES)))?;
                }
            }
            Event::Text(t) if keep_text => {
                let raw = t.decode().map_err(|e| format!("its XML has bad text: {e}"))?;
                text.push(&quick_xml::escape::unescape(&raw).map_err(|e| format!("its XML has a bad entity: {e}"))?)?;
            }
            Event::CData(t) if keep_text => {
                text.push(&t.decode().map_err(|e| format!("its XML has bad text: {e}"))?)?;
            }
            Event::GeneralRef(r) if keep_text => {
                let name = r.decode().map_err(|e| format!("its XML has a bad entity: {e}"))?;
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| format!("its XML has a bad entity: {e}"))?
                    .into_owned();
                text.push(&resolved)?;
            }
            Event::End(e) => {
                let name = e.local_name();
                if is_para(name.as_ref()) && depth_in_para > 0 {
                    depth_in_para -= 1;
                    if depth_in_para == 0 {
                        text.close_paragraph();
                    }
                } else if tags.text.contains(&name.as_ref()) && in_text > 0 {
                    in_text -= 1;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    // A paragraph never closed is dropped, as before the stream ended.
    if let Some((separator, _)) = text.open {
        text.out.truncate(separator);
    }
    if text.out.trim().is_empty() {
        return Err("the document has no text".into());
    }
    text.out.push('\n');
    text.out.shrink_to_fit();
    Ok(text.out)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    pub(crate) fn zip_with(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        for (name, content) in entries {
            writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(content.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn docx_paragraphs_runs_tabs_and_entities() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Interviewer: Tell me </w:t></w:r><w:r><w:t xml:space="preserve">about &amp; café</w:t></w:r></w:p>
            <w:p/>
            <w:p><w:r><w:t>LW2:</w:t><w:tab/><w:t>Well</w:t><w:br/><w:t>then</w:t></w:r></w:p>
            <w:p><w:r><w:delText>deleted</w:delText></w:r></w:p>
        </w:body></w:document>"#;
        let bytes = zip_with(&[("word/document.xml", xml)]);
        assert_eq!(docx_text(&bytes).unwrap(), "Interviewer: Tell me about & café\n\nLW2:\tWell\nthen\n");
    }

    #[test]
    fn odt_paragraphs_headings_and_spaces() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
            <text:h>Visit</text:h><text:p>A<text:s text:c="3"/>B <text:span>span</text:span></text:p>
        </office:text></office:body></office:document-content>"#;
        let bytes = zip_with(&[("content.xml", xml)]);
        assert_eq!(odt_text(&bytes).unwrap(), "Visit\n\nA   B span\n");
    }

    #[test]
    fn extraction_stops_once_the_text_passes_the_limit() {
        let para = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "a".repeat(100));
        let xml = format!("<w:document xmlns:w=\"x\"><w:body>{}</w:body></w:document>", para.repeat(50));
        let bytes = zip_with(&[("word/document.xml", &xml)]);
        assert!(docx_text_within(&bytes, 1000).unwrap_err().contains("over"));
        assert_eq!(docx_text_within(&bytes, 10_000).unwrap().len(), 50 * 100 + 49 * 2 + 1);
        let spaces =
            format!("<o xmlns:text=\"t\"><text:p>a{}</text:p></o>", r#"<text:s text:c="99999999"/>"#.repeat(20));
        let bytes = zip_with(&[("content.xml", &spaces)]);
        assert!(odt_text_within(&bytes, 10_000).unwrap_err().contains("over"));
        assert_eq!(odt_text_within(&bytes, 30_000).unwrap(), "a\n", "each count is capped at 1000 spaces");
    }

    #[test]
    fn blank_and_unclosed_paragraphs_leave_no_separators() {
        let xml = "<w:document xmlns:w=\"x\"><w:p><w:r><w:t>  </w:t></w:r></w:p><w:p><w:r><w:t> one </w:t></w:r></w:p><w:p/><w:p><w:r><w:t>two</w:t></w:r></w:p><w:p><w:r><w:t>open";
        let bytes = zip_with(&[("word/document.xml", xml)]);
        assert_eq!(docx_text(&bytes).unwrap(), " one\n\ntwo\n");
    }

    #[test]
    fn corrupt_containers_are_refused() {
        assert!(docx_text(b"PK\x03\x04 not really").unwrap_err().contains("zip"));
        let bytes = zip_with(&[("other.xml", "<a/>")]);
        assert!(docx_text(&bytes).unwrap_err().contains("word/document.xml"));
        let bytes = zip_with(&[("word/document.xml", "<w:p><w:t>unclosed</w:p>")]);
        assert!(docx_text(&bytes).is_err());
    }
}
