//! Paragraph text from word-processor files: `.docx` (`word/document.xml`) and `.odt`
//! (`content.xml`). Paragraphs are joined by a blank line so each stays a paragraph in Fieldcode.
//! Reads are bounded, so a zip bomb is refused instead of filling memory.

use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::Event;

/// Largest inflated XML part read from a document (bytes).
const MAX_PART_BYTES: u64 = 400 * 1024 * 1024;

/// The paragraphs of a `.docx` file.
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let xml = read_part(bytes, "word/document.xml", "a Word document")?;
    extract(&xml, b"p", &[b"t"], b"tab", &[b"br", b"cr"])
}

/// The paragraphs (and headings) of an `.odt` file.
pub fn odt_text(bytes: &[u8]) -> Result<String, String> {
    let xml = read_part(bytes, "content.xml", "an OpenDocument text")?;
    extract(&xml, b"p", &[], b"tab", &[b"line-break"]).map(|t| t.replace('\u{1}', " "))
}

fn read_part(bytes: &[u8], part: &str, what: &str) -> Result<Vec<u8>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("it is not {what} (the zip container cannot be read: {e})"))?;
    let mut entry = archive.by_name(part).map_err(|_| format!("it is not {what}: the zip has no {part}"))?;
    if entry.size() > MAX_PART_BYTES {
        return Err(format!("its {part} inflates to {} bytes, more than the {MAX_PART_BYTES} allowed", entry.size()));
    }
    let mut xml = Vec::new();
    (&mut entry)
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("its {part} cannot be inflated: {e}"))?;
    if xml.len() as u64 > MAX_PART_BYTES {
        return Err(format!("its {part} inflates beyond {MAX_PART_BYTES} bytes"));
    }
    Ok(xml)
}

/// Walks the XML: text inside `text_tags` (or anywhere in a paragraph, when empty) is kept,
/// `tab` adds a tab, `breaks` add a newline, and the end of a `para` (or `h`) ends a paragraph.
fn extract(xml: &[u8], para: &[u8], text_tags: &[&[u8]], tab: &[u8], breaks: &[&[u8]]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth_in_para = 0usize;
    let mut in_text = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("its XML is malformed at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == para || name == b"h" {
                    depth_in_para += 1;
                } else if text_tags.contains(&name) {
                    in_text += 1;
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if depth_in_para > 0 && name == tab {
                    current.push('\t');
                } else if depth_in_para > 0 && breaks.contains(&name) {
                    current.push('\n');
                } else if depth_in_para > 0 && name == b"s" && text_tags.is_empty() {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"c")
                        .and_then(|a| std::str::from_utf8(&a.value).ok()?.parse::<usize>().ok())
                        .unwrap_or(1);
                    current.extend(std::iter::repeat_n(' ', count.min(1000)));
                } else if name == para || name == b"h" {
                    paragraphs.push(String::new());
                }
            }
            Event::Text(t) if depth_in_para > 0 && (text_tags.is_empty() || in_text > 0) => {
                let text = t.decode().map_err(|e| format!("its XML has bad text: {e}"))?;
                current.push_str(
                    &quick_xml::escape::unescape(&text).map_err(|e| format!("its XML has a bad entity: {e}"))?,
                );
            }
            Event::GeneralRef(r) if depth_in_para > 0 && (text_tags.is_empty() || in_text > 0) => {
                let name = r.decode().map_err(|e| format!("its XML has a bad entity: {e}"))?;
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| format!("its XML has a bad entity: {e}"))?
                    .into_owned();
                current.push_str(&resolved);
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if (name == para || name == b"h") && depth_in_para > 0 {
                    depth_in_para -= 1;
                    if depth_in_para == 0 {
                        paragraphs.push(std::mem::take(&mut current));
                    }
                } else if text_tags.contains(&name) && in_text > 0 {
                    in_text -= 1;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let text: Vec<&str> = paragraphs.iter().map(|p| p.trim_end()).filter(|p| !p.trim().is_empty()).collect();
    if text.is_empty() {
        return Err("the document has no text".into());
    }
    Ok(text.join("\n\n") + "\n")
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
    fn corrupt_containers_are_refused() {
        assert!(docx_text(b"PK\x03\x04 not really").unwrap_err().contains("zip"));
        let bytes = zip_with(&[("other.xml", "<a/>")]);
        assert!(docx_text(&bytes).unwrap_err().contains("word/document.xml"));
        let bytes = zip_with(&[("word/document.xml", "<w:p><w:t>unclosed</w:p>")]);
        assert!(docx_text(&bytes).is_err());
    }
}
