/* soup-subscribers.c: N SoupWebsocketConnection subscribers in one main
 * loop that count messages; bench/client-cost/run.py compares their CPU time
 * with duplex bench's own client on the same messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: soup-subscribers URL N MESSAGES
 * Prints "ready" once every subscriber is connected, then waits until each
 * has received MESSAGES messages, and prints its CPU time in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libsoup/soup.h>

static guint64 received;
static guint64 wanted;
static guint n_open;
static guint n_clients;
static GMainLoop *loop;
static GPtrArray *connections;

static void
on_message (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            gpointer                 user_data)
{
  if (++received == wanted)
    g_main_loop_quit (loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    g_error ("%s", error->message);
  soup_websocket_connection_set_max_incoming_payload_size (conn, 64 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), NULL);
  g_ptr_array_add (connections, conn);
  if (++n_open == n_clients)
    {
      printf ("ready\n");
      fflush (stdout);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupSession) session = NULL;
  struct timespec cpu;

  if (argc != 4)
    {
      fprintf (stderr, "Usage: %s URL N MESSAGES\n", argv[0]);
      return 2;
    }
  n_clients = atoi (argv[2]);
  wanted = (guint64) n_clients * g_ascii_strtoull (argv[3], NULL, 10);
  loop = g_main_loop_new (NULL, FALSE);
  connections = g_ptr_array_new_with_free_func (g_object_unref);
  session = soup_session_new_with_options ("max-conns", 100000, "max-conns-per-host", 100000, NULL);

  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", argv[1]);

      soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            on_connected, NULL);
    }
  g_main_loop_run (loop);

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  printf ("%.1f\n", cpu.tv_sec * 1e3 + cpu.tv_nsec / 1e6);
  return 0;
}
