-- Version 8: offsets that a text edit does not rewrite (issue 16, edit speed). Shipped
-- migration: never edit; later changes add a new step.
-- Codings and turns move to `coding_row` and `turn_row`, where each offset is stored relative
-- to its document's edit gap (`document.gap`, NULL meaning past the end): a position before the
-- gap as itself, one at or after it as `position - char_count - 1` (negative), so a change of
-- the text's length moves every position after the gap without a write. `coding` and `turn`
-- become views that read the positions back; everything that reads them is unchanged. Every
-- stored row lies before the NULL gap, so the rows are copied as they are.
ALTER TABLE document ADD COLUMN gap INTEGER;

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
INSERT INTO coding_row (id, guid, document_id, code_id, coder_id, start, "end", created_at)
    SELECT id, guid, document_id, code_id, coder_id, start, "end", created_at FROM coding;
DROP TABLE coding;
CREATE INDEX coding_by_code ON coding_row (code_id);
CREATE VIEW coding AS
SELECT c.id AS id, c.guid AS guid, c.document_id AS document_id, c.code_id AS code_id, c.coder_id AS coder_id,
       CASE WHEN c.start >= 0 THEN c.start ELSE c.start + d.char_count + 1 END AS start,
       CASE WHEN c."end" >= 0 THEN c."end" ELSE c."end" + d.char_count + 1 END AS "end",
       c.created_at AS created_at
FROM coding_row c JOIN document d ON d.id = c.document_id;

CREATE TABLE turn_row (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    participant_id INTEGER REFERENCES participant (id),
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    time_ms        INTEGER
);
INSERT INTO turn_row (id, document_id, participant_id, start, "end", time_ms)
    SELECT id, document_id, participant_id, start, "end", time_ms FROM turn;
DROP TABLE turn;
CREATE INDEX turn_by_document ON turn_row (document_id);
CREATE VIEW turn AS
SELECT t.id AS id, t.document_id AS document_id, t.participant_id AS participant_id,
       CASE WHEN t.start >= 0 THEN t.start ELSE t.start + d.char_count + 1 END AS start,
       CASE WHEN t."end" >= 0 THEN t."end" ELSE t."end" + d.char_count + 1 END AS "end",
       t.time_ms AS time_ms
FROM turn_row t JOIN document d ON d.id = t.document_id;
