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

#include "dpx-alert-dialog.h"
#include "dpx-connection-dialog.h"
#include "dpx-connection-page.h"
#include "dpx-gui-test.h"
#include "dpx-log-row.h"
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

  /* What the panel's Export writes, through its file chooser. */
  {
    GtkWidget *chooser = NULL;
    g_autoptr(GFile) folder = g_file_new_for_path (dir);

    gtk_widget_activate_action (GTK_WIDGET (panel), "profiles.export", "s", "");
    dpx_test_wait_until ((chooser = dpx_gui_test_find_file_chooser ()) != NULL, 5000);
    dpx_gui_test_wait_quiet (300, 10000);
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "export.json");
    dpx_gui_test_wait_quiet (300, 10000);
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
    G_GNUC_END_IGNORE_DEPRECATIONS
    dpx_test_wait_until (g_file_query_exists (export_file, NULL), 5000);
  }
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


#define API_KEY "k3y-7f0e-from-the-dialog"

/* The entry showing @text, anywhere in @widget. */
static GtkWidget *
find_entry (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_ENTRY (widget) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry (child, text);

      if (found)
        return found;
    }
  return NULL;
}

/* The Secret check of the header row whose name is @name. */
static GtkCheckButton *
secret_check_of (GtkWidget  *dialog,
                 const char *name)
{
  GtkWidget *entry = find_entry (dialog, name);
  GtkWidget *row;

  g_assert_nonnull (entry);
  row = gtk_widget_get_ancestor (entry, ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (row);
  return GTK_CHECK_BUTTON (dpx_gui_test_find (row, GTK_TYPE_CHECK_BUTTON, NULL));
}

/* The button of @dialog whose label is @label. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found)
        return found;
    }
  return NULL;
}

/* The button opening the profile @id, in the profiles list. */
static GtkWidget *
find_open_button (GtkWidget  *widget,
                  const char *id)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "profiles.open") == 0)
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

      if (target && g_str_equal (g_variant_get_string (target, NULL), id))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_open_button (child, id);

      if (found)
        return found;
    }
  return NULL;
}

/* The question the window shows: an AdwAlertDialog inside it, or an
 * AdwMessageDialog over it where libadwaita is older than 1.5. */
static GtkWidget *
find_alert (DpxWindow *window)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  return dpx_gui_test_find (GTK_WIDGET (window), ADW_TYPE_ALERT_DIALOG, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        return toplevel;
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  return NULL;
#endif
}

static GtkWidget *
wait_alert (DpxWindow *window)
{
  GtkWidget *alert;

  dpx_test_wait_until ((alert = find_alert (window)) != NULL, 5000);
  dpx_gui_test_wait_frames (alert, 2);
  return alert;
}

static void
wait_alert_gone (DpxWindow *window)
{
  dpx_test_wait_until (find_alert (window) == NULL, 5000);
}

/* The rows on screen drawing an entry with @text. */
static guint
count_drawn_rows (GtkWidget  *widget,
                  const char *text)
{
  guint n = 0;

  if (DPX_IS_LOG_ROW (widget))
    {
      DpxLogEntry *entry = dpx_log_row_get_entry (DPX_LOG_ROW (widget));

      if (entry)
        {
          g_autofree char *payload = g_strndup (g_bytes_get_data (dpx_log_entry_get_payload (entry), NULL),
                                                dpx_log_entry_get_size (entry));

          return strstr (payload, text) != NULL;
        }
      return 0;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    n += count_drawn_rows (child, text);
  return n;
}

/* A header marked secret in the connection settings: its value goes to the
 * keyring with the profile, never to the profiles file, an export or the
 * settings; the log masks it until Show Secrets, and shows it then, in the
 * rows and the detail pane, without its files ever having it. */
static void
test_secret_from_dialog (DpxWindowFixture *fixture,
                         gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxConnectionPage *page = current_page (window);
  DpxConnectionOptions *options = dpx_connection_page_get_options (page);
  DpxProfilesPanel *panel = panel_of (window);
  DpxProfileStore *store = dpx_profiles_panel_get_store (panel);
  DpxLogView *view = dpx_connection_page_get_log_view (page);
  g_autoptr(DpxSecretStore) secrets = dpx_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *saved_log = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-gui-secret-XXXXXX", NULL);
  g_autofree char *export_path = g_build_filename (dir, "export.json", NULL);
  g_autofree char *log_path = g_build_filename (dir, "log.jsonl", NULL);
  g_autoptr(GFile) export_file = g_file_new_for_path (export_path);
  g_autoptr(GFile) log_file = g_file_new_for_path (log_path);
  g_autoptr(GVariant) defaults = NULL;
  g_autofree char *id = NULL;
  GtkWidget *dialog;
  GtkCheckButton *check;
  DpxProfile *profile;
  int row;

  dpx_connection_page_set_url (page, fixture->url);
  /* Typed in the dialog's header rows. */
  dialog = dpx_window_show_connection_settings (window);
  dpx_gui_test_wait_frames (dialog, 2);
  g_signal_emit_by_name (dpx_gui_test_find (dialog, GTK_TYPE_BUTTON, "add-header"), "clicked");
  gtk_editable_set_text (GTK_EDITABLE (find_entry (dialog, "")), "X-Api-Key");
  gtk_editable_set_text (GTK_EDITABLE (find_entry (dialog, "")), API_KEY);
  g_signal_emit_by_name (dpx_gui_test_find (dialog, GTK_TYPE_BUTTON, "add-header"), "clicked");
  gtk_editable_set_text (GTK_EDITABLE (find_entry (dialog, "")), "Authorization");
  gtk_editable_set_text (GTK_EDITABLE (find_entry (dialog, "")), SECRET);
  g_assert_cmpstr (dpx_connection_options_lookup_header (options, "X-Api-Key"), ==, API_KEY);

  /* Authorization is secret, and stays so; X-Api-Key is not until asked. */
  check = secret_check_of (dialog, "Authorization");
  g_assert_true (gtk_check_button_get_active (check));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (check)));
  check = secret_check_of (dialog, "X-Api-Key");
  g_assert_false (gtk_check_button_get_active (check));
  g_assert_false (dpx_connection_options_is_secret_header (options, "X-Api-Key"));
  gtk_widget_activate (GTK_WIDGET (check));
  g_assert_true (gtk_check_button_get_active (check));
  g_assert_true (dpx_connection_options_is_secret_header (options, "x-api-key"));

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR"))
    dpx_gui_test_save_screenshot (dialog, "connection-settings-secret.png");

  /* “Use as Defaults” keeps neither secret in the settings file. */
  g_signal_emit_by_name (dpx_gui_test_find (dialog, GTK_TYPE_BUTTON, "save-defaults"), "clicked");
  defaults = g_settings_get_value (dpx_gui_test_get_settings (), "request-headers");
  {
    g_autofree char *printed = g_variant_print (defaults, FALSE);

    g_assert_null (strstr (printed, API_KEY));
    g_assert_null (strstr (printed, "s3cret"));
  }
  g_object_ref (dialog);
  dpx_connection_dialog_close (DPX_CONNECTION_DIALOG (dialog));
  dpx_test_wait_until (G_OBJECT (dialog)->ref_count == 1, 5000);
  g_object_unref (dialog);

  /* Saved as a profile: the value is in the keyring only. */
  dpx_connection_page_show_profiles (page, TRUE);
  profile = dpx_profiles_panel_save_current (panel, "Api", &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);
  id = g_strdup (dpx_profile_get_id (profile));
  g_assert_true (dpx_profile_is_secret_header (profile, "X-Api-Key"));
  stored = dpx_secret_store_lookup (secrets, id, "x-api-key", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, API_KEY);
  bytes = file_bytes (dpx_profile_store_get_path (store));
  g_assert_null (strstr (bytes, API_KEY));
  g_assert_nonnull (strstr (bytes, "X-Api-Key"));
  g_assert_true (dpx_profile_store_export (store, NULL, export_file, &error));
  exported = file_bytes (export_path);
  g_assert_null (strstr (exported, API_KEY));
  g_assert_null (strstr (exported, "s3cret"));

  /* Opened again from the profile, the value comes back from the keyring,
   * still marked. */
  {
    g_autoptr(DpxConnectionOptions) again = dpx_profile_store_dup_options (store, profile, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dpx_connection_options_lookup_header (again, "X-Api-Key"), ==, API_KEY);
    g_assert_true (dpx_connection_options_is_secret_header (again, "X-Api-Key"));
  }

  /* Connected: sent as typed, masked in the log. */
  dpx_gui_test_connect (window, fixture->url);
  row = dpx_gui_test_wait_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "X-Api-Key: ••••");
  g_assert_false (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, API_KEY));
  dpx_log_view_select (view, row);
  detail = dpx_gui_test_dup_detail_text (window);
  g_assert_nonnull (strstr (detail, "X-Api-Key: ••••"));
  g_assert_null (strstr (detail, API_KEY));
  g_clear_pointer (&detail, g_free);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (count_drawn_rows (GTK_WIDGET (view), API_KEY), ==, 0);
  g_assert_cmpuint (count_drawn_rows (GTK_WIDGET (view), "X-Api-Key: ••••"), ==, 1);

  /* Show Secrets, off by default: the row and the detail show the values. */
  g_assert_false (dpx_gui_test_get_boolean (window, "show-secrets"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.show-secrets", NULL));
  g_assert_true (dpx_gui_test_get_boolean (window, "show-secrets"));
  g_assert_true (dpx_log_view_get_show_secrets (view));
  detail = dpx_gui_test_dup_detail_text (window);
  g_assert_nonnull (strstr (detail, "X-Api-Key: " API_KEY));
  g_assert_nonnull (strstr (detail, "Authorization: " SECRET));
  g_clear_pointer (&detail, g_free);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (count_drawn_rows (GTK_WIDGET (view), "X-Api-Key: " API_KEY), ==, 1);
  /* The log's file still masks them. */
  g_assert_true (dpx_log_export (dpx_connection_page_get_log (page), log_file, NULL, &error));
  saved_log = file_bytes (log_path);
  g_assert_null (strstr (saved_log, API_KEY));
  g_assert_null (strstr (saved_log, "s3cret"));
  /* A new tab follows the window. */
  {
    DpxConnectionPage *other = dpx_window_add_tab (window, NULL);

    g_assert_true (dpx_log_view_get_show_secrets (dpx_connection_page_get_log_view (other)));
    adw_tab_view_close_page (dpx_window_get_tab_view (window),
                             adw_tab_view_get_page (dpx_window_get_tab_view (window), GTK_WIDGET (other)));
    adw_tab_view_set_selected_page (dpx_window_get_tab_view (window),
                                    adw_tab_view_get_page (dpx_window_get_tab_view (window), GTK_WIDGET (page)));
  }

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR"))
    dpx_gui_test_save_screenshot (GTK_WIDGET (window), "show-secrets.png");

  /* And masked again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.show-secrets", NULL));
  g_assert_false (dpx_gui_test_get_boolean (window, "show-secrets"));
  detail = dpx_gui_test_dup_detail_text (window);
  g_assert_null (strstr (detail, API_KEY));
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (count_drawn_rows (GTK_WIDGET (view), API_KEY), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  g_assert_true (dpx_profile_store_remove (store, profile, &error));
  g_assert_no_error (error);
  g_unlink (export_path);
  g_unlink (log_path);
  g_rmdir (dir);
}

/* A raw client on the relay sends @text to the window, which logs it. */
static void
peer_says (SoupWebsocketConnection *conn,
           DpxWindow               *window,
           const char              *text)
{
  soup_websocket_connection_send_text (conn, text);
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, text);
}

/* The log a history entry reopens, as Reopen Log opens it: in a window of
 * its own. */
static DpxWindow *
reopen (DpxConnectionRecord *record)
{
  DpxWindow *window = dpx_gui_test_new_window ();
  g_autoptr(GFile) file = g_file_new_for_path (dpx_connection_record_get_log_path (record));

  dpx_window_open_file (window, file);
  dpx_test_wait_until (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, NULL), 10000);
  return window;
}

/* Each history entry's log holds its own connection only. */
static void
test_history_per_connection (DpxWindowFixture *fixture,
                             gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxProfilesPanel *panel = panel_of (window);
  DpxProfileStore *store = dpx_profiles_panel_get_store (panel);
  g_autoptr(DpxProfile) profile = dpx_profile_new ("Two connections");
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;
  g_autoptr(DpxTestPeer) peer = NULL;
  g_autoptr(DpxConnectionRecord) first = NULL;
  g_autoptr(DpxConnectionRecord) second = NULL;
  DpxConnectionPage *page;
  DpxWindow *reopened;

  dpx_connection_options_set_url (dpx_profile_get_options (profile), fixture->url);
  g_assert_true (dpx_profile_store_add (store, profile, &error));
  page = DPX_CONNECTION_PAGE (dpx_profiles_panel_open (panel, profile, &error));
  g_assert_no_error (error);
  conn = dpx_test_connect (fixture->url, &error);
  g_assert_no_error (error);
  peer = dpx_test_peer_new (conn);

  /* Connect, send A, hear A back from the peer, disconnect. */
  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "sent-A");
  dpx_test_wait_until (peer_received (peer, "sent-A"), 10000);
  peer_says (conn, window, "heard-A");
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  dpx_test_wait_until (g_list_model_get_n_items (dpx_profile_get_history (profile)) == 1, 10000);

  /* Again in the same tab, with B twice and a close code of its own. */
  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "sent-B");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "sent-B2");
  dpx_test_wait_until (peer_received (peer, "sent-B2"), 10000);
  peer_says (conn, window, "heard-B");
  dpx_session_disconnect (dpx_connection_page_get_session (page), 4001, "done with B", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  dpx_test_wait_until (g_list_model_get_n_items (dpx_profile_get_history (profile)) == 2, 10000);
  /* The tab's own log has both. */
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "sent-A"));
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "sent-B"));

  /* The newest first. */
  second = g_list_model_get_item (dpx_profile_get_history (profile), 0);
  first = g_list_model_get_item (dpx_profile_get_history (profile), 1);
  g_assert_cmpuint (dpx_connection_record_get_messages_out (first), ==, 1);
  /* The relay echoes what the window sends: in, the echo and the peer's. */
  g_assert_cmpuint (dpx_connection_record_get_messages_in (first), ==, 2);
  g_assert_cmpuint (dpx_connection_record_get_close_code (first), ==, 1000);
  g_assert_cmpuint (dpx_connection_record_get_messages_out (second), ==, 2);
  g_assert_cmpuint (dpx_connection_record_get_messages_in (second), ==, 3);
  g_assert_cmpuint (dpx_connection_record_get_close_code (second), ==, 4001);

  reopened = reopen (second);
  g_assert_true (dpx_gui_test_has_row (reopened, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "sent-B"));
  g_assert_true (dpx_gui_test_has_row (reopened, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "heard-B"));
  g_assert_false (dpx_gui_test_has_row (reopened, -1, -1, "sent-A"));
  g_assert_false (dpx_gui_test_has_row (reopened, -1, -1, "heard-A"));
  /* From its attempt to its close, each logged once. */
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "Connecting to"), ==, 1);
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, NULL), ==,
                    dpx_connection_record_get_messages_out (second));
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, NULL), ==,
                    dpx_connection_record_get_messages_in (second));
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "4001"), ==, 1);
  dpx_gui_test_close_window (reopened);

  reopened = reopen (first);
  g_assert_true (dpx_gui_test_has_row (reopened, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "sent-A"));
  g_assert_true (dpx_gui_test_has_row (reopened, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "heard-A"));
  g_assert_false (dpx_gui_test_has_row (reopened, -1, -1, "sent-B"));
  g_assert_false (dpx_gui_test_has_row (reopened, -1, -1, "heard-B"));
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "Connecting to"), ==, 1);
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, NULL), ==,
                    dpx_connection_record_get_messages_out (first));
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, NULL), ==,
                    dpx_connection_record_get_messages_in (first));
  g_assert_cmpuint (dpx_gui_test_count_rows (reopened, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "1000"), ==, 1);
  dpx_gui_test_close_window (reopened);

  g_assert_true (dpx_profile_store_remove (store, profile, &error));
  soup_websocket_connection_close (conn, 1000, NULL);
  dpx_test_wait_until (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_CLOSED, 10000);
}

/* Rename and Delete ask first, and do what they say: the name changes in
 * the list and the file; deleting takes the secrets from the keyring and
 * the history with its logs. Escape keeps the profile. */
static void
test_rename_delete_dialogs (DpxWindowFixture *fixture,
                            gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxConnectionPage *page = current_page (window);
  DpxProfilesPanel *panel = panel_of (window);
  DpxProfileStore *store = dpx_profiles_panel_get_store (panel);
  g_autoptr(DpxSecretStore) secrets = dpx_secret_store_new ();
  g_autoptr(DpxProfile) profile = dpx_profile_new ("Before");
  g_autoptr(DpxConnectionRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *id = NULL;
  g_autofree char *log_path = NULL;
  DpxConnectionPage *tab;
  GtkWidget *alert;
  GtkWidget *entry;

  dpx_connection_options_set_url (dpx_profile_get_options (profile), fixture->url);
  dpx_connection_options_add_header (dpx_profile_get_options (profile), "Authorization", SECRET);
  g_assert_true (dpx_profile_store_add (store, profile, &error));
  g_assert_no_error (error);
  id = g_strdup (dpx_profile_get_id (profile));
  dpx_connection_page_show_profiles (page, TRUE);

  /* One connection in its history, with its log. */
  tab = DPX_CONNECTION_PAGE (dpx_profiles_panel_open (panel, profile, &error));
  g_assert_no_error (error);
  dpx_gui_test_connect (window, fixture->url);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  dpx_test_wait_until (g_list_model_get_n_items (dpx_profile_get_history (profile)) == 1, 10000);
  record = g_list_model_get_item (dpx_profile_get_history (profile), 0);
  log_path = g_strdup (dpx_connection_record_get_log_path (record));
  g_assert_true (g_file_test (log_path, G_FILE_TEST_IS_REGULAR));
  adw_tab_view_close_page (dpx_window_get_tab_view (window),
                           adw_tab_view_get_page (dpx_window_get_tab_view (window), GTK_WIDGET (tab)));
  dpx_test_wait_until (current_page (window) == page, 5000);

  /* Rename: the name is asked, Enter saves it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "profiles.rename", "s", id));
  alert = wait_alert (window);
  entry = find_entry (alert, "Before");
  g_assert_nonnull (entry);
  /* The name has the keyboard (its GtkText inside the entry). */
  {
    GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (entry));

    g_assert_nonnull (focus);
    g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
  }
  gtk_editable_set_text (GTK_EDITABLE (entry), "After");

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR"))
    dpx_gui_test_save_screenshot (alert, "profile-rename.png");

  /* Enter, where the keyboard is: the entry's text activates the default. */
  g_signal_emit_by_name (gtk_root_get_focus (gtk_widget_get_root (entry)), "activate");
  wait_alert_gone (window);
  g_assert_cmpstr (dpx_profile_get_name (profile), ==, "After");
  bytes = file_bytes (dpx_profile_store_get_path (store));
  g_assert_nonnull (strstr (bytes, "\"name\" : \"After\""));
  g_assert_null (strstr (bytes, "\"name\" : \"Before\""));
  g_clear_pointer (&bytes, g_free);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  {
    GtkWidget *row = find_open_button (GTK_WIDGET (panel), id);
    GtkWidget *action_row = row ? gtk_widget_get_ancestor (row, ADW_TYPE_ACTION_ROW) : NULL;

    g_assert_nonnull (action_row);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (action_row)), ==, "After");
  }

  /* Delete, then Escape: nothing is deleted. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "profiles.delete", "s", id));
  alert = wait_alert (window);
  /* Escape closes it, which answers Cancel (and destroys it). An
   * AdwDialog's Escape is adw_dialog_close(), bound inside libadwaita. */
#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (adw_dialog_close (ADW_DIALOG (alert)));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  {
    g_autoptr(GtkShortcut) escape = dpx_gui_test_find_shortcut (alert, "Escape");

    g_assert_nonnull (escape);
    g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (escape), 0, alert,
                                                 gtk_shortcut_get_arguments (escape)));
  }
#endif
  wait_alert_gone (window);
  g_assert_true (dpx_profile_store_find (store, id) == profile);

  /* Delete, then its button. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "profiles.delete", "s", id));
  alert = wait_alert (window);

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR"))
    dpx_gui_test_save_screenshot (alert, "profile-delete.png");

  g_assert_nonnull (find_button (alert, "_Delete"));
  gtk_widget_activate (find_button (alert, "_Delete"));
  wait_alert_gone (window);
  g_assert_null (dpx_profile_store_find (store, id));
  bytes = file_bytes (dpx_profile_store_get_path (store));
  g_assert_null (strstr (bytes, "\"After\""));
  g_assert_null (strstr (bytes, id));
  stored = dpx_secret_store_lookup (secrets, id, "Authorization", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  g_assert_false (g_file_test (log_path, G_FILE_TEST_EXISTS));
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
  TEST_ADD ("/profiles-panel/secret-from-dialog", test_secret_from_dialog);
  TEST_ADD ("/profiles-panel/history-per-connection", test_history_per_connection);
  TEST_ADD ("/profiles-panel/rename-delete-dialogs", test_rename_delete_dialogs);

  return g_test_run ();
}
