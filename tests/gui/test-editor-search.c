/* test-editor-search.c: finding in a message, in the compose box's and the
 * detail pane's editors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-compose.h"
#include "dpx-detail-pane.h"
#include "dpx-editor-search.h"
#include "dpx-gui-test.h"

static int
get_int (gpointer    object,
         const char *property)
{
  int value = 0;

  g_object_get (object, property, &value, NULL);
  return value;
}

static char *
selected_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return g_strdup ("");
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Ctrl+F in the editor opens the bar with the focus in it; the count is
 * told, Enter and Shift+Enter select the next and previous match (around
 * the end), Escape closes it and the editor has the focus again. */
static void
test_find (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *view = gtk_source_view_new ();
  DpxEditorSearch *search = g_object_new (DPX_TYPE_EDITOR_SEARCH, NULL);
  GtkWidget *toplevel;
  GtkWidget *entry;
  char *text;

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (search));
  gtk_box_append (GTK_BOX (box), view);
  toplevel = dpx_gui_test_new_toplevel (box);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)),
                            "{\"id\": 1,\n \"ids\": [2, 3],\n \"name\": \"Id\"}", -1);
  dpx_editor_search_setup_view (GTK_SOURCE_VIEW (view));
  dpx_editor_search_set_view (search, GTK_SOURCE_VIEW (view));
  g_assert_true (gtk_source_view_get_show_line_numbers (GTK_SOURCE_VIEW (view)));
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (view)));

  gtk_widget_grab_focus (view);
  g_assert_false (dpx_editor_search_get_open (search));
  dpx_gui_test_press (view, "<Control>f");
  g_assert_true (dpx_editor_search_get_open (search));
  entry = dpx_gui_test_find (GTK_WIDGET (search), GTK_TYPE_SEARCH_ENTRY, NULL);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (toplevel)), entry));

  /* Any case: "id", "ids" and "Id". */
  dpx_editor_search_set_text (search, "id");
  dpx_test_wait_until (get_int (search, "n-matches") >= 0, 5000);
  g_assert_cmpint (get_int (search, "n-matches"), ==, 3);

  g_signal_emit_by_name (entry, "activate");
  dpx_test_wait_until (get_int (search, "position") == 1, 5000);
  g_signal_emit_by_name (entry, "activate");
  dpx_test_wait_until (get_int (search, "position") == 2, 5000);
  g_signal_emit_by_name (entry, "activate");
  dpx_test_wait_until (get_int (search, "position") == 3, 5000);
  text = selected_text (GTK_TEXT_VIEW (view));
  g_assert_cmpstr (text, ==, "Id");
  g_free (text);
  /* Around the end, and back. */
  dpx_editor_search_move (search, TRUE);
  dpx_test_wait_until (get_int (search, "position") == 1, 5000);
  dpx_gui_test_press (entry, "<Shift>Return");
  dpx_test_wait_until (get_int (search, "position") == 3, 5000);

  dpx_editor_search_set_text (search, "nothing like it");
  dpx_test_wait_until (gtk_widget_has_css_class (entry, "error"), 5000);
  g_assert_cmpint (get_int (search, "n-matches"), ==, 0);

  g_signal_emit_by_name (entry, "stop-search");
  g_assert_false (dpx_editor_search_get_open (search));
  g_assert_true (gtk_widget_has_focus (view));

  dpx_gui_test_destroy_toplevel (toplevel);
}

/* The compose box highlights JSON in JSON mode only, and finds in what is
 * written. */
static void
test_compose_editor (void)
{
  DpxCompose *compose = g_object_ref_sink (g_object_new (DPX_TYPE_COMPOSE, NULL));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (compose));
  GtkWidget *view = dpx_gui_test_find (GTK_WIDGET (compose), GTK_SOURCE_TYPE_VIEW, NULL);
  DpxEditorSearch *search = DPX_EDITOR_SEARCH (dpx_gui_test_find (GTK_WIDGET (compose),
                                                                  DPX_TYPE_EDITOR_SEARCH, NULL));
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  g_assert_true (gtk_source_view_get_show_line_numbers (GTK_SOURCE_VIEW (view)));
  g_assert_null (gtk_source_buffer_get_language (buffer));
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (buffer)), ==, "json");
  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_BINARY);
  g_assert_null (gtk_source_buffer_get_language (buffer));

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_TEXT);
  dpx_compose_set_text (compose, "ping pong ping");
  gtk_widget_grab_focus (view);
  dpx_gui_test_press (view, "<Control>f");
  g_assert_true (dpx_editor_search_get_open (search));
  dpx_editor_search_set_text (search, "ping");
  dpx_test_wait_until (get_int (search, "n-matches") == 2, 5000);

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (compose);
}

/* The detail pane highlights a JSON message, not a text one, and finds in
 * it. */
static void
test_detail_editor (void)
{
  DpxDetailPane *pane = g_object_ref_sink (DPX_DETAIL_PANE (dpx_detail_pane_new ()));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (pane));
  GtkWidget *view = dpx_gui_test_find (GTK_WIDGET (pane), GTK_SOURCE_TYPE_VIEW, NULL);
  DpxEditorSearch *search = DPX_EDITOR_SEARCH (dpx_gui_test_find (GTK_WIDGET (pane),
                                                                  DPX_TYPE_EDITOR_SEARCH, NULL));
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_autoptr(GBytes) json = g_bytes_new_static ("{\"a\":[1,2,{\"b\":\"a\"}]}", 21);
  g_autoptr(GBytes) text = g_bytes_new_static ("just a line", 11);
  g_autoptr(DpxLogEntry) json_entry = dpx_log_entry_new_now ("ws://x", DPX_DIRECTION_RECEIVED,
                                                             DPX_ENTRY_KIND_TEXT, json);
  g_autoptr(DpxLogEntry) text_entry = dpx_log_entry_new_now ("ws://x", DPX_DIRECTION_RECEIVED,
                                                             DPX_ENTRY_KIND_TEXT, text);

  g_assert_true (gtk_source_view_get_show_line_numbers (GTK_SOURCE_VIEW (view)));
  dpx_detail_pane_set_entry (pane, json_entry);
  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (buffer)), ==, "json");
  gtk_widget_grab_focus (view);
  dpx_gui_test_press (view, "<Control>f");
  dpx_editor_search_set_text (search, "\"a\"");
  dpx_test_wait_until (get_int (search, "n-matches") == 2, 5000);

  dpx_detail_pane_set_entry (pane, text_entry);
  g_assert_null (gtk_source_buffer_get_language (buffer));
  dpx_test_wait_until (get_int (search, "n-matches") == 0, 5000);

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (pane);
}

/* In the window: JSON written in the compose box and the echo in the detail
 * pane, both highlighted, a word found in the echo. */
static void
test_in_window (DpxWindowFixture *fixture,
                gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *pane = dpx_gui_test_find (GTK_WIDGET (view), DPX_TYPE_DETAIL_PANE, NULL);
  GtkWidget *pane_view = dpx_gui_test_find (pane, GTK_SOURCE_TYPE_VIEW, NULL);
  DpxEditorSearch *search = DPX_EDITOR_SEARCH (dpx_gui_test_find (pane, DPX_TYPE_EDITOR_SEARCH,
                                                                  NULL));
  const char *order = "{\"order\": {\"id\": 4211, \"items\": [{\"sku\": \"tea-01\", \"qty\": 2}, "
                      "{\"sku\": \"mug-07\", \"qty\": 1}], \"paid\": true, \"note\": null}}";

  dpx_gui_test_connect (window, fixture->url);
  dpx_gui_test_send (window, DPX_COMPOSE_MODE_JSON, order);
  dpx_log_view_select (view, dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_TEXT, "tea-01"));
  g_free (dpx_gui_test_dup_detail_text (window));
  gtk_widget_grab_focus (pane_view);
  dpx_gui_test_press (pane_view, "<Control>f");
  dpx_editor_search_set_text (search, "sku");
  dpx_test_wait_until (get_int (search, "n-matches") == 2, 5000);
  dpx_editor_search_move (search, TRUE);
  dpx_test_wait_until (get_int (search, "position") == 1, 5000);

  dpx_compose_set_mode (compose, DPX_COMPOSE_MODE_JSON);
  dpx_compose_set_text (compose, "{\n  \"type\": \"subscribe\",\n  \"channels\": [\"orders\", 42, true]\n}");
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "editor-json.png");
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/editor-search/find", test_find);
  g_test_add_func ("/editor-search/compose-editor", test_compose_editor);
  g_test_add_func ("/editor-search/detail-editor", test_detail_editor);
  DPX_WINDOW_TEST_ADD ("/editor-search/in-window", test_in_window);

  return g_test_run ();
}
