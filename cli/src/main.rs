//! `charter`: the Charter command line.
//!
//! Exit codes, the same for every command:
//! 0 all good, 1 a contract or payload problem was found, 2 usage or input
//! error, 3 the registry could not be reached or answered an error.

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}

/// `charter validate` allocates and frees a tree per record on every core;
/// mimalloc's thread-local heaps make it about 17% faster than glibc's
/// allocator there (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
