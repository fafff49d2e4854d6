package e2b_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// api makes a raw control-plane request to the e2b-local under test and
// decodes its JSON answer into out (if not nil).
func api(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var reader *bytes.Reader
	if body != nil {
		reader = bytes.NewReader(must(json.Marshal(body))(t))
	} else {
		reader = bytes.NewReader(nil)
	}
	req := must(http.NewRequest(method, strings.TrimRight(os.Getenv("E2B_API_URL"), "/")+path, reader))(t)
	req.Header.Set("X-API-KEY", os.Getenv("E2B_API_KEY"))
	req.Header.Set("Content-Type", "application/json")
	resp := must(http.DefaultClient.Do(req))(t)
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == 200 {
		ok(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

// storedNetwork is the network GET /sandboxes/{id} returns.
func storedNetwork(t *testing.T, id string) map[string]any {
	t.Helper()
	var detail struct{ Network map[string]any }
	if status := api(t, "GET", "/sandboxes/"+id, nil, &detail); status != 200 {
		t.Fatalf("GET /sandboxes/%s: HTTP %d", id, status)
	}
	return detail.Network
}

// requireUpdateEndpoint skips the test while e2b-local lacks PUT /sandboxes/{id}/network.
func requireUpdateEndpoint(t *testing.T, s *e2b.Sandbox) {
	t.Helper()
	if status := api(t, "PUT", "/sandboxes/"+s.ID()+"/network", map[string]any{}, nil); status == 404 || status == 405 {
		t.Skipf("this e2b-local has no PUT /sandboxes/{id}/network (HTTP %d)", status)
	}
}

func wantJSON(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	ok(t, json.Unmarshal([]byte(want), &w))
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("got %s, want %s", must(json.Marshal(got))(t), want)
	}
}

func TestNetworkReachesTheServerKeyForKey(t *testing.T) {
	s := newSandbox(t, &e2b.SandboxOptions{Timeout: time.Minute, Network: &e2b.NetworkOptions{
		DenyOut:    []string{e2b.AllTraffic},
		AllowOut:   []string{"127.0.0.1", "example.com"},
		DNSServers: []string{},
		Rules: map[string][]e2b.NetworkRule{
			"example.com": {{Transform: &e2b.NetworkTransform{Headers: map[string]string{"X-Team": "data"}}}, {}},
		},
		MaskRequestHost: "localhost:${PORT}",
		HTTPSPorts:      []uint16{8443},
	}})
	stored := storedNetwork(t, s.ID())
	wantJSON(t, stored["allowOut"], `["127.0.0.1","example.com"]`)
	wantJSON(t, stored["denyOut"], `["0.0.0.0/0"]`)
	wantJSON(t, stored["dnsServers"], `[]`)
	wantJSON(t, stored["rules"], `{"example.com":[{"transform":{"headers":{"X-Team":"data"}}},{}]}`)
	wantJSON(t, stored["maskRequestHost"], `"localhost:${PORT}"`)
	wantJSON(t, stored["httpsPorts"], `[8443]`)
	if _, present := stored["allowPublicTraffic"]; present {
		t.Fatalf("allowPublicTraffic was sent: %v", stored)
	}
}

func TestPublicTrafficOffGivesATrafficAccessToken(t *testing.T) {
	s := newSandbox(t, &e2b.SandboxOptions{Timeout: time.Minute, Network: &e2b.NetworkOptions{
		AllowPublicTraffic: e2b.Bool(false),
	}})
	if s.TrafficAccessToken() == "" || s.WithDeadline(time.Minute).TrafficAccessToken() != s.TrafficAccessToken() {
		t.Fatalf("traffic access token %q", s.TrafficAccessToken())
	}
	if open := newSandbox(t, &e2b.SandboxOptions{Timeout: time.Minute}); open.TrafficAccessToken() != "" {
		t.Fatal("a sandbox with public traffic has a traffic access token")
	}
}

func TestEgressProxyIsPermissionDenied(t *testing.T) {
	_, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{Timeout: time.Minute, Network: &e2b.NetworkOptions{
		EgressProxy: &e2b.EgressProxy{Address: "127.0.0.1:1080", Username: "u", Password: "p", TLS: true},
	}})
	wantStatus(t, err, e2b.ErrPermissionDenied, 403)
	if !strings.Contains(err.Error(), "Egress proxy") {
		t.Fatal(err)
	}
	// A server name without TLS is refused before any request.
	_, err = client.CreateSandbox(ctx, &e2b.SandboxOptions{Network: &e2b.NetworkOptions{
		EgressProxy: &e2b.EgressProxy{Address: "127.0.0.1:1080", ServerName: "proxy"},
	}})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = client.CreateSandbox(ctx, &e2b.SandboxOptions{Network: &e2b.NetworkOptions{DenyOut: []string{"a\x00b"}}})
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestUpdateNetwork(t *testing.T) {
	s := newSandbox(t, &e2b.SandboxOptions{Timeout: 2 * time.Minute})
	requireUpdateEndpoint(t, s)
	ok(t, s.UpdateNetwork(ctx, &e2b.NetworkUpdate{
		DenyOut: []string{e2b.AllTraffic}, AllowOut: []string{"127.0.0.1"}, DNSServers: []string{"1.1.1.1"},
	}))
	stored := storedNetwork(t, s.ID())
	wantJSON(t, stored["allowOut"], `["127.0.0.1"]`)
	wantJSON(t, stored["dnsServers"], `["1.1.1.1"]`)

	// Replace semantics: what the update leaves out is cleared.
	ok(t, client.UpdateNetwork(ctx, s.ID(), &e2b.NetworkUpdate{DenyOut: []string{"10.1.0.0/16"}}))
	stored = storedNetwork(t, s.ID())
	wantJSON(t, stored["denyOut"], `["10.1.0.0/16"]`)
	if stored["dnsServers"] != nil {
		t.Fatalf("dnsServers kept: %v", stored)
	}

	err := client.UpdateNetwork(ctx, "aaaaaaaaaaaaaaaaaaaa", nil)
	wantStatus(t, err, e2b.ErrSandboxNotFound, 404)
	err = s.UpdateNetwork(ctx, &e2b.NetworkUpdate{DenyOut: []string{"example.com"}})
	wantStatus(t, err, e2b.ErrInvalidArgument, 400)
	err = s.UpdateNetwork(ctx, &e2b.NetworkUpdate{EgressProxy: &e2b.EgressProxy{Address: "127.0.0.1:1080"}})
	wantStatus(t, err, e2b.ErrPermissionDenied, 403)

}
