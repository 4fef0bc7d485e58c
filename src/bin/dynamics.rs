//! The `dynamics` command line; see [`dynamics::cli`] for the syntax.

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
