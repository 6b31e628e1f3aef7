/* dpx-util.h: process helpers shared by the programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint64     dpx_raise_open_file_limit (void);
void        dpx_setup_locale        (void);
guint64     dpx_process_memory_kib  (const char   *pid,
                                     const char   *field);

G_END_DECLS
