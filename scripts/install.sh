#!/usr/bin/env bash
# Builds libe2b in release mode and installs it where C and C++ build systems
# look: the libraries, the header, pkg-config files and a CMake package.
# scripts/package.sh makes the release archive by installing into a folder
# with this script, so both lay out the same files.
#
#   scripts/install.sh [PREFIX]        (default /usr/local; e.g. target/prefix)
#
# PREFIX gets:
#   include/e2b.h, include/e2b.hpp (the header-only C++ wrapper)
#   lib/libe2b.a                      the static library
#   lib/libe2b.so.<version>           the shared library, with the links
#   lib/libe2b.so.<abi> -> ...        (its soname: the ABI version, not the
#   lib/libe2b.so -> ...               crate's) and libe2b.so (for -le2b)
#   lib/pkgconfig/e2b.pc              the shared library: -le2b
#   lib/pkgconfig/e2b-static.pc       the static library: libe2b.a and the
#                                     system libraries it needs
#   lib/cmake/e2b/                    find_package(e2b): e2b::e2b (shared)
#                                     and e2b::e2b_static
# The pkg-config files and the CMake package find the prefix from where they
# are, so the folder can be moved. The libraries are installed without what
# users do not need: debugging information (they keep their symbols) and, in
# libe2b.a, LLVM bitcode.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mkdir -p "${1:-/usr/local}" && cd "${1:-/usr/local}" && pwd)
cd "$root"

cargo build --release -p libe2b
version=$(sed -n 's/^#define E2B_VERSION "\(.*\)"$/\1/p' include/e2b.h)
# The soname follows the ABI version, not the library's: libe2b.so.<abi>.
abi=$(sed -n 's/^#define E2B_ABI_VERSION \([0-9]*\)$/\1/p' include/e2b.h)
# What linking libe2b.a needs besides libc (`cargo rustc --crate-type
# staticlib -- --print native-static-libs` lists them).
system_libs="-lpthread -ldl -lm -lrt -lgcc_s"

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/e2b" "$prefix/include"
install -m 644 include/e2b.h "$prefix/include/e2b.h"
install -m 644 bindings/cpp/include/e2b.hpp "$prefix/include/e2b.hpp"
install -m 644 target/release/libe2b.a "$prefix/lib/libe2b.a"
# .llvmbc/.llvmcmd: LLVM bitcode that only rustc's own LTO reads; C linkers
# drop it.
strip --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd "$prefix/lib/libe2b.a"
install -m 755 target/release/libe2b.so "$prefix/lib/libe2b.so.$version"
strip --strip-debug "$prefix/lib/libe2b.so.$version"
ln -sfn "libe2b.so.$version" "$prefix/lib/libe2b.so.$abi"
ln -sfn "libe2b.so.$abi" "$prefix/lib/libe2b.so"

# pkg-config: the prefix is two folders above the .pc file. `--static` adds
# Libs.private, the system libraries libe2b.a needs, but the linker still takes
# libe2b.so for -le2b when both are here: e2b-static names the archive itself.
pc_head="prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include
"
cat >"$prefix/lib/pkgconfig/e2b.pc" <<PC
${pc_head}
Name: e2b
Description: A client for E2B cloud sandboxes (shared library)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -le2b
Libs.private: $system_libs
PC
cat >"$prefix/lib/pkgconfig/e2b-static.pc" <<PC
${pc_head}
Name: e2b-static
Description: A client for E2B cloud sandboxes (static library)
Version: $version
Cflags: -I\${includedir}
Libs: \${libdir}/libe2b.a $system_libs
PC

cat >"$prefix/lib/cmake/e2b/e2bConfig.cmake" <<CMAKE
# CMake package for libe2b: find_package(e2b) gives e2b::e2b (shared) and
# e2b::e2b_static (static, with the system libraries it needs). A program
# linked with e2b::e2b finds libe2b.so at run time through the RUNPATH CMake
# gives it in the build tree; installed programs keep it with
# CMAKE_INSTALL_RPATH_USE_LINK_PATH (or CMAKE_INSTALL_RPATH).
get_filename_component(_e2b_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET e2b::e2b)
  add_library(e2b::e2b SHARED IMPORTED)
  set_target_properties(e2b::e2b PROPERTIES
    IMPORTED_LOCATION "\${_e2b_prefix}/lib/libe2b.so.$version"
    IMPORTED_SONAME "libe2b.so.$abi"
    INTERFACE_INCLUDE_DIRECTORIES "\${_e2b_prefix}/include")
  add_library(e2b::e2b_static STATIC IMPORTED)
  set_target_properties(e2b::e2b_static PROPERTIES
    IMPORTED_LOCATION "\${_e2b_prefix}/lib/libe2b.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${_e2b_prefix}/include"
    INTERFACE_LINK_LIBRARIES "$(sed 's/-l//g; s/ /;/g' <<<"$system_libs")")
endif()
unset(_e2b_prefix)
CMAKE

cat >"$prefix/lib/cmake/e2b/e2bConfigVersion.cmake" <<CMAKE
set(PACKAGE_VERSION "$version")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
CMAKE

echo "installed libe2b $version in $prefix"
