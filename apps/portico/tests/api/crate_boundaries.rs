//! The workspace's shape, read from `cargo metadata` and `cargo tree`: each domain
//! crate stands alone on the kernel, so a platform team can embed any one of them
//! (ADR 0016), and security's lighter features stay light.

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

/// What `portico-security` brings into a build with the given features, as
/// `cargo tree` resolves it (normal dependencies only, one name a line).
fn security_dependencies(features: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut args = vec![
        "tree",
        "-p",
        "portico-security",
        "--edges",
        "normal",
        "--prefix",
        "none",
        "--offline",
        "--locked",
        "--no-default-features",
    ];
    if !features.is_empty() {
        args.push("--features");
        args.extend(features);
    }
    let output = Command::new(cargo)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn depends_on(tree: &str, name: &str) -> bool {
    tree.lines()
        .any(|line| line.split_whitespace().next() == Some(name))
}

#[test]
fn the_password_policy_and_hasher_come_without_the_second_factor_or_address_ranges() {
    let second_factor_and_ranges = ["totp-rs", "chacha20poly1305", "qrcodegen", "ipnet"];

    let policy_and_hasher = security_dependencies(&["hasher"]);
    let policy_alone = security_dependencies(&[]);
    let everything = security_dependencies(&["full"]);

    for name in second_factor_and_ranges {
        assert!(!depends_on(&policy_and_hasher, name), "hasher pulls {name}");
        assert!(!depends_on(&policy_alone, name), "the policy pulls {name}");
        assert!(depends_on(&everything, name), "full lacks {name}");
    }
    assert!(depends_on(&policy_and_hasher, "argon2"));
    assert!(!depends_on(&policy_alone, "argon2"));
    assert!(!depends_on(&policy_alone, "tokio"));
    assert!(depends_on(&policy_alone, "zxcvbn"));
}
