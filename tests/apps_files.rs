//! Desired states as files: TOML and JSON round trips of every shape of
//! configuration (unknown fields and enum values included), and
//! `Desired::read`/`write` choosing the format by the file's extension.

mod apps_support;

use std::path::PathBuf;

use apps_support::{config, desired, mixed_app};
use cloudflare_spectrum::Error;
use cloudflare_spectrum::apps::{Desired, Spectrum};
use cloudflare_spectrum::types::{OriginPort, TrafficType};
use serde_json::json;

/// Every shape of `mixed_app`, one with unknown fields (nested, too) and
/// one with an unknown enum value.
fn state() -> Desired<Spectrum> {
    let mut apps: Vec<_> = (0..6).map(mixed_app).collect();
    let mut unknown = mixed_app(6);
    unknown.extra.insert("origin_worker_id".into(), json!("x"));
    unknown.extra.insert("origin_worker".into(), json!({ "id": "x", "weights": [1, 2.5], "on": true }));
    apps.push(unknown);
    apps.push(config(json!({
        "dns": { "type": "CNAME", "name": "worker.example.com", "proxied": true },
        "protocol": "tcp/443",
        "traffic_type": "worker",
        "origin_direct": ["tcp://192.0.2.1:443"],
    })));
    desired(apps)
}

/// A directory of its own under the system's temporary directory.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cloudflare-spectrum-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_desired_state_round_trips_through_toml_and_json() {
    let state = state();
    let toml = state.to_toml().unwrap();
    assert_eq!(toml.matches("[[apps]]").count(), 8, "{toml}");
    assert!(toml.contains("traffic_type = \"worker\""), "{toml}");
    assert!(toml.contains("origin_port = \"2000-2010\""), "{toml}");
    assert!(toml.contains("origin_port = 8443"), "{toml}");
    let from_toml = Desired::<Spectrum>::from_toml(&toml).unwrap();
    assert_eq!(from_toml, state);
    assert_eq!(from_toml.to_toml().unwrap(), toml, "written again the same");

    let json = state.to_json();
    assert!(json.ends_with("}\n"));
    let from_json = Desired::<Spectrum>::from_json(&json).unwrap();
    assert_eq!(from_json, state);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["apps"].as_array().unwrap().len(), 8);
    assert_eq!(parsed["apps"][7]["dns"]["proxied"], json!(true));

    // Values keep their JSON types and unknown values their text.
    assert_eq!(
        from_toml.apps[2].origin_port,
        Some(OriginPort::Range(serde_json::from_value(json!("2000-2010")).unwrap()))
    );
    assert!(matches!(from_toml.apps[4].origin_port, Some(OriginPort::Number(_))));
    assert_eq!(from_toml.apps[7].traffic_type, Some(TrafficType::Unknown("worker".into())));
    assert_eq!(from_json.apps[6].extra["origin_worker"], json!({ "id": "x", "weights": [1, 2.5], "on": true }));

    // The empty state, and the empty text.
    let empty = Desired::<Spectrum>::default();
    assert_eq!(Desired::<Spectrum>::from_toml(&empty.to_toml().unwrap()).unwrap(), empty);
    assert_eq!(Desired::<Spectrum>::from_json(&empty.to_json()).unwrap(), empty);
    assert_eq!(Desired::<Spectrum>::from_toml("").unwrap(), empty);
    assert_eq!(Desired::<Spectrum>::from_json("{}").unwrap(), empty);
}

#[test]
fn the_documented_toml_example_reads() {
    let state = Desired::<Spectrum>::from_toml(
        r#"
        [[apps]]
        protocol = "tcp/22"
        traffic_type = "direct"
        origin_direct = ["tcp://192.0.2.1:22"]
        dns = { type = "CNAME", name = "ssh.example.com" }
        "#,
    )
    .unwrap();
    assert_eq!(
        state.apps,
        [config(json!({
            "dns": { "type": "CNAME", "name": "ssh.example.com" },
            "protocol": "tcp/22",
            "traffic_type": "direct",
            "origin_direct": ["tcp://192.0.2.1:22"],
        }))]
    );
}

#[test]
fn what_is_not_a_desired_state_is_invalid_input() {
    let error = Desired::<Spectrum>::from_toml("[[apps]]\nprotocol = 22\n").unwrap_err();
    assert!(matches!(error, Error::InvalidInput { field: "desired state", .. }), "{error}");
    assert!(error.to_string().starts_with("invalid desired state: not a desired state in TOML: "), "{error}");
    let error = Desired::<Spectrum>::from_json(r#"{"apps": [{"protocol": "tcp/22"}]}"#).unwrap_err();
    assert!(error.to_string().starts_with("invalid desired state: not a desired state in JSON: "), "{error}");
    // TOML has no null: an unknown field holding one cannot be written.
    let mut with_null = mixed_app(1);
    with_null.extra.insert("note".into(), serde_json::Value::Null);
    let state = desired(vec![with_null]);
    let error = state.to_toml().unwrap_err();
    assert!(error.to_string().starts_with("invalid desired state: cannot be written as TOML: "), "{error}");
    assert_eq!(Desired::<Spectrum>::from_json(&state.to_json()).unwrap(), state);
}

#[test]
fn read_and_write_choose_the_format_by_extension() {
    let dir = TempDir::new("apps-files");
    let state = state();
    for (name, toml) in
        [("apps.toml", true), ("APPS.TOML", true), ("apps.json", false), ("apps.txt", false), ("apps", false)]
    {
        let path = dir.0.join(name);
        state.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        if toml {
            assert!(text.starts_with("[[apps]]"), "{name}: {text}");
            assert_eq!(text, state.to_toml().unwrap());
        } else {
            assert_eq!(text, state.to_json(), "{name}");
        }
        assert_eq!(Desired::<Spectrum>::read(&path).unwrap(), state, "{name}");
    }

    // The extension decides: TOML in a .json file is not read.
    let misnamed = dir.0.join("misnamed.json");
    std::fs::write(&misnamed, state.to_toml().unwrap()).unwrap();
    let error = Desired::<Spectrum>::read(&misnamed).unwrap_err();
    assert!(error.to_string().contains("not a desired state in JSON"), "{error}");

    let missing = dir.0.join("missing.toml");
    let error = Desired::<Spectrum>::read(&missing).unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }));
    assert!(
        error.to_string().starts_with(&format!("invalid desired state: cannot read {}", missing.display())),
        "{error}"
    );
    let error = state.write(dir.0.join("no-such-dir").join("apps.toml")).unwrap_err();
    assert!(error.to_string().contains("cannot write"), "{error}");
}
