#!/usr/bin/python3
# check-ru-help.py: an installed duplex speaks Russian to a Russian user:
# `duplex --help` and `duplex serve --help` print the translations.
#
# gettext finds a catalogue only under the locale directory compiled into
# the binary, and nothing can point an installed C binary elsewhere, so a
# DESTDIR staging of the main build cannot show it. This test configures a
# second, command-line-only build of the same sources with its prefix in a
# temporary directory, installs the binary and the catalogues there (the
# runtime and i18n install tags), and runs the installed binary as a Russian
# user does: LANG=ru_RU.UTF-8.
#
# Not LC_ALL=C.UTF-8 LANGUAGE=ru: glibc 2.39 and later treat C.UTF-8 as the
# C locale, where gettext ignores LANGUAGE, so that user gets English from
# every program (Debian 13 and the GNOME 49 runtime have such a glibc).
# Without ru_RU.UTF-8 the test falls back to LANGUAGE=ru in another real
# locale, which every glibc honours; a Flatpak build sandbox may have no
# locale but C, and only there does the test skip.
#
# Usage: check-ru-help.py MESON SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import locale
import os
import re
import sys
import tempfile

from datatest import SKIP, Checks, in_flatpak, run

meson, source_root = sys.argv[1:]
checks = Checks('Russian help')
CYRILLIC = re.compile('[а-яА-ЯёЁ]')


def locale_exists(name):
    # Put back the test's own locale: Python decodes the output with it.
    own = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, name)
        return True
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_ALL, own)


def russian_user():
    """The environment of a Russian user, and how to name it in the report."""
    if locale_exists('ru_RU.UTF-8'):
        return {'LANG': 'ru_RU.UTF-8'}, 'LANG=ru_RU.UTF-8'
    for other in ('en_US.UTF-8', 'en_GB.UTF-8', 'de_DE.UTF-8', 'fr_FR.UTF-8'):
        if locale_exists(other):
            return {'LANG': other, 'LANGUAGE': 'ru'}, f'LANG={other} LANGUAGE=ru'
    return None, None


user_env, user_name = russian_user()
if user_env is None:
    if in_flatpak():
        print('SKIP: no locale but C in this SDK, and gettext ignores LANGUAGE in C')
        sys.exit(SKIP)
    checks.check(False, 'the ru_RU.UTF-8 locale exists',
                 'install the Debian package locales and run: localedef -i ru_RU -f UTF-8 ru_RU.UTF-8')
    checks.finish()

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

    user = {**env, **user_env}
    for args, phrases in ((['--help'], ['Usage:', 'Exit status:', 'connection or protocol failure',
                                        'Run the broadcast relay: every message goes to every client']),
                          (['serve', '--help'], ['Port to listen on (default 4000; 0 picks a free one)',
                                                 'Do not send a message back to its sender'])):
        command = 'duplex ' + ' '.join(args)
        result = run([binary, *args], env=user)
        output = result.stdout
        checks.check(result.returncode == 0, f'{user_name} {command} exits with 0', result.stderr)
        for english in phrases:
            russian = ru.gettext(english)
            checks.check(russian != english and CYRILLIC.search(russian) and russian in output
                         and english not in output,
                         f'{user_name} {command} prints “{english}” in Russian',
                         f'expected “{russian}” in:\n' + output)

checks.finish()
