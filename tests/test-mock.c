/* test-mock.c: the mock's rules, and the mock against hostile clients
 *
 * The rules are read strictly and written back as the same rules. The mock
 * runs as `duplex mock` in a child process, driven over loopback by a raw
 * client that sends what no library would: a message too big only across
 * its fragments, a frame that breaks the protocol, one client too many, and
 * a message made to make a pattern backtrack.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-error.h"
#include "dpx-mock.h"
#include "dpx-test-support.h"

#define MIB (1024 * 1024)

static DpxMockRules *
rules_from (const char  *json,
            GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

  return dpx_mock_rules_new_from_bytes (bytes, error);
}

static void
test_rules_read (void)
{
  g_autoptr(DpxMockRules) exact = NULL;
  g_autoptr(DpxMockRules) member = NULL;
  g_autoptr(DpxMockRules) regex = NULL;
  g_autoptr(GError) error = NULL;

  /* An empty object is the file form of --wait. */
  exact = rules_from ("{}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (dpx_mock_rules_get_match (exact), ==, DPX_MOCK_MATCH_EXACT);
  g_assert_cmpuint (dpx_mock_rules_get_timeout (exact), ==, DPX_MOCK_DEFAULT_WAIT_TIMEOUT);

  member = rules_from ("{ \"match\": \"member\", \"member\": \"id\", \"timeout\": 10 }", &error);
  g_assert_no_error (error);
  g_assert_cmpint (dpx_mock_rules_get_match (member), ==, DPX_MOCK_MATCH_MEMBER);
  g_assert_cmpstr (dpx_mock_rules_get_member (member), ==, "id");
  g_assert_cmpuint (dpx_mock_rules_get_timeout (member), ==, 10);

  regex = rules_from ("{ \"match\": \"regex\", \"pattern\": \"\\\"op\\\": \\\"(\\\\w+)\\\"\", \"timeout\": 0 }", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dpx_mock_rules_get_pattern (regex), ==, "\"op\": \"(\\w+)\"");
  g_assert_cmpuint (dpx_mock_rules_get_timeout (regex), ==, 0);
}

static void
test_rules_refused (void)
{
  const struct {
    const char *json;
    const char *says;
  } cases[] = {
    { "[]", "expected a JSON object" },
    { "{ \"match\": \"fuzzy\" }", "“match” is one of" },
    { "{ \"match\": 1 }", "“match” is one of" },
    { "{ \"match\": \"member\" }", "needs the member’s name" },
    { "{ \"match\": \"member\", \"member\": \"\" }", "needs the member’s name" },
    { "{ \"match\": \"regex\", \"pattern\": \"(\" }", "the pattern does not compile" },
    { "{ \"match\": \"regex\" }", "needs a pattern" },
    { "{ \"timeout\": -1 }", "0 to 86400" },
    { "{ \"timeout\": 86401 }", "0 to 86400" },
    { "{ \"timeout\": 1.5 }", "0 to 86400" },
    { "{ \"member\": 7 }", "“member” is a string" },
    { "{ \"wait\": true }", "unknown member “wait”" },
    { "{ \"match\": ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DpxMockRules) rules = rules_from (cases[i].json, &error);

      g_test_message ("%s", cases[i].json);
      g_assert_null (rules);
      g_assert_nonnull (error);
      if (cases[i].says)
        g_assert_nonnull (strstr (error->message, cases[i].says));
    }

  /* json-glib recurses without a limit: a deep file is refused first. */
  {
    g_autoptr(GString) deep = g_string_new (NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DpxMockRules) rules = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    rules = rules_from (deep->str, &error);
    g_assert_null (rules);
    g_assert_nonnull (error);
  }
}

/* What is saved reads back as the same rules, with only the members the
 * match uses; a damaged file says which file. */
static void
test_rules_save_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("duplex-mock-rules-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rules.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(DpxMockRules) rules = dpx_mock_rules_new ();
  g_autoptr(DpxMockRules) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  dpx_mock_rules_set_match (rules, DPX_MOCK_MATCH_REGEX);
  dpx_mock_rules_set_pattern (rules, "id=(\\d+)");
  dpx_mock_rules_set_member (rules, "unused");
  dpx_mock_rules_set_timeout (rules, 7);
  g_assert_true (dpx_mock_rules_save (rules, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "unused"));

  loaded = dpx_mock_rules_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dpx_mock_rules_get_match (loaded), ==, DPX_MOCK_MATCH_REGEX);
  g_assert_cmpstr (dpx_mock_rules_get_pattern (loaded), ==, "id=(\\d+)");
  g_assert_cmpuint (dpx_mock_rules_get_timeout (loaded), ==, 7);
  g_clear_object (&loaded);

  /* Incomplete rules are not written over a good file. */
  dpx_mock_rules_set_pattern (rules, "id=(");
  g_assert_false (dpx_mock_rules_save (rules, file, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
  g_clear_error (&error);
  loaded = dpx_mock_rules_load (file, &error);
  g_assert_no_error (error);
  g_clear_object (&loaded);

  g_assert_true (g_file_set_contents (path, "{ \"match\": \"exact\", ", -1, NULL));
  loaded = dpx_mock_rules_load (file, &error);
  g_assert_null (loaded);
  g_assert_nonnull (strstr (error->message, path));

  g_unlink (path);
  g_rmdir (dir);
}

/* A recording: the client sent "hello" and got "world" back. */
static char *
write_recording (const char *dir)
{
  char *path = g_build_filename (dir, "recording.jsonl", NULL);
  const char *lines =
    "{\"time\":\"2026-01-01T10:00:00.000000Z\",\"connection\":\"ws://recorded/\",\"direction\":\"event\",\"kind\":\"open\",\"text\":\"Connected\"}\n"
    "{\"time\":\"2026-01-01T10:00:00.010000Z\",\"connection\":\"ws://recorded/\",\"direction\":\"sent\",\"kind\":\"text\",\"size\":5,\"text\":\"hello\"}\n"
    "{\"time\":\"2026-01-01T10:00:00.020000Z\",\"connection\":\"ws://recorded/\",\"direction\":\"received\",\"kind\":\"text\",\"size\":5,\"text\":\"world\"}\n";

  g_assert_true (g_file_set_contents (path, lines, -1, NULL));
  return path;
}

typedef struct {
  char          *dir;
  char          *recording;
  DpxTestServer *mock;
} MockFixture;

static void
mock_start (MockFixture        *fixture,
            const char * const *extra)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  fixture->dir = g_dir_make_tmp ("duplex-mock-XXXXXX", NULL);
  fixture->recording = write_recording (fixture->dir);
  g_ptr_array_add (args, fixture->recording);
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  fixture->mock = dpx_test_server_spawn_command ("mock", (const char * const *) args->pdata, 0, TRUE);
}

static void
mock_stop (MockFixture *fixture)
{
  g_assert_cmpint (dpx_test_server_stop (fixture->mock), ==, 0);
  dpx_test_server_free (fixture->mock);
  g_unlink (fixture->recording);
  g_free (fixture->recording);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* The mock still answers a well-behaved client after a hostile one. */
static void
assert_mock_still_serves (MockFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) peer = dpx_test_peer_new (dpx_test_connect (fixture->mock->url, &error));

  g_assert_no_error (error);
  soup_websocket_connection_send_text (peer->conn, "hello");
  dpx_test_wait_until (peer->messages->len == 1, 10000);
  g_assert_cmpmem (g_bytes_get_data (peer->messages->pdata[0], NULL),
                   g_bytes_get_size (peer->messages->pdata[0]), "world", 5);
}

static gboolean
send_fragments_until_closed (DpxRawClient *raw,
                             gsize         total,
                             gsize         fragment)
{
  g_autofree guint8 *chunk = g_malloc (fragment);
  gsize sent = 0;

  memset (chunk, 'f', fragment);
  while (sent < total)
    {
      gboolean first = sent == 0;
      gboolean last = sent + fragment >= total;
      guint8 b0 = (last ? 0x80 : 0) | (first ? 0x1 : 0x0);

      if (g_socket_condition_check (raw->socket, G_IO_IN) & G_IO_IN)
        return TRUE;
      if (!dpx_raw_client_send_frame (raw, b0, chunk, fragment, NULL))
        return TRUE;
      sent += fragment;
    }
  return FALSE;
}

/* Every frame is 1 MiB, far under libsoup's limit per frame; the message
 * is 24 MiB, over the mock's 16. */
static void
test_mock_fragments_too_big (void)
{
  const char * const extra[] = { "--wait", NULL };
  MockFixture fixture = { 0 };
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gushort code = 0;

  mock_start (&fixture, extra);
  raw = dpx_raw_client_connect (fixture.mock->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (raw->status, ==, 101);

  send_fragments_until_closed (raw, 24 * MIB, MIB);
  g_assert_true (dpx_raw_client_read_close (raw, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1009);
  g_assert_cmpstr (reason, ==, "Message too big for this mock");
  dpx_test_wait_until (strstr (fixture.mock->stderr_text->str, "sent a message over 16 MiB; closing with 1009"), 10000);

  assert_mock_still_serves (&fixture);
  mock_stop (&fixture);
}

/* An unmasked frame from a client breaks RFC 6455: closed with 1002, and
 * the mock says what the client did wrong. */
static void
test_mock_protocol_error (void)
{
  MockFixture fixture = { 0 };
  g_autoptr(DpxRawClient) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  static const guint8 unmasked[] = { 0x81, 0x05, 'h', 'e', 'l', 'l', 'o' };
  gushort code = 0;

  mock_start (&fixture, NULL);
  raw = dpx_raw_client_connect (fixture.mock->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (raw->out, unmasked, sizeof unmasked, NULL, NULL, &error));
  g_assert_true (dpx_raw_client_read_close (raw, &code, &reason, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, 1002);
  dpx_test_wait_until (strstr (fixture.mock->stderr_text->str, "broke the protocol"), 10000);
  g_test_message ("%s", fixture.mock->stderr_text->str);

  assert_mock_still_serves (&fixture);
  mock_stop (&fixture);
}

/* One client over the limit is told so with a 503; once one leaves, the
 * next is served. */
static void
test_mock_client_limit (void)
{
  MockFixture fixture = { 0 };
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) dpx_raw_client_free);
  g_autoptr(DpxRawClient) refused = NULL;
  g_autoptr(GError) error = NULL;

  mock_start (&fixture, NULL);
  for (guint i = 0; i < DPX_MOCK_MAX_CLIENTS; i++)
    {
      DpxRawClient *raw = dpx_raw_client_connect (fixture.mock->url, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (raw->status, ==, 101);
      g_ptr_array_add (clients, raw);
    }
  refused = dpx_raw_client_connect (fixture.mock->url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->status, ==, 503);
  g_clear_pointer (&refused, dpx_raw_client_free);

  /* The mock counts the one that left. */
  g_ptr_array_remove_index (clients, 0);
  dpx_test_wait_until (strstr (fixture.mock->stderr_text->str, "left (close code"), 10000);
  g_ptr_array_remove_index (clients, 0);
  dpx_test_wait_until (g_strstr_len (fixture.mock->stderr_text->str, -1, "client 2: left"), 10000);
  assert_mock_still_serves (&fixture);
  mock_stop (&fixture);
}

/* A pattern that backtracks without end on some text: a client's message
 * made for it costs a bounded time (PCRE2's match limit), is reported as
 * not matching, and the right request is still answered. */
static void
test_mock_regex_backtracking (void)
{
  g_autofree char *dir = g_dir_make_tmp ("duplex-mock-rules-XXXXXX", NULL);
  g_autofree char *rules = g_build_filename (dir, "rules.json", NULL);
  const char * const extra[] = { "--rules", rules, NULL };
  MockFixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) peer = NULL;
  g_autoptr(GString) evil = g_string_new (NULL);

  g_assert_true (g_file_set_contents (rules, "{ \"match\": \"regex\", \"pattern\": \"^(h?e?l*o*)+$\" }", -1, NULL));
  mock_start (&fixture, extra);
  peer = dpx_test_peer_new (dpx_test_connect (fixture.mock->url, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 4000; i++)
    g_string_append (evil, "hello");
  g_string_append_c (evil, '!');
  soup_websocket_connection_send_text (peer->conn, evil->str);
  dpx_test_wait_until (strstr (fixture.mock->stderr_text->str, "does not match"), 60000);
  soup_websocket_connection_send_text (peer->conn, "hello");
  dpx_test_wait_until (peer->messages->len == 1, 10000);
  g_assert_cmpmem (g_bytes_get_data (peer->messages->pdata[0], NULL),
                   g_bytes_get_size (peer->messages->pdata[0]), "world", 5);

  mock_stop (&fixture);
  g_unlink (rules);
  g_rmdir (dir);
}


/* A connection that says nothing, and one that trickles its request, are
 * shut when the handshake timeout passes; the mock still serves. */
static void
test_mock_handshake_timeout (void)
{
  const char * const extra[] = { "--handshake-timeout", "0.5", NULL };
  MockFixture fixture = { 0 };
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) silent = NULL;
  g_autoptr(GSocketConnection) trickle = NULL;
  g_autoptr(GError) error = NULL;
  const char *partial = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n";
  char buffer[256];
  gssize got;

  mock_start (&fixture, extra);
  silent = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fixture.mock->port, NULL, &error);
  g_assert_no_error (error);
  trickle = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fixture.mock->port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (trickle)),
                                            partial, strlen (partial), NULL, NULL, &error));

  /* Both see the end well before the 20 s socket timeout of the reads. */
  g_socket_set_timeout (g_socket_connection_get_socket (silent), 20);
  g_socket_set_timeout (g_socket_connection_get_socket (trickle), 20);
  got = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (silent)), buffer, sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got, ==, 0);
  got = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (trickle)), buffer, sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got, ==, 0);

  /* A client that finishes its handshake is not cut by the deadline. */
  {
    g_autoptr(DpxTestPeer) peer = dpx_test_peer_new (dpx_test_connect (fixture.mock->url, &error));
    gint64 until;

    g_assert_no_error (error);
    until = g_get_monotonic_time () + G_USEC_PER_SEC;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
    g_assert_false (peer->closed);
    soup_websocket_connection_send_text (peer->conn, "hello");
    dpx_test_wait_until (peer->messages->len == 1, 10000);
  }
  mock_stop (&fixture);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mock/rules/read", test_rules_read);
  g_test_add_func ("/mock/rules/refused", test_rules_refused);
  g_test_add_func ("/mock/rules/save-load", test_rules_save_load);
  g_test_add_func ("/mock/fragments-too-big", test_mock_fragments_too_big);
  g_test_add_func ("/mock/protocol-error", test_mock_protocol_error);
  g_test_add_func ("/mock/client-limit", test_mock_client_limit);
  g_test_add_func ("/mock/handshake-timeout", test_mock_handshake_timeout);
  g_test_add_func ("/mock/regex-backtracking", test_mock_regex_backtracking);

  return g_test_run ();
}
