//! Maps field paths to line and column in the scenario text, and back.
//!
//! Validation speaks in field paths (`channel[0].arrivals.per_hour`); users want
//! `retail.toml:14:12`. The [`Locator`] keeps the spanned TOML tree to translate.

use std::fmt;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A field path such as `channel[0].arrivals.per_hour`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// The path of the whole document.
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, k: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_owned()));
        p
    }

    /// This path extended by an array index.
    pub fn at(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    /// Whether this is the whole document.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Line starts of a text, indexed once, so that a byte offset becomes a line and column in
/// O(log lines): locating thousands of problems stays linear in their number.
pub struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
    /// Whether each line is plain ASCII (then a column is a byte difference).
    ascii: Vec<bool>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the lines of `src`.
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in src.bytes().enumerate() {
            line_ascii &= b.is_ascii();
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            }
        }
        ascii.push(line_ascii);
        LineIndex { src, starts, ascii }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = if self.ascii[line] { offset - start } else { self.src[start..offset].chars().count() };
        (line + 1, col + 1)
    }
}

/// Translates between byte offsets, field paths and line/column in one scenario text.
pub struct Locator<'a> {
    lines: LineIndex<'a>,
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    /// Indexes `src` for locating keys and byte offsets.
    pub fn new(src: &'a str) -> Locator<'a> {
        Locator { lines: LineIndex::new(src), root: DeTable::parse(src).ok() }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(offset)
    }

    /// The span of the deepest part of `path` present in the file: the value itself if it
    /// is there, otherwise the table that should have held it.
    pub fn span_of(&self, path: &FieldPath) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let mut table: &DeTable = root.get_ref();
        let mut value: Option<&Spanned<DeValue>> = None;
        let mut best: Option<Range<usize>> = None;
        for seg in &path.0 {
            let next = match (seg, value) {
                (Seg::Key(k), None) => table.get(k.as_str()),
                (Seg::Key(k), Some(v)) => match v.get_ref() {
                    DeValue::Table(t) => t.get(k.as_str()),
                    _ => None,
                },
                (Seg::Index(i), Some(v)) => match v.get_ref() {
                    DeValue::Array(a) => a.get(*i),
                    _ => None,
                },
                (Seg::Index(_), None) => None,
            };
            match next {
                Some(v) => {
                    best = Some(v.span());
                    value = Some(v);
                    if let DeValue::Table(t) = v.get_ref() {
                        table = t;
                    }
                }
                None => break,
            }
        }
        best
    }

    /// The field path of the value (or key) whose span holds `offset`, searching every
    /// table and array (the spans of arrays of tables do not cover their contents).
    pub fn path_at(&self, offset: usize) -> FieldPath {
        fn search(v: &DeValue, offset: usize, path: &mut FieldPath) -> bool {
            match v {
                DeValue::Table(t) => {
                    for (k, child) in t.iter() {
                        path.0.push(Seg::Key(k.get_ref().to_string()));
                        let container = matches!(child.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                        if (container && search(child.get_ref(), offset, path))
                            || k.span().contains(&offset)
                            || (!container && child.span().contains(&offset))
                        {
                            return true;
                        }
                        path.0.pop();
                    }
                    false
                }
                DeValue::Array(a) => {
                    for (i, child) in a.iter().enumerate() {
                        path.0.push(Seg::Index(i));
                        let container = matches!(child.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                        if (container && search(child.get_ref(), offset, path)) || child.span().contains(&offset) {
                            return true;
                        }
                        path.0.pop();
                    }
                    false
                }
                _ => false,
            }
        }
        let mut path = FieldPath::root();
        if let Some(root) = self.root.as_ref() {
            let table = DeValue::Table(root.get_ref().clone());
            if !search(&table, offset, &mut path) {
                path = FieldPath::root();
            }
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str =
        "name = \"x\"\n\n[[channel]]\nname = \"phone\"\narrivals = { per_hour = -3 }\n\n[[channel]]\nname = \"chat\"\n";

    #[test]
    fn path_to_line() {
        let loc = Locator::new(SRC);
        let p = FieldPath::root().key("channel").at(0).key("arrivals").key("per_hour");
        assert_eq!(p.to_string(), "channel[0].arrivals.per_hour");
        let span = loc.span_of(&p).unwrap();
        assert_eq!(loc.line_col(span.start), (5, 25));
        let p1 = FieldPath::root().key("channel").at(1).key("name");
        assert_eq!(loc.line_col(loc.span_of(&p1).unwrap().start).0, 8);
        // A missing field points at the deepest table that exists.
        let missing = FieldPath::root().key("channel").at(1).key("kind");
        assert!(loc.span_of(&missing).is_some());
    }

    #[test]
    fn lines_and_columns() {
        let text = "a = 1\nné = \"é\"\n\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(4), (1, 5));
        let quote = text.find('"').unwrap();
        assert_eq!(idx.line_col(quote), (2, 6), "columns count characters, not bytes");
        assert_eq!(idx.line_col(text.find("last").unwrap()), (4, 1));
        assert_eq!(idx.line_col(text.len()), (4, 5));
    }

    #[test]
    fn line_to_path() {
        let loc = Locator::new(SRC);
        let off = SRC.find("-3").unwrap();
        assert_eq!(loc.path_at(off).to_string(), "channel[0].arrivals.per_hour");
    }
}
