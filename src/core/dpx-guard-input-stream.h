/* dpx-guard-input-stream.h: enforces a message size limit below libsoup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_GUARD_INPUT_STREAM (dpx_guard_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (DpxGuardInputStream, dpx_guard_input_stream, DPX, GUARD_INPUT_STREAM, GFilterInputStream)

typedef enum {
  DPX_GUARD_VIOLATION_TOO_BIG,
  DPX_GUARD_VIOLATION_BAD_DEFLATE,
} DpxGuardViolation;

/* Called once, from inside a read, when the peer first breaks the limit. */
typedef void (*DpxGuardViolationFunc) (DpxGuardViolation violation,
                                       guint64           message_size,
                                       gpointer          user_data);

GInputStream *dpx_guard_input_stream_new           (GInputStream          *base_stream,
                                                    guint64                max_message_size,
                                                    gboolean               inflate);
void          dpx_guard_input_stream_set_violation_func (DpxGuardInputStream  *self,
                                                    DpxGuardViolationFunc  func,
                                                    gpointer               user_data);
void          dpx_guard_input_stream_set_socket    (DpxGuardInputStream  *self,
                                                    GSocket               *socket);
void          dpx_guard_input_stream_set_paused    (DpxGuardInputStream  *self,
                                                    gboolean               paused);
gboolean      dpx_guard_input_stream_get_paused    (DpxGuardInputStream  *self);
void          dpx_guard_input_stream_get_pings     (DpxGuardInputStream  *self,
                                                    guint64               *pings,
                                                    guint64               *bytes);
void          dpx_guard_input_stream_set_ping_func (DpxGuardInputStream  *self,
                                                    GFunc                  func,
                                                    gpointer               user_data);

G_END_DECLS
