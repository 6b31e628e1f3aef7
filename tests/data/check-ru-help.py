#!/usr/bin/python3
# check-ru-help.py: an installed duplex speaks Russian to a Russian user:
# `duplex --help` and `duplex serve --help` print the translations.
#
# gettext finds a catalogue only under the locale directory compiled into
# the binary, and nothing can point an installed C binary elsewhere, so a
# DESTDIR staging of the main build cannot show it. This test configures a
# second, command-line-only build of the same sources with its prefix in a
# temporary directory, installs the binary and the catalogues there (the
# runtime and i18n install tags), and runs the installed binary with
# LC_ALL=C.UTF-8 LANGUAGE=ru, exactly as a user's installation would.
#
# Usage: check-ru-help.py MESON SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import os
import re
import sys
import tempfile

from datatest import Checks, run

meson, source_root = sys.argv[1:]
checks = Checks('Russian help')
CYRILLIC = re.compile('[а-яА-ЯёЁ]')

# The nested meson must not inherit the outer test's build settings.
env = {k: v for k, v in os.environ.items()
       if not k.startswith(('MESON', 'DESTDIR', 'LANG', 'LC_')) and k not in ('LANGUAGE', 'DUPLEX')}

with tempfile.TemporaryDirectory() as tmp:
    build, prefix = os.path.join(tmp, 'build'), os.path.join(tmp, 'prefix')
    for step in ([meson, 'setup', build, source_root, '--prefix', prefix,
                  '-Dgui=disabled', '-Dinterop_tests=false'],
                 [meson, 'compile', '-C', build, 'duplex', 'duplex-gmo'],
                 [meson, 'install', '-C', build, '--no-rebuild', '--quiet', '--tags', 'runtime,i18n']):
        result = run(step, env=env)
        if not checks.check(result.returncode == 0, ' '.join(step[:2]) + ' of a build with prefix ' + prefix,
                            result.stdout[-3000:] + result.stderr[-3000:]):
            checks.finish()

    binary = os.path.join(prefix, 'bin', 'duplex')
    localedir = os.path.join(prefix, 'share', 'locale')
    checks.check(os.path.isfile(os.path.join(localedir, 'ru', 'LC_MESSAGES', 'duplex.mo')),
                 'the Russian catalogue is installed under the prefix')
    ru = gettext.translation('duplex', localedir=localedir, languages=['ru'], fallback=True)

    user = {**env, 'LC_ALL': 'C.UTF-8', 'LANGUAGE': 'ru'}
    for args, phrases in ((['--help'], ['Usage:', 'Exit status:', 'connection or protocol failure',
                                        'Run the broadcast relay: every message goes to every client']),
                          (['serve', '--help'], ['Port to listen on (default 4000; 0 picks a free one)',
                                                 'Do not send a message back to its sender'])):
        command = 'duplex ' + ' '.join(args)
        result = run([binary, *args], env=user)
        output = result.stdout
        checks.check(result.returncode == 0, f'LANGUAGE=ru {command} exits with 0', result.stderr)
        for english in phrases:
            russian = ru.gettext(english)
            checks.check(russian != english and CYRILLIC.search(russian) and russian in output
                         and english not in output,
                         f'LANGUAGE=ru {command} prints “{english}” in Russian',
                         f'expected “{russian}” in:\n' + output
                         + '\n(the C.UTF-8 locale must exist: LANGUAGE is ignored in the C locale)')

checks.finish()
