//! Reading QDA-XML tolerantly: elements are matched by local name (any namespace prefix, any
//! `urn:QDA-XML:codebook:*` variant), attributes by name, GUIDs normalised, and elements that
//! Fieldcode does not model are listed as skipped instead of silently dropped.

use std::borrow::Cow;
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
    /// Roughly what this node costs in memory, not counting its children: its own size, and
    /// each string's allocation (the allocator rounds small ones up).
    fn weight(&self) -> usize {
        let heap = |s: &str| if s.is_empty() { 0 } else { s.len().max(16) + 16 };
        let attrs: usize = self.attrs.iter().map(|(k, v)| 2 * std::mem::size_of::<String>() + heap(k) + heap(v)).sum();
        std::mem::size_of::<Node>() + heap(&self.name) + heap(&self.text) + attrs
    }

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

/// Deepest element nesting read. Codebooks nest codes at most 1,000 levels
/// ([`crate::import::codebook::MAX_DEPTH`]) and the elements around them are few, so 1,100 is
/// room for every real file. A file nested deeper is refused while it is read, which keeps the
/// recursive walks over the tree (reading codes, dropping nodes) far from the end of the stack.
pub const MAX_XML_DEPTH: usize = 1100;

/// Largest tree kept in memory, in bytes as [`Node::weight`] counts them: twice the largest file
/// Fieldcode imports. An XML of tiny elements would otherwise cost fifty times its size.
pub const MAX_TREE_BYTES: usize = 2 * crate::import::MAX_FILE_BYTES as usize;

/// The XML as UTF-8 bytes: borrowed when it is UTF-8 (with or without BOM), decoded when it is
/// UTF-16 with a BOM.
fn utf8_bytes<'a>(bytes: &'a [u8], path: &Path) -> Result<Cow<'a, [u8]>> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding == encoding_rs::UTF_8 {
            return utf8_bytes(&bytes[bom..], path);
        }
        let (text, errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if errors {
            return Err(Error::import(path, format!("the XML is not valid {}", encoding.name())));
        }
        return Ok(Cow::Owned(text.into_owned().into_bytes()));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(Cow::Borrowed(bytes)),
        Err(e) => {
            let offset = e.valid_up_to();
            Err(Error::Parse {
                path: path.to_path_buf(),
                line: line_of(bytes, offset),
                reason: format!("the XML is not valid UTF-8 (byte offset {offset}); the file was not imported"),
            })
        }
    }
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() + 1
}

/// The document with its line ends normalised as XML 1.0 §2.11 says a parser must before
/// parsing: CRLF and a lone CR become LF, in text and attribute values alike. A `&#13;` written
/// as a character reference is not a line end and is kept. `\r` is never part of a multi-byte
/// UTF-8 sequence, so this works on the bytes.
fn normalise_line_ends(text: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    if memchr::memchr(b'\r', &text).is_none() {
        return text;
    }
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\r' {
            out.push(b'\n');
            bytes.next_if_eq(&b'\n');
        } else {
            out.push(b);
        }
    }
    Cow::Owned(out)
}

/// Parses an XML document into a tree. Errors name the file and line. Nesting deeper than
/// [`MAX_XML_DEPTH`] and trees heavier than [`MAX_TREE_BYTES`] are refused.
pub fn parse_xml(bytes: &[u8], path: &Path) -> Result<Node> {
    parse_xml_within(bytes, path, MAX_TREE_BYTES, &mut |_, node| Ok(Some(node)))
}

/// What [`parse_xml_within`] does with each element as it closes: given the open elements
/// around it (the outermost first, after a nameless document node) it returns the element to
/// keep in the tree, or `None` when it took the element itself; an error stops the parse.
type Closed<'h> = dyn FnMut(&[Node], Node) -> Result<Option<Node>> + 'h;

/// [`parse_xml`] with a budget for the tree and a hook for each closed element.
fn parse_xml_within(bytes: &[u8], path: &Path, max_weight: usize, closed: &mut Closed<'_>) -> Result<Node> {
    let text = normalise_line_ends(utf8_bytes(bytes, path)?);
    let mut reader = Reader::from_reader(&text[..]);
    let bad = |pos: u64, reason: String| Error::Parse {
        path: path.to_path_buf(),
        line: line_of(&text, pos as usize),
        reason: format!("malformed XML: {reason}; the file was not imported"),
    };
    let refuse = |pos: u64, reason: String| Error::Parse {
        path: path.to_path_buf(),
        line: line_of(&text, pos as usize),
        reason: format!("{reason}; the file was not imported"),
    };
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut weight = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| bad(reader.error_position(), e.to_string()))?;
        let at = reader.buffer_position();
        match event {
            Event::Start(e) => {
                if stack.len() > MAX_XML_DEPTH {
                    return Err(refuse(at, format!("elements are nested more than {MAX_XML_DEPTH} levels deep")));
                }
                stack.push(start_node(&e).map_err(|r| bad(at, r))?);
            }
            Event::Empty(e) => {
                let node = start_node(&e).map_err(|r| bad(at, r))?;
                weight += node.weight();
                if let Some(node) = closed(&stack, node)? {
                    push_child(&mut stack, node);
                }
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    return Err(bad(at, "an end tag without a start tag".into()));
                }
                let mut node = stack.pop().unwrap_or_default();
                node.children.shrink_to_fit();
                weight += node.weight();
                if let Some(node) = closed(&stack, node)? {
                    push_child(&mut stack, node);
                }
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| bad(at, e.to_string()))?;
                push_text(&mut stack, &s);
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| bad(at, e.to_string()))?;
                push_text(&mut stack, &s);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| bad(at, e.to_string()))?;
                let reference = format!("&{name};");
                let resolved = quick_xml::escape::unescape(&reference).map_err(|e| bad(at, e.to_string()))?;
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
        if weight > max_weight {
            return Err(refuse(
                at,
                format!(
                    "the XML has more elements than Fieldcode holds in memory (over {} MB of them)",
                    max_weight >> 20
                ),
            ));
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

fn push_text(stack: &mut [Node], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
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
    attrs.shrink_to_fit();
    Ok(Node { name, attrs, children: Vec::new(), text: String::new() })
}

/// Receives each `TextSource` of a project as soon as it is read, so an importer can store it
/// and let it go: a large project's selections are then never all in memory at once.
pub trait SourceSink {
    /// One text source. `head` is the project read so far: its own attributes and every element
    /// before this source (in a file in schema order: users, codebook, variables and cases).
    fn source(&mut self, head: &RefiProject, source: Source) -> Result<()>;
}

/// Keeps every source: what [`read_project`] does.
impl SourceSink for Vec<Source> {
    fn source(&mut self, _head: &RefiProject, source: Source) -> Result<()> {
        self.push(source);
        Ok(())
    }
}

/// Reads a `project.qde` with all its sources in memory.
pub fn read_project(bytes: &[u8], path: &Path) -> Result<RefiProject> {
    let mut sources = Vec::new();
    let read = stream_project(bytes, path, &mut sources)?;
    Ok(RefiProject { sources, ..read.project })
}

/// A project read by [`stream_project`]: everything but its text sources, which went to the sink.
#[derive(Debug)]
pub struct Streamed {
    pub project: RefiProject,
    /// False when users, a codebook, variables or cases came after the first text source (the
    /// schema puts them before `Sources`): the sink saw sources without them, and the project
    /// must be read again with its sources kept ([`read_project`]).
    pub in_order: bool,
}

/// Reads a `project.qde`, handing each `TextSource` to `sink` as soon as its element closes and
/// turning every other child of `<Project>` into the model as it closes: the tree never holds
/// more than one element of the project at a time. Errors from the sink stop the reading.
pub fn stream_project(bytes: &[u8], path: &Path, sink: &mut dyn SourceSink) -> Result<Streamed> {
    let mut reading =
        Reading { project: RefiProject::default(), sink, sources_seen: false, in_order: true, description_read: false };
    let root = parse_xml_within(bytes, path, MAX_TREE_BYTES, &mut |open, node| reading.closed(open, node))?;
    if root.name != "Project" {
        return Err(Error::import(
            path,
            format!("not a REFI-QDA project: the root element is <{}>, not <Project>", root.name),
        ));
    }
    let mut project = reading.project;
    read_root_attributes(&root, &mut project);
    Ok(Streamed { project, in_order: reading.in_order })
}

/// The state of [`stream_project`] while the file is parsed.
struct Reading<'s> {
    project: RefiProject,
    sink: &'s mut dyn SourceSink,
    sources_seen: bool,
    in_order: bool,
    /// Whether the project's (first) `<Description>` was read.
    description_read: bool,
}

impl Reading<'_> {
    /// Takes the children of `<Project>` (and the text sources of its `<Sources>`) as they close.
    fn closed(&mut self, open: &[Node], node: Node) -> Result<Option<Node>> {
        match open {
            [_, project, sources] if project.name == "Project" && sources.name == "Sources" => {
                if matches!(node.name.as_str(), "AudioSource" | "VideoSource") {
                    // Small (times and references, no text): kept in the model and placed once
                    // every text source is in, wherever the recording stood in the file.
                    let media = read_media(&node, &mut self.project.skipped);
                    self.project.media.push(media);
                    return Ok(None);
                }
                if node.name != "TextSource" {
                    return Ok(Some(node));
                }
                if !self.sources_seen {
                    read_root_attributes(project, &mut self.project);
                    self.sources_seen = true;
                }
                let source = read_source(&node, &mut self.project.skipped);
                if self.in_order {
                    self.sink.source(&self.project, source)?;
                }
                Ok(None)
            }
            [_, project] if project.name == "Project" => {
                self.project_child(&node);
                Ok(None)
            }
            _ => Ok(Some(node)),
        }
    }

    /// One child of `<Project>` into the model.
    fn project_child(&mut self, child: &Node) {
        let project = &mut self.project;
        let before_sources = matches!(child.name.as_str(), "Users" | "CodeBook" | "Variables" | "Cases");
        if before_sources && self.sources_seen {
            self.in_order = false;
        }
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
            "Sources" => read_sources(child, project),
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
            "Description" if !self.description_read => {
                self.description_read = true;
                project.description = child.text.clone();
            }
            "NoteRef" => project.note_refs.extend(child.opt_guid("targetGUID")),
            _ => {}
        }
    }
}

/// The attributes of the `<Project>` element.
fn read_root_attributes(root: &Node, project: &mut RefiProject) {
    project.name = root.attr("name").unwrap_or("").to_owned();
    project.origin = root.opt("origin");
    project.creating_user = root.opt_guid("creatingUserGUID");
    project.created = root.opt("creationDateTime");
    project.base_path = root.opt("basePath");
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

/// The sources other than text and recordings (those were read as the file was parsed), listed
/// as skipped.
fn read_sources(node: &Node, project: &mut RefiProject) {
    for child in &node.children {
        match child.name.as_str() {
            "PictureSource" | "PDFSource" => {
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

/// An `AudioSource` / `VideoSource` with its transcripts. Its own selections (times in the
/// recording) and codings are listed as skipped: Fieldcode codes text.
fn read_media(m: &Node, skipped: &mut Vec<String>) -> MediaSource {
    let kind = if m.name == "VideoSource" { MediaKind::Video } else { MediaKind::Audio };
    let name = m.attr("name").unwrap_or("").to_owned();
    let selection = if kind == MediaKind::Video { "VideoSelection" } else { "AudioSelection" };
    let codings: usize = m.children_named(selection).map(|s| s.children_named("Coding").count()).sum::<usize>()
        + m.children_named("Coding").count();
    if codings > 0 {
        let shown = if name.is_empty() { "(unnamed)" } else { name.as_str() };
        skipped.push(format!(
            "{} \"{shown}\" with {codings} coding(s) of recording times: Fieldcode codes transcripts' text, not times",
            kind.label()
        ));
    }
    MediaSource {
        kind,
        guid: m.guid(),
        name,
        path: m.opt("path").or_else(|| m.opt("currentPath")),
        transcripts: m.children_named("Transcript").map(read_transcript).collect(),
    }
}

fn read_transcript(t: &Node) -> Transcript {
    let mut malformed = 0;
    let mut sync_points = Vec::new();
    for p in t.children_named("SyncPoint") {
        let number = |name: &str| p.attr(name).and_then(|v| v.trim().parse::<i64>().ok()).filter(|v| *v >= 0);
        match (number("position"), number("timeStamp")) {
            (Some(position), Some(time_ms)) => sync_points.push(SyncPoint { guid: p.guid(), position, time_ms }),
            _ => malformed += 1,
        }
    }
    Transcript {
        guid: t.guid(),
        name: t.attr("name").unwrap_or("").to_owned(),
        inline_text: t.child("PlainTextContent").map(|c| c.text.clone()),
        plain_text_path: t.opt("plainTextPath"),
        rich_text_path: t.opt("richTextPath"),
        created: t.opt("creationDateTime"),
        creating_user: t.opt_guid("creatingUser"),
        sync_points,
        malformed_sync_points: malformed,
        selections: t
            .children_named("TranscriptSelection")
            .map(|s| TranscriptSelection {
                guid: s.guid(),
                name: s.opt("name"),
                from_sync_point: s.opt_guid("fromSyncPoint"),
                to_sync_point: s.opt_guid("toSyncPoint"),
                description: s.child_text("Description"),
                creating_user: s.opt_guid("creatingUser"),
                created: s.opt("creationDateTime"),
                codings: s.children_named("Coding").map(read_coding).collect(),
                note_refs: s.refs("NoteRef"),
            })
            .collect(),
        note_refs: t.refs("NoteRef"),
    }
}

/// How many elements called `name` are below `node` (walked with an explicit stack).
fn count_descendants(node: &Node, name: &str) -> usize {
    let mut count = 0;
    let mut stack: Vec<&Node> = node.children.iter().collect();
    while let Some(next) = stack.pop() {
        count += usize::from(next.name == name);
        stack.extend(&next.children);
    }
    count
}

fn read_source(s: &Node, skipped: &mut Vec<String>) -> Source {
    let name = s.attr("name").filter(|n| !n.trim().is_empty()).or_else(|| s.attr("plainTextPath")).unwrap_or("");
    let mut selections = Vec::new();
    for selection in s.children_named("PlainTextSelection") {
        match read_selection(selection) {
            Ok(selection) => selections.push(selection),
            Err(positions) => skipped.push(format!(
                "selection {positions} in \"{name}\" ({} coding(s)): its positions are not whole numbers",
                selection.children_named("Coding").count()
            )),
        }
    }
    Source {
        guid: s.guid(),
        name: s.attr("name").unwrap_or("").to_owned(),
        description: s.child_text("Description"),
        inline_text: s.child("PlainTextContent").map(|c| c.text.clone()),
        plain_text_path: s.opt("plainTextPath"),
        rich_text_path: s.opt("richTextPath"),
        created: s.opt("creationDateTime"),
        creating_user: s.opt_guid("creatingUser"),
        selections,
        codings: s.children_named("Coding").map(read_coding).collect(),
        note_refs: s.refs("NoteRef"),
        values: read_values(s),
    }
}

/// A selection, or (when its positions are not numbers) its positions as the file has them.
fn read_selection(s: &Node) -> std::result::Result<Selection, String> {
    let raw = |name: &str| s.attr(name).map(str::trim);
    let (start, end) = (raw("startPosition"), raw("endPosition"));
    let (Some(Ok(start_pos)), Some(Ok(end_pos))) = (start.map(str::parse::<i64>), end.map(str::parse::<i64>)) else {
        let shown = |v: Option<&str>| v.map_or_else(|| "(none)".to_owned(), |v| format!("{v:?}"));
        return Err(format!("{}–{}", shown(start), shown(end)));
    };
    Ok(Selection {
        guid: s.guid(),
        name: s.opt("name"),
        start: start_pos,
        end: end_pos,
        description: s.child_text("Description"),
        creating_user: s.opt_guid("creatingUser"),
        created: s.opt("creationDateTime"),
        codings: s.children_named("Coding").map(read_coding).collect(),
        note_refs: s.refs("NoteRef"),
    })
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
    fn line_ends_are_normalised_in_text_and_attributes_but_not_in_character_references() {
        let xml = "<Project name=\"a\r\nb\">\r\n<CodeBook><Codes><Code guid=\"x\" name=\"c\rd\">\r\n<Description>one\r\n\r\ntwo\rthree&#13;&#10;four<![CDATA[\r\nfive]]></Description></Code></Codes></CodeBook>\r\n</Project>";
        let p = read_project(xml.as_bytes(), Path::new("x.qde")).unwrap();
        assert_eq!(p.name, "a\nb");
        assert_eq!(p.codes[0].name, "c\nd");
        assert_eq!(p.codes[0].description, "one\n\ntwo\nthree\r\nfour\nfive");
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let err = read_project(b"<Project name=\"x\">\n<Users>\n</Project>", Path::new("p.qde")).unwrap_err();
        assert!(matches!(err, Error::Parse { line: 3, .. }), "{err}");
    }

    /// A codebook whose codes nest `levels` deep, one code per line after two lines of header.
    fn nested(levels: usize) -> String {
        let mut xml = String::from("<CodeBook>\n<Codes>\n");
        for i in 0..levels {
            xml.push_str(&format!("<Code guid=\"00000000-0000-0000-0000-{i:012}\" name=\"c{i}\">\n"));
        }
        xml + &"</Code>".repeat(levels) + "</Codes></CodeBook>"
    }

    #[test]
    fn nesting_to_the_limit_is_read_and_past_it_is_refused_with_the_line() {
        // Read on a test thread (2 MB of stack): the recursive walks stay well inside it.
        let codes = read_codebook(nested(MAX_XML_DEPTH - 2).as_bytes(), Path::new("c.qdc")).unwrap();
        let mut depth = 0;
        let mut level = &codes;
        while let Some(code) = level.first() {
            depth += 1;
            level = &code.children;
        }
        assert_eq!(depth, MAX_XML_DEPTH - 2);
        let err = read_codebook(nested(MAX_XML_DEPTH - 1).as_bytes(), Path::new("c.qdc")).unwrap_err();
        assert!(matches!(&err, Error::Parse { line, .. } if *line == MAX_XML_DEPTH + 1), "{err}");
        assert!(err.to_string().contains("nested more than 1100 levels"), "{err}");
    }

    #[test]
    fn a_tree_past_its_budget_is_refused() {
        let xml = format!("<Project>\n{}</Project>", "<a/>".repeat(1000));
        assert!(parse_xml_within(xml.as_bytes(), Path::new("p.qde"), 1 << 20, &mut |_, n| Ok(Some(n))).is_ok());
        let Err(err) = parse_xml_within(xml.as_bytes(), Path::new("p.qde"), 10_000, &mut |_, n| Ok(Some(n))) else {
            panic!("a tree over its budget was read");
        };
        assert!(matches!(&err, Error::Parse { line: 2, .. }) && err.to_string().contains("more elements"), "{err}");
    }

    #[test]
    fn selections_whose_positions_are_not_numbers_are_listed_as_written() {
        let xml = r#"<Project><Sources><TextSource guid="b" name="Talk"><PlainTextContent>abc</PlainTextContent>
            <PlainTextSelection guid="s" startPosition="x1" endPosition=" 2 "><Coding guid="c"/></PlainTextSelection>
            <PlainTextSelection guid="t" startPosition="0" endPosition="2"/></TextSource></Sources></Project>"#;
        let project = read_project(xml.as_bytes(), Path::new("p.qde")).unwrap();
        assert_eq!(project.sources[0].selections.len(), 1);
        assert_eq!(
            project.skipped,
            [r#"selection "x1"–"2" in "Talk" (1 coding(s)): its positions are not whole numbers"#]
        );
    }

    #[test]
    fn codebook_namespace_variants_are_accepted() {
        let xml = r#"<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes><Code guid="098AC082-A9C7-50F4-9728-48730081A95E" name="a" isCodable="true"/></Codes><Sets/></CodeBook>"#;
        let codes = read_codebook(xml.as_bytes(), Path::new("c.qdc")).unwrap();
        assert_eq!(codes.len(), 1);
    }
}
