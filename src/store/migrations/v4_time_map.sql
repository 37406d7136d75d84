-- Version 4: each document's time map (text offset -> media time), one BLOB per document.
-- Shipped migration: never edit; later changes add a new step.
CREATE TABLE time_map (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    points      BLOB NOT NULL
);
