//! The workspace's shape, read from `cargo metadata`: each domain crate stands alone
//! on the kernel, so a platform team can embed any one of them (ADR 0016).

use std::process::Command;

use serde_json::Value;

/// Crates a domain may never depend on: they belong to adapters and the server.
const INFRASTRUCTURE: &[&str] = &["sea-orm", "sqlx", "poem", "poem-openapi", "lettre"];

fn workspace_packages() -> Vec<Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"].as_array().unwrap().clone()
}

#[test]
fn every_domain_crate_depends_on_the_kernel_alone() {
    let packages = workspace_packages();
    let domains: Vec<&Value> = packages
        .iter()
        .filter(|package| {
            let manifest = package["manifest_path"].as_str().unwrap();
            manifest.contains("/crates/") && package["name"] != "portico-kernel"
        })
        .collect();
    let names: Vec<&str> = domains
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for expected in [
        "portico-identity",
        "portico-security",
        "portico-delegation",
        "portico-affiliate",
        "portico-mail-log",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not found in {names:?}"
        );
    }
    let mut faults = Vec::new();
    for domain in domains {
        let name = domain["name"].as_str().unwrap();
        for dependency in domain["dependencies"].as_array().unwrap() {
            let on = dependency["name"].as_str().unwrap();
            let portico = on.starts_with("portico-") && on != "portico-kernel";
            if portico || INFRASTRUCTURE.contains(&on) {
                faults.push(format!("{name} -> {on}"));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "domain crates reach beyond the kernel: {faults:?}"
    );
}

#[test]
fn the_kernel_depends_on_no_other_portico_crate() {
    let packages = workspace_packages();
    let kernel = packages
        .iter()
        .find(|package| package["name"] == "portico-kernel")
        .unwrap();
    let portico: Vec<&str> = kernel["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|dependency| dependency["name"].as_str())
        .filter(|name| name.starts_with("portico-"))
        .collect();
    assert!(portico.is_empty(), "{portico:?}");
}
