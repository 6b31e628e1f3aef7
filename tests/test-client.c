/* test-client.c: the client connection, its options and its errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-close-code.h"
#include "dpx-test-support.h"

/* Records what a DpxClient reports. */
typedef struct {
  DpxClient *client;
  GPtrArray *messages;   /* GBytes */
  GArray    *types;
  GPtrArray *events;     /* "kind: text" strings */
  GArray    *states;
  gboolean   connect_done;
  GError    *connect_error;
} Watch;

static void
on_message (DpxClient *client,
            int        type,
            GBytes    *message,
            Watch     *watch)
{
  g_ptr_array_add (watch->messages, g_bytes_ref (message));
  g_array_append_val (watch->types, type);
}

static void
on_event (DpxClient    *client,
          DpxEntryKind  kind,
          const char   *text,
          const char   *revealed,
          Watch        *watch)
{
  g_ptr_array_add (watch->events, g_strdup_printf ("%s: %s", dpx_entry_kind_to_string (kind), text));
}

static void
on_state (DpxClient  *client,
          GParamSpec *pspec,
          Watch      *watch)
{
  DpxConnectionState state = dpx_client_get_state (client);

  g_array_append_val (watch->states, state);
}

static Watch *
watch_new (const char *url)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->client = dpx_client_new (url);
  watch->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  watch->types = g_array_new (FALSE, FALSE, sizeof (int));
  watch->events = g_ptr_array_new_with_free_func (g_free);
  watch->states = g_array_new (FALSE, FALSE, sizeof (DpxConnectionState));
  g_signal_connect (watch->client, "message", G_CALLBACK (on_message), watch);
  g_signal_connect (watch->client, "event", G_CALLBACK (on_event), watch);
  g_signal_connect (watch->client, "notify::state", G_CALLBACK (on_state), watch);
  return watch;
}

/* The teardown of every client: nothing may still hold it. */
static void
watch_free (Watch *watch)
{
  g_signal_handlers_disconnect_by_data (watch->client, watch);
  g_assert_finalize_object (g_steal_pointer (&watch->client));
  g_ptr_array_unref (watch->messages);
  g_array_unref (watch->types);
  g_ptr_array_unref (watch->events);
  g_array_unref (watch->states);
  g_clear_error (&watch->connect_error);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Watch *watch = user_data;

  dpx_client_connect_finish (DPX_CLIENT (source), result, &watch->connect_error);
  watch->connect_done = TRUE;
}

static void
watch_connect (Watch *watch)
{
  watch->connect_done = FALSE;
  g_clear_error (&watch->connect_error);
  dpx_client_connect_async (watch->client, NULL, connected_cb, watch);
  dpx_test_wait_until (watch->connect_done, 30000);
}

/* Closes the open connection and waits until the closing handshake is over. */
static void
watch_close (Watch *watch)
{
  g_assert_true (dpx_client_close (watch->client, 1000, NULL, NULL));
  dpx_test_wait_until (dpx_client_get_state (watch->client) == DPX_CONNECTION_STATE_CLOSED, 5000);
}

static gboolean
has_event (Watch      *watch,
           const char *needle)
{
  for (guint i = 0; i < watch->events->len; i++)
    if (strstr (watch->events->pdata[i], needle))
      return TRUE;
  return FALSE;
}

static void
test_client_conversation (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_test_relay_url (relay);
  g_autoptr(Watch) watch = watch_new (url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x00\x01\xfe\xff", 4);
  g_autoptr(DpxNotifyCounter) status_notes = dpx_test_count_notify (watch->client, "status-code");
  g_autoptr(DpxNotifyCounter) code_notes = dpx_test_count_notify (watch->client, "close-code");
  g_autoptr(DpxNotifyCounter) reason_notes = dpx_test_count_notify (watch->client, "close-reason");
  guint status = 0;

  g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_DISCONNECTED);
  watch_connect (watch);
  g_assert_no_error (watch->connect_error);
  g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_OPEN);
  g_object_get (watch->client, "status-code", &status, NULL);
  g_assert_cmpuint (status, ==, 101);
  g_assert_cmpuint (dpx_notify_counter_take (status_notes), ==, 1);
  g_assert_cmpstr (soup_message_headers_get_one (dpx_client_get_response_headers (watch->client), "Upgrade"),
                   ==, "websocket");
  g_assert_null (dpx_client_get_protocol (watch->client));
  g_assert_null (dpx_client_get_extensions (watch->client));
  g_assert_true (has_event (watch, "info: Connecting to ws://127.0.0.1:"));
  g_assert_true (has_event (watch, "info: Handshake response: HTTP 101"));
  g_assert_true (has_event (watch, "open: Connected to ws://127.0.0.1:"));

  g_assert_true (dpx_client_send_text (watch->client, "héllo", -1, &error));
  g_assert_true (dpx_client_send_binary (watch->client, binary, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (watch->messages->len == 2, 5000);
  g_assert_cmpint (g_array_index (watch->types, int, 0), ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_cmpmem (g_bytes_get_data (watch->messages->pdata[0], NULL), 6, "héllo", 6);
  g_assert_cmpint (g_array_index (watch->types, int, 1), ==, SOUP_WEBSOCKET_DATA_BINARY);
  g_assert_true (g_bytes_equal (watch->messages->pdata[1], binary));

  g_assert_true (dpx_client_close (watch->client, 4000, "bye", &error));
  dpx_test_wait_until (dpx_client_get_state (watch->client) == DPX_CONNECTION_STATE_CLOSED, 5000);
  g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 4000);
  g_assert_cmpstr (dpx_client_get_close_reason (watch->client), ==, "bye");
  g_assert_cmpuint (dpx_notify_counter_take (code_notes), ==, 1);
  g_assert_cmpuint (dpx_notify_counter_take (reason_notes), ==, 1);
  g_assert_cmpuint (dpx_notify_counter_take (status_notes), ==, 0);
  g_assert_true (has_event (watch, "close: Closed: 4000 (application code) “bye”"));

  /* Every state was announced once, in order. */
  g_assert_cmpuint (watch->states->len, ==, 4);
  g_assert_cmpint (g_array_index (watch->states, DpxConnectionState, 0), ==, DPX_CONNECTION_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (watch->states, DpxConnectionState, 1), ==, DPX_CONNECTION_STATE_OPEN);
  g_assert_cmpint (g_array_index (watch->states, DpxConnectionState, 2), ==, DPX_CONNECTION_STATE_CLOSING);
  g_assert_cmpint (g_array_index (watch->states, DpxConnectionState, 3), ==, DPX_CONNECTION_STATE_CLOSED);

  /* The same client connects again. */
  watch_connect (watch);
  g_assert_no_error (watch->connect_error);
  g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_OPEN);

  watch_close (watch);
  g_clear_pointer (&status_notes, dpx_notify_counter_free);
  g_clear_pointer (&code_notes, dpx_notify_counter_free);
  g_clear_pointer (&reason_notes, dpx_notify_counter_free);
  g_clear_pointer (&watch, watch_free);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 5000);
  g_assert_finalize_object (g_steal_pointer (&relay));
}

static void
test_client_bad_urls (void)
{
  static const struct { const char *url; int code; const char *words; } cases[] = {
    { "", DPX_ERROR_INVALID_URL, "Enter a URL" },
    { "localhost:4000", DPX_ERROR_INVALID_URL, "needs a scheme" },
    { "ws://exa mple.com/", DPX_ERROR_INVALID_URL, "not a valid URL" },
    { "ws://[::1/", DPX_ERROR_INVALID_URL, "not a valid URL" },
    { "ftp://example.com/", DPX_ERROR_UNSUPPORTED_SCHEME, "“ftp” is not supported" },
    { "http://example.com/", DPX_ERROR_UNSUPPORTED_SCHEME, "use ws:// or wss://" },
    { "ws:///path", DPX_ERROR_INVALID_URL, "no host" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Watch) watch = watch_new (cases[i].url);
      g_autoptr(GError) error = NULL;

      g_assert_false (dpx_client_check_url (cases[i].url, &error));
      g_assert_error (error, DPX_ERROR, cases[i].code);
      g_test_message ("%s → %s", cases[i].url, error->message);
      g_assert_nonnull (strstr (error->message, cases[i].words));

      /* Connecting says the same, and the client stays usable. */
      watch_connect (watch);
      g_assert_error (watch->connect_error, DPX_ERROR, cases[i].code);
      g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_DISCONNECTED);
      g_assert_true (has_event (watch, cases[i].words));
    }
  g_assert_true (dpx_client_check_url ("wss://echo.example.org:8443/socket?x=1", NULL));
  g_assert_true (dpx_client_check_url ("ws://[::1]:4000", NULL));
}

static guint
unused_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_finalize_object (g_steal_pointer (&bound));
  g_assert_finalize_object (g_steal_pointer (&address));
  g_assert_finalize_object (g_steal_pointer (&loopback));
  g_assert_finalize_object (g_steal_pointer (&socket));
  return port;
}

static void
test_client_refused (void)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", unused_port ());
  g_autoptr(Watch) watch = watch_new (url);

  watch_connect (watch);
  g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_REFUSED);
  g_assert_nonnull (strstr (watch->connect_error->message, "Connection refused by 127.0.0.1:"));
  g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_CLOSED);
  g_assert_cmpstr (dpx_client_get_error_message (watch->client), ==, watch->connect_error->message);
  g_assert_true (has_event (watch, "error: Connection refused"));
}

static void
test_client_unresolved (void)
{
  g_autoptr(Watch) watch = watch_new ("ws://no-such-host.invalid:4000/");

  watch_connect (watch);
  g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_RESOLVE);
  g_assert_nonnull (strstr (watch->connect_error->message, "“no-such-host.invalid” could not be resolved"));
}

static void
not_found_handler (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  static const char body[] = "<h1>404</h1>\n<p>no such endpoint here</p>";

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, body, strlen (body));
}

/* Listens on a free loopback port; returns the URL to reach @path there. */
static char *
listen_on_loopback (SoupServer              *server,
                    SoupServerListenOptions  options,
                    const char              *scheme,
                    const char              *path)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  char *url;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | options, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("%s://127.0.0.1:%d%s", scheme, g_uri_get_port (uris->data), path);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

static SoupServer *
plain_server (SoupServerCallback  callback,
              char              **url)
{
  SoupServer *server = soup_server_new (NULL, NULL);

  soup_server_add_handler (server, NULL, callback, NULL, NULL);
  *url = listen_on_loopback (server, 0, "ws", "/chat");
  return server;
}

static void
test_client_refused_upgrade (void)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = plain_server (not_found_handler, &url);
  g_autoptr(Watch) watch = watch_new (url);

  watch_connect (watch);
  g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_HANDSHAKE);
  g_test_message ("%s", watch->connect_error->message);
  g_assert_nonnull (strstr (watch->connect_error->message, "refused the WebSocket upgrade: HTTP 404 Not Found"));
  g_assert_nonnull (strstr (watch->connect_error->message, "no such endpoint here"));
  g_assert_cmpuint (dpx_client_get_status_code (watch->client), ==, 404);
  g_clear_pointer (&watch, watch_free);
  g_assert_finalize_object (g_steal_pointer (&server));
}

static void
accept_and_ignore (GSocketService     *service,
                   GSocketConnection  *connection,
                   GObject            *source,
                   GPtrArray          *kept)
{
  g_ptr_array_add (kept, g_object_ref (connection));
}

static void
test_client_timeout_and_cancel (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (accept_and_ignore), kept);
  url = g_strdup_printf ("ws://127.0.0.1:%u/", port);

  {
    g_autoptr(Watch) watch = watch_new (url);

    dpx_client_set_handshake_timeout (watch->client, 1);
    watch_connect (watch);
    g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_TIMED_OUT);
    g_assert_nonnull (strstr (watch->connect_error->message, "within 1 seconds"));
    g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_CLOSED);
  }

  /* Disconnecting while connecting cancels quietly. */
  {
    g_autoptr(Watch) watch = watch_new (url);

    dpx_client_connect_async (watch->client, NULL, connected_cb, watch);
    dpx_test_wait_until (kept->len == 2, 5000);
    g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_CONNECTING);
    g_assert_true (dpx_client_close (watch->client, 1000, NULL, NULL));
    dpx_test_wait_until (watch->connect_done, 5000);
    g_assert_error (watch->connect_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_DISCONNECTED);
    g_assert_null (dpx_client_get_error_message (watch->client));
  }
  g_socket_service_stop (service);
  while (kept->len > 0)
    g_assert_finalize_object (g_ptr_array_steal_index (kept, kept->len - 1));
  /* Its pending accept holds the service until the cancellation is dispatched. */
  dpx_test_wait_until (g_atomic_int_get ((int *) &G_OBJECT (service)->ref_count) == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&service));
}

static void
echo_message (SoupWebsocketConnection *conn,
              int                      type,
              GBytes                  *message,
              gpointer                 user_data)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (type == SOUP_WEBSOCKET_DATA_TEXT && size == 9 && memcmp (data, "close me!", 9) == 0)
    soup_websocket_connection_close (conn, 4001, "server says bye");
  else
    soup_websocket_connection_send_message (conn, type, message);
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    headers)
{
  soup_message_headers_append (headers, name, value);
}

/* A websocket echo server that also records the handshake it saw. */
static void
echo_websocket (SoupServer              *server,
                SoupServerMessage       *msg,
                const char              *path,
                SoupWebsocketConnection *conn,
                gpointer                 user_data)
{
  SoupMessageHeaders **seen = user_data;

  g_clear_pointer (seen, soup_message_headers_unref);
  *seen = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg),
                                copy_header, *seen);
  g_object_set_data_full (G_OBJECT (server), "conn", g_object_ref (conn), g_object_unref);
  soup_websocket_connection_set_max_incoming_payload_size (conn, 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (echo_message), NULL);
}

/* The echo server's handler, greeting each client first: the greeting
 * follows the 101 at once, often in the same read. */
static void
greeting_websocket (SoupServer              *server,
                    SoupServerMessage       *msg,
                    const char              *path,
                    SoupWebsocketConnection *conn,
                    gpointer                 user_data)
{
  echo_websocket (server, msg, path, conn, user_data);
  soup_websocket_connection_send_text (conn, "welcome");
}

static char *
make_certificate (char **key_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-tls-XXXXXX", &error);
  char *cert_path = g_build_filename (dir, "cert.pem", NULL);
  int status = 0;

  *key_path = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", *key_path, "-out", cert_path, "-days", "2",
                           "-subj", "/CN=duplex-test.example", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return cert_path;
}

static void
test_client_tls_self_signed (void)
{
  g_autofree char *key = NULL;
  g_autofree char *cert = make_certificate (&key);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_autoptr(SoupServer) server = NULL;
  SoupMessageHeaders *seen = NULL;
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_websocket_handler (server, NULL, NULL, NULL, greeting_websocket, &seen, NULL);
  url = listen_on_loopback (server, SOUP_SERVER_LISTEN_HTTPS, "wss", "/");

  {
    g_autoptr(Watch) watch = watch_new (url);

    watch_connect (watch);
    g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_TLS);
    g_test_message ("%s", watch->connect_error->message);
    g_assert_nonnull (strstr (watch->connect_error->message, "certificate is not trusted"));
    g_assert_nonnull (strstr (watch->connect_error->message, "unknown authority"));
    g_assert_true (dpx_client_get_tls_errors (watch->client) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  }
  {
    g_autoptr(Watch) watch = watch_new (url);

    dpx_client_set_accept_invalid_certificates (watch->client, TRUE);
    watch_connect (watch);
    g_assert_no_error (watch->connect_error);
    g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_OPEN);
    /* Accepted, but the problem is still reported. */
    g_assert_true (has_event (watch, "error: The server’s TLS certificate is not trusted"));
    dpx_test_wait_until (watch->messages->len == 1, 5000);
    g_assert_cmpmem (g_bytes_get_data (watch->messages->pdata[0], NULL),
                     g_bytes_get_size (watch->messages->pdata[0]), "welcome", 7);
    g_assert_true (dpx_client_send_text (watch->client, "over tls", -1, NULL));
    dpx_test_wait_until (watch->messages->len == 2, 5000);
    g_assert_cmpmem (g_bytes_get_data (watch->messages->pdata[1], NULL),
                     g_bytes_get_size (watch->messages->pdata[1]), "over tls", 8);
    watch_close (watch);
  }
  g_clear_pointer (&seen, soup_message_headers_unref);
  g_assert_finalize_object (g_steal_pointer (&server));
  /* Not @certificate: libsoup 3.2 never frees a server connection whose handshake failed. */
}

static SoupServer *
echo_server (SoupMessageHeaders **seen,
             char               **url)
{
  SoupServer *server = soup_server_new (NULL, NULL);

  soup_server_add_websocket_handler (server, NULL, NULL, NULL, echo_websocket, seen, NULL);
  *url = listen_on_loopback (server, 0, "ws", "/echo");
  return server;
}

/* ws:// to a TLS port and wss:// to a plain one: the error names the
 * scheme the port speaks, and the URL to use. */
static void
test_client_wrong_scheme (void)
{
  g_autofree char *key = NULL;
  g_autofree char *cert = make_certificate (&key);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_autoptr(SoupServer) tls_server = NULL;
  g_autoptr(SoupServer) plain_server = NULL;
  SoupMessageHeaders *seen = NULL;
  SoupMessageHeaders *plain_seen = NULL;
  g_autofree char *tls_url = NULL;
  g_autofree char *plain_url = NULL;

  g_assert_no_error (error);
  tls_server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_websocket_handler (tls_server, NULL, NULL, NULL, echo_websocket, &seen, NULL);
  tls_url = listen_on_loopback (tls_server, SOUP_SERVER_LISTEN_HTTPS, "wss", "/feed?x=1");
  plain_server = echo_server (&plain_seen, &plain_url);

  {
    g_autofree char *wrong = g_strconcat ("ws", tls_url + 3, NULL);
    g_autoptr(Watch) watch = watch_new (wrong);

    watch_connect (watch);
    g_test_message ("%s", watch->connect_error->message);
    g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_WRONG_SCHEME);
    g_assert_nonnull (strstr (watch->connect_error->message, "speaks TLS: connect with wss://"));
    g_assert_cmpstr (dpx_client_get_suggested_url (watch->client), ==, tls_url);
    g_assert_nonnull (strstr (watch->connect_error->message, tls_url));
    g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_CLOSED);
    g_assert_true (has_event (watch, "error: 127.0.0.1:"));
  }
  {
    g_autofree char *wrong = g_strconcat ("wss", plain_url + 2, NULL);
    g_autoptr(Watch) watch = watch_new (wrong);

    dpx_client_set_handshake_timeout (watch->client, 3);
    watch_connect (watch);
    g_test_message ("%s", watch->connect_error->message);
    g_assert_error (watch->connect_error, DPX_ERROR, DPX_ERROR_WRONG_SCHEME);
    g_assert_nonnull (strstr (watch->connect_error->message, "connect with ws:// instead"));
    g_assert_cmpstr (dpx_client_get_suggested_url (watch->client), ==, plain_url);
  }
  /* Right as written: nothing is suggested. */
  {
    g_autoptr(Watch) watch = watch_new (plain_url);

    watch_connect (watch);
    g_assert_no_error (watch->connect_error);
    g_assert_null (dpx_client_get_suggested_url (watch->client));
    watch_close (watch);
  }
  g_clear_pointer (&seen, soup_message_headers_unref);
  g_clear_pointer (&plain_seen, soup_message_headers_unref);
  g_assert_finalize_object (g_steal_pointer (&plain_server));
  g_assert_finalize_object (g_steal_pointer (&tls_server));
}

static void
test_client_options_reach_server (void)
{
  SoupMessageHeaders *seen = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = echo_server (&seen, &url);
  g_autoptr(Watch) watch = watch_new (url);
  g_autoptr(GError) error = NULL;

  g_assert_true (dpx_client_add_header (watch->client, "X-Token", "abc 123", &error));
  g_assert_true (dpx_client_add_header_line (watch->client, "Authorization: Bearer t0k3n", &error));
  g_assert_false (dpx_client_add_header (watch->client, "Bad Name", "x", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_HEADER);
  g_clear_error (&error);
  g_assert_false (dpx_client_add_header (watch->client, "X-Split", "a\r\nInjected: yes", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_HEADER);
  g_clear_error (&error);
  g_assert_false (dpx_client_add_header_line (watch->client, "no colon here", &error));
  g_clear_error (&error);
  dpx_client_set_origin (watch->client, "https://teacher.example");
  dpx_client_set_deflate (watch->client, TRUE);

  watch_connect (watch);
  g_assert_no_error (watch->connect_error);
  g_assert_cmpstr (soup_message_headers_get_one (seen, "X-Token"), ==, "abc 123");
  g_assert_cmpstr (soup_message_headers_get_one (seen, "Authorization"), ==, "Bearer t0k3n");
  g_assert_cmpstr (soup_message_headers_get_one (seen, "Origin"), ==, "https://teacher.example");
  g_assert_null (soup_message_headers_get_one (seen, "Injected"));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (seen, "User-Agent"), "Duplex/"));
  g_assert_nonnull (strstr (dpx_client_get_extensions (watch->client), "permessage-deflate"));
  g_assert_true (has_event (watch, "X-Token: abc 123"));

  /* Compressed both ways, the echo comes back whole. */
  {
    g_autoptr(GString) text = g_string_new (NULL);

    for (guint i = 0; text->len < 100 * 1024; i++)
      g_string_append_printf (text, "line %u of a compressible message\n", i);
    g_assert_true (dpx_client_send_text (watch->client, text->str, text->len, NULL));
    dpx_test_wait_until (watch->messages->len == 1, 5000);
    g_assert_cmpmem (g_bytes_get_data (watch->messages->pdata[0], NULL),
                     g_bytes_get_size (watch->messages->pdata[0]), text->str, text->len);
  }

  /* The server closing is reported with its code and reason. */
  g_assert_true (dpx_client_send_text (watch->client, "close me!", -1, NULL));
  dpx_test_wait_until (dpx_client_get_state (watch->client) == DPX_CONNECTION_STATE_CLOSED, 5000);
  g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 4001);
  g_assert_cmpstr (dpx_client_get_close_reason (watch->client), ==, "server says bye");
  g_assert_true (has_event (watch, "close: Closed by the server: 4001 (application code) “server says bye”"));
  soup_message_headers_unref (seen);
  g_clear_pointer (&watch, watch_free);
  g_assert_finalize_object (g_steal_pointer (&server));
}

static void
test_client_send_errors (void)
{
  SoupMessageHeaders *seen = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = echo_server (&seen, &url);
  g_autoptr(Watch) watch = watch_new (url);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_reason = g_strnfill (124, 'r');
  static const char invalid[] = { 'a', 'b', (char) 0xff, 0 };

  g_assert_false (dpx_client_send_text (watch->client, "early", -1, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_NOT_OPEN);
  g_clear_error (&error);

  watch_connect (watch);
  g_assert_no_error (watch->connect_error);

  g_assert_false (dpx_client_send_text (watch->client, invalid, -1, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEXT);
  g_assert_nonnull (strstr (error->message, "byte 3"));
  g_clear_error (&error);

  for (guint code = 0; code < 65536; code++)
    {
      gboolean ok = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1010) ||
                    (code >= 3000 && code <= 4999);
      g_assert_cmpint (dpx_close_code_can_send (code), ==, ok);
    }
  /* 1011 is a server's code: libsoup would refuse it with a critical. */
  g_assert_false (dpx_client_close (watch->client, 1011, NULL, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);
  g_clear_error (&error);
  g_assert_false (dpx_client_close (watch->client, 1005, NULL, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);
  g_assert_nonnull (strstr (error->message, "1005 cannot be sent"));
  g_clear_error (&error);
  g_assert_false (dpx_client_close (watch->client, 1000, long_reason, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);
  g_assert_nonnull (strstr (error->message, "124 bytes"));
  g_clear_error (&error);

  /* None of that disturbed the connection. */
  g_assert_cmpint (dpx_client_get_state (watch->client), ==, DPX_CONNECTION_STATE_OPEN);
  g_assert_true (dpx_client_send_text (watch->client, "still fine", -1, &error));
  dpx_test_wait_until (watch->messages->len == 1, 5000);
  watch_close (watch);
  g_clear_pointer (&seen, soup_message_headers_unref);
  g_clear_pointer (&watch, watch_free);
  g_assert_finalize_object (g_steal_pointer (&server));
}

static void
test_client_incoming_too_big (void)
{
  SoupMessageHeaders *seen = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = echo_server (&seen, &url);
  g_autoptr(Watch) watch = watch_new (url);
  g_autofree char *big = g_strnfill (4096, 'x');

  dpx_client_set_max_message_size (watch->client, 1024);
  watch_connect (watch);
  g_assert_no_error (watch->connect_error);
  /* The echo comes back four times over the limit: it is refused from its
   * header on, and the server is told with 1009 rather than a dropped
   * connection. */
  g_assert_true (dpx_client_send_text (watch->client, big, -1, NULL));
  dpx_test_wait_until (dpx_client_get_state (watch->client) == DPX_CONNECTION_STATE_CLOSED, 5000);
  g_assert_cmpuint (watch->messages->len, ==, 0);
  g_assert_true (has_event (watch, "error: The server sent a message of 4096 bytes, larger than the limit of 1024 bytes"));
  g_assert_true (has_event (watch, "close: Closed: 1009 (message too big)"));
  g_assert_cmpuint (dpx_client_get_close_code (watch->client), ==, 1009);
  {
    SoupWebsocketConnection *server_side = g_object_get_data (G_OBJECT (server), "conn");

    dpx_test_wait_until (soup_websocket_connection_get_state (server_side) == SOUP_WEBSOCKET_STATE_CLOSED, 10000);
    g_assert_cmpuint (soup_websocket_connection_get_close_code (server_side), ==, 1009);
  }

  /* Just over the limit, the server is told with a close frame. */
  {
    g_autoptr(Watch) second = watch_new (url);
    g_autofree char *over = g_strnfill (1500, 'y');

    dpx_client_set_max_message_size (second->client, 1024);
    watch_connect (second);
    g_assert_true (dpx_client_send_text (second->client, over, -1, NULL));
    dpx_test_wait_until (dpx_client_get_state (second->client) == DPX_CONNECTION_STATE_CLOSED, 5000);
    g_assert_cmpuint (second->messages->len, ==, 0);
    g_assert_true (has_event (second, "error: The server sent a message of 1500 bytes, larger than the limit of 1024"));
    g_assert_cmpuint (dpx_client_get_close_code (second->client), ==, 1009);
    g_assert_true (has_event (second, "close: Closed: 1009 (message too big)"));
  }
  g_clear_pointer (&seen, soup_message_headers_unref);
  g_clear_pointer (&watch, watch_free);
  g_assert_finalize_object (g_steal_pointer (&server));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/conversation", test_client_conversation);
  g_test_add_func ("/client/bad-urls", test_client_bad_urls);
  g_test_add_func ("/client/refused", test_client_refused);
  g_test_add_func ("/client/unresolved", test_client_unresolved);
  g_test_add_func ("/client/refused-upgrade", test_client_refused_upgrade);
  g_test_add_func ("/client/timeout-and-cancel", test_client_timeout_and_cancel);
  g_test_add_func ("/client/tls-self-signed", test_client_tls_self_signed);
  g_test_add_func ("/client/wrong-scheme", test_client_wrong_scheme);
  g_test_add_func ("/client/options-reach-server", test_client_options_reach_server);
  g_test_add_func ("/client/send-errors", test_client_send_errors);
  g_test_add_func ("/client/incoming-too-big", test_client_incoming_too_big);

  return g_test_run ();
}
