//! Overrides: changing fields of a scenario by the path a user reads in the file, then
//! checking the result as a whole again.
//!
//! A path is a dotted list of keys, where an entry of an array of tables (`channel`,
//! `agents`, `channel.type`, `agents.shift`) is named by its `name` (or, failing that, its
//! position from 0): `agents.team.staff`, `channel.chat.service_level.within`,
//! `channel.phone.type.fraud.share`, `seed`. A value is TOML (`44`, `0.85`, `true`,
//! `[1, 2]`, `{ per_hour = 90 }`, `"quoted"`); anything that is not TOML is taken as a
//! string (`30s`, `lognormal`). The last key may be one the file does not set yet. A list
//! of entries is emptied by `[]` (`agents.team.shift=[]` with `agents.team.staff=40`
//! staffs a group of shifts by a number instead).
//!
//! **Plan arithmetic.** For a group's staffing, `agents.team.staff=+2` adds 2 agents where
//! the plan has agents (`+-2` removes 2 there) and `agents.team.staff=*1.1` scales it, each
//! value rounded to the nearest whole agent (halves away from zero). It applies to
//! `staff = N`, to `staff = { per_interval = [..] }` element by element — intervals
//! planned with 0 agents (a line closed at night) stay at 0 — and, for a group staffed by
//! shifts, to every shift's `count` (shifts of count 0 stay unused). A result below 0 is
//! an error naming the interval or shift.
//!
//! Errors name the override (`--set agents.team.staff=-4: …`) when they concern the
//! field it set, and say which overrides were applied otherwise.

use crate::error::{Problem, ScenarioError};
use toml::{Table, Value};

/// One override as given: path and value text.
pub type Override = (String, String);

/// Top-level tables a file may leave out, created by an override that sets a field in them.
const OPTIONAL_TABLES: [&str; 3] = ["report", "routing", "sweep"];

/// Arrays of tables whose entries are addressed by name.
fn named_entry(arr: &[Value], seg: &str) -> Option<usize> {
    arr.iter()
        .position(|v| v.get("name").and_then(Value::as_str) == Some(seg))
        .or_else(|| seg.parse::<usize>().ok().filter(|&i| i < arr.len()))
}

fn keys_of(t: &Table) -> String {
    let mut keys: Vec<&str> = t.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

fn names_of(arr: &[Value]) -> String {
    arr.iter()
        .enumerate()
        .map(|(i, v)| v.get("name").and_then(Value::as_str).map_or(format!("`{i}`"), |n| format!("`{n}`")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses an override's value: TOML if it is TOML, else a plain string.
fn parse_value(text: &str) -> Value {
    let doc = format!("v = {text}");
    match doc.parse::<Table>() {
        // `09:00` parses as a TOML time; scenario files write clock times as strings.
        Ok(mut t) => match t.remove("v") {
            Some(Value::Datetime(_)) | None => Value::String(text.to_owned()),
            Some(v) => v,
        },
        Err(_) => Value::String(text.to_owned()),
    }
}

/// Sets `path` to `value` in the document. Returns the field path in the checked
/// scenario's notation (`agents[0].staff`), for matching later problems to the override.
fn set(doc: &mut Table, path: &str, value: Value) -> Result<String, String> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err("is not a path: write keys separated by dots, such as `agents.team.staff`".into());
    }
    let mut field = String::new();
    let mut table = doc;
    let mut i = 0;
    loop {
        let seg = segs[i];
        let last = i + 1 == segs.len();
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(seg);
        if last {
            // A list of entries may be emptied (`agents.team.shift=[]`), not otherwise replaced.
            let clears = matches!(&value, Value::Array(v) if v.is_empty());
            if !clears
                && matches!(table.get(seg), Some(Value::Array(a)) if a.iter().all(Value::is_table) && !a.is_empty())
            {
                return Err(format!("`{field}` is a list of entries; name one of them and a field inside it"));
            }
            table.insert(seg.to_owned(), value);
            return Ok(field);
        }
        let here = keys_of(table);
        if i == 0 && OPTIONAL_TABLES.contains(&seg) && table.get(seg).is_none() {
            table.insert(seg.to_owned(), Value::Table(Table::new()));
        }
        match table.get_mut(seg) {
            Some(Value::Table(t)) => {
                table = t;
                i += 1;
            }
            Some(Value::Array(arr)) if arr.iter().all(Value::is_table) => {
                let Some(name) = segs.get(i + 1) else { unreachable!("not the last segment") };
                let Some(k) = named_entry(arr, name) else {
                    return Err(format!("no entry `{name}` in `{field}`; there are: {}", names_of(arr)));
                };
                field.push_str(&format!("[{k}]"));
                if i + 2 == segs.len() {
                    return Err(format!("`{field}` is an entry; name a field inside it, such as `{path}.name`"));
                }
                let Some(Value::Table(t)) = arr.get_mut(k) else { unreachable!("checked to be tables") };
                table = t;
                i += 2;
            }
            Some(_) => return Err(format!("`{field}` is a value, not a table: it has no `{}`", segs[i + 1])),
            None => return Err(format!("there is no `{seg}` here; the keys are: {here}")),
        }
    }
}

/// Plan arithmetic (`+N`, `*F`): the new value of `agents.<group>.staff` from the old one.
fn staff_arithmetic(doc: &mut Table, path: &str, op: &str) -> Result<Option<String>, String> {
    let segs: Vec<&str> = path.split('.').collect();
    let (add, factor) = match op.as_bytes().first() {
        Some(b'+') => (
            op[1..].trim().parse::<f64>().map_err(|_| format!("`{op}`: write +N (agents to add) or *F (a factor)"))?,
            1.0,
        ),
        Some(b'*') => (
            0.0,
            op[1..].trim().parse::<f64>().map_err(|_| format!("`{op}`: write +N (agents to add) or *F (a factor)"))?,
        ),
        _ => return Ok(None),
    };
    if segs.len() != 3 || segs[0] != "agents" || segs[2] != "staff" {
        return Err(format!("`{op}` is plan arithmetic, which applies to a group's staffing: agents.<group>.staff"));
    }
    if !(add.is_finite() && factor.is_finite() && factor >= 0.0) {
        return Err(format!("`{op}`: the number must be finite (and a factor ≥ 0)"));
    }
    let new = |n: f64| -> Result<i64, String> {
        let v = (n * factor + add).round();
        if v < 0.0 {
            return Err(format!("`{op}` would give {v} agents; a headcount is ≥ 0"));
        }
        Ok(v as i64)
    };
    let Some(Value::Array(groups)) = doc.get_mut("agents") else {
        return Err("the scenario has no [[agents]] groups".into());
    };
    let Some(k) = named_entry(groups, segs[1]) else {
        return Err(format!("no entry `{}` in `agents`; there are: {}", segs[1], names_of(groups)));
    };
    let Some(Value::Table(g)) = groups.get_mut(k) else { return Err("not a group".into()) };
    match g.get_mut("staff") {
        Some(Value::Integer(n)) => *n = new(*n as f64)?,
        Some(Value::Float(x)) => *x = new(*x)? as f64,
        Some(Value::Table(t)) => match t.get_mut("per_interval") {
            Some(Value::Array(list)) => {
                for (i, v) in list.iter_mut().enumerate() {
                    let n = v
                        .as_float()
                        .or_else(|| v.as_integer().map(|i| i as f64))
                        .ok_or("staff values must be numbers")?;
                    // Only where the plan has agents: a closed night stays unstaffed.
                    if n != 0.0 {
                        *v = Value::Integer(new(n).map_err(|m| format!("interval {i}: {m}"))?);
                    }
                }
            }
            _ => return Err("staff = { per_interval = [..] } expected".into()),
        },
        Some(_) => return Err("staff must be a number or { per_interval = [..] }".into()),
        None => {
            let Some(Value::Array(shifts)) = g.get_mut("shift") else {
                return Err("the group has neither `staff` nor [[agents.shift]] entries".into());
            };
            for (i, sh) in shifts.iter_mut().enumerate() {
                match sh.get_mut("count") {
                    // Only shifts that are worked: a shift of count 0 stays unused.
                    Some(Value::Integer(0)) => {}
                    Some(Value::Integer(n)) => *n = new(*n as f64).map_err(|m| format!("shift {i}: {m}"))?,
                    _ => return Err("plan arithmetic needs shifts with a `count` (not named `people`)".into()),
                }
            }
        }
    }
    Ok(Some(format!("agents[{k}].staff")))
}

/// The scenario text with `overrides` applied (not checked), as TOML.
pub(super) fn apply_text(text: &str, file: &str, overrides: &[Override]) -> Result<String, ScenarioError> {
    let fail = |message: String| ScenarioError {
        file: file.to_owned(),
        problems: vec![Problem { field: None, line: None, column: None, message }],
    };
    let mut doc: Table = text.parse().map_err(|_| fail("the scenario text does not parse".into()))?;
    for (path, value) in overrides {
        match staff_arithmetic(&mut doc, path, value.trim()) {
            Ok(Some(_)) => {}
            Ok(None) => {
                set(&mut doc, path, parse_value(value)).map_err(|m| fail(format!("--set {path}={value}: {m}")))?;
            }
            Err(m) => return Err(fail(format!("--set {path}={value}: {m}"))),
        }
    }
    toml::to_string(&doc).map_err(|e| fail(format!("cannot apply the overrides: {e}")))
}

/// Applies `overrides` in order to the scenario text: the new text, and the field each
/// override set (as a problem names it, `agents[0].staff`), for [`attribute`]. Every
/// override that does not apply is reported.
pub(super) fn rewrite(text: &str, file: &str, overrides: &[Override]) -> Result<(String, Vec<String>), ScenarioError> {
    let fail = |problems: Vec<Problem>| ScenarioError { file: file.to_owned(), problems };
    let mut doc: Table = text.parse().map_err(|_| {
        fail(vec![Problem {
            field: None,
            line: None,
            column: None,
            message: "the scenario text does not parse".into(),
        }])
    })?;
    let mut fields = Vec::with_capacity(overrides.len());
    let mut problems = Vec::new();
    for (path, value) in overrides {
        let arithmetic = staff_arithmetic(&mut doc, path, value.trim());
        let result = match arithmetic {
            Ok(Some(field)) => Ok(field),
            Ok(None) => set(&mut doc, path, parse_value(value)),
            Err(e) => Err(e),
        };
        match result {
            Ok(field) => fields.push(field),
            Err(message) => problems.push(Problem {
                field: None,
                line: None,
                column: None,
                message: format!("--set {path}={value}: {message}"),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let new_text = toml::to_string(&doc).map_err(|e| {
        fail(vec![Problem {
            field: None,
            line: None,
            column: None,
            message: format!("cannot apply the overrides: {e}"),
        }])
    })?;
    Ok((new_text, fields))
}

/// The problems of the text [`rewrite`] made, each attributed to the override that set its
/// field (`--set PATH=VALUE: …`), or said to come after all of them. Lines refer to the
/// rewritten text, so they are dropped.
pub(super) fn attribute(e: ScenarioError, overrides: &[Override], fields: &[String]) -> ScenarioError {
    let applied: Vec<String> = overrides.iter().map(|(p, v)| format!("{p}={v}")).collect();
    let problems = e
        .problems
        .into_iter()
        .map(|p| {
            let owner = p.field.as_deref().and_then(|f| {
                // The last override of a field is the one in force.
                overrides.iter().zip(fields).rev().find(|(_, set)| {
                    f == set.as_str() || f.starts_with(&format!("{set}.")) || f.starts_with(&format!("{set}["))
                })
            });
            let message = match owner {
                Some(((path, value), _)) => format!("--set {path}={value}: {}", p.message),
                None => format!("{} (after --set {})", p.message, applied.join(", ")),
            };
            Problem { field: p.field, line: None, column: None, message }
        })
        .collect();
    ScenarioError { file: e.file, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
name = "t"
horizon = "4h"
[[channel]]
name = "phone"
kind = "voice"
service_level = { target = 0.8, within = "20s" }
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4m" }
[[agents]]
name = "team"
skills = ["phone"]
staff = 10
"#;

    #[test]
    fn plan_arithmetic() {
        let mut doc: Table = TEXT.parse().unwrap();
        assert_eq!(staff_arithmetic(&mut doc, "agents.team.staff", "+2").unwrap().as_deref(), Some("agents[0].staff"));
        assert_eq!(doc["agents"][0]["staff"].as_integer(), Some(12));
        staff_arithmetic(&mut doc, "agents.team.staff", "*1.25").unwrap();
        assert_eq!(doc["agents"][0]["staff"].as_integer(), Some(15));
        staff_arithmetic(&mut doc, "agents.team.staff", "+-5").unwrap();
        assert_eq!(doc["agents"][0]["staff"].as_integer(), Some(10));
        assert!(staff_arithmetic(&mut doc, "agents.team.staff", "+-11").unwrap_err().contains("≥ 0"));
        assert!(staff_arithmetic(&mut doc, "channel.phone.kind", "+1").unwrap_err().contains("agents.<group>.staff"));
        assert_eq!(staff_arithmetic(&mut doc, "agents.team.staff", "12").unwrap(), None, "not arithmetic");
        let mut doc: Table = TEXT.replace("staff = 10", "staff = { per_interval = [3, 4.4, 5] }").parse().unwrap();
        staff_arithmetic(&mut doc, "agents.team.staff", "*1.5").unwrap();
        let v: Vec<i64> = doc["agents"][0]["staff"]["per_interval"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_integer().unwrap())
            .collect();
        assert_eq!(v, vec![5, 7, 8], "each interval scaled and rounded, halves away from zero");
        // Only where the plan has agents: a night at 0 stays at 0, and removing more than an
        // interval has names it.
        let per = |doc: &Table| -> Vec<i64> {
            doc["agents"][0]["staff"]["per_interval"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_integer().unwrap())
                .collect()
        };
        let mut doc: Table = TEXT.replace("staff = 10", "staff = { per_interval = [0, 0, 3, 5, 0] }").parse().unwrap();
        staff_arithmetic(&mut doc, "agents.team.staff", "+1").unwrap();
        assert_eq!(per(&doc), vec![0, 0, 4, 6, 0], "+1 adds where the plan has agents");
        staff_arithmetic(&mut doc, "agents.team.staff", "+-4").unwrap();
        assert_eq!(per(&doc), vec![0, 0, 0, 2, 0], "+-4 removes four where there are four");
        let e = staff_arithmetic(&mut doc, "agents.team.staff", "+-3").unwrap_err();
        assert!(e.contains("interval 3") && e.contains("≥ 0"), "{e}");
        let shifts = TEXT.replace(
            "staff = 10",
            "[[agents.shift]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 4\n[[agents.shift]]\nstart = \"16:00\"\nend = \"22:00\"\ncount = 0",
        );
        let mut doc: Table = shifts.parse().unwrap();
        staff_arithmetic(&mut doc, "agents.team.staff", "+2").unwrap();
        let counts: Vec<i64> =
            doc["agents"][0]["shift"].as_array().unwrap().iter().map(|s| s["count"].as_integer().unwrap()).collect();
        assert_eq!(counts, vec![6, 0], "a shift of count 0 stays unused");
    }

    #[test]
    fn paths_by_name_and_position() {
        let mut doc: Table = TEXT.parse().unwrap();
        assert_eq!(set(&mut doc, "agents.team.staff", parse_value("44")).unwrap(), "agents[0].staff");
        assert_eq!(doc["agents"][0]["staff"].as_integer(), Some(44));
        assert_eq!(
            set(&mut doc, "channel.0.service_level.within", parse_value("30s")).unwrap(),
            "channel[0].service_level.within"
        );
        assert_eq!(doc["channel"][0]["service_level"]["within"].as_str(), Some("30s"));
        let e = set(&mut doc, "agents.tean.staff", parse_value("4")).unwrap_err();
        assert!(e.contains("no entry `tean`") && e.contains("`team`"), "{e}");
        let e = set(&mut doc, "chanel.phone.kind", parse_value("chat")).unwrap_err();
        assert!(e.contains("no `chanel`") && e.contains("`channel`"), "{e}");
        let e = set(&mut doc, "agents", parse_value("1")).unwrap_err();
        assert!(e.contains("list of entries"), "{e}");
    }
}
