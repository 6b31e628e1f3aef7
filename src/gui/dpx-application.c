/* dpx-application.c: the application and the window's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Application"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "dpx-application.h"
#include "dpx-gui-resources.h"
#include "dpx-preferences-window.h"
#include "dpx-window.h"

struct _DpxApplication
{
  AdwApplication  parent_instance;

  /* owned */
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (DpxApplication, dpx_application, ADW_TYPE_APPLICATION)

static void
apply_color_scheme (DpxApplication *self)
{
  g_autofree char *style = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (style, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (style, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
on_settings_changed (GSettings      *settings,
                     const char     *key,
                     DpxApplication *self)
{
  if (g_str_equal (key, "color-scheme"))
    apply_color_scheme (self);
}

GSettings *
dpx_application_get_settings (DpxApplication *self)
{
  g_return_val_if_fail (DPX_IS_APPLICATION (self), NULL);
  return self->settings;
}

GtkWindow *
dpx_application_new_window (DpxApplication *self)
{
  DpxWindow *window;

  g_return_val_if_fail (DPX_IS_APPLICATION (self), NULL);

  window = dpx_window_new (GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
dpx_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = dpx_application_new_window (DPX_APPLICATION (application));
  gtk_window_present (window);
}

/* Each saved log gets a window of its own, titled after it. */
static void
dpx_application_open (GApplication  *application,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      GtkWindow *window = dpx_application_new_window (DPX_APPLICATION (application));

      dpx_window_open_file (DPX_WINDOW (window), files[i]);
    }
}

/* A WebSocket URL, or else a file: a file: URI, a path that exists, or a
 * name a saved log has. */
static gboolean
is_file_argument (const char *arg)
{
  const char *scheme = g_uri_peek_scheme (arg);

  if (scheme != NULL)
    return g_str_equal (scheme, "file");
  return g_file_test (arg, G_FILE_TEST_EXISTS) ||
         g_str_has_suffix (arg, ".jsonl") || g_str_has_suffix (arg, ".ndjson");
}

/* `duplex URL...` connects to each URL in a tab of its own; `duplex
 * FILE...` opens each saved log in a window of its own. */
static int
dpx_application_command_line (GApplication            *application,
                              GApplicationCommandLine *command_line)
{
  DpxApplication *self = DPX_APPLICATION (application);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  int argc;

  argv = g_application_command_line_get_arguments (command_line, &argc);
  for (int i = 1; i < argc; i++)
    {
      if (is_file_argument (argv[i]))
        g_ptr_array_add (files, g_application_command_line_create_file_for_arg (command_line,
                                                                                argv[i]));
      else
        g_ptr_array_add (urls, argv[i]);
    }
  g_ptr_array_add (urls, NULL);

  if (files->len > 0)
    g_application_open (application, (GFile **) files->pdata, files->len, "");

  if (urls->len > 1)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

      /* The URLs open together, one tab each, in the window in front (its
       * tabs in use are kept), as a browser opens links. */
      if (window == NULL || files->len > 0 || !DPX_IS_WINDOW (window))
        window = dpx_application_new_window (self);
      dpx_window_open_urls (DPX_WINDOW (window), (const char * const *) urls->pdata);
      gtk_window_present (window);
    }
  else if (files->len == 0)
    g_application_activate (application);
  return 0;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing the windows saves their size and closes their connections. A
   * window may ask first (its local server has clients): the application
   * then ends when its last window does. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  if (gtk_application_get_windows (GTK_APPLICATION (user_data)) == NULL)
    g_application_quit (G_APPLICATION (user_data));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  dpx_application_new_window (DPX_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  DpxApplication *self = DPX_APPLICATION (user_data);
  GtkWidget *prefs = dpx_preferences_window_new (self->settings);

  dpx_preferences_window_present (DPX_PREFERENCES_WINDOW (prefs),
                                  gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  static const char *developers[] = { "The Duplex contributors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GtkWidget *about;

  /* AdwAboutDialog (1.5) where libadwaita has it: AdwAboutWindow is
   * deprecated since 1.6. The properties are the same. */
#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GType type = ADW_TYPE_ABOUT_DIALOG;
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  GType type = ADW_TYPE_ABOUT_WINDOW;
#endif

  about = g_object_new (type,
                        "application-name", _("Duplex"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Talk to WebSocket servers, watch every message, and run a "
                                      "local broadcast server for a class or a test."),
                        "developer-name", _("The Duplex contributors"),
                        "developers", developers,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/duplexws/duplex",
                        "issue-url", "https://github.com/duplexws/duplex/issues",
                        NULL);
#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_present (ADW_DIALOG (about), GTK_WIDGET (parent));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "new-window", new_window_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

static void
dpx_application_startup (GApplication *application)
{
  DpxApplication *self = DPX_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control>n", NULL };

  G_APPLICATION_CLASS (dpx_application_parent_class)->startup (application);

  /* Run uninstalled (meson devenv), the icon is not in any icon theme yet:
   * the build has a copy under the application id. */
  if (g_getenv ("DUPLEX_ICONDIR"))
    gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    g_getenv ("DUPLEX_ICONDIR"));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window", new_window_accels);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed::color-scheme", G_CALLBACK (on_settings_changed), self);
  apply_color_scheme (self);
}

static void
dpx_application_dispose (GObject *object)
{
  DpxApplication *self = DPX_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dpx_application_parent_class)->dispose (object);
}

static void
dpx_application_class_init (DpxApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dpx_application_dispose;
  app_class->startup = dpx_application_startup;
  app_class->activate = dpx_application_activate;
  app_class->command_line = dpx_application_command_line;
  app_class->open = dpx_application_open;

  /* Pulls the resources' object file, and with it their registration, out
   * of the static library. */
  (void) dpx_gui_get_resource ();
}

static void
dpx_application_init (DpxApplication *self)
{
}

DpxApplication *
dpx_application_new (GApplicationFlags flags)
{
  return g_object_new (DPX_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/duplexws/Duplex",
                       "flags", flags | G_APPLICATION_HANDLES_COMMAND_LINE
                                | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

int
dpx_application_run (int    argc,
                     char **argv)
{
  g_autoptr(DpxApplication) app = NULL;

  g_set_application_name (_("Duplex"));
  app = dpx_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
