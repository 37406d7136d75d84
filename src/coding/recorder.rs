//! The one write path of project data. Every writer — the commands, a team merge, a codebook
//! or classification-sheet import, REFI-QDA import and `synth` — changes codes, codings, memos,
//! comments, coders, participants and attribute values through a [`Recorder`], inside one
//! immediate write transaction opened by [`record`] (or, for a new project being filled,
//! [`Recorder::unrecorded`]).
//!
//! The recorder performs each row insert, update and delete and keeps the before/after image of
//! each, which is what the history stores to undo and redo the change. Names a change needs (a
//! coder, a participant, an attribute) are created by the recorder in the same transaction, so
//! a refused change leaves the file exactly as it was. Row writes go through
//! [`super::rows`], the only code that writes the `coding` table; it also drops the analysis
//! cache entry of every document whose codings change.

use rusqlite::Connection;
use serde::Serialize;

use super::history::{self, Entry};
use super::rows::{AttributeRec, AttributeValueRec, Change, CodingRec, People, PersonRec, Row};
use super::text_edit::DocEdit;
use crate::error::{Error, Result};
use crate::model::{AttributeScope, CoderId, ParticipantId};
use crate::store::{Project, new_guid};

pub struct Recorder<'c> {
    pub(crate) conn: &'c Connection,
    pub(crate) changes: Vec<Change>,
    /// Ids of rows the command created (codes, codings, memos), in creation order.
    pub(crate) created: Vec<i64>,
    /// The timestamp of this command, used for every row it creates or edits.
    pub(crate) now: String,
    /// Who the change is recorded for (empty for an unrecorded fill).
    pub(crate) actor: String,
    /// The command's edits of document texts and names, in order (see [`super::text_edit`]).
    pub(crate) texts: Vec<DocEdit>,
    /// False while filling a new project (REFI import, `synth`): rows are written the same way,
    /// but no images are kept, since there is nothing to undo back to.
    keep: bool,
    /// Told how far a long command has come (0..=1); false asks it to stop, which rolls it
    /// back (see [`Watch`]).
    pub(crate) watch: Option<&'c Watch<'c>>,
}

/// What a long command (storing a recording) reports its progress to, from 0 to 1; returning
/// false cancels it: the command fails and the transaction rolls back, so nothing is written.
pub type Watch<'a> = dyn Fn(f32) -> bool + 'a;

impl<'c> Recorder<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Recorder<'c> {
        Recorder {
            conn,
            changes: Vec::new(),
            created: Vec::new(),
            now: crate::store::now_utc(),
            actor: String::new(),
            texts: Vec::new(),
            keep: true,
            watch: None,
        }
    }

    /// A recorder that writes rows without keeping their images: for filling a project that
    /// was just created, inside the caller's transaction.
    pub fn unrecorded(conn: &'c Connection) -> Recorder<'c> {
        Recorder { keep: false, ..Recorder::new(conn) }
    }

    /// The connection (a transaction) the recorder writes through, for reads.
    pub fn conn(&self) -> &'c Connection {
        self.conn
    }

    fn keep(&mut self, change: Change) {
        if self.keep {
            self.changes.push(change);
        }
    }

    fn note_created(&mut self, row: &Row) {
        if matches!(row, Row::Code(_) | Row::Coding(_) | Row::Memo(_)) {
            self.created.push(row.id());
        }
    }

    /// Undo reverts a command's text edits before its row changes, and redo makes them after:
    /// so no coding of a document may change after the command edited that document's text.
    fn check_order(&self, row: &Row) -> Result<()> {
        match row {
            Row::Coding(c) => self.check_coding_order(c),
            _ => Ok(()),
        }
    }

    fn check_coding_order(&self, coding: &CodingRec) -> Result<()> {
        match self.texts.iter().any(|t| t.document == coding.document_id) {
            false => Ok(()),
            true => Err(Error::invalid(format!(
                "coding #{} changes after its document's text was edited in the same command; nothing was changed",
                coding.id
            ))),
        }
    }

    /// Edits a document's text and name (see [`super::text_edit`]), moving everything anchored
    /// in it, and records the edit; returns how the codings moved. The command removes the
    /// codings the edit would leave empty or duplicated first ([`super::text_edit::doomed`]).
    pub fn edit_document(&mut self, edit: DocEdit) -> Result<super::text_edit::Moved> {
        self.edit_document_known(edit, None)
    }

    /// [`Recorder::edit_document`] with the document's current text and codings as the command
    /// read them (see [`super::text_edit::Known`]).
    pub fn edit_document_known(
        &mut self,
        mut edit: DocEdit,
        known: Option<super::text_edit::Known<'_>>,
    ) -> Result<super::text_edit::Moved> {
        edit.at = self.now.clone();
        edit.actor = self.actor.clone();
        if !edit.edits.is_empty() {
            edit.version = crate::store::versions::next_number(self.conn, edit.document)?;
        }
        let (fixups, moved) = super::text_edit::forward_known(self.conn, &edit, known)?;
        edit.fixups = fixups;
        if self.keep {
            self.texts.push(edit);
        }
        Ok(moved)
    }

    /// Inserts a row with its id and records it; new codes, codings and memos are also listed
    /// in `created`.
    pub fn insert(&mut self, row: Row) -> Result<()> {
        self.check_order(&row)?;
        row.insert(self.conn)?;
        self.note_created(&row);
        self.keep(Change { before: None, after: Some(row) });
        Ok(())
    }

    /// Inserts the row `make` builds with the next free id of its table; returns that id.
    pub fn insert_new(&mut self, table: &str, make: impl FnOnce(i64) -> Row) -> Result<i64> {
        let id = self.next_id(table)?;
        self.insert(make(id))?;
        Ok(id)
    }

    /// Inserts a coding unless an identical one exists; records it only if inserted.
    pub fn insert_coding_if_new(&mut self, coding: CodingRec) -> Result<bool> {
        self.check_coding_order(&coding)?;
        if !coding.insert_if_new(self.conn)? {
            return Ok(false);
        }
        let row = Row::Coding(coding);
        self.note_created(&row);
        self.keep(Change { before: None, after: Some(row) });
        Ok(true)
    }

    /// Replaces `before` by `after` (same table and id); nothing is recorded if they are equal.
    pub fn update(&mut self, before: Row, after: Row) -> Result<()> {
        if before == after {
            return Ok(());
        }
        self.check_order(&after)?;
        after.update(self.conn)?;
        self.keep(Change { before: Some(before), after: Some(after) });
        Ok(())
    }

    /// Deletes a row and records its image so undo can restore it with the same id.
    pub fn delete(&mut self, row: Row) -> Result<()> {
        self.check_order(&row)?;
        row.delete(self.conn)?;
        self.keep(Change { before: Some(row), after: None });
        Ok(())
    }

    /// The id the next new row of `table` gets (one past the largest).
    pub fn next_id(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
        Ok(self.conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))?)
    }

    /// The coder with this name, created (and recorded) if new.
    pub fn coder_named(&mut self, name: &str) -> Result<CoderId> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("a coder needs a name"));
        }
        if let Some(id) = crate::store::coders::find(self.conn, name)? {
            return Ok(id);
        }
        let name = name.to_owned();
        self.insert_new("coder", |id| Row::Coder(PersonRec { id, guid: new_guid(), name }))
    }

    /// The participant with this label, created (and recorded) if new.
    pub fn participant_labelled(&mut self, label: &str) -> Result<ParticipantId> {
        if let Some(id) = crate::store::participants::find(self.conn, label)? {
            return Ok(id);
        }
        let name = label.to_owned();
        self.insert_new("participant", |id| Row::Participant(PersonRec { id, guid: new_guid(), name }))
    }

    /// A new coder or participant with a given guid (REFI import keeps the file's guids).
    pub fn insert_person(&mut self, people: People, guid: String, name: &str) -> Result<i64> {
        let (table, name) = (people.table_name(), name.to_owned());
        self.insert_new(table, |id| {
            let rec = PersonRec { id, guid, name };
            match people {
                People::Coders => Row::Coder(rec),
                People::Participants => Row::Participant(rec),
            }
        })
    }

    /// The attribute called `name` in `scope`, created (and recorded) if new.
    pub fn attribute(&mut self, name: &str, scope: AttributeScope) -> Result<i64> {
        if let Some(id) = crate::store::attributes::find(self.conn, name, scope)? {
            return Ok(id);
        }
        let (name, scope) = (name.to_owned(), scope.as_str().to_owned());
        self.insert_new("attribute", |id| Row::Attribute(AttributeRec { id, name, scope }))
    }

    /// Sets (`Some`) or removes (`None`) the value of attribute `name` of a document or
    /// participant; returns whether anything changed.
    pub fn set_value(&mut self, scope: AttributeScope, owner: i64, name: &str, value: Option<&str>) -> Result<bool> {
        let attribute_id = self.attribute(name, scope)?;
        let probe = AttributeValueRec {
            scope: scope.as_str().to_owned(),
            owner_id: owner,
            attribute_id,
            value: value.unwrap_or_default().to_owned(),
        };
        let current = probe.current(self.conn)?;
        match (current, value) {
            (Some(now), Some(_)) if now == probe => Ok(false),
            (Some(now), Some(_)) => self.update(Row::Value(now), Row::Value(probe)).map(|()| true),
            (Some(now), None) => self.delete(Row::Value(now)).map(|()| true),
            (None, Some(_)) => self.insert(Row::Value(probe)).map(|()| true),
            (None, None) => Ok(false),
        }
    }
}

/// What one recorded change did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Written<T> {
    /// The history entry, or `None` when nothing changed (or on a dry run).
    pub history_id: Option<i64>,
    /// One line for the user, e.g. "renamed code Theme/Old to \"New\"".
    pub summary: String,
    /// Ids of the codes, codings and memos the change created, in creation order.
    pub created: Vec<i64>,
    /// What the writer returned besides its summary (a merge's report, say).
    pub value: T,
}

/// Whether a recorded change is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Commit,
    /// Everything is worked out and written inside the transaction, then rolled back.
    DryRun,
}

/// Runs `body` with a recorder inside one immediate write transaction of `project`, then
/// appends one history entry for `entry` by `actor` (if anything changed) and commits. An
/// error from `body` rolls everything back: the file is left as it was.
pub fn record<T, E: Entry>(
    project: &mut Project,
    actor: &str,
    entry: &E,
    mode: Mode,
    body: impl FnOnce(&mut Recorder<'_>) -> Result<(String, T)>,
) -> Result<Written<T>> {
    record_watched(project, actor, entry, mode, None, body)
}

/// [`record`] for a long command that reports its progress to `watch` and stops when told.
pub fn record_watched<T, E: Entry>(
    project: &mut Project,
    actor: &str,
    entry: &E,
    mode: Mode,
    watch: Option<&Watch<'_>>,
    body: impl FnOnce(&mut Recorder<'_>) -> Result<(String, T)>,
) -> Result<Written<T>> {
    let path = project.path().to_path_buf();
    let named = |e| crate::store::name_error(&path, e);
    let tx = project.write_transaction()?;
    let mut rec = Recorder::new(&tx);
    rec.actor = actor.to_owned();
    rec.watch = watch;
    let (summary, value) = body(&mut rec).map_err(named)?;
    let Recorder { changes, created, now, texts, .. } = rec;
    if mode == Mode::DryRun {
        return Ok(Written { history_id: None, summary, created, value });
    }
    let history_id = match changes.is_empty() && texts.is_empty() {
        true => None,
        false => Some(history::append(&tx, &now, actor, entry, &summary, &changes, &texts, &created).map_err(named)?),
    };
    tx.commit().map_err(|e| named(e.into()))?;
    project.settle()?;
    Ok(Written { history_id, summary, created, value })
}
