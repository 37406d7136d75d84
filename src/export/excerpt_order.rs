//! The sorted query behind the excerpt exports. Export order is codebook order, then document
//! name, then position. Asking SQLite for it through the code index (codebook order first) made
//! it visit the coding table's pages out of order, once per coding, and look each document's
//! name up again: a sixth of an export's time went to copying pages in the kernel. Instead the
//! two ranks live in small temporary tables, so SQLite reads the coding table front to back,
//! finds both ranks by primary key and sorts (within its own bounded sorter).

use rusqlite::Connection;

use crate::error::Result;
use crate::model::CodeId;

/// The coding rows of an export, sorted, each with its document's place in `documents` (as
/// given to [`Ranks::install`]): `?1` is a coder's id or NULL for every coder.
pub const SORTED_CODINGS: &str = "SELECT g.id, g.guid, r.rank, g.code_id, g.coder_id, g.start, g.\"end\", g.created_at
     FROM coding AS g NOT INDEXED
     CROSS JOIN temp.excerpt_code_rank AS w ON w.code_id = g.code_id
     CROSS JOIN temp.excerpt_document_rank AS r ON r.document_id = g.document_id
     WHERE ?1 IS NULL OR g.coder_id = ?1
     ORDER BY w.rank + r.rank, g.start, g.\"end\", g.id";

/// The rank tables while a scan runs; dropped with the guard (and with the export's read
/// transaction, should the drop fail).
pub struct Ranks<'c> {
    conn: &'c Connection,
}

impl<'c> Ranks<'c> {
    /// Fills the rank tables: `codes` (only these are exported) and `documents` in export order.
    pub fn install(conn: &'c Connection, codes: &[CodeId], documents: &[i64]) -> Result<Ranks<'c>> {
        // The guard first, so that a failure part way still drops what was made.
        let ranks = Ranks { conn };
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS excerpt_code_rank (code_id INTEGER PRIMARY KEY, rank INTEGER NOT NULL);
             CREATE TEMP TABLE IF NOT EXISTS excerpt_document_rank (document_id INTEGER PRIMARY KEY, rank INTEGER NOT NULL);
             DELETE FROM temp.excerpt_code_rank;
             DELETE FROM temp.excerpt_document_rank;",
        )?;
        // A code's rank counts in steps of the number of documents, so that one sum orders by
        // code, then document: SQLite's sorter decides most comparisons on that first integer.
        let step = documents.len().max(1) as i64;
        fill(conn, "INSERT INTO temp.excerpt_code_rank (code_id, rank) VALUES (?1, ?2)", codes, step)?;
        fill(conn, "INSERT INTO temp.excerpt_document_rank (document_id, rank) VALUES (?1, ?2)", documents, 1)?;
        Ok(ranks)
    }
}

fn fill(conn: &Connection, insert: &str, ids: &[i64], step: i64) -> Result<()> {
    let mut stmt = conn.prepare(insert)?;
    for (rank, id) in ids.iter().enumerate() {
        stmt.execute((id, rank as i64 * step))?;
    }
    Ok(())
}

impl Drop for Ranks<'_> {
    fn drop(&mut self) {
        // Best effort: the tables are temporary and emptied before each use anyway.
        let _ = self.conn.execute_batch(
            "DROP TABLE IF EXISTS temp.excerpt_code_rank; DROP TABLE IF EXISTS temp.excerpt_document_rank;",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::export::excerpts::{ExcerptFilter, gather};
    use crate::store::Project;
    use crate::synth::{SynthOptions, generate};

    #[test]
    fn excerpts_come_in_codebook_then_document_then_position_order_even_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.fieldcode");
        generate(&path, &SynthOptions { docs: 6, chars: 3_000, codes: 20, codings: 300, seed: 3 }).unwrap();
        let project = Project::open_to_read(&path).unwrap();
        let set = gather(&project, &ExcerptFilter::default()).unwrap();
        assert_eq!(set.excerpts.len(), 300);
        let rank = |id| set.header.codes.iter().position(|c| c.id == id).unwrap();
        let keys: Vec<_> =
            set.excerpts.iter().map(|e| (rank(e.code_id), e.document.to_string(), e.start, e.end)).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "export order");
        let left: i64 = project.conn().query_row("SELECT count(*) FROM temp.sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "the rank tables are dropped after the scan");
    }
}
