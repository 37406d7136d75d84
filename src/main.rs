//! The `fieldcode` binary: the command-line interface, or the GUI when run without a subcommand.

fn main() -> std::process::ExitCode {
    fieldcode::cli::main()
}
