"""Network configuration, with the official SDK's names and shapes: the
``network`` option of ``Client.create_sandbox`` (``SandboxNetworkOpts``) and
``update_network`` (``SandboxNetworkUpdate``), as dicts."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Dict, List, Union

from . import _bindings as b
from ._core import Call, encode
from ._errors import InvalidArgumentException

try:
    from typing import TypedDict
except ImportError:  # pragma: no cover
    from typing_extensions import TypedDict

ALL_TRAFFIC = "0.0.0.0/0"
"""Every IPv4 address: ``"deny_out": [ALL_TRAFFIC]`` blocks all egress but
what ``allow_out`` lets through."""


class SandboxNetworkTransform(TypedDict, total=False):
    """What a rule changes in a request: ``headers`` set on it (replacing
    any of the same name). Values may hold ``${e2b.secrets.<name>}`` and
    ``${e2b.identity.tokens.<name>}``, which the egress proxy fills in."""

    headers: Dict[str, str]


class SandboxNetworkRule(TypedDict, total=False):
    """A rule for one host: ``transform`` is a ``SandboxNetworkTransform``
    or a callable given a context whose ``iam.tokens[name]`` is the
    placeholder of the workload token `name`."""

    transform: Union[SandboxNetworkTransform, Callable[[Any], SandboxNetworkTransform]]


class SandboxEgressProxyTLSOpts(TypedDict, total=False):
    """TLS to the egress proxy with a server name and/or CA certificate (PEM)."""

    server_name: str
    ca_cert: str


class SandboxEgressProxyOpts(TypedDict, total=False):
    """A SOCKS5 proxy for outbound TCP: ``address`` (``"host:port"``,
    required), ``username``, ``password``, and ``tls``: ``True`` (the system
    trust store), ``False`` (plain) or a ``SandboxEgressProxyTLSOpts``."""

    address: str
    username: str
    password: str
    tls: Union[bool, SandboxEgressProxyTLSOpts]


Selector = Union[Sequence[str], Callable[[Any], Sequence[str]]]
"""An allow or deny list, or a callable given a context with ``all_traffic``
(``ALL_TRAFFIC``) and ``rules`` (the ``rules`` given) that returns one."""


class SandboxNetworkOpts(TypedDict, total=False):
    """The ``network`` of ``Client.create_sandbox``. Every key is optional;
    a key left out is not sent (the server's default applies).

    - ``allow_out``: CIDRs, IPs or domains (``"*.example.com"``) the sandbox
      may reach; they beat ``deny_out``. A domain needs ``ALL_TRAFFIC`` denied.
    - ``deny_out``: CIDRs or IPs (no domains).
    - ``dns_servers``: IPv4 nameservers reachable when a domain is allowed;
      ``[]`` allows none; left out: 8.8.8.8.
    - ``rules``: host (exact or ``*.`` wildcard) to its rules; a rule does
      not open egress.
    - ``egress_proxy``: a ``SandboxEgressProxyOpts``.
    - ``allow_public_traffic``: ``False`` makes the sandbox's ports (not
      envd's) require its traffic access token.
    - ``mask_request_host``: the ``Host`` of proxied requests to its ports
      (``${PORT}`` is the port).
    - ``https_ports``: ports whose service speaks TLS.
    """

    allow_out: Selector
    deny_out: Selector
    rules: Dict[str, List[SandboxNetworkRule]]
    egress_proxy: SandboxEgressProxyOpts
    dns_servers: List[str]
    allow_public_traffic: bool
    mask_request_host: str
    https_ports: List[int]


class SandboxNetworkUpdate(TypedDict, total=False):
    """The egress settings ``update_network`` replaces (keys as in
    ``SandboxNetworkOpts``, plus ``allow_internet_access``: ``False`` denies
    all egress but ``allow_out``). Replace semantics: a key left out is
    cleared (``dns_servers`` back to 8.8.8.8, the proxy removed)."""

    allow_out: Selector
    deny_out: Selector
    rules: Dict[str, List[SandboxNetworkRule]]
    egress_proxy: SandboxEgressProxyOpts
    dns_servers: List[str]
    allow_internet_access: bool


@dataclass(frozen=True)
class SandboxNetworkSelectorContext:
    """What a callable ``allow_out`` or ``deny_out`` is given."""

    all_traffic: str
    rules: Mapping[str, List[SandboxNetworkRule]]


class _Tokens:
    """``ctx.iam.tokens``: the placeholder of each workload token. This
    library registers none, so at create a name is an error (as in the SDK
    for a name the request does not register); an update does not check."""

    def __init__(self, check: bool) -> None:
        self._check = check

    def __getitem__(self, name: str) -> str:
        if self._check:
            raise InvalidArgumentException(f"workload token {name!r} is not registered in iam.tokens")
        return "${e2b.identity.tokens." + name + "}"


@dataclass(frozen=True)
class _Iam:
    tokens: _Tokens


@dataclass(frozen=True)
class SandboxNetworkTransformContext:
    """What a callable ``transform`` is given: ``iam.tokens[name]``."""

    iam: _Iam


def _selector(selector: Selector | None, rules: Mapping[str, Any]) -> list[str] | None:
    if selector is None:
        return None
    if callable(selector):
        selector = selector(SandboxNetworkSelectorContext(all_traffic=ALL_TRAFFIC, rules=rules))
    return list(selector)


def _set_proxy(call: Call, options: Any, proxy: Any) -> None:
    if not isinstance(proxy, Mapping) or not isinstance(proxy.get("address"), str):
        raise InvalidArgumentException(
            "network egress_proxy must be a dict with a string 'address' (e.g. 'proxy.example.com:1080')."
        )
    tls = proxy.get("tls")
    enabled, server_name, ca_cert = False, None, None
    if isinstance(tls, bool):
        enabled = tls
    elif isinstance(tls, Mapping):
        if "enabled" in tls:
            raise InvalidArgumentException("network egress_proxy tls takes no 'enabled'; pass tls=True or tls=False instead.")
        enabled, server_name, ca_cert = True, tls.get("server_name"), tls.get("ca_cert")
    elif tls is not None:
        raise InvalidArgumentException("network egress_proxy tls must be a bool or a dict.")

    def text(value: str | None) -> bytes | None:
        return None if value is None else encode(value)

    call.check(b.e2b_network_options_set_egress_proxy(
        options, encode(proxy["address"]), text(proxy.get("username")), text(proxy.get("password")), enabled,
        text(server_name), text(ca_cert), call.err))


def _set_rules(call: Call, options: Any, rules: Mapping[str, Any], check_tokens: bool) -> None:
    ctx = SandboxNetworkTransformContext(iam=_Iam(tokens=_Tokens(check_tokens)))
    for host, host_rules in rules.items():
        for rule in host_rules:
            call.check(b.e2b_network_options_add_rule(options, encode(host), call.err))
            transform = rule.get("transform")
            if transform is None:
                continue
            if callable(transform):
                transform = transform(ctx)
                if not isinstance(transform, Mapping):
                    raise InvalidArgumentException(
                        f"Network transform callable for {host!r} must return a transform dict, "
                        f"got {type(transform).__name__}."
                    )
            for name, value in (transform.get("headers") or {}).items():
                call.check(b.e2b_network_options_add_rule_header(
                    options, encode(host), encode(name), encode(value), call.err))


def network_options(call: Call, network: Mapping[str, Any], update: bool) -> Any:
    """A new ``e2b_network_options`` for `network` (the caller frees it):
    the keys of a ``SandboxNetworkOpts``, or with `update` of a
    ``SandboxNetworkUpdate`` (other keys are ignored, as in the SDK)."""
    options = b.e2b_network_options_new()
    try:
        rules = network.get("rules") or {}
        for setter, entries in (
            (b.e2b_network_options_add_allow_out, _selector(network.get("allow_out"), rules)),
            (b.e2b_network_options_add_deny_out, _selector(network.get("deny_out"), rules)),
        ):
            for entry in entries or ():
                call.check(setter(options, encode(entry), call.err))
        if network.get("egress_proxy") is not None:
            _set_proxy(call, options, network["egress_proxy"])
        servers = network.get("dns_servers")
        if servers is not None:
            array = (ctypes.c_char_p * max(len(servers), 1))(*[encode(s) for s in servers])
            call.check(b.e2b_network_options_set_dns_servers(options, array, len(servers), call.err))
        if network.get("rules") is not None:
            _set_rules(call, options, network["rules"], check_tokens=not update)
        if update:
            if network.get("allow_internet_access") is not None:
                call.check(b.e2b_network_options_set_allow_internet_access(
                    options, bool(network["allow_internet_access"]), call.err))
        else:
            if network.get("allow_public_traffic") is not None:
                call.check(b.e2b_network_options_set_allow_public_traffic(
                    options, bool(network["allow_public_traffic"]), call.err))
            if network.get("mask_request_host") is not None:
                call.check(b.e2b_network_options_set_mask_request_host(
                    options, encode(network["mask_request_host"]), call.err))
            for port in network.get("https_ports") or ():
                if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
                    raise InvalidArgumentException(f"network https_ports: {port!r} is not a port number")
                call.check(b.e2b_network_options_add_https_port(options, port, call.err))
    except BaseException:
        b.e2b_network_options_free(options)
        raise
    return options
