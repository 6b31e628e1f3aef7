/* test-relay-policy.c: the local server's options from the settings, and
 * its start when the port is taken
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-relay-policy.h"
#include "dpx-test-support.h"

/* A listening socket on a free loopback port, standing for another program. */
static GSocket *
occupy_port (guint *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

static void
test_exact_port_in_use_fails (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) other = NULL;
  guint port;

  other = occupy_port (&port);
  dpx_relay_set_port (relay, port);
  g_assert_false (dpx_relay_start_policy (relay, DPX_RELAY_PORT_EXACT, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, "already in use"));
  g_assert_false (dpx_relay_get_running (relay));
  g_assert_cmpuint (dpx_relay_get_port (relay), ==, port);
  g_assert_finalize_object (g_steal_pointer (&relay));
}

/* The window's server moves to another port and says where, instead of
 * failing because something else holds its port. */
static void
test_next_free_moves_on (void)
{
  g_autoptr(DpxRelay) relay = dpx_relay_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) other = NULL;
  g_autoptr(SoupWebsocketConnection) conn = NULL;
  g_autofree char *url = NULL;
  guint port;

  other = occupy_port (&port);
  dpx_relay_set_port (relay, port);
  g_assert_true (dpx_relay_start_policy (relay, DPX_RELAY_PORT_NEXT_FREE, &error));
  g_assert_no_error (error);
  g_assert_true (dpx_relay_get_running (relay));
  g_assert_cmpuint (dpx_relay_get_port (relay), !=, port);

  /* It really listens there. */
  url = dpx_relay_dup_url (relay);
  conn = dpx_test_connect (url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);
  soup_websocket_connection_close (conn, 1000, NULL);
  dpx_test_wait_until (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_CLOSED,
                       5000);
  g_clear_object (&conn);

  dpx_relay_stop (relay);
  dpx_test_wait_until (dpx_relay_get_n_peers (relay) == 0, 5000);
}

static void
test_settings_map_to_options (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(DpxRelay) relay = dpx_relay_new ();

  g_settings_set_uint (settings, "server-port", 4321);
  g_settings_set_boolean (settings, "server-echo", FALSE);
  g_settings_set_uint (settings, "server-max-clients", 7);
  g_settings_set_uint64 (settings, "server-max-message-size", 2048);
  g_settings_set_uint (settings, "server-max-rate", 30);

  /* Loopback unless the user allowed other computers. */
  g_settings_set_boolean (settings, "server-lan", FALSE);
  dpx_relay_apply_settings (relay, settings);
  g_assert_cmpstr (dpx_relay_get_host (relay), ==, "127.0.0.1");
  g_assert_true (dpx_relay_get_loopback_only (relay));
  g_assert_cmpuint (dpx_relay_get_port (relay), ==, 4321);
  g_assert_false (dpx_relay_get_echo (relay));
  g_assert_cmpuint (dpx_relay_get_max_clients (relay), ==, 7);
  g_assert_cmpuint (dpx_relay_get_max_message_size (relay), ==, 2048);
  g_assert_cmpuint (dpx_relay_get_max_rate (relay), ==, 30);

  g_settings_set_boolean (settings, "server-lan", TRUE);
  dpx_relay_apply_settings (relay, settings);
  g_assert_cmpstr (dpx_relay_get_host (relay), ==, "0.0.0.0");
  g_assert_false (dpx_relay_get_loopback_only (relay));
  g_assert_finalize_object (g_steal_pointer (&relay));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-policy/exact-port-in-use-fails", test_exact_port_in_use_fails);
  g_test_add_func ("/relay-policy/next-free-moves-on", test_next_free_moves_on);
  g_test_add_func ("/relay-policy/settings-map-to-options", test_settings_map_to_options);


  return g_test_run ();
}
