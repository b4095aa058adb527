//! The README's Install table against the packages' metadata in Cargo.toml (what
//! `scripts/dist` gives cargo-deb and cargo-generate-rpm): the files each package installs,
//! and what it depends on. `scripts/dist` checks the built packages against the same table.

use std::collections::BTreeSet;

const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
const MANIFEST: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));

/// The paths in one column of the Install table (1 tarball, 2 .deb, 3 .rpm).
fn readme_column(column: usize) -> BTreeSet<String> {
    let start = README
        .find("| installs | tarball | .deb | .rpm |")
        .expect("the README's Install table");
    let table = README[start..].split("\n\n").next().unwrap();
    table
        .lines()
        .skip(2)
        .flat_map(|row| {
            let cells: Vec<&str> = row.trim().trim_matches('|').split('|').collect();
            cells[column]
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn metadata(tool: &str) -> toml::Value {
    let manifest: toml::Value = toml::from_str(MANIFEST).unwrap();
    manifest["package"]["metadata"][tool].clone()
}

#[test]
fn the_deb_installs_what_the_readme_says() {
    let deb = metadata("deb");
    let mut installed: BTreeSet<String> = deb["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|asset| {
            let source = asset[0].as_str().unwrap();
            let dest = asset[1].as_str().unwrap();
            // A destination ending in `/` is a directory: the file keeps its name.
            let name = source.rsplit('/').next().unwrap();
            let path = if dest.ends_with('/') {
                format!("{dest}{name}")
            } else {
                dest.to_string()
            };
            format!("/{path}")
        })
        .collect();
    // cargo-deb writes the copyright file from `license-file`.
    assert_eq!(deb["license-file"][0].as_str(), Some("LICENSE"));
    installed.insert("/usr/share/doc/watchpost/copyright".to_string());
    assert_eq!(readme_column(2), installed);
    assert_eq!(deb["depends"].as_str(), Some("libc6 (>= 2.26)"));
    assert!(README.contains("depends only on `libc6 (>= 2.26)`"));
}

#[test]
fn the_rpm_installs_what_the_readme_says() {
    let rpm = metadata("generate-rpm");
    let installed: BTreeSet<String> = rpm["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|asset| asset["dest"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(readme_column(3), installed);
    assert_eq!(rpm["requires"]["glibc"].as_str(), Some(">= 2.26"));
    assert!(README.contains("requires `glibc >= 2.26`"));
}

#[test]
fn every_package_and_the_tarball_carry_the_same_kinds_of_file() {
    let tarball = readme_column(1);
    let names = |paths: &BTreeSet<String>| -> BTreeSet<String> {
        paths
            .iter()
            .map(|p| {
                p.rsplit('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".gz")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(tarball.len(), 7, "{tarball:?}");
    assert_eq!(readme_column(2).len(), tarball.len());
    assert_eq!(readme_column(3).len(), tarball.len());
    // Man page and completions under the same names; the README as README.md everywhere.
    for name in ["watchpost.1", "_watchpost", "watchpost.fish", "README.md"] {
        for column in 1..=3 {
            assert!(
                names(&readme_column(column)).contains(name),
                "{name} in {column}"
            );
        }
    }
}
