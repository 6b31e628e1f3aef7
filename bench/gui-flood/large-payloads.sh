#!/bin/sh
# large-payloads.sh: the longest main-loop stall when one large message is
# selected (large-payloads.c), for each kind, then with Show All.
#
#   bench/gui-flood/large-payloads.sh [BUILD_DIR]
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# The build directory: the argument, else build/ or _build/ (.ci/dev's).
default_build=$root/build
[ -d "$default_build" ] || default_build=$root/_build
build=$(cd "${1:-$default_build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

program=$build/bench/gui-flood/gui-large-payloads
if [ ! -x "$program" ]; then
  echo "large-payloads: build the window first in $build" >&2
  exit 2
fi

app_id=$(sed -n 's/^#define APP_ID "\(.*\)"$/\1/p' "$build/config.h")
mkdir -p "$work/schemas"
sed "s/id=\"io.github.duplexws.Duplex\"/id=\"$app_id\"/" \
  "$root/data/io.github.duplexws.Duplex.gschema.xml" > "$work/schemas/$app_id.gschema.xml"
glib-compile-schemas "$work/schemas"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in "json" "text" "binary" "json all" "text all" "binary all"; do
  echo "== $run"
  # shellcheck disable=SC2086
  GSETTINGS_SCHEMA_DIR=$work/schemas GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none \
  GSK_RENDERER=${GSK_RENDERER:-cairo} DUPLEX_STALL_PROBE=${DUPLEX_STALL_PROBE:-verbose} \
    dbus-run-session --config-file="$root/tests/gui/session-bus.conf" -- xvfb-run -a -s '-screen 0 1280x1024x24' \
    "$program" $run 2>&1 | grep -E "stall-probe: (longest|stalls|shown|[0-9.]+ ms stall)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
