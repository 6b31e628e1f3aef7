/* dpx-cli.h: the headless command-line modes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Documented in README.md and duplex.1. */
#define DPX_EXIT_OK      0
#define DPX_EXIT_FAILURE 1
#define DPX_EXIT_USAGE   2

gboolean dpx_cli_handles      (int    argc,
                               char **argv);
int      dpx_cli_run          (int    argc,
                               char **argv);
void     dpx_cli_print_usage  (FILE  *stream);

G_END_DECLS
