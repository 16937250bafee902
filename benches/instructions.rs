//! Instructions per call, counted by callgrind: this crate against the
//! hand-written reqwest + serde_json floor (`Baseline` in `common`), per
//! operation, against the same canned server on 127.0.0.1; and the cost of
//! building a `Client` (see BENCHMARKS.md, section 1).
//!
//! The binary re-runs itself under `valgrind --tool=callgrind`, once per
//! case and run, with collection off at start and toggled on and off
//! around one function, [`callgrind_measured_region`]: callgrind keeps that
//! state per thread, so what is counted is the user-space instructions the
//! client's thread executes inside it (request building, reqwest and
//! hyper's connection task, which run on that thread's current-thread
//! runtime, reading, decoding and dropping the result), and nothing of the
//! server's thread or of the kernel. The figure per call is the count over
//! the region divided by the calls made in it, after a warm-up outside it
//! (the connection is open, lazily built statics are built).
//!
//! Without valgrind (`valgrind --version` fails; `VALGRIND` names another
//! binary) it prints why and exits successfully.
//!
//! `cargo bench --bench instructions`; a filter selects cases by name
//! (`-- get_app`, `-- client_build`); `-- --test` runs each case once with
//! few calls. The callgrind files are kept in
//! `target/instructions/<case>.<run>.out` for `callgrind_annotate` and
//! `benches/callgrind_diff.py`.

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Args, Bench, Canned, Op, Server, Side, client_runtime, crate_client};

/// Set in the child: the case it measures, and how many calls.
const CASE_ENV: &str = "SPECTRUM_BENCH_INSTRUCTIONS_CASE";
const COUNT_ENV: &str = "SPECTRUM_BENCH_INSTRUCTIONS_COUNT";
/// Which run of the case this is (from 0): see `measure`.
const RUN_ENV: &str = "SPECTRUM_BENCH_INSTRUCTIONS_RUN";
/// The function callgrind counts inside (`--toggle-collect`).
const REGION: &str = "callgrind_measured_region";
/// Calls made before the region, on the same client and connection: 3 in
/// the first run of a case, 2 more in each next one (see `measure`).
const WARM_UP: usize = 3;
/// Bytes left allocated before the region, per run (see `measure`).
const PAD: usize = 8_192;

/// A `reqwest::Client` (or the crate's `Client`) built in the region.
#[derive(Clone, Copy)]
enum Build {
    /// `Client::builder()…build()` for an `http://` base URL.
    Crate,
    /// The floor: `reqwest::Client::builder()` with the crate's settings
    /// (`common::floor_http_client`), no CA store for `http://`.
    Floor,
    /// The same settings with reqwest's default TLS configuration.
    DefaultTls,
}

#[derive(Clone, Copy)]
enum Work {
    Call(Side, Op),
    /// Builds; `first`: the first build in the process (one build, with no
    /// warm-up), else steady builds after one outside the region.
    Build(Build, bool),
}

struct Case {
    name: String,
    work: Work,
    /// Calls (or builds) in the region, outside `--test`.
    count: usize,
    /// Runs of the case (each its own process), outside `--test`.
    runs: usize,
}

/// The operations counted (their names as in `common::OPS`), with the calls
/// in the region and the runs. The list page varies most between runs (by
/// up to 1.5 %, see `measure`): more runs.
const CALLS: [(Op, &str, usize, usize); 6] = [
    (Op::GetApp, "get_app", 40, 5),
    (Op::CreateApp, "create_app", 40, 5),
    (Op::UpdateApp, "update_app", 40, 5),
    (Op::DeleteApp, "delete_app", 40, 5),
    (Op::ListPage, "list_page_100", 10, 9),
    (Op::AnalyticsSummary, "analytics_summary", 40, 5),
];

const BUILDS: [(Build, &str); 3] =
    [(Build::Crate, "crate"), (Build::Floor, "floor"), (Build::DefaultTls, "default_tls")];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (op, name, count, runs) in CALLS {
        for (side, who) in [(Side::Crate, "crate"), (Side::Baseline, "baseline")] {
            cases.push(Case { name: format!("{name}.{who}"), work: Work::Call(side, op), count, runs });
        }
    }
    for (build, who) in BUILDS {
        cases.push(Case { name: format!("client_build.{who}"), work: Work::Build(build, false), count: 10, runs: 3 });
        cases.push(Case {
            name: format!("client_build_first.{who}"),
            work: Work::Build(build, true),
            count: 1,
            runs: 3,
        });
    }
    cases
}

/// Everything callgrind counts runs inside this function (and nothing of
/// it is inlined into its caller). Unmangled, so `--toggle-collect` finds
/// it by its plain name.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn callgrind_measured_region(work: &mut dyn FnMut()) {
    work();
    black_box(());
}

const BUILD_BASE_URL: &str = "http://127.0.0.1:9";

fn build(kind: Build) -> Box<dyn std::any::Any> {
    match kind {
        Build::Crate => Box::new(crate_client(BUILD_BASE_URL)),
        Build::Floor => Box::new(common::floor_http_client(BUILD_BASE_URL)),
        Build::DefaultTls => Box::new(common::default_tls_http_client()),
    }
}

/// The child, under callgrind: set up, warm up, then the measured region.
fn child(case: &Case, count: usize, run: usize) {
    match case.work {
        Work::Call(side, op) => {
            // No bytime report: building it under valgrind takes seconds.
            let server = Server::start(Canned::with_bytime(1, 0));
            let runtime = client_runtime();
            let bench = Bench::new(&server.base_url());
            runtime.block_on(bench.run(side, op, WARM_UP + 2 * run));
            // A different heap layout in each run (see `measure`).
            std::mem::forget(black_box(Vec::<u8>::with_capacity(PAD * run + 1)));
            callgrind_measured_region(&mut || runtime.block_on(bench.run(side, op, count)));
        }
        Work::Build(kind, first) => {
            if !first {
                drop(black_box(build(kind)));
            }
            let mut built = Vec::with_capacity(count);
            // Only the builds are counted, not the drops.
            callgrind_measured_region(&mut || {
                for _ in 0..count {
                    built.push(black_box(build(kind)));
                }
            });
            drop(built);
        }
    }
}

fn target_dir() -> PathBuf {
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target);
    }
    // …/target/release/deps/<bench>-<hash>
    let exe = std::env::current_exe().expect("current exe");
    exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| "target".into())
}

/// The `totals:` (or `summary:`) line of a callgrind output file: Ir.
fn total_instructions(path: &Path) -> u64 {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .find_map(|line| line.strip_prefix("totals:").or_else(|| line.strip_prefix("summary:")))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}: no totals line", path.display()))
}

/// The instructions counted inside glibc's `realloc` (inclusive: the copies
/// of the buffers it moves), read with `callgrind_annotate`, if that runs.
fn realloc_instructions(path: &Path) -> Option<u64> {
    let output = Command::new("callgrind_annotate")
        .args(["--inclusive=yes", "--threshold=100"])
        .arg(path)
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    // `  501,697 ( 2.12%)  ./malloc/./malloc/malloc.c:realloc [/usr/lib/…/libc.so.6]`
    String::from_utf8_lossy(&output.stdout).lines().find_map(|line| {
        let (count, rest) = line.trim_start().split_once(' ')?;
        let (_, place) = rest.split_once(")  ")?;
        let function = place.split(" [").next()?.rsplit(':').next()?;
        (function == "realloc").then(|| count.replace(',', "").parse().ok())?
    })
}

/// Runs `case` under callgrind; instructions per call, and of them those
/// inside `realloc` (when `callgrind_annotate` can tell).
///
/// A call's count depends on the heap's layout: whether a growing buffer's
/// `realloc` extends it in place or moves it (copying it, which callgrind
/// counts byte by byte for `rep movsb`: up to 1.5 % of a list page, whose
/// `Vec<SpectrumApp>` grows six times while it is decoded). One binary lays
/// the heap out the same way in every run, so each run of a case makes a
/// different number of warm-up calls and leaves a different block allocated
/// before the region, and the verdicts take the minimum over the runs: the
/// count with the fewest moves, on both sides.
fn measure(valgrind: &str, case: &Case, count: usize, run: usize, out: &Path) -> (f64, Option<f64>) {
    let exe = std::env::current_exe().expect("current exe");
    let output = Command::new(valgrind)
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg(format!("--toggle-collect={REGION}"))
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .env(CASE_ENV, &case.name)
        .env(COUNT_ENV, count.to_string())
        .env(RUN_ENV, run.to_string())
        .output()
        .expect("runs valgrind");
    if !output.status.success() {
        panic!("{}: valgrind failed ({}):\n{}", case.name, output.status, String::from_utf8_lossy(&output.stderr));
    }
    let per = |n: u64| n as f64 / count as f64;
    (per(total_instructions(out)), realloc_instructions(out).map(per))
}

/// `n` rounded, with thousands separators (and its sign when negative).
fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.abs());
    let mut out = String::from(if n.round() < 0.0 { "-" } else { "" });
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Per case: median, min, max of the repetitions.
struct Measured {
    name: String,
    median: f64,
    min: f64,
    max: f64,
    /// The minimum over the runs of the count without `realloc`.
    min_without_realloc: Option<f64>,
}

fn main() {
    let args = Args::parse();
    if let Ok(name) = std::env::var(CASE_ENV) {
        let count = std::env::var(COUNT_ENV).ok().and_then(|n| n.parse().ok()).expect("the call count");
        let run = std::env::var(RUN_ENV).ok().and_then(|n| n.parse().ok()).unwrap_or(0);
        let case = cases().into_iter().find(|c| c.name == name).expect("a known case");
        child(&case, count, run);
        return;
    }
    if args.list_mode {
        for case in cases() {
            println!("instructions/{}: benchmark", case.name);
        }
        return;
    }
    let selected: Vec<Case> =
        cases().into_iter().filter(|c| args.selected(&format!("instructions/{}", c.name))).collect();
    if selected.is_empty() {
        return;
    }
    let valgrind = std::env::var("VALGRIND").unwrap_or_else(|_| "valgrind".to_owned());
    let version = match Command::new(&valgrind).arg("--version").output() {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        _ => {
            println!(
                "instructions: skipped: `{valgrind} --version` did not run, so no instruction counts \
                 (install valgrind, e.g. `apt-get install valgrind`, or set VALGRIND)"
            );
            return;
        }
    };

    // Both sides answer the same and send the same headers (natively,
    // before any counting).
    {
        let server = Server::start(Canned::with_bytime(1, 0));
        let runtime = client_runtime();
        let bench = Bench::new(&server.base_url());
        runtime.block_on(bench.check());
        let headers = bench.check_headers(&runtime, &server);
        println!("instructions: both sides return equal values and send the same headers; for example:");
        for (name, headers) in headers.iter().filter(|(name, _)| ["get_app", "create_app"].contains(name)) {
            let shown: Vec<String> = headers
                .iter()
                .map(|(k, v)| if k == "authorization" { format!("{k}: (redacted)") } else { format!("{k}: {v}") })
                .collect();
            println!("  {name}: {}", shown.join(" | "));
        }
    }

    let quick = args.test_mode;
    let runs = |case: &Case| if quick { 1 } else { case.runs };
    let dir = target_dir().join("instructions");
    std::fs::create_dir_all(&dir).expect("creates target/instructions");
    println!("instructions: {version}, callgrind, client thread only, user space; files in {}", dir.display());
    let mut results = Vec::new();
    for case in &selected {
        let count = if quick { case.count.min(2) } else { case.count };
        let runs: Vec<(f64, Option<f64>)> = (0..runs(case))
            .map(|rep| measure(&valgrind, case, count, rep, &dir.join(format!("{}.{rep}.out", case.name))))
            .collect();
        let mut per_call: Vec<f64> = runs.iter().map(|(total, _)| *total).collect();
        per_call.sort_by(f64::total_cmp);
        let without: Option<Vec<f64>> = runs.iter().map(|(total, realloc)| realloc.map(|r| total - r)).collect();
        let measured = Measured {
            name: case.name.clone(),
            median: per_call[per_call.len() / 2],
            min: per_call[0],
            max: per_call[per_call.len() - 1],
            min_without_realloc: without.and_then(|w| w.into_iter().min_by(f64::total_cmp)),
        };
        println!(
            "  {:<30} min {:>10}, median {:>10} [max {}] instructions per {} ({count} in the region, {} runs)",
            measured.name,
            thousands(measured.min),
            thousands(measured.median),
            thousands(measured.max),
            if matches!(case.work, Work::Build(..)) { "build" } else { "call" },
            per_call.len(),
        );
        if let (Work::Call(..), Some(without)) = (case.work, measured.min_without_realloc) {
            println!("  {:<30} min {:>10} without realloc", "", thousands(without));
        }
        results.push(measured);
    }
    summary(&results);
}

/// The verdicts compare the minimum of the runs (see `measure`); the median
/// is shown beside it.
fn summary(results: &[Measured]) {
    let find = |name: &str| results.iter().find(|m| m.name == name);
    println!();
    for (_, name, ..) in CALLS {
        if let (Some(ours), Some(floor)) = (find(&format!("{name}.crate")), find(&format!("{name}.baseline"))) {
            let ratio = ours.min / floor.min;
            println!(
                "INSTR {name}: crate {}, floor {} instructions per call (minimum of the runs); crate/floor = {ratio:.3} \
                 (medians {:.3}), crate − floor = {}{}; target ≤ 1.00: {}",
                thousands(ours.min),
                thousands(floor.min),
                ours.median / floor.median,
                if ours.min >= floor.min { "+" } else { "" },
                thousands(ours.min - floor.min),
                if ratio <= 1.0 { "met" } else { "missed" }
            );
            if let (Some(a), Some(b)) = (ours.min_without_realloc, floor.min_without_realloc) {
                println!(
                    "INSTR {name} without realloc: crate {}, floor {}; crate/floor = {:.3}",
                    thousands(a),
                    thousands(b),
                    a / b
                );
            }
        }
    }
    for (kind, label) in [("client_build", "steady"), ("client_build_first", "first in the process")] {
        let cell = |who: &str| find(&format!("{kind}.{who}")).map(|m| m.min);
        if let Some(ours) = cell("crate") {
            let floor = cell("floor").map_or("-".to_owned(), |f| format!("{} ({:.2}×)", thousands(f), ours / f));
            let default = cell("default_tls").map_or("-".to_owned(), thousands);
            println!(
                "INSTR {kind} ({label}): crate Client {} instructions, floor reqwest::Client {floor}, \
                 reqwest with its default TLS {default}; target crate ≤ 2,000,000: {}",
                thousands(ours),
                if ours <= 2e6 { "met" } else { "missed" }
            );
        }
    }
}
