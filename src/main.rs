//! The `fieldcode` binary: the command-line interface, or the GUI when run without a subcommand.

fn main() -> std::process::ExitCode {
    restore_default_sigpipe();
    fieldcode::cli::main()
}

/// Rust ignores SIGPIPE, so `fieldcode docs P --json | head` would panic on the closed pipe;
/// the default action ends the process quietly, as command-line tools are expected to.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
