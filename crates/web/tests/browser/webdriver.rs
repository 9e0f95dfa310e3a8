//! A minimal WebDriver client over a plain TCP connection: enough to drive chromedriver on
//! this machine (no HTTP client crate needed for a handful of JSON calls to localhost).
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    port: u16,
    session: String,
    process: Child,
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}", payload.len())?;
    // chromedriver may keep the connection open: read the head, then Content-Length bytes.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let (head_len, body_len) = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break (raw.len(), 0);
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            break (i + 4, len);
        }
    };
    while raw.len() < head_len + body_len {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let body = String::from_utf8_lossy(&raw[head_len.min(raw.len())..]).to_string();
    Ok(serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// Both browser pieces are present (Debian's chromium and chromium-driver).
pub fn available() -> bool {
    std::path::Path::new("/usr/bin/chromium").exists() && std::path::Path::new("/usr/bin/chromedriver").exists()
}

impl Driver {
    pub fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let process = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("lamtheo-chrome-{port}"));
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=412,915",
                     format!("--user-data-dir={}", profile.display())]
        }}}});
        let res = http(port, "POST", "/session", Some(&caps)).expect("new session");
        let session = res["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {res}")).to_string();
        Driver { port, session, process }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let res = http(self.port, method, &format!("/session/{}{path}", self.session), body.as_ref())
            .expect("webdriver call");
        if let Some(err) = res["value"]["error"].as_str() {
            panic!("webdriver {method} {path}: {err}: {}", res["value"]["message"]);
        }
        res["value"].clone()
    }

    /// Empties the browser's cache (Chrome DevTools), so a page's weight counts everything.
    pub fn cmd_clear_cache(&self) {
        self.cmd("POST", "/goog/cdp/execute", Some(json!({"cmd": "Network.clearBrowserCache", "params": {}})));
    }

    /// Slows the network as Chrome DevTools' profiles do (latency in ms, throughput in bytes
    /// per second); `None` lifts it.
    pub fn throttle(&self, profile: Option<(u64, u64)>) {
        match profile {
            Some((latency, throughput)) => {
                self.cmd(
                    "POST",
                    "/chromium/network_conditions",
                    Some(json!({"network_conditions": {"offline": false, "latency": latency,
                        "download_throughput": throughput, "upload_throughput": throughput}})),
                );
            }
            None => {
                self.cmd("DELETE", "/chromium/network_conditions", None);
            }
        }
    }

    /// Forgets a cookie, as when a session has ended on the server.
    pub fn delete_cookie(&self, name: &str) {
        self.cmd("DELETE", &format!("/cookie/{name}"), None);
    }

    /// Sets the window's size (the page's width in CSS pixels, as a phone's).
    pub fn resize(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    /// Runs a script in the page and returns what it returns.
    pub fn script(&self, js: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({"script": js, "args": []})))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    /// Finds an element, waiting up to 10 s for it to appear (pages refresh themselves).
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let res = http(
                self.port,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(&json!({"using": "css selector", "value": css})),
            )
            .unwrap();
            if let Some(id) = res["value"][ELEMENT].as_str() {
                return id.to_string();
            }
            assert!(Instant::now() < deadline, "no element {css} on {}", self.source());
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.cmd("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array()
            .map(|a| a.iter().filter_map(|e| e[ELEMENT].as_str().map(String::from)).collect())
            .unwrap_or_default()
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), Some(json!({})));
        self.cmd("POST", &format!("/element/{el}/value"), Some(json!({"text": text})));
    }

    /// Types into an element already found (for file inputs: the file's path).
    pub fn cmd_value(&self, el: &str, text: &str) {
        self.cmd("POST", &format!("/element/{el}/value"), Some(json!({"text": text})));
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.click_element(&el);
    }

    pub fn click_element(&self, el: &str) {
        self.cmd("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    /// The element's text once the page has settled: a click that submits a form replaces
    /// the page, so a stale element is looked up again.
    pub fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let el = self.find(css);
            let res = http(self.port, "GET", &format!("/session/{}/element/{el}/text", self.session), None).unwrap();
            match res["value"].as_str() {
                Some(t) => return t.to_string(),
                None => assert!(Instant::now() < deadline, "cannot read {css}: {res}"),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the element's text is `expected` (after a form post, the next page).
    pub fn wait_text(&self, css: &str, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.text(css);
            if got == expected {
                return;
            }
            assert!(Instant::now() < deadline, "{css}: expected «{expected}», found «{got}»");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn source(&self) -> String {
        self.cmd("GET", "/source", None).as_str().unwrap_or_default().to_string()
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    /// Writes the page as it looks to `path` (a PNG), for a person to look at.
    pub fn screenshot(&self, path: &str) {
        use base64::Engine;
        let png = self.cmd("GET", "/screenshot", None);
        if let Some(bytes) = png.as_str().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok()) {
            let _ = std::fs::write(path, bytes);
        }
    }

    /// Chooses an option of a <select> by its value.
    pub fn select(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value='{value}']"));
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
