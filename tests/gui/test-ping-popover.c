/* test-ping-popover.c: a ping with a chosen payload, and its round trip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-compose.h"
#include "dpx-detail-pane.h"
#include "dpx-gui-test.h"
#include "dpx-log-row.h"
#include "dpx-ping-popover.h"

static char *
dup_error (gpointer popover)
{
  return dpx_gui_test_dup_string (popover, "error");
}

/* The payload is checked as it is typed and again when sending: at most
 * 125 bytes, hex that is hex. */
static void
test_checks (void)
{
  DpxPingPopover *popover = g_object_ref_sink (g_object_new (DPX_TYPE_PING_POPOVER, NULL));
  GtkEditable *entry = GTK_EDITABLE (dpx_gui_test_find (GTK_WIDGET (popover), GTK_TYPE_ENTRY, NULL));
  g_autofree char *long_payload = g_strnfill (126, 'x');
  g_autofree char *most = g_strnfill (125, 'x');
  char *error;

  error = dup_error (popover);
  g_assert_null (error);

  gtk_editable_set_text (entry, long_payload);
  error = dup_error (popover);
  g_assert_nonnull (strstr (error, "125"));
  g_assert_nonnull (strstr (error, "126"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  g_free (error);
  gtk_editable_set_text (entry, most);
  error = dup_error (popover);
  g_assert_null (error);

  g_assert_false (dpx_ping_popover_ping (popover, "zz", TRUE));
  error = dup_error (popover);
  g_assert_nonnull (error);
  g_free (error);
  g_assert_false (dpx_ping_popover_ping (popover, long_payload, FALSE));
  error = dup_error (popover);
  g_assert_nonnull (strstr (error, "125"));
  g_free (error);

  /* Right payload, but nothing to send it on. */
  g_assert_false (dpx_ping_popover_ping (popover, "61 62 63", TRUE));
  error = dup_error (popover);
  g_assert_cmpstr (error, ==, "Not connected");
  g_free (error);

  g_assert_finalize_object (popover);
}

static GtkWidget *
find_row_widget (GtkWidget   *list,
                 DpxLogEntry *entry)
{
  for (GtkWidget *item = gtk_widget_get_first_child (list);
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (DPX_IS_LOG_ROW (row) && dpx_log_row_get_entry (DPX_LOG_ROW (row)) == entry)
        return row;
    }
  return NULL;
}

/* Ctrl+Shift+P opens the popover; a ping "abc" goes out, the relay's pong
 * comes back, and its row and the detail pane say the round trip. A hex
 * payload is sent as its bytes. */
static void
test_round_trip (DpxWindowFixture *fixture,
                 gconstpointer     data)
{
  DpxWindow *window = fixture->window;
  DpxCompose *compose = dpx_gui_test_get (window, "compose");
  DpxLogView *view = dpx_gui_test_get (window, "log-view");
  GtkWidget *popover = dpx_gui_test_find (GTK_WIDGET (compose), DPX_TYPE_PING_POPOVER, NULL);
  GtkEditable *entry = GTK_EDITABLE (dpx_gui_test_find (popover, GTK_TYPE_ENTRY, NULL));
  GtkWidget *list = dpx_gui_test_find (GTK_WIDGET (view), GTK_TYPE_LIST_VIEW, "log-list");
  GtkWidget *pane = dpx_gui_test_find (GTK_WIDGET (view), DPX_TYPE_DETAIL_PANE, NULL);
  GtkLabel *title;
  g_autoptr(DpxLogEntry) pong = NULL;
  GtkWidget *row;
  const char *preview;
  int position;

  /* Not connected: the button is off, the shortcut opens nothing. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.ping", NULL);
  g_assert_false (gtk_widget_get_visible (popover));

  dpx_gui_test_connect (window, fixture->url);
  g_assert_nonnull (dpx_gui_test_find_shortcut (GTK_WIDGET (window), "<Shift><Control>p"));
  gtk_widget_activate_action (GTK_WIDGET (window), "window.ping", NULL);
  dpx_test_wait_until (gtk_widget_get_mapped (popover), 5000);
  gtk_editable_set_text (entry, "abc");
  g_signal_emit_by_name (dpx_gui_test_find (popover, GTK_TYPE_TEXT, NULL), "activate");
  g_assert_false (gtk_widget_get_visible (popover));

  position = dpx_gui_test_wait_row (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG, "abc");
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_SENT, DPX_ENTRY_KIND_PING, "abc"));
  pong = g_list_model_get_item (dpx_gui_test_rows (window), position);
  g_assert_cmpint (dpx_log_entry_get_rtt (pong), >=, 0);
  g_assert_false (dpx_log_entry_get_keepalive (pong));

  /* The row: "3.2 ms · abc". */
  dpx_gui_test_wait_frames (GTK_WIDGET (window), 3);
  row = find_row_widget (list, pong);
  g_assert_nonnull (row);
  preview = dpx_log_row_get_preview (DPX_LOG_ROW (row));
  g_assert_true (g_str_has_suffix (preview, " ms · abc"));

  dpx_log_view_select (view, position);
  g_free (dpx_gui_test_dup_detail_text (window));
  title = GTK_LABEL (gtk_widget_get_template_child (pane, DPX_TYPE_DETAIL_PANE, "title_label"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (title), "Received pong · "));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (title), " ms"));
  dpx_gui_test_save_screenshot (GTK_WIDGET (window), "ping-round-trip.png");

  /* Hex: the bytes go out, the pong brings them back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "window.ping", NULL);
  g_assert_true (dpx_ping_popover_ping (DPX_PING_POPOVER (popover), "00 01 fe", TRUE));
  dpx_test_wait_until (dpx_gui_test_count_rows (window, DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_PONG,
                                                NULL) == 2, 5000);

  /* Pings and pongs can be hidden with the Pings toggle, and the kind
   * filter shows them alone. */
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-control", NULL);
  g_assert_false (dpx_gui_test_get_boolean (view, "show-control"));
  g_assert_cmpuint (dpx_gui_test_count_rows (window, -1, DPX_ENTRY_KIND_PONG, NULL), ==, 0);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, -1, DPX_ENTRY_KIND_PING, NULL), ==, 0);
  g_assert_true (dpx_gui_test_has_row (window, DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_OPEN, NULL));
  {
    guint hidden = 0;

    g_object_get (view, "n-hidden", &hidden, NULL);
    g_assert_cmpuint (hidden, ==, 4);
  }
  gtk_widget_activate_action (GTK_WIDGET (view), "logview.show-control", NULL);
  g_object_set (view, "kind-filter", DPX_ENTRY_KIND_PONG, NULL);
  g_assert_cmpuint (dpx_gui_test_count_rows (window, -1, DPX_ENTRY_KIND_PONG, NULL), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (dpx_gui_test_rows (window)), ==, 2);
  g_object_set (view, "kind-filter", -1, NULL);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/ping-popover/checks", test_checks);
  DPX_WINDOW_TEST_ADD ("/ping-popover/round-trip", test_round_trip);

  return g_test_run ();
}
