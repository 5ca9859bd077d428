//! `ccsim` — see `ccsim --help`.

fn main() {
    std::process::exit(ccsim::cli::main_with_args(std::env::args_os()));
}
