/* dpx-guarded-io-stream.c: a relay client's socket, with its guards in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include "dpx-guarded-io-stream.h"

/* Pairs the filter streams with the stream they filter. Closing the filters
 * alone would leave the socket open (closing a socket's input or output
 * stream does not close the socket), so closing this closes the base too. */

struct _DpxGuardedIOStream
{
  GIOStream      parent_instance;

  GIOStream     *base;
  GInputStream  *input;
  GOutputStream *output;
};

G_DEFINE_FINAL_TYPE (DpxGuardedIOStream, dpx_guarded_io_stream, G_TYPE_IO_STREAM)

static GInputStream *
get_input_stream (GIOStream *stream)
{
  return DPX_GUARDED_IO_STREAM (stream)->input;
}

static GOutputStream *
get_output_stream (GIOStream *stream)
{
  return DPX_GUARDED_IO_STREAM (stream)->output;
}

static gboolean
close_fn (GIOStream     *stream,
          GCancellable  *cancellable,
          GError       **error)
{
  DpxGuardedIOStream *self = DPX_GUARDED_IO_STREAM (stream);
  gboolean ok = TRUE;

  /* The filters close their base streams; the base GIOStream must close
   * too. Report the first error, but close everything regardless. */
  ok &= g_output_stream_close (self->output, cancellable, ok ? error : NULL);
  ok &= g_input_stream_close (self->input, cancellable, ok ? error : NULL);
  ok &= g_io_stream_close (self->base, cancellable, ok ? error : NULL);
  return ok;
}

static void
base_closed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The default would run close_fn in a worker thread; the socket belongs to
 * the main context, so close the cheap filters here and the base async. */
static void
close_async (GIOStream           *stream,
             int                  io_priority,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  DpxGuardedIOStream *self = DPX_GUARDED_IO_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, close_async);
  g_output_stream_close (self->output, NULL, NULL);
  g_input_stream_close (self->input, NULL, NULL);
  g_io_stream_close_async (self->base, io_priority, cancellable, base_closed_cb, task);
}

static gboolean
close_finish (GIOStream     *stream,
              GAsyncResult  *result,
              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dpx_guarded_io_stream_finalize (GObject *object)
{
  DpxGuardedIOStream *self = DPX_GUARDED_IO_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (dpx_guarded_io_stream_parent_class)->finalize (object);
}

static void
dpx_guarded_io_stream_class_init (DpxGuardedIOStreamClass *klass)
{
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = dpx_guarded_io_stream_finalize;
  stream_class->get_input_stream = get_input_stream;
  stream_class->get_output_stream = get_output_stream;
  stream_class->close_fn = close_fn;
  stream_class->close_async = close_async;
  stream_class->close_finish = close_finish;
}

static void
dpx_guarded_io_stream_init (DpxGuardedIOStream *self)
{
}

/**
 * dpx_guarded_io_stream_new:
 * @base: the stream @input and @output filter
 * @input: (transfer none): reads from @base's input
 * @output: (transfer none): writes to @base's output
 */
GIOStream *
dpx_guarded_io_stream_new (GIOStream     *base,
                           GInputStream  *input,
                           GOutputStream *output)
{
  DpxGuardedIOStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), NULL);

  self = g_object_new (DPX_TYPE_GUARDED_IO_STREAM, NULL);
  self->base = g_object_ref (base);
  self->input = g_object_ref (input);
  self->output = g_object_ref (output);
  return G_IO_STREAM (self);
}
