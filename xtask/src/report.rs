//! Drift items and the drift report.

use std::fmt;

use crate::apply::Edit;

/// How a published schema differs from the curated document at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Something the published schema has and the curated document lacks.
    Added,
    /// Something the curated document has and the published schema lacks.
    Removed,
    /// A value that differs.
    Changed,
    /// A difference that `--write` cannot resolve: a shape, a defect, or a
    /// decision for a person.
    Attention,
}

impl Sign {
    fn symbol(self) -> char {
        match self {
            Sign::Added => '+',
            Sign::Removed => '-',
            Sign::Changed => '~',
            Sign::Attention => '!',
        }
    }
}

/// One difference.
#[derive(Debug, Clone)]
pub struct Drift {
    /// What kind of difference this is.
    pub sign: Sign,
    /// The curated location: an operationId, a schema name, or either
    /// followed by `.field`, `.query.name`, `[]` (array items), `{}` (map
    /// values) or `|N` (union member N).
    pub at: String,
    /// The kind of difference, as named in the overlay's `keep` entries.
    pub what: String,
    /// What differs, in words.
    pub message: String,
    /// The change `--write` makes, if it can make one.
    pub edit: Option<Edit>,
    /// The overlay `keep` entry that marks this difference as curation.
    pub kept: Option<usize>,
}

impl Drift {
    /// A difference without an edit.
    pub fn new(sign: Sign, at: impl Into<String>, what: &str, message: impl Into<String>) -> Self {
        Drift { sign, at: at.into(), what: what.to_owned(), message: message.into(), edit: None, kept: None }
    }

    /// The same difference, with the edit that resolves it.
    pub fn with_edit(mut self, edit: Edit) -> Self {
        self.edit = Some(edit);
        self
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.sign.symbol(), self.at, self.message)
    }
}

/// The outcome of comparing the published schema with the curated document.
#[derive(Debug, Default)]
pub struct Report {
    /// Every difference found, in document order.
    pub drift: Vec<Drift>,
    /// Which published schemas each curated schema was matched with.
    pub mapping: Vec<String>,
    /// Remarks about the overlay itself (entries that matched nothing).
    pub notes: Vec<String>,
}

impl Report {
    /// The differences that are not curation, as report lines.
    pub fn lines(&self) -> Vec<String> {
        self.drift.iter().filter(|d| d.kept.is_none()).map(ToString::to_string).collect()
    }

    /// Renders the report; `verbose` adds kept curation and the mapping.
    pub fn render(&self, source: &str, verbose: bool) -> String {
        let mut out = format!("Drift of {source} against the curated document\n");
        let lines = self.lines();
        if lines.is_empty() {
            out.push_str("no drift\n");
        }
        for line in &lines {
            out.push_str(&format!("  {line}\n"));
        }
        let kept: Vec<_> = self.drift.iter().filter(|d| d.kept.is_some()).collect();
        if verbose && !kept.is_empty() {
            out.push_str("kept as curation (openapi/overlay.json):\n");
            for d in &kept {
                out.push_str(&format!("  {d}\n"));
            }
        }
        if verbose && !self.mapping.is_empty() {
            out.push_str("curated schemas and the published schemas they were matched with:\n");
            for line in &self.mapping {
                out.push_str(&format!("  {line}\n"));
            }
        }
        if verbose && !self.notes.is_empty() {
            out.push_str("overlay notes:\n");
            for note in &self.notes {
                out.push_str(&format!("  {note}\n"));
            }
        }
        let writable = self.drift.iter().filter(|d| d.kept.is_none() && d.edit.is_some()).count();
        out.push_str(&format!(
            "{} difference(s), {} of them written by --write; {} kept as curation{}\n",
            lines.len(),
            writable,
            kept.len(),
            if verbose { "" } else { " (--verbose lists them)" }
        ));
        out
    }
}
