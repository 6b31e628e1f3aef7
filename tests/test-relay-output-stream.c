/* test-relay-output-stream.c: relayed frames and libsoup's control frames
 * share one socket without ever cutting into each other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "dpx-frame.h"
#include "dpx-relay-output-stream-private.h"
#include "dpx-test-support.h"

typedef struct {
  GSocket       *reader;
  GSocket       *writer;
  GIOStream     *writer_stream;
  GOutputStream *out;         /* the stream under test */
  GByteArray    *received;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  int fds[2];
  int small = 4096;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  /* A small buffer makes partial writes happen at once. */
  setsockopt (fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  setsockopt (fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  f->writer = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  f->reader = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  g_socket_set_blocking (f->writer, FALSE);
  g_socket_set_blocking (f->reader, FALSE);
  f->writer_stream = G_IO_STREAM (g_socket_connection_factory_create_connection (f->writer));
  f->out = dpx_relay_output_stream_new (g_io_stream_get_output_stream (f->writer_stream));
  f->received = g_byte_array_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* The streams hold the writer's socket: it goes after them. */
  g_assert_finalize_object (g_steal_pointer (&f->out));
  g_assert_finalize_object (g_steal_pointer (&f->writer_stream));
  g_assert_finalize_object (g_steal_pointer (&f->writer));
  g_assert_finalize_object (g_steal_pointer (&f->reader));
  g_byte_array_unref (f->received);
}

/* Reads what is there, at most @max bytes. */
static void
drain (Fixture *f,
       gsize    max)
{
  guint8 buffer[8192];

  while (max > 0)
    {
      gssize n = g_socket_receive (f->reader, (char *) buffer, MIN (max, sizeof buffer), NULL, NULL);

      if (n <= 0)
        return;
      g_byte_array_append (f->received, buffer, n);
      max -= n;
    }
}

static GBytes *
payload (guint index,
         gsize size)
{
  guint8 *data = g_malloc (size);

  /* g_malloc (0) is NULL, and memset must not get NULL even for 0 bytes. */
  if (size > 0)
    memset (data, 'a' + index % 26, size);
  return g_bytes_new_take (data, size);
}

typedef struct {
  guint8  opcode;
  gsize   length;
  guint8  first;
} SeenFrame;

static GArray *
parse (GByteArray *stream)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (SeenFrame));
  DpxFrameScanner scanner;
  const guint8 *data = stream->data;
  gsize length = stream->len;
  SeenFrame current = { 0 };

  dpx_frame_scanner_init (&scanner);
  while (length > 0)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (&scanner, data, length, &consumed);

      if (event == DPX_FRAME_EVENT_HEADER)
        {
          current.opcode = scanner.opcode;
          current.length = scanner.payload_len;
          current.first = 0;
        }
      else if (event == DPX_FRAME_EVENT_PAYLOAD && dpx_frame_scanner_payload_offset (&scanner) == consumed)
        current.first = data[0];
      if (dpx_frame_scanner_frame_done (&scanner))
        g_array_append_val (frames, current);
      data += consumed;
      length -= consumed;
    }
  g_assert_true (dpx_frame_scanner_frame_done (&scanner) || stream->len == 0);
  return frames;
}

static void
test_output_frames_interleave_whole (Fixture       *f,
                                     gconstpointer  data)
{
  DpxRelayOutputStream *out = DPX_RELAY_OUTPUT_STREAM (f->out);
  static const guint8 ping[] = { 0x89, 0x04, 'p', 'i', 'n', 'g' };
  g_autoptr(GArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  gsize ping_written = 0;
  gboolean refused_once = FALSE;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GBytes) body = payload (i, 10000);
      g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_BINARY, body);

      dpx_relay_output_stream_push (out, frame);
    }
  g_assert_cmpuint (dpx_relay_output_stream_get_queued_frames (out), ==, 20);
  g_assert_cmpuint (dpx_relay_output_stream_get_queued (out), ==, 20 * (10000 + 4));

  /* The socket takes only part of the first frame. */
  dpx_relay_output_stream_flush_queue (out);
  g_assert_cmpuint (dpx_relay_output_stream_get_queued (out), >, 19 * (10000 + 4));

  /* libsoup wants to send a ping now: it must wait for the frame in progress. */
  while (ping_written < sizeof ping)
    {
      gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out),
                                                            ping + ping_written, sizeof ping - ping_written,
                                                            NULL, &error);
      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          g_clear_error (&error);
          refused_once = TRUE;
          drain (f, 3000);
          continue;
        }
      ping_written += n;
    }
  g_assert_true (refused_once);

  /* The rest goes out as the reader reads, driven by the main loop. */
  dpx_relay_output_stream_flush_queue (out);
  while (dpx_relay_output_stream_get_queued (out) > 0)
    {
      drain (f, 5000);
      g_main_context_iteration (NULL, FALSE);
    }
  drain (f, G_MAXSIZE);

  frames = parse (f->received);
  g_assert_cmpuint (frames->len, ==, 21);
  for (guint i = 0, data_index = 0; i < frames->len; i++)
    {
      SeenFrame *seen = &g_array_index (frames, SeenFrame, i);

      if (seen->opcode == 0x9)
        {
          /* The ping came whole, right after the frame it waited for. */
          g_assert_cmpuint (i, ==, 1);
          g_assert_cmpuint (seen->length, ==, 4);
          continue;
        }
      g_assert_cmpuint (seen->opcode, ==, 0x2);
      g_assert_cmpuint (seen->length, ==, 10000);
      g_assert_cmpuint (seen->first, ==, 'a' + data_index % 26);
      data_index++;
    }
}

/* While libsoup is half-way through its own frame, relayed frames wait. */
static void
test_output_waits_for_soup_frame (Fixture       *f,
                                  gconstpointer  data)
{
  DpxRelayOutputStream *out = DPX_RELAY_OUTPUT_STREAM (f->out);
  static const guint8 pong[] = { 0x8a, 0x03, 'a', 'b', 'c' };
  g_autoptr(GBytes) body = payload (0, 100);
  g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, body);
  g_autoptr(GArray) frames = NULL;

  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out),
                                                               pong, 2, NULL, NULL), ==, 2);
  dpx_relay_output_stream_push (out, frame);
  dpx_relay_output_stream_flush_queue (out);
  g_assert_cmpuint (dpx_relay_output_stream_get_queued (out), ==, g_bytes_get_size (frame));

  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out),
                                                               pong + 2, 3, NULL, NULL), ==, 3);
  /* Finishing its frame lets the relayed one go. */
  while (dpx_relay_output_stream_get_queued (out) > 0)
    g_main_context_iteration (NULL, TRUE);
  drain (f, G_MAXSIZE);

  frames = parse (f->received);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 0).opcode, ==, 0xa);
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 1).opcode, ==, 0x1);
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 1).length, ==, 100);
}

/* Nothing follows a close frame, and dropping frees all but a frame in progress. */
static void
test_output_close_and_drop (Fixture       *f,
                            gconstpointer  data)
{
  DpxRelayOutputStream *out = DPX_RELAY_OUTPUT_STREAM (f->out);
  static const guint8 close_frame[] = { 0x88, 0x02, 0x0f, 0xa8 };  /* 4008 */
  g_autoptr(GArray) frames = NULL;
  gsize written = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GBytes) body = payload (i, 10000);
      g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_BINARY, body);

      dpx_relay_output_stream_push (out, frame);
    }
  dpx_relay_output_stream_flush_queue (out);
  dpx_relay_output_stream_drop_queue (out);
  /* Only the frame in progress is kept, and only its unwritten part counts. */
  g_assert_cmpuint (dpx_relay_output_stream_get_queued_frames (out), ==, 1);
  g_assert_cmpuint (dpx_relay_output_stream_get_queued (out), <, 10004);

  while (written < sizeof close_frame)
    {
      gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out),
                                                            close_frame + written,
                                                            sizeof close_frame - written, NULL, NULL);
      if (n > 0)
        written += n;
      drain (f, 4000);
    }
  {
    g_autoptr(GBytes) body = payload (99, 10);
    g_autoptr(GBytes) late = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, body);

    dpx_relay_output_stream_push (out, late);
    dpx_relay_output_stream_flush_queue (out);
  }
  g_assert_cmpuint (dpx_relay_output_stream_get_queued (out), ==, 0);
  drain (f, G_MAXSIZE);

  frames = parse (f->received);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 0).opcode, ==, 0x2);
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 1).opcode, ==, 0x8);
}

/* libsoup's close frame comes after every message already queued: a
 * client whose message and close (or bad frame) came in one read still
 * gets the echo. */
static void
test_output_close_after_queued (Fixture       *f,
                                gconstpointer  data)
{
  DpxRelayOutputStream *out = DPX_RELAY_OUTPUT_STREAM (f->out);
  static const guint8 close_frame[] = { 0x88, 0x02, 0x03, 0xe8 };
  g_autoptr(GArray) frames = NULL;
  gsize written = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) body = payload (i, 3000);
      g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, body);

      dpx_relay_output_stream_push (out, frame);
    }
  /* Not flushed yet: the relay flushes from an idle, after libsoup's read. */
  while (written < sizeof close_frame)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out),
                                                            close_frame + written,
                                                            sizeof close_frame - written, NULL, &error);
      if (n > 0)
        written += n;
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      drain (f, 1500);
    }
  drain (f, G_MAXSIZE);

  frames = parse (f->received);
  g_assert_cmpuint (frames->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (frames, SeenFrame, i).opcode, ==, 0x1);
      g_assert_cmpuint (g_array_index (frames, SeenFrame, i).first, ==, 'a' + i);
    }
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 3).opcode, ==, 0x8);
  g_assert_cmpuint (dpx_relay_output_stream_get_queued (out), ==, 0);
}

/* A control frame waits only for the relayed frame in progress, not for the
 * whole backlog behind it. */
static void
test_output_control_jumps_backlog (Fixture       *f,
                                   gconstpointer  data)
{
  DpxRelayOutputStream *out = DPX_RELAY_OUTPUT_STREAM (f->out);
  static const guint8 pong[] = { 0x8a, 0x02, 'h', 'b' };
  g_autoptr(GArray) frames = NULL;
  g_autoptr(GError) error = NULL;
  gssize n;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GBytes) body = payload (i, 10000);
      g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_BINARY, body);

      dpx_relay_output_stream_push (out, frame);
    }
  dpx_relay_output_stream_flush_queue (out);
  n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out), pong, sizeof pong,
                                                  NULL, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  /* As the reader reads, only the frame in progress is finished... */
  while (dpx_relay_output_stream_get_queued_frames (out) == 10)
    {
      drain (f, 2000);
      dpx_relay_output_stream_flush_queue (out);
    }
  g_assert_cmpuint (dpx_relay_output_stream_get_queued_frames (out), ==, 9);

  /* ...and however often the socket turns writable, the pong goes next. */
  for (;;)
    {
      drain (f, 2000);
      dpx_relay_output_stream_flush_queue (out);
      g_assert_cmpuint (dpx_relay_output_stream_get_queued_frames (out), ==, 9);
      n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->out), pong, sizeof pong,
                                                      NULL, &error);
      if (n == sizeof pong)
        break;
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_clear_error (&error);
    }
  dpx_relay_output_stream_flush_queue (out);
  while (dpx_relay_output_stream_get_queued (out) > 0)
    {
      drain (f, 5000);
      g_main_context_iteration (NULL, FALSE);
    }
  drain (f, G_MAXSIZE);
  frames = parse (f->received);
  g_assert_cmpuint (frames->len, ==, 11);
  g_assert_cmpuint (g_array_index (frames, SeenFrame, 1).opcode, ==, 0xa);
}

static void
test_output_frame_headers (void)
{
  static const gsize sizes[] = { 0, 125, 126, 65535, 65536 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) body = payload (i, sizes[i]);
      g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, body);
      g_autoptr(GByteArray) wire = g_byte_array_new ();
      g_autoptr(GArray) frames = NULL;

      g_byte_array_append (wire, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
      frames = parse (wire);
      g_assert_cmpuint (frames->len, ==, 1);
      g_assert_cmpuint (g_array_index (frames, SeenFrame, 0).length, ==, sizes[i]);
      g_assert_cmpuint (g_bytes_get_size (frame), ==, dpx_frame_header_size_for (sizes[i], FALSE) + sizes[i]);
      g_assert_cmpuint (((const guint8 *) g_bytes_get_data (frame, NULL))[0], ==, 0x81);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/relay-output/frames-interleave-whole", Fixture, NULL,
              fixture_set_up, test_output_frames_interleave_whole, fixture_tear_down);
  g_test_add ("/relay-output/waits-for-soup-frame", Fixture, NULL,
              fixture_set_up, test_output_waits_for_soup_frame, fixture_tear_down);
  g_test_add ("/relay-output/close-and-drop", Fixture, NULL,
              fixture_set_up, test_output_close_and_drop, fixture_tear_down);
  g_test_add ("/relay-output/close-after-queued", Fixture, NULL,
              fixture_set_up, test_output_close_after_queued, fixture_tear_down);
  g_test_add ("/relay-output/control-jumps-backlog", Fixture, NULL,
              fixture_set_up, test_output_control_jumps_backlog, fixture_tear_down);
  g_test_add_func ("/relay-output/frame-headers", test_output_frame_headers);

  return g_test_run ();
}
