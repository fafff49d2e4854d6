"""Template builds: the official SDK's ``Template`` builder (``from_image``,
``from_template``, ``copy``, ``run_cmd``, ``set_envs``, ``set_workdir``,
``set_user``, ``set_start_cmd``; ``Template.build``, ``build_in_background``,
``get_build_status``, ``exists``, tags, delete)."""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from . import _bindings as b
from ._cancel import CancelToken
from ._core import Call, decode, encode, owned

if TYPE_CHECKING:
    from ._client import Client

_STATUS: dict[int, str] = {
    b.BuildStatus.WAITING: "waiting",
    b.BuildStatus.BUILDING: "building",
    b.BuildStatus.READY: "ready",
    b.BuildStatus.ERROR: "error",
}


@dataclass(frozen=True)
class LogEntry:
    """One line of a build's log."""

    timestamp: str
    level: str
    message: str
    step: Optional[str]
    """``base``, a step's 1-based index, or ``finalize``."""

    @classmethod
    def _from(cls, entry: ctypes._Pointer[b.e2b_build_log_entry]) -> LogEntry:
        return cls(
            timestamp=decode(b.e2b_build_log_entry_timestamp(entry)) or "",
            level=decode(b.e2b_build_log_entry_level(entry)) or "",
            message=decode(b.e2b_build_log_entry_message(entry)) or "",
            step=decode(b.e2b_build_log_entry_step(entry)),
        )


@dataclass(frozen=True)
class BuildInfo:
    """A build: its template and build ids, the name it was asked under, its tags."""

    template_id: str
    build_id: str
    name: str
    tags: list[str]
    _handle: Any = field(default=None, repr=False, compare=False)


class _BuildHandle:
    """Owns the library's ``e2b_build_info`` (``get_build_status`` takes it)."""

    def __init__(self, ptr: ctypes._Pointer[b.e2b_build_info]) -> None:
        self.ptr: Optional[ctypes._Pointer[b.e2b_build_info]] = ptr

    def __del__(self) -> None:
        if self.ptr:
            b.e2b_build_info_free(self.ptr)
            self.ptr = None


@dataclass(frozen=True)
class BuildStatusReason:
    """Why a build failed, and at which step."""

    message: str
    step: Optional[str]


@dataclass(frozen=True)
class TemplateBuildStatusResponse:
    """A build's status (``waiting``, ``building``, ``ready``, ``error``) and log entries."""

    template_id: str
    build_id: str
    status: str
    log_entries: list[LogEntry]
    reason: Optional[BuildStatusReason]


@dataclass(frozen=True)
class TemplateTag:
    """One tag of a template."""

    tag: str
    build_id: str
    created_at: str


def _strings(items: list[str]) -> tuple[ctypes.Array[ctypes.c_char_p] | None, int]:
    if not items:
        return None, 0
    array = (ctypes.c_char_p * len(items))(*[encode(i) for i in items])
    return array, len(items)


def _client(client: Client | None) -> Client:
    if client is not None:
        return client
    from ._client import Client

    return Client()


class Template:
    """A template definition, built on the server by ``Template.build``. Each
    builder method returns the template, so calls chain; a new template starts
    from E2B's base image, and ``copy`` sources are relative to
    `file_context_path` (default: the current directory)."""

    def __init__(self, file_context_path: Union[str, os.PathLike[str], None] = None) -> None:
        self._ptr: Optional[ctypes._Pointer[b.e2b_template]] = b.e2b_template_new()
        if not self._ptr:
            raise MemoryError("e2b_template_new")
        if file_context_path is not None:
            self._edit(b.e2b_template_set_file_context_path, encode(os.fspath(file_context_path)))

    def __del__(self) -> None:
        ptr = getattr(self, "_ptr", None)
        if ptr:
            b.e2b_template_free(ptr)
            self._ptr = None

    def _edit(self, function: Callable[..., int], *args: object) -> Template:
        call = Call()
        call.check(function(self._ptr, *args, call.err))
        return self

    def from_image(self, image: str) -> Template:
        """Starts from the image `image`."""
        return self._edit(b.e2b_template_from_image, encode(image))

    def from_base_image(self) -> Template:
        """Starts from E2B's base image."""
        return self._edit(b.e2b_template_from_base_image)

    def from_debian_image(self, variant: str = "stable") -> Template:
        """Starts from ``debian:<variant>``."""
        return self.from_image(f"debian:{variant}")

    def from_template(self, template: str) -> Template:
        """Starts from the template `template`."""
        return self._edit(b.e2b_template_from_template, encode(template))

    def copy(self, src: str, dest: str, *, force_upload: bool = False, user: Optional[str] = None,
             mode: Optional[int] = None, resolve_symlinks: bool = False) -> Template:
        """Copies `src` (a file, folder or glob in the context folder) to `dest`."""
        return self._edit(b.e2b_template_copy, encode(src), encode(dest), None if user is None else encode(user),
                          -1 if mode is None else mode, force_upload, resolve_symlinks)

    def run_cmd(self, command: Union[str, list[str]], user: Optional[str] = None) -> Template:
        """Runs `command` (a list is joined with `` && ``) as `user` (default: the current user)."""
        text = " && ".join(command) if isinstance(command, list) else command
        return self._edit(b.e2b_template_run_cmd, encode(text), None if user is None else encode(user))

    def set_envs(self, envs: dict[str, str]) -> Template:
        """Sets environment variables for the following steps and the template's sandboxes."""
        if not envs:
            return self
        keys, count = _strings(list(envs.keys()))
        values, _ = _strings(list(envs.values()))
        return self._edit(b.e2b_template_set_envs, keys, values, count)

    def set_workdir(self, workdir: str) -> Template:
        """Sets the working directory of the following steps and the template's sandboxes."""
        return self._edit(b.e2b_template_set_workdir, encode(workdir))

    def set_user(self, user: str) -> Template:
        """Sets the user of the following steps and the template's sandboxes."""
        return self._edit(b.e2b_template_set_user, encode(user))

    def set_start_cmd(self, start_cmd: str, ready_cmd: str) -> Template:
        """Sets the command started with each sandbox, and the command that says it is ready."""
        return self._edit(b.e2b_template_set_start_cmd, encode(start_cmd), encode(ready_cmd))

    def set_ready_cmd(self, ready_cmd: str) -> Template:
        """Sets the ready command alone."""
        return self._edit(b.e2b_template_set_ready_cmd, encode(ready_cmd))

    def skip_cache(self) -> Template:
        """Rebuilds the following steps rather than using the server's cache."""
        return self._edit(b.e2b_template_skip_cache)

    @staticmethod
    def build(template: Template, name: str, *, tags: Optional[list[str]] = None, skip_cache: bool = False,
              on_build_logs: Optional[Callable[[LogEntry], None]] = None, client: Optional[Client] = None,
              cancel: Optional[CancelToken] = None) -> BuildInfo:
        """Builds `template` under `name` (``name`` or ``name:tag``) and waits
        until it is ready, giving each log entry to `on_build_logs`. Raises
        ``BuildException`` with the server's reason when the build fails."""
        owner = _client(client)
        if skip_cache:
            template._edit(b.e2b_template_set_force, True)
        call = Call(cancel=cancel)
        tag_array, tag_count = _strings(tags or [])
        if on_build_logs is None:
            callback = b.e2b_build_log_cb()
        else:
            receiver = on_build_logs

            def forward(entry: ctypes._Pointer[b.e2b_build_log_entry]) -> int:
                receiver(LogEntry._from(entry))
                return 0

            callback = call.callback(b.e2b_build_log_cb, forward)
        out = ctypes.POINTER(b.e2b_build_info)()
        call.run(b.e2b_template_build, owner._ptr, template._ptr, encode(name), tag_array, tag_count, callback, None,
                 ctypes.byref(out))
        return _build_info(out)

    @staticmethod
    def build_in_background(template: Template, name: str, *, tags: Optional[list[str]] = None,
                            skip_cache: bool = False, client: Optional[Client] = None,
                            cancel: Optional[CancelToken] = None) -> BuildInfo:
        """Starts the build and returns without waiting (follow it with ``get_build_status``)."""
        owner = _client(client)
        if skip_cache:
            template._edit(b.e2b_template_set_force, True)
        call = Call(cancel=cancel)
        tag_array, tag_count = _strings(tags or [])
        out = ctypes.POINTER(b.e2b_build_info)()
        call.run(b.e2b_template_build_in_background, owner._ptr, template._ptr, encode(name), tag_array, tag_count,
                 ctypes.byref(out))
        return _build_info(out)

    @staticmethod
    def get_build_status(build_info: BuildInfo, logs_offset: int = 0, *, client: Optional[Client] = None,
                         cancel: Optional[CancelToken] = None) -> TemplateBuildStatusResponse:
        """One look at a build's status, with its log entries from `logs_offset`."""
        owner = _client(client)
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_build_status_info)()
        if build_info._handle is None:
            raise ValueError("build_info must come from Template.build or Template.build_in_background")
        call.run(b.e2b_template_get_build_status, owner._ptr, build_info._handle.ptr, ctypes.c_size_t(logs_offset),
                 ctypes.byref(out))
        with owned(out, b.e2b_build_status_info_free):
            entries = [LogEntry._from(b.e2b_build_status_info_logs_get(out, i))
                       for i in range(b.e2b_build_status_info_logs_len(out))]
            reason = decode(b.e2b_build_status_info_reason(out))
            return TemplateBuildStatusResponse(
                template_id=build_info.template_id,
                build_id=build_info.build_id,
                status=_STATUS.get(b.e2b_build_status_info_status(out), "error"),
                log_entries=entries,
                reason=None if reason is None else BuildStatusReason(
                    reason, decode(b.e2b_build_status_info_reason_step(out))),
            )

    @staticmethod
    def exists(name: str, *, client: Optional[Client] = None, cancel: Optional[CancelToken] = None) -> bool:
        """Whether a template called `name` exists."""
        call = Call(cancel=cancel)
        found = ctypes.c_bool()
        call.run(b.e2b_template_exists, _client(client)._ptr, encode(name), ctypes.byref(found))
        return found.value

    @staticmethod
    def assign_tags(target_name: str, tags: Union[str, list[str]], *, client: Optional[Client] = None,
                    cancel: Optional[CancelToken] = None) -> None:
        """Gives the build `target_name` (``name:tag``) the tags `tags` too."""
        call = Call(cancel=cancel)
        array, count = _strings([tags] if isinstance(tags, str) else tags)
        call.run(b.e2b_template_assign_tags, _client(client)._ptr, encode(target_name), array, ctypes.c_size_t(count))

    @staticmethod
    def remove_tags(name: str, tags: Union[str, list[str]], *, client: Optional[Client] = None,
                    cancel: Optional[CancelToken] = None) -> None:
        """Removes the tags `tags` of the template `name`."""
        call = Call(cancel=cancel)
        array, count = _strings([tags] if isinstance(tags, str) else tags)
        call.run(b.e2b_template_remove_tags, _client(client)._ptr, encode(name), array, ctypes.c_size_t(count))

    @staticmethod
    def get_tags(template_id: str, *, client: Optional[Client] = None,
                 cancel: Optional[CancelToken] = None) -> list[TemplateTag]:
        """The tags of the template `template_id` (an id or a name)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_template_tag_list)()
        call.run(b.e2b_template_get_tags, _client(client)._ptr, encode(template_id), ctypes.byref(out))
        with owned(out, b.e2b_template_tag_list_free):
            return [TemplateTag(tag=decode(b.e2b_template_tag_list_tag(out, i)) or "",
                                build_id=decode(b.e2b_template_tag_list_build_id(out, i)) or "",
                                created_at=decode(b.e2b_template_tag_list_created_at(out, i)) or "")
                    for i in range(b.e2b_template_tag_list_len(out))]

    @staticmethod
    def delete(template: str, *, client: Optional[Client] = None, cancel: Optional[CancelToken] = None) -> bool:
        """Deletes the template `template` (every tag); ``False`` when there was none."""
        call = Call(cancel=cancel)
        deleted = ctypes.c_bool()
        call.run(b.e2b_template_delete, _client(client)._ptr, encode(template), ctypes.byref(deleted))
        return deleted.value


def _build_info(out: ctypes._Pointer[b.e2b_build_info]) -> BuildInfo:
    handle = _BuildHandle(out)
    return BuildInfo(
        template_id=decode(b.e2b_build_info_template_id(out)) or "",
        build_id=decode(b.e2b_build_info_build_id(out)) or "",
        name=decode(b.e2b_build_info_name(out)) or "",
        tags=[decode(b.e2b_build_info_tags_get(out, i)) or "" for i in range(b.e2b_build_info_tags_len(out))],
        _handle=handle,
    )
