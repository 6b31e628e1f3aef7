#!/bin/sh
# in-process.sh: the window's own cost under a flood, without the network.
#
# Runs the build's gui-flood-in-process (in-process.c) under
# Xvfb with the verbose stall probe: RATE log entries of 100 bytes a second
# for SECONDS, appended from a 1 ms timer in the window's own process.
#
#   bench/gui-flood/in-process.sh [BUILD_DIR] [RATE] [SECONDS]
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# The build directory: the argument, else build/ or _build/ (.ci/dev's).
default_build=$root/build
[ -d "$default_build" ] || default_build=$root/_build
build=$(cd "${1:-$default_build}" && pwd)
rate=${2:-50000}
seconds=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

program=$build/bench/gui-flood/gui-flood-in-process
if [ ! -x "$program" ]; then
  echo "in-process: build the window first in $build" >&2
  exit 2
fi

app_id=$(sed -n 's/^#define APP_ID "\(.*\)"$/\1/p' "$build/config.h")
mkdir -p "$work/schemas"
sed "s/id=\"io.github.duplexws.Duplex\"/id=\"$app_id\"/" \
  "$root/data/io.github.duplexws.Duplex.gschema.xml" > "$work/schemas/$app_id.gschema.xml"
glib-compile-schemas "$work/schemas"

GSETTINGS_SCHEMA_DIR=$work/schemas GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none \
GSK_RENDERER=${GSK_RENDERER:-cairo} DUPLEX_STALL_PROBE=${DUPLEX_STALL_PROBE:-verbose} \
  dbus-run-session --config-file="$root/tests/gui/session-bus.conf" -- xvfb-run -a -s '-screen 0 1280x1024x24' \
  "$program" "$rate" "$seconds" \
  2>&1 | grep "stall-probe"
