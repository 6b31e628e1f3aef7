/* test-replay-bar.c: the window's log replayed into its connection, with
 * the replay bar's pause and stop, and served as a mock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-gui-test.h"
#include "dpx-replay-bar.h"

/* An imported conversation: opened at 0, three messages 300 ms apart. */
static void
fill_log (DpxLog *log)
{
  const gint64 t0 = g_get_real_time () - 60 * G_USEC_PER_SEC;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) alpha = g_bytes_new_static ("alpha", 5);
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x00\x01\xff", 3);
  g_autoptr(GBytes) gamma = g_bytes_new_static ("gamma", 5);
  DpxLogEntry *entries[] = {
    dpx_log_entry_new (t0, "ws://recorded/", DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, empty),
    dpx_log_entry_new (t0 + 10000, "ws://recorded/", DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, alpha),
    dpx_log_entry_new (t0 + 20000, "ws://recorded/", DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, alpha),
    dpx_log_entry_new (t0 + 310000, "ws://recorded/", DPX_DIRECTION_SENT, DPX_ENTRY_KIND_BINARY, binary),
    dpx_log_entry_new (t0 + 610000, "ws://recorded/", DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, gamma),
    dpx_log_entry_new (t0 + 620000, "ws://recorded/", DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, gamma),
  };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      dpx_log_append (log, entries[i]);
      g_object_unref (entries[i]);
    }
  dpx_log_flush (log);
}

static char *
label_text (GtkWidget *bar)
{
  GtkWidget *label = dpx_gui_test_find (bar, GTK_TYPE_LABEL, NULL);

  return g_strdup (gtk_label_get_text (GTK_LABEL (label)));
}

static void
test_replay_pause_stop (DpxWindowFixture *fixture,
                        gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_gui_test_get (window, "log");
  GtkWidget *bar = dpx_gui_test_find (GTK_WIDGET (window), DPX_TYPE_REPLAY_BAR, NULL);
  g_autofree char *paused = NULL;
  g_autofree char *toast = NULL;
  DpxReplay *replay;

  g_assert_nonnull (bar);
  g_assert_false (gtk_widget_get_visible (bar));

  /* Not connected: it says so and sends nothing. */
  fill_log (log);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.replay", NULL);
  toast = dpx_gui_test_dup_string (window, "last-toast");
  g_assert_nonnull (strstr (toast, "Connect first"));

  dpx_gui_test_connect (window, fixture->url);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.replay", NULL);
  replay = dpx_replay_bar_get_replay (DPX_REPLAY_BAR (bar));
  g_assert_nonnull (replay);
  g_assert_true (gtk_widget_get_visible (bar));
  dpx_test_wait_until (dpx_replay_get_position (replay) == 1, 5000);

  gtk_widget_activate_action (bar, "replaybar.toggle-pause", NULL);
  g_assert_cmpint (dpx_replay_get_state (replay), ==, DPX_REPLAY_STATE_PAUSED);
  paused = label_text (bar);
  g_assert_cmpstr (paused, ==, "Paused at 1 of 3");
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "replay.png");
  {
    gint64 until = g_get_monotonic_time () + 500 * 1000;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (dpx_replay_get_position (replay), ==, 1);

  gtk_widget_activate_action (bar, "replaybar.toggle-pause", NULL);
  dpx_test_wait_until (dpx_replay_get_state (replay) == DPX_REPLAY_STATE_FINISHED, 5000);
  g_assert_false (gtk_widget_get_visible (bar));
  /* Sent again through the connection, and echoed by the relay, binary
   * byte for byte. */
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "gamma");
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "alpha"), ==, 2);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_BINARY, NULL), ==, 2);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL), ==, 1);
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                       "Replay finished: 3 of 3 messages sent"));

  /* Stop after the first message: nothing more goes. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.replay", NULL);
  replay = dpx_replay_bar_get_replay (DPX_REPLAY_BAR (bar));
  dpx_test_wait_until (dpx_replay_get_position (replay) >= 1, 5000);
  gtk_widget_activate_action (bar, "replaybar.stop", NULL);
  g_assert_cmpint (dpx_replay_get_state (replay), ==, DPX_REPLAY_STATE_FINISHED);
  g_assert_false (gtk_widget_get_visible (bar));
  g_assert_cmpuint (dpx_replay_get_position (replay), <, dpx_replay_get_total (replay));
}

/* A classroom recording plays to the relay as a script: what the log
 * received goes out again, in order. */
static void
test_replay_received (DpxWindowFixture *fixture,
                      gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_gui_test_get (window, "log");
  GtkWidget *bar = dpx_gui_test_find (GTK_WIDGET (window), DPX_TYPE_REPLAY_BAR, NULL);
  DpxReplay *replay;

  fill_log (log);
  dpx_gui_test_connect (window, fixture->url);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.replay-received", NULL);
  replay = dpx_replay_bar_get_replay (DPX_REPLAY_BAR (bar));
  g_assert_cmpuint (dpx_replay_get_total (replay), ==, 2);
  dpx_test_wait_until (dpx_replay_get_state (replay) == DPX_REPLAY_STATE_FINISHED, 5000);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "alpha"), ==, 2);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "gamma"), ==, 2);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_BINARY, NULL), ==, 1);
}

/* The log served as a mock on the local server's port: a client gets the
 * recorded reply to its request, and the wait shows in the log. */
static void
test_serve_mock (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_gui_test_get (window, "log");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) peer = NULL;
  g_autofree char *toast = NULL;
  g_autofree char *url = NULL;
  const char *at;

  fill_log (log);
  g_settings_set_uint (settings, "server-port", 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.serve-mock", NULL);
  toast = dpx_gui_test_dup_string (window, "last-toast");
  at = strstr (toast, "ws://127.0.0.1:");
  g_assert_nonnull (at);
  url = g_strdup (at);
  /* One mock at a time: the menu offers Stop instead. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.serve-mock", NULL);
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "Serving this log as a mock");
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                             "Serving this log as a mock"), ==, 1);

  peer = dpx_test_peer_new (dpx_test_connect (url, &error));
  g_assert_no_error (error);
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "waiting for “alpha”");
  soup_websocket_connection_send_text (peer->conn, "alpha");
  dpx_test_wait_until (peer->messages->len == 1, 5000);
  g_assert_cmpmem (g_bytes_get_data (peer->messages->pdata[0], NULL),
                   g_bytes_get_size (peer->messages->pdata[0]), "alpha", 5);

  gtk_widget_activate_action (GTK_WIDGET (window), "window.stop-mock", NULL);
  dpx_test_wait_until (peer->closed, 5000);
  g_assert_cmpuint (peer->close_code, ==, 1001);
  g_settings_reset (settings, "server-port");
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  DPX_WINDOW_TEST_ADD ("/replay-bar/replay-pause-stop", test_replay_pause_stop);
  DPX_WINDOW_TEST_ADD ("/replay-bar/replay-received", test_replay_received);
  DPX_WINDOW_TEST_ADD ("/replay-bar/serve-mock", test_serve_mock);

  return g_test_run ();
}
