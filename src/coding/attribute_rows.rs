//! Row images of attribute names and values, so that a change to them (a merge bringing in a team
//! member's attributes) is recorded in the history and undoes and redoes like codes and codings.
//!
//! Attribute values have no id of their own: a value is keyed by its owner (a document or a
//! participant, told apart by `scope`) and its attribute.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A row of `attribute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeRec {
    pub id: i64,
    pub name: String,
    /// `document` or `participant`.
    pub scope: String,
}

/// A row of `document_attribute` (scope `document`) or `participant_attribute` (`participant`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeValueRec {
    pub scope: String,
    /// The document or participant id.
    pub owner_id: i64,
    pub attribute_id: i64,
    pub value: String,
}

impl AttributeRec {
    pub fn read(conn: &Connection, id: i64) -> Result<Option<AttributeRec>> {
        Ok(conn
            .prepare_cached("SELECT id, name, scope FROM attribute WHERE id = ?1")?
            .query_row([id], |r| Ok(AttributeRec { id: r.get(0)?, name: r.get(1)?, scope: r.get(2)? }))
            .optional()?)
    }

    pub fn insert(&self, conn: &Connection) -> Result<()> {
        conn.prepare_cached("INSERT INTO attribute (id, name, scope) VALUES (?1, ?2, ?3)")?
            .execute(params![self.id, self.name, self.scope])?;
        Ok(())
    }

    pub fn update(&self, conn: &Connection) -> Result<()> {
        conn.prepare_cached("UPDATE attribute SET name = ?2, scope = ?3 WHERE id = ?1")?
            .execute(params![self.id, self.name, self.scope])?;
        Ok(())
    }
}

impl AttributeValueRec {
    /// The value table and its owner column for this value's scope.
    fn table(&self) -> Result<(&'static str, &'static str)> {
        match self.scope.as_str() {
            "document" => Ok(("document_attribute", "document_id")),
            "participant" => Ok(("participant_attribute", "participant_id")),
            other => Err(Error::invalid(format!("an attribute value has the unknown scope {other:?}"))),
        }
    }

    /// The value stored now for the same owner and attribute, if any.
    pub fn current(&self, conn: &Connection) -> Result<Option<AttributeValueRec>> {
        let (table, owner) = self.table()?;
        let sql = format!("SELECT value FROM {table} WHERE {owner} = ?1 AND attribute_id = ?2");
        let value: Option<String> =
            conn.prepare_cached(&sql)?.query_row([self.owner_id, self.attribute_id], |r| r.get(0)).optional()?;
        Ok(value.map(|value| AttributeValueRec { value, ..self.clone() }))
    }

    pub fn insert(&self, conn: &Connection) -> Result<()> {
        let (table, owner) = self.table()?;
        let sql = format!("INSERT INTO {table} ({owner}, attribute_id, value) VALUES (?1, ?2, ?3)");
        conn.prepare_cached(&sql)?.execute(params![self.owner_id, self.attribute_id, self.value])?;
        Ok(())
    }

    pub fn update(&self, conn: &Connection) -> Result<()> {
        let (table, owner) = self.table()?;
        let sql = format!("UPDATE {table} SET value = ?3 WHERE {owner} = ?1 AND attribute_id = ?2");
        conn.prepare_cached(&sql)?.execute(params![self.owner_id, self.attribute_id, self.value])?;
        Ok(())
    }

    pub fn delete(&self, conn: &Connection) -> Result<()> {
        let (table, owner) = self.table()?;
        let sql = format!("DELETE FROM {table} WHERE {owner} = ?1 AND attribute_id = ?2");
        conn.prepare_cached(&sql)?.execute([self.owner_id, self.attribute_id])?;
        Ok(())
    }
}
