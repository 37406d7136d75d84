//! Reading QDA-XML tolerantly: elements are matched by local name (any namespace prefix, any
//! `urn:QDA-XML:codebook:*` variant), attributes by name, GUIDs normalised, and elements that
//! Fieldcode does not model are listed as skipped instead of silently dropped.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::guid;
use super::model::*;
use crate::error::{Error, Result};

/// A parsed XML element: local name, attributes (local names), children and direct text.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub text: String,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| self.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.as_str())
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn child_text(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.clone()).unwrap_or_default()
    }

    fn guid(&self) -> String {
        guid::normalise(self.attr("guid").unwrap_or(""))
    }

    fn opt_guid(&self, name: &str) -> Option<String> {
        self.attr(name).filter(|v| !v.trim().is_empty()).map(guid::normalise)
    }

    fn opt(&self, name: &str) -> Option<String> {
        self.attr(name).filter(|v| !v.trim().is_empty()).map(str::to_owned)
    }

    fn refs(&self, element: &str) -> Vec<String> {
        self.children_named(element).filter_map(|r| r.opt_guid("targetGUID")).collect()
    }
}

/// Decodes XML bytes (UTF-8 with or without BOM, or UTF-16 with BOM) to text.
fn decode(bytes: &[u8], path: &Path) -> Result<String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if errors {
            return Err(Error::import(path, format!("the XML is not valid {}", encoding.name())));
        }
        return Ok(text.into_owned());
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| Error::import(path, format!("the XML is not valid UTF-8 ({e})")))
}

/// Parses an XML document into a tree. Errors name the file and line.
pub fn parse_xml(bytes: &[u8], path: &Path) -> Result<Node> {
    let text = decode(bytes, path)?;
    let mut reader = Reader::from_str(&text);
    let line_of =
        |pos: u64| text.as_bytes()[..(pos as usize).min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1;
    let bad = |pos: u64, reason: String| Error::Parse {
        path: path.to_path_buf(),
        line: line_of(pos),
        reason: format!("malformed XML: {reason}; the file was not imported"),
    };
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let event = reader.read_event().map_err(|e| bad(reader.error_position(), e.to_string()))?;
        match event {
            Event::Start(e) => stack.push(start_node(&e).map_err(|r| bad(reader.buffer_position(), r))?),
            Event::Empty(e) => {
                let node = start_node(&e).map_err(|r| bad(reader.buffer_position(), r))?;
                push_child(&mut stack, node);
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err(bad(reader.buffer_position(), "an end tag without a start tag".into()));
                }
                let node = stack.pop().unwrap_or_default();
                push_child(&mut stack, node);
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| bad(reader.buffer_position(), e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| bad(reader.buffer_position(), e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| bad(reader.buffer_position(), e.to_string()))?;
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| bad(reader.buffer_position(), e.to_string()))?
                    .into_owned();
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(bad(
            text.len() as u64,
            format!("the element <{}> is never closed", stack.last().map(|n| n.name.as_str()).unwrap_or("")),
        ));
    }
    let root = stack.pop().unwrap_or_default();
    root.children.into_iter().next().ok_or_else(|| bad(0, "there is no root element".into()))
}

fn push_child(stack: &mut [Node], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn start_node(e: &BytesStart<'_>) -> std::result::Result<Node, String> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attrs.push((key, value));
    }
    Ok(Node { name, attrs, children: Vec::new(), text: String::new() })
}

/// Reads a `project.qde`.
pub fn read_project(bytes: &[u8], path: &Path) -> Result<RefiProject> {
    let root = parse_xml(bytes, path)?;
    if root.name != "Project" {
        return Err(Error::import(
            path,
            format!("not a REFI-QDA project: the root element is <{}>, not <Project>", root.name),
        ));
    }
    let mut project = RefiProject {
        name: root.attr("name").unwrap_or("").to_owned(),
        origin: root.opt("origin"),
        creating_user: root.opt_guid("creatingUserGUID"),
        created: root.opt("creationDateTime"),
        description: root.child_text("Description"),
        note_refs: root.refs("NoteRef"),
        ..RefiProject::default()
    };
    for child in &root.children {
        match child.name.as_str() {
            "Users" => project.users = child.children_named("User").map(read_user).collect(),
            "CodeBook" => project.codes = read_codes(child),
            "Variables" => {
                project.variables = child
                    .children_named("Variable")
                    .map(|v| Variable {
                        guid: v.guid(),
                        name: v.attr("name").unwrap_or("").to_owned(),
                        description: v.child_text("Description"),
                    })
                    .collect()
            }
            "Cases" => project.cases = child.children_named("Case").map(read_case).collect(),
            "Sources" => read_sources(child, &mut project),
            "Notes" => project.notes = child.children_named("Note").map(read_note).collect(),
            "Links" => {
                project.links = child
                    .children_named("Link")
                    .map(|l| Link {
                        guid: l.guid(),
                        name: l.attr("name").unwrap_or("").to_owned(),
                        origin: l.opt_guid("originGUID"),
                        target: l.opt_guid("targetGUID"),
                    })
                    .collect()
            }
            "Sets" => skip_count(&mut project.skipped, child, "Set", "sets (groups of codes, sources or notes)"),
            "Graphs" => skip_count(&mut project.skipped, child, "Graph", "graphs (network views)"),
            _ => {}
        }
    }
    Ok(project)
}

fn skip_count(skipped: &mut Vec<String>, node: &Node, element: &str, what: &str) {
    let n = node.children_named(element).count();
    if n > 0 {
        skipped.push(format!("{n} {what}: Fieldcode does not model them"));
    }
}

fn read_user(u: &Node) -> User {
    let name = u.opt("name").or_else(|| u.opt("id")).unwrap_or_else(|| u.guid());
    User { guid: u.guid(), name }
}

/// The codes of a `CodeBook` element (project or `.qdc`).
pub fn read_codes(codebook: &Node) -> Vec<Code> {
    codebook.child("Codes").map(|codes| codes.children_named("Code").map(read_code).collect()).unwrap_or_default()
}

fn read_code(c: &Node) -> Code {
    Code {
        guid: c.guid(),
        name: c.attr("name").unwrap_or("").to_owned(),
        color: c.opt("color"),
        description: c.child_text("Description"),
        note_refs: c.refs("NoteRef"),
        children: c.children_named("Code").map(read_code).collect(),
    }
}

fn read_values(node: &Node) -> Vec<VariableValue> {
    node.children_named("VariableValue")
        .filter_map(|v| {
            let variable = v.child("VariableRef")?.opt_guid("targetGUID")?;
            let value = v.children.iter().find(|c| c.name.ends_with("Value")).map(|c| c.text.trim().to_owned())?;
            Some(VariableValue { variable, value })
        })
        .collect()
}

fn read_case(c: &Node) -> Case {
    Case {
        guid: c.guid(),
        name: c.attr("name").unwrap_or("").to_owned(),
        description: c.child_text("Description"),
        values: read_values(c),
        source_refs: c.refs("SourceRef"),
    }
}

fn read_sources(node: &Node, project: &mut RefiProject) {
    for child in &node.children {
        match child.name.as_str() {
            "TextSource" => project.sources.push(read_source(child)),
            "PictureSource" | "PDFSource" | "AudioSource" | "VideoSource" => {
                let codings = count_descendants(child, "Coding");
                let name = child.attr("name").unwrap_or("(unnamed)");
                let kind = child.name.trim_end_matches("Source");
                project.skipped.push(format!(
                    "{kind} source \"{name}\" with {codings} coding(s): Fieldcode imports text sources only"
                ));
            }
            _ => {}
        }
    }
}

fn count_descendants(node: &Node, name: &str) -> usize {
    node.children.iter().map(|c| usize::from(c.name == name) + count_descendants(c, name)).sum()
}

fn read_source(s: &Node) -> Source {
    Source {
        guid: s.guid(),
        name: s.attr("name").unwrap_or("").to_owned(),
        description: s.child_text("Description"),
        inline_text: s.child("PlainTextContent").map(|c| c.text.clone()),
        plain_text_path: s.opt("plainTextPath"),
        rich_text_path: s.opt("richTextPath"),
        created: s.opt("creationDateTime"),
        creating_user: s.opt_guid("creatingUser"),
        selections: s.children_named("PlainTextSelection").map(read_selection).collect(),
        codings: s.children_named("Coding").map(read_coding).collect(),
        note_refs: s.refs("NoteRef"),
        values: read_values(s),
    }
}

fn read_selection(s: &Node) -> Selection {
    let pos = |name: &str| s.attr(name).and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(-1);
    Selection {
        guid: s.guid(),
        name: s.opt("name"),
        start: pos("startPosition"),
        end: pos("endPosition"),
        description: s.child_text("Description"),
        creating_user: s.opt_guid("creatingUser"),
        created: s.opt("creationDateTime"),
        codings: s.children_named("Coding").map(read_coding).collect(),
        note_refs: s.refs("NoteRef"),
    }
}

fn read_coding(c: &Node) -> Coding {
    Coding {
        guid: c.guid(),
        code: c.child("CodeRef").and_then(|r| r.opt_guid("targetGUID")).unwrap_or_default(),
        creating_user: c.opt_guid("creatingUser"),
        created: c.opt("creationDateTime"),
        note_refs: c.refs("NoteRef"),
    }
}

fn read_note(n: &Node) -> Note {
    Note {
        guid: n.guid(),
        name: n.attr("name").unwrap_or("").to_owned(),
        inline_text: n.child("PlainTextContent").map(|c| c.text.clone()),
        plain_text_path: n.opt("plainTextPath"),
        creating_user: n.opt_guid("creatingUser"),
        created: n.opt("creationDateTime"),
        modified: n.opt("modifiedDateTime"),
    }
}

/// Reads a `.qdc` codebook (any `urn:QDA-XML:codebook:*` namespace), or the codebook of a
/// `.qde` project given by mistake.
pub fn read_codebook(bytes: &[u8], path: &Path) -> Result<Vec<Code>> {
    let root = parse_xml(bytes, path)?;
    let codebook = match root.name.as_str() {
        "CodeBook" => &root,
        "Project" => root.child("CodeBook").ok_or_else(|| Error::import(path, "the project has no codebook"))?,
        other => {
            return Err(Error::import(path, format!("not a REFI-QDA codebook: the root element is <{other}>")));
        }
    };
    Ok(read_codes(codebook))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_elements_entities_and_braced_guids_are_read() {
        let xml = r#"<?xml version="1.0"?><q:Project xmlns:q="urn:QDA-XML:project:1.0" name="P &amp; Q">
            <q:CodeBook><q:Codes><q:Code guid="{AAAAAAAA-0000-0000-0000-00000000000A}" name="Tom &amp; Jerry" isCodable="1">
            <q:Description>a &lt;b&gt; &#233;</q:Description></q:Code></q:Codes></q:CodeBook></q:Project>"#;
        let p = read_project(xml.as_bytes(), Path::new("x.qde")).unwrap();
        assert_eq!(p.name, "P & Q");
        assert_eq!(p.codes[0].guid, "aaaaaaaa-0000-0000-0000-00000000000a");
        assert_eq!(p.codes[0].name, "Tom & Jerry");
        assert_eq!(p.codes[0].description, "a <b> é");
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let err = read_project(b"<Project name=\"x\">\n<Users>\n</Project>", Path::new("p.qde")).unwrap_err();
        assert!(matches!(err, Error::Parse { line: 3, .. }), "{err}");
    }

    #[test]
    fn codebook_namespace_variants_are_accepted() {
        let xml = r#"<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes><Code guid="098AC082-A9C7-50F4-9728-48730081A95E" name="a" isCodable="true"/></Codes><Sets/></CodeBook>"#;
        let codes = read_codebook(xml.as_bytes(), Path::new("c.qdc")).unwrap();
        assert_eq!(codes.len(), 1);
    }
}
