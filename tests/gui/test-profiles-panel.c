/* test-profiles-panel.c: profiles, saved messages and variables in the
 * window, against the relay and a real keyring
 *
 * Runs under tests/run-with-keyring.sh (gnome-keyring-daemon on the test's
 * private bus, a temporary $XDG_DATA_HOME for the profiles file) and Xvfb.
 * A raw client on the relay sees what the window sends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-connection-page.h"
#include "dpx-gui-test.h"
#include "dpx-profiles-panel.h"

#define SECRET "Bearer s3cret-gui-5e"

static DpxConnectionPage *
current_page (DpxWindow *window)
{
  return dpx_window_get_current_page (window);
}

static DpxProfilesPanel *
panel_of (DpxWindow *window)
{
  return dpx_connection_page_get_profiles_panel (current_page (window));
}

static char *
file_bytes (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* A text message the raw client received, or NULL. */
static gboolean
peer_received (DpxTestPeer *peer,
               const char  *text)
{
  for (guint i = 0; i < peer->messages->len; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (peer->messages->pdata[i], &size);

      if (size == strlen (text) && memcmp (data, text, size) == 0)
        return TRUE;
    }
  return FALSE;
}

/* "Save this connection as a profile" with a secret header: the secret is
 * in the keyring, not in the profiles file nor in an export, and the log
 * masks it. */
static void
test_save_current_secret (DpxWindowFixture *fixture,
                          gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxConnectionPage *page = current_page (window);
  DpxProfilesPanel *panel = panel_of (window);
  DpxProfileStore *store = dpx_profiles_panel_get_store (panel);
  g_autoptr(DpxSecretStore) secrets = dpx_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-gui-profiles-XXXXXX", NULL);
  g_autofree char *export_path = g_build_filename (dir, "export.json", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autofree char *id = NULL;
  DpxProfile *profile;

  g_assert_nonnull (strstr (dpx_profile_store_get_path (store), "duplex-keyring."));
  dpx_connection_page_set_url (page, fixture->url);
  dpx_connection_options_add_header (dpx_connection_page_get_options (page), "Authorization", SECRET);
  dpx_connection_page_show_profiles (page, TRUE);

  profile = dpx_profiles_panel_save_current (panel, "Relay", &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);
  g_assert_true (dpx_profiles_panel_get_selected (panel) == profile);
  g_assert_cmpuint (dpx_profiles_panel_get_n_shown (panel), ==, 1);
  g_assert_cmpstr (dpx_connection_options_get_url (dpx_profile_get_options (profile)), ==, fixture->url);
  id = g_strdup (dpx_profile_get_id (profile));

  stored = dpx_secret_store_lookup (secrets, dpx_profile_get_id (profile), "Authorization", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, SECRET);
  bytes = file_bytes (dpx_profile_store_get_path (store));
  g_assert_null (strstr (bytes, "s3cret"));
  g_assert_nonnull (strstr (bytes, "\"name\" : \"Relay\""));

  /* What the panel's Export writes. */
  g_assert_true (dpx_profile_store_export (store, NULL, export_file, &error));
  exported = file_bytes (export_path);
  g_assert_null (strstr (exported, "s3cret"));
  g_assert_nonnull (strstr (exported, "\"secret\" : true"));

  /* The connection sends it; the log shows it masked. */
  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "Authorization: ••••");
  g_assert_false (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "s3cret"));

  /* Searching by name and by URL. */
  dpx_profiles_panel_set_search (panel, "RELAY");
  g_assert_cmpuint (dpx_profiles_panel_get_n_shown (panel), ==, 1);
  dpx_profiles_panel_set_search (panel, "127.0.0.1");
  g_assert_cmpuint (dpx_profiles_panel_get_n_shown (panel), ==, 1);
  dpx_profiles_panel_set_search (panel, "nothing like it");
  g_assert_cmpuint (dpx_profiles_panel_get_n_shown (panel), ==, 0);
  dpx_profiles_panel_set_search (panel, "");

  /* Left for the next test as it would be left on a desktop: deleted with
   * its secret. */
  g_assert_true (dpx_profile_store_remove (store, profile, &error));
  g_clear_pointer (&stored, g_free);
  stored = dpx_secret_store_lookup (secrets, id, "Authorization", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  g_unlink (export_path);
  g_rmdir (dir);
}

/* A profile opened in a tab: variables expand in what reaches the relay,
 * a saved message goes with one click and with Ctrl+1, and the connection
 * lands in the history with its log. */
static void
test_variables_saved_messages (DpxWindowFixture *fixture,
                               gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxProfilesPanel *panel = panel_of (window);
  DpxProfileStore *store = dpx_profiles_panel_get_store (panel);
  g_autoptr(DpxProfile) profile = dpx_profile_new ("Classroom relay");
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;  /* the peer's */
  g_autoptr(DpxTestPeer) peer = NULL;
  g_autoptr(DpxConnectionRecord) record = NULL;
  DpxConnectionPage *page;
  DpxSavedMessages *saved;
  DpxCompose *compose;
  GtkWidget *row;

  dpx_connection_options_set_url (dpx_profile_get_options (profile), fixture->url);
  dpx_connection_options_add_header (dpx_profile_get_options (profile), "X-Trace", "n{{counter}}-{{user}}");
  g_assert_true (dpx_template_set_variable (dpx_profile_get_template (profile), "user", "ada", NULL));
  g_assert_true (dpx_profile_store_add (store, profile, &error));
  g_assert_no_error (error);

  page = DPX_CONNECTION_PAGE (dpx_profiles_panel_open (panel, profile, &error));
  g_assert_no_error (error);
  g_assert_true (current_page (window) == page);
  g_assert_true (dpx_connection_page_get_profile (page) == profile);
  dpx_connection_page_show_profiles (page, TRUE);
  panel = dpx_connection_page_get_profiles_panel (page);
  g_assert_true (dpx_profiles_panel_get_selected (panel) == profile);

  conn = dpx_test_connect (fixture->url, &error);
  g_assert_no_error (error);
  peer = dpx_test_peer_new (conn);
  dpx_gui_test_connect (window, fixture->url);
  /* Header values are expanded when connecting. */
  dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "X-Trace: n1-ada");

  /* The compose box previews, then sends with the variables expanded. */
  compose = dpx_connection_page_get_compose (page);
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "n={{counter}} u={{user}}");
  {
    g_autofree char *message = dpx_gui_test_dup_string (compose, "message");

    g_assert_cmpstr (message, ==, "Sends: n=1 u=ada");
  }
  g_assert_true (dpx_compose_send (compose));
  dpx_test_wait_until (peer_received (peer, "n=1 u=ada"), 10000);

  /* An unknown variable is an error, and nothing is sent. */
  dpx_compose_set_text (compose, "oops {{nope}}");
  g_assert_true (dpx_gui_test_get_boolean (compose, "message-is-error"));
  g_assert_false (dpx_compose_send (compose));

  /* Saved from the compose box, JSON mode kept. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (compose, "{\"hello\": \"#{{counter}}\"}");
  saved = dpx_profiles_panel_get_saved_messages (panel);
  g_assert_true (dpx_saved_messages_save_compose (saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_get_saved_messages (profile)), ==, 1);
  {
    g_autoptr(DpxSavedMessage) message = g_list_model_get_item (dpx_profile_get_saved_messages (profile), 0);

    g_assert_cmpint (dpx_saved_message_get_mode (message), ==, DPX_MESSAGE_MODE_JSON);
  }

  /* One click on its row sends it. */
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  row = dpx_saved_messages_get_row (saved, 0);
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  dpx_test_wait_until (peer_received (peer, "{\"hello\": \"#2\"}"), 10000);

  /* And Ctrl+1, from anywhere in the tab (Alt+1 is the tab view's). */
  dpx_gui_test_press (GTK_WIDGET (page), "<Control>1");
  dpx_test_wait_until (peer_received (peer, "{\"hello\": \"#3\"}"), 10000);

  /* From the log: a received row is saved too, as it came, text kept text. */
  {
    DpxLogView *view = dpx_connection_page_get_log_view (page);
    g_autoptr(DpxSavedMessage) message = NULL;
    int row_index;

    row_index = dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "n=1 u=ada");
    dpx_log_view_select (view, row_index);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "log.save-message", NULL));
    g_assert_cmpuint (g_list_model_get_n_items (dpx_profile_get_saved_messages (profile)), ==, 2);
    message = g_list_model_get_item (dpx_profile_get_saved_messages (profile), 1);
    g_assert_cmpint (dpx_saved_message_get_mode (message), ==, DPX_MESSAGE_MODE_TEXT);
    g_assert_cmpstr (dpx_saved_message_get_text (message), ==, "n=1 u=ada");
  }

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR"))
    {
      g_autoptr(DpxSavedMessage) ping = dpx_saved_message_new_text ("ping", DPX_MESSAGE_MODE_TEXT,
                                                                    "ping {{timestamp}}");
      g_autoptr(GBytes) bytes = g_bytes_new_static ("\x01\x02\x03\x04", 4);
      g_autoptr(DpxSavedMessage) raw = dpx_saved_message_new_binary ("heartbeat frame", bytes);

      dpx_profile_add_saved_message (profile, ping);
      dpx_profile_add_saved_message (profile, raw);
      dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
      dpx_compose_set_text (compose, "hello {{user}}, message {{counter}} at {{timestamp}}");
      dpx_gui_test_save_screenshot (GTK_WIDGET (window), "saved-messages.png");
    }

  /* Closed, the connection is in the history with its log. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  dpx_test_wait_until (g_list_model_get_n_items (dpx_profile_get_history (profile)) == 1, 10000);
  record = g_list_model_get_item (dpx_profile_get_history (profile), 0);
  g_assert_cmpuint (dpx_connection_record_get_close_code (record), ==, 1000);
  g_assert_cmpuint (dpx_connection_record_get_messages_out (record), ==, 3);
  g_assert_nonnull (dpx_connection_record_get_log_path (record));
  g_assert_true (g_file_test (dpx_connection_record_get_log_path (record), G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *log = file_bytes (dpx_connection_record_get_log_path (record));

    g_assert_nonnull (strstr (log, "n=1 u=ada"));
  }
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (dpx_profile_history_get_row (dpx_profiles_panel_get_history (panel), 0));
  g_assert_nonnull (dpx_gui_test_find_actionable (GTK_WIDGET (dpx_profiles_panel_get_history (panel)),
                                                  "history.reopen"));

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR"))
    {
      g_autoptr(DpxProfile) other = dpx_profile_new ("Staging chat");
      g_autoptr(DpxProfile) third = dpx_profile_new ("Price feed");

      dpx_connection_options_set_url (dpx_profile_get_options (other), "wss://chat.staging.example/ws");
      dpx_connection_options_add_header (dpx_profile_get_options (other), "Authorization", SECRET);
      dpx_connection_options_set_url (dpx_profile_get_options (third), "wss://feed.example/prices");
      g_assert_true (dpx_profile_store_add (store, other, NULL));
      g_assert_true (dpx_profile_store_add (store, third, NULL));
      if (dpx_window_get_last_toast (window))
        adw_toast_dismiss (dpx_window_get_last_toast (window));
      dpx_gui_test_save_screenshot (GTK_WIDGET (window), "profiles.png");
    }

  soup_websocket_connection_close (conn, 1000, NULL);
  dpx_test_wait_until (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_CLOSED, 10000);
}

#define TEST_ADD(path, func) \
  g_test_add (path, DpxWindowFixture, NULL, dpx_window_fixture_setup, func, \
              dpx_window_fixture_teardown)

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  TEST_ADD ("/profiles-panel/save-current-secret", test_save_current_secret);
  TEST_ADD ("/profiles-panel/variables-saved-messages", test_variables_saved_messages);

  return g_test_run ();
}
