/* probed-main.c: duplex-window-probed, the window with the stall probe
 *
 * The same application as duplex-window, in its own process (never handed
 * to a running instance), with the probe of dpx-stall-probe.c behind the
 * window's hook points. It prints the figures when it quits: after
 * DUPLEX_STALL_PROBE_SECONDS, on SIGTERM or SIGINT, or when the window is
 * closed. DUPLEX_STALL_PROBE=verbose lists every stall as it happens.
 * DUPLEX_STALL_PROBE_SERVER=PORT turns the window's own relay on, on PORT,
 * as its Server switch would: the relay is then measured inside the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include <glib-unix.h>

#include <gtk/gtk.h>

#include "dpx-application.h"
#include "dpx-stall-probe.h"
#include "dpx-util.h"

static gboolean
on_terminate (gpointer app)
{
  /* Closing the windows at the end is not part of the figures. */
  dpx_stall_probe_stop ();
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

/* The first window turns its server on, with the port from the environment. */
static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 gpointer        data)
{
  const char *port = g_getenv ("DUPLEX_STALL_PROBE_SERVER");
  g_autoptr(GSettings) settings = NULL;

  g_signal_handlers_disconnect_by_func (app, on_window_added, data);
  settings = g_settings_new (APP_ID);
  g_settings_set_uint (settings, "server-port", (guint) g_ascii_strtoull (port, NULL, 10));
  g_object_set (window, "server-enabled", TRUE, NULL);
}

static void
on_shutdown (GApplication *app)
{
  dpx_stall_probe_report (stdout);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(DpxApplication) app = NULL;
  const char *seconds = g_getenv ("DUPLEX_STALL_PROBE_SECONDS");

  setenv ("G_SLICE", "always-malloc", FALSE);
  dpx_setup_locale ();

  dpx_stall_probe_start ();
  app = dpx_application_new (G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "shutdown", G_CALLBACK (on_shutdown), NULL);
  if (g_getenv ("DUPLEX_STALL_PROBE_SERVER") != NULL)
    g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  g_unix_signal_add (SIGTERM, on_terminate, app);
  g_unix_signal_add (SIGINT, on_terminate, app);
  if (seconds != NULL && g_ascii_strtoull (seconds, NULL, 10) > 0)
    g_timeout_add_seconds (g_ascii_strtoull (seconds, NULL, 10), on_terminate, app);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
