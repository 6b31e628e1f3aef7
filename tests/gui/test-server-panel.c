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

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/server-panel/follows-relay", test_follows_relay);
  g_test_add_func ("/server-panel/properties", test_properties);

  return g_test_run ();
}
