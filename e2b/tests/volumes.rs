//! Volumes against a real e2b-local: the control plane (create, connect, list, destroy), the
//! volume content API, and volumes mounted into sandboxes at creation, shared between them and
//! kept across restarts.

mod common;

use std::ops::ControlFlow;
use std::time::Duration;

use common::{run, stdout, Local};
use e2b::{ErrorKind, SandboxOptions, Volume, VolumeFileType, VolumeMount, VolumeWriteOptions};

fn is_root() -> bool {
    // SAFETY: no arguments, cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn with_volume(path: &str, volume: &Volume) -> SandboxOptions {
    SandboxOptions::default().timeout(Duration::from_secs(120)).volume_mount(path, volume.name())
}

#[test]
fn volumes_are_created_listed_connected_and_destroyed() {
    let local = Local::start();
    let client = &local.client;
    let volume = Volume::create(client, "shared-data_1").unwrap();
    assert_eq!(volume.name(), "shared-data_1");
    assert!(!volume.volume_id().is_empty() && !volume.token().is_empty());

    let taken = Volume::create(client, "shared-data_1").unwrap_err();
    assert_eq!((taken.kind(), taken.status()), (ErrorKind::InvalidArgument, Some(400)), "{taken}");
    assert!(taken.to_string().contains("Volume with name 'shared-data_1' already exists"), "{taken}");
    let bad = Volume::create(client, "no spaces").unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidArgument);
    assert!(bad.to_string().contains("Invalid volume name"), "{bad}");

    let other = Volume::create(client, "other").unwrap();
    let mut names: Vec<String> = Volume::list(client).unwrap().into_iter().map(|v| v.name).collect();
    names.sort();
    assert_eq!(names, ["other", "shared-data_1"]);

    let connected = Volume::connect(client, volume.volume_id()).unwrap();
    assert_eq!((connected.volume_id(), connected.name()), (volume.volume_id(), "shared-data_1"));
    let info = Volume::get_info(client, volume.volume_id()).unwrap();
    assert_eq!(info.name, "shared-data_1");

    assert!(Volume::destroy(client, other.volume_id()).unwrap());
    assert!(!Volume::destroy(client, other.volume_id()).unwrap());
    let gone = Volume::connect(client, other.volume_id()).unwrap_err();
    assert_eq!((gone.kind(), gone.status()), (ErrorKind::NotFound, Some(404)), "{gone}");
    assert_eq!(Volume::list(client).unwrap().len(), 1);
}

#[test]
fn the_content_api_reads_and_writes_without_a_sandbox() {
    let local = Local::start();
    let volume = Volume::create(&local.client, "content").unwrap();

    let stat = volume.write_file("/hello.txt", b"hello", &VolumeWriteOptions::default()).unwrap();
    assert_eq!((stat.file_type, stat.size, stat.path.as_str()), (VolumeFileType::File, 5, "/hello.txt"));
    assert_eq!(volume.read_file("/hello.txt").unwrap(), b"hello");
    assert_eq!(volume.read_text("hello.txt").unwrap(), "hello");

    let dir = volume.make_dir("/a/b", &VolumeWriteOptions::default().force(true).mode(0o750)).unwrap();
    assert_eq!((dir.file_type, dir.mode), (VolumeFileType::Directory, 0o750));
    let missing_parent = volume.make_dir("/x/y", &VolumeWriteOptions::default()).unwrap_err();
    assert_eq!(missing_parent.kind(), ErrorKind::NotFound, "{missing_parent}");
    let exists = volume.make_dir("/a", &VolumeWriteOptions::default()).unwrap_err();
    assert_eq!(exists.kind(), ErrorKind::Conflict, "{exists}");
    volume.write_file("/a/b/c.bin", &[0, 1, 2, 255], &VolumeWriteOptions::default().mode(0o600)).unwrap();

    let top: Vec<String> = volume.list_dir("/", None).unwrap().into_iter().map(|e| e.path).collect();
    assert_eq!(top, ["/a", "/hello.txt"]);
    let all: Vec<String> = volume.list_dir("/", Some(5)).unwrap().into_iter().map(|e| e.path).collect();
    assert_eq!(all, ["/a", "/a/b", "/a/b/c.bin", "/hello.txt"]);

    assert!(volume.exists("/a/b/c.bin").unwrap());
    assert!(!volume.exists("/nope").unwrap());
    let info = volume.entry_info("/a/b/c.bin").unwrap();
    assert_eq!((info.size, info.mode, info.uid), (4, 0o600, 1000));
    let updated = volume.update_metadata("/a/b/c.bin", None, None, Some(0o644)).unwrap();
    assert_eq!(updated.mode, 0o644);

    volume.remove("/a").unwrap();
    assert!(!volume.exists("/a/b").unwrap());
    let err = volume.remove("/a").unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::NotFound, Some(404)), "{err}");
    let err = volume.read_file("/../../etc/passwd").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");

    // Another volume's token opens nothing here.
    let other = Volume::create(&local.client, "other").unwrap();
    let forged = Volume::connect(&local.client, other.volume_id()).unwrap();
    assert_eq!(forged.read_file("/x").unwrap_err().kind(), ErrorKind::NotFound);
}

/// Large files go through in constant memory both ways: a reader that makes
/// its bytes as it goes, a writer that only checks them.
#[test]
fn files_stream_in_and_out() {
    const SIZE: u64 = 24 << 20;
    let local = Local::start();
    let volume = Volume::create(&local.client, "stream").unwrap();
    let pattern = |i: u64| (i * 7 % 251) as u8;
    let mut source = std::io::Read::take(Pattern { next: 0, byte: pattern }, SIZE);
    let mut last_sent = (0, 0);
    let mut sent = |done, total| {
        last_sent = (done, total);
        ControlFlow::Continue(())
    };
    let stat = volume
        .write_from("/big.bin", &mut source, Some(SIZE), &VolumeWriteOptions::default(), Some(&mut sent))
        .unwrap();
    assert_eq!(stat.size, SIZE as i64);
    assert_eq!(last_sent, (SIZE, SIZE));

    let mut check = Checker { at: 0, byte: pattern };
    let (mut last_read, mut calls) = ((0, 0), 0);
    let mut received = |done, total| {
        (last_read, calls) = ((done, total), calls + 1);
        ControlFlow::Continue(())
    };
    assert_eq!(volume.read_to("/big.bin", &mut check, Some(&mut received)).unwrap(), SIZE);
    assert_eq!(check.at, SIZE);
    assert_eq!(last_read, (SIZE, SIZE));
    assert!(calls > 1, "{calls}");

    // A progress callback that breaks stops the transfer either way.
    let mut stop = |_, _| ControlFlow::Break(());
    let err = volume.read_to("/big.bin", &mut Vec::new(), Some(&mut stop)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted, "{err}");
    let mut again = std::io::Read::take(Pattern { next: 0, byte: pattern }, SIZE);
    let err = volume
        .write_from("/stopped.bin", &mut again, Some(SIZE), &VolumeWriteOptions::default(), Some(&mut stop))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CallbackAborted, "{err}");

    // Unknown size: sent chunked.
    let mut text: &[u8] = b"no length given";
    volume.write_from("/chunked.txt", &mut text, None, &VolumeWriteOptions::default(), None).unwrap();
    assert_eq!(volume.read_text("/chunked.txt").unwrap(), "no length given");

    // Errors come typed, and nothing reaches the writer.
    let mut sink = Vec::new();
    let err = volume.read_to("/missing.bin", &mut sink, None).unwrap_err();
    assert_eq!((err.kind(), sink.len()), (ErrorKind::NotFound, 0), "{err}");
    // A broken stream replaces nothing: the file keeps its old content.
    volume.write_file("/short.bin", b"old", &VolumeWriteOptions::default()).unwrap();
    let mut short: &[u8] = b"short";
    let err = volume.write_from("/short.bin", &mut short, Some(10), &VolumeWriteOptions::default(), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.to_string().contains("after 5 of the 10 bytes"), "{err}");
    let mut long: &[u8] = b"longer than promised";
    let err = volume.write_from("/long.bin", &mut long, Some(4), &VolumeWriteOptions::default(), None).unwrap_err();
    assert!(err.kind() == ErrorKind::Io && err.to_string().contains("more than the 4 bytes"), "{err}");
    assert_eq!(volume.read_file("/short.bin").unwrap(), b"old");
}

struct Pattern {
    next: u64,
    byte: fn(u64) -> u8,
}

impl std::io::Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        for b in buf.iter_mut() {
            *b = (self.byte)(self.next);
            self.next += 1;
        }
        Ok(buf.len())
    }
}

struct Checker {
    at: u64,
    byte: fn(u64) -> u8,
}

impl std::io::Write for Checker {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            assert_eq!(b, (self.byte)(self.at), "byte {}", self.at);
            self.at += 1;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The feature's point: a file one sandbox writes through a volume, another reads, and so do
/// the content API and, after a restart of the server, a sandbox that had it mounted.
#[test]
fn a_file_written_in_one_sandbox_is_read_in_another() {
    if !is_root() {
        return eprintln!("skipped: volume mounts need e2b-local to run as root");
    }
    let local = Local::start();
    let volume = Volume::create(&local.client, "handoff").unwrap();

    let writer = local.client.create_sandbox(&with_volume("/mnt/data", &volume)).unwrap();
    let info = local.client.get_info(writer.id()).unwrap();
    assert_eq!(info.volume_mounts.len(), 1);
    assert_eq!((info.volume_mounts[0].name.as_str(), info.volume_mounts[0].path.as_str()), ("handoff", "/mnt/data"));
    let wrote =
        run(&writer, "echo 'from the first sandbox' > /mnt/data/note.txt && ls -ld /mnt/data", &Default::default());
    assert_eq!(wrote.exit_code, 0, "{wrote:?}");
    writer.files().write("/mnt/data/by-files-api.txt", b"files API").unwrap();
    writer.kill().unwrap();

    let reader = local.client.create_sandbox(&with_volume("/home/user/shared", &volume)).unwrap();
    assert_eq!(
        stdout(&run(&reader, "cat /home/user/shared/note.txt", &Default::default())),
        "from the first sandbox\n"
    );
    assert_eq!(reader.files().read_to_string("/home/user/shared/by-files-api.txt").unwrap(), "files API");
    assert_eq!(volume.read_text("/note.txt").unwrap(), "from the first sandbox\n");

    volume.write_file("/from-api.txt", b"content API", &VolumeWriteOptions::default()).unwrap();
    assert_eq!(stdout(&run(&reader, "cat /home/user/shared/from-api.txt", &Default::default())), "content API");
    let reader_id = reader.id().to_owned();

    // Across a restart: the volume, its files and the sandbox's mount stay.
    let local = local.restart();
    let volume = Volume::connect(&local.client, volume.volume_id()).unwrap();
    assert_eq!(volume.read_text("/from-api.txt").unwrap(), "content API");
    let reader = local.client.connect(&reader_id, Duration::from_secs(60)).unwrap();
    assert_eq!(
        stdout(&run(&reader, "cat /home/user/shared/note.txt", &Default::default())),
        "from the first sandbox\n"
    );
    let listed = local.client.list_all(&Default::default()).unwrap();
    let mounts: Vec<&VolumeMount> = listed.iter().flat_map(|s| &s.volume_mounts).collect();
    assert_eq!(mounts.len(), 1);
    reader.kill().unwrap();
    assert_eq!(
        volume.read_text("/note.txt").unwrap(),
        "from the first sandbox\n",
        "killing a sandbox keeps its volume"
    );
}

#[test]
fn bad_mounts_are_refused_at_create() {
    if !is_root() {
        return eprintln!("skipped: volume mounts need e2b-local to run as root");
    }
    let local = Local::start();
    let volume = Volume::create(&local.client, "vol").unwrap();
    for (options, message) in [
        (SandboxOptions::default().volume_mount("/mnt/x", "missing"), "volume 'missing' not found"),
        (SandboxOptions::default().volume_mount("relative", volume.name()), "path must be absolute"),
        (SandboxOptions::default().volume_mount("/mnt/../etc", volume.name()), "must not contain any '.' or '..'"),
    ] {
        let err = local.client.create_sandbox(&options).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::InvalidArgument, Some(400)), "{err}");
        assert!(err.to_string().contains("invalid mounts:") && err.to_string().contains(message), "{err}");
    }
}

/// A volume destroyed while a sandbox has it mounted: the sandbox keeps an empty folder.
#[test]
fn destroying_a_mounted_volume_empties_it_in_the_sandbox() {
    if !is_root() {
        return eprintln!("skipped: volume mounts need e2b-local to run as root");
    }
    let local = Local::start();
    let volume = Volume::create(&local.client, "doomed").unwrap();
    volume.write_file("/f.txt", b"x", &VolumeWriteOptions::default()).unwrap();
    let sandbox = local.client.create_sandbox(&with_volume("/mnt/v", &volume)).unwrap();
    assert_eq!(stdout(&run(&sandbox, "cat /mnt/v/f.txt", &Default::default())), "x");
    assert!(Volume::destroy(&local.client, volume.volume_id()).unwrap());
    let after = run(&sandbox, "ls -A /mnt/v; echo new > /mnt/v/g.txt", &Default::default());
    assert!(after.stdout.is_empty(), "{after:?}");
    assert_ne!(after.exit_code, 0, "a destroyed volume takes no new files: {after:?}");
    sandbox.kill().unwrap();
}
