//! Apps as code: `cargo run --example apps_as_code -- export|plan|apply FILE [--prune] [--yes]`.
//!
//! * `export FILE` writes the zone's Spectrum applications to FILE as a
//!   desired state (TOML when FILE ends in `.toml`, JSON otherwise).
//! * `plan FILE` prints what it takes to make the zone match FILE: `+ create`,
//!   `~ update` (each field `old → new`), `-/+ replace` (with the reason), and,
//!   with `--prune`, `- delete` for the applications FILE does not hold
//!   (without it they are listed as unmanaged and left alone).
//! * `apply FILE` prints the plan, asks for confirmation (type `yes`; `--yes`
//!   skips the question), applies it, prints what was done and then a fresh
//!   plan, which is empty when everything went through.
//!
//! With no Cloudflare credentials in the environment it runs against the
//! crate's in-process fake API on 127.0.0.1, seeded with the six applications
//! of [`SEED`] (every run seeds it the same way, as the fake lives only for
//! the run), and applies without asking. `examples/apps.toml` differs from
//! them in every kind of change:
//!
//! ```text
//! cargo run --example apps_as_code -- plan examples/apps.toml --prune
//! ```
//!
//! With `CLOUDFLARE_API_TOKEN` (or `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`,
//! or `CLOUDFLARE_API_USER_SERVICE_KEY`) and `CLOUDFLARE_ZONE_ID` set, it works
//! on that zone of the real API (or of `CLOUDFLARE_BASE_URL`).
//!
//! Exit status: 0 on success, 1 on an error (or an apply not confirmed, or
//! not complete), 2 on bad arguments or a missing `CLOUDFLARE_ZONE_ID`.
//! Secrets are never printed. The results go to stdout, which can be piped
//! (`| head` stops it quietly); notes, progress and errors go to stderr.

use std::error::Error;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloudflare_spectrum::apps::{self, ApplyOptions, Desired, Plan, PlanOptions, Spectrum};
use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID};
use cloudflare_spectrum::{Client, env};

/// The zone the real-API mode works on.
const ZONE_VAR: &str = "CLOUDFLARE_ZONE_ID";

/// The applications the fake starts with: a full one with dynamic edge IPs
/// (`ssh`), another with dynamic edge IPs on IPv4 only (`rdp`), a
/// pay-as-you-go one (`minecraft`), a port range reaching its origin through
/// DNS (`range`), static edge IPs on an ADDRESS record (`static`) and a UDP
/// one (`syslog`). The fake fills in the server defaults of the full ones
/// (TLS and PROXY protocol off, Argo and the IP firewall off).
const SEED: &str = r#"
[[apps]]
protocol = "tcp/22"
traffic_type = "direct"
origin_direct = ["tcp://192.0.2.1:22"]
dns = { type = "CNAME", name = "ssh.example.com" }
edge_ips = { type = "dynamic", connectivity = "all" }

[[apps]]
protocol = "tcp/3389"
traffic_type = "direct"
origin_direct = ["tcp://192.0.2.10:3389"]
dns = { type = "CNAME", name = "rdp.example.com" }
edge_ips = { type = "dynamic", connectivity = "ipv4" }

[[apps]]
protocol = "tcp/25565"
origin_direct = ["tcp://192.0.2.30:25565"]
dns = { type = "CNAME", name = "minecraft.example.com" }

[[apps]]
protocol = "tcp/1000-2000"
traffic_type = "direct"
origin_dns = { name = "origin.example.com", ttl = 600 }
origin_port = "1000-2000"
dns = { type = "CNAME", name = "range.example.com" }

[[apps]]
protocol = "tcp/443"
traffic_type = "direct"
tls = "full"
origin_direct = ["tcp://192.0.2.50:443"]
dns = { type = "ADDRESS", name = "static.example.com" }
edge_ips = { type = "static", ips = ["198.51.100.10", "2001:db8::10"] }

[[apps]]
protocol = "udp/514"
traffic_type = "direct"
origin_direct = ["udp://192.0.2.60:514"]
dns = { type = "CNAME", name = "syslog.example.com" }
"#;

const USAGE: &str = "\
usage: apps_as_code export FILE
       apps_as_code plan FILE [--prune]
       apps_as_code apply FILE [--prune] [--yes]

  export  write the zone's Spectrum applications to FILE
  plan    show what it takes to make the zone match FILE
  apply   show the plan, ask for confirmation, apply it, show a fresh plan

  FILE     a desired state: TOML when it ends in .toml, JSON otherwise
  --prune  also delete the applications FILE does not hold
  --yes    apply without asking

Without Cloudflare credentials in the environment it runs against a built-in
fake seeded with sample applications. With CLOUDFLARE_API_TOKEN (or
CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or CLOUDFLARE_API_USER_SERVICE_KEY)
and CLOUDFLARE_ZONE_ID it works on that zone.";

/// `println!` that ends the program quietly when the reader of its output
/// has gone (a closed pipe), instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    };
}

/// `eprintln!` that never panics (a closed stderr is ignored).
macro_rules! note {
    ($($arg:tt)*) => {
        let _ = writeln!(std::io::stderr(), $($arg)*);
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Command {
    Export,
    Plan,
    Apply,
}

#[derive(Debug)]
struct Args {
    command: Command,
    file: PathBuf,
    prune: bool,
    yes: bool,
}

/// What went wrong with the arguments, or a request for help.
enum BadArgs {
    Help,
    Wrong(String),
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, BadArgs> {
    let mut args = args.into_iter();
    let command = match args.next().as_deref() {
        Some("export") => Command::Export,
        Some("plan") => Command::Plan,
        Some("apply") => Command::Apply,
        Some("-h" | "--help" | "help") => return Err(BadArgs::Help),
        Some(other) => return Err(BadArgs::Wrong(format!("unknown command {other:?}"))),
        None => return Err(BadArgs::Wrong("no command given".to_owned())),
    };
    let (mut file, mut prune, mut yes) = (None, false, false);
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => return Err(BadArgs::Help),
            "--prune" if command != Command::Export => prune = true,
            "--yes" if command == Command::Apply => yes = true,
            "--prune" | "--yes" => {
                let name = format!("{command:?}").to_lowercase();
                return Err(BadArgs::Wrong(format!("{arg} does not go with {name}")));
            }
            flag if flag.starts_with('-') && flag != "-" => {
                return Err(BadArgs::Wrong(format!("unknown option {flag:?}")));
            }
            _ if file.is_some() => return Err(BadArgs::Wrong(format!("one FILE only, not also {arg:?}"))),
            _ => file = Some(PathBuf::from(arg)),
        }
    }
    let file = file.ok_or_else(|| BadArgs::Wrong("no FILE given".to_owned()))?;
    Ok(Args { command, file, prune, yes })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(BadArgs::Help) => {
            say!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(BadArgs::Wrong(why)) => {
            note!("error: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let credentials = [env::API_TOKEN, env::EMAIL, env::API_KEY, env::USER_SERVICE_KEY].into_iter().any(set);
    if credentials && !set(ZONE_VAR) {
        note!(
            "Cloudflare credentials are set but {ZONE_VAR} is not.\n\
             Set {ZONE_VAR} to the id of the zone whose Spectrum applications to manage,\n\
             or unset {}, {} / {} and {} to run against the built-in fake instead.",
            env::API_TOKEN,
            env::EMAIL,
            env::API_KEY,
            env::USER_SERVICE_KEY
        );
        return ExitCode::from(2);
    }
    match run(&args, credentials).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            note!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where the apps live: a zone of the real API, or of the fake (kept alive
/// for the run).
struct Target {
    client: Client,
    zone: String,
    fake: Option<FakeCloudflare>,
}

async fn run(args: &Args, credentials: bool) -> Result<(), Box<dyn Error>> {
    // Read the desired state first: a bad file fails before any request.
    let desired = match args.command {
        Command::Export => None,
        Command::Plan | Command::Apply => Some(Desired::<Spectrum>::read(&args.file)?),
    };
    let target = if credentials { real().await? } else { offline().await? };
    let outcome = match &desired {
        None => export(&target, args).await,
        Some(desired) => plan_and_apply(&target, args, desired).await,
    };
    if let Some(fake) = target.fake {
        fake.stop().await;
    }
    outcome
}

/// The real API (or `CLOUDFLARE_BASE_URL`), with credentials from the
/// environment.
async fn real() -> Result<Target, Box<dyn Error>> {
    let client = Client::from_env()?;
    let zone = std::env::var(ZONE_VAR)?.trim().to_owned();
    note!(
        "Using the Cloudflare API at {} with credentials from the environment, zone {zone}.",
        without_userinfo(client.base_url())
    );
    Ok(Target { client, zone, fake: None })
}

/// The fake, seeded with [`SEED`].
async fn offline() -> Result<Target, Box<dyn Error>> {
    if std::env::var(env::BASE_URL).is_ok_and(|v| !v.trim().is_empty()) {
        note!("note: {} is set but no credentials are, so it is not used.", env::BASE_URL);
    }
    let fake = FakeCloudflare::start().await?;
    let client = fake.client()?;
    let seed = Desired::<Spectrum>::from_toml(SEED)?;
    for app in &seed.apps {
        client.spectrum_apps_create(ZONE_ID, app).await?;
    }
    note!(
        "No Cloudflare credentials in the environment: using the built-in fake API at {},\n\
         zone {ZONE_ID}, seeded with {} sample applications (the same every run; nothing is sent to Cloudflare).\n\
         (set {} and {ZONE_VAR} to work on a real zone instead)",
        fake.base_url(),
        seed.apps.len(),
        env::API_TOKEN
    );
    Ok(Target { client, zone: ZONE_ID.to_owned(), fake: Some(fake) })
}

async fn export(target: &Target, args: &Args) -> Result<(), Box<dyn Error>> {
    let meter = Meter::new();
    let exported = apps::export::<Spectrum>(&target.client, &target.zone, Some(&meter.callback())).await;
    meter.finish();
    let exported = exported?;
    exported.desired.write(&args.file)?;
    say!("Wrote {} application(s) of zone {} to {}.", exported.desired.apps.len(), target.zone, args.file.display());
    if !exported.skipped.is_empty() {
        note!(
            "warning: {} application(s) without a DNS name or protocol could not be exported: {}",
            exported.skipped.len(),
            exported.skipped.join(", ")
        );
    }
    Ok(())
}

async fn plan(target: &Target, desired: &Desired<Spectrum>, prune: bool) -> Result<Plan<Spectrum>, Box<dyn Error>> {
    let meter = Meter::new();
    let options = PlanOptions::new().prune(prune);
    let plan = apps::plan(&target.client, &target.zone, desired, &options, Some(&meter.callback())).await;
    meter.finish();
    Ok(plan?)
}

async fn plan_and_apply(target: &Target, args: &Args, desired: &Desired<Spectrum>) -> Result<(), Box<dyn Error>> {
    let planned = plan(target, desired, args.prune).await?;
    say!("{}", planned.to_string().trim_end());
    if !planned.unmanaged.is_empty() && !args.prune {
        say!("(unmanaged applications are left alone; --prune deletes them)");
    }
    if args.command == Command::Plan {
        return Ok(());
    }
    if planned.is_empty() {
        say!("\nNothing to apply.");
        return Ok(());
    }
    if target.fake.is_none() && !args.yes && !confirm(&planned)? {
        return Err("apply not confirmed: nothing was changed".into());
    }

    let meter = Meter::new();
    let options = ApplyOptions::new().progress(meter.callback());
    let report = apps::apply(&target.client, &planned, &options).await;
    meter.finish();
    let report = report?;
    say!("\nApplied:");
    say!("{}", report.to_string().trim_end());

    let again = plan(target, desired, args.prune).await?;
    say!("\nPlan after applying:");
    say!("{}", again.to_string().trim_end());
    if !report.is_complete() {
        let (failed, stale, not_started) = (report.failed.len(), report.stale.len(), report.not_started.len());
        return Err(
            format!("the apply is not complete: {failed} failed, {stale} stale, {not_started} not started").into()
        );
    }
    if !again.is_empty() {
        return Err("the zone still differs from the desired state after applying (see the plan above)".into());
    }
    Ok(())
}

/// Asks on stderr, reads a line of stdin: only `yes` goes on.
fn confirm(plan: &Plan<Spectrum>) -> Result<bool, Box<dyn Error>> {
    let _ = write!(
        std::io::stderr(),
        "\nApply these {} change(s) to zone {}? Only 'yes' goes on: ",
        plan.change_count(),
        plan.scope
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

/// A base URL without any `user:password@` it holds.
fn without_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

/// The progress line on stderr, driven by the engine's callbacks: redrawn in
/// place (at most ten times a second) when stderr is a terminal and cleared
/// when done; otherwise plain lines, at most one a second, and the last
/// state at the end.
struct Meter {
    terminal: bool,
    state: Mutex<MeterState>,
}

#[derive(Default)]
struct MeterState {
    /// When a line was last written.
    shown: Option<Instant>,
    /// The latest state, not yet written.
    pending: Option<String>,
}

impl Meter {
    fn new() -> Arc<Self> {
        Arc::new(Self { terminal: std::io::stderr().is_terminal(), state: Mutex::default() })
    }

    /// A progress callback for the engine (which wants one that owns what
    /// it uses).
    fn callback(self: &Arc<Self>) -> impl Fn(&str, usize, Option<usize>) + Send + Sync + 'static {
        let meter = Arc::clone(self);
        move |what, done, total| meter.tell(what, done, total)
    }

    fn tell(&self, what: &str, done: usize, total: Option<usize>) {
        let text = match (what, total) {
            ("read", _) => format!("reading applications: {done}"),
            ("applied", Some(total)) => format!("applying changes: {done} of {total}"),
            (what, Some(total)) => format!("{what}: {done} of {total}"),
            (what, None) => format!("{what}: {done}"),
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let every = if self.terminal { Duration::from_millis(100) } else { Duration::from_secs(1) };
        if state.shown.is_some_and(|at| at.elapsed() < every) {
            state.pending = Some(text);
            return;
        }
        self.write(&text);
        state.shown = Some(Instant::now());
        state.pending = None;
    }

    fn write(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = if self.terminal { write!(stderr, "\r\x1b[K{text}") } else { writeln!(stderr, "{text}") };
        let _ = stderr.flush();
    }

    /// Clears the line (terminal), or writes the last state not yet written.
    fn finish(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.terminal {
            if state.shown.is_some() {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        } else if let Some(text) = state.pending.take() {
            self.write(&text);
        }
    }
}
