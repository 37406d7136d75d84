//! Pseudonymising a coded project: every real name in a map replaced by its pseudonym, in one
//! undoable change, with every coding kept on its words.
//!
//! Why here and whole-word: data-protection rules ask for names to be gone before a project is
//! shared; a replacement inside another word (`Anna` in `Annabel`) would damage the data, and a
//! shorter name must not win over a longer one (`Ann Smith` before `Ann`). Names are matched
//! case-insensitively and the pseudonym takes the match's capitalisation where it can
//! (`ROSA` → `LW-A`, `rosa` → `lw-a`). The map is read from a CSV outside the project and is never
//! stored: the history entry records only how many names it had (undo needs the replaced texts,
//! which the entry holds; `fieldcode release` writes a copy without any history).
//!
//! It applies to document texts and names (through [`super::text_edit`]), participant labels,
//! memo titles and bodies, code comments, code descriptions, criteria and examples, and
//! attribute values (through the recorder's row images).

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Serialize;

use super::history::Bulk;
use super::recorder::{self, Mode, Recorder, Written};
use super::rows::{self, AttributeValueRec, People, Row};
use super::text_ops::{self, CONTEXT, EditReport, TextHit};
use crate::error::{Error, Result};
use crate::store::versions::Replacement;
use crate::store::{Project, documents};
use crate::text::CharIndex;

/// One line of a name map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameEntry {
    pub real: String,
    pub pseudonym: String,
    /// The line of the file (or row of the table) it came from, for messages.
    pub line: usize,
}

/// A checked map of real names to pseudonyms.
#[derive(Debug, Clone)]
pub struct NameMap {
    entries: Vec<NameEntry>,
    source: PathBuf,
}

/// Map files larger than this are refused (a map of thousands of names is a few hundred KB).
const MAX_MAP_BYTES: u64 = 16 << 20;

impl NameMap {
    /// Reads a CSV with the columns `real,pseudonym` (a header line with those words is
    /// skipped). A malformed line is refused naming `file:line`.
    pub fn read(path: &Path) -> Result<NameMap> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::MissingInput { path: path.to_path_buf() },
            _ => Error::io(path, e),
        })?;
        if meta.len() > MAX_MAP_BYTES {
            return Err(Error::import(path, "the name map is larger than 16 MB; is it the right file?"));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        NameMap::parse(path, &bytes)
    }

    /// Parses the bytes of a map file named `path` (see [`NameMap::read`]).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<NameMap> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        let mut entries = Vec::new();
        let parse_error = |line: usize, reason: String| Error::Parse { path: path.to_path_buf(), line, reason };
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(i + 1, |p| p.line() as usize);
                parse_error(line, format!("not a CSV line of two columns, real,pseudonym ({e})"))
            })?;
            let line = record.position().map_or(i + 1, |p| p.line() as usize);
            let fields: Vec<&str> = record.iter().map(str::trim).collect();
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
            if entries.is_empty()
                && fields.len() == 2
                && fields[0].eq_ignore_ascii_case("real")
                && fields[1].eq_ignore_ascii_case("pseudonym")
            {
                continue;
            }
            if fields.len() != 2 {
                return Err(parse_error(
                    line,
                    format!("expected two columns, real,pseudonym, but found {}", fields.len()),
                ));
            }
            entries.push(NameEntry { real: fields[0].to_owned(), pseudonym: fields[1].to_owned(), line });
        }
        NameMap::new(entries, path)
    }

    /// Checks a list of names (the workbench's table: `source` names it in messages).
    pub fn new(entries: Vec<NameEntry>, source: &Path) -> Result<NameMap> {
        let err = |line: usize, reason: String| Error::Parse { path: source.to_path_buf(), line, reason };
        if entries.is_empty() {
            return Err(Error::import(source, "the name map has no names; write one real,pseudonym pair a line"));
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for e in &entries {
            if e.real.is_empty() {
                return Err(err(e.line, "the real name is empty".into()));
            }
            if e.pseudonym.is_empty() {
                return Err(err(e.line, format!("{:?} has no pseudonym; give one in the second column", e.real)));
            }
            if let Some(first) = seen.insert(e.real.to_lowercase(), e.line) {
                return Err(err(e.line, format!("{:?} is in the map twice (also on line {first})", e.real)));
            }
        }
        for e in &entries {
            if let Some(other) = seen.get(&e.pseudonym.to_lowercase()) {
                return Err(err(
                    e.line,
                    format!("the pseudonym {:?} is itself a real name in the map (line {other})", e.pseudonym),
                ));
            }
        }
        Ok(NameMap { entries, source: source.to_path_buf() })
    }

    pub fn entries(&self) -> &[NameEntry] {
        &self.entries
    }

    pub fn source(&self) -> &Path {
        &self.source
    }
}

/// Finds the names of a map in texts: whole words, case-insensitive, longest name first.
pub struct Matcher<'m> {
    map: &'m NameMap,
    /// Entry indices, longest real name first.
    order: Vec<usize>,
    any: Regex,
    by_lower: HashMap<String, usize>,
    /// Per entry, its name anchored at the start of a text (built when first needed).
    anchored: Vec<OnceCell<Option<Regex>>>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl<'m> Matcher<'m> {
    pub fn new(map: &'m NameMap) -> Result<Matcher<'m>> {
        let mut order: Vec<usize> = (0..map.entries.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(map.entries[i].real.chars().count()));
        let alternatives: Vec<String> = order.iter().map(|&i| regex::escape(&map.entries[i].real)).collect();
        let any = regex::RegexBuilder::new(&alternatives.join("|"))
            .case_insensitive(true)
            .size_limit(256 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .map_err(|e| Error::invalid(format!("the name map cannot be searched for ({e})")))?;
        let by_lower = map.entries.iter().enumerate().map(|(i, e)| (e.real.to_lowercase(), i)).collect();
        let anchored = map.entries.iter().map(|_| OnceCell::new()).collect();
        Ok(Matcher { map, order, any, by_lower, anchored })
    }

    /// Whether `text[start..end]` stands as a whole word (where the name starts or ends with a
    /// letter or digit, the text must not continue with one).
    fn whole(&self, text: &str, start: usize, end: usize) -> bool {
        let matched = &text[start..end];
        let starts_word = matched.chars().next().is_some_and(is_word);
        let ends_word = matched.chars().next_back().is_some_and(is_word);
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        !(starts_word && before.is_some_and(is_word) || ends_word && after.is_some_and(is_word))
    }

    /// The entry whose name `text` starts with as a whole word, longest first.
    fn at(&self, text: &str, start: usize) -> Option<(usize, usize)> {
        for &i in &self.order {
            let re = self.anchored[i].get_or_init(|| {
                regex::RegexBuilder::new(&format!("^(?:{})", regex::escape(&self.map.entries[i].real)))
                    .case_insensitive(true)
                    .build()
                    .ok()
            });
            if let Some(m) = re.as_ref().and_then(|re| re.find(&text[start..]))
                && self.whole(text, start, start + m.end())
            {
                return Some((start + m.end(), i));
            }
        }
        None
    }

    /// Every whole-word occurrence: (byte start, byte end, entry), ascending and apart.
    pub fn scan(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(m) = self.any.find_at(text, at) {
            let (start, end) = (m.start(), m.end());
            let known = self.by_lower.get(&m.as_str().to_lowercase()).copied();
            let found = match known {
                Some(i) if self.whole(text, start, end) => Some((end, i)),
                _ => self.at(text, start),
            };
            match found {
                Some((end, i)) => {
                    out.push((start, end, i));
                    at = end.max(start + 1);
                }
                None => at = start + text[start..].chars().next().map_or(1, char::len_utf8),
            }
            if at > text.len() {
                break;
            }
        }
        out
    }

    /// The pseudonym for a match, in the match's capitalisation where it has a clear one.
    pub fn pseudonym_for(&self, matched: &str, entry: usize) -> String {
        let e = &self.map.entries[entry];
        let letters: Vec<char> = matched.chars().filter(|c| c.is_alphabetic()).collect();
        if matched == e.real || letters.is_empty() {
            return e.pseudonym.clone();
        }
        if letters.iter().all(|c| c.is_lowercase()) {
            return e.pseudonym.to_lowercase();
        }
        if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
            return e.pseudonym.to_uppercase();
        }
        e.pseudonym.clone()
    }

    /// `text` with every name replaced, or `None` if it names nobody; counts hits per entry.
    pub fn replace(&self, text: &str, counts: &mut [usize]) -> Option<String> {
        let hits = self.scan(text);
        if hits.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (start, end, i) in hits {
            out.push_str(&text[copied..start]);
            out.push_str(&self.pseudonym_for(&text[start..end], i));
            counts[i] += 1;
            copied = end;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

/// One name of the map and how often it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameCount {
    pub real: String,
    pub pseudonym: String,
    pub hits: usize,
}

/// A value outside the document texts that names someone: where, and its text before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub place: String,
    pub before: String,
    pub after: String,
}

/// What a pseudonymisation did (or would do, on a dry run).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PseudonymReport {
    pub names: Vec<NameCount>,
    /// Real names found nowhere (a dry run reports them; a real run is refused).
    pub unmatched: Vec<String>,
    /// The document texts: replacements, codings moved, every hit in context.
    pub texts: EditReport,
    /// Document names, participant labels, memos, comments, code definitions, attribute values.
    pub fields: Vec<FieldChange>,
}

/// Replaces every name of `map` across the project as one undoable change (a dry run works it
/// all out and rolls it back). A name that matches nothing refuses a real run.
pub fn pseudonymise(project: &mut Project, actor: &str, map: &NameMap, mode: Mode) -> Result<Written<PseudonymReport>> {
    let matcher = Matcher::new(map)?;
    let entry = Bulk::Pseudonymise { names: map.entries.len() };
    recorder::record(project, actor, &entry, mode, |rec| {
        let mut counts = vec![0usize; map.entries.len()];
        let mut report = PseudonymReport::default();
        documents_pass(rec, &matcher, &mut counts, &mut report)?;
        fields_pass(rec, &matcher, &mut counts, &mut report)?;
        report.names = map
            .entries
            .iter()
            .zip(&counts)
            .map(|(e, &hits)| NameCount { real: e.real.clone(), pseudonym: e.pseudonym.clone(), hits })
            .collect();
        report.unmatched = report.names.iter().filter(|n| n.hits == 0).map(|n| n.real.clone()).collect();
        if mode == Mode::Commit && !report.unmatched.is_empty() {
            return Err(Error::invalid(format!(
                "{} name(s) of {} match nothing in the project: {}; check their spelling or take them out of the map (nothing was changed)",
                report.unmatched.len(),
                map.source.display(),
                report.unmatched.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
            )));
        }
        let total: usize = counts.iter().sum();
        let summary = format!(
            "pseudonymised {total} occurrences of {} names: {} replacements in {} documents, {} other values",
            map.entries.len() - report.unmatched.len(),
            report.texts.replacements,
            report.texts.documents.len(),
            report.fields.len(),
        );
        let summary = super::text_ops::with_counts(summary, &report.texts);
        Ok((summary, report))
    })
}

fn documents_pass(
    rec: &mut Recorder<'_>,
    matcher: &Matcher<'_>,
    counts: &mut [usize],
    report: &mut PseudonymReport,
) -> Result<()> {
    let docs: Vec<(i64, String)> = documents::list(rec.conn)?.into_iter().map(|d| (d.id, d.name)).collect();
    for (doc, name) in docs {
        let text = documents::text(rec.conn, doc)?;
        let hits = matcher.scan(&text);
        let rename = matcher.replace(&name, counts).map(|new| (name.clone(), new));
        if let Some((before, after)) = &rename {
            report.fields.push(FieldChange {
                place: format!("name of document {before:?}"),
                before: before.clone(),
                after: after.clone(),
            });
        }
        if hits.is_empty() && rename.is_none() {
            continue;
        }
        let index = CharIndex::new(&text);
        let flat = |s: &str| s.replace(['\n', '\t'], " ");
        let mut edits = Vec::with_capacity(hits.len());
        for (b_start, b_end, i) in hits {
            counts[i] += 1;
            let (start, end) = (index.char_of(&text, b_start), index.char_of(&text, b_end));
            let matched = text[b_start..b_end].to_owned();
            let replacement = matcher.pseudonym_for(&matched, i);
            report.texts.hits.push(TextHit {
                document: name.clone(),
                document_id: doc,
                start,
                end,
                left: flat(index.slice(&text, start.saturating_sub(CONTEXT), start)),
                matched: matched.clone(),
                right: flat(index.slice(&text, end, end + CONTEXT)),
                replacement: replacement.clone(),
                codings: Vec::new(),
            });
            if replacement != matched {
                edits.push(Replacement { start, end, old: matched, new: replacement });
            }
        }
        text_ops::apply_edits(rec, doc, &text, edits, rename, &mut report.texts)?;
    }
    Ok(())
}

fn fields_pass(
    rec: &mut Recorder<'_>,
    matcher: &Matcher<'_>,
    counts: &mut [usize],
    report: &mut PseudonymReport,
) -> Result<()> {
    let mut change = |place: String, before: &str, counts: &mut [usize]| -> Option<String> {
        let after = matcher.replace(before, counts)?;
        report.fields.push(FieldChange { place, before: before.to_owned(), after: after.clone() });
        Some(after)
    };
    let ids: Vec<i64> = rec
        .conn
        .prepare("SELECT id FROM participant ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let Some(person) = People::Participants.read(rec.conn, id)? else { continue };
        if let Some(label) = change(format!("participant {:?}", person.name), &person.name, counts) {
            if crate::store::participants::find(rec.conn, &label)?.is_some_and(|other| other != id) {
                return Err(Error::invalid(format!(
                    "participant {:?} would be renamed {label:?}, which another participant is called; nothing was changed",
                    person.name
                )));
            }
            let after = rows::PersonRec { name: label, ..person.clone() };
            rec.update(Row::Participant(person), Row::Participant(after))?;
        }
    }
    for memo in rows::all_memos(rec.conn)? {
        let title = change(format!("title of memo #{}", memo.id), &memo.title, counts);
        let body = change(format!("memo #{}", memo.id), &memo.body, counts);
        if title.is_some() || body.is_some() {
            let after = rows::MemoRec {
                title: title.unwrap_or_else(|| memo.title.clone()),
                body: body.unwrap_or_else(|| memo.body.clone()),
                ..memo.clone()
            };
            rec.update(Row::Memo(memo), Row::Memo(after))?;
        }
    }
    for comment in rows::all_comments(rec.conn)? {
        if let Some(body) = change(format!("comment #{}", comment.id), &comment.body, counts) {
            let after = rows::CommentRec { body, ..comment.clone() };
            rec.update(Row::Comment(comment), Row::Comment(after))?;
        }
    }
    for code in rows::all_codes(rec.conn)? {
        let mut after = code.clone();
        for (field, value) in [
            ("description", &mut after.description),
            ("inclusion criteria", &mut after.inclusion),
            ("exclusion criteria", &mut after.exclusion),
            ("example", &mut after.example),
        ] {
            if let Some(new) = change(format!("{field} of code {:?}", code.name), value, counts) {
                *value = new;
            }
        }
        rec.update(Row::Code(code), Row::Code(after))?;
    }
    for value in attribute_values(rec)? {
        let place = format!("{} attribute #{} of #{}", value.scope, value.attribute_id, value.owner_id);
        if let Some(new) = change(place, &value.value, counts) {
            let after = AttributeValueRec { value: new, ..value.clone() };
            rec.update(Row::Value(value), Row::Value(after))?;
        }
    }
    Ok(())
}

fn attribute_values(rec: &Recorder<'_>) -> Result<Vec<AttributeValueRec>> {
    let mut out = Vec::new();
    for (scope, table, owner) in
        [("document", "document_attribute", "document_id"), ("participant", "participant_attribute", "participant_id")]
    {
        let sql = format!("SELECT {owner}, attribute_id, value FROM {table} ORDER BY {owner}, attribute_id");
        let mut stmt = rec.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(AttributeValueRec {
                scope: scope.to_owned(),
                owner_id: r.get(0)?,
                attribute_id: r.get(1)?,
                value: r.get(2)?,
            })
        })?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(csv: &str) -> Result<NameMap> {
        NameMap::parse(Path::new("map.csv"), csv.as_bytes())
    }

    #[test]
    fn whole_words_longest_first_keeping_capitals() {
        let m = map("real,pseudonym\nAnn,P1\nAnn Smith,P2\nRosa Jenkins,LW-A\n").unwrap();
        let matcher = Matcher::new(&m).unwrap();
        let mut counts = vec![0; 3];
        let out =
            matcher.replace("Ann Smith met Annabel and ann; ROSA JENKINS, rosa jenkins. Ann Smithers", &mut counts);
        assert_eq!(out.as_deref(), Some("P2 met Annabel and p1; LW-A, lw-a. P1 Smithers"));
        assert_eq!(counts, [2, 1, 2]);
    }

    #[test]
    fn malformed_maps_are_refused_with_file_and_line() {
        let msg = |csv: &str| map(csv).unwrap_err().to_string();
        assert!(msg("Ann,P1\nBen\n").starts_with("map.csv:2:"), "{}", msg("Ann,P1\nBen\n"));
        assert!(msg("Ann,P1\nann,P2\n").contains("twice"));
        assert!(msg("Ann,\n").contains("no pseudonym"));
        assert!(msg("Ann,Ben\nBen,P2\n").contains("itself a real name"));
        assert!(msg("real,pseudonym\n").contains("no names"));
    }
}
