//! Row images of coders and participants, the people a merge may add to a project, so that
//! undoing the merge takes them away again instead of leaving unused names behind.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// A row of `coder` (`name`) or `participant` (`label`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRec {
    pub id: i64,
    pub guid: String,
    /// The coder's name or the participant's label.
    pub name: String,
}

/// Which table a [`PersonRec`] belongs to.
#[derive(Debug, Clone, Copy)]
pub enum People {
    Coders,
    Participants,
}

impl People {
    /// The table's name.
    pub fn table_name(self) -> &'static str {
        self.table().0
    }

    /// The table and its name column.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            People::Coders => ("coder", "name"),
            People::Participants => ("participant", "label"),
        }
    }

    pub fn read(self, conn: &Connection, id: i64) -> Result<Option<PersonRec>> {
        let (table, name) = self.table();
        let sql = format!("SELECT id, guid, {name} FROM {table} WHERE id = ?1");
        Ok(conn
            .prepare_cached(&sql)?
            .query_row([id], |r| Ok(PersonRec { id: r.get(0)?, guid: r.get(1)?, name: r.get(2)? }))
            .optional()?)
    }

    pub fn insert(self, conn: &Connection, row: &PersonRec) -> Result<()> {
        let (table, name) = self.table();
        let sql = format!("INSERT INTO {table} (id, guid, {name}) VALUES (?1, ?2, ?3)");
        conn.prepare_cached(&sql)?.execute(params![row.id, row.guid, row.name])?;
        Ok(())
    }

    pub fn update(self, conn: &Connection, row: &PersonRec) -> Result<()> {
        let (table, name) = self.table();
        let sql = format!("UPDATE {table} SET guid = ?2, {name} = ?3 WHERE id = ?1");
        conn.prepare_cached(&sql)?.execute(params![row.id, row.guid, row.name])?;
        Ok(())
    }
}
