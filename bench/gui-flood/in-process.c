/* in-process.c: the window's log fed from a 1 ms timer, no network
 *
 * Separates the window's own cost from the relay's, libsoup's and the
 * machine's: RATE entries of 100 bytes a second are appended to the log of
 * a real window for SECONDS, with the stall probe on. Built and run by
 * in-process.sh.
 *
 *   in-process [RATE] [SECONDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dpx-application.h"
#include "dpx-probe.h"
#include "dpx-stall-probe.h"
#include "dpx-window.h"

static DpxWindow *window;
static GBytes    *payload;
static gint64     start;
static guint64    appended;
static guint64    rate = 50000;
static double     seconds = 5;

static gboolean
feed (gpointer data)
{
  double elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  guint64 due = (guint64) (MIN (elapsed, seconds) * rate);
  DpxLog *log = dpx_window_get_log (window);

  for (; appended < due; appended++)
    {
      g_autoptr(DpxLogEntry) entry = NULL;

      entry = dpx_log_entry_new_now ("ws://in-process/", DPX_DIRECTION_RECEIVED,
                                     DPX_ENTRY_KIND_TEXT, payload);
      dpx_log_append (log, entry);
      dpx_probe_count (1);
    }
  return elapsed < seconds ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
begin (gpointer data)
{
  start = g_get_monotonic_time ();
  g_timeout_add (1, feed, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
finish (gpointer app)
{
  dpx_stall_probe_stop ();
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
activate (GApplication *app)
{
  window = DPX_WINDOW (dpx_application_new_window (DPX_APPLICATION (app)));
  g_timeout_add_seconds (2, begin, NULL);
  g_timeout_add ((guint) ((seconds + 4) * 1000), finish, app);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(DpxApplication) app = NULL;
  char text[100];

  if (argc > 1)
    rate = g_ascii_strtoull (argv[1], NULL, 10);
  if (argc > 2)
    seconds = g_ascii_strtod (argv[2], NULL);
  memset (text, 'x', sizeof text);
  text[0] = '{';
  payload = g_bytes_new (text, sizeof text);

  dpx_stall_probe_start ();
  app = dpx_application_new (G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
