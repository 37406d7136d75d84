//! The comment command: a remark in a code's discussion thread (team review), recorded in the
//! history like any change so it can be undone.

use super::recorder::Recorder;
use super::rows::{CommentRec, Row};
use super::validate;
use crate::error::{Error, Result};
use crate::model::CodeId;

pub(crate) fn add(rec: &mut Recorder<'_>, author: &str, code: CodeId, body: &str) -> Result<String> {
    let (author, body) = (author.trim(), body.trim());
    if body.is_empty() {
        return Err(Error::invalid("the comment is empty; write what you want to say about the code"));
    }
    if author.is_empty() {
        return Err(Error::invalid("a comment needs an author"));
    }
    validate::code(rec.conn, code)?;
    let path = validate::path_of(rec.conn, code)?;
    let (author, body, created_at) = (author.to_owned(), body.to_owned(), rec.now.clone());
    let id =
        rec.insert_new("code_comment", |id| Row::Comment(CommentRec { id, code_id: code, author, created_at, body }))?;
    Ok(format!("commented on {path} (comment #{id})"))
}
