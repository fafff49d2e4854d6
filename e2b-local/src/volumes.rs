//! Volumes: named folders that outlive sandboxes, mounted into the sandboxes created with them
//! (`volumeMounts`) and reachable without any sandbox through the volume content API.
//!
//! Layout under the data directory:
//! - `volumes/<id>/volume.json`: the volume's record (id, name, creation time);
//! - `volumes/<id>/data/`: its content, the folder a sandbox sees at its mount path;
//! - `volumes/token-key`: the secret that signs the volumes' content tokens.
//!
//! A volume is made under `volumes/.tmp-<id>` and renamed into place, and destroyed by a rename
//! to `volumes/.trash-<id>` before its files are deleted, so a crash never leaves a half-made
//! or half-deleted volume that would load on the next start.
//!
//! A volume's content belongs to the sandbox user `user` (uid 1000 inside a sandbox) unless
//! given to another owner through the content API; ids are stored as the host ids the
//! sandboxes' ids map to ([`isolation::sandbox_owned`]) and reported as sandboxes see them.
//!
//! Mounting: when a sandbox's root is assembled ([`crate::rootfs::Rootfs::root`]), each of its
//! volumes is bind-mounted at its path in that root, on the host ([`bind`]), so that the jail
//! (which binds the root recursively as its `/`) and the envd files API see the same folder.
//! The mount point is made and opened inside the sandbox's root (`openat2` with
//! `RESOLVE_IN_ROOT`), so no symlink the sandbox planted can move the mount outside it.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::fs;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::isolation::{self, User};
use crate::paths::SandboxRoot;
use crate::rfc3339::{self, Micros, MICROS_PER_SEC};
use crate::{constant_time_eq, persist};

/// How long a content token is good for; `GET /volumes/{id}` hands out a fresh one.
pub const TOKEN_LIFETIME_SECS: i64 = 24 * 3600;

/// Whether `name` is a valid volume name: `^[a-zA-Z0-9_-]+$`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Why a mount path is refused, in the API's words; `None` for a good one: non-empty, absolute
/// and clean (no `.` or `..` component, no doubled or trailing `/`).
pub fn mount_path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("path cannot be empty");
    }
    if !path.starts_with('/') {
        return Some("path must be absolute");
    }
    if crate::paths::clean(path) != path {
        return Some("path must not contain any '.' or '..' components");
    }
    // E2B would accept it; here it would hide the sandbox's whole root.
    if path == "/" {
        return Some("path must not be '/'");
    }
    None
}

/// One volume's record, the content of its `volume.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    #[serde(rename = "volumeID")]
    pub volume_id: String,
    pub name: String,
    #[serde(with = "rfc3339::as_string")]
    pub created_at: Micros,
}

/// A volume mounted in a sandbox: which one, and where. Kept in the sandbox's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mount {
    /// The volume's name, as the API reports the mount.
    pub name: String,
    /// The absolute path in the sandbox.
    pub path: String,
    /// The volume's id: a volume destroyed and made again under the same name is another one.
    #[serde(rename = "volumeID")]
    pub volume_id: String,
}

#[derive(Debug)]
pub enum VolumeError {
    /// A volume with this name exists.
    NameTaken,
    Io(io::Error),
}

impl From<io::Error> for VolumeError {
    fn from(e: io::Error) -> Self {
        VolumeError::Io(e)
    }
}

/// Every volume of one server, in memory and on disk.
pub struct Volumes {
    dir: PathBuf,
    token_key: Vec<u8>,
    volumes: Mutex<BTreeMap<String, Volume>>,
}

impl Volumes {
    /// Loads the volumes under `data_dir/volumes`, creating the folder and the token key on
    /// first use and deleting what an interrupted create or destroy left.
    pub fn open(data_dir: &Path) -> io::Result<Volumes> {
        let dir = volumes_dir(data_dir);
        fs::create_dir_all(&dir)?;
        let key_path = dir.join("token-key");
        let token_key = match fs::read_to_string(&key_path) {
            Ok(key) if key.trim().len() >= 64 => key.trim().as_bytes().to_vec(),
            Ok(_) => {
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{} is damaged", key_path.display())))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let key = persist::random_hex(32)?;
                persist::write_atomic(&key_path, key.as_bytes())?;
                key.into_bytes()
            }
            Err(e) => return Err(e),
        };
        let mut volumes = BTreeMap::new();
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type()?.is_dir() {
                continue;
            }
            if name.starts_with(".tmp-") || name.starts_with(".trash-") {
                remove_tree(&entry.path())?;
                continue;
            }
            let loaded = fs::read(entry.path().join("volume.json"))
                .and_then(|bytes| serde_json::from_slice::<Volume>(&bytes).map_err(io::Error::other));
            match loaded {
                Ok(volume) if volume.volume_id == name => {
                    volumes.insert(name, volume);
                }
                Ok(_) => eprintln!("e2b-local: skipping {}: its id does not match its folder", entry.path().display()),
                Err(e) => eprintln!("e2b-local: skipping {}: {e}", entry.path().display()),
            }
        }
        Ok(Volumes { dir, token_key, volumes: Mutex::new(volumes) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Volume>> {
        self.volumes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates an empty volume named `name` (already validated). Blocking.
    pub fn create(&self, name: &str) -> Result<Volume, VolumeError> {
        let mut volumes = self.lock();
        if volumes.values().any(|v| v.name == name) {
            return Err(VolumeError::NameTaken);
        }
        let volume = Volume { volume_id: new_uuid()?, name: name.to_string(), created_at: rfc3339::now() };
        let staging = self.dir.join(format!(".tmp-{}", volume.volume_id));
        let made = (|| -> io::Result<()> {
            fs::create_dir(&staging)?;
            let data = staging.join("data");
            fs::create_dir(&data)?;
            // The content is the sandbox user's, as a sandbox's home is.
            if let Some((uid, gid)) = isolation::host_ids(User::User) {
                std::os::unix::fs::chown(&data, Some(uid), Some(gid))?;
            }
            let json = serde_json::to_vec_pretty(&volume).map_err(io::Error::other)?;
            persist::write_private(&staging.join("volume.json"), &json)?;
            fs::rename(&staging, self.dir.join(&volume.volume_id))
        })();
        if let Err(e) = made {
            let _ = fs::remove_dir_all(&staging);
            return Err(e.into());
        }
        volumes.insert(volume.volume_id.clone(), volume.clone());
        Ok(volume)
    }

    pub fn get(&self, id: &str) -> Option<Volume> {
        self.lock().get(id).cloned()
    }

    pub fn by_name(&self, name: &str) -> Option<Volume> {
        self.lock().values().find(|v| v.name == name).cloned()
    }

    /// Every volume, oldest first.
    pub fn list(&self) -> Vec<Volume> {
        let mut all: Vec<Volume> = self.lock().values().cloned().collect();
        all.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
        all
    }

    /// Destroys a volume and its content; `false` when there is none with this id. Sandboxes
    /// that have it mounted keep an empty folder there, which takes no new files. Blocking.
    pub fn destroy(&self, id: &str) -> io::Result<bool> {
        let mut volumes = self.lock();
        if !volumes.contains_key(id) {
            return Ok(false);
        }
        let trash = self.dir.join(format!(".trash-{id}"));
        fs::rename(self.dir.join(id), &trash)?;
        volumes.remove(id);
        drop(volumes);
        if let Err(e) = remove_tree(&trash) {
            eprintln!("e2b-local: deleting {} failed (the next start retries): {e}", trash.display());
        }
        Ok(true)
    }

    /// The folder that holds a volume's content.
    pub fn content_dir(&self, id: &str) -> PathBuf {
        content_dir(&self.dir, id)
    }

    /// A content token for volume `id`, good for [`TOKEN_LIFETIME_SECS`]: the id, the expiry
    /// and an HMAC-SHA256 of both under the server's token key.
    pub fn token(&self, id: &str) -> String {
        let expires = rfc3339::now() / MICROS_PER_SEC + TOKEN_LIFETIME_SECS;
        let signed = format!("{id}.{expires}");
        format!("{signed}.{}", hex(&hmac_sha256(&self.token_key, signed.as_bytes())))
    }

    /// Whether `token` is a valid, unexpired token of volume `id`.
    pub fn check_token(&self, id: &str, token: &str) -> bool {
        let Some((signed, mac)) = token.rsplit_once('.') else { return false };
        let Some((token_id, expires)) = signed.rsplit_once('.') else { return false };
        let expected = hex(&hmac_sha256(&self.token_key, signed.as_bytes()));
        constant_time_eq(mac.as_bytes(), expected.as_bytes())
            && token_id == id
            && expires.parse::<i64>().is_ok_and(|expires| expires > rfc3339::now() / MICROS_PER_SEC)
    }
}

/// The folder of every volume in the data directory `data_dir`.
pub fn volumes_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("volumes")
}

/// The content folder of volume `id` in the volumes folder `volumes_dir`.
pub fn content_dir(volumes_dir: &Path, id: &str) -> PathBuf {
    volumes_dir.join(id).join("data")
}

/// Deletes a folder tree; nothing there is no error.
fn remove_tree(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A random UUID (version 4), the shape of E2B's volume ids.
fn new_uuid() -> io::Result<String> {
    let mut b = persist::random_bytes(16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC (RFC 2104) with SHA-256.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

/// Whether this server can mount volumes into sandboxes (bind mounts need root).
pub fn mounts_available() -> bool {
    isolation::mounts_allowed()
}

/// Bind-mounts the folder `source` at `path` inside the sandbox root `root` (the host's view of
/// the sandbox's `/`), making the mount point first (owned by the sandbox's `root`). The mount
/// point is resolved inside the root, so symlinks in the sandbox cannot lead it elsewhere. The
/// mount takes no device files nor set-user-id programs. Returns the mount's root, open, to
/// [`unbind`] it later. Blocking.
pub fn bind(root: &Path, source: &Path, path: &str) -> io::Result<OwnedFd> {
    let sandbox = SandboxRoot::open(root)?.acting_as(User::Root.name());
    sandbox.mkdir_all(path)?;
    let target = sandbox.open_dir(path)?;
    let source = CString::new(source.as_os_str().as_bytes())?;
    mount(&source, &fd_path(&target)?, libc::MS_BIND | libc::MS_REC)?;
    // Opened again, the path now leads to the mount's root.
    let mounted = OwnedFd::from(sandbox.open_dir(path)?);
    let flags = libc::MS_BIND | libc::MS_REMOUNT | libc::MS_NOSUID | libc::MS_NODEV;
    if let Err(e) = mount(c"none", &fd_path(&mounted)?, flags) {
        unbind(&mounted);
        return Err(e);
    }
    Ok(mounted)
}

/// Removes a mount made by [`bind`], lazily (processes that use it keep it until they end).
pub fn unbind(mounted: &OwnedFd) {
    let Ok(path) = fd_path(mounted) else { return };
    // SAFETY: a NUL-terminated path.
    if unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH) } != 0 {
        eprintln!("e2b-local: unmounting a volume failed: {}", io::Error::last_os_error());
    }
}

fn fd_path(fd: &impl AsRawFd) -> io::Result<CString> {
    CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).map_err(io::Error::other)
}

fn mount(source: &std::ffi::CStr, target: &std::ffi::CStr, flags: libc::c_ulong) -> io::Result<()> {
    // SAFETY: NUL-terminated strings that outlive the call; no file system type or data.
    let result = unsafe { libc::mount(source.as_ptr(), target.as_ptr(), std::ptr::null(), flags, std::ptr::null()) };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A volume mount of a sandbox as its root needs it: the content folder and the path.
#[derive(Clone, Debug)]
pub struct Source {
    pub dir: PathBuf,
    pub path: String,
}

/// Mounts `sources` in `root`, in order; a volume whose folder is gone (destroyed since) is
/// skipped and said so, and so is a mount that fails: the sandbox runs without it, with an
/// empty folder at its path, as an E2B sandbox whose volume could not be mounted does.
pub fn bind_all(root: &Path, sources: &[Source]) -> Vec<OwnedFd> {
    let mut mounted = Vec::new();
    for source in sources {
        if !source.dir.is_dir() {
            eprintln!("e2b-local: the volume for {} in {} is gone; not mounted", source.path, root.display());
            continue;
        }
        match bind(root, &source.dir, &source.path) {
            Ok(fd) => mounted.push(fd),
            Err(e) => eprintln!("e2b-local: mounting a volume at {} in {} failed: {e}", source.path, root.display()),
        }
    }
    mounted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_mount_paths_are_checked_as_e2b_checks_them() {
        assert!(is_valid_name("my-vol_1"));
        for bad in ["", "a b", "a/b", "é", "a.b"] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
        assert_eq!(mount_path_problem("/mnt/data"), None);
        assert_eq!(mount_path_problem(""), Some("path cannot be empty"));
        assert_eq!(mount_path_problem("mnt"), Some("path must be absolute"));
        for unclean in ["/mnt/../etc", "/mnt/./d", "/mnt//d", "/mnt/"] {
            assert_eq!(mount_path_problem(unclean), Some("path must not contain any '.' or '..' components"));
        }
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn volumes_persist_and_names_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let volumes = Volumes::open(dir.path()).unwrap();
        let a = volumes.create("alpha").unwrap();
        assert_eq!(a.volume_id.len(), 36);
        assert!(matches!(volumes.create("alpha"), Err(VolumeError::NameTaken)));
        let b = volumes.create("beta").unwrap();
        fs::write(volumes.content_dir(&a.volume_id).join("f"), "kept").unwrap();
        let token = volumes.token(&a.volume_id);
        drop(volumes);

        let again = Volumes::open(dir.path()).unwrap();
        assert_eq!(again.list(), [a.clone(), b.clone()]);
        assert_eq!(fs::read_to_string(again.content_dir(&a.volume_id).join("f")).unwrap(), "kept");
        assert!(again.check_token(&a.volume_id, &token), "tokens survive a restart");
        assert!(!again.check_token(&b.volume_id, &token), "a token is for one volume");
        assert!(!again.check_token(&a.volume_id, &token.replace('.', ",")));
        let mut forged = token.clone();
        forged.replace_range(forged.len() - 1.., if token.ends_with('0') { "1" } else { "0" });
        assert!(!again.check_token(&a.volume_id, &forged));

        assert!(again.destroy(&a.volume_id).unwrap());
        assert!(!again.destroy(&a.volume_id).unwrap());
        assert!(!again.content_dir(&a.volume_id).exists());
        assert_eq!(again.create("alpha").unwrap().name, "alpha", "a destroyed volume's name is free");
        assert_eq!(Volumes::open(dir.path()).unwrap().list().len(), 2);
    }

    #[test]
    fn expired_tokens_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let volumes = Volumes::open(dir.path()).unwrap();
        let id = volumes.create("v").unwrap().volume_id;
        let signed = format!("{id}.{}", rfc3339::now() / MICROS_PER_SEC - 1);
        let expired = format!("{signed}.{}", hex(&hmac_sha256(&volumes.token_key, signed.as_bytes())));
        assert!(!volumes.check_token(&id, &expired));
    }

    /// A volume bound into a sandbox's root shows in its jail at the mount path, both ways, and
    /// a symlink the sandbox planted on the way cannot move the mount out of the root.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_volume_shows_in_the_jail_at_its_path() {
        use crate::isolation::{Machine, DEFAULT_PATH};
        use crate::rootfs::{Base, Rootfs};
        use std::sync::Arc;
        if !mounts_available() || isolation::availability().is_err() {
            return eprintln!("skipped: needs root and bubblewrap");
        }
        let dir = tempfile::tempdir().unwrap();
        let volumes = Volumes::open(dir.path()).unwrap();
        let volume = volumes.create("shared").unwrap();
        let content = volumes.content_dir(&volume.volume_id);
        fs::write(content.join("from-host.txt"), "hello volume").unwrap();
        let sandbox = dir.path().join("sandbox");
        fs::create_dir_all(sandbox.join("fs/home/user")).unwrap();
        // `/link` leads to a host folder by an absolute path: inside the root it is the root's own.
        let host_target = dir.path().join("host-target");
        fs::create_dir(&host_target).unwrap();
        std::os::unix::fs::symlink(&host_target, sandbox.join("fs/link")).unwrap();
        fs::create_dir_all(sandbox.join("fs").join(host_target.strip_prefix("/").unwrap())).unwrap();
        let sources = vec![
            Source { dir: content.clone(), path: "/mnt/data".into() },
            Source { dir: content.clone(), path: "/link/data".into() },
        ];
        let rootfs = Arc::new(Rootfs::new(sandbox.clone(), Base::Host).with_volumes(sources));
        let root = rootfs.root().unwrap();
        assert_eq!(fs::read_to_string(root.join("mnt/data/from-host.txt")).unwrap(), "hello volume");
        assert!(fs::read_dir(&host_target).unwrap().next().is_none(), "nothing was mounted outside the root");
        let inside = root.join(host_target.strip_prefix("/").unwrap()).join("data/from-host.txt");
        assert_eq!(fs::read_to_string(inside).unwrap(), "hello volume");

        let machine = Machine::new("voltest", rootfs.clone(), Vec::new(), crate::egress::Mode::of(Some(false), None));
        let jail = machine.jail().await.unwrap();
        let cwd = jail.open_dir("/home/user").unwrap();
        let mut command = tokio::process::Command::new("/bin/sh");
        command
            .args(["-c", "cat /mnt/data/from-host.txt && echo written > /mnt/data/from-jail.txt"])
            .env_clear()
            .env("PATH", DEFAULT_PATH)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let spawned = jail.spawn(&mut command, User::User, &cwd, false).unwrap();
        let output = spawned.child.wait_with_output().await.unwrap();
        assert!(output.status.success(), "{output:?}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), "hello volume");
        assert_eq!(fs::read_to_string(content.join("from-jail.txt")).unwrap(), "written\n");
        use std::os::unix::fs::MetadataExt;
        let owner = fs::metadata(content.join("from-jail.txt")).unwrap().uid();
        assert_eq!(isolation::sandbox_id(owner), isolation::USER_ID, "written by the sandbox's user");

        tokio::task::spawn_blocking(move || {
            machine.end();
            rootfs.end();
        })
        .await
        .unwrap();
        assert!(!sandbox.join("fs/mnt/data/from-host.txt").exists(), "unmounted with the root");
        assert!(content.join("from-host.txt").exists(), "the volume keeps its files");
    }
}
