//! axe-core, the accessibility checker, run inside the browser tests' pages. It is
//! fetched from the npm registry into the tests' scratch folder on first use (pinned
//! below), so `cargo test` needs only `npm` beside Chromium; nothing of it is kept in
//! the repository.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The axe-core release the tests run.
const AXE_VERSION: &str = "4.14.1";

/// The source of `axe.min.js`, installed once per test run when it is missing.
pub fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("axe-{AXE_VERSION}"));
        let script = folder.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            let installed = Command::new("npm")
                .args([
                    "install",
                    "--silent",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                ])
                .arg("--prefix")
                .arg(&folder)
                .arg(format!("axe-core@{AXE_VERSION}"))
                .status()
                .expect("npm runs (the accessibility checks fetch axe-core with it)");
            assert!(installed.success(), "npm could not install axe-core");
        }
        std::fs::read_to_string(&script).expect("axe.min.js is readable")
    })
}

/// What a page is checked against: WCAG 2.1 A and AA, and axe's best practices.
pub const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }
}).then(
  (result) => done(result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)),
  (error) => done([`axe failed: ${error}`])
);
"#;
