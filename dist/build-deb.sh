#!/bin/sh
# build-deb: the one recipe for flowcost's .deb (used by docs/install.md, the
# Dockerfile and tests/install_test.sh).
#
#   sh dist/build-deb.sh [SOURCE_DIR [BUILD_DIR]]
#
# Configures a Release build with Debian's hardening flags (dpkg-buildflags:
# fortify, stack protector, relro, bindnow), builds only the binary and its
# documentation (not the tests), runs `cpack -G DEB` in the build tree and
# prints the path of the .deb on stdout. FLOWCOST_COMMIT in the environment
# names the commit when the source has no .git (a Docker build context).
set -eu
src=$(cd "${1:-.}" && pwd)
build=${2:-$src/build-deb}
export DEB_BUILD_MAINT_OPTIONS=hardening=+all  # bindnow too
# from the source dir: -ffile-prefix-map maps the working directory, so the
# flags (and the build) do not depend on where this script is called from
cflags=$(cd "$src" && echo "$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)")
ldflags=$(dpkg-buildflags --get LDFLAGS)
# CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: cpack then installs what was built
# below instead of building every target (the test programs) first.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
  -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON ${FLOWCOST_COMMIT:+"-DFLOWCOST_COMMIT=$FLOWCOST_COMMIT"} >&2
cmake --build "$build" --target flowcost flowcost_docs -j"${JOBS:-2}" >&2
rm -f "$build"/flowcost_*.deb
(cd "$build" && cpack -G DEB >&2)
ls "$build"/flowcost_*.deb
