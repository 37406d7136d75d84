-- Version 2: a derived per-document copy of the codings for the analysis loader.
-- Shipped migration: never edit; later changes add a new step.
CREATE TABLE coding_cache (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    codings     BLOB NOT NULL
);
