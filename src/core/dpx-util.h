/* dpx-util.h: small helpers shared by the core, the window and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *dpx_close_code_describe (gushort       code);
gboolean    dpx_close_code_can_send (gushort       code);
char       *dpx_format_hex_dump     (const guint8 *data,
                                     gsize         length,
                                     gsize         max_length);
char       *dpx_format_hex          (const guint8 *data,
                                     gsize         length);
GBytes     *dpx_parse_hex           (const char   *text,
                                     GError      **error);
gboolean    dpx_parse_size          (const char   *text,
                                     guint64      *size,
                                     GError      **error);
guint64     dpx_raise_open_file_limit (void);
void        dpx_setup_locale        (void);
guint64     dpx_process_memory_kib  (const char   *pid,
                                     const char   *field);

G_END_DECLS
