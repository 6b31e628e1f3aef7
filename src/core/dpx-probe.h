/* dpx-probe.h: hook points for a responsiveness probe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What the main thread spends a frame on, as the benchmarks report it. */
typedef enum {
  DPX_PROBE_PHASE_MODEL,
  DPX_PROBE_PHASE_SCROLL,
  DPX_PROBE_PHASE_LAYOUT,
  DPX_PROBE_PHASE_PAINT,
  DPX_PROBE_N_PHASES,
} DpxProbePhase;

/* A probe built into a benchmark program installs these; the shipped
 * programs install none, and each hook point then costs one test. */
typedef struct {
  void (*phase_begin) (DpxProbePhase phase);
  void (*phase_end)   (DpxProbePhase phase);
  void (*count)       (guint         messages);
  void (*watch)       (GObject      *widget);
} DpxProbeHooks;

void dpx_probe_install     (const DpxProbeHooks *hooks);
void dpx_probe_phase_begin (DpxProbePhase        phase);
void dpx_probe_phase_end   (DpxProbePhase        phase);
void dpx_probe_count       (guint                messages);
void dpx_probe_watch       (GObject             *widget);

G_END_DECLS
