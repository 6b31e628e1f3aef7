#!/usr/bin/python3
# check-po.py: the translations compile, and (with --complete) cover every
# string the sources have today, so a Russian user sees no English.
#
# Usage: check-po.py SOURCE_ROOT           msgfmt --check on every po file
#        check-po.py SOURCE_ROOT --complete  every current string translated
#
# Output is TAP. A string the code cuts short with a format macro, as in
# _("%" G_GUINT64_FORMAT " messages"), never reaches the catalogue whole and
# so can never be translated: that is a failure, except for the few listed
# in KNOWN_CUT, reported as TODO until the code is fixed.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys
import tempfile

from datatest import need, run

# The glib preset of meson's i18n.gettext(), which po/meson.build uses.
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]

# Cut strings already in the code, reported as TODO until fixed: write
# plain formats inside _() (%llu with a cast to unsigned long long, %zu for
# gsize), as the core does, so xgettext and msgfmt see the whole string.
KNOWN_CUT = {
    'message %',                    # src/core/dpx-bench.c, twice
    'received message %',           # src/core/dpx-bench.c
    'timed out after %u s: %',      # src/core/dpx-bench.c
    '%',                            # src/gui/dpx-log-view.c, ngettext of dropped messages
    '%s\n… %',                      # src/gui/dpx-log-view.c, long payload in the details
}


class Tap:
    def __init__(self):
        self.number = 0
        self.failed = False

    def result(self, ok, name, detail=None, todo=None):
        self.number += 1
        line = f'{"ok" if ok else "not ok"} {self.number} - {name}'
        if todo:
            line += f' # TODO {todo}'
        elif not ok:
            self.failed = True
        print(line)
        for text in str(detail or '').rstrip().splitlines():
            print(f'#   {text}')
        return ok

    def finish(self):
        print(f'1..{self.number}')
        sys.exit(1 if self.failed else 0)


def unquote(text):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t', '"': '"', '\\': '\\'}.get(m.group(1), m.group(1)),
                  text)


def parse_po(path):
    """Entries of a po file as dicts: ctxt, id, plural, strs, fuzzy, refs."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and 'id' in entry:
            entries.append(entry)

    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('#~') or not line.strip():
                if not line.strip():
                    close()
                    entry, field = None, None
                continue
            if entry is None:
                entry = {'ctxt': None, 'plural': None, 'strs': {}, 'fuzzy': False, 'refs': []}
            if line.startswith('#,'):
                entry['fuzzy'] = 'fuzzy' in line
            elif line.startswith('#:'):
                entry['refs'] += line[2:].split()
            elif line.startswith('#'):
                continue
            else:
                m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
                if m:
                    keyword, index, value = m.group(1), m.group(2), unquote(m.group(3))
                    field = {'msgctxt': 'ctxt', 'msgid': 'id', 'msgid_plural': 'plural'}.get(keyword)
                    if field:
                        entry[field] = value
                    else:
                        field = int(index or 0)
                        entry['strs'][field] = value
                elif line.startswith('"') and field is not None:
                    value = unquote(line[1:-1])
                    if isinstance(field, int):
                        entry['strs'][field] += value
                    else:
                        entry[field] = (entry[field] or '') + value
    close()
    return [e for e in entries if e['id'] != '' or e['ctxt'] is not None]


def shown(msgid):
    """A msgid on one line, for TAP."""
    return msgid.replace('\n', '\\n')


def languages(source_root):
    with open(os.path.join(source_root, 'po', 'LINGUAS'), encoding='utf-8') as f:
        return [w for line in f if not line.lstrip().startswith('#') for w in line.split()]


def check_compiles(tap, source_root):
    msgfmt = need('msgfmt', 'gettext')
    langs = languages(source_root)
    tap.result('ru' in langs, 'po/LINGUAS lists ru', ' '.join(langs))
    for lang in langs:
        path = os.path.join(source_root, 'po', lang + '.po')
        if not tap.result(os.path.isfile(path), f'po/{lang}.po exists'):
            continue
        result = run([msgfmt, '--check', '--check-accelerators=_', '--statistics', '-o', os.devnull, path],
                     env={**os.environ, 'LC_ALL': 'C'})
        tap.result(result.returncode == 0, f'msgfmt --check po/{lang}.po', result.stderr)
        fuzzy = [e['id'] for e in parse_po(path) if e['fuzzy']]
        tap.result(not fuzzy, f'po/{lang}.po has no fuzzy entries', '\n'.join(fuzzy))
        tap.result(f'Language: {lang}\\n' in open(path, encoding='utf-8').read(),
                   f'po/{lang}.po says Language: {lang}')


def check_complete(tap, source_root):
    xgettext = need('xgettext', 'gettext')
    with open(os.path.join(source_root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        files = [line.strip() for line in f if line.strip() and not line.startswith('#')]
    files = [p for p in files if os.path.isfile(os.path.join(source_root, p))]

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'duplex.pot')
        result = run([xgettext, *XGETTEXT_ARGS, '--directory', source_root, '-o', pot, *files])
        if not tap.result(result.returncode == 0 and os.path.exists(pot),
                          f'xgettext extracts the strings of {len(files)} files', result.stderr):
            return
        current = parse_po(pot)

    cut = [e for e in current if re.search(r'(?<!%)(%%)*%$', e['id'])]
    for e in cut:
        if e['id'] in KNOWN_CUT:
            tap.result(False, f'{e["refs"][0]}: "{shown(e["id"])}" is cut short by a format macro',
                       todo='write a plain format (%llu, %zu) inside _(), then translate it')
    new_cut = [e for e in cut if e['id'] not in KNOWN_CUT]
    tap.result(not new_cut, 'no other msgid is cut short by a format macro (write %llu or %zu inside _())',
               '\n'.join(f'{e["refs"][0]}: "{shown(e["id"])}"' for e in new_cut))
    wanted = [e for e in current if e not in cut]

    for lang in languages(source_root):
        path = os.path.join(source_root, 'po', lang + '.po')
        if not os.path.isfile(path):
            tap.result(False, f'po/{lang}.po exists')
            continue
        have = {(e['ctxt'], e['id']): e for e in parse_po(path)}
        missing = []
        for e in wanted:
            t = have.get((e['ctxt'], e['id']))
            if t is None or t['fuzzy'] or not t['strs'] or not all(t['strs'].values()):
                missing.append(f'{e["refs"][0] if e["refs"] else "?"}: "{shown(e["id"])}"')
        tap.result(not missing, f'po/{lang}.po translates all {len(wanted)} current strings',
                   f'{len(missing)} missing or fuzzy; run po/update-po.sh and translate them:\n'
                   + '\n'.join(missing) if missing else None)


def main():
    source_root = sys.argv[1]
    tap = Tap()
    if '--complete' in sys.argv[2:]:
        check_complete(tap, source_root)
    else:
        check_compiles(tap, source_root)
    tap.finish()


if __name__ == '__main__':
    main()
