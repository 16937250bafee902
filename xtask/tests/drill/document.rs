//! The drill's change to the document: one new GET operation, its
//! response envelope, an object schema and an open string enum, and
//! nothing else.

use serde_json::{Map, Value, json};

/// The new operation's id.
pub const OPERATION_ID: &str = "spectrum_widgets_list";
/// Its path.
pub const PATH: &str = "/zones/{zone_id}/spectrum/widgets";
/// The values of the new enum `WidgetKind`, in order.
pub const KINDS: [&str; 3] = ["gear", "sprocket", "flange"];

/// The new schemas, in the order they are appended to
/// `components.schemas`.
fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "WidgetKind",
            json!({
                "description": "What a widget is.",
                "type": "string",
                "x-open-enum": true,
                "enum": KINDS,
            }),
        ),
        (
            "Widget",
            json!({
                "description": "A widget of a zone.",
                "type": "object",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"$ref": "#/components/schemas/Identifier"},
                    "name": {"description": "Display name.", "type": "string"},
                    "kind": {"$ref": "#/components/schemas/WidgetKind"}
                },
                "additionalProperties": {}
            }),
        ),
        (
            "WidgetListResponse",
            json!({
                "description": "Envelope holding the widgets of a zone.",
                "type": "object",
                "required": ["success", "result"],
                "properties": {
                    "success": {"description": "Whether the request succeeded.", "type": "boolean"},
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ResponseInfo"}},
                    "messages": {"type": "array", "items": {"$ref": "#/components/schemas/ResponseInfo"}},
                    "result": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
                }
            }),
        ),
    ]
}

/// The new path item.
fn path_item() -> Value {
    json!({
        "parameters": [{"$ref": "#/components/parameters/zone_id"}],
        "get": {
            "operationId": OPERATION_ID,
            "tags": ["spectrum"],
            "summary": "List widgets",
            "description": "Lists the widgets of a zone.",
            "responses": {
                "200": {
                    "description": "The widgets.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetListResponse"}}}
                },
                "4XX": {"$ref": "#/components/responses/Failure"},
                "5XX": {"$ref": "#/components/responses/Failure"}
            }
        }
    })
}

fn object<'a>(doc: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    doc.pointer_mut(key).and_then(Value::as_object_mut).unwrap_or_else(|| panic!("the document has no object at {key}"))
}

/// `original` with the drill's additions. Panics if one of them is
/// already there, since the drill would then prove nothing.
pub fn changed(original: &Value) -> Value {
    let mut doc = original.clone();
    let paths = object(&mut doc, "/paths");
    assert!(!paths.contains_key(PATH), "{PATH} is already in the document");
    paths.insert(PATH.to_owned(), path_item());
    let components = object(&mut doc, "/components/schemas");
    for (name, schema) in schemas() {
        assert!(!components.contains_key(name), "{name} is already in the document");
        components.insert(name.to_owned(), schema);
    }
    doc
}

/// `changed` without the drill's additions.
pub fn without_additions(changed: &Value) -> Value {
    let mut doc = changed.clone();
    object(&mut doc, "/paths").shift_remove(PATH);
    let components = object(&mut doc, "/components/schemas");
    for (name, _) in schemas() {
        components.shift_remove(name);
    }
    doc
}
