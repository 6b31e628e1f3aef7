/* dpx-count-output-stream.c: counts whole frames as they reach the socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include "dpx-count-output-stream.h"
#include "dpx-frame-scanner.h"

/* libsoup keeps its outgoing queue private and unbounded. The relay needs to
 * know how much of what it handed to a client still sits in that queue, so
 * this stream watches the frames leave: each finished data frame is one
 * message gone (libsoup never fragments what it sends). */

struct _DpxCountOutputStream
{
  GFilterOutputStream   parent_instance;

  DpxFrameScanner       scanner;
  guint64               bytes_written;
  DpxFramesWrittenFunc  frames_func;
  gpointer              frames_data;
};

static void pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxCountOutputStream, dpx_count_output_stream, G_TYPE_FILTER_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM, pollable_iface_init))

static GOutputStream *
base_stream (DpxCountOutputStream *self)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self));
}

static void
account (DpxCountOutputStream *self,
         const guint8         *data,
         gsize                 length)
{
  guint frames = 0;

  self->bytes_written += length;

  while (length > 0)
    {
      gsize consumed;

      dpx_frame_scanner_step (&self->scanner, data, length, &consumed);
      if (dpx_frame_scanner_frame_done (&self->scanner) &&
          !dpx_frame_scanner_is_control (&self->scanner))
        frames++;
      data += consumed;
      length -= consumed;
    }

  if (frames > 0 && self->frames_func)
    self->frames_func (frames, self->frames_data);
}

static gssize
write_nonblocking (GPollableOutputStream  *pollable,
                   const void             *buffer,
                   gsize                   count,
                   GError                **error)
{
  DpxCountOutputStream *self = DPX_COUNT_OUTPUT_STREAM (pollable);
  gssize n;

  n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (base_stream (self)),
                                                  buffer, count, NULL, error);
  if (n > 0)
    account (self, buffer, n);
  return n;
}

static gssize
dpx_count_output_stream_write (GOutputStream  *stream,
                               const void     *buffer,
                               gsize           count,
                               GCancellable   *cancellable,
                               GError        **error)
{
  DpxCountOutputStream *self = DPX_COUNT_OUTPUT_STREAM (stream);
  gssize n;

  n = g_output_stream_write (base_stream (self), buffer, count, cancellable, error);
  if (n > 0)
    account (self, buffer, n);
  return n;
}

static gboolean
can_poll (GPollableOutputStream *pollable)
{
  GOutputStream *base = base_stream (DPX_COUNT_OUTPUT_STREAM (pollable));

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

static gboolean
is_writable (GPollableOutputStream *pollable)
{
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (base_stream (DPX_COUNT_OUTPUT_STREAM (pollable))));
}

static GSource *
create_source (GPollableOutputStream *pollable,
               GCancellable          *cancellable)
{
  DpxCountOutputStream *self = DPX_COUNT_OUTPUT_STREAM (pollable);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (base_stream (self)),
                                                        cancellable);
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

static void
dpx_count_output_stream_class_init (DpxCountOutputStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = dpx_count_output_stream_write;
}

static void
dpx_count_output_stream_init (DpxCountOutputStream *self)
{
  dpx_frame_scanner_init (&self->scanner);
}

GOutputStream *
dpx_count_output_stream_new (GOutputStream *base)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (base), NULL);

  return g_object_new (DPX_TYPE_COUNT_OUTPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", TRUE,
                       NULL);
}

void
dpx_count_output_stream_set_frames_func (DpxCountOutputStream *self,
                                         DpxFramesWrittenFunc  func,
                                         gpointer              user_data)
{
  g_return_if_fail (DPX_IS_COUNT_OUTPUT_STREAM (self));
  self->frames_func = func;
  self->frames_data = user_data;
}

guint64
dpx_count_output_stream_get_bytes_written (DpxCountOutputStream *self)
{
  g_return_val_if_fail (DPX_IS_COUNT_OUTPUT_STREAM (self), 0);
  return self->bytes_written;
}
