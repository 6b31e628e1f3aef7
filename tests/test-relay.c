/* test-relay.c: the broadcast relay end to end on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-test-support.h"

static GPtrArray *
connect_peers (const char *url,
               guint       n)
{
  GPtrArray *peers = g_ptr_array_new_with_free_func ((GDestroyNotify) dpx_test_peer_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      SoupWebsocketConnection *conn = dpx_test_connect (url, &error);

      g_assert_no_error (error);
      g_ptr_array_add (peers, dpx_test_peer_new (conn));
    }
  return peers;
}

static gboolean
all_have (GPtrArray *peers,
          guint      count)
{
  for (guint i = 0; i < peers->len; i++)
    if (((DpxTestPeer *) peers->pdata[i])->messages->len < count)
      return FALSE;
  return TRUE;
}

static void
assert_text (DpxTestPeer *peer,
             guint        index,
             const char  *text)
{
  GBytes *message = peer->messages->pdata[index];

  g_assert_cmpint (g_array_index (peer->types, int, index), ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message), text, strlen (text));
}

static void
test_relay_fan_out_50 (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GPtrArray) peers = connect_peers (url, 50);
  DpxTestPeer *sender = peers->pdata[7];

  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 50, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_relay_get_peers (relay)), ==, 50);

  soup_websocket_connection_send_text (sender->conn, "one");
  soup_websocket_connection_send_text (sender->conn, "two");
  dpx_test_wait_until (all_have (peers, 2), 10000);

  /* Everyone, the sender included, in the order sent. */
  for (guint i = 0; i < peers->len; i++)
    {
      DpxTestPeer *peer = peers->pdata[i];

      g_assert_cmpuint (peer->messages->len, ==, 2);
      assert_text (peer, 0, "one");
      assert_text (peer, 1, "two");
    }
  g_assert_cmpuint (dpx_relay_get_messages_relayed (relay), ==, 2);
}

static void
test_relay_exclude_sender (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) peers = NULL;
  g_autofree char *url = NULL;
  DpxTestPeer *sender, *other;

  dpx_relay_set_port (relay, 0);
  dpx_relay_set_echo (relay, FALSE);
  g_assert_true (dpx_relay_start (relay, &error));
  url = dpx_relay_dup_url (relay);
  peers = connect_peers (url, 3);
  sender = peers->pdata[0];
  other = peers->pdata[2];

  soup_websocket_connection_send_text (sender->conn, "not to me");
  soup_websocket_connection_send_text (other->conn, "marker");
  dpx_test_wait_until (sender->messages->len == 1, 5000);
  /* The sender got only the other's marker: its own message never came back. */
  assert_text (sender, 0, "marker");
  dpx_test_wait_until (((DpxTestPeer *) peers->pdata[1])->messages->len == 2, 5000);
  g_assert_cmpuint (other->messages->len, ==, 1);
  assert_text (other, 0, "not to me");
}

static void
test_relay_binary_exact_and_large (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GPtrArray) peers = connect_peers (url, 3);
  g_autoptr(GBytes) all_bytes = NULL;
  g_autoptr(GBytes) mib = NULL;
  guint8 every[256];
  guint8 *big = g_malloc (1024 * 1024);

  for (guint i = 0; i < 256; i++)
    every[i] = i;
  for (guint i = 0; i < 1024 * 1024; i++)
    big[i] = (i * 7919) >> 3;
  all_bytes = g_bytes_new (every, sizeof every);
  mib = g_bytes_new_take (big, 1024 * 1024);

  soup_websocket_connection_send_message (((DpxTestPeer *) peers->pdata[0])->conn,
                                          SOUP_WEBSOCKET_DATA_BINARY, all_bytes);
  /* Exactly the default limit of 1 MiB is accepted. */
  soup_websocket_connection_send_message (((DpxTestPeer *) peers->pdata[1])->conn,
                                          SOUP_WEBSOCKET_DATA_BINARY, mib);
  dpx_test_wait_until (all_have (peers, 2), 10000);

  for (guint i = 0; i < peers->len; i++)
    {
      DpxTestPeer *peer = peers->pdata[i];
      guint first = g_bytes_get_size (peer->messages->pdata[0]) == 256 ? 0 : 1;

      g_assert_cmpint (g_array_index (peer->types, int, 0), ==, SOUP_WEBSOCKET_DATA_BINARY);
      g_assert_true (g_bytes_equal (peer->messages->pdata[first], all_bytes));
      g_assert_true (g_bytes_equal (peer->messages->pdata[1 - first], mib));
    }
}

/* Per sender, the order of 1000 quick messages survives the fan-out. */
static void
test_relay_order_per_sender (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GPtrArray) peers = connect_peers (url, 4);

  for (guint i = 0; i < 1000; i++)
    for (guint s = 0; s < 2; s++)
      {
        g_autofree char *text = g_strdup_printf ("%u:%u", s, i);
        soup_websocket_connection_send_text (((DpxTestPeer *) peers->pdata[s])->conn, text);
      }
  dpx_test_wait_until (all_have (peers, 2000), 20000);

  for (guint p = 0; p < peers->len; p++)
    {
      DpxTestPeer *peer = peers->pdata[p];
      guint next[2] = { 0, 0 };

      for (guint m = 0; m < peer->messages->len; m++)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (peer->messages->pdata[m], NULL),
                                             g_bytes_get_size (peer->messages->pdata[m]));
          guint s = text[0] - '0';

          g_assert_cmpuint (s, <, 2);
          g_assert_cmpuint (g_ascii_strtoull (text + 2, NULL, 10), ==, next[s]);
          next[s]++;
        }
      g_assert_cmpuint (next[0], ==, 1000);
      g_assert_cmpuint (next[1], ==, 1000);
    }
}

static void
test_relay_peer_list (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GPtrArray) peers = connect_peers (url, 2);
  g_autoptr(DpxRelayPeer) first = NULL;
  DpxTestPeer *a = peers->pdata[0];

  soup_websocket_connection_send_text (a->conn, "12345");
  dpx_test_wait_until (all_have (peers, 1), 5000);

  first = g_list_model_get_item (dpx_relay_get_peers (relay), 0);
  g_assert_true (g_str_has_prefix (dpx_relay_peer_get_remote_address (first), "127.0.0.1:"));
  g_assert_true (g_str_has_prefix (dpx_relay_peer_get_user_agent (first), "duplex-test libsoup/"));
  g_assert_cmpuint (dpx_relay_peer_get_messages_in (first), ==, 1);
  g_assert_cmpuint (dpx_relay_peer_get_bytes_in (first), ==, 5);
  g_assert_cmpuint (dpx_relay_peer_get_messages_out (first), ==, 1);
  g_assert_cmpuint (dpx_relay_peer_get_bytes_out (first), ==, 5);
  g_assert_cmpint (dpx_relay_peer_get_connected_since (first), <=, g_get_real_time ());

  /* A client that leaves leaves the list. */
  g_ptr_array_remove_index (peers, 1);
  dpx_test_wait_until (g_list_model_get_n_items (dpx_relay_get_peers (relay)) == 1, 5000);
  g_assert_cmpuint (dpx_relay_get_n_peers (relay), ==, 1);
}

static void
test_relay_subprotocol (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(DpxClient) client = dpx_client_new (url);
  const char *protocols[] = { "chat.v2", "chat.v1", NULL };

  dpx_client_set_protocols (client, protocols);
  dpx_client_connect_async (client, NULL, NULL, NULL);
  dpx_test_wait_until (dpx_client_get_state (client) == DPX_CONNECTION_STATE_OPEN, 5000);
  g_assert_cmpstr (dpx_client_get_protocol (client), ==, "chat.v2");
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  {
    g_autoptr(DpxRelayPeer) peer = g_list_model_get_item (dpx_relay_get_peers (relay), 0);
    g_assert_cmpstr (dpx_relay_peer_get_protocol (peer), ==, "chat.v2");
  }
}

static void
got_status (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
test_relay_max_clients (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) peers = NULL;
  g_autofree char *url = NULL;
  g_autoptr(DpxClient) third = NULL;

  dpx_relay_set_port (relay, 0);
  dpx_relay_set_max_clients (relay, 2);
  g_assert_true (dpx_relay_start (relay, &error));
  url = dpx_relay_dup_url (relay);
  peers = connect_peers (url, 2);

  g_assert_null (dpx_test_connect (url, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Through the client, the refusal reads as what it is. */
  third = dpx_client_new (url);
  dpx_client_connect_async (third, NULL, NULL, NULL);
  dpx_test_wait_until (dpx_client_get_state (third) == DPX_CONNECTION_STATE_CLOSED, 10000);
  g_test_message ("%s", dpx_client_get_error_message (third));
  g_assert_nonnull (strstr (dpx_client_get_error_message (third), "HTTP 503"));
  g_assert_nonnull (strstr (dpx_client_get_error_message (third), "at most 2 clients"));
  g_assert_cmpuint (dpx_relay_get_n_peers (relay), ==, 2);

  /* A place frees up when someone leaves. */
  g_ptr_array_remove_index (peers, 0);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  g_ptr_array_add (peers, dpx_test_peer_new (dpx_test_connect (url, &error)));
  g_assert_no_error (error);
}

typedef struct {
  guint      done;
  guint      refused;
  GPtrArray *conns;
} Burst;

static void
burst_attempt_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn)
    g_ptr_array_add (burst->conns, conn);
  else
    burst->refused++;
  burst->done++;
}

/* Twenty clients at once against a limit of five: exactly five get in. */
static void
test_relay_max_clients_burst (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 100, "max-conns-per-host", 100, NULL);
  g_autofree char *url = NULL;
  Burst burst = { 0, 0, g_ptr_array_new_with_free_func (g_object_unref) };

  dpx_relay_set_port (relay, 0);
  dpx_relay_set_max_clients (relay, 5);
  g_assert_true (dpx_relay_start (relay, &error));
  url = dpx_relay_dup_url (relay);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            burst_attempt_done, &burst);
    }
  dpx_test_wait_until (burst.done == 20, 10000);
  g_assert_cmpuint (burst.conns->len, ==, 5);
  g_assert_cmpuint (burst.refused, ==, 15);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 5, 5000);
  g_ptr_array_unref (burst.conns);
}

static void
test_relay_plain_http (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autofree char *http = g_strdup_printf ("http://127.0.0.1:%u/anything", dpx_relay_get_port (relay));
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", http);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, got_status, &body);
  dpx_test_wait_until (body != NULL, 5000);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (strstr (text, "Duplex broadcast relay"));
  g_assert_nonnull (strstr (text, url));
}

typedef struct {
  GSocketConnection *connection;
  GError            *error;
  gboolean           done;
} RawConnect;

static void
raw_connected (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  RawConnect *raw = user_data;

  raw->connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &raw->error);
  raw->done = TRUE;
}

typedef struct {
  GBytes  *bytes;
  gboolean done;
} RawRead;

static void
raw_read (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  RawRead *read = user_data;

  read->bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  read->done = TRUE;
}

/* Garbage instead of a handshake gets an HTTP error, and the relay serves on. */
static void
test_relay_garbage_handshake (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GPtrArray) peers = NULL;
  static const guint8 garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n";
  RawConnect conn = { 0 };
  RawRead read = { 0 };

  g_socket_client_connect_to_host_async (socket_client, "127.0.0.1", dpx_relay_get_port (relay),
                                         NULL, raw_connected, &conn);
  dpx_test_wait_until (conn.done, 5000);
  g_assert_no_error (conn.error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn.connection)),
                             garbage, sizeof garbage - 1, NULL, NULL, NULL);
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (conn.connection)),
                                   4096, G_PRIORITY_DEFAULT, NULL, raw_read, &read);
  dpx_test_wait_until (read.done, 5000);
  /* Either an HTTP 400 or a closed connection: never a hang, never a crash. */
  if (read.bytes && g_bytes_get_size (read.bytes) > 0)
    {
      g_autofree char *head = g_strndup (g_bytes_get_data (read.bytes, NULL), 16);

      g_assert_true (g_str_has_prefix (head, "HTTP/1."));
      g_assert_nonnull (strstr (head, " 400"));
    }
  g_clear_pointer (&read.bytes, g_bytes_unref);
  g_clear_object (&conn.connection);

  peers = connect_peers (url, 2);
  soup_websocket_connection_send_text (((DpxTestPeer *) peers->pdata[0])->conn, "after garbage");
  dpx_test_wait_until (all_have (peers, 1), 5000);
}

/* Invalid UTF-8 in a text frame: that client is closed with 1007. The raw
 * client blocks, so the relay runs as a child process here. */
static void
test_relay_invalid_utf8 (void)
{
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (NULL);
  g_autoptr(GPtrArray) peers = connect_peers (server->url, 2);
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 bad[] = { 'o', 'k', 0xff, 0xfe };
  g_autofree char *reason = NULL;
  gushort code = 0;

  raw = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (raw->status, ==, 101);
  g_assert_true (dpx_raw_client_send_frame (raw, 0x81, bad, sizeof bad, &error));
  g_assert_true (dpx_raw_client_read_close (raw, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1007);

  /* Nobody received the bad frame, and everyone else carries on. */
  soup_websocket_connection_send_text (((DpxTestPeer *) peers->pdata[0])->conn, "fine");
  dpx_test_wait_until (all_have (peers, 1), 5000);
  assert_text (peers->pdata[1], 0, "fine");
  g_assert_cmpuint (((DpxTestPeer *) peers->pdata[1])->messages->len, ==, 1);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* The relay takes data frames off libsoup's hands: a text message in three
 * fragments, with a character split between two of them and a ping between
 * the last two, reaches everyone whole and in order after a binary one, and
 * the sender gets its pong and its own copy. */
static void
test_relay_fragments_across_frames (void)
{
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (NULL);
  g_autoptr(GPtrArray) peers = connect_peers (server->url, 2);
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  static const guint8 binary[] = { 0x00, 0xff, 0x80, 'x' };
  static const guint8 first[] = { 'c', 'a', 'f', 0xc3 };
  static const guint8 second[] = { 0xa9, ' ' };
  static const guint8 third[] = { 'o', 'k' };
  static const guint8 ping[] = { 'p' };
  guint8 first_byte = 0;

  raw = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (raw->status, ==, 101);
  g_assert_true (dpx_raw_client_send_frame (raw, 0x82, binary, sizeof binary, &error));
  g_assert_true (dpx_raw_client_send_frame (raw, 0x01, first, sizeof first, &error));
  g_assert_true (dpx_raw_client_send_frame (raw, 0x00, second, sizeof second, &error));
  g_assert_true (dpx_raw_client_send_frame (raw, 0x89, ping, sizeof ping, &error));
  g_assert_true (dpx_raw_client_send_frame (raw, 0x80, third, sizeof third, &error));
  g_assert_no_error (error);

  dpx_test_wait_until (all_have (peers, 2), 5000);
  for (guint i = 0; i < peers->len; i++)
    {
      DpxTestPeer *peer = peers->pdata[i];
      GBytes *message = peer->messages->pdata[0];

      g_assert_cmpuint (peer->messages->len, ==, 2);
      g_assert_cmpint (g_array_index (peer->types, int, 0), ==, SOUP_WEBSOCKET_DATA_BINARY);
      g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message), binary, sizeof binary);
      assert_text (peer, 1, "caf\xc3\xa9 ok");
    }

  /* The sender: its own copies in order, and the pong anywhere among them
   * (libsoup writes the pong, the relay its copies). */
  for (guint i = 0, data = 0, pongs = 0; i < 3; i++)
    {
      g_byte_array_set_size (payload, 0);
      g_assert_true (dpx_raw_client_read_frame (raw, &first_byte, payload, &error));
      g_assert_no_error (error);
      if (first_byte == 0x8a)
        {
          g_assert_cmpmem (payload->data, payload->len, ping, sizeof ping);
          g_assert_cmpuint (++pongs, ==, 1);
        }
      else if (data++ == 0)
        {
          g_assert_cmphex (first_byte, ==, 0x82);
          g_assert_cmpmem (payload->data, payload->len, binary, sizeof binary);
        }
      else
        {
          g_assert_cmphex (first_byte, ==, 0x81);
          g_assert_cmpmem (payload->data, payload->len, "caf\xc3\xa9 ok", 8);
        }
    }
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* What a client did is logged in words: its close with 1012 (which the
 * relay must not answer with 1002), and a breach of the protocol by name,
 * with the relay's own close code. */
static void
test_relay_logs_close_codes_and_breaches (void)
{
  static const char * const args[] = { NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn_full (args, 0, TRUE);
  g_autoptr(DpxRawClient) leaving = NULL;
  g_autoptr(DpxRawClient) breaking = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 restart[] = { 1012 >> 8, 1012 & 0xff, 'b', 'y', 'e' };
  g_autofree char *reason = NULL;
  gushort code = 0;

  leaving = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dpx_raw_client_send_frame (leaving, 0x88, restart, sizeof restart, &error));
  g_assert_true (dpx_raw_client_read_close (leaving, &code, &reason, &error));
  g_assert_no_error (error);
  /* The relay answers a client without compression itself and echoes the
   * code (libsoup, which cannot send 1012, would answer 1000); never 1002. */
  g_assert_cmpuint (code, ==, 1012);
  g_assert_cmpstr (reason, ==, "bye");
  dpx_test_wait_until (strstr (server->stderr_text->str, "disconnected (1012, service restart, “bye”)") != NULL,
                       10000);

  breaking = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dpx_raw_client_send_frame (breaking, 0xa1, (const guint8 *) "rsv", 3, &error));
  g_clear_pointer (&reason, g_free);
  g_assert_true (dpx_raw_client_read_close (breaking, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1002);
  g_assert_cmpstr (reason, ==, "reserved bit 2 set");
  dpx_test_wait_until (strstr (server->stderr_text->str,
                               "closed by the relay (1002, protocol error, “reserved bit 2 set”)") != NULL,
                       10000);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

/* The relay closes a client (a message over the limit) that never answers
 * the close: its socket is shut after the 2 s grace, neither at once nor
 * never; meanwhile its pings go unanswered. */
static void
test_relay_close_unanswered (void)
{
  static const char * const args[] = { "--max-message-size", "16", NULL };
  g_autoptr(DpxTestServer) server = dpx_test_server_spawn (args);
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  static const guint8 big[32] = { 0 };
  static const guint8 ping[] = { 'h', 'i' };
  gushort code = 0;
  guint8 first = 0;
  guint8 byte;
  gint64 started;
  gssize n;

  raw = dpx_raw_client_connect (server->url, NULL, &error);
  g_assert_no_error (error);

  /* Answered before anything goes wrong: a pong with the ping's payload. */
  g_assert_true (dpx_raw_client_send_frame (raw, 0x89, ping, sizeof ping, &error));
  g_assert_true (dpx_raw_client_read_frame (raw, &first, payload, &error));
  g_assert_no_error (error);
  g_assert_cmphex (first, ==, 0x8a);
  g_assert_cmpmem (payload->data, payload->len, ping, sizeof ping);

  g_assert_true (dpx_raw_client_send_frame (raw, 0x82, big, sizeof big, &error));
  g_assert_true (dpx_raw_client_read_close (raw, &code, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1009);
  started = g_get_monotonic_time ();
  g_assert_true (dpx_raw_client_send_frame (raw, 0x89, ping, sizeof ping, &error));

  g_socket_set_timeout (raw->socket, 10);
  n = g_input_stream_read (raw->in, &byte, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_test_message ("the relay ended the connection %.2f s after its close",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 1500 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 8 * G_USEC_PER_SEC);
  g_assert_cmpint (dpx_test_server_stop (server), ==, 0);
}

static void
test_relay_stop_closes_with_1001 (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GPtrArray) peers = connect_peers (url, 5);
  g_autoptr(GError) error = NULL;
  guint port = dpx_relay_get_port (relay);

  dpx_relay_stop (relay);
  g_assert_false (dpx_relay_get_running (relay));

  /* The port is free at once: another relay can take it now. */
  {
    g_autoptr(DpxRelay) again = dpx_relay_new ();

    dpx_relay_set_port (again, port);
    g_assert_true (dpx_relay_start (again, &error));
    g_assert_no_error (error);
    dpx_relay_stop (again);
  }

  for (guint i = 0; i < peers->len; i++)
    {
      DpxTestPeer *peer = peers->pdata[i];

      dpx_test_wait_until (peer->closed, 5000);
      g_assert_cmpuint (peer->close_code, ==, 1001);
    }
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 5000);

  /* And it can start again. */
  dpx_relay_set_port (relay, 0);
  g_assert_true (dpx_relay_start (relay, &error));
}

static void
test_relay_port_in_use (void)
{
  g_autoptr(DpxRelay) first = dpx_test_relay_new ();
  g_autoptr(DpxRelay) second = dpx_relay_new ();
  g_autoptr(GError) error = NULL;

  dpx_relay_set_port (second, dpx_relay_get_port (first));
  g_assert_false (dpx_relay_start (second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, "already in use"));
  g_assert_false (dpx_relay_get_running (second));
  g_assert_true (dpx_relay_get_loopback_only (second));
}

static void
burst_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  guint *connected = user_data;
  g_autoptr(GError) error = NULL;

  dpx_client_connect_finish (DPX_CLIENT (source), result, &error);
  g_assert_no_error (error);
  (*connected)++;
}

/* 1000 clients connecting at once all get in (the listen backlog is large).
 * The clients are Duplex's own, as in `duplex bench`: libsoup 3.6's session
 * takes over a minute to open 1000 WebSocket connections on one host (3.2
 * took seconds), which measured the session, not the relay. */
static void
test_relay_burst_1000 (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  guint connected = 0;
  gint64 start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 1000; i++)
    {
      DpxClient *client = dpx_client_new (url);

      /* The wait below bounds them all; a slow machine (or a sanitizer
       * build) may take longer than one handshake's default 10 s. */
      dpx_client_set_handshake_timeout (client, 0);
      g_ptr_array_add (clients, client);
      dpx_client_connect_async (client, NULL, burst_connected, &connected);
    }
  dpx_test_wait_until (connected == 1000 && dpx_relay_get_n_peers (relay) == 1000, 60000);
  g_test_message ("1000 clients connected in %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  for (guint i = 0; i < clients->len; i++)
    g_assert_true (dpx_client_close (clients->pdata[i], 1000, NULL, NULL));
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 30000);
}

/* The options the window binds to its preferences notify once per change. */
static void
test_relay_properties_notify_once (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_auto(GValue) loopback = G_VALUE_INIT;
  g_auto(GValue) any = G_VALUE_INIT;

  g_value_set_string (g_value_init (&loopback, G_TYPE_STRING), "127.0.0.1");
  g_value_set_string (g_value_init (&any, G_TYPE_STRING), "0.0.0.0");
  dpx_test_assert_property_notify (relay, "host", &loopback, &any);
  dpx_test_assert_notify_number (relay, "port", 4000, 5000);
  dpx_test_assert_notify_number (relay, "echo", TRUE, FALSE);
  dpx_test_assert_notify_number (relay, "max-clients", 10, 20);
  dpx_test_assert_notify_number (relay, "max-message-size", 1024, 2048);
  dpx_test_assert_notify_number (relay, "max-queued-bytes", 4096, 8192);
  dpx_test_assert_notify_number (relay, "deflate", FALSE, TRUE);
  g_assert_finalize_object (g_steal_pointer (&relay));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay/fan-out-50", test_relay_fan_out_50);
  g_test_add_func ("/relay/logs-close-codes-and-breaches", test_relay_logs_close_codes_and_breaches);
  g_test_add_func ("/relay/exclude-sender", test_relay_exclude_sender);
  g_test_add_func ("/relay/binary-exact-and-1mib", test_relay_binary_exact_and_large);
  g_test_add_func ("/relay/order-per-sender", test_relay_order_per_sender);
  g_test_add_func ("/relay/peer-list", test_relay_peer_list);
  g_test_add_func ("/relay/subprotocol", test_relay_subprotocol);
  g_test_add_func ("/relay/max-clients", test_relay_max_clients);
  g_test_add_func ("/relay/max-clients-burst", test_relay_max_clients_burst);
  g_test_add_func ("/relay/plain-http", test_relay_plain_http);
  g_test_add_func ("/relay/garbage-handshake", test_relay_garbage_handshake);
  g_test_add_func ("/relay/invalid-utf8", test_relay_invalid_utf8);
  g_test_add_func ("/relay/fragments-across-frames", test_relay_fragments_across_frames);
  g_test_add_func ("/relay/close-unanswered", test_relay_close_unanswered);
  g_test_add_func ("/relay/stop-closes-with-1001", test_relay_stop_closes_with_1001);
  g_test_add_func ("/relay/port-in-use", test_relay_port_in_use);
  g_test_add_func ("/relay/burst-1000", test_relay_burst_1000);

  g_test_add_func ("/relay/properties-notify-once", test_relay_properties_notify_once);

  return g_test_run ();
}
