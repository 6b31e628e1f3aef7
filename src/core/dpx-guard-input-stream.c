/* dpx-guard-input-stream.c: enforces a message size limit below libsoup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include <string.h>
#include <zlib.h>

#include "dpx-frame.h"
#include "dpx-guard-input-stream.h"

/* libsoup 3.2 checks its size limit per frame on the wire, so a message in
 * many fragments, or a small frame that inflates to a huge one, reaches its
 * buffers whole. This stream sits between the socket and the server-side
 * SoupWebsocketConnection and follows the client's frames:
 *
 *  - plain data frames are passed on as they arrive, unless the message they
 *    belong to has grown past the limit;
 *  - compressed frames are held until complete while a private inflater
 *    counts what they expand to, then passed on or dropped whole, so libsoup
 *    never sees half a frame;
 *  - once the limit is broken, every later data frame is dropped and only
 *    control frames (the peer's close reply above all) get through, while the
 *    owner closes the connection with a code the peer can read.
 */

#define READ_CHUNK (16 * 1024)

/* What one round of libsoup's reads may take before it has to come back to
 * the main loop: the relay judges its queues between rounds, so this bounds
 * how far a fast publisher can run past a full queue. */
#define READ_ROUND_BYTES (64 * 1024)

#define DPX_FRAME_OPCODE_PING 0x9

typedef enum {
  ACTION_FORWARD,
  ACTION_HOLD,
  ACTION_DISCARD,
} FrameAction;

struct _DpxGuardInputStream
{
  GFilterInputStream     parent_instance;

  DpxFrameScanner        scanner;
  FrameAction            action;

  guint64                max_message_size;
  guint64                message_wire_size;
  guint64                message_inflated_size;
  gboolean               message_compressed;

  gboolean               inflate_enabled;
  gboolean               inflater_ready;
  z_stream               inflater;

  GByteArray            *held;     /* a compressed frame, header included */
  GByteArray            *ready;    /* bytes cleared for the reader */
  gsize                  ready_offset;

  gboolean               violated;
  DpxGuardViolationFunc  violation_func;
  gpointer               violation_data;

  gsize                  round_bytes;  /* handed to the reader this round */
  gboolean               paused;
  GCancellable          *wake;         /* cancelled to wake a paused reader */
  GSocket               *socket;       /* to see a paused peer hang up */

  guint64                pings;
  guint64                ping_bytes;
  GFunc                  ping_func;
  gpointer               ping_data;
};

static void pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxGuardInputStream, dpx_guard_input_stream, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM, pollable_iface_init))

static void
violate (DpxGuardInputStream *self,
         DpxGuardViolation    violation,
         guint64              size)
{
  if (self->violated)
    return;
  self->violated = TRUE;
  if (self->violation_func)
    self->violation_func (violation, size, self->violation_data);
}

/* Counts the inflated size of @length compressed bytes; FALSE on bad data. */
static gboolean
count_inflated (DpxGuardInputStream *self,
                const guint8        *data,
                gsize                length)
{
  guint8 scratch[16 * 1024];

  if (!self->inflater_ready)
    {
      if (inflateInit2 (&self->inflater, -MAX_WBITS) != Z_OK)
        return FALSE;
      self->inflater_ready = TRUE;
    }

  self->inflater.next_in = (Bytef *) data;
  self->inflater.avail_in = length;
  do
    {
      int ret;

      self->inflater.next_out = scratch;
      self->inflater.avail_out = sizeof scratch;
      ret = inflate (&self->inflater, Z_SYNC_FLUSH);
      self->message_inflated_size += sizeof scratch - self->inflater.avail_out;

      if (ret == Z_STREAM_END)
        inflateReset (&self->inflater);
      else if (ret == Z_BUF_ERROR)
        break;
      else if (ret != Z_OK)
        return FALSE;

      if (self->message_inflated_size > self->max_message_size)
        return TRUE;
    }
  while (self->inflater.avail_in > 0 || self->inflater.avail_out == 0);

  return TRUE;
}

static void
begin_frame (DpxGuardInputStream *self)
{
  DpxFrameScanner *s = &self->scanner;

  if (dpx_frame_scanner_is_control (s))
    {
      /* Each ping makes libsoup queue a pong the relay cannot see: count
       * them, so an unread flood of pongs counts against the peer's share. */
      if (s->opcode == DPX_FRAME_OPCODE_PING)
        {
          self->pings++;
          self->ping_bytes += s->payload_len;
          if (self->ping_func)
            self->ping_func (self, self->ping_data);
        }
      self->action = ACTION_FORWARD;
      return;
    }

  if (s->opcode != DPX_FRAME_OPCODE_CONTINUATION)
    {
      self->message_wire_size = 0;
      self->message_inflated_size = 0;
      self->message_compressed = s->rsv1 && self->inflate_enabled;
    }

  if (self->violated)
    {
      self->action = ACTION_DISCARD;
      return;
    }

  /* Compared without adding: a 64-bit length must not wrap the sum. */
  if (s->payload_len > self->max_message_size - self->message_wire_size)
    {
      self->action = ACTION_DISCARD;
      violate (self, DPX_GUARD_VIOLATION_TOO_BIG,
               s->payload_len > G_MAXUINT64 - self->message_wire_size ? G_MAXUINT64
                                                                      : self->message_wire_size + s->payload_len);
      return;
    }
  self->message_wire_size += s->payload_len;

  self->action = self->message_compressed ? ACTION_HOLD : ACTION_FORWARD;
  if (self->action == ACTION_HOLD)
    g_byte_array_set_size (self->held, 0);
}

static void
hold_payload (DpxGuardInputStream *self,
              const guint8        *data,
              gsize                length)
{
  DpxFrameScanner *s = &self->scanner;
  guint64 offset = dpx_frame_scanner_payload_offset (s) - length;
  guint plain_start = self->held->len;

  g_byte_array_append (self->held, data, length);

  /* Unmask a copy in place at the end of the held frame, inflate-count it,
   * then mask it back: libsoup must receive the frame untouched. */
  if (s->masked)
    for (gsize i = 0; i < length; i++)
      self->held->data[plain_start + i] ^= s->mask[(offset + i) & 3];

  if (!count_inflated (self, self->held->data + plain_start, length))
    {
      self->action = ACTION_DISCARD;
      violate (self, DPX_GUARD_VIOLATION_BAD_DEFLATE, self->message_inflated_size);
      return;
    }

  if (s->masked)
    for (gsize i = 0; i < length; i++)
      self->held->data[plain_start + i] ^= s->mask[(offset + i) & 3];

  if (self->message_inflated_size > self->max_message_size)
    {
      self->action = ACTION_DISCARD;
      violate (self, DPX_GUARD_VIOLATION_TOO_BIG, self->message_inflated_size);
    }
}

static void
end_frame (DpxGuardInputStream *self)
{
  static const guint8 tail[] = { 0x00, 0x00, 0xff, 0xff };

  if (self->action != ACTION_HOLD)
    return;

  /* libsoup inflates each message with this tail appended; do the same so
   * the private inflater stays in step with the peer's compressor. */
  if (self->scanner.fin && !count_inflated (self, tail, sizeof tail))
    {
      violate (self, DPX_GUARD_VIOLATION_BAD_DEFLATE, self->message_inflated_size);
      return;
    }
  if (self->message_inflated_size > self->max_message_size)
    {
      violate (self, DPX_GUARD_VIOLATION_TOO_BIG, self->message_inflated_size);
      return;
    }

  g_byte_array_append (self->ready, self->held->data, self->held->len);
  g_byte_array_set_size (self->held, 0);
}

/* Runs raw socket bytes through the frame rules into self->ready. */
static void
process (DpxGuardInputStream *self,
         const guint8        *data,
         gsize                length)
{
  DpxFrameScanner *s = &self->scanner;

  while (length > 0)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (s, data, length, &consumed);

      switch (event)
        {
        case DPX_FRAME_EVENT_NONE:
          break;

        case DPX_FRAME_EVENT_HEADER:
          begin_frame (self);
          if (self->action == ACTION_FORWARD)
            g_byte_array_append (self->ready, s->header, s->header_len);
          else if (self->action == ACTION_HOLD)
            g_byte_array_append (self->held, s->header, s->header_len);
          break;

        case DPX_FRAME_EVENT_PAYLOAD:
          if (self->action == ACTION_FORWARD)
            g_byte_array_append (self->ready, data, consumed);
          else if (self->action == ACTION_HOLD)
            hold_payload (self, data, consumed);
          break;

        default:
          g_assert_not_reached ();
        }

      if (dpx_frame_scanner_frame_done (s))
        end_frame (self);

      data += consumed;
      length -= consumed;
    }
}

static gssize
take_ready (DpxGuardInputStream *self,
            void                *buffer,
            gsize                count)
{
  gsize avail = self->ready->len - self->ready_offset;
  gsize n = MIN (avail, count);

  memcpy (buffer, self->ready->data + self->ready_offset, n);
  self->ready_offset += n;
  if (self->ready_offset == self->ready->len)
    {
      g_byte_array_set_size (self->ready, 0);
      self->ready_offset = 0;
    }
  return n;
}

static GInputStream *
base_stream (DpxGuardInputStream *self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

static gboolean
hung_up (DpxGuardInputStream *self)
{
  return self->socket != NULL && g_socket_condition_check (self->socket, G_IO_HUP | G_IO_ERR) != 0;
}

static gssize
read_nonblocking (GPollableInputStream  *pollable,
                  void                  *buffer,
                  gsize                  count,
                  GError               **error)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (pollable);
  guint8 chunk[READ_CHUNK];
  gssize n;

  /* Paused, or this round has had its share: libsoup sees an empty socket
   * and waits for the source from create_source(). A paused peer that hung
   * up is read all the same, so libsoup sees the end and lets it go. */
  if ((self->paused && !hung_up (self)) || self->round_bytes >= READ_ROUND_BYTES)
    {
      self->round_bytes = 0;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                           self->paused ? "reading is paused" : "read round is over");
      return -1;
    }

  /* Keep reading until something is cleared for the reader: returning 0
   * would mean end of stream, and a dropped frame is not that. */
  while (self->ready->len == self->ready_offset)
    {
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base_stream (self)),
                                                    chunk, sizeof chunk, NULL, error);
      if (n <= 0)
        {
          self->round_bytes = 0;
          return n;
        }
      process (self, chunk, n);
    }

  n = take_ready (self, buffer, count);
  self->round_bytes += n;
  return n;
}

static gssize
dpx_guard_input_stream_read (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (stream);
  guint8 chunk[READ_CHUNK];

  while (self->ready->len == self->ready_offset)
    {
      gssize n = g_input_stream_read (base_stream (self), chunk, sizeof chunk, cancellable, error);

      if (n <= 0)
        return n;
      process (self, chunk, n);
    }

  return take_ready (self, buffer, count);
}

static gboolean
can_poll (GPollableInputStream *pollable)
{
  GInputStream *base = base_stream (DPX_GUARD_INPUT_STREAM (pollable));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
is_readable (GPollableInputStream *pollable)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (pollable);

  if (self->paused)
    return FALSE;
  return self->ready->len > self->ready_offset ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base_stream (self)));
}

static GSource *
create_source (GPollableInputStream *pollable,
               GCancellable         *cancellable)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (pollable);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  /* A paused reader wakes only when resumed; bytes already cleared must
   * wake it even if the socket is idle. */
  if (self->paused)
    {
      if (self->wake == NULL)
        self->wake = g_cancellable_new ();
      base_source = g_cancellable_source_new (self->wake);
      if (self->socket != NULL)
        {
          g_autoptr(GSource) hangup = NULL;

          hangup = g_socket_create_source (self->socket, G_IO_HUP | G_IO_ERR, NULL);

          g_source_set_dummy_callback (hangup);
          g_source_add_child_source (base_source, hangup);
        }
    }
  else if (self->ready->len > self->ready_offset)
    base_source = g_timeout_source_new (0);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (base_stream (self)),
                                                         cancellable);
  g_source_set_dummy_callback (base_source);

  source = g_pollable_source_new (G_OBJECT (self));
  g_source_add_child_source (source, base_source);
  return source;
}

static void
pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = can_poll;
  iface->is_readable = is_readable;
  iface->create_source = create_source;
  iface->read_nonblocking = read_nonblocking;
}

static void
dpx_guard_input_stream_finalize (GObject *object)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (object);

  if (self->inflater_ready)
    inflateEnd (&self->inflater);
  g_clear_pointer (&self->held, g_byte_array_unref);
  g_clear_pointer (&self->ready, g_byte_array_unref);
  g_clear_object (&self->wake);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (dpx_guard_input_stream_parent_class)->finalize (object);
}

static void
dpx_guard_input_stream_class_init (DpxGuardInputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_guard_input_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = dpx_guard_input_stream_read;
}

static void
dpx_guard_input_stream_init (DpxGuardInputStream *self)
{
  dpx_frame_scanner_init (&self->scanner);
  self->held = g_byte_array_new ();
  self->ready = g_byte_array_new ();
}

/**
 * dpx_guard_input_stream_new:
 * @base_stream: the client's side of the socket, after the handshake
 * @max_message_size: the largest message accepted, in bytes
 * @inflate: whether permessage-deflate was negotiated
 */
GInputStream *
dpx_guard_input_stream_new (GInputStream *base,
                            guint64       max_message_size,
                            gboolean      inflate)
{
  DpxGuardInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);
  g_return_val_if_fail (max_message_size > 0, NULL);

  self = g_object_new (DPX_TYPE_GUARD_INPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", TRUE,
                       NULL);
  self->max_message_size = max_message_size;
  self->inflate_enabled = inflate;
  return G_INPUT_STREAM (self);
}

void
dpx_guard_input_stream_set_violation_func (DpxGuardInputStream   *self,
                                           DpxGuardViolationFunc  func,
                                           gpointer               user_data)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->violation_func = func;
  self->violation_data = user_data;
}

/**
 * dpx_guard_input_stream_set_paused:
 *
 * While paused the reader is told the socket is empty, so the client's
 * bytes wait in the kernel and TCP slows the client down.
 */
void
dpx_guard_input_stream_set_paused (DpxGuardInputStream *self,
                                   gboolean             paused)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (!paused && self->wake != NULL)
    {
      /* Only a reader that tried while paused waits on this. */
      g_cancellable_cancel (self->wake);
      g_clear_object (&self->wake);
    }
}

gboolean
dpx_guard_input_stream_get_paused (DpxGuardInputStream *self)
{
  g_return_val_if_fail (DPX_IS_GUARD_INPUT_STREAM (self), FALSE);
  return self->paused;
}

/* Pings seen so far, and their payload bytes. */
void
dpx_guard_input_stream_get_pings (DpxGuardInputStream *self,
                                  guint64             *pings,
                                  guint64             *bytes)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  *pings = self->pings;
  *bytes = self->ping_bytes;
}

/* @func runs from inside a read each time a ping goes by. */
void
dpx_guard_input_stream_set_ping_func (DpxGuardInputStream *self,
                                      GFunc                func,
                                      gpointer             user_data)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->ping_func = func;
  self->ping_data = user_data;
}

/* The client's socket, watched for a hang-up while reading is paused. */
void
dpx_guard_input_stream_set_socket (DpxGuardInputStream *self,
                                   GSocket             *socket)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  g_set_object (&self->socket, socket);
}
