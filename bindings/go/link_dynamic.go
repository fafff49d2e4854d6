//go:build e2b_dynamic

package e2b

// With the build tag e2b_dynamic the package links the shared libe2b that
// pkg-config finds (installed with scripts/install.sh; set PKG_CONFIG_PATH
// for a prefix pkg-config does not search, and LD_LIBRARY_PATH to run).

// #cgo pkg-config: e2b
import "C"
