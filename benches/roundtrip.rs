//! Round trip and client CPU per request: this crate against a hand-written
//! reqwest + serde_json baseline, per operation, against the same canned
//! server on 127.0.0.1 (see BENCHMARKS.md).
//!
//! 1. criterion groups `roundtrip_<operation>` with functions `crate` and
//!    `baseline` (wall time per request);
//! 2. then a hand-timed section, `roundtrip_summary`: for each operation,
//!    rounds of requests alternating between the two sides, reporting wall
//!    time and client-thread CPU time (`getrusage(RUSAGE_THREAD)`) per
//!    request, and the ratio crate ÷ baseline.
//!
//! `cargo bench --bench roundtrip`; `-- --test` runs everything once.

mod common;

use std::time::{Duration, SystemTime};

use criterion::Criterion;

use common::{Args, Bench, Canned, OPS, Server, Side, client_runtime, criterion_median, spread, timed};

fn main() {
    let args = Args::parse();
    let started = SystemTime::now();
    let server = Server::start(Canned::new(1));
    let runtime = client_runtime();
    let bench = Bench::new(&server.base_url());
    runtime.block_on(bench.check());
    bench.check_headers(&runtime, &server);

    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for (op, name) in OPS {
        let mut group = criterion.benchmark_group(format!("roundtrip_{name}"));
        group.bench_function("crate", |b| b.to_async(&runtime).iter(|| bench.via_crate(op)));
        group.bench_function("baseline", |b| b.to_async(&runtime).iter(|| bench.via_baseline(op)));
        group.finish();
    }

    if args.selected("roundtrip_summary") {
        summary(&args, &runtime, &bench, started);
    }
    criterion.final_summary();
}

/// Per side, per round: (wall ns/request, CPU ns/request).
type Rounds = Vec<(f64, f64)>;

fn summary(args: &Args, runtime: &tokio::runtime::Runtime, bench: &Bench, started: SystemTime) {
    // 20 rounds × 100 = 2,000 requests per side and operation.
    let (rounds, per_round, warm_up) = if args.test_mode { (2, 3, 3) } else { (20, 100, 50) };
    println!();
    println!(
        "roundtrip_summary: {rounds} rounds × {per_round} requests per side and operation, sides alternating \
         (client CPU = user+sys of the client thread, getrusage(RUSAGE_THREAD); the server runs on another thread)"
    );
    println!(
        "{:<18} {:>24} {:>24} {:>26} {:>26} {:>16}",
        "operation",
        "crate wall µs/req",
        "baseline wall µs/req",
        "crate CPU µs/req",
        "baseline CPU µs/req",
        "criterion ratio"
    );
    let mut lines = Vec::new();
    for (op, name) in OPS {
        runtime.block_on(bench.run(Side::Crate, op, warm_up));
        runtime.block_on(bench.run(Side::Baseline, op, warm_up));
        let (mut ours, mut theirs): (Rounds, Rounds) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            // Alternate which side goes first, so drift in the machine's load
            // is shared evenly.
            let order = if round % 2 == 0 { [Side::Crate, Side::Baseline] } else { [Side::Baseline, Side::Crate] };
            for side in order {
                let ((), wall, cpu) = timed(|| runtime.block_on(bench.run(side, op, per_round)));
                let per = |d: Duration| d.as_nanos() as f64 / per_round as f64;
                let sample = (per(wall), per(cpu));
                if side == Side::Crate { ours.push(sample) } else { theirs.push(sample) }
            }
        }
        let column = |rounds: &Rounds, pick: fn(&(f64, f64)) -> f64| {
            let (median, min, max) = spread(&rounds.iter().map(pick).collect::<Vec<_>>());
            (median / 1e3, min / 1e3, max / 1e3)
        };
        let cell = |(median, min, max): (f64, f64, f64)| format!("{median:.1} [{min:.1}–{max:.1}]");
        let (wall_c, wall_b) = (column(&ours, |s| s.0), column(&theirs, |s| s.0));
        let (cpu_c, cpu_b) = (column(&ours, |s| s.1), column(&theirs, |s| s.1));
        let paired = |pick: fn(&(f64, f64)) -> f64| {
            spread(&ours.iter().zip(&theirs).map(|(a, b)| pick(a) / pick(b)).collect::<Vec<_>>())
        };
        let (wall_ratio, cpu_ratio) = (paired(|s| s.0), paired(|s| s.1));
        let group = format!("roundtrip_{name}");
        let criterion_ratio =
            match (criterion_median(&group, "crate", started), criterion_median(&group, "baseline", started)) {
                (Some((ours, ..)), Some((theirs, ..))) => format!("{:.3}", ours / theirs),
                _ => "-".to_owned(),
            };
        println!(
            "{name:<18} {:>24} {:>24} {:>26} {:>26} {criterion_ratio:>16}",
            cell(wall_c),
            cell(wall_b),
            cell(cpu_c),
            cell(cpu_b)
        );
        lines.push(format!(
            "RATIO {name}: wall crate/baseline = {:.3} [{:.3}–{:.3}], client CPU crate/baseline = {:.3} [{:.3}–{:.3}], \
             criterion median ratio = {criterion_ratio}; CPU/request crate {:.1} µs, baseline {:.1} µs",
            wall_ratio.0, wall_ratio.1, wall_ratio.2, cpu_ratio.0, cpu_ratio.1, cpu_ratio.2, cpu_c.0, cpu_b.0
        ));
    }
    println!("(ratios: median of the per-round ratios [min–max]; target ≤ 1.10)");
    println!(
        "(response bodies: get/create/update {} B, delete {} B, summary {} B, list page {} B)",
        common::app_body().len(),
        common::delete_body().len(),
        common::summary_body().len(),
        common::list_page_body(1, 1).len()
    );
    for line in lines {
        println!("{line}");
    }
}
