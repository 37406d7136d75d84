//! The attribute command: cells of a classification sheet (a document's site, a participant's
//! role), set or cleared as one undoable change, whether they come from one edit in the
//! workbench or a whole sheet file (`fieldcode attributes`); and renaming an attribute (a column
//! of the sheet), which keeps every value with its owner.

use super::command::AttributeCell;
use super::recorder::Recorder;
use super::rows::{AttributeRec, Row};
use crate::error::{Error, Result};
use crate::model::AttributeScope;

pub(crate) fn set(rec: &mut Recorder<'_>, scope: AttributeScope, cells: &[AttributeCell]) -> Result<String> {
    if cells.is_empty() {
        return Err(Error::invalid("no attribute values to set"));
    }
    let mut changed = 0;
    let mut owners = std::collections::BTreeSet::new();
    for cell in cells {
        let name = cell.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("an attribute needs a name"));
        }
        let owner = owner_id(rec, scope, cell.owner.trim())?;
        let value = cell.value.as_deref().map(str::trim).filter(|v| !v.is_empty());
        if rec.set_value(scope, owner, name, value)? {
            changed += 1;
            owners.insert(owner);
        }
    }
    let what = scope.as_str();
    Ok(match (cells, changed) {
        ([one], 1) => match &one.value {
            Some(v) if !v.trim().is_empty() => {
                format!("set {} of {what} {} to {:?}", one.name.trim(), one.owner.trim(), v.trim())
            }
            _ => format!("cleared {} of {what} {}", one.name.trim(), one.owner.trim()),
        },
        _ => format!("set {changed} attribute values of {} {what}s", owners.len()),
    })
}

/// The document named `owner` (which must exist) or the participant labelled `owner` (created
/// if new: a sheet may list people who never speak).
fn owner_id(rec: &mut Recorder<'_>, scope: AttributeScope, owner: &str) -> Result<i64> {
    if owner.is_empty() {
        return Err(Error::invalid("an attribute value needs the document or participant it belongs to"));
    }
    match scope {
        AttributeScope::Document => crate::store::documents::id_by_name(rec.conn, owner),
        AttributeScope::Participant => rec.participant_labelled(owner),
    }
}

/// Renames the attribute `from` of `scope` to `to`. A new name that another attribute of the
/// scope has already (ignoring case, as sheet files compare their headers) is refused, so two
/// columns never merge by accident; changing only the case of a name is allowed.
pub(crate) fn rename(rec: &mut Recorder<'_>, scope: AttributeScope, from: &str, to: &str) -> Result<String> {
    let (from, to) = (from.trim(), to.trim());
    let what = scope.as_str();
    if to.is_empty() {
        return Err(Error::invalid(format!("a {what} attribute needs a name; type one")));
    }
    let id = crate::store::attributes::find(rec.conn, from, scope)?
        .ok_or_else(|| Error::invalid(format!("there is no {what} attribute called {from:?}")))?;
    let before = AttributeRec::read(rec.conn, id)?
        .ok_or_else(|| Error::invalid(format!("there is no {what} attribute called {from:?}")))?;
    let taken = crate::store::attributes::names(rec.conn)?
        .into_iter()
        .any(|(name, s)| s == scope && name != before.name && name.to_lowercase() == to.to_lowercase());
    if taken {
        return Err(Error::invalid(format!(
            "the {what} attribute {to:?} exists already; choose another name (or set its values instead)"
        )));
    }
    let after = AttributeRec { name: to.to_owned(), ..before.clone() };
    rec.update(Row::Attribute(before), Row::Attribute(after))?;
    Ok(format!("renamed {what} attribute {from} to {to:?}"))
}
