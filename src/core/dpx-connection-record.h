/* dpx-connection-record.h: one past connection of a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DPX_TYPE_CONNECTION_RECORD (dpx_connection_record_get_type ())

G_DECLARE_FINAL_TYPE (DpxConnectionRecord, dpx_connection_record, DPX, CONNECTION_RECORD, GObject)

DpxConnectionRecord *dpx_connection_record_new              (const char          *url,
                                                             gint64               started_us,
                                                             gint64               duration_ms,
                                                             guint                close_code,
                                                             guint64              messages_in,
                                                             guint64              messages_out,
                                                             const char          *log_path);
const char          *dpx_connection_record_get_url          (DpxConnectionRecord *self);
gint64               dpx_connection_record_get_started      (DpxConnectionRecord *self);
gint64               dpx_connection_record_get_duration_ms  (DpxConnectionRecord *self);
guint                dpx_connection_record_get_close_code   (DpxConnectionRecord *self);
guint64              dpx_connection_record_get_messages_in  (DpxConnectionRecord *self);
guint64              dpx_connection_record_get_messages_out (DpxConnectionRecord *self);
const char          *dpx_connection_record_get_log_path     (DpxConnectionRecord *self);

G_END_DECLS
