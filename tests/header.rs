//! The committed C header must be what build.rs generates from the code.

use std::process::Command;

#[test]
fn the_committed_header_matches_the_code() {
    // Building this test ran build.rs, which rewrote include/e2b.h from
    // src/ffi; git tells whether that changed what is committed (or staged).
    let root = env!("CARGO_MANIFEST_DIR");
    let output =
        match Command::new("git").args(["diff", "--exit-code", "--", "include/e2b.h"]).current_dir(root).output() {
            Ok(output) => output,
            Err(err) => return eprintln!("skipped: git is not available ({err})"),
        };
    if String::from_utf8_lossy(&output.stderr).contains("not a git repository") {
        return eprintln!("skipped: not a git checkout");
    }
    assert!(
        output.status.success(),
        "include/e2b.h changed when regenerated from src/ffi: commit the new header\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
