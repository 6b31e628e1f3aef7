/* dpx-scheme-probe.c: does a port speak TLS, or plain HTTP?
 *
 * After a connection attempt fails in a way that a wrong scheme explains
 * (ws:// to a TLS port: the server hangs up on the plain request; wss:// to
 * a plain port: the TLS handshake fails), the client asks the port once in
 * the other scheme, so that its error can name the scheme that works
 * instead of a puzzling "closed without answering".
 *
 * With @tls, the probe succeeds when a TLS handshake completes, whatever
 * the certificate (it only asks whether the port speaks TLS; nothing is
 * sent). Without, it sends a plain HTTP request and succeeds when the
 * answer starts like HTTP.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-SchemeProbe"

#include "config.h"

#include <string.h>

#include "dpx-scheme-probe.h"

typedef struct {
  GSocketConnection *connection;
  char              *request;
  char               answer[5];
  gboolean           tls;
} Probe;

static void
probe_free (Probe *probe)
{
  if (probe->connection)
    g_io_stream_close_async (G_IO_STREAM (probe->connection), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&probe->connection);
  g_free (probe->request);
  g_free (probe);
}

static void
on_answer_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, n == sizeof probe->answer &&
                               memcmp (probe->answer, "HTTP/", sizeof probe->answer) == 0);
}

static void
on_request_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (probe->connection)),
                                 probe->answer, sizeof probe->answer, G_PRIORITY_DEFAULT,
                                 cancellable, on_answer_read, g_steal_pointer (&task));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  probe->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (probe->connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (probe->tls)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (probe->connection)),
                                   probe->request, strlen (probe->request), G_PRIORITY_DEFAULT,
                                   cancellable, on_request_written, g_steal_pointer (&task));
}

static gboolean
accept_any_certificate (GTlsConnection       *connection,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  return TRUE;
}

static void
on_socket_client_event (GSocketClient      *client,
                        GSocketClientEvent  event,
                        GSocketConnectable *connectable,
                        GIOStream          *connection,
                        gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
}

/**
 * dpx_scheme_probe_async:
 * @tls: whether to ask for TLS (else for plain HTTP)
 * @timeout_seconds: how long each step may wait
 *
 * Asks @host:@port whether it speaks TLS, or plain HTTP.
 */
void
dpx_scheme_probe_async (const char          *host,
                        guint16              port,
                        gboolean             tls,
                        guint                timeout_seconds,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  GTask *task;
  Probe *probe;

  g_return_if_fail (host != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dpx_scheme_probe_async);
  probe = g_new0 (Probe, 1);
  probe->tls = tls;
  probe->request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n\r\n",
                                    host, port);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  address = g_network_address_new (host, port);
  g_socket_client_set_tls (client, tls);
  g_socket_client_set_timeout (client, timeout_seconds);
  g_signal_connect (client, "event", G_CALLBACK (on_socket_client_event), NULL);
  g_socket_client_connect_async (client, address, cancellable, on_connected, task);
}

/**
 * dpx_scheme_probe_finish:
 *
 * Returns: whether the port answered in the scheme asked for; %FALSE with
 *   @error set when the probe itself failed
 */
gboolean
dpx_scheme_probe_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
