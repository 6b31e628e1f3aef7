#!/bin/sh
# update-po.sh: regenerate po/duplex.pot from the files in po/POTFILES.in,
# then merge it into every translation listed in po/LINGUAS (msgmerge).
# New strings come out untranslated and changed ones fuzzy: translate them,
# then run `meson test --suite data` (po-check, po-complete).
#
# Usage: po/update-po.sh [BUILDDIR]
#   BUILDDIR  a configured build of this tree; without it a temporary one is
#             set up (command-line only, which is enough to extract strings).
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}

if [ -z "$build" ]; then
  build=$(mktemp -d)
  trap 'rm -rf "$build"' EXIT
  meson setup "$build" "$top" -Dgui=disabled -Dinterop_tests=false >/dev/null
fi

meson compile -C "$build" duplex-pot
meson compile -C "$build" duplex-update-po

for lang in $(grep -v '^#' "$top/po/LINGUAS"); do
  printf '%s: ' "$lang"
  LC_ALL=C msgfmt --statistics -o /dev/null "$top/po/$lang.po"
done
