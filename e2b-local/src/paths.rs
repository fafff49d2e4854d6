//! Sandbox paths: how envd turns a requested path into an absolute one, and how we keep every
//! access inside the sandbox's `fs/` folder.
//!
//! Confinement uses Linux `openat2(2)` with `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS`, relative
//! to a descriptor of `fs/`: the kernel resolves `..` and absolute symlink targets against that
//! folder exactly as it would under `chroot`, atomically, so no request (and no symlink planted
//! by one) can reach a file outside it.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// The sandbox's working directory, used for an empty path.
pub const DEFAULT_WORKDIR: &str = "/home/user";

/// envd's `ExpandAndResolve`: an empty path is the default workdir, `~` and `~/x` are under
/// `home`, a relative path is joined to `home`, and an absolute path is kept as it is.
pub fn expand(path: &str, home: &str) -> Result<String, &'static str> {
    if path.is_empty() {
        return Ok(DEFAULT_WORKDIR.to_string());
    }
    let path = match path.strip_prefix('~') {
        Some(rest) if !rest.is_empty() && !rest.starts_with(['/', '\\']) => {
            return Err("cannot expand user-specific home dir");
        }
        Some(rest) => clean(&format!("{home}/{rest}")),
        None => path.to_string(),
    };
    if path.starts_with('/') {
        Ok(path)
    } else {
        Ok(clean(&format!("{home}/{path}")))
    }
}

/// Go's `filepath.Clean` for absolute paths: no `.`, no `..`, no repeated or trailing `/`.
pub fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Go's `filepath.Base`: the last element, ignoring trailing slashes.
pub fn base_name(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Splits off the last element: `/a/b/` → (`/a`, `b`). `None` for `/`.
pub fn split_parent(path: &str) -> Option<(&str, &str)> {
    let trimmed = path.trim_end_matches('/');
    let (parent, name) = trimmed.rsplit_once('/')?;
    let parent = parent.trim_end_matches('/');
    Some((if parent.is_empty() { "/" } else { parent }, name))
}

/// A sandbox's root folder; every path given to it is resolved as if it were `/`.
#[derive(Debug)]
pub struct SandboxRoot {
    root: OwnedFd,
}

impl SandboxRoot {
    /// Fails when the kernel has no `openat2(2)` (Linux < 5.6), so the server refuses to start
    /// rather than serve files without confinement.
    pub fn check_supported() -> io::Result<()> {
        SandboxRoot::open(Path::new("/")).map(drop).map_err(|e| {
            if e.raw_os_error() == Some(libc::ENOSYS) {
                io::Error::new(
                    io::ErrorKind::Unsupported,
                    "openat2(2) is not available: e2b-local needs Linux 5.6 or later",
                )
            } else {
                e
            }
        })
    }

    pub fn open(dir: &Path) -> io::Result<SandboxRoot> {
        use std::os::unix::ffi::OsStrExt;
        let path = CString::new(dir.as_os_str().as_bytes())?;
        let root = openat2(libc::AT_FDCWD, &path, libc::O_PATH | libc::O_DIRECTORY, 0, 0)?;
        Ok(SandboxRoot { root })
    }

    /// Opens a file for reading, following symlinks inside the sandbox. Non-blocking, so that
    /// opening a FIFO cannot hang the caller (reading it then fails with `EAGAIN`).
    pub fn open_read(&self, path: &str) -> io::Result<File> {
        self.open_at(path, libc::O_RDONLY | libc::O_NONBLOCK, 0).map(File::from)
    }

    /// Opens a file for writing, creating it or truncating it (`EISDIR` for a directory).
    pub fn create_write(&self, path: &str) -> io::Result<File> {
        self.open_at(path, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC, 0o666).map(File::from)
    }

    /// Opens a directory for reading (listing it, or `fsync` after creating an entry in it).
    pub fn open_dir(&self, path: &str) -> io::Result<File> {
        self.open_at(path, libc::O_RDONLY | libc::O_DIRECTORY, 0).map(File::from)
    }

    /// `mkdir -p`: creates the missing directories one at a time, each with `mkdirat` on a
    /// descriptor of its parent resolved inside the sandbox.
    pub fn mkdir_all(&self, path: &str) -> io::Result<()> {
        let dir_flags = libc::O_PATH | libc::O_DIRECTORY;
        let mut missing = Vec::new();
        let mut existing = path;
        let mut dir = loop {
            match self.open_at(existing, dir_flags, 0) {
                Ok(fd) => break fd,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                    let (parent, name) = split_parent(existing).ok_or(e)?;
                    missing.push(name);
                    existing = parent;
                }
                Err(e) => return Err(e),
            }
        };
        let mut current = existing.to_string();
        for name in missing.into_iter().rev() {
            let c_name = CString::new(name)?;
            // SAFETY: `dir` is an open descriptor and `c_name` a NUL-terminated string.
            if unsafe { libc::mkdirat(dir.as_raw_fd(), c_name.as_ptr(), 0o755) } != 0 {
                let err = io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::EEXIST) {
                    return Err(err);
                }
            }
            if !current.ends_with('/') {
                current.push('/');
            }
            current.push_str(name);
            dir = self.open_at(&current, dir_flags, 0)?;
        }
        Ok(())
    }

    fn open_at(&self, path: &str, flags: libc::c_int, mode: libc::mode_t) -> io::Result<OwnedFd> {
        let path = CString::new(path)?;
        let resolve = libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS;
        openat2(self.root.as_raw_fd(), &path, flags, mode, resolve)
    }
}

/// `openat2(2)` through `syscall`, retried on `EINTR` and on the `EAGAIN` the kernel returns
/// when a concurrent rename could have made the resolution unsafe.
fn openat2(dir: RawFd, path: &CString, flags: libc::c_int, mode: libc::mode_t, resolve: u64) -> io::Result<OwnedFd> {
    // SAFETY: `open_how` is plain data; all-zero is valid, and the fields are set below.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = (flags | libc::O_CLOEXEC) as u64;
    how.mode = u64::from(mode);
    how.resolve = resolve;
    let mut retries = 0;
    loop {
        // SAFETY: valid descriptor, NUL-terminated path, and `how` with its exact size.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir,
                path.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd >= 0 {
            // SAFETY: the kernel returned a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) });
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => {}
            Some(libc::EAGAIN) if retries < 16 => retries += 1,
            _ => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::fs::symlink;

    fn errno(result: io::Result<impl Sized>) -> i32 {
        result.err().and_then(|e| e.raw_os_error()).expect("an OS error")
    }

    /// A sandbox root `fs/` next to a folder `outside/` holding `secret.txt`.
    fn setup() -> (tempfile::TempDir, SandboxRoot) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("fs/home/user")).unwrap();
        std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
        std::fs::write(tmp.path().join("outside/secret.txt"), "secret").unwrap();
        std::fs::write(tmp.path().join("fs/inside.txt"), "inside").unwrap();
        let root = SandboxRoot::open(&tmp.path().join("fs")).unwrap();
        (tmp, root)
    }

    fn read(root: &SandboxRoot, path: &str) -> io::Result<String> {
        let mut s = String::new();
        root.open_read(path)?.read_to_string(&mut s)?;
        Ok(s)
    }

    #[test]
    fn expands_paths_like_envd() {
        let home = "/home/user";
        assert_eq!(expand("", home).unwrap(), "/home/user");
        assert_eq!(expand("~", home).unwrap(), "/home/user");
        assert_eq!(expand("~/a/../b", home).unwrap(), "/home/user/b");
        assert_eq!(expand("a.txt", home).unwrap(), "/home/user/a.txt");
        assert_eq!(expand("../../../etc", home).unwrap(), "/etc");
        assert_eq!(expand("/tmp/../x", home).unwrap(), "/tmp/../x");
        assert_eq!(expand("~/x", "/root").unwrap(), "/root/x");
        assert!(expand("~other/x", home).is_err());
    }

    #[test]
    fn path_helpers_follow_go() {
        assert_eq!(clean("//a/./b/../c/"), "/a/c");
        assert_eq!(clean("/.."), "/");
        assert_eq!(base_name("/a/b.txt"), "b.txt");
        assert_eq!(base_name("/a/b/"), "b");
        assert_eq!(base_name("/"), "/");
        assert_eq!(split_parent("/a/b/"), Some(("/a", "b")));
        assert_eq!(split_parent("/a"), Some(("/", "a")));
        assert_eq!(split_parent("/"), None);
    }

    #[test]
    fn dot_dot_stays_inside_the_root() {
        let (_tmp, root) = setup();
        assert_eq!(read(&root, "/../../inside.txt").unwrap(), "inside");
        assert_eq!(read(&root, "/home/user/../../../inside.txt").unwrap(), "inside");
        assert_eq!(errno(read(&root, "/../outside/secret.txt")), libc::ENOENT);
    }

    #[test]
    fn absolute_and_relative_symlinks_resolve_inside_the_root() {
        let (tmp, root) = setup();
        let outside = tmp.path().join("outside");
        symlink(&outside, tmp.path().join("fs/abs")).unwrap();
        symlink("../../../../../../../../outside", tmp.path().join("fs/home/user/up")).unwrap();
        symlink("/inside.txt", tmp.path().join("fs/home/user/link.txt")).unwrap();
        assert_eq!(errno(read(&root, "/abs/secret.txt")), libc::ENOENT);
        assert_eq!(errno(read(&root, "/home/user/up/secret.txt")), libc::ENOENT);
        assert_eq!(read(&root, "/home/user/link.txt").unwrap(), "inside");
    }

    #[test]
    fn writes_through_symlinks_land_inside_the_root() {
        let (tmp, root) = setup();
        let outside = tmp.path().join("outside");
        symlink(outside.join("secret.txt"), tmp.path().join("fs/home/user/evil")).unwrap();
        symlink(&outside, tmp.path().join("fs/home/user/evil_dir")).unwrap();

        // The dangling in-sandbox target is created inside `fs/`, never the host file.
        let target = format!("{}", outside.join("secret.txt").display());
        root.mkdir_all(split_parent(&target).unwrap().0).unwrap();
        root.create_write("/home/user/evil").unwrap().write_all(b"pwned").unwrap();
        assert_eq!(std::fs::read_to_string(outside.join("secret.txt")).unwrap(), "secret");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("fs").join(target.trim_start_matches('/'))).unwrap(),
            "pwned"
        );

        root.mkdir_all("/home/user/evil_dir/sub").unwrap();
        assert!(!outside.join("sub").exists());
        assert!(tmp.path().join("fs").join(outside.strip_prefix("/").unwrap()).join("sub").is_dir());
    }

    #[test]
    fn symlink_loops_fail() {
        let (tmp, root) = setup();
        symlink("loop2", tmp.path().join("fs/loop1")).unwrap();
        symlink("loop1", tmp.path().join("fs/loop2")).unwrap();
        assert_eq!(errno(read(&root, "/loop1")), libc::ELOOP);
        assert_eq!(errno(root.create_write("/loop1")), libc::ELOOP);
        assert_eq!(errno(root.mkdir_all("/loop1/x")), libc::ELOOP);
    }

    #[test]
    fn magic_links_are_refused() {
        // With the host's `/` as the root, `/proc` is reachable: its magic links must not be.
        let root = SandboxRoot::open(Path::new("/")).unwrap();
        assert_eq!(errno(root.open_dir("/proc/self/root/etc")), libc::ELOOP);
        assert_eq!(errno(root.open_read("/proc/self/exe")), libc::ELOOP);
        assert!(root.open_read("/proc/self/status").is_ok());
    }

    #[test]
    fn mkdir_all_creates_nested_dirs_and_handles_dot_dot() {
        let (tmp, root) = setup();
        root.mkdir_all("/a/b/../c/d").unwrap();
        assert!(tmp.path().join("fs/a/b").is_dir());
        assert!(tmp.path().join("fs/a/c/d").is_dir());
        root.mkdir_all("/a/c/d").unwrap();
        assert_eq!(errno(root.mkdir_all("/inside.txt/x")), libc::ENOTDIR);
    }

    #[test]
    fn create_write_on_a_directory_is_eisdir() {
        let (_tmp, root) = setup();
        assert_eq!(errno(root.create_write("/home/user")), libc::EISDIR);
        assert!(root.open_dir("/home/user").is_ok());
        assert_eq!(errno(root.open_read("/nope")), libc::ENOENT);
    }

    #[test]
    fn paths_with_nul_are_invalid_input() {
        let (_tmp, root) = setup();
        let err = root.open_read("/a\0b").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn openat2_is_supported_here() {
        SandboxRoot::check_supported().unwrap();
    }
}
