/* dpx-log-entry.h: one immutable line of the message log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-types.h"

G_BEGIN_DECLS

#define DPX_TYPE_LOG_ENTRY (dpx_log_entry_get_type ())

G_DECLARE_FINAL_TYPE (DpxLogEntry, dpx_log_entry, DPX, LOG_ENTRY, GObject)

DpxLogEntry  *dpx_log_entry_new            (gint64        time_us,
                                            const char   *connection,
                                            DpxDirection  direction,
                                            DpxEntryKind  kind,
                                            GBytes       *payload);
DpxLogEntry  *dpx_log_entry_new_now        (const char   *connection,
                                            DpxDirection  direction,
                                            DpxEntryKind  kind,
                                            GBytes       *payload);
DpxLogEntry  *dpx_log_entry_new_event      (const char   *connection,
                                            DpxEntryKind  kind,
                                            const char   *text);
DpxLogEntry  *dpx_log_entry_new_event_revealing (const char *connection,
                                                DpxEntryKind  kind,
                                                const char   *text,
                                                const char   *revealed);
gboolean      dpx_log_entry_has_secrets    (DpxLogEntry  *self);
DpxLogEntry  *dpx_log_entry_dup_revealed   (DpxLogEntry  *self);
DpxLogEntry  *dpx_log_entry_new_control    (gint64        time_us,
                                            const char   *connection,
                                            DpxDirection  direction,
                                            DpxEntryKind  kind,
                                            GBytes       *payload,
                                            gboolean      keepalive,
                                            gint64        rtt_us);
gint64        dpx_log_entry_get_time       (DpxLogEntry  *self);
const char   *dpx_log_entry_get_connection (DpxLogEntry  *self);
DpxDirection  dpx_log_entry_get_direction  (DpxLogEntry  *self);
DpxEntryKind  dpx_log_entry_get_kind       (DpxLogEntry  *self);
GBytes       *dpx_log_entry_get_payload    (DpxLogEntry  *self);
gsize         dpx_log_entry_get_size       (DpxLogEntry  *self);
gint64        dpx_log_entry_get_rtt        (DpxLogEntry  *self);
gboolean      dpx_log_entry_get_keepalive  (DpxLogEntry  *self);
char         *dpx_log_entry_to_json        (DpxLogEntry  *self);
DpxLogEntry  *dpx_log_entry_new_from_json  (const char   *json,
                                            GError      **error);

const char   *dpx_entry_kind_to_string     (DpxEntryKind  kind);

G_END_DECLS
