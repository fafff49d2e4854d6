package e2b_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedEnums regenerates enums_generated.go from include/e2b.h and
// fails if the committed file differs: run `go generate` after the header
// changes.
func TestGeneratedEnums(t *testing.T) {
	fresh := filepath.Join(t.TempDir(), "enums_generated.go")
	if out, err := exec.Command("go", "run", "gen.go", "-o", fresh).CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, out)
	}
	want := must(os.ReadFile(fresh))(t)
	got := must(os.ReadFile("enums_generated.go"))(t)
	if !bytes.Equal(got, want) {
		t.Fatal("enums_generated.go is stale: run go generate in bindings/go")
	}
}
