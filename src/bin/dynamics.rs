//! The `dynamics` command line; see `dynamics::cli` for the syntax. Native only.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // Arguments are read as OS strings: a byte sequence that is not UTF-8 is bad input (or, after -o, a path
    // used as given), never a panic.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let code = dynamics::cli::main_with(&args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    std::process::exit(code);
}

/// The command line does not exist in the browser build; this keeps `cargo test --target wasm32` compiling.
#[cfg(target_arch = "wasm32")]
fn main() {}
