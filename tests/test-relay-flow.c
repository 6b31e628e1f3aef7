/* test-relay-flow.c: a `duplex serve` child under floods, stalled readers
 * and misbehaving connections: flow control, eviction and the listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dpx-test-support.h"

#define MIB (1024 * 1024)

/* Growth allowed over the idle relay's footprint, besides the queue cap:
 * allocator slack and libsoup's buffers, far below what the floods below
 * made the relay hold before it counted every queued frame. */
#define RSS_SLACK_KIB (6 * 1024)

/* A client that reads in its own thread as fast as it can, pausing a little
 * every few frames like a real program doing something with them. It
 * checks that one publisher's messages come whole and in order. */
typedef struct {
  DpxRawClient *raw;
  GThread      *thread;
  guint         expected;
  guint         pace_frames;
  gulong        pace_us;
  gint          received;     /* atomic */
  gboolean      in_order;
  gboolean      ended;
  gushort       close_code;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *reader = data;
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  guint received = 0;

  reader->in_order = TRUE;
  while (received < reader->expected)
    {
      g_autoptr(GError) error = NULL;
      guint8 first;

      if (!dpx_raw_client_read_frame (reader->raw, &first, payload, &error))
        {
          reader->ended = TRUE;
          break;
        }
      if ((first & 0x0f) == 0x8)
        {
          reader->close_code = payload->len >= 2 ? (payload->data[0] << 8) | payload->data[1] : 1005;
          reader->ended = TRUE;
          break;
        }
      if (payload->len < 8 || g_ascii_strtoull ((char *) payload->data, NULL, 10) != received)
        reader->in_order = FALSE;
      received++;
      g_atomic_int_set (&reader->received, received);
      if (reader->pace_frames > 0 && received % reader->pace_frames == 0)
        g_usleep (reader->pace_us);
    }
  return NULL;
}

static Reader *
reader_start (const char *url,
              guint       expected)
{
  g_autoptr(GError) error = NULL;
  Reader *reader = g_new0 (Reader, 1);

  reader->raw = dpx_raw_client_connect (url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reader->raw->status, ==, 101);
  reader->expected = expected;
  /* About 8 MB/s at 1 KiB: far slower than a publisher on loopback. */
  reader->pace_frames = 16;
  reader->pace_us = 2000;
  reader->thread = g_thread_new ("reader", reader_thread, reader);
  return reader;
}

static void
reader_join (Reader *reader)
{
  g_thread_join (reader->thread);
  reader->thread = NULL;
}

static void
reader_free (Reader *reader)
{
  if (reader->thread)
    reader_join (reader);
  dpx_raw_client_free (reader->raw);
  g_free (reader);
}

/* Text messages of @size bytes, each starting with its number. */
static gboolean
publish (DpxRawClient *raw,
         guint         count,
         gsize         size)
{
  g_autofree guint8 *data = g_malloc (size);

  memset (data, 'x', size);
  for (guint i = 0; i < count; i++)
    {
      char number[16];

      g_snprintf (number, sizeof number, "%08u", i);
      memcpy (data, number, 8);
      if (!dpx_raw_client_send_frame (raw, 0x81, data, size, NULL))
        return FALSE;
    }
  return TRUE;
}

/* Drains what waited for a client that read nothing: it ends in the
 * close frame or, when even that could not be written, the stream's end. */
static gushort
drain_until_closed (DpxRawClient *raw)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint8 first;

      if (!dpx_raw_client_read_frame (raw, &first, payload, &error))
        {
          g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
          return 1006;
        }
      if ((first & 0x0f) == 0x8)
        return payload->len >= 2 ? (payload->data[0] << 8) | payload->data[1] : 1005;
    }
}

static gboolean
has_message (DpxTestPeer *peer,
             const char  *text)
{
  for (guint i = 0; i < peer->messages->len; i++)
    if (g_bytes_get_size (peer->messages->pdata[i]) == strlen (text) &&
        memcmp (g_bytes_get_data (peer->messages->pdata[i], NULL), text, strlen (text)) == 0)
      return TRUE;
  return FALSE;
}

/* Another client can still talk through the relay (what is left of a
 * flood may reach it first). */
static void
assert_relay_still_serves (DpxTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) a = NULL;
  g_autoptr(DpxTestPeer) b = NULL;

  a = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  b = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  soup_websocket_connection_send_text (a->conn, "still here");
  dpx_test_wait_until (has_message (b, "still here"), 10000);
}

/* The classroom: one loop sends as fast as it can while ten
 * clients read as fast as they can, each slower than the sender. */
static void
test_flow_fast_publisher (void)
{
  const char *args[] = { "--no-echo", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) publisher = NULL;
  const guint n_messages = 20000;
  Reader *readers[10];

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    readers[i] = reader_start (server->url, n_messages);
  publisher = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (publish (publisher, n_messages, 1024));

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      reader_join (readers[i]);
      g_test_message ("reader %u: %d messages, close code %u", i,
                      g_atomic_int_get (&readers[i]->received), readers[i]->close_code);
      g_assert_cmpuint (readers[i]->close_code, ==, 0);
      g_assert_false (readers[i]->ended);
      g_assert_cmpint (g_atomic_int_get (&readers[i]->received), ==, n_messages);
      g_assert_true (readers[i]->in_order);
      reader_free (readers[i]);
    }
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* One client stops reading in the middle of a flood: it goes after the
 * stall timeout, and the others still get everything. */
static void
test_flow_stalled_reader (void)
{
  const char *args[] = { "--no-echo", "--stall-timeout", "1", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) publisher = NULL;
  g_autoptr(DpxRawClient) stalled = NULL;
  const guint n_messages = 20000;
  Reader *readers[3];

  stalled = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    readers[i] = reader_start (server->url, n_messages);
  publisher = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (publish (publisher, n_messages, 1024));

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      reader_join (readers[i]);
      g_assert_cmpuint (readers[i]->close_code, ==, 0);
      g_assert_cmpint (g_atomic_int_get (&readers[i]->received), ==, n_messages);
      g_assert_true (readers[i]->in_order);
      reader_free (readers[i]);
    }

  /* 20 MB went past it: far more than any socket buffer holds. */
  g_assert_cmpuint (drain_until_closed (stalled), !=, 0);
  assert_relay_still_serves (server);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* @count empty text frames, masked as a client sends them, in one buffer. */
static GBytes *
empty_frames (guint  count,
              guint8 opcode,
              gsize  payload_size)
{
  gsize frame_size = 2 + 4 + payload_size;
  guint8 *data = g_malloc0 (count * frame_size);

  g_assert_cmpuint (payload_size, <, 126);
  for (guint i = 0; i < count; i++)
    {
      guint8 *frame = data + i * frame_size;

      frame[0] = 0x80 | opcode;
      frame[1] = 0x80 | payload_size;
      /* A zero mask leaves the payload as it is: zeros. */
    }
  return g_bytes_new_take (data, count * frame_size);
}

/* Writes @batch @rounds times, or until the relay ends the connection. */
static guint
flood (DpxRawClient *raw,
       GBytes       *batch,
       guint         rounds)
{
  guint done = 0;

  for (; done < rounds; done++)
    if (!g_output_stream_write_all (raw->out, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch),
                                    NULL, NULL, NULL))
      break;
  return done;
}

/* Empty messages cost the relay far more than their two bytes: a stalled
 * reader must not make it hold more than its cap in them. */
static void
test_flow_empty_flood (void)
{
  const char *args[] = { "--no-echo", "--max-queued", "1M", "--stall-timeout", "1", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn_full (args, 0, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) stalled = NULL;
  g_autoptr(DpxRawClient) publisher = NULL;
  g_autoptr(GBytes) batch = empty_frames (1000, 0x1, 0);
  gsize base, peak;

  /* What this checks is memory, which the sanitizer build does not
   * measure (see dpx-test-support.h); it is also too slow there to take
   * three million messages before the stall timeout. */
  if (!DPX_TEST_MEMORY_MEASURABLE)
    {
      g_test_skip ("memory is not measured under AddressSanitizer");
      return;
    }

  stalled = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  publisher = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  base = dpx_test_server_rss_kib (server, FALSE);

  /* Three million messages: the relay's send buffer takes up to two
   * million of them (4 MB), and then half a million more would fit under a
   * cap that counted their bytes only. */
  g_assert_cmpuint (flood (publisher, batch, 3000), ==, 3000);
  dpx_test_wait_until (strstr (server->stderr_text->str, "closed by the relay (4008") != NULL, 10000);

  /* The relay reads the flood to its end before it sees the publisher go;
   * then the others' clients need not wade through what is left of it. */
  g_clear_pointer (&publisher, dpx_raw_client_free);
  dpx_test_wait_until (strstr (server->stderr_text->str, "after 3000000 messages in") != NULL, 30000);
  assert_relay_still_serves (server);

  peak = dpx_test_server_rss_kib (server, TRUE);
  g_test_message ("relay RSS %zu KiB before, peak %zu KiB", base, peak);
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (peak, <, base + 1024 + RSS_SLACK_KIB);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* Pings answered into a socket nobody reads: the pongs wait in libsoup,
 * and count against the client's share like any queued frame. */
static void
test_flow_ping_flood (void)
{
  const char *args[] = { "--max-queued", "1M", "--stall-timeout", "1", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) pinger = NULL;
  g_autoptr(GBytes) batch = empty_frames (1000, 0x9, 125);
  gsize base, peak;
  guint sent;

  pinger = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  base = dpx_test_server_rss_kib (server, FALSE);

  /* 100 000 pings of 125 bytes: 13 MB of pongs, more than socket buffers. */
  sent = flood (pinger, batch, 100);
  g_test_message ("%u000 pings written", sent);
  g_assert_cmpuint (drain_until_closed (pinger), !=, 0);
  assert_relay_still_serves (server);

  peak = dpx_test_server_rss_kib (server, TRUE);
  g_test_message ("relay RSS %zu KiB before, peak %zu KiB", base, peak);
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (peak, <, base + 1024 + RSS_SLACK_KIB);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* A connection that sends a byte now and then never finishes its
 * handshake: it is closed after the handshake timeout, and a client that
 * did finish stays. */
static void
test_flow_handshake_timeout (void)
{
  const char *args[] = { "--handshake-timeout", "1", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) slow = NULL;
  g_autoptr(DpxTestPeer) a = NULL;
  g_autoptr(DpxTestPeer) b = NULL;
  char buffer[256];
  gssize n;

  a = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  b = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);

  slow = g_socket_client_connect_to_host (socket_client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (slow), 8);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (slow)),
                                            "GET / HT", 8, NULL, NULL, &error));
  g_assert_no_error (error);

  /* The relay hangs up: the end of the stream, or a reset. */
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (slow)), buffer, sizeof buffer,
                           NULL, &error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_cmpint (n, <=, 0);

  /* Longer than the handshake timeout, the upgraded clients still talk. */
  soup_websocket_connection_send_text (a->conn, "still open");
  dpx_test_wait_until (b->messages->len == 1, 5000);
  g_assert_false (a->closed);
  g_assert_false (b->closed);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* Out of descriptors, the relay says so once, keeps its listener, and
 * accepts again once connections have gone. */
static void
test_flow_out_of_descriptors (void)
{
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn_full (NULL, 40, TRUE);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) a = NULL;
  g_autoptr(DpxTestPeer) b = NULL;

  /* The listen backlog completes these even when the relay cannot take
   * them. */
  for (guint i = 0; i < 60; i++)
    {
      GSocketConnection *connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                                       server->port, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (held, connection);
    }
  dpx_test_wait_until (strstr (server->stderr_text->str, "Cannot accept new clients") != NULL, 10000);

  g_ptr_array_set_size (held, 0);
  a = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  b = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  soup_websocket_connection_send_text (a->conn, "back");
  dpx_test_wait_until (b->messages->len == 1, 5000);

  g_test_message ("%s", server->stderr_text->str);
  g_assert_cmpuint (count_occurrences (server->stderr_text->str, "Cannot accept new clients"), ==, 1);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

static gpointer
publisher_thread (gpointer data)
{
  return GINT_TO_POINTER (publish (data, 1000000, 1024));
}

/* Stopping while publishers are held back still closes every client with
 * 1001, readers behind a full queue included. */
static void
test_flow_stop_during_flood (void)
{
  const char *args[] = { "--no-echo", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) publisher = NULL;
  GThread *publishing = NULL;
  const guint n_messages = 1000000;
  Reader *readers[4];
  gboolean all_busy = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    readers[i] = reader_start (server->url, n_messages);
  publisher = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);

  /* The publisher blocks in its writes while held back: give it a thread.
   * It ends when the relay is gone and its writes fail. */
  publishing = g_thread_new ("publisher", publisher_thread, publisher);

  while (!all_busy)
    {
      all_busy = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
        all_busy &= g_atomic_int_get (&readers[i]->received) >= 5000;
      g_usleep (1000);
    }

  g_test_message ("stopping");
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
  g_test_message ("stopped");
  g_assert_false (GPOINTER_TO_INT (g_thread_join (g_steal_pointer (&publishing))));
  g_test_message ("publisher done");
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      reader_join (readers[i]);
      g_assert_cmpuint (readers[i]->close_code, ==, 1001);
      g_assert_true (readers[i]->in_order);
      reader_free (readers[i]);
    }
}

/* A noisy client is slowed to its rate; a neighbour is not. */
static void
test_flow_max_rate (void)
{
  const char *args[] = { "--max-rate", "20", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) noisy = NULL;
  g_autoptr(DpxTestPeer) neighbour = NULL;
  g_autoptr(DpxTestPeer) reader = NULL;
  gint64 start;

  noisy = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  neighbour = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  reader = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *text = g_strdup_printf ("noisy %u", i);

      soup_websocket_connection_send_text (noisy->conn, text);
    }
  soup_websocket_connection_send_text (neighbour->conn, "neighbour");

  /* The neighbour's message passes the noisy client's backlog. */
  dpx_test_wait_until (has_message (reader, "neighbour"), 10000);
  g_assert_false (has_message (reader, "noisy 59"));
  dpx_test_wait_until (has_message (reader, "noisy 59"), 10000);

  /* 20 at once, then 20 a second: the last no sooner than 2 s in. */
  g_test_message ("60 messages at 20/s took %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1500 * 1000);
  g_assert_false (noisy->closed);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-flow/fast-publisher", test_flow_fast_publisher);
  g_test_add_func ("/relay-flow/stalled-reader", test_flow_stalled_reader);
  g_test_add_func ("/relay-flow/empty-flood", test_flow_empty_flood);
  g_test_add_func ("/relay-flow/ping-flood", test_flow_ping_flood);
  g_test_add_func ("/relay-flow/handshake-timeout", test_flow_handshake_timeout);
  g_test_add_func ("/relay-flow/out-of-descriptors", test_flow_out_of_descriptors);
  g_test_add_func ("/relay-flow/stop-during-flood", test_flow_stop_during_flood);
  g_test_add_func ("/relay-flow/max-rate", test_flow_max_rate);

  return g_test_run ();
}
