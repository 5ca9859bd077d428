//! Reading a run's JSON result (`--format json`, `docs/kpis.md` §9) back into a
//! [`Report`], for charts and the HTML report of a run made earlier.
//!
//! Only the fields this version writes are read; unknown fields are ignored, as the
//! contract asks of every reader. A missing or mistyped field is an error naming its path.

use super::{
    BacklogReport, ChannelReport, GroupIntervalReport, GroupReport, IntervalReport, IssueOf, IssueReport, Report,
    SegmentReport, TypeReport,
};
use crate::base::maths::t95;
use crate::scenario::{ChannelKind, Weekday};
use crate::stats::kpi::{ChannelKpi, GroupIntervalKpi, GroupKpi, IssueKpi};
use crate::stats::summary::Estimate;
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

fn field<'a>(o: &'a Obj, path: &str, key: &str) -> Result<&'a Value, String> {
    o.get(key).ok_or_else(|| format!("`{path}{key}` is missing"))
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Obj, String> {
    v.as_object().ok_or_else(|| format!("`{path}` is not an object"))
}

fn number(o: &Obj, path: &str, key: &str) -> Result<f64, String> {
    field(o, path, key)?.as_f64().ok_or_else(|| format!("`{path}{key}` is not a number"))
}

fn text(o: &Obj, path: &str, key: &str) -> Result<String, String> {
    Ok(field(o, path, key)?.as_str().ok_or_else(|| format!("`{path}{key}` is not a string"))?.to_string())
}

/// A number or `null` (undefined, NaN).
fn maybe(v: Option<&Value>, path: &str) -> Result<f64, String> {
    match v {
        None | Some(Value::Null) => Ok(f64::NAN),
        Some(v) => v.as_f64().ok_or_else(|| format!("`{path}` is not a number or null")),
    }
}

/// An estimate `{"mean": x, "ci95": h}`; `n` replications (the standard deviation is
/// recovered from the half-width).
fn estimate(v: &Value, path: &str, n: u32) -> Result<Estimate, String> {
    let o = obj(v, path)?;
    let mean = maybe(o.get("mean"), &format!("{path}.mean"))?;
    let ci95 = maybe(o.get("ci95"), &format!("{path}.ci95"))?;
    let n = if mean.is_nan() { 0 } else { n };
    let sd = if n >= 2 && ci95.is_finite() { ci95 * f64::from(n).sqrt() / t95(n as usize) } else { f64::NAN };
    Ok(Estimate { mean, ci95, n, sd })
}

/// The KPIs of `all` present in `o`, in catalogue order.
fn kpis<K: Copy>(
    o: &Obj,
    path: &str,
    all: &[K],
    name: impl Fn(K) -> &'static str,
    n: u32,
) -> Result<Vec<(K, Estimate)>, String> {
    all.iter()
        .filter_map(|&k| o.get(name(k)).map(|v| (k, v)))
        .map(|(k, v)| Ok((k, estimate(v, &format!("{path}{}", name(k)), n)?)))
        .collect()
}

impl Report {
    /// Reads the JSON result of a run (what `ccsim run --format json` writes). The error
    /// names the first field that is missing or of the wrong type.
    ///
    /// # Errors
    ///
    /// A message naming the first field that is missing or of the wrong type.
    pub fn from_json(json: &str) -> Result<Report, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
        Report::from_value(&doc)
    }

    /// As [`Report::from_json`], from a parsed document.
    ///
    /// # Errors
    ///
    /// As [`Report::from_json`].
    pub fn from_value(doc: &Value) -> Result<Report, String> {
        let top = obj(doc, "the document")?;
        if top.contains_key("variants") {
            return Err("this is a sweep's result, not a run's".into());
        }
        let n = number(top, "", "replications")?;
        if !(n >= 1.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0) {
            return Err("`replications` is not a whole number of at least 1".into());
        }
        let n = n as u32;
        let start_day = text(top, "", "start_day")?;
        let start_day =
            Weekday::parse(&start_day).ok_or_else(|| format!("`start_day` is `{start_day}`, not mon … sun"))?;
        let seed = field(top, "", "seed")?.as_u64().ok_or("`seed` is not a whole number")?;
        let overrides = match top.get("overrides") {
            None => Vec::new(),
            Some(v) => obj(v, "overrides")?
                .iter()
                .map(|(k, v)| {
                    Ok((k.clone(), v.as_str().ok_or(format!("`overrides.{k}` is not a string"))?.to_string()))
                })
                .collect::<Result<_, String>>()?,
        };

        let mut channels = Vec::new();
        for (name, v) in obj(field(top, "", "channels")?, "channels")? {
            let path = format!("channels.{name}.");
            let o = obj(v, &path)?;
            let kind = text(o, &path, "kind")?;
            let kind = ChannelKind::parse(&kind).ok_or_else(|| format!("`{path}kind` is `{kind}`"))?;
            let mut types = Vec::new();
            if let Some(t) = o.get("types") {
                for (tname, tv) in obj(t, &format!("{path}types"))? {
                    let tp = format!("{path}types.{tname}.");
                    let to = obj(tv, &tp)?;
                    types.push(TypeReport {
                        name: tname.clone(),
                        priority: number(to, &tp, "priority")? as u32,
                        share: number(to, &tp, "share")?,
                        // Written since issue 16; earlier results judged types by the channel's.
                        target: number(to, &tp, "target").or_else(|_| number(o, &path, "target"))?,
                        within_s: number(to, &tp, "within_s").or_else(|_| number(o, &path, "within_s"))?,
                        kpis: kpis(to, &tp, ChannelKpi::ALL, ChannelKpi::name, n)?,
                    });
                }
            }
            let mut wait_above = Vec::new();
            if let Some(w) = o.get("wait_above") {
                let w = w.as_array().ok_or_else(|| format!("`{path}wait_above` is not an array"))?;
                for (j, p) in w.iter().enumerate() {
                    let pp = format!("{path}wait_above[{j}]");
                    wait_above.push((number(obj(p, &pp)?, &pp, "t_s")?, estimate(p, &pp, n)?));
                }
            }
            channels.push(ChannelReport {
                name: name.clone(),
                kind,
                target: number(o, &path, "target")?,
                within_s: number(o, &path, "within_s")?,
                announce: o.get("announce").and_then(serde_json::Value::as_str).map(str::to_owned),
                kpis: kpis(o, &path, ChannelKpi::ALL, ChannelKpi::name, n)?,
                types,
                wait_above,
            });
        }

        let mut groups = Vec::new();
        for (name, v) in obj(field(top, "", "groups")?, "groups")? {
            let path = format!("groups.{name}.");
            let o = obj(v, &path)?;
            let skills = field(o, &path, "skills")?
                .as_array()
                .and_then(|a| a.iter().map(|s| s.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
                .ok_or_else(|| format!("`{path}skills` is not a list of channel names"))?;
            let mut handled = Vec::new();
            if let Some(h) = o.get("handled_by_channel") {
                for (c, e) in obj(h, &format!("{path}handled_by_channel"))? {
                    handled.push((c.clone(), estimate(e, &format!("{path}handled_by_channel.{c}"), n)?));
                }
            }
            groups.push(GroupReport {
                name: name.clone(),
                skills,
                kpis: kpis(o, &path, GroupKpi::ALL, GroupKpi::name, n)?,
                handled,
            });
        }

        let rows = |key: &str| -> Result<Vec<(String, f64, &Obj, String)>, String> {
            let a = field(top, "", key)?.as_array().ok_or_else(|| format!("`{key}` is not an array"))?;
            let scope = if key == "intervals" { "channel" } else { "group" };
            a.iter()
                .enumerate()
                .map(|(i, r)| {
                    let path = format!("{key}[{i}].");
                    let o = obj(r, &path)?;
                    Ok((text(o, &path, scope)?, number(o, &path, "start_s")?, o, path))
                })
                .collect()
        };
        let intervals = rows("intervals")?
            .into_iter()
            .map(|(channel, start_s, o, path)| {
                let events = match o.get("events") {
                    None => Vec::new(),
                    Some(v) => v
                        .as_array()
                        .and_then(|a| a.iter().map(|e| e.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
                        .ok_or_else(|| format!("`{path}events` is not a list of event names"))?,
                };
                Ok(IntervalReport {
                    channel,
                    start_s,
                    kpis: kpis(o, &path, ChannelKpi::ALL, ChannelKpi::name, n)?,
                    events,
                })
            })
            .collect::<Result<_, String>>()?;
        let group_intervals = rows("group_intervals")?
            .into_iter()
            .map(|(group, start_s, o, path)| {
                Ok(GroupIntervalReport {
                    group,
                    start_s,
                    kpis: kpis(o, &path, GroupIntervalKpi::ALL, GroupIntervalKpi::name, n)?,
                })
            })
            .collect::<Result<_, String>>()?;
        let mut backlog = Vec::new();
        if let Some(b) = top.get("backlog_end_of_day") {
            for (c, days) in obj(b, "backlog_end_of_day")? {
                let path = format!("backlog_end_of_day.{c}");
                let days = days.as_array().ok_or_else(|| format!("`{path}` is not an array"))?;
                let days = days
                    .iter()
                    .enumerate()
                    .map(|(d, e)| estimate(e, &format!("{path}[{d}]"), n))
                    .collect::<Result<_, _>>()?;
                backlog.push(BacklogReport { channel: c.clone(), days });
            }
        }
        // Issues and segments: written since issue 16 (absent from earlier results).
        let mut issues = Vec::new();
        if let Some(v) = top.get("issues") {
            let io = obj(v, "issues")?;
            if let Some(all) = io.get("all") {
                let a = obj(all, "issues.all")?;
                issues.push(IssueReport {
                    of: IssueOf::All,
                    kpis: kpis(a, "issues.all.", IssueKpi::ALL, IssueKpi::name, n)?,
                });
            }
            if let Some(chs) = io.get("channels") {
                for (c, cv) in obj(chs, "issues.channels")? {
                    let cp = format!("issues.channels.{c}.");
                    let co = obj(cv, &cp)?;
                    issues.push(IssueReport {
                        of: IssueOf::Channel(c.clone()),
                        kpis: kpis(co, &cp, IssueKpi::ALL, IssueKpi::name, n)?,
                    });
                    if let Some(ts) = co.get("types") {
                        for (t, tv) in obj(ts, &format!("{cp}types"))? {
                            let tp = format!("{cp}types.{t}.");
                            issues.push(IssueReport {
                                of: IssueOf::Type(c.clone(), t.clone()),
                                kpis: kpis(obj(tv, &tp)?, &tp, IssueKpi::ALL, IssueKpi::name, n)?,
                            });
                        }
                    }
                }
            }
            if let Some(gs) = io.get("segments") {
                for (g, gv) in obj(gs, "issues.segments")? {
                    let gp = format!("issues.segments.{g}.");
                    issues.push(IssueReport {
                        of: IssueOf::Segment(g.clone()),
                        kpis: kpis(obj(gv, &gp)?, &gp, IssueKpi::ALL, IssueKpi::name, n)?,
                    });
                }
            }
        }
        let mut segments = Vec::new();
        if let Some(v) = top.get("segments") {
            for (g, gv) in obj(v, "segments")? {
                let gp = format!("segments.{g}.");
                let go = obj(gv, &gp)?;
                let mut chans = Vec::new();
                for (c, cv) in obj(field(go, &gp, "channels")?, &format!("{gp}channels"))? {
                    let cp = format!("{gp}channels.{c}.");
                    chans.push((c.clone(), kpis(obj(cv, &cp)?, &cp, ChannelKpi::ALL, ChannelKpi::name, n)?));
                }
                segments.push(SegmentReport {
                    name: g.clone(),
                    share: number(go, &gp, "share")?,
                    priority_boost: number(go, &gp, "priority_boost")? as u32,
                    patience_factor: number(go, &gp, "patience_factor")?,
                    target: match go.get("target") {
                        None => None,
                        Some(_) => Some((number(go, &gp, "target")?, number(go, &gp, "within_s")?)),
                    },
                    channels: chans,
                });
            }
        }
        Ok(Report {
            issues,
            segments,
            scenario: text(top, "", "scenario")?,
            description: top.get("description").and_then(Value::as_str).map(str::to_string),
            replications: n,
            seed,
            horizon_s: number(top, "", "horizon_s")?,
            interval_s: number(top, "", "interval_s")?,
            warmup_s: number(top, "", "warmup_s")?,
            start_day: start_day.name(),
            overrides,
            channels,
            groups,
            intervals,
            group_intervals,
            backlog,
            events: match top.get("events") {
                None => Vec::new(),
                Some(a) => a
                    .as_array()
                    .ok_or("`events` is not an array")?
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let path = format!("events[{i}].");
                        let o = obj(e, &path)?;
                        let strings = |k: &str| -> Result<Vec<String>, String> {
                            field(o, &path, k)?
                                .as_array()
                                .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect())
                                .ok_or_else(|| format!("`{path}{k}` is not a list of names"))
                        };
                        let windows = field(o, &path, "windows")?
                            .as_array()
                            .and_then(|a| {
                                a.iter()
                                    .map(|w| Some((w.get(0)?.as_f64()?, w.get(1)?.as_f64()?)))
                                    .collect::<Option<Vec<_>>>()
                            })
                            .ok_or_else(|| format!("`{path}windows` is not a list of [start, end]"))?;
                        Ok(super::EventReport {
                            name: text(o, &path, "name")?,
                            channels: strings("channels")?,
                            windows,
                            volume: number(o, &path, "volume")?,
                            add: number(o, &path, "add")?,
                            handle_time: number(o, &path, "handle_time")?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            },
            actuals: match top.get("actuals") {
                None => Vec::new(),
                Some(a) => a
                    .as_array()
                    .ok_or("`actuals` is not an array")?
                    .iter()
                    .enumerate()
                    .map(|(i, row)| {
                        let path = format!("actuals[{i}].");
                        let o = obj(row, &path)?;
                        Ok(crate::data::history::Observed {
                            channel: text(o, &path, "channel")?,
                            start_s: number(o, &path, "start_s")?,
                            days: number(o, &path, "days")? as usize,
                            offered: number(o, &path, "offered")?,
                            service_level: maybe(o.get("service_level"), &path)?,
                            asa_s: maybe(o.get("asa_s"), &path)?,
                            abandon_rate: maybe(o.get("abandon_rate"), &path)?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            },
            forecast: match top.get("forecast_uncertainty") {
                None => Vec::new(),
                Some(f) => obj(f, "forecast_uncertainty")?
                    .iter()
                    .map(|(c, v)| {
                        let path = format!("forecast_uncertainty.{c}.");
                        let o = obj(v, &path)?;
                        Ok(super::ForecastReport {
                            channel: c.clone(),
                            day_cv: number(o, &path, "day_cv")?,
                            interval_cv: number(o, &path, "interval_cv")?,
                            demand_factor: estimate(
                                field(o, &path, "demand_factor")?,
                                &format!("{path}demand_factor"),
                                n,
                            )?,
                            service_level_share: maybe(o.get("service_level_variance_share"), &path)?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            },
        })
    }
}

impl super::sweep::SweepReport {
    /// Reads the JSON result of a sweep (what `ccsim sweep --format json` writes).
    ///
    /// # Errors
    ///
    /// A message naming the first field that is missing or of the wrong type.
    pub fn from_json(json: &str) -> Result<super::sweep::SweepReport, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
        let top = obj(&doc, "the document")?;
        let variants = field(top, "", "variants")?.as_array().ok_or("`variants` is not an array")?;
        let mut out = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let path = format!("variants[{i}].");
            let o = obj(v, &path)?;
            let set = obj(field(o, &path, "overrides")?, &format!("{path}overrides"))?
                .iter()
                .map(|(k, v)| {
                    Ok((k.clone(), v.as_str().ok_or(format!("`{path}overrides.{k}` is not a string"))?.to_string()))
                })
                .collect::<Result<Vec<_>, String>>()?;
            let report = Report::from_value(field(o, &path, "report")?).map_err(|e| format!("{path}report: {e}"))?;
            let diff = match o.get("vs_baseline") {
                None | Some(Value::Null) => None,
                Some(d) => Some(Report::from_value(d).map_err(|e| format!("{path}vs_baseline: {e}"))?),
            };
            out.push((set, report, diff));
        }
        let n = |k: &str| field(top, "", k).and_then(|v| v.as_u64().ok_or(format!("`{k}` is not a whole number")));
        Ok(super::sweep::SweepReport {
            scenario: text(top, "", "scenario")?,
            replications: n("replications")? as u32,
            seed: n("seed")?,
            baseline: n("baseline")? as usize,
            variants: out,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::output::{Exporter, Json};
    use crate::plan::run::{RunOptions, run};
    use crate::report::Report;
    use crate::scenario::Scenario;

    /// Writing a result and reading it back gives the same document, byte for byte.
    #[test]
    fn round_trip() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/omnichannel.toml");
        let s = Scenario::load(path.as_ref()).unwrap();
        let r = run(s, &RunOptions { replications: Some(3), ..Default::default() }).unwrap().report();
        let mut a = Vec::new();
        Json.write(&r, &mut a).unwrap();
        let back = Report::from_json(std::str::from_utf8(&a).unwrap()).unwrap();
        let mut b = Vec::new();
        Json.write(&back, &mut b).unwrap();
        if a != b {
            std::fs::write(std::env::temp_dir().join("ccsim-round-trip.json"), &b).unwrap();
        }
        assert!(a == b, "the JSON round trip changed the document (see ccsim-round-trip.json in the temporary folder)");
        assert_eq!(back.channels[0].get(crate::stats::kpi::ChannelKpi::Offered).unwrap().n, 3);
        let broken = String::from_utf8(a).unwrap().replacen("\"within_s\"", "\"within\"", 1);
        let e = Report::from_json(&broken).unwrap_err();
        assert!(e.contains("channels.phone.within_s` is missing"), "{e}");
        // Events, forecast uncertainty and actuals come back too.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campaign-week.toml");
        let s = Scenario::load(path.as_ref()).unwrap();
        let results = run(s, &RunOptions { replications: Some(3), ..Default::default() }).unwrap();
        let mut r = results.report();
        r.actuals = vec![crate::data::history::Observed {
            channel: "phone".into(),
            start_s: 1800.0,
            days: 2,
            offered: 3.5,
            service_level: 0.75,
            asa_s: f64::NAN,
            abandon_rate: 0.0,
        }];
        assert!(!r.events.is_empty() && !r.forecast.is_empty());
        let mut a = Vec::new();
        Json.write(&r, &mut a).unwrap();
        let back = Report::from_json(std::str::from_utf8(&a).unwrap()).unwrap();
        assert_eq!(back.events, r.events);
        assert!(back.actuals[0].asa_s.is_nan(), "undefined stays undefined");
        let defined = |o: &crate::data::history::Observed| crate::data::history::Observed { asa_s: 0.0, ..o.clone() };
        assert_eq!(defined(&back.actuals[0]), defined(&r.actuals[0]));
        let mut b = Vec::new();
        Json.write(&back, &mut b).unwrap();
        assert!(a == b, "events, forecast and actuals survive the round trip");
    }
}
