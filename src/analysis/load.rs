//! Loading a project into a compact in-memory [`Corpus`] in one pass: codings as struct-of-arrays
//! sorted by (document, start), each document's turns and paragraphs, attribute values and the
//! code tree. No string is allocated per coding.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, CoderId, CodingId, DocumentId, DocumentKind, ParticipantId, ReviewStatus};
use crate::store::coding_cache::{self, CachedCoding};
use crate::store::{Project, attributes, coders, codes, documents};

/// "No index": a coding outside every turn, a document without the attribute, a root code.
pub const NONE: u32 = u32::MAX;

/// A span in code points, end exclusive, stored compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanU32 {
    pub start: u32,
    pub end: u32,
}

/// A speaker turn: its span and the index of its participant in [`Corpus::participants`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnSpan {
    pub start: u32,
    pub end: u32,
    pub participant: u32,
}

/// A code of the codebook, by index; `parent` is an index too.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeInfo {
    pub id: CodeId,
    pub path: String,
    pub parent: u32,
}

/// A document: identity, turns and paragraphs (sorted by start) and its codings' index range.
#[derive(Debug, Clone, PartialEq)]
pub struct DocInfo {
    pub id: DocumentId,
    pub name: String,
    pub kind: DocumentKind,
    pub turns: Vec<TurnSpan>,
    pub paragraphs: Vec<SpanU32>,
    /// Indexes into [`Corpus::codings`] of this document's codings.
    pub codings: Range<usize>,
}

/// Codings as parallel columns, sorted by (document, start). `participant` is the participant
/// whose turn (or speaker label) holds the coding's start, or [`NONE`] ([`speaker_at`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Codings {
    pub id: Vec<CodingId>,
    pub doc: Vec<u32>,
    pub code: Vec<u32>,
    pub coder: Vec<u32>,
    pub start: Vec<u32>,
    pub end: Vec<u32>,
    pub participant: Vec<u32>,
}

impl Codings {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// One attribute name across both scopes: its distinct values (sorted) and, per document and per
/// participant index, the index of its value or [`NONE`].
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub values: Vec<String>,
    pub of_document: Vec<u32>,
    pub of_participant: Vec<u32>,
}

/// A project's codings and their context, ready for analysis.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The codebook in tree order.
    pub codes: Vec<CodeInfo>,
    /// `(id, name)` by name.
    pub coders: Vec<(CoderId, String)>,
    /// `(id, label)` by label.
    pub participants: Vec<(ParticipantId, String)>,
    /// Documents by id.
    pub documents: Vec<DocInfo>,
    pub codings: Codings,
    /// Attributes by name.
    pub attributes: Vec<Attribute>,
    /// For code `c`: `chains[chain_at[c]..chain_at[c + 1]]` is `c` then its ancestors.
    chain_at: Vec<usize>,
    chains: Vec<u32>,
}

impl Corpus {
    /// Loads everything analysis needs from a project. The codings come from the per-document
    /// cache ([`coding_cache`]), read through a second, read-only connection on another thread
    /// while this one reads documents, turns, attributes and the codebook; documents whose
    /// entry is missing (their codings changed since) are read from `coding` and re-cached.
    pub fn load(project: &Project) -> Result<Corpus> {
        let path = project.path();
        if !path.is_file() {
            return Corpus::load_conn(project.conn());
        }
        std::thread::scope(|scope| {
            let cached = scope.spawn(|| read_cache(&reader(path)?));
            let context = load_context(project.conn());
            let cache = cached.join().map_err(|_| Error::invalid("the analysis loader stopped unexpectedly"))??;
            let context = context?;
            let raw = complete(project.conn(), &context.documents, cache)?;
            Ok(assemble(context, raw))
        })
    }

    /// [`Corpus::load`] on a bare connection, on one thread.
    pub fn load_conn(conn: &Connection) -> Result<Corpus> {
        let context = load_context(conn)?;
        let raw = complete(conn, &context.documents, read_cache(conn)?)?;
        Ok(assemble(context, raw))
    }

    /// Code `c` followed by its ancestors when `rollup`, else just `c`.
    pub fn chain(&self, code: u32, rollup: bool) -> &[u32] {
        let c = code as usize;
        let all = &self.chains[self.chain_at[c]..self.chain_at[c + 1]];
        if rollup { all } else { &all[..1] }
    }

    /// Whether one of the two codes is the other or its ancestor.
    #[inline]
    pub fn related(&self, a: u32, b: u32) -> bool {
        let (ca, cb) = (self.chain(a, true), self.chain(b, true));
        if ca.len() >= cb.len() { ca[ca.len() - cb.len()] == b } else { cb[cb.len() - ca.len()] == a }
    }

    /// The index of a code id.
    pub fn code_index(&self, id: CodeId) -> Option<u32> {
        self.codes.iter().position(|c| c.id == id).map(|i| i as u32)
    }

    /// The index of the code at a full path.
    pub fn code_by_path(&self, path: &str) -> Option<u32> {
        let parts = codes::split_path(path).ok()?;
        let wanted = parts.join("/");
        self.codes.iter().position(|c| c.path == wanted).map(|i| i as u32)
    }

    /// The attribute called `name`, if any document or participant has it.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The coder index of a coder name.
    pub fn coder_by_name(&self, name: &str) -> Option<u32> {
        self.coders.iter().position(|c| c.1 == name.trim()).map(|i| i as u32)
    }
}

/// Maps row ids to positions: a plain vector when ids are dense, a hash map otherwise.
struct IdIndex {
    dense: Vec<u32>,
    sparse: HashMap<i64, u32>,
}

impl IdIndex {
    fn new(ids: impl Iterator<Item = i64> + Clone) -> IdIndex {
        let (count, max) = ids.clone().fold((0usize, 0i64), |(n, m), id| (n + 1, m.max(id)));
        if max >= 0 && (max as usize) <= 4 * count + 1024 && ids.clone().all(|id| id >= 0) {
            let mut dense = vec![NONE; max as usize + 1];
            for (i, id) in ids.enumerate() {
                dense[id as usize] = i as u32;
            }
            IdIndex { dense, sparse: HashMap::new() }
        } else {
            IdIndex { dense: Vec::new(), sparse: ids.enumerate().map(|(i, id)| (id, i as u32)).collect() }
        }
    }

    fn get(&self, id: i64) -> u32 {
        if self.dense.is_empty() {
            return self.sparse.get(&id).copied().unwrap_or(NONE);
        }
        usize::try_from(id).ok().and_then(|i| self.dense.get(i).copied()).unwrap_or(NONE)
    }
}

/// The code tree in codebook order, without the per-code coding counts [`codes::list`] adds.
fn load_codes(conn: &Connection) -> Result<Vec<CodeInfo>> {
    let mut stmt = conn.prepare("SELECT id, parent_id, name, position FROM code")?;
    let rows = stmt.query_map([], |r| {
        Ok(CodeNode {
            id: r.get(0)?,
            guid: String::new(),
            parent_id: r.get(1)?,
            name: r.get(2)?,
            path: String::new(),
            depth: 0,
            color: String::new(),
            description: String::new(),
            inclusion: String::new(),
            exclusion: String::new(),
            example: String::new(),
            status: ReviewStatus::Proposed,
            position: r.get(3)?,
            codings: 0,
        })
    })?;
    let nodes = codes::tree_order(rows.collect::<rusqlite::Result<_>>()?);
    let index: HashMap<CodeId, u32> = nodes.iter().enumerate().map(|(i, c)| (c.id, i as u32)).collect();
    Ok(nodes
        .into_iter()
        .map(|c| CodeInfo {
            id: c.id,
            parent: c.parent_id.and_then(|p| index.get(&p).copied()).unwrap_or(NONE),
            path: c.path,
        })
        .collect())
}

fn load_participants(conn: &Connection) -> Result<Vec<(ParticipantId, String)>> {
    let mut stmt = conn.prepare("SELECT id, label FROM participant ORDER BY label")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_documents(conn: &Connection) -> Result<Vec<DocInfo>> {
    let mut stmt = conn.prepare("SELECT id, name, kind, paragraphs FROM document ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(2)?;
        let blob = r.get_ref(3)?.as_blob().unwrap_or(&[]);
        let paragraphs = documents::decode_spans(blob)
            .into_iter()
            .map(|s| SpanU32 { start: s.start as u32, end: s.end as u32 })
            .collect();
        Ok(DocInfo {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: kind.parse().unwrap_or(DocumentKind::Other),
            turns: Vec::new(),
            paragraphs,
            codings: 0..0,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_turns(conn: &Connection, docs: &mut [DocInfo], participants: &IdIndex) -> Result<()> {
    let doc_index = IdIndex::new(docs.iter().map(|d| d.id));
    let mut stmt = conn.prepare("SELECT document_id, participant_id, start, \"end\" FROM turn")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let doc = doc_index.get(r.get(0)?);
        let participant = r.get::<_, Option<i64>>(1)?.map(|p| participants.get(p)).unwrap_or(NONE);
        if let Some(d) = docs.get_mut(doc as usize) {
            d.turns.push(TurnSpan { start: r.get(2)?, end: r.get(3)?, participant });
        }
    }
    for d in docs.iter_mut().filter(|d| !d.turns.is_sorted_by_key(|t| t.start)) {
        d.turns.sort_unstable_by_key(|t| (t.start, t.end));
    }
    Ok(())
}

/// Everything but the codings.
struct Context {
    codes: Vec<CodeInfo>,
    coders: Vec<(CoderId, String)>,
    participants: Vec<(ParticipantId, String)>,
    documents: Vec<DocInfo>,
    attributes: Vec<Attribute>,
}

fn load_context(conn: &Connection) -> Result<Context> {
    let codes = load_codes(conn)?;
    let coders = coders::list(conn)?;
    let participants = load_participants(conn)?;
    let mut documents = load_documents(conn)?;
    let participant_index = IdIndex::new(participants.iter().map(|p| p.0));
    load_turns(conn, &mut documents, &participant_index)?;
    let attributes = load_attributes(conn, &documents, &participant_index, participants.len())?;
    Ok(Context { codes, coders, participants, documents, attributes })
}

/// Codings as read, with row ids still to be turned into indexes.
struct RawCodings {
    doc: Vec<i64>,
    code: Vec<i64>,
    coder: Vec<i64>,
    start: Vec<u32>,
    end: Vec<u32>,
    id: Vec<i64>,
}

impl RawCodings {
    fn with_capacity(n: usize) -> RawCodings {
        RawCodings {
            doc: Vec::with_capacity(n),
            code: Vec::with_capacity(n),
            coder: Vec::with_capacity(n),
            start: Vec::with_capacity(n),
            end: Vec::with_capacity(n),
            id: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, doc: DocumentId, c: CachedCoding) {
        self.doc.push(doc);
        self.code.push(c.code);
        self.coder.push(c.coder);
        self.start.push(c.start);
        self.end.push(c.end);
        self.id.push(c.id);
    }
}

/// The codings found in the cache, and the documents (sorted) whose entry was there and sound.
struct Cached {
    raw: RawCodings,
    documents: Vec<DocumentId>,
}

fn read_cache(conn: &Connection) -> Result<Cached> {
    let mut raw = RawCodings::with_capacity(capacity_hint(conn)?);
    let mut documents = Vec::new();
    coding_cache::read_all(conn, |doc, entry| {
        if coding_cache::decode(entry, |c| raw.push(doc, c)) {
            documents.push(doc);
        }
    })?;
    documents.sort_unstable();
    Ok(Cached { raw, documents })
}

/// Adds the codings of documents the cache did not cover, rebuilding their entries when the
/// project can be written (else reading `coding` directly).
fn complete(conn: &Connection, docs: &[DocInfo], mut cached: Cached) -> Result<RawCodings> {
    let missing: Vec<DocumentId> =
        docs.iter().map(|d| d.id).filter(|id| cached.documents.binary_search(id).is_err()).collect();
    if missing.is_empty() {
        return Ok(cached.raw);
    }
    let scan_all = missing.len() * 4 > docs.len();
    let entries = match coding_cache::rebuild(conn, &missing, scan_all)? {
        Some(entries) => entries,
        None if scan_all => return load_raw_codings(conn),
        None => coding_cache::read_documents(conn, &missing)?,
    };
    for (doc, codings) in entries {
        codings.into_iter().for_each(|c| cached.raw.push(doc, c));
    }
    Ok(cached.raw)
}

/// The highest coding id, found without a scan: a good capacity hint.
fn capacity_hint(conn: &Connection) -> Result<usize> {
    let max_id: Option<i64> = conn.query_row("SELECT max(id) FROM coding", [], |r| r.get(0))?;
    Ok(max_id.unwrap_or(0).clamp(0, 1 << 26) as usize)
}

/// A second, read-only connection to the project file for a loader thread.
fn reader(path: &std::path::Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_millis(1500))?;
    // Map the file instead of copying pages through read(): the scan is I/O bound.
    conn.execute_batch("PRAGMA mmap_size = 1073741824;")?;
    Ok(conn)
}

/// Every coding, straight from the `coding` table (when the cache cannot be rebuilt).
fn load_raw_codings(conn: &Connection) -> Result<RawCodings> {
    let mut raw = RawCodings::with_capacity(capacity_hint(conn)?);
    // A scan of the covering (document, code, coder, start, end) index: ordering by the
    // (document_id, start) index costs a row lookup per coding, three times slower than scanning
    // and sorting in memory.
    let mut stmt = conn.prepare("SELECT document_id, code_id, coder_id, start, \"end\", id FROM coding")?;
    let mut rows = stmt.query([])?;
    // Raw column access: the schema declares every column INTEGER NOT NULL, so a non-integer
    // value can only come from a damaged file; it maps to an unknown row id / offset 0.
    let int = |r: &rusqlite::Row, i: usize| r.get_ref(i).ok().and_then(|v| v.as_i64().ok()).unwrap_or(-1);
    let offset = |r: &rusqlite::Row, i: usize| u32::try_from(int(r, i)).unwrap_or(0);
    while let Some(r) = rows.next()? {
        raw.doc.push(int(r, 0));
        raw.code.push(int(r, 1));
        raw.coder.push(int(r, 2));
        raw.start.push(offset(r, 3));
        raw.end.push(offset(r, 4));
        raw.id.push(int(r, 5));
    }
    Ok(raw)
}

fn assemble(context: Context, raw: RawCodings) -> Corpus {
    let Context { codes, coders, participants, mut documents, attributes } = context;
    let codings = index_codings(raw, &mut documents, &codes, &coders);
    let (chain_at, chains) = ancestor_chains(&codes);
    Corpus { codes, coders, participants, documents, codings, attributes, chain_at, chains }
}

fn index_codings(raw: RawCodings, docs: &mut [DocInfo], codes: &[CodeInfo], coders: &[(CoderId, String)]) -> Codings {
    let doc_index = IdIndex::new(docs.iter().map(|d| d.id));
    let code_index = IdIndex::new(codes.iter().map(|c| c.id));
    let coder_index = IdIndex::new(coders.iter().map(|c| c.0));
    let doc: Vec<u32> = raw.doc.iter().map(|&d| doc_index.get(d)).collect();
    let code: Vec<u32> = raw.code.iter().map(|&c| code_index.get(c)).collect();
    let order = sorted_order(&doc, &code, &raw, docs.len());
    let mut out = Codings {
        id: order.iter().map(|&i| raw.id[i as usize]).collect(),
        doc: order.iter().map(|&i| doc[i as usize]).collect(),
        code: order.iter().map(|&i| code[i as usize]).collect(),
        coder: order.iter().map(|&i| coder_index.get(raw.coder[i as usize])).collect(),
        start: order.iter().map(|&i| raw.start[i as usize]).collect(),
        end: order.iter().map(|&i| raw.end[i as usize]).collect(),
        participant: Vec::with_capacity(order.len()),
    };
    assign_documents_and_speakers(&mut out, docs);
    out
}

/// Row positions of the codings with a known document and code, ordered by (document, start,
/// end, id): a counting sort by document, then a sort of each document's few codings.
fn sorted_order(doc: &[u32], code: &[u32], raw: &RawCodings, documents: usize) -> Vec<u32> {
    let known = |d: u32, c: u32| d != NONE && c != NONE && (d as usize) < documents;
    let mut begin = vec![0usize; documents + 1];
    for (&d, &c) in doc.iter().zip(code) {
        if known(d, c) {
            begin[d as usize + 1] += 1;
        }
    }
    for d in 0..documents {
        begin[d + 1] += begin[d];
    }
    let mut next = begin.clone();
    let mut order = vec![0u32; begin[documents]];
    for (i, (&d, &c)) in doc.iter().zip(code).enumerate() {
        if known(d, c) {
            order[next[d as usize]] = i as u32;
            next[d as usize] += 1;
        }
    }
    let key = |i: &u32| (raw.start[*i as usize], raw.end[*i as usize], raw.id[*i as usize]);
    for d in 0..documents {
        let part = &mut order[begin[d]..begin[d + 1]];
        if !part.is_sorted_by_key(key) {
            part.sort_unstable_by_key(key);
        }
    }
    order
}

/// Fills each document's coding range and each coding's participant ([`speaker_at`] its start).
fn assign_documents_and_speakers(c: &mut Codings, docs: &mut [DocInfo]) {
    c.participant.clear();
    let mut i = 0;
    while i < c.len() {
        let d = c.doc[i] as usize;
        let begin = i;
        while i < c.len() && c.doc[i] as usize == d {
            c.participant.push(speaker_at(&docs[d], c.start[i]));
            i += 1;
        }
        docs[d].codings = begin..i;
    }
}

/// The participant a coding starting at `start` belongs to: the speaker of the turn that holds
/// `start`, else, when `start` lies in a speaker label (`[00:00:04] LW10: `), the speaker of the
/// turn that label opens, else [`NONE`]. Turns and paragraphs begin after the label, so a start
/// is in the label of the next turn when no paragraph text lies between it and that turn (only
/// the label and blank space). By binary search in the document's turns and paragraphs.
pub(crate) fn speaker_at(doc: &DocInfo, start: u32) -> u32 {
    let turns = &doc.turns;
    let at = turns.partition_point(|t| t.start <= start);
    if let Some(turn) = at.checked_sub(1).map(|k| turns[k]).filter(|t| start < t.end) {
        return turn.participant;
    }
    let Some(next) = turns.get(at) else { return NONE };
    let paragraphs = &doc.paragraphs;
    let between = paragraphs.get(paragraphs.partition_point(|p| p.end <= start)).is_some_and(|p| p.start < next.start);
    if between { NONE } else { next.participant }
}

fn load_attributes(
    conn: &Connection,
    docs: &[DocInfo],
    participants: &IdIndex,
    participant_count: usize,
) -> Result<Vec<Attribute>> {
    let by_doc = attributes::document_values(conn)?;
    let by_participant = attributes::participant_values(conn)?;
    let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for map in by_doc.values().chain(by_participant.values()) {
        for (name, value) in map {
            values.entry(name).or_default().insert(value);
        }
    }
    let doc_index = IdIndex::new(docs.iter().map(|d| d.id));
    let mut out = Vec::new();
    for (name, set) in values {
        let list: Vec<String> = set.iter().map(|v| (*v).to_owned()).collect();
        let position = |v: &str| list.binary_search_by(|x| x.as_str().cmp(v)).map(|i| i as u32).unwrap_or(NONE);
        let mut of_document = vec![NONE; docs.len()];
        for (id, map) in &by_doc {
            if let (Some(v), Some(slot)) = (map.get(name), of_document.get_mut(doc_index.get(*id) as usize)) {
                *slot = position(v);
            }
        }
        let mut of_participant = vec![NONE; participant_count];
        for (id, map) in &by_participant {
            if let (Some(v), Some(slot)) = (map.get(name), of_participant.get_mut(participants.get(*id) as usize)) {
                *slot = position(v);
            }
        }
        out.push(Attribute { name: name.to_owned(), values: list, of_document, of_participant });
    }
    Ok(out)
}

fn ancestor_chains(codes: &[CodeInfo]) -> (Vec<usize>, Vec<u32>) {
    let mut at = Vec::with_capacity(codes.len() + 1);
    let mut chains = Vec::new();
    for c in 0..codes.len() {
        at.push(chains.len());
        let mut cur = c as u32;
        while cur != NONE && chains.len() - at[c] <= codes.len() {
            chains.push(cur);
            cur = codes[cur as usize].parent;
        }
    }
    at.push(chains.len());
    (at, chains)
}
