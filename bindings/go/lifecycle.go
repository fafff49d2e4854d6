package e2b

// #include <stdlib.h>
// #include "e2b.h"
import "C"

import (
	"context"
	"encoding/json"
	"time"
	"unsafe"
)

// OnTimeout says what happens when a sandbox's timeout passes (the SDKs'
// lifecycle on_timeout; OnTimeoutDefault leaves it to the server: kill).
type OnTimeout int32

// PauseMode says what a pause keeps (the SDKs' mode; PauseModeDefault leaves
// it to the server: full).
type PauseMode int32

// OnResume says how a paused sandbox comes back on connect (the SDKs'
// on_resume; OnResumeRestore is the default).
type OnResume int32

// Lifecycle is the SDKs' lifecycle of a create: what happens at the timeout
// and whether traffic resumes the paused sandbox. When set in
// SandboxOptions it replaces AutoPause and AutoResume, its shorthands.
type Lifecycle struct {
	// OnTimeout is kill or pause.
	OnTimeout OnTimeout
	// Mode is what the pause at the timeout keeps; only with OnTimeoutPause.
	Mode PauseMode
	// AutoResume lets traffic resume the paused sandbox; it needs
	// OnTimeoutPause and not PauseModeFilesystem (else CreateSandbox fails
	// with ErrInvalidArgument before any request).
	AutoResume bool
}

func (l *Lifecycle) build(a *args, p *C.e2b_sandbox_options) {
	onTimeout, mode := C.int32_t(l.OnTimeout), C.int32_t(l.Mode)
	a.set(func(e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_options_set_on_timeout(p, onTimeout, mode, e)
	})
	if l.AutoResume {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_auto_resume(p, true, e) })
	}
}

// PauseOptions say how to pause (the SDKs' pause(mode=..., strict=...)).
type PauseOptions struct {
	// Mode is what the pause keeps: PauseModeFilesystem keeps only the files.
	Mode PauseMode
	// Strict refuses to pause a sandbox whose envd does not answer: the error
	// then matches ErrAPI with HTTPStatus 503 (the SDKs' ServiceBusyException),
	// as for a filesystem pause of such a sandbox, and the sandbox keeps
	// running. Without it such a pause goes ahead, and
	// SandboxInfo.EnvdUnresponsiveAtPause says so.
	Strict bool
}

// PauseWith pauses the sandbox with opts (nil: as Pause). paused is false if
// it was already paused (not an error).
func (s *Sandbox) PauseWith(ctx context.Context, opts *PauseOptions) (paused bool, err error) {
	var o PauseOptions
	if opts != nil {
		o = *opts
	}
	var r C.bool
	err = s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_pause_with(p, C.int32_t(o.Mode), C.bool(o.Strict), &r, cancel, e)
	})
	return bool(r), err
}

// Pause pauses the sandbox id without a handle (the SDKs' class form), as
// Sandbox.PauseWith does.
func (c *Client) Pause(ctx context.Context, id string, opts *PauseOptions) (paused bool, err error) {
	var o PauseOptions
	if opts != nil {
		o = *opts
	}
	var a args
	defer a.free()
	cid := a.str(id)
	var r C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_pause_sandbox(cl, cid, C.int32_t(o.Mode), C.bool(o.Strict), &r, cancel, e)
	})
	return bool(r), err
}

// ConnectWith is Connect, saying how a paused sandbox comes back:
// OnResumeReboot boots it afresh from its files, its memory ignored (the way
// back for one paused while envd did not answer, which otherwise fails with
// ErrConflict).
func (c *Client) ConnectWith(ctx context.Context, id string, timeout time.Duration, onResume OnResume) (sandbox *Sandbox, resumed bool, err error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var p *C.e2b_sandbox
	var r C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_connect_sandbox_with(cl, cid, millis(timeout), C.int32_t(onResume), &p, &r, cancel, e)
	})
	if err != nil {
		return nil, false, err
	}
	return newSandbox(p), bool(r), nil
}

// Connect connects to this sandbox again (the SDKs' instance connect),
// resuming it as onResume says if it is paused, and keeps it alive at least
// timeout from now (0: 5 minutes). The handle stays as it is.
func (s *Sandbox) Connect(ctx context.Context, timeout time.Duration, onResume OnResume) error {
	return s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_connect(p, millis(timeout), C.int32_t(onResume), cancel, e)
	})
}

// SandboxLifecycle is what a sandbox does at its timeout, as its info says.
type SandboxLifecycle struct {
	OnTimeout  OnTimeout // OnTimeoutKill or OnTimeoutPause
	AutoResume bool
}

// SandboxNetwork is a sandbox's network settings, as its info says (the
// proxy's password and CA certificate are never returned).
type SandboxNetwork struct {
	AllowOut []string
	DenyOut  []string
	// DNSServers is nil when the server uses its default (8.8.8.8).
	DNSServers []string
	// Rules are the per-host rules as the API gives them: host to rules.
	Rules map[string][]json.RawMessage
	// EgressProxy is nil when there is none.
	EgressProxy *EgressProxyInfo
	// AllowPublicTraffic is nil for the project's default.
	AllowPublicTraffic *bool
	MaskRequestHost    string
	HTTPSPorts         []int
}

// EgressProxyInfo is the SOCKS5 proxy of SandboxNetwork, as the server
// reports it (its password and CA are never returned).
type EgressProxyInfo struct {
	Address  string
	Username string
	// TLS says whether the tunnel is TLS; TLSServerName is the name checked ("" for none).
	TLS           bool
	TLSServerName string
}

func goStrings(p **C.char, n C.size_t) []string {
	if n == 0 {
		return []string{}
	}
	out := make([]string, 0, n)
	for _, s := range unsafe.Slice(p, n) {
		out = append(out, C.GoString(s))
	}
	return out
}

func tristate(v C.int32_t) *bool {
	if v < 0 {
		return nil
	}
	b := v != 0
	return &b
}

// lifecycleFields fills the lifecycle and network fields of info from f.
func lifecycleFields(info *SandboxInfo, f *C.e2b_sandbox_fields) {
	if uintptr(f.struct_size) < unsafe.Sizeof(*f) {
		return // a library older than these fields
	}
	if f.on_timeout != 0 {
		info.Lifecycle = &SandboxLifecycle{OnTimeout: OnTimeout(f.on_timeout), AutoResume: bool(f.auto_resume)}
	}
	info.PauseMode = PauseMode(f.pause_mode)
	info.EnvdUnresponsiveAtPause = bool(f.envd_unresponsive_at_pause)
	info.AllowInternetAccess = tristate(f.allow_internet_access)
	info.Domain = C.GoString(f.domain)
	if f.network == nil {
		return
	}
	n := f.network
	network := &SandboxNetwork{
		AllowOut:           goStrings(n.allow_out, n.allow_out_len),
		DenyOut:            goStrings(n.deny_out, n.deny_out_len),
		AllowPublicTraffic: tristate(n.allow_public_traffic),
		MaskRequestHost:    C.GoString(n.mask_request_host),
		HTTPSPorts:         []int{},
	}
	if n.dns_servers_set {
		network.DNSServers = goStrings(n.dns_servers, n.dns_servers_len)
	}
	if n.rules_json != nil {
		_ = json.Unmarshal([]byte(C.GoString(n.rules_json)), &network.Rules)
	}
	if n.egress_proxy_address != nil {
		network.EgressProxy = &EgressProxyInfo{
			Address:       C.GoString(n.egress_proxy_address),
			Username:      C.GoString(n.egress_proxy_username),
			TLS:           bool(n.egress_proxy_tls),
			TLSServerName: C.GoString(n.egress_proxy_tls_server_name),
		}
	}
	if n.https_ports_len > 0 {
		for _, port := range unsafe.Slice(n.https_ports, n.https_ports_len) {
			network.HTTPSPorts = append(network.HTTPSPorts, int(port))
		}
	}
	info.Network = network
}
