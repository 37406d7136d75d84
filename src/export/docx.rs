//! Word (.docx) reports. A minimal WordprocessingML package is written by hand with the zip
//! crate ([Content_Types].xml, _rels/.rels, word/document.xml, word/styles.xml with Title,
//! Heading and Quote styles): the docx-writing crates available either pull in old zip and image
//! stacks (docx-rs) or are thinly maintained, and the reports need only headings and paragraphs.

use std::io::Write;
use std::path::Path;

use super::excerpts::{ExcerptSet, attribution, definition, grouped};
use crate::error::{Error, Result};
use crate::model::CodeNode;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn styles() -> String {
    let heading = |id: &str, name: &str, size: u32, level: u32| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="{level}"/></w:pPr><w:rPr><w:b/><w:sz w:val="{size}"/></w:rPr></w:style>"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>{}{}{}{}<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:left="567" w:right="567"/></w:pPr><w:rPr><w:i/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Attribution"><w:name w:val="Attribution"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="567"/><w:jc w:val="right"/></w:pPr><w:rPr><w:color w:val="666666"/><w:sz w:val="18"/></w:rPr></w:style></w:styles>"#,
        heading("Title", "Title", 40, 0),
        heading("Heading1", "heading 1", 32, 0),
        heading("Heading2", "heading 2", 26, 1),
        heading("Heading3", "heading 3", 23, 2),
    )
}

/// Builds the body of a document paragraph by paragraph.
#[derive(Default)]
pub struct DocxBuilder {
    body: String,
}

impl DocxBuilder {
    /// A paragraph in a style (`None` for Normal); line breaks in the text become `<w:br/>`.
    pub fn paragraph(&mut self, style: Option<&str>, text: &str) {
        self.body.push_str("<w:p>");
        if let Some(style) = style {
            self.body.push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
        }
        self.body.push_str("<w:r>");
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.body.push_str("<w:br/>");
            }
            let safe = crate::refi::xml_write::xml_safe(line);
            self.body.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t>", quick_xml::escape::escape(&safe)));
        }
        self.body.push_str("</w:r></w:p>");
    }

    /// A heading at level 0 (title) to 3.
    pub fn heading(&mut self, level: usize, text: &str) {
        let style = match level {
            0 => "Title",
            1 => "Heading1",
            2 => "Heading2",
            _ => "Heading3",
        };
        self.paragraph(Some(style), text);
    }

    /// Writes the package.
    pub fn save(&self, path: &Path) -> Result<()> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>{}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
            self.body
        );
        let parts = [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", RELS.to_owned()),
            ("word/_rels/document.xml.rels", DOC_RELS.to_owned()),
            ("word/document.xml", document),
            ("word/styles.xml", styles()),
        ];
        let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            zip.start_file(name, options).map_err(|e| Error::import(path, format!("cannot write: {e}")))?;
            zip.write_all(content.as_bytes()).map_err(|e| Error::io(path, e))?;
        }
        zip.finish().map_err(|e| Error::import(path, format!("cannot write: {e}")))?;
        Ok(())
    }
}

/// The excerpts report as .docx.
pub fn excerpts(set: &ExcerptSet, path: &Path) -> Result<()> {
    let mut doc = DocxBuilder::default();
    doc.heading(0, &format!("Coded excerpts — {}", set.header.project));
    doc.paragraph(None, &format!("{} excerpts.", set.excerpts.len()));
    for (theme, codes) in grouped(set) {
        doc.heading(1, theme);
        for (code, excerpts) in codes {
            doc.heading(2, &format!("{} ({} excerpts)", code.path, excerpts.len()));
            for (label, text) in definition(code) {
                doc.paragraph(None, &format!("{label}: {}", text.trim()));
            }
            for e in excerpts {
                doc.paragraph(Some("Quote"), &e.text);
                doc.paragraph(Some("Attribution"), &format!("— {}", attribution(e)));
                if !e.memo.is_empty() {
                    doc.paragraph(None, &format!("Memo: {}", e.memo));
                }
            }
        }
    }
    doc.save(path)
}

/// The codebook as .docx.
pub fn codebook(project: &str, codes: &[CodeNode], path: &Path) -> Result<()> {
    let mut doc = DocxBuilder::default();
    doc.heading(0, &format!("Codebook — {project}"));
    for code in codes {
        doc.heading((code.depth + 1).min(3), &code.path);
        doc.paragraph(None, &format!("Colour {} · {} · {} codings", code.color, code.status.as_str(), code.codings));
        for (label, text) in definition(code) {
            doc.paragraph(None, &format!("{label}: {}", text.trim()));
        }
    }
    doc.save(path)
}
