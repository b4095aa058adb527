//! Stamps the binary with the git commit it was built from and that commit's date
//! (`watchpost --version`, the report's `generator`). The date is the commit's, so building
//! the same commit twice gives the same binary; outside a git checkout both are "unknown".

#[path = "build/git.rs"]
mod git;

use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let info = git::describe(&dir);
    println!("cargo:rustc-env=WATCHPOST_GIT_COMMIT={}", info.commit);
    println!("cargo:rustc-env=WATCHPOST_BUILD_DATE={}", info.date);
    // Rerun when HEAD moves, and for nothing else: without any rerun-if line cargo would
    // rerun on every change in the package, and a watched path that does not exist would
    // rerun on every build.
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/git.rs");
    for path in &info.watch {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
