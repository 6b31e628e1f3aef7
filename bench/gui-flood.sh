#!/bin/sh
# gui-flood.sh: floods the window and prints how it kept up.
#
# Runs `duplex serve` on a free port, opens the window on it under Xvfb with
# the stall probe built in (duplex-window-probed), and has a producer send RATE messages of SIZE bytes per
# second for SECONDS through the relay to the window. The window prints the
# longest main-loop stall, the longest gap between frames, the messages it
# logged per second and its peak RSS when it quits.
#
#   bench/gui-flood.sh [BUILD_DIR] [RATE] [SIZE] [SECONDS]
#
# Environment: GSK_RENDERER (default cairo: see docs/PERFORMANCE-GUI.md),
# DUPLEX_STALL_PROBE=verbose to list every stall over 30 ms and what it was
# spent on (DUPLEX_STALL_PROBE_REPORT_MS changes the threshold), RELAY=path
# to run another build's duplex as the relay, WRAP="perf record -g" to run
# the window under a profiler.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# The build directory: the argument, else build/ or _build/ (.ci/dev's).
default_build=$root/build
[ -d "$default_build" ] || default_build=$root/_build
build=${1:-$default_build}
rate=${2:-50000}
size=${3:-100}
seconds=${4:-5}
duplex=$build/src/duplex
relay=${RELAY:-$duplex}
work=$(mktemp -d)
trap 'kill $serve_pid 2>/dev/null || true; rm -rf "$work"' EXIT

window=$build/bench/gui-flood/duplex-window-probed
for program in "$duplex" "$window"; do
  [ -x "$program" ] || { echo "gui-flood: build first: $program is missing" >&2; exit 2; }
done
for tool in xvfb-run dbus-run-session glib-compile-schemas cc pkg-config; do
  command -v $tool >/dev/null || { echo "gui-flood: $tool is needed" >&2; exit 2; }
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
cc -O2 -o "$work/flood-producer" "$here/gui-flood/flood-producer.c" \
   $(pkg-config --cflags --libs libsoup-3.0)

# The schema under the build's application id.
app_id=$(sed -n 's/^#define APP_ID "\(.*\)"$/\1/p' "$build/config.h")
mkdir -p "$work/schemas"
sed "s/id=\"io.github.duplexws.Duplex\"/id=\"$app_id\"/" \
  "$root/data/io.github.duplexws.Duplex.gschema.xml" > "$work/schemas/$app_id.gschema.xml"
glib-compile-schemas "$work/schemas"

# The relay may queue up to 64 MiB for a slow reader: the window is measured,
# not the relay's slow-consumer policy.
"$relay" serve --port 0 --no-echo --max-queued 64M > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
while [ ! -s "$work/serve.out" ]; do sleep 0.1; done
url=$(head -n 1 "$work/serve.out")

# The window connects at once; the flood starts 3 s later and lasts SECONDS;
# the window quits 3 s after that.
life=$((seconds + 6))
( sleep 3; "$work/flood-producer" "$url" "$rate" "$size" "$seconds" ) &
producer_pid=$!

GSETTINGS_SCHEMA_DIR=$work/schemas GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none \
GSK_RENDERER=${GSK_RENDERER:-cairo} \
DUPLEX_STALL_PROBE=${DUPLEX_STALL_PROBE:-1} DUPLEX_STALL_PROBE_SECONDS=$life \
  dbus-run-session --config-file="$root/tests/gui/session-bus.conf" -- xvfb-run -a -s '-screen 0 1280x1024x24' ${WRAP:-} "$window" "$url" \
  2> "$work/window.err" | tee "$work/window.out"
wait $producer_pid || true
grep "stall-probe" "$work/window.err" || true
# Anything else the window (not the session bus) said: warnings, criticals.
grep -v -e "stall-probe" -e "dbus-daemon" "$work/window.err" > "$work/other.err" || true
if [ -s "$work/other.err" ]; then
  echo "gui-flood: the window also wrote:"
  sort "$work/other.err" | uniq -c | head -n 20
fi

echo "flood: $rate messages/s of $size bytes for $seconds s through $url"
echo "machine: $(nproc) CPUs, load average $load before the run, renderer ${GSK_RENDERER:-cairo}"
grep -E "relayed|Stopped" "$work/serve.err" | tail -n 1 || true
if grep -q "4008\|1009" "$work/serve.err"; then
  echo "flood: the relay closed a client:"; grep "disconnected" "$work/serve.err"
fi
