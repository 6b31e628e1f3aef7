#!/usr/bin/python3
# check-manpage.py: duplex.1 formats without warnings and documents what
# the binary offers: every command in `duplex --help`, every option in
# `duplex COMMAND --help-all`, and the exit statuses.
#
# Usage: check-manpage.py MAN_PAGE DUPLEX
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys

from datatest import Checks, need, run

page, duplex = sys.argv[1:]
checks = Checks('man page')
groff = need('groff', 'groff-base')

result = run([groff, '-ww', '-z', '-man', page])
checks.check(result.returncode == 0 and not result.stderr.strip(), 'groff -ww -z -man reports nothing',
             result.stderr)
man = need('man', 'man-db')
result = run([man, '--warnings', '-l', page], env={**os.environ, 'MANPAGER': 'cat', 'PAGER': 'cat',
                                                   'MANWIDTH': '80'})
checks.check(result.returncode == 0 and not result.stderr.strip() and 'duplex' in result.stdout,
             'man --warnings -l renders it without warnings', result.stderr)

with open(page, encoding='utf-8') as f:
    source = f.read()
# Plain text of the source for searching: \- is a hyphen, font quoting gone.
plain = source.replace('\\-', '-').replace('\\&', '')


def section(name):
    m = re.search(r'^\.SH "?' + re.escape(name) + r'"?\n(.*?)(?=^\.SH |\Z)', plain, re.M | re.S)
    return m.group(1) if m else ''


# .SS subsections of OPTIONS by lowercase title, "(consume and produce)" dropped.
subsections = {}
for title, body in re.findall(r'^\.SS "?([^"\n]*)"?\n(.*?)(?=^\.SS |\Z)', section('OPTIONS'), re.M | re.S):
    subsections[re.sub(r'\s*\(.*\)$', '', title).lower()] = body

env = {**os.environ, 'LANGUAGE': 'C'}
help_text = run([duplex, '--help'], env=env).stdout
commands = re.findall(r'^\s+duplex (\w+)\s{2,}', help_text, re.M)
checks.check(commands, '`duplex --help` lists commands', help_text)
for command in commands:
    checks.check(re.search(r'^\.B ' + command + r'$', section('COMMANDS'), re.M),
                 f'COMMANDS describes {command}')
    checks.check(re.search(r'^\.B duplex ' + command + r'$', section('SYNOPSIS'), re.M),
                 f'SYNOPSIS shows duplex {command}')
    options_help = run([duplex, command, '--help-all'], env=env).stdout
    # Options of a shared group ("Connection options:") belong in the
    # subsection of that name; the others in the command's own subsection.
    options, group = [], None
    for line in options_help.splitlines():
        if re.match(r'^\S.*:$', line):
            group = line[:-1]
        m = re.match(r'^\s+(?:(-\w), )?--([\w-]+)', line)
        if m and not m.group(2).startswith('help'):
            options.append((m.group(1), m.group(2), group))
    checks.check(options, f'`duplex {command} --help-all` lists options', options_help)
    for short, name, group in options:
        shared = group if group and group.lower() not in ('application options', 'help options') else None
        where = subsections.get(shared.lower() if shared else command, '')
        spelled = (short + ', ' if short else '') + '--' + name
        pattern = (re.escape(short) + r'\W+' if short else r'(?<![\w-])') + '--' + re.escape(name) + r'\b'
        checks.check(re.search(pattern, where),
                     f'OPTIONS, {shared or command}, documents duplex {command} {spelled}')

statuses = section('EXIT STATUS')
for status in ('0', '1', '2'):
    checks.check(re.search(r'^\.B ' + status + '$', statuses, re.M), f'EXIT STATUS explains {status}')
version = run([duplex, '--version']).stdout.split()[-1:]
checks.check(version and f'"Duplex {version[0]}"' in source, f'the title line names version {version}')

checks.finish()
