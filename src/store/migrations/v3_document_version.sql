-- 2 -> 3: document texts become editable; the texts an edit replaced are kept as changes.
-- Shipped migration: never edit; later changes add a new step.
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
