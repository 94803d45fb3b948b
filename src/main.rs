//! The `slipway` command: everything happens in [`slipway::cli`].

fn main() -> std::process::ExitCode {
    slipway::cli::main()
}
