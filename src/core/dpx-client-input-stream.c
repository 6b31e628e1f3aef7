/* dpx-client-input-stream.c: what libsoup reads from a server, paced and watched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Client"

#include "config.h"

#include <string.h>

#include "dpx-client-input-stream.h"
#include "dpx-frame.h"

/* Sits between the size guard and the client's SoupWebsocketConnection and
 * follows the server's frames as they pass, for two things libsoup does not
 * offer:
 *
 *  - Pacing. libsoup reads until the socket would block and then delivers
 *    every message it holds, in one dispatch: a fast server could make one
 *    main-loop turn deliver tens of thousands of messages. This stream
 *    answers "would block" once one dispatch of its source has taken
 *    dispatch_bytes or dispatch_frames, and makes its source ready again on
 *    the next turn, so the rest follows in slices and the window keeps
 *    drawing. A slice always ends on a frame boundary.
 *  - The server's close frame. libsoup reports a malformed one (a 1-byte
 *    payload, a reserved code such as 1005, a reason that is not UTF-8) as
 *    an ordinary close or not at all; the stream checks it and tells its
 *    owner what was wrong.
 *  - The server's pings and pongs, which libsoup answers or drops without
 *    a word: the owner hears of each with its payload, for the log.
 */

#define READ_CHUNK (16 * 1024)
#define CONTROL_PAYLOAD_MAX 125

struct _DpxClientInputStream
{
  GFilterInputStream  parent_instance;

  DpxFrameScanner     scanner;

  GByteArray         *pending;          /* read from the base, not yet served */
  gsize               pending_offset;

  gsize               dispatch_bytes;
  guint               dispatch_frames;
  gsize               bytes_used;       /* in the current dispatch */
  guint               frames_used;
  gboolean            owed;             /* a read was cut short: wake the reader */
  gboolean            paused;           /* nothing is served until resumed */

  gboolean            in_fragments;
  guint64             messages_passed;  /* data frames with FIN set */
  gboolean            in_control;       /* a close, ping or pong is passing */
  gboolean            control_masked;
  guint8              control_opcode;
  guint64             control_length;
  GByteArray         *control_payload;  /* its first CONTROL_PAYLOAD_MAX + 1 bytes */

  DpxCloseFrameFunc   close_func;
  gpointer            close_data;
  DpxPingFunc         ping_func;
  gpointer            ping_data;
  DpxControlFrameFunc control_func;
  gpointer            control_data;
};

static void pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxClientInputStream, dpx_client_input_stream,
                               G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      pollable_iface_init))

/**
 * dpx_close_frame_check:
 * @payload: a close frame's payload, unmasked
 * @code: (out): the code it carries, 1005 when it carries none
 *
 * Checks a close frame a server sent against RFC 6455 (5.5.1, 7.4).
 */
DpxCloseFrameProblem
dpx_close_frame_check (const guint8 *payload,
                       gsize         length,
                       guint        *code)
{
  *code = 1005;
  if (length == 0)
    return DPX_CLOSE_FRAME_VALID;
  if (length == 1)
    return DPX_CLOSE_FRAME_TRUNCATED;

  *code = ((guint) payload[0] << 8) | payload[1];
  if (length > CONTROL_PAYLOAD_MAX)
    return DPX_CLOSE_FRAME_TOO_LONG;
  if (*code == 1005 || *code == 1006 || *code == 1015)
    return DPX_CLOSE_FRAME_RESERVED_CODE;
  if (!((*code >= 1000 && *code <= 1003) || (*code >= 1007 && *code <= 1014) ||
        (*code >= 3000 && *code <= 4999)))
    return DPX_CLOSE_FRAME_INVALID_CODE;
  if (!g_utf8_validate_len ((const char *) payload + 2, length - 2, NULL))
    return DPX_CLOSE_FRAME_INVALID_UTF8;
  return DPX_CLOSE_FRAME_VALID;
}

static void
begin_frame (DpxClientInputStream *self)
{
  DpxFrameScanner *s = &self->scanner;

  if (dpx_frame_scanner_is_control (s))
    {
      self->in_control = TRUE;
      self->control_opcode = s->opcode;
      self->control_masked = s->masked;
      self->control_length = s->payload_len;
      g_byte_array_set_size (self->control_payload, 0);
      if (s->opcode == DPX_FRAME_OPCODE_PING && self->ping_func)
        self->ping_func (self->ping_data);
      return;
    }

  if (s->opcode != DPX_FRAME_OPCODE_CONTINUATION)
    self->in_fragments = !s->fin;
  else if (s->fin)
    self->in_fragments = FALSE;
  if (s->fin)
    self->messages_passed++;
}

static void
end_close_frame (DpxClientInputStream *self)
{
  DpxCloseFrameProblem problem;
  guint code;

  if (self->control_length > CONTROL_PAYLOAD_MAX)
    {
      const guint8 *data = self->control_payload->data;

      code = self->control_payload->len >= 2 ? (data[0] << 8) | data[1] : 0;
      problem = DPX_CLOSE_FRAME_TOO_LONG;
    }
  else
    problem = dpx_close_frame_check (self->control_payload->data, self->control_payload->len, &code);

  if (self->close_func)
    self->close_func (problem, code, self->close_data);
}

static void
end_frame (DpxClientInputStream *self)
{
  if (!self->in_control)
    return;
  self->in_control = FALSE;

  /* A masked frame from a server is libsoup's protocol error to report. */
  if (self->control_masked)
    return;

  if (self->control_opcode == DPX_FRAME_OPCODE_CLOSE)
    end_close_frame (self);
  else if ((self->control_opcode == DPX_FRAME_OPCODE_PING ||
            self->control_opcode == DPX_FRAME_OPCODE_PONG) &&
           self->control_length <= CONTROL_PAYLOAD_MAX && self->control_func)
    self->control_func (self->control_opcode, self->control_payload->data,
                        self->control_payload->len, self->control_data);
}

/* Follows @length served bytes; returns how many may be served before the
 * dispatch's frame budget runs out (all of them without @budget). */
static gsize
scan (DpxClientInputStream *self,
      const guint8         *data,
      gsize                 length,
      gboolean              budget)
{
  DpxFrameScanner *s = &self->scanner;
  gsize pos = 0;

  while (pos < length)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (s, data + pos, length - pos, &consumed);

      if (event == DPX_FRAME_EVENT_HEADER)
        begin_frame (self);
      else if (event == DPX_FRAME_EVENT_PAYLOAD && self->in_control &&
               self->control_payload->len <= CONTROL_PAYLOAD_MAX)
        g_byte_array_append (self->control_payload, data + pos,
                             MIN (consumed, CONTROL_PAYLOAD_MAX + 1 - self->control_payload->len));
      pos += consumed;

      if (dpx_frame_scanner_frame_done (s))
        {
          end_frame (self);
          self->frames_used++;
          if (budget && self->frames_used >= self->dispatch_frames)
            break;
        }
    }
  return pos;
}

/* Serves pending bytes; with @budget, no more than the dispatch has left. */
static gsize
serve (DpxClientInputStream *self,
       void                 *buffer,
       gsize                 count,
       gboolean              budget)
{
  const guint8 *data = self->pending->data + self->pending_offset;
  gsize n = MIN (count, self->pending->len - self->pending_offset);

  if (budget)
    n = MIN (n, self->dispatch_bytes - self->bytes_used);
  n = scan (self, data, n, budget);

  memcpy (buffer, data, n);
  self->pending_offset += n;
  self->bytes_used += n;
  if (self->pending_offset == self->pending->len)
    {
      g_byte_array_set_size (self->pending, 0);
      self->pending_offset = 0;
    }
  return n;
}

static GInputStream *
base_stream (DpxClientInputStream *self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

static gboolean
budget_spent (DpxClientInputStream *self)
{
  return self->bytes_used >= self->dispatch_bytes || self->frames_used >= self->dispatch_frames;
}

static gssize
read_nonblocking (GPollableInputStream  *pollable,
                  void                  *buffer,
                  gsize                  count,
                  GError               **error)
{
  DpxClientInputStream *self = DPX_CLIENT_INPUT_STREAM (pollable);

  if (count == 0)
    return 0;

  if (self->paused)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Paused");
      return -1;
    }

  if (budget_spent (self))
    {
      self->owed = TRUE;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                           "Read again on the next dispatch");
      return -1;
    }

  if (self->pending->len == self->pending_offset)
    {
      gssize n;

      g_byte_array_set_size (self->pending, MIN (count, READ_CHUNK));
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base_stream (self)),
                                                    self->pending->data, self->pending->len,
                                                    NULL, error);
      g_byte_array_set_size (self->pending, MAX (n, 0));
      self->pending_offset = 0;
      if (n <= 0)
        return n;
      /* The read below may have paused this stream (a size violation):
       * what it returned waits, a close frame included. */
      if (self->paused)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Paused");
          return -1;
        }
    }

  return serve (self, buffer, count, TRUE);
}

static gssize
dpx_client_input_stream_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  DpxClientInputStream *self = DPX_CLIENT_INPUT_STREAM (stream);

  if (count == 0)
    return 0;

  if (self->pending->len == self->pending_offset)
    {
      gssize n;

      g_byte_array_set_size (self->pending, MIN (count, READ_CHUNK));
      n = g_input_stream_read (base_stream (self), self->pending->data, self->pending->len,
                               cancellable, error);
      g_byte_array_set_size (self->pending, MAX (n, 0));
      self->pending_offset = 0;
      if (n <= 0)
        return n;
    }

  return serve (self, buffer, count, FALSE);
}

static gboolean
can_poll (GPollableInputStream *pollable)
{
  GInputStream *base = base_stream (DPX_CLIENT_INPUT_STREAM (pollable));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
is_readable (GPollableInputStream *pollable)
{
  DpxClientInputStream *self = DPX_CLIENT_INPUT_STREAM (pollable);

  return self->pending->len > self->pending_offset ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base_stream (self)));
}

/* The reader's source: ready when the base is, and on the turn after a read
 * was cut short. Each dispatch starts a new budget. */
typedef struct {
  GSource               source;
  DpxClientInputStream *stream;
} PacedSource;

static gboolean
paced_source_prepare (GSource *source,
                      int     *timeout)
{
  *timeout = -1;
  return ((PacedSource *) source)->stream->owed;
}

static gboolean
paced_source_check (GSource *source)
{
  return ((PacedSource *) source)->stream->owed;
}

static gboolean
paced_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  DpxClientInputStream *self = ((PacedSource *) source)->stream;

  self->owed = FALSE;
  self->bytes_used = 0;
  self->frames_used = 0;
  if (callback == NULL)
    return G_SOURCE_CONTINUE;
  return ((GPollableSourceFunc) callback) (G_OBJECT (self), user_data);
}

static void
paced_source_finalize (GSource *source)
{
  g_clear_object (&((PacedSource *) source)->stream);
}

static GSourceFuncs paced_source_funcs = {
  .prepare = paced_source_prepare,
  .check = paced_source_check,
  .dispatch = paced_source_dispatch,
  .finalize = paced_source_finalize,
};

static GSource *
create_source (GPollableInputStream *pollable,
               GCancellable         *cancellable)
{
  DpxClientInputStream *self = DPX_CLIENT_INPUT_STREAM (pollable);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  /* Bytes already read must wake the reader even if the socket is idle. */
  if (self->pending->len > self->pending_offset)
    self->owed = TRUE;
  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (base_stream (self)),
                                                       cancellable);
  g_source_set_dummy_callback (base_source);

  source = g_source_new (&paced_source_funcs, sizeof (PacedSource));
  g_source_set_static_name (source, "DpxClientInputStream");
  ((PacedSource *) source)->stream = g_object_ref (self);
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
dpx_client_input_stream_finalize (GObject *object)
{
  DpxClientInputStream *self = DPX_CLIENT_INPUT_STREAM (object);

  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_clear_pointer (&self->control_payload, g_byte_array_unref);

  G_OBJECT_CLASS (dpx_client_input_stream_parent_class)->finalize (object);
}

static void
dpx_client_input_stream_class_init (DpxClientInputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_client_input_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = dpx_client_input_stream_read;
}

static void
dpx_client_input_stream_init (DpxClientInputStream *self)
{
  dpx_frame_scanner_init (&self->scanner);
  self->pending = g_byte_array_new ();
  self->control_payload = g_byte_array_new ();
  /* The first dispatch reads at once: a TLS layer below may already hold
   * frames that came in the record with the handshake's answer, and its
   * socket would not wake the reader for them. */
  self->owed = TRUE;
}

/**
 * dpx_client_input_stream_new:
 * @base_stream: the server's side, after the handshake (and the size guard)
 * @dispatch_bytes: the most one dispatch of the reader's source reads
 * @dispatch_frames: the most frames one dispatch reads
 */
GInputStream *
dpx_client_input_stream_new (GInputStream *base,
                             gsize         dispatch_bytes,
                             guint         dispatch_frames)
{
  DpxClientInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);
  g_return_val_if_fail (dispatch_bytes > 0 && dispatch_frames > 0, NULL);

  self = g_object_new (DPX_TYPE_CLIENT_INPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", TRUE,
                       NULL);
  self->dispatch_bytes = dispatch_bytes;
  self->dispatch_frames = dispatch_frames;
  return G_INPUT_STREAM (self);
}

void
dpx_client_input_stream_set_close_func (DpxClientInputStream *self,
                                        DpxCloseFrameFunc     func,
                                        gpointer              user_data)
{
  g_return_if_fail (DPX_IS_CLIENT_INPUT_STREAM (self));
  self->close_func = func;
  self->close_data = user_data;
}

void
dpx_client_input_stream_set_ping_func (DpxClientInputStream *self,
                                       DpxPingFunc           func,
                                       gpointer              user_data)
{
  g_return_if_fail (DPX_IS_CLIENT_INPUT_STREAM (self));
  self->ping_func = func;
  self->ping_data = user_data;
}

void
dpx_client_input_stream_set_control_func (DpxClientInputStream *self,
                                          DpxControlFrameFunc   func,
                                          gpointer              user_data)
{
  g_return_if_fail (DPX_IS_CLIENT_INPUT_STREAM (self));
  self->control_func = func;
  self->control_data = user_data;
}

/**
 * dpx_client_input_stream_set_paused:
 *
 * While paused, the reader is served nothing, so that the owner can act on
 * what it learnt inside a read (say, send its close frame) before the
 * reader sees the frames that followed (say, the server's own close).
 */
void
dpx_client_input_stream_set_paused (DpxClientInputStream *self,
                                    gboolean              paused)
{
  g_return_if_fail (DPX_IS_CLIENT_INPUT_STREAM (self));

  if (self->paused && !paused)
    self->owed = TRUE;
  self->paused = !!paused;
}

/* TRUE while the frames passed so far leave a fragmented message open. */
gboolean
dpx_client_input_stream_in_fragments (DpxClientInputStream *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT_INPUT_STREAM (self), FALSE);
  return self->in_fragments;
}

/* How many messages have passed whole (or are passing their last frame):
 * a control frame seen now comes after that many in the stream. */
guint64
dpx_client_input_stream_get_messages_passed (DpxClientInputStream *self)
{
  g_return_val_if_fail (DPX_IS_CLIENT_INPUT_STREAM (self), 0);
  return self->messages_passed;
}
