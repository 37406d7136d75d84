//! Writing QDA-XML strictly: elements in schema (`xsd:sequence`) order, no empty wrappers,
//! attributes only when they hold a schema-valid value, literal UTF-8 text, and characters that
//! XML 1.0 forbids removed. The output validates against `Project.xsd` / `Codebook.xsd`.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::model::*;

pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// Removes characters XML 1.0 does not allow (most C0 controls, lone surrogates cannot occur).
pub fn xml_safe(s: &str) -> String {
    s.chars().filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')).collect()
}

/// A `#RRGGBB` / `#RGB` colour, else `None` (the schema has no alpha channel).
pub fn valid_color(color: &str) -> Option<&str> {
    let hex = color.strip_prefix('#')?;
    (matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(color)
}

/// An xsd:dateTime value, else `None`.
pub fn valid_datetime(value: Option<&str>) -> Option<&str> {
    value.filter(|v| chrono::DateTime::parse_from_rfc3339(v).is_ok())
}

/// An XML writer that keeps the first write error (later writes are skipped) so the callers can
/// write element after element and ask once, at the end, whether it all went out.
struct Out<W: Write> {
    w: Writer<W>,
    err: Option<std::io::Error>,
}

type Attrs<'a> = [(&'a str, Option<&'a str>)];

impl<W: Write> Out<W> {
    fn new(sink: W) -> Out<W> {
        let mut out = Out { w: Writer::new_with_indent(sink, b' ', 2), err: None };
        out.event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        out
    }

    fn keep(&mut self, result: std::io::Result<()>) {
        if let (Err(e), None) = (result, &self.err) {
            self.err = Some(e);
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if self.err.is_none() {
            let result = self.w.write_event(event);
            self.keep(result);
        }
    }

    fn start(name: &str, attrs: &Attrs<'_>) -> BytesStart<'static> {
        let mut el = BytesStart::new(name.to_owned());
        for (key, value) in attrs {
            if let Some(value) = value {
                el.push_attribute((*key, xml_safe(value).as_str()));
            }
        }
        el
    }

    fn open(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.event(Event::Start(Out::<W>::start(name, attrs)));
    }

    fn empty(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.event(Event::Empty(Out::<W>::start(name, attrs)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name.to_owned())));
    }

    fn text(&mut self, name: &str, text: &str) {
        if self.err.is_none() {
            let safe = xml_safe(text);
            let result = self.w.create_element(name).write_text_content(BytesText::new(&safe)).map(|_| ());
            self.keep(result);
        }
    }

    fn opt_text(&mut self, name: &str, text: &str) {
        if !text.is_empty() {
            self.text(name, text);
        }
    }

    fn refs(&mut self, name: &str, guids: &[String]) {
        for guid in guids {
            self.empty(name, &[("targetGUID", Some(guid))]);
        }
    }

    fn finish(mut self) -> std::io::Result<W> {
        if self.err.is_none() {
            let result = self.w.get_mut().write_all(b"\n");
            if let Err(e) = result {
                self.err = Some(e);
            }
        }
        match self.err {
            Some(e) => Err(e),
            None => Ok(self.w.into_inner()),
        }
    }
}

/// Writes a project element by element: the parts before the sources from the project, then
/// each source as it comes (so a caller can build one source at a time and let it go), then the
/// parts after them. The sources in the project passed to [`ProjectWriter::start`] are ignored.
pub struct ProjectWriter<W: Write> {
    out: Out<W>,
    sources_open: bool,
}

impl<W: Write> ProjectWriter<W> {
    /// The declaration, `<Project>` and everything before `<Sources>`.
    pub fn start(sink: W, p: &RefiProject) -> ProjectWriter<W> {
        let mut out = Out::new(sink);
        out.open(
            "Project",
            &[
                ("xmlns", Some(PROJECT_NS)),
                ("name", Some(&p.name)),
                ("origin", p.origin.as_deref()),
                ("creatingUserGUID", p.creating_user.as_deref()),
                ("creationDateTime", valid_datetime(p.created.as_deref())),
            ],
        );
        if !p.users.is_empty() {
            out.open("Users", &[]);
            for u in &p.users {
                out.empty("User", &[("guid", Some(&u.guid)), ("name", Some(&u.name))]);
            }
            out.close("Users");
        }
        if !p.codes.is_empty() {
            out.open("CodeBook", &[]);
            write_codes(&mut out, &p.codes, true);
            out.close("CodeBook");
        }
        write_variables(&mut out, &p.variables);
        write_cases(&mut out, &p.cases);
        ProjectWriter { out, sources_open: false }
    }

    /// One source.
    pub fn source(&mut self, s: &Source) {
        if !self.sources_open {
            self.out.open("Sources", &[]);
            self.sources_open = true;
        }
        write_source(&mut self.out, s);
    }

    /// One recording with its transcripts (inside `<Sources>`, like a text source).
    pub fn media(&mut self, m: &MediaSource) {
        if !self.sources_open {
            self.out.open("Sources", &[]);
            self.sources_open = true;
        }
        write_media(&mut self.out, m);
    }

    /// Everything after the sources, and `</Project>`; the sink, or the first write error.
    pub fn finish(mut self, p: &RefiProject) -> std::io::Result<W> {
        let out = &mut self.out;
        if self.sources_open {
            out.close("Sources");
        }
        if !p.notes.is_empty() {
            out.open("Notes", &[]);
            p.notes.iter().for_each(|n| write_note(out, n));
            out.close("Notes");
        }
        if !p.links.is_empty() {
            out.open("Links", &[]);
            for l in &p.links {
                out.empty(
                    "Link",
                    &[
                        ("guid", Some(&l.guid)),
                        ("name", Some(&l.name)),
                        ("originGUID", l.origin.as_deref()),
                        ("targetGUID", l.target.as_deref()),
                    ],
                );
            }
            out.close("Links");
        }
        out.opt_text("Description", &p.description);
        out.refs("NoteRef", &p.note_refs);
        out.close("Project");
        self.out.finish()
    }
}

/// A whole project as `project.qde` bytes.
pub fn write_project(p: &RefiProject) -> Vec<u8> {
    let mut writer = ProjectWriter::start(Vec::new(), p);
    p.sources.iter().for_each(|s| writer.source(s));
    p.media.iter().for_each(|m| writer.media(m));
    // Writing to memory cannot fail.
    writer.finish(p).unwrap_or_default()
}

/// A codebook as `.qdc` bytes.
pub fn write_codebook(codes: &[Code]) -> Vec<u8> {
    let mut out = Out::new(Vec::new());
    let origin = super::origin();
    out.open("CodeBook", &[("xmlns", Some(CODEBOOK_NS)), ("origin", Some(&origin))]);
    if !codes.is_empty() {
        write_codes(&mut out, codes, false);
    }
    out.close("CodeBook");
    // Writing to memory cannot fail.
    out.finish().unwrap_or_default()
}

fn write_codes<W: Write>(out: &mut Out<W>, codes: &[Code], with_notes: bool) {
    out.open("Codes", &[]);
    codes.iter().for_each(|c| write_code(out, c, with_notes));
    out.close("Codes");
}

fn write_code<W: Write>(out: &mut Out<W>, c: &Code, with_notes: bool) {
    let attrs: [(&str, Option<&str>); 4] = [
        ("guid", Some(&c.guid)),
        ("name", Some(&c.name)),
        ("isCodable", Some("true")),
        ("color", c.color.as_deref().and_then(valid_color)),
    ];
    let notes = if with_notes { c.note_refs.as_slice() } else { &[] };
    if c.description.is_empty() && notes.is_empty() && c.children.is_empty() {
        out.empty("Code", &attrs);
        return;
    }
    out.open("Code", &attrs);
    out.opt_text("Description", &c.description);
    out.refs("NoteRef", notes);
    c.children.iter().for_each(|child| write_code(out, child, with_notes));
    out.close("Code");
}

fn write_variables<W: Write>(out: &mut Out<W>, variables: &[Variable]) {
    if variables.is_empty() {
        return;
    }
    out.open("Variables", &[]);
    for v in variables {
        out.open("Variable", &[("guid", Some(&v.guid)), ("name", Some(&v.name)), ("typeOfVariable", Some("Text"))]);
        out.opt_text("Description", &v.description);
        out.close("Variable");
    }
    out.close("Variables");
}

fn write_values<W: Write>(out: &mut Out<W>, values: &[VariableValue]) {
    for v in values {
        out.open("VariableValue", &[]);
        out.empty("VariableRef", &[("targetGUID", Some(&v.variable))]);
        out.text("TextValue", &v.value);
        out.close("VariableValue");
    }
}

fn write_cases<W: Write>(out: &mut Out<W>, cases: &[Case]) {
    if cases.is_empty() {
        return;
    }
    out.open("Cases", &[]);
    for c in cases {
        out.open("Case", &[("guid", Some(&c.guid)), ("name", Some(&c.name))]);
        out.opt_text("Description", &c.description);
        write_values(out, &c.values);
        out.refs("SourceRef", &c.source_refs);
        out.close("Case");
    }
    out.close("Cases");
}

fn write_source<W: Write>(out: &mut Out<W>, s: &Source) {
    out.open(
        "TextSource",
        &[
            ("guid", Some(&s.guid)),
            ("name", Some(&s.name)),
            ("plainTextPath", s.plain_text_path.as_deref()),
            ("creatingUser", s.creating_user.as_deref()),
            ("creationDateTime", valid_datetime(s.created.as_deref())),
        ],
    );
    out.opt_text("Description", &s.description);
    if s.plain_text_path.is_none() {
        out.text("PlainTextContent", s.inline_text.as_deref().unwrap_or(""));
    }
    for sel in &s.selections {
        let (start, end) = (sel.start.to_string(), sel.end.to_string());
        out.open(
            "PlainTextSelection",
            &[
                ("guid", Some(&sel.guid)),
                ("name", sel.name.as_deref()),
                ("startPosition", Some(&start)),
                ("endPosition", Some(&end)),
                ("creatingUser", sel.creating_user.as_deref()),
                ("creationDateTime", valid_datetime(sel.created.as_deref())),
            ],
        );
        out.opt_text("Description", &sel.description);
        sel.codings.iter().for_each(|c| write_coding(out, c));
        out.refs("NoteRef", &sel.note_refs);
        out.close("PlainTextSelection");
    }
    s.codings.iter().for_each(|c| write_coding(out, c));
    out.refs("NoteRef", &s.note_refs);
    write_values(out, &s.values);
    out.close("TextSource");
}

/// An `AudioSource` / `VideoSource` and its transcripts, in schema order: `Transcript`s (each
/// with `PlainTextContent` only when it has no `plainTextPath`, then its `SyncPoint`s, then its
/// `TranscriptSelection`s).
fn write_media<W: Write>(out: &mut Out<W>, m: &MediaSource) {
    let element = m.kind.element();
    let attrs = [("guid", Some(m.guid.as_str())), ("name", Some(&m.name)), ("path", m.path.as_deref())];
    if m.transcripts.is_empty() {
        out.empty(element, &attrs);
        return;
    }
    out.open(element, &attrs);
    for t in &m.transcripts {
        out.open(
            "Transcript",
            &[
                ("guid", Some(&t.guid)),
                ("name", Some(&t.name)),
                ("richTextPath", t.rich_text_path.as_deref()),
                ("plainTextPath", t.plain_text_path.as_deref()),
                ("creatingUser", t.creating_user.as_deref()),
                ("creationDateTime", valid_datetime(t.created.as_deref())),
            ],
        );
        if t.plain_text_path.is_none() {
            out.text("PlainTextContent", t.inline_text.as_deref().unwrap_or(""));
        }
        for p in &t.sync_points {
            let (time, position) = (p.time_ms.to_string(), p.position.to_string());
            out.empty(
                "SyncPoint",
                &[("guid", Some(&p.guid)), ("timeStamp", Some(&time)), ("position", Some(&position))],
            );
        }
        for sel in &t.selections {
            out.open(
                "TranscriptSelection",
                &[
                    ("guid", Some(&sel.guid)),
                    ("name", sel.name.as_deref()),
                    ("fromSyncPoint", sel.from_sync_point.as_deref()),
                    ("toSyncPoint", sel.to_sync_point.as_deref()),
                    ("creatingUser", sel.creating_user.as_deref()),
                    ("creationDateTime", valid_datetime(sel.created.as_deref())),
                ],
            );
            out.opt_text("Description", &sel.description);
            sel.codings.iter().for_each(|c| write_coding(out, c));
            out.refs("NoteRef", &sel.note_refs);
            out.close("TranscriptSelection");
        }
        out.refs("NoteRef", &t.note_refs);
        out.close("Transcript");
    }
    out.close(element);
}

fn write_coding<W: Write>(out: &mut Out<W>, c: &Coding) {
    out.open(
        "Coding",
        &[
            ("guid", Some(&c.guid)),
            ("creatingUser", c.creating_user.as_deref()),
            ("creationDateTime", valid_datetime(c.created.as_deref())),
        ],
    );
    out.empty("CodeRef", &[("targetGUID", Some(&c.code))]);
    out.refs("NoteRef", &c.note_refs);
    out.close("Coding");
}

fn write_note<W: Write>(out: &mut Out<W>, n: &Note) {
    out.open(
        "Note",
        &[
            ("guid", Some(&n.guid)),
            ("name", Some(&n.name)),
            ("plainTextPath", n.plain_text_path.as_deref()),
            ("creatingUser", n.creating_user.as_deref()),
            ("creationDateTime", valid_datetime(n.created.as_deref())),
            ("modifiedDateTime", valid_datetime(n.modified.as_deref())),
        ],
    );
    out.text("PlainTextContent", n.inline_text.as_deref().unwrap_or(""));
    out.close("Note");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_wrappers_are_left_out_and_text_is_literal() {
        let p = RefiProject {
            name: "Étude".into(),
            codes: vec![Code {
                guid: "a".into(),
                name: "x & y".into(),
                color: Some("#12345678".into()),
                ..Code::default()
            }],
            ..RefiProject::default()
        };
        let xml = String::from_utf8(write_project(&p)).unwrap();
        assert!(xml.contains("name=\"Étude\""), "{xml}");
        assert!(!xml.contains("<Users"), "{xml}");
        assert!(!xml.contains("color="), "alpha colours are not schema-valid: {xml}");
        assert!(xml.contains("x &amp; y"));
        assert!(!xml.starts_with('\u{feff}'));
    }

    #[test]
    fn forbidden_control_characters_are_removed() {
        assert_eq!(xml_safe("a\u{0c}b\u{0}c\nd"), "abc\nd");
    }
}
