//! Apps as code: [`export`] a zone's Spectrum applications (or an
//! account's Magic apps) as a [`Desired`] state, [`plan`] what it takes to
//! make the live apps match one, and [`apply`] the plan. One engine serves
//! both kinds, [`Spectrum`] and [`Magic`], and every rule it follows is data
//! in `openapi/spectrum.json` (see `build/apps.rs`).
//!
//! # Identity
//!
//! An app is identified by the fields its configuration schema names in
//! `x-identity`: a Spectrum application by `dns.name` and `protocol` (the
//! edge port, `tcp/22`), a Magic app by `name`. DNS names compare as DNS
//! does (case-insensitive, a trailing dot ignored), protocols
//! case-insensitively. Two entries of a desired state with one identity are
//! an error before any request; several live apps with one identity are
//! reported as [`Ambiguous`] and nothing is planned for them.
//!
//! # Diff rules
//!
//! * A field the desired entry leaves unset is "don't care": server
//!   defaults never show as drift, and an update keeps the live value (the
//!   body sent is the live configuration with the desired fields written
//!   over it). An empty list is unset, too.
//! * Values compare by meaning: `origin_port` `22` is `"22-22"`; lists the
//!   API gives no order (`origin_direct`, `edge_ips.ips`, Magic
//!   `hostnames`, `ip_subnets`, `source_subnets`) compare as sets; DNS names
//!   ignore case and a trailing dot.
//! * Fields and enum values this crate does not know are carried as they
//!   are, compared as JSON, and sent back.
//!
//! # Replacements
//!
//! Some changes cannot be made in place; the document says which, with the
//! reason (`x-replace-on-change`), and the plan deletes the app and creates
//! it again. The new app keeps the live values of the fields the desired
//! entry leaves unset, except in the objects holding such a field (`dns`,
//! `edge_ips`), which are as desired: the old values there go with the old
//! kind of app (a static app's `ips` with a CNAME record is refused).
//!
//! | field | why |
//! |---|---|
//! | `edge_ips.type` | Cloudflare cannot switch an application's edge IPs between dynamic and static in place (terraform-provider-cloudflare issue #2786) |
//! | `dns.type` | the DNS record type decides the kind of edge IPs (dynamic only with CNAME, static only with ADDRESS) |
//!
//! # Example
//!
//! ```
//! use cloudflare_spectrum::apps::{self, Desired, PlanOptions, Spectrum};
//! use cloudflare_spectrum::fake::{FakeCloudflare, ZONE_ID};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeCloudflare::start().await?;
//! let client = fake.client()?;
//! let desired: Desired<Spectrum> = Desired::from_toml(r#"
//!     [[apps]]
//!     protocol = "tcp/22"
//!     traffic_type = "direct"
//!     origin_direct = ["tcp://192.0.2.1:22"]
//!     dns = { type = "CNAME", name = "ssh.example.com" }
//! "#)?;
//! let plan = apps::plan(&client, ZONE_ID, &desired, &PlanOptions::new(), None).await?;
//! assert_eq!(plan.creates.len(), 1);
//! println!("{plan}"); // + create ssh.example.com tcp/22
//! let report = apps::apply(&client, &plan, &apps::ApplyOptions::new()).await?;
//! assert!(report.is_complete());
//! let again = apps::plan(&client, ZONE_ID, &desired, &PlanOptions::new(), None).await?;
//! assert!(again.is_empty());
//! # Ok(()) }
//! ```

mod apply;
mod desired;
mod plan;
mod resource;
mod rules;

pub use apply::{Action, ApplyOptions, ApplyReport, Change, Failed, apply};
pub use desired::{Desired, Export, export};
pub use plan::{Ambiguous, Create, Existing, Plan, PlanOptions, Update, plan};
pub use resource::{Magic, Resource, Spectrum};
pub(crate) use rules::FieldRule;
pub use rules::{FieldChange, Identity};

/// Told as work advances: what (`"read"`: apps listed, `"applied"`:
/// changes made), how many so far, and of how many when known.
/// (A closure may borrow what it uses: `Progress<'_>`.)
pub type Progress<'a> = dyn Fn(&str, usize, Option<usize>) + Send + Sync + 'a;

fn tell(progress: Option<&Progress<'_>>, what: &str, done: usize, total: Option<usize>) {
    if let Some(progress) = progress {
        progress(what, done, total);
    }
}
