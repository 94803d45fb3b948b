//! The `slipway` command: everything happens in [`slipway::cli`].
//!
//! The system allocator is used on purpose: mimalloc was no faster over the
//! whole corpus and its start-up (a 1 GiB reservation and a page map) cost
//! about 0.9 ms per process, half the budget for checking one small file.

fn main() -> std::process::ExitCode {
    slipway::cli::main()
}
