//! Copies to fall back on. A consistent single-file copy of a project can be written at any time,
//! even while the project is open and being written elsewhere (`VACUUM INTO` reads one
//! snapshot). Automatic copies are kept in a folder beside the project — `study-backups/` next
//! to `study.fieldcode`, or the folder named by `FIELDCODE_BACKUPS` (`off` turns them off) —
//! once a day when the workbench opens a project and before every bulk change (import, merge,
//! codebook import, restore). Old copies are pruned: the three newest are always kept, then the
//! newest of each of the last seven days, then the newest of each of the last four weeks.
//! A restore never overwrites a project without copying it first.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime};
use serde::Serialize;

use super::Project;
use crate::error::{Error, Result};

/// One automatic copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    /// Why it was taken: `daily`, `before-import`, `before-merge`, …
    pub reason: String,
    /// Local time it was taken, `YYYY-MM-DD HH:MM:SS`.
    pub taken_at: String,
    pub bytes: u64,
}

/// The time in a copy's name, to the millisecond so two copies in one second do not collide.
const TIME_FORMAT: &str = "%Y-%m-%d %H-%M-%S-%3f";
const STAMP_LEN: usize = 23;
const EXTENSION: &str = "fieldcode";

/// Writes a consistent single-file copy of `project` to `out`, which must not exist. The copy
/// is written under a temporary name and renamed when complete.
pub fn copy_to(project: &Project, out: &Path) -> Result<()> {
    if out.exists() {
        return Err(Error::AlreadyExists { path: out.to_path_buf() });
    }
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    let target = partial.to_str().ok_or_else(|| Error::import(out, "the path is not valid UTF-8"))?;
    if let Err(err) = project.conn().execute("VACUUM INTO ?1", [target]) {
        // Best effort: the partial copy is hidden and replaced by the next attempt.
        let _ = std::fs::remove_file(&partial);
        return Err(super::write_error(out, err));
    }
    std::fs::rename(&partial, out).map_err(|e| Error::io(out, e))
}

/// The folder automatic copies of the project at `project` go to, or `None` when they are off.
pub fn folder(project: &Path) -> Option<PathBuf> {
    match std::env::var("FIELDCODE_BACKUPS") {
        Ok(v) if v.trim().eq_ignore_ascii_case("off") => None,
        Ok(v) if !v.trim().is_empty() => Some(PathBuf::from(v.trim())),
        _ => {
            let stem = stem(project);
            Some(project.with_file_name(format!("{stem}-backups")))
        }
    }
}

fn stem(project: &Path) -> String {
    project.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into())
}

/// Takes an automatic copy for `reason` (unless copies are off, or the project is still empty:
/// nothing to lose), then prunes old copies.
pub fn take(project: &Project, reason: &str) -> Result<Option<BackupInfo>> {
    let Some(dir) = folder(project.path()) else { return Ok(None) };
    if project.path().as_os_str() == ":memory:" || is_empty(project)? {
        return Ok(None);
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let now = chrono::Local::now().naive_local();
    let stamp = now.format(TIME_FORMAT);
    let name = |n: u32| match n {
        0 => format!("{} {stamp} {reason}.{EXTENSION}", stem(project.path())),
        n => format!("{} {stamp} {reason}-{n}.{EXTENSION}", stem(project.path())),
    };
    let path = (0..1000).map(|n| dir.join(name(n))).find(|p| !p.exists()).unwrap_or_else(|| dir.join(name(0)));
    copy_to(project, &path)?;
    prune(project.path())?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(Some(BackupInfo {
        path,
        reason: reason.to_owned(),
        taken_at: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        bytes,
    }))
}

/// Takes the day's copy if none was taken today.
pub fn daily(project: &Project) -> Result<Option<BackupInfo>> {
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    if list(project.path())?.iter().any(|b| b.taken_at.starts_with(&today)) {
        return Ok(None);
    }
    take(project, "daily")
}

fn is_empty(project: &Project) -> Result<bool> {
    let count = |table: &str| -> Result<i64> {
        Ok(project.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(count("document")? == 0 && count("code")? == 0)
}

/// The automatic copies of the project at `project`, newest first.
pub fn list(project: &Path) -> Result<Vec<BackupInfo>> {
    let Some(dir) = folder(project) else { return Ok(Vec::new()) };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let prefix = format!("{} ", stem(project));
    let mut found: Vec<(NaiveDateTime, BackupInfo)> =
        entries.filter_map(|entry| entry.ok()).filter_map(|entry| parse_name(&entry.path(), &prefix)).collect();
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    Ok(found.into_iter().map(|(_, info)| info).collect())
}

/// A copy's time and reason from its name `STEM YYYY-MM-DD HH-MM-SS REASON.fieldcode`.
fn parse_name(path: &Path, prefix: &str) -> Option<(NaiveDateTime, BackupInfo)> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix(prefix)?.strip_suffix(&format!(".{EXTENSION}"))?;
    let (stamp, reason) = (rest.get(..STAMP_LEN)?, rest.get(STAMP_LEN + 1..)?);
    let time = NaiveDateTime::parse_from_str(stamp, TIME_FORMAT).ok()?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let taken_at = time.format("%Y-%m-%d %H:%M:%S").to_string();
    Some((time, BackupInfo { path: path.to_path_buf(), reason: reason.to_owned(), taken_at, bytes }))
}

/// Deletes the copies the rotation no longer keeps.
fn prune(project: &Path) -> Result<()> {
    let all = list(project)?;
    for stale in all.iter().filter(|b| !keep(&all).contains(&b.path)) {
        std::fs::remove_file(&stale.path).map_err(|e| Error::io(&stale.path, e))?;
    }
    Ok(())
}

/// The copies to keep, from a newest-first list: the three newest, the newest of each of the
/// last seven days that have copies, the newest of each of the last four weeks.
fn keep(newest_first: &[BackupInfo]) -> BTreeSet<PathBuf> {
    let mut kept: BTreeSet<PathBuf> = newest_first.iter().take(3).map(|b| b.path.clone()).collect();
    let (mut days, mut weeks) = (BTreeSet::new(), BTreeSet::new());
    for backup in newest_first {
        let Ok(time) = NaiveDateTime::parse_from_str(&backup.taken_at, "%Y-%m-%d %H:%M:%S") else { continue };
        let week = (time.iso_week().year(), time.iso_week().week());
        let newest_of_day = days.len() < 7 && days.insert(time.date());
        let newest_of_week = !newest_of_day && weeks.len() < 4 && !days.contains(&time.date()) && weeks.insert(week);
        if newest_of_day || newest_of_week {
            kept.insert(backup.path.clone());
        }
    }
    kept
}

/// Replaces the project at `project` by the copy at `backup`, after copying the project as it
/// is now (reason `before-restore`). The copy must be a readable, undamaged project. Returns the
/// safety copy, if one was taken.
pub fn restore(project: &Path, backup: &Path) -> Result<Option<BackupInfo>> {
    {
        let copy = Project::open_to_read(backup)?;
        super::check_integrity(&copy)?;
    }
    let safety = match Project::open(project) {
        Ok(current) => take(&current, "before-restore")?,
        Err(Error::Missing { .. }) => None,
        Err(err) => return Err(err),
    };
    let partial = project.with_file_name(format!(".{}.restoring", stem(project)));
    std::fs::copy(backup, &partial).map_err(|e| Error::io(&partial, e))?;
    std::fs::rename(&partial, project).map_err(|e| Error::io(project, e))?;
    Ok(safety)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(taken_at: &str) -> BackupInfo {
        BackupInfo { path: PathBuf::from(taken_at), reason: "daily".into(), taken_at: taken_at.into(), bytes: 0 }
    }

    #[test]
    fn rotation_keeps_three_newest_seven_days_and_four_weeks() {
        // One copy a day for 60 days, newest first.
        let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let list: Vec<BackupInfo> =
            (0..60).map(|d| info(&format!("{} 09:00:00", start - chrono::Days::new(d)))).collect();
        let kept = keep(&list);
        assert!(kept.len() >= 7 + 3 && kept.len() <= 3 + 7 + 4, "kept {}", kept.len());
        for newest in &list[..7] {
            assert!(kept.contains(&newest.path), "{} is one of the last seven days", newest.taken_at);
        }
        assert!(!kept.contains(&list[59].path), "two months back is gone");
    }

    #[test]
    fn names_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study 2026-12-03 20-30-01-250 before-import.fieldcode");
        std::fs::write(&path, b"x").unwrap();
        let (_, info) = parse_name(&path, "study ").unwrap();
        assert_eq!((info.reason.as_str(), info.taken_at.as_str()), ("before-import", "2026-12-03 20:30:01"));
        assert!(parse_name(&path, "other ").is_none());
    }
}
