"""sandbox.git: a local repository with a bare one as its remote, and clone,
push and pull with credentials through a git HTTP server in the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

import libe2b
from libe2b import ErrorCode

REPO = "/home/user/repo"
SERVER = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "git" / "http_server.py"


def sh(sandbox: libe2b.Sandbox, cmd: str) -> str:
    return sandbox.commands.run(cmd).check().stdout_text


def test_a_local_repository(sandbox: libe2b.Sandbox) -> None:
    git = sandbox.git
    git.init("/home/user/remote.git", bare=True, initial_branch="main")
    git.init(REPO, initial_branch="main")
    git.configure_user("Ada", "ada@example.com", scope="local", path=REPO)
    assert git.get_config("user.name", scope="local", path=REPO) == "Ada"
    assert git.get_config("e2b.unset") is None

    sandbox.files.write(f"{REPO}/a file.txt", "one\n")
    status = git.status(REPO)
    assert (status.current_branch, status.upstream, status.detached) == ("main", None, False)
    assert status.untracked_count == 1 and status.has_untracked and not status.is_clean
    assert status.file_status[0] == libe2b.GitFileStatus("a file.txt", "untracked", "?", "?", False)

    git.add(REPO, files=["a file.txt"])
    staged = git.status(REPO).file_status[0]
    assert (staged.status, staged.staged, staged.index_status, staged.working_tree_status) == ("added", True, "A", " ")
    git.commit(REPO, "first", author_name="Bob", author_email="bob@example.com")
    assert sh(sandbox, "git -C /home/user/repo log -1 --format=%an") == "Bob\n"
    with pytest.raises(libe2b.SandboxException) as raised:
        git.commit(REPO, "nothing")
    assert raised.value.code == ErrorCode.COMMAND_EXIT and "nothing to commit" in raised.value.message
    git.commit(REPO, "empty", allow_empty=True)

    git.create_branch(REPO, "feature")
    assert git.branches(REPO) == libe2b.GitBranches(["feature", "main"], "feature")
    git.checkout_branch(REPO, "main")
    git.delete_branch(REPO, "feature", force=True)
    assert git.branches(REPO) == libe2b.GitBranches(["main"], "main")

    assert git.remote_get(REPO, "origin") is None
    with pytest.raises(libe2b.GitUpstreamException):
        git.pull(REPO)
    git.remote_add(REPO, "origin", "/home/user/remote.git")
    assert git.remote_get(REPO, "origin") == "/home/user/remote.git"
    with pytest.raises(libe2b.GitUpstreamException):
        git.push(REPO)
    git.push(REPO, remote="origin", branch="main")
    pushed = git.status(REPO)
    assert (pushed.upstream, pushed.ahead, pushed.behind) == ("origin/main", 0, 0)

    git.clone("file:///home/user/remote.git", "/home/user/copy", branch="main", depth=1)
    assert sh(sandbox, "git -C /home/user/copy rev-list --count HEAD") == "1\n"
    sandbox.files.write(f"{REPO}/a file.txt", "two\n")
    modified = git.status(REPO)
    assert modified.file_status[0].status == "modified" and not modified.has_staged
    git.add(REPO)
    git.commit(REPO, "second")
    assert git.status(REPO).ahead == 1
    git.push(REPO)
    git.pull("/home/user/copy")
    assert sandbox.files.read_text("/home/user/copy/a file.txt") == "two\n"


def test_typed_errors(sandbox: libe2b.Sandbox) -> None:
    git = sandbox.git
    with pytest.raises(libe2b.NotFoundException) as raised:
        git.status("/tmp")
    assert "not a git repository" in raised.value.message
    with pytest.raises(libe2b.NotFoundException):
        git.clone("/home/user/none.git", "/tmp/none")
    with pytest.raises(libe2b.InvalidArgumentException):
        git.clone("http://127.0.0.1:1/x.git", password="secret")
    with pytest.raises(libe2b.InvalidArgumentException):
        git.set_config("a.b", "c", scope="local")
    with pytest.raises(ValueError):
        git.set_config("a.b", "c", scope="nowhere")  # type: ignore[arg-type]
    token = libe2b.CancelToken()
    token.cancel()
    with pytest.raises(libe2b.CancelledException):
        git.status("/tmp", cancel=token)


def test_credentials(sandbox: libe2b.Sandbox) -> None:
    token = "tok-py-8e41"
    sandbox.files.write("/home/user/server.py", SERVER.read_bytes())
    sandbox.files.write("/home/user/.token", token)
    sh(sandbox, "set -e; git init -q --bare -b main /home/user/served/p.git; git init -q -b main /tmp/seed; "
                "cd /tmp/seed; echo hi > README; git add README; git -c user.name=s -c user.email=s@x commit -qm s; "
                "git push -q /home/user/served/p.git main; git -C /home/user/served/p.git config http.receivepack true")
    server = sandbox.commands.start("python3 /home/user/server.py /home/user/served 8420 ada /home/user/.token",
                                    timeout=0)
    try:
        sh(sandbox, "for i in $(seq 100); do python3 -c 'import socket; socket.create_connection"
                    "((\"127.0.0.1\", 8420))' 2>/dev/null && exit 0; sleep 0.1; done; exit 1")
        git = sandbox.git
        url = "http://127.0.0.1:8420/p.git"
        with pytest.raises(libe2b.GitAuthException) as raised:
            git.clone(url, "/home/user/anon")
        assert raised.value.code == ErrorCode.GIT_AUTH
        assert isinstance(raised.value, libe2b.AuthenticationException)
        with pytest.raises(libe2b.GitAuthException) as raised:
            git.clone(url, "/home/user/bad", username="ada", password="wrong-password")
        assert "wrong-password" not in raised.value.message
        git.clone(url, "/home/user/p", username="ada", password=token)
        git.configure_user("Ada", "ada@example.com")
        sandbox.files.write("/home/user/p/new.txt", "new\n")
        git.add("/home/user/p")
        git.commit("/home/user/p", "new")
        with pytest.raises(libe2b.GitAuthException):
            git.push("/home/user/p")
        git.push("/home/user/p", username="ada", password=token)
        git.pull("/home/user/p", username="ada", password=token)
        assert sh(sandbox, "git -C /home/user/served/p.git log -1 --format=%s main") == "new\n"
        assert git.remote_get("/home/user/p", "origin") == url
    finally:
        server.kill()
        server.close()


def test_reset_and_restore(sandbox: libe2b.Sandbox) -> None:
    git, repo = sandbox.git, "/home/user/undo"
    git.init(repo, initial_branch="main")
    for text in ("one\n", "two\n"):
        sandbox.files.write(f"{repo}/f.txt", text)
        git.add(repo)
        git.commit(repo, text.strip(), author_name="Ada", author_email="ada@example.com")

    sandbox.files.write(f"{repo}/f.txt", "edited\n")
    git.restore(repo, ["f.txt"])
    assert sandbox.files.read_text(f"{repo}/f.txt") == "two\n"
    sandbox.files.write(f"{repo}/f.txt", "staged\n")
    git.add(repo)
    assert git.status(repo).staged_count == 1
    git.restore(repo, ["."], staged=True)
    assert git.status(repo).staged_count == 0
    assert sandbox.files.read_text(f"{repo}/f.txt") == "staged\n"
    git.restore(repo, ["f.txt"], source="HEAD~1")
    assert sandbox.files.read_text(f"{repo}/f.txt") == "one\n"

    git.reset(repo, mode="hard")
    assert git.status(repo).is_clean
    git.reset(repo, mode="soft", target="HEAD~1")
    assert sh(sandbox, f"git -C {repo} log --format=%s") == "one\n"
    assert git.status(repo).staged_count == 1
    git.reset(repo, paths=["f.txt"])
    assert git.status(repo).staged_count == 0

    with pytest.raises(libe2b.InvalidArgumentException, match="at least one path"):
        git.restore(repo, [])
    with pytest.raises(libe2b.InvalidArgumentException, match="staged or worktree"):
        git.restore(repo, ["."], staged=False, worktree=False)
    with pytest.raises(ValueError, match="reset mode"):
        git.reset(repo, mode="sideways")  # type: ignore[arg-type]
    with pytest.raises(libe2b.SandboxException) as raised:
        git.reset(repo, target="no-such-ref")
    assert raised.value.code == ErrorCode.COMMAND_EXIT and "no-such-ref" in raised.value.message
