//! A sandbox's root filesystem against a real e2b-local: one tree for the files API and for
//! commands, writable where `root` may write, built on the Debian base image when
//! `scripts/setup.sh` has made it (and e2b-local runs as root), confined as before, mounted
//! only while in use.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{as_root, run, stdout, Local};
use e2b::{CommandOptions, ErrorKind, Sandbox, DEFAULT_SANDBOX_TIMEOUT};

fn is_root() -> bool {
    // SAFETY: no arguments, cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether e2b-local must run sandboxes on the base image here: `scripts/setup.sh` built it
/// where e2b-local looks (`$E2B_LOCAL_IMAGES`, else this checkout's `target/`), and we are root.
fn image_expected() -> bool {
    let images = match std::env::var_os("E2B_LOCAL_IMAGES").filter(|v| !v.is_empty()) {
        Some(v) if v == "none" => return false,
        Some(v) => PathBuf::from(v),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2b-local/images"),
    };
    is_root() && images.join("base").is_dir()
}

/// Whether the sandbox's `/` is an overlay (over the image), as a command inside sees it.
fn on_image(sandbox: &Sandbox) -> bool {
    let fs_type = run(sandbox, "stat -f -c %T /", &CommandOptions::default());
    let on_image = stdout(&fs_type) == "overlayfs\n";
    assert_eq!(on_image, image_expected(), "the sandbox's / is {fs_type:?}");
    on_image
}

/// The mount point of the sandbox's overlay root on the host.
fn mount_point(local: &Local, sandbox: &Sandbox) -> PathBuf {
    local.data_dir.path().join("sandboxes").join(sandbox.id()).join("root")
}

fn is_mounted(point: &Path) -> bool {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let point = point.to_str().unwrap();
    mountinfo.lines().any(|line| line.split(' ').nth(4) == Some(point))
}

#[test]
fn the_files_api_and_commands_see_one_tree() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let image = on_image(&sandbox);

    // The system folders are the sandbox's own over an image; the host's /usr otherwise.
    let mut dirs = vec![("/etc", as_root()), ("/opt", as_root()), ("/home/user", CommandOptions::default())];
    if image {
        dirs.push(("/usr/local/bin", as_root()));
    }
    for (dir, options) in &dirs {
        files.write(&format!("{dir}/from-api.txt"), "written by the files API\n").unwrap();
        let cat = run(&sandbox, &format!("cat {dir}/from-api.txt"), options);
        assert_eq!(stdout(&cat), "written by the files API\n", "{dir}: {cat:?}");

        let write = run(&sandbox, &format!("echo written by a command > {dir}/from-command.txt"), options);
        assert_eq!(write.exit_code, 0, "{dir}: {write:?}");
        let read = files.read_to_string(&format!("{dir}/from-command.txt")).unwrap();
        assert_eq!(read, "written by a command\n", "{dir}");
        let listed = files.list(dir, 1).unwrap();
        assert!(listed.iter().any(|entry| entry.name == "from-command.txt"), "{dir}: {listed:?}");
    }

    // What the files API writes as `user` is the sandbox's uid 1000, seen from inside.
    files.write("/opt/mine/owned.txt", "x").unwrap();
    let owner = run(&sandbox, "stat -c '%u:%g %U' /opt/mine/owned.txt /opt/mine", &CommandOptions::default());
    assert_eq!(stdout(&owner), "1000:1000 user\n1000:1000 user\n", "{owner:?}");

    // The files API sees the same /etc as commands.
    let passwd = run(&sandbox, "cat /etc/passwd", &CommandOptions::default());
    assert_eq!(files.read("/etc/passwd").unwrap(), passwd.stdout);
    assert!(stdout(&passwd).contains("\nuser:x:1000:1000:"), "{passwd:?}");

    if image {
        // A program dropped in through the files API runs, and root may change anything.
        files.write("/usr/local/bin/hello-tool", "#!/bin/sh\necho tool says hi\n").unwrap();
        let tool = run(&sandbox, "chmod +x /usr/local/bin/hello-tool && hello-tool", &as_root());
        assert_eq!(stdout(&tool), "tool says hi\n", "{tool:?}");
        let edit = run(&sandbox, "echo '# edited' >> /usr/lib/os-release && tail -n 1 /etc/os-release", &as_root());
        assert_eq!(stdout(&edit), "# edited\n", "{edit:?}");
        // A deletion from the image shows through both, and it is the sandbox's alone.
        files.remove("/etc/motd").unwrap();
        let gone = run(&sandbox, "test -e /etc/motd || echo gone", &CommandOptions::default());
        assert_eq!(stdout(&gone), "gone\n");
        assert!(!files.exists("/etc/motd").unwrap());
        let other = local.sandbox();
        assert!(other.files().exists("/etc/motd").unwrap(), "the image itself is untouched");
        let untouched = run(&other, "tail -n 1 /etc/os-release; ls /usr/local/bin", &CommandOptions::default());
        assert!(!stdout(&untouched).contains("edited") && !stdout(&untouched).contains("hello-tool"));
        // A folder of the image renamed through the files API keeps its content.
        files.rename("/usr/share/common-licenses", "/usr/share/licenses").unwrap();
        let moved = run(&sandbox, "ls /usr/share/licenses | grep -c GPL", &CommandOptions::default());
        assert_ne!(stdout(&moved), "0\n", "{moved:?}");
    }
}

#[test]
fn the_base_image_has_sudo_and_what_users_expect() {
    let local = Local::start();
    let sandbox = local.sandbox();
    if !on_image(&sandbox) {
        return eprintln!("skipped: no base image here (scripts/setup.sh builds it; e2b-local must run as root)");
    }
    let sudo = run(&sandbox, "sudo -n true && sudo -n id -u && id -un && pwd", &CommandOptions::default());
    assert_eq!((stdout(&sudo).as_str(), sudo.exit_code), ("0\nuser\n/home/user\n", 0), "{sudo:?}");
    // sudo gives what the API's root has, not more: root cannot mount.
    let mount =
        run(&sandbox, "sudo -n mount -t tmpfs none /mnt 2>/dev/null || echo denied", &CommandOptions::default());
    assert_eq!(stdout(&mount), "denied\n", "{mount:?}");
    let installed = run(
        &sandbox,
        "for c in bash git curl python3 pip3 ps sudo node; do command -v $c >/dev/null || echo missing $c; done; \
         python3 -c 'import ssl, venv; print(\"python ok\")'; test -s /etc/ssl/certs/ca-certificates.crt && echo ca ok; \
         stat -c '%U %a' /home/user",
        &CommandOptions::default(),
    );
    assert_eq!(stdout(&installed), "python ok\nca ok\nuser 755\n", "{installed:?}");
    // A file sudo makes belongs to root, one the files API makes as root too.
    let made = run(&sandbox, "sudo -n touch /opt/by-sudo && stat -c %U /opt/by-sudo", &CommandOptions::default());
    assert_eq!(stdout(&made), "root\n", "{made:?}");
    sandbox.files().as_user("root").write("/opt/by-api", "x").unwrap();
    assert_eq!(sandbox.files().get_info("/opt/by-api").unwrap().owner, "root");
}

#[test]
fn dot_dot_and_symlinks_never_leave_the_sandbox() {
    if !is_root() {
        return eprintln!("skipped: the sandbox user root needs e2b-local to run as root");
    }
    let local = Local::start();
    let sandbox = local.sandbox();
    let files = sandbox.files();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "host secret").unwrap();
    let (secret_path, outside_path) = (secret.display().to_string(), outside.path().display().to_string());

    let not_found = |path: &str| {
        let err = files.read(path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{path}: {err}");
    };
    not_found(&format!("/../../../..{secret_path}"));
    not_found(&format!("/home/user/../../..{secret_path}"));
    let cat = run(&sandbox, &format!("cat {secret_path}"), &as_root());
    assert_ne!(cat.exit_code, 0, "{cat:?}");

    // Links planted by a command, absolute and relative, read as sandbox paths.
    let plant = format!(
        "ln -s {secret_path} /tmp/file-link && ln -s {outside_path} /tmp/dir-link \
         && ln -s ../../../../../../../..{outside_path} /home/user/up-link && ln -s / /home/user/root-link"
    );
    assert_eq!(run(&sandbox, &plant, &as_root()).exit_code, 0);
    not_found("/tmp/file-link");
    not_found("/tmp/dir-link/secret.txt");
    not_found("/home/user/up-link/secret.txt");
    not_found(&format!("/home/user/root-link/..{secret_path}"));
    assert!(files.rename("/tmp/dir-link/secret.txt", "/home/user/stolen").is_err());

    // Writes through them land inside the sandbox (where the links' targets are made first).
    files.make_dir(&outside_path).unwrap();
    files.write("/tmp/file-link", "pwned").unwrap();
    files.write("/tmp/dir-link/new.txt", "new").unwrap();
    files.make_dir("/home/user/up-link/made").unwrap();
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "host secret");
    let names: Vec<_> = std::fs::read_dir(outside.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["secret.txt"], "nothing is made outside");
    let inside = run(&sandbox, &format!("cat /tmp/file-link; echo; ls {outside_path}"), &CommandOptions::default());
    assert_eq!(stdout(&inside), "pwned\nmade\nnew.txt\n", "{inside:?}");

    // Nor does the data folder show: not the sandbox's own upper layer, nor the image.
    let data_dir = local.data_dir.path().display().to_string();
    let listed = run(&sandbox, &format!("ls {data_dir}"), &as_root());
    assert_ne!(listed.exit_code, 0, "{listed:?}");
    not_found(&format!("{data_dir}/api-key"));
}

#[test]
fn the_overlay_is_mounted_while_in_use_and_kept_across_restarts() {
    let local = Local::start();
    let sandbox = local.sandbox();
    if !on_image(&sandbox) {
        return eprintln!("skipped: no base image here (scripts/setup.sh builds it; e2b-local must run as root)");
    }
    let id = sandbox.id().to_owned();
    let point = mount_point(&local, &sandbox);
    assert!(is_mounted(&point), "{} is mounted", point.display());
    sandbox.files().write("/opt/kept.txt", "kept\n").unwrap();
    assert_eq!(run(&sandbox, "echo also > /usr/local/also.txt", &as_root()).exit_code, 0);

    // A stopping server unmounts it; the next one mounts it again, with the sandbox's changes.
    let local = local.restart();
    assert!(!is_mounted(&point), "unmounted when the server stopped");
    let sandbox = local.client.connect(&id, DEFAULT_SANDBOX_TIMEOUT).unwrap();
    let cat = run(&sandbox, "cat /opt/kept.txt /usr/local/also.txt", &CommandOptions::default());
    assert_eq!(stdout(&cat), "kept\nalso\n", "{cat:?}");
    assert!(is_mounted(&point));

    // A paused sandbox with processes keeps its mount (they are frozen, not gone).
    sandbox.pause().unwrap();
    assert!(is_mounted(&point), "frozen processes keep it");
    let sandbox = local.client.resume(&id, DEFAULT_SANDBOX_TIMEOUT).unwrap();
    assert_eq!(sandbox.files().read_to_string("/opt/kept.txt").unwrap(), "kept\n");

    // Killing the sandbox unmounts it.
    sandbox.kill().unwrap();
    assert!(!is_mounted(&point), "unmounted by the kill");

    // A paused sandbox without processes has nothing mounted, and mounts again on use.
    let files_only = local.sandbox();
    files_only.files().write("/opt/f.txt", "f").unwrap();
    let point = mount_point(&local, &files_only);
    assert!(is_mounted(&point));
    files_only.pause().unwrap();
    assert!(!is_mounted(&point), "unmounted by the pause");
    let files_only = local.client.resume(files_only.id(), Duration::from_secs(60)).unwrap();
    assert_eq!(files_only.files().read_to_string("/opt/f.txt").unwrap(), "f");
    assert!(is_mounted(&point));
    files_only.kill().unwrap();
    assert!(!is_mounted(&point));
}
