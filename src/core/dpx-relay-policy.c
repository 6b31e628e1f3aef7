/* dpx-relay-policy.c: how the window and `duplex serve` start the relay
 *
 * The window keeps the local server's options in GSettings and wants it up
 * even when its port is taken; `duplex serve` takes them from the command
 * line and must listen where it was told, since scripts connect there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-relay-policy.h"

/**
 * dpx_relay_apply_settings:
 * @settings: the application's settings, with the server-* keys
 *
 * Sets the relay's options from the window's preferences; loopback unless
 * the user allowed other computers.
 */
void
dpx_relay_apply_settings (DpxRelay  *relay,
                          GSettings *settings)
{
  g_return_if_fail (DPX_IS_RELAY (relay));
  g_return_if_fail (G_IS_SETTINGS (settings));

  dpx_relay_set_host (relay, g_settings_get_boolean (settings, "server-lan") ? "0.0.0.0"
                                                                             : "127.0.0.1");
  dpx_relay_set_port (relay, g_settings_get_uint (settings, "server-port"));
  dpx_relay_set_echo (relay, g_settings_get_boolean (settings, "server-echo"));
  dpx_relay_set_max_clients (relay, g_settings_get_uint (settings, "server-max-clients"));
  dpx_relay_set_max_message_size (relay, g_settings_get_uint64 (settings, "server-max-message-size"));
  dpx_relay_set_max_rate (relay, g_settings_get_uint (settings, "server-max-rate"));
}

/**
 * dpx_relay_start_policy:
 *
 * Starts @relay on its configured port. With %DPX_RELAY_PORT_NEXT_FREE a
 * port in use moves it to the next %DPX_RELAY_NEXT_PORTS ports, then to any
 * free one: read the port back with dpx_relay_get_port(). Any other error
 * ends the attempt.
 */
gboolean
dpx_relay_start_policy (DpxRelay            *relay,
                        DpxRelayPortPolicy   policy,
                        GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  guint wanted;

  g_return_val_if_fail (DPX_IS_RELAY (relay), FALSE);

  wanted = dpx_relay_get_port (relay);
  if (policy == DPX_RELAY_PORT_EXACT || wanted == 0)
    return dpx_relay_start (relay, error);

  for (guint i = 0; ; i++)
    {
      guint port = (i > DPX_RELAY_NEXT_PORTS || wanted + i > G_MAXUINT16) ? 0 : wanted + i;

      g_clear_error (&local_error);
      dpx_relay_set_port (relay, port);
      if (dpx_relay_start (relay, &local_error))
        return TRUE;
      if (port == 0 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        break;
    }

  /* The port the user chose, not the last one tried, stays configured. */
  dpx_relay_set_port (relay, wanted);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
