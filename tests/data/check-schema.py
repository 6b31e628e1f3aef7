#!/usr/bin/python3
# check-schema.py: the settings schema compiles strictly, the build carries
# it under the app id the code asks for (APP_ID), and the uninstalled app
# finds it through meson devenv.
#
# Usage: check-schema.py SOURCE_SCHEMA BUILT_SCHEMA APP_ID MESON BUILD_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

from datatest import Checks, need, run

source, built, app_id, meson, build_root = sys.argv[1:]
checks = Checks('settings schema')
compile_schemas = need('glib-compile-schemas', 'libglib2.0-bin')
gsettings = need('gsettings', 'libglib2.0-bin')

for what, path in (('source', source), ('built', built)):
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, tmp)
        result = run([compile_schemas, '--strict', '--dry-run', tmp])
        checks.check(result.returncode == 0 and not result.stderr.strip(),
                     f'glib-compile-schemas --strict --dry-run on the {what} schema',
                     result.stdout + result.stderr)

source_schema = ET.parse(source).getroot().find('schema')
built_schema = ET.parse(built).getroot().find('schema')
app_path = '/' + app_id.replace('.', '/') + '/'
checks.check(os.path.basename(built) == app_id + '.gschema.xml', f'the built file is {app_id}.gschema.xml')
checks.check(built_schema.get('id') == app_id, f'the built schema id is {app_id}', built_schema.get('id'))
checks.check(built_schema.get('path') == app_path, f'the built schema path is {app_path}',
             built_schema.get('path'))
source_keys = sorted(key.get('name') for key in source_schema.findall('key'))
built_keys = sorted(key.get('name') for key in built_schema.findall('key'))
checks.check(source_keys == built_keys and source_keys, 'the built schema has the source schema’s keys')

schema_dir = os.path.dirname(built)
checks.check(os.path.exists(os.path.join(schema_dir, 'gschemas.compiled')),
             'gschemas.compiled is beside the built schema')

# The same lookup the window makes at start-up: g_settings_new (APP_ID).
env = dict(os.environ)
env.pop('GSETTINGS_SCHEMA_DIR', None)
result = run([meson, 'devenv', '-C', build_root, gsettings, 'list-keys', app_id], env=env)
keys = sorted(result.stdout.split())
checks.check(result.returncode == 0 and keys == source_keys,
             f'in meson devenv, gsettings list-keys {app_id} lists every key',
             result.stdout + result.stderr)

result = run([meson, 'devenv', '-C', build_root, gsettings, 'get', app_id, 'server-port'], env=env)
default = source_schema.find("key[@name='server-port']/default")
checks.check(result.returncode == 0 and default is not None and result.stdout.strip().endswith(default.text),
             'in meson devenv, gsettings reads the default of server-port', result.stdout + result.stderr)

checks.finish()
