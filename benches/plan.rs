//! The cost of planning apps as code (`Plan::compute`, no network): CPU
//! time and peak heap for 1,000 and 10,000 apps, each against a desired
//! state that matches (an export) and one that changes one app in ten.
//! Planning must grow linearly or better with the number of apps.
//!
//! `cargo bench --bench plan`; `-- --test` runs each case once. The lines
//! to grep start with `PLAN`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::Duration;

mod common;
use common::thread_cpu;

use cloudflare_spectrum::apps::{Desired, Plan, PlanOptions, Resource, Spectrum};
use cloudflare_spectrum::types::SpectrumApp;
use serde_json::json;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn record(delta: isize) {
    let now = LIVE.fetch_add(delta, Relaxed) + delta;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        record(-(layout.size() as isize));
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        record(size as isize - layout.size() as isize);
        unsafe { System.realloc(pointer, layout, size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `count` live apps of mixed shapes: full with dynamic edge IPs, a port
/// range, pay-as-you-go, static edge IPs on an ADDRESS record.
fn live(count: usize) -> Vec<SpectrumApp> {
    (0..count)
        .map(|n| {
            let mut app = json!({
                "id": format!("{n:032x}"),
                "created_on": "2024-01-01T00:00:00Z",
                "modified_on": "2024-01-02T00:00:00Z",
                "dns": { "type": "CNAME", "name": format!("app{n}.example.com") },
                "protocol": format!("tcp/{}", 1000 + n % 50_000),
            });
            match n % 4 {
                0 => {
                    app["traffic_type"] = json!("direct");
                    app["origin_direct"] = json!(["tcp://192.0.2.1:22", "tcp://192.0.2.2:22"]);
                    app["edge_ips"] = json!({ "type": "dynamic", "connectivity": "all" });
                    app["tls"] = json!("off");
                    app["proxy_protocol"] = json!("off");
                }
                1 => {
                    app["protocol"] = json!("tcp/2000-2010");
                    app["dns"]["name"] = json!(format!("range{n}.example.com"));
                    app["traffic_type"] = json!("direct");
                    app["origin_dns"] = json!({ "name": "origin.example.com", "ttl": 600 });
                    app["origin_port"] = json!("3000-3010");
                }
                2 => app["origin_direct"] = json!(["tcp://192.0.2.9:25565"]),
                _ => {
                    app["dns"]["type"] = json!("ADDRESS");
                    app["traffic_type"] = json!("direct");
                    app["origin_direct"] = json!(["tcp://192.0.2.3:443"]);
                    app["edge_ips"] = json!({ "type": "static", "ips": ["198.51.100.1", "2001:db8::1"] });
                }
            }
            serde_json::from_value(app).expect("a valid app")
        })
        .collect()
}

/// The export of `apps`, with one app in ten changed when `changed`.
fn desired(apps: &[SpectrumApp], changed: bool) -> Desired<Spectrum> {
    let mut configs: Vec<_> = apps.iter().map(Spectrum::config).collect();
    if changed {
        for config in configs.iter_mut().step_by(10) {
            config.tls = Some(cloudflare_spectrum::types::TlsMode::Full);
        }
    }
    Desired::new(configs)
}

/// (median CPU time of one plan, peak heap while planning) over `rounds`.
/// Each round times enough plans for 10,000 apps in all: the thread's CPU
/// clock advances in ticks of a few milliseconds on this kernel, too coarse
/// for one plan of 1,000 apps.
fn measure(apps: &[SpectrumApp], desired: &Desired<Spectrum>, rounds: usize) -> (Duration, usize) {
    let plans = (10_000 / apps.len()).max(1);
    let mut times = Vec::with_capacity(rounds);
    let mut peak = 0;
    for _ in 0..rounds {
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let started = thread_cpu();
        for _ in 0..plans {
            let plan =
                Plan::compute("023e105f4ecef8ad9ca31a8372d0c353", desired, apps, &PlanOptions::new()).expect("a plan");
            black_box(plan);
        }
        times.push((thread_cpu() - started) / plans as u32);
        peak = peak.max((PEAK.load(Relaxed) - before).max(0) as usize);
    }
    times.sort();
    (times[times.len() / 2], peak)
}

fn main() {
    let test_mode = std::env::args().any(|a| a == "--test");
    let rounds = if test_mode { 1 } else { 11 };
    let mut per_app = Vec::new();
    for count in [1_000, 10_000] {
        let apps = live(count);
        for changed in [false, true] {
            let desired = desired(&apps, changed);
            let (cpu, peak) = measure(&apps, &desired, rounds);
            let kind = if changed { "one in ten changed" } else { "matching" };
            println!(
                "PLAN {count:>6} apps, {kind:<18}: {:>8.2} ms CPU ({:.2} µs/app), peak heap {:.1} MiB ({:.0} B/app)",
                cpu.as_secs_f64() * 1e3,
                cpu.as_secs_f64() * 1e6 / count as f64,
                peak as f64 / (1 << 20) as f64,
                peak as f64 / count as f64
            );
            per_app.push((count, changed, cpu.as_secs_f64() / count as f64, peak as f64 / count as f64));
        }
    }
    for changed in [false, true] {
        let small = per_app.iter().find(|p| p.0 == 1_000 && p.1 == changed);
        let large = per_app.iter().find(|p| p.0 == 10_000 && p.1 == changed);
        if let (Some(small), Some(large)) = (small, large) {
            println!(
                "PLAN 10,000 vs 1,000 apps ({}): CPU per app × {:.2}, heap per app × {:.2} (1.00 is linear)",
                if changed { "changed" } else { "matching" },
                large.2 / small.2,
                large.3 / small.3
            );
        }
    }
}
