"""git in the sandbox: ``sandbox.git``, with the official SDK's names and options."""

from __future__ import annotations

import ctypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import _bindings as b
from ._bindings import GitConfigScope, GitFileChange, GitResetMode
from ._cancel import CancelToken
from ._commands import CommandResult
from ._core import NO_LIMIT, Call, decode, encode, milliseconds, owned, take_bytes

if TYPE_CHECKING:
    from ._sandbox import Sandbox

ConfigScope = Literal["global", "local", "system"]
"""Which configuration file: the user's (``--global``), a repository's
(``--local``, needs its path) or the system's (``--system``)."""

ResetMode = Literal["soft", "mixed", "hard", "merge", "keep"]
"""How far ``reset`` goes: HEAD only (soft), also the index (mixed, git's
default), also the working tree (hard), like hard keeping unstaged changes
(merge), like hard refusing to lose local changes (keep)."""

_RESET_MODES: dict[str, GitResetMode] = {
    "soft": GitResetMode.SOFT,
    "mixed": GitResetMode.MIXED,
    "hard": GitResetMode.HARD,
    "merge": GitResetMode.MERGE,
    "keep": GitResetMode.KEEP,
}

_SCOPES: dict[str, GitConfigScope] = {
    "global": GitConfigScope.GLOBAL,
    "local": GitConfigScope.LOCAL,
    "system": GitConfigScope.SYSTEM,
}


@dataclass(frozen=True)
class GitFileStatus:
    """One changed file of a ``GitStatus``."""

    name: str
    """The path, relative to the repository's top."""
    status: str
    """The kind of change, as the SDK names it: "modified", "added",
    "deleted", "renamed", "copied", "typechange", "untracked", "conflict" or
    "unknown"."""
    index_status: str
    """The index's status letter as ``git status --porcelain`` shows it (" " unchanged, "?" untracked)."""
    working_tree_status: str
    """The working tree's status letter."""
    staged: bool
    """Whether the change is staged."""
    renamed_from: str | None = None
    """The path before a rename or copy."""


@dataclass(frozen=True)
class GitStatus:
    """A repository's state: its branch, the upstream, and the changed files."""

    current_branch: str | None
    """The branch checked out; ``None`` when HEAD is detached."""
    upstream: str | None
    """The branch's upstream (e.g. "origin/main"), if it has one."""
    ahead: int
    behind: int
    detached: bool
    file_status: list[GitFileStatus]

    @property
    def is_clean(self) -> bool:
        """No changed and no untracked file."""
        return not self.file_status

    @property
    def has_changes(self) -> bool:
        return bool(self.file_status)

    @property
    def has_staged(self) -> bool:
        return any(f.staged for f in self.file_status)

    @property
    def has_untracked(self) -> bool:
        return self.untracked_count > 0

    @property
    def has_conflicts(self) -> bool:
        return self.conflict_count > 0

    @property
    def total_count(self) -> int:
        return len(self.file_status)

    @property
    def staged_count(self) -> int:
        return sum(1 for f in self.file_status if f.staged)

    @property
    def unstaged_count(self) -> int:
        """Files with no staged change, untracked ones included (as in the SDK)."""
        return sum(1 for f in self.file_status if not f.staged)

    @property
    def untracked_count(self) -> int:
        return sum(1 for f in self.file_status if f.status == "untracked")

    @property
    def conflict_count(self) -> int:
        return sum(1 for f in self.file_status if f.status == "conflict")


@dataclass(frozen=True)
class GitBranches:
    """A repository's local branches."""

    branches: list[str]
    """The names, in git's order."""
    current_branch: str | None
    """The branch checked out, if one is."""


def _change_name(value: int) -> str:
    """The SDK's name of a ``GitFileChange``."""
    return (b.e2b_git_file_change_name(value) or b"unknown").decode()


class Git:
    """git in a sandbox (``sandbox.git``), as the official SDK's: every
    method runs ``git`` with ``GIT_TERMINAL_PROMPT=0`` and takes ``envs``,
    ``user``, ``cwd``, ``timeout`` (seconds; ``None``, the default, and 0 for
    no limit) and ``cancel``.

    A git that fails raises ``GitAuthException`` (credentials missing or
    wrong), ``GitUpstreamException`` (no upstream to push to or pull from),
    ``NotFoundException`` (no repository at the path or URL) or a
    ``SandboxException`` with code ``ErrorCode.COMMAND_EXIT``, with git's
    words at the end of the message.

    ``username`` and ``password`` reach git through a private file in the
    sandbox, removed after the call, never through a command line or an
    environment variable that ``ps`` could show (the SDK puts them in the
    remote's URL on the command line).
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    @staticmethod
    def _options(call: Call, envs: Mapping[str, str] | None, user: str | None, cwd: str | None,
                 timeout: float | None, **fields: Any) -> owned[Any]:
        """The git options, freed when the ``with`` block ends."""
        options = b.e2b_git_options_new()
        try:
            for name, value in (envs or {}).items():
                call.check(b.e2b_git_options_set_env(options, encode(name), encode(value), call.err))
            if cwd is not None:
                call.check(b.e2b_git_options_set_cwd(options, encode(cwd), call.err))
            if user is not None:
                call.check(b.e2b_git_options_set_user(options, encode(user), call.err))
            if timeout is not None:
                call.check(b.e2b_git_options_set_timeout_ms(options, milliseconds(timeout, zero=NO_LIMIT), call.err))
            for name, value in fields.items():
                if value is None:
                    continue
                if name == "credentials":
                    username, password = value
                    call.check(b.e2b_git_options_set_credentials(
                        options, None if username is None else encode(username),
                        None if password is None else encode(password), call.err))
                elif name == "author":
                    author_name, author_email = value
                    call.check(b.e2b_git_options_set_author(
                        options, None if author_name is None else encode(author_name),
                        None if author_email is None else encode(author_email), call.err))
                elif name == "files":
                    for file in value:
                        call.check(b.e2b_git_options_add_file(options, encode(file), call.err))
                elif name == "scope":
                    call.check(b.e2b_git_options_set_scope(options, value, call.err))
                elif name == "reset_mode":
                    call.check(b.e2b_git_options_set_reset_mode(options, value, call.err))
                elif name == "depth":
                    if not 0 <= value < 2**32:
                        raise ValueError(f"depth must be between 0 and 2**32 - 1: {value}")
                    call.check(b.e2b_git_options_set_depth(options, value, call.err))
                elif isinstance(value, bool):
                    call.check(getattr(b, f"e2b_git_options_set_{name}")(options, value, call.err))
                else:
                    call.check(getattr(b, f"e2b_git_options_set_{name}")(options, encode(value), call.err))
        except BaseException:
            b.e2b_git_options_free(options)
            raise
        return owned(options, b.e2b_git_options_free)

    def _run(self, function: Any, inputs: Sequence[Any], call: Call, options: owned[Any]) -> CommandResult:
        """Runs a git function that hands back git's result."""
        out = ctypes.POINTER(b.e2b_command_result)()
        with options as opts:
            call.run(function, self._sandbox._ptr, *inputs, opts, ctypes.byref(out))
        return CommandResult._take(out)

    @staticmethod
    def _credentials(username: str | None, password: str | None) -> tuple[str | None, str | None] | None:
        return None if username is None and password is None else (username, password)

    def clone(self, url: str, path: str | None = None, branch: str | None = None, depth: int | None = None,
              username: str | None = None, password: str | None = None, *,
              dangerously_store_credentials: bool = False, envs: Mapping[str, str] | None = None,
              user: str | None = None, cwd: str | None = None, timeout: float | None = None,
              cancel: CancelToken | None = None) -> CommandResult:
        """Clones `url` into `path` (git's choice if ``None``): only `branch`
        if given, only the last `depth` commits if given."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, path=path, branch=branch, depth=depth,
                                credentials=self._credentials(username, password),
                                dangerously_store_credentials=dangerously_store_credentials or None)
        return self._run(b.e2b_git_clone, [encode(url)], call, options)

    def init(self, path: str, bare: bool = False, initial_branch: str | None = None, *,
             envs: Mapping[str, str] | None = None, user: str | None = None, cwd: str | None = None,
             timeout: float | None = None, cancel: CancelToken | None = None) -> CommandResult:
        """Makes a repository at `path`."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, bare=bare or None, initial_branch=initial_branch)
        return self._run(b.e2b_git_init, [encode(path)], call, options)

    def remote_add(self, path: str, name: str, url: str, fetch: bool = False, overwrite: bool = False, *,
                   envs: Mapping[str, str] | None = None, user: str | None = None, cwd: str | None = None,
                   timeout: float | None = None, cancel: CancelToken | None = None) -> CommandResult:
        """Adds the remote `name` at `url`; with `overwrite` an existing one
        gets the new URL; with `fetch` it is fetched."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, fetch=fetch or None, overwrite=overwrite or None)
        return self._run(b.e2b_git_remote_add, [encode(path), encode(name), encode(url)], call, options)

    def _text(self, function: Any, inputs: Sequence[Any], call: Call, options: owned[Any]) -> str | None:
        """Runs a git function that hands back text that may be absent."""
        out = b.e2b_bytes()
        with options as opts:
            try:
                call.run(function, self._sandbox._ptr, *inputs, opts, ctypes.byref(out))
            finally:
                found = bool(out.data)
                text = take_bytes(out)
        return text.decode() if found else None

    def remote_get(self, path: str, name: str, *, envs: Mapping[str, str] | None = None, user: str | None = None,
                   cwd: str | None = None, timeout: float | None = None,
                   cancel: CancelToken | None = None) -> str | None:
        """The URL of the remote `name`, or ``None`` if there is none."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout)
        return self._text(b.e2b_git_remote_get, [encode(path), encode(name)], call, options)

    def status(self, path: str, *, envs: Mapping[str, str] | None = None, user: str | None = None,
               cwd: str | None = None, timeout: float | None = None,
               cancel: CancelToken | None = None) -> GitStatus:
        """The repository's branch, upstream and changed files."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_git_status_info)()
        with self._options(call, envs, user, cwd, timeout) as options:
            call.run(b.e2b_git_status, self._sandbox._ptr, encode(path), options, ctypes.byref(out))
        with owned(out, b.e2b_git_status_info_free):
            fields = b.e2b_git_status_info_fields(out).contents
            length = ctypes.c_size_t()
            items = b.e2b_git_status_info_files_fields(out, ctypes.byref(length))
            files = []
            for i in range(length.value):
                f = items[i].contents
                files.append(GitFileStatus(
                    name=(f.name or b"").decode(), status=_change_name(f.status),
                    index_status=f.index_status.decode(), working_tree_status=f.working_tree_status.decode(),
                    staged=bool(f.staged), renamed_from=decode(f.renamed_from)))
            return GitStatus(current_branch=decode(fields.current_branch), upstream=decode(fields.upstream),
                             ahead=fields.ahead, behind=fields.behind, detached=bool(fields.detached),
                             file_status=files)

    def branches(self, path: str, *, envs: Mapping[str, str] | None = None, user: str | None = None,
                 cwd: str | None = None, timeout: float | None = None,
                 cancel: CancelToken | None = None) -> GitBranches:
        """The repository's local branches."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_git_branch_list)()
        with self._options(call, envs, user, cwd, timeout) as options:
            call.run(b.e2b_git_branches, self._sandbox._ptr, encode(path), options, ctypes.byref(out))
        with owned(out, b.e2b_git_branch_list_free):
            names = [(b.e2b_git_branch_list_get(out, i) or b"").decode()
                     for i in range(b.e2b_git_branch_list_len(out))]
            return GitBranches(branches=names, current_branch=decode(b.e2b_git_branch_list_current(out)))

    def create_branch(self, path: str, branch: str, *, envs: Mapping[str, str] | None = None,
                      user: str | None = None, cwd: str | None = None, timeout: float | None = None,
                      cancel: CancelToken | None = None) -> CommandResult:
        """Makes `branch` and checks it out (``git checkout -b``)."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout)
        return self._run(b.e2b_git_create_branch, [encode(path), encode(branch)], call, options)

    def checkout_branch(self, path: str, branch: str, *, envs: Mapping[str, str] | None = None,
                        user: str | None = None, cwd: str | None = None, timeout: float | None = None,
                        cancel: CancelToken | None = None) -> CommandResult:
        """Checks out `branch`."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout)
        return self._run(b.e2b_git_checkout_branch, [encode(path), encode(branch)], call, options)

    def delete_branch(self, path: str, branch: str, force: bool = False, *, envs: Mapping[str, str] | None = None,
                      user: str | None = None, cwd: str | None = None, timeout: float | None = None,
                      cancel: CancelToken | None = None) -> CommandResult:
        """Deletes `branch` (``-D`` with `force`, for an unmerged one)."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, force=force or None)
        return self._run(b.e2b_git_delete_branch, [encode(path), encode(branch)], call, options)

    def add(self, path: str, files: Sequence[str] | None = None, all: bool = True, *,
            envs: Mapping[str, str] | None = None, user: str | None = None, cwd: str | None = None,
            timeout: float | None = None, cancel: CancelToken | None = None) -> CommandResult:
        """Stages `files`, or with none every change (``add -A``; ``add .`` when `all` is false)."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, files=files or None, all=None if all else False)
        return self._run(b.e2b_git_add, [encode(path)], call, options)

    def commit(self, path: str, message: str, author_name: str | None = None, author_email: str | None = None,
               allow_empty: bool = False, *, envs: Mapping[str, str] | None = None, user: str | None = None,
               cwd: str | None = None, timeout: float | None = None,
               cancel: CancelToken | None = None) -> CommandResult:
        """Commits what is staged with `message`."""
        call = Call(cancel=cancel)
        author = None if author_name is None and author_email is None else (author_name, author_email)
        options = self._options(call, envs, user, cwd, timeout, author=author, allow_empty=allow_empty or None)
        return self._run(b.e2b_git_commit, [encode(path), encode(message)], call, options)

    def reset(self, path: str, mode: ResetMode | None = None, target: str | None = None,
              paths: Sequence[str] | None = None, *, envs: Mapping[str, str] | None = None,
              user: str | None = None, cwd: str | None = None, timeout: float | None = None,
              cancel: CancelToken | None = None) -> CommandResult:
        """Moves HEAD to `target` (default HEAD), and with it the index and
        working tree as `mode` says (git's default: mixed); with `paths`,
        resets only those paths in the index."""
        call = Call(cancel=cancel)
        if mode is None:
            reset_mode = None
        elif mode in _RESET_MODES:
            reset_mode = _RESET_MODES[mode]
        else:
            raise ValueError(f"reset mode must be one of {', '.join(_RESET_MODES)}, not {mode!r}")
        options = self._options(call, envs, user, cwd, timeout, reset_mode=reset_mode, target=target,
                                files=paths or None)
        return self._run(b.e2b_git_reset, [encode(path)], call, options)

    def restore(self, path: str, paths: Sequence[str], staged: bool | None = None, worktree: bool | None = None,
                source: str | None = None, *, envs: Mapping[str, str] | None = None, user: str | None = None,
                cwd: str | None = None, timeout: float | None = None,
                cancel: CancelToken | None = None) -> CommandResult:
        """Restores `paths` (``["."]`` for all) in the working tree (the
        default), or in the index with ``staged=True`` (unstages), from
        `source` (a commit, branch or ref) or the index."""
        call = Call(cancel=cancel)
        if isinstance(paths, str):
            raise TypeError("paths must be a sequence of paths, not one string")
        options = self._options(call, envs, user, cwd, timeout, files=paths or None, staged=staged,
                                worktree=worktree, source=source)
        return self._run(b.e2b_git_restore, [encode(path)], call, options)

    def push(self, path: str, remote: str | None = None, branch: str | None = None, set_upstream: bool = True,
             username: str | None = None, password: str | None = None, *, envs: Mapping[str, str] | None = None,
             user: str | None = None, cwd: str | None = None, timeout: float | None = None,
             cancel: CancelToken | None = None) -> CommandResult:
        """Pushes; ``--set-upstream`` when a remote is known and `set_upstream`."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, remote=remote, branch=branch,
                                set_upstream=None if set_upstream else False,
                                credentials=self._credentials(username, password))
        return self._run(b.e2b_git_push, [encode(path)], call, options)

    def pull(self, path: str, remote: str | None = None, branch: str | None = None, username: str | None = None,
             password: str | None = None, *, envs: Mapping[str, str] | None = None, user: str | None = None,
             cwd: str | None = None, timeout: float | None = None,
             cancel: CancelToken | None = None) -> CommandResult:
        """Pulls; with neither `remote` nor `branch` the branch needs an
        upstream, else ``GitUpstreamException`` before anything is fetched."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, remote=remote, branch=branch,
                                credentials=self._credentials(username, password))
        return self._run(b.e2b_git_pull, [encode(path)], call, options)

    @staticmethod
    def _scope(scope: ConfigScope) -> GitConfigScope:
        try:
            return _SCOPES[scope]
        except KeyError:
            raise ValueError(f"scope must be 'global', 'local' or 'system', not {scope!r}") from None

    def set_config(self, key: str, value: str, scope: ConfigScope = "global", path: str | None = None, *,
                   envs: Mapping[str, str] | None = None, user: str | None = None, cwd: str | None = None,
                   timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        """Sets `key` to `value` in the configuration of `scope` (`path`: the repository, for "local")."""
        call = Call(cancel=cancel)
        with self._options(call, envs, user, cwd, timeout, scope=self._scope(scope)) as options:
            call.run(b.e2b_git_set_config, self._sandbox._ptr, encode(key), encode(value),
                     None if path is None else encode(path), options)

    def get_config(self, key: str, scope: ConfigScope = "global", path: str | None = None, *,
                   envs: Mapping[str, str] | None = None, user: str | None = None, cwd: str | None = None,
                   timeout: float | None = None, cancel: CancelToken | None = None) -> str | None:
        """The value of `key`, or ``None`` if it is not set."""
        call = Call(cancel=cancel)
        options = self._options(call, envs, user, cwd, timeout, scope=self._scope(scope))
        return self._text(b.e2b_git_get_config, [encode(key), None if path is None else encode(path)], call,
                          options)

    def configure_user(self, name: str, email: str, scope: ConfigScope = "global", path: str | None = None, *,
                       envs: Mapping[str, str] | None = None, user: str | None = None, cwd: str | None = None,
                       timeout: float | None = None, cancel: CancelToken | None = None) -> None:
        """Sets ``user.name`` and ``user.email``."""
        call = Call(cancel=cancel)
        with self._options(call, envs, user, cwd, timeout, scope=self._scope(scope)) as options:
            call.run(b.e2b_git_configure_user, self._sandbox._ptr, encode(name), encode(email),
                     None if path is None else encode(path), options)

    def dangerously_authenticate(self, username: str, password: str, host: str = "github.com",
                                 protocol: str = "https", *, envs: Mapping[str, str] | None = None,
                                 user: str | None = None, cwd: str | None = None, timeout: float | None = None,
                                 cancel: CancelToken | None = None) -> None:
        """Stores the credentials for every repository at `host` in the
        user's ``~/.git-credentials``: never on a command line, but on the
        sandbox's disk."""
        call = Call(cancel=cancel)
        with self._options(call, envs, user, cwd, timeout) as options:
            call.run(b.e2b_git_dangerously_authenticate, self._sandbox._ptr, encode(username), encode(password),
                     encode(host), encode(protocol), options)


__all__ = ["ConfigScope", "Git", "GitBranches", "GitFileChange", "GitFileStatus", "GitStatus"]
