/* test-classroom.c: the relay's class page, nicknames, class code, the
 * envelopes page clients opt into, and the teacher's controls, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "dpx-classroom.h"
#include "dpx-qr.h"
#include "dpx-relay-policy.h"
#include "dpx-test-support.h"

typedef struct {
  SoupWebsocketConnection *conn;
  GError                  *error;
  guint                    status;
  gboolean                 done;
} Connect;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connect *wait = user_data;

  wait->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &wait->error);
  wait->done = TRUE;
}

/* Connects like the class page (or a raw client, without @page) would. */
static SoupWebsocketConnection *
connect_with (DpxRelay   *relay,
              const char *query,
              gboolean    page,
              guint      *status,
              GError    **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/%s", dpx_relay_get_port (relay),
                                          query ? query : "");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  char *protocols[] = { (char *) DPX_CLASSROOM_PROTOCOL, NULL };
  Connect wait = { 0 };

  soup_session_websocket_connect_async (session, msg, NULL, page ? protocols : NULL,
                                        G_PRIORITY_DEFAULT, NULL, connected_cb, &wait);
  dpx_test_wait_until (wait.done, 10000);
  if (status)
    *status = soup_message_get_status (msg);
  if (wait.error)
    {
      g_propagate_error (error, wait.error);
      return NULL;
    }
  soup_websocket_connection_set_max_incoming_payload_size (wait.conn, 16 * 1024 * 1024);
  return wait.conn;
}

static DpxTestPeer *
join (DpxRelay   *relay,
      const char *query,
      gboolean    page)
{
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = connect_with (relay, query, page, NULL, &error);

  g_assert_no_error (error);
  return dpx_test_peer_new (conn);
}

/* The last envelope parsed: its objects live until the next one. */
static JsonParser *parser;

static JsonObject *
envelope (DpxTestPeer *peer,
          guint        index)
{
  GBytes *message = peer->messages->pdata[index];
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_array_index (peer->types, int, index), ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_clear_object (&parser);
  parser = json_parser_new ();
  json_parser_load_from_data (parser, g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                              &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* The first envelope of @type from @start on, or -1. */
static int
find_envelope (DpxTestPeer *peer,
               guint        start,
               const char  *type)
{
  for (guint i = start; i < peer->messages->len; i++)
    if (g_str_equal (json_object_get_string_member (envelope (peer, i), "type"), type))
      return i;
  return -1;
}

static DpxRelayPeer *
peer_at (DpxRelay *relay,
         guint     position)
{
  DpxRelayPeer *peer = g_list_model_get_item (dpx_relay_get_peers (relay), position);

  g_object_unref (peer);   /* the relay's model holds it */
  return peer;
}

static void
test_clean_name (void)
{
  g_autofree char *plain = dpx_classroom_clean_name ("  Anna   Maria  ");
  g_autofree char *controls = dpx_classroom_clean_name ("Bo\x1b[31mb\u202e\n");
  g_autofree char *long_name = dpx_classroom_clean_name ("Длинноеимя-Длинноеимя-Длинноеимя-Длинноеимя");
  g_autofree char *invalid = dpx_classroom_clean_name ("Ann\xff");
  g_autofree char *blank = dpx_classroom_clean_name (" \t\u200b ");

  g_assert_cmpstr (plain, ==, "Anna Maria");
  g_assert_cmpstr (controls, ==, "Bo[31mb");
  g_assert_cmpuint (g_utf8_strlen (long_name, -1), ==, DPX_CLASSROOM_MAX_NAME);
  g_assert_true (g_str_has_prefix (long_name, "Длинноеимя-"));
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_true (g_str_has_prefix (invalid, "Ann"));
  g_assert_null (blank);
  g_assert_null (dpx_classroom_clean_name (NULL));
}

static void
test_code_matches (void)
{
  g_assert_true (dpx_classroom_code_matches (NULL, NULL));
  g_assert_true (dpx_classroom_code_matches ("", "anything"));
  g_assert_true (dpx_classroom_code_matches ("Fox42", " fox42 "));
  g_assert_true (dpx_classroom_code_matches ("Лиса", "ЛИСА"));
  g_assert_false (dpx_classroom_code_matches ("Fox42", NULL));
  g_assert_false (dpx_classroom_code_matches ("Fox42", ""));
  g_assert_false (dpx_classroom_code_matches ("Fox42", "Fox43"));
}

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
} Fetch;

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  fetch->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static Fetch
fetch (DpxRelay   *relay,
       const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", dpx_relay_get_port (relay), path);
  Fetch result = { soup_message_new ("GET", url), NULL };

  soup_session_send_and_read_async (session, result.msg, G_PRIORITY_DEFAULT, NULL, fetched_cb, &result);
  dpx_test_wait_until (result.body != NULL, 5000);
  return result;
}

static void
fetch_clear (Fetch *result)
{
  g_clear_object (&result->msg);
  g_clear_pointer (&result->body, g_bytes_unref);
}

static char *
body_text (Fetch *result)
{
  return g_strndup (g_bytes_get_data (result->body, NULL), g_bytes_get_size (result->body));
}

/* GET / is the class page, from the binary, with a strict policy. */
static void
test_page_served (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  struct { const char *path, *type, *needle; } files[] = {
    { "/", "text/html", "<script src=\"/join.js\" defer></script>" },
    { "/join.js", "text/javascript", DPX_CLASSROOM_PROTOCOL },
    { "/join.css", "text/css", "prefers-color-scheme" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      Fetch result = fetch (relay, files[i].path);
      SoupMessageHeaders *headers = soup_message_get_response_headers (result.msg);
      const char *csp = soup_message_headers_get_one (headers, "Content-Security-Policy");
      g_autofree char *text = body_text (&result);

      g_assert_cmpuint (soup_message_get_status (result.msg), ==, 200);
      g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL),
                                       files[i].type));
      g_assert_nonnull (strstr (text, files[i].needle));
      g_assert_nonnull (csp);
      g_assert_nonnull (strstr (csp, "default-src 'none'"));
      g_assert_nonnull (strstr (csp, "script-src 'self';"));
      g_assert_null (strstr (csp, "unsafe"));
      g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
      fetch_clear (&result);
    }

  /* Nothing inline in the page: every script comes from its own file. */
  {
    Fetch result = fetch (relay, "/");
    g_autofree char *text = body_text (&result);

    g_assert_null (strstr (text, "<script>"));
    g_assert_null (strstr (text, " on"));   /* no onclick= and the like */
    g_assert_null (strstr (text, "style="));
    fetch_clear (&result);
  }
}

static void
test_code_check (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  Fetch result = fetch (relay, "/join/check");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SoupWebsocketConnection *conn;
  guint status = 0;

  g_assert_cmpuint (soup_message_get_status (result.msg), ==, 204);
  fetch_clear (&result);

  dpx_relay_set_class_code (relay, " Fox42 ");
  g_assert_cmpstr (dpx_relay_get_class_code (relay), ==, "Fox42");

  result = fetch (relay, "/join/check");
  text = body_text (&result);
  g_assert_cmpuint (soup_message_get_status (result.msg), ==, 403);
  g_assert_nonnull (strstr (text, "needs a class code"));
  fetch_clear (&result);
  g_free (text);

  result = fetch (relay, "/join/check?code=fox41");
  text = body_text (&result);
  g_assert_cmpuint (soup_message_get_status (result.msg), ==, 403);
  g_assert_nonnull (strstr (text, "Wrong class code"));
  fetch_clear (&result);

  result = fetch (relay, "/join/check?code=fox42");
  g_assert_cmpuint (soup_message_get_status (result.msg), ==, 204);
  fetch_clear (&result);

  /* The page itself needs no code: that is where it is typed. */
  result = fetch (relay, "/");
  g_assert_cmpuint (soup_message_get_status (result.msg), ==, 200);
  fetch_clear (&result);

  /* A WebSocket client without the code, page or raw, is refused with 403. */
  conn = connect_with (relay, "?name=Eve", TRUE, &status, &error);
  g_assert_null (conn);
  g_assert_nonnull (error);
  g_assert_cmpuint (status, ==, 403);
  g_clear_error (&error);
  conn = connect_with (relay, "?code=nope", FALSE, &status, &error);
  g_assert_null (conn);
  g_assert_cmpuint (status, ==, 403);
  g_clear_error (&error);
  g_assert_cmpuint (dpx_relay_get_n_peers (relay), ==, 0);

  conn = connect_with (relay, "?name=Ann&code=FOX42", TRUE, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 101);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  soup_websocket_connection_close (conn, 1000, NULL);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 5000);
  g_object_unref (conn);
}

/* A raw client gets exactly the bytes sent; a page gets an envelope with
 * the sender's nickname, id and time, binary as base64. */
static void
test_envelopes (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autoptr(DpxTestPeer) raw = join (relay, NULL, FALSE);
  g_autoptr(DpxTestPeer) page = NULL;
  g_autoptr(DpxTestPeer) named_raw = NULL;
  const char *text = "<b>Привет</b> \"x\"\n";
  const guint8 binary[] = { 0x00, 0xff, 0x10, '<' };
  JsonObject *object;
  gint64 before = g_get_real_time () / 1000;
  guint page_id, raw_id;
  int at;

  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  page = join (relay, "?name=%20Anna%20&x=1", TRUE);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);
  named_raw = join (relay, "?name=Bob", FALSE);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 3, 5000);
  g_assert_cmpuint (dpx_relay_get_n_pages (relay), ==, 1);

  raw_id = dpx_relay_peer_get_id (peer_at (relay, 0));
  page_id = dpx_relay_peer_get_id (peer_at (relay, 1));
  g_assert_cmpuint (raw_id, !=, page_id);
  g_assert_null (dpx_relay_peer_get_name (peer_at (relay, 0)));
  g_assert_cmpstr (dpx_relay_peer_get_name (peer_at (relay, 1)), ==, "Anna");
  g_assert_cmpstr (dpx_relay_peer_get_name (peer_at (relay, 2)), ==, "Bob");
  g_assert_false (dpx_relay_peer_get_classroom (peer_at (relay, 0)));
  g_assert_true (dpx_relay_peer_get_classroom (peer_at (relay, 1)));
  g_assert_false (dpx_relay_peer_get_classroom (peer_at (relay, 2)));

  /* The page was welcomed, then told of the third client. */
  dpx_test_wait_until (page->messages->len >= 2, 5000);
  object = envelope (page, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "welcome");
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, page_id);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Anna");
  g_assert_cmpint (json_object_get_int_member (object, "clients"), ==, 2);
  g_assert_true (json_object_get_boolean_member (object, "echo"));
  object = envelope (page, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "clients");
  g_assert_cmpint (json_object_get_int_member (object, "clients"), ==, 3);
  /* Raw clients heard nothing of it. */
  g_assert_cmpuint (raw->messages->len, ==, 0);

  soup_websocket_connection_send_text (page->conn, text);
  dpx_test_wait_until (raw->messages->len == 1 && named_raw->messages->len == 1, 5000);
  g_assert_cmpmem (g_bytes_get_data (raw->messages->pdata[0], NULL),
                   g_bytes_get_size (raw->messages->pdata[0]), text, strlen (text));
  g_assert_cmpint (g_array_index (raw->types, int, 0), ==, SOUP_WEBSOCKET_DATA_TEXT);
  dpx_test_wait_until ((at = find_envelope (page, 2, "message")) >= 0, 5000);
  object = envelope (page, at);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, page_id);
  g_assert_cmpstr (json_object_get_string_member (object, "from"), ==, "Anna");
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, text);
  g_assert_cmpint (json_object_get_int_member (object, "time"), >=, before);
  g_assert_cmpint (json_object_get_int_member (object, "time"), <=, g_get_real_time () / 1000);

  soup_websocket_connection_send_binary (raw->conn, binary, sizeof binary);
  dpx_test_wait_until (named_raw->messages->len == 2, 5000);
  g_assert_cmpmem (g_bytes_get_data (named_raw->messages->pdata[1], NULL),
                   g_bytes_get_size (named_raw->messages->pdata[1]), binary, sizeof binary);
  g_assert_cmpint (g_array_index (named_raw->types, int, 1), ==, SOUP_WEBSOCKET_DATA_BINARY);
  dpx_test_wait_until ((at = find_envelope (page, at + 1, "message")) >= 0, 5000);
  object = envelope (page, at);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, raw_id);
  g_assert_cmpstr (json_object_get_string_member (object, "from"), ==, "");
  g_assert_false (json_object_has_member (object, "text"));
  {
    gsize length;
    g_autofree guchar *decoded = g_base64_decode (json_object_get_string_member (object, "binary"),
                                                  &length);
    g_assert_cmpmem (decoded, length, binary, sizeof binary);
  }

  /* Without echo the page's own message is not sent back, and it is told. */
  dpx_relay_set_echo (relay, FALSE);
  dpx_test_wait_until (find_envelope (page, at + 1, "settings") >= 0, 5000);
  g_assert_false (json_object_get_boolean_member (envelope (page, find_envelope (page, at + 1, "settings")),
                                                  "echo"));
}

/* A muted client's messages reach no one and it is told; unmuted, they
 * flow again. A raw client is told with one text message. */
static void
test_mute (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autoptr(DpxTestPeer) page = join (relay, "?name=Anna", TRUE);
  g_autoptr(DpxTestPeer) raw = NULL;
  g_autoptr(DpxTestPeer) watcher = NULL;
  DpxRelayPeer *page_peer, *raw_peer;
  int at;

  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  raw = join (relay, NULL, FALSE);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);
  watcher = join (relay, NULL, FALSE);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 3, 5000);
  page_peer = peer_at (relay, 0);
  raw_peer = peer_at (relay, 1);

  dpx_relay_set_peer_muted (relay, page_peer, TRUE);
  dpx_relay_set_peer_muted (relay, raw_peer, TRUE);
  g_assert_true (dpx_relay_peer_get_muted (page_peer));
  dpx_test_wait_until ((at = find_envelope (page, 0, "muted")) >= 0, 5000);
  g_assert_true (json_object_get_boolean_member (envelope (page, at), "muted"));
  dpx_test_wait_until (raw->messages->len == 1, 5000);
  g_assert_cmpmem (g_bytes_get_data (raw->messages->pdata[0], NULL),
                   g_bytes_get_size (raw->messages->pdata[0]),
                   DPX_RELAY_MUTED_NOTICE, strlen (DPX_RELAY_MUTED_NOTICE));

  soup_websocket_connection_send_text (page->conn, "dropped 1");
  soup_websocket_connection_send_text (raw->conn, "dropped 2");
  dpx_test_wait_until (dpx_relay_peer_get_messages_in (page_peer) == 1 &&
                       dpx_relay_peer_get_messages_in (raw_peer) == 1, 5000);

  dpx_relay_set_peer_muted (relay, raw_peer, FALSE);
  soup_websocket_connection_send_text (raw->conn, "heard");
  dpx_test_wait_until (watcher->messages->len == 1, 5000);
  g_assert_cmpmem (g_bytes_get_data (watcher->messages->pdata[0], NULL),
                   g_bytes_get_size (watcher->messages->pdata[0]), "heard", 5);
  g_assert_cmpuint (dpx_relay_get_messages_relayed (relay), ==, 1);
}

/* Clear reaches pages only; a chosen close code reaches the client; a
 * per-client rate applies to that client. */
static void
test_clear_disconnect_rate (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autoptr(DpxTestPeer) page = join (relay, "?name=Anna", TRUE);
  g_autoptr(DpxTestPeer) raw = NULL;
  DpxRelayPeer *raw_peer;

  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  raw = join (relay, NULL, FALSE);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);
  raw_peer = peer_at (relay, 1);

  dpx_relay_clear_pages (relay);
  dpx_test_wait_until (find_envelope (page, 0, "clear") >= 0, 5000);

  dpx_relay_set_peer_max_rate (relay, raw_peer, 7);
  g_assert_cmpuint (dpx_relay_peer_get_max_rate (raw_peer), ==, 7);
  g_assert_cmpuint (dpx_relay_peer_get_max_rate (peer_at (relay, 0)), ==, 0);

  dpx_relay_disconnect_peer (relay, raw_peer, 4001, "Time for a break");
  dpx_test_wait_until (raw->closed, 5000);
  g_assert_cmpuint (raw->close_code, ==, 4001);
  g_assert_cmpstr (raw->close_reason, ==, "Time for a break");
  g_assert_cmpuint (raw->messages->len, ==, 0);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  dpx_test_wait_until (find_envelope (page, 0, "clients") >= 0, 5000);
}

/* A QR code has the right size for its version and its three finder
 * patterns; the terminal drawing has two rows of modules a line. */
static void
test_qr (void)
{
  const char *url = "http://192.168.10.20:4000/?code=Fox42";
  g_autoptr(GBytes) modules = NULL;
  g_autofree char *terminal = NULL;
  g_auto(GStrv) lines = NULL;
  const guint8 *data;
  guint width = 0;
  guint side;

  modules = dpx_qr_encode (url, &width);
  g_assert_nonnull (modules);
  g_assert_cmpuint ((width - 21) % 4, ==, 0);
  g_assert_cmpuint (width, >=, 25);
  g_assert_cmpuint (g_bytes_get_size (modules), ==, width * width);
  data = g_bytes_get_data (modules, NULL);
  /* Each finder pattern: a dark 7 x 7 border, a light ring, a dark 3 x 3. */
  for (guint i = 0; i < 7; i++)
    {
      g_assert_cmpuint (data[i], ==, 1);                              /* top-left, top row */
      g_assert_cmpuint (data[i * width], ==, 1);                      /* top-left, left column */
      g_assert_cmpuint (data[width - 1 - i], ==, 1);                  /* top-right */
      g_assert_cmpuint (data[(width - 1 - i) * width], ==, 1);        /* bottom-left */
    }
  g_assert_cmpuint (data[1 * width + 1], ==, 0);
  g_assert_cmpuint (data[3 * width + 3], ==, 1);

  terminal = dpx_qr_to_terminal (url);
  lines = g_strsplit (terminal, "\n", -1);
  side = width + 2 * DPX_QR_QUIET_ZONE;
  g_assert_cmpuint (g_strv_length (lines), ==, (side + 1) / 2 + 1);   /* and "" after the last */
  g_assert_cmpstr (lines[(side + 1) / 2], ==, "");
  for (guint i = 0; i < (side + 1) / 2; i++)
    g_assert_cmpuint (g_utf8_strlen (lines[i], -1), ==, side);
  /* The quiet zone is light: the first line is all blocks. */
  g_assert_null (strchr (lines[0], ' '));
}

/* The class page's address: the relay's own address, or every network
 * address when it listens on all of them; the code goes in the query. */
static void
test_join_urls (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_auto(GStrv) local = NULL;
  g_auto(GStrv) coded = NULL;
  g_auto(GStrv) lan = NULL;

  dpx_relay_set_port (relay, 4321);
  local = dpx_relay_dup_join_urls (relay);
  g_assert_cmpuint (g_strv_length (local), ==, 1);
  g_assert_cmpstr (local[0], ==, "http://127.0.0.1:4321/");

  dpx_relay_set_class_code (relay, "Fox 42/?");
  coded = dpx_relay_dup_join_urls (relay);
  g_assert_cmpuint (g_strv_length (coded), ==, 1);
  g_assert_cmpstr (coded[0], ==, "http://127.0.0.1:4321/?code=Fox%2042%2F%3F");

  /* Not started: nothing listens on the network in this test. */
  dpx_relay_set_host (relay, "0.0.0.0");
  lan = dpx_relay_dup_join_urls (relay);
  for (guint i = 0; lan[i]; i++)
    {
      g_assert_true (g_str_has_prefix (lan[i], "http://"));
      g_assert_true (g_str_has_suffix (lan[i], ":4321/?code=Fox%2042%2F%3F"));
      g_assert_null (strstr (lan[i], "127.0.0.1"));
      g_assert_null (strstr (lan[i], "0.0.0.0"));
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/classroom/clean-name", test_clean_name);
  g_test_add_func ("/classroom/code-matches", test_code_matches);
  g_test_add_func ("/classroom/page-served", test_page_served);
  g_test_add_func ("/classroom/code-check", test_code_check);
  g_test_add_func ("/classroom/envelopes", test_envelopes);
  g_test_add_func ("/classroom/mute", test_mute);
  g_test_add_func ("/classroom/clear-disconnect-rate", test_clear_disconnect_rate);
  g_test_add_func ("/classroom/qr", test_qr);
  g_test_add_func ("/classroom/join-urls", test_join_urls);

  status = g_test_run ();
  g_clear_object (&parser);
  return status;
}
