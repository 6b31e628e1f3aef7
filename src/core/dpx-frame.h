/* dpx-frame.h: the WebSocket frame codec: opcodes, a scanner, an encoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 6455 section 5.2. The scanner never allocates: it only tells where
 * headers end and how much payload follows, so streams can watch frames
 * go by without copying them. */
typedef struct {
  guint8   header[14];
  guint8   header_len;
  guint8   header_size;   /* 0 until the first two bytes are known */
  guint8   opcode;
  gboolean fin;
  gboolean rsv1;
  gboolean masked;
  guint8   mask[4];
  guint64  payload_len;
  guint64  payload_left;
  gboolean in_payload;
} DpxFrameScanner;

typedef enum {
  DPX_FRAME_EVENT_NONE,     /* part of a header was consumed */
  DPX_FRAME_EVENT_HEADER,   /* a header is complete; its fields are valid */
  DPX_FRAME_EVENT_PAYLOAD,  /* *consumed bytes at the input are payload */
} DpxFrameEvent;

#define DPX_FRAME_OPCODE_CONTINUATION 0x0
#define DPX_FRAME_OPCODE_TEXT         0x1
#define DPX_FRAME_OPCODE_BINARY       0x2
#define DPX_FRAME_OPCODE_CLOSE        0x8
#define DPX_FRAME_OPCODE_PING         0x9
#define DPX_FRAME_OPCODE_PONG         0xa

/* The longest header: 2 bytes, a 64-bit length and a mask. */
#define DPX_FRAME_HEADER_MAX 14

void          dpx_frame_scanner_init          (DpxFrameScanner *self);
DpxFrameEvent dpx_frame_scanner_step          (DpxFrameScanner *self,
                                               const guint8    *data,
                                               gsize            length,
                                               gsize           *consumed);
gboolean      dpx_frame_scanner_frame_done    (const DpxFrameScanner *self);
gboolean      dpx_frame_scanner_is_control    (const DpxFrameScanner *self);
guint64       dpx_frame_scanner_payload_offset (const DpxFrameScanner *self);
gsize         dpx_frame_header_size_for       (guint64          payload_len,
                                               gboolean         masked);
gsize         dpx_frame_write_header          (guint8          *out,
                                               guint8           opcode,
                                               gboolean         fin,
                                               guint64          payload_len,
                                               const guint8    *mask);
void          dpx_frame_apply_mask            (guint8          *data,
                                               gsize            length,
                                               const guint8     mask[4]);
void          dpx_frame_unmask_copy           (guint8          *dest,
                                               const guint8    *src,
                                               gsize            length,
                                               const guint8     mask[4],
                                               guint64          offset);
GBytes       *dpx_frame_new                   (guint8           opcode,
                                               GBytes          *payload);
char         *dpx_frame_accept_key            (const char      *key);

G_END_DECLS
