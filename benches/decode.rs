//! Decode only: a 100-app list page and a 1,000-row bytime report, decoded
//! with `serde_json::from_slice` into the crate's generated envelope types
//! and into `serde_json::Value`; throughput in MB/s (see BENCHMARKS.md).
//!
//! `cargo bench --bench decode`; `-- --test` runs everything once.

mod common;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use cloudflare_spectrum::types::{SpectrumAnalyticsReportResponse, SpectrumAppListResponse};
use criterion::{Criterion, Throughput};
use serde::de::DeserializeOwned;
use serde_json::Value;

use common::{Args, PER_PAGE, bytime_body, criterion_median, list_page_body};

fn group<T: DeserializeOwned>(criterion: &mut Criterion, name: &str, body: &Bytes, check: impl Fn(&T) -> bool) {
    let typed: T = serde_json::from_slice(body).expect("decodes into the crate's types");
    assert!(check(&typed), "{name}: unexpected content");
    let mut group = criterion.benchmark_group(name);
    group.throughput(Throughput::BytesDecimal(body.len() as u64));
    group.bench_function("crate_types", |b| b.iter(|| serde_json::from_slice::<T>(black_box(body)).unwrap()));
    group.bench_function("serde_json_value", |b| b.iter(|| serde_json::from_slice::<Value>(black_box(body)).unwrap()));
    group.finish();
}

fn main() {
    let args = Args::parse();
    let started = SystemTime::now();
    let list = list_page_body(1, 1);
    let bytime = bytime_body(1_000);
    let mut criterion = Criterion::default()
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    group::<SpectrumAppListResponse>(&mut criterion, "decode_list_page_100", &list, |e| e.result.len() == PER_PAGE);
    group::<SpectrumAnalyticsReportResponse>(&mut criterion, "decode_bytime_1000", &bytime, |e| {
        e.result.data.len() == 1_000
    });

    if args.selected("decode_summary") {
        println!();
        println!("decode_summary (criterion medians; MB = 10^6 bytes):");
        for (name, body) in [("decode_list_page_100", &list), ("decode_bytime_1000", &bytime)] {
            let mbps = |ns: f64| body.len() as f64 / ns * 1e3;
            let mut cells = Vec::new();
            for function in ["crate_types", "serde_json_value"] {
                match criterion_median(name, function, started) {
                    Some((median, low, high)) => cells.push(format!(
                        "{function} {:.0} MB/s [{:.0}–{:.0}] ({:.1} µs)",
                        mbps(median),
                        mbps(high),
                        mbps(low),
                        median / 1e3
                    )),
                    None => cells.push(format!("{function} -")),
                }
            }
            println!("DECODE {name} ({} bytes): {}", body.len(), cells.join(", "));
        }
    }
    criterion.final_summary();
}
