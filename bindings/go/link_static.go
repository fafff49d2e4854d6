//go:build !e2b_dynamic

package e2b

// By default the package links libe2b statically. Where the library comes
// from depends on where the package is:
//
//   - in the module as `go get` fetches it (made by scripts/package.sh), the
//     module's own include/e2b.h and lib/<GOOS>_<GOARCH>/libe2b.a, a stripped
//     prebuilt library per platform, as wasmtime-go ships its own;
//   - in a checkout of the repository, include/ and target/release/ of the
//     checkout (build the library with `cargo build --release -p libe2b`).
//
// The flags name both places and the compiler and linker take the first that
// exists: in the checkout the package has no include/ or lib/ of its own,
// and in the module cache the checkout's folders two levels up cannot exist
// (every folder there is named <path>@<version>). The library itself is
// linked as -l:libe2b.a, by its file name, so that the linker never takes a
// libe2b.so lying beside it; the system libraries it needs are given by the
// link file of each platform (link_<GOOS>_<GOARCH>.go).

// #cgo CFLAGS: -I${SRCDIR}/include -I${SRCDIR}/../../include
import "C"
