#!/bin/sh
# relay-in-window.sh: the window's own relay under a flood, and the window's stalls.
#
# Opens the window with the stall probe (duplex-window-probed) under Xvfb and
# turns its local server on (DUPLEX_STALL_PROBE_SERVER), connects CLIENTS
# subscribers to it with `duplex bench`, and has flood-producer send RATE
# text messages of SIZE bytes a second for SECONDS through the window's
# relay, which sends every one to every subscriber. The window prints its
# longest main-loop stall when it quits, and (with the verbose probe, the
# default here) every stall over 16 ms. This script reports those that
# overlap the flood, and those from the first client joining to the end
# (the clients joining and leaving update the window's server panel, the
# window's own work beside the relay's). The bench
# prints what its subscribers received (the flood's messages count as
# "ignored": they are not the bench's own, which it sends one at a time
# alongside until it times out after the flood).
#
#   bench/gui-flood/relay-in-window.sh [BUILD_DIR] [RATE] [CLIENTS] [SECONDS] [SIZE]
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
clients=${3:-100}
seconds=${4:-5}
size=${5:-100}
duplex=$build/src/duplex
window=$build/bench/gui-flood/duplex-window-probed
work=$(mktemp -d)
trap 'if [ -n "${KEEP:-}" ]; then cp "$work/window.err" "$KEEP"; fi; rm -rf "$work"' EXIT

for program in "$duplex" "$window"; do
  [ -x "$program" ] || { echo "relay-in-window: build first: $program is missing" >&2; exit 2; }
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
cc -O2 -o "$work/flood-producer" "$here/flood-producer.c" $(pkg-config --cflags --libs libsoup-3.0)

app_id=$(sed -n 's/^#define APP_ID "\(.*\)"$/\1/p' "$build/config.h")
mkdir -p "$work/schemas"
sed "s/id=\"io.github.duplexws.Duplex\"/id=\"$app_id\"/" \
  "$root/data/io.github.duplexws.Duplex.gschema.xml" > "$work/schemas/$app_id.gschema.xml"
glib-compile-schemas "$work/schemas"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=ws://127.0.0.1:$port/
# The window starts its server at once; the flood starts 4 s later and lasts
# SECONDS; the window quits 16 s after that (the flood may run late on a busy machine).
life=$((seconds + 20))

GSETTINGS_SCHEMA_DIR=$work/schemas GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none \
GSK_RENDERER=${GSK_RENDERER:-cairo} DUPLEX_STALL_PROBE=${DUPLEX_STALL_PROBE:-verbose} \
DUPLEX_STALL_PROBE_REPORT_MS=${DUPLEX_STALL_PROBE_REPORT_MS:-16} \
DUPLEX_STALL_PROBE_SECONDS=$life DUPLEX_STALL_PROBE_SERVER=$port \
  dbus-run-session --config-file="$root/tests/gui/session-bus.conf" -- \
  xvfb-run -a -s '-screen 0 1280x1024x24' ${WRAP:-} "$window" > "$work/window.out" 2> "$work/window.err" &
window_pid=$!
started=$(date +%s.%N)

# Bounded wait for the window's server.
tries=0
until /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; do
  tries=$((tries + 1))
  if [ $tries -ge 100 ]; then
    echo "relay-in-window: the window's server did not start on port $port" >&2
    kill $window_pid 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done
sleep 2

# The subscribers: the bench's own messages at a trickle, for as long as the
# flood lasts; every flood message reaches each of them too.
clients_start=$(date +%s.%N)
"$duplex" bench "$url" --clients "$clients" --messages 1000000 --window 1 \
  --size "$size" --timeout $((seconds + 6)) > "$work/bench.out" 2> "$work/bench.err" &
bench_pid=$!
sleep 1
flood_start=$(date +%s.%N)
"$work/flood-producer" "$url" "$rate" "$size" "$seconds" 2> "$work/producer.err" || true
flood_end=$(date +%s.%N)
wait $bench_pid || true
wait $window_pid || true

grep -h "stall-probe" "$work/window.err" "$work/window.out" 2>/dev/null | grep -v " stall at " || true
/usr/bin/python3 - "$work/window.err" "$started" "$flood_start" "$flood_end" "$clients_start" <<'PY'
import re, sys
started, start, end, joining = (float(x) for x in sys.argv[2:6])
start, end, joining = start - started, end - started, joining - started
gaps = []
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"([\d.]+) ms stall at ([\d.]+) s \(([\d.]+) ms CPU\)", line)
    if m:
        ms, at, cpu = float(m.group(1)), float(m.group(2)), float(m.group(3))
        gaps.append((ms, cpu, at - ms / 1000, at))

def report(what, first, last):
    # A stall counts when any of it falls inside [first, last].
    stalls = [(ms, cpu) for ms, cpu, begin, end_ in gaps if begin <= last and end_ >= first]
    worst = max(stalls, default=(0.0, 0.0))
    span = f"{first:.1f} s to {last:.1f} s" if last != float("inf") else f"{first:.1f} s on"
    print(f"{what} ({span} after the window started): "
          f"{len(stalls)} stalls over 16 ms, {sum(1 for s in stalls if s[0] > 50)} over 50 ms, "
          f"longest {worst[0]:.1f} ms ({worst[1]:.1f} ms of it on the CPU), "
          f"longest on the CPU {max((s[1] for s in stalls), default=0.0):.1f} ms")

report("during the flood", start, end)
report("from the first client joining to the end", joining, float("inf"))
PY
cat "$work/producer.err"
/usr/bin/python3 - "$work/bench.out" "$rate" "$seconds" "$clients" <<'PY'
import json, sys
try:
    r = json.loads(open(sys.argv[1]).readline())
except ValueError:
    sys.exit("relay-in-window: the bench printed nothing")
rate, seconds, clients = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"subscribers: {r['connected']} connected, flood messages received {r['ignored']:,} "
      f"of {rate * seconds * clients:,} sent to them, bench messages {r['deliveries']:,} of "
      f"{r['expected_deliveries']:,}, errors {r['errors']} {r['first_error'] or ''}")
PY
echo "flood: $rate messages/s of $size bytes for $seconds s through the window's relay to $clients clients"
echo "machine: $(nproc) CPUs, load average $load before the run, renderer ${GSK_RENDERER:-cairo}"
