/* dpx-relay-output-stream-private.h: a relay client's outgoing side, for the relay only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_RELAY_OUTPUT_STREAM (dpx_relay_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (DpxRelayOutputStream, dpx_relay_output_stream, DPX, RELAY_OUTPUT_STREAM, GFilterOutputStream)

GOutputStream *dpx_relay_output_stream_new         (GOutputStream        *base_stream);
void           dpx_relay_output_stream_push        (DpxRelayOutputStream *self,
                                                    GBytes               *frame);
void           dpx_relay_output_stream_flush_queue (DpxRelayOutputStream *self);
void           dpx_relay_output_stream_drop_queue  (DpxRelayOutputStream *self);
guint64        dpx_relay_output_stream_get_queued  (DpxRelayOutputStream *self);
guint          dpx_relay_output_stream_get_queued_frames (DpxRelayOutputStream *self);
guint64        dpx_relay_output_stream_get_held    (DpxRelayOutputStream *self);
gint64         dpx_relay_output_stream_get_last_progress (DpxRelayOutputStream *self);
void           dpx_relay_output_stream_get_pongs   (DpxRelayOutputStream *self,
                                                    guint64              *pongs,
                                                    guint64              *bytes);
gboolean       dpx_relay_output_stream_accepts    (DpxRelayOutputStream *self);
void           dpx_relay_output_stream_set_socket (DpxRelayOutputStream *self,
                                                  GSocket              *socket);
void           dpx_relay_output_stream_set_progress_func (DpxRelayOutputStream *self,
                                                    GFunc                 func,
                                                    gpointer              user_data);


G_END_DECLS
