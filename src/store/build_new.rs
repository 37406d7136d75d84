//! Building a new project file under a temporary name and moving it into place only when it is
//! complete (REFI-QDA import, `synth`, the demo study). A process killed half-way leaves at most a
//! hidden `.partial` file, never an empty or half-filled project that would block a retry with
//! "already exists".

use std::path::{Path, PathBuf};

use super::Project;
use crate::error::{Error, Result};

/// Creates a project at a temporary path beside `target`, lets `fill` fill it, closes it and
/// renames it to `target`. If `fill` fails, or `target` appeared meanwhile, the temporary file is
/// removed and nothing is left behind.
pub fn build_new<T>(target: &Path, fill: impl FnOnce(&mut Project) -> Result<T>) -> Result<T> {
    if target.exists() {
        return Err(Error::AlreadyExists { path: target.to_path_buf() });
    }
    let partial = partial_path(target);
    remove_with_journal(&partial);
    let outcome = {
        let mut project = Project::create(&partial)?;
        // Dropping the project closes it, which checkpoints the log into the file.
        fill(&mut project)
    };
    let outcome = outcome.and_then(|value| move_into_place(&partial, target).map(|()| value));
    if outcome.is_err() {
        remove_with_journal(&partial);
    }
    outcome
}

/// `.name.partial` in the target's folder (the same file system, so the rename is atomic).
pub(crate) fn partial_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.partial"))
}

fn move_into_place(partial: &Path, target: &Path) -> Result<()> {
    if target.exists() {
        return Err(Error::AlreadyExists { path: target.to_path_buf() });
    }
    std::fs::rename(partial, target).map_err(|e| Error::io(target, e))
}

fn remove_with_journal(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            // Best effort: a leftover partial file is hidden and replaced by the next attempt.
            let _ = std::fs::remove_file(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_build_leaves_nothing_and_a_good_one_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new.fieldcode");
        let failed: Result<()> = build_new(&target, |_| Err(Error::invalid("stop")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left behind");
        build_new(&target, |p| {
            p.conn().execute("UPDATE project SET value = 'x' WHERE key = 'name'", []).map_err(Into::into)
        })
        .unwrap();
        let project = Project::open(&target).unwrap();
        assert_eq!(project.info("name").unwrap().as_deref(), Some("x"));
        assert!(!partial_path(&target).exists());
    }

    #[test]
    fn a_project_built_under_its_temporary_name_is_named_after_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("northfield study.fieldcode");
        build_new(&target, |_| Ok(())).unwrap();
        let project = Project::open(&target).unwrap();
        assert_eq!(project.info("name").unwrap().as_deref(), Some("northfield study"));
    }
}
