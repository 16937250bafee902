//! `cargo xtask refresh`: compare the published schema with the curated
//! document and optionally write the structural changes.
//!
//! The operations compared are the curated document's own, each matched
//! with the published operation of the same method and path. Published
//! operations in the manifest's scope that the document lacks are
//! reported; `--add` cuts them in with `--write`.

use std::path::PathBuf;

use serde_json::Value;

use crate::Result;
use crate::align::Aligner;
use crate::apply::apply;
use crate::convert::Converter;
use crate::cut::Coverage;
use crate::manifest::Manifest;
use crate::ops::NewOperation;
use crate::overlay::Overlay;
use crate::report::Report;

/// Compares `published` with `curated`, operation by operation; published
/// operations in the scope of `manifest` that `curated` lacks are reported.
pub fn compare(curated: &Value, published: &Value, manifest: &Manifest, overlay: &Overlay) -> Report {
    compare_adding(curated, published, manifest, overlay, &[])
}

/// [`compare`], and cut the operations of `add` in from `published` (their
/// edits are applied by [`updated`]).
pub fn compare_adding(
    curated: &Value,
    published: &Value,
    manifest: &Manifest,
    overlay: &Overlay,
    add: &[NewOperation],
) -> Report {
    let mut aligner = Aligner::new(curated, published, overlay);
    aligner.align(manifest, add);
    let known = aligner.known_refs();
    let converter = Converter { published, known: &known, overlay };
    let mut report = Report { drift: std::mem::take(&mut aligner.drift), ..Report::default() };
    for slot in &aligner.slots {
        report.drift.extend(crate::diff::slot(curated, slot, overlay, &converter));
        let named = slot.ptr.strip_prefix("/components/schemas/");
        if let Some(name) = named.filter(|n| !n.contains('/')) {
            let mut sources: Vec<String> = Vec::new();
            for instance in &slot.instances {
                let source = match instance.refs.last() {
                    Some(r) => r.trim_start_matches("#/components/schemas/").to_owned(),
                    None => format!("inline in {}", instance.origins.join(", ")),
                };
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
            report.mapping.push(format!("{name} <- {}", sources.join(", ")));
        }
    }
    let mut used = vec![false; overlay.keep.len()];
    for drift in &mut report.drift {
        drift.kept = overlay.kept(&drift.at, &drift.what);
        if let Some(i) = drift.kept {
            used[i] = true;
        }
    }
    for (keep, used) in overlay.keep.iter().zip(used) {
        if !used {
            report.notes.push(format!(
                "keep {{at: {}, what: {}}} matched no difference; remove it if the published schema now agrees",
                keep.at, keep.what
            ));
        }
    }
    report
}

/// The curated document with every non-curation difference of `report`
/// written in, and messages for edits that could not be applied.
pub fn updated(curated: &Value, report: &Report) -> (Value, Vec<String>) {
    let edits: Vec<_> = report.drift.iter().filter(|d| d.kept.is_none()).filter_map(|d| d.edit.clone()).collect();
    let mut doc = curated.clone();
    let problems = apply(&mut doc, &edits);
    (doc, problems)
}

/// What `cargo xtask refresh` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Path or `http(s)://` URL of the published schema (JSON).
    pub from: String,
    /// The curated document.
    pub spec: PathBuf,
    /// The manifest (the scope).
    pub manifest: PathBuf,
    /// Published operations to cut in (written only with `write`).
    pub add: Vec<NewOperation>,
    /// The overlay.
    pub overlay: PathBuf,
    /// Whether to write the changes.
    pub write: bool,
    /// Where to write them (default: the curated document itself).
    pub out: Option<PathBuf>,
    /// Whether the report lists kept curation and the schema mapping.
    pub verbose: bool,
    /// Where to save the cut-out part of the published schema, if anywhere.
    pub cut: Option<PathBuf>,
}

/// Runs a refresh and returns the report text.
pub fn run(options: &Options) -> Result<String> {
    let curated = crate::json::read(&options.spec)?;
    let manifest = Manifest::read(&options.manifest)?;
    let overlay = Overlay::read(&options.overlay)?;
    let text = crate::source::load(&options.from)?;
    let published = crate::json::parse(&text, &options.from)?;
    let version = published["openapi"].as_str().unwrap_or_default();
    if !version.starts_with("3.") {
        return Err(format!(
            "{} is not an OpenAPI 3 document in JSON (its openapi field is {:?})",
            options.from, published["openapi"]
        ));
    }
    let published = crate::cut::cut(&published, &Coverage::new(&curated, &manifest, &options.add));
    if let Some(path) = &options.cut {
        crate::json::write(path, &published)?;
    }
    let report = compare_adding(&curated, &published, &manifest, &overlay, &options.add);
    let mut text = report.render(&options.from, options.verbose);
    if options.write {
        let (doc, problems) = updated(&curated, &report);
        for problem in problems {
            text.push_str(&format!("not written: {problem}\n"));
        }
        let out = options.out.clone().unwrap_or_else(|| options.spec.clone());
        if doc == curated {
            text.push_str(&format!("{} is up to date\n", out.display()));
        } else {
            text.push_str(&format!("wrote {}\n", out.display()));
        }
        crate::json::write(&out, &doc)?;
    }
    Ok(text)
}
