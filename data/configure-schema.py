#!/usr/bin/env python3
# configure-schema.py: copy the settings schema with its ids and paths moved
# from the base app id to the one being built, so a .Devel build installed
# beside the release one keeps settings of its own.
#
# Usage: configure-schema.py INPUT OUTPUT BASE_ID APP_ID
#
# SPDX-License-Identifier: GPL-3.0-or-later

import re
import sys


def main():
    source, output, base_id, app_id = sys.argv[1:]
    with open(source, encoding='utf-8') as f:
        text = f.read()

    base_path = '/' + base_id.replace('.', '/') + '/'
    app_path = '/' + app_id.replace('.', '/') + '/'

    # id="..." and schema="..." (child references) name schemas; path="..."
    # places them. Only names equal to, or under, the base id are moved.
    text, ids = re.subn(r'\b(id|schema)="' + re.escape(base_id) + r'(?=[".])',
                        lambda m: m.group(1) + '="' + app_id, text)
    text, paths = re.subn(r'\bpath="' + re.escape(base_path),
                          'path="' + app_path, text)
    if ids == 0 or paths == 0:
        sys.exit(f'{source}: no schema with id "{base_id}" and path "{base_path}"')

    with open(output, 'w', encoding='utf-8') as f:
        f.write(text)


if __name__ == '__main__':
    main()
