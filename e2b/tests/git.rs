//! Git helpers against a real e2b-local: local repositories (a bare one as
//! the remote), and a git HTTP server inside the sandbox (`git http-backend`
//! behind a small Python server on the sandbox's loopback, asking for Basic
//! authentication) for clone, push and pull with credentials. Nothing leaves
//! the machine.

mod common;

use std::time::Duration;

use common::Local;
use e2b::{
    AddOptions, CloneOptions, CommandOptions, CommitOptions, ConfigScope, ErrorKind, FileChange, GitOptions,
    InitOptions, PullOptions, PushOptions, RemoteAddOptions, ResetMode, ResetOptions, RestoreOptions, Sandbox,
};

fn sh(sandbox: &Sandbox, line: &str) -> String {
    let result = sandbox.commands().run(line, &CommandOptions::default(), None).unwrap().check().unwrap();
    String::from_utf8(result.stdout).unwrap()
}

#[test]
fn a_local_repository_from_init_to_push_and_pull() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let git = sandbox.git();
    let repo = "/home/user/repo";

    git.init("/home/user/remote.git", &InitOptions::default().bare(true).initial_branch("main")).unwrap();
    git.init(repo, &InitOptions::default().initial_branch("main")).unwrap();
    git.configure_user("Ada", "ada@example.com", ConfigScope::Local, Some(repo)).unwrap();
    assert_eq!(git.get_config("user.name", ConfigScope::Local, Some(repo)).unwrap().as_deref(), Some("Ada"));
    assert_eq!(git.get_config("e2b.unset", ConfigScope::Local, Some(repo)).unwrap(), None);
    let fresh = git.status(repo).unwrap();
    assert_eq!(fresh.current_branch.as_deref(), Some("main"));
    assert!(fresh.is_clean() && !fresh.detached && fresh.upstream.is_none(), "{fresh:?}");

    sandbox.files().write("/home/user/repo/a file.txt", "one\n").unwrap();
    sandbox.files().write("/home/user/repo/it's.txt", "two\n").unwrap();
    let untracked = git.status(repo).unwrap();
    let mut names: Vec<_> = untracked.file_status.iter().map(|f| (f.name.as_str(), f.status)).collect();
    names.sort_by_key(|(name, _)| *name);
    assert_eq!(names, [("a file.txt", FileChange::Untracked), ("it's.txt", FileChange::Untracked)]);
    assert_eq!((untracked.untracked_count(), untracked.staged_count()), (2, 0));

    git.add(repo, &AddOptions::default().file("a file.txt")).unwrap();
    let staged = git.status(repo).unwrap();
    let added = staged.file_status.iter().find(|f| f.name == "a file.txt").unwrap();
    assert_eq!((added.status, added.staged, added.index_status), (FileChange::Added, true, 'A'));
    git.add(repo, &AddOptions::default()).unwrap();
    git.commit(repo, "first: it's here", &CommitOptions::default()).unwrap();
    assert!(git.status(repo).unwrap().is_clean());
    assert_eq!(sh(&sandbox, "git -C /home/user/repo log -1 --format='%s|%an'"), "first: it's here|Ada\n");

    let err = git.commit(repo, "nothing", &CommitOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CommandExit, "{err}");
    git.commit(repo, "empty", &CommitOptions::default().allow_empty(true).author("Bob", "bob@example.com")).unwrap();
    assert_eq!(sh(&sandbox, "git -C /home/user/repo log -1 --format='%an <%ae>'"), "Bob <bob@example.com>\n");

    // Branches.
    git.create_branch(repo, "feature").unwrap();
    let branches = git.branches(repo).unwrap();
    assert_eq!(
        (branches.branches.as_slice(), branches.current_branch.as_deref()),
        (&["feature".to_owned(), "main".to_owned()][..], Some("feature"))
    );
    git.checkout_branch(repo, "main").unwrap();
    assert_eq!(git.branches(repo).unwrap().current_branch.as_deref(), Some("main"));
    git.delete_branch(repo, "feature", false).unwrap();
    assert_eq!(git.branches(repo).unwrap().branches, ["main"]);
    let err = git.checkout_branch(repo, "no-such-branch").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CommandExit, "{err}");

    // Remotes, and no upstream yet.
    assert_eq!(git.remote_get(repo, "origin").unwrap(), None);
    let err = git.pull(repo, &PullOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitUpstream, "{err}");
    git.remote_add(repo, "origin", "/home/user/elsewhere.git", &RemoteAddOptions::default()).unwrap();
    let err = git.remote_add(repo, "origin", "/home/user/remote.git", &RemoteAddOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CommandExit, "{err}");
    git.remote_add(repo, "origin", "/home/user/remote.git", &RemoteAddOptions::default().overwrite(true).fetch(true))
        .unwrap();
    assert_eq!(git.remote_get(repo, "origin").unwrap().as_deref(), Some("/home/user/remote.git"));
    let err = git.push(repo, &PushOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitUpstream, "{err}");

    git.push(repo, &PushOptions::default().remote("origin").branch("main")).unwrap();
    let pushed = git.status(repo).unwrap();
    assert_eq!((pushed.upstream.as_deref(), pushed.ahead, pushed.behind), (Some("origin/main"), 0, 0));

    // A second clone, shallow and of one branch, that pulls what the first pushes.
    // A local path ignores --depth; a file:// URL does not.
    git.clone("file:///home/user/remote.git", &CloneOptions::default().path("/home/user/copy").branch("main").depth(1))
        .unwrap();
    assert_eq!(sh(&sandbox, "git -C /home/user/copy rev-list --count HEAD"), "1\n", "depth 1");
    sandbox.files().write("/home/user/repo/a file.txt", "changed\n").unwrap();
    let modified = git.status(repo).unwrap();
    assert_eq!(modified.file_status[0].status, FileChange::Modified);
    assert_eq!(modified.file_status[0].working_tree_status, 'M');
    assert!(!modified.has_staged());
    git.add(repo, &AddOptions::default()).unwrap();
    git.commit(repo, "second", &CommitOptions::default()).unwrap();
    assert_eq!(git.status(repo).unwrap().ahead, 1);
    git.push(repo, &PushOptions::default()).unwrap();
    git.with_options(GitOptions::default().env("GIT_AUTHOR_NAME", "x"))
        .pull("/home/user/copy", &PullOptions::default())
        .unwrap();
    assert_eq!(sandbox.files().read_to_string("/home/user/copy/a file.txt").unwrap(), "changed\n");

    // Global configuration, as another user.
    let as_root = git.with_options(GitOptions::default().user("root").timeout(Some(Duration::from_secs(30))));
    as_root.set_config("e2b.test", "root's value", ConfigScope::Global, None).unwrap();
    assert_eq!(as_root.get_config("e2b.test", ConfigScope::Global, None).unwrap().as_deref(), Some("root's value"));
    assert_eq!(git.get_config("e2b.test", ConfigScope::Global, None).unwrap(), None);

    // Typed errors.
    let err = git.status("/tmp").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let err = git.remote_get("/tmp", "origin").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let err = git.clone("/home/user/no-such.git", &CloneOptions::default().path("/tmp/x")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let err = git.set_config("user.name", "x", ConfigScope::Local, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    let err = git.commit(repo, "", &CommitOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
}

/// The Python server: `git http-backend` for every request with the right
/// Basic credentials, 401 otherwise. The token comes from a file, so that it
/// is on no command line in the sandbox.
const SERVER: &str = include_str!("../../tests/fixtures/git/http_server.py");

const TOKEN: &str = "tok-3f9c2a7b1d";
const URL: &str = "http://127.0.0.1:8418/project.git";

#[test]
fn reset_and_restore_undo_changes() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let git = sandbox.git();
    let repo = "/home/user/undo";
    let read = |name: &str| sandbox.files().read_to_string(&format!("{repo}/{name}")).unwrap();
    git.init(repo, &InitOptions::default().initial_branch("main")).unwrap();
    git.configure_user("Ada", "ada@example.com", ConfigScope::Local, Some(repo)).unwrap();
    sandbox.files().write(&format!("{repo}/f.txt"), "one\n").unwrap();
    git.add(repo, &AddOptions::default()).unwrap();
    git.commit(repo, "one", &CommitOptions::default()).unwrap();
    sandbox.files().write(&format!("{repo}/f.txt"), "two\n").unwrap();
    git.add(repo, &AddOptions::default()).unwrap();
    git.commit(repo, "two", &CommitOptions::default()).unwrap();

    // restore: the working tree by default, the index with `staged`, from a source.
    sandbox.files().write(&format!("{repo}/f.txt"), "edited\n").unwrap();
    git.restore(repo, &RestoreOptions::default().path("f.txt")).unwrap();
    assert_eq!(read("f.txt"), "two\n");
    sandbox.files().write(&format!("{repo}/f.txt"), "staged\n").unwrap();
    git.add(repo, &AddOptions::default()).unwrap();
    git.restore(repo, &RestoreOptions::default().path(".").staged(true)).unwrap();
    let unstaged = git.status(repo).unwrap();
    assert!(!unstaged.has_staged() && unstaged.has_changes(), "{unstaged:?}");
    assert_eq!(read("f.txt"), "staged\n", "the working tree is kept");
    git.restore(repo, &RestoreOptions::default().path("f.txt").source("HEAD~1")).unwrap();
    assert_eq!(read("f.txt"), "one\n");

    // reset: hard to the first commit, soft keeps the change staged.
    git.reset(repo, &ResetOptions::default().mode(ResetMode::Hard)).unwrap();
    assert!(git.status(repo).unwrap().is_clean());
    git.reset(repo, &ResetOptions::default().mode(ResetMode::Soft).target("HEAD~1")).unwrap();
    assert_eq!(sh(&sandbox, "git -C /home/user/undo log --format=%s"), "one\n");
    let soft = git.status(repo).unwrap();
    assert_eq!((soft.staged_count(), read("f.txt").as_str()), (1, "two\n"), "{soft:?}");
    git.reset(repo, &ResetOptions::default().path("f.txt")).unwrap();
    assert_eq!(git.status(repo).unwrap().staged_count(), 0);
    git.reset(repo, &ResetOptions::default().mode(ResetMode::Hard).target("HEAD")).unwrap();
    assert_eq!(read("f.txt"), "one\n");

    // Errors: no path, nothing to restore, a target that does not exist.
    let err = git.restore(repo, &RestoreOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    let err = git.restore(repo, &RestoreOptions::default().path(".").staged(false).worktree(false)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    let err = git.reset(repo, &ResetOptions::default().target("no-such-ref")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CommandExit, "{err}");
}

/// Serves a bare repository with one commit at [`URL`], for `ada` with [`TOKEN`].
fn serve(sandbox: &Sandbox) -> e2b::CommandHandle {
    let files = sandbox.files();

    // The server lives outside the user's home; root writes it.
    files.as_user("root").write("/srv-git/server.py", SERVER).unwrap();
    files.write("/home/user/.token", TOKEN).unwrap();
    sh(
        sandbox,
        "set -e; git init -q --bare -b main /home/user/served/project.git; git init -q -b main /tmp/seed; cd /tmp/seed; \
         echo hello > README; git add README; git -c user.name=s -c user.email=s@x commit -qm seed; \
         git push -q /home/user/served/project.git main; git -C /home/user/served/project.git config http.receivepack true",
    );
    let server = sandbox
        .commands()
        .start(
            "python3 /srv-git/server.py /home/user/served 8418 ada /home/user/.token",
            &CommandOptions::default().timeout(None),
        )
        .unwrap();
    // Wait until it answers.
    sh(
        sandbox,
        "for i in $(seq 100); do python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", 8418))' 2>/dev/null && exit 0; sleep 0.1; done; exit 1",
    );
    server
}

#[test]
fn credentials_reach_git_but_never_a_command_line() {
    let local = Local::start();
    let sandbox = local.sandbox();
    let server = serve(&sandbox);
    let git = sandbox.git();

    // No credentials, or wrong ones: typed errors, and nothing is left behind.
    let err = git.clone(URL, &CloneOptions::default().path("/home/user/anon")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitAuth, "{err}");
    let err = git.clone(URL, &CloneOptions::default().path("/home/user/wrong").credentials("ada", "nope")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitAuth, "{err}");
    assert!(!err.message().contains("nope"), "{err}");
    let mut password_only = CloneOptions::default();
    password_only.password = Some(TOKEN.into());
    let err = git.clone(URL, &password_only).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");

    // An authenticated clone, with every process's command line and
    // environment sampled all along.
    let sampler = sandbox
        .commands()
        .start("while :; do ps axeww -o pid,args; done > /tmp/ps.log 2>&1", &CommandOptions::default().user("root"))
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // A control: a secret on a command line is what the sampler catches.
    sandbox.commands().run("sleep 0.3; true control-9d1f", &CommandOptions::default(), None).unwrap();
    git.clone(URL, &CloneOptions::default().path("/home/user/project").credentials("ada", TOKEN)).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    sampler.kill().unwrap();
    let seen = sandbox.files().read_to_string("/tmp/ps.log").unwrap();
    assert!(seen.contains("control-9d1f"), "the sampler sees command lines");
    assert!(seen.contains("git -c credential.helper= -c credential.helper=!f()"), "the sampler saw the clone");
    assert!(seen.contains("git-remote-http"), "the sampler saw git talk to the server");
    assert!(!seen.contains(TOKEN), "the token was on a command line or in an environment");

    assert_eq!(sandbox.files().read_to_string("/home/user/project/README").unwrap(), "hello\n");
    assert_eq!(git.remote_get("/home/user/project", "origin").unwrap().as_deref(), Some(URL), "the URL is unchanged");
    assert_eq!(sh(&sandbox, "ls -d /tmp/e2b-git.* 2>/dev/null | wc -l"), "0\n", "the private directory is gone");
    assert_eq!(
        sh(&sandbox, "grep -rl tok- /home/user/project/.git ~/.gitconfig ~/.git-credentials 2>/dev/null | wc -l"),
        "0\n"
    );

    // Push and pull with credentials; without them they fail as auth failures.
    let project = "/home/user/project";
    git.configure_user("Ada", "ada@example.com", ConfigScope::Global, None).unwrap();
    sandbox.files().write("/home/user/project/new.txt", "new\n").unwrap();
    git.add(project, &AddOptions::default()).unwrap();
    git.commit(project, "add new.txt", &CommitOptions::default()).unwrap();
    let err = git.push(project, &PushOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitAuth, "{err}");
    let err = git.push(project, &PushOptions::default().credentials("ada", "wrong")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitAuth, "{err}");
    git.push(project, &PushOptions::default().credentials("ada", TOKEN)).unwrap();
    assert_eq!(sh(&sandbox, "git -C /home/user/served/project.git log -1 --format=%s main"), "add new.txt\n");

    git.clone(URL, &CloneOptions::default().path("/home/user/second").credentials("ada", TOKEN)).unwrap();
    sandbox.files().write("/home/user/second/more.txt", "more\n").unwrap();
    git.add("/home/user/second", &AddOptions::default()).unwrap();
    git.commit("/home/user/second", "more", &CommitOptions::default()).unwrap();
    git.push("/home/user/second", &PushOptions::default().credentials("ada", TOKEN)).unwrap();
    let err = git.pull(project, &PullOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GitAuth, "{err}");
    git.pull(project, &PullOptions::default().credentials("ada", TOKEN)).unwrap();
    assert_eq!(sandbox.files().read_to_string("/home/user/project/more.txt").unwrap(), "more\n");

    // Stored credentials: later pushes need none.
    git.clone(
        URL,
        &CloneOptions::default()
            .path("/home/user/stored")
            .credentials("ada", TOKEN)
            .dangerously_store_credentials(true),
    )
    .unwrap();
    git.pull("/home/user/stored", &PullOptions::default()).unwrap();
    assert_eq!(sh(&sandbox, "stat -c %a /home/user/stored/.git/e2b-credentials"), "600\n");

    // Global credentials (last: they change the user's configuration).
    git.dangerously_authenticate("ada", TOKEN, "127.0.0.1:8418", "http").unwrap();
    git.clone(URL, &CloneOptions::default().path("/home/user/global")).unwrap();
    assert!(sandbox.files().exists("/home/user/global/more.txt").unwrap());
    server.kill().unwrap();
}
