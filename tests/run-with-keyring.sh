#!/bin/sh
# Runs a test against a real Secret Service of its own: a private session
# bus (no services to start, tests/gui/session-bus.conf) with
# gnome-keyring-daemon's secrets component, its login keyring created and
# unlocked with a throwaway password, in a temporary home that is removed
# afterwards. Works headless; the desktop's own keyring is never touched.
#
#   run-with-keyring.sh SESSION-BUS-CONF PROGRAM [ARGS...]
set -eu

conf=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/duplex-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/run"
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run"

# The daemon forks and leaves with the bus; its stdout is the environment
# it would have us export, which a private bus does not need. It runs
# without the tests' strict environment: a warning of its own made fatal
# would take the keyring away in the middle of a test.
status=0
dbus-run-session --config-file="$conf" -- sh -c '
  printf %s duplex-test |
    env -u G_DEBUG -u MALLOC_CHECK_ -u MALLOC_PERTURB_ gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # The daemon answers before it owns its name on the bus; a test that
  # asked at once, on a loaded machine, found no Secret Service. Bounded:
  # 10 s at most, then the test runs and says what it found.
  i=0
  while [ $i -lt 100 ] && ! gdbus call --session --dest org.freedesktop.DBus \
      --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.NameHasOwner \
      org.freedesktop.secrets 2>/dev/null | grep -q true; do
    sleep 0.1
    i=$((i + 1))
  done
  exec "$@"' sh "$@" || status=$?
exit $status
