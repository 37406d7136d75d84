-- Fieldcode project file schema. This file is the single source of truth for a new project file;
-- it describes the newest version (see SCHEMA_VERSION in src/store/migrate.rs). Older files are
-- upgraded by the forward migrations in src/store/migrate.rs, each run in one transaction.
-- Offsets (`start`, `end`) are Unicode code point positions into document.text, end exclusive
-- (the views `coding` and `turn` give them so; their tables store them relative to `document.gap`).

-- Key/value facts about the project itself: name, guid, created_at.
CREATE TABLE project (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One imported text: newline-normalised to \n, no BOM, front matter removed. The text changes
-- only through the edit commands (src/coding/text_edit.rs), which move every span anchored in it
-- and keep the text it replaced in `document_version`; the guid stays. `sha256` is the hash of
-- the current text, used to skip re-imports and to match documents when merging projects.
CREATE TABLE document (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('field-note', 'interview', 'focus-group', 'other')),
    text        TEXT NOT NULL,
    char_count  INTEGER NOT NULL,
    -- Paragraph spans as little-endian u32 pairs (start, end): a maximal run of non-blank lines;
    -- a line that starts a speaker turn starts a new paragraph at its utterance. Computed once
    -- at import (src/import/paragraphs.rs) so autocode, analysis and the viewer agree.
    paragraphs  BLOB NOT NULL,
    source_path TEXT,
    sha256      TEXT NOT NULL UNIQUE,
    imported_at TEXT NOT NULL
, gap INTEGER);

-- The earlier texts of an edited document (added in version 3). Row `number` N describes the
-- text the document had before its N-th edit: its hash and length, who replaced it and when, and
-- `edits`, the JSON list of `[start, end, old, new]` replacements (code point offsets, ascending,
-- in that text's coordinates) that turned it into the next version. The text of version N is
-- the current text with the edits of rows N and later undone, newest first; only the changes are
-- kept, so an edit of a long transcript costs the file a few bytes, not a copy of the text.
CREATE TABLE document_version (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    replaced_at TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    char_count  INTEGER NOT NULL,
    edits       TEXT NOT NULL,
    UNIQUE (document_id, number)
);

-- Word search over documents. Import does not index (it would cost more than the import
-- itself); word search brings the index up to date first, indexing documents not yet in it.
CREATE VIRTUAL TABLE document_fts USING fts5(text, content = 'document', content_rowid = 'id');

-- A speaker, shared across documents by label ("LW3" in two focus groups is one participant).
CREATE TABLE participant (
    id    INTEGER PRIMARY KEY,
    guid  TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL UNIQUE
);

-- A speaker turn: the utterance after the speaker label, up to the end of its last line.
-- Stored in `turn_row` with its offsets relative to the document's edit gap (see `coding_row`);
-- read through the view `turn`. Only the document is indexed: turns are the bulk of an import's
-- rows, and queries by participant scan the table once (GROUP BY).
CREATE TABLE turn_row (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    participant_id INTEGER REFERENCES participant (id),
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    time_ms        INTEGER
);
CREATE INDEX turn_by_document ON turn_row (document_id);
CREATE VIEW turn AS
SELECT t.id AS id, t.document_id AS document_id, t.participant_id AS participant_id,
       CASE WHEN t.start >= 0 THEN t.start ELSE t.start + d.char_count + 1 END AS start,
       CASE WHEN t."end" >= 0 THEN t."end" ELSE t."end" + d.char_count + 1 END AS "end",
       t.time_ms AS time_ms
FROM turn_row t JOIN document d ON d.id = t.document_id;

-- Attribute names; `scope` says whether values belong to documents or participants.
CREATE TABLE attribute (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('document', 'participant')),
    UNIQUE (name, scope)
);

CREATE TABLE document_attribute (
    document_id  INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    attribute_id INTEGER NOT NULL REFERENCES attribute (id) ON DELETE CASCADE,
    value        TEXT NOT NULL,
    PRIMARY KEY (document_id, attribute_id)
);

CREATE TABLE participant_attribute (
    participant_id INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    attribute_id   INTEGER NOT NULL REFERENCES attribute (id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    PRIMARY KEY (participant_id, attribute_id)
);

-- The codebook: a tree of themes, codes and sub-codes. Names are unique among siblings.
CREATE TABLE code (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    parent_id   INTEGER REFERENCES code (id),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    color       TEXT NOT NULL DEFAULT '#808080',
    description TEXT NOT NULL DEFAULT '',
    inclusion   TEXT NOT NULL DEFAULT '',
    exclusion   TEXT NOT NULL DEFAULT '',
    example     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'reviewed', 'agreed')),
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX code_sibling_name ON code (coalesce(parent_id, 0), name);

CREATE TABLE coder (
    id   INTEGER PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE
);

-- A coded span. The same code on the same span by the same coder is stored once.
-- Stored in `coding_row` and read through the view `coding`. Each offset is stored relative to
-- its document's edit gap (`document.gap`, NULL meaning past the end; added in version 8): a
-- position before the gap as itself, one at or after it as `position - char_count - 1`
-- (negative). An edit first moves the gap to itself (rewriting the offsets in between), so the
-- length change moves every position after it without a write, and the unique index is left
-- alone; only the spans that reach the edit are written (src/store/gap.rs). The view turns the
-- stored offsets back into code point positions; only src/coding/rows.rs writes the table.
CREATE TABLE coding_row (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    document_id INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    code_id     INTEGER NOT NULL REFERENCES code (id),
    coder_id    INTEGER NOT NULL REFERENCES coder (id),
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (document_id, code_id, coder_id, start, "end")
);
CREATE INDEX coding_by_code ON coding_row (code_id);
CREATE VIEW coding AS
SELECT c.id AS id, c.guid AS guid, c.document_id AS document_id, c.code_id AS code_id, c.coder_id AS coder_id,
       CASE WHEN c.start >= 0 THEN c.start ELSE c.start + d.char_count + 1 END AS start,
       CASE WHEN c."end" >= 0 THEN c."end" ELSE c."end" + d.char_count + 1 END AS "end",
       c.created_at AS created_at
FROM coding_row c JOIN document d ON d.id = c.document_id;

-- A derived copy of each document's codings as one BLOB (see src/store/coding_cache.rs), so the
-- analysis loader reads one row per document instead of one per coding. Whatever inserts,
-- changes or deletes a coding deletes its document's entry in the same transaction (Fieldcode
-- does so in src/coding/rows.rs and its importers); a missing entry is rebuilt from `coding`.
-- Not triggers: a trigger makes every coding INSERT keep a statement journal, which tripled the
-- cost of a 100,000-coding command. Added in version 2.
CREATE TABLE coding_cache (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    codings     BLOB NOT NULL
);

-- Each transcript's time map (src/store/time_map.rs): every cue's, segment's or word's time as
-- little-endian u32 pairs (code point offset, milliseconds into the recording), sorted by offset.
-- The text from an offset on is spoken at its time. Only documents with times have a row.
-- Added in version 4.
CREATE TABLE time_map (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    points      BLOB NOT NULL
);

-- The recording linked to a document (src/media/link.rs): `path` relative to the project file's
-- folder with '/' separators (absolute when the recording is on another drive or root), so a
-- study folder can move; `size` and `sha256` tell whether the file is still the one linked;
-- `offset_ms` is added to the document's time map to get the recording's time. The recording
-- itself is copied into the project only when asked (`embedded` = 1: it plays from the stored
-- copy in media_chunk, found by `sha256`). Changed only by the LinkMedia / UnlinkMedia /
-- EmbedMedia / UnembedMedia commands. Added in version 5; `embedded` in version 7 (written the
-- way ALTER TABLE leaves it, so an upgraded file has exactly this schema).
CREATE TABLE media_link (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    offset_ms   INTEGER NOT NULL DEFAULT 0,
    linked_at   TEXT NOT NULL,
    linked_by   TEXT NOT NULL
, embedded INTEGER NOT NULL DEFAULT 0 CHECK (embedded IN (0, 1)));

-- Stored copies of recordings (src/media/store.rs), content-addressed: the file with SHA-256
-- `sha256` is the concatenation of its chunks in `seq` order (0, 1, …), 1 MiB each but the last.
-- Chunks are written by an embedding command and never by undo or redo, which only flip
-- media_link.embedded; a release copy drops the ones no embedded link uses. Added in version 7.
CREATE TABLE media_chunk (
    sha256 TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
) WITHOUT ROWID;

-- Markdown memos on the project, a document, a participant, a code or a coding.
CREATE TABLE memo (
    id          INTEGER PRIMARY KEY,
    guid        TEXT NOT NULL UNIQUE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('project', 'document', 'participant', 'code', 'coding')),
    target_id   INTEGER,
    title       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX memo_by_target ON memo (target_kind, target_id);

-- Append-only log of every change made through the command layer. `payload` is JSON holding
-- the command and what is needed to invert it; `undone` marks entries reverted by undo.
CREATE TABLE history (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    summary TEXT NOT NULL,
    payload TEXT NOT NULL,
    undone  INTEGER NOT NULL DEFAULT 0
);

-- A named version of the codebook ("after team meeting 3"), stored as JSON.
CREATE TABLE snapshot (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    history_id INTEGER,
    codebook   TEXT NOT NULL
);

-- Team discussion of a code during review.
CREATE TABLE code_comment (
    id         INTEGER PRIMARY KEY,
    code_id    INTEGER NOT NULL REFERENCES code (id) ON DELETE CASCADE,
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body       TEXT NOT NULL
);

-- Projects merged into this one (by project guid), so a merge is never applied twice.
CREATE TABLE merge_source (
    id           INTEGER PRIMARY KEY,
    project_guid TEXT NOT NULL,
    merged_at    TEXT NOT NULL,
    summary      TEXT NOT NULL
);
