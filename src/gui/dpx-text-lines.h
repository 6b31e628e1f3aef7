/* dpx-text-lines.h: a long text or a payload's hex dump as a list of rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DPX_TYPE_TEXT_LINES (dpx_text_lines_get_type ())

G_DECLARE_FINAL_TYPE (DpxTextLines, dpx_text_lines, DPX, TEXT_LINES, GObject)

DpxTextLines *dpx_text_lines_new_for_text (char         *text,
                                           gsize         max_line);
DpxTextLines *dpx_text_lines_new_for_dump (GBytes       *payload);
char         *dpx_text_lines_dup_text     (DpxTextLines *self);

G_END_DECLS
