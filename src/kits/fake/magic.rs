//! Magic account apps.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value};

use super::envelope::{FakeError, created, ok};
use super::extract::{Ids, lower, object, required_str, typed};
use super::state::{Shared, new_id};
use super::validate;
use crate::types::{MagicAccountApp, MagicApp, MagicAppCreate, MagicAppUpdate};

/// `GET /accounts/{account_id}/magic/apps`: the account's custom apps.
pub(crate) async fn list(State(shared): State<Arc<Shared>>, Ids(account): Ids<String>) -> Response {
    let apps = shared.data().magic.get(&lower(account)).cloned().unwrap_or_default();
    ok(apps.into_iter().map(MagicApp::AccountApp).collect::<Vec<_>>())
}

/// `POST /accounts/{account_id}/magic/apps`: `name` and `type` required,
/// and `hostnames` or `ip_subnets` (see [`validate::magic_create`]);
/// answers 201, as Cloudflare's published schema does.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Ids(account): Ids<String>,
    body: Bytes,
) -> Result<Response, FakeError> {
    let object = object(&body)?;
    required_str(&object, "/name")?;
    required_str(&object, "/type")?;
    let new: MagicAppCreate = typed(object)?;
    validate::magic_create(&new)?;
    let mut data = shared.data();
    let apps = data.magic.entry(lower(account)).or_default();
    let id = new_id(|id| apps.iter().any(|app| app.account_app_id == id));
    let app = MagicAccountApp {
        account_app_id: id,
        hostnames: new.hostnames,
        ip_subnets: new.ip_subnets,
        name: Some(new.name),
        source_subnets: new.source_subnets,
        type_: Some(new.type_),
        extra: without_id(new.extra),
    };
    apps.push(app.clone());
    Ok(created(app))
}

/// `PUT /accounts/{account_id}/magic/apps/{account_app_id}`: the lists (and
/// unknown fields) become those sent; `name` and `type` change when sent.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Ids((account, app_id)): Ids<(String, String)>,
    body: Bytes,
) -> Result<Response, FakeError> {
    let (_, change) = change(&body)?;
    edit(&shared, account, &app_id, |app| {
        app.name = change.name.or(app.name.take());
        app.type_ = change.type_.or(app.type_.take());
        app.hostnames = change.hostnames;
        app.ip_subnets = change.ip_subnets;
        app.source_subnets = change.source_subnets;
        app.extra = without_id(change.extra);
    })
}

/// `PATCH /accounts/{account_id}/magic/apps/{account_app_id}`: only the
/// fields sent change.
pub(crate) async fn patch(
    State(shared): State<Arc<Shared>>,
    Ids((account, app_id)): Ids<(String, String)>,
    body: Bytes,
) -> Result<Response, FakeError> {
    let (sent, change) = change(&body)?;
    edit(&shared, account, &app_id, |app| {
        let has = |key: &str| sent.get(key).is_some_and(|v| !v.is_null());
        if change.name.is_some() {
            app.name = change.name;
        }
        if change.type_.is_some() {
            app.type_ = change.type_;
        }
        if has("hostnames") {
            app.hostnames = change.hostnames;
        }
        if has("ip_subnets") {
            app.ip_subnets = change.ip_subnets;
        }
        if has("source_subnets") {
            app.source_subnets = change.source_subnets;
        }
        app.extra.extend(without_id(change.extra));
    })
}

/// `DELETE /accounts/{account_id}/magic/apps/{account_app_id}`: answers the
/// deleted app.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Ids((account, app_id)): Ids<(String, String)>,
) -> Result<Response, FakeError> {
    let mut data = shared.data();
    let apps = data.magic.entry(lower(account)).or_default();
    let index = apps.iter().position(|app| app.account_app_id.eq_ignore_ascii_case(&app_id)).ok_or_else(not_found)?;
    Ok(ok(apps.remove(index)))
}

/// The body of a PUT or PATCH: as sent, and as the document's type; a
/// `name` or `type` sent must not be blank, and the rest of
/// [`validate::magic_update`] holds.
fn change(body: &[u8]) -> Result<(Map<String, Value>, MagicAppUpdate), FakeError> {
    let object = object(body)?;
    for field in ["/name", "/type"] {
        if object.get(&field[1..]).is_some_and(|v| !v.is_null()) {
            required_str(&object, field)?;
        }
    }
    let change: MagicAppUpdate = typed(object.clone())?;
    validate::magic_update(&object, &change)?;
    Ok((object, change))
}

/// Applies `change` to one app and answers the result.
fn edit(
    shared: &Shared,
    account: String,
    app_id: &str,
    change: impl FnOnce(&mut MagicAccountApp),
) -> Result<Response, FakeError> {
    let mut data = shared.data();
    let apps = data.magic.entry(lower(account)).or_default();
    let app = apps.iter_mut().find(|app| app.account_app_id.eq_ignore_ascii_case(app_id)).ok_or_else(not_found)?;
    change(app);
    Ok(ok(&*app))
}

/// Unknown fields as stored: never one named like the id.
fn without_id(mut extra: Map<String, Value>) -> Map<String, Value> {
    extra.remove("account_app_id");
    extra
}

/// The 404 for an app that does not exist.
fn not_found() -> FakeError {
    FakeError::not_found("App")
}
