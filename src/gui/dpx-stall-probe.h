/* dpx-stall-probe.h: measures how long the main loop stops answering
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  DPX_STALL_PROBE_MODEL,
  DPX_STALL_PROBE_SCROLL,
  DPX_STALL_PROBE_LAYOUT,
  DPX_STALL_PROBE_PAINT,
  DPX_STALL_PROBE_N_PHASES,
} DpxStallProbePhase;

void     dpx_stall_probe_start        (void);
gboolean dpx_stall_probe_is_running   (void);
void     dpx_stall_probe_stop         (void);
void     dpx_stall_probe_watch_widget (GtkWidget *widget);
void     dpx_stall_probe_count        (guint      messages);
void     dpx_stall_probe_report       (FILE      *out);
void     dpx_stall_probe_phase_begin  (DpxStallProbePhase phase);
void     dpx_stall_probe_phase_end    (DpxStallProbePhase phase);

G_END_DECLS
