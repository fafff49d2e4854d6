package e2b

// #include <stdlib.h>
// #include "e2b.h"
import "C"

import (
	"context"
	"fmt"
	"time"
	"unsafe"
)

// SnapshotMode says what a snapshot keeps (SnapshotModeDefault leaves it to
// the server: full).
type SnapshotMode int32

// MaxForkCount is the most forks one Fork may ask for, as in the official SDKs.
const MaxForkCount = 20

// SnapshotOptions say how to take a snapshot. The zero value makes an
// unnamed snapshot of the server's default mode (full).
type SnapshotOptions struct {
	// Name names the snapshot's template, optionally with a tag ("my-env",
	// "my-env:v2"); a name that exists gets a new build (that tag's earlier
	// one is replaced). "" makes an unnamed snapshot.
	Name string
	// Mode is what the snapshot keeps.
	Mode SnapshotMode
}

func (o *SnapshotOptions) build(a *args) *C.e2b_snapshot_options {
	if o == nil {
		return nil
	}
	p := C.e2b_snapshot_options_new()
	a.onFree(func() { C.e2b_snapshot_options_free(p) })
	if o.Name != "" {
		s := a.str(o.Name)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_snapshot_options_set_name(p, s, e) })
	}
	if o.Mode != SnapshotModeDefault {
		mode := C.int32_t(o.Mode)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_snapshot_options_set_mode(p, mode, e) })
	}
	return p
}

// SnapshotInfo describes a snapshot.
type SnapshotInfo struct {
	// SnapshotID is what SandboxOptions.Template takes to start a sandbox
	// from the snapshot: "<namespace>/<name>:<tag>" when named, else
	// "<template id>:<tag>".
	SnapshotID string
	// Names are the full names (namespace included) of the snapshot's
	// template; none for an unnamed one.
	Names []string
}

func snapshotFields(f *C.e2b_snapshot_fields) SnapshotInfo {
	info := SnapshotInfo{SnapshotID: C.GoString(f.snapshot_id)}
	if f.names_len > 0 {
		for _, name := range unsafe.Slice(f.names, f.names_len) {
			info.Names = append(info.Names, C.GoString(name))
		}
	}
	return info
}

func takeSnapshotInfo(p *C.e2b_snapshot_info) *SnapshotInfo {
	defer C.e2b_snapshot_info_free(p)
	info := snapshotFields(C.e2b_snapshot_info_fields(p))
	return &info
}

// CreateSnapshot takes a snapshot of the running sandbox with opts (nil: the
// defaults); the sandbox keeps running. Start sandboxes from it with
// SandboxOptions{Template: info.SnapshotID}. A paused sandbox is
// ErrSandboxNotFound (only running sandboxes can be snapshotted); a bad name
// is ErrInvalidArgument.
func (s *Sandbox) CreateSnapshot(ctx context.Context, opts *SnapshotOptions) (*SnapshotInfo, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var p *C.e2b_snapshot_info
	err := s.h.call(ctx, &a, func(sb *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_create_snapshot(sb, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeSnapshotInfo(p), nil
}

// CreateSnapshot is Sandbox.CreateSnapshot of the sandbox sandboxID, without
// connecting to it.
func (c *Client) CreateSnapshot(ctx context.Context, sandboxID string, opts *SnapshotOptions) (*SnapshotInfo, error) {
	var a args
	defer a.free()
	id := a.str(sandboxID)
	copts := opts.build(&a)
	var p *C.e2b_snapshot_info
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_create_snapshot(cl, id, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeSnapshotInfo(p), nil
}

// DeleteSnapshot deletes the snapshot snapshotID: every build of its
// template. deleted is false if there was none, which is not an error.
// Sandboxes started from it run on. A template that is not the team's (such
// as "base") is ErrPermissionDenied.
func (c *Client) DeleteSnapshot(ctx context.Context, snapshotID string) (deleted bool, err error) {
	var a args
	defer a.free()
	id := a.str(snapshotID)
	var d C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_delete_snapshot(cl, id, &d, cancel, e)
	})
	return bool(d), err
}

// SnapshotQuery says which snapshots ListSnapshots returns. The zero value
// matches all of the team's.
type SnapshotQuery struct {
	// SandboxID matches only the snapshots taken of this sandbox.
	SandboxID string
	// Name matches only the snapshots of this name or template id: a bare
	// name every tag, "name:tag" that one.
	Name string
	// Limit is the page size, 1 to 100 (0: the server's default, 100).
	Limit int
	// NextToken continues where the page with this SnapshotPage.NextToken ended.
	NextToken string
}

func (q *SnapshotQuery) build(a *args) *C.e2b_snapshot_query {
	if q == nil {
		return nil
	}
	p := C.e2b_snapshot_query_new()
	a.onFree(func() { C.e2b_snapshot_query_free(p) })
	if q.SandboxID != "" {
		s := a.str(q.SandboxID)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_snapshot_query_set_sandbox_id(p, s, e) })
	}
	if q.Name != "" {
		s := a.str(q.Name)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_snapshot_query_set_name(p, s, e) })
	}
	if q.Limit < 0 {
		a.fail(&Error{Code: ErrInvalidArgument, Message: fmt.Sprintf("limit must be between 1 and 100, not %d", q.Limit)})
	} else if q.Limit != 0 {
		limit := C.uint32_t(min(q.Limit, 1<<31))
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_snapshot_query_set_limit(p, limit, e) })
	}
	if q.NextToken != "" {
		s := a.str(q.NextToken)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_snapshot_query_set_next_token(p, s, e) })
	}
	return p
}

// SnapshotPage is one page of ListSnapshots.
type SnapshotPage struct {
	// Snapshots are the snapshots on the page, newest first.
	Snapshots []SnapshotInfo
	// NextToken continues the listing (SnapshotQuery.NextToken); "" on the last page.
	NextToken string
}

func takeSnapshotPage(p *C.e2b_snapshot_page) *SnapshotPage {
	defer C.e2b_snapshot_page_free(p)
	page := &SnapshotPage{NextToken: C.GoString(C.e2b_snapshot_page_next_token(p))}
	var n C.size_t
	items := C.e2b_snapshot_page_fields(p, &n)
	if n > 0 {
		for _, fields := range unsafe.Slice(items, n) {
			page.Snapshots = append(page.Snapshots, snapshotFields(fields))
		}
	}
	return page
}

// ListSnapshots lists one page of the team's snapshots matching q (nil:
// all), newest first; a bad query (limit, token, sandbox id or name) is
// ErrInvalidArgument.
func (c *Client) ListSnapshots(ctx context.Context, q *SnapshotQuery) (*SnapshotPage, error) {
	var a args
	defer a.free()
	cq := q.build(&a)
	var p *C.e2b_snapshot_page
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_list_snapshots(cl, cq, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeSnapshotPage(p), nil
}

// ListSnapshots is Client.ListSnapshots of the snapshots taken of this
// sandbox (q's SandboxID is replaced by its).
func (s *Sandbox) ListSnapshots(ctx context.Context, q *SnapshotQuery) (*SnapshotPage, error) {
	var a args
	defer a.free()
	cq := q.build(&a)
	var p *C.e2b_snapshot_page
	err := s.h.call(ctx, &a, func(sb *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_list_snapshots(sb, cq, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeSnapshotPage(p), nil
}

// ForkOptions say how to fork a sandbox. The zero value asks for the API's
// defaults: one fork that lives 15 seconds.
type ForkOptions struct {
	// Count is how many forks to make, 1 to MaxForkCount (0: one).
	Count int
	// Timeout is how long each fork lives, rounded up to whole seconds (0:
	// 15 seconds; NoTimeout is ErrInvalidArgument: a sandbox needs a limit).
	Timeout time.Duration
}

func (o *ForkOptions) build(a *args) *C.e2b_fork_options {
	if o == nil {
		return nil
	}
	p := C.e2b_fork_options_new()
	a.onFree(func() { C.e2b_fork_options_free(p) })
	if o.Count < 0 || o.Count > MaxForkCount {
		a.fail(&Error{Code: ErrInvalidArgument, Message: fmt.Sprintf("count must be between 1 and %d, not %d", MaxForkCount, o.Count)})
	} else if o.Count != 0 {
		count := C.uint32_t(o.Count)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_fork_options_set_count(p, count, e) })
	}
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_fork_options_set_timeout_ms(p, ms, e)
	})
	return p
}

// ForkResult is one fork: a running sandbox (to Close, and Kill when done),
// or the error that fork met.
type ForkResult struct {
	Sandbox *Sandbox
	Err     error
}

func takeForkList(p *C.e2b_fork_list) []ForkResult {
	defer C.e2b_fork_list_free(p)
	n := int(C.e2b_fork_list_len(p))
	results := make([]ForkResult, n)
	for i := range n {
		if sb := C.e2b_fork_list_take(p, C.size_t(i)); sb != nil {
			results[i].Sandbox = newSandbox(sb)
			continue
		}
		cerr := C.e2b_fork_list_error(p, C.size_t(i))
		if cerr == nil {
			results[i].Err = &Error{Code: ErrDecode, Message: fmt.Sprintf("fork %d: neither a sandbox nor an error", i)}
			continue
		}
		// The list owns the error: read it, do not free it.
		results[i].Err = &Error{
			Code:       ErrorCode(C.e2b_error_code_of(cerr)),
			Message:    C.GoString(C.e2b_error_message(cerr)),
			HTTPStatus: int(C.e2b_error_http_status(cerr)),
			RetryAfter: time.Duration(C.e2b_error_retry_after_ms(cerr)) * time.Millisecond,
		}
	}
	return results
}

// Fork forks the running sandbox with opts (nil: the defaults): new
// sandboxes start from its state of now, and it runs on, its id and end
// unchanged. Each fork succeeds or fails on its own: one ForkResult per fork
// asked for. A paused sandbox is ErrConflict; an unknown one ErrSandboxNotFound.
func (s *Sandbox) Fork(ctx context.Context, opts *ForkOptions) ([]ForkResult, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var p *C.e2b_fork_list
	err := s.h.call(ctx, &a, func(sb *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_fork(sb, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeForkList(p), nil
}

// Fork is Sandbox.Fork of the sandbox sandboxID, without connecting to it.
func (c *Client) Fork(ctx context.Context, sandboxID string, opts *ForkOptions) ([]ForkResult, error) {
	var a args
	defer a.free()
	id := a.str(sandboxID)
	copts := opts.build(&a)
	var p *C.e2b_fork_list
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_fork_sandbox(cl, id, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeForkList(p), nil
}
