package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"time"
	"unsafe"
)

// GitFileChange is the kind of change of a file in a GitStatus; its String
// is the SDKs' name ("modified", "untracked", ...).
type GitFileChange int32

// GitConfigScope says which configuration file the config methods use.
type GitConfigScope int32

// GitResetMode says how far Reset goes (git reset --soft, --mixed, ...).
type GitResetMode int32

// Git runs git in a sandbox (sandbox.git in the official SDKs): clone,
// init, status, branches, checkout, add, commit, push, pull, configuration
// and remotes, with typed results and errors. A git that fails gives an
// error matching ErrGitAuth (credentials missing or wrong), ErrGitUpstream
// (no upstream to push to or pull from), ErrNotFound (no repository at the
// path or URL) or ErrCommandExit, with git's words at the end of the
// message.
//
// Credentials (Username and Password) reach git through a private file in
// the sandbox, removed after the call, never through a command line or an
// environment variable that ps could show.
type Git struct {
	sbx *Sandbox
}

// Git gives the sandbox's git helpers.
func (s *Sandbox) Git() *Git { return &Git{sbx: s} }

// GitOptions are the options of every Git method (nil means the defaults);
// each method reads the fields its documentation names, and all read Env,
// Cwd, User and Timeout.
type GitOptions struct {
	// Env holds environment variables added for git.
	Env map[string]string
	// Cwd is the directory git runs in; relative paths start there.
	Cwd string
	// User runs git as this user (e.g. "root").
	User string
	// Timeout is how long each git process may live; 0 or NoTimeout for no
	// limit (the SDKs' git default).
	Timeout time.Duration

	// Path is where Clone clones to ("" for git's choice), and for the
	// config methods the repository (needed with GitConfigLocal).
	Path string
	// Branch is the branch Clone clones alone, Push pushes and Pull merges.
	Branch string
	// Depth makes Clone fetch only the last Depth commits (0: all).
	Depth int
	// Username and Password (or token) authenticate Clone, Push and Pull
	// over HTTP(S); both or neither.
	Username, Password string
	// DangerouslyStoreCredentials keeps the credentials in the cloned
	// repository for its later pushes and pulls.
	DangerouslyStoreCredentials bool
	// Remote is the remote Push pushes to and Pull pulls from ("" for the
	// upstream's; with credentials, the only remote).
	Remote string
	// NoSetUpstream stops Push from passing --set-upstream.
	NoSetUpstream bool
	// AuthorName and AuthorEmail set Commit's author for this commit.
	AuthorName, AuthorEmail string
	// AllowEmpty lets Commit record a commit with no changes.
	AllowEmpty bool
	// Bare makes Init create a bare repository.
	Bare bool
	// InitialBranch names Init's first branch.
	InitialBranch string
	// Fetch makes RemoteAdd fetch from the new remote.
	Fetch bool
	// Overwrite makes RemoteAdd change an existing remote's URL instead of failing.
	Overwrite bool
	// Force makes DeleteBranch delete an unmerged branch (-D).
	Force bool
	// Files are what Add stages (with none, everything: add -A), what Reset
	// resets in the index, and what Restore restores (at least one; "." for all).
	Files []string
	// NoAll makes Add with no Files stage only the repository directory's
	// changes (add .) instead of every change (add -A).
	NoAll bool
	// Scope is the configuration file of the config methods (default GitConfigGlobal).
	Scope GitConfigScope
	// ResetMode is how far Reset goes (default GitResetDefault: git's mixed).
	ResetMode GitResetMode
	// Target is the commit, branch or ref Reset resets to ("" for HEAD).
	Target string
	// Staged makes Restore restore the index (unstage); nil: only when
	// Worktree is nil too is it decided (no), as in the SDKs.
	Staged *bool
	// Worktree makes Restore restore the working tree; nil: yes unless
	// Staged is true.
	Worktree *bool
	// Source is what Restore restores from (a commit, branch or ref; "" for
	// the index).
	Source string
}

func (o *GitOptions) build(a *args) *C.e2b_git_options {
	if o == nil {
		return nil
	}
	p := C.e2b_git_options_new()
	a.onFree(func() { C.e2b_git_options_free(p) })
	setStr := func(v string, set func(*C.e2b_git_options, *C.char, **C.e2b_error) C.e2b_error_code) {
		if v != "" {
			s := a.str(v)
			a.set(func(e **C.e2b_error) C.e2b_error_code { return set(p, s, e) })
		}
	}
	setFlag := func(v bool, set func(*C.e2b_git_options, C.bool, **C.e2b_error) C.e2b_error_code) {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return set(p, C.bool(v), e) })
	}
	for name, value := range o.Env {
		n, v := a.str(name), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_git_options_set_env(p, n, v, e) })
	}
	setStr(o.Cwd, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_cwd(p, s, e)
	})
	setStr(o.User, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_user(p, s, e)
	})
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_timeout_ms(p, ms, e)
	})
	setStr(o.Path, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_path(p, s, e)
	})
	setStr(o.Branch, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_branch(p, s, e)
	})
	setStr(o.Remote, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_remote(p, s, e)
	})
	setStr(o.InitialBranch, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_initial_branch(p, s, e)
	})
	if o.Depth < 0 || o.Depth > 1<<31 {
		a.fail(&Error{Code: ErrInvalidArgument, Message: "git options: Depth must be between 0 and 2^31"})
	} else if o.Depth > 0 {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_git_options_set_depth(p, C.uint32_t(o.Depth), e) })
	}
	if o.Username != "" || o.Password != "" {
		u, pw := a.optStr(o.Username), a.optStr(o.Password)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_git_options_set_credentials(p, u, pw, e) })
	}
	if o.AuthorName != "" || o.AuthorEmail != "" {
		n, m := a.optStr(o.AuthorName), a.optStr(o.AuthorEmail)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_git_options_set_author(p, n, m, e) })
	}
	for _, f := range o.Files {
		s := a.str(f)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_git_options_add_file(p, s, e) })
	}
	setFlag(o.DangerouslyStoreCredentials, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_dangerously_store_credentials(p, v, e)
	})
	setFlag(!o.NoSetUpstream, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_set_upstream(p, v, e)
	})
	setFlag(o.AllowEmpty, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_allow_empty(p, v, e)
	})
	setFlag(o.Bare, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_bare(p, v, e)
	})
	setFlag(o.Fetch, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_fetch(p, v, e)
	})
	setFlag(o.Overwrite, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_overwrite(p, v, e)
	})
	setFlag(o.Force, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_force(p, v, e)
	})
	setFlag(!o.NoAll, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_all(p, v, e)
	})
	if o.Scope != GitConfigGlobal {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_git_options_set_scope(p, C.int32_t(o.Scope), e) })
	}
	if o.ResetMode != GitResetDefault {
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_git_options_set_reset_mode(p, C.int32_t(o.ResetMode), e)
		})
	}
	setStr(o.Target, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_target(p, s, e)
	})
	setStr(o.Source, func(p *C.e2b_git_options, s *C.char, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_options_set_source(p, s, e)
	})
	if o.Staged != nil {
		setFlag(*o.Staged, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
			return C.e2b_git_options_set_staged(p, v, e)
		})
	}
	if o.Worktree != nil {
		setFlag(*o.Worktree, func(p *C.e2b_git_options, v C.bool, e **C.e2b_error) C.e2b_error_code {
			return C.e2b_git_options_set_worktree(p, v, e)
		})
	}
	return p
}

// GitFileStatus is one changed file of a GitStatus.
type GitFileStatus struct {
	// Name is the path, relative to the repository's top.
	Name string
	// Status is the kind of change.
	Status GitFileChange
	// IndexStatus and WorkingTreeStatus are the status letters as
	// `git status --porcelain` shows them (' ' unchanged, '?' untracked).
	IndexStatus, WorkingTreeStatus byte
	// Staged tells whether the change is staged.
	Staged bool
	// RenamedFrom is the path before a rename or copy, "" otherwise.
	RenamedFrom string
}

// GitStatus is a repository's state: its branch, the upstream, and the
// changed files.
type GitStatus struct {
	// CurrentBranch is the branch checked out, "" when HEAD is detached.
	CurrentBranch string
	// Upstream is the branch's upstream (e.g. "origin/main"), "" if none.
	Upstream string
	// Ahead and Behind count the commits the branch has that its upstream
	// lacks, and the reverse.
	Ahead, Behind int
	// Detached tells whether HEAD is detached.
	Detached bool
	// FileStatus lists every changed or untracked file.
	FileStatus []GitFileStatus
}

func (s *GitStatus) count(f func(GitFileStatus) bool) int {
	n := 0
	for _, file := range s.FileStatus {
		if f(file) {
			n++
		}
	}
	return n
}

// IsClean tells whether no file is changed or untracked.
func (s *GitStatus) IsClean() bool { return len(s.FileStatus) == 0 }

// HasChanges tells whether any file is changed or untracked.
func (s *GitStatus) HasChanges() bool { return len(s.FileStatus) > 0 }

// HasStaged tells whether any change is staged.
func (s *GitStatus) HasStaged() bool { return s.StagedCount() > 0 }

// HasUntracked tells whether any file is untracked.
func (s *GitStatus) HasUntracked() bool { return s.UntrackedCount() > 0 }

// HasConflicts tells whether any file is in conflict.
func (s *GitStatus) HasConflicts() bool { return s.ConflictCount() > 0 }

// TotalCount is the number of files listed.
func (s *GitStatus) TotalCount() int { return len(s.FileStatus) }

// StagedCount is the number of files with staged changes.
func (s *GitStatus) StagedCount() int { return s.count(func(f GitFileStatus) bool { return f.Staged }) }

// UnstagedCount is the number of files with no staged change (untracked ones included).
func (s *GitStatus) UnstagedCount() int {
	return s.count(func(f GitFileStatus) bool { return !f.Staged })
}

// UntrackedCount is the number of untracked files.
func (s *GitStatus) UntrackedCount() int {
	return s.count(func(f GitFileStatus) bool { return f.Status == GitFileUntracked })
}

// ConflictCount is the number of files in conflict.
func (s *GitStatus) ConflictCount() int {
	return s.count(func(f GitFileStatus) bool { return f.Status == GitFileConflict })
}

// GitBranches are a repository's local branches.
type GitBranches struct {
	// Branches are the names, in git's order.
	Branches []string
	// CurrentBranch is the branch checked out, "" if none is.
	CurrentBranch string
}

// run makes one git call that may hand back git's result.
func (g *Git) run(ctx context.Context, a *args, f func(*C.e2b_sandbox, **C.e2b_command_result, *C.e2b_cancel, **C.e2b_error) C.e2b_error_code) (*CommandResult, error) {
	var out *C.e2b_command_result
	err := g.sbx.h.call(ctx, a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return f(s, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return commandResult(out), nil
}

// Clone clones url (git clone). Options: Path, Branch, Depth, Username and
// Password, DangerouslyStoreCredentials.
func (g *Git) Clone(ctx context.Context, url string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	curl, copts := a.str(url), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_clone(s, curl, copts, out, cancel, e)
	})
}

// Init makes a repository at path (git init). Options: Bare, InitialBranch.
func (g *Git) Init(ctx context.Context, path string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_init(s, cpath, copts, out, cancel, e)
	})
}

// RemoteAdd adds the remote name at url to the repository at path (git
// remote add). Options: Fetch, Overwrite.
func (g *Git) RemoteAdd(ctx context.Context, path, name, url string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, cname, curl, copts := a.str(path), a.str(name), a.str(url), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_remote_add(s, cpath, cname, curl, copts, out, cancel, e)
	})
}

// text makes a call that hands back text that may be absent.
func (g *Git) text(ctx context.Context, a *args, f func(*C.e2b_sandbox, *C.e2b_bytes, *C.e2b_cancel, **C.e2b_error) C.e2b_error_code) (string, bool, error) {
	var out C.e2b_bytes
	err := g.sbx.h.call(ctx, a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return f(s, &out, cancel, e)
	})
	if err != nil {
		return "", false, err
	}
	found := out.data != nil
	return string(takeBytes(&out)), found, nil
}

// RemoteGet gives the URL of the remote name of the repository at path;
// found is false if there is no such remote.
func (g *Git) RemoteGet(ctx context.Context, path, name string, opts *GitOptions) (url string, found bool, err error) {
	var a args
	defer a.free()
	cpath, cname, copts := a.str(path), a.str(name), opts.build(&a)
	return g.text(ctx, &a, func(s *C.e2b_sandbox, out *C.e2b_bytes, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_remote_get(s, cpath, cname, copts, out, cancel, e)
	})
}

// Status gives the state of the repository at path.
func (g *Git) Status(ctx context.Context, path string, opts *GitOptions) (*GitStatus, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	var p *C.e2b_git_status_info
	err := g.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_status(s, cpath, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_git_status_info_free(p)
	f := C.e2b_git_status_info_fields(p)
	status := &GitStatus{
		CurrentBranch: C.GoString(f.current_branch),
		Upstream:      C.GoString(f.upstream),
		Ahead:         int(f.ahead),
		Behind:        int(f.behind),
		Detached:      bool(f.detached),
	}
	var n C.size_t
	items := C.e2b_git_status_info_files_fields(p, &n)
	status.FileStatus = make([]GitFileStatus, n)
	for i, file := range unsafe.Slice(items, int(n)) {
		status.FileStatus[i] = GitFileStatus{
			Name:              C.GoString(file.name),
			Status:            GitFileChange(file.status),
			IndexStatus:       byte(file.index_status),
			WorkingTreeStatus: byte(file.working_tree_status),
			Staged:            bool(file.staged),
			RenamedFrom:       C.GoString(file.renamed_from),
		}
	}
	return status, nil
}

// Branches gives the local branches of the repository at path.
func (g *Git) Branches(ctx context.Context, path string, opts *GitOptions) (*GitBranches, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	var p *C.e2b_git_branch_list
	err := g.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_branches(s, cpath, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_git_branch_list_free(p)
	n := int(C.e2b_git_branch_list_len(p))
	branches := &GitBranches{Branches: make([]string, n), CurrentBranch: C.GoString(C.e2b_git_branch_list_current(p))}
	for i := range branches.Branches {
		branches.Branches[i] = C.GoString(C.e2b_git_branch_list_get(p, C.size_t(i)))
	}
	return branches, nil
}

type branchFn func(*C.e2b_sandbox, *C.char, *C.char, *C.e2b_git_options, **C.e2b_command_result, *C.e2b_cancel, **C.e2b_error) C.e2b_error_code

func (g *Git) branch(ctx context.Context, path, branch string, opts *GitOptions, f branchFn) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, cbranch, copts := a.str(path), a.str(branch), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return f(s, cpath, cbranch, copts, out, cancel, e)
	})
}

// CreateBranch makes branch and checks it out (git checkout -b).
func (g *Git) CreateBranch(ctx context.Context, path, branch string, opts *GitOptions) (*CommandResult, error) {
	return g.branch(ctx, path, branch, opts, func(s *C.e2b_sandbox, p, b *C.char, o *C.e2b_git_options, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_create_branch(s, p, b, o, out, cancel, e)
	})
}

// CheckoutBranch checks out branch (git checkout).
func (g *Git) CheckoutBranch(ctx context.Context, path, branch string, opts *GitOptions) (*CommandResult, error) {
	return g.branch(ctx, path, branch, opts, func(s *C.e2b_sandbox, p, b *C.char, o *C.e2b_git_options, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_checkout_branch(s, p, b, o, out, cancel, e)
	})
}

// DeleteBranch deletes branch (git branch -d; -D with Force).
func (g *Git) DeleteBranch(ctx context.Context, path, branch string, opts *GitOptions) (*CommandResult, error) {
	return g.branch(ctx, path, branch, opts, func(s *C.e2b_sandbox, p, b *C.char, o *C.e2b_git_options, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_delete_branch(s, p, b, o, out, cancel, e)
	})
}

// Add stages changes in the repository at path (git add). Options: Files, NoAll.
func (g *Git) Add(ctx context.Context, path string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_add(s, cpath, copts, out, cancel, e)
	})
}

// Commit commits what is staged with message (git commit -m). Options:
// AuthorName, AuthorEmail, AllowEmpty.
func (g *Git) Commit(ctx context.Context, path, message string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, cmsg, copts := a.str(path), a.str(message), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_commit(s, cpath, cmsg, copts, out, cancel, e)
	})
}

// Reset moves HEAD of the repository at path, and with it the index and
// working tree as the mode says (git reset). Options: ResetMode, Target,
// Files (reset only those paths in the index).
func (g *Git) Reset(ctx context.Context, path string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_reset(s, cpath, copts, out, cancel, e)
	})
}

// Restore restores files of the repository at path in the working tree
// (the default) or the index (git restore). Options: Files (at least one),
// Staged, Worktree, Source.
func (g *Git) Restore(ctx context.Context, path string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_restore(s, cpath, copts, out, cancel, e)
	})
}

// Push pushes the repository at path (git push). Options: Remote, Branch,
// NoSetUpstream, Username and Password.
func (g *Git) Push(ctx context.Context, path string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_push(s, cpath, copts, out, cancel, e)
	})
}

// Pull pulls into the repository at path (git pull). Options: Remote,
// Branch, Username and Password; with neither Remote nor Branch the branch
// needs an upstream, else ErrGitUpstream.
func (g *Git) Pull(ctx context.Context, path string, opts *GitOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	cpath, copts := a.str(path), opts.build(&a)
	return g.run(ctx, &a, func(s *C.e2b_sandbox, out **C.e2b_command_result, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_pull(s, cpath, copts, out, cancel, e)
	})
}

// repoPath is opts.Path for the config methods, NULL when unset.
func repoPath(a *args, opts *GitOptions) *C.char {
	if opts == nil {
		return nil
	}
	return a.optStr(opts.Path)
}

// SetConfig sets key to value (git config). Options: Scope, Path (the repository).
func (g *Git) SetConfig(ctx context.Context, key, value string, opts *GitOptions) error {
	var a args
	defer a.free()
	ckey, cvalue, cpath, copts := a.str(key), a.str(value), repoPath(&a, opts), opts.build(&a)
	return g.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_set_config(s, ckey, cvalue, cpath, copts, cancel, e)
	})
}

// GetConfig gives the value of key (git config --get); found is false if it
// is not set. Options: Scope, Path (the repository).
func (g *Git) GetConfig(ctx context.Context, key string, opts *GitOptions) (value string, found bool, err error) {
	var a args
	defer a.free()
	ckey, cpath, copts := a.str(key), repoPath(&a, opts), opts.build(&a)
	return g.text(ctx, &a, func(s *C.e2b_sandbox, out *C.e2b_bytes, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_get_config(s, ckey, cpath, copts, out, cancel, e)
	})
}

// ConfigureUser sets user.name and user.email. Options: Scope, Path (the repository).
func (g *Git) ConfigureUser(ctx context.Context, name, email string, opts *GitOptions) error {
	var a args
	defer a.free()
	cname, cemail, cpath, copts := a.str(name), a.str(email), repoPath(&a, opts), opts.build(&a)
	return g.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_configure_user(s, cname, cemail, cpath, copts, cancel, e)
	})
}

// DangerouslyAuthenticate stores username and password for every
// repository at host (e.g. "github.com") over protocol ("https" or "http")
// in the user's ~/.git-credentials. The secret never crosses a command
// line, but stays on the sandbox's disk.
func (g *Git) DangerouslyAuthenticate(ctx context.Context, username, password, host, protocol string, opts *GitOptions) error {
	var a args
	defer a.free()
	cu, cp, ch, cproto, copts := a.str(username), a.str(password), a.str(host), a.str(protocol), opts.build(&a)
	return g.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_git_dangerously_authenticate(s, cu, cp, ch, cproto, copts, cancel, e)
	})
}
