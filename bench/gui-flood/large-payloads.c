/* large-payloads.c: selecting one very large message, no network
 *
 * Appends one large entry to the log of a real window, waits for the window
 * to settle, forgets the stalls of its start, then selects the entry (and
 * with "all", presses Show All once it is shown) and reports the longest
 * main-loop stall from the stall probe. Built and run by large-payloads.sh.
 *
 *   gui-large-payloads KIND [all]
 *
 * KIND: json (5 MB of JSON on one line), text (5 MB unbroken text) or
 * binary (16 MiB).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpx-application.h"
#include "dpx-detail-pane.h"
#include "dpx-log-view.h"
#include "dpx-stall-probe.h"
#include "dpx-window.h"

static DpxWindow  *window;
static const char *kind = "json";
static gboolean    show_all;
static gint64      selected_at;
static gboolean    done;

static GBytes *
make_payload (DpxEntryKind *entry_kind)
{
  GString *s;

  if (g_str_equal (kind, "binary"))
    {
      gsize size = 16 * 1024 * 1024;
      guint8 *data = g_malloc (size);

      for (gsize i = 0; i < size; i++)
        data[i] = (guint8) (i * 2654435761u >> 13);
      *entry_kind = DPX_ENTRY_KIND_BINARY;
      return g_bytes_new_take (data, size);
    }

  *entry_kind = DPX_ENTRY_KIND_TEXT;
  s = g_string_sized_new (5000100);
  if (g_str_equal (kind, "text"))
    {
      while (s->len < 5000000)
        g_string_append (s, "c2VjcmV0IGRhdGEgaW4gYmFzZTY0IHdpdGhvdXQgYW55IGJyZWFr");
    }
  else
    {
      g_string_append (s, "{\"items\":[");
      for (guint i = 0; s->len < 5000000; i++)
        g_string_append_printf (s, "%s{\"id\":%u,\"name\":\"item %u\",\"tags\":[\"a\",\"b\"],"
                                   "\"ok\":true}", i ? "," : "", i, i);
      g_string_append (s, "]}");
    }
  return g_string_free_to_bytes (s);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
finish (gpointer app)
{
  dpx_stall_probe_stop ();
  dpx_stall_probe_report (stderr);
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

/* Read as a property, so the benchmark also runs against a pane that
 * formats at once and has none. */
static gboolean
pane_busy (GtkWidget *pane)
{
  gboolean busy = FALSE;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pane), "busy"))
    g_object_get (pane, "busy", &busy, NULL);
  return busy;
}

static void
on_busy (DpxDetailPane *pane,
         GParamSpec    *pspec,
         gpointer       app)
{
  if (done || pane_busy (GTK_WIDGET (pane)))
    return;
  if (show_all && gtk_widget_activate_action (GTK_WIDGET (pane), "detail.show-all", NULL))
    {
      show_all = FALSE;
      return;
    }
  fprintf (stderr, "stall-probe: shown %.2f s after the selection\n",
           (g_get_monotonic_time () - selected_at) / (double) G_USEC_PER_SEC);
  done = TRUE;
  /* A second for the text view to lay out what it shows. */
  g_timeout_add_seconds (1, finish, app);
}

static gboolean
select_entry (gpointer app)
{
  GtkWidget *view = find_type (GTK_WIDGET (window), DPX_TYPE_LOG_VIEW);
  GtkWidget *pane = find_type (GTK_WIDGET (window), DPX_TYPE_DETAIL_PANE);

  g_signal_connect (pane, "notify", G_CALLBACK (on_busy), app);
  dpx_stall_probe_reset ();
  selected_at = g_get_monotonic_time ();
  dpx_log_view_select (DPX_LOG_VIEW (view), 0);
  /* Formatted at once: nothing to wait for. */
  if (!pane_busy (pane))
    on_busy (DPX_DETAIL_PANE (pane), NULL, app);
  return G_SOURCE_REMOVE;
}

static void
activate (GApplication *app)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(DpxLogEntry) entry = NULL;
  DpxEntryKind entry_kind;

  window = DPX_WINDOW (dpx_application_new_window (DPX_APPLICATION (app)));
  payload = make_payload (&entry_kind);
  entry = dpx_log_entry_new_now ("ws://in-process/", DPX_DIRECTION_RECEIVED, entry_kind, payload);
  dpx_log_append (dpx_window_get_log (window), entry);
  g_timeout_add_seconds (2, select_entry, app);
  /* However long it takes, stop after a minute. */
  g_timeout_add_seconds (60, finish, app);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(DpxApplication) app = NULL;

  if (argc > 1)
    kind = argv[1];
  show_all = argc > 2 && g_str_equal (argv[2], "all");

  dpx_stall_probe_start ();
  app = dpx_application_new (G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
