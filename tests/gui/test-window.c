/* test-window.c: the main window, driven against real relays on free ports
 *
 * The URL entry, the connection's state, the local server, import and
 * export, the keyboard shortcuts, the window's properties, and the
 * screenshots in docs/screenshots/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-connection-dialog.h"
#include "dpx-detail-pane.h"
#include "dpx-format.h"
#include "dpx-gui-test.h"
#include "dpx-log-row.h"
#include "dpx-presenter-view.h"
#include "dpx-log-view.h"

#define get_string dpx_gui_test_dup_string

static GSettings *
settings (void)
{
  return dpx_gui_test_get_settings ();
}

/* The selected tab's connection options. */
static DpxConnectionOptions *
current_options (DpxWindow *window)
{
  return dpx_connection_page_get_options (dpx_window_get_current_page (window));
}

static gboolean
get_boolean (gpointer    object,
             const char *property)
{
  gboolean value = FALSE;

  g_object_get (object, property, &value, NULL);
  return value;
}

static guint
n_toasts (DpxWindow *window)
{
  guint n = 0;

  g_object_get (window, "n-toasts", &n, NULL);
  return n;
}

/* Checks a string property of @window, freeing what it read. */
static void
assert_string (DpxWindow  *window,
               const char *property,
               const char *expected)
{
  g_autofree char *value = get_string (window, property);

  g_assert_cmpstr (value, ==, expected);
}

static void
assert_contains (DpxWindow  *window,
                 const char *property,
                 const char *part)
{
  g_autofree char *value = get_string (window, property);

  g_assert_nonnull (value);
  if (strstr (value, part) == NULL)
    g_error ("%s is “%s”, without “%s”", property, value, part);
}

/* Tests ------------------------------------------------------------------- */

static void
test_url_validation (DpxWindowFixture *fixture,
                     gconstpointer     data)
{
  DpxWindow *window = fixture->window;

  dpx_window_set_url (window, "");
  assert_string (window, "url-error", NULL);

  dpx_window_set_url (window, "http://example.com/");
  assert_contains (window, "url-error", "ws://");

  dpx_window_set_url (window, "localhost:4000");
  assert_contains (window, "url-error", "");

  /* Connecting to an invalid URL says why and does not touch the log. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  assert_contains (window, "last-toast", "");
  g_assert_cmpint (dpx_session_get_state (dpx_window_get_session (window)), ==,
                   DPX_CONNECTION_STATE_DISCONNECTED);

  dpx_window_set_url (window, fixture->url);
  assert_string (window, "url-error", NULL);
}

static void
test_connect_send_text (DpxWindowFixture *fixture,
                        gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  g_auto(GStrv) recent = NULL;
  g_autofree char *detail = NULL;
  int row;

  assert_string (window, "connect-label", "Connect");
  dpx_gui_test_connect (window, fixture->url);
  assert_string (window, "connect-label", "Disconnect");
  assert_string (window, "state-text", "Open");

  /* The handshake is in the log: request, response headers, open. */
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, NULL);
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                       "Connecting to"));
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                       "HTTP 101"));
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN,
                                       "subprotocol"));

  recent = g_settings_get_strv (settings (), "recent-urls");
  g_assert_cmpstr (recent[0], ==, fixture->url);

  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "hello duplex");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "hello duplex");
  row = dpx_gui_test_find_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "hello duplex");
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpuint (dpx_session_get_messages_out (session), ==, 1);

  dpx_log_view_select (dpx_gui_test_get (window, "log-view"), row);
  detail = dpx_gui_test_dup_detail_text (window);
  g_assert_cmpstr (detail, ==, "hello duplex");

  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 5000);
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "1000");
  assert_string (window, "connect-label", "Connect");
  assert_string (window, "state-text", "Closed · 1000");
  g_assert_false (dpx_session_get_reconnect_pending (session));
}

/* The window's read-only properties notify once per change, and the
 * server switch's property like any other. */
static void
test_properties (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  g_autoptr(DpxNotifyCounter) url_error = dpx_test_count_notify (window, "url-error");
  g_autoptr(DpxNotifyCounter) label = dpx_test_count_notify (window, "connect-label");
  g_autoptr(DpxNotifyCounter) state = dpx_test_count_notify (window, "state-text");
  g_autoptr(DpxNotifyCounter) toasts = dpx_test_count_notify (window, "n-toasts");
  g_autoptr(DpxNotifyCounter) last_toast = dpx_test_count_notify (window, "last-toast");
  g_auto(GValue) off = G_VALUE_INIT;
  g_auto(GValue) on = G_VALUE_INIT;

  dpx_window_set_url (window, "http://example.com/");
  g_assert_cmpuint (dpx_notify_counter_take (url_error), ==, 1);
  dpx_window_set_url (window, "http://example.com/a");
  g_assert_cmpuint (dpx_notify_counter_take (url_error), ==, 0);
  dpx_window_set_url (window, fixture->url);
  g_assert_cmpuint (dpx_notify_counter_take (url_error), ==, 1);

  dpx_gui_test_connect (window, fixture->url);
  /* Connect, then Cancel while connecting, then Disconnect. */
  g_assert_cmpuint (dpx_notify_counter_take (label), ==, 2);
  g_assert_cmpuint (dpx_notify_counter_take (state), >=, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (dpx_notify_counter_take (label), ==, 2);

  dpx_window_show_toast (window, "one");
  dpx_window_show_toast (window, "one");
  g_assert_cmpuint (dpx_notify_counter_take (toasts), ==, 2);
  g_assert_cmpuint (dpx_notify_counter_take (last_toast), ==, 1);

  g_value_init (&off, G_TYPE_BOOLEAN);
  g_value_init (&on, G_TYPE_BOOLEAN);
  g_value_set_boolean (&on, TRUE);
  dpx_test_assert_property_notify (window, "server-enabled", &off, &on);
  g_assert_false (dpx_relay_get_running (dpx_gui_test_get (window, "relay")));
}

static void
test_export_import (DpxWindowFixture *fixture,
                    gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  g_autofree char *dir = g_dir_make_tmp ("duplex-gui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "log.jsonl", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "bad.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autofree char *first_line = NULL;
  guint n, toasts;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "keep me");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "00 ff");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 2,
                       5000);
  n = g_list_model_get_n_items (G_LIST_MODEL (log));

  toasts = n_toasts (window);
  dpx_window_export_to_file (window, file);
  dpx_test_wait_until (n_toasts (window) > toasts, 10000);
  assert_string (window, "last-toast", "Log exported");

  gtk_widget_activate_action (GTK_WIDGET (window), "window.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  toasts = n_toasts (window);
  dpx_window_import_from_file (window, file);
  dpx_test_wait_until (n_toasts (window) > toasts, 10000);
  assert_string (window, "last-toast", "Log imported");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, n);
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT,
                                       "keep me"));
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY,
                                       NULL));

  /* A broken file imports nothing and says which line. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *broken = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    first_line = g_strndup (contents, strchr (contents, '\n') - contents);
    broken = g_strdup_printf ("%s\n{not json\n", first_line);
    g_assert_true (g_file_set_contents (bad_path, broken, -1, NULL));
  }
  toasts = n_toasts (window);
  dpx_window_import_from_file (window, bad);
  dpx_test_wait_until (n_toasts (window) > toasts, 10000);
  assert_contains (window, "last-toast", "line 2");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, n);

  g_unlink (path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

/* Whether the server panel's activity list holds @needle. */
static gboolean
server_activity_has (DpxServerPanel *panel,
                     const char     *needle)
{
  GtkWidget *view = dpx_gui_test_find (GTK_WIDGET (panel), GTK_TYPE_LIST_VIEW, "server-activity");
  GListModel *model;

  g_assert_nonnull (view);
  model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view)));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (model, i);
      GBytes *payload = dpx_log_entry_get_payload (entry);
      g_autofree char *text = g_strndup (g_bytes_get_data (payload, NULL),
                                         g_bytes_get_size (payload));

      if (strstr (text, needle))
        return TRUE;
    }
  return FALSE;
}

static void
test_server_switch (DpxWindowFixture *fixture,
                    gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxRelay *relay = dpx_gui_test_get (window, "relay");
  DpxServerPanel *panel = dpx_gui_test_get (window, "server-panel");
  g_autoptr(GSocket) blocker = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  SoupWebsocketConnection *peer;
  g_autoptr(DpxTestPeer) watcher = NULL;  /* owns peer */
  g_autofree char *url = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *count = NULL;
  guint taken;

  /* Take a port so the window has to move to the next one. */
  blocker = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (blocker, address, FALSE, NULL));
  g_assert_true (g_socket_listen (blocker, NULL));
  bound = g_socket_get_local_address (blocker, NULL);
  taken = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_settings_set_uint (settings (), "server-port", taken);

  dpx_window_set_server_enabled (window, TRUE);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_cmpuint (dpx_relay_get_port (relay), !=, taken);
  g_assert_true (dpx_relay_get_loopback_only (relay));
  assert_contains (window, "last-toast", "was in use");
  g_assert_false (dpx_gui_test_get_boolean (panel, "lan-warning-visible"));

  url = dpx_relay_dup_url (relay);
  shown = get_string (panel, "url-text");
  g_assert_cmpstr (shown, ==, url);
  count = get_string (panel, "count-text");
  g_assert_cmpstr (count, ==, "0 clients");

  peer = dpx_test_connect (url, NULL);
  g_assert_nonnull (peer);
  watcher = dpx_test_peer_new (peer);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  g_free (count);
  count = get_string (panel, "count-text");
  g_assert_cmpstr (count, ==, "1 client");
  dpx_server_panel_refresh (panel);

  /* One click connects the window itself. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.connect-to-server", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_OPEN);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);
  g_free (count);
  count = get_string (panel, "count-text");
  g_assert_cmpstr (count, ==, "2 clients");

  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "to the class");
  dpx_test_wait_until (watcher->messages->len == 1, 5000);

  dpx_server_panel_refresh (panel);
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "server.png");

  dpx_window_set_server_enabled (window, FALSE);
  g_assert_false (dpx_relay_get_running (relay));
  dpx_test_wait_until (watcher->closed, 5000);
  g_assert_cmpuint (watcher->close_code, ==, 1001);
  /* The server's own events are in its panel, not in the connection's log. */
  dpx_test_wait_until (server_activity_has (panel, "Local broadcast server stopped; "
                                                   "2 clients were closed"), 5000);
  g_assert_true (server_activity_has (panel, "Client 127.0.0.1"));
  g_free (shown);
  shown = get_string (panel, "activity-text");
  g_assert_cmpstr (shown, !=, "");
  g_assert_false (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, -1, "Local broadcast server"));
  g_assert_false (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, -1, "connected to the local server"));
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "1001"));
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  assert_string (window, "state-text", "Closed · 1001");
}

static void
test_server_lan (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxRelay *relay = dpx_gui_test_get (window, "relay");
  DpxServerPanel *panel = dpx_gui_test_get (window, "server-panel");
  g_autofree char *join = NULL;

  g_settings_set_boolean (settings (), "server-lan", TRUE);
  dpx_window_set_server_enabled (window, TRUE);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_false (dpx_relay_get_loopback_only (relay));
  g_assert_cmpstr (dpx_relay_get_host (relay), ==, "0.0.0.0");
  g_assert_true (dpx_gui_test_get_boolean (panel, "lan-warning-visible"));

  /* The join card shows where browsers join, class code included, and
   * the code applies to the running server at once. */
  join = get_string (panel, "join-url-text");
  g_assert_true (g_str_has_prefix (join, "http://") || strstr (join, "No network") != NULL);
  g_assert_null (strstr (join, "127.0.0.1"));
  g_settings_set_string (settings (), "server-class-code", "Fox42");
  g_assert_cmpstr (dpx_relay_get_class_code (relay), ==, "Fox42");
  g_free (join);
  join = get_string (panel, "join-url-text");
  g_assert_true (strstr (join, "/?code=Fox42") != NULL || strstr (join, "No network") != NULL);
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "join-card.png");

  /* The presenter view opens over the window, on this server; Escape
   * closes it. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    g_autoptr(GtkShortcut) escape = NULL;
    GtkWindow *presenter = NULL;
    GtkWidget *view;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.presenter", NULL));
    for (guint i = 0; presenter == NULL && i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (DPX_IS_PRESENTER_VIEW (gtk_window_get_child (toplevel)))
          presenter = toplevel;
      }
    g_assert_nonnull (presenter);
    view = gtk_window_get_child (presenter);

    g_assert_true (DPX_IS_PRESENTER_VIEW (view));
    g_assert_true (dpx_gui_test_get (view, "relay") == (gpointer) relay);
    g_assert_true (gtk_window_get_transient_for (presenter) == GTK_WINDOW (window));
    g_object_add_weak_pointer (G_OBJECT (presenter), (gpointer *) &presenter);
    escape = dpx_gui_test_find_shortcut (GTK_WIDGET (presenter), "Escape");
    g_assert_nonnull (escape);
    g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (escape), 0, GTK_WIDGET (presenter),
                                                 NULL));
    dpx_test_wait_until (presenter == NULL, 5000);
  }
  g_settings_reset (settings (), "server-class-code");
  g_assert_null (dpx_relay_get_class_code (relay));

  /* Turning the preference off moves the server back to loopback. */
  g_settings_set_boolean (settings (), "server-lan", FALSE);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_true (dpx_relay_get_loopback_only (relay));
  g_assert_false (dpx_gui_test_get_boolean (panel, "lan-warning-visible"));
  g_free (join);
  join = get_string (panel, "join-url-text");
  g_assert_cmpstr (join, ==, "");
  dpx_window_set_server_enabled (window, FALSE);
}

/* The rate limit set in the server panel reaches the running relay. */
static void
test_server_rate (DpxWindowFixture *fixture,
                  gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxRelay *relay = dpx_gui_test_get (window, "relay");
  GtkSpinButton *spin = GTK_SPIN_BUTTON (dpx_gui_test_find (dpx_gui_test_get (window, "server-panel"),
                                                            GTK_TYPE_SPIN_BUTTON, NULL));

  dpx_window_set_server_enabled (window, TRUE);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 0);

  gtk_spin_button_set_value (spin, 50);
  g_assert_cmpuint (g_settings_get_uint (dpx_gui_test_get_settings (), "server-max-rate"), ==, 50);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 50);

  gtk_spin_button_set_value (spin, 0);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 0);
  dpx_window_set_server_enabled (window, FALSE);
}

static void
test_two_windows (DpxWindowFixture *fixture,
                  gconstpointer     data)
{
  DpxWindow *teacher = fixture->window;
  DpxWindow *student = dpx_gui_test_new_window ();
  DpxRelay *relay = dpx_gui_test_get (teacher, "relay");
  g_autofree char *url = NULL;

  dpx_window_set_server_enabled (teacher, TRUE);
  url = dpx_relay_dup_url (relay);
  gtk_widget_activate_action (GTK_WIDGET (teacher), "window.connect-to-server", NULL);
  dpx_gui_test_wait_state (teacher, DPX_CONNECTION_STATE_OPEN);
  dpx_window_open_url (student, url);
  dpx_gui_test_wait_state (student, DPX_CONNECTION_STATE_OPEN);

  dpx_gui_test_send (student, DPX_COMPOSE_MODE_TEXT, "question from the back row");
  dpx_gui_test_wait_row (teacher, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "back row");

  dpx_gui_test_send (teacher, DPX_COMPOSE_MODE_JSON, "{\"answer\": 42}");
  dpx_gui_test_wait_row (student, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "answer");

  dpx_gui_test_close_window (student);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  dpx_window_set_server_enabled (teacher, FALSE);
}

static void
test_reconnect (DpxWindowFixture *fixture,
                gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  g_autoptr(GError) error = NULL;
  guint port = dpx_relay_get_port (fixture->relay);
  gint64 lost;

  dpx_connection_options_set_auto_reconnect (current_options (window), TRUE);
  dpx_gui_test_connect (window, fixture->url);

  /* The server goes away: the window tries again after 1 s, then 2 s. */
  dpx_relay_stop (fixture->relay);
  lost = g_get_monotonic_time ();
  dpx_test_wait_until (dpx_session_get_reconnect_pending (session), 5000);
  g_assert_cmpuint (dpx_session_get_reconnect_attempt (session), ==, 1);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 2000);
  assert_string (window, "state-text", "Reconnecting");
  dpx_test_wait_until (dpx_session_get_reconnect_attempt (session) == 2, 5000);
  g_assert_cmpint (g_get_monotonic_time () - lost, >=, 900 * 1000);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 4000);

  /* Back again: the next attempt succeeds and the backoff starts over. */
  dpx_relay_set_port (fixture->relay, port);
  g_assert_true (dpx_relay_start (fixture->relay, &error));
  g_assert_no_error (error);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN, 10000);
  g_assert_cmpuint (dpx_session_get_reconnect_attempt (session), ==, 0);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 1000);

  /* A manual disconnect never reconnects. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 5000);
  g_assert_false (dpx_session_get_reconnect_pending (session));

  /* Cancelling a pending reconnect stops it. */
  dpx_gui_test_connect (window, fixture->url);
  dpx_relay_stop (fixture->relay);
  dpx_test_wait_until (dpx_session_get_reconnect_pending (session), 5000);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  g_assert_false (dpx_session_get_reconnect_pending (session));
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO,
                                       "cancelled"));
}

static void
test_error_toast (DpxWindowFixture *fixture,
                  gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  guint port = dpx_relay_get_port (fixture->relay);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", port);
  g_autofree char *message = NULL;
  guint toasts = n_toasts (window);

  /* Nothing listens there any more. */
  dpx_relay_stop (fixture->relay);
  dpx_window_set_url (window, url);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 10000);
  dpx_test_wait_until (n_toasts (window) > toasts, 5000);
  assert_contains (window, "last-toast", "refused");
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_ERROR,
                                       "refused"));
  assert_string (window, "state-text", "Failed");

  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "error.png");

  /* Sending while closed is refused in words, not with a warning. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "anyone?");
  g_assert_false (dpx_compose_send (compose));
  message = get_string (compose, "message");
  g_assert_nonnull (strstr (message, "Not connected"));
}

/* A toast says all of a long error, and offers the fix it names: here the
 * other scheme, for ws:// to a port that speaks TLS. */
static void
test_toast_offers_fix (DpxWindowFixture *fixture,
                       gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  g_autofree char *wrong = g_strconcat ("wss", fixture->url + 2, NULL);
  AdwToast *toast;
  GtkWidget *title;
  GVariant *target;

  dpx_connection_options_set_handshake_timeout (current_options (window), 3);
  dpx_window_set_url (window, wrong);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 20000);
  toast = dpx_window_get_last_toast (window);
  g_assert_nonnull (toast);
  assert_contains (window, "last-toast", "connect with ws:// instead");
  /* Said in full: a label that wraps, never cut with an ellipsis. */
  title = adw_toast_get_custom_title (toast);
  g_assert_true (GTK_IS_LABEL (title));
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (title)));
  g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (title)), ==, PANGO_ELLIPSIZE_NONE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==,
                   dpx_client_get_error_message (dpx_session_get_client (session)));
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "Use ws://");
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "window.connect-to-url");
  target = adw_toast_get_action_target_value (toast);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, fixture->url);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 4);
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "toast.png");

  /* The button connects to what it offers. */
  gtk_widget_activate_action_variant (GTK_WIDGET (window), adw_toast_get_action_name (toast),
                                      target);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_OPEN);
  g_assert_cmpstr (dpx_session_get_url (session), ==, fixture->url);
}

/* Ctrl+K clears at once and offers the messages back in a toast. */
static void
test_clear_undo (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  AdwToast *toast;
  guint before;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "keep this");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "keep this");
  before = g_list_model_get_n_items (dpx_gui_test_rows (window));

  dpx_gui_test_press (GTK_WIDGET (window), "<Control>k");
  g_assert_cmpuint (g_list_model_get_n_items (dpx_gui_test_rows (window)), ==, 0);
  toast = dpx_window_get_last_toast (window);
  g_assert_nonnull (toast);
  {
    g_autofree char *expected = g_strdup_printf ("Log cleared: %u messages", before);

    assert_contains (window, "last-toast", expected);
  }
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");

  /* What comes in meanwhile stays, after what is brought back. */
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "after the clear");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "after the clear");
  gtk_widget_activate_action (GTK_WIDGET (window), adw_toast_get_action_name (toast), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, before + 2);
  g_assert_cmpint (dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                          "keep this"), <,
                   dpx_gui_test_find_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT,
                                          "after the clear"));
  /* Once only. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.undo-clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, before + 2);
}

/* The close confirmation: an AdwAlertDialog inside the window where
 * libadwaita has it (1.5), else an AdwMessageDialog transient for it. */
#if ADW_CHECK_VERSION (1, 5, 0)
/* Newer than the libadwaita required, behind the version check. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
typedef AdwAlertDialog CloseDialog;

static CloseDialog *
find_dialog_for (GtkWindow *parent)
{
  AdwDialog *dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (parent));

  return ADW_IS_ALERT_DIALOG (dialog) ? ADW_ALERT_DIALOG (dialog) : NULL;
}

static const char *
close_dialog_get_body (CloseDialog *dialog)
{
  return adw_alert_dialog_get_body (dialog);
}

/* As its button does: the response, then the dialog goes. */
static void
close_dialog_respond (CloseDialog *dialog,
                      const char  *response)
{
  g_signal_emit_by_name (dialog, "response", response);
  adw_dialog_force_close (ADW_DIALOG (dialog));
}
G_GNUC_END_IGNORE_DEPRECATIONS
#else
typedef AdwMessageDialog CloseDialog;

static CloseDialog *
find_dialog_for (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) &&
          gtk_window_get_transient_for (toplevel) == parent)
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

#define close_dialog_get_body adw_message_dialog_get_body

/* As its button does: the response, then the dialog goes. */
static void
close_dialog_respond (CloseDialog *dialog,
                      const char  *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}
#endif

/* Closing a window whose local server has clients asks first; its own
 * connection to that server does not count. */
static void
test_close_asks_with_clients (void)
{
  DpxWindow *window = dpx_gui_test_new_window ();
  DpxRelay *relay = dpx_gui_test_get (window, "relay");
  g_autoptr(DpxTestPeer) student = NULL;
  g_autofree char *url = NULL;
  CloseDialog *dialog;

  g_settings_set_uint (settings (), "server-port", 0);
  dpx_window_set_server_enabled (window, TRUE);
  url = dpx_relay_dup_url (relay);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.connect-to-server", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_OPEN);
  student = dpx_test_peer_new (dpx_test_connect (url, NULL));
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);

  gtk_window_close (GTK_WINDOW (window));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpstr (close_dialog_get_body (dialog), ==,
                   "1 client is connected to this window’s local server. "
                   "Closing the window stops the server and disconnects it.");
  dpx_gui_test_wait_frames (GTK_WIDGET (dialog), 4);
  /* As a person sees it: inside the window, or a window of its own. */
  dpx_gui_test_save_screenshot (ADW_CHECK_VERSION (1, 5, 0) ? GTK_WIDGET (window) : GTK_WIDGET (dialog),
                                "close-asks.png");

  /* Cancel keeps the window and the class. */
  close_dialog_respond (dialog, "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_false (student->closed);

  /* Close Window closes it, and the server says goodbye. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  gtk_window_close (GTK_WINDOW (window));
  dialog = find_dialog_for (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  close_dialog_respond (dialog, "close");
  dpx_test_wait_until (window == NULL, 5000);
  dpx_test_wait_until (student->closed, 5000);
  g_assert_cmpuint (student->close_code, ==, 1001);
  dpx_gui_test_reset_settings ();
}

/* Run uninstalled as `meson devenv` runs it, the application's icon is
 * found, and the About window shows it. */
static void
test_about_icon (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;

  g_assert_nonnull (g_getenv ("DUPLEX_ICONDIR"));
  icon = gtk_icon_theme_lookup_icon (theme, APP_ID, NULL, 128, 1, GTK_TEXT_DIR_LTR, 0);
  file = gtk_icon_paintable_get_file (icon);
  g_assert_nonnull (file);
  name = g_file_get_basename (file);
  g_test_message ("%s", name);
  g_assert_cmpstr (name, ==, APP_ID ".svg");
}

/* Keyboard ---------------------------------------------------------------- */

static gboolean
focus_in (DpxWindow *window,
          GType      type)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (G_TYPE_CHECK_INSTANCE_TYPE (focus, type) ||
                           gtk_widget_get_ancestor (focus, type) != NULL);
}

/* The documented shortcuts exist and do what the shortcuts window says. */
static void
test_keyboard_shortcuts (DpxWindowFixture *fixture,
                         gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  GtkApplication *app = GTK_APPLICATION (dpx_gui_test_get_app ());
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (app, "app.quit");
  g_auto(GStrv) help = gtk_application_get_accels_for_action (app, "win.show-help-overlay");
  static const char *accelerators[] = { "<Control>l", "<Control>f", "<Control>k", "<Control>s",
                                        "<Control>o", "<Control>Return", "<Control>KP_Enter",
                                        "<Control>comma", "<Shift><Control>p" };

  g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
  g_assert_true (g_strv_contains ((const char * const *) help, "<Control>question"));
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    {
      g_autoptr(GtkShortcut) shortcut = NULL;

      shortcut = dpx_gui_test_find_shortcut (GTK_WIDGET (window), accelerators[i]);
      g_assert_nonnull (shortcut);
    }

  dpx_gui_test_press (GTK_WIDGET (window), "<Control>f");
  g_assert_true (focus_in (window, GTK_TYPE_SEARCH_ENTRY));
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>l");
  g_assert_true (focus_in (window, GTK_TYPE_ENTRY));
  g_assert_false (focus_in (window, GTK_TYPE_SEARCH_ENTRY));

  dpx_gui_test_connect (window, fixture->url);
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "sent from the keyboard");
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>Return");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                         "sent from the keyboard");

  dpx_gui_test_press (GTK_WIDGET (window), "<Control>k");
  dpx_test_wait_until (g_list_model_get_n_items (dpx_gui_test_rows (window)) == 0, 5000);
}

/* Screenshots ------------------------------------------------------------- */

static void
collect_switches (GtkWidget *widget,
                  GPtrArray *found)
{
  if (GTK_IS_SWITCH (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_switches (child, found);
}

/* Closes the connection settings, which must then be finalized. */
static void
close_connection_settings (GtkWidget *dialog)
{
  g_object_ref (dialog);
  dpx_connection_dialog_close (DPX_CONNECTION_DIALOG (dialog));
  dpx_test_wait_until (G_OBJECT (dialog)->ref_count == 1, 5000);
  g_assert_finalize_object (dialog);
}

/* The connection settings: one dialog at a time, and a closed one leaves
 * nothing behind that the next change of a setting could reach. */
static void
test_connection_settings_reopen (DpxWindowFixture *fixture,
                                 gconstpointer     data)
{
  static const char * const switches[] = {
    "accept-invalid-certificates", "permessage-deflate", "auto-reconnect",
  };
  DpxConnectionOptions *options = current_options (fixture->window);
  GtkWidget *first;
  GtkWidget *again;

  for (guint round = 0; round < 3; round++)
    {
      first = dpx_window_show_connection_settings (fixture->window);
      again = dpx_window_show_connection_settings (fixture->window);
      g_assert_true (first == again);
      dpx_gui_test_wait_frames (first, 2);
      close_connection_settings (first);

      /* Every option the dialog showed changes with no dialog open. */
      for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
        g_object_set (options, switches[i], !get_boolean (options, switches[i]), NULL);
      dpx_connection_options_set_handshake_timeout (options, 5 + round);
      dpx_connection_options_set_keepalive_interval (options, 7 + round);
      dpx_connection_options_set_max_message_size (options, (64 + round) * 1024);
      dpx_connection_options_set_origin (options, round % 2 ? "http://a.test" : "");
    }

  /* Open again, and flip every switch through the dialog itself. */
  first = dpx_window_show_connection_settings (fixture->window);
  dpx_gui_test_wait_frames (first, 2);
  {
    g_autoptr(GPtrArray) found = g_ptr_array_new ();

    collect_switches (first, found);
    g_assert_cmpuint (found->len, ==, G_N_ELEMENTS (switches));
    for (guint i = 0; i < found->len; i++)
      {
        GtkSwitch *widget = found->pdata[i];
        gboolean was = gtk_switch_get_active (widget);
        guint changed = 0;

        for (guint k = 0; k < G_N_ELEMENTS (switches); k++)
          changed += get_boolean (options, switches[k]);
        gtk_switch_set_active (widget, !was);
        for (guint k = 0; k < G_N_ELEMENTS (switches); k++)
          changed -= get_boolean (options, switches[k]);
        /* Exactly one option followed the switch. */
        g_assert_cmpint (ABS ((int) changed), ==, 1);
      }
  }
  close_connection_settings (first);
  dpx_gui_test_reset_settings ();
}

static void
test_screenshots (DpxWindowFixture *fixture,
                  gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  GtkWidget *settings_dialog;
  int row;

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("set DUPLEX_SCREENSHOT_DIR to save screenshots");
      return;
    }

  dpx_window_set_url (window, "");
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "empty.png");

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "hello,\nis anyone there?");
  /* Written over several lines, shown on one in the list. */
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_JSON,
                     "{\n  \"type\": \"subscribe\",\n  \"channel\": \"prices\",\n"
                     "  \"symbols\": [\"EUR\", \"USD\"],\n"
                     "  \"depth\": 10\n}");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY,
                     "89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52 00 00 01 00");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "ping");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 4,
                       5000);
  row = dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "subscribe");
  dpx_log_view_select (view, row);
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (compose, "{\"type\": \"unsubscribe\", \"channel\": \"prices\"}");
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "main.png");

  dpx_connection_options_set_request_headers (current_options (window),
                                              g_variant_new_parsed ("[('Authorization', 'Bearer 7f3a…'), "
                                                                    "('X-Client', 'classroom-3')]"));
  dpx_connection_options_set_subprotocols (current_options (window),
                                           (const char * const[]) { "chat.v2", "chat.v1", NULL });
  dpx_connection_options_set_accept_invalid_certificates (current_options (window), TRUE);
  settings_dialog = dpx_window_show_connection_settings (window);
  dpx_gui_test_wait_frames (settings_dialog, 4);
  dpx_gui_test_save_screenshot (settings_dialog, "settings.png");
  close_connection_settings (settings_dialog);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
on_log_exported (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (dpx_log_export_finish (DPX_LOG (source), result, NULL));
  *done = TRUE;
}

/* What `duplex-window ARG` in @cwd gives the application. */
static int
run_command_line (const char *cwd,
                  const char *arg)
{
  const char *argv[] = { "duplex-window", arg, NULL };
  g_autoptr(GVariantBuilder) platform = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_autoptr(GApplicationCommandLine) command_line = NULL;
  int status = -1;

  g_variant_builder_add (platform, "{sv}", "cwd", g_variant_new_bytestring (cwd));
  command_line = g_object_new (G_TYPE_APPLICATION_COMMAND_LINE,
                               "arguments", g_variant_new_bytestring_array (argv, -1),
                               "platform-data", g_variant_builder_end (platform),
                               NULL);
  g_signal_emit_by_name (dpx_gui_test_get_app (), "command-line", command_line, &status);
  return status;
}

/* The window the application opened last, besides those in @before. */
static DpxWindow *
new_window_since (GList *before)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (dpx_gui_test_get_app ()));

  for (GList *l = windows; l; l = l->next)
    if (DPX_IS_WINDOW (l->data) && g_list_find (before, l->data) == NULL)
      return l->data;
  return NULL;
}

/* `duplex FILE.jsonl` (and a file manager) opens the saved log in a
 * window of its own, titled after the file; a damaged file leaves the
 * window empty and says which line is wrong. */
static void
test_open_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("duplex-gui-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "saved.jsonl", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "bad.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(GList) before = NULL;
  DpxWindow *window;
  gboolean exported = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) payload = g_bytes_new_static (i ? "world" : "hello", 5);
      g_autoptr(DpxLogEntry) entry = dpx_log_entry_new_now ("ws://test/", DPX_DIRECTION_RECEIVED,
                                                            DPX_ENTRY_KIND_TEXT, payload);

      dpx_log_append (log, entry);
    }
  dpx_log_export_async (log, file, NULL, on_log_exported, &exported);
  dpx_test_wait_until (exported, 10000);

  before = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (dpx_gui_test_get_app ())));
  g_assert_cmpint (run_command_line ("/", path), ==, 0);
  window = new_window_since (before);
  g_assert_nonnull (window);
  dpx_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (dpx_window_get_log (window))) == 2,
                       10000);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "saved.jsonl — Duplex");
  dpx_test_wait_until (dpx_gui_test_has_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                             "world"), 5000);
  /* A log to read, not a URL to connect to. */
  assert_string (window, "url-error", NULL);
  dpx_gui_test_close_window (window);

  /* Damaged on its second line, given relative to where duplex ran. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *broken = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    broken = g_strdup_printf ("%.*s\n{not json\n", (int) (strchr (contents, '\n') - contents),
                              contents);
    g_assert_true (g_file_set_contents (bad_path, broken, -1, NULL));
  }
  g_clear_pointer (&before, g_list_free);
  before = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (dpx_gui_test_get_app ())));
  g_assert_cmpint (run_command_line (dir, "bad.jsonl"), ==, 0);
  window = new_window_since (before);
  g_assert_nonnull (window);
  dpx_test_wait_until (n_toasts (window) > 0, 10000);
  assert_contains (window, "last-toast", "line 2");
  assert_contains (window, "last-toast", "bad.jsonl");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (dpx_window_get_log (window))), ==, 0);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Duplex");
  dpx_gui_test_close_window (window);

  g_unlink (path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

static gboolean
find_label_text (GtkWidget  *widget,
                 const char *suffix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_suffix (gtk_label_get_text (GTK_LABEL (widget)), suffix))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (find_label_text (child, suffix))
      return TRUE;
  return FALSE;
}

/* One unit system for sizes: a 4.5 MiB message is "4.5 MiB" in its row
 * and in the detail pane (binary units, as the limits are set). */
static void
test_sizes_agree (void)
{
  const gsize size = 4718592;
  DpxWindow *window = dpx_gui_test_new_window ();
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *pane = dpx_gui_test_find (GTK_WIDGET (view), DPX_TYPE_DETAIL_PANE, NULL);
  g_autofree char *data = g_malloc (size);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *time = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *row_label = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *pane_suffix = NULL;
  g_autofree char *problem = NULL;
  GtkWidget *row;

  memset (data, 'a', size);
  payload = g_bytes_new_take (g_steal_pointer (&data), size);
  entry = dpx_log_entry_new_now ("ws://test/", DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                 payload);
  dpx_log_append (dpx_window_get_log (window), entry);
  dpx_test_wait_until (dpx_gui_test_has_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                             NULL), 5000);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);

  /* The row says it to assistive technologies as it draws it. */
  row = dpx_gui_test_find (GTK_WIDGET (view), DPX_TYPE_LOG_ROW, NULL);
  g_assert_nonnull (row);
  time = dpx_format_time (dpx_log_entry_get_time (entry));
  preview = dpx_format_entry_preview (entry, 160);
  /* GLib keeps the number and its unit together with a no-break space. */
  size_text = dpx_format_size (size);
  g_assert_cmpstr (size_text, ==, "4.5\u00a0MiB");
  row_label = g_strdup_printf ("%s received text %s %s", time, size_text, preview);
  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                GTK_ACCESSIBLE_PROPERTY_LABEL, row_label);
  g_assert_null (problem);

  dpx_log_view_select (view, 0);
  g_assert_nonnull (pane);
  pane_suffix = g_strconcat (" · ", size_text, NULL);
  g_assert_true (find_label_text (pane, pane_suffix));

  dpx_gui_test_close_window (window);
}

/* A peer's 60 000 nested arrays, selected in the list: the pane shows them
 * as plain text, and the window lives on. */
static void
test_deep_json_row (void)
{
  const gsize depth = 60000;
  DpxWindow *window = dpx_gui_test_new_window ();
  g_autofree char *deep = g_malloc (2 * depth + 1);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *shown = NULL;
  GtkWidget *view = dpx_gui_test_find (GTK_WIDGET (window), DPX_TYPE_LOG_VIEW, NULL);
  GString *joined = g_string_new (NULL);

  memset (deep, '[', depth);
  memset (deep + depth, ']', depth);
  deep[2 * depth] = '\0';
  payload = g_bytes_new (deep, 2 * depth);
  entry = dpx_log_entry_new_now ("ws://test/", DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                 payload);
  dpx_log_append (dpx_window_get_log (window), entry);
  dpx_test_wait_until (dpx_gui_test_has_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                             NULL), 5000);
  g_assert_nonnull (view);
  dpx_log_view_select (DPX_LOG_VIEW (view), 0);
  shown = dpx_gui_test_dup_detail_text (window);
  for (const char *p = shown; *p; p++)
    if (*p != '\n')
      g_string_append_c (joined, *p);
  g_assert_cmpstr (joined->str, ==, deep);
  g_string_free (joined, TRUE);

  dpx_gui_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  DPX_WINDOW_TEST_ADD ("/window/url-validation", test_url_validation);
  DPX_WINDOW_TEST_ADD ("/window/connect-send-text", test_connect_send_text);
  DPX_WINDOW_TEST_ADD ("/window/properties", test_properties);
  DPX_WINDOW_TEST_ADD ("/window/export-import", test_export_import);
  DPX_WINDOW_TEST_ADD ("/window/server-switch", test_server_switch);
  DPX_WINDOW_TEST_ADD ("/window/server-lan", test_server_lan);
  DPX_WINDOW_TEST_ADD ("/window/server-rate", test_server_rate);
  DPX_WINDOW_TEST_ADD ("/window/two-windows", test_two_windows);
  DPX_WINDOW_TEST_ADD ("/window/reconnect", test_reconnect);
  DPX_WINDOW_TEST_ADD ("/window/error-toast", test_error_toast);
  DPX_WINDOW_TEST_ADD ("/window/toast-offers-fix", test_toast_offers_fix);
  DPX_WINDOW_TEST_ADD ("/window/clear-undo", test_clear_undo);
  g_test_add_func ("/window/close-asks-with-clients", test_close_asks_with_clients);
  g_test_add_func ("/window/about-icon", test_about_icon);
  DPX_WINDOW_TEST_ADD ("/window/keyboard-shortcuts", test_keyboard_shortcuts);
  DPX_WINDOW_TEST_ADD ("/window/connection-settings-reopen", test_connection_settings_reopen);
  DPX_WINDOW_TEST_ADD ("/window/screenshots", test_screenshots);
  g_test_add_func ("/window/open-file", test_open_file);
  g_test_add_func ("/window/deep-json-row", test_deep_json_row);
  g_test_add_func ("/window/sizes-agree", test_sizes_agree);

  return g_test_run ();
}
