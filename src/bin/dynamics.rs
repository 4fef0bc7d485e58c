//! The `dynamics` command line; see `dynamics::cli` for the syntax. Native only.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `check` prints its report and exits with 1 when a claim does not hold.
    if let Ok(dynamics::cli::Command::Check(only)) = dynamics::cli::parse(&args) {
        let (report, ok) = dynamics::cli::check(only);
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_else(|_| report.to_string()));
        if !ok {
            eprintln!("dynamics: {} claim(s) did not hold", report["failed"]);
            std::process::exit(1);
        }
        return;
    }
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
