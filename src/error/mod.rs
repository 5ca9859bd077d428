//! The library's one error type.

pub mod text;

use std::fmt;

/// What can go wrong, by who can fix it. Every fallible public function of the library
/// returns it; the command line maps [`Error::is_bad_input`] to exit code 2.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A scenario, or an override of one, is invalid: every problem, located.
    Scenario(ScenarioError),
    /// Another input file (a contact log, a saved result, a shard part, a template) is not
    /// what was expected: every problem, located in that file.
    File(ScenarioError),
    /// An argument outside what is allowed (run options, Erlang calculators, durations);
    /// the message names the argument, what it got and what is allowed.
    Input(String),
    /// A named parameter outside what is allowed (a distribution's `mean`, `cv`, …): the
    /// caller knows where the parameter was written and adds the location.
    Parameter {
        /// The parameter's name, as written in files (`mean`, `cv`, `k`, …).
        name: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// The run could not be carried out (worker threads could not start, a replication
    /// outgrew memory, a chart could not be drawn).
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
    /// Whether the user's input is at fault (a scenario, an override, another input file
    /// or an argument), rather than the machine: the command line exits 2 for these, 1 for
    /// the rest.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Scenario(_) | Error::File(_) | Error::Input(_) | Error::Parameter { .. })
    }

    /// The located problems, for errors that have them (a scenario or another input file).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Scenario(e) | Error::File(e) => &e.problems,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Scenario(e) | Error::File(e) => write!(f, "{e}"),
            Error::Input(m) | Error::Run(m) => write!(f, "{m}"),
            Error::Parameter { name, message } => write!(f, "{name}: {message}"),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Scenario(e) | Error::File(e) => Some(e),
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

/// One problem found in an input file (a scenario, a contact log, a result file).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Field path such as `channel[0].arrivals.per_hour`.
    pub field: Option<String>,
    /// Line in the file, from 1.
    pub line: Option<usize>,
    /// Column in the line, from 1.
    pub column: Option<usize>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Every problem found in one input file (the name says scenario: it is the most common).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file (as given).
    pub file: String,
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// Problems shown in full when the error is displayed; the rest are counted.
    pub const SHOWN: usize = 50;
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().take(Self::SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if let Some(l) = p.line {
                write!(f, ":{l}")?;
                if let Some(c) = p.column {
                    write!(f, ":{c}")?;
                }
            }
            write!(f, ": ")?;
            if let Some(field) = &p.field {
                write!(f, "{field}: ")?;
            }
            write!(f, "{}", p.message)?;
        }
        if self.problems.len() > Self::SHOWN {
            write!(f, "\n{}: … and {} more problems", self.file, self.problems.len() - Self::SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
