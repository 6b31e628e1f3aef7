/* dpx-stall-probe.h: measures how long the main loop stops answering
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     dpx_stall_probe_start        (void);
gboolean dpx_stall_probe_is_running   (void);
void     dpx_stall_probe_reset        (void);
void     dpx_stall_probe_stop         (void);
void     dpx_stall_probe_report       (FILE      *out);

G_END_DECLS
