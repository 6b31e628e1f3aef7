#!/usr/bin/python3
# check-potfiles.py: po/POTFILES.in lists every file under src/ and data/
# that has translatable strings, and nothing that does not exist. A file
# missing from the list stays in English for every translation.
#
# Usage: check-potfiles.py SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

from datatest import Checks

source_root = sys.argv[1]
checks = Checks('POTFILES.in')

# _() N_() C_() NC_() and the g_d*gettext family, not some_function_().
C_MARKS = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|g_d[cnp]?gettext2?|n?gettext)\s*\(')
UI_MARKS = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']')
# These formats are translatable by nature: their names, summaries and
# descriptions go through the po files.
ALWAYS = re.compile(r'\.(desktop\.in(\.in)?|metainfo\.xml\.in(\.in)?|appdata\.xml\.in(\.in)?|gschema\.xml(\.in)?)$')


def translatable(path):
    name = os.path.basename(path)
    if ALWAYS.search(name):
        return True
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return False
    if name.endswith(('.c', '.h')):
        # Comments may mention _() without being strings to translate.
        text = re.sub(r'/\*.*?\*/|//[^\n]*', '', text, flags=re.S)
        return C_MARKS.search(text) is not None
    if name.endswith(('.ui', '.blp')):
        return UI_MARKS.search(text) is not None or (name.endswith('.blp') and C_MARKS.search(text))
    return False


listed = []
with open(os.path.join(source_root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith('#'):
            listed.append(line)

checks.check(len(listed) == len(set(listed)), 'no file is listed twice')
missing_on_disk = [p for p in listed if not os.path.isfile(os.path.join(source_root, p))]
checks.check(not missing_on_disk, 'every listed file exists',
             '\n'.join(f'{p}: listed but not found' for p in missing_on_disk))

found = []
for top in ('src', 'data'):
    for directory, dirs, files in os.walk(os.path.join(source_root, top)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            if translatable(path):
                found.append(os.path.relpath(path, source_root))

unlisted = [p for p in found if p not in listed]
checks.check(not unlisted, f'every file with translatable strings is listed ({len(found)} found)',
             '\n'.join(f'{p}: has translatable strings; add it to po/POTFILES.in' for p in unlisted))

checks.finish()
