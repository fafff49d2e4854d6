//! The filesystem service (`filesystem.Filesystem`, E2B's
//! `spec/envd/filesystem/filesystem.proto`):
//! listing, stat, make_dir, remove, rename.

use std::collections::BTreeMap;

use e2b_protocol::json::int64;
use serde::{Deserialize, Deserializer, Serialize};

use super::connect::{unary, CallOptions};
use super::files::Files;
use crate::error::{Error, ErrorKind, Result};

/// The kind of a filesystem entry, the entry itself (as `lstat` sees it):
/// a symbolic link is a [`Symlink`](FileType::Symlink) whatever it points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileType {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link, to anything or nothing; [`EntryInfo::symlink_target`] says where.
    Symlink,
    /// Something else (a device, a socket, ...), or a type newer than this client.
    Other,
}

/// One file, directory or link, as envd describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntryInfo {
    /// The entry's name (the last part of its path).
    pub name: String,
    /// File, directory, symbolic link or other.
    pub file_type: FileType,
    /// The absolute path in the sandbox.
    pub path: String,
    /// The size in bytes.
    pub size: u64,
    /// The permission bits (e.g. `0o644`), as envd reports them.
    pub mode: u32,
    /// The mode as `ls -l` shows it, e.g. `-rw-r--r--`.
    pub permissions: String,
    /// The owner's user name.
    pub owner: String,
    /// The group's name.
    pub group: String,
    /// RFC 3339 time of the last change, when envd reports one.
    pub modified_time: Option<String>,
    /// Where a symlink points, as envd resolves it: an absolute path with
    /// every link along the way followed (a dangling link reports its own
    /// path). `None` for anything but a symlink.
    pub symlink_target: Option<String>,
    /// Metadata set on upload (`X-Metadata-*`).
    pub metadata: BTreeMap<String, String>,
}

/// `EntryInfo` as proto3 JSON has it: camelCase names, enums as names,
/// int64 as a string, and zero values left out.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryWire {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    file_type: EnumValue,
    #[serde(default)]
    path: String,
    #[serde(default, deserialize_with = "int64::deserialize")]
    size: u64,
    #[serde(default)]
    mode: u32,
    #[serde(default)]
    permissions: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    modified_time: Option<String>,
    #[serde(default)]
    symlink_target: Option<String>,
    #[serde(default)]
    is_symlink: bool,
    #[serde(default)]
    metadata: Option<BTreeMap<String, String>>,
}

/// A proto3 enum in JSON: its name, or (which parsers must also accept) its number.
#[derive(Deserialize, Default, Clone)]
#[serde(untagged)]
pub(crate) enum EnumValue {
    Name(String),
    Number(i64),
    #[default]
    Unset,
}

impl EnumValue {
    /// The value as a number, given the enum's names in order (`names[n]` is `n`).
    pub(crate) fn number(&self, names: &[&str]) -> i64 {
        match self {
            EnumValue::Name(name) => names.iter().position(|n| n == name).map_or(-1, |n| n as i64),
            EnumValue::Number(n) => *n,
            EnumValue::Unset => 0,
        }
    }
}

const FILE_TYPES: &[&str] = &["FILE_TYPE_UNSPECIFIED", "FILE_TYPE_FILE", "FILE_TYPE_DIRECTORY", "FILE_TYPE_SYMLINK"];

impl<'de> Deserialize<'de> for EntryInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<EntryInfo, D::Error> {
        let wire = EntryWire::deserialize(deserializer)?;
        // envd reports a link with its target's type in `type` (none when the
        // link dangles) and the target in `symlinkTarget`; newer envd also sets
        // `isSymlink`. FILE_TYPE_SYMLINK itself is never sent, but means a link too.
        let link = wire.is_symlink || wire.symlink_target.is_some();
        let file_type = match (link, wire.file_type.number(FILE_TYPES)) {
            (true, _) | (_, 3) => FileType::Symlink,
            (_, 1) => FileType::File,
            (_, 2) => FileType::Dir,
            _ => FileType::Other,
        };
        Ok(EntryInfo {
            name: wire.name,
            file_type,
            path: wire.path,
            size: wire.size,
            mode: wire.mode,
            permissions: wire.permissions,
            owner: wire.owner,
            group: wire.group,
            modified_time: wire.modified_time,
            symlink_target: wire.symlink_target,
            metadata: wire.metadata.unwrap_or_default(),
        })
    }
}

#[derive(Serialize)]
struct PathRequest<'a> {
    path: &'a str,
}

#[derive(Deserialize)]
struct EntryResponse {
    entry: EntryInfo,
}

impl Files<'_> {
    fn call<Resp: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        message: &impl Serialize,
        what: &str,
    ) -> Result<Resp> {
        let options = CallOptions { user: self.user(), timeout: None };
        unary(self.sandbox(), method, message, options, what)
    }

    /// The entries of the directory at `path`, and of its subdirectories down
    /// to `depth` levels (1: the directory itself only).
    pub fn list(&self, path: &str, depth: u32) -> Result<Vec<EntryInfo>> {
        let what = format!("list {path}");
        if depth == 0 {
            return Err(Error::invalid_argument(format!("{what}: depth must be at least 1")));
        }
        #[derive(Serialize)]
        struct ListDir<'a> {
            path: &'a str,
            depth: u32,
        }
        #[derive(Deserialize)]
        struct Listed {
            #[serde(default)]
            entries: Vec<EntryInfo>,
        }
        let listed: Listed = self.call("filesystem.Filesystem/ListDir", &ListDir { path, depth }, &what)?;
        Ok(listed.entries)
    }

    /// Whether anything exists at `path`.
    pub fn exists(&self, path: &str) -> Result<bool> {
        match self.get_info(path) {
            Ok(_) => Ok(true),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// What is at `path` (like `stat`, not following a final symlink).
    pub fn get_info(&self, path: &str) -> Result<EntryInfo> {
        let response: EntryResponse =
            self.call("filesystem.Filesystem/Stat", &PathRequest { path }, &format!("get info of {path}"))?;
        Ok(response.entry)
    }

    /// Creates the directory `path` and any missing parents. `Ok(false)` if
    /// it already existed, which is not an error.
    pub fn make_dir(&self, path: &str) -> Result<bool> {
        let what = format!("make directory {path}");
        match self.call::<EntryResponse>("filesystem.Filesystem/MakeDir", &PathRequest { path }, &what) {
            Ok(_) => Ok(true),
            Err(err) if err.kind() == ErrorKind::Conflict => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Removes the file or directory (with its contents) at `path`. Removing
    /// something that is not there succeeds.
    pub fn remove(&self, path: &str) -> Result<()> {
        let _: serde::de::IgnoredAny =
            self.call("filesystem.Filesystem/Remove", &PathRequest { path }, &format!("remove {path}"))?;
        Ok(())
    }

    /// Moves `old_path` to `new_path`, creating missing parents of the new one.
    pub fn rename(&self, old_path: &str, new_path: &str) -> Result<EntryInfo> {
        #[derive(Serialize)]
        struct Move<'a> {
            source: &'a str,
            destination: &'a str,
        }
        let what = format!("rename {old_path} to {new_path}");
        let response: EntryResponse =
            self.call("filesystem.Filesystem/Move", &Move { source: old_path, destination: new_path }, &what)?;
        Ok(response.entry)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The bodies envd 0.6.13 answered to `method` (e.g. `Stat`), in order,
    /// from `tests/fixtures/envd/symlinks-and-watch.json`.
    pub(crate) fn recorded(method: &str) -> Vec<String> {
        let text = include_str!("../../../tests/fixtures/envd/symlinks-and-watch.json");
        let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
        let path = format!("/filesystem.Filesystem/{method}");
        let exchanges = fixture["exchanges"].as_array().unwrap().iter();
        let bodies = exchanges.filter(|e| e["request"]["path"] == path.as_str());
        bodies.map(|e| e["response"]["body"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn the_real_envd_s_symlinks_are_symlinks() {
        let stats: Vec<EntryInfo> =
            recorded("Stat").iter().map(|body| serde_json::from_str::<EntryResponse>(body).unwrap().entry).collect();
        let seen: Vec<_> = stats.iter().map(|e| (e.name.as_str(), e.file_type, e.symlink_target.as_deref())).collect();
        let fx = "/home/user/envdtest/fx";
        assert_eq!(
            seen,
            [
                ("file.txt", FileType::File, None),
                ("dir", FileType::Dir, None),
                ("filelink", FileType::Symlink, Some(format!("{fx}/file.txt").as_str())),
                ("dirlink", FileType::Symlink, Some(format!("{fx}/dir").as_str())),
                ("dangling", FileType::Symlink, Some(format!("{fx}/dangling").as_str())),
                ("outside", FileType::Symlink, Some("/etc/hostname")),
            ]
        );
        assert_eq!(stats[2].permissions, "Lrwxrwxrwx");

        #[derive(Deserialize)]
        struct Listed {
            #[serde(default)]
            entries: Vec<EntryInfo>,
        }
        let listings: Vec<Listed> = recorded("ListDir").iter().map(|b| serde_json::from_str(b).unwrap()).collect();
        let links: Vec<_> =
            listings[0].entries.iter().filter(|e| e.file_type == FileType::Symlink).map(|e| e.name.as_str()).collect();
        assert_eq!(links, ["dangling", "dirlink", "filelink", "outside"]);
        assert!(listings[1].entries.is_empty(), "a link to a folder lists as nothing");
    }

    #[test]
    fn entries_parse_from_proto3_json() {
        let json = r#"{"name":"a.txt","type":"FILE_TYPE_FILE","path":"/home/user/a.txt","size":"5",
            "mode":420,"permissions":"-rw-r--r--","owner":"user","group":"user",
            "modifiedTime":"2026-01-01T00:00:00Z","metadata":{"k":"v"}}"#;
        let entry: EntryInfo = serde_json::from_str(json).unwrap();
        assert_eq!((entry.file_type, entry.size, entry.mode), (FileType::File, 5, 420));
        assert_eq!(entry.modified_time.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(entry.metadata.get("k").map(String::as_str), Some("v"));

        let dir: EntryInfo = serde_json::from_str(r#"{"name":"d","type":2,"path":"/d"}"#).unwrap();
        assert_eq!((dir.file_type, dir.size), (FileType::Dir, 0));
        // Newer envd flags links; older e2b-local sent FILE_TYPE_SYMLINK: both are links.
        for json in [
            r#"{"name":"l","type":"FILE_TYPE_FILE","isSymlink":true,"symlinkTarget":"/x"}"#,
            r#"{"name":"l","type":"FILE_TYPE_DIRECTORY","isSymlink":true}"#,
            r#"{"name":"l","type":"FILE_TYPE_SYMLINK","symlinkTarget":"/x"}"#,
            r#"{"name":"l","type":3}"#,
        ] {
            assert_eq!(serde_json::from_str::<EntryInfo>(json).unwrap().file_type, FileType::Symlink, "{json}");
        }
        let odd: EntryInfo = serde_json::from_str(r#"{"name":"o","type":"FILE_TYPE_FUTURE"}"#).unwrap();
        assert_eq!(odd.file_type, FileType::Other);
    }
}
