//! A small WebDriver client for the browser tests: it starts chromedriver, opens
//! headless Chromium sessions and speaks the W3C WebDriver protocol over plain
//! HTTP/1.1 (see ADR 0015 for why not fantoccini).
//!
//! Chromium and chromedriver come from Debian (`chromium`, `chromium-driver`, which
//! `.ci/run` installs). Without them these tests fail, with the command to run.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::live::parse_response;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The W3C identifier of an element in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Nothing when the page fits the window's width; otherwise both widths and the
/// element reaching furthest right, as a lead (the verdict itself is the page's
/// scroll width, which content scrolling in a box of its own does not widen).
const WIDER_THAN_THE_WINDOW: &str = r#"
const root = document.documentElement;
if (root.scrollWidth <= root.clientWidth) return null;
let widest = null;
for (const element of document.body.querySelectorAll('*')) {
  const right = element.getBoundingClientRect().right;
  if (!widest || right > widest.right) {
    const classes = element.getAttribute('class');
    widest = { right, element: element.tagName.toLowerCase() + (classes ? '.' + classes : '') };
  }
}
return JSON.stringify({ page: root.scrollWidth, window: root.clientWidth, widest });
"#;

/// A running chromedriver; it stops when dropped.
pub struct Driver {
    process: Child,
    address: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    /// One chromedriver process and the port it says it listens on; `None` when it
    /// ended without saying one.
    fn spawn_and_read_port() -> Option<(Child, u16)> {
        let mut process = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // "ChromeDriver was started successfully on port 38665."
        let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
        let port = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.split_once("started successfully on port ")
                .and_then(|(_, rest)| rest.trim_end_matches('.').parse::<u16>().ok())
        });
        let Some(port) = port else {
            let _ = process.kill();
            let _ = process.wait();
            return None;
        };
        // Whatever it prints later must not fill the pipe and stall it.
        std::thread::spawn(move || lines.for_each(drop));
        Some((process, port))
    }

    /// Starts chromedriver on a port it picks itself (so two tests never race for
    /// one) and waits until it is ready.
    pub async fn start() -> Self {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "the browser tests need Debian's Chromium: apt-get install -y chromium chromium-driver"
        );
        // A chromedriver that exits before it says its port (seen once under a
        // full parallel test run) is started again rather than failing the test.
        let (process, port) = (0..3)
            .find_map(|_| Self::spawn_and_read_port())
            .expect("chromedriver did not say its port in three starts");
        let driver = Self {
            process,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(status) = driver.try_call("GET", "/status", None).await
                && status["value"]["ready"] == true
            {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A new headless browser with its own empty profile.
    pub async fn browser(&self) -> Browser<'_> {
        static OPENED: AtomicUsize = AtomicUsize::new(0);
        let profile = std::env::temp_dir().join(format!(
            "portico-chromium-{}-{}",
            std::process::id(),
            OPENED.fetch_add(1, Ordering::Relaxed)
        ));
        let answer = self
            .call(
                "POST",
                "/session",
                Some(json!({ "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                            format!("--user-data-dir={}", profile.display()),
                        ]
                    }
                }}})),
            )
            .await;
        let id = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {answer}"))
            .to_owned();
        Browser {
            driver: self,
            id,
            profile,
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        // A stuck chromedriver fails the test instead of hanging the run.
        tokio::time::timeout(Duration::from_secs(60), self.try_call(method, path, body))
            .await
            .unwrap_or_else(|_| panic!("{method} {path}: no answer in 60 s"))
            .unwrap_or_else(|error| panic!("{method} {path}: {error}"))
    }

    async fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> std::io::Result<Value> {
        let mut stream = TcpStream::connect(self.address).await?;
        let body = body.map(|body| body.to_string()).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        // Read the head, then exactly the body its Content-Length announces: the
        // answer is complete without waiting for the connection to close.
        let mut raw = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let read = stream.read(&mut chunk).await?;
            raw.extend_from_slice(&chunk[..read]);
            if read == 0 || response_complete(&raw) {
                break;
            }
        }
        Ok(parse_response(&raw).body)
    }
}

/// Whether `raw` holds a whole response: its head and as many body bytes as the
/// head's `Content-Length` says.
fn response_complete(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, length)| length.trim().parse::<usize>().ok())
        .is_some_and(|length| body.len() >= length)
}

/// One browser window.
pub struct Browser<'a> {
    driver: &'a Driver,
    id: String,
    profile: PathBuf,
}

impl Drop for Browser<'_> {
    /// Removes the window's profile folder, also when a test failed before `close`.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser<'_> {
    async fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = self
            .driver
            .call(method, &format!("/session/{}{path}", self.id), body)
            .await;
        assert!(
            answer["value"]["error"].is_null(),
            "{method} {path}: {answer}"
        );
        answer["value"].clone()
    }

    /// The serious and critical accessibility violations axe-core finds on the page
    /// shown, one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let loaded = self
            .command(
                "POST",
                "/execute/sync",
                Some(json!({ "script": "return typeof axe !== 'undefined';", "args": [] })),
            )
            .await;
        if loaded != Value::Bool(true) {
            self.command(
                "POST",
                "/execute/sync",
                Some(json!({ "script": crate::axe::axe_source(), "args": [] })),
            )
            .await;
        }
        let found = self
            .command(
                "POST",
                "/execute/async",
                Some(json!({ "script": crate::axe::RUN_AXE, "args": [] })),
            )
            .await;
        found
            .as_array()
            .unwrap_or_else(|| panic!("axe answered {found}"))
            .iter()
            .map(|line| line.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .await;
    }

    /// Follows `url` to wherever it redirects, which may be a host this machine
    /// cannot reach: only what the portal's answer set (its cookies) matters.
    pub async fn follow(&self, url: &str) {
        let path = format!("/session/{}/url", self.id);
        let answer = self
            .driver
            .call("POST", &path, Some(json!({ "url": url })))
            .await;
        let error = answer["value"]["message"].as_str().unwrap_or_default();
        assert!(
            answer["value"]["error"].is_null() || error.contains("net::ERR_NAME_NOT_RESOLVED"),
            "{url}: {answer}"
        );
    }

    /// The address of the page shown.
    pub async fn url(&self) -> String {
        self.command("GET", "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Runs `action` (`/click`, `/text`...) on what `css` finds. The page may still be
    /// replacing the one found (a navigation under way): then the element is found
    /// again on the new page.
    async fn on_element(
        &self,
        css: &str,
        method: &str,
        action: &str,
        body: Option<Value>,
    ) -> Value {
        for _ in 0..100 {
            let element = self.element(css).await;
            let path = format!("/session/{}/element/{element}{action}", self.id);
            let answer = self.driver.call(method, &path, body.clone()).await;
            if answer["value"]["error"] == "stale element reference" {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            assert!(
                answer["value"]["error"].is_null(),
                "{method} {action} on {css}: {answer}"
            );
            return answer["value"].clone();
        }
        panic!("{css} kept being replaced");
    }

    /// The element `css` finds, once the page shows one.
    async fn element(&self, css: &str) -> String {
        self.wait_for(css).await;
        let found = self
            .command(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned()
    }

    /// Waits until the page shown is `url` (a click's navigation may still be under
    /// way when the click returns).
    pub async fn wait_for_url(&self, url: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let shown = self.url().await;
            if shown == url {
                return;
            }
            assert!(Instant::now() < deadline, "still at {shown}, not {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page shows something `css` finds.
    pub async fn wait_for(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .command(
                    "POST",
                    "/elements",
                    Some(json!({ "using": "css selector", "value": css })),
                )
                .await;
            if found.as_array().is_some_and(|found| !found.is_empty()) {
                return;
            }
            assert!(Instant::now() < deadline, "nothing matches {css}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types `text` into the field `css` finds, after clearing it.
    pub async fn fill(&self, css: &str, text: &str) {
        self.on_element(css, "POST", "/clear", Some(json!({})))
            .await;
        self.on_element(css, "POST", "/value", Some(json!({ "text": text })))
            .await;
    }

    /// Clicks what `css` finds (and waits for the page it loads).
    pub async fn click(&self, css: &str) {
        self.on_element(css, "POST", "/click", Some(json!({})))
            .await;
    }

    /// The visible text of what `css` finds.
    pub async fn text(&self, css: &str) -> String {
        self.on_element(css, "GET", "/text", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The value of the attribute `name` of what `css` finds.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        self.on_element(css, "GET", &format!("/attribute/{name}"), None)
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Saves a PNG of the page at `width` x `height` as
    /// `target/ui-screenshots/<name>-<width>.png`, after checking that the page fits
    /// that width: a page wider than a phone's screen scrolls sideways, and hides
    /// what sticks out.
    pub async fn screenshot(&self, name: &str, width: u32, height: u32) {
        self.command(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
        let overflow = self
            .command(
                "POST",
                "/execute/sync",
                Some(json!({ "script": WIDER_THAN_THE_WINDOW, "args": [] })),
            )
            .await;
        let png = self.command("GET", "/screenshot", None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/ui-screenshots");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{name}-{width}.png")), bytes).unwrap();
        // Judged after the picture is saved, so that a failure leaves it to look at.
        assert_eq!(
            overflow,
            Value::Null,
            "{name} at {width} px is wider than the window"
        );
    }

    /// Closes the window (its profile folder goes when it is dropped).
    pub async fn close(self) {
        self.driver
            .call("DELETE", &format!("/session/{}", self.id), None)
            .await;
    }
}
