//! The ground layer: time (days, weekdays, clocks, durations and their formatting),
//! maths (special functions, step functions), arrival rates and distributions of
//! durations. Everything else builds on it; it depends on nothing else in the crate.

pub mod dist;
pub mod maths;
pub mod portable;
pub mod rates;
pub mod serde_maps;
pub mod steps;
pub mod time;

/// `s` cut to at most `max` characters, with an ellipsis when cut.
pub(crate) fn bounded(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The I/O error behind a CSV writer's error, keeping its kind (a closed pipe stays
/// `BrokenPipe`, which the command line treats as a quiet end).
pub(crate) fn csv_io_error(e: ::csv::Error) -> std::io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
