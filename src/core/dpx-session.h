/* dpx-session.h: one window's connection, its options and its reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-client.h"
#include "dpx-connection-options.h"
#include "dpx-log.h"

G_BEGIN_DECLS

#define DPX_TYPE_SESSION (dpx_session_get_type ())

/* Backoff of automatic reconnects, in milliseconds. */
#define DPX_SESSION_RECONNECT_FIRST_MS 1000
#define DPX_SESSION_RECONNECT_MAX_MS   30000

G_DECLARE_FINAL_TYPE (DpxSession, dpx_session, DPX, SESSION, GObject)

DpxSession         *dpx_session_new                  (DpxLog       *log,
                                                      DpxConnectionOptions *options);
DpxConnectionOptions *dpx_session_get_options        (DpxSession   *self);
void                dpx_session_set_options          (DpxSession   *self,
                                                      DpxConnectionOptions *options);
DpxClient          *dpx_session_get_client           (DpxSession   *self);
DpxConnectionState  dpx_session_get_state            (DpxSession   *self);
const char         *dpx_session_get_url              (DpxSession   *self);
gboolean            dpx_session_connect              (DpxSession   *self,
                                                      const char   *url,
                                                      GError      **error);
gboolean            dpx_session_disconnect           (DpxSession   *self,
                                                      gushort       code,
                                                      const char   *reason,
                                                      GError      **error);
gboolean            dpx_session_send_text            (DpxSession   *self,
                                                      const char   *text,
                                                      GError      **error);
gboolean            dpx_session_send_binary          (DpxSession   *self,
                                                      GBytes       *data,
                                                      GError      **error);
void                dpx_session_log_event            (DpxSession   *self,
                                                      DpxEntryKind  kind,
                                                      const char   *text);
guint               dpx_session_get_reconnect_delay  (DpxSession   *self);
guint               dpx_session_get_reconnect_attempt (DpxSession  *self);
gboolean            dpx_session_get_reconnect_pending (DpxSession  *self);
guint64             dpx_session_get_messages_in      (DpxSession   *self);
guint64             dpx_session_get_messages_out     (DpxSession   *self);
char               *dpx_session_dup_status           (DpxSession   *self);

G_END_DECLS
