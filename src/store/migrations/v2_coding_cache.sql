-- Version 2: a derived per-document copy of the codings for the analysis loader.
-- Shipped migration: never edit; later changes add a new step.
CREATE TABLE coding_cache (
    document_id INTEGER PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    codings     BLOB NOT NULL
);
CREATE TRIGGER coding_cache_after_insert AFTER INSERT ON coding BEGIN
    DELETE FROM coding_cache WHERE document_id = NEW.document_id;
END;
CREATE TRIGGER coding_cache_after_update AFTER UPDATE ON coding BEGIN
    DELETE FROM coding_cache WHERE document_id IN (OLD.document_id, NEW.document_id);
END;
CREATE TRIGGER coding_cache_after_delete AFTER DELETE ON coding BEGIN
    DELETE FROM coding_cache WHERE document_id = OLD.document_id;
END;
