/* dpx-test-support.c: helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "dpx-test-support.h"

/* How many times longer to wait than asked: DUPLEX_TEST_TIMEOUT_SCALE, which
 * the sanitizer builds' test setup sets (their code runs several times
 * slower), else 1. */
guint
dpx_test_timeout_scale (void)
{
  static guint scale;

  if (scale == 0)
    {
      const char *value = g_getenv ("DUPLEX_TEST_TIMEOUT_SCALE");
      guint64 parsed = 0;

      if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 100, &parsed, NULL))
        parsed = 1;
      scale = parsed;
    }
  return scale;
}

/* A relay on a free loopback port, already listening. */
DpxRelay *
dpx_test_relay_new (void)
{
  g_autoptr(GError) error = NULL;
  DpxRelay *relay = dpx_relay_new ();

  dpx_relay_set_port (relay, 0);
  /* A slow build (sanitizers) must not turn a burst into timed-out
   * handshakes. */
  dpx_relay_set_handshake_timeout (relay, DPX_RELAY_DEFAULT_HANDSHAKE_TIMEOUT_MS *
                                          dpx_test_timeout_scale ());
  g_assert_true (dpx_relay_start (relay, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dpx_relay_get_port (relay), >, 0);
  return relay;
}

char *
dpx_test_relay_url (DpxRelay *relay)
{
  return dpx_relay_dup_url (relay);
}

typedef struct {
  SoupWebsocketConnection *conn;
  GError                  *error;
  gboolean                 done;
} ConnectWait;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectWait *wait = user_data;

  wait->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &wait->error);
  wait->done = TRUE;
}

SoupWebsocketConnection *
dpx_test_connect_full (const char  *url,
                       gboolean     deflate,
                       GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  ConnectWait wait = { 0 };

  soup_session_set_user_agent (session, "duplex-test ");
  if (deflate)
    soup_session_add_feature_by_type (session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &wait);
  dpx_test_wait_until (wait.done, 10000);
  if (wait.error)
    {
      g_propagate_error (error, wait.error);
      return NULL;
    }
  /* Raw test clients may receive large relayed messages. */
  soup_websocket_connection_set_max_incoming_payload_size (wait.conn, 64 * 1024 * 1024);
  return wait.conn;
}

SoupWebsocketConnection *
dpx_test_connect (const char  *url,
                  GError     **error)
{
  return dpx_test_connect_full (url, FALSE, error);
}

static void
peer_message_cb (SoupWebsocketConnection *conn,
                 int                      type,
                 GBytes                  *message,
                 DpxTestPeer             *peer)
{
  g_ptr_array_add (peer->messages, g_bytes_ref (message));
  g_array_append_val (peer->types, type);
}

static void
peer_closed_cb (SoupWebsocketConnection *conn,
                DpxTestPeer             *peer)
{
  peer->closed = TRUE;
  peer->close_code = soup_websocket_connection_get_close_code (conn);
  peer->close_reason = g_strdup (soup_websocket_connection_get_close_data (conn));
}

DpxTestPeer *
dpx_test_peer_new (SoupWebsocketConnection *conn)
{
  DpxTestPeer *peer = g_new0 (DpxTestPeer, 1);

  peer->conn = conn;
  peer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  peer->types = g_array_new (FALSE, FALSE, sizeof (int));
  g_signal_connect (conn, "message", G_CALLBACK (peer_message_cb), peer);
  g_signal_connect (conn, "closed", G_CALLBACK (peer_closed_cb), peer);
  return peer;
}

void
dpx_test_peer_free (DpxTestPeer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->conn, peer);
  if (soup_websocket_connection_get_state (peer->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->conn, 1000, NULL);
  g_object_unref (peer->conn);
  g_ptr_array_unref (peer->messages);
  g_array_unref (peer->types);
  g_free (peer->close_reason);
  g_free (peer);
}

/* This process's resident set, from /proc. */
gsize
dpx_test_rss_kib (void)
{
  return dpx_process_memory_kib ("self", "VmRSS");
}

/* Runs the built duplex binary to completion; returns its stdout. */
char *
dpx_test_run_duplex (const char * const  *args,
                     int                 *exit_status,
                     char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DUPLEX"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (g_getenv ("DUPLEX"));
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, err, &status, &error);
  g_assert_no_error (error);
  *exit_status = g_spawn_check_wait_status (status, NULL) ? 0 :
                 (WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  return out;
}

/* Child relay ------------------------------------------------------------- */

static void
die_with_parent (gpointer user_data)
{
  guint max_files = GPOINTER_TO_UINT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Soft and hard both, as the relay raises its soft limit to the hard. */
  if (max_files > 0)
    {
      struct rlimit limit = { max_files, max_files };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* Reads the child's stderr into a string that lives until the pipe ends,
 * however long the server struct lives. */
typedef struct {
  GString  *text;
  gboolean  orphaned;
} StderrReader;

static void
stderr_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StderrReader *reader = user_data;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (reader->orphaned)
        {
          g_string_free (reader->text, TRUE);
          g_free (reader);
        }
      else
        reader->orphaned = TRUE;
      return;
    }
  g_string_append_len (reader->text, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 4096, G_PRIORITY_DEFAULT, NULL,
                                   stderr_read_cb, reader);
}

DpxTestServer *
dpx_test_server_spawn (const char * const *extra_args)
{
  return dpx_test_server_spawn_full (extra_args, 0, FALSE);
}

/**
 * dpx_test_server_spawn_full:
 * @max_files: the child's RLIMIT_NOFILE, or 0 to leave it
 * @capture_stderr: collect the child's stderr in server->stderr_text
 */
DpxTestServer *
dpx_test_server_spawn_full (const char * const *extra_args,
                            guint               max_files,
                            gboolean            capture_stderr)
{
  return dpx_test_server_spawn_command ("serve", extra_args, max_files, capture_stderr);
}

/**
 * dpx_test_server_spawn_command:
 * @command: "serve", or another command that prints its URL first, such as
 *   "mock"
 *
 * Starts `duplex COMMAND --port 0 EXTRA_ARGS...` and waits for its URL.
 */
DpxTestServer *
dpx_test_server_spawn_command (const char         *command,
                               const char * const *extra_args,
                               guint               max_files,
                               gboolean            capture_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  DpxTestServer *server = g_new0 (DpxTestServer, 1);
  char *line;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DUPLEX"));
  g_ptr_array_add (argv, (gpointer) command);
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (g_getenv ("DUPLEX"));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                       (capture_stderr ? G_SUBPROCESS_FLAGS_STDERR_PIPE : 0));
  /* A failed assertion aborts the test: the relay must not outlive it. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, GUINT_TO_POINTER (max_files), NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* The first stdout line is the URL, printed once the port is bound. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  server->url = line;
  uri = g_uri_parse (line, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  server->port = g_uri_get_port (uri);
  g_assert_cmpuint (server->port, >, 0);

  if (capture_stderr)
    {
      StderrReader *reader = g_new0 (StderrReader, 1);

      reader->text = server->stderr_text = g_string_new (NULL);
      server->stderr_reader = reader;
      g_input_stream_read_bytes_async (g_subprocess_get_stderr_pipe (server->process), 4096,
                                       G_PRIORITY_DEFAULT, NULL, stderr_read_cb, reader);
    }
  return server;
}

/* The child's resident set now, or its peak so far. */
gsize
dpx_test_server_rss_kib (DpxTestServer *server,
                         gboolean       peak)
{
  return dpx_process_memory_kib (g_subprocess_get_identifier (server->process), peak ? "VmHWM" : "VmRSS");
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Sends SIGTERM and waits for a clean exit; returns the exit status. */
int
dpx_test_server_stop (DpxTestServer *server)
{
  gboolean done = FALSE;

  if (g_subprocess_get_identifier (server->process) == NULL)
    return g_subprocess_get_exit_status (server->process);

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait_async (server->process, NULL, wait_cb, &done);
  dpx_test_wait_until (done, 10000);
  g_assert_true (g_subprocess_get_if_exited (server->process));
  return g_subprocess_get_exit_status (server->process);
}

void
dpx_test_server_free (DpxTestServer *server)
{
  if (g_subprocess_get_identifier (server->process) != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_object_unref (server->process);
  g_free (server->url);
  if (server->stderr_reader != NULL)
    {
      StderrReader *reader = server->stderr_reader;

      /* Whichever of the pipe's end and this comes last frees it. */
      if (reader->orphaned)
        {
          g_string_free (reader->text, TRUE);
          g_free (reader);
        }
      else
        reader->orphaned = TRUE;
    }
  g_free (server);
}

/* Raw client -------------------------------------------------------------- */

DpxRawClient *
dpx_raw_client_connect (const char  *url,
                        const char  *extra_headers,
                        GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(DpxRawClient) client = g_new0 (DpxRawClient, 1);
  g_autoptr(GString) head = g_string_new (NULL);
  g_autofree char *request = NULL;

  if (uri == NULL)
    return NULL;
  client->connection = g_socket_client_connect_to_host (socket_client, g_uri_get_host (uri),
                                                        g_uri_get_port (uri), NULL, error);
  if (client->connection == NULL)
    return NULL;
  client->socket = g_socket_connection_get_socket (client->connection);
  g_socket_set_timeout (client->socket, 20);
  client->in = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));
  client->out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));

  request = g_strdup_printf ("GET / HTTP/1.1\r\n"
                             "Host: %s:%d\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "%s"
                             "\r\n",
                             g_uri_get_host (uri), g_uri_get_port (uri),
                             extra_headers ? extra_headers : "");
  if (!g_output_stream_write_all (client->out, request, strlen (request), NULL, NULL, error))
    return NULL;

  /* Read the response head byte by byte so no frame bytes are swallowed. */
  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      char c;
      gssize n = g_input_stream_read (client->in, &c, 1, NULL, error);

      if (n <= 0)
        {
          if (n == 0)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                 "closed during the handshake");
          return NULL;
        }
      g_string_append_c (head, c);
    }
  client->response = g_strdup (head->str);
  client->status = g_ascii_strtoull (head->str + strlen ("HTTP/1.1 "), NULL, 10);
  return g_steal_pointer (&client);
}

gboolean
dpx_raw_client_send_frame (DpxRawClient  *client,
                           guint8         first_byte,
                           const guint8  *payload,
                           gsize          length,
                           GError       **error)
{
  static const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  guint8 header[14];
  gsize header_len = 0;
  g_autofree guint8 *masked = g_malloc (MAX (length, 1));

  header[header_len++] = first_byte;
  if (length < 126)
    header[header_len++] = 0x80 | length;
  else if (length <= 0xffff)
    {
      header[header_len++] = 0x80 | 126;
      header[header_len++] = length >> 8;
      header[header_len++] = length & 0xff;
    }
  else
    {
      header[header_len++] = 0x80 | 127;
      for (int i = 7; i >= 0; i--)
        header[header_len++] = ((guint64) length >> (8 * i)) & 0xff;
    }
  memcpy (header + header_len, mask, 4);
  header_len += 4;
  for (gsize i = 0; i < length; i++)
    masked[i] = payload[i] ^ mask[i & 3];

  return g_output_stream_write_all (client->out, header, header_len, NULL, NULL, error) &&
         g_output_stream_write_all (client->out, masked, length, NULL, NULL, error);
}

gboolean
dpx_raw_client_read_frame (DpxRawClient  *client,
                           guint8        *first_byte,
                           GByteArray    *payload,
                           GError       **error)
{
  guint8 head[2];
  guint64 length;
  gsize got;

  if (!g_input_stream_read_all (client->in, head, 2, &got, NULL, error) || got < 2)
    {
      if (error && !*error)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "end of stream");
      return FALSE;
    }
  *first_byte = head[0];
  length = head[1] & 0x7f;
  if (length >= 126)
    {
      guint8 ext[8];
      gsize n = length == 126 ? 2 : 8;

      if (!g_input_stream_read_all (client->in, ext, n, &got, NULL, error) || got < n)
        return FALSE;
      length = 0;
      for (gsize i = 0; i < n; i++)
        length = (length << 8) | ext[i];
    }
  g_byte_array_set_size (payload, length);
  if (length > 0 &&
      (!g_input_stream_read_all (client->in, payload->data, length, &got, NULL, error) || got < length))
    {
      if (error && !*error)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "end of stream");
      return FALSE;
    }
  return TRUE;
}

/* Reads frames until a close frame, and returns its code and reason. */
gboolean
dpx_raw_client_read_close (DpxRawClient  *client,
                           gushort       *code,
                           char         **reason,
                           GError       **error)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  guint8 first;

  for (;;)
    {
      if (!dpx_raw_client_read_frame (client, &first, payload, error))
        return FALSE;
      if ((first & 0x0f) == 0x8)
        break;
    }
  *code = payload->len >= 2 ? (payload->data[0] << 8) | payload->data[1] : 1005;
  if (reason)
    *reason = payload->len > 2 ? g_strndup ((char *) payload->data + 2, payload->len - 2) : g_strdup ("");
  return TRUE;
}

void
dpx_raw_client_free (DpxRawClient *client)
{
  g_clear_object (&client->connection);
  g_free (client->response);
  g_free (client);
}

/* Notifications ----------------------------------------------------------- */

struct _DpxNotifyCounter {
  GObject *object;
  gulong   handler;
  guint    count;
};

static void
on_counted_notify (GObject          *object,
                   GParamSpec       *pspec,
                   DpxNotifyCounter *counter)
{
  counter->count++;
}

DpxNotifyCounter *
dpx_test_count_notify (gpointer    object,
                       const char *property)
{
  DpxNotifyCounter *counter = g_new0 (DpxNotifyCounter, 1);
  g_autofree char *signal = g_strconcat ("notify::", property, NULL);

  g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (object), property));
  counter->object = g_object_ref (object);
  counter->handler = g_signal_connect (object, signal, G_CALLBACK (on_counted_notify), counter);
  return counter;
}

/* Returns: the notifications since the last call, and starts again at 0. */
guint
dpx_notify_counter_take (DpxNotifyCounter *counter)
{
  guint count = counter->count;

  counter->count = 0;
  return count;
}

void
dpx_notify_counter_free (DpxNotifyCounter *counter)
{
  g_signal_handler_disconnect (counter->object, counter->handler);
  g_object_unref (counter->object);
  g_free (counter);
}

/**
 * dpx_test_assert_property_notify:
 * @first: a value for @property
 * @second: another value, different from @first
 *
 * A property notifies exactly once per real change and never for a value it
 * already has (G_PARAM_EXPLICIT_NOTIFY done right): sets @first, then
 * @second twice, and checks the count after each and the value read back.
 */
void
dpx_test_assert_property_notify (gpointer      object,
                                 const char   *property,
                                 const GValue *first,
                                 const GValue *second)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_autoptr(DpxNotifyCounter) counter = NULL;
  g_auto(GValue) read_back = G_VALUE_INIT;

  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
  g_assert_cmpint (g_param_values_cmp (pspec, first, second), !=, 0);

  g_object_set_property (object, property, first);
  counter = dpx_test_count_notify (object, property);

  g_object_set_property (object, property, second);
  g_assert_cmpuint (dpx_notify_counter_take (counter), ==, 1);
  g_value_init (&read_back, pspec->value_type);
  g_object_get_property (object, property, &read_back);
  g_assert_cmpint (g_param_values_cmp (pspec, &read_back, second), ==, 0);

  g_object_set_property (object, property, second);
  g_assert_cmpuint (dpx_notify_counter_take (counter), ==, 0);

  g_object_set_property (object, property, first);
  g_assert_cmpuint (dpx_notify_counter_take (counter), ==, 1);
}

/* dpx_test_assert_property_notify() for a number or boolean property. */
void
dpx_test_assert_notify_number (gpointer    object,
                               const char *property,
                               guint64     first,
                               guint64     second)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_auto(GValue) a = G_VALUE_INIT;
  g_auto(GValue) b = G_VALUE_INIT;

  g_value_init (&a, pspec->value_type);
  g_value_init (&b, pspec->value_type);
  if (pspec->value_type == G_TYPE_UINT64)
    {
      g_value_set_uint64 (&a, first);
      g_value_set_uint64 (&b, second);
    }
  else if (pspec->value_type == G_TYPE_BOOLEAN)
    {
      g_value_set_boolean (&a, first != 0);
      g_value_set_boolean (&b, second != 0);
    }
  else
    {
      g_value_set_uint (&a, first);
      g_value_set_uint (&b, second);
    }
  dpx_test_assert_property_notify (object, property, &a, &b);
}
