//! Sandbox paths: how envd turns a requested path into an absolute one, and how we keep every
//! access inside the sandbox's `fs/` folder.
//!
//! Confinement uses Linux `openat2(2)` with `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS`, relative
//! to a descriptor of `fs/`: the kernel resolves `..` and absolute symlink targets against that
//! folder exactly as it would under `chroot`, atomically, so no request (and no symlink planted
//! by one) can reach a file outside it.
//!
//! What the server creates for a sandbox user is given to that user's host ids
//! ([`SandboxRoot::acting_as`], [`SandboxRoot::give`]), so that the user owns it inside.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::{File, Metadata};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use crate::isolation::{self, User};

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
    /// The host uid and gid that what this root creates gets (`None`: the server's own).
    owner: Option<(u32, u32)>,
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
        Ok(SandboxRoot { root, owner: None })
    }

    /// The same root, creating files and folders as the sandbox user `name` (`user` or
    /// `root`): what [`SandboxRoot::create_write`] and [`SandboxRoot::mkdir_all`] make is
    /// given to that user, as envd does.
    pub fn acting_as(mut self, name: &str) -> SandboxRoot {
        self.owner = User::from_name(name).and_then(isolation::host_ids);
        self
    }

    /// Gives `file` (any descriptor, `O_PATH` included: a temporary file, a folder) to the user
    /// this root acts as; nothing when the sandbox's ids are the server's own.
    pub fn give(&self, file: impl AsFd) -> io::Result<()> {
        match self.owner {
            Some((uid, gid)) => chown_fd(file.as_fd(), uid, gid),
            None => Ok(()),
        }
    }

    /// Opens a file for reading, following symlinks inside the sandbox. Non-blocking, so that
    /// opening a FIFO cannot hang the caller (reading it then fails with `EAGAIN`).
    pub fn open_read(&self, path: &str) -> io::Result<File> {
        self.open_at(path, libc::O_RDONLY | libc::O_NONBLOCK, 0).map(File::from)
    }

    /// Opens a file for writing, creating it or truncating it (`EISDIR` for a directory).
    pub fn create_write(&self, path: &str) -> io::Result<File> {
        let file = File::from(self.open_at(path, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC, 0o666)?);
        self.give(&file)?;
        Ok(file)
    }

    /// Creates a file that must not exist yet (not even as a symlink), with `mode`.
    pub fn create_new(&self, path: &str, mode: libc::mode_t) -> io::Result<File> {
        let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW;
        let file = File::from(self.open_at(path, flags, mode)?);
        self.give(&file)?;
        Ok(file)
    }

    /// Creates the symlink `path` pointing to `target`.
    pub fn symlink(&self, target: &OsStr, path: &str) -> io::Result<()> {
        let (dir, name) = self.parent_of(path)?;
        let target = CString::new(target.as_bytes())?;
        // SAFETY: an open descriptor and NUL-terminated strings.
        if unsafe { libc::symlinkat(target.as_ptr(), dir.as_raw_fd(), name.as_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        self.give(openat(dir.as_fd(), &name, libc::O_PATH | libc::O_NOFOLLOW)?)
    }

    /// Opens a directory for reading (listing it, or `fsync` after creating an entry in it).
    pub fn open_dir(&self, path: impl AsRef<OsStr>) -> io::Result<File> {
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
            let made = unsafe { libc::mkdirat(dir.as_raw_fd(), c_name.as_ptr(), 0o755) } == 0;
            if !made {
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
            if made {
                self.give(&dir)?;
            }
        }
        Ok(())
    }

    /// The metadata of `path` itself: a symlink at its end is not followed (`lstat`).
    pub fn lstat(&self, path: &str) -> io::Result<Metadata> {
        File::from(self.open_at(path, libc::O_PATH | libc::O_NOFOLLOW, 0)?).metadata()
    }

    /// The metadata of what `path` names, through symlinks (`stat`).
    pub fn stat(&self, path: &str) -> io::Result<Metadata> {
        File::from(self.open_at(path, libc::O_PATH, 0)?).metadata()
    }

    /// The target of the symlink `path` (its last component is not followed).
    pub fn read_link(&self, path: &str) -> io::Result<OsString> {
        read_link_at(self.open_at(path, libc::O_PATH | libc::O_NOFOLLOW, 0)?.as_fd())
    }

    /// Go's `filepath.EvalSymlinks`, inside the sandbox: `path` with every symlink replaced by
    /// its target, as a clean absolute path. Fails when a component is missing (`ENOENT`) or
    /// after 255 links (`ELOOP`).
    pub fn resolve(&self, path: &str) -> io::Result<OsString> {
        const MAX_LINKS: usize = 255;
        let mut resolved: Vec<Vec<u8>> = Vec::new();
        // The components still to walk, the next one last.
        let mut pending: Vec<Vec<u8>> = Vec::new();
        push_components(&mut pending, path.as_bytes());
        let mut links = 0;
        while let Some(part) = pending.pop() {
            if part == b".." {
                resolved.pop();
                continue;
            }
            resolved.push(part);
            let current = OsString::from_vec(join_components(&resolved));
            let entry = File::from(self.open_at(&current, libc::O_PATH | libc::O_NOFOLLOW, 0)?);
            if !entry.metadata()?.is_symlink() {
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(io::Error::from_raw_os_error(libc::ELOOP));
            }
            let target = read_link_at(entry.as_fd())?;
            resolved.pop();
            if target.as_bytes().starts_with(b"/") {
                resolved.clear();
            }
            push_components(&mut pending, target.as_bytes());
        }
        Ok(OsString::from_vec(join_components(&resolved)))
    }

    /// `rename(2)`: moves `from` to `to`, replacing a file there; neither last component is
    /// followed, so a symlink is moved rather than its target.
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let (from_dir, from_name) = self.parent_of(from)?;
        let (to_dir, to_name) = self.parent_of(to)?;
        // SAFETY: open descriptors and NUL-terminated names.
        let result =
            unsafe { libc::renameat(from_dir.as_raw_fd(), from_name.as_ptr(), to_dir.as_raw_fd(), to_name.as_ptr()) };
        if result == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// `rm -rf`: removes `path` and everything under it. A symlink is removed, never followed,
    /// and a missing path is no error.
    pub fn remove_all(&self, path: &str) -> io::Result<()> {
        match self.parent_of(path) {
            Ok((dir, name)) => remove_entry(dir.as_fd(), &name),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The directory holding `path`'s last component, opened, and that component. `/` has no
    /// parent (`EBUSY`, as the kernel answers for it), and `.` or `..` name no entry (`EINVAL`).
    fn parent_of(&self, path: &str) -> io::Result<(OwnedFd, CString)> {
        let (parent, name) = split_parent(path).ok_or_else(|| io::Error::from_raw_os_error(libc::EBUSY))?;
        if name == "." || name == ".." {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        Ok((self.open_at(parent, libc::O_PATH | libc::O_DIRECTORY, 0)?, CString::new(name)?))
    }

    fn open_at(&self, path: impl AsRef<OsStr>, flags: libc::c_int, mode: libc::mode_t) -> io::Result<OwnedFd> {
        let path = CString::new(path.as_ref().as_bytes())?;
        let resolve = libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS;
        openat2(self.root.as_raw_fd(), &path, flags, mode, resolve)
    }
}

/// `chown` of what `fd` refers to (a symlink itself when opened with `O_PATH | O_NOFOLLOW`).
fn chown_fd(fd: BorrowedFd, uid: u32, gid: u32) -> io::Result<()> {
    // SAFETY: an open descriptor and the empty path, which means the descriptor itself.
    if unsafe { libc::fchownat(fd.as_raw_fd(), c"".as_ptr(), uid, gid, libc::AT_EMPTY_PATH) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
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

/// The names in a directory, sorted bytewise as Go's `os.ReadDir` sorts them, without `.`
/// and `..`.
pub fn read_dir(dir: &File) -> io::Result<Vec<OsString>> {
    let fd = dir.as_fd().try_clone_to_owned()?;
    // SAFETY: `fd` is an open directory descriptor; on success the stream owns it.
    let stream = unsafe { libc::fdopendir(fd.as_raw_fd()) };
    if stream.is_null() {
        return Err(io::Error::last_os_error());
    }
    let _owned_by_stream = fd.into_raw_fd();
    let mut names = Vec::new();
    let result = loop {
        // SAFETY: `stream` is open; `readdir` reports errors through errno, reset first.
        let entry = unsafe {
            *libc::__errno_location() = 0;
            libc::readdir(stream)
        };
        if entry.is_null() {
            let err = io::Error::last_os_error();
            break if err.raw_os_error() == Some(0) { Ok(()) } else { Err(err) };
        }
        // SAFETY: `readdir` returned an entry whose name is NUL-terminated.
        let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) }.to_bytes();
        if name != b"." && name != b".." {
            names.push(OsString::from_vec(name.to_vec()));
        }
    };
    // SAFETY: closes the stream and its descriptor, once.
    unsafe { libc::closedir(stream) };
    result?;
    names.sort();
    Ok(names)
}

/// Opens the subdirectory `name` (one component, e.g. from `read_dir`) of `dir`, without
/// following a symlink: a link fails with `ELOOP` or `ENOTDIR`.
pub fn open_child_dir(dir: &File, name: &OsStr) -> io::Result<File> {
    openat(dir.as_fd(), &CString::new(name.as_bytes())?, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .map(File::from)
}

/// Removes the entry `name` of `dir`; a directory with everything in it.
fn remove_entry(dir: BorrowedFd, name: &CStr) -> io::Result<()> {
    let is_missing = |e: &io::Error| e.raw_os_error() == Some(libc::ENOENT);
    match unlinkat(dir, name, 0) {
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => {}
        Err(e) if is_missing(&e) => return Ok(()),
        result => return result,
    }
    let child = match openat(dir, name, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW) {
        Ok(child) => File::from(child),
        Err(e) if is_missing(&e) => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in read_dir(&child)? {
        remove_entry(child.as_fd(), &CString::new(entry.into_vec())?)?;
    }
    match unlinkat(dir, name, libc::AT_REMOVEDIR) {
        Err(e) if is_missing(&e) => Ok(()),
        result => result,
    }
}

fn unlinkat(dir: BorrowedFd, name: &CStr, flags: libc::c_int) -> io::Result<()> {
    // SAFETY: an open descriptor and a NUL-terminated name.
    if unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), flags) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `openat(2)` of one component of `dir` (never `..` or a path: callers pass entry names).
fn openat(dir: BorrowedFd, name: &CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    loop {
        // SAFETY: an open descriptor and a NUL-terminated name.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags | libc::O_CLOEXEC) };
        if fd >= 0 {
            // SAFETY: the kernel returned a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
}

/// The target of the symlink that `link` (opened with `O_PATH | O_NOFOLLOW`) is.
fn read_link_at(link: BorrowedFd) -> io::Result<OsString> {
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: an open descriptor, the empty path (meaning the descriptor itself), and a
        // buffer of the given length.
        let n = unsafe { libc::readlinkat(link.as_raw_fd(), c"".as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(OsString::from_vec(buf));
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// Pushes the components of `path` onto `stack` so that the first one is popped first;
/// empty components and `.` are dropped.
fn push_components(stack: &mut Vec<Vec<u8>>, path: &[u8]) {
    let parts = path.split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".");
    let at = stack.len();
    stack.extend(parts.map(<[u8]>::to_vec));
    stack[at..].reverse();
}

/// `/a/b` from `[a, b]`; `/` from none.
fn join_components(parts: &[Vec<u8>]) -> Vec<u8> {
    if parts.is_empty() {
        return b"/".to_vec();
    }
    parts.iter().flat_map(|p| std::iter::once(&b'/').chain(p)).copied().collect()
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
    fn resolve_follows_links_inside_the_root() {
        let (tmp, root) = setup();
        let fs = tmp.path().join("fs");
        std::fs::create_dir_all(fs.join("data/sub")).unwrap();
        symlink("../../data", fs.join("home/user/rel")).unwrap();
        symlink("/data/sub", fs.join("abs")).unwrap();
        symlink(tmp.path().join("outside"), fs.join("host")).unwrap();
        symlink("/abs/../sub", fs.join("chain")).unwrap();
        let resolve = |p: &str| root.resolve(p).map(|r| r.into_string().unwrap());
        assert_eq!(resolve("/home/user/rel/sub").unwrap(), "/data/sub");
        assert_eq!(resolve("/abs").unwrap(), "/data/sub");
        assert_eq!(resolve("/home/user/../../..").unwrap(), "/");
        // `..` applies to the link's target, as the kernel does, not to the path's text.
        assert_eq!(resolve("/chain").unwrap(), "/data/sub");
        symlink("/data/sub/..", fs.join("up")).unwrap();
        assert_eq!(resolve("/up").unwrap(), "/data");
        // An absolute host path is read as a sandbox path.
        assert_eq!(errno(resolve("/host")), libc::ENOENT);
        assert_eq!(errno(resolve("/missing/x")), libc::ENOENT);
        assert_eq!(errno(resolve("/inside.txt/x")), libc::ENOTDIR);
        symlink("loop2", fs.join("loop1")).unwrap();
        symlink("loop1", fs.join("loop2")).unwrap();
        assert_eq!(errno(resolve("/loop1")), libc::ELOOP);
    }

    #[test]
    fn stat_and_lstat_differ_on_links() {
        let (tmp, root) = setup();
        symlink("/inside.txt", tmp.path().join("fs/link")).unwrap();
        assert!(root.lstat("/link").unwrap().is_symlink());
        assert!(root.stat("/link").unwrap().is_file());
        assert_eq!(errno(root.lstat("/../outside/secret.txt")), libc::ENOENT);
    }

    #[test]
    fn rename_moves_links_and_stays_inside() {
        let (tmp, root) = setup();
        let fs = tmp.path().join("fs");
        symlink(tmp.path().join("outside"), fs.join("host")).unwrap();
        root.rename("/host", "/home/user/moved").unwrap();
        assert!(std::fs::symlink_metadata(fs.join("home/user/moved")).unwrap().is_symlink());
        root.rename("/../../inside.txt", "/../../home/user/a.txt").unwrap();
        assert_eq!(std::fs::read_to_string(fs.join("home/user/a.txt")).unwrap(), "inside");
        assert_eq!(errno(root.rename("/home/user/moved/secret.txt", "/stolen")), libc::ENOENT);
        assert_eq!(errno(root.rename("/nope", "/x")), libc::ENOENT);
        assert_eq!(errno(root.rename("/", "/x")), libc::EBUSY);
        assert!(tmp.path().join("outside/secret.txt").exists());
    }

    #[test]
    fn remove_all_deletes_trees_but_not_what_links_point_to() {
        let (tmp, root) = setup();
        let fs = tmp.path().join("fs");
        std::fs::create_dir_all(fs.join("tree/a/b")).unwrap();
        std::fs::write(fs.join("tree/a/b/f"), "x").unwrap();
        symlink(tmp.path().join("outside"), fs.join("tree/a/host")).unwrap();
        symlink("/home", fs.join("tree/home")).unwrap();
        root.remove_all("/tree").unwrap();
        assert!(!fs.join("tree").exists());
        assert!(tmp.path().join("outside/secret.txt").exists());
        assert!(fs.join("home/user").is_dir());
        root.remove_all("/tree").unwrap();
        root.remove_all("/missing/deeper").unwrap();
        assert_eq!(errno(root.remove_all("/inside.txt/x")), libc::ENOTDIR);
        assert_eq!(errno(root.remove_all("/")), libc::EBUSY);
        root.remove_all("/inside.txt").unwrap();
        assert!(!fs.join("inside.txt").exists());
    }

    #[test]
    fn read_dir_lists_sorted_names_and_children_do_not_follow_links() {
        let (tmp, root) = setup();
        let fs = tmp.path().join("fs");
        std::fs::write(fs.join("b"), "").unwrap();
        std::fs::write(fs.join("B"), "").unwrap();
        symlink("/home", fs.join("a")).unwrap();
        let dir = root.open_dir("/").unwrap();
        let names = read_dir(&dir).unwrap();
        assert_eq!(names, ["B", "a", "b", "home", "inside.txt"]);
        assert!(open_child_dir(&dir, OsStr::new("home")).is_ok());
        assert!(open_child_dir(&dir, OsStr::new("a")).is_err());
        assert_eq!(errno(open_child_dir(&dir, OsStr::new("b"))), libc::ENOTDIR);
    }

    #[test]
    fn openat2_is_supported_here() {
        SandboxRoot::check_supported().unwrap();
    }
}
