//! The crate's layers and imports, read from the source: each top-level module uses only
//! the layers below it, and within a folder the files import each other without a cycle
//! (a re-export in a folder's `mod.rs` counts as an import of the file it re-exports from).
//! Test code (`tests.rs` files and `#[cfg(test)]` modules) may use any layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The library's layers, lowest first: a module may use its own layer and those before it.
const LAYERS: &[&str] = &["base", "error", "erlang", "scenario", "engine", "stats", "plan", "data", "report", "output"];

/// The names a piece of Rust code refers to after `prefix` (`crate::` or `super::`): the
/// first segment of each path, including each item of a `{a, b::c}` group.
fn referenced(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let preceded_by_ident =
            rest[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        rest = &rest[i + prefix.len()..];
        if preceded_by_ident {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(group.len(), |(j, _)| j);
            let mut level = 0;
            let mut item = String::new();
            for c in group[..end].chars().chain(std::iter::once(',')) {
                match c {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => {
                        let name: String =
                            item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        if !name.is_empty() {
                            out.push(name);
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// A source file's code without comment lines and without its `#[cfg(test)]` module.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text,
    };
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// A cycle in `graph`, if any (depth-first search).
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_owned(), 1);
        stack.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|x| x == m).unwrap();
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if !state.contains_key(n.as_str())
            && let Some(c) = visit(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// Every library source file as (top-level module, file stem, code), test files left out.
fn library_files() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            for f in std::fs::read_dir(&path).unwrap() {
                let f = f.unwrap().path();
                let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
                if f.extension().is_some_and(|e| e == "rs") && stem != "tests" {
                    files.push((name.clone(), stem, code_of(&f)));
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            files.push((name.clone(), "mod".into(), code_of(&path)));
        }
    }
    files.sort();
    files
}

#[test]
fn layers_only_use_the_layers_below() {
    let files = library_files();
    assert!(files.len() > 40, "found only {} source files", files.len());
    let mut wrong = Vec::new();
    for (module, stem, code) in &files {
        if module == "cli" {
            // The command line is the top: it may use every layer (and nothing uses it).
            continue;
        }
        let rank = LAYERS
            .iter()
            .position(|l| l == module)
            .unwrap_or_else(|| panic!("src/{module} is not in LAYERS: add it where it belongs"));
        for used in referenced(code, "crate::") {
            match LAYERS.iter().position(|l| *l == used) {
                Some(r) if r > rank => wrong.push(format!("src/{module}/{stem}.rs uses crate::{used}")),
                Some(_) => {}
                None if used == "cli" => wrong.push(format!("src/{module}/{stem}.rs uses the command line")),
                None => {}
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers ({}):\n{}", LAYERS.join(" < "), wrong.join("\n"));
}

#[test]
fn files_import_each_other_without_cycles() {
    let files = library_files();
    let mut by_folder: BTreeMap<&str, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let stems: BTreeSet<(&str, &str)> = files.iter().map(|(m, s, _)| (m.as_str(), s.as_str())).collect();
    for (module, stem, code) in &files {
        let graph = by_folder.entry(module).or_default();
        let mut uses = BTreeSet::new();
        let sibling = |uses: &mut BTreeSet<String>, name: &str| {
            if name != stem.as_str() && stems.contains(&(module.as_str(), name)) {
                uses.insert(name.to_owned());
            }
        };
        if stem == "mod" {
            // Re-exports: `pub use child::…` imports the child.
            for line in code.lines().map(str::trim).filter(|l| l.starts_with("pub use ") || l.starts_with("use ")) {
                let path = line.trim_start_matches("pub use ").trim_start_matches("use ");
                let first: String = path.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                sibling(&mut uses, &first);
            }
        } else {
            for name in referenced(code, "super::") {
                if stems.contains(&(module.as_str(), name.as_str())) {
                    sibling(&mut uses, &name);
                } else {
                    // An item of the folder's mod.rs (a re-export, or defined there).
                    uses.insert("mod".to_owned());
                }
            }
        }
        for path in referenced(code, &format!("crate::{module}::")) {
            sibling(&mut uses, &path);
        }
        graph.insert(stem.clone(), uses);
    }
    let mut cycles = Vec::new();
    for (folder, graph) in &by_folder {
        if let Some(c) = cycle(graph) {
            cycles.push(format!("src/{folder}: {}", c.join(" → ")));
        }
    }
    assert!(cycles.is_empty(), "import cycles between files:\n{}", cycles.join("\n"));
}

#[test]
fn the_reader_finds_imports() {
    // The checks above are only as good as this reading of `use` paths.
    let code = "use super::{a, b::{c, d}, e};\nuse crate::scenario::x;\nlet y = super::f::g();\nfoo::super::no";
    assert_eq!(referenced(code, "super::"), ["a", "b", "e", "f"]);
    assert_eq!(referenced(code, "crate::"), ["scenario"]);
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle(&graph), Some(vec!["a".into(), "b".into(), "a".into()]));
    graph.insert("b".to_string(), BTreeSet::new());
    assert_eq!(cycle(&graph), None);
}

/// `docs/kpis.md` is the contract of the outputs: every KPI of the catalogue is named
/// there in backticks (and every scope `--scope` takes), so a KPI added without its
/// documentation fails here.
#[test]
fn every_kpi_is_documented() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/kpis.md")).unwrap();
    let missing: Vec<&str> =
        ccsim::report::kpi_names().into_iter().filter(|k| !doc.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "docs/kpis.md does not document: {}", missing.join(", "));
    let scopes: Vec<&str> =
        ccsim::report::Scope::ALL.iter().map(|s| s.0).filter(|s| !doc.contains(&format!("`{s}`"))).collect();
    assert!(scopes.is_empty(), "docs/kpis.md does not name the scopes: {}", scopes.join(", "));
}
