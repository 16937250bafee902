//! Memory, measured by a counting global allocator (see BENCHMARKS.md):
//!
//! 1. `list_memory`: the peak heap of streaming 10,000 apps (100 pages of
//!    100) with `Client::spectrum_apps_stream`, against streaming a single
//!    page. Collecting everything with `spectrum_apps_list_all` is shown for
//!    contrast: it holds every app, so it must grow with the count; the
//!    stream must not.
//! 2. `allocations`: heap allocations per request of each operation, this
//!    crate against the hand-written baseline (each allocation costs CPU).
//!
//! `cargo bench --bench memory`; `-- --test` runs each case once.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::pin::pin;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::Instant;

use cloudflare_spectrum::{Client, ListApps};
use futures::TryStreamExt as _;

use common::{
    Args, Bench, Canned, ONE_PAGE_ZONE, OPS, PER_PAGE, Server, Side, ZONE, client_runtime, crate_client, spread,
};

/// Counts live heap bytes and their peak, for the whole process and for the
/// allocations and frees made on the client's thread (the server, which
/// runs on its own thread, is then left out).
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static CLIENT_LIVE: AtomicIsize = AtomicIsize::new(0);
static CLIENT_PEAK: AtomicIsize = AtomicIsize::new(0);
/// Allocation calls (alloc, alloc_zeroed, realloc) on the client's thread,
/// and the bytes they asked for.
static CLIENT_CALLS: AtomicIsize = AtomicIsize::new(0);
static TOTAL: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    static CLIENT_THREAD: Cell<bool> = const { Cell::new(false) };
}

fn record(delta: isize, call: bool) {
    let now = LIVE.fetch_add(delta, Relaxed) + delta;
    PEAK.fetch_max(now, Relaxed);
    if CLIENT_THREAD.try_with(Cell::get).unwrap_or(false) {
        let now = CLIENT_LIVE.fetch_add(delta, Relaxed) + delta;
        CLIENT_PEAK.fetch_max(now, Relaxed);
        if call {
            CLIENT_CALLS.fetch_add(1, Relaxed);
            TOTAL.fetch_add(delta.max(0), Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counting has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record(layout.size() as isize, true);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record(layout.size() as isize, true);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) };
        record(-(layout.size() as isize), false);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            record(new_size as isize - layout.size() as isize, true);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak heap above the level at the start, while `f` runs: (client thread,
/// whole process), in bytes.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (base, client_base) = (LIVE.load(Relaxed), CLIENT_LIVE.load(Relaxed));
    PEAK.store(base, Relaxed);
    CLIENT_PEAK.store(client_base, Relaxed);
    let out = f();
    let process = (PEAK.load(Relaxed) - base) as f64;
    let client = (CLIENT_PEAK.load(Relaxed) - client_base) as f64;
    (out, client, process)
}

/// Streams every app of `zone`, touching each and keeping none.
async fn stream(client: &Client, zone: &str) -> usize {
    let mut apps = pin!(client.spectrum_apps_stream(zone, &ListApps::new()));
    let mut count = 0;
    while let Some(app) = apps.try_next().await.expect("stream") {
        black_box(&app);
        count += 1;
    }
    count
}

/// Collects every app of `zone`.
async fn list_all(client: &Client, zone: &str) -> usize {
    let apps = client.spectrum_apps_list_all(zone, &ListApps::new()).await.expect("list_all");
    black_box(&apps);
    apps.len()
}

const PAGES: usize = 100;

fn main() {
    let args = Args::parse();
    CLIENT_THREAD.with(|tracked| tracked.set(true));
    let server = Server::start(Canned::new(PAGES));
    let runtime = client_runtime();
    if args.selected("list_memory") {
        list_memory(&args, &runtime, &crate_client(&server.base_url()));
    }
    if args.selected("allocations") {
        allocations(&args, &runtime, &Bench::new(&server.base_url()));
    }
}

/// Allocation calls and bytes allocated per request on the client's thread.
fn allocations(args: &Args, runtime: &tokio::runtime::Runtime, bench: &Bench) {
    let count = if args.test_mode { 3 } else { 200 };
    runtime.block_on(bench.check());
    println!();
    println!("allocations: heap allocation calls and bytes per request on the client thread, {count} requests each");
    for (op, name) in OPS {
        let mut cells = Vec::new();
        for side in [Side::Crate, Side::Baseline] {
            runtime.block_on(bench.run(side, op, 3));
            let (calls, bytes) = (CLIENT_CALLS.load(Relaxed), TOTAL.load(Relaxed));
            runtime.block_on(bench.run(side, op, count));
            let per = |delta: isize| delta as f64 / count as f64;
            cells.push((per(CLIENT_CALLS.load(Relaxed) - calls), per(TOTAL.load(Relaxed) - bytes)));
        }
        let [(ours, our_bytes), (theirs, their_bytes)] = [cells[0], cells[1]];
        println!(
            "ALLOCS {name:<18} crate {ours:>7.1} allocations ({our_bytes:>8.0} B), baseline {theirs:>7.1} ({their_bytes:>8.0} B), \
             crate − baseline {:+.1}",
            ours - theirs
        );
    }
}

/// Peak heap of streaming (and collecting) one page and 100 pages.
fn list_memory(args: &Args, runtime: &tokio::runtime::Runtime, client: &Client) {
    let repeats = if args.test_mode { 1 } else { 5 };

    // Warm up: the connection, lazily built statics, the allocator's arenas.
    assert_eq!(runtime.block_on(stream(client, ONE_PAGE_ZONE)), PER_PAGE);
    assert_eq!(runtime.block_on(stream(client, ZONE)), PAGES * PER_PAGE);

    println!();
    println!(
        "list_memory: peak heap above the starting level, counting global allocator; {repeats} runs each, \
         median [min–max]; 'client' counts the client thread only, 'process' includes the server's thread"
    );
    let mut client_medians = Vec::new();
    let cases: [(&str, bool, &str, usize); 4] = [
        ("stream 1 page", true, ONE_PAGE_ZONE, PER_PAGE),
        ("stream 100 pages", true, ZONE, PAGES * PER_PAGE),
        ("list_all 1 page", false, ONE_PAGE_ZONE, PER_PAGE),
        ("list_all 100 pages", false, ZONE, PAGES * PER_PAGE),
    ];
    for (name, streaming, zone, expected) in cases {
        let (mut client_peaks, mut process_peaks, mut seconds) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..repeats {
            let started = Instant::now();
            let (count, client_peak, process_peak) = peak_of(|| {
                runtime.block_on(async {
                    if streaming { stream(client, zone).await } else { list_all(client, zone).await }
                })
            });
            seconds.push(started.elapsed().as_secs_f64());
            assert_eq!(count, expected, "{name}");
            client_peaks.push(client_peak / 1024.0);
            process_peaks.push(process_peak / 1024.0);
        }
        let (ours, client_min, client_max) = spread(&client_peaks);
        let (process, process_min, process_max) = spread(&process_peaks);
        let (time, ..) = spread(&seconds);
        println!(
            "MEMORY {name:<18} ({expected:>6} apps): client peak {ours:>8.0} KiB [{client_min:.0}–{client_max:.0}], \
             process peak {process:>8.0} KiB [{process_min:.0}–{process_max:.0}], {:.0} apps/s",
            expected as f64 / time
        );
        client_medians.push(ours);
    }
    println!(
        "MEMORY ratio 100 pages / 1 page: stream {:.2}× (target: same order, not ×{PAGES}), list_all {:.2}× (expected to grow)",
        client_medians[1] / client_medians[0],
        client_medians[3] / client_medians[2]
    );
}
