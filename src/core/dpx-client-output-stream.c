/* dpx-client-output-stream.c: what libsoup writes to a server, watched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Client"

#include "config.h"

#include "dpx-client-output-stream.h"
#include "dpx-frame.h"

/* libsoup sends pings of its own (the keep-alive) and answers the server's
 * pings with pongs, and offers no way to see either. This stream follows
 * the frames as they are actually written, so the log shows each ping and
 * pong that left, with its payload, and only once it left. */

#define CONTROL_PAYLOAD_MAX 125

struct _DpxClientOutputStream
{
  GFilterOutputStream  parent_instance;

  DpxFrameScanner      scanner;
  gboolean             in_control;
  guint8               control_opcode;
  guint64              control_length;
  GByteArray          *control_payload;   /* masked, as written */

  DpxControlFrameFunc  control_func;
  gpointer             control_data;
};

static void pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxClientOutputStream, dpx_client_output_stream,
                               G_TYPE_FILTER_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      pollable_iface_init))

static GOutputStream *
base_stream (DpxClientOutputStream *self)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self));
}

static void
end_frame (DpxClientOutputStream *self)
{
  DpxFrameScanner *s = &self->scanner;

  if (!self->in_control)
    return;
  self->in_control = FALSE;
  if (self->control_length > CONTROL_PAYLOAD_MAX || self->control_func == NULL)
    return;
  if (s->masked)
    dpx_frame_apply_mask (self->control_payload->data, self->control_payload->len, s->mask);
  self->control_func (self->control_opcode, self->control_payload->data,
                      self->control_payload->len, self->control_data);
}

/* Follows @length bytes that were written. */
static void
scan (DpxClientOutputStream *self,
      const guint8          *data,
      gsize                  length)
{
  DpxFrameScanner *s = &self->scanner;
  gsize pos = 0;

  while (pos < length)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (s, data + pos, length - pos, &consumed);

      if (event == DPX_FRAME_EVENT_HEADER)
        {
          self->in_control = s->opcode == DPX_FRAME_OPCODE_PING ||
                             s->opcode == DPX_FRAME_OPCODE_PONG;
          self->control_opcode = s->opcode;
          self->control_length = s->payload_len;
          g_byte_array_set_size (self->control_payload, 0);
        }
      else if (event == DPX_FRAME_EVENT_PAYLOAD && self->in_control &&
               self->control_payload->len < CONTROL_PAYLOAD_MAX)
        g_byte_array_append (self->control_payload, data + pos,
                             MIN (consumed, CONTROL_PAYLOAD_MAX - self->control_payload->len));
      pos += consumed;

      if (dpx_frame_scanner_frame_done (s))
        end_frame (self);
    }
}

static gssize
write_fn (GOutputStream  *stream,
          const void     *buffer,
          gsize           count,
          GCancellable   *cancellable,
          GError        **error)
{
  DpxClientOutputStream *self = DPX_CLIENT_OUTPUT_STREAM (stream);
  gssize n = g_output_stream_write (base_stream (self), buffer, count, cancellable, error);

  if (n > 0)
    scan (self, buffer, n);
  return n;
}

static gssize
write_nonblocking (GPollableOutputStream  *pollable,
                   const void             *buffer,
                   gsize                   count,
                   GError                **error)
{
  DpxClientOutputStream *self = DPX_CLIENT_OUTPUT_STREAM (pollable);
  gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (base_stream (self)),
                                                         buffer, count, NULL, error);

  if (n > 0)
    scan (self, buffer, n);
  return n;
}

static gboolean
can_poll (GPollableOutputStream *pollable)
{
  GOutputStream *base = base_stream (DPX_CLIENT_OUTPUT_STREAM (pollable));

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
is_writable (GPollableOutputStream *pollable)
{
  GOutputStream *base = base_stream (DPX_CLIENT_OUTPUT_STREAM (pollable));

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (base));
}

static GSource *
create_source (GPollableOutputStream *pollable,
               GCancellable          *cancellable)
{
  GOutputStream *base = base_stream (DPX_CLIENT_OUTPUT_STREAM (pollable));
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  /* The source must hand the reader's callback this stream, not the base. */
  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (base), cancellable);
  g_source_set_dummy_callback (base_source);
  source = g_pollable_source_new (G_OBJECT (pollable));
  g_source_set_static_name (source, "DpxClientOutputStream");
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

static void
dpx_client_output_stream_finalize (GObject *object)
{
  DpxClientOutputStream *self = DPX_CLIENT_OUTPUT_STREAM (object);

  g_clear_pointer (&self->control_payload, g_byte_array_unref);

  G_OBJECT_CLASS (dpx_client_output_stream_parent_class)->finalize (object);
}

static void
dpx_client_output_stream_class_init (DpxClientOutputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_client_output_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = write_fn;
}

static void
dpx_client_output_stream_init (DpxClientOutputStream *self)
{
  dpx_frame_scanner_init (&self->scanner);
  self->control_payload = g_byte_array_new ();
}

/**
 * dpx_client_output_stream_new:
 * @base_stream: the connection to the server, after the handshake
 */
GOutputStream *
dpx_client_output_stream_new (GOutputStream *base)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (base), NULL);

  return g_object_new (DPX_TYPE_CLIENT_OUTPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", TRUE,
                       NULL);
}

void
dpx_client_output_stream_set_control_func (DpxClientOutputStream *self,
                                           DpxControlFrameFunc    func,
                                           gpointer               user_data)
{
  g_return_if_fail (DPX_IS_CLIENT_OUTPUT_STREAM (self));
  self->control_func = func;
  self->control_data = user_data;
}
