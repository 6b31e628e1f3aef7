/* dpx-probe.c: hook points for a responsiveness probe
 *
 * The window marks the work a frame is spent on and counts the messages it
 * logs; bench/gui-flood/ builds a window with a probe behind these hooks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-probe.h"

/* Main thread only, like everything the probe measures. */
static const DpxProbeHooks *installed;

void
dpx_probe_install (const DpxProbeHooks *hooks)
{
  installed = hooks;
}

void
dpx_probe_phase_begin (DpxProbePhase phase)
{
  if (G_UNLIKELY (installed != NULL && installed->phase_begin != NULL))
    installed->phase_begin (phase);
}

void
dpx_probe_phase_end (DpxProbePhase phase)
{
  if (G_UNLIKELY (installed != NULL && installed->phase_end != NULL))
    installed->phase_end (phase);
}

void
dpx_probe_count (guint messages)
{
  if (G_UNLIKELY (installed != NULL && installed->count != NULL))
    installed->count (messages);
}

void
dpx_probe_watch (GObject *widget)
{
  if (G_UNLIKELY (installed != NULL && installed->watch != NULL))
    installed->watch (widget);
}
