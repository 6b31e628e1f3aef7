/* test-detail-pane.c: all of one message, beside the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-detail-pane.h"
#include "dpx-gui-test.h"

static DpxDetailPane *
new_pane (void)
{
  return g_object_ref_sink (DPX_DETAIL_PANE (dpx_detail_pane_new ()));
}

static DpxLogEntry *
new_entry (DpxDirection  direction,
           DpxEntryKind  kind,
           const char   *data,
           gsize         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  return dpx_log_entry_new_now ("ws://test/", direction, kind, bytes);
}

static char *
dup_text (DpxDetailPane *pane)
{
  return dpx_gui_test_dup_string (pane, "text");
}

static const char *
title (DpxDetailPane *pane)
{
  GtkWidget *label = dpx_gui_test_find (GTK_WIDGET (pane), GTK_TYPE_LABEL, "heading");

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
action_enabled (DpxDetailPane *pane,
                const char    *name)
{
  /* The header's buttons are the pane's actions. */
  GtkWidget *button = dpx_gui_test_find_actionable (GTK_WIDGET (pane), name);

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* Text as it is, JSON indented, binary as a hex dump, events in words. */
static void
test_show (void)
{
  DpxDetailPane *pane = new_pane ();
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (pane));
  g_autoptr(DpxLogEntry) text = new_entry (DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "hello", 5);
  g_autoptr(DpxLogEntry) json = new_entry (DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT,
                                           "{\"a\":[true]}", 12);
  g_autoptr(DpxLogEntry) binary = new_entry (DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY,
                                             "\xde\xad" "AB", 4);
  g_autoptr(DpxLogEntry) event = dpx_log_entry_new_event ("ws://test/", DPX_ENTRY_KIND_INFO,
                                                          "it happened");
  g_autofree char *shown = NULL;

  shown = dup_text (pane);
  g_assert_cmpstr (shown, ==, "");
  g_assert_cmpstr (title (pane), ==, "Details");
  g_assert_false (action_enabled (pane, "detail.copy"));
  g_assert_false (action_enabled (pane, "detail.save-payload"));

  dpx_detail_pane_set_entry (pane, text);
  g_clear_pointer (&shown, g_free);
  shown = dup_text (pane);
  g_assert_cmpstr (shown, ==, "hello");
  g_assert_cmpstr (title (pane), ==, "Sent text");
  g_assert_true (action_enabled (pane, "detail.copy"));
  g_assert_true (action_enabled (pane, "detail.save-payload"));

  dpx_detail_pane_set_entry (pane, json);
  g_clear_pointer (&shown, g_free);
  shown = dup_text (pane);
  g_assert_nonnull (strstr (shown, "\n  \"a\" : [\n    true\n  ]\n"));
  g_assert_cmpstr (title (pane), ==, "Received JSON");

  dpx_detail_pane_set_entry (pane, binary);
  g_clear_pointer (&shown, g_free);
  shown = dup_text (pane);
  g_assert_nonnull (strstr (shown, "de ad 41 42"));
  g_assert_nonnull (strstr (shown, "|..AB|"));
  g_assert_cmpstr (title (pane), ==, "Received binary");

  dpx_detail_pane_set_entry (pane, event);
  g_clear_pointer (&shown, g_free);
  shown = dup_text (pane);
  g_assert_nonnull (strstr (shown, "it happened"));
  g_assert_cmpstr (title (pane), ==, "Event: info");

  /* Copying puts the payload on the clipboard; binary as hex. */
  dpx_detail_pane_set_entry (pane, binary);
  gtk_widget_activate_action (GTK_WIDGET (pane), "detail.copy", NULL);
  g_assert_true (gdk_clipboard_is_local (gtk_widget_get_clipboard (GTK_WIDGET (pane))));

  dpx_detail_pane_set_entry (pane, NULL);
  g_assert_false (action_enabled (pane, "detail.copy"));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (pane);
  g_assert_finalize_object (g_steal_pointer (&text));
  g_assert_finalize_object (g_steal_pointer (&json));
  g_assert_finalize_object (g_steal_pointer (&binary));
  g_assert_finalize_object (g_steal_pointer (&event));
}

static void
test_properties (void)
{
  DpxDetailPane *pane = new_pane ();
  g_autoptr(DpxLogEntry) entry = new_entry (DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "x", 1);
  g_auto(GValue) none = G_VALUE_INIT;
  g_auto(GValue) some = G_VALUE_INIT;

  g_value_init (&none, DPX_TYPE_LOG_ENTRY);
  g_value_init (&some, DPX_TYPE_LOG_ENTRY);
  g_value_set_object (&some, entry);
  dpx_test_assert_property_notify (pane, "entry", &none, &some);
  g_value_unset (&some);

  {
    g_autoptr(DpxNotifyCounter) text = dpx_test_count_notify (pane, "text");

    dpx_detail_pane_set_entry (pane, entry);
    g_assert_cmpuint (dpx_notify_counter_take (text), ==, 1);
    dpx_detail_pane_set_entry (pane, entry);
    g_assert_cmpuint (dpx_notify_counter_take (text), ==, 0);
    dpx_detail_pane_set_entry (pane, NULL);
    g_assert_cmpuint (dpx_notify_counter_take (text), ==, 1);
  }

  g_assert_finalize_object (pane);
  g_assert_finalize_object (g_steal_pointer (&entry));
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/detail-pane/show", test_show);
  g_test_add_func ("/detail-pane/properties", test_properties);

  return g_test_run ();
}
