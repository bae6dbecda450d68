//! The `medterm` binary: everything is in the library.

fn main() -> std::process::ExitCode {
    medterm::main_with_args()
}
