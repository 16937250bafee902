//! The router, built from [`crate::OPERATIONS`]: each operation of the
//! document is served by the fake's handler for it ([`HANDLERS`]) or, when
//! there is none, answered with a 404 saying it is not implemented.

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};

use super::state::Shared;
use super::{analytics, apps, envelope, intercept, magic};
use crate::{OPERATIONS, OperationInfo};

/// The route of one operation, given the method the document gives it.
pub(crate) type Route = fn(MethodFilter) -> MethodRouter<Arc<Shared>>;

/// The fake's handler for each operation it implements, by operation id.
pub(crate) const HANDLERS: &[(&str, Route)] = &[
    ("magic_apps_list", |method| on(method, magic::list)),
    ("magic_apps_create", |method| on(method, magic::create)),
    ("magic_apps_update", |method| on(method, magic::update)),
    ("magic_apps_patch", |method| on(method, magic::patch)),
    ("magic_apps_delete", |method| on(method, magic::delete)),
    ("spectrum_analytics_current", |method| on(method, analytics::current)),
    ("spectrum_analytics_bytime", |method| on(method, analytics::bytime)),
    ("spectrum_analytics_summary", |method| on(method, analytics::summary)),
    ("spectrum_apps_list", |method| on(method, apps::list)),
    ("spectrum_apps_create", |method| on(method, apps::create)),
    ("spectrum_apps_get", |method| on(method, apps::get)),
    ("spectrum_apps_update", |method| on(method, apps::update)),
    ("spectrum_apps_delete", |method| on(method, apps::delete)),
    ("spectrum_protocols_list", |method| on(method, apps::protocols)),
];

/// The fake's API under `/client/v4`: one route per path of
/// [`OPERATIONS`], each method served by the handler `handlers` has for
/// its operation, unless the operation is in `disabled`; every other
/// operation answers [`envelope::not_implemented`]. Then the fallbacks,
/// the fault-injection and credential middleware, and the state.
pub(crate) fn router(shared: Arc<Shared>, handlers: &[(&str, Route)], disabled: &[String]) -> Router {
    let mut paths: Vec<&str> = Vec::new();
    for operation in OPERATIONS {
        if !paths.contains(&operation.path) {
            paths.push(operation.path);
        }
    }
    let mut api = Router::new();
    for path in paths {
        let route = OPERATIONS
            .iter()
            .filter(|operation| operation.path == path)
            .filter_map(|operation| route(operation, handlers, disabled))
            .reduce(MethodRouter::merge);
        if let Some(route) = route {
            api = api.route(path, route);
        }
    }
    let api = api.method_not_allowed_fallback(envelope::method_not_allowed);
    Router::new()
        .nest("/client/v4", api)
        .fallback(envelope::no_route)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), intercept::intercept))
        .with_state(shared)
}

/// The route of one operation: its handler, or the not-implemented answer
/// naming it; `None` for a method axum cannot route.
fn route(
    operation: &'static OperationInfo,
    handlers: &[(&str, Route)],
    disabled: &[String],
) -> Option<MethodRouter<Arc<Shared>>> {
    let method = Method::from_bytes(operation.method.as_bytes()).ok()?;
    let filter = MethodFilter::try_from(method).ok()?;
    let enabled = !disabled.iter().any(|id| id == operation.operation_id);
    let handler = handlers.iter().find(|(id, _)| *id == operation.operation_id).filter(|_| enabled);
    Some(match handler {
        Some((_, route)) => route(filter),
        None => on(filter, move || async move { envelope::not_implemented(operation) }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kits::fake::state::Accepted;
    use crate::kits::fake::{API_KEY, EMAIL, TOKEN, USER_SERVICE_KEY};

    /// With an empty handler table every operation is answered "not
    /// implemented", naming it.
    #[tokio::test]
    async fn operations_without_a_handler_are_not_implemented() {
        let accepted = Accepted {
            token: TOKEN.into(),
            email: EMAIL.into(),
            api_key: API_KEY.into(),
            user_service_key: USER_SERVICE_KEY.into(),
        };
        let app = router(Arc::new(Shared::new(accepted)), &[], &[]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::new();
        let check = async {
            for operation in OPERATIONS {
                let path = operation
                    .path
                    .replace("{zone_id}", crate::kits::fake::ZONE_ID)
                    .replace("{account_id}", crate::kits::fake::ACCOUNT_ID)
                    .replace("{app_id}", crate::kits::fake::ZONE_ID)
                    .replace("{account_app_id}", crate::kits::fake::ZONE_ID);
                let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
                let response = http
                    .request(method, format!("http://{addr}/client/v4{path}"))
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status().as_u16(), 404, "{}", operation.operation_id);
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["errors"][0]["code"], crate::kits::fake::codes::NOT_IMPLEMENTED);
                let message = body["errors"][0]["message"].as_str().unwrap();
                assert!(message.contains(operation.operation_id), "{message}");
                assert!(message.contains("not implemented in the fake"), "{message}");
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), check).await.expect("within 30 s");
        server.abort();
    }
}
