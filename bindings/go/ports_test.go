package e2b_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// A server the sandbox runs answers at the host GetHost names, through
// e2b-local as through E2B's edge.
func TestGetHostReachesAServerInTheSandbox(t *testing.T) {
	s := newSandbox(t, nil)
	host := must(s.GetHost(8000))(t)
	if !strings.HasPrefix(host, "8000-"+s.ID()+".") {
		t.Fatalf("host %q", host)
	}
	ok(t, s.Files().Write(ctx, "/home/user/site/index.html", []byte("hi from the sandbox")))
	must(s.Commands().Start(ctx, "python3 -m http.server 8000", &e2b.CommandOptions{Cwd: "/home/user/site"}))(t)
	req := must(http.NewRequest("GET", os.Getenv("E2B_SANDBOX_URL")+"/index.html", nil))(t)
	req.Host = host
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp := must(http.DefaultClient.Do(req))(t)
		body := must(io.ReadAll(resp.Body))(t)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			if string(body) != "hi from the sandbox" {
				t.Fatalf("body %q", body)
			}
			break
		}
		if resp.StatusCode != http.StatusBadGateway || time.Now().After(deadline) {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
