//! The demo study: a synthetic ethnography of NHS social-prescribing link workers in two
//! provider organisations (24 field notes, 5 interviews, 3 focus groups, participant roles).
//!
//! The material is plain files under `assets/demo/`, embedded in the binary and imported through
//! the real importers, so the demo exercises exactly what a user's own files go through.

use std::path::{Path, PathBuf};

use include_dir::{Dir, File, include_dir};

use crate::error::{Error, Result};
use crate::import::{self, ImportOptions};
use crate::store::Project;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/demo");

/// Builds the demo study into a new project at `path`.
pub fn build(path: &Path) -> Result<Project> {
    crate::store::build_new(path, populate)?;
    Project::open(path)
}

/// Imports the demo material into an (empty) project.
pub fn populate(project: &mut Project) -> Result<()> {
    let mut files: Vec<&File<'static>> = Vec::new();
    collect(&DEMO, &mut files);
    files.sort_by_key(|f| f.path());
    for file in files.iter().filter(|f| import::Format::of(f.path()).is_some()) {
        let format = import::Format::of(file.path()).expect("filtered on format");
        let name = file.path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let shown = PathBuf::from("assets/demo").join(file.path());
        let parsed = import::parse_bytes(&name, format, file.contents()).map_err(|e| match e {
            import::ParseError::Whole(reason) => Error::import(&shown, reason),
            import::ParseError::Line(line, reason) => Error::Parse { path: shown.clone(), line, reason },
        })?;
        import::store_parsed(project, &parsed, Some(&shown.to_string_lossy()), &ImportOptions::default())?;
    }
    for sheet in files.iter().filter(|f| f.path().extension().is_some_and(|e| e == "csv")) {
        let shown = PathBuf::from("assets/demo").join(sheet.path());
        import::sheet::apply_sheet_bytes(project, &shown, sheet.contents(), "rosa")?;
    }
    crate::demo_codebook::populate(project)?;
    Ok(())
}

fn collect(dir: &'static Dir<'static>, files: &mut Vec<&'static File<'static>>) {
    files.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, files);
    }
}
