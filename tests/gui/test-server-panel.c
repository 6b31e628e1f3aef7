/* test-server-panel.c: what the local broadcast server is doing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-gui-test.h"
#include "dpx-server-panel.h"

static void
assert_text (DpxServerPanel *panel,
             const char     *property,
             const char     *expected)
{
  g_autofree char *text = dpx_gui_test_dup_string (panel, property);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_follows_relay (void)
{
  DpxServerPanel *panel = g_object_ref_sink (g_object_new (DPX_TYPE_SERVER_PANEL, NULL));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (panel));
  DpxRelay *relay = dpx_relay_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(DpxTestPeer) peer = NULL;

  dpx_relay_set_port (relay, 0);
  dpx_server_panel_set_relay (panel, relay);
  assert_text (panel, "url-text", "Stopped");
  assert_text (panel, "count-text", "0 clients");

  {
    g_autoptr(DpxNotifyCounter) url_text = dpx_test_count_notify (panel, "url-text");
    g_autoptr(DpxNotifyCounter) count = dpx_test_count_notify (panel, "count-text");
    g_autoptr(DpxNotifyCounter) lan = dpx_test_count_notify (panel, "lan-warning-visible");

    g_assert_true (dpx_relay_start (relay, &error));
    g_assert_no_error (error);
    url = dpx_relay_dup_url (relay);
    assert_text (panel, "url-text", url);
    g_assert_cmpuint (dpx_notify_counter_take (url_text), ==, 1);
    g_assert_cmpuint (dpx_notify_counter_take (lan), ==, 0);
    g_assert_false (dpx_gui_test_get_boolean (panel, "lan-warning-visible"));

    peer = dpx_test_peer_new (dpx_test_connect (url, NULL));
    dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
    assert_text (panel, "count-text", "1 client");
    g_assert_cmpuint (dpx_notify_counter_take (count), ==, 1);
    dpx_server_panel_refresh (panel);
    g_assert_cmpuint (dpx_notify_counter_take (count), ==, 0);

    dpx_relay_stop (relay);
    dpx_test_wait_until (peer->closed, 5000);
    assert_text (panel, "url-text", "Stopped");
    assert_text (panel, "count-text", "0 clients");
    g_assert_cmpuint (dpx_notify_counter_take (url_text), ==, 1);
    g_assert_cmpuint (dpx_notify_counter_take (count), ==, 1);
  }

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (panel);
  dpx_test_wait_until (G_OBJECT (relay)->ref_count == 1, 5000);
  g_assert_finalize_object (relay);
}

static void
test_properties (void)
{
  DpxServerPanel *panel = g_object_ref_sink (g_object_new (DPX_TYPE_SERVER_PANEL, NULL));
  g_autoptr(DpxRelay) first = dpx_relay_new ();
  g_autoptr(DpxRelay) second = dpx_relay_new ();
  g_auto(GValue) a = G_VALUE_INIT;
  g_auto(GValue) b = G_VALUE_INIT;

  g_value_init (&a, DPX_TYPE_RELAY);
  g_value_init (&b, DPX_TYPE_RELAY);
  g_value_set_object (&a, first);
  g_value_set_object (&b, second);
  dpx_test_assert_property_notify (panel, "relay", &a, &b);
  g_value_unset (&a);
  g_value_unset (&b);

  g_assert_finalize_object (panel);
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_finalize_object (g_steal_pointer (&second));
}

/* A label with exactly @text under @widget. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found)
        return found;
    }
  return NULL;
}

/* The client list shows nicknames, and its controls reach the relay: mute
 * (the client is told), a client's own rate, a chosen close code; the
 * echo switch follows the setting. */
static void
test_teacher_controls (void)
{
  DpxServerPanel *panel = g_object_ref_sink (g_object_new (DPX_TYPE_SERVER_PANEL, NULL));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (panel));
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_relay_dup_url (relay);
  g_autofree char *named = g_strconcat (url, "?name=Anna", NULL);
  g_autoptr(DpxTestPeer) anna = NULL;
  g_autoptr(DpxTestPeer) other = NULL;
  DpxRelayPeer *anna_peer;
  GtkWidget *mute;
  guint id;

  dpx_gui_test_reset_settings ();
  dpx_server_panel_set_relay (panel, relay);
  dpx_server_panel_bind_settings (panel, dpx_gui_test_get_settings ());
  anna = dpx_test_peer_new (dpx_test_connect (named, NULL));
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 1, 5000);
  other = dpx_test_peer_new (dpx_test_connect (url, NULL));
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 2, 5000);
  anna_peer = g_list_model_get_item (dpx_relay_get_peers (relay), 0);
  g_object_unref (anna_peer);
  id = dpx_relay_peer_get_id (anna_peer);

  dpx_gui_test_wait_frames (toplevel, 5);
  g_assert_nonnull (find_label (GTK_WIDGET (panel), "Anna"));

  /* The first row's mute button mutes Anna, who is told. */
  mute = dpx_gui_test_find (GTK_WIDGET (panel), GTK_TYPE_TOGGLE_BUTTON, "mute-button");
  g_assert_nonnull (mute);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (mute), TRUE);
  g_assert_true (dpx_relay_peer_get_muted (anna_peer));
  dpx_test_wait_until (anna->messages->len == 1, 5000);
  soup_websocket_connection_send_text (anna->conn, "not heard");
  dpx_test_wait_until (dpx_relay_peer_get_messages_in (anna_peer) == 1, 5000);
  g_assert_cmpuint (dpx_relay_get_messages_relayed (relay), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (panel), "serverpanel.set-rate", "(uu)", id, 5);
  g_assert_cmpuint (dpx_relay_peer_get_max_rate (anna_peer), ==, 5);

  /* Echo off in the panel's switch is off in the relay, live. */
  g_settings_set_boolean (dpx_gui_test_get_settings (), "server-echo", FALSE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (dpx_gui_test_find (GTK_WIDGET (panel),
                                                                        GTK_TYPE_SWITCH, NULL))));

  /* A code that cannot be sent does nothing; a chosen one closes Anna. */
  gtk_widget_activate_action (GTK_WIDGET (panel), "serverpanel.disconnect", "(uqs)", id, 1005, "no");
  gtk_widget_activate_action (GTK_WIDGET (panel), "serverpanel.disconnect", "(uqs)", id, 4001,
                              "Break time");
  dpx_test_wait_until (anna->closed, 5000);
  g_assert_cmpuint (anna->close_code, ==, 4001);
  g_assert_cmpstr (anna->close_reason, ==, "Break time");
  g_assert_false (other->closed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "serverpanel.clear-pages", NULL));

  dpx_gui_test_reset_settings ();
  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (panel);
}

typedef struct {
  guint largest;   /* rows added or removed by one change */
  guint changes;
} RowChanges;

static void
on_rows_changed (GListModel *rows,
                 guint       position,
                 guint       removed,
                 guint       added,
                 RowChanges *seen)
{
  seen->largest = MAX (seen->largest, MAX (removed, added));
  seen->changes++;
}

/* A class joining or leaving at once: the count is right at once, and the
 * list reaches it a few rows at a time (each row costs the window about a
 * millisecond to make or tear down), never a hundred in one go. A row's
 * disconnect popover is made when opened and closes its client. */
static void
test_class_at_once (void)
{
  DpxServerPanel *panel = g_object_ref_sink (g_object_new (DPX_TYPE_SERVER_PANEL, NULL));
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (GTK_WIDGET (panel));
  g_autoptr(DpxRelay) relay = dpx_test_relay_new ();
  g_autofree char *url = dpx_relay_dup_url (relay);
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) dpx_test_peer_free);
  GtkColumnView *view;
  GListModel *rows;
  GtkWidget *menu_button;
  GtkPopover *popover;
  GtkWidget *disconnect;
  DpxTestPeer *first;
  RowChanges seen = { 0, 0 };
  const guint n = 40;

  gtk_window_set_default_size (GTK_WINDOW (toplevel), 1000, 700);
  dpx_server_panel_set_relay (panel, relay);
  view = GTK_COLUMN_VIEW (dpx_gui_test_find (GTK_WIDGET (panel), GTK_TYPE_COLUMN_VIEW, NULL));
  g_assert_nonnull (view);
  rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_signal_connect (rows, "items-changed", G_CALLBACK (on_rows_changed), &seen);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (peers, dpx_test_peer_new (dpx_test_connect (url, NULL)));
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == n, 20000);
  assert_text (panel, "count-text", "40 clients");
  dpx_test_wait_until (g_list_model_get_n_items (rows) == n, 10000);
  g_assert_cmpuint (seen.largest, >, 0);
  g_assert_cmpuint (seen.largest, <=, 15);

  /* The first row's disconnect button, through its popover. */
  dpx_gui_test_wait_frames (toplevel, 3);
  menu_button = dpx_gui_test_find (GTK_WIDGET (view), GTK_TYPE_MENU_BUTTON, NULL);
  g_assert_nonnull (menu_button);
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)));
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
  g_assert_nonnull (popover);
  disconnect = dpx_gui_test_find (GTK_WIDGET (popover), GTK_TYPE_BUTTON, "destructive-action");
  g_assert_nonnull (disconnect);
  first = g_ptr_array_index (peers, 0);
  gtk_widget_activate (disconnect);
  dpx_test_wait_until (first->closed, 5000);
  g_assert_cmpuint (first->close_code, ==, 4000);
  g_assert_cmpstr (first->close_reason, ==, "Disconnected by the teacher");
  dpx_test_wait_until (g_list_model_get_n_items (rows) == n - 1, 5000);

  /* The rest leave in one go: a few changes, not one per client. */
  seen = (RowChanges) { 0, 0 };
  for (guint i = 1; i < n; i++)
    soup_websocket_connection_close (((DpxTestPeer *) g_ptr_array_index (peers, i))->conn, 1001, NULL);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 10000);
  assert_text (panel, "count-text", "0 clients");
  dpx_test_wait_until (g_list_model_get_n_items (rows) == 0, 10000);
  g_assert_cmpuint (seen.largest, >, 0);
  g_assert_cmpuint (seen.largest, <=, 15);
  g_assert_cmpuint (seen.changes, <, 20);

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (panel);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/server-panel/follows-relay", test_follows_relay);
  g_test_add_func ("/server-panel/properties", test_properties);
  g_test_add_func ("/server-panel/teacher-controls", test_teacher_controls);
  g_test_add_func ("/server-panel/class-at-once", test_class_at_once);

  return g_test_run ();
}
