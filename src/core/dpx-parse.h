/* dpx-parse.h: what a person types, checked and turned into bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes   *dpx_parse_hex          (const char  *text,
                                  GError     **error);
GBytes   *dpx_parse_base64       (const char  *text,
                                  GError     **error);
gboolean  dpx_parse_size         (const char  *text,
                                  guint64     *size,
                                  GError     **error);
gboolean  dpx_parse_json_message (const char  *text,
                                  GError     **error);

G_END_DECLS
