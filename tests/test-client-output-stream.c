/* test-client-output-stream.c: the client's pings and pongs, seen as written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-client-output-stream.h"
#include "dpx-frame.h"

static void
on_control (guint8        opcode,
            const guint8 *payload,
            gsize         length,
            gpointer      user_data)
{
  GPtrArray *seen = user_data;
  g_autofree char *text = g_strndup ((const char *) payload, length);

  g_ptr_array_add (seen, g_strdup_printf ("%s:%s", opcode == DPX_FRAME_OPCODE_PING ? "ping" : "pong",
                                          text));
}

/* A masked frame, as a client writes it. */
static void
append_frame (GByteArray *out,
              guint8      opcode,
              const char *payload)
{
  static const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  gsize length = strlen (payload);
  guint8 header[DPX_FRAME_HEADER_MAX];
  gsize header_len = dpx_frame_write_header (header, opcode, TRUE, length, mask);
  guint start;

  g_byte_array_append (out, header, header_len);
  start = out->len;
  g_byte_array_append (out, (const guint8 *) payload, length);
  dpx_frame_apply_mask (out->data + start, length, mask);
}

/* Frames cut anywhere across writes: each ping and pong is told once, whole
 * and unmasked, and only after its last byte was written; messages are not. */
static void
test_control_frames_across_writes (void)
{
  g_autoptr(GByteArray) frames = g_byte_array_new ();
  g_autofree char *big = g_strnfill (70000, 'm');

  append_frame (frames, DPX_FRAME_OPCODE_TEXT, "hello");
  append_frame (frames, DPX_FRAME_OPCODE_PING, "keep-alive 1");
  append_frame (frames, DPX_FRAME_OPCODE_TEXT, big);
  append_frame (frames, DPX_FRAME_OPCODE_PONG, "");
  append_frame (frames, DPX_FRAME_OPCODE_PONG, "answer");

  for (gsize step = 1; step <= 4096; step *= 8)
    {
      g_autoptr(GOutputStream) base = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) stream = dpx_client_output_stream_new (base);
      g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      gsize written = 0;

      dpx_client_output_stream_set_control_func (DPX_CLIENT_OUTPUT_STREAM (stream), on_control, seen);
      while (written < frames->len)
        {
          gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (stream),
                                                                 frames->data + written,
                                                                 MIN (step, frames->len - written),
                                                                 NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpint (n, >, 0);
          written += n;
          /* Nothing is told before the frame is whole. */
          if (written < frames->len)
            g_assert_cmpuint (seen->len, <=, 2);
        }
      g_assert_cmpuint (seen->len, ==, 3);
      g_assert_cmpstr (seen->pdata[0], ==, "ping:keep-alive 1");
      g_assert_cmpstr (seen->pdata[1], ==, "pong:");
      g_assert_cmpstr (seen->pdata[2], ==, "pong:answer");

      /* What was written reached the base unchanged. */
      g_assert_true (g_output_stream_close (stream, NULL, NULL));
      g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (base)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (base)),
                       frames->data, frames->len);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client-output-stream/control-frames-across-writes",
                   test_control_frames_across_writes);

  return g_test_run ();
}
