//! The library's one error type.

use crate::scenario::ScenarioError;
use std::fmt;

/// What can go wrong, by who can fix it.
#[derive(Debug)]
pub enum Error {
    /// A scenario, or an override of one, is invalid: every problem, located.
    Scenario(ScenarioError),
    /// An argument outside what is allowed (run options, Erlang calculators); the message
    /// names the argument, what it got and what is allowed.
    Input(String),
    /// The run could not be carried out (for example, worker threads could not start).
    Run(String),
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the user's input is at fault (a scenario, an override or an argument),
    /// rather than the machine: the command line exits 2 for these, 1 for the rest.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Scenario(_) | Error::Input(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Scenario(e) => write!(f, "{e}"),
            Error::Input(m) | Error::Run(m) => write!(f, "{m}"),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Scenario(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<ScenarioError> for Error {
    fn from(e: ScenarioError) -> Error {
        Error::Scenario(e)
    }
}
