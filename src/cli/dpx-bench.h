/* dpx-bench.h: "duplex bench", a load generator for broadcast servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int dpx_bench_run (int    argc,
                   char **argv);

G_END_DECLS
