//! Aligning the published schema with the curated document.
//!
//! Both documents are walked together from each curated operation and the
//! published operation of the same method and path: its parameters,
//! request body and success responses, then property by property, into
//! array items, map values and union members. Every curated
//! node reached this way (a "slot") collects the published nodes found at the
//! same place, so a curated schema such as `SpectrumApp` is matched with the
//! published schemas it stands for wherever they are named. Differences at
//! the operation level are recorded on the way; the slots are compared
//! afterwards by [`crate::diff`].

mod operation;

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::Value;

use crate::apply::Edit;
use crate::convert::Converter;
use crate::json::{escape, ref_of, schema_name};
use crate::manifest::Manifest;
use crate::normalize::{has_shape, merge_union, resolve, union_members};
use crate::ops::{NewOperation, Operation, by_key, curated_spelling, nearest};
use crate::overlay::Overlay;
use crate::report::{Drift, Sign};

/// A curated node and the published nodes matched with it.
#[derive(Debug)]
pub struct Slot {
    /// The curated location (see [`Drift::at`]).
    pub label: String,
    /// JSON pointer of the curated node.
    pub ptr: String,
    /// The published nodes, normalised.
    pub instances: Vec<Instance>,
}

/// A published node matched with a curated one.
#[derive(Debug)]
pub struct Instance {
    /// The node, with `$ref`s followed and `allOf` flattened.
    pub value: Value,
    /// The operations it was reached from.
    pub origins: Vec<String>,
    /// The published `$ref`s followed to reach it.
    pub refs: Vec<String>,
    /// Whether the curated node has a shape the published node lacks.
    pub untyped: bool,
}

/// The state of one alignment.
pub struct Aligner<'a> {
    /// The curated document.
    pub curated: &'a Value,
    /// The published document.
    pub published: &'a Value,
    /// The overlay.
    pub overlay: &'a Overlay,
    /// The slots, in the order they were reached.
    pub slots: Vec<Slot>,
    /// Operation-level differences, in curated document order.
    pub drift: Vec<Drift>,
    index: HashMap<String, usize>,
    /// Where each (curated pointer, published node) pair was recorded.
    seen: HashMap<(String, String), (usize, usize)>,
    /// Additions whose copies wait for the whole alignment, by drift index.
    pending: Vec<(usize, Pending)>,
}

/// A published addition to copy once the alignment is complete.
enum Pending {
    /// A new parameter of the operation at `op_ptr`.
    Parameter { op_ptr: String, raw: Value },
    /// An operation of `--add` (by index) to cut in from the published
    /// `path` and `method`.
    Operation { entry: usize, path: String, method: String },
}

impl<'a> Aligner<'a> {
    /// A new, empty alignment.
    pub fn new(curated: &'a Value, published: &'a Value, overlay: &'a Overlay) -> Self {
        Aligner {
            curated,
            published,
            overlay,
            slots: Vec::new(),
            drift: Vec::new(),
            index: HashMap::new(),
            seen: HashMap::new(),
            pending: Vec::new(),
        }
    }

    /// Walks every operation of the curated document together with the
    /// published operation of the same method and path, then the
    /// operations `add` asks to cut in, then lists the published operations
    /// in the manifest's scope that the curated document lacks.
    pub fn align(&mut self, manifest: &Manifest, add: &[NewOperation]) {
        let curated_ops = by_key(self.curated);
        let published_ops = by_key(self.published);
        for c in curated_ops.values() {
            match published_ops.get(&c.key) {
                Some(p) => self.operation(&c.id, c, p),
                None => self.drift.push(Drift::new(
                    Sign::Removed,
                    c.id.clone(),
                    "operation",
                    format!("{} is not in the published schema", c.key),
                )),
            }
        }
        for (index, new) in add.iter().enumerate() {
            self.add(index, new, &curated_ops, &published_ops);
        }
        self.finish(add, &curated_ops);
        let added: HashSet<String> = add.iter().map(NewOperation::key).collect();
        for (key, op) in &published_ops {
            let normalised = key.split_once(' ').map_or("", |(_, p)| p);
            if curated_ops.contains_key(key) || added.contains(key) || !manifest.in_scope(normalised) {
                continue;
            }
            let method = op.method.to_uppercase();
            let path = curated_spelling(curated_ops.values(), &op.path);
            self.drift.push(Drift::new(
                Sign::Added,
                format!("{method} {}", op.path),
                "operation",
                format!(
                    "new published operation {} in scope; to cover it, refresh with --write --add '<operation_id>={method} {path}'",
                    op.id
                ),
            ));
        }
    }

    /// Records the operation `add[index]` to cut in, or why it cannot be.
    fn add(
        &mut self,
        index: usize,
        new: &NewOperation,
        curated_ops: &IndexMap<String, Operation>,
        published_ops: &IndexMap<String, Operation>,
    ) {
        let key = new.key();
        let id = new.id.as_str();
        let attention =
            |message: String| Drift::new(Sign::Attention, id, "operation", format!("--add {id}: {message}"));
        if let Some(c) = curated_ops.get(&key) {
            self.drift.push(attention(format!("{key} is already in the curated document, as {}", c.id)));
        } else if let Some(c) = curated_ops.values().find(|c| c.id == id) {
            self.drift.push(attention(format!(
                "the curated operation {} is already named {id}; choose another operationId",
                c.key
            )));
        } else if let Some(p) = published_ops.get(&key) {
            self.pending.push((
                self.drift.len(),
                Pending::Operation { entry: index, path: p.path.clone(), method: p.method.clone() },
            ));
            self.drift.push(Drift::new(
                Sign::Added,
                id,
                "operation",
                format!("{key} is cut in from {} by --write", p.id),
            ));
        } else {
            self.drift.push(attention(format!("{key} is not in the published schema")));
        }
    }

    /// Copies the published parameters and operations that `--write` adds,
    /// once every operation has been aligned, so that published schemas
    /// matched anywhere become `$ref`s to their curated counterparts.
    fn finish(&mut self, add: &[NewOperation], curated_ops: &IndexMap<String, Operation>) {
        let known = self.known_refs();
        let converter = Converter { published: self.published, known: &known, overlay: self.overlay };
        for (index, pending) in std::mem::take(&mut self.pending) {
            let edit = match pending {
                Pending::Parameter { op_ptr, raw } => {
                    Edit::AddParameter { ptr: op_ptr, parameter: converter.parameter(&raw) }
                }
                Pending::Operation { entry, path, method } => {
                    let new = &add[entry];
                    let tags = match &new.tag {
                        Some(tag) => vec![tag.clone()],
                        None => {
                            nearest(curated_ops.values(), &new.path).map(|(op, _)| op.tags.clone()).unwrap_or_default()
                        }
                    };
                    let item = &self.published["paths"][&path];
                    let (operation, path_parameters) =
                        converter.operation(self.curated, new, &tags, item, &item[&method]);
                    Edit::AddOperation {
                        path: new.path.clone(),
                        method: new.method.clone(),
                        operation,
                        path_parameters,
                    }
                }
            };
            self.drift[index].edit = Some(edit);
        }
    }

    /// Published `$ref`s matched with exactly one curated schema.
    pub fn known_refs(&self) -> BTreeMap<String, String> {
        let mut found: BTreeMap<String, Option<String>> = BTreeMap::new();
        for slot in &self.slots {
            let Some(name) = slot.ptr.strip_prefix("/components/schemas/") else {
                continue;
            };
            for instance in &slot.instances {
                // Only the innermost reference names the matched schema itself.
                let Some(r) = instance.refs.last() else {
                    continue;
                };
                let entry = found.entry(r.clone()).or_insert_with(|| Some(name.to_owned()));
                if entry.as_deref() != Some(name) {
                    *entry = None;
                }
            }
        }
        found.into_iter().filter_map(|(r, name)| name.map(|n| (r, n))).collect()
    }
    /// Matches the published `node` with the curated node at `ptr`, then
    /// their properties, items, map values and union members.
    fn visit(&mut self, ptr: String, label: String, node: &Value, origin: &str) {
        let (ptr, label) = self.resolve_curated(ptr, label);
        let Some(curated) = self.curated.pointer(&ptr) else {
            return;
        };
        let (mut value, refs) = resolve(self.published, node);
        if self.overlay.merges(&label)
            && let Some(members) = union_members(&value).cloned()
        {
            value = merge_union(self.published, &value, &members);
        }
        let fingerprint = serde_json::to_string(&value).unwrap_or_default();
        if let Some(&(slot, instance)) = self.seen.get(&(ptr.clone(), fingerprint.clone())) {
            let origins = &mut self.slots[slot].instances[instance].origins;
            if !origins.iter().any(|o| o == origin) {
                origins.push(origin.to_owned());
            }
            return;
        }
        let untyped = has_shape(self.curated, curated) && !has_shape(self.published, &value);
        let slot = match self.index.get(&ptr) {
            Some(&i) => i,
            None => {
                self.slots.push(Slot { label: label.clone(), ptr: ptr.clone(), instances: Vec::new() });
                self.index.insert(ptr.clone(), self.slots.len() - 1);
                self.slots.len() - 1
            }
        };
        self.seen.insert((ptr.clone(), fingerprint), (slot, self.slots[slot].instances.len()));
        self.slots[slot].instances.push(Instance {
            value: value.clone(),
            origins: vec![origin.to_owned()],
            refs,
            untyped,
        });
        if untyped {
            return;
        }
        let curated = curated.clone();
        if let (Some(c_props), Some(p_props)) =
            (curated.get("properties").and_then(Value::as_object), value.get("properties").and_then(Value::as_object))
        {
            for (name, p_prop) in p_props {
                if c_props.contains_key(name) {
                    let child = format!("{ptr}/properties/{}", escape(name));
                    self.visit(child, format!("{label}.{name}"), p_prop, origin);
                }
            }
        }
        if curated.get("items").is_some()
            && let Some(items) = value.get("items")
        {
            self.visit(format!("{ptr}/items"), format!("{label}[]"), items, origin);
        }
        if curated.get("additionalProperties").is_some_and(|a| a.as_object().is_some_and(|o| !o.is_empty()))
            && let Some(extra) = value.get("additionalProperties").filter(|a| a.is_object())
        {
            let child = format!("{ptr}/additionalProperties");
            self.visit(child, format!("{label}{{}}"), extra, origin);
        }
        for key in ["oneOf", "anyOf"] {
            let Some(c_members) = curated.get(key).and_then(Value::as_array) else {
                continue;
            };
            let Some(p_members) = union_members(&value).cloned() else {
                continue;
            };
            for (i, member) in p_members.iter().enumerate().take(c_members.len()) {
                let child = format!("{ptr}/{key}/{i}");
                self.visit(child, format!("{label}|{i}"), member, origin);
            }
        }
    }

    /// Follows curated `$ref`s; a named schema's label is its name.
    fn resolve_curated(&self, mut ptr: String, mut label: String) -> (String, String) {
        for _ in 0..32 {
            let Some(reference) = self.curated.pointer(&ptr).and_then(ref_of) else {
                break;
            };
            if let Some(name) = schema_name(reference) {
                label = name.to_owned();
            }
            ptr = reference.trim_start_matches('#').to_owned();
        }
        (ptr, label)
    }
}
