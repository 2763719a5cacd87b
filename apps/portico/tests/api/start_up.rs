//! Start-up as an operator meets it: each command lists only its own settings and
//! never prints a secret one; a bad setting, a taken address, a missing migration or
//! an unreachable database is named before anything is written; and the worker and
//! `migrate` do their job on their own.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use portico_sea_orm::testing::Engine;

use crate::engines::on_a_large_stack;
use crate::support::TestApp;

const SECRETS: [(&str, &str); 4] = [
    (
        "PORTICO_PLATFORM_TOKEN",
        "platform-token-that-must-stay-hidden-0123",
    ),
    (
        "PORTICO_SMTP_URL",
        "smtp://mailer:smtp-password-hidden@127.0.0.1:2525",
    ),
    (
        "PORTICO_TOTP_KEY",
        "dG90cC1rZXktdGhhdC1tdXN0LXN0YXktaGlkZGVuISE=",
    ),
    (
        "PORTICO_DATABASE_URL",
        "postgres://portico:db-password-hidden@127.0.0.1/x",
    ),
];

/// What `portico <args>` prints for help, with every secret setting set.
fn help_of(args: &[&str]) -> String {
    let output = clean(Command::new(env!("CARGO_BIN_EXE_portico")))
        .args(args)
        .envs(SECRETS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn help_never_prints_the_value_of_a_secret_setting() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["worker", "--help"],
        &["migrate", "--help"],
    ] {
        let help = help_of(args);
        assert!(help.contains("PORTICO_LOG_FORMAT"), "{help}");
        for (name, value) in SECRETS {
            assert!(!help.contains(value), "{name} printed by {args:?}");
        }
        assert!(!help.contains("hidden"), "{help}");
    }
}

/// Settings only the HTTP server reads.
const SERVE_ONLY: [&str; 6] = [
    "PORTICO_LISTEN",
    "PORTICO_PLATFORM_TOKEN",
    "PORTICO_TOTP_KEY",
    "PORTICO_PASSWORD_MIN_LENGTH",
    "PORTICO_PUBLIC_BASE_URL",
    "PORTICO_BRAND_NAME",
];

/// Settings of the mail server, which `serve` and `worker` read.
const MAIL: [&str; 3] = [
    "PORTICO_SMTP_URL",
    "PORTICO_SMTP_CONNECTIONS",
    "PORTICO_MAIL_FROM",
];

/// Whether `help` lists the setting `name` (not merely one whose name ends with it,
/// as `PORTICO_METRICS_LISTEN` ends with `LISTEN`).
fn lists(help: &str, name: &str) -> bool {
    help.contains(&format!("[env: {name}"))
}

#[test]
fn each_command_lists_only_the_settings_it_reads() {
    let serve = help_of(&["serve", "--help"]);
    for name in SERVE_ONLY.iter().chain(&MAIL) {
        assert!(lists(&serve, name), "serve --help lacks {name}: {serve}");
    }

    let worker = help_of(&["worker", "--help"]);
    for name in MAIL
        .iter()
        .chain(&["PORTICO_SKIP_MIGRATIONS", "PORTICO_LOG_FORMAT"])
    {
        assert!(lists(&worker, name), "worker --help lacks {name}: {worker}");
    }
    for name in SERVE_ONLY {
        assert!(
            !lists(&worker, name),
            "worker --help lists {name}: {worker}"
        );
    }

    let migrate = help_of(&["migrate", "--help"]);
    for name in [
        "PORTICO_DATABASE_URL",
        "PORTICO_DATA_DIR",
        "PORTICO_LOG_FORMAT",
    ] {
        assert!(
            lists(&migrate, name),
            "migrate --help lacks {name}: {migrate}"
        );
    }
    for name in SERVE_ONLY
        .iter()
        .chain(&MAIL)
        .chain(&["PORTICO_SKIP_MIGRATIONS"])
    {
        assert!(
            !lists(&migrate, name),
            "migrate --help lists {name}: {migrate}"
        );
    }
}

#[test]
fn a_short_platform_token_is_refused_at_start_up_without_printing_it() {
    let data = std::env::temp_dir().join(format!("portico-short-token-{}", std::process::id()));
    let (started, said) = serve_output(
        &[
            ("PORTICO_PLATFORM_TOKEN", "short-secret-x"),
            ("PORTICO_TOTP_KEY", SECRETS[2].1),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );

    assert!(!started, "{said}");
    assert!(said.contains("PORTICO_PLATFORM_TOKEN"), "{said}");
    assert!(said.contains("32 characters"), "{said}");
    assert!(!said.contains("short-secret-x"), "{said}");
    assert!(
        !data.exists(),
        "nothing written before the settings are checked"
    );
}

#[test]
fn a_template_with_an_unknown_variable_is_refused_at_start_up() {
    let folder = std::env::temp_dir().join(format!("portico-templates-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("web")).unwrap();
    std::fs::write(
        folder.join("web").join("login.html"),
        "{% extends \"layout.html\" %}{% block title %}In{% endblock %}\
         {% block content %}{{ usernme }}{% endblock %}",
    )
    .unwrap();
    let data = folder.join("data");
    let templates = folder.display().to_string();
    let (started, said) = serve_output(
        &[
            ("PORTICO_TEMPLATES_DIR", templates.as_str()),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );
    let nothing_written = !data.exists();
    std::fs::remove_dir_all(&folder).unwrap();

    assert!(!started, "{said}");
    assert!(said.contains("PORTICO_TEMPLATES_DIR"), "{said}");
    assert!(
        said.contains("login.html") && said.contains("`usernme`"),
        "{said}"
    );
    assert!(
        nothing_written,
        "nothing written before the templates are checked"
    );
}

/// What `portico serve` printed when it stopped, with the settings `env`; a server
/// that starts anyway is stopped after 30 s, and counts as started.
fn serve_output(env: &[(&str, &str)], data: &Path) -> (bool, String) {
    command_output("serve", env, data)
}

/// What `portico <command>` printed when it stopped, as [`serve_output`].
fn command_output(command: &str, env: &[(&str, &str)], data: &Path) -> (bool, String) {
    let mut server = Running(
        portico(command, data)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.0.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let stopped_on_its_own = server.0.try_wait().unwrap().is_some();
    if !stopped_on_its_own {
        let _ = server.0.kill();
    }
    let status = server.0.wait().unwrap();
    // What it printed is small: a refusal, or a server's first lines.
    let mut said = Vec::new();
    for pipe in [
        server
            .0
            .stdout
            .take()
            .map(|out| Box::new(out) as Box<dyn Read>),
        server
            .0
            .stderr
            .take()
            .map(|err| Box::new(err) as Box<dyn Read>),
    ]
    .into_iter()
    .flatten()
    {
        let mut pipe = pipe;
        pipe.read_to_end(&mut said).unwrap();
    }
    let said = String::from_utf8_lossy(&said).into_owned();
    (!stopped_on_its_own || status.success(), said)
}

#[test]
fn a_password_minimum_below_eight_is_refused_at_start_up_not_raised() {
    let data = std::env::temp_dir().join(format!("portico-min-length-{}", std::process::id()));
    let (started, said) = serve_output(
        &[
            ("PORTICO_PASSWORD_MIN_LENGTH", "4"),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );

    assert!(!started, "{said}");
    assert!(said.contains("password-min-length"), "{said}");
    assert!(said.contains("8..=128"), "{said}");
    assert!(
        !data.exists(),
        "nothing written before the settings are checked"
    );
}

#[test]
fn a_listen_address_in_use_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let data = std::env::temp_dir().join(format!("portico-in-use-{}", std::process::id()));
    let (started, said) = serve_output(&[("PORTICO_LISTEN", address.as_str())], &data);
    let _ = std::fs::remove_dir_all(&data);

    assert!(!started, "{said}");
    assert!(said.contains(&address), "{said}");
    drop(taken);
}

#[test]
fn skipped_migrations_on_a_database_that_lacks_them_are_refused_with_what_to_run() {
    for command in ["serve", "worker"] {
        let data =
            std::env::temp_dir().join(format!("portico-skip-{command}-{}", std::process::id()));
        std::fs::create_dir_all(&data).unwrap();
        let url = format!("sqlite:{}?mode=rwc", data.join("empty.db").display());
        let (started, said) = command_output(
            command,
            &[
                ("PORTICO_SKIP_MIGRATIONS", "true"),
                ("PORTICO_DATABASE_URL", url.as_str()),
                ("PORTICO_LISTEN", "127.0.0.1:0"),
            ],
            &data,
        );
        let key = data.join("totp-seed.key").exists();
        let _ = std::fs::remove_dir_all(&data);

        assert!(!started, "{command}: {said}");
        assert!(said.contains("portico migrate"), "{command}: {said}");
        assert!(said.contains("m0001"), "{command}: {said}");
        assert!(
            !key,
            "{command} wrote a TOTP key before refusing the database"
        );
    }
}

#[test]
fn an_unreachable_database_is_named_at_start_up() {
    let data = std::env::temp_dir().join(format!("portico-no-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let (started, said) = serve_output(
        &[
            (
                "PORTICO_DATABASE_URL",
                "postgres://portico:db-secret@127.0.0.1:1/portico",
            ),
            ("PORTICO_LISTEN", "127.0.0.1:0"),
        ],
        &data,
    );

    assert!(!started, "{said}");
    assert!(
        said.contains("cannot reach the database at 127.0.0.1:1"),
        "{said}"
    );
    assert!(!said.contains("db-secret"), "{said}");
    // Nothing was written before the database answered: no TOTP key file.
    assert!(!data.join("totp-seed.key").exists(), "{said}");
    let _ = std::fs::remove_dir_all(&data);
}

/// `command` with none of the caller's `PORTICO_*` settings, and Portico's own log
/// filter (a caller's `RUST_LOG=off` would hide the lines these tests read).
fn clean(mut command: Command) -> Command {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PORTICO_") {
            command.env_remove(name);
        }
    }
    command.env_remove("RUST_LOG");
    command
}

/// `portico <command>` over the data folder `data`, with none of the caller's settings.
fn portico(command: &str, data: &Path) -> Command {
    let mut portico = clean(Command::new(env!("CARGO_BIN_EXE_portico")));
    portico.arg(command).env("PORTICO_DATA_DIR", data);
    portico
}

/// A child process stopped when dropped, should the test fail before it stops it.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn migrate_makes_the_embedded_database_and_writes_nothing_else() {
    let data = std::env::temp_dir().join(format!("portico-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let output = portico("migrate", &data).output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let database = data.join("portico.db").exists();
    let key = data.join("totp-seed.key").exists();
    let mail = data.join("mail").exists();
    let _ = std::fs::remove_dir_all(&data);

    assert!(output.status.success(), "{said}");
    assert!(said.contains("migrations applied"), "{said}");
    assert!(database, "{said}");
    assert!(!key && !mail, "migrate wrote more than the database");
}

/// `portico worker`, alone, sends what the server queued, records it as sent, and
/// stops cleanly on SIGTERM; it reads no server setting (values `serve` would refuse
/// are set, and ignored) and writes no TOTP key.
async fn the_worker_alone_delivers_what_the_server_queued(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let token = app.signed_up("worker-alice").await;
    let data =
        std::env::temp_dir().join(format!("portico-worker-{engine:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let log_path = data.with_extension("log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut worker = Running(
        portico("worker", &data)
            .env("PORTICO_DATABASE_URL", app.database_url())
            .env("PORTICO_SKIP_MIGRATIONS", "true")
            .env("PORTICO_PLATFORM_TOKEN", "short")
            .env("PORTICO_BRAND_ACCENT", "nope")
            .env("PORTICO_PASSWORD_MIN_LENGTH", "4")
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
    );

    // Until every message the account has is recorded as sent.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut history = serde_json::Value::Null;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        history = app.get("/v1/me/messages", &token).await.json();
        let statuses: Vec<_> = history["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["status"].clone())
            .collect();
        if !statuses.is_empty() && statuses.iter().all(|status| status == "sent") {
            break;
        }
    }
    let delivered: Vec<_> = std::fs::read_dir(data.join("mail"))
        .map(|files| files.filter_map(Result::ok).map(|f| f.path()).collect())
        .unwrap_or_default();
    let stopped = Command::new("kill")
        .args(["-TERM", &worker.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let exit = worker.0.wait().unwrap();
    let mail = delivered
        .first()
        .map(|file| std::fs::read_to_string(file).unwrap())
        .unwrap_or_default();
    let key = data.join("totp-seed.key").exists();
    let said = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_file(&log_path);

    assert!(
        exit.success(),
        "the worker did not stop cleanly: {exit:?} {said}"
    );
    assert!(
        mail.contains("worker-alice@example.com"),
        "{delivered:?} {said}"
    );
    assert!(!key, "the worker wrote a TOTP key it never reads");
    let items = history["items"].as_array().unwrap();
    assert!(
        items.iter().all(|message| message["status"] == "sent"),
        "{history}"
    );
    assert_eq!(items.len(), delivered.len(), "{history} {delivered:?}");
    app.finish().await;
}

#[test]
fn the_worker_alone_delivers_on_sqlite() {
    on_a_large_stack(|| the_worker_alone_delivers_what_the_server_queued(Engine::SqliteFile));
}

#[test]
fn the_worker_alone_delivers_on_postgres() {
    on_a_large_stack(|| the_worker_alone_delivers_what_the_server_queued(Engine::Postgres));
}
