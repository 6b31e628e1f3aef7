/* test-replay-bar.c: the window's log replayed into its connection, with
 * the replay bar's pause and stop, and served as a mock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-gui-test.h"
#include "dpx-mock-rules-dialog.h"
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


static DpxMockRulesDialog *
find_rules_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (DPX_IS_MOCK_RULES_DIALOG (toplevel))
        return DPX_MOCK_RULES_DIALOG (toplevel);
    }
  return NULL;
}

/* Rules edited in the window are kept, and the next mock uses them: a
 * request that differs from the recorded one except in its "id" gets the
 * recorded reply; one with another id is reported and waits. */
static void
test_serve_mock_rules (DpxWindowFixture *fixture,
                       gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_gui_test_get (window, "log");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxTestPeer) peer = NULL;
  g_autoptr(GBytes) request = g_bytes_new_static ("{\"id\": 7, \"op\": \"add\", \"a\": 1}", 30);
  g_autoptr(GBytes) reply = g_bytes_new_static ("{\"id\": 7, \"sum\": 3}", 20);
  g_autofree char *toast = NULL;
  g_autofree char *kept = NULL;
  gint64 t0 = g_get_real_time () - 60 * G_USEC_PER_SEC;
  DpxMockRulesDialog *dialog;
  DpxMockRules *rules;
  DpxLogEntry *entry;

  entry = dpx_log_entry_new (t0, "ws://recorded/", DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, request);
  dpx_log_append (log, entry);
  g_object_unref (entry);
  entry = dpx_log_entry_new (t0 + 1000, "ws://recorded/", DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, reply);
  dpx_log_append (log, entry);
  g_object_unref (entry);
  dpx_log_flush (log);

  gtk_widget_activate_action (GTK_WIDGET (window), "window.mock-rules", NULL);
  dialog = find_rules_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  rules = dpx_mock_rules_dialog_get_rules (dialog);
  dpx_mock_rules_set_match (rules, DPX_MOCK_MATCH_MEMBER);
  /* Incomplete: the mock refuses to start and says why. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_set_uint (settings, "server-port", 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.serve-mock", NULL);
  toast = dpx_gui_test_dup_string (window, "last-toast");
  g_assert_nonnull (strstr (toast, "needs the member’s name"));
  g_assert_nonnull ((dialog = find_rules_dialog ()));
  dpx_mock_rules_set_member (dpx_mock_rules_dialog_get_rules (dialog), "id");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* Kept for the next start, as a rules file's text. */
  kept = g_settings_get_string (settings, "mock-rules");
  g_assert_nonnull (strstr (kept, "\"member\" : \"id\""));

  g_clear_pointer (&toast, g_free);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.serve-mock", NULL);
  toast = dpx_gui_test_dup_string (window, "last-toast");
  g_assert_nonnull (strstr (toast, "ws://127.0.0.1:"));

  peer = dpx_test_peer_new (dpx_test_connect (strstr (toast, "ws://127.0.0.1:"), &error));
  g_assert_no_error (error);
  soup_websocket_connection_send_text (peer->conn, "{\"id\": 8, \"op\": \"add\", \"a\": 1}");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "does not match");
  g_assert_cmpuint (peer->messages->len, ==, 0);
  soup_websocket_connection_send_text (peer->conn, "{\"op\": \"subtract\", \"id\": 7}");
  dpx_test_wait_until (peer->messages->len == 1, 5000);
  g_assert_true (g_bytes_equal (peer->messages->pdata[0], reply));

  gtk_widget_activate_action (GTK_WIDGET (window), "window.stop-mock", NULL);
  g_settings_reset (settings, "server-port");
  g_settings_reset (settings, "mock-rules");
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  DPX_WINDOW_TEST_ADD ("/replay-bar/replay-pause-stop", test_replay_pause_stop);
  DPX_WINDOW_TEST_ADD ("/replay-bar/replay-received", test_replay_received);
  DPX_WINDOW_TEST_ADD ("/replay-bar/serve-mock", test_serve_mock);
  DPX_WINDOW_TEST_ADD ("/replay-bar/serve-mock-rules", test_serve_mock_rules);

  return g_test_run ();
}
