//go:build !e2b_dynamic

package e2b

// The static libe2b for linux/arm64: the module's lib/linux_arm64/libe2b.a,
// or in a checkout target/release/libe2b.a (see link_static.go), with the
// system libraries a Rust static library needs on Linux (glibc).

// #cgo LDFLAGS: -L${SRCDIR}/lib/linux_arm64 -L${SRCDIR}/../../target/release -l:libe2b.a -lpthread -ldl -lm -lrt -lgcc_s
import "C"
