#!/usr/bin/python3
# check-icons.py: the app icon is a 128 px scalable SVG that renders to
# something visible at 32 and 128 px; the symbolic icon is 16 px and drawn
# in the single colour GTK recolours (#2e3436).
#
# Usage: check-icons.py ICON_SVG SYMBOLIC_SVG
#
# SPDX-License-Identifier: GPL-3.0-or-later

import re
import struct
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

from datatest import Checks, need, run

icon, symbolic = sys.argv[1:]
checks = Checks('icons')
rsvg = need('rsvg-convert', 'librsvg2-bin')
SVG = '{http://www.w3.org/2000/svg}'


def read_png(path):
    """Width, height and rows of RGBA bytes of an 8-bit RGBA PNG."""
    with open(path, 'rb') as f:
        data = f.read()
    pos, idat = 8, b''
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b'IHDR':
            width, height, depth, colour = struct.unpack('>IIBB', chunk[:10])
            assert depth == 8 and colour == 6, 'rsvg-convert writes 8-bit RGBA'
        elif kind == b'IDAT':
            idat += chunk
    raw = zlib.decompress(idat)
    stride, rows, prev, i = width * 4, [], bytearray(width * 4), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - 4] if x >= 4 else 0
            b = prev[x]
            c = prev[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, rows


def render(path, size):
    with tempfile.NamedTemporaryFile(suffix='.png') as png:
        result = run([rsvg, '-w', str(size), '-h', str(size), '-o', png.name, path])
        if result.returncode != 0:
            return None, result.stderr
        return read_png(png.name), ''


def pixels(rows):
    for row in rows:
        for x in range(0, len(row), 4):
            yield tuple(row[x:x + 4])


def colours_used(root):
    found = set()
    for node in root.iter():
        for attr in ('fill', 'stroke', 'stop-color'):
            if node.get(attr):
                found.add(node.get(attr).lower())
        for _, value in re.findall(r'(fill|stroke|stop-color)\s*:\s*([^;]+)', node.get('style', '')):
            found.add(value.strip().lower())
    return found - {'none'}


# The app icon -------------------------------------------------------------

root = ET.parse(icon).getroot()
checks.check(root.tag == SVG + 'svg' and root.get('viewBox') == '0 0 128 128',
             'the app icon is an SVG on the 128 px grid', root.get('viewBox'))
checks.check(root.find(f'.//{SVG}image') is None and root.find(f'.//{SVG}text') is None,
             'the app icon has no embedded bitmaps or text')
for size in (32, 128):
    image, error = render(icon, size)
    if not checks.check(image is not None and image[:2] == (size, size),
                        f'rsvg-convert renders the app icon at {size} px', error):
        continue
    all_pixels = list(pixels(image[2]))
    opaque = [p for p in all_pixels if p[3] >= 250]
    # Legible: a solid body, and the arrows stand out from it in more than
    # one colour (white and orange on blue).
    checks.check(len(opaque) > 0.4 * len(all_pixels),
                 f'at {size} px the icon body is solid ({len(opaque)} of {len(all_pixels)})')
    light = {p[:3] for p in opaque if min(p[:3]) > 200}
    warm = {p[:3] for p in opaque if p[0] > 200 and p[2] < 160}
    checks.check(len(light) > 0 and len(warm) > 0,
                 f'at {size} px both arrows show: white and orange pixels on the blue bubble')

# The symbolic icon --------------------------------------------------------

root = ET.parse(symbolic).getroot()
checks.check(root.get('width') == '16' and root.get('height') == '16' and root.get('viewBox') == '0 0 16 16',
             'the symbolic icon is 16×16')
colours = colours_used(root)
checks.check(colours == {'#2e3436'}, 'the symbolic icon uses #2e3436 only', ', '.join(sorted(colours)))
checks.check(not any(node.get('stroke') for node in root.iter()),
             'the symbolic icon is filled paths, no strokes (GTK recolours fills)')
image, error = render(symbolic, 16)
if checks.check(image is not None and image[:2] == (16, 16), 'rsvg-convert renders the symbolic icon', error):
    covered = sum(1 for p in pixels(image[2]) if p[3] > 128)
    checks.check(40 < covered < 220, f'the symbolic icon covers a readable part of 16×16 ({covered} px)')

checks.finish()
