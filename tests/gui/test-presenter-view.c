/* test-presenter-view.c: the local server drawn for a projector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-gui-test.h"
#include "dpx-presenter-view.h"

static GPtrArray *
join (DpxRelay *relay,
      guint     n)
{
  GPtrArray *peers = g_ptr_array_new_with_free_func ((GDestroyNotify) dpx_test_peer_free);
  g_autofree char *url = dpx_relay_dup_url (relay);
  guint start = dpx_relay_get_n_peers (relay);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *named = g_strdup_printf ("%s?name=Student%%20%02u", url, start + i + 1);

      g_ptr_array_add (peers, dpx_test_peer_new (dpx_test_connect (named, NULL)));
    }
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == start + n, 20000);
  return peers;
}

/* What a frame costs: the view's snapshot (called directly, so nothing
 * else is measured) and its rendering, in ms; -1 if nothing was drawn. */
static double
frame_ms (GtkWidget *view,
          guint      frames)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  int width = gtk_widget_get_width (view);
  int height = gtk_widget_get_height (view);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < frames; i++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL || width <= 0 || height <= 0)
        return -1;
      texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
    }
  return (g_get_monotonic_time () - start) / 1000.0 / frames;
}

/* Clients appear, each message is drawn on its way and counted, a
 * disconnect leaves the ring; the view follows without a refresh. */
static void
test_follows_relay (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  GtkWidget *view = g_object_ref_sink (dpx_presenter_view_new (relay));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (view);
  g_autoptr(GPtrArray) peers = NULL;
  g_autofree char *counts = NULL;
  DpxTestPeer *first;

  gtk_window_set_default_size (GTK_WINDOW (toplevel), 1280, 800);
  peers = join (relay, 12);
  first = g_ptr_array_index (peers, 0);
  counts = dpx_gui_test_dup_string (view, "counts-text");
  g_assert_cmpstr (counts, ==, "12 clients · 0 messages · 0 a second");

  soup_websocket_connection_send_text (first->conn, "hello");
  soup_websocket_connection_send_binary (((DpxTestPeer *) g_ptr_array_index (peers, 5))->conn, "\x01\x02", 2);
  dpx_test_wait_until (dpx_relay_get_messages_relayed (relay) == 2, 5000);
  g_assert_cmpuint (dpx_presenter_view_get_n_flights (DPX_PRESENTER_VIEW (view)), ==, 2);
  g_free (counts);
  counts = dpx_gui_test_dup_string (view, "counts-text");
  g_assert_true (g_str_has_prefix (counts, "12 clients · 2 messages · "));

  /* Every message lands. */
  dpx_test_wait_until (dpx_presenter_view_get_n_flights (DPX_PRESENTER_VIEW (view)) == 0, 10000);

  /* The screenshot waits some frames: by then these are on their way out. */
  soup_websocket_connection_send_text (((DpxTestPeer *) g_ptr_array_index (peers, 2))->conn, "a");
  soup_websocket_connection_send_text (((DpxTestPeer *) g_ptr_array_index (peers, 9))->conn, "b");
  dpx_test_wait_until (dpx_relay_get_messages_relayed (relay) == 4, 5000);
  dpx_gui_test_wait_frames (toplevel, 12);
  soup_websocket_connection_send_binary (((DpxTestPeer *) g_ptr_array_index (peers, 6))->conn, "c", 1);
  dpx_test_wait_until (dpx_relay_get_messages_relayed (relay) == 5, 5000);
  dpx_gui_test_save_screenshot (toplevel, "presenter.png");
  dpx_test_wait_until (dpx_presenter_view_get_n_flights (DPX_PRESENTER_VIEW (view)) == 0, 10000);

  soup_websocket_connection_close (first->conn, 1000, NULL);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 11, 5000);
  g_free (counts);
  counts = dpx_gui_test_dup_string (view, "counts-text");
  g_assert_true (g_str_has_prefix (counts, "11 clients · 5 messages"));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (view);
}

static gboolean
send_one (gpointer data)
{
  DpxTestPeer *peer = data;

  soup_websocket_connection_send_text (peer->conn, "tick");
  return G_SOURCE_CONTINUE;
}

/* 100 clients and 50 messages a second: at most a bounded number of
 * messages in flight, and what a frame costs (reported, not asserted:
 * timing on a shared machine is for the bench, not a test). */
static void
test_hundred_clients (void)
{
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  GtkWidget *view = g_object_ref_sink (dpx_presenter_view_new (relay));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (view);
  g_autoptr(GPtrArray) peers = join (relay, 100);
  guint source;
  gint64 until;
  guint max_flights = 0;
  double ms;

  gtk_window_set_default_size (GTK_WINDOW (toplevel), 1280, 800);
  dpx_gui_test_wait_frames (toplevel, 3);
  source = g_timeout_add (20, send_one, g_ptr_array_index (peers, 7));
  until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, TRUE);
      max_flights = MAX (max_flights, dpx_presenter_view_get_n_flights (DPX_PRESENTER_VIEW (view)));
    }
  g_source_remove (source);
  g_assert_cmpuint (max_flights, >, 0);
  g_assert_cmpuint (max_flights, <=, 32);

  /* The worst case: the cap reached, every message out to 100 clients. */
  {
    DpxTestPeer *sender = g_ptr_array_index (peers, 7);
    guint64 relayed = dpx_relay_get_messages_relayed (relay);

    for (guint i = 0; i < 32; i++)
      soup_websocket_connection_send_text (sender->conn, "burst");
    dpx_test_wait_until (dpx_relay_get_messages_relayed (relay) == relayed + 32, 10000);
    /* Past the server: each message is a hundred dots now. */
    until = g_get_monotonic_time () + 600 * 1000;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  ms = frame_ms (view, 20);
  g_test_message ("100 clients, %u messages in flight: %.1f ms per frame (snapshot and %s render, 1280x800)",
                  dpx_presenter_view_get_n_flights (DPX_PRESENTER_VIEW (view)), ms,
                  G_OBJECT_TYPE_NAME (gtk_native_get_renderer (gtk_widget_get_native (view))));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (view);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/presenter-view/follows-relay", test_follows_relay);
  g_test_add_func ("/presenter-view/hundred-clients", test_hundred_clients);

  return g_test_run ();
}
