/* main.c: the duplex binary: the command-line modes, or the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "dpx-cli.h"
#include "dpx-secret-store.h"
#include "dpx-util.h"

static gboolean
have_display (void)
{
  return g_getenv ("WAYLAND_DISPLAY") != NULL || g_getenv ("DISPLAY") != NULL;
}

/* Next to this binary in a build tree, else where it is installed. */
static char *
find_window_program (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      char *sibling = g_build_filename (dir, "duplex-window", NULL);

      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return sibling;
      g_free (sibling);
    }
  {
    char *installed = g_build_filename (LIBEXECDIR, "duplex-window", NULL);

    if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
      return installed;
    g_free (installed);
  }
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *window = NULL;

  /* GLib before 2.76 keeps freed slices for ever; a relay whose thousand
   * clients left should give the memory back. Newer GLib does this anyway. */
  setenv ("G_SLICE", "always-malloc", FALSE);
  dpx_setup_locale ();

  /* The headless modes never touch GTK, so they work without a display. */
  if (dpx_cli_handles (argc, argv))
    {
      int status = dpx_cli_run (argc, argv);

      dpx_secret_store_disconnect ();
      return status;
    }

  if (!have_display ())
    {
      fprintf (stderr, "%s\n\n", _("duplex: no display found, so the window cannot open. "
                                   "The command-line modes work without one:"));
      dpx_cli_print_usage (stderr);
      return DPX_EXIT_USAGE;
    }

  if ((window = find_window_program ()) == NULL)
    {
      fprintf (stderr, "%s\n\n", _("duplex: this build has no window (built with -Dgui=disabled). "
                                   "The command-line modes:"));
      dpx_cli_print_usage (stderr);
      return DPX_EXIT_USAGE;
    }

  execv (window, argv);
  fprintf (stderr, _("duplex: could not start the window (%s): %s\n"), window, g_strerror (errno));
  return DPX_EXIT_FAILURE;
}
