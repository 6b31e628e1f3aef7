#!/usr/bin/python3
# check-desktop.py: the installed desktop entry is valid, is found by the
# searches its users type, starts duplex with the app's icon, and is
# translated into Russian.
#
# Usage: check-desktop.py DESKTOP_FILE APP_ID
#
# SPDX-License-Identifier: GPL-3.0-or-later

import configparser
import os
import re
import sys

from datatest import Checks, need, run

path, app_id = sys.argv[1:]
checks = Checks('desktop entry')

validate = need('desktop-file-validate', 'desktop-file-utils')
result = run([validate, path])
# Hints (such as two main categories, which is on purpose) are allowed;
# errors and warnings are not.
problems = [line for line in (result.stdout + result.stderr).splitlines()
            if re.search(r'\b(error|warning):', line)]
checks.check(result.returncode == 0 and not problems,
             f'desktop-file-validate {os.path.basename(path)}',
             result.stdout + result.stderr)

checks.check(os.path.basename(path) == app_id + '.desktop', f'the file is named {app_id}.desktop')

parser = configparser.RawConfigParser(strict=True, interpolation=None)
parser.optionxform = str
with open(path, encoding='utf-8') as f:
    parser.read_file(f)
entry = parser['Desktop Entry']

checks.check(entry.get('Exec', '').split()[:1] == ['duplex'], 'Exec starts duplex', entry.get('Exec'))
checks.check(entry.get('Icon') == app_id, f'Icon is {app_id}', entry.get('Icon'))
categories = entry.get('Categories', '').split(';')
for category in ('Development', 'Network'):
    checks.check(category in categories, f'Categories has {category}', entry.get('Categories'))
keywords = entry.get('Keywords', '').split(';')
for keyword in ('websocket', 'ws', 'socket', 'realtime', 'broadcast'):
    checks.check(keyword in keywords, f'Keywords has {keyword}', entry.get('Keywords'))


def cyrillic(text):
    return text is not None and re.search('[а-яА-ЯёЁ]', text) is not None


checks.check(entry.get('Name[ru]') is not None, 'Name[ru] is present', entry.get('Name[ru]'))
checks.check(cyrillic(entry.get('Comment[ru]')), 'Comment[ru] is in Russian', entry.get('Comment[ru]'))
checks.check(cyrillic(entry.get('GenericName[ru]')), 'GenericName[ru] is in Russian',
             entry.get('GenericName[ru]'))
ru_keywords = entry.get('Keywords[ru]', '')
checks.check(cyrillic(ru_keywords) and ru_keywords.endswith(';') and 'websocket' in ru_keywords.split(';'),
             'Keywords[ru] adds Russian words, keeps the English ones and ends with ;', ru_keywords)

checks.finish()
