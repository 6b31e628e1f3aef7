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

/* Spins the main loop until the pane has formatted and shown its entry.
 * No time limit of its own: the test's timeout is the limit. (A pane
 * without the property formats at once.) */
static void
wait_shown (DpxDetailPane *pane)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pane), "busy") == NULL)
    return;
  while (dpx_gui_test_get_boolean (pane, "busy"))
    g_main_context_iteration (NULL, TRUE);
}

static GtkWidget *
find_label_with (GtkWidget  *widget,
                 const char *needle)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), needle))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_with (child, needle);

      if (found)
        return found;
    }
  return NULL;
}

static gsize
longest_line (const char *text)
{
  gsize longest = 0;

  for (const char *p = text; *p;)
    {
      const char *newline = strchr (p, '\n');
      gsize line = newline ? (gsize) (newline - p) : strlen (p);

      longest = MAX (longest, line);
      p += newline ? line + 1 : line;
    }
  return longest;
}

static char *
without_newlines (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (*p != '\n')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* A 1 MB message of unbroken text: the pane shows its start in short
 * lines, says how much more there is, and Show All shows the rest. */
static void
test_large_text (void)
{
  const gsize size = 1000 * 1000;
  DpxDetailPane *pane = new_pane ();
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (pane));
  g_autofree char *payload = g_malloc (size + 1);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *all = NULL;
  g_autofree char *joined = NULL;
  GtkWidget *show_all;

  for (gsize i = 0; i < size; i++)
    payload[i] = 'a' + i % 26;
  payload[size] = '\0';
  entry = new_entry (DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, payload, size);

  dpx_detail_pane_set_entry (pane, entry);
  wait_shown (pane);
  shown = dup_text (pane);
  g_assert_cmpuint (strlen (shown), >, 100 * 1024);
  g_assert_cmpuint (strlen (shown), <, 512 * 1024);
  g_assert_true (strncmp (shown, payload, 1000) == 0);
  /* Shown in lines a text view lays out quickly, none of it lost. */
  g_assert_cmpuint (longest_line (shown), <=, 4096);
  joined = without_newlines (shown);
  g_assert_true (strncmp (joined, payload, strlen (joined)) == 0);
  g_assert_nonnull (find_label_with (GTK_WIDGET (pane), "more text is not shown"));

  show_all = dpx_gui_test_find_actionable (GTK_WIDGET (pane), "detail.show-all");
  g_assert_nonnull (show_all);
  g_assert_true (gtk_widget_is_visible (show_all));
  g_assert_true (gtk_widget_is_sensitive (show_all));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "detail.show-all", NULL));
  wait_shown (pane);
  all = dup_text (pane);
  g_clear_pointer (&joined, g_free);
  joined = without_newlines (all);
  g_assert_cmpuint (strlen (joined), ==, size);
  g_assert_true (strcmp (joined, payload) == 0);
  g_assert_false (gtk_widget_is_visible (show_all));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (pane);
  g_assert_finalize_object (g_steal_pointer (&entry));
}

/* A 16 MiB binary message: a hex dump of its start, and how much more. */
static void
test_large_binary (void)
{
  const gsize size = 16 * 1024 * 1024;
  DpxDetailPane *pane = new_pane ();
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (pane));
  g_autofree guint8 *payload = g_malloc0 (size);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *shown = NULL;

  payload[0] = 0xde;
  payload[1] = 0xad;
  entry = new_entry (DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_BINARY, (const char *) payload, size);
  dpx_detail_pane_set_entry (pane, entry);
  wait_shown (pane);
  shown = dup_text (pane);
  g_assert_true (g_str_has_prefix (shown, "00000000  de ad 00"));
  g_assert_cmpuint (strlen (shown), <, 512 * 1024);
  g_assert_cmpstr (title (pane), ==, "Received binary");
  g_assert_nonnull (find_label_with (GTK_WIDGET (pane), "more of the payload is not shown"));
  g_assert_true (gtk_widget_is_visible (dpx_gui_test_find_actionable (GTK_WIDGET (pane),
                                                                      "detail.show-all")));

  /* Show All shows all of it, a row per 16 bytes, made as they come into
   * sight: the last row is there too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "detail.show-all", NULL));
  wait_shown (pane);
  {
    GtkListView *rows_view = GTK_LIST_VIEW (dpx_gui_test_find (GTK_WIDGET (pane), GTK_TYPE_LIST_VIEW, NULL));
    GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (rows_view));
    g_autoptr(GtkStringObject) last = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, size / 16);
    last = g_list_model_get_item (rows, size / 16 - 1);
    g_assert_cmpstr (gtk_string_object_get_string (last), ==,
                     "00fffff0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|");
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (rows_view)));
    dpx_gui_test_save_screenshot (toplevel, "detail-show-all.png");
  }
  g_assert_false (gtk_widget_is_visible (dpx_gui_test_find_actionable (GTK_WIDGET (pane),
                                                                       "detail.show-all")));
  g_assert_true (gtk_widget_is_visible (dpx_gui_test_find_actionable (GTK_WIDGET (pane),
                                                                      "detail.save-payload")));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (pane);
  g_assert_finalize_object (g_steal_pointer (&entry));
}

/* Another selection while a large one is formatted: the pane shows the
 * last one, and the first never replaces it. */
static void
test_selection_changes_while_formatting (void)
{
  const gsize size = 4 * 1000 * 1000;
  DpxDetailPane *pane = new_pane ();
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (pane));
  g_autofree char *payload = g_malloc (size);
  g_autoptr(DpxLogEntry) big = NULL;
  g_autoptr(DpxLogEntry) small = new_entry (DPX_DIRECTION_SENT, DPX_ENTRY_KIND_TEXT, "hello", 5);
  g_autofree char *shown = NULL;

  memset (payload, 'x', size);
  big = new_entry (DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, payload, size);
  dpx_detail_pane_set_entry (pane, big);
  dpx_detail_pane_set_entry (pane, small);
  wait_shown (pane);
  /* The first one's thread may finish later still (seconds on a loaded
   * machine): what it brings must not replace what is shown. Its task holds
   * the pane until then. */
  dpx_test_wait_until (G_OBJECT (pane)->ref_count == 2, 20000);
  dpx_gui_test_wait_frames (toplevel, 2);
  shown = dup_text (pane);
  g_assert_cmpstr (shown, ==, "hello");
  g_assert_cmpstr (title (pane), ==, "Sent text");
  g_assert_null (find_label_with (GTK_WIDGET (pane), "not shown"));

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (pane);
  g_assert_finalize_object (g_steal_pointer (&big));
  g_assert_finalize_object (g_steal_pointer (&small));
}

/* 60 000 nested arrays from a peer: plain text, no crash. */
static void
test_deep_json (void)
{
  const gsize depth = 60000;
  DpxDetailPane *pane = new_pane ();
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (pane));
  g_autofree char *deep = g_malloc (2 * depth + 1);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *joined = NULL;

  memset (deep, '[', depth);
  memset (deep + depth, ']', depth);
  deep[2 * depth] = '\0';
  entry = new_entry (DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, deep, 2 * depth);
  dpx_detail_pane_set_entry (pane, entry);
  wait_shown (pane);
  shown = dup_text (pane);
  joined = without_newlines (shown);
  g_assert_cmpstr (joined, ==, deep);
  g_assert_cmpstr (title (pane), ==, "Received text");

  dpx_gui_test_destroy_toplevel (toplevel);
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
  g_test_add_func ("/detail-pane/large-text", test_large_text);
  g_test_add_func ("/detail-pane/large-binary", test_large_binary);
  g_test_add_func ("/detail-pane/selection-changes-while-formatting",
                   test_selection_changes_while_formatting);
  g_test_add_func ("/detail-pane/deep-json", test_deep_json);

  return g_test_run ();
}
