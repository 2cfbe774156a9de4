//! Stamps the binary with the git revision it was built from, for `openclaw --version`.
//!
//! From a checkout it is `git rev-parse --short=12 HEAD`; from a tarball (no git, or no
//! repository) `OPENCLAW_GIT_REV` may name it (scripts/release sets it), else the version
//! stands alone. Nothing here fails the build.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=OPENCLAW_GIT_REV");
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&dir);
    let rev = std::env::var("OPENCLAW_GIT_REV")
        .ok()
        .filter(|r| !r.trim().is_empty())
        .or_else(|| git(dir, &["rev-parse", "--short=12", "HEAD"]));
    // A new commit or checkout changes HEAD or its reflog: rebuild the stamp then, not on
    // every build.
    if let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]) {
        let git_dir = Path::new(&git_dir);
        for f in ["HEAD", "logs/HEAD"] {
            println!("cargo:rerun-if-changed={}", git_dir.join(f).display());
        }
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match rev {
        Some(rev) => format!("{version} ({rev})"),
        None => version,
    };
    println!("cargo:rustc-env=OPENCLAW_VERSION={long}");
}
