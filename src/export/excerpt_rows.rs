//! Reading coded excerpts one at a time in export order (codebook order, then document name, then
//! position), so that an export of 200,000 excerpts never holds them all as excerpts: SQLite
//! sorts the bare coding rows ([`super::excerpt_order`]; its sort runs stay in memory under the
//! project's `temp_store = MEMORY`, about 100 bytes a coding), and the reader keeps only a bounded
//! cache of document texts and turns while it builds one [`Excerpt`] after another. An excerpt
//! borrows the reader's names and attribute maps, the coding row and the document's text, so a
//! row costs no copies of them.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use rusqlite::Connection;

use super::excerpt_order::{Ranks, SORTED_CODINGS};
use super::excerpts::{Excerpt, ExcerptFilter, ExcerptHeader, clock_ms};
use super::memos;
use crate::error::{Error, Result};
use crate::model::{AttributeScope, CodeId, CodeNode, DocumentId, DocumentSummary, ParticipantSummary, Span, Turn};
use crate::store::time_map::{self, TimePoint};
use crate::store::{Project, attributes, coders, codes, documents, participants};
use crate::text::CharIndex;

/// Document text kept in memory at most (the cache is emptied when a new text would pass it).
const TEXT_CACHE_BYTES: usize = 32 << 20;

/// Everything an excerpt borrows from the project besides its coding row, read once.
pub struct ExcerptReader<'p> {
    conn: &'p Connection,
    pub header: ExcerptHeader,
    /// The codes asked for (with their sub-codes), in codebook order.
    wanted: Vec<CodeId>,
    /// The one coder SQL filters on (`None` with several, which [`Self::keeps`] checks).
    coder: Option<i64>,
    /// The coders kept when several are named.
    coder_set: Option<HashSet<i64>>,
    coded_from: Option<String>,
    coded_to: Option<String>,
    merge_coders: bool,
    only: Option<HashSet<String>>,
    /// Only codes and one coder restrict the export: SQL can count it.
    plain: bool,
    coder_names: HashMap<i64, String>,
    code_index: HashMap<CodeId, usize>,
    /// Documents by name: the order of documents within a code. A row names its document by
    /// its place here.
    docs: Vec<DocumentSummary>,
    /// The version number of each document's current text, by place in `docs`.
    text_versions: Vec<i64>,
    people: HashMap<i64, ParticipantSummary>,
    memo_text: HashMap<i64, String>,
    snapshots: Vec<(String, String)>,
    wheres: BTreeMap<String, HashSet<String>>,
}

/// One document's text, its code point index, its turns and its time map.
struct DocText {
    text: String,
    index: CharIndex,
    turns: Vec<Turn>,
    /// The turns' starts, searched apart from the turns themselves: a row touches less memory.
    turn_starts: Vec<usize>,
    paragraphs: Vec<Span>,
    times: Vec<TimePoint>,
}

/// Where an excerpt lies, for views that show it in its document: the document's id and the
/// surrounding turn (else paragraph, else the excerpt itself), widened to hold the whole excerpt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub document: DocumentId,
    pub context: Span,
}

/// A coding row owning its strings, kept while identical spans by other coders are gathered.
struct OwnedRow {
    id: i64,
    guid: String,
    doc: usize,
    code_id: CodeId,
    coder_id: i64,
    start: usize,
    end: usize,
    created_at: String,
}

impl OwnedRow {
    fn of(row: &Row<'_>) -> OwnedRow {
        OwnedRow {
            id: row.id,
            guid: row.guid.to_owned(),
            doc: row.doc,
            code_id: row.code_id,
            coder_id: row.coder_id,
            start: row.start,
            end: row.end,
            created_at: row.created_at.to_owned(),
        }
    }

    fn row(&self) -> Row<'_> {
        Row {
            id: self.id,
            guid: &self.guid,
            doc: self.doc,
            code_id: self.code_id,
            coder_id: self.coder_id,
            start: self.start,
            end: self.end,
            created_at: &self.created_at,
        }
    }
}

/// A coding row as the sorted query returns it, borrowing its strings from SQLite.
struct Row<'r> {
    id: i64,
    guid: &'r str,
    /// The document's place in [`ExcerptReader::docs`].
    doc: usize,
    code_id: CodeId,
    coder_id: i64,
    start: usize,
    end: usize,
    created_at: &'r str,
}

impl<'r> Row<'r> {
    fn read(r: &'r rusqlite::Row<'_>) -> Result<Row<'r>> {
        Ok(Row {
            id: r.get(0)?,
            guid: text_at(r, 1)?,
            doc: r.get::<_, i64>(2)?.max(0) as usize,
            code_id: r.get(3)?,
            coder_id: r.get(4)?,
            start: r.get::<_, i64>(5)?.max(0) as usize,
            end: r.get::<_, i64>(6)?.max(0) as usize,
            created_at: text_at(r, 7)?,
        })
    }
}

/// A text column without copying it.
fn text_at<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    let value = r.get_ref(i)?;
    Ok(value.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e)))?)
}

impl<'p> ExcerptReader<'p> {
    /// Reads the codebook, documents, people, memos and snapshots, and checks the filter.
    pub fn new(project: &'p Project, filter: &ExcerptFilter) -> Result<ExcerptReader<'p>> {
        let conn = project.conn();
        let code_list = codes::list(conn)?;
        let wanted = wanted_codes(conn, &code_list, &filter.codes, !filter.without_subcodes)?;
        let mut coder_ids = HashSet::new();
        for name in filter.coder.iter().chain(&filter.coders) {
            coder_ids.insert(coder_id(conn, name)?);
        }
        let coder = if coder_ids.len() == 1 { coder_ids.iter().next().copied() } else { None };
        let wheres = check_wheres(conn, &filter.wheres)?;
        let names = attributes::names(conn)?;
        let of_scope = |scope| names.iter().filter(|(_, s)| *s == scope).map(|(n, _)| n.clone()).collect::<Vec<_>>();
        let header = ExcerptHeader {
            project: project.info("name")?.unwrap_or_default(),
            document_attributes: of_scope(AttributeScope::Document),
            speaker_attributes: of_scope(AttributeScope::Participant).into_iter().filter(|n| n != "role").collect(),
            codes: code_list,
        };
        let mut docs = documents::list(conn)?;
        docs.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let current = crate::store::versions::current_numbers(conn)?;
        let text_versions = docs.iter().map(|d| current.get(&d.id).copied().unwrap_or(1)).collect();
        Ok(ExcerptReader {
            conn,
            code_index: header.codes.iter().enumerate().map(|(i, c)| (c.id, i)).collect(),
            header,
            wanted,
            coder,
            coder_set: (coder_ids.len() > 1).then_some(coder_ids),
            coded_from: filter.coded_from.clone(),
            coded_to: filter.coded_to.clone(),
            merge_coders: filter.merge_coders,
            only: filter.codings.clone(),
            plain: filter.is_plain(),
            coder_names: coders::list(conn)?.into_iter().collect(),
            docs,
            text_versions,
            people: participants::list(conn)?.into_iter().map(|p| (p.id, p)).collect(),
            memo_text: coding_memos(conn)?,
            snapshots: memos::snapshots(conn)?,
            wheres,
        })
    }

    /// Calls `each` with every excerpt that matches the filter, in export order; returns how
    /// many there were.
    pub fn for_each(&self, mut each: impl FnMut(&Excerpt<'_>) -> Result<()>) -> Result<usize> {
        self.scan(Read { text: true, place: false }, |e, _| each(e))
    }

    /// [`Self::for_each`] with where each excerpt lies (its document's id and context).
    pub fn for_each_placed(&self, mut each: impl FnMut(&Excerpt<'_>, &Place) -> Result<()>) -> Result<usize> {
        self.scan(Read { text: true, place: true }, |e, p| each(e, p))
    }

    /// How many excerpts each code has (only codes with some), without cutting any text.
    pub fn counts(&self) -> Result<HashMap<CodeId, usize>> {
        let mut counts = HashMap::new();
        if self.plain {
            return self.counts_by_sql();
        }
        self.scan(Read { text: false, place: false }, |e, _| {
            *counts.entry(e.code_id).or_insert(0) += 1;
            Ok(())
        })?;
        Ok(counts)
    }

    fn counts_by_sql(&self) -> Result<HashMap<CodeId, usize>> {
        let mut stmt = self.conn.prepare(
            "SELECT g.code_id, count(*) FROM json_each(?1) AS w JOIN coding g ON g.code_id = w.value
             WHERE ?2 IS NULL OR g.coder_id = ?2 GROUP BY g.code_id",
        )?;
        let rows = stmt.query_map((self.wanted_json(), self.coder), |r| {
            Ok((r.get::<_, CodeId>(0)?, r.get::<_, i64>(1)? as usize))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn wanted_json(&self) -> String {
        serde_json::Value::from(self.wanted.clone()).to_string()
    }

    fn scan(&self, read: Read, mut each: impl FnMut(&Excerpt<'_>, &Place) -> Result<()>) -> Result<usize> {
        // Declared before the statement, so dropped after it is finalised.
        let doc_ids: Vec<i64> = self.docs.iter().map(|d| d.id).collect();
        let _ranks = Ranks::install(self.conn, &self.wanted, &doc_ids)?;
        let mut stmt = self.conn.prepare(SORTED_CODINGS)?;
        let mut rows = stmt.query([self.coder])?;
        let mut cache = TextCache { texts: vec![None; doc_ids.len()], bytes: 0 };
        let mut written = 0;
        // Identical spans of one code (adjacent in this order) waiting to be merged.
        let mut group: Vec<OwnedRow> = Vec::new();
        while let Some(r) = rows.next()? {
            let row = Row::read(r)?;
            if !self.keeps(&row) {
                continue;
            }
            if !self.merge_coders {
                written += self.emit(&[row], &doc_ids, &mut cache, read, &mut each)?;
                continue;
            }
            if group
                .first()
                .is_some_and(|g| (g.doc, g.code_id, g.start, g.end) != (row.doc, row.code_id, row.start, row.end))
            {
                let same: Vec<Row<'_>> = group.iter().map(OwnedRow::row).collect();
                written += self.emit(&same, &doc_ids, &mut cache, read, &mut each)?;
                group.clear();
            }
            group.push(OwnedRow::of(&row));
        }
        if !group.is_empty() {
            let same: Vec<Row<'_>> = group.iter().map(OwnedRow::row).collect();
            written += self.emit(&same, &doc_ids, &mut cache, read, &mut each)?;
        }
        Ok(written)
    }

    /// Whether a coding passes the filters SQL does not apply.
    fn keeps(&self, row: &Row<'_>) -> bool {
        let prefix = |n: usize| row.created_at.get(..n).unwrap_or(row.created_at);
        self.coder_set.as_ref().is_none_or(|set| set.contains(&row.coder_id))
            && self.only.as_ref().is_none_or(|only| only.contains(row.guid))
            && self.coded_from.as_deref().is_none_or(|from| row.created_at >= from)
            && self.coded_to.as_deref().is_none_or(|to| prefix(to.len()) <= to)
    }

    /// Hands on one excerpt made of `same` (codings of one code on one span; several when
    /// coders are merged) if it matches the filter; returns 1 if it did.
    fn emit(
        &self,
        same: &[Row<'_>],
        doc_ids: &[i64],
        cache: &mut TextCache,
        read: Read,
        each: &mut impl FnMut(&Excerpt<'_>, &Place) -> Result<()>,
    ) -> Result<usize> {
        let Some(row) = same.first() else { return Ok(0) };
        let Some(&document) = doc_ids.get(row.doc) else { return Ok(0) };
        let text = cache.get(self.conn, row.doc, document)?;
        let Some(mut excerpt) = self.excerpt(row, &text, read.text) else { return Ok(0) };
        if !self.matches_wheres(&excerpt) {
            return Ok(0);
        }
        if same.len() > 1 {
            let names: Vec<&str> =
                same.iter().filter_map(|r| self.coder_names.get(&r.coder_id)).map(String::as_str).collect();
            excerpt.coder = Cow::Owned(names.join(", "));
            excerpt.coding_guid = Cow::Owned(same.iter().map(|r| r.guid).collect::<Vec<_>>().join(" "));
            if read.text {
                let memos: Vec<&str> =
                    same.iter().filter_map(|r| self.memo_text.get(&r.id)).map(String::as_str).collect();
                excerpt.memo = Cow::Owned(memos.join("\n\n"));
            }
            if let Some(first) = same.iter().map(|r| r.created_at).min() {
                excerpt.coded_at = Cow::Borrowed(first);
            }
        }
        let place = Place {
            document,
            context: if read.place {
                context(&text, row.start, row.end)
            } else {
                Span { start: row.start, end: row.end }
            },
        };
        each(&excerpt, &place)?;
        Ok(1)
    }

    fn excerpt<'a>(&'a self, row: &Row<'a>, doc_text: &'a DocText, with_text: bool) -> Option<Excerpt<'a>> {
        let doc = self.docs.get(row.doc)?;
        let code = &self.header.codes[*self.code_index.get(&row.code_id)?];
        let coder = self.coder_names.get(&row.coder_id)?;
        let turn = turn_at(&doc_text.turns, &doc_text.turn_starts, row.start, row.end);
        let person = turn.and_then(|t| t.participant_id).and_then(|p| self.people.get(&p));
        let borrowed = |s: &'a String| Cow::Borrowed(s.as_str());
        Some(Excerpt {
            coding_guid: Cow::Borrowed(row.guid),
            code_id: code.id,
            code_path: borrowed(&code.path),
            theme: Cow::Borrowed(theme_of(code)),
            document: borrowed(&doc.name),
            kind: doc.kind,
            speaker: person.map(|p| borrowed(&p.label)),
            role: person.and_then(|p| p.attributes.get("role")).map(borrowed),
            document_attributes: Cow::Borrowed(&doc.attributes),
            speaker_attributes: person.map(|p| Cow::Borrowed(&p.attributes)).unwrap_or_default(),
            coder: borrowed(coder),
            start: row.start,
            end: row.end,
            timestamp: turn.and_then(|t| t.time_ms).map(crate::import::subtitles::format_clock),
            start_time: time_map::start_time(&doc_text.times, row.start).map(clock_ms),
            end_time: time_map::end_time(&doc_text.times, row.end).map(clock_ms),
            text: Cow::Borrowed(if with_text { doc_text.index.slice(&doc_text.text, row.start, row.end) } else { "" }),
            memo: match self.memo_text.get(&row.id) {
                Some(memo) if with_text => borrowed(memo),
                _ => Cow::Borrowed(""),
            },
            coded_at: Cow::Borrowed(row.created_at),
            snapshot: memos::snapshot_at(&self.snapshots, row.created_at).map(Cow::Borrowed),
            text_version: self.text_versions.get(row.doc).copied().unwrap_or(1),
        })
    }

    fn matches_wheres(&self, e: &Excerpt<'_>) -> bool {
        self.wheres.iter().all(|(key, values)| {
            let candidates: [Option<&str>; 2] = match key.as_str() {
                "kind" => [Some(e.kind.as_str()), None],
                "document" => [Some(e.document.as_ref()), None],
                "speaker" => [e.speaker.as_deref(), None],
                _ => [
                    e.document_attributes.get(key).map(String::as_str),
                    e.speaker_attributes.get(key).map(String::as_str),
                ],
            };
            candidates.into_iter().flatten().any(|v| values.contains(v))
        })
    }
}

/// What a scan reads besides the codings: the text (and memos), and where each excerpt lies.
#[derive(Debug, Clone, Copy)]
struct Read {
    text: bool,
    place: bool,
}

/// The turn holding `start` (else the paragraph holding it, else the span itself), widened to
/// hold the whole span.
fn context(doc: &DocText, start: usize, end: usize) -> Span {
    let around = match turn_at(&doc.turns, &doc.turn_starts, start, end) {
        Some(t) => Span { start: t.start, end: t.end },
        None => {
            let after = doc.paragraphs.partition_point(|p| p.start <= start);
            let holding = after.checked_sub(1).and_then(|i| doc.paragraphs.get(i)).filter(|p| start < p.end);
            holding.copied().unwrap_or(Span { start, end })
        }
    };
    Span { start: around.start.min(start), end: around.end.max(end) }
}

/// The first segment of a code's path: its theme.
pub fn theme_of(code: &CodeNode) -> &str {
    code.path.split('/').next().unwrap_or("")
}

/// Document texts read so far, by the document's place in [`ExcerptReader::docs`], dropped all
/// at once when they would pass [`TEXT_CACHE_BYTES`].
struct TextCache {
    texts: Vec<Option<Rc<DocText>>>,
    bytes: usize,
}

impl TextCache {
    fn get(&mut self, conn: &Connection, place: usize, document: i64) -> Result<Rc<DocText>> {
        if let Some(Some(found)) = self.texts.get(place) {
            return Ok(Rc::clone(found));
        }
        let text = documents::text(conn, document)?;
        let size = text.len();
        let turns = documents::turns(conn, document)?;
        let entry = Rc::new(DocText {
            index: CharIndex::new(&text),
            turn_starts: turns.iter().map(|t| t.start).collect(),
            turns,
            paragraphs: documents::paragraphs(conn, document)?,
            times: time_map::load(conn, document)?,
            text,
        });
        if self.bytes + size > TEXT_CACHE_BYTES {
            self.texts.iter_mut().for_each(|t| *t = None);
            self.bytes = 0;
        }
        self.bytes += size;
        if let Some(slot) = self.texts.get_mut(place) {
            *slot = Some(Rc::clone(&entry));
        }
        Ok(entry)
    }
}

/// The codes asked for with their sub-codes, in codebook order; every code when none is named.
fn wanted_codes(conn: &Connection, list: &[CodeNode], paths: &[String], subcodes: bool) -> Result<Vec<CodeId>> {
    if paths.is_empty() {
        return Ok(list.iter().map(|c| c.id).collect());
    }
    let mut ids = HashSet::new();
    for path in paths {
        let id = codes::id_by_path(conn, path)?;
        if subcodes {
            ids.extend(codes::subtree(list, id));
        } else {
            ids.insert(id);
        }
    }
    Ok(list.iter().map(|c| c.id).filter(|id| ids.contains(id)).collect())
}

fn coder_id(conn: &Connection, name: &str) -> Result<i64> {
    match coders::find(conn, name)? {
        Some(id) => Ok(id),
        None => Err(Error::NotFound {
            what: "coder",
            name: name.to_owned(),
            hint: format!(
                "; coders in this project: {}",
                coders::list(conn)?.into_iter().map(|(_, n)| n).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// The memos on each coding, joined: "title: body" when titled.
fn coding_memos(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut by_coding: HashMap<i64, Vec<String>> = HashMap::new();
    for m in memos::all(conn)?.into_iter().filter(|m| m.target_kind == "coding") {
        let text = if m.title.is_empty() { m.body } else { format!("{}: {}", m.title, m.body) };
        by_coding.entry(m.target_id.unwrap_or(0)).or_default().push(text);
    }
    Ok(by_coding.into_iter().map(|(id, texts)| (id, texts.join("\n\n"))).collect())
}

/// The turn containing `start`, else the first turn that begins inside the coding. `turns` are
/// ordered by start; `starts` are their starts.
fn turn_at<'t>(turns: &'t [Turn], starts: &[usize], start: usize, end: usize) -> Option<&'t Turn> {
    let contains = |t: &Turn| t.start <= start && start < t.end.max(t.start + 1);
    let after = starts.partition_point(|s| *s <= start);
    let mut found = None;
    for t in turns[..after].iter().rev() {
        if !contains(t) {
            break;
        }
        found = Some(t);
    }
    found.or_else(|| turns.get(after).filter(|t| t.start < end))
}

const SPECIAL: [&str; 3] = ["kind", "document", "speaker"];

/// Groups `--where` values by attribute, refusing attributes the project does not have.
fn check_wheres(conn: &Connection, wheres: &[(String, String)]) -> Result<BTreeMap<String, HashSet<String>>> {
    let known: HashSet<String> = attributes::names(conn)?.into_iter().map(|(n, _)| n).collect();
    let mut grouped: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for (key, value) in wheres {
        if !known.contains(key) && !SPECIAL.contains(&key.as_str()) {
            let mut all: Vec<&String> = known.iter().collect();
            all.sort();
            return Err(Error::NotFound {
                what: "attribute",
                name: key.clone(),
                hint: format!(
                    "; use kind, document, speaker or one of: {}",
                    all.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        grouped.entry(key.clone()).or_default().insert(value.clone());
    }
    Ok(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(start: usize, end: usize) -> Turn {
        Turn { id: start as i64, document_id: 1, participant_id: None, start, end, time_ms: None }
    }

    #[test]
    fn the_turn_of_a_coding_is_the_one_holding_its_start_else_the_first_inside_it() {
        let turns = [turn(0, 10), turn(10, 20), turn(25, 30)];
        let starts = turns.each_ref().map(|t| t.start);
        assert_eq!(turn_at(&turns, &starts, 12, 15).map(|t| t.start), Some(10));
        assert_eq!(turn_at(&turns, &starts, 0, 1).map(|t| t.start), Some(0));
        assert_eq!(turn_at(&turns, &starts, 21, 27).map(|t| t.start), Some(25), "starts between turns");
        assert_eq!(turn_at(&turns, &starts, 21, 24).map(|t| t.start), None);
        assert_eq!(turn_at(&turns, &starts, 40, 45).map(|t| t.start), None);
        assert_eq!(turn_at(&[], &[], 0, 5).map(|t| t.start), None);
    }
}
