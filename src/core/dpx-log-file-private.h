/* dpx-log-file-private.h: the log's JSON Lines files, for DpxLog only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean   dpx_log_file_write (GPtrArray     *entries,
                               GFile         *file,
                               GCancellable  *cancellable,
                               GError       **error);
GPtrArray *dpx_log_file_read  (GFile         *file,
                               guint          capacity,
                               guint64       *overflow,
                               GCancellable  *cancellable,
                               GError       **error);

G_END_DECLS
