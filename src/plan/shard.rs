//! Shards: a sweep spread over machines (a Slurm job array, say). Shard I of N runs every
//! N-th replication from the I-th, of every variant, and writes a [`Part`]; [`merge`]
//! folds the parts into exactly what the unsharded sweep gives, byte for byte.
//!
//! **The part file** is one line of JSON: the format version ([`PART_FORMAT`]), what the
//! merge needs to rebuild the sweep (the scenario's file name and text, replications,
//! seed, axes, zip, baseline), which shard it is, and each replication's KPI vector per
//! variant (undefined values as `null`; numbers round-trip exactly). [`Part::read`]
//! checks a part on its own; [`merge`] checks that the parts belong together, that every
//! shard is there once and that every vector has the sweep's shape.

use super::runner;
use super::sweep::{Fold, Study, SweepResults};
use crate::Error;
use crate::scenario::Scenario;
use crate::scenario::limits::MAX_REPLICATIONS;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// The format version written in every part; a part of another version is refused.
pub const PART_FORMAT: &str = "ccsim partial sweep 2";

/// A shard's partial result: what the merge needs to rebuild the sweep, and the KPI
/// vectors of the shard's replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// [`PART_FORMAT`].
    pub format: String,
    /// The scenario file's name as given (for messages).
    pub file: String,
    /// The scenario file's text.
    pub text: String,
    /// The overrides applied to the text before the sweep (`--window` adds one), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "crate::base::serde_maps::pairs")]
    pub overrides: Vec<(String, String)>,
    /// Replications per variant.
    pub replications: u32,
    /// Seed of the sweep.
    pub seed: u64,
    /// The axes, as written.
    pub set: Vec<String>,
    /// Whether the axes zip.
    pub zip: bool,
    /// The baseline variant.
    pub baseline: usize,
    /// This part's shard, from 0.
    pub shard: u64,
    /// Shards in all.
    pub shards: u64,
    /// The shard's replications, in order.
    pub done: Vec<PartReplication>,
    /// FNV-1a (64 bits, hex) of the part written with an empty checksum: a part edited
    /// or cut short after it was written is refused rather than merged.
    #[serde(default)]
    pub checksum: String,
}

/// One replication of every variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartReplication {
    /// Replication index.
    pub replication: u64,
    /// Per variant, the KPI vector (undefined values as null).
    pub kpis: Vec<Vec<Option<f64>>>,
}

/// Replications of shard `shard` of `shards`: every `shards`-th from `shard` on.
pub fn shard_replications(reps: u64, shard: u64, shards: u64) -> impl Iterator<Item = u64> {
    (shard..reps).step_by(shards.max(1) as usize)
}

/// Checks a shard `I/N`: 0 ≤ I < N ≤ the replication limit.
fn check_shard(shard: u64, shards: u64) -> Result<(), String> {
    if shards == 0 || shards > MAX_REPLICATIONS {
        return Err(format!("{shards} shards: a sweep has 1 to {MAX_REPLICATIONS} shards"));
    }
    if shard >= shards {
        return Err(format!("shard {shard}/{shards}: the shard index must be below the number of shards"));
    }
    Ok(())
}

impl Part {
    /// Runs shard `shard` of `shards` of `study`: every variant of its replications.
    /// `progress` is told the (variant, replication) pairs done and their total.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] for a shard out of range; as [`Study::compile`]; [`Error::Run`]
    /// when a replication outgrows memory.
    pub fn run(study: &Study, shard: u64, shards: u64, progress: impl FnMut(usize, usize)) -> Result<Part, Error> {
        check_shard(shard, shards).map_err(Error::Input)?;
        let plan = study.compile()?;
        let reps: Vec<u64> = shard_replications(plan.replications, shard, shards).collect();
        let mut done = Vec::with_capacity(reps.len());
        let keep = |k: &Vec<f64>| k.iter().map(|x| (!x.is_nan()).then_some(*x)).collect();
        runner::replicate(
            &plan.variants,
            &reps,
            |r, rep| done.push(PartReplication { replication: r, kpis: rep.iter().map(keep).collect() }),
            progress,
        )?;
        let base = &study.base;
        Ok(Part {
            format: PART_FORMAT.into(),
            file: base.file().to_owned(),
            text: base.source_text().to_owned(),
            overrides: base.overrides().to_vec(),
            replications: base.replications(),
            seed: base.seed(),
            set: study.set.clone(),
            zip: study.zip,
            baseline: study.baseline,
            shard,
            shards,
            done,
            checksum: String::new(),
        }
        .sealed())
    }

    /// The part's checksum: FNV-1a of its JSON with an empty checksum field.
    fn digest(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let blank = Part { checksum: String::new(), ..self.clone() };
        for b in serde_json::to_vec(&blank).unwrap_or_default() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    /// The part with its checksum filled in.
    fn sealed(mut self) -> Part {
        self.checksum = self.digest();
        self
    }

    /// Writes the part: one line of JSON.
    ///
    /// # Errors
    ///
    /// The first I/O error of `out`.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self).map_err(io::Error::from)?;
        writeln!(out)
    }

    /// Reads a part written by [`Part::write`]; `file` names it in messages.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] naming the file: not a part, another format version, a shard out
    /// of range, or replications that are not the shard's.
    pub fn read(text: &str, file: &str) -> Result<Part, Error> {
        let bad = |m: String| Error::Input(format!("{file}: {m}"));
        let part: Part = crate::base::serde_maps::read_json(&mut serde_json::Deserializer::from_str(text))
            .map_err(|e| bad(format!("not a partial sweep result ({e})")))?;
        if part.format != PART_FORMAT {
            return Err(bad(format!("written by another version (`{}`)", part.format)));
        }
        check_shard(part.shard, part.shards).map_err(bad)?;
        if part.checksum != part.digest() {
            return Err(bad(format!(
                "its checksum does not match its contents: the part was changed or cut short after `ccsim sweep --shard {}/{}` wrote it; run that shard again",
                part.shard, part.shards
            )));
        }
        let mine: Vec<u64> = shard_replications(u64::from(part.replications), part.shard, part.shards).collect();
        let held: Vec<u64> = part.done.iter().map(|r| r.replication).collect();
        if held != mine {
            return Err(bad(format!(
                "shard {}/{} of {} replications holds replications {} where {} were expected",
                part.shard,
                part.shards,
                part.replications,
                list(&held),
                list(&mine)
            )));
        }
        Ok(part)
    }
}

/// A short list of replication indices for messages.
fn list(v: &[u64]) -> String {
    let shown: Vec<String> = v.iter().take(8).map(u64::to_string).collect();
    if v.len() > 8 { format!("{}, … ({} in all)", shown.join(", "), v.len()) } else { shown.join(", ") }
}

/// Folds the parts of a sharded sweep (each with its file name) into exactly what the
/// unsharded sweep gives: the same KPI vectors in the same order.
///
/// # Errors
///
/// [`Error::Input`] naming the file at fault: parts of different sweeps, a shard given
/// twice or missing, KPI vectors that do not fit the sweep's variants; as
/// [`Study::compile`] for the rebuilt sweep.
pub fn merge(parts: &[(String, Part)]) -> Result<SweepResults, Error> {
    let Some((first_file, first)) = parts.first() else {
        return Err(Error::Input("no parts to merge".into()));
    };
    let mut seen: Vec<Option<&str>> = Vec::new();
    for (file, part) in parts {
        let same = part.text == first.text
            && part.overrides == first.overrides
            && part.replications == first.replications
            && part.seed == first.seed
            && part.set == first.set
            && part.zip == first.zip
            && part.baseline == first.baseline
            && part.shards == first.shards;
        if !same {
            return Err(Error::Input(format!(
                "{first_file} and {file} are shards of different sweeps (scenario, axes or options differ)"
            )));
        }
        if seen.len() <= part.shard as usize {
            seen.resize(part.shard as usize + 1, None);
        }
        if let Some(other) = seen[part.shard as usize] {
            return Err(Error::Input(format!(
                "{file}: shard {}/{} is given twice (also in {other})",
                part.shard, part.shards
            )));
        }
        seen[part.shard as usize] = Some(file);
    }
    if let Some(missing) = (0..first.shards).find(|&s| seen.get(s as usize).is_none_or(Option::is_none)) {
        return Err(Error::Input(format!("shard {missing}/{} is missing", first.shards)));
    }
    let mut base = Scenario::from_toml(&first.text, &first.file)?;
    if !first.overrides.is_empty() {
        let set: Vec<(&str, &str)> = first.overrides.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
        base = base.with_overrides(&set)?;
    }
    let base = base.with_replications(first.replications)?.with_seed(first.seed);
    let study = Study::new(base, &first.set, first.zip, Some(first.baseline))?;
    let plan = study.compile()?;
    let mut reps: Vec<(u64, &str, &PartReplication)> =
        parts.iter().flat_map(|(f, p)| p.done.iter().map(move |r| (r.replication, f.as_str(), r))).collect();
    reps.sort_by_key(|x| x.0);
    if let Some((i, (r, file, _))) = reps.iter().enumerate().find(|(i, x)| x.0 != *i as u64) {
        return Err(Error::Input(format!(
            "{file}: holds replication {r} where replication {i} was expected: a shard is missing or given twice"
        )));
    }
    if reps.len() as u64 != plan.replications {
        return Err(Error::Input(format!(
            "the parts hold {} of the {} replications: a shard is missing",
            reps.len(),
            plan.replications
        )));
    }
    let mut fold = Fold::new(&plan);
    for (r, file, rep) in reps {
        let fits = rep.kpis.len() == plan.variants.len()
            && rep.kpis.iter().zip(&plan.variants).all(|(k, v)| k.len() == v.layout.len());
        if !fits {
            return Err(Error::Input(format!("{file}: replication {r} does not match the sweep's variants")));
        }
        let kpis: Vec<Vec<f64>> = rep.kpis.iter().map(|k| k.iter().map(|x| x.unwrap_or(f64::NAN)).collect()).collect();
        fold.push(&plan, &kpis);
    }
    Ok(fold.finish(plan))
}
