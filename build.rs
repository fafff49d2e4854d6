//! Generates the version constants and `include/e2b.h` (with cbindgen).

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
    config.after_includes = Some(format!(
        "\n/* The version of this header (the library's: e2b_version(), e2b_version_number()). */\n\
         #define E2B_VERSION \"{version}\"\n\
         #define E2B_VERSION_MAJOR {major}\n\
         #define E2B_VERSION_MINOR {minor}\n\
         #define E2B_VERSION_PATCH {patch}\n\
         #define E2B_VERSION_NUMBER {number}\n\
         /* The ABI this header describes; compare with e2b_abi_version(). */\n\
         #define E2B_ABI_VERSION {abi}\n"
    ));
    let header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate include/e2b.h");
    let target = crate_dir.join("include/e2b.h");
    // Written only on change, so an unchanged header keeps its timestamp.
    let mut generated = Vec::new();
    header.write(&mut generated);
    if fs::read(&target).ok().as_deref() != Some(&generated[..]) {
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, &generated).unwrap();
    }

    // The shared library's name for the loader: one per major version.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libe2b.so.{major}");
    }
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.toml");
}

/// `abi-version` from `[package.metadata.e2b]` in Cargo.toml.
fn abi_version(manifest: &Path) -> u32 {
    let text = fs::read_to_string(manifest).unwrap();
    text.lines()
        .find_map(|line| line.trim().strip_prefix("abi-version")?.trim().strip_prefix('=')?.trim().parse().ok())
        .expect("Cargo.toml lacks [package.metadata.e2b] abi-version")
}
