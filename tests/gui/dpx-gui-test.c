/* dpx-gui-test.c: helpers shared by the window's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-detail-pane.h"
#include "dpx-gui-test.h"
#include "dpx-util.h"

static DpxApplication *app;

/* As the app's main() does, so LANGUAGE=ru with DUPLEX_LOCALEDIR set to a
 * build's po/ gives screenshots in Russian; then one application for the
 * whole program, as the windows need one. */
void
dpx_gui_test_init (int    *argc,
                   char ***argv)
{
  g_autoptr(GError) error = NULL;

  dpx_setup_locale ();
  g_test_init (argc, argv, NULL);

  app = dpx_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
}

DpxApplication *
dpx_gui_test_get_app (void)
{
  return app;
}

GSettings *
dpx_gui_test_get_settings (void)
{
  return dpx_application_get_settings (app);
}

void
dpx_gui_test_reset_settings (void)
{
  GSettings *settings = dpx_gui_test_get_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i]; i++)
    g_settings_reset (settings, keys[i]);
  /* A free port, so tests never meet a relay a person is running. */
  g_settings_set_uint (settings, "server-port", 0);
}

/* Properties -------------------------------------------------------------- */

/* An object property, borrowed: its owner keeps it alive. */
gpointer
dpx_gui_test_get (gpointer    object,
                  const char *property)
{
  g_autoptr(GObject) value = NULL;

  g_object_get (object, property, &value, NULL);
  g_assert_nonnull (value);
  /* The owner keeps a reference of its own. */
  g_assert_cmpuint (G_OBJECT (value)->ref_count, >, 1);
  return value;
}

char *
dpx_gui_test_dup_string (gpointer    object,
                         const char *property)
{
  char *value = NULL;

  g_object_get (object, property, &value, NULL);
  return value;
}

gboolean
dpx_gui_test_get_boolean (gpointer    object,
                          const char *property)
{
  gboolean value = FALSE;

  g_object_get (object, property, &value, NULL);
  return value;
}

GtkWidget *
dpx_gui_test_find (GtkWidget  *widget,
                   GType       type,
                   const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (css_class == NULL || gtk_widget_has_css_class (widget, css_class)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = dpx_gui_test_find (child, type, css_class);

      if (found)
        return found;
    }
  return NULL;
}

/* The button (or other actionable) in @widget bound to @action_name. */
GtkWidget *
dpx_gui_test_find_actionable (GtkWidget  *widget,
                              const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = dpx_gui_test_find_actionable (child, action_name);

      if (found)
        return found;
    }
  return NULL;
}

/* Keys -------------------------------------------------------------------- */

static gboolean
trigger_is (GtkShortcutTrigger *trigger,
            const char         *accelerator)
{
  g_autofree char *text = NULL;

  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      GtkAlternativeTrigger *alternative = GTK_ALTERNATIVE_TRIGGER (trigger);

      return trigger_is (gtk_alternative_trigger_get_first (alternative), accelerator) ||
             trigger_is (gtk_alternative_trigger_get_second (alternative), accelerator);
    }
  text = gtk_shortcut_trigger_to_string (trigger);
  return g_str_equal (text, accelerator);
}

/* The shortcut of @widget's own controllers for @accelerator, as the user
 * would press it, or NULL. */
GtkShortcut *
dpx_gui_test_find_shortcut (GtkWidget  *widget,
                            const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      GListModel *shortcuts;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      shortcuts = G_LIST_MODEL (controller);
      for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);

          if (trigger_is (gtk_shortcut_get_trigger (shortcut), accelerator))
            return g_steal_pointer (&shortcut);
        }
    }
  return NULL;
}

/* Does what pressing @accelerator on @widget does, then lets a frame pass. */
void
dpx_gui_test_press (GtkWidget  *widget,
                    const char *accelerator)
{
  g_autoptr(GtkShortcut) shortcut = dpx_gui_test_find_shortcut (widget, accelerator);

  g_assert_nonnull (shortcut);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                               gtk_shortcut_get_arguments (shortcut)));
  dpx_gui_test_wait_frames (widget, 1);
}

/* Windows ----------------------------------------------------------------- */

void
dpx_gui_test_wait_frames (GtkWidget *widget,
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

/* The file chooser on screen (GtkFileDialog and GtkFileChooserNative show
 * one when there is no portal), or NULL. */
GtkWidget *
dpx_gui_test_find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (toplevel) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }
  return NULL;
}

/* Runs the main loop until it has had nothing to do for @quiet_ms (or
 * @timeout_ms passed): what a widget loads in the background, such as a file
 * chooser's folder, has arrived, as it has before a person clicks on. */
void
dpx_gui_test_wait_quiet (guint quiet_ms,
                         guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000 * dpx_test_timeout_scale ();
  gint64 quiet_since = g_get_monotonic_time ();

  while (g_get_monotonic_time () < deadline &&
         g_get_monotonic_time () - quiet_since < (gint64) quiet_ms * 1000)
    {
      if (g_main_context_iteration (NULL, FALSE))
        quiet_since = g_get_monotonic_time ();
      else
        g_usleep (1000);
    }
}

DpxWindow *
dpx_gui_test_new_window (void)
{
  DpxWindow *window = dpx_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 2);
  return window;
}

/* Drops @object, which must then be finalized: whatever else held it
 * (a closing connection, an animation) lets go within a few seconds. */
static void
finalize_object (gpointer object)
{
  dpx_test_wait_until (G_OBJECT (object)->ref_count == 1, 5000);
  g_assert_finalize_object (object);
}

/* Closes @window; it must be finalized, and with it what it owned: its
 * session, log and relay. */
void
dpx_gui_test_close_window (DpxWindow *window)
{
  const char *parts[] = { "session", "log", "relay" };
  GObject *owned[G_N_ELEMENTS (parts)];

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      owned[i] = dpx_gui_test_get (window, parts[i]);
      g_object_add_weak_pointer (owned[i], (gpointer *) &owned[i]);
    }
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  finalize_object (window);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      dpx_test_wait_until (owned[i] == NULL, 5000);
      g_assert_null (owned[i]);
    }
}

/* A plain window around a widget under test, so it is realized and drawn. */
GtkWidget *
dpx_gui_test_new_toplevel (GtkWidget *child)
{
  GtkWidget *toplevel = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (toplevel), 800, 500);
  gtk_window_set_child (GTK_WINDOW (toplevel), child);
  gtk_window_present (GTK_WINDOW (toplevel));
  dpx_gui_test_wait_frames (toplevel, 2);
  return toplevel;
}

void
dpx_gui_test_destroy_toplevel (GtkWidget *toplevel)
{
  g_object_ref (toplevel);
  gtk_window_destroy (GTK_WINDOW (toplevel));
  finalize_object (toplevel);
}

void
dpx_window_fixture_setup (DpxWindowFixture *fixture,
                          gconstpointer     data)
{
  dpx_gui_test_reset_settings ();
  fixture->relay = dpx_test_relay_new ();
  fixture->url = dpx_test_relay_url (fixture->relay);
  fixture->window = dpx_gui_test_new_window ();
}

void
dpx_window_fixture_teardown (DpxWindowFixture *fixture,
                             gconstpointer     data)
{
  dpx_gui_test_close_window (g_steal_pointer (&fixture->window));
  dpx_relay_stop (fixture->relay);
  dpx_test_wait_until (dpx_relay_get_n_peers (fixture->relay) == 0, 5000);
  finalize_object (g_steal_pointer (&fixture->relay));
  g_clear_pointer (&fixture->url, g_free);
}

/* Rows -------------------------------------------------------------------- */

/* The rows of the view, with everything the log holds so far. */
GListModel *
dpx_gui_test_rows (DpxWindow *window)
{
  DpxLogView *view = dpx_gui_test_get (window, "log-view");

  dpx_log_view_sync (view);
  return dpx_log_view_get_model (view);
}

static gboolean
entry_matches (DpxLogEntry *entry,
               int          direction,
               int          kind,
               const char  *contains)
{
  GBytes *payload = dpx_log_entry_get_payload (entry);
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  g_autofree char *text = g_strndup (data ? data : "", size);

  return (direction < 0 || (int) dpx_log_entry_get_direction (entry) == direction) &&
         (kind < 0 || (int) dpx_log_entry_get_kind (entry) == kind) &&
         (contains == NULL || strstr (text, contains) != NULL);
}

/* The position of the last visible row matching, or -1. */
int
dpx_gui_test_find_row (DpxWindow  *window,
                       int         direction,
                       int         kind,
                       const char *contains)
{
  GListModel *model = dpx_gui_test_rows (window);

  for (int i = (int) g_list_model_get_n_items (model) - 1; i >= 0; i--)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (model, i);

      if (entry_matches (entry, direction, kind, contains))
        return i;
    }
  return -1;
}

guint
dpx_gui_test_count_rows (DpxWindow  *window,
                         int         direction,
                         int         kind,
                         const char *contains)
{
  GListModel *model = dpx_gui_test_rows (window);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DpxLogEntry) entry = g_list_model_get_item (model, i);

      if (entry_matches (entry, direction, kind, contains))
        n++;
    }
  return n;
}

gboolean
dpx_gui_test_has_row (DpxWindow  *window,
                      int         direction,
                      int         kind,
                      const char *contains)
{
  return dpx_gui_test_find_row (window, direction, kind, contains) >= 0;
}

/* Waits for a row matching to show, and returns its position. */
int
dpx_gui_test_wait_row (DpxWindow  *window,
                       int         direction,
                       int         kind,
                       const char *contains)
{
  int row;

  dpx_test_wait_until ((row = dpx_gui_test_find_row (window, direction, kind, contains)) >= 0,
                       5000);
  return row;
}

/* Connecting and sending -------------------------------------------------- */

void
dpx_gui_test_wait_state (DpxWindow          *window,
                         DpxConnectionState  state)
{
  DpxSession *session = dpx_window_get_session (window);

  dpx_test_wait_until (dpx_session_get_state (session) == state, 10000);
}

void
dpx_gui_test_connect (DpxWindow  *window,
                      const char *url)
{
  DpxSession *session = dpx_window_get_session (window);
  g_autofree char *error = NULL;

  dpx_window_set_url (window, url);
  error = dpx_gui_test_dup_string (window, "url-error");
  g_assert_null (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.toggle-connection", NULL);
  dpx_test_wait_until (dpx_session_get_state (session) == DPX_CONNECTION_STATE_OPEN, 10000);
}

void
dpx_gui_test_send (DpxWindow      *window,
                   DpxComposeMode  mode,
                   const char     *text)
{
  DpxCompose *compose = dpx_gui_test_get (window, "compose");

  dpx_compose_set_mode (compose, mode);
  dpx_compose_set_text (compose, text);
  g_assert_true (dpx_compose_send (compose));
}

/* What the detail pane shows of the selected row. */
char *
dpx_gui_test_dup_detail_text (DpxWindow *window)
{
  GtkWidget *pane = dpx_gui_test_find (GTK_WIDGET (window), DPX_TYPE_DETAIL_PANE, NULL);

  g_assert_nonnull (pane);
  /* A large payload is formatted in a thread: wait for all of what is shown. */
  while (dpx_gui_test_get_boolean (pane, "busy"))
    g_main_context_iteration (NULL, TRUE);
  return dpx_gui_test_dup_string (pane, "text");
}

/* Screenshots ------------------------------------------------------------- */

void
dpx_gui_test_save_screenshot (GtkWidget  *widget,
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
  dpx_gui_test_wait_frames (widget, 40);
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
