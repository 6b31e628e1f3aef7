/* dpx-log.h: the bounded, batched message log model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-error.h"
#include "dpx-log-entry.h"

G_BEGIN_DECLS

#define DPX_TYPE_LOG (dpx_log_get_type ())
#define DPX_LOG_DEFAULT_MAX_ENTRIES 100000

/* The longest line dpx_log_import() reads, in bytes. A 16 MiB binary
 * message (the client's default DPX_CLIENT_DEFAULT_MAX_MESSAGE_SIZE) takes
 * 22.4 MiB in base64, and 16 MiB of text 32 MiB even if every byte is a
 * quote, a backslash or a newline (escaped in two characters); one more
 * MiB holds the other members. A longer line is refused before it is read
 * whole. (Messages accepted under a raised limit can be exported but may be
 * too long to import again.) */
#define DPX_LOG_MAX_LINE_LENGTH (33 * 1024 * 1024)

G_DECLARE_FINAL_TYPE (DpxLog, dpx_log, DPX, LOG, GObject)

DpxLog    *dpx_log_new             (void);
void       dpx_log_append          (DpxLog              *self,
                                    DpxLogEntry         *entry);
void       dpx_log_flush           (DpxLog              *self);
void       dpx_log_clear           (DpxLog              *self);
GPtrArray *dpx_log_take_all        (DpxLog              *self,
                                    guint64             *dropped);
void       dpx_log_put_back        (DpxLog              *self,
                                    GPtrArray           *entries,
                                    guint64              dropped);
guint      dpx_log_get_max_entries (DpxLog              *self);
void       dpx_log_set_max_entries (DpxLog              *self,
                                    guint                max_entries);
guint64    dpx_log_get_dropped     (DpxLog              *self);

gboolean   dpx_log_export          (DpxLog              *self,
                                    GFile               *file,
                                    GCancellable        *cancellable,
                                    GError             **error);
void       dpx_log_export_async    (DpxLog              *self,
                                    GFile               *file,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean   dpx_log_export_finish   (DpxLog              *self,
                                    GAsyncResult        *result,
                                    GError             **error);
gboolean   dpx_log_import          (DpxLog              *self,
                                    GFile               *file,
                                    GCancellable        *cancellable,
                                    GError             **error);
void       dpx_log_import_async    (DpxLog              *self,
                                    GFile               *file,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean   dpx_log_import_finish   (DpxLog              *self,
                                    GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
