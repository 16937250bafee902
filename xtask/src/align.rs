//! Aligning the published schema with the curated document.
//!
//! Both documents are walked together from each manifest operation: its
//! parameters, request body and success response, then property by
//! property, into array items, map values and union members. Every curated
//! node reached this way (a "slot") collects the published nodes found at the
//! same place, so a curated schema such as `SpectrumApp` is matched with the
//! published schemas it stands for wherever they are named. Differences at
//! the operation level are recorded on the way; the slots are compared
//! afterwards by [`crate::diff`].

mod operation;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::apply::Edit;
use crate::convert::Converter;
use crate::json::{escape, ref_of, schema_name};
use crate::manifest::Manifest;
use crate::normalize::{has_shape, merge_union, resolve, union_members};
use crate::overlay::Overlay;
use crate::report::{Drift, Sign};
use operation::operations;

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
    /// Operation-level differences, in manifest order.
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
    /// A manifest operation to cut in.
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

    /// Walks every manifest operation, then lists the published operations
    /// in the manifest's scope that it lacks.
    pub fn align(&mut self, manifest: &Manifest) {
        let curated_ops = operations(self.curated);
        let published_ops = operations(self.published);
        for (index, entry) in manifest.operations.iter().enumerate() {
            let key = entry.key();
            let id = entry.operation_id.as_str();
            let curated = curated_ops.get(&key);
            let published = published_ops.get(&key);
            match (curated, published) {
                (Some(c), Some(p)) => {
                    if c.op_id != id {
                        self.drift.push(Drift::new(
                            Sign::Attention,
                            id,
                            "operation",
                            format!("the curated operation {key} is named {}", c.op_id),
                        ));
                    }
                    self.operation(id, c, p);
                }
                (Some(_), None) => self.drift.push(Drift::new(
                    Sign::Removed,
                    id,
                    "operation",
                    format!("{key} is not in the published schema"),
                )),
                (None, Some(p)) => {
                    self.pending.push((
                        self.drift.len(),
                        Pending::Operation {
                            entry: index,
                            path: p.path.clone(),
                            method: p.method.clone(),
                        },
                    ));
                    self.drift.push(Drift::new(
                        Sign::Added,
                        id,
                        "operation",
                        format!(
                            "{key} is in the manifest but not yet in the curated document; --write cuts it in from {}",
                            p.op_id
                        ),
                    ));
                }
                (None, None) => self.drift.push(Drift::new(
                    Sign::Attention,
                    id,
                    "operation",
                    format!("{key} is neither in the curated document nor in the published schema"),
                )),
            }
        }
        self.finish(manifest);
        let listed: HashSet<String> = manifest.operations.iter().map(|o| o.key()).collect();
        for (key, op) in &published_ops {
            let normalised = key.split_once(' ').map_or("", |(_, p)| p);
            if !listed.contains(key) && manifest.in_scope(normalised) {
                self.drift.push(Drift::new(
                    Sign::Added,
                    format!("{} {}", op.method.to_uppercase(), op.path),
                    "operation",
                    format!(
                        "new published operation {} in scope; to cover it, add it to openapi/manifest.json with an operationId",
                        op.op_id
                    ),
                ));
            }
        }
        for (key, op) in &curated_ops {
            if !listed.contains(key) {
                self.drift.push(Drift::new(
                    Sign::Attention,
                    op.op_id.clone(),
                    "operation",
                    format!("{key} is in the curated document but not in openapi/manifest.json"),
                ));
            }
        }
    }

    /// Copies the published parameters and operations that `--write` adds,
    /// once every operation has been aligned, so that published schemas
    /// matched anywhere become `$ref`s to their curated counterparts.
    fn finish(&mut self, manifest: &Manifest) {
        let known = self.known_refs();
        let converter = Converter {
            published: self.published,
            known: &known,
            overlay: self.overlay,
        };
        for (index, pending) in std::mem::take(&mut self.pending) {
            let edit = match pending {
                Pending::Parameter { op_ptr, raw } => Edit::AddParameter {
                    ptr: op_ptr,
                    parameter: converter.parameter(&raw),
                },
                Pending::Operation { entry, path, method } => {
                    let entry = &manifest.operations[entry];
                    let item = &self.published["paths"][&path];
                    let (operation, path_parameters) = converter.operation(self.curated, entry, item, &item[&method]);
                    Edit::AddOperation {
                        path: entry.path.clone(),
                        method: entry.method.to_lowercase(),
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
                self.slots.push(Slot {
                    label: label.clone(),
                    ptr: ptr.clone(),
                    instances: Vec::new(),
                });
                self.index.insert(ptr.clone(), self.slots.len() - 1);
                self.slots.len() - 1
            }
        };
        self.seen
            .insert((ptr.clone(), fingerprint), (slot, self.slots[slot].instances.len()));
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
        if let (Some(c_props), Some(p_props)) = (
            curated.get("properties").and_then(Value::as_object),
            value.get("properties").and_then(Value::as_object),
        ) {
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
        if curated
            .get("additionalProperties")
            .is_some_and(|a| a.as_object().is_some_and(|o| !o.is_empty()))
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
