//go:build !e2b_dynamic && !(linux && (amd64 || arm64))

package e2b

// The static build knows how to link libe2b on linux/amd64 and linux/arm64
// only (link_linux_*.go). Elsewhere, build libe2b there, install it
// (scripts/install.sh) and build with the tag e2b_dynamic, which links the
// library pkg-config finds.
var _ = static_libe2b_is_for_linux_amd64_and_linux_arm64_only__build_with_the_tag_e2b_dynamic
