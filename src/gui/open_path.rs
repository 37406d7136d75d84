//! "Open file" and "Open folder" after an export: the platform's opener (`xdg-open` on Linux and
//! the BSDs, `open` on macOS, `explorer` on Windows) is started and left to run on its own; a
//! thread waits for it so it leaves no zombie, and the window never waits for it. Only a failure
//! to start it is reported (the opener shows its own errors).

use std::path::Path;
use std::process::Command;

/// The platform's program that opens a file or folder in the user's usual application.
pub fn opener() -> &'static str {
    if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    }
}

/// Starts the platform's opener on `path`. The error says what to do instead.
pub fn open(path: &Path) -> Result<(), String> {
    let program = opener();
    match Command::new(program).arg(path).spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            Ok(())
        }
        Err(err) => Err(format!(
            "Could not start {program} to open {} ({err}); open it from your file manager instead.",
            path.display()
        )),
    }
}
