/* dpx-cli-private.h: what the command-line modes share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "dpx-cli.h"
#include "dpx-profile-store.h"

G_BEGIN_DECLS

/* How long a stopping relay or a finishing client waits for close replies. */
#define CLOSE_WAIT_MS 3000

gboolean dpx_cli_parse_options (GOptionContext   *context,
                                int              *argc,
                                char           ***argv);
void     dpx_cli_usage_error   (GOptionContext   *context,
                                const char       *message);

int      dpx_cli_serve         (int               argc,
                                char            **argv);
int      dpx_cli_consume       (int               argc,
                                char            **argv);
int      dpx_cli_produce       (int               argc,
                                char            **argv);
int      dpx_cli_replay        (int               argc,
                                char            **argv);
int      dpx_cli_mock          (int               argc,
                                char            **argv);
int      dpx_cli_profile       (int               argc,
                                char            **argv);

DpxProfileStore *dpx_cli_open_profiles (void);
DpxProfile      *dpx_cli_find_profile  (DpxProfileStore  *store,
                                        const char       *name);

G_END_DECLS
