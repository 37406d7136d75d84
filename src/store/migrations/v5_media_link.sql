-- Version 5: the recording linked to a document (issue 19), one row per linked document.
-- Shipped migration: never edit; later changes add a new step.
CREATE TABLE media_link (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    offset_ms   INTEGER NOT NULL DEFAULT 0,
    linked_at   TEXT NOT NULL,
    linked_by   TEXT NOT NULL
);
