package e2b

// #include <stdlib.h>
// #include "e2b.h"
import "C"

import (
	"context"
	"io"
	"runtime"
	"time"
)

// A Volume is a persistent folder that outlives sandboxes (the official SDKs'
// Volume), safe for concurrent use. Its files are read and written through
// the volume content API with the volume's own token; it is mounted into a
// sandbox with SandboxOptions.VolumeMounts. Close releases the handle only:
// the volume stays until Client.DestroyVolume. The content API is reached at
// $E2B_VOLUME_API_URL, else at the client's API URL.
type Volume struct {
	h     handle[*C.e2b_volume]
	id    string
	name  string
	token string
}

func newVolume(p *C.e2b_volume) *Volume {
	v := &Volume{
		h:     handle[*C.e2b_volume]{ptr: p, free: func(p *C.e2b_volume) { C.e2b_volume_free(p) }},
		id:    C.GoString(C.e2b_volume_id(p)),
		name:  C.GoString(C.e2b_volume_name(p)),
		token: C.GoString(C.e2b_volume_token(p)),
	}
	runtime.SetFinalizer(v, (*Volume).Close)
	return v
}

// Close releases the handle; the volume and its files stay.
func (v *Volume) Close() error {
	v.h.close()
	runtime.SetFinalizer(v, nil)
	return nil
}

// ID is the volume's id.
func (v *Volume) ID() string { return v.id }

// Name is the volume's name, what SandboxOptions.VolumeMounts takes.
func (v *Volume) Name() string { return v.name }

// Token is the content API's bearer token.
func (v *Volume) Token() string { return v.token }

// VolumeInfo is a volume as ListVolumes and VolumeInfo report it.
type VolumeInfo struct {
	ID   string
	Name string
	// Token is the content API's token (VolumeInfo only; "" in a list).
	Token string
	// Domain is the content host's domain for a team on its own cluster; "" otherwise.
	Domain string
}

func volumeInfo(p *C.e2b_volume_info) VolumeInfo {
	return VolumeInfo{
		ID:     C.GoString(C.e2b_volume_info_id(p)),
		Name:   C.GoString(C.e2b_volume_info_name(p)),
		Token:  C.GoString(C.e2b_volume_info_token(p)),
		Domain: C.GoString(C.e2b_volume_info_domain(p)),
	}
}

// VolumeEntry is one entry of a volume (the SDKs' VolumeEntryStat).
type VolumeEntry struct {
	Name string
	Type FileType
	// Path is the absolute path in the volume.
	Path string
	Size int64
	// Mode holds the permission bits.
	Mode uint32
	// UID and GID are the owner and group as sandboxes see them (1000 is user).
	UID, GID            uint32
	ATime, MTime, CTime time.Time
	// Target is where a symlink points; "" for anything else.
	Target string
}

func volumeEntry(p *C.e2b_volume_entry) VolumeEntry {
	return VolumeEntry{
		Name:   C.GoString(C.e2b_volume_entry_name(p)),
		Type:   FileType(C.e2b_volume_entry_type(p)),
		Path:   C.GoString(C.e2b_volume_entry_path(p)),
		Size:   int64(C.e2b_volume_entry_size(p)),
		Mode:   uint32(C.e2b_volume_entry_mode(p)),
		UID:    uint32(C.e2b_volume_entry_uid(p)),
		GID:    uint32(C.e2b_volume_entry_gid(p)),
		ATime:  parseTime(C.e2b_volume_entry_atime(p)),
		MTime:  parseTime(C.e2b_volume_entry_mtime(p)),
		CTime:  parseTime(C.e2b_volume_entry_ctime(p)),
		Target: C.GoString(C.e2b_volume_entry_target(p)),
	}
}

// takeVolumeEntry reads and frees an entry the library handed over.
func takeVolumeEntry(p *C.e2b_volume_entry) *VolumeEntry {
	defer C.e2b_volume_entry_free(p)
	entry := volumeEntry(p)
	return &entry
}

// VolumeWriteOptions set the owner, group and mode of what WriteFile,
// WriteFrom and MakeDir make (or what UpdateMetadata changes), and Force; nil pointers
// leave each to the server.
type VolumeWriteOptions struct {
	UID, GID, Mode *uint32
	// Force makes MakeDir create missing parents; for WriteFile and WriteFrom
	// it asks to overwrite an existing file.
	Force bool
}

func (o *VolumeWriteOptions) build(a *args) *C.e2b_volume_write_options {
	if o == nil {
		return nil
	}
	p := C.e2b_volume_write_options_new()
	a.onFree(func() { C.e2b_volume_write_options_free(p) })
	if o.UID != nil {
		uid := C.uint32_t(*o.UID)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_volume_write_options_set_uid(p, uid, e) })
	}
	if o.GID != nil {
		gid := C.uint32_t(*o.GID)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_volume_write_options_set_gid(p, gid, e) })
	}
	if o.Mode != nil {
		mode := C.uint32_t(*o.Mode)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_volume_write_options_set_mode(p, mode, e) })
	}
	if o.Force {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_volume_write_options_set_force(p, true, e) })
	}
	return p
}

// ---- the control plane ----

// CreateVolume creates an empty volume named name (letters, digits, '_' and
// '-'; unique in the team). A bad or taken name is ErrInvalidArgument.
func (c *Client) CreateVolume(ctx context.Context, name string) (*Volume, error) {
	var a args
	defer a.free()
	cname := a.str(name)
	var p *C.e2b_volume
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_create_volume(cl, cname, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return newVolume(p), nil
}

// ConnectVolume connects to the volume id (ErrNotFound when there is none).
func (c *Client) ConnectVolume(ctx context.Context, id string) (*Volume, error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var p *C.e2b_volume
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_connect_volume(cl, cid, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return newVolume(p), nil
}

// VolumeInfo is the volume id with a fresh content token (the SDKs' Volume.get_info).
func (c *Client) VolumeInfo(ctx context.Context, id string) (*VolumeInfo, error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var p *C.e2b_volume_info
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_get_volume_info(cl, cid, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_volume_info_free(p)
	info := volumeInfo(p)
	return &info, nil
}

// ListVolumes lists every volume of the team.
func (c *Client) ListVolumes(ctx context.Context) ([]VolumeInfo, error) {
	var p *C.e2b_volume_list
	err := c.h.call(ctx, nil, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_list_volumes(cl, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_volume_list_free(p)
	n := C.e2b_volume_list_len(p)
	out := make([]VolumeInfo, 0, n)
	for i := C.size_t(0); i < n; i++ {
		out = append(out, volumeInfo(C.e2b_volume_list_get(p, i)))
	}
	return out, nil
}

// DestroyVolume destroys the volume id and its files; destroyed is false
// when there was none, which is not an error.
func (c *Client) DestroyVolume(ctx context.Context, id string) (destroyed bool, err error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var d C.bool
	err = c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_destroy_volume(cl, cid, &d, cancel, e)
	})
	return bool(d), err
}

// ---- content ----

// List lists the entries under the folder path, depth levels deep (0: the
// server's default, 1).
func (v *Volume) List(ctx context.Context, path string, depth int) ([]VolumeEntry, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	if depth < 0 {
		depth = 0
	}
	var p *C.e2b_volume_entry_list
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_list_dir(vol, cpath, C.uint32_t(depth), &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_volume_entry_list_free(p)
	n := C.e2b_volume_entry_list_len(p)
	out := make([]VolumeEntry, 0, n)
	for i := C.size_t(0); i < n; i++ {
		out = append(out, volumeEntry(C.e2b_volume_entry_list_get(p, i)))
	}
	return out, nil
}

// MakeDir creates the folder path (opts.Force: with its missing parents).
func (v *Volume) MakeDir(ctx context.Context, path string, opts *VolumeWriteOptions) (*VolumeEntry, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	copts := opts.build(&a)
	var p *C.e2b_volume_entry
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_make_dir(vol, cpath, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeVolumeEntry(p), nil
}

// Exists tells whether path exists in the volume.
func (v *Volume) Exists(ctx context.Context, path string) (bool, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	var exists C.bool
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_exists(vol, cpath, &exists, cancel, e)
	})
	return bool(exists), err
}

// Info is what path is, a symlink itself rather than its target (the SDKs'
// volume.get_info(path)).
func (v *Volume) Info(ctx context.Context, path string) (*VolumeEntry, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	var p *C.e2b_volume_entry
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_get_entry_info(vol, cpath, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeVolumeEntry(p), nil
}

// UpdateMetadata sets the owner, group or mode of path to those set in opts.
func (v *Volume) UpdateMetadata(ctx context.Context, path string, opts *VolumeWriteOptions) (*VolumeEntry, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	copts := opts.build(&a)
	var p *C.e2b_volume_entry
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_update_metadata(vol, cpath, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeVolumeEntry(p), nil
}

// ReadFile reads the file path.
func (v *Volume) ReadFile(ctx context.Context, path string) ([]byte, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	var out C.e2b_bytes
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_read_file(vol, cpath, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}

// ReadTo streams the file path into w, in constant memory, and returns the
// number of bytes. An error from w stops the transfer and is wrapped in the
// error returned.
func (v *Volume) ReadTo(ctx context.Context, path string, w io.Writer) (int64, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	cb := &callbacks{onData: func(b []byte) error { _, err := w.Write(b); return err }}
	ud := cb.start()
	var size C.uint64_t
	err := cb.finish(v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_read_stream(vol, cpath, dataFn, nil, ud, &size, cancel, e)
	}))
	return int64(size), err
}

// WriteFile writes data to the file path, creating it or replacing its
// content; its folder must exist. opts may be nil.
func (v *Volume) WriteFile(ctx context.Context, path string, data []byte, opts *VolumeWriteOptions) (*VolumeEntry, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	copts := opts.build(&a)
	var p *C.e2b_volume_entry
	err := v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_write_file(vol, cpath, bytesPtr(data), C.size_t(len(data)), copts, &p, cancel, e)
	})
	runtime.KeepAlive(data)
	if err != nil {
		return nil, err
	}
	return takeVolumeEntry(p), nil
}

// WriteFrom streams r into the file path, in constant memory, creating it or
// replacing its content; its folder must exist. opts may be nil. size is the
// number of bytes r will supply, or -1 if unknown (other negative sizes are
// ErrInvalidArgument); if r supplies fewer or more, the call fails at once
// with ErrIO and the file stays as it was. An error from r stops the
// transfer and is wrapped in the error returned.
func (v *Volume) WriteFrom(ctx context.Context, path string, r io.Reader, size int64, opts *VolumeWriteOptions) (*VolumeEntry, error) {
	var a args
	defer a.free()
	cpath := a.str(path)
	copts := opts.build(&a)
	cb := &callbacks{reader: r}
	ud := cb.start()
	var p *C.e2b_volume_entry
	err := cb.finish(v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_write_stream(vol, cpath, C.int64_t(size), copts, readFn, nil, ud, &p, cancel, e)
	}))
	if err != nil {
		return nil, err
	}
	return takeVolumeEntry(p), nil
}

// Remove removes the file or folder path (a folder with everything in it).
func (v *Volume) Remove(ctx context.Context, path string) error {
	var a args
	defer a.free()
	cpath := a.str(path)
	return v.h.call(ctx, &a, func(vol *C.e2b_volume, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_volume_remove(vol, cpath, cancel, e)
	})
}

// ---- mounts ----

// setVolumeMounts adds mounts (path to volume name) to sandbox options.
func setVolumeMounts(a *args, p *C.e2b_sandbox_options, mounts map[string]string) {
	for path, name := range mounts {
		cpath, cname := a.str(path), a.str(name)
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_sandbox_options_set_volume_mount(p, cpath, cname, e)
		})
	}
}

// volumeMounts reads a sandbox info's volume mounts: path to volume name.
func volumeMounts(p *C.e2b_sandbox_info) map[string]string {
	n := C.e2b_sandbox_info_volume_mounts_len(p)
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for i := C.size_t(0); i < n; i++ {
		m[C.GoString(C.e2b_sandbox_info_volume_mounts_key(p, i))] = C.GoString(C.e2b_sandbox_info_volume_mounts_value(p, i))
	}
	return m
}
