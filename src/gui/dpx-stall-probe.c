/* dpx-stall-probe.c: measures how long the main loop stops answering
 *
 * With DUPLEX_STALL_PROBE=1 the application runs a 1 ms timer at high
 * priority and records the longest gap between two of its runs (a main-loop
 * stall), keeps a tick callback on the window to record the longest gap
 * between two frames, counts the messages logged, and prints all of it with
 * the peak resident memory when it quits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-StallProbe"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dpx-stall-probe.h"

typedef struct {
  gint64  started;
  gint64  last_tick;
  gint64  longest_stall;
  gint64  last_frame;
  gint64  longest_frame_gap;
  gint64  first_message;
  gint64  last_message;
  guint64 messages;
  guint   frames;
  guint   source;
  gboolean verbose;
  gboolean stopped;
} Probe;

static Probe *probe;

static gboolean
probe_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (probe->stopped)
    return G_SOURCE_CONTINUE;

  /* The first seconds include startup: the window mapping, fonts loading. */
  if (now - probe->started > G_USEC_PER_SEC)
    {
      probe->longest_stall = MAX (probe->longest_stall, now - probe->last_tick);
      if (probe->verbose && now - probe->last_tick > 30000)
        fprintf (stderr, "stall-probe: %.1f ms stall at %.3f s, %" G_GUINT64_FORMAT " messages in\n",
                 (now - probe->last_tick) / 1000.0, (now - probe->started) / 1e6, probe->messages);
    }
  probe->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
probe_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (probe->stopped)
    return G_SOURCE_CONTINUE;
  if (probe->last_frame != 0 && now - probe->started > G_USEC_PER_SEC)
    probe->longest_frame_gap = MAX (probe->longest_frame_gap, now - probe->last_frame);
  probe->last_frame = now;
  probe->frames++;
  return G_SOURCE_CONTINUE;
}

void
dpx_stall_probe_start (void)
{
  if (probe != NULL)
    return;
  probe = g_new0 (Probe, 1);
  probe->started = probe->last_tick = g_get_monotonic_time ();
  probe->verbose = g_strcmp0 (g_getenv ("DUPLEX_STALL_PROBE"), "verbose") == 0;
  probe->source = g_timeout_add_full (G_PRIORITY_HIGH, 1, probe_tick, NULL, NULL);
  g_source_set_name_by_id (probe->source, "[duplex] stall probe");
}

gboolean
dpx_stall_probe_is_running (void)
{
  return probe != NULL;
}

/* Freezes the figures: closing the windows at the end is not part of it. */
void
dpx_stall_probe_stop (void)
{
  if (probe != NULL)
    probe->stopped = TRUE;
}

void
dpx_stall_probe_watch_widget (GtkWidget *widget)
{
  if (probe == NULL)
    return;
  gtk_widget_add_tick_callback (widget, probe_frame, NULL, NULL);
}

void
dpx_stall_probe_count (guint messages)
{
  gint64 now;

  if (probe == NULL || messages == 0)
    return;
  now = g_get_monotonic_time ();
  if (probe->messages == 0)
    probe->first_message = now;
  probe->last_message = now;
  probe->messages += messages;
}

static guint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

void
dpx_stall_probe_report (FILE *out)
{
  double span;

  if (probe == NULL)
    return;

  span = (probe->last_message - probe->first_message) / (double) G_USEC_PER_SEC;
  fprintf (out, "stall-probe: longest main-loop stall: %.1f ms\n", probe->longest_stall / 1000.0);
  fprintf (out, "stall-probe: longest gap between frames: %.1f ms (%u frames)\n",
           probe->longest_frame_gap / 1000.0, probe->frames);
  fprintf (out, "stall-probe: messages logged: %" G_GUINT64_FORMAT " in %.2f s (%.0f per second)\n",
           probe->messages, span, span > 0 ? probe->messages / span : 0.0);
  fprintf (out, "stall-probe: peak RSS: %" G_GUINT64_FORMAT " KiB\n", peak_rss_kib ());
  fflush (out);
}
