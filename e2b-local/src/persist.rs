//! Small durable-file and randomness helpers shared by the state files.
//!
//! # What is durable when, and where e2b-local calls `fsync`
//!
//! Every change is made whole before it becomes visible: a new file is written under another
//! name (or in a folder no one reads yet) and renamed into place, so neither a crash of the
//! server nor one of the machine leaves a torn state file that would stop the server starting.
//!
//! A crash of the server process loses nothing that was written: the kernel has it, and the
//! next start sees every create, kill and change that was answered. `fsync` only matters when
//! the machine itself stops (power loss, kernel panic); what a sandbox runs does not survive
//! that anyway. So:
//!
//! - [`write_atomic`] (the API key, each sandbox's `sandbox.json` when it changes: a pause, a
//!   resume, a new timeout; the compaction of the idempotency log): the new content is
//!   `fsync`ed before the rename, so the file is the old or the new version and never an empty
//!   one, then the folder, so the change itself (a pause, the key clients were given) lasts
//!   through a machine crash as soon as it is answered.
//! - Creating a sandbox (`sandboxes.rs`): no `fsync`. Its `sandbox.json` is written in a
//!   staging folder (made in advance for an empty template) that is renamed into place. After a machine crash the sandbox is there once
//!   the filesystem has committed the rename (ext4: within 5 seconds), and its `sandbox.json`
//!   once the kernel wrote the file back; a sandbox whose `sandbox.json` did not make it is
//!   skipped at start with a message, as if the create had not happened.
//! - Killing a sandbox (`sandboxes.rs`): no `fsync`. The rename to `.trash-<id>` is the kill;
//!   its files are deleted afterwards by a thread of their own, and any `.trash-` or `.tmp-`
//!   folder left by a stop or a crash is deleted at the next start. After a machine crash
//!   within the filesystem's commit interval a killed sandbox can come back (its timeout still
//!   applies); after a crash or a restart of the server it never does.
//! - Files uploaded into a sandbox (`envd/files.rs`): never, as the real envd never does; the
//!   rename into place keeps a dropped upload from harming the old file, which is what users
//!   rely on. This is the hot path of every `files.write`.
//! - Appends to the idempotency log (`idempotency.rs`): never. Losing the last keys to a
//!   machine crash only means that a create retried across that crash makes a new sandbox;
//!   an `fsync` on every create would cost more than the create.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Replaces `path` atomically: a crash leaves either the old or the new content, never a mix.
/// The file is private to the owner: state files hold API keys and access tokens.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = Path::new(&tmp_name);
    let mut file = OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Writes a new file `path` (it must not exist), private to the owner, without `fsync`: for a
/// file in a folder that is renamed into place once it is complete.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?.write_all(bytes)
}

/// Makes a directory's entries (a create, rename or delete in it) durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// `n` bytes from the OS random number generator.
pub fn random_bytes(n: usize) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0; n];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(format!("OS random number generator: {e}")))?;
    Ok(bytes)
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> io::Result<String> {
    Ok(random_bytes(n)?.iter().map(|b| format!("{b:02x}")).collect())
}

/// `len` random characters of `[a-z0-9]`, uniformly drawn (bytes past 252 are redrawn).
pub fn random_alphanumeric(len: usize) -> io::Result<String> {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes(len)? {
            if b < 252 && out.len() < len {
                out.push(ALPHABET[(b % 36) as usize] as char);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn random_strings_have_the_right_shape() {
        let id = random_alphanumeric(20).unwrap();
        assert_eq!(id.len(), 20);
        assert!(id.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let hex = random_hex(20).unwrap();
        assert_eq!(hex.len(), 40);
        assert!(hex.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(random_hex(16).unwrap(), random_hex(16).unwrap());
    }
}
