//! Generates the version constants and the C header (with cbindgen) into `OUT_DIR`, sets the shared
//! library's soname from the ABI version, and puts the soname link next to the library.
//!
//! Nothing is written into the source tree: the committed `include/e2b.h` is checked against the
//! generated `$OUT_DIR/e2b.h` by tests/header.rs (`E2B_BLESS=1 cargo test --test header` copies it).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let part = |name: &str| env::var(name).unwrap().parse::<u32>().unwrap();
    let (major, minor, patch) =
        (part("CARGO_PKG_VERSION_MAJOR"), part("CARGO_PKG_VERSION_MINOR"), part("CARGO_PKG_VERSION_PATCH"));
    let number = major * 1_000_000 + minor * 1_000 + patch;
    let abi = abi_version(&crate_dir.join("Cargo.toml"));

    fs::write(
        out_dir.join("version.rs"),
        format!(
            "pub const VERSION: &str = \"{version}\\0\";\n\
             pub const VERSION_NUMBER: u32 = {number};\n\
             pub const ABI_VERSION: u32 = {abi};\n"
        ),
    )
    .unwrap();

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let macros = config.after_includes.take().unwrap_or_default();
    config.after_includes = Some(format!(
        "{macros}\n/* The version of this header (the library's: e2b_version(), e2b_version_number()). */\n\
         #define E2B_VERSION \"{version}\"\n\
         #define E2B_VERSION_MAJOR {major}\n\
         #define E2B_VERSION_MINOR {minor}\n\
         #define E2B_VERSION_PATCH {patch}\n\
         #define E2B_VERSION_NUMBER {number}\n\
         /* The ABI this header describes; compare with e2b_abi_version(). */\n\
         #define E2B_ABI_VERSION {abi}\n"
    ));
    let header = cbindgen::Builder::new()
        .with_src(crate_dir.join("src/lib.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the C header");
    header.write_to_file(out_dir.join("e2b.h"));

    // The shared library's name for the loader follows the ABI, not the crate's version.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let soname = format!("libe2b.so.{abi}");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
        soname_link(&out_dir, &soname);
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.toml");
}

/// Links `soname` to `libe2b.so` in the profile's output directory (`target/<profile>`, three levels
/// above `OUT_DIR`), so that a program linked there with `-le2b` finds the library at run time. The
/// link dangles until cargo puts the library there, later in the same build.
fn soname_link(out_dir: &Path, soname: &str) {
    let Some(profile_dir) = out_dir.ancestors().nth(3) else { return };
    let link = profile_dir.join(soname);
    if fs::read_link(&link).ok().as_deref() != Some(Path::new("libe2b.so")) {
        let _ = fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink("libe2b.so", &link)
            .unwrap_or_else(|err| panic!("cannot link {} to libe2b.so: {err}", link.display()));
    }
}

/// `abi-version` from `[package.metadata.e2b]` in Cargo.toml.
fn abi_version(manifest: &Path) -> u32 {
    let text = fs::read_to_string(manifest).unwrap();
    text.lines()
        .find_map(|line| line.trim().strip_prefix("abi-version")?.trim().strip_prefix('=')?.trim().parse().ok())
        .expect("Cargo.toml lacks [package.metadata.e2b] abi-version")
}
