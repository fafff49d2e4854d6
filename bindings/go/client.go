package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"runtime"
	"time"
	"unsafe"
)

// ClientOptions are the connection settings of a Client. The zero value of a
// field keeps the setting from the environment (E2B_API_KEY, E2B_DOMAIN,
// E2B_API_URL, E2B_SANDBOX_URL, E2B_DEBUG) or the default.
type ClientOptions struct {
	// APIKey is sent as X-API-KEY.
	APIKey string
	// Domain is E2B's domain (default "e2b.app").
	Domain string
	// APIURL is the control plane's URL (default "https://api.<domain>").
	APIURL string
	// SandboxURL is one URL through which every sandbox is reached, routed by headers.
	SandboxURL string
	// Headers are sent with every control-plane request.
	Headers map[string]string
	// Debug turns debug mode on.
	Debug bool
	// RequestTimeout is the deadline of each request (default 60 seconds;
	// NoTimeout for none).
	RequestTimeout time.Duration
	// MaxRetries is how many times a failed control-plane request is retried
	// when that is safe (default 3; a negative value turns retries off).
	MaxRetries int
}

func (o *ClientOptions) build(a *args) *C.e2b_client_options {
	if o == nil {
		return nil
	}
	p := C.e2b_client_options_new()
	a.onFree(func() { C.e2b_client_options_free(p) })
	if o.APIKey != "" {
		s := a.str(o.APIKey)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_set_api_key(p, s, e) })
	}
	if o.Domain != "" {
		s := a.str(o.Domain)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_set_domain(p, s, e) })
	}
	if o.APIURL != "" {
		s := a.str(o.APIURL)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_set_api_url(p, s, e) })
	}
	if o.SandboxURL != "" {
		s := a.str(o.SandboxURL)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_set_sandbox_url(p, s, e) })
	}
	for name, value := range o.Headers {
		n, v := a.str(name), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_add_header(p, n, v, e) })
	}
	if o.Debug {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_set_debug(p, true, e) })
	}
	setTimeout(a, o.RequestTimeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_options_set_request_timeout_ms(p, ms, e)
	})
	if o.MaxRetries != 0 {
		retries := C.uint32_t(max(o.MaxRetries, 0))
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_options_set_max_retries(p, retries, e) })
	}
	return p
}

// A Client holds connection settings and a pool of connections. It is safe
// for concurrent use; sandboxes stay valid after it is closed.
type Client struct {
	h handle[*C.e2b_client]
}

// NewClient makes a client from opts; nil takes everything from the environment.
func NewClient(opts *ClientOptions) (*Client, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var p *C.e2b_client
	if err := check(&a, func(e **C.e2b_error) C.e2b_error_code { return C.e2b_client_new(copts, &p, e) }); err != nil {
		return nil, err
	}
	return newClient(p), nil
}

func newClient(p *C.e2b_client) *Client {
	c := &Client{h: handle[*C.e2b_client]{ptr: p, free: func(p *C.e2b_client) { C.e2b_client_free(p) }}}
	runtime.SetFinalizer(c, (*Client).Close)
	return c
}

// WithDeadline returns a view of the client whose every call ends within d of
// its start, retries, transfers and streams included, and with them the
// sandboxes, commands, watches and readers the call hands out: a call still
// running then fails with ErrTimeout ("the call's deadline passed"). Sandboxes
// made through the view carry the deadline. d <= 0 (or NoTimeout) means no
// call deadline, the default, even if c has one. The view shares c's settings
// and connections and is closed on its own; a view of a closed client is
// closed (its calls return ErrClosed).
func (c *Client) WithDeadline(d time.Duration) *Client {
	var p *C.e2b_client
	// The only possible failure is ErrClosed, which leaves p nil: a closed view.
	_ = c.h.use(nil, func(cl *C.e2b_client) error {
		return check(nil, func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_client_with_deadline(cl, millis(d), &p, e)
		})
	})
	return newClient(p)
}

// Close releases the client. Sandboxes made with it stay valid.
func (c *Client) Close() error {
	c.h.close()
	runtime.SetFinalizer(c, nil)
	return nil
}

// SandboxOptions say how to create a sandbox. The zero value means the base
// template for five minutes, secure, killed at the timeout.
type SandboxOptions struct {
	// Template is the template's name or id (default "base"), or a snapshot's
	// id or name (SnapshotInfo.SnapshotID) to start from the snapshot.
	Template string
	// Timeout is how long the sandbox lives, rounded up to whole seconds
	// (default 5 minutes; NoTimeout is ErrInvalidArgument: E2B requires a limit).
	Timeout time.Duration
	// Metadata is attached to the sandbox; List can filter on it.
	Metadata map[string]string
	// Env holds environment variables for everything run in the sandbox.
	Env map[string]string
	// Insecure lets envd take requests without the sandbox's access token.
	Insecure bool
	// NoInternetAccess cuts the sandbox off from the internet.
	NoInternetAccess bool
	// AutoPause pauses the sandbox at the timeout instead of killing it.
	AutoPause bool
	// AutoResume lets traffic to the paused sandbox resume it (needs AutoPause).
	AutoResume bool
	// IdempotencyKey makes the create safe to repeat: the server answers a
	// repeated key with the sandbox it made the first time (default: a
	// random key per call). 1 to 255 characters of a-z, 0-9 and '-'.
	IdempotencyKey string
	// VolumeMounts mounts volumes: path in the sandbox to a volume's name
	// (Volume.Name).
	VolumeMounts map[string]string
	// Network says what the sandbox may reach and how its ports are reached
	// (nil: no network settings).
	Network *NetworkOptions
	// Lifecycle, when set, says what happens at the timeout and whether
	// traffic resumes the paused sandbox (the SDKs' lifecycle); it replaces
	// AutoPause and AutoResume, its shorthands.
	Lifecycle *Lifecycle
}

func (o *SandboxOptions) build(a *args) *C.e2b_sandbox_options {
	if o == nil {
		return nil
	}
	p := C.e2b_sandbox_options_new()
	a.onFree(func() { C.e2b_sandbox_options_free(p) })
	if o.Template != "" {
		s := a.str(o.Template)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_template(p, s, e) })
	}
	if o.Timeout != 0 {
		ms := millis(o.Timeout)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_timeout_ms(p, ms, e) })
	}
	for key, value := range o.Metadata {
		k, v := a.str(key), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_metadata(p, k, v, e) })
	}
	for name, value := range o.Env {
		n, v := a.str(name), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_env(p, n, v, e) })
	}
	if o.Insecure {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_secure(p, false, e) })
	}
	if o.NoInternetAccess {
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_sandbox_options_set_allow_internet_access(p, false, e)
		})
	}
	if o.AutoPause {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_auto_pause(p, true, e) })
	}
	if o.AutoResume {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_auto_resume(p, true, e) })
	}
	if o.IdempotencyKey != "" {
		s := a.str(o.IdempotencyKey)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_idempotency_key(p, s, e) })
	}
	setVolumeMounts(a, p, o.VolumeMounts)
	setNetwork(a, p, o.Network)
	if o.Lifecycle != nil {
		o.Lifecycle.build(a, p)
	}
	return p
}

// CreateSandbox creates a sandbox with opts (nil: the defaults).
func (c *Client) CreateSandbox(ctx context.Context, opts *SandboxOptions) (*Sandbox, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var p *C.e2b_sandbox
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_create_sandbox(cl, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return newSandbox(p), nil
}

// Connect connects to the sandbox id, resuming it if it is paused, and keeps
// it alive at least timeout from now, rounded up to whole seconds (0: the
// server's default of 5 minutes; NoTimeout is ErrInvalidArgument; a running
// sandbox's timeout is only ever extended). resumed tells whether it was
// paused.
func (c *Client) Connect(ctx context.Context, id string, timeout time.Duration) (sandbox *Sandbox, resumed bool, err error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var p *C.e2b_sandbox
	var r C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_connect_sandbox(cl, cid, millis(timeout), &p, &r, cancel, e)
	})
	if err != nil {
		return nil, false, err
	}
	return newSandbox(p), bool(r), nil
}

// Resume resumes the paused sandbox id for timeout (0: 5 minutes), as
// Connect does: it is Connect under the name E2B's documentation uses.
func (c *Client) Resume(ctx context.Context, id string, timeout time.Duration) (*Sandbox, error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var p *C.e2b_sandbox
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_resume_sandbox(cl, cid, millis(timeout), &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return newSandbox(p), nil
}

// Kill kills the sandbox id without connecting to it (which would resume
// it). killed is false if it no longer existed, which is not an error.
func (c *Client) Kill(ctx context.Context, id string) (killed bool, err error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var k C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_kill_sandbox(cl, cid, &k, cancel, e)
	})
	return bool(k), err
}

// Info is what the control plane knows of the sandbox id, without connecting to it.
func (c *Client) Info(ctx context.Context, id string) (*SandboxInfo, error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var p *C.e2b_sandbox_info
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_get_sandbox_info(cl, cid, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_sandbox_info_free(p)
	info := sandboxInfo(p)
	return &info, nil
}

// ListOrder is the order of List: by the time the sandboxes started, ties
// broken by id.
type ListOrder int32

// SandboxQuery says which sandboxes List returns. The zero value matches
// every running and paused sandbox.
type SandboxQuery struct {
	// States are the states to match; none means both.
	States []SandboxState
	// Metadata must all match the sandbox's metadata.
	Metadata map[string]string
	// Template, an id or name, is the sandboxes' template ("": any; a
	// ":tag" is refused by the API with ErrInvalidArgument).
	Template string
	// StartedAfter lists only sandboxes started at or after it (zero: any).
	StartedAfter time.Time
	// Order is by start time: ListOrderDesc (the zero value, newest first)
	// or ListOrderAsc.
	Order ListOrder
	// Limit is the page size, 1 to 100 (0: the server's default, 100).
	Limit int
	// NextToken continues where the page with this SandboxPage.NextToken ended.
	NextToken string
}

func (q *SandboxQuery) build(a *args) *C.e2b_sandbox_query {
	if q == nil {
		return nil
	}
	p := C.e2b_sandbox_query_new()
	a.onFree(func() { C.e2b_sandbox_query_free(p) })
	for _, state := range q.States {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_add_state(p, C.int32_t(state), e) })
	}
	for key, value := range q.Metadata {
		k, v := a.str(key), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_add_metadata(p, k, v, e) })
	}
	if q.Template != "" {
		s := a.str(q.Template)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_set_template(p, s, e) })
	}
	if !q.StartedAfter.IsZero() {
		s := a.str(q.StartedAfter.Format(time.RFC3339Nano))
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_set_started_after(p, s, e) })
	}
	if q.Order != ListOrderDesc {
		order := C.int32_t(q.Order)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_set_order(p, order, e) })
	}
	if q.Limit != 0 {
		limit := C.uint32_t(max(q.Limit, 0))
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_set_limit(p, limit, e) })
	}
	if q.NextToken != "" {
		s := a.str(q.NextToken)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_query_set_next_token(p, s, e) })
	}
	return p
}

// SandboxPage is one page of List.
type SandboxPage struct {
	// Sandboxes are the sandboxes on the page, in the query's order.
	Sandboxes []SandboxInfo
	// NextToken continues the listing (SandboxQuery.NextToken); "" on the last page.
	NextToken string
	// TotalRunning is how many running sandboxes match the query's filters
	// on every page together; -1 when the query did not ask for running ones.
	TotalRunning int
}

// List lists one page of the sandboxes matching q (nil: all), newest first
// unless q says otherwise.
func (c *Client) List(ctx context.Context, q *SandboxQuery) (*SandboxPage, error) {
	var a args
	defer a.free()
	cq := q.build(&a)
	var p *C.e2b_sandbox_page
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_list_sandboxes(cl, cq, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_sandbox_page_free(p)
	page := &SandboxPage{
		NextToken:    C.GoString(C.e2b_sandbox_page_next_token(p)),
		TotalRunning: int(C.e2b_sandbox_page_total_running(p)),
	}
	var n C.size_t
	items := C.e2b_sandbox_page_fields(p, &n)
	for i, fields := range unsafe.Slice(items, n) {
		info := sandboxFields(fields)
		info.VolumeMounts = volumeMounts(C.e2b_sandbox_page_get(p, C.size_t(i)))
		page.Sandboxes = append(page.Sandboxes, info)
	}
	return page, nil
}
