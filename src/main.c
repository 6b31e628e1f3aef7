/* main.c: the duplex binary: command-line modes first, then the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "dpx-cli.h"

#ifdef HAVE_GUI
#include "dpx-application.h"
#endif

static gboolean
have_display (void)
{
  return g_getenv ("WAYLAND_DISPLAY") != NULL || g_getenv ("DISPLAY") != NULL;
}

int
main (int    argc,
      char **argv)
{
  /* GLib before 2.76 keeps freed slices for ever; a relay whose thousand
   * clients left should give the memory back. Newer GLib does this anyway. */
  setenv ("G_SLICE", "always-malloc", FALSE);

  setlocale (LC_ALL, "");
  /* Set by `meson devenv` to the catalogues in the build directory. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DUPLEX_LOCALEDIR") ? g_getenv ("DUPLEX_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The headless modes never touch GTK, so they work without a display. */
  if (dpx_cli_handles (argc, argv))
    return dpx_cli_run (argc, argv);

  if (!have_display ())
    {
      fprintf (stderr, "%s\n\n", _("duplex: no display found, so the window cannot open. "
                                   "The command-line modes work without one:"));
      dpx_cli_print_usage (stderr);
      return DPX_EXIT_USAGE;
    }

#ifdef HAVE_GUI
  return dpx_application_run (argc, argv);
#else
  fprintf (stderr, "%s\n\n", _("duplex: this build has no window (built with -Dgui=disabled). "
                               "The command-line modes:"));
  dpx_cli_print_usage (stderr);
  return DPX_EXIT_USAGE;
#endif
}
