#!/usr/bin/python3
# check-flatpak.py: the Flatpak manifests build this project as meson
# configures it: the right app id and command, only options meson knows,
# the sandbox permissions the app needs, and the app built last, in a build
# directory, with its tests run.
#
# Usage: check-flatpak.py SOURCE_ROOT BASE_ID APP_ID
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import sys

from datatest import Checks

source_root, base_id, app_id = sys.argv[1:]
checks = Checks('Flatpak manifests')

FINISH_ARGS = ['--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11', '--device=dri']


def meson_options():
    """Option name to (type, choices) from meson_options.txt."""
    with open(os.path.join(source_root, 'meson_options.txt'), encoding='utf-8') as f:
        text = f.read()
    text = re.sub(r'#[^\n]*', '', text)
    options = {}
    for m in re.finditer(r'option\(\s*\'([^\']+)\'(.*?)\)\s*(?=option\(|\Z)', text, re.S):
        name, rest = m.group(1), m.group(2)
        kind = re.search(r'type\s*:\s*\'(\w+)\'', rest)
        choices = re.search(r'choices\s*:\s*\[(.*?)\]', rest, re.S)
        options[name] = (kind.group(1) if kind else None,
                         re.findall(r'\'([^\']*)\'', choices.group(1)) if choices else None)
    return options


def valid_value(kind, choices, value):
    if kind == 'boolean':
        return value in ('true', 'false')
    if kind == 'feature':
        return value in ('enabled', 'disabled', 'auto')
    if kind == 'combo':
        return value in (choices or [])
    if kind == 'integer':
        return re.fullmatch(r'-?\d+', value) is not None
    return True


options = meson_options()
checks.check('development' in options and 'interop_tests' in options,
             'meson_options.txt parsed', ', '.join(options))

manifests = {base_id: False, base_id + '.Devel': True}
checks.check(app_id in manifests, f'the app id {app_id} has a manifest')

for manifest_id, development in manifests.items():
    name = f'flatpak/{manifest_id}.json'
    path = os.path.join(source_root, name)
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        checks.check(False, f'{name} is valid JSON', error)
        continue
    checks.check(True, f'{name} is valid JSON')
    checks.check(manifest.get('id') == manifest_id, f'{name}: id is {manifest_id}', manifest.get('id'))
    checks.check(manifest.get('command') == 'duplex', f'{name}: command is duplex', manifest.get('command'))
    checks.check(manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk',
                 f'{name}: GNOME runtime and SDK')
    checks.check(re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))) is not None,
                 f'{name}: a stable runtime version', manifest.get('runtime-version'))
    finish = manifest.get('finish-args', [])
    checks.check(sorted(finish) == sorted(FINISH_ARGS), f'{name}: finish-args are exactly ' + ' '.join(FINISH_ARGS),
                 ' '.join(finish))

    # Nothing in the sandbox reads a man page: `man duplex` runs on the host.
    checks.check('/share/man' in manifest.get('cleanup', []), f'{name}: the man page is cleaned up')

    modules = manifest.get('modules') or [{}]
    app = modules[-1] if isinstance(modules[-1], dict) else {}
    checks.check(app.get('name') == 'duplex', f'{name}: the last module is duplex', app.get('name'))
    checks.check(app.get('buildsystem') == 'meson', f'{name}: it builds with meson')
    checks.check(app.get('builddir') is True, f'{name}: it builds in a build directory (builddir: true)')
    checks.check(app.get('run-tests') is True, f'{name}: it runs the tests (run-tests: true)')
    sources = app.get('sources', [])
    checks.check(len(sources) == 1 and sources[0].get('type') == 'dir'
                 and os.path.realpath(os.path.join(os.path.dirname(path), sources[0].get('path', '')))
                 == os.path.realpath(source_root),
                 f'{name}: its source is this tree (type dir, path ..)', sources)

    opts = app.get('config-opts', [])
    defines = {}
    for opt in opts:
        m = re.fullmatch(r'-D([\w-]+)=(.*)', opt)
        if not opt.startswith('-D'):
            continue
        if not checks.check(m is not None, f'{name}: {opt} is -Dname=value'):
            continue
        key, value = m.groups()
        defines[key] = value
        if checks.check(key in options, f'{name}: {opt} names an option in meson_options.txt'):
            kind, choices = options[key]
            checks.check(valid_value(kind, choices, value), f'{name}: {value} is a valid {kind} for {key}')
    checks.check(defines.get('interop_tests') == 'false', f'{name}: -Dinterop_tests=false (no npm or browser)')
    checks.check((defines.get('development') == 'true') == development,
                 f'{name}: -Ddevelopment={"true" if development else "false (default)"}')

checks.finish()
