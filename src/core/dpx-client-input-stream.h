/* dpx-client-input-stream.h: what libsoup reads from a server, paced and watched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_CLIENT_INPUT_STREAM (dpx_client_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (DpxClientInputStream, dpx_client_input_stream, DPX, CLIENT_INPUT_STREAM,
                      GFilterInputStream)

/* What one dispatch of the reader's source may take at most: a flood of
 * small messages reaches the reader in slices, one per main-loop turn. */
#define DPX_CLIENT_INPUT_DISPATCH_BYTES  (256 * 1024)
#define DPX_CLIENT_INPUT_DISPATCH_FRAMES 256

typedef enum {
  DPX_CLOSE_FRAME_VALID,
  DPX_CLOSE_FRAME_TRUNCATED,      /* a 1-byte payload: half a code */
  DPX_CLOSE_FRAME_RESERVED_CODE,  /* 1005, 1006, 1015: never sent */
  DPX_CLOSE_FRAME_INVALID_CODE,   /* outside the ranges RFC 6455 allows */
  DPX_CLOSE_FRAME_INVALID_UTF8,   /* the reason is not UTF-8 */
  DPX_CLOSE_FRAME_TOO_LONG,       /* over 125 bytes */
} DpxCloseFrameProblem;

/* Called from inside a read, when a close frame has passed completely. */
typedef void (*DpxCloseFrameFunc) (DpxCloseFrameProblem  problem,
                                   guint                 code,
                                   gpointer              user_data);

/* Called from inside a read, when a ping's header has passed. */
typedef void (*DpxPingFunc)       (gpointer              user_data);

/* Called from inside a read, when a ping or a pong has passed completely;
 * @payload holds its @length bytes (at most 125). */
typedef void (*DpxControlFrameFunc) (guint8               opcode,
                                     const guint8        *payload,
                                     gsize                length,
                                     gpointer             user_data);

GInputStream *dpx_client_input_stream_new            (GInputStream          *base_stream,
                                                      gsize                  dispatch_bytes,
                                                      guint                  dispatch_frames);
void          dpx_client_input_stream_set_close_func (DpxClientInputStream  *self,
                                                      DpxCloseFrameFunc      func,
                                                      gpointer               user_data);
void          dpx_client_input_stream_set_ping_func  (DpxClientInputStream  *self,
                                                      DpxPingFunc            func,
                                                      gpointer               user_data);
void          dpx_client_input_stream_set_control_func (DpxClientInputStream *self,
                                                        DpxControlFrameFunc   func,
                                                        gpointer              user_data);
void          dpx_client_input_stream_set_paused     (DpxClientInputStream  *self,
                                                      gboolean               paused);
gboolean      dpx_client_input_stream_in_fragments   (DpxClientInputStream  *self);
guint64       dpx_client_input_stream_get_messages_passed (DpxClientInputStream *self);

DpxCloseFrameProblem dpx_close_frame_check           (const guint8          *payload,
                                                      gsize                  length,
                                                      guint                 *code);

G_END_DECLS
