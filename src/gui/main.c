/* main.c: duplex-window, the GTK program `duplex` starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "dpx-application.h"
#include "dpx-util.h"

int
main (int    argc,
      char **argv)
{
  setenv ("G_SLICE", "always-malloc", FALSE);
  dpx_setup_locale ();
  return dpx_application_run (argc, argv);
}
