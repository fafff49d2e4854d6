//! A sandbox's root filesystem: the one tree that commands, PTYs, code kernels and the files,
//! filesystem and watch services all see.
//!
//! With a base image (a Debian root filesystem that `scripts/setup.sh` builds from the recipe
//! `images/base.sh`) and a server that runs as root, a sandbox's `/` is an overlayfs mount:
//! the image read-only below, the sandbox's own folder `fs/` above it (the upper layer: a copy
//! of its template at first, then every change the sandbox makes, deletions included), a
//! `work/` folder beside it, mounted at `root/` in the sandbox's folder. The jail binds
//! `root/` as its `/`, and envd serves `root/`: one tree, writable everywhere `root` may
//! write. The image is shared by every sandbox and never written.
//!
//! The mount is made on first use (the first envd request after a create, a resume or a
//! restart of the server) and removed when the sandbox is killed or times out, when the
//! server stops, and when the sandbox pauses with no process to keep (a paused sandbox's
//! frozen processes keep theirs: one upper layer must never be mounted twice). What the
//! sandbox changed stays in `fs/` meanwhile, so a paused or persisted sandbox remounts as it
//! was.
//!
//! Sandboxes of the template `code-interpreter-v1` get one more layer between: the
//! code-interpreter image (`images/code-interpreter.sh`), the files that adds to the base image
//! (IPython and the Python stack of E2B's code interpreter), so their overlay has two lower
//! layers, that one above the base image. Without it (not built, or built over another base
//! image) they run on the base image alone, where the code interpreter cannot start its kernel
//! and says so; the server says so loudly when it starts.
//!
//! Without an image, when the server is not root, or when overlayfs cannot be mounted, `fs/`
//! itself is the sandbox's `/` and the jail shows the host's system folders over it read-only
//! (then `/usr` is the host's, and what the files API writes there is hidden from commands).
//! That fallback is announced loudly when the server starts.

use std::ffi::CString;
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::{isolation, volumes};

/// Where `scripts/setup.sh` caches images by default (this checkout's `target/`).
const DEFAULT_IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/e2b-local/images");
/// The variable that names the images folder instead (`none`: use no image).
pub const IMAGES_VAR: &str = "E2B_LOCAL_IMAGES";

/// The template whose sandboxes run on the code-interpreter image.
pub const CODE_INTERPRETER_TEMPLATE: &str = "code-interpreter-v1";
/// The template whose sandboxes lie over the base image itself.
pub const BASE_TEMPLATE: &str = "base";

/// What a sandbox's `/` is made of.
#[derive(Clone, Debug)]
pub enum Base {
    /// An overlay over these read-only layers, the top one first: the base image (a root
    /// filesystem folder), or the code-interpreter image's layer over it.
    Image {
        /// The lower layers of the sandbox's overlay, the top one first.
        layers: Arc<Vec<PathBuf>>,
        /// The layers of `code-interpreter-v1` sandboxes, when the code-interpreter image
        /// can be used.
        code_interpreter: Option<Arc<Vec<PathBuf>>>,
    },
    /// The sandbox's own folder, with the host's system folders shown over it.
    Host,
}

impl Base {
    /// The base every sandbox of a server in `data_dir` gets: the image `base` from
    /// `$E2B_LOCAL_IMAGES`, else `<data_dir>/images`, else this checkout's
    /// `target/e2b-local/images`, when the server can mount overlays over it; else the host's
    /// folders. Says which, loudly when it is the host's. Blocking (it tries a mount).
    pub fn find(data_dir: &Path) -> Base {
        let warn = |why: String| {
            eprintln!("e2b-local: WARNING: {why}");
            eprintln!(
                "e2b-local: WARNING: sandboxes run over the host's system folders (read-only) instead of a Debian \
                 image of their own: no sudo, the host's programs, and the files API does not see /usr"
            );
            eprintln!(
                "e2b-local: WARNING: no code-interpreter image either: run_code answers 500 \"Failed to start the \
                 kernel\" unless the host's python3 has IPython"
            );
            Base::Host
        };
        let folders: Vec<PathBuf> = match std::env::var_os(IMAGES_VAR).filter(|v| !v.is_empty()) {
            Some(v) if v == "none" => return warn(format!("{IMAGES_VAR}=none")),
            Some(v) => vec![PathBuf::from(v)],
            None => vec![data_dir.join("images"), PathBuf::from(DEFAULT_IMAGES)],
        };
        let Some(image) = folders.iter().find_map(|dir| fs::canonicalize(dir.join("base")).ok()) else {
            let looked: Vec<String> = folders.iter().map(|dir| dir.join("base").display().to_string()).collect();
            return warn(format!(
                "no base image at {} (scripts/setup.sh builds one; {IMAGES_VAR} names another folder)",
                looked.join(" or ")
            ));
        };
        let layers = vec![image.clone()];
        match check_image(&layers, data_dir) {
            Ok(()) => {
                eprintln!("e2b-local: sandboxes run on the base image {}", image.display());
                let folder = image.parent().unwrap_or(Path::new("/"));
                let code_interpreter = match find_code_interpreter(folder, &image, data_dir) {
                    Ok(layers) => {
                        eprintln!(
                            "e2b-local: {CODE_INTERPRETER_TEMPLATE} sandboxes run on the code-interpreter image {}",
                            layers[0].display()
                        );
                        Some(Arc::new(layers))
                    }
                    Err(why) => {
                        eprintln!("e2b-local: WARNING: {why}");
                        eprintln!(
                            "e2b-local: WARNING: {CODE_INTERPRETER_TEMPLATE} sandboxes run on the base image, without \
                             IPython: run_code answers 500 \"Failed to start the kernel\" (scripts/setup.sh builds \
                             the code-interpreter image)"
                        );
                        None
                    }
                };
                Base::Image { layers: Arc::new(layers), code_interpreter }
            }
            Err(why) => warn(format!("the base image {} cannot be used: {why}", image.display())),
        }
    }

    /// What the `/` of a sandbox of `template` is made of: the base image for `base`; for
    /// `code-interpreter-v1` and the folder templates, the code-interpreter image when there is
    /// one (a folder template is the files a custom template adds, and E2B's custom templates
    /// that run code are built from the code interpreter's), else this.
    pub fn for_template(&self, template: &str) -> Base {
        match self {
            Base::Image { code_interpreter: Some(layers), .. } if template != BASE_TEMPLATE => {
                Base::Image { layers: layers.clone(), code_interpreter: None }
            }
            other => other.clone(),
        }
    }
}

/// The layers of the code-interpreter image in `folder` (`code-interpreter/layer` over the
/// image its `code-interpreter/lower` names), when it was built over `base` and mounts.
fn find_code_interpreter(folder: &Path, base: &Path, data_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let link = folder.join("code-interpreter");
    let Ok(image) = fs::canonicalize(&link) else {
        return Err(format!("no code-interpreter image at {}", link.display()));
    };
    let lower = fs::canonicalize(image.join("lower"))
        .map_err(|e| format!("the code-interpreter image {} has no base image: {e}", image.display()))?;
    if lower != base {
        return Err(format!(
            "the code-interpreter image {} was built over {}, not over the base image {}",
            image.display(),
            lower.display(),
            base.display()
        ));
    }
    let layers = vec![image.join("layer"), lower];
    check_image(&layers, data_dir)
        .map_err(|why| format!("the code-interpreter image {} cannot be used: {why}", image.display()))?;
    Ok(layers)
}

/// Whether `layers` (the top one first) can be the lower layers of sandboxes whose folders are
/// in `data_dir`: the server is root, each layer belongs to the sandboxes' root, the bottom
/// one is a root filesystem, and an overlay mounts.
fn check_image(layers: &[PathBuf], data_dir: &Path) -> Result<(), String> {
    let Some(bottom) = layers.last() else { return Err("no layers".into()) };
    if !bottom.join("usr/bin").is_dir() {
        return Err("it is no root filesystem".into());
    }
    if !isolation::mounts_allowed() {
        return Err("mounting it needs e2b-local to run as root".into());
    }
    for layer in layers {
        let meta = fs::metadata(layer).map_err(|e| format!("{}: {e}", layer.display()))?;
        let owner = isolation::sandbox_owned(0);
        if !meta.is_dir() {
            return Err(format!("{} is no folder", layer.display()));
        }
        if meta.uid() != owner {
            return Err(format!(
                "{} belongs to uid {}, not to the sandboxes' root (uid {owner}): rebuild it",
                layer.display(),
                meta.uid()
            ));
        }
    }
    // A trial mount, over an upper layer on the data folder's filesystem.
    let probe = data_dir.join(".rootfs-probe");
    let _ = fs::remove_dir_all(&probe);
    let result = (|| -> io::Result<()> {
        fs::create_dir_all(probe.join("fs"))?;
        let base = Base::Image { layers: Arc::new(layers.to_vec()), code_interpreter: None };
        let rootfs = Rootfs::new(probe.clone(), base);
        let mounted = rootfs.mount()?;
        unmount(&mounted);
        Ok(())
    })();
    let _ = fs::remove_dir_all(&probe);
    result.map_err(|e| format!("overlayfs does not mount here: {e}"))
}

/// The root filesystem of one sandbox, whose folder is `dir`.
#[derive(Debug)]
pub struct Rootfs {
    base: Base,
    dirs: Dirs,
    /// The volumes bound into the root once it is ready ([`volumes::bind_all`]).
    volumes: Vec<volumes::Source>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The overlay's root, open, while it is mounted.
    mounted: Option<OwnedFd>,
    /// Whether `root()` has prepared what every sandbox has since the last mount.
    prepared: bool,
    /// The mount failed once: this sandbox uses the host's folders from then on.
    fell_back: bool,
    ended: bool,
    /// Whether the volumes are bound since the last unmount, and their mounts.
    volumes_bound: bool,
    volume_mounts: Vec<OwnedFd>,
}

#[derive(Debug)]
struct Dirs {
    /// The sandbox's own files: the upper layer, or the whole `/` without an image.
    upper: PathBuf,
    work: PathBuf,
    merged: PathBuf,
}

impl Rootfs {
    /// The root of the sandbox whose folder is `dir` (`fs/`, `work/` and `root/` are in it).
    pub fn new(dir: PathBuf, base: Base) -> Rootfs {
        let dirs = Dirs { upper: dir.join("fs"), work: dir.join("work"), merged: dir.join("root") };
        Rootfs {
            base,
            dirs,
            volumes: Vec::new(),
            state: Mutex::new(State {
                mounted: None,
                prepared: false,
                fell_back: false,
                ended: false,
                volumes_bound: false,
                volume_mounts: Vec::new(),
            }),
        }
    }

    /// The same root with `volumes` mounted in it, each at its path.
    pub fn with_volumes(mut self, volumes: Vec<volumes::Source>) -> Rootfs {
        self.volumes = volumes;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether the sandbox's `/` is an overlay over an image (else the host's folders show
    /// through).
    pub fn has_image(&self) -> bool {
        matches!(self.base, Base::Image { .. }) && !self.lock().fell_back
    }

    /// The sandbox's `/` as the host reaches it, mounted and prepared first when it is not.
    /// Blocking (one caller mounts, the others wait for it).
    pub fn root(&self) -> io::Result<PathBuf> {
        let mut state = self.lock();
        if state.ended {
            return Err(io::Error::other("the sandbox has ended"));
        }
        let image = matches!(self.base, Base::Image { .. }) && !state.fell_back;
        if image && state.mounted.is_none() {
            match self.mount() {
                Ok(fd) => {
                    state.mounted = Some(fd);
                    state.prepared = false;
                }
                Err(e) => {
                    eprintln!(
                        "e2b-local: WARNING: mounting the root of {} failed ({e}); it runs over the host's \
                         system folders instead",
                        self.dirs.merged.display()
                    );
                    state.fell_back = true;
                }
            }
        }
        let image = state.mounted.is_some();
        let root = if image { self.dirs.merged.clone() } else { self.dirs.upper.clone() };
        if !state.prepared {
            if let Err(e) = isolation::prepare_root(&root, !image) {
                eprintln!("e2b-local: preparing {}: {e}", root.display());
            }
            state.prepared = true;
        }
        if !state.volumes_bound {
            state.volume_mounts = volumes::bind_all(&root, &self.volumes);
            state.volumes_bound = true;
        }
        Ok(root)
    }

    /// Mounts the overlay (not recorded: the caller does), and returns its root, open.
    fn mount(&self) -> io::Result<OwnedFd> {
        let Base::Image { layers: lower, .. } = &self.base else { return Err(io::Error::other("no image")) };
        let Dirs { upper, work, merged } = &self.dirs;
        fs::create_dir_all(work)?;
        fs::create_dir_all(merged)?;
        let lower: Vec<String> = lower.iter().map(|layer| escape(layer.as_os_str().as_bytes())).collect();
        let layers = format!(
            "lowerdir={},upperdir={},workdir={}",
            lower.join(":"),
            escape(upper.as_os_str().as_bytes()),
            escape(work.as_os_str().as_bytes())
        );
        // A directory of the image renamed in a sandbox is recorded in the upper layer
        // (without, such a rename fails with EXDEV); kernels that refuse it mount without.
        let mut result = mount_overlay(merged, &format!("{layers},redirect_dir=on"));
        if result.as_ref().is_err_and(|e| e.raw_os_error() == Some(libc::EINVAL)) {
            result = mount_overlay(merged, &layers);
        }
        result?;
        match File::open(merged) {
            Ok(root) if root.metadata().is_ok_and(|meta| meta.dev() != fs::metadata(upper).map_or(0, |m| m.dev())) => {
                Ok(root.into())
            }
            opened => {
                // Not the overlay's root after all: undo the mount.
                let _ = umount_path(merged);
                Err(opened.map_or_else(|e| e, |_| io::Error::other("the overlay did not show at its mount point")))
            }
        }
    }

    /// Removes the mount (processes that still use it keep it until they end); the
    /// sandbox's files stay in `fs/`. The next `root()` mounts again. Blocking.
    pub fn unmount(&self) {
        let (mounted, volume_mounts) = {
            let mut state = self.lock();
            state.volumes_bound = false;
            (state.mounted.take(), std::mem::take(&mut state.volume_mounts))
        };
        for volume in volume_mounts.iter().rev() {
            volumes::unbind(volume);
        }
        if let Some(fd) = mounted {
            unmount(&fd);
        }
    }

    /// Unmounts for good: the sandbox has ended.
    pub fn end(&self) {
        self.lock().ended = true;
        self.unmount();
    }
}

impl Drop for Rootfs {
    fn drop(&mut self) {
        self.unmount();
    }
}

/// Unmounts the mount whose root `fd` is, lazily (what still uses it keeps it).
fn unmount(fd: &OwnedFd) {
    let path = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()));
    if let Err(e) = umount_path(&path) {
        eprintln!("e2b-local: unmounting a sandbox's root failed: {e}");
    }
}

fn umount_path(path: &Path) -> io::Result<()> {
    let path = CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: a NUL-terminated path.
    if unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn mount_overlay(target: &Path, options: &str) -> io::Result<()> {
    let target = CString::new(target.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let options = CString::new(options).map_err(io::Error::other)?;
    // No device files (a sandbox cannot make any; whiteouts are no devices to open). Set-user-id
    // programs stay allowed, for the jail's `sudo`: they belong to the sandbox's ids, which are
    // no host user's (a set-user-id program gives a host user no more than such an id).
    let flags = libc::MS_NODEV;
    // SAFETY: NUL-terminated strings that outlive the call.
    let result = unsafe {
        libc::mount(c"overlay".as_ptr(), target.as_ptr(), c"overlay".as_ptr(), flags, options.as_ptr().cast())
    };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A path as an overlayfs option value: `\`, `,` and `:` escaped with `\`.
fn escape(path: &[u8]) -> String {
    let mut out = String::new();
    for c in String::from_utf8_lossy(path).chars() {
        if matches!(c, '\\' | ',' | ':') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Unmounts whatever is mounted under `dir` (what a server that was killed left mounted).
/// Blocking; run on start, once no process of an old jail is left.
pub fn unmount_leftovers(dir: &Path) {
    let Ok(mountinfo) = fs::read_to_string("/proc/self/mountinfo") else { return };
    let mut points: Vec<PathBuf> =
        mount_points(&mountinfo).into_iter().filter(|point| point.starts_with(dir)).collect();
    // The deepest first.
    points.sort_by_key(|point| std::cmp::Reverse(point.as_os_str().len()));
    for point in points {
        match umount_path(&point) {
            Ok(()) => eprintln!("e2b-local: unmounted {}, left mounted by a server that stopped", point.display()),
            Err(e) => eprintln!("e2b-local: unmounting {} failed: {e}", point.display()),
        }
    }
}

/// The mount points in `/proc/self/mountinfo`, their octal escapes (`\040`) decoded.
fn mount_points(mountinfo: &str) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    mountinfo
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|field| {
            let bytes = field.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                let octal = bytes.get(i + 1..i + 4).filter(|d| bytes[i] == b'\\' && d.iter().all(u8::is_ascii_digit));
                match octal.and_then(|d| u8::from_str_radix(std::str::from_utf8(d).ok()?, 8).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 4;
                    }
                    None => {
                        out.push(bytes[i]);
                        i += 1;
                    }
                }
            }
            PathBuf::from(std::ffi::OsString::from_vec(out))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_base_lies_over_the_base_image_itself() {
        let base = vec![PathBuf::from("/images/base")];
        let ci = vec![PathBuf::from("/images/ci/layer"), PathBuf::from("/images/base")];
        let image = Base::Image { layers: Arc::new(base.clone()), code_interpreter: Some(Arc::new(ci.clone())) };
        let layers = |template| match image.for_template(template) {
            Base::Image { layers, .. } => layers.to_vec(),
            other => panic!("{template}: {other:?}"),
        };
        assert_eq!(layers("base"), base);
        assert_eq!(layers("code-interpreter-v1"), ci);
        assert_eq!(layers("quickstart"), ci);
        // Without a code-interpreter image, every template lies over the base image.
        let plain = Base::Image { layers: Arc::new(base.clone()), code_interpreter: None };
        assert!(matches!(plain.for_template("quickstart"), Base::Image { layers, .. } if *layers == base));
    }

    #[test]
    fn escapes_option_values() {
        assert_eq!(escape(b"/a b/c,d:e\\f"), "/a b/c\\,d\\:e\\\\f");
    }

    #[test]
    fn reads_mount_points() {
        let mountinfo = "22 27 0:21 / /proc rw,relatime - proc proc rw\n\
            90 27 0:50 / /data/my\\040sandboxes/x/root rw - overlay overlay rw,lowerdir=/i\n";
        assert_eq!(mount_points(mountinfo), [PathBuf::from("/proc"), PathBuf::from("/data/my sandboxes/x/root")]);
    }
}
