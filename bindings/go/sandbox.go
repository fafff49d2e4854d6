package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"runtime"
	"time"
)

// A Sandbox is a handle to a sandbox, safe for concurrent use. Close releases
// the handle only: the sandbox lives on until Kill or its timeout.
type Sandbox struct {
	h           handle[*C.e2b_sandbox]
	id          string
	templateID  string
	envdVersion string
	trafficTok  string
}

func newSandbox(p *C.e2b_sandbox) *Sandbox {
	s := &Sandbox{
		h:           handle[*C.e2b_sandbox]{ptr: p, free: func(p *C.e2b_sandbox) { C.e2b_sandbox_free(p) }},
		id:          C.GoString(C.e2b_sandbox_id(p)),
		templateID:  C.GoString(C.e2b_sandbox_template_id(p)),
		envdVersion: C.GoString(C.e2b_sandbox_envd_version(p)),
		trafficTok:  C.GoString(C.e2b_sandbox_traffic_access_token(p)),
	}
	runtime.SetFinalizer(s, (*Sandbox).Close)
	return s
}

// WithDeadline returns a view of the sandbox whose every call ends within d
// of its start, transfers and streams included, and with them the commands,
// watches and readers the call hands out: a call still running then fails with
// ErrTimeout ("the call's deadline passed"). d <= 0 (or NoTimeout) means no
// call deadline, the default, even if s has one. The view is a handle on the
// same sandbox, sharing the connections, closed on its own; a view of a
// closed handle is closed (its calls return ErrClosed).
func (s *Sandbox) WithDeadline(d time.Duration) *Sandbox {
	var p *C.e2b_sandbox
	// The only possible failure is ErrClosed, which leaves p nil: a closed view.
	_ = s.h.use(nil, func(sb *C.e2b_sandbox) error {
		return check(nil, func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_sandbox_with_deadline(sb, millis(d), &p, e)
		})
	})
	view := newSandbox(p)
	view.id, view.templateID, view.envdVersion, view.trafficTok = s.id, s.templateID, s.envdVersion, s.trafficTok
	return view
}

// Close releases the handle; the sandbox keeps running.
func (s *Sandbox) Close() error {
	s.h.close()
	runtime.SetFinalizer(s, nil)
	return nil
}

// ID is the sandbox's id.
func (s *Sandbox) ID() string { return s.id }

// TemplateID is the id of the sandbox's template.
func (s *Sandbox) TemplateID() string { return s.templateID }

// EnvdVersion is the version of envd, the agent in the sandbox.
func (s *Sandbox) EnvdVersion() string { return s.envdVersion }

// TrafficAccessToken is the token the sandbox's ports (all but envd's)
// require in the header e2b-traffic-access-token: a sandbox created with
// NetworkOptions.AllowPublicTraffic false has one; "" when it has none.
func (s *Sandbox) TrafficAccessToken() string { return s.trafficTok }

// GetHost is the public host name of port in the sandbox
// ("<port>-<id>.<domain>"): "https://" plus it reaches a server the sandbox
// runs on that port. Made locally, without I/O; ErrClosed on a closed handle.
func (s *Sandbox) GetHost(port uint16) (string, error) {
	var out C.e2b_bytes
	err := s.h.use(nil, func(sb *C.e2b_sandbox) error {
		return check(nil, func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_sandbox_get_host(sb, C.uint16_t(port), &out, e)
		})
	})
	if err != nil {
		return "", err
	}
	return string(takeBytes(&out)), nil
}

// Kill kills the sandbox. killed is false if it no longer existed, which is
// not an error.
func (s *Sandbox) Kill(ctx context.Context) (killed bool, err error) {
	var k C.bool
	err = s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_kill(p, &k, cancel, e)
	})
	return bool(k), err
}

// Pause pauses the sandbox, keeping its filesystem and memory; resume it with
// Client.Resume. paused is false if it was already paused (not an error).
func (s *Sandbox) Pause(ctx context.Context) (paused bool, err error) {
	var r C.bool
	err = s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_pause(p, &r, cancel, e)
	})
	return bool(r), err
}

// SetTimeout makes the sandbox end timeout from now, rounded up to whole
// seconds (0: the default, 5 minutes; NoTimeout is ErrInvalidArgument: E2B
// requires a limit); this can shorten its life.
func (s *Sandbox) SetTimeout(ctx context.Context, timeout time.Duration) error {
	return s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_set_timeout(p, millis(timeout), cancel, e)
	})
}

// IsRunning tells whether the sandbox answers: false when it is paused,
// killed or expired.
func (s *Sandbox) IsRunning(ctx context.Context) (bool, error) {
	var r C.bool
	err := s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_is_running(p, &r, cancel, e)
	})
	return bool(r), err
}

// Info is what the control plane knows of the sandbox.
func (s *Sandbox) Info(ctx context.Context) (*SandboxInfo, error) {
	var info *C.e2b_sandbox_info
	err := s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_get_info(p, &info, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_sandbox_info_free(info)
	i := sandboxInfo(info)
	return &i, nil
}

// Files gives the sandbox's files, acting as the default user.
func (s *Sandbox) Files() *Files { return &Files{sbx: s} }

// Commands gives the sandbox's processes.
func (s *Sandbox) Commands() *Commands { return &Commands{sbx: s} }

// SandboxState says whether a sandbox runs or is paused.
type SandboxState int32

// SandboxInfo is what the control plane knows of one sandbox.
type SandboxInfo struct {
	ID         string
	TemplateID string
	// Alias is the template's alias (the official SDKs call it name); "" if none.
	Alias       string
	StartedAt   time.Time
	EndAt       time.Time // when the sandbox ends unless extended
	EnvdVersion string
	State       SandboxState
	CPUCount    int
	MemoryMB    int
	DiskSizeMB  int // 0 when the server did not say
	Metadata    map[string]string
	// VolumeMounts are the volumes mounted in the sandbox: path to volume name.
	VolumeMounts map[string]string
	// Lifecycle is what it does at its timeout; nil when the server did not
	// say (List does not).
	Lifecycle *SandboxLifecycle
	// PauseMode is how a paused sandbox was paused (PauseModeDefault while it runs).
	PauseMode PauseMode
	// EnvdUnresponsiveAtPause is true when it was paused while envd did not
	// answer: connect it with OnResumeReboot.
	EnvdUnresponsiveAtPause bool
	// AllowInternetAccess is as given at creation; nil when not set explicitly.
	AllowInternetAccess *bool
	// Domain is the domain it lives under; "" when the server did not say.
	Domain string
	// Network is its network settings; nil when the server gave none.
	Network *SandboxNetwork
}

func sandboxInfo(p *C.e2b_sandbox_info) SandboxInfo {
	info := sandboxFields(C.e2b_sandbox_info_fields(p))
	info.VolumeMounts = volumeMounts(p)
	return info
}

// sandboxFields is the sandbox f describes, every field read from one struct.
func sandboxFields(f *C.e2b_sandbox_fields) SandboxInfo {
	info := SandboxInfo{
		ID:          C.GoString(f.sandbox_id),
		TemplateID:  C.GoString(f.template_id),
		Alias:       C.GoString(f.alias),
		StartedAt:   parseTime(f.started_at),
		EndAt:       parseTime(f.end_at),
		EnvdVersion: C.GoString(f.envd_version),
		State:       SandboxState(f.state),
		CPUCount:    int(f.cpu_count),
		MemoryMB:    int(f.memory_mb),
		DiskSizeMB:  int(f.disk_size_mb),
		Metadata:    metadata(f.metadata, f.metadata_len),
	}
	lifecycleFields(&info, f)
	return info
}
