/* dpx-guard-input-stream.h: holds the peer to the protocol and a size limit, below libsoup
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
  DPX_GUARD_VIOLATION_PROTOCOL,           /* close with 1002 */
  DPX_GUARD_VIOLATION_INVALID_UTF8,       /* close with 1007 */
  DPX_GUARD_VIOLATION_IMPOSSIBLE_LENGTH,  /* close with 1009 */
} DpxGuardViolation;

/* Called once, from inside a read, when the peer first breaks a rule. After
 * a breach of the protocol (PROTOCOL, INVALID_UTF8, IMPOSSIBLE_LENGTH) the
 * guard passes nothing more on: the owner closes with
 * dpx_guard_input_stream_get_violation_code(), then calls
 * dpx_guard_input_stream_end(). */
typedef void (*DpxGuardViolationFunc) (DpxGuardViolation violation,
                                       guint64           message_size,
                                       gpointer          user_data);

/* The relay's fast path: one whole data message as the frame a server sends
 * (@header_len bytes of header, then the payload), called from inside a
 * read. The callee takes a reference to keep it. */
typedef void (*DpxGuardMessageFunc) (DpxGuardInputStream *stream,
                                     guint8               opcode,
                                     GBytes              *frame,
                                     gsize                header_len,
                                     gpointer             user_data);

/* A control frame (ping, pong or close) for an owner that answers them
 * itself: @payload is unmasked, at most 125 bytes, valid during the call. */
typedef void (*DpxGuardControlFunc) (DpxGuardInputStream *stream,
                                     guint8               opcode,
                                     const guint8        *payload,
                                     gsize                length,
                                     gpointer             user_data);

GInputStream *dpx_guard_input_stream_new           (GInputStream          *base_stream,
                                                    guint64                max_message_size,
                                                    gboolean               inflate);
void          dpx_guard_input_stream_set_violation_func (DpxGuardInputStream  *self,
                                                    DpxGuardViolationFunc  func,
                                                    gpointer               user_data);
void          dpx_guard_input_stream_set_peer_is_client (DpxGuardInputStream *self,
                                                    gboolean               peer_is_client);
const char   *dpx_guard_input_stream_get_problem   (DpxGuardInputStream  *self);
const char   *dpx_guard_input_stream_get_wire_problem (DpxGuardInputStream *self);
guint         dpx_guard_input_stream_get_violation_code (DpxGuardInputStream *self);
guint         dpx_guard_input_stream_get_peer_close_code (DpxGuardInputStream *self);
void          dpx_guard_input_stream_end           (DpxGuardInputStream  *self);
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

void          dpx_guard_input_stream_end_round     (DpxGuardInputStream  *self);
void          dpx_guard_input_stream_set_message_func (DpxGuardInputStream *self,
                                                    DpxGuardMessageFunc    func,
                                                    gpointer               user_data);
void          dpx_guard_input_stream_set_control_func (DpxGuardInputStream *self,
                                                    DpxGuardControlFunc    func,
                                                    gpointer               user_data);

G_END_DECLS
