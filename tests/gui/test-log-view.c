/* test-log-view.c: the message list, its filters, pause and following
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dpx-gui-test.h"
#include "dpx-detail-pane.h"
#include "dpx-log-row.h"

/* Standalone -------------------------------------------------------------- */

static void
assert_boolean_notify (gpointer    object,
                       const char *property)
{
  g_auto(GValue) off = G_VALUE_INIT;
  g_auto(GValue) on = G_VALUE_INIT;

  g_value_init (&off, G_TYPE_BOOLEAN);
  g_value_init (&on, G_TYPE_BOOLEAN);
  g_value_set_boolean (&on, TRUE);
  dpx_test_assert_property_notify (object, property, &on, &off);
}

/* The filters and the pause are properties that notify once per change;
 * the toolbar's toggles are their property actions. */
static void
test_properties (void)
{
  DpxLogView *view = g_object_ref_sink (g_object_new (DPX_TYPE_LOG_VIEW, NULL));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (view));
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxLog) other = dpx_log_new ();
  g_auto(GValue) all = G_VALUE_INIT;
  g_auto(GValue) binary = G_VALUE_INIT;
  g_auto(GValue) first = G_VALUE_INIT;
  g_auto(GValue) second = G_VALUE_INIT;
  GtkWidget *pause;

  g_value_init (&first, DPX_TYPE_LOG);
  g_value_init (&second, DPX_TYPE_LOG);
  g_value_set_object (&first, log);
  g_value_set_object (&second, other);
  dpx_test_assert_property_notify (view, "log", &first, &second);
  g_value_unset (&first);
  g_value_unset (&second);

  assert_boolean_notify (view, "paused");
  assert_boolean_notify (view, "show-sent");
  assert_boolean_notify (view, "show-received");
  assert_boolean_notify (view, "show-events");

  g_value_init (&all, G_TYPE_INT);
  g_value_init (&binary, G_TYPE_INT);
  g_value_set_int (&all, -1);
  g_value_set_int (&binary, DPX_ENTRY_KIND_BINARY);
  dpx_test_assert_property_notify (view, "kind-filter", &all, &binary);

  /* The pause button follows the property and sets it. */
  pause = dpx_gui_test_find_actionable (GTK_WIDGET (view), "logview.pause");
  g_assert_nonnull (pause);
  dpx_log_view_set_paused (view, TRUE);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pause)));
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.pause", NULL);
  g_assert_false (dpx_log_view_get_paused (view));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pause)));
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-sent", NULL);
  g_assert_false (dpx_gui_test_get_boolean (view, "show-sent"));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (view);
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&other));
}

/* In a window ------------------------------------------------------------- */

static void
test_filter_search (DpxWindowFixture *fixture,
                    gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GListModel *model;
  guint all;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "apple pie");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "banana split");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "ca fe");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 3,
                       5000);

  model = dpx_gui_test_rows (window);
  all = g_list_model_get_n_items (model);
  g_assert_cmpuint (all, >=, 9);

  g_object_set (view, "show-sent", FALSE, "show-events", FALSE, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, -1, NULL), ==, 0);

  g_object_set (view, "kind-filter", DPX_ENTRY_KIND_BINARY, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  g_object_set (view, "kind-filter", -1, NULL);
  dpx_log_view_set_search_text (view, "BANANA");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpint (dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                          "banana split"), ==, 0);

  /* Binary payloads match on their hex too. */
  dpx_log_view_set_search_text (view, "cafe");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* The toolbar's toggles are the same properties. */
  dpx_log_view_set_search_text (view, NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-sent", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-events", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, all);

  /* New messages pass through the filter too. */
  g_object_set (view, "show-received", FALSE, NULL);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "cherry");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, -1, "cherry") == 1,
                       5000);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL), ==, 0);
  g_object_set (view, "show-received", TRUE, NULL);
}

static guint
n_hidden (DpxLogView *view)
{
  guint n;

  g_object_get (view, "n-hidden", &n, NULL);
  return n;
}

/* A filter that is on says so above the list, with how many rows it
 * hides, and Show All turns every filter off. */
static void
test_filter_says_hidden (DpxWindowFixture *fixture,
                         gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *bar = dpx_gui_test_find (GTK_WIDGET (view), GTK_TYPE_BOX, "filter-bar");
  GtkRevealer *revealer;
  GtkLabel *label;
  g_autofree char *expected = NULL;
  guint all;

  g_assert_nonnull (bar);
  revealer = GTK_REVEALER (gtk_widget_get_parent (bar));
  label = GTK_LABEL (dpx_gui_test_find (bar, GTK_TYPE_LABEL, NULL));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "one");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "two");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL) == 2,
                       5000);
  dpx_log_view_sync (view);
  all = g_list_model_get_n_items (dpx_gui_test_rows (window));

  g_object_set (view, "show-received", FALSE, NULL);
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpuint (n_hidden (view), ==, 2);
  expected = g_strdup_printf ("Filtered: 2 of %u rows are hidden", all);
  g_assert_cmpstr (gtk_label_get_text (label), ==, expected);

  /* Rows the filter takes as they arrive are counted too. */
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "three");
  dpx_test_wait_until (n_hidden (view) == 3, 5000);
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "filter.png");

  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-all", NULL);
  g_assert_true (dpx_gui_test_get_boolean (view, "show-received"));
  g_assert_cmpuint (n_hidden (view), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  /* A search is a filter as well. */
  dpx_log_view_sync (view);
  dpx_log_view_set_search_text (view, "two");
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpuint (n_hidden (view), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (dpx_window_get_log (window))) -
                    g_list_model_get_n_items (dpx_gui_test_rows (window)));
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-all", NULL);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
}

static void
test_pause_and_clear (DpxWindowFixture *fixture,
                      gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  DpxLog *log = dpx_window_get_log (window);
  guint frozen;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "before");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1,
                                                "before") == 1, 5000);

  dpx_log_view_set_paused (view, TRUE);
  frozen = g_list_model_get_n_items (dpx_gui_test_rows (window));
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "during");
  dpx_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (log)) >= frozen + 2, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_gui_test_rows (window)), ==, frozen);

  dpx_log_view_set_paused (view, FALSE);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, "during"), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (window), "window.clear", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_gui_test_rows (window)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
}

static void
test_log_cap (DpxWindowFixture *fixture,
              gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  DpxLogView *view = dpx_gui_test_get (window, "log-view");

  g_settings_set_uint (dpx_gui_test_get_settings (), "log-max-entries", 1000);
  g_assert_cmpuint (dpx_log_get_max_entries (log), ==, 1000);

  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      g_autoptr(DpxLogEntry) entry = dpx_log_entry_new_event ("test", DPX_ENTRY_KIND_INFO, text);

      dpx_log_append (log, entry);
    }
  g_assert_cmpuint (g_list_model_get_n_items (dpx_gui_test_rows (window)), ==, 1000);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 500);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);

  /* Following the end: the view stays at the bottom as rows arrive. */
  g_assert_true (dpx_gui_test_get_boolean (view, "sticky"));
}

/* A flood through the log's ring: the oldest rows leave the list in chunks
 * while new ones arrive, the view following the end. GTK 4.8's list view
 * must survive it. */
static void
test_flood_rows (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  guint64 appended = 0;
  gint64 end;

  g_settings_set_uint (dpx_gui_test_get_settings (), "log-max-entries", 5000);
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
      dpx_gui_test_wait_frames (GTK_WIDGET (window), 1);
    }
  dpx_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_gui_test_rows (window)), ==, 5000);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, appended - 5000);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
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
test_rows_in_sight (DpxWindowFixture *fixture,
                    gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLog *log = dpx_window_get_log (window);
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *list = dpx_gui_test_find (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW, "log-list");
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_autofree char *last = NULL;

  g_settings_set_uint (dpx_gui_test_get_settings (), "log-max-entries", 5000);
  append_events (log, 0, 3000);
  dpx_gui_test_rows (window);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, &last), >=, 5);
  g_assert_cmpstr (last, ==, "row 2999");
  g_assert_true (dpx_gui_test_get_boolean (view, "sticky"));

  /* Up to the top: following stops. */
  gtk_widget_activate_action (list, "list.scroll-to-item", "u", 0);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 0);
  g_assert_cmpuint (assert_rows_drawn (list, NULL), >=, 5);
  g_assert_false (dpx_gui_test_get_boolean (view, "sticky"));

  /* The log trims the rows on screen: the next ones move up into sight. */
  append_events (log, 3000, 2100);
  dpx_gui_test_rows (window);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, NULL), >=, 5);

  /* Half way down, by the scroll bar. */
  gtk_adjustment_set_value (adj,
                            (gtk_adjustment_get_upper (adj) -
                             gtk_adjustment_get_page_size (adj)) / 2);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, NULL), >=, 5);

  /* Back to the end: following resumes. */
  gtk_widget_activate_action (list, "list.scroll-to-item", "u", 4999);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_true (dpx_gui_test_get_boolean (view, "sticky"));
  append_events (log, 5100, 10);
  dpx_gui_test_rows (window);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (assert_rows_drawn (list, &last), >=, 5);
  g_assert_cmpstr (last, ==, "row 5109");
}

/* The keep-alive's pings and the server's pongs are rows of their own,
 * filterable by kind, with their payload in the detail pane; the pong is
 * marked as the keep-alive's, with its round trip. */
static void
test_control_frames (DpxWindowFixture *fixture,
                     gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkLabel *title_label;
  GListModel *model;
  int row;

  dpx_connection_options_set_keepalive_interval (dpx_connection_page_get_options (dpx_window_get_current_page (window)), 1);
  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "{\"ping\": \"not a control frame\"}");
  dpx_test_wait_until (dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG, NULL) >= 0,
                       10000);
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_PING, NULL));
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "control-frames.png");

  /* Only the pings: one kind, sent. */
  model = dpx_gui_test_rows (window);
  g_object_set (view, "kind-filter", DPX_ENTRY_KIND_PING, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, -1, NULL), ==, 0);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, -1, DPX_ENTRY_KIND_TEXT, NULL), ==, 0);
  g_object_set (view, "kind-filter", -1, NULL);

  row = dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG, NULL);
  dpx_log_view_select (view, row);
  g_free (dpx_gui_test_dup_detail_text (window));
  title_label = GTK_LABEL (gtk_widget_get_template_child (dpx_gui_test_find (GTK_WIDGET (window), DPX_TYPE_DETAIL_PANE, NULL),
                                                         DPX_TYPE_DETAIL_PANE, "title_label"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (title_label), "Received pong · keepalive · "));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (title_label), " ms"));
}

/* Row actions ------------------------------------------------------------- */

/* The window with its open popover drawn where it is on screen: a popover
 * is a surface of its own, which the window's paintable leaves out. */
static void
save_screenshot_with_popover (GtkWidget  *window,
                              GtkWidget  *popover,
                              const char *name)
{
  const char *dir = g_getenv ("DUPLEX_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) window_paintable = NULL;
  g_autoptr(GdkPaintable) popover_paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  double window_x, window_y, popover_x, popover_y;
  GdkSurface *surface;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;
  dpx_gui_test_wait_frames (window, 40);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  surface = gtk_native_get_surface (GTK_NATIVE (popover));

  window_paintable = gtk_widget_paintable_new (window);
  popover_paintable = gtk_widget_paintable_new (popover);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (window_paintable, GDK_SNAPSHOT (snapshot), width, height);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (surface)) -
                                                window_x + popover_x,
                                                gdk_popup_get_position_y (GDK_POPUP (surface)) -
                                                window_y + popover_y));
  gdk_paintable_snapshot (popover_paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (popover), gtk_widget_get_height (popover));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static GtkWidget *
get_list (DpxWindow *window)
{
  GtkWidget *view = GTK_WIDGET (dpx_gui_test_get (window, "log-view"));

  return dpx_gui_test_find (view, GTK_TYPE_LIST_VIEW, "log-list");
}

static void
count_signal (gpointer  instance,
              gpointer  entry,
              guint    *count)
{
  (*count)++;
}

/* Send Again from a row's menu (Menu or Shift+F10 on the focused list) and
 * from its key (Ctrl+R): the message goes out again, byte for byte, and
 * the relay echoes it each time. Events and pings cannot be sent again. */
static void
test_send_again (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *list = get_list (window);
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x00\xff\x10", 3);
  GtkWidget *menu;
  guint asked = 0;
  int row;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "say it again");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "say it again");

  /* The menu, from the keyboard, under the sent row. */
  row = dpx_gui_test_find_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "say it again");
  dpx_log_view_select (view, row);
  gtk_widget_grab_focus (list);
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  dpx_gui_test_press (list, "Menu");
  menu = dpx_gui_test_find (GTK_WIDGET (view), GTK_TYPE_POPOVER_MENU, NULL);
  g_assert_nonnull (menu);
  dpx_test_wait_until (gtk_widget_get_mapped (menu), 5000);
  save_screenshot_with_popover (GTK_WIDGET (window), menu, "log-actions.png");
  g_assert_true (gtk_widget_activate_action (menu, "log.send-again", NULL));
  gtk_popover_popdown (GTK_POPOVER (menu));
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                                "say it again") == 2, 5000);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT,
                                             "say it again"), ==, 2);

  /* A right click on the received row selects it and opens the menu
   * there. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (list);
    GtkGesture *click = NULL;
    GtkWidget *received_row = NULL;
    g_autoptr(DpxLogEntry) received = NULL;
    graphene_point_t at;

    row = dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "say it again");
    received = g_list_model_get_item (dpx_gui_test_rows (window), row);
    for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          click = GTK_GESTURE (controller);
      }
    g_assert_nonnull (click);
    dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
    for (GtkWidget *item = gtk_widget_get_first_child (list); item; item = gtk_widget_get_next_sibling (item))
      if (DPX_IS_LOG_ROW (gtk_widget_get_first_child (item)) &&
          dpx_log_row_get_entry (DPX_LOG_ROW (gtk_widget_get_first_child (item))) == received)
        received_row = gtk_widget_get_first_child (item);
    g_assert_nonnull (received_row);
    g_assert_true (gtk_widget_compute_point (received_row, list, &GRAPHENE_POINT_INIT (200, 8), &at));
    g_signal_emit_by_name (click, "pressed", 1, (double) at.x, (double) at.y);
    g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (dpx_gui_test_rows (window))),
                      ==, (guint) row);
    dpx_test_wait_until (gtk_widget_get_mapped (menu), 5000);
    gtk_popover_popdown (GTK_POPOVER (menu));
  }

  /* A received binary message, by its key: the same bytes, binary. */
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "00 ff 10");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY,
                                                NULL) == 1, 5000);
  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_BINARY, NULL));
  dpx_gui_test_press (list, "<Control>r");
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY,
                                                NULL) == 2, 5000);
  {
    GListModel *model = dpx_gui_test_rows (window);
    g_autoptr(DpxLogEntry) last = NULL;

    row = dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, NULL);
    last = g_list_model_get_item (model, row);
    g_assert_true (g_bytes_equal (dpx_log_entry_get_payload (last), binary));
  }

  /* An event: the actions are off (their keys do nothing), nothing is
   * asked or sent. */
  g_signal_connect (view, "send-again", G_CALLBACK (count_signal), &asked);
  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN,
                                                    NULL));
  {
    g_autoptr(GtkShortcut) send_again = dpx_gui_test_find_shortcut (list, "<Control>r");
    g_autoptr(GtkShortcut) copy = dpx_gui_test_find_shortcut (list, "<Control>c");

    g_assert_false (gtk_shortcut_action_activate (gtk_shortcut_get_action (send_again), 0, list,
                                                  NULL));
    /* What is not a message can still be copied. */
    g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (copy), 0, list, NULL));
  }
  gtk_widget_activate_action (GTK_WIDGET (view), "log.send-again", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "log.edit", NULL);
  g_assert_cmpuint (asked, ==, 0);
  g_signal_handlers_disconnect_by_func (view, count_signal, &asked);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, DPX_DIRECTION_SENT, -1, NULL), ==, 4);
}

/* Edit and Send puts the message in the compose box in its mode: JSON
 * text in JSON mode, binary as hex in binary mode; changed and sent, the
 * relay echoes the new one. */
static void
test_edit_and_send (DpxWindowFixture *fixture,
                    gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  GtkWidget *list = get_list (window);
  g_autofree char *text = NULL;
  g_autofree char *hex = NULL;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "ca fe");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "{\"n\":1}");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "{\"n\":1}");
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "something else");

  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_TEXT, "{\"n\":1}"));
  dpx_gui_test_press (list, "<Control>e");
  g_assert_cmpint (dpx_compose_get_mode (compose), ==, DPX_COMPOSE_MODE_JSON);
  text = dpx_compose_dup_text (compose);
  g_assert_cmpstr (text, ==, "{\"n\":1}");
  dpx_compose_set_text (compose, "{\"n\":2}");
  g_assert_true (dpx_compose_send (compose));
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "{\"n\":2}");

  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_SENT,
                                                    DPX_ENTRY_KIND_BINARY, NULL));
  gtk_widget_activate_action (GTK_WIDGET (view), "log.edit", NULL);
  g_assert_cmpint (dpx_compose_get_mode (compose), ==, DPX_COMPOSE_MODE_BINARY);
  hex = dpx_compose_dup_text (compose);
  g_assert_cmpstr (hex, ==, "ca fe");
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("(nothing)");
}

/* What the clipboard holds, read back as another program would ask. */
static char *
read_clipboard (GtkWidget *widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_text_read, &text);
  dpx_test_wait_until (text != NULL, 5000);
  return text;
}

/* Copy as text, hex and base64: the payload in each form, on the
 * clipboard. Save Payload: the bytes in the file chosen. */
static void
test_copy (DpxWindowFixture *fixture,
           gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *list = get_list (window);
  char *text;

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_BINARY, "00 ff 10 41");
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_TEXT, "héllo");
  dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, "héllo");

  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_BINARY, NULL));
  dpx_gui_test_press (list, "<Shift><Control>c");
  text = read_clipboard (list);
  g_assert_cmpstr (text, ==, "00 ff 10 41");
  g_free (text);
  gtk_widget_activate_action (GTK_WIDGET (view), "log.copy-base64", NULL);
  text = read_clipboard (list);
  g_assert_cmpstr (text, ==, "AP8QQQ==");
  g_free (text);

  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_TEXT, "héllo"));
  dpx_gui_test_press (list, "<Control>c");
  text = read_clipboard (list);
  g_assert_cmpstr (text, ==, "héllo");
  g_free (text);
  dpx_gui_test_press (list, "<Shift><Control>b");
  text = read_clipboard (list);
  g_assert_cmpstr (text, ==, "aMOpbGxv");
  g_free (text);

  /* Save Payload: a file chooser, and the bytes written as they are. */
  dpx_log_view_select (view, dpx_gui_test_find_row (window, DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_BINARY, NULL));
  {
    g_autofree char *dir = g_dir_make_tmp ("duplex-save-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "payload.bin", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;
    GtkWidget *chooser = NULL;

    dpx_gui_test_press (list, "<Shift><Control>s");
    dpx_test_wait_until ((chooser = dpx_gui_test_find_file_chooser ()) != NULL, 5000);
    dpx_gui_test_wait_frames (chooser, 3);
    /* Its first folder shown before it goes to another (GTK 4.18's path
     * bar, see test-file-chooser.c). */
    dpx_gui_test_wait_quiet (300, 10000);
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    {
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "payload.bin");
    }
    dpx_gui_test_wait_quiet (300, 10000);
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
    G_GNUC_END_IGNORE_DEPRECATIONS
    dpx_test_wait_until (g_file_test (path, G_FILE_TEST_EXISTS) &&
                         g_file_get_contents (path, &contents, &length, NULL) && length == 4, 5000);
    g_assert_cmpmem (contents, length, "\x00\xff\x10\x41", 4);
    g_unlink (path);
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/log-view/properties", test_properties);
  DPX_WINDOW_TEST_ADD ("/log-view/filter-search", test_filter_search);
  DPX_WINDOW_TEST_ADD ("/log-view/filter-says-hidden", test_filter_says_hidden);
  DPX_WINDOW_TEST_ADD ("/log-view/pause-and-clear", test_pause_and_clear);
  DPX_WINDOW_TEST_ADD ("/log-view/log-cap", test_log_cap);
  DPX_WINDOW_TEST_ADD ("/log-view/flood-rows", test_flood_rows);
  DPX_WINDOW_TEST_ADD ("/log-view/rows-in-sight", test_rows_in_sight);
  DPX_WINDOW_TEST_ADD ("/log-view/control-frames", test_control_frames);
  DPX_WINDOW_TEST_ADD ("/log-view/send-again", test_send_again);
  DPX_WINDOW_TEST_ADD ("/log-view/edit-and-send", test_edit_and_send);
  DPX_WINDOW_TEST_ADD ("/log-view/copy", test_copy);

  return g_test_run ();
}
