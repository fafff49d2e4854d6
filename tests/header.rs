//! The committed C header, include/e2b.h, must be what build.rs generates from the code.
//!
//! build.rs writes the header into `OUT_DIR` only; `E2B_BLESS=1 cargo test --test header` copies
//! it over include/e2b.h.

use std::fs;
use std::path::Path;

/// The command that brings include/e2b.h up to date.
const BLESS: &str = "E2B_BLESS=1 cargo test --test header";

#[test]
fn the_committed_header_matches_the_code() {
    let generated_path = Path::new(env!("OUT_DIR")).join("e2b.h");
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/e2b.h");
    let generated = fs::read_to_string(&generated_path)
        .unwrap_or_else(|err| panic!("build.rs did not generate {}: {err}", generated_path.display()));
    let committed = fs::read_to_string(&committed_path).unwrap_or_default();
    if committed == generated {
        return;
    }
    if std::env::var_os("E2B_BLESS").is_some_and(|value| value == "1") {
        fs::write(&committed_path, &generated)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", committed_path.display()));
        return eprintln!("updated {}: commit it", committed_path.display());
    }
    let line = first_difference(&committed, &generated);
    panic!(
        "include/e2b.h differs from the header generated from src (first at line {line}):\n  \
         committed: {:?}\n  generated: {:?}\nUpdate it with: {BLESS}",
        committed.lines().nth(line - 1).unwrap_or("<end of file>"),
        generated.lines().nth(line - 1).unwrap_or("<end of file>"),
    );
}

/// The 1-based number of the first line where `a` and `b` differ, or one past the last line when
/// they differ only in a final newline.
fn first_difference(a: &str, b: &str) -> usize {
    let same = a.split('\n').zip(b.split('\n')).take_while(|(a, b)| a == b).count();
    same + 1
}
