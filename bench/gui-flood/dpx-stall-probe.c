/* dpx-stall-probe.c: measures how long the main loop stops answering
 *
 * Built into duplex-window-probed (bench/gui-flood/probed-main.c), it sits
 * behind the window's hook points (src/core/dpx-probe.h). It runs a 1 ms timer at high
 * priority and records the longest gap between two of its runs (a main-loop
 * stall), keeps a tick callback on the window to record the longest gap
 * between two frames, counts the messages logged, and prints all of it with
 * the peak resident memory when it quits.
 *
 * With DUPLEX_STALL_PROBE=verbose it also prints every stall over 30 ms (or
 * DUPLEX_STALL_PROBE_REPORT_MS) with what the main thread did in it: how
 * many messages arrived and over how long, how long the view's model took
 * to publish, how long the frame clock spent in layout (the scroll to the
 * end is part of it) and in paint, and how much CPU the thread got (a stall
 * with little CPU is the machine's, not the window's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-StallProbe"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dpx-probe.h"
#include "dpx-stall-probe.h"
#include "dpx-util.h"


/* What one gap between two runs of the timer was spent on. */
typedef struct {
  guint64 messages;
  gint64  first_message;
  gint64  last_message;
  gint64  phase_us[DPX_PROBE_N_PHASES];
} Gap;

typedef struct {
  gint64   started;
  gint64   last_tick;
  gint64   last_tick_cpu;
  gint64   longest_stall;
  gint64   longest_stall_cpu;
  gint64   last_frame;
  gint64   longest_frame_gap;
  gint64   first_message;
  gint64   last_message;
  gint64   phase_started[DPX_PROBE_N_PHASES];
  gint64   frame_mark;        /* the end of the last phase measured in this frame */
  guint64  messages;
  guint    stalls_over[3];      /* 16, 33, 50 ms */
  guint    frames;
  guint    unattributed_paints;
  guint    source;
  Gap      gap;
  gint64   report_us;
  gboolean verbose;
  gboolean stopped;
} Probe;

static void phase_begin (DpxProbePhase phase);
static void phase_end (DpxProbePhase phase);
static void count_messages (guint messages);
static void watch_widget (GObject *widget);

static const DpxProbeHooks hooks = {
  .phase_begin = phase_begin,
  .phase_end = phase_end,
  .count = count_messages,
  .watch = watch_widget,
};

static const char * const phase_names[] = { "model", "scroll", "layout", "paint" };
G_STATIC_ASSERT (G_N_ELEMENTS (phase_names) == DPX_PROBE_N_PHASES);

static Probe *probe;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
print_gap (gint64 now,
           gint64 stall,
           gint64 cpu)
{
  Gap *gap = &probe->gap;

  fprintf (stderr, "stall-probe: %.1f ms stall at %.3f s (%.1f ms CPU), %" G_GUINT64_FORMAT
           " messages in: %" G_GUINT64_FORMAT " arrived over %.1f ms",
           stall / 1000.0, (now - probe->started) / 1e6, cpu / 1000.0, probe->messages,
           gap->messages, gap->messages ? (gap->last_message - gap->first_message) / 1000.0 : 0.0);
  for (guint i = 0; i < DPX_PROBE_N_PHASES; i++)
    fprintf (stderr, ", %s %.1f ms", phase_names[i], gap->phase_us[i] / 1000.0);
  fprintf (stderr, "\n");
}

static gboolean
probe_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint64 stall = now - probe->last_tick;

  if (probe->stopped)
    return G_SOURCE_CONTINUE;

  /* The first second includes startup: the window mapping, fonts loading. */
  if (now - probe->started > G_USEC_PER_SEC)
    {
      if (stall > probe->longest_stall)
        {
          probe->longest_stall = stall;
          probe->longest_stall_cpu = cpu - probe->last_tick_cpu;
        }
      if (stall > 16000)
        probe->stalls_over[0]++;
      if (stall > 33000)
        probe->stalls_over[1]++;
      if (stall > 50000)
        probe->stalls_over[2]++;
      if (probe->verbose && stall > probe->report_us)
        print_gap (now, stall, cpu - probe->last_tick_cpu);
    }
  probe->last_tick = now;
  probe->last_tick_cpu = cpu;
  memset (&probe->gap, 0, sizeof probe->gap);
  /* A frame is one dispatch: none is under way between two ticks. */
  probe->frame_mark = 0;
  return G_SOURCE_CONTINUE;
}

static void
phase_begin (DpxProbePhase phase)
{
  if (probe == NULL)
    return;
  probe->phase_started[phase] = g_get_monotonic_time ();
}

static void
phase_end (DpxProbePhase phase)
{
  if (probe == NULL || probe->phase_started[phase] == 0)
    return;
  probe->gap.phase_us[phase] += g_get_monotonic_time () - probe->phase_started[phase];
  probe->phase_started[phase] = 0;
}

/* The frame clock's handlers run after GTK's own, which were connected when
 * the window was realized: "layout" ends the layout phase, "paint" the
 * snapshot and the rendering. */
static void
on_before_paint (GdkFrameClock *clock,
                 gpointer       data)
{
  probe->frame_mark = g_get_monotonic_time ();
}

/* Emitted up to four times a frame when a layout queues another. */
static void
on_layout (GdkFrameClock *clock,
           gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (probe->frame_mark != 0)
    probe->gap.phase_us[DPX_PROBE_PHASE_LAYOUT] += now - probe->frame_mark;
  probe->frame_mark = now;
}

static void
on_paint (GdkFrameClock *clock,
          gpointer       data)
{
  if (probe->frame_mark != 0)
    probe->gap.phase_us[DPX_PROBE_PHASE_PAINT] += g_get_monotonic_time () - probe->frame_mark;
  else
    probe->unattributed_paints++;
  probe->frame_mark = 0;
}

static gboolean
probe_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (probe->stopped)
    return G_SOURCE_CONTINUE;
  if (!g_object_get_data (G_OBJECT (clock), "dpx-stall-probe"))
    {
      g_object_set_data (G_OBJECT (clock), "dpx-stall-probe", GINT_TO_POINTER (TRUE));
      g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
      g_signal_connect (clock, "layout", G_CALLBACK (on_layout), NULL);
      g_signal_connect (clock, "paint", G_CALLBACK (on_paint), NULL);
    }
  if (probe->last_frame != 0 && now - probe->started > G_USEC_PER_SEC)
    probe->longest_frame_gap = MAX (probe->longest_frame_gap, now - probe->last_frame);
  probe->last_frame = now;
  probe->frames++;
  if (probe->frame_mark == 0)
    probe->frame_mark = now;
  return G_SOURCE_CONTINUE;
}


void
dpx_stall_probe_start (void)
{
  if (probe != NULL)
    return;
  probe = g_new0 (Probe, 1);
  probe->started = probe->last_tick = g_get_monotonic_time ();
  probe->last_tick_cpu = thread_cpu_us ();
  probe->verbose = g_strcmp0 (g_getenv ("DUPLEX_STALL_PROBE"), "verbose") == 0;
  probe->report_us = 30000;
  if (g_getenv ("DUPLEX_STALL_PROBE_REPORT_MS"))
    probe->report_us = 1000 * g_ascii_strtoll (g_getenv ("DUPLEX_STALL_PROBE_REPORT_MS"),
                                               NULL, 10);
  probe->source = g_timeout_add_full (G_PRIORITY_HIGH, 1, probe_tick, NULL, NULL);
  g_source_set_name_by_id (probe->source, "[duplex] stall probe");
  dpx_probe_install (&hooks);
}

gboolean
dpx_stall_probe_is_running (void)
{
  return probe != NULL;
}

/* Forgets the stalls so far: starting the window is not part of a
 * measurement that begins later. */
void
dpx_stall_probe_reset (void)
{
  if (probe == NULL)
    return;
  probe->longest_stall = 0;
  probe->longest_stall_cpu = 0;
  probe->longest_frame_gap = 0;
  memset (probe->stalls_over, 0, sizeof probe->stalls_over);
}

/* Freezes the figures: closing the windows at the end is not part of it. */
void
dpx_stall_probe_stop (void)
{
  if (probe != NULL)
    probe->stopped = TRUE;
}

static void
watch_widget (GObject *widget)
{
  if (probe == NULL || !GTK_IS_WIDGET (widget))
    return;
  gtk_widget_add_tick_callback (GTK_WIDGET (widget), probe_frame, NULL, NULL);
}

static void
count_messages (guint messages)
{
  gint64 now;

  if (probe == NULL || messages == 0)
    return;
  now = g_get_monotonic_time ();
  if (probe->messages == 0)
    probe->first_message = now;
  probe->last_message = now;
  probe->messages += messages;
  if (probe->gap.messages == 0)
    probe->gap.first_message = now;
  probe->gap.last_message = now;
  probe->gap.messages += messages;
}

static guint64
peak_rss_kib (void)
{
  return dpx_process_memory_kib ("self", "VmHWM");
}

void
dpx_stall_probe_report (FILE *out)
{
  double span;

  if (probe == NULL)
    return;

  span = (probe->last_message - probe->first_message) / (double) G_USEC_PER_SEC;
  fprintf (out, "stall-probe: longest main-loop stall: %.1f ms (%.1f ms of it on the CPU)\n",
           probe->longest_stall / 1000.0, probe->longest_stall_cpu / 1000.0);
  fprintf (out, "stall-probe: stalls over 16 ms: %u, over 33 ms: %u, over 50 ms: %u\n",
           probe->stalls_over[0], probe->stalls_over[1], probe->stalls_over[2]);
  fprintf (out, "stall-probe: longest gap between frames: %.1f ms (%u frames)\n",
           probe->longest_frame_gap / 1000.0, probe->frames);
  fprintf (out, "stall-probe: messages logged: %" G_GUINT64_FORMAT " in %.2f s (%.0f per second)\n",
           probe->messages, span, span > 0 ? probe->messages / span : 0.0);
  if (probe->verbose)
    fprintf (out, "stall-probe: paints without a start: %u\n", probe->unattributed_paints);
  fprintf (out, "stall-probe: peak RSS: %" G_GUINT64_FORMAT " KiB\n", peak_rss_kib ());
  fflush (out);
}
