//! Forward migrations of the project file, keyed by `PRAGMA user_version`.
//!
//! `schema.sql` always describes the newest version. A file at version N is upgraded by running
//! `MIGRATIONS[N - 1]`, `MIGRATIONS[N]`, … in one transaction together with the new
//! `user_version`, so an upgrade either completes or leaves the file as it was. Shipped
//! migrations are never edited; a schema change adds a step here and changes `schema.sql`.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The version a project created by this build has.
pub const SCHEMA_VERSION: i64 = 8;

/// `MIGRATIONS[i]` upgrades version `i + 1` to `i + 2`. Version 1 is the first shipped schema.
const MIGRATIONS: &[&str] = &[
    // 1 -> 2: the per-document coding cache of the analysis loader.
    include_str!("migrations/v2_coding_cache.sql"),
    // 2 -> 3: earlier texts of edited documents.
    include_str!("migrations/v3_document_version.sql"),
    // 3 -> 4: each document's time map.
    include_str!("migrations/v4_time_map.sql"),
    // 4 -> 5: the recording linked to a document.
    include_str!("migrations/v5_media_link.sql"),
    // 5 -> 6: indexes an edit of the text does not rewrite.
    include_str!("migrations/v6_edit_indexes.sql"),
    // 6 -> 7: recordings stored in the project when asked (media_link.embedded, media_chunk).
    include_str!("migrations/v7_media_store.sql"),
    // 7 -> 8: codings' and turns' offsets stored relative to the document's edit gap.
    include_str!("migrations/v8_edit_gap.sql"),
];

const _: () = assert!(MIGRATIONS.len() as i64 == SCHEMA_VERSION - 1);

/// Brings a project at `from` up to [`SCHEMA_VERSION`].
pub fn upgrade(conn: &mut Connection, path: &Path, from: i64) -> Result<()> {
    if from == SCHEMA_VERSION {
        return Ok(());
    }
    if from < 1 {
        return Err(Error::Corrupt { path: path.to_path_buf(), reason: format!("unknown schema version {from}") });
    }
    let tx = conn.transaction()?;
    for step in &MIGRATIONS[(from - 1) as usize..] {
        tx.execute_batch(step).map_err(|e| super::classify(path, e))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}
