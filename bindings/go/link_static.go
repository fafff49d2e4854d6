//go:build !e2b_dynamic

package e2b

// By default the package links libe2b statically from the repository's
// target/release (build it with `cargo build --release -p e2b`), with the
// system libraries a Rust static library needs on Linux.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libe2b.a -lpthread -ldl -lm -lrt -lgcc_s
import "C"
