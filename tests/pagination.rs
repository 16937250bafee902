//! The lazy list stream: page requests, stop conditions, bounds.

mod support;

use cloudflare_spectrum::types::{SortDirection, SpectrumAppsOrder};
use cloudflare_spectrum::{Client, Credentials, Error, ListApps};
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::json;
use support::{ZONE, app};

fn id(n: usize) -> String {
    format!("{n:032x}")
}

fn page_body(ids: std::ops::Range<usize>, page: usize, per_page: usize, total: Option<usize>) -> serde_json::Value {
    let items: Vec<_> = ids.map(|n| app(&id(n))).collect();
    let mut info = json!({"page": page, "per_page": per_page, "count": items.len()});
    if let Some(total) = total {
        info["total_count"] = json!(total);
        info["total_pages"] = json!(total.div_ceil(per_page));
    }
    json!({"success": true, "errors": [], "messages": [], "result": items, "result_info": info})
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::api_token("t"))
        .max_retries(0)
        .build()
        .unwrap()
}

async fn serve_page(server: &MockServer, page: usize, per_page: usize, body: serde_json::Value) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/zones/{ZONE}/spectrum/apps"))
                .query_param("page", page.to_string())
                .query_param("per_page", per_page.to_string())
                .query_param("order", "created_on")
                .query_param("direction", "desc");
            then.status(200).json_body(body);
        })
        .await
}

fn query(per_page: u32) -> ListApps {
    ListApps::new().per_page(per_page).order(SpectrumAppsOrder::CreatedOn).direction(SortDirection::Desc)
}

#[tokio::test]
async fn three_pages_in_order_carrying_the_query() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (page, range) in [(1, 0..2), (2, 2..4), (3, 4..5)] {
        mocks.push(serve_page(&server, page, 2, page_body(range, page, 2, Some(5))).await);
    }
    let ids: Vec<String> = client(&server)
        .spectrum_apps_stream(ZONE, &query(2))
        .map_ok(|app| app.id.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, (0..5).map(id).collect::<Vec<_>>());
    for mock in mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let server = MockServer::start_async().await;
    let first = serve_page(&server, 1, 2, page_body(0..2, 1, 2, Some(6))).await;
    let second = serve_page(&server, 2, 2, page_body(2..4, 2, 2, Some(6))).await;
    let mut stream = client(&server).spectrum_apps_stream(ZONE, &query(2));
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    assert_eq!((first.calls_async().await, second.calls_async().await), (1, 0));
    stream.next().await.unwrap().unwrap();
    assert_eq!(second.calls_async().await, 1);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let server = MockServer::start_async().await;
    serve_page(&server, 1, 2, page_body(0..2, 1, 2, None)).await;
    serve_page(&server, 2, 2, page_body(0..0, 2, 2, None)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 2);
}

#[tokio::test]
async fn a_short_page_ends_the_stream() {
    let server = MockServer::start_async().await;
    serve_page(&server, 1, 3, page_body(0..3, 1, 3, None)).await;
    let second = serve_page(&server, 2, 3, page_body(3..4, 2, 3, None)).await;
    let third = serve_page(&server, 3, 3, page_body(9..12, 3, 3, None)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(3)).await.unwrap();
    assert_eq!(apps.len(), 4);
    assert_eq!((second.calls_async().await, third.calls_async().await), (1, 0));
}

#[tokio::test]
async fn a_repeated_page_is_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    // Claims 1000 apps but serves the same two on every page.
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/zones/{ZONE}/spectrum/apps"));
            then.status(200).json_body(page_body(0..2, 1, 2, Some(1000)));
        })
        .await;
    let err = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap_err();
    assert!(matches!(err, Error::Pagination(ref m) if m.contains("page 2 repeats")), "{err:?}");
}

#[tokio::test]
async fn the_page_cap_bounds_the_stream() {
    let server = MockServer::start_async().await;
    for page in 1..=3 {
        serve_page(&server, page, 1, page_body(page..page + 1, page, 1, Some(1000))).await;
    }
    let results: Vec<_> = client(&server).spectrum_apps_stream(ZONE, &query(1)).max_pages(3).collect().await;
    assert_eq!(results.len(), 4);
    assert!(results[..3].iter().all(Result::is_ok));
    assert!(matches!(&results[3], Err(Error::Pagination(m)) if m.contains("more than 3 pages")), "{:?}", results[3]);
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_the_error() {
    let server = MockServer::start_async().await;
    serve_page(&server, 1, 2, page_body(0..2, 1, 2, Some(4))).await;
    server
        .mock_async(|when, then| {
            when.method(GET).query_param("page", "2");
            then.status(403).json_body(json!({"success": false, "errors": [{"code": 10000, "message": "auth"}], "messages": [], "result": null}));
        })
        .await;
    let results: Vec<_> = client(&server).spectrum_apps_stream(ZONE, &query(2)).collect().await;
    assert_eq!(results.len(), 3);
    assert!(matches!(&results[2], Err(e) if e.is_auth() && e.codes() == vec![10000]));
}

#[tokio::test]
async fn page_zero_is_invalid_input() {
    let server = MockServer::start_async().await;
    let any = server.mock_async(|when, then| {
        when.any_request();
        then.status(200);
    });
    let any = any.await;
    let err = client(&server).spectrum_apps_list(ZONE, &ListApps::new().page(0)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { field: "page", .. }), "{err:?}");
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn a_server_paging_smaller_than_asked_loses_nothing() {
    // Asked for 5 per page, the server sends 2 per page and says so.
    let server = MockServer::start_async().await;
    for (page, range) in [(1, 0..2), (2, 2..4), (3, 4..5)] {
        serve_page(&server, page, 5, page_body(range, page, 2, Some(5))).await;
    }
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(5)).await.unwrap();
    assert_eq!(apps.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(), (0..5).map(id).collect::<Vec<_>>());
}

/// A page without `result_info` at all.
fn bare_page(ids: std::ops::Range<usize>) -> serde_json::Value {
    let items: Vec<_> = ids.map(|n| app(&id(n))).collect();
    json!({"success": true, "errors": [], "messages": [], "result": items})
}

/// A page whose `result_info` has no totals.
fn page_without_totals(ids: std::ops::Range<usize>, page: usize, per_page: usize) -> serde_json::Value {
    page_body(ids, page, per_page, None)
}

#[tokio::test]
async fn a_full_page_without_result_info_is_followed_by_the_next() {
    // Nothing says the list is complete after a full page: the stream asks
    // for the next one, and ends on the short page that follows.
    let server = MockServer::start_async().await;
    let first = serve_page(&server, 1, 2, bare_page(0..2)).await;
    let second = serve_page(&server, 2, 2, bare_page(2..4)).await;
    let third = serve_page(&server, 3, 2, bare_page(4..5)).await;
    let fourth = serve_page(&server, 4, 2, bare_page(5..7)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(), (0..5).map(id).collect::<Vec<_>>());
    let calls =
        (first.calls_async().await, second.calls_async().await, third.calls_async().await, fourth.calls_async().await);
    assert_eq!(calls, (1, 1, 1, 0), "a short page is the evidence; nothing after it is asked for");
}

#[tokio::test]
async fn a_full_last_page_without_result_info_ends_on_the_empty_page_after_it() {
    let server = MockServer::start_async().await;
    serve_page(&server, 1, 2, bare_page(0..2)).await;
    let empty = serve_page(&server, 2, 2, bare_page(0..0)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 2);
    assert_eq!(empty.calls_async().await, 1);
}

#[tokio::test]
async fn a_full_page_with_result_info_but_no_totals_is_followed_by_the_next() {
    let server = MockServer::start_async().await;
    serve_page(&server, 1, 2, page_without_totals(0..2, 1, 2)).await;
    let second = serve_page(&server, 2, 2, page_without_totals(2..3, 2, 2)).await;
    let third = serve_page(&server, 3, 2, page_without_totals(3..5, 3, 2)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 3);
    assert_eq!((second.calls_async().await, third.calls_async().await), (1, 0));
}

#[tokio::test]
async fn total_pages_ends_the_stream_even_on_a_full_page() {
    let server = MockServer::start_async().await;
    serve_page(&server, 1, 2, page_body(0..2, 1, 2, Some(4))).await;
    serve_page(&server, 2, 2, page_body(2..4, 2, 2, Some(4))).await;
    let third = serve_page(&server, 3, 2, page_body(4..6, 3, 2, Some(4))).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 4);
    assert_eq!(third.calls_async().await, 0);
}

#[tokio::test]
async fn total_pages_not_reached_goes_on_past_a_short_page() {
    // The totals are the evidence: a short page before the last is followed.
    let server = MockServer::start_async().await;
    let info = |page: usize, count: usize| json!({"page": page, "per_page": 2, "count": count, "total_pages": 3});
    let body = |ids: std::ops::Range<usize>, page: usize| {
        let items: Vec<_> = ids.clone().map(|n| app(&id(n))).collect();
        json!({"success": true, "errors": [], "messages": [], "result": items, "result_info": info(page, ids.len())})
    };
    serve_page(&server, 1, 2, body(0..1, 1)).await;
    serve_page(&server, 2, 2, body(1..3, 2)).await;
    serve_page(&server, 3, 2, body(3..4, 3)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 4);
}

#[tokio::test]
async fn total_count_alone_ends_the_stream_when_reached() {
    let server = MockServer::start_async().await;
    let body = |ids: std::ops::Range<usize>, page: usize| {
        let items: Vec<_> = ids.map(|n| app(&id(n))).collect();
        json!({"success": true, "errors": [], "messages": [], "result": items,
               "result_info": {"page": page, "per_page": 2, "total_count": 4}})
    };
    serve_page(&server, 1, 2, body(0..2, 1)).await;
    serve_page(&server, 2, 2, body(2..4, 2)).await;
    let third = serve_page(&server, 3, 2, body(4..6, 3)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 4);
    assert_eq!(third.calls_async().await, 0);
}

#[tokio::test]
async fn totals_that_contradict_each_other_are_an_error_not_a_quiet_end() {
    // The last page by total_pages arrives with 3 of the 5 items total_count
    // announced: items went missing, and the stream says so.
    let server = MockServer::start_async().await;
    let body = |ids: std::ops::Range<usize>, page: usize| {
        let items: Vec<_> = ids.map(|n| app(&id(n))).collect();
        json!({"success": true, "errors": [], "messages": [], "result": items,
               "result_info": {"page": page, "per_page": 2, "total_count": 5, "total_pages": 2}})
    };
    serve_page(&server, 1, 2, body(0..2, 1)).await;
    serve_page(&server, 2, 2, body(2..3, 2)).await;
    let results: Vec<_> = client(&server).spectrum_apps_stream(ZONE, &query(2)).collect().await;
    assert_eq!(results.len(), 4);
    assert!(results[..3].iter().all(Result::is_ok));
    assert!(
        matches!(&results[3], Err(Error::Pagination(m)) if m == "page 2 is the last of 2, but only 3 of the 5 items were sent"),
        "{:?}",
        results[3]
    );
}

#[tokio::test]
async fn result_info_with_integers_written_as_floats_still_ends_the_stream() {
    // `1.0` where an integer belongs still means 1.
    let server = MockServer::start_async().await;
    let body = |ids: std::ops::Range<usize>, page: f64| {
        let items: Vec<_> = ids.map(|n| app(&id(n))).collect();
        json!({"success": true, "errors": null, "result": items,
               "result_info": {"page": page, "per_page": 2.0, "count": 2e0, "total_count": 4.0, "total_pages": 2.0}})
    };
    serve_page(&server, 1, 2, body(0..2, 1.0)).await;
    serve_page(&server, 2, 2, body(2..4, 2.0)).await;
    let third = serve_page(&server, 3, 2, body(4..6, 3.0)).await;
    let apps = client(&server).spectrum_apps_list_all(ZONE, &query(2)).await.unwrap();
    assert_eq!(apps.len(), 4);
    assert_eq!(third.calls_async().await, 0);
}
