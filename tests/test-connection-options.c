/* test-connection-options.c: the options one connection is opened with:
 * their defaults in the settings, copies that change apart, and two
 * sessions on loopback that each send only their own headers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-connection-options.h"
#include "dpx-session.h"
#include "dpx-test-support.h"

/* Options fresh from the schema's defaults are the client's own defaults:
 * a new tab and the command line start from the same place. */
static void
test_defaults_match_schema (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpxConnectionOptions) from_settings = dpx_connection_options_new_from_settings (settings);
  g_autoptr(DpxConnectionOptions) plain = dpx_connection_options_new ();

  g_assert_true (dpx_connection_options_equal (from_settings, plain));
  g_assert_null (dpx_connection_options_get_url (plain));
  g_assert_cmpuint (dpx_connection_options_get_handshake_timeout (plain), ==, 10);
  g_assert_cmpuint (dpx_connection_options_get_max_message_size (plain), ==, 16 * 1024 * 1024);
  g_assert_cmpuint (g_variant_n_children (dpx_connection_options_get_request_headers (plain)), ==, 0);
  g_assert_cmpuint (g_strv_length ((GStrv) dpx_connection_options_get_subprotocols (plain)), ==, 0);
  g_assert_cmpstr (dpx_connection_options_get_origin (plain), ==, "");
}

static void
test_settings_round_trip (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_autoptr(DpxConnectionOptions) reloaded = NULL;
  const char *protocols[] = { "chat.v2", "chat.v1", NULL };
  g_autofree char *origin = NULL;

  g_settings_set_value (settings, "request-headers",
                        g_variant_new_parsed ("[('Authorization', 'Bearer abc'), ('X-Tab', 'one')]"));
  g_settings_set_strv (settings, "subprotocols", protocols);
  g_settings_set_string (settings, "origin", "https://app.example");
  g_settings_set_boolean (settings, "permessage-deflate", TRUE);
  g_settings_set_boolean (settings, "accept-invalid-certificates", TRUE);
  g_settings_set_uint (settings, "handshake-timeout", 42);
  g_settings_set_uint64 (settings, "max-message-size", 65536);
  g_settings_set_uint (settings, "keepalive-interval", 7);
  g_settings_set_boolean (settings, "auto-reconnect", TRUE);

  options = dpx_connection_options_new_from_settings (settings);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "authorization"), ==, "Bearer abc");
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Tab"), ==, "one");
  g_assert_null (dpx_connection_options_lookup_header (options, "Cookie"));
  g_assert_true (g_strv_equal (dpx_connection_options_get_subprotocols (options), protocols));
  g_assert_cmpstr (dpx_connection_options_get_origin (options), ==, "https://app.example");
  g_assert_true (dpx_connection_options_get_permessage_deflate (options));
  g_assert_true (dpx_connection_options_get_accept_invalid_certificates (options));
  g_assert_cmpuint (dpx_connection_options_get_handshake_timeout (options), ==, 42);
  g_assert_cmpuint (dpx_connection_options_get_max_message_size (options), ==, 65536);
  g_assert_cmpuint (dpx_connection_options_get_keepalive_interval (options), ==, 7);
  g_assert_true (dpx_connection_options_get_auto_reconnect (options));

  /* Saving makes them the defaults again, the URL aside. */
  dpx_connection_options_set_url (options, "ws://127.0.0.1:1/");
  dpx_connection_options_set_origin (options, NULL);
  dpx_connection_options_set_keepalive_interval (options, 0);
  dpx_connection_options_save_settings (options, settings);
  origin = g_settings_get_string (settings, "origin");
  {
    g_autoptr(GVariant) saved = g_settings_get_value (settings, "request-headers");

    g_assert_cmpuint (g_variant_n_children (saved), >, 0);
  }
  g_assert_cmpstr (origin, ==, "");
  g_assert_cmpuint (g_settings_get_uint (settings, "keepalive-interval"), ==, 0);

  reloaded = dpx_connection_options_new_from_settings (settings);
  g_assert_null (dpx_connection_options_get_url (reloaded));
  g_assert_false (dpx_connection_options_equal (reloaded, options));
  /* All but the URL and the secret Authorization value. */
  g_assert_null (dpx_connection_options_lookup_header (reloaded, "Authorization"));
  g_assert_cmpstr (dpx_connection_options_lookup_header (reloaded, "X-Tab"), ==, "one");
  dpx_connection_options_set_url (reloaded, "ws://127.0.0.1:1/");
  dpx_connection_options_set_request_headers (options, dpx_connection_options_get_request_headers (reloaded));
  g_assert_true (dpx_connection_options_equal (reloaded, options));

  /* A secret value never becomes a default: the settings are a plain
   * file; it stays with this connection only. */
  dpx_connection_options_add_header (options, "Authorization", "Bearer s3cret");
  dpx_connection_options_add_header (options, "cookie", "session=abc");
  dpx_connection_options_save_settings (options, settings);
  {
    g_autoptr(GVariant) saved = g_settings_get_value (settings, "request-headers");
    g_autofree char *text = g_variant_print (saved, FALSE);

    g_assert_null (strstr (text, "s3cret"));
    g_assert_null (strstr (text, "session=abc"));
    g_assert_nonnull (strstr (text, "X-Tab"));
  }
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "Authorization"), ==, "Bearer s3cret");

  g_settings_reset (settings, "request-headers");
  g_settings_reset (settings, "subprotocols");
  g_settings_reset (settings, "origin");
  g_settings_reset (settings, "permessage-deflate");
  g_settings_reset (settings, "accept-invalid-certificates");
  g_settings_reset (settings, "handshake-timeout");
  g_settings_reset (settings, "max-message-size");
  g_settings_reset (settings, "keepalive-interval");
  g_settings_reset (settings, "auto-reconnect");
}

/* A copy is equal, then goes its own way: what one tab changes, another
 * does not get. */
static void
test_copy_is_independent (void)
{
  g_autoptr(DpxConnectionOptions) options = dpx_connection_options_new ();
  g_autoptr(DpxConnectionOptions) copy = NULL;
  const char *protocols[] = { "mqtt", NULL };

  dpx_connection_options_set_url (options, "ws://127.0.0.1:9/a");
  dpx_connection_options_add_header (options, "X-Tab", "one");
  dpx_connection_options_set_subprotocols (options, protocols);
  dpx_connection_options_set_max_message_size (options, 4096);
  copy = dpx_connection_options_copy (options);
  g_assert_true (dpx_connection_options_equal (copy, options));

  dpx_connection_options_add_header (copy, "X-Other", "two");
  dpx_connection_options_set_subprotocols (copy, NULL);
  dpx_connection_options_set_url (copy, "ws://127.0.0.1:9/b");
  g_assert_false (dpx_connection_options_equal (copy, options));
  g_assert_null (dpx_connection_options_lookup_header (options, "X-Other"));
  g_assert_cmpstr (dpx_connection_options_lookup_header (copy, "X-Other"), ==, "two");
  g_assert_cmpuint (g_variant_n_children (dpx_connection_options_get_request_headers (options)), ==, 1);
  g_assert_true (g_strv_equal (dpx_connection_options_get_subprotocols (options), protocols));
  g_assert_cmpstr (dpx_connection_options_get_url (options), ==, "ws://127.0.0.1:9/a");
}

static void
test_notify_on_change_only (void)
{
  g_autoptr(DpxConnectionOptions) options = dpx_connection_options_new ();
  g_autoptr(DpxNotifyCounter) headers = dpx_test_count_notify (options, "request-headers");
  g_autoptr(DpxNotifyCounter) protocols = dpx_test_count_notify (options, "subprotocols");
  const char *list[] = { "a", NULL };
  const char *same[] = { "a", NULL };
  g_auto(GValue) a = G_VALUE_INIT;
  g_auto(GValue) b = G_VALUE_INIT;

  dpx_test_assert_notify_number (options, "permessage-deflate", FALSE, TRUE);
  dpx_test_assert_notify_number (options, "accept-invalid-certificates", FALSE, TRUE);
  dpx_test_assert_notify_number (options, "auto-reconnect", FALSE, TRUE);
  dpx_test_assert_notify_number (options, "handshake-timeout", 10, 30);
  dpx_test_assert_notify_number (options, "max-message-size", 2048, 8192);
  dpx_test_assert_notify_number (options, "keepalive-interval", 0, 15);
  g_value_init (&a, G_TYPE_STRING);
  g_value_init (&b, G_TYPE_STRING);
  g_value_set_string (&a, "https://a.example");
  g_value_set_string (&b, "https://b.example");
  dpx_test_assert_property_notify (options, "origin", &a, &b);
  dpx_test_assert_property_notify (options, "url", &a, &b);

  dpx_connection_options_add_header (options, "X-A", "1");
  g_assert_cmpuint (dpx_notify_counter_take (headers), ==, 1);
  dpx_connection_options_set_request_headers (options, g_variant_new_parsed ("[('X-A', '1')]"));
  g_assert_cmpuint (dpx_notify_counter_take (headers), ==, 0);
  dpx_connection_options_set_request_headers (options, NULL);
  g_assert_cmpuint (dpx_notify_counter_take (headers), ==, 1);

  dpx_connection_options_set_subprotocols (options, list);
  dpx_connection_options_set_subprotocols (options, same);
  g_assert_cmpuint (dpx_notify_counter_take (protocols), ==, 1);
}

/* A WebSocket server on loopback that keeps each handshake's request
 * headers, by path. */
typedef struct {
  SoupServer *server;
  GHashTable *seen;  /* path → SoupMessageHeaders */
  GPtrArray  *conns;
  char       *base;
} HeaderServer;

static void
copy_header (const char *name,
             const char *value,
             gpointer    headers)
{
  soup_message_headers_append (headers, name, value);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  HeaderServer *hs = user_data;
  SoupMessageHeaders *copy = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header, copy);
  g_hash_table_replace (hs->seen, g_strdup (path), copy);
  g_ptr_array_add (hs->conns, g_object_ref (conn));
}

static HeaderServer *
header_server_new (void)
{
  HeaderServer *hs = g_new0 (HeaderServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  hs->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) soup_message_headers_unref);
  hs->conns = g_ptr_array_new_with_free_func (g_object_unref);
  hs->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (hs->server, NULL, NULL, NULL, on_websocket, hs, NULL);
  g_assert_true (soup_server_listen_local (hs->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (hs->server);
  hs->base = g_strdup_printf ("ws://127.0.0.1:%d", g_uri_get_port (uris->data));
  return hs;
}

static void
header_server_free (HeaderServer *hs)
{
  for (guint i = 0; i < hs->conns->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (hs->conns, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, 1001, NULL);
    }
  g_ptr_array_unref (hs->conns);
  soup_server_disconnect (hs->server);
  g_object_unref (hs->server);
  g_hash_table_unref (hs->seen);
  g_free (hs->base);
  g_free (hs);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeaderServer, header_server_free)

static void
disconnect_and_wait (DpxSession *session)
{
  g_assert_true (dpx_session_disconnect (session, 1000, NULL, NULL));
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 5000);
}

/* Two sessions side by side, each with its own options: each handshake
 * carries its own header and not the other's, and an edit reaches the next
 * connection of its own session only. */
static void
test_sessions_send_own_headers (void)
{
  g_autoptr(HeaderServer) hs = header_server_new ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpxLog) log_one = dpx_log_new ();
  g_autoptr(DpxLog) log_two = dpx_log_new ();
  g_autoptr(DpxConnectionOptions) one = dpx_connection_options_new_from_settings (settings);
  g_autoptr(DpxConnectionOptions) two = dpx_connection_options_copy (one);
  g_autoptr(DpxSession) session_one = dpx_session_new (log_one, one);
  g_autoptr(DpxSession) session_two = dpx_session_new (log_two, two);
  g_autofree char *url_one = g_strconcat (hs->base, "/one", NULL);
  g_autofree char *url_two = g_strconcat (hs->base, "/two", NULL);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *seen;

  g_assert_true (dpx_session_get_options (session_one) == one);
  dpx_connection_options_add_header (one, "X-Tab", "one");
  dpx_connection_options_add_header (two, "X-Tab", "two");
  dpx_connection_options_set_origin (two, "https://two.example");

  g_assert_true (dpx_session_connect (session_one, url_one, &error));
  g_assert_true (dpx_session_connect (session_two, url_two, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (dpx_session_get_state (session_one) == DPX_CONNECTION_STATE_OPEN &&
                       dpx_session_get_state (session_two) == DPX_CONNECTION_STATE_OPEN, 5000);
  g_assert_cmpstr (dpx_connection_options_get_url (one), ==, url_one);
  g_assert_cmpstr (dpx_connection_options_get_url (two), ==, url_two);

  seen = g_hash_table_lookup (hs->seen, "/one");
  g_assert_cmpstr (soup_message_headers_get_list (seen, "X-Tab"), ==, "one");
  g_assert_null (soup_message_headers_get_one (seen, "Origin"));
  seen = g_hash_table_lookup (hs->seen, "/two");
  g_assert_cmpstr (soup_message_headers_get_list (seen, "X-Tab"), ==, "two");
  g_assert_cmpstr (soup_message_headers_get_one (seen, "Origin"), ==, "https://two.example");

  /* Edited between connections, the next handshake of that session only
   * carries the change. */
  disconnect_and_wait (session_one);
  disconnect_and_wait (session_two);
  dpx_connection_options_set_request_headers (one, g_variant_new_parsed ("[('X-Tab', 'one, edited')]"));
  g_hash_table_remove_all (hs->seen);
  g_assert_true (dpx_session_connect (session_one, url_one, &error));
  g_assert_true (dpx_session_connect (session_two, url_two, &error));
  dpx_test_wait_until (dpx_session_get_state (session_one) == DPX_CONNECTION_STATE_OPEN &&
                       dpx_session_get_state (session_two) == DPX_CONNECTION_STATE_OPEN, 5000);
  g_assert_cmpstr (soup_message_headers_get_list (g_hash_table_lookup (hs->seen, "/one"), "X-Tab"),
                   ==, "one, edited");
  g_assert_cmpstr (soup_message_headers_get_list (g_hash_table_lookup (hs->seen, "/two"), "X-Tab"),
                   ==, "two");

  disconnect_and_wait (session_one);
  disconnect_and_wait (session_two);
}

/* A header HTTP does not allow stops the connection before it starts, with
 * the reason in the session's log. */
static void
test_invalid_header_refused (void)
{
  g_autoptr(DpxConnectionOptions) options = dpx_connection_options_new ();
  g_autoptr(DpxClient) client = dpx_client_new (NULL);
  g_autoptr(GError) error = NULL;

  dpx_connection_options_add_header (options, "X-Good", "yes");
  g_assert_true (dpx_connection_options_apply (options, client, &error));
  g_assert_no_error (error);
  dpx_connection_options_add_header (options, "Bad Name", "x");
  g_assert_false (dpx_connection_options_apply (options, client, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_HEADER);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection-options/defaults-match-schema", test_defaults_match_schema);
  g_test_add_func ("/connection-options/settings-round-trip", test_settings_round_trip);
  g_test_add_func ("/connection-options/copy-is-independent", test_copy_is_independent);
  g_test_add_func ("/connection-options/notify-on-change-only", test_notify_on_change_only);
  g_test_add_func ("/connection-options/sessions-send-own-headers", test_sessions_send_own_headers);
  g_test_add_func ("/connection-options/invalid-header-refused", test_invalid_header_refused);

  return g_test_run ();
}
