//! The `slipway` command: everything happens in [`slipway::cli`].

/// Parsing allocates many small strings; mimalloc is markedly faster at that
/// than the system allocator (measured with `cargo bench --bench parse`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    slipway::cli::main()
}
