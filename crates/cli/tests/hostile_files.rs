//! The hostile-file corpus through the command line, as a real process: each file ends in a
//! clear error and a non-zero exit, within a memory cap (`ulimit -v`) that the old whole-sheet
//! reader broke by hundreds of gigabytes, and never by a signal (an abort or a kill).
use std::process::Command;
use std::time::{Duration, Instant};

/// Virtual memory the importing process may reserve, in KiB: room for the runtime's threads
/// and allocator arenas plus the largest part an .xlsx may unpack to, far below what a bomb
/// or a sparse sheet would take.
const MEMORY_CAP_KIB: u64 = 3 << 20;

fn import(file: &str, db: &std::path::Path) -> (Option<i32>, String) {
    let path = format!("{}/../importer/tests/hostile/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_CAP_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_lamtheo"))
        .args(["--database-url", &format!("sqlite://{}", db.display()), "import", "tasks", &path])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A hang guard, not a measurement: `scripts/hostile-corpus` measures.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(300) {
            child.kill().unwrap();
            panic!("{file}: still running after 300 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_hostile_file_is_a_clear_error_within_a_memory_cap() {
    let dir = std::env::temp_dir().join(format!("lamtheo-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db");
    let cases = [
        ("sparse.xlsx", "Số cột vượt quá giới hạn 200"),
        ("sparse-undeclared.xlsx", "Số cột vượt quá giới hạn 200"),
        ("far-row.xlsx", "Số dòng vượt quá giới hạn 2.000.000"),
        ("bomb-cell.xlsx", "đoạn văn bản dài bất thường"),
        ("bomb-whitespace.xlsx", "đoạn văn bản dài bất thường"),
        ("bomb-strings.xlsx", "khi giải nén lớn hơn giới hạn 512 MB"),
        ("truncated.xlsx", "tệp bị hỏng hoặc không phải bảng tính"),
        ("not-a-zip.xlsx", "tệp bị hỏng hoặc không phải bảng tính"),
        ("utf16.csv", "UTF-16"),
        ("cp1258.csv", "không ở mã UTF-8"),
        ("long-cell.xlsx", "Ô dài hơn giới hạn 32.767 ký tự"),
        ("long-cell.csv", "Ô dài hơn giới hạn 32.767 ký tự"),
        ("wide.csv", "Số cột vượt quá giới hạn 200"),
        ("formulas.xlsx", "lỗi công thức «#DIV/0!»"),
    ];
    for (file, expected) in cases {
        let (code, stderr) = import(file, &db);
        assert_eq!(code, Some(1), "{file}: ended by a signal or succeeded: {stderr}");
        assert!(stderr.contains(expected), "{file}: expected «{expected}» in: {stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
