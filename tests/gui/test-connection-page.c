/* test-connection-page.c: tabs, one connection each: their own options
 * reach their own server, the tab keys, `duplex URL1 URL2`, Connect Here,
 * the keyboard inside a tab, and the shortcuts window listing every key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-connection-dialog.h"
#include "dpx-gui-test.h"

/* A WebSocket server on loopback that keeps each handshake's request
 * headers by path, and its connections to see them close. */
typedef struct {
  SoupServer *server;
  GHashTable *seen;   /* path → SoupMessageHeaders */
  GHashTable *conns;  /* path → SoupWebsocketConnection */
  char       *base;
} HeaderServer;

static void
copy_header (const char *name,
             const char *value,
             gpointer    headers)
{
  soup_message_headers_append (headers, name, value);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  HeaderServer *hs = user_data;
  SoupMessageHeaders *copy = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), copy_header, copy);
  g_hash_table_replace (hs->seen, g_strdup (path), copy);
  g_hash_table_replace (hs->conns, g_strdup (path), g_object_ref (conn));
}

static HeaderServer *
header_server_new (void)
{
  HeaderServer *hs = g_new0 (HeaderServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  hs->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) soup_message_headers_unref);
  hs->conns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  hs->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (hs->server, NULL, NULL, NULL, on_websocket, hs, NULL);
  g_assert_true (soup_server_listen_local (hs->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (hs->server);
  hs->base = g_strdup_printf ("ws://127.0.0.1:%d", g_uri_get_port (uris->data));
  return hs;
}

static SoupWebsocketState
header_server_state (HeaderServer *hs,
                     const char   *path)
{
  SoupWebsocketConnection *conn = g_hash_table_lookup (hs->conns, path);

  return conn ? soup_websocket_connection_get_state (conn) : SOUP_WEBSOCKET_STATE_CLOSED;
}

static void
header_server_free (HeaderServer *hs)
{
  GHashTableIter iter;
  gpointer conn;

  g_hash_table_iter_init (&iter, hs->conns);
  while (g_hash_table_iter_next (&iter, NULL, &conn))
    if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (conn, 1001, NULL);
  dpx_test_wait_until (({
                          gboolean open = FALSE;
                          g_hash_table_iter_init (&iter, hs->conns);
                          while (g_hash_table_iter_next (&iter, NULL, &conn))
                            open |= soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_CLOSED;
                          !open;
                        }), 5000);
  g_hash_table_unref (hs->conns);
  soup_server_disconnect (hs->server);
  g_object_unref (hs->server);
  g_hash_table_unref (hs->seen);
  g_free (hs->base);
  g_free (hs);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeaderServer, header_server_free)

static guint
n_tabs (DpxWindow *window)
{
  return adw_tab_view_get_n_pages (dpx_window_get_tab_view (window));
}

static DpxConnectionPage *
nth_page (DpxWindow *window,
          guint      n)
{
  AdwTabPage *tab = adw_tab_view_get_nth_page (dpx_window_get_tab_view (window), n);

  return DPX_CONNECTION_PAGE (adw_tab_page_get_child (tab));
}

static const char *
tab_title (DpxWindow *window,
           guint      n)
{
  return adw_tab_page_get_title (adw_tab_view_get_nth_page (dpx_window_get_tab_view (window), n));
}

static DpxConnectionState
page_state (DpxConnectionPage *page)
{
  return dpx_session_get_state (dpx_connection_page_get_session (page));
}

/* The message dialog shown over @window, or NULL. */
static AdwMessageDialog *
find_message_dialog (DpxWindow *window)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      return l->data;
  return NULL;
}

/* Answers @dialog as its button would, which also closes it. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

/* Two tabs, each with its own extra header, reach the server each with
 * its own header only; the tab keys move between them and close one,
 * after asking, which ends its connection. */
static void
test_tabs_send_own_headers (DpxWindowFixture *fixture,
                            gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  g_autoptr(HeaderServer) hs = header_server_new ();
  g_autofree char *url_one = g_strconcat (hs->base, "/one", NULL);
  g_autofree char *url_two = g_strconcat (hs->base, "/two", NULL);
  g_autofree char *host = g_strdup (hs->base + strlen ("ws://"));
  DpxConnectionPage *one = dpx_window_get_current_page (window);
  DpxConnectionPage *two;
  AdwMessageDialog *dialog;
  SoupMessageHeaders *seen;

  g_assert_cmpuint (n_tabs (window), ==, 1);
  g_assert_cmpstr (tab_title (window, 0), ==, "New Connection");
  dpx_connection_options_add_header (dpx_connection_page_get_options (one), "X-Tab", "one");
  dpx_gui_test_connect (window, url_one);

  /* Ctrl+T: a second tab, selected, from the defaults: without X-Tab. */
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>t");
  g_assert_cmpuint (n_tabs (window), ==, 2);
  two = dpx_window_get_current_page (window);
  g_assert_true (two != one);
  g_assert_true (dpx_gui_test_get (window, "session") == dpx_connection_page_get_session (two));
  g_assert_null (dpx_connection_options_lookup_header (dpx_connection_page_get_options (two), "X-Tab"));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (dpx_connection_page_get_url_entry (two))) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (dpx_connection_page_get_url_entry (two))));
  dpx_connection_options_add_header (dpx_connection_page_get_options (two), "X-Tab", "two");
  dpx_gui_test_connect (window, url_two);
  g_assert_cmpint (page_state (one), ==, DPX_CONNECTION_STATE_OPEN);

  seen = g_hash_table_lookup (hs->seen, "/one");
  g_assert_nonnull (seen);
  g_assert_cmpstr (soup_message_headers_get_list (seen, "X-Tab"), ==, "one");
  seen = g_hash_table_lookup (hs->seen, "/two");
  g_assert_nonnull (seen);
  g_assert_cmpstr (soup_message_headers_get_list (seen, "X-Tab"), ==, "two");

  /* The titles say where each tab is connected, and how it is. */
  g_assert_true (g_str_has_prefix (tab_title (window, 0), host));
  g_assert_nonnull (strstr (tab_title (window, 0), "Open"));
  g_assert_true (g_str_has_prefix (tab_title (window, 1), host));

  /* Ctrl+PgDn from the last tab comes round to the first, Ctrl+PgUp back. */
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>Page_Down");
  g_assert_true (dpx_window_get_current_page (window) == one);
  g_assert_true (dpx_gui_test_get (window, "log") == dpx_connection_page_get_log (one));
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>Page_Up");
  g_assert_true (dpx_window_get_current_page (window) == two);
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>Page_Up");
  g_assert_true (dpx_window_get_current_page (window) == one);

  /* Ctrl+W on a connected tab asks first; Cancel keeps it. */
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>w");
  dpx_test_wait_until ((dialog = find_message_dialog (window)) != NULL, 5000);
  respond (dialog, "cancel");
  dpx_test_wait_until (find_message_dialog (window) == NULL, 5000);
  g_assert_cmpuint (n_tabs (window), ==, 2);
  g_assert_cmpint (page_state (one), ==, DPX_CONNECTION_STATE_OPEN);

  /* Closing it ends its connection, and only that one. */
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>w");
  dpx_test_wait_until ((dialog = find_message_dialog (window)) != NULL, 5000);
  respond (dialog, "close");
  dpx_test_wait_until (n_tabs (window) == 1, 5000);
  g_assert_true (dpx_window_get_current_page (window) == two);
  dpx_test_wait_until (header_server_state (hs, "/one") == SOUP_WEBSOCKET_STATE_CLOSED, 5000);
  g_assert_cmpint (header_server_state (hs, "/two"), ==, SOUP_WEBSOCKET_STATE_OPEN);
  g_assert_cmpint (page_state (two), ==, DPX_CONNECTION_STATE_OPEN);

  /* A tab not in use closes without asking. */
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>t");
  g_assert_cmpuint (n_tabs (window), ==, 2);
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>w");
  g_assert_null (find_message_dialog (window));
  dpx_test_wait_until (n_tabs (window) == 1, 5000);

  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
}

/* Ctrl+W on the last tab closes the window, which ends its connection. */
static void
test_last_tab_closes_window (DpxWindowFixture *fixture,
                             gconstpointer     data)
{
  DpxWindow *window = dpx_gui_test_new_window ();
  DpxSession *session = dpx_window_get_session (window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_object_ref (session);
  dpx_gui_test_connect (window, fixture->url);
  dpx_test_wait_until (dpx_relay_get_n_peers (fixture->relay) == 1, 5000);
  /* As dpx_gui_test_press() does, without waiting for a frame of a window
   * that is gone. */
  {
    g_autoptr(GtkShortcut) shortcut = dpx_gui_test_find_shortcut (GTK_WIDGET (window), "<Control>w");

    g_assert_nonnull (shortcut);
    g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (window), NULL));
  }
  dpx_test_wait_until (window == NULL, 5000);
  dpx_test_wait_until (dpx_relay_get_n_peers (fixture->relay) == 0, 5000);
  g_assert_finalize_object (session);
}

/* The connection settings edit the selected tab's options only. */
static void
test_settings_per_tab (DpxWindowFixture *fixture,
                       gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxConnectionPage *one = dpx_window_get_current_page (window);
  DpxConnectionPage *two;
  GtkWidget *dialog;
  GtkWidget *reconnect = NULL;
  g_autoptr(GList) switches = NULL;

  dpx_gui_test_press (GTK_WIDGET (window), "<Control>t");
  two = dpx_window_get_current_page (window);
  dialog = dpx_window_show_connection_settings (window);
  dpx_gui_test_wait_frames (dialog, 2);
  reconnect = dpx_gui_test_find (dialog, GTK_TYPE_SWITCH, NULL);
  g_assert_nonnull (reconnect);
  /* The first switch is compression. */
  gtk_switch_set_active (GTK_SWITCH (reconnect), TRUE);
  g_assert_true (dpx_connection_options_get_permessage_deflate (dpx_connection_page_get_options (two)));
  g_assert_false (dpx_connection_options_get_permessage_deflate (dpx_connection_page_get_options (one)));
  /* Nor the defaults. */
  g_assert_false (g_settings_get_boolean (dpx_gui_test_get_settings (), "permessage-deflate"));

  g_object_ref (dialog);
  dpx_connection_dialog_close (DPX_CONNECTION_DIALOG (dialog));
  dpx_test_wait_until (G_OBJECT (dialog)->ref_count == 1, 5000);
  g_assert_finalize_object (dialog);
}

/* What `duplex-window ARG...` gives the application. */
static int
run_command_line (const char * const *argv)
{
  g_autoptr(GVariantBuilder) platform = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_autoptr(GApplicationCommandLine) command_line = NULL;
  int status = -1;

  g_variant_builder_add (platform, "{sv}", "cwd", g_variant_new_bytestring ("/"));
  command_line = g_object_new (G_TYPE_APPLICATION_COMMAND_LINE,
                               "arguments", g_variant_new_bytestring_array (argv, -1),
                               "platform-data", g_variant_builder_end (platform),
                               NULL);
  g_signal_emit_by_name (dpx_gui_test_get_app (), "command-line", command_line, &status);
  return status;
}

/* `duplex URL1 URL2` opens a tab for each, connected, in one window: the
 * window in front, whose unused tab is taken and whose tabs in use stay. */
static void
test_command_line_urls (DpxWindowFixture *fixture,
                        gconstpointer     data)
{
  g_autoptr(HeaderServer) hs = header_server_new ();
  g_autofree char *url_a = g_strconcat (hs->base, "/a", NULL);
  g_autofree char *url_b = g_strconcat (hs->base, "/b", NULL);
  g_autofree char *url_c = g_strconcat (hs->base, "/c", NULL);
  const char *argv[] = { "duplex-window", url_a, url_b, NULL };
  const char *argv_c[] = { "duplex-window", url_c, NULL };
  GtkApplication *app = GTK_APPLICATION (dpx_gui_test_get_app ());
  DpxWindow *window = fixture->window;

  g_assert_true (gtk_application_get_active_window (app) == GTK_WINDOW (window));
  g_assert_cmpint (run_command_line (argv), ==, 0);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (app)), ==, 1);
  g_assert_cmpuint (n_tabs (window), ==, 2);
  dpx_test_wait_until (page_state (nth_page (window, 0)) == DPX_CONNECTION_STATE_OPEN &&
                       page_state (nth_page (window, 1)) == DPX_CONNECTION_STATE_OPEN, 10000);
  g_assert_cmpstr (dpx_session_get_url (dpx_connection_page_get_session (nth_page (window, 0))), ==, url_a);
  g_assert_cmpstr (dpx_session_get_url (dpx_connection_page_get_session (nth_page (window, 1))), ==, url_b);
  g_assert_nonnull (g_hash_table_lookup (hs->seen, "/a"));
  g_assert_nonnull (g_hash_table_lookup (hs->seen, "/b"));

  /* Another URL later: a third tab, the two connections kept. */
  g_assert_cmpint (run_command_line (argv_c), ==, 0);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (app)), ==, 1);
  g_assert_cmpuint (n_tabs (window), ==, 3);
  g_assert_true (dpx_window_get_current_page (window) == nth_page (window, 2));
  dpx_test_wait_until (page_state (nth_page (window, 2)) == DPX_CONNECTION_STATE_OPEN, 10000);
  g_assert_cmpint (page_state (nth_page (window, 0)), ==, DPX_CONNECTION_STATE_OPEN);
  g_assert_cmpint (header_server_state (hs, "/a"), ==, SOUP_WEBSOCKET_STATE_OPEN);
  g_assert_cmpint (header_server_state (hs, "/b"), ==, SOUP_WEBSOCKET_STATE_OPEN);
}

/* Connect Here on the local server's panel opens it in a new tab, and the
 * connection in the selected tab stays. */
static void
test_connect_here (DpxWindowFixture *fixture,
                   gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxConnectionPage *first = dpx_window_get_current_page (window);
  DpxRelay *relay = dpx_gui_test_get (window, "relay");
  g_autofree char *local = NULL;
  DpxConnectionPage *second;

  dpx_gui_test_connect (window, fixture->url);
  dpx_window_set_server_enabled (window, TRUE);
  dpx_test_wait_until (dpx_relay_get_running (relay), 5000);
  local = dpx_relay_dup_url (relay);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.connect-to-server", NULL));
  g_assert_cmpuint (n_tabs (window), ==, 2);
  second = dpx_window_get_current_page (window);
  g_assert_true (second != first);
  dpx_test_wait_until (page_state (second) == DPX_CONNECTION_STATE_OPEN, 5000);
  g_assert_cmpstr (dpx_session_get_url (dpx_connection_page_get_session (second)), ==, local);
  g_assert_cmpint (page_state (first), ==, DPX_CONNECTION_STATE_OPEN);
  g_assert_cmpstr (dpx_session_get_url (dpx_connection_page_get_session (first)), ==, fixture->url);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);

  /* Again: the tab already connected there is shown, not a third. */
  adw_tab_view_set_selected_page (dpx_window_get_tab_view (window),
                                  adw_tab_view_get_nth_page (dpx_window_get_tab_view (window), 0));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "window.connect-to-server", NULL));
  g_assert_cmpuint (n_tabs (window), ==, 2);
  g_assert_true (dpx_window_get_current_page (window) == second);

  dpx_window_set_server_enabled (window, FALSE);
  dpx_test_wait_until (page_state (second) == DPX_CONNECTION_STATE_CLOSED, 5000);
}

static gboolean
focus_in (DpxWindow *window,
          GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Sends @keyval to the page's key handler around the log, as GTK does
 * for a key pressed there, and says whether it took it. */
static gboolean
press_in_log (DpxConnectionPage *page,
              guint              keyval,
              GdkModifierType    modifiers)
{
  GtkWidget *log_view = GTK_WIDGET (dpx_connection_page_get_log_view (page));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (log_view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, modifiers, &handled);
          break;
        }
    }
  return handled;
}

/* The keyboard in a tab: Ctrl+M to the compose box, Tab out of the log's
 * list, Escape clearing the search, Enter on a new URL moving to it. */
static void
test_keyboard (DpxWindowFixture *fixture,
               gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxConnectionPage *page = dpx_window_get_current_page (window);
  DpxLogView *view = dpx_connection_page_get_log_view (page);
  GtkWidget *compose = GTK_WIDGET (dpx_connection_page_get_compose (page));
  GtkWidget *list = dpx_log_view_get_list_view (view);
  DpxUrlEntry *entry = dpx_connection_page_get_url_entry (page);
  DpxRelay *relay = fixture->relay;
  g_autofree char *url_b = g_strconcat (fixture->url, "?b", NULL);
  GtkWidget *search;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "first");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "second");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "second");

  /* Ctrl+M: the cursor in the message. */
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>l");
  g_assert_false (focus_in (window, compose));
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>m");
  g_assert_true (focus_in (window, compose));
  g_assert_true (GTK_IS_TEXT_VIEW (gtk_root_get_focus (GTK_ROOT (window))));

  /* In the list, Tab leaves it for the compose box, Shift+Tab for the
   * search; elsewhere Tab is left to GTK. */
  dpx_log_view_select (view, 0);
  gtk_widget_grab_focus (list);
  dpx_test_wait_until (focus_in (window, list), 5000);
  g_assert_true (press_in_log (page, GDK_KEY_Tab, 0));
  g_assert_true (focus_in (window, compose));
  g_assert_false (press_in_log (page, GDK_KEY_Tab, 0));
  gtk_widget_grab_focus (list);
  g_assert_true (press_in_log (page, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK));
  g_assert_true (focus_in (window, GTK_WIDGET (view)));
  g_assert_true (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_SEARCH_ENTRY) ==
                 (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (view), DPX_TYPE_LOG_VIEW,
                                                              "search_entry"));

  /* Escape in the search clears it, and every row is back. */
  search = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), DPX_TYPE_LOG_VIEW, "search_entry"));
  dpx_log_view_set_search_text (view, "second");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 1, 5000);
  g_signal_emit_by_name (search, "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 2, 5000);

  /* Enter on a new URL while connected: the old connection closes and the
   * new one opens, in the same tab. */
  dpx_url_entry_set_url (entry, url_b);
  g_signal_emit_by_name (entry, "activate");
  dpx_test_wait_until (page_state (page) == DPX_CONNECTION_STATE_OPEN &&
                       g_strcmp0 (dpx_session_get_url (dpx_connection_page_get_session (page)), url_b) == 0,
                       10000);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  g_assert_cmpuint (n_tabs (window), ==, 1);

  /* Enter on the same URL still disconnects, as the button does. */
  g_signal_emit_by_name (entry, "activate");
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
}

/* Every key the window binds is in the shortcuts window. */
static void
test_shortcuts_window_complete (DpxWindowFixture *fixture,
                                gconstpointer     data)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/duplexws/Duplex/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  guint checked = 0;

  for (GSList *l = objects; l; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accelerators = NULL;
        g_auto(GStrv) parts = NULL;

        g_object_get (l->data, "accelerator", &accelerators, NULL);
        parts = g_strsplit (accelerators, " ", -1);
        for (guint i = 0; parts[i]; i++)
          {
            guint key;
            GdkModifierType mods;

            /* A range, such as Alt+1 to Alt+9. */
            if (strstr (parts[i], "...") != NULL)
              continue;
            g_assert_true (gtk_accelerator_parse (parts[i], &key, &mods));
            g_ptr_array_add (listed, gtk_accelerator_name (key, mods));
          }
      }

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *name = NULL;
          guint key;

          /* The window's own actions; GtkWindow's keys (Tab, arrows, the
           * inspector) are GTK's. */
          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action) ||
              !g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "window."))
            continue;
          key = gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger));
          /* The keypad's twins of listed keys. */
          if (key == GDK_KEY_KP_Enter)
            key = GDK_KEY_Return;
          else if (key == GDK_KEY_KP_Page_Down)
            key = GDK_KEY_Page_Down;
          else if (key == GDK_KEY_KP_Page_Up)
            key = GDK_KEY_Page_Up;
          name = gtk_accelerator_name (key, gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          if (!g_ptr_array_find_with_equal_func (listed, name, g_str_equal, NULL))
            g_error ("%s is bound in the window but not in the shortcuts window", name);
          checked++;
        }
    }
  /* The window's own: the URL, search, clear, export, import, send, the
   * settings, the four tab keys and the compose box, and the keypad's. */
  g_assert_cmpuint (checked, >=, 15);
  g_assert_true (g_ptr_array_find_with_equal_func (listed, "<Control>t", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (listed, "Escape", g_str_equal, NULL));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* Two and then three tabs, for the README. */
static void
test_screenshot (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  g_autoptr(HeaderServer) hs = header_server_new ();
  g_autofree char *prices = g_strconcat (hs->base, "/prices", NULL);
  g_autofree char *wrong = g_strdup ("ws://127.0.0.1:9/chat");

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("set DUPLEX_SCREENSHOT_DIR to save screenshots");
      return;
    }

  dpx_gui_test_connect (window, prices);
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>t");
  dpx_window_set_url (window, wrong);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_gui_test_wait_state (window, DPX_CONNECTION_STATE_CLOSED);
  dpx_gui_test_press (GTK_WIDGET (window), "<Control>t");
  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "hello from the third tab");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_JSON, "{\"type\": \"subscribe\", \"channel\": \"prices\"}");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "subscribe");
  /* The second tab's error was told; the picture is of the tabs. */
  if (dpx_window_get_last_toast (window))
    adw_toast_dismiss (dpx_window_get_last_toast (window));
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 30);
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "tabs.png");
}

#define TEST_ADD(path, func) \
  g_test_add (path, DpxWindowFixture, NULL, dpx_window_fixture_setup, func, \
              dpx_window_fixture_teardown)

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  TEST_ADD ("/connection-page/tabs-send-own-headers", test_tabs_send_own_headers);
  TEST_ADD ("/connection-page/settings-per-tab", test_settings_per_tab);
  TEST_ADD ("/connection-page/last-tab-closes-window", test_last_tab_closes_window);
  TEST_ADD ("/connection-page/command-line-urls", test_command_line_urls);
  TEST_ADD ("/connection-page/connect-here", test_connect_here);
  TEST_ADD ("/connection-page/keyboard", test_keyboard);
  TEST_ADD ("/connection-page/shortcuts-window-complete", test_shortcuts_window_complete);
  TEST_ADD ("/connection-page/screenshot", test_screenshot);

  return g_test_run ();
}
