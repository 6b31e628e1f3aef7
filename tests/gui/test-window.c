/* test-window.c: the window, driven against real relays on free ports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include <string.h>

#include <glib/gstdio.h>

#include "dpx-application.h"
#include "dpx-log-row.h"
#include "dpx-preferences-window.h"
#include "dpx-test-support.h"
#include "dpx-util.h"
#include "dpx-window.h"

static DpxApplication *app;

typedef struct {
  DpxRelay  *relay;
  char      *url;
  DpxWindow *window;
} Fixture;

static void
reset_settings (void)
{
  GSettings *settings = dpx_application_get_settings (app);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
  /* A free port, so tests never meet a relay a person is running. */
  g_settings_set_uint (settings, "server-port", 0);
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  GdkFrameClock *clock;
  gint64 target;

  dpx_test_wait_until (gtk_widget_get_mapped (widget), 10000);
  clock = gtk_widget_get_frame_clock (widget);
  target = gdk_frame_clock_get_frame_counter (clock) + n;
  for (guint i = 0; i < n; i++)
    {
      gint64 next = gdk_frame_clock_get_frame_counter (clock) + 1;

      gtk_widget_queue_draw (widget);
      dpx_test_wait_until (gdk_frame_clock_get_frame_counter (clock) >= next, 10000);
    }
  g_assert_cmpint (gdk_frame_clock_get_frame_counter (clock), >=, target);
}

static DpxWindow *
new_window (void)
{
  DpxWindow *window = dpx_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  wait_frames (GTK_WIDGET (window), 2);
  return window;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  reset_settings ();
  fixture->relay = dpx_test_relay_new ();
  fixture->url = dpx_test_relay_url (fixture->relay);
  fixture->window = new_window ();
}

static void
close_window (DpxWindow *window)
{
  g_autoptr(GtkWidget) hold = g_object_ref (GTK_WIDGET (window));

  gtk_window_destroy (GTK_WINDOW (window));
  /* Let the connection's close finish before the next test. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  close_window (fixture->window);
  dpx_relay_stop (fixture->relay);
  dpx_test_wait_until (dpx_relay_get_n_peers (fixture->relay) == 0, 5000);
  g_clear_object (&fixture->relay);
  g_clear_pointer (&fixture->url, g_free);
}

/* Helpers ----------------------------------------------------------------- */

/* The rows of the view, with everything the log holds so far. */
static GListModel *
rows (DpxWindow *window)
{
  dpx_log_view_sync (dpx_window_get_log_view (window));
  return dpx_log_view_get_model (dpx_window_get_log_view (window));
}

/* The position of the last visible row matching, or -1. */
static int
find_row (DpxWindow    *window,
          int           direction,
          int           kind,
          const char   *contains)
{
  GListModel *model = rows (window);

  for (int i = (int) g_list_model_get_n_items (model) - 1; i >= 0; i--)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (model, i);
      GBytes *payload = dpx_log_entry_get_payload (entry);
      gsize size;
      const char *data = g_bytes_get_data (payload, &size);
      g_autofree char *text = g_strndup (data ? data : "", size);

      if (direction >= 0 && (int) dpx_log_entry_get_direction (entry) != direction)
        continue;
      if (kind >= 0 && (int) dpx_log_entry_get_kind (entry) != kind)
        continue;
      if (contains && strstr (text, contains) == NULL)
        continue;
      return i;
    }
  return -1;
}

static guint
count_rows (DpxWindow  *window,
            int         direction,
            int         kind,
            const char *contains)
{
  GListModel *model = rows (window);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (model, i);
      GBytes *payload = dpx_log_entry_get_payload (entry);
      gsize size;
      const char *data = g_bytes_get_data (payload, &size);
      g_autofree char *text = g_strndup (data ? data : "", size);

      if ((direction < 0 || (int) dpx_log_entry_get_direction (entry) == direction) &&
          (kind < 0 || (int) dpx_log_entry_get_kind (entry) == kind) &&
          (contains == NULL || strstr (text, contains) != NULL))
        n++;
    }
  return n;
}

static void
connect_window (DpxWindow  *window,
                const char *url)
{
  DpxSession *session = dpx_window_get_session (window);

  dpx_window_set_url (window, url);
  g_assert_null (dpx_window_get_url_error (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN, 10000);
}

static void
compose_send (DpxWindow      *window,
              DpxComposeMode  mode,
              const char     *text)
{
  DpxCompose *compose = dpx_window_get_compose (window);

  dpx_compose_set_mode (compose, mode);
  dpx_compose_set_text (compose, text);
  g_assert_true (dpx_compose_send (compose));
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("DUPLEX_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;

  /* Revealers and toasts animate for a quarter of a second. */
  wait_frames (widget, 40);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* Tests ------------------------------------------------------------------- */

static void
test_url_validation (Fixture       *fixture,
                     gconstpointer  data)
{
  DpxWindow *window = fixture->window;

  dpx_window_set_url (window, "");
  g_assert_null (dpx_window_get_url_error (window));

  dpx_window_set_url (window, "http://example.com/");
  g_assert_nonnull (dpx_window_get_url_error (window));
  g_assert_nonnull (strstr (dpx_window_get_url_error (window), "ws://"));

  dpx_window_set_url (window, "localhost:4000");
  g_assert_nonnull (dpx_window_get_url_error (window));

  /* Connecting to an invalid URL says why and does not touch the log. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  g_assert_nonnull (dpx_window_get_last_toast (window));
  g_assert_cmpint (dpx_session_get_state (dpx_window_get_session (window)), ==,
                   DPX_CONNECTION_STATE_DISCONNECTED);

  dpx_window_set_url (window, fixture->url);
  g_assert_null (dpx_window_get_url_error (window));
}

static void
test_connect_send_text (Fixture       *fixture,
                        gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  GSettings *settings = dpx_application_get_settings (app);
  g_auto(GStrv) recent = NULL;
  int row;

  g_assert_cmpstr (dpx_window_get_connect_label (window), ==, "Connect");
  connect_window (window, fixture->url);
  g_assert_cmpstr (dpx_window_get_connect_label (window), ==, "Disconnect");
  g_assert_cmpstr (dpx_window_get_state_text (window), ==, "Open");

  /* The handshake is in the log: request, response headers, open. */
  dpx_test_wait_until (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, NULL) >= 0, 5000);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "Connecting to"), >=, 0);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "HTTP 101"), >=, 0);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, "subprotocol"), >=, 0);

  recent = g_settings_get_strv (settings, "recent-urls");
  g_assert_cmpstr (recent[0], ==, fixture->url);

  compose_send (window, DPX_COMPOSE_MODE_TEXT, "hello duplex");
  dpx_test_wait_until (find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "hello duplex") >= 0,
                       5000);
  row = find_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "hello duplex");
  g_assert_cmpint (row, >=, 0);
  g_assert_cmpuint (dpx_session_get_messages_out (session), ==, 1);

  dpx_log_view_select (dpx_window_get_log_view (window), row);
  {
    g_autofree char *detail = dpx_log_view_dup_detail_text (dpx_window_get_log_view (window));

    g_assert_cmpstr (detail, ==, "hello duplex");
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 5000);
  dpx_test_wait_until (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "1000") >= 0, 5000);
  g_assert_cmpstr (dpx_window_get_connect_label (window), ==, "Connect");
  g_assert_cmpstr (dpx_window_get_state_text (window), ==, "Closed · 1000");
  g_assert_false (dpx_session_get_reconnect_pending (session));
}

static void
test_send_json (Fixture       *fixture,
                gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_window_get_compose (window);
  DpxLogView *view = dpx_window_get_log_view (window);
  g_autofree char *detail = NULL;
  int row;

  connect_window (window, fixture->url);

  /* Invalid JSON is flagged as it is typed and refused on send. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (compose, "{\"a\": 1,");
  g_assert_true (dpx_compose_get_message_is_error (compose));
  g_assert_nonnull (strstr (dpx_compose_get_message (compose), "Invalid JSON"));
  g_assert_false (dpx_compose_send (compose));
  g_assert_cmpuint (dpx_session_get_messages_out (dpx_window_get_session (window)), ==, 0);

  dpx_compose_set_text (compose, "{\"a\": 1, \"list\": [true, null, \"x\"]}");
  g_assert_false (dpx_compose_get_message_is_error (compose));
  g_assert_true (dpx_compose_send (compose));
  dpx_test_wait_until ((row = find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "\"list\"")) >= 0,
                       5000);

  /* The detail pane pretty-prints it. */
  dpx_log_view_select (view, row);
  detail = dpx_log_view_dup_detail_text (view);
  g_assert_nonnull (strstr (detail, "\n  \"a\" : 1,\n"));
  g_assert_nonnull (strstr (detail, "\n    true,\n"));
}

static void
test_send_binary (Fixture       *fixture,
                  gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_window_get_compose (window);
  DpxLogView *view = dpx_window_get_log_view (window);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GBytes) file = NULL;
  int row;

  connect_window (window, fixture->url);

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  dpx_compose_set_text (compose, "de ad zz");
  g_assert_true (dpx_compose_get_message_is_error (compose));
  g_assert_false (dpx_compose_send (compose));

  compose_send (window, DPX_COMPOSE_MODE_BINARY, "de ad be ef 00 41 42");
  dpx_test_wait_until ((row = find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL)) >= 0,
                       5000);
  entry = g_list_model_get_item (rows (window), row);
  g_assert_cmpuint (dpx_log_entry_get_size (entry), ==, 7);

  dpx_log_view_select (view, row);
  detail = dpx_log_view_dup_detail_text (view);
  g_assert_nonnull (strstr (detail, "de ad be ef 00 41 42"));
  g_assert_nonnull (strstr (detail, "|.....AB|"));

  /* Base64, the URL-safe alphabet too. */
  dpx_compose_set_encoding (compose, DPX_BINARY_ENCODING_BASE64);
  compose_send (window, DPX_COMPOSE_MODE_BINARY, "3q2-7w");
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL) == 2, 5000);
  g_clear_object (&entry);
  entry = g_list_model_get_item (rows (window),
                                 find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL));
  g_assert_cmpuint (dpx_log_entry_get_size (entry), ==, 4);
  g_assert_cmpint (memcmp (g_bytes_get_data (dpx_log_entry_get_payload (entry), NULL), "\xde\xad\xbe\xef", 4),
                   ==, 0);

  /* A file's bytes, as the file button loads them. */
  file = g_bytes_new_static ("\x01\x02\x03", 3);
  dpx_compose_set_file_bytes (compose, "three.bin", file);
  g_assert_true (dpx_compose_send (compose));
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL) == 3, 5000);
}

static void
test_filter_search (Fixture       *fixture,
                    gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_window_get_log_view (window);
  GListModel *model;
  guint all;

  connect_window (window, fixture->url);
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "apple pie");
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "banana split");
  compose_send (window, DPX_COMPOSE_MODE_BINARY, "ca fe");
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 3, 5000);

  model = rows (window);
  all = g_list_model_get_n_items (model);
  g_assert_cmpuint (all, >=, 9);

  dpx_log_view_set_show_direction (view, DPX_DIRECTION_SENT, FALSE);
  dpx_log_view_set_show_direction (view, DPX_DIRECTION_EVENT, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpuint (count_rows (window, DPX_DIRECTION_SENT, -1, NULL), ==, 0);

  dpx_log_view_set_kind_filter (view, DPX_ENTRY_KIND_BINARY);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  dpx_log_view_set_kind_filter (view, -1);
  dpx_log_view_set_search_text (view, "BANANA");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "banana split"), ==, 0);

  /* Binary payloads match on their hex too. */
  dpx_log_view_set_search_text (view, "cafe");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  dpx_log_view_set_search_text (view, NULL);
  dpx_log_view_set_show_direction (view, DPX_DIRECTION_SENT, TRUE);
  dpx_log_view_set_show_direction (view, DPX_DIRECTION_EVENT, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, all);

  /* New messages pass through the filter too. */
  dpx_log_view_set_show_direction (view, DPX_DIRECTION_RECEIVED, FALSE);
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "cherry");
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_SENT, -1, "cherry") == 1, 5000);
  g_assert_cmpuint (count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL), ==, 0);
  dpx_log_view_set_show_direction (view, DPX_DIRECTION_RECEIVED, TRUE);
}

static void
test_pause_and_clear (Fixture       *fixture,
                      gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_window_get_log_view (window);
  DpxLog *log = dpx_window_get_log (window);
  guint frozen;

  connect_window (window, fixture->url);
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "before");
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_RECEIVED, -1, "before") == 1, 5000);

  dpx_log_view_set_paused (view, TRUE);
  frozen = g_list_model_get_n_items (rows (window));
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "during");
  dpx_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (log)) >= frozen + 2, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (rows (window)), ==, frozen);

  dpx_log_view_set_paused (view, FALSE);
  g_assert_cmpuint (count_rows (window, DPX_DIRECTION_RECEIVED, -1, "during"), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (window), "window.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows (window)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
}

static void
test_export_import (Fixture       *fixture,
                    gconstpointer  data)
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

  connect_window (window, fixture->url);
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "keep me");
  compose_send (window, DPX_COMPOSE_MODE_BINARY, "00 ff");
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 2, 5000);
  n = g_list_model_get_n_items (G_LIST_MODEL (log));

  toasts = dpx_window_get_n_toasts (window);
  dpx_window_export_to_file (window, file);
  dpx_test_wait_until (dpx_window_get_n_toasts (window) > toasts, 10000);
  g_assert_cmpstr (dpx_window_get_last_toast (window), ==, "Log exported");

  gtk_widget_activate_action (GTK_WIDGET (window), "window.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  toasts = dpx_window_get_n_toasts (window);
  dpx_window_import_from_file (window, file);
  dpx_test_wait_until (dpx_window_get_n_toasts (window) > toasts, 10000);
  g_assert_cmpstr (dpx_window_get_last_toast (window), ==, "Log imported");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, n);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "keep me"), >=, 0);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL), >=, 0);

  /* A broken file imports nothing and says which line. */
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    first_line = g_strndup (contents, strchr (contents, '\n') - contents);
  }
  {
    g_autofree char *broken = g_strdup_printf ("%s\n{not json\n", first_line);

    g_assert_true (g_file_set_contents (bad_path, broken, -1, NULL));
  }
  toasts = dpx_window_get_n_toasts (window);
  dpx_window_import_from_file (window, bad);
  dpx_test_wait_until (dpx_window_get_n_toasts (window) > toasts, 10000);
  g_assert_nonnull (strstr (dpx_window_get_last_toast (window), "line 2"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, n);

  g_unlink (path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

static void
test_server_switch (Fixture       *fixture,
                    gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxRelay *relay = dpx_window_get_relay (window);
  DpxServerPanel *panel = dpx_window_get_server_panel (window);
  GSettings *settings = dpx_application_get_settings (app);
  g_autoptr(GSocket) blocker = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  SoupWebsocketConnection *peer;
  g_autoptr(DpxTestPeer) watcher = NULL;  /* owns peer */
  g_autofree char *url = NULL;
  guint taken;

  /* Take a port so the window has to move to the next one. */
  blocker = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (blocker, address, FALSE, NULL));
  g_assert_true (g_socket_listen (blocker, NULL));
  bound = g_socket_get_local_address (blocker, NULL);
  taken = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_settings_set_uint (settings, "server-port", taken);

  dpx_window_set_server_enabled (window, TRUE);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_cmpuint (dpx_relay_get_port (relay), !=, taken);
  g_assert_true (dpx_relay_get_loopback_only (relay));
  g_assert_nonnull (strstr (dpx_window_get_last_toast (window), "was in use"));
  g_assert_false (dpx_server_panel_get_lan_warning_visible (panel));

  url = dpx_relay_dup_url (relay);
  g_assert_cmpstr (dpx_server_panel_get_url_text (panel), ==, url);
  g_assert_cmpstr (dpx_server_panel_get_count_text (panel), ==, "0 clients");

  peer = dpx_test_connect (url, NULL);
  g_assert_nonnull (peer);
  watcher = dpx_test_peer_new (peer);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  g_assert_cmpstr (dpx_server_panel_get_count_text (panel), ==, "1 client");
  dpx_server_panel_refresh (panel);

  /* One click connects the window itself. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.connect-to-server", NULL);
  dpx_test_wait_until (dpx_session_get_state (dpx_window_get_session (window)) == DPX_CONNECTION_STATE_OPEN,
                       5000);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);
  g_assert_cmpstr (dpx_server_panel_get_count_text (panel), ==, "2 clients");

  compose_send (window, DPX_COMPOSE_MODE_TEXT, "to the class");
  dpx_test_wait_until (watcher->messages->len == 1, 5000);

  dpx_server_panel_refresh (panel);
  save_screenshot (GTK_WIDGET (window), "server.png");

  dpx_window_set_server_enabled (window, FALSE);
  g_assert_false (dpx_relay_get_running (relay));
  dpx_test_wait_until (watcher->closed, 5000);
  g_assert_cmpuint (watcher->close_code, ==, 1001);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "stopped"), >=, 0);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "1001"), >=, 0);
  dpx_test_wait_until (dpx_session_get_state (dpx_window_get_session (window)) == DPX_CONNECTION_STATE_CLOSED,
                       5000);
  g_assert_cmpstr (dpx_window_get_state_text (window), ==, "Closed · 1001");
}

static void
test_server_lan (Fixture       *fixture,
                 gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxRelay *relay = dpx_window_get_relay (window);

  g_settings_set_boolean (dpx_application_get_settings (app), "server-lan", TRUE);
  dpx_window_set_server_enabled (window, TRUE);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_false (dpx_relay_get_loopback_only (relay));
  g_assert_cmpstr (dpx_relay_get_host (relay), ==, "0.0.0.0");
  g_assert_true (dpx_server_panel_get_lan_warning_visible (dpx_window_get_server_panel (window)));

  /* Turning the preference off moves the server back to loopback. */
  g_settings_set_boolean (dpx_application_get_settings (app), "server-lan", FALSE);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_true (dpx_relay_get_loopback_only (relay));
  g_assert_false (dpx_server_panel_get_lan_warning_visible (dpx_window_get_server_panel (window)));
  dpx_window_set_server_enabled (window, FALSE);
}

/* The rate limit set in the server panel reaches the running relay. */
static void
test_server_rate (Fixture       *fixture,
                  gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxRelay *relay = dpx_window_get_relay (window);
  GtkSpinButton *spin = dpx_server_panel_get_rate_spin (dpx_window_get_server_panel (window));

  dpx_window_set_server_enabled (window, TRUE);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 0);

  gtk_spin_button_set_value (spin, 50);
  g_assert_cmpuint (g_settings_get_uint (dpx_application_get_settings (app), "server-max-rate"), ==, 50);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 50);

  gtk_spin_button_set_value (spin, 0);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 0);
  dpx_window_set_server_enabled (window, FALSE);
}

static void
test_two_windows (Fixture       *fixture,
                  gconstpointer  data)
{
  DpxWindow *teacher = fixture->window;
  DpxWindow *student = new_window ();
  g_autofree char *url = NULL;

  dpx_window_set_server_enabled (teacher, TRUE);
  url = dpx_relay_dup_url (dpx_window_get_relay (teacher));
  gtk_widget_activate_action (GTK_WIDGET (teacher), "window.connect-to-server", NULL);
  dpx_test_wait_until (dpx_session_get_state (dpx_window_get_session (teacher)) == DPX_CONNECTION_STATE_OPEN,
                       5000);
  dpx_window_open_url (student, url);
  dpx_test_wait_until (dpx_session_get_state (dpx_window_get_session (student)) == DPX_CONNECTION_STATE_OPEN,
                       5000);

  compose_send (student, DPX_COMPOSE_MODE_TEXT, "question from the back row");
  dpx_test_wait_until (find_row (teacher, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "back row") >= 0, 5000);

  compose_send (teacher, DPX_COMPOSE_MODE_JSON, "{\"answer\": 42}");
  dpx_test_wait_until (find_row (student, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "answer") >= 0, 5000);

  close_window (student);
  dpx_test_wait_until (dpx_relay_get_n_peers (dpx_window_get_relay (teacher)) == 1, 5000);
  dpx_window_set_server_enabled (teacher, FALSE);
}

static void
test_reconnect (Fixture       *fixture,
                gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  g_autoptr(GError) error = NULL;
  guint port = dpx_relay_get_port (fixture->relay);
  gint64 lost;

  g_settings_set_boolean (dpx_application_get_settings (app), "auto-reconnect", TRUE);
  connect_window (window, fixture->url);

  /* The server goes away: the window tries again after 1 s, then 2 s. */
  dpx_relay_stop (fixture->relay);
  lost = g_get_monotonic_time ();
  dpx_test_wait_until (dpx_session_get_reconnect_pending (session), 5000);
  g_assert_cmpuint (dpx_session_get_reconnect_attempt (session), ==, 1);
  g_assert_cmpuint (dpx_session_get_reconnect_delay (session), ==, 2000);
  g_assert_cmpstr (dpx_window_get_state_text (window), ==, "Reconnecting");
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
  connect_window (window, fixture->url);
  dpx_relay_stop (fixture->relay);
  dpx_test_wait_until (dpx_session_get_reconnect_pending (session), 5000);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  g_assert_false (dpx_session_get_reconnect_pending (session));
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, "cancelled"), >=, 0);
}

static void
test_close_code (Fixture       *fixture,
                 gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_window_get_compose (window);
  g_autofree char *long_reason = g_strnfill (124, 'x');

  connect_window (window, fixture->url);

  g_assert_false (dpx_compose_close_connection (compose, 1005, NULL));
  g_assert_nonnull (strstr (dpx_compose_get_close_error (compose), "1005"));
  g_assert_false (dpx_compose_close_connection (compose, 1000, long_reason));
  g_assert_nonnull (strstr (dpx_compose_get_close_error (compose), "123"));
  g_assert_cmpint (dpx_session_get_state (dpx_window_get_session (window)), ==, DPX_CONNECTION_STATE_OPEN);

  g_assert_true (dpx_compose_close_connection (compose, 4001, "lesson over"));
  g_assert_null (dpx_compose_get_close_error (compose));
  dpx_test_wait_until (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "4001") >= 0, 5000);
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_CLOSE, "lesson over"), >=, 0);
}

static void
test_history_and_repeat (Fixture       *fixture,
                         gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_window_get_compose (window);
  g_autofree char *text = NULL;

  connect_window (window, fixture->url);
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "one");
  compose_send (window, DPX_COMPOSE_MODE_JSON, "[2]");
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "draft");

  dpx_compose_history_move (compose, -1);
  text = dpx_compose_dup_text (compose);
  g_assert_cmpstr (text, ==, "[2]");
  g_assert_cmpint (dpx_compose_get_mode (compose), ==, DPX_COMPOSE_MODE_JSON);
  g_free (text);
  dpx_compose_history_move (compose, -1);
  text = dpx_compose_dup_text (compose);
  g_assert_cmpstr (text, ==, "one");
  g_free (text);
  dpx_compose_history_move (compose, -1);
  text = dpx_compose_dup_text (compose);
  g_assert_cmpstr (text, ==, "one");
  g_free (text);
  dpx_compose_history_move (compose, 1);
  dpx_compose_history_move (compose, 1);
  text = dpx_compose_dup_text (compose);
  g_assert_cmpstr (text, ==, "draft");

  /* Heartbeats: sent again and again until stopped. */
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "beat");
  dpx_compose_set_repeat (compose, TRUE, 20);
  g_assert_true (dpx_compose_send (compose));
  g_assert_true (dpx_compose_get_repeating (compose));
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_SENT, -1, "beat") >= 4, 5000);
  dpx_compose_send (compose);
  g_assert_false (dpx_compose_get_repeating (compose));
  dpx_compose_set_repeat (compose, FALSE, 1000);
}

static void
test_error_toast (Fixture       *fixture,
                  gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxSession *session = dpx_window_get_session (window);
  guint port = dpx_relay_get_port (fixture->relay);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", port);
  guint toasts = dpx_window_get_n_toasts (window);

  /* Nothing listens there any more. */
  dpx_relay_stop (fixture->relay);
  dpx_window_set_url (window, url);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_CLOSED, 10000);
  dpx_test_wait_until (dpx_window_get_n_toasts (window) > toasts, 5000);
  g_assert_nonnull (strstr (dpx_window_get_last_toast (window), "refused"));
  g_assert_cmpint (find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_ERROR, "refused"), >=, 0);
  g_assert_cmpstr (dpx_window_get_state_text (window), ==, "Failed");

  save_screenshot (GTK_WIDGET (window), "error.png");

  /* Sending while closed is refused in words, not with a warning. */
  dpx_compose_set_mode (dpx_window_get_compose (window), DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (dpx_window_get_compose (window), "anyone?");
  g_assert_false (dpx_compose_send (dpx_window_get_compose (window)));
  g_assert_nonnull (strstr (dpx_compose_get_message (dpx_window_get_compose (window)), "Not connected"));
}

static void
test_log_cap (Fixture       *fixture,
              gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);

  g_settings_set_uint (dpx_application_get_settings (app), "log-max-entries", 1000);
  g_assert_cmpuint (dpx_log_get_max_entries (log), ==, 1000);

  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      g_autoptr(DpxLogEntry) entry = dpx_log_entry_new_event ("test", DPX_ENTRY_KIND_INFO, text);

      dpx_log_append (log, entry);
    }
  g_assert_cmpuint (g_list_model_get_n_items (rows (window)), ==, 1000);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 500);
  wait_frames (GTK_WIDGET (window), 2);

  /* Following the end: the view stays at the bottom as rows arrive. */
  g_assert_true (dpx_log_view_get_sticky (dpx_window_get_log_view (window)));
}

/* A flood through the log's ring: the oldest rows leave the list in chunks
 * while new ones arrive, the view following the end. GTK 4.8's list view
 * must survive it. */
static void
test_flood_rows (Fixture       *fixture,
                 gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  guint64 appended = 0;
  gint64 end;

  g_settings_set_uint (dpx_application_get_settings (app), "log-max-entries", 5000);
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < 1500; i++)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_static ("{\"flood\":true}", 14);
          g_autoptr(DpxLogEntry) entry = dpx_log_entry_new_now ("flood", DPX_DIRECTION_RECEIVED,
                                                                DPX_ENTRY_KIND_TEXT, bytes);

          dpx_log_append (log, entry);
          appended++;
        }
      wait_frames (GTK_WIDGET (window), 1);
    }
  dpx_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (rows (window)), ==, 5000);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, appended - 5000);
  wait_frames (GTK_WIDGET (window), 3);
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, css_class);

      if (found)
        return found;
    }
  return NULL;
}

/* Every row the list view shows has drawn its entry; returns how many, and
 * the text of the last one. */
static guint
assert_rows_drawn (GtkWidget  *list,
                   char      **last_text)
{
  guint in_sight = 0;
  double last_y = -1;

  for (GtkWidget *item = gtk_widget_get_first_child (list);
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      DpxLogEntry *entry;
      graphene_rect_t bounds;

      /* GTK 4.8 neither allocates nor draws rows out of sight. */
      if (!DPX_IS_LOG_ROW (row) || !gtk_widget_get_child_visible (item) ||
          !(entry = dpx_log_row_get_entry (DPX_LOG_ROW (row))))
        continue;
      g_assert_true (gtk_widget_compute_bounds (row, list, &bounds));
      if (bounds.origin.y + bounds.size.height <= 0 ||
          bounds.origin.y >= gtk_widget_get_height (list))
        continue;
      in_sight++;
      g_assert_true (dpx_log_row_get_drawn (DPX_LOG_ROW (row)));
      if (last_text && bounds.origin.y > last_y)
        {
          gsize size;
          const char *data = g_bytes_get_data (dpx_log_entry_get_payload (entry), &size);

          last_y = bounds.origin.y;
          g_free (*last_text);
          *last_text = g_strndup (data, size);
        }
    }
  return in_sight;
}

static void
append_events (DpxLog *log,
               guint   first,
               guint   n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *text = g_strdup_printf ("row %u", i);
      g_autoptr(DpxLogEntry) entry = dpx_log_entry_new_event ("test", DPX_ENTRY_KIND_INFO, text);

      dpx_log_append (log, entry);
    }
}

/* A burst into an empty list, with the view following the end, then
 * scrolled to the top, trimmed under the top, and scrolled half way: the
 * rows in sight are drawn each time. (GTK 4.8 divides by zero if asked to
 * scroll before the list has its size: the view must wait for a layout.) */
static void
test_rows_in_sight (Fixture       *fixture,
                    gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  GtkWidget *list = find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW, "log-list");
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_autofree char *last = NULL;

  g_settings_set_uint (dpx_application_get_settings (app), "log-max-entries", 5000);
  append_events (log, 0, 3000);
  rows (window);
  wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, &last), >=, 5);
  g_assert_cmpstr (last, ==, "row 2999");
  g_assert_true (dpx_log_view_get_sticky (dpx_window_get_log_view (window)));

  /* Up to the top: following stops. */
  gtk_widget_activate_action (list, "list.scroll-to-item", "u", 0);
  wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  g_assert_cmpuint (assert_rows_drawn (list, NULL), >=, 5);
  g_assert_false (dpx_log_view_get_sticky (dpx_window_get_log_view (window)));

  /* The log trims the rows on screen: the next ones move up into sight. */
  append_events (log, 3000, 2100);
  rows (window);
  wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, NULL), >=, 5);

  /* Half way down, by the scroll bar. */
  gtk_adjustment_set_value (adj,
                            (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj)) / 2);
  wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, NULL), >=, 5);

  /* Back to the end: following resumes. */
  gtk_widget_activate_action (list, "list.scroll-to-item", "u", 4999);
  wait_frames (GTK_WIDGET (window), 3);
  g_assert_true (dpx_log_view_get_sticky (dpx_window_get_log_view (window)));
  append_events (log, 5100, 10);
  rows (window);
  wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, &last), >=, 5);
  g_assert_cmpstr (last, ==, "row 5109");
}

/* Screenshots ------------------------------------------------------------- */

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_window_get_log_view (window);
  GtkWidget *settings_dialog;
  int row;

  if (g_getenv ("DUPLEX_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("set DUPLEX_SCREENSHOT_DIR to save screenshots");
      return;
    }

  dpx_window_set_url (window, "");
  save_screenshot (GTK_WIDGET (window), "empty.png");

  connect_window (window, fixture->url);
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "hello, is anyone there?");
  compose_send (window, DPX_COMPOSE_MODE_JSON,
                "{\"type\": \"subscribe\", \"channel\": \"prices\", \"symbols\": [\"EUR\", \"USD\"], \"depth\": 10}");
  compose_send (window, DPX_COMPOSE_MODE_BINARY, "89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52 00 00 01 00");
  compose_send (window, DPX_COMPOSE_MODE_TEXT, "ping");
  dpx_test_wait_until (count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 4, 5000);
  row = find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "subscribe");
  dpx_log_view_select (view, row);
  dpx_compose_set_mode (dpx_window_get_compose (window), DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (dpx_window_get_compose (window), "{\"type\": \"unsubscribe\", \"channel\": \"prices\"}");
  save_screenshot (GTK_WIDGET (window), "main.png");

  g_settings_set_value (dpx_application_get_settings (app), "request-headers",
                        g_variant_new_parsed ("[('Authorization', 'Bearer 7f3a…'), ('X-Client', 'classroom-3')]"));
  g_settings_set_strv (dpx_application_get_settings (app), "subprotocols",
                       (const char * const[]) { "chat.v2", "chat.v1", NULL });
  g_settings_set_boolean (dpx_application_get_settings (app), "accept-invalid-certificates", TRUE);
  settings_dialog = dpx_window_show_connection_settings (window);
  wait_frames (settings_dialog, 4);
  save_screenshot (settings_dialog, "settings.png");
  gtk_window_destroy (GTK_WINDOW (settings_dialog));

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_screenshot (GTK_WIDGET (window), "dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

/* Finds the window's shortcut for @accelerator, as the user would press it. */
static GtkShortcut *
find_shortcut (GtkWidget  *widget,
               const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (trigger, accelerator))
            return g_steal_pointer (&shortcut);
        }
    }
  return NULL;
}

static void
press (DpxWindow  *window,
       const char *accelerator)
{
  g_autoptr(GtkShortcut) shortcut = find_shortcut (GTK_WIDGET (window), accelerator);

  g_assert_nonnull (shortcut);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                               GTK_WIDGET (window), NULL));
  wait_frames (GTK_WIDGET (window), 1);
}

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
test_keyboard_shortcuts (Fixture       *fixture,
                         gconstpointer  data)
{
  DpxWindow *window = fixture->window;
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
  static const char *accelerators[] = { "<Control>l", "<Control>f", "<Control>k", "<Control>s",
                                        "<Control>o", "<Control>Return" };

  g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
  g_assert_true (g_strv_contains ((const char * const *) help, "<Control>question"));
  for (guint i = 0; i < G_N_ELEMENTS (accelerators); i++)
    {
      g_autoptr(GtkShortcut) shortcut = find_shortcut (GTK_WIDGET (window), accelerators[i]);
      g_assert_nonnull (shortcut);
    }

  press (window, "<Control>f");
  g_assert_true (focus_in (window, GTK_TYPE_SEARCH_ENTRY));
  press (window, "<Control>l");
  g_assert_true (focus_in (window, GTK_TYPE_ENTRY));
  g_assert_false (focus_in (window, GTK_TYPE_SEARCH_ENTRY));

  connect_window (window, fixture->url);
  dpx_compose_set_mode (dpx_window_get_compose (window), DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (dpx_window_get_compose (window), "sent from the keyboard");
  press (window, "<Control>Return");
  dpx_test_wait_until (find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                 "sent from the keyboard") >= 0, 5000);

  press (window, "<Control>k");
  dpx_test_wait_until (g_list_model_get_n_items (rows (window)) == 0, 5000);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found)
        return found;
    }
  return NULL;
}

/* Only strict JSON passes the JSON mode; a chosen file locks the text only
 * in binary mode; a lone base64 character is not a byte. */
static void
test_compose_validation (Fixture       *fixture,
                         gconstpointer  data)
{
  DpxCompose *compose = dpx_window_get_compose (fixture->window);
  static const char *lenient[] = { "var a = {\"x\": 1}", "{\"a\": 1} /* c */", "{'a': 1}",
                                   "{\"a\":1}{\"b\":2}" };
  g_autoptr(GBytes) file = g_bytes_new_static ("\x01\x02", 2);
  GtkWidget *text_view;

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  for (guint i = 0; i < G_N_ELEMENTS (lenient); i++)
    {
      dpx_compose_set_text (compose, lenient[i]);
      g_assert_true (dpx_compose_get_message_is_error (compose));
      g_assert_true (g_str_has_prefix (dpx_compose_get_message (compose), "Invalid JSON"));
    }
  dpx_compose_set_text (compose, "{\"a\": [1, 2]}");
  g_assert_false (dpx_compose_get_message_is_error (compose));

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  dpx_compose_set_encoding (compose, DPX_BINARY_ENCODING_BASE64);
  dpx_compose_set_text (compose, "A");
  g_assert_true (dpx_compose_get_message_is_error (compose));

  dpx_compose_set_file_bytes (compose, "two.bin", file);
  text_view = find_descendant (GTK_WIDGET (compose), GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (text_view);
  g_assert_false (gtk_widget_get_sensitive (text_view));
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  g_assert_true (gtk_widget_get_sensitive (text_view));
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  g_assert_false (gtk_widget_get_sensitive (text_view));
}

static GtkWidget *
find_spin_with_upper (GtkWidget *widget,
                      double     upper)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_SPIN_BUTTON (child) &&
          gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (child))) == upper)
        return child;
      if ((found = find_spin_with_upper (child, upper)))
        return found;
    }
  return NULL;
}

/* The local server's message limit is set in KiB in the preferences and
 * reaches the relay in bytes. */
static void
test_preferences_message_size (Fixture       *fixture,
                               gconstpointer  data)
{
  GSettings *settings = dpx_application_get_settings (app);
  GtkWidget *preferences = dpx_preferences_window_new (settings);
  GtkWidget *spin = NULL;
  DpxRelay *relay;

  /* The one spin button that goes up to 1 GiB in KiB. */
  spin = find_spin_with_upper (preferences, 1048576);
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 1024);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 4096);
  g_assert_cmpuint (g_settings_get_uint64 (settings, "server-max-message-size"), ==, 4 * 1024 * 1024);
  dpx_window_set_server_enabled (fixture->window, TRUE);
  relay = dpx_window_get_relay (fixture->window);
  dpx_test_wait_until (relay != NULL && dpx_relay_get_running (relay), 5000);
  g_assert_cmpuint (dpx_relay_get_max_message_size (relay), ==, 4 * 1024 * 1024);
  dpx_window_set_server_enabled (fixture->window, FALSE);
  gtk_window_destroy (GTK_WINDOW (preferences));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  /* As the app's main() does, so LANGUAGE=ru with DUPLEX_LOCALEDIR set to a
   * build's po/ gives screenshots in Russian. */
  dpx_setup_locale ();

  g_test_init (&argc, &argv, NULL);

  app = dpx_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/window/url-validation", test_url_validation);
  ADD ("/window/connect-send-text", test_connect_send_text);
  ADD ("/window/send-json", test_send_json);
  ADD ("/window/send-binary", test_send_binary);
  ADD ("/window/filter-search", test_filter_search);
  ADD ("/window/pause-and-clear", test_pause_and_clear);
  ADD ("/window/export-import", test_export_import);
  ADD ("/window/server-switch", test_server_switch);
  ADD ("/window/server-lan", test_server_lan);
  ADD ("/window/server-rate", test_server_rate);
  ADD ("/window/two-windows", test_two_windows);
  ADD ("/window/reconnect", test_reconnect);
  ADD ("/window/close-code", test_close_code);
  ADD ("/window/history-and-repeat", test_history_and_repeat);
  ADD ("/window/error-toast", test_error_toast);
  ADD ("/window/log-cap", test_log_cap);
  ADD ("/window/flood-rows", test_flood_rows);
  ADD ("/window/rows-in-sight", test_rows_in_sight);
  ADD ("/window/keyboard-shortcuts", test_keyboard_shortcuts);
  ADD ("/window/compose-validation", test_compose_validation);
  ADD ("/window/preferences-message-size", test_preferences_message_size);
  ADD ("/window/screenshots", test_screenshots);

  return g_test_run ();
}
