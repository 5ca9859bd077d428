//! `ccsim` — the command line, a thin layer over the `ccsim` library; see `ccsim --help`.

mod cli;

fn main() {
    std::process::exit(cli::main_with_args(std::env::args_os()));
}
