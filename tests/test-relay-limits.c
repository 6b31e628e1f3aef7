/* test-relay-limits.c: oversized, fragmented, compressed and unread
 * traffic against a `duplex serve` child, with its memory measured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "dpx-test-support.h"

#define MIB (1024 * 1024)

/* Growth allowed over the idle relay's footprint while a limit is tested:
 * far below the sizes pushed at it, so buffering a message whole fails. */
#define RSS_SLACK_KIB (12 * 1024)

static GBytes *
repeat_bytes (char  c,
              gsize n)
{
  char *data = g_malloc (n);

  memset (data, c, n);
  return g_bytes_new_take (data, n);
}

/* Another client sends normally before and after the offence: the relay
 * must keep serving it. */
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
  dpx_test_wait_until (b->messages->len == 1, 5000);
  g_assert_cmpmem (g_bytes_get_data (b->messages->pdata[0], NULL), 10, "still here", 10);
}

static void
test_limits_single_frame (void)
{
  const char *args[] = { "--max-message-size", "1M", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GBytes) big = repeat_bytes ('a', 2 * MIB);
  g_autoptr(GBytes) exact = repeat_bytes ('b', 1 * MIB);
  g_autoptr(DpxTestPeer) watcher = NULL;
  g_autofree char *reason = NULL;
  gsize base;
  gushort code = 0;

  watcher = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  base = dpx_test_server_rss_kib (server, FALSE);

  raw = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (raw->status, ==, 101);

  /* Exactly the limit goes through... */
  g_assert_true (dpx_raw_client_send_frame (raw, 0x81, g_bytes_get_data (exact, NULL), MIB, &error));
  dpx_test_wait_until (watcher->messages->len == 1, 10000);
  g_assert_true (g_bytes_equal (watcher->messages->pdata[0], exact));

  /* ...one byte more does not, and the peer can read why. */
  g_assert_true (dpx_raw_client_send_frame (raw, 0x81, g_bytes_get_data (big, NULL), 2 * MIB, &error));
  g_assert_no_error (error);
  g_assert_true (dpx_raw_client_read_close (raw, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1009);
  g_assert_cmpstr (reason, ==, "Message too big for this relay");

  assert_relay_still_serves (server);
  /* The watcher saw the good message and the later one, never the big one. */
  dpx_test_wait_until (watcher->messages->len == 2, 5000);
  g_assert_cmpuint (g_bytes_get_size (watcher->messages->pdata[1]), ==, 10);
  g_test_message ("relay RSS %zu KiB before, peak %zu KiB", base, dpx_test_server_rss_kib (server, TRUE));
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (dpx_test_server_rss_kib (server, TRUE), <, base + RSS_SLACK_KIB);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* Sends @total bytes in fragments until done or the relay answers. */
static gboolean
send_fragments_until_closed (DpxRawClient *raw,
                             gsize         total,
                             gsize         fragment)
{
  g_autoptr(GBytes) chunk = repeat_bytes ('f', fragment);
  gsize sent = 0;

  while (sent < total)
    {
      gboolean first = sent == 0;
      gboolean last = sent + fragment >= total;
      guint8 b0 = (last ? 0x80 : 0) | (first ? 0x1 : 0x0);

      if (g_socket_condition_check (raw->socket, G_IO_IN) & G_IO_IN)
        return TRUE;
      if (!dpx_raw_client_send_frame (raw, b0, g_bytes_get_data (chunk, NULL), fragment, NULL))
        return TRUE;
      sent += fragment;
    }
  return FALSE;
}

static void
test_limits_fragments (void)
{
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) raw = NULL;
  g_autofree char *reason = NULL;
  gushort code = 0;
  gsize base;

  base = dpx_test_server_rss_kib (server, FALSE);
  raw = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);

  /* 32 MB in 64 KiB fragments: each frame is small, the message is not. */
  g_assert_true (send_fragments_until_closed (raw, 32 * MIB, 64 * 1024) ||
                 TRUE /* the relay may read it all before answering */);
  g_assert_true (dpx_raw_client_read_close (raw, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1009);

  assert_relay_still_serves (server);
  g_test_message ("relay RSS %zu KiB before, peak %zu KiB", base, dpx_test_server_rss_kib (server, TRUE));
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (dpx_test_server_rss_kib (server, TRUE), <, base + RSS_SLACK_KIB);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* Raw deflate with the RFC 7692 tail removed, as a browser sends it. */
static GBytes *
deflate_message (GBytes *plain)
{
  z_stream z = { 0 };
  gsize out_cap = g_bytes_get_size (plain) / 100 + 1024 * 1024;
  guint8 *out = g_malloc (out_cap);
  gsize size;

  g_assert_cmpint (deflateInit2 (&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  z.next_in = (Bytef *) g_bytes_get_data (plain, NULL);
  z.avail_in = g_bytes_get_size (plain);
  z.next_out = out;
  z.avail_out = out_cap;
  g_assert_cmpint (deflate (&z, Z_SYNC_FLUSH), ==, Z_OK);
  g_assert_cmpuint (z.avail_in, ==, 0);
  size = out_cap - z.avail_out;
  deflateEnd (&z);
  g_assert_cmpuint (size, >, 4);
  g_assert_cmpmem (out + size - 4, 4, ((guint8[]) { 0, 0, 0xff, 0xff }), 4);
  return g_bytes_new_take (out, size - 4);
}

static void
test_limits_compressed (void)
{
  const char *args[] = { "--deflate", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello hello hello", 17);
  g_autoptr(GBytes) hello_z = deflate_message (hello);
  g_autoptr(GBytes) bomb = repeat_bytes ('z', 100 * 1000 * 1000);
  g_autoptr(GBytes) bomb_z = deflate_message (bomb);
  g_autoptr(DpxTestPeer) watcher = NULL;
  g_autofree char *reason = NULL;
  gushort code = 0;
  gsize base;

  g_clear_pointer (&bomb, g_bytes_unref);
  g_test_message ("100 MB deflate to %zu bytes", g_bytes_get_size (bomb_z));
  g_assert_cmpuint (g_bytes_get_size (bomb_z), <, 1024 * 1024);

  watcher = dpx_test_peer_new (dpx_test_connect_full (server->url, TRUE, &error));
  g_assert_no_error (error);
  base = dpx_test_server_rss_kib (server, FALSE);

  raw = dpx_raw_client_connect (server->url, "Sec-WebSocket-Extensions: permessage-deflate\r\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (raw->status, ==, 101);
  g_assert_nonnull (strstr (raw->response, "permessage-deflate"));

  /* A compressed message within the limit is relayed as it should be. */
  g_assert_true (dpx_raw_client_send_frame (raw, 0xc1, g_bytes_get_data (hello_z, NULL),
                                            g_bytes_get_size (hello_z), &error));
  dpx_test_wait_until (watcher->messages->len == 1, 10000);
  g_assert_true (g_bytes_equal (watcher->messages->pdata[0], hello));

  /* The bomb is small on the wire and refused by what it inflates to. */
  g_assert_true (dpx_raw_client_send_frame (raw, 0xc1, g_bytes_get_data (bomb_z, NULL),
                                            g_bytes_get_size (bomb_z), &error));
  g_assert_true (dpx_raw_client_read_close (raw, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1009);

  assert_relay_still_serves (server);
  dpx_test_wait_until (watcher->messages->len == 2, 5000);
  g_assert_cmpuint (g_bytes_get_size (watcher->messages->pdata[1]), ==, 10);
  g_test_message ("relay RSS %zu KiB before, peak %zu KiB", base, dpx_test_server_rss_kib (server, TRUE));
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (dpx_test_server_rss_kib (server, TRUE), <, base + RSS_SLACK_KIB);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* A client that connects and never reads while 128 MB flow past it. */
static void
test_limits_stalled_reader (void)
{
  const char *args[] = { "--max-queued", "2M", "--stall-timeout", "1", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxRawClient) stalled = NULL;
  g_autoptr(DpxTestPeer) producer = NULL;
  g_autoptr(DpxTestPeer) reader = NULL;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  const guint n_messages = 2048;
  const gsize size = 64 * 1024;
  gboolean ended = FALSE;
  guint8 first;
  gsize base;

  producer = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  reader = dpx_test_peer_new (dpx_test_connect (server->url, &error));
  g_assert_no_error (error);
  stalled = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  base = dpx_test_server_rss_kib (server, FALSE);

  /* Paced by the healthy reader, so only the stalled one falls behind. */
  for (guint i = 0; i < n_messages; i++)
    {
      g_autofree guint8 *data = g_malloc (size);
      g_autoptr(GBytes) message = NULL;

      memset (data, i & 0xff, size);
      message = g_bytes_new_take (g_steal_pointer (&data), size);
      soup_websocket_connection_send_message (producer->conn, SOUP_WEBSOCKET_DATA_BINARY, message);
      if (i % 16 == 15)
        dpx_test_wait_until (reader->messages->len >= i + 1 - 16, 20000);
    }
  dpx_test_wait_until (reader->messages->len == n_messages, 30000);

  /* Everyone else received everything, in order. */
  for (guint i = 0; i < n_messages; i++)
    {
      const guint8 *data = g_bytes_get_data (reader->messages->pdata[i], NULL);

      g_assert_cmpuint (g_bytes_get_size (reader->messages->pdata[i]), ==, size);
      g_assert_cmpuint (data[0], ==, i & 0xff);
      g_assert_cmpuint (data[size - 1], ==, i & 0xff);
    }

  g_test_message ("relay RSS %zu KiB before, peak %zu KiB after %u MiB relayed past a stalled client",
                  base, dpx_test_server_rss_kib (server, TRUE), (guint) (n_messages * size / MIB));
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (dpx_test_server_rss_kib (server, TRUE), <, base + 2 * RSS_SLACK_KIB);

  /* The stalled client was let go: draining its socket ends in the close
   * frame or, when even that could not be written, the end of the stream. */
  for (guint n = 0; n < n_messages + 1; n++)
    {
      g_clear_error (&error);
      if (!dpx_raw_client_read_frame (stalled, &first, frame, &error))
        {
          ended = TRUE;
          break;
        }
      if ((first & 0x0f) == 0x8)
        {
          g_assert_cmpuint (frame->len, >=, 2);
          g_assert_cmpuint ((frame->data[0] << 8) | frame->data[1], ==, 4008);
          ended = TRUE;
          break;
        }
    }
  g_assert_true (ended);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));

  assert_relay_still_serves (server);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-limits/single-frame", test_limits_single_frame);
  g_test_add_func ("/relay-limits/fragments", test_limits_fragments);
  g_test_add_func ("/relay-limits/compressed", test_limits_compressed);
  g_test_add_func ("/relay-limits/stalled-reader", test_limits_stalled_reader);

  return g_test_run ();
}
