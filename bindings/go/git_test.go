package e2b_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// run runs a shell command in s and fails the test unless it exits with 0.
func run(t *testing.T, s *e2b.Sandbox, cmd string) string {
	t.Helper()
	res := must(s.Commands().Run(ctx, cmd, nil))(t)
	ok(t, res.Err())
	return string(res.Stdout)
}

func TestGitLocalRepository(t *testing.T) {
	s := newSandbox(t, nil)
	git := s.Git()
	const repo = "/home/user/repo"

	must(git.Init(ctx, "/home/user/remote.git", &e2b.GitOptions{Bare: true, InitialBranch: "main"}))(t)
	must(git.Init(ctx, repo, &e2b.GitOptions{InitialBranch: "main"}))(t)
	ok(t, git.ConfigureUser(ctx, "Ada", "ada@example.com", &e2b.GitOptions{Scope: e2b.GitConfigLocal, Path: repo}))
	name, found, err := git.GetConfig(ctx, "user.name", &e2b.GitOptions{Scope: e2b.GitConfigLocal, Path: repo})
	if err != nil || !found || name != "Ada" {
		t.Fatalf("user.name %q %v %v", name, found, err)
	}
	if _, found, err = git.GetConfig(ctx, "e2b.unset", nil); err != nil || found {
		t.Fatalf("an unset key: found %v, %v", found, err)
	}

	ok(t, s.Files().Write(ctx, repo+"/a file.txt", []byte("one\n")))
	status := must(git.Status(ctx, repo, nil))(t)
	if status.CurrentBranch != "main" || status.Detached || status.UntrackedCount() != 1 || status.IsClean() {
		t.Fatalf("status %+v", status)
	}
	if f := status.FileStatus[0]; f.Name != "a file.txt" || f.Status != e2b.GitFileUntracked || f.IndexStatus != '?' || f.Status.String() != "untracked" {
		t.Fatalf("file %+v", f)
	}
	must(git.Add(ctx, repo, &e2b.GitOptions{Files: []string{"a file.txt"}}))(t)
	status = must(git.Status(ctx, repo, nil))(t)
	if f := status.FileStatus[0]; f.Status != e2b.GitFileAdded || !f.Staged || !status.HasStaged() {
		t.Fatalf("staged %+v", f)
	}
	must(git.Commit(ctx, repo, "first", &e2b.GitOptions{AuthorName: "Bob", AuthorEmail: "bob@example.com"}))(t)
	if got := run(t, s, "git -C /home/user/repo log -1 --format=%an"); got != "Bob\n" {
		t.Fatalf("author %q", got)
	}
	_, err = git.Commit(ctx, repo, "nothing", nil)
	wantCode(t, err, e2b.ErrCommandExit)
	must(git.Commit(ctx, repo, "empty", &e2b.GitOptions{AllowEmpty: true}))(t)

	must(git.CreateBranch(ctx, repo, "feature", nil))(t)
	branches := must(git.Branches(ctx, repo, nil))(t)
	if !slices.Equal(branches.Branches, []string{"feature", "main"}) || branches.CurrentBranch != "feature" {
		t.Fatalf("branches %+v", branches)
	}
	must(git.CheckoutBranch(ctx, repo, "main", nil))(t)
	must(git.DeleteBranch(ctx, repo, "feature", &e2b.GitOptions{Force: true}))(t)
	branches = must(git.Branches(ctx, repo, nil))(t)
	if !slices.Equal(branches.Branches, []string{"main"}) || branches.CurrentBranch != "main" {
		t.Fatalf("branches %+v", branches)
	}

	if _, found, err := git.RemoteGet(ctx, repo, "origin", nil); err != nil || found {
		t.Fatalf("no remote yet: found %v, %v", found, err)
	}
	_, err = git.Pull(ctx, repo, nil)
	wantCode(t, err, e2b.ErrGitUpstream)
	must(git.RemoteAdd(ctx, repo, "origin", "/home/user/remote.git", nil))(t)
	url, found, err := git.RemoteGet(ctx, repo, "origin", nil)
	if err != nil || !found || url != "/home/user/remote.git" {
		t.Fatalf("remote %q %v %v", url, found, err)
	}
	_, err = git.Push(ctx, repo, nil)
	wantCode(t, err, e2b.ErrGitUpstream)
	must(git.Push(ctx, repo, &e2b.GitOptions{Remote: "origin", Branch: "main"}))(t)
	status = must(git.Status(ctx, repo, nil))(t)
	if status.Upstream != "origin/main" || status.Ahead != 0 {
		t.Fatalf("after push %+v", status)
	}

	must(git.Clone(ctx, "file:///home/user/remote.git", &e2b.GitOptions{Path: "/home/user/copy", Depth: 1, Branch: "main"}))(t)
	if got := run(t, s, "git -C /home/user/copy rev-list --count HEAD"); got != "1\n" {
		t.Fatalf("depth 1 gave %q commits", got)
	}
	ok(t, s.Files().Write(ctx, repo+"/a file.txt", []byte("two\n")))
	must(git.Add(ctx, repo, nil))(t)
	must(git.Commit(ctx, repo, "second", nil))(t)
	must(git.Push(ctx, repo, nil))(t)
	must(git.Pull(ctx, "/home/user/copy", nil))(t)
	if got := string(must(s.Files().Read(ctx, "/home/user/copy/a file.txt"))(t)); got != "two\n" {
		t.Fatalf("pulled %q", got)
	}

	_, err = git.Status(ctx, "/tmp", nil)
	wantCode(t, err, e2b.ErrNotFound)
	_, err = git.Clone(ctx, "/home/user/none.git", &e2b.GitOptions{Path: "/tmp/none"})
	wantCode(t, err, e2b.ErrNotFound)
	_, err = git.Clone(ctx, "/x", &e2b.GitOptions{Password: "secret"})
	wantCode(t, err, e2b.ErrInvalidArgument)
	err = git.SetConfig(ctx, "a.b", "c", &e2b.GitOptions{Scope: e2b.GitConfigLocal})
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestGitCredentials(t *testing.T) {
	s := newSandbox(t, nil)
	server := must(os.ReadFile("../../tests/fixtures/git/http_server.py"))(t)
	ok(t, s.Files().Write(ctx, "/home/user/server.py", server))
	ok(t, s.Files().Write(ctx, "/home/user/.token", []byte("tok-go-51d2")))
	run(t, s, `set -e; git init -q --bare -b main /home/user/served/p.git; git init -q -b main /tmp/seed; cd /tmp/seed;
		echo hi > README; git add README; git -c user.name=s -c user.email=s@x commit -qm seed;
		git push -q /home/user/served/p.git main; git -C /home/user/served/p.git config http.receivepack true`)
	srv := must(s.Commands().Start(ctx, "python3 /home/user/server.py /home/user/served 8419 ada /home/user/.token", &e2b.CommandOptions{Timeout: e2b.NoTimeout}))(t)
	defer srv.Close()
	run(t, s, `for i in $(seq 100); do python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8419))' 2>/dev/null && exit 0; sleep 0.1; done; exit 1`)

	git := s.Git()
	const url = "http://127.0.0.1:8419/p.git"
	_, err := git.Clone(ctx, url, &e2b.GitOptions{Path: "/home/user/anon"})
	wantCode(t, err, e2b.ErrGitAuth)
	_, err = git.Clone(ctx, url, &e2b.GitOptions{Path: "/home/user/bad", Username: "ada", Password: "bad-pass-9x"})
	wantCode(t, err, e2b.ErrGitAuth)
	if strings.Contains(err.Error(), "bad-pass-9x") {
		t.Fatalf("the password is in the error: %v", err)
	}
	must(git.Clone(ctx, url, &e2b.GitOptions{Path: "/home/user/p", Username: "ada", Password: "tok-go-51d2"}))(t)
	ok(t, git.ConfigureUser(ctx, "Ada", "ada@example.com", nil))
	ok(t, s.Files().Write(ctx, "/home/user/p/new.txt", []byte("new\n")))
	must(git.Add(ctx, "/home/user/p", nil))(t)
	must(git.Commit(ctx, "/home/user/p", "new", nil))(t)
	_, err = git.Push(ctx, "/home/user/p", nil)
	wantCode(t, err, e2b.ErrGitAuth)
	must(git.Push(ctx, "/home/user/p", &e2b.GitOptions{Username: "ada", Password: "tok-go-51d2"}))(t)
	must(git.Pull(ctx, "/home/user/p", &e2b.GitOptions{Username: "ada", Password: "tok-go-51d2"}))(t)
	if got := run(t, s, "git -C /home/user/served/p.git log -1 --format=%s main"); got != "new\n" {
		t.Fatalf("the server has %q", got)
	}
	if got := run(t, s, "grep -rl tok-go /home/user/p/.git /tmp 2>/dev/null | wc -l"); got != "0\n" {
		t.Fatalf("the token was left on disk in %s files", got)
	}
	must(srv.Kill(ctx))(t)
}

func TestGitResetAndRestore(t *testing.T) {
	s := newSandbox(t, nil)
	git := s.Git()
	const repo = "/home/user/undo"
	read := func() string { return string(must(s.Files().Read(ctx, repo+"/f.txt"))(t)) }
	staged := func() int { return must(git.Status(ctx, repo, nil))(t).StagedCount() }
	must(git.Init(ctx, repo, &e2b.GitOptions{InitialBranch: "main"}))(t)
	for _, text := range []string{"one\n", "two\n"} {
		ok(t, s.Files().Write(ctx, repo+"/f.txt", []byte(text)))
		must(git.Add(ctx, repo, nil))(t)
		must(git.Commit(ctx, repo, strings.TrimSpace(text), &e2b.GitOptions{AuthorName: "Ada", AuthorEmail: "ada@example.com"}))(t)
	}

	// Restore: the working tree by default, the index with Staged.
	ok(t, s.Files().Write(ctx, repo+"/f.txt", []byte("edited\n")))
	must(git.Restore(ctx, repo, &e2b.GitOptions{Files: []string{"f.txt"}}))(t)
	if got := read(); got != "two\n" {
		t.Fatalf("restored %q", got)
	}
	ok(t, s.Files().Write(ctx, repo+"/f.txt", []byte("staged\n")))
	must(git.Add(ctx, repo, nil))(t)
	yes, no := true, false
	must(git.Restore(ctx, repo, &e2b.GitOptions{Files: []string{"."}, Staged: &yes}))(t)
	if n, got := staged(), read(); n != 0 || got != "staged\n" {
		t.Fatalf("unstaged: %d staged, %q", n, got)
	}
	must(git.Restore(ctx, repo, &e2b.GitOptions{Files: []string{"f.txt"}, Source: "HEAD~1"}))(t)
	if got := read(); got != "one\n" {
		t.Fatalf("restored from HEAD~1: %q", got)
	}

	// Reset: hard drops the change; soft to HEAD~1 keeps it staged.
	must(git.Reset(ctx, repo, &e2b.GitOptions{ResetMode: e2b.GitResetHard}))(t)
	must(git.Reset(ctx, repo, &e2b.GitOptions{ResetMode: e2b.GitResetSoft, Target: "HEAD~1"}))(t)
	if n, got := staged(), read(); n != 1 || got != "two\n" {
		t.Fatalf("soft reset: %d staged, %q", n, got)
	}

	_, err := git.Restore(ctx, repo, nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = git.Restore(ctx, repo, &e2b.GitOptions{Files: []string{"."}, Staged: &no, Worktree: &no})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = git.Reset(ctx, repo, &e2b.GitOptions{Target: "no-such-ref"})
	wantCode(t, err, e2b.ErrCommandExit)
	_, err = git.Reset(ctx, repo, &e2b.GitOptions{ResetMode: e2b.GitResetMode(42)})
	wantCode(t, err, e2b.ErrInvalidArgument)
}
