/* dpx-relay-policy.c: how the window and `duplex serve` start the relay
 *
 * The window keeps the local server's options in GSettings and wants it up
 * even when its port is taken; `duplex serve` takes them from the command
 * line and must listen where it was told, since scripts connect there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

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
  g_autofree char *class_code = NULL;

  g_return_if_fail (DPX_IS_RELAY (relay));
  g_return_if_fail (G_IS_SETTINGS (settings));

  dpx_relay_set_host (relay, g_settings_get_boolean (settings, "server-lan") ? "0.0.0.0"
                                                                             : "127.0.0.1");
  dpx_relay_set_port (relay, g_settings_get_uint (settings, "server-port"));
  dpx_relay_set_echo (relay, g_settings_get_boolean (settings, "server-echo"));
  dpx_relay_set_max_clients (relay, g_settings_get_uint (settings, "server-max-clients"));
  dpx_relay_set_max_message_size (relay, g_settings_get_uint64 (settings, "server-max-message-size"));
  dpx_relay_set_max_rate (relay, g_settings_get_uint (settings, "server-max-rate"));
  class_code = g_settings_get_string (settings, "server-class-code");
  dpx_relay_set_class_code (relay, class_code);
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

/* The IPv4 addresses of this machine's interfaces that are up, other than
 * loopback: where people on the same network reach it. */
static GPtrArray *
lan_addresses (void)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return found;
  for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) inet = NULL;
      char *text;

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
          !(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))
        continue;
      inet = g_inet_address_new_from_bytes ((const guint8 *) &((struct sockaddr_in *) ifa->ifa_addr)->sin_addr,
                                            G_SOCKET_FAMILY_IPV4);
      if (g_inet_address_get_is_loopback (inet) || g_inet_address_get_is_link_local (inet))
        continue;
      text = g_inet_address_to_string (inet);
      if (!g_ptr_array_find_with_equal_func (found, text, g_str_equal, NULL))
        g_ptr_array_add (found, text);
      else
        g_free (text);
    }
  freeifaddrs (list);
  return found;
}

/**
 * dpx_relay_dup_join_urls:
 *
 * The addresses of the class page a person types or scans: on every
 * network address of this machine when the relay listens on all of them,
 * on its own address otherwise, with the class code when there is one.
 *
 * Returns: (transfer full): a %NULL-terminated list, empty when the relay
 *   listens on every interface and no network is up
 */
char **
dpx_relay_dup_join_urls (DpxRelay *relay)
{
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
  g_autofree char *query = NULL;
  const char *host;
  const char *code;

  g_return_val_if_fail (DPX_IS_RELAY (relay), NULL);

  host = dpx_relay_get_host (relay);
  if (g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    hosts = lan_addresses ();
  else
    {
      hosts = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (hosts, g_strdup (host));
    }

  code = dpx_relay_get_class_code (relay);
  if (code != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (code, NULL, FALSE);

      query = g_strconcat ("?code=", escaped, NULL);
    }
  for (guint i = 0; i < hosts->len; i++)
    {
      const char *h = g_ptr_array_index (hosts, i);
      g_autofree char *url = NULL;

      if (strchr (h, ':') != NULL)
        url = g_strdup_printf ("http://[%s]:%u/%s", h, dpx_relay_get_port (relay), query ? query : "");
      else
        url = g_strdup_printf ("http://%s:%u/%s", h, dpx_relay_get_port (relay), query ? query : "");
      g_strv_builder_add (urls, url);
    }
  return g_strv_builder_end (urls);
}
