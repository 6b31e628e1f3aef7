#!/usr/bin/python3
# check-install.py: `meson install` puts everything a desktop needs where a
# desktop looks for it, under the prefix and named after the app id, and
# the installed binary runs.
#
# Usage: check-install.py MESON BUILD_ROOT PREFIX BINDIR DATADIR MANDIR LOCALEDIR APP_ID VERSION
#        (directories absolute, as meson resolves them)
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

from datatest import Checks, need, run

meson, build_root, prefix, bindir, datadir, mandir, localedir, app_id, version, libexecdir = sys.argv[1:]
checks = Checks('install')
compile_schemas = need('glib-compile-schemas', 'libglib2.0-bin')
gsettings = need('gsettings', 'libglib2.0-bin')

with tempfile.TemporaryDirectory() as destdir:
    def staged(*parts):
        return os.path.join(destdir, os.path.join(*parts).lstrip('/'))

    env = {k: v for k, v in os.environ.items() if k != 'DESTDIR'}
    result = run([meson, 'install', '-C', build_root, '--destdir', destdir, '--no-rebuild', '--quiet'], env=env)
    if not checks.check(result.returncode == 0, 'meson install --destdir succeeds', result.stdout + result.stderr):
        checks.finish()

    installed = sorted(os.path.relpath(os.path.join(d, f), destdir)
                       for d, _, files in os.walk(destdir) for f in files)
    outside = [p for p in installed if not ('/' + p).startswith(prefix.rstrip('/') + '/')]
    checks.check(not outside, f'everything is installed under the prefix {prefix}', '\n'.join(outside))

    binary = staged(bindir, 'duplex')
    if checks.check(os.access(binary, os.X_OK), f'{bindir}/duplex is installed and executable'):
        result = run([binary, '--version'])
        checks.check(result.returncode == 0 and result.stdout.strip() == f'duplex {version}',
                     f'the installed duplex --version prints "duplex {version}"', result.stdout + result.stderr)

    # The window is a program of its own that duplex starts, when it is built.
    if os.path.exists(os.path.join(build_root, 'src', 'duplex-window')):
        window = staged(libexecdir, 'duplex-window')
        checks.check(os.access(window, os.X_OK), f'{libexecdir}/duplex-window is installed and executable')

    desktop = staged(datadir, 'applications', app_id + '.desktop')
    if checks.check(os.path.isfile(desktop), f'applications/{app_id}.desktop'):
        with open(desktop, encoding='utf-8') as f:
            lines = f.read().splitlines()
        checks.check(f'Icon={app_id}' in lines, f'the installed desktop entry uses the icon {app_id}')
        mime_types = next((l.split('=', 1)[1].split(';') for l in lines if l.startswith('MimeType=')), [])
        checks.check('application/jsonl' in mime_types,
                     'the installed desktop entry opens JSON Lines (MimeType=application/jsonl)')
        checks.check(any(l.startswith('Exec=') and ('%F' in l or '%U' in l) for l in lines),
                     'the installed desktop entry passes the files it opens to duplex')

    # Debian 12's shared-mime-info (2.2) has no application/jsonl: ours
    # defines it, for *.jsonl.
    mime = staged(datadir, 'mime', 'packages', app_id + '.xml')
    if checks.check(os.path.isfile(mime), f'mime/packages/{app_id}.xml'):
        ns = {'m': 'http://www.freedesktop.org/standards/shared-mime-info'}
        jsonl = ET.parse(mime).getroot().find("m:mime-type[@type='application/jsonl']", ns)
        checks.check(jsonl is not None and
                     any(g.get('pattern') == '*.jsonl' for g in jsonl.findall('m:glob', ns)),
                     f'the installed mime/packages/{app_id}.xml defines application/jsonl for *.jsonl')

    metainfo = staged(datadir, 'metainfo', app_id + '.metainfo.xml')
    if checks.check(os.path.isfile(metainfo), f'metainfo/{app_id}.metainfo.xml'):
        checks.check(ET.parse(metainfo).getroot().findtext('id') == app_id, f'the installed metainfo id is {app_id}')

    for kind, name in (('scalable', app_id + '.svg'), ('symbolic', app_id + '-symbolic.svg')):
        icon = staged(datadir, 'icons', 'hicolor', kind, 'apps', name)
        if checks.check(os.path.isfile(icon), f'icons/hicolor/{kind}/apps/{name}'):
            checks.check(ET.parse(icon).getroot().tag.endswith('svg'), f'{name} is an SVG')

    schemas = staged(datadir, 'glib-2.0', 'schemas')
    schema = os.path.join(schemas, app_id + '.gschema.xml')
    if checks.check(os.path.isfile(schema), f'glib-2.0/schemas/{app_id}.gschema.xml'):
        # With DESTDIR meson skips the post-install compile: do it here, the
        # way the post-install hook does on a real install.
        with tempfile.TemporaryDirectory() as compiled:
            result = run([compile_schemas, '--strict', '--targetdir', compiled, schemas])
            checks.check(result.returncode == 0, 'the installed schemas compile', result.stderr)
            result = run([gsettings, '--schemadir', compiled, 'list-keys', app_id])
            checks.check(result.returncode == 0 and result.stdout.split(),
                         f'GSettings finds the schema {app_id} with its keys', result.stderr)

    mo = staged(localedir, 'ru', 'LC_MESSAGES', 'duplex.mo')
    if checks.check(os.path.isfile(mo), 'locale/ru/LC_MESSAGES/duplex.mo'):
        ru = gettext.translation('duplex', localedir=staged(localedir), languages=['ru'])
        checks.check(ru.gettext('Usage:') != 'Usage:', 'the installed catalogue translates the usage into Russian',
                     ru.gettext('Usage:'))

    man = staged(mandir, 'man1', 'duplex.1')
    checks.check(os.path.isfile(man), 'man1/duplex.1')

checks.finish()
