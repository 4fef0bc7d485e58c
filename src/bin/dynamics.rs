//! The `dynamics` command line; see `dynamics::cli` for the syntax. Native only.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = dynamics::cli::parse(&args).and_then(dynamics::cli::execute);
    match result {
        Ok(out) => println!("{out}"),
        Err(e) => {
            eprintln!("dynamics: {}", e.message);
            std::process::exit(e.code);
        }
    }
}

/// The command line does not exist in the browser build; this keeps `cargo test --target wasm32` compiling.
#[cfg(target_arch = "wasm32")]
fn main() {}
