/* flood-producer.c: sends RATE messages of SIZE bytes per second for SECONDS
 * to a WebSocket URL, paced in 1 ms slices, then closes.
 *
 *   flood-producer URL RATE SIZE SECONDS [DELAY_SECONDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

typedef struct {
  GMainLoop               *loop;
  SoupWebsocketConnection *conn;
  GBytes                  *payload;
  gint64                   start;
  guint64                  sent;
  guint64                  rate;
  double                   seconds;
} Flood;

static gboolean
tick (gpointer data)
{
  Flood *flood = data;
  double elapsed = (g_get_monotonic_time () - flood->start) / (double) G_USEC_PER_SEC;
  guint64 due = (guint64) (MIN (elapsed, flood->seconds) * flood->rate);

  while (flood->sent < due &&
         soup_websocket_connection_get_state (flood->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_send_message (flood->conn, SOUP_WEBSOCKET_DATA_TEXT, flood->payload);
      flood->sent++;
    }
  if (soup_websocket_connection_get_state (flood->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      fprintf (stderr, "flood-producer: the connection closed after %" G_GUINT64_FORMAT " messages\n",
               flood->sent);
      return G_SOURCE_REMOVE;
    }
  if (elapsed >= flood->seconds)
    {
      fprintf (stderr, "flood-producer: sent %" G_GUINT64_FORMAT " messages in %.2f s\n",
               flood->sent, elapsed);
      soup_websocket_connection_close (flood->conn, 1000, NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
begin (gpointer data)
{
  Flood *flood = data;

  flood->start = g_get_monotonic_time ();
  g_timeout_add (1, tick, flood);
  return G_SOURCE_REMOVE;
}

static void
on_closed (SoupWebsocketConnection *conn,
           Flood                   *flood)
{
  g_main_loop_quit (flood->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Flood *flood = user_data;
  g_autoptr(GError) error = NULL;

  flood->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (flood->conn == NULL)
    {
      fprintf (stderr, "flood-producer: %s\n", error->message);
      exit (1);
    }
  g_signal_connect (flood->conn, "closed", G_CALLBACK (on_closed), flood);
  begin (flood);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Flood flood = { 0 };
  char *text;
  gsize size;

  if (argc < 5)
    {
      fprintf (stderr, "usage: flood-producer URL RATE SIZE SECONDS\n");
      return 2;
    }
  flood.rate = g_ascii_strtoull (argv[2], NULL, 10);
  size = g_ascii_strtoull (argv[3], NULL, 10);
  flood.seconds = g_ascii_strtod (argv[4], NULL);

  text = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    text[i] = 'a' + i % 26;
  memcpy (text, "{\"flood\":true}", MIN (size, 14));
  flood.payload = g_bytes_new_take (text, size);

  flood.loop = g_main_loop_new (NULL, FALSE);
  session = soup_session_new ();
  msg = soup_message_new ("GET", argv[1]);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected, &flood);
  g_main_loop_run (flood.loop);
  return 0;
}
