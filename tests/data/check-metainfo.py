#!/usr/bin/python3
# check-metainfo.py: the AppStream metainfo validates without warnings and
# says what software centres show: the app id, how to launch it, the binary,
# the developer, links, screenshots, the release, the content rating, and
# a Russian translation.
#
# Usage: check-metainfo.py METAINFO_FILE APP_ID VERSION
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys
import xml.etree.ElementTree as ET

from datatest import Checks, need, run

path, app_id, version = sys.argv[1:]
checks = Checks('metainfo')
LANG = '{http://www.w3.org/XML/1998/namespace}lang'
HOME = 'https://github.com/duplexws/duplex'
SCREENSHOTS = HOME.replace('github.com', 'raw.githubusercontent.com') + '/main/docs/screenshots/'

appstreamcli = need('appstreamcli', 'appstream')
result = run([appstreamcli, 'validate', '--no-net', '--explain', path])
output = result.stdout + result.stderr
# Infos are allowed (older AppStream reports <developer> as unknown);
# warnings and errors are not.
problems = [line for line in output.splitlines() if re.match(r'\s*[WE]:', line)]
checks.check(result.returncode == 0 and not problems, 'appstreamcli validate --no-net', output)

checks.check(os.path.basename(path) == app_id + '.metainfo.xml', f'the file is named {app_id}.metainfo.xml')

root = ET.parse(path).getroot()


def text(xpath):
    node = root.find(xpath)
    return node.text.strip() if node is not None and node.text else None


def untranslated(xpath):
    return [node for node in root.findall(xpath) if LANG not in node.attrib]


checks.check(root.get('type') == 'desktop-application', 'component type is desktop-application')
checks.check(text('id') == app_id, f'id is {app_id}', text('id'))
checks.check(text('launchable[@type="desktop-id"]') == app_id + '.desktop',
             f'launchable is {app_id}.desktop', text('launchable'))
checks.check(text('provides/binary') == 'duplex', 'provides the duplex binary', text('provides/binary'))
checks.check(text('metadata_license') == 'CC0-1.0', 'metadata license is CC0-1.0')
checks.check(text('project_license') == 'GPL-3.0-or-later', 'project license is GPL-3.0-or-later')
checks.check(len(untranslated('name')) == 1 and untranslated('name')[0].text == 'Duplex', 'name is Duplex')
summary = untranslated('summary')
checks.check(len(summary) == 1 and summary[0].text, 'one summary')
checks.check(len(untranslated('description/p')) >= 2, 'description has paragraphs')

developer = root.find('developer')
checks.check(developer is not None and developer.get('id') == 'io.github.duplexws',
             'developer id is io.github.duplexws')
checks.check(text('developer/name') == 'Duplex developers', 'developer name is "Duplex developers"',
             text('developer/name'))

urls = {node.get('type'): node.text for node in root.findall('url')}
checks.check(urls.get('homepage') == HOME, 'homepage URL', urls.get('homepage'))
checks.check(urls.get('bugtracker') == HOME + '/issues', 'bugtracker URL', urls.get('bugtracker'))
checks.check(urls.get('vcs-browser') == HOME, 'vcs-browser URL', urls.get('vcs-browser'))

shots = root.findall('screenshots/screenshot')
images = [shot.findtext('image', '').strip() for shot in shots]
expected = [SCREENSHOTS + name for name in ('main.png', 'server.png', 'settings.png', 'dark.png')]
checks.check(images == expected, 'screenshots are main, server, settings and dark, in that order',
             '\n'.join(images))
checks.check(shots and shots[0].get('type') == 'default', 'the first screenshot is the default')
checks.check(all(shot.find('caption') is not None for shot in shots), 'every screenshot has a caption')

releases = root.findall('releases/release')
checks.check(releases and releases[0].get('version') == version,
             f'the newest release is {version}', releases[0].attrib if releases else None)
checks.check(releases and releases[0].get('date') == '2026-11-26', f'{version} is dated 2026-11-26')
rating = root.find('content_rating')
checks.check(rating is not None and rating.get('type', '').startswith('oars-'), 'has an OARS content rating')

ru_summary = root.find('summary[@{http://www.w3.org/XML/1998/namespace}lang="ru"]')
checks.check(ru_summary is not None and re.search('[а-яА-Я]', ru_summary.text or ''),
             'the summary is translated into Russian')
ru_paragraphs = root.findall('description/p[@{http://www.w3.org/XML/1998/namespace}lang="ru"]')
checks.check(len(ru_paragraphs) == len(untranslated('description/p')),
             'every description paragraph is translated into Russian')

checks.finish()
