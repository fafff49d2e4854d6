#!/usr/bin/env bash
# Builds libe2b in release mode and installs it where C and C++ build systems
# look: the libraries, the header, a pkg-config file and a CMake package.
#
#   scripts/install.sh [PREFIX]        (default /usr/local; e.g. target/prefix)
#
# Then: `pkg-config --cflags --libs e2b` (the linker prefers libe2b.so when
# both are installed; to link statically, name $PREFIX/lib/libe2b.a and add
# -lpthread -ldl -lm -lrt -lgcc_s), or in CMake `find_package(e2b)` and link
# `e2b::e2b` (shared) or `e2b::e2b_static`. The C++ wrapper, e2b.hpp, comes too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mkdir -p "${1:-/usr/local}" && cd "${1:-/usr/local}" && pwd)
cd "$root"

cargo build --release -p e2b
version=$(sed -n 's/^#define E2B_VERSION "\(.*\)"$/\1/p' include/e2b.h)
# The soname follows the ABI version, not the library's: libe2b.so.<abi>.
abi=$(sed -n 's/^#define E2B_ABI_VERSION \([0-9]*\)$/\1/p' include/e2b.h)
private_libs="-lpthread -ldl -lm -lrt -lgcc_s"

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/e2b" "$prefix/include"
install -m 644 include/e2b.h "$prefix/include/e2b.h"
install -m 644 bindings/cpp/include/e2b.hpp "$prefix/include/e2b.hpp"
install -m 644 target/release/libe2b.a "$prefix/lib/libe2b.a"
install -m 755 target/release/libe2b.so "$prefix/lib/libe2b.so.$version"
ln -sfn "libe2b.so.$version" "$prefix/lib/libe2b.so.$abi"
ln -sfn "libe2b.so.$abi" "$prefix/lib/libe2b.so"

cat >"$prefix/lib/pkgconfig/e2b.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: e2b
Description: A client for E2B cloud sandboxes
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -le2b
Libs.private: $private_libs
PC

cat >"$prefix/lib/cmake/e2b/e2bConfig.cmake" <<CMAKE
# CMake package for libe2b: find_package(e2b) gives e2b::e2b (shared) and
# e2b::e2b_static (static, with the system libraries it needs).
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
    INTERFACE_LINK_LIBRARIES "pthread;dl;m;rt;gcc_s")
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
