-- Version 7: recordings stored in the project when asked (issue 19, `--embed`): whether a link
-- plays from the stored copy, and the copies themselves in 1 MiB chunks keyed by the file's
-- SHA-256. Shipped migration: never edit; later changes add a new step.
ALTER TABLE media_link ADD COLUMN embedded INTEGER NOT NULL DEFAULT 0 CHECK (embedded IN (0, 1));
CREATE TABLE media_chunk (
    sha256 TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
) WITHOUT ROWID;
