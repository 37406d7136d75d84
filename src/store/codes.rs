//! Reading the codebook: the code tree with paths, and resolving `Theme/Code/Sub-code` paths.
//! Changes to codes go through the command layer, never through this module's callers directly.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::model::{CodeId, CodeNode, ReviewStatus};

/// Splits a code path on `/`, trimming each part; empty parts are an error.
pub fn split_path(path: &str) -> Result<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(Error::invalid(format!("{path:?} is not a code path; write it as Theme/Code/Sub-code")));
    }
    Ok(parts)
}

/// The whole codebook in tree order (depth first, siblings by position then name), with paths
/// and per-code coding counts.
pub fn list(conn: &Connection) -> Result<Vec<CodeNode>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.guid, c.parent_id, c.name, c.color, c.description, c.inclusion, c.exclusion, c.example,
                c.status, c.position, (SELECT count(*) FROM coding g WHERE g.code_id = c.id)
         FROM code c",
    )?;
    let rows: Vec<CodeNode> = stmt
        .query_map([], |r| {
            let status: String = r.get(9)?;
            Ok(CodeNode {
                id: r.get(0)?,
                guid: r.get(1)?,
                parent_id: r.get(2)?,
                name: r.get(3)?,
                path: String::new(),
                depth: 0,
                color: r.get(4)?,
                description: r.get(5)?,
                inclusion: r.get(6)?,
                exclusion: r.get(7)?,
                example: r.get(8)?,
                status: status.parse().unwrap_or(ReviewStatus::Proposed),
                position: r.get(10)?,
                codings: r.get::<_, i64>(11)? as usize,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(tree_order(rows))
}

/// Orders codes depth first and fills in `path` and `depth`.
pub fn tree_order(mut codes: Vec<CodeNode>) -> Vec<CodeNode> {
    codes.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase())));
    let mut children: HashMap<Option<CodeId>, Vec<usize>> = HashMap::new();
    for (i, c) in codes.iter().enumerate() {
        children.entry(c.parent_id).or_default().push(i);
    }
    let mut order = Vec::with_capacity(codes.len());
    let mut stack: Vec<(usize, String, usize)> =
        children.get(&None).map(|v| v.iter().rev().map(|&i| (i, String::new(), 0)).collect()).unwrap_or_default();
    while let Some((i, prefix, depth)) = stack.pop() {
        let path = if prefix.is_empty() { codes[i].name.clone() } else { format!("{prefix}/{}", codes[i].name) };
        if let Some(kids) = children.get(&Some(codes[i].id)) {
            stack.extend(kids.iter().rev().map(|&k| (k, path.clone(), depth + 1)));
        }
        order.push((i, path, depth));
    }
    let mut slots: Vec<Option<CodeNode>> = codes.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, path, depth)| {
            let mut node = slots[i].take()?;
            node.path = path;
            node.depth = depth;
            Some(node)
        })
        .collect()
}

/// The id of the code at `path`, or an error naming the first part that does not exist.
pub fn id_by_path(conn: &Connection, path: &str) -> Result<CodeId> {
    let parts = split_path(path)?;
    let mut parent: Option<CodeId> = None;
    let mut stmt = conn.prepare_cached("SELECT id FROM code WHERE coalesce(parent_id, 0) = ?1 AND name = ?2")?;
    for (depth, part) in parts.iter().enumerate() {
        let found: Option<CodeId> = {
            let mut rows = stmt.query(rusqlite::params![parent.unwrap_or(0), part])?;
            rows.next()?.map(|r| r.get(0)).transpose()?
        };
        match found {
            Some(id) => parent = Some(id),
            None => {
                let prefix = parts[..=depth].join("/");
                return Err(Error::NotFound { what: "code", name: prefix, hint: String::new() });
            }
        }
    }
    parent.ok_or_else(|| Error::invalid("empty code path"))
}

/// Full paths of every code, by id.
pub fn paths(conn: &Connection) -> Result<HashMap<CodeId, String>> {
    Ok(list(conn)?.into_iter().map(|c| (c.id, c.path)).collect())
}

/// The ids of a code and all its descendants.
pub fn subtree(codes: &[CodeNode], root: CodeId) -> Vec<CodeId> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(codes.iter().filter(|c| c.parent_id == Some(parent)).map(|c| c.id));
        i += 1;
    }
    out
}
