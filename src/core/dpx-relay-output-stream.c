/* dpx-relay-output-stream.c: a relay client's outgoing side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "dpx-frame.h"
#include "dpx-relay-output-stream-private.h"

/* A relayed message is the same for every client: server frames are not
 * masked, so one frame is built per message and the same bytes are queued
 * to every client here, instead of handing the payload to each client's
 * SoupWebsocketConnection (which validates text again and copies the payload
 * into a new frame per client, and writes each one with its own send()).
 *
 * For a compressed client libsoup still owns the connection and writes its
 * control frames (pongs, the close frame) through this stream; for any
 * other the relay's peer pushes its own pongs and close frame to the
 * queue, behind the frames already in it. The two writers never interleave
 * inside a frame: libsoup's frames are followed with a frame scanner, and
 * each side waits while the other has a frame half written. Relayed frames
 * are written in batches with one writev per flush, and the queue is this
 * stream's own, so its size is known exactly and can be dropped at once. */

#define MAX_VECTORS 64

/* What one queued frame holds besides its bytes: its ring slot, the GBytes
 * and the allocator's rounding of both blocks. Counted, so a flood of empty
 * messages weighs what it really costs. */
#define FRAME_OVERHEAD (sizeof (gpointer) + 96)

#define DPX_FRAME_OPCODE_PONG 0xa

struct _DpxRelayOutputStream
{
  GFilterOutputStream  parent_instance;

  /* A ring of frames, oldest at ring[head]: a pointer per frame and no
   * allocation per frame, as a read of small messages to a thousand
   * clients queues one frame per client per message. */
  GBytes             **ring;
  guint                head;
  guint                len;
  guint                cap;
  gsize                head_offset;    /* bytes of the head frame already written */
  guint64              queued;         /* bytes in frames not yet fully written */

  DpxFrameScanner      soup_frames;    /* what libsoup writes */
  gboolean             soup_waiting;   /* libsoup has a frame to write */
  gboolean             soup_closed;    /* libsoup wrote its close frame */
  gboolean             closed;         /* libsoup closed the stream */
  gboolean             broken;
  GSource             *writable_source;
  int                  fd;             /* the socket's, for writev(); -1 if unknown */

  gint64               last_progress;  /* monotonic time the socket last took bytes */
  guint64              pongs;          /* written by libsoup */
  guint64              pong_bytes;
  GFunc                progress_func;
  gpointer             progress_data;
};

static void pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxRelayOutputStream, dpx_relay_output_stream, G_TYPE_FILTER_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM, pollable_iface_init))

static inline GBytes *
frame_at (DpxRelayOutputStream *self,
          guint                 i)
{
  return self->ring[(self->head + i) & (self->cap - 1)];
}

static void
ring_push (DpxRelayOutputStream *self,
           GBytes               *frame)
{
  if (self->len == self->cap)
    {
      guint cap = MAX (16, self->cap * 2);   /* a power of two, so & masks */
      GBytes **ring = g_new (GBytes *, cap);

      for (guint i = 0; i < self->len; i++)
        ring[i] = frame_at (self, i);
      g_free (self->ring);
      self->ring = ring;
      self->head = 0;
      self->cap = cap;
    }
  self->ring[(self->head + self->len) & (self->cap - 1)] = frame;
  self->len++;
}

static GBytes *
ring_pop (DpxRelayOutputStream *self)
{
  GBytes *frame = self->ring[self->head];

  self->head = (self->head + 1) & (self->cap - 1);
  self->len--;
  return frame;
}

static GPollableOutputStream *
base_pollable (DpxRelayOutputStream *self)
{
  return G_POLLABLE_OUTPUT_STREAM (g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self)));
}

static gboolean
soup_mid_frame (DpxRelayOutputStream *self)
{
  const DpxFrameScanner *s = &self->soup_frames;

  return s->header_len > 0 && !dpx_frame_scanner_frame_done (s);
}

static void
drop_frames (DpxRelayOutputStream *self,
             gboolean              keep_partial_head)
{
  GBytes *head = NULL;

  if (keep_partial_head && self->head_offset > 0)
    head = ring_pop (self);
  while (self->len > 0)
    g_bytes_unref (ring_pop (self));
  self->queued = 0;

  /* An idle client's ring goes back to nothing. */
  if (head == NULL)
    {
      g_clear_pointer (&self->ring, g_free);
      self->head = self->cap = 0;
      self->head_offset = 0;
      return;
    }
  ring_push (self, head);
  self->queued = g_bytes_get_size (head) - self->head_offset;
}

static void
consume_written (DpxRelayOutputStream *self,
                 gsize                 written)
{
  self->queued -= written;
  while (written > 0)
    {
      GBytes *head = frame_at (self, 0);
      gsize left = g_bytes_get_size (head) - self->head_offset;

      if (written < left)
        {
          self->head_offset += written;
          return;
        }
      written -= left;
      self->head_offset = 0;
      g_bytes_unref (ring_pop (self));
    }
}

static gboolean on_writable (GObject *stream, gpointer user_data);

static void
watch_writable (DpxRelayOutputStream *self)
{
  if (self->writable_source != NULL)
    return;
  self->writable_source = g_pollable_output_stream_create_source (base_pollable (self), NULL);
  g_source_set_callback (self->writable_source, G_SOURCE_FUNC (on_writable), self, NULL);
  g_source_attach (self->writable_source, g_main_context_get_thread_default ());
}

static void
unwatch_writable (DpxRelayOutputStream *self)
{
  if (self->writable_source == NULL)
    return;
  g_source_destroy (self->writable_source);
  g_clear_pointer (&self->writable_source, g_source_unref);
}

/* Writes queued frames until done or the socket is full. With
 * @head_only, stops once the half-written head frame is complete. */
static gboolean
write_frames (DpxRelayOutputStream  *self,
              gboolean               head_only,
              GError               **error)
{
  while (self->len > 0)
    {
      GOutputVector vectors[MAX_VECTORS];
      gsize n = 0, written = 0;
      GPollableReturn ret;

      for (; n < self->len && n < MAX_VECTORS; n++)
        {
          gsize size;
          const guint8 *data = g_bytes_get_data (frame_at (self, n), &size);
          gsize skip = n == 0 ? self->head_offset : 0;

          vectors[n].buffer = data + skip;
          vectors[n].size = size - skip;
          if (head_only)
            {
              n++;
              break;
            }
        }

      if (self->fd >= 0)
        {
          /* GOutputVector is laid out as struct iovec; GIO's writev path
           * costs more than the rest of a batch's frames together. No
           * SIGPIPE from a client that left, as with GSocket. */
          struct msghdr message = { .msg_iov = (struct iovec *) vectors, .msg_iovlen = n };
          gssize r;

          G_STATIC_ASSERT (sizeof (GOutputVector) == sizeof (struct iovec));
          do
            r = sendmsg (self->fd, &message, MSG_NOSIGNAL);
          while (r < 0 && errno == EINTR);
          if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return TRUE;
          if (r < 0)
            {
              int saved = errno;

              g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
              return FALSE;
            }
          written = r;
        }
      else
        {
          ret = g_pollable_output_stream_writev_nonblocking (base_pollable (self), vectors, n,
                                                            &written, NULL, error);
          if (ret == G_POLLABLE_RETURN_WOULD_BLOCK)
            return TRUE;
          if (ret == G_POLLABLE_RETURN_FAILED)
            return FALSE;
        }
      if (written > 0)
        self->last_progress = g_get_monotonic_time ();
      consume_written (self, written);
      if (head_only && self->head_offset == 0)
        return TRUE;
    }
  return TRUE;
}

/**
 * dpx_relay_output_stream_flush_queue:
 *
 * Writes as many queued frames as the socket takes now, and keeps watching
 * the socket for the rest.
 */
void
dpx_relay_output_stream_flush_queue (DpxRelayOutputStream *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self));

  if (self->broken || self->soup_closed)
    {
      drop_frames (self, FALSE);
      unwatch_writable (self);
      return;
    }

  /* libsoup's half-written frame goes first; its next write continues it.
   * When libsoup waits to write (a pong, a close), only the relayed frame
   * in progress is finished: its control frame must not wait behind the
   * whole backlog. */
  if (!soup_mid_frame (self) && (!self->soup_waiting || self->head_offset > 0) &&
      !write_frames (self, self->soup_waiting, &error))
    {
      g_debug ("write failed: %s", error->message);
      self->broken = TRUE;
      drop_frames (self, FALSE);
    }

  if (self->len == 0)
    unwatch_writable (self);
  else
    watch_writable (self);
}

static void
report_progress (DpxRelayOutputStream *self)
{
  if (self->progress_func)
    self->progress_func (self, self->progress_data);
}

static gboolean
on_writable (GObject  *stream,
             gpointer  user_data)
{
  DpxRelayOutputStream *self = user_data;

  g_clear_pointer (&self->writable_source, g_source_unref);
  dpx_relay_output_stream_flush_queue (self);
  report_progress (self);
  /* flush_queue watched again if needed: that is a new source. */
  return G_SOURCE_REMOVE;
}

/* The calls below run once per frame and client: private, so unchecked. */

/* FALSE once pushed frames would be dropped: the connection broke, libsoup
 * wrote its close frame or closed the stream. */
gboolean
dpx_relay_output_stream_accepts (DpxRelayOutputStream *self)
{
  return !self->broken && !self->soup_closed && !self->closed;
}

void
dpx_relay_output_stream_push (DpxRelayOutputStream *self,
                              GBytes               *frame)
{
  if (self->broken || self->soup_closed || self->closed)
    return;
  ring_push (self, g_bytes_ref (frame));
  self->queued += g_bytes_get_size (frame);
}

/* Frees what waits for the socket, but a half-written frame stays: cutting
 * it would leave the peer unable to read the close frame that follows. */
void
dpx_relay_output_stream_drop_queue (DpxRelayOutputStream *self)
{
  g_return_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self));
  drop_frames (self, TRUE);
}

guint64
dpx_relay_output_stream_get_queued (DpxRelayOutputStream *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self), 0);
  return self->queued;
}

/* The memory the queue holds: its bytes and what each frame costs. */
guint64
dpx_relay_output_stream_get_held (DpxRelayOutputStream *self)
{
  return self->queued + (guint64) self->len * FRAME_OVERHEAD;
}

/* When the socket last took bytes (g_get_monotonic_time()), 0 if never. */
gint64
dpx_relay_output_stream_get_last_progress (DpxRelayOutputStream *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self), 0);
  return self->last_progress;
}

/* The pongs libsoup has written whole, and their payload bytes. */
void
dpx_relay_output_stream_get_pongs (DpxRelayOutputStream *self,
                                   guint64              *pongs,
                                   guint64              *bytes)
{
  g_return_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self));
  *pongs = self->pongs;
  *bytes = self->pong_bytes;
}

/* @func runs after the socket took queued bytes outside a flush the owner
 * asked for, so the owner can tell when the queue has drained. */
void
dpx_relay_output_stream_set_progress_func (DpxRelayOutputStream *self,
                                           GFunc                 func,
                                           gpointer              user_data)
{
  g_return_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self));
  self->progress_func = func;
  self->progress_data = user_data;
}

/* The socket under the base stream: relayed frames are written to its
 * descriptor directly (sendmsg()). */
void
dpx_relay_output_stream_set_socket (DpxRelayOutputStream *self,
                                    GSocket              *socket)
{
  g_return_if_fail (DPX_IS_RELAY_OUTPUT_STREAM (self));
  self->fd = socket != NULL ? g_socket_get_fd (socket) : -1;
}

guint
dpx_relay_output_stream_get_queued_frames (DpxRelayOutputStream *self)
{
  return self->len;
}

static void
follow_soup_frames (DpxRelayOutputStream *self,
                    const guint8         *data,
                    gsize                 length)
{
  while (length > 0)
    {
      gsize consumed;

      dpx_frame_scanner_step (&self->soup_frames, data, length, &consumed);
      if (dpx_frame_scanner_frame_done (&self->soup_frames) &&
          self->soup_frames.opcode == DPX_FRAME_OPCODE_PONG)
        {
          self->pongs++;
          self->pong_bytes += self->soup_frames.payload_len;
        }
      if (dpx_frame_scanner_frame_done (&self->soup_frames) &&
          self->soup_frames.opcode == DPX_FRAME_OPCODE_CLOSE)
        {
          /* Nothing may follow a close frame. */
          self->soup_closed = TRUE;
          drop_frames (self, FALSE);
        }
      data += consumed;
      length -= consumed;
    }
}

/* libsoup's writes: its control frames, never a relayed message. */
static gssize
write_nonblocking (GPollableOutputStream  *pollable,
                   const void             *buffer,
                   gsize                   count,
                   GError                **error)
{
  DpxRelayOutputStream *self = DPX_RELAY_OUTPUT_STREAM (pollable);
  gssize n;

  /* The close frame comes after every message already queued: a client
   * that sent a message and then its close (or a bad frame) in one read
   * still gets the echo. An evicted client's queue was dropped already. */
  if (self->len > 0 && !soup_mid_frame (self) && count > 0 &&
      (((const guint8 *) buffer)[0] & 0x0f) == DPX_FRAME_OPCODE_CLOSE)
    {
      if (!write_frames (self, FALSE, error))
        return -1;
      if (self->len > 0)
        {
          self->soup_waiting = TRUE;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "relayed frames go first");
          return -1;
        }
    }

  if (self->head_offset > 0 && !soup_mid_frame (self))
    {
      if (!write_frames (self, TRUE, error))
        return -1;
      if (self->head_offset > 0)
        {
          self->soup_waiting = TRUE;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "relayed frame in progress");
          return -1;
        }
    }

  n = g_pollable_output_stream_write_nonblocking (base_pollable (self), buffer, count, NULL, error);
  if (n > 0)
    {
      self->last_progress = g_get_monotonic_time ();
      follow_soup_frames (self, buffer, n);
    }
  if (n > 0 && !soup_mid_frame (self))
    self->soup_waiting = FALSE;
  /* A control frame may have held relayed frames back: let them go. */
  if (!soup_mid_frame (self) && self->len > 0)
    watch_writable (self);
  if (n > 0)
    report_progress (self);
  return n;
}

static gssize
dpx_relay_output_stream_write (GOutputStream  *stream,
                               const void     *buffer,
                               gsize           count,
                               GCancellable   *cancellable,
                               GError        **error)
{
  DpxRelayOutputStream *self = DPX_RELAY_OUTPUT_STREAM (stream);
  gssize n;

  /* Blocking writes are not used by libsoup; keep frames whole anyway. */
  if (self->head_offset > 0 && !soup_mid_frame (self))
    {
      GBytes *head = frame_at (self, 0);
      gsize size;
      const guint8 *data = g_bytes_get_data (head, &size);

      if (!g_output_stream_write_all (g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self)),
                                      data + self->head_offset, size - self->head_offset,
                                      NULL, cancellable, error))
        return -1;
      consume_written (self, size - self->head_offset);
    }

  n = g_output_stream_write (g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self)),
                             buffer, count, cancellable, error);
  if (n > 0)
    follow_soup_frames (self, buffer, n);
  return n;
}

static gboolean
can_poll (GPollableOutputStream *pollable)
{
  GOutputStream *base = g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (pollable));

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
is_writable (GPollableOutputStream *pollable)
{
  return g_pollable_output_stream_is_writable (base_pollable (DPX_RELAY_OUTPUT_STREAM (pollable)));
}

static GSource *
create_source (GPollableOutputStream *pollable,
               GCancellable          *cancellable)
{
  DpxRelayOutputStream *self = DPX_RELAY_OUTPUT_STREAM (pollable);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  base_source = g_pollable_output_stream_create_source (base_pollable (self), cancellable);
  g_source_set_dummy_callback (base_source);
  source = g_pollable_source_new (G_OBJECT (self));
  g_source_add_child_source (source, base_source);
  return source;
}

static void
pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = can_poll;
  iface->is_writable = is_writable;
  iface->create_source = create_source;
  iface->write_nonblocking = write_nonblocking;
}

static gboolean
dpx_relay_output_stream_close (GOutputStream  *stream,
                               GCancellable   *cancellable,
                               GError        **error)
{
  DpxRelayOutputStream *self = DPX_RELAY_OUTPUT_STREAM (stream);

  self->closed = TRUE;
  unwatch_writable (self);
  drop_frames (self, FALSE);
  return G_OUTPUT_STREAM_CLASS (dpx_relay_output_stream_parent_class)->close_fn (stream, cancellable, error);
}

static void
dpx_relay_output_stream_finalize (GObject *object)
{
  DpxRelayOutputStream *self = DPX_RELAY_OUTPUT_STREAM (object);

  unwatch_writable (self);
  drop_frames (self, FALSE);

  G_OBJECT_CLASS (dpx_relay_output_stream_parent_class)->finalize (object);
}

static void
dpx_relay_output_stream_class_init (DpxRelayOutputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_relay_output_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = dpx_relay_output_stream_write;
  G_OUTPUT_STREAM_CLASS (klass)->close_fn = dpx_relay_output_stream_close;
}

static void
dpx_relay_output_stream_init (DpxRelayOutputStream *self)
{
  self->fd = -1;
  dpx_frame_scanner_init (&self->soup_frames);
}

GOutputStream *
dpx_relay_output_stream_new (GOutputStream *base)
{
  g_return_val_if_fail (G_IS_POLLABLE_OUTPUT_STREAM (base), NULL);

  return g_object_new (DPX_TYPE_RELAY_OUTPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", TRUE,
                       NULL);
}
