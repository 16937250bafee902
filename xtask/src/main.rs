//! `cargo xtask`: maintenance tasks for the curated OpenAPI document.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::workspace_root;

/// Maintenance tasks for openapi/spectrum.json, the curated OpenAPI document
/// the client is generated from.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    after_help = "Examples:\n  \
        cargo xtask refresh --from https://raw.githubusercontent.com/cloudflare/api-schemas/main/openapi.json\n  \
        cargo xtask refresh --from /tmp/openapi.json --write\n  \
        cargo xtask refresh --from /tmp/openapi.json --write --add 'spectrum_apps_restart=POST /zones/{zone_id}/spectrum/apps/{app_id}/restart'\n  \
        cargo xtask check\n  \
        cargo xtask check --spec /tmp/changed.json --tests tests/conformance.rs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare Cloudflare's published schema with the curated document;
    /// print a drift report and, with --write, update the document.
    ///
    /// The curated document's operations (matched with the published ones by
    /// method and path, whatever the path parameters are called) are cut out
    /// of the published schema with every schema they reference, and
    /// compared with the curated document: operations, parameters, request
    /// and response fields, success statuses, enum values, required fields,
    /// formats and limits. Extensions (x-...) are curation and never
    /// compared. Published operations under the scope of
    /// openapi/manifest.json that the document lacks are reported; --add
    /// cuts one in. Differences that openapi/overlay.json marks as curation
    /// (shared Identifier schema, open enums, merged unions, envelope shape,
    /// fixes for published defects) are kept and only listed with
    /// --verbose. With --write, the other differences are written into the
    /// curated document; the output is deterministic.
    Refresh {
        /// The published schema (JSON): a file path or an http(s):// URL,
        /// e.g. https://raw.githubusercontent.com/cloudflare/api-schemas/main/openapi.json
        #[arg(long, value_name = "PATH|URL")]
        from: String,
        /// Write the differences into the curated document (or --out).
        #[arg(long)]
        write: bool,
        /// Write to this file instead of the curated document.
        #[arg(long, value_name = "PATH", requires = "write")]
        out: Option<PathBuf>,
        /// Also list the differences kept as curation, which published
        /// schemas each curated schema was matched with, and overlay entries
        /// that matched nothing.
        #[arg(long, short)]
        verbose: bool,
        /// Save the cut-out operations and the schemas they reference
        /// (transitively) from the published schema to this file.
        #[arg(long, value_name = "PATH")]
        cut: Option<PathBuf>,
        /// Cut a published operation into the document (with --write; without
        /// it, only report it), under this operationId and the curated path
        /// spelling, e.g. 'spectrum_apps_restart=POST
        /// /zones/{zone_id}/spectrum/apps/{app_id}/restart'. Without TAG the
        /// tags of the curated operation with the nearest path are used.
        /// Repeatable. Then add its test to tests/conformance.rs.
        #[arg(long, value_name = "ID=METHOD PATH [TAG]")]
        add: Vec<xtask::ops::NewOperation>,
        #[command(flatten)]
        files: Files,
    },
    /// Check the curated document; run by CI.
    ///
    /// Checks that it parses as OpenAPI 3.0, every $ref resolves, every
    /// operation has a unique snake_case operationId and 200, 4XX and 5XX
    /// responses and lies in the scope of openapi/manifest.json, every
    /// operation has a conformance test in tests/conformance.rs (a test
    /// function named exactly like its operationId, such as
    /// `#[tokio::test] async fn spectrum_apps_get()`, not #[ignore]d;
    /// comments and strings do not count), and every x-open-enum has an
    /// enum and every x-enum-varnames list matches its enum. Exits non-zero
    /// and says what to do if not.
    Check {
        /// The conformance test file, or a directory holding it as
        /// conformance.rs [default: tests/conformance.rs].
        #[arg(long, value_name = "FILE|DIR")]
        tests: Option<PathBuf>,
        /// The curated document [default: openapi/spectrum.json].
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// The manifest, for the scope [default: openapi/manifest.json].
        #[arg(long, value_name = "PATH")]
        manifest: Option<PathBuf>,
    },
}

/// The curation files (defaults: the ones in the workspace's openapi/).
#[derive(Debug, clap::Args)]
struct Files {
    /// The curated document.
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// The manifest: the scope of the covered API area.
    #[arg(long, value_name = "PATH")]
    manifest: Option<PathBuf>,
    /// The overlay describing the curation.
    #[arg(long, value_name = "PATH")]
    overlay: Option<PathBuf>,
}

fn or_default(path: Option<PathBuf>, default: &str) -> PathBuf {
    path.unwrap_or_else(|| workspace_root().join(default))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Refresh { from, write, out, verbose, cut, add, files } => {
            xtask::refresh::run(&xtask::refresh::Options {
                from,
                spec: or_default(files.spec, "openapi/spectrum.json"),
                manifest: or_default(files.manifest, "openapi/manifest.json"),
                add,
                overlay: or_default(files.overlay, "openapi/overlay.json"),
                write,
                out,
                verbose,
                cut,
            })
        }
        Command::Check { tests, spec, manifest } => xtask::check::run(&xtask::check::Options {
            spec: or_default(spec, "openapi/spectrum.json"),
            manifest: or_default(manifest, "openapi/manifest.json"),
            tests: or_default(tests, "tests/conformance.rs"),
        }),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprint!("{message}");
            if !message.ends_with('\n') {
                eprintln!();
            }
            ExitCode::FAILURE
        }
    }
}
