/* dpx-test-support.c: helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dpx-test-support.h"

/* A relay on a free loopback port, already listening. */
DpxRelay *
dpx_test_relay_new (void)
{
  g_autoptr(GError) error = NULL;
  DpxRelay *relay = dpx_relay_new ();

  dpx_relay_set_port (relay, 0);
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
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
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
