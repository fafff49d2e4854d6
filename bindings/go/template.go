package e2b

// #include <stdlib.h>
// #include "e2b.h"
// int32_t e2bGoBuildLog(void *, const struct e2b_build_log_entry *);
import "C"

import (
	"context"
	"runtime"
	"sort"
	"unsafe"
)

// Template is a template definition: a base (an image or a template) and
// build steps, built on the server by Client.BuildTemplate. The methods
// mirror the official SDKs' builder and return the template, so calls chain.
// A new template starts from E2B's base image, and Copy sources are relative
// to ContextPath ("" is the current directory).
type Template struct {
	ContextPath string
	steps       []func(a *args, t *C.e2b_template)
}

// BuildStatus is the state of a template build.
type BuildStatus int32

// NewTemplate is a template from E2B's base image.
func NewTemplate() *Template { return &Template{} }

func (t *Template) step(f func(a *args, p *C.e2b_template)) *Template {
	t.steps = append(t.steps, f)
	return t
}

// FromImage starts from the image (e2b-local has e2bdev/base, debian:*, e2bdev/code-interpreter).
func (t *Template) FromImage(image string) *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		s := a.str(image)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_from_image(p, s, e) })
	})
}

// FromBaseImage starts from E2B's base image.
func (t *Template) FromBaseImage() *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_from_base_image(p, e) })
	})
}

// FromTemplate starts from the template name (its files, environment, user,
// workdir and start command).
func (t *Template) FromTemplate(name string) *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		s := a.str(name)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_from_template(p, s, e) })
	})
}

// CopyOptions are Copy's options; nil takes the defaults.
type CopyOptions struct {
	User            string // the owner ("": the current user)
	Mode            int    // the mode, e.g. 0o755 (0: the files' own)
	ForceUpload     bool   // upload even when the server has the files
	ResolveSymlinks bool   // copy what links point to
}

// Copy copies src (a file, folder or glob in the context folder) to dest.
func (t *Template) Copy(src, dest string, opts *CopyOptions) *Template {
	o := CopyOptions{}
	if opts != nil {
		o = *opts
	}
	return t.step(func(a *args, p *C.e2b_template) {
		s, d, u := a.str(src), a.str(dest), a.optStr(o.User)
		mode := C.int32_t(-1)
		if o.Mode != 0 {
			mode = C.int32_t(o.Mode)
		}
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_template_copy(p, s, d, u, mode, C.bool(o.ForceUpload), C.bool(o.ResolveSymlinks), e)
		})
	})
}

// RunCmd runs cmd in the build as user ("": the current user).
func (t *Template) RunCmd(cmd, user string) *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		c, u := a.str(cmd), a.optStr(user)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_run_cmd(p, c, u, e) })
	})
}

// SetEnvs sets environment variables (in key order) for the following steps
// and the template's sandboxes.
func (t *Template) SetEnvs(envs map[string]string) *Template {
	keys := make([]string, 0, len(envs))
	for k := range envs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return t.step(func(a *args, p *C.e2b_template) {
		if len(keys) == 0 {
			return
		}
		ck := cStrings(a, keys)
		values := make([]string, len(keys))
		for i, k := range keys {
			values[i] = envs[k]
		}
		cv := cStrings(a, values)
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_template_set_envs(p, ck, cv, C.size_t(len(keys)), e)
		})
	})
}

// SetWorkdir sets the working directory of the following steps and the template's sandboxes.
func (t *Template) SetWorkdir(dir string) *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		s := a.str(dir)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_set_workdir(p, s, e) })
	})
}

// SetUser sets the user of the following steps and the template's sandboxes.
func (t *Template) SetUser(user string) *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		s := a.str(user)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_set_user(p, s, e) })
	})
}

// SetStartCmd sets the command started with each sandbox, and the command
// run until it exits with 0 before the sandbox is ready.
func (t *Template) SetStartCmd(start, ready string) *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		s, r := a.str(start), a.str(ready)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_set_start_cmd(p, s, r, e) })
	})
}

// SkipCache rebuilds the following steps rather than using the server's cache.
func (t *Template) SkipCache() *Template {
	return t.step(func(a *args, p *C.e2b_template) {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_skip_cache(p, e) })
	})
}

// build makes the C template, freed with a.
func (t *Template) build(a *args) *C.e2b_template {
	p := C.e2b_template_new()
	a.onFree(func() { C.e2b_template_free(p) })
	if t.ContextPath != "" {
		s := a.str(t.ContextPath)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_template_set_file_context_path(p, s, e) })
	}
	for _, f := range t.steps {
		f(a, p)
	}
	return p
}

func cStrings(a *args, items []string) **C.char {
	if len(items) == 0 {
		return nil
	}
	size := C.size_t(len(items)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))
	arr := (*[1 << 28]*C.char)(C.malloc(size))[:len(items):len(items)]
	a.onFree(func() { C.free(unsafe.Pointer(&arr[0])) })
	for i, s := range items {
		arr[i] = a.str(s)
	}
	return &arr[0]
}

// BuildLogEntry is one line of a build's log.
type BuildLogEntry struct {
	Timestamp, Level, Message string
	Step                      string // "base", a step's 1-based index, "finalize", or ""
}

func buildLogEntry(p *C.e2b_build_log_entry) BuildLogEntry {
	return BuildLogEntry{
		Timestamp: C.GoString(C.e2b_build_log_entry_timestamp(p)),
		Level:     C.GoString(C.e2b_build_log_entry_level(p)),
		Message:   C.GoString(C.e2b_build_log_entry_message(p)),
		Step:      C.GoString(C.e2b_build_log_entry_step(p)),
	}
}

// BuildOptions are BuildTemplate's options; nil takes the defaults.
type BuildOptions struct {
	Tags  []string                  // more tags for the build
	OnLog func(BuildLogEntry) error // each log entry; an error stops the wait (ErrCallbackAborted)
}

// BuildInfo is a build: its ids, the name it was asked under, its tags.
type BuildInfo struct {
	TemplateID, BuildID, Name string
	Tags                      []string
	h                         *buildHandle
}

type buildHandle struct{ p *C.e2b_build_info }

func takeBuildInfo(p *C.e2b_build_info) *BuildInfo {
	info := &BuildInfo{
		TemplateID: C.GoString(C.e2b_build_info_template_id(p)),
		BuildID:    C.GoString(C.e2b_build_info_build_id(p)),
		Name:       C.GoString(C.e2b_build_info_name(p)),
		h:          &buildHandle{p},
	}
	for i := C.size_t(0); i < C.e2b_build_info_tags_len(p); i++ {
		info.Tags = append(info.Tags, C.GoString(C.e2b_build_info_tags_get(p, i)))
	}
	runtime.SetFinalizer(info.h, func(h *buildHandle) { C.e2b_build_info_free(h.p) })
	return info
}

// BuildTemplate builds t on the server under name ("name" or "name:tag") and
// waits until it is ready, polling every 0.2 s. A failed build is ErrBuild
// with the server's reason; a copy source that matches nothing is
// ErrInvalidArgument; an upload failure ErrFileUpload.
func (c *Client) BuildTemplate(ctx context.Context, t *Template, name string, opts *BuildOptions) (*BuildInfo, error) {
	var a args
	defer a.free()
	o := BuildOptions{}
	if opts != nil {
		o = *opts
	}
	p := t.build(&a)
	cname := a.str(name)
	tags := cStrings(&a, o.Tags)
	cb := &callbacks{onBuildLog: o.OnLog}
	var fn C.e2b_build_log_cb
	if o.OnLog != nil {
		fn = C.e2b_build_log_cb(C.e2bGoBuildLog)
	}
	ud := cb.start()
	var out *C.e2b_build_info
	err := cb.finish(c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_build(cl, p, cname, tags, C.size_t(len(o.Tags)), fn, ud, &out, cancel, e)
	}))
	if err != nil {
		return nil, err
	}
	return takeBuildInfo(out), nil
}

// BuildTemplateInBackground starts the build and returns without waiting;
// follow it with GetTemplateBuildStatus.
func (c *Client) BuildTemplateInBackground(ctx context.Context, t *Template, name string, tags []string) (*BuildInfo, error) {
	var a args
	defer a.free()
	p := t.build(&a)
	cname := a.str(name)
	ctags := cStrings(&a, tags)
	var out *C.e2b_build_info
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_build_in_background(cl, p, cname, ctags, C.size_t(len(tags)), &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeBuildInfo(out), nil
}

// BuildStatusInfo is a build's status and the log entries asked for.
type BuildStatusInfo struct {
	Status     BuildStatus
	LogEntries []BuildLogEntry
	Reason     string // why it failed ("" unless it did)
	ReasonStep string // the failing step, when known
}

// GetTemplateBuildStatus is one look at the build's status, with its log
// entries from logsOffset.
func (c *Client) GetTemplateBuildStatus(ctx context.Context, info *BuildInfo, logsOffset int) (*BuildStatusInfo, error) {
	var out *C.e2b_build_status_info
	err := c.h.call(ctx, nil, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_get_build_status(cl, info.h.p, C.size_t(logsOffset), &out, cancel, e)
	})
	runtime.KeepAlive(info.h)
	if err != nil {
		return nil, err
	}
	defer C.e2b_build_status_info_free(out)
	status := &BuildStatusInfo{
		Status:     BuildStatus(C.e2b_build_status_info_status(out)),
		Reason:     C.GoString(C.e2b_build_status_info_reason(out)),
		ReasonStep: C.GoString(C.e2b_build_status_info_reason_step(out)),
	}
	for i := C.size_t(0); i < C.e2b_build_status_info_logs_len(out); i++ {
		status.LogEntries = append(status.LogEntries, buildLogEntry(C.e2b_build_status_info_logs_get(out, i)))
	}
	return status, nil
}

// TemplateExists says whether a template called name exists.
func (c *Client) TemplateExists(ctx context.Context, name string) (bool, error) {
	var a args
	defer a.free()
	s := a.str(name)
	var found C.bool
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_exists(cl, s, &found, cancel, e)
	})
	return bool(found), err
}

// AssignTemplateTags gives the build target ("name:tag") the tags too.
func (c *Client) AssignTemplateTags(ctx context.Context, target string, tags []string) error {
	var a args
	defer a.free()
	s, ct := a.str(target), cStrings(&a, tags)
	return c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_assign_tags(cl, s, ct, C.size_t(len(tags)), cancel, e)
	})
}

// RemoveTemplateTags removes the tags of the template name.
func (c *Client) RemoveTemplateTags(ctx context.Context, name string, tags []string) error {
	var a args
	defer a.free()
	s, ct := a.str(name), cStrings(&a, tags)
	return c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_remove_tags(cl, s, ct, C.size_t(len(tags)), cancel, e)
	})
}

// TemplateTag is one tag of a template.
type TemplateTag struct{ Tag, BuildID, CreatedAt string }

// GetTemplateTags lists the tags of the template (an id or a name).
func (c *Client) GetTemplateTags(ctx context.Context, template string) ([]TemplateTag, error) {
	var a args
	defer a.free()
	s := a.str(template)
	var out *C.e2b_template_tag_list
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_get_tags(cl, s, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_template_tag_list_free(out)
	var tags []TemplateTag
	for i := C.size_t(0); i < C.e2b_template_tag_list_len(out); i++ {
		tags = append(tags, TemplateTag{
			Tag:       C.GoString(C.e2b_template_tag_list_tag(out, i)),
			BuildID:   C.GoString(C.e2b_template_tag_list_build_id(out, i)),
			CreatedAt: C.GoString(C.e2b_template_tag_list_created_at(out, i)),
		})
	}
	return tags, nil
}

// DeleteTemplate deletes the template (every tag); deleted is false if there was none.
func (c *Client) DeleteTemplate(ctx context.Context, template string) (deleted bool, err error) {
	var a args
	defer a.free()
	s := a.str(template)
	var d C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_template_delete(cl, s, &d, cancel, e)
	})
	return bool(d), err
}
