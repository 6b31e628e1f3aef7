/* dpx-client-handshake.c: the client's side of the opening handshake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 6455 section 4.1 and RFC 7692 section 5: the request DpxClient writes
 * on its own connection, and the checks on the server's 101 answer. The
 * errors are in words for a person; DpxClient prefixes them with the host.
 */
#define G_LOG_DOMAIN "Duplex-Client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-client-handshake-private.h"
#include "dpx-frame.h"
#include "dpx-error.h"


char *
dpx_handshake_new_key (void)
{
  guint8 nonce[16];

  for (guint i = 0; i < G_N_ELEMENTS (nonce); i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (nonce + i, &r, 4);
    }
  return g_base64_encode (nonce, sizeof nonce);
}

/* The path and query as sent; bytes outside ASCII are percent-encoded. */
static void
append_target (GString *out,
               GUri    *uri)
{
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  g_autofree char *target = g_strconcat (*path ? path : "/", query ? "?" : "",
                                         query ? query : "", NULL);

  for (const guchar *p = (const guchar *) target; *p; p++)
    if (*p >= 0x80)
      g_string_append_printf (out, "%%%02X", *p);
    else
      g_string_append_c (out, *p);
}

/* Headers the handshake itself sets: the user's own would break it. */
static gboolean
is_handshake_header (const char *name)
{
  static const char * const names[] = {
    "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * dpx_handshake_build_request:
 * @uri: a ws:// or wss:// URI, parsed with SOUP_HTTP_URI_FLAGS
 * @extra_headers: the user's headers, sent after the handshake's own
 *
 * Returns: the request head, ending with the empty line
 */
char *
dpx_handshake_build_request (GUri               *uri,
                             const char         *key,
                             const char         *origin,
                             const char * const *protocols,
                             gboolean            deflate,
                             SoupMessageHeaders *extra_headers,
                             const char         *user_agent)
{
  GString *out = g_string_new ("GET ");
  gboolean secure = g_ascii_strcasecmp (g_uri_get_scheme (uri), "wss") == 0;
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  append_target (out, uri);
  g_string_append (out, " HTTP/1.1\r\n");

  g_string_append (out, "Host: ");
  if (strchr (host, ':'))
    g_string_append_printf (out, "[%s]", host);
  else
    g_string_append (out, host);
  if (port > 0 && port != (secure ? 443 : 80))
    g_string_append_printf (out, ":%d", port);
  g_string_append (out, "\r\n");

  g_string_append (out, "Upgrade: websocket\r\n"
                        "Connection: Upgrade\r\n");
  g_string_append_printf (out, "Sec-WebSocket-Key: %s\r\n", key);
  g_string_append (out, "Sec-WebSocket-Version: 13\r\n");
  if (origin)
    g_string_append_printf (out, "Origin: %s\r\n", origin);
  if (protocols && protocols[0])
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) protocols);

      g_string_append_printf (out, "Sec-WebSocket-Protocol: %s\r\n", joined);
    }
  if (deflate)
    {
      g_autoptr(SoupWebsocketExtension) extension = NULL;
      g_autofree char *params = NULL;

      extension = g_object_new (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE, NULL);
      params = soup_websocket_extension_get_request_params (extension);
      g_string_append_printf (out, "Sec-WebSocket-Extensions: permessage-deflate%s\r\n",
                              params ? params : "");
    }
  if (soup_message_headers_get_one (extra_headers, "User-Agent") == NULL)
    g_string_append_printf (out, "User-Agent: %s\r\n", user_agent);

  soup_message_headers_iter_init (&iter, extra_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (is_handshake_header (name) ||
          (origin && g_ascii_strcasecmp (name, "Origin") == 0) ||
          (protocols && protocols[0] && g_ascii_strcasecmp (name, "Sec-WebSocket-Protocol") == 0))
        continue;
      g_string_append_printf (out, "%s: %s\r\n", name, value);
    }

  g_string_append (out, "\r\n");
  return g_string_free (out, FALSE);
}

static GList *
accept_extensions (const char  *header,
                   gboolean     deflate_offered,
                   GError     **error)
{
  g_autolist(SoupWebsocketExtension) accepted = NULL;
  GSList *items = soup_header_parse_list (header);

  for (GSList *l = items; l; l = l->next)
    {
      const char *item = l->data;
      const char *semicolon = strchr (item, ';');
      gsize name_length = semicolon ? (gsize) (semicolon - item) : strlen (item);
      g_autofree char *name = g_strstrip (g_strndup (item, name_length));
      g_autoptr(SoupWebsocketExtension) extension = NULL;
      GHashTable *params = NULL;
      g_autoptr(GError) local_error = NULL;

      if (g_ascii_strcasecmp (name, "permessage-deflate") != 0 || !deflate_offered)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                       _("the server accepted the extension “%s”, which was not offered"), name);
          soup_header_free_list (items);
          return NULL;
        }
      if (accepted != NULL)
        {
          g_set_error_literal (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                               _("the server accepted permessage-deflate twice"));
          soup_header_free_list (items);
          return NULL;
        }

      if (semicolon)
        {
          params = soup_header_parse_semi_param_list_strict (semicolon + 1);
          if (params == NULL)
            {
              g_set_error (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                           _("the server’s permessage-deflate parameters are invalid: “%s”"), item);
              soup_header_free_list (items);
              return NULL;
            }
        }
      extension = g_object_new (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE, NULL);
      if (!soup_websocket_extension_configure (extension, SOUP_WEBSOCKET_CONNECTION_CLIENT,
                                               params, &local_error))
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                       _("the server’s permessage-deflate parameters are invalid: “%s”"), item);
          g_clear_pointer (&params, soup_header_free_param_list);
          soup_header_free_list (items);
          return NULL;
        }
      g_clear_pointer (&params, soup_header_free_param_list);
      accepted = g_list_append (accepted, g_steal_pointer (&extension));
    }
  soup_header_free_list (items);
  return g_steal_pointer (&accepted);
}

/**
 * dpx_handshake_check_response:
 * @response: the headers of a 101 answer
 * @protocol: (out) (transfer full) (nullable): the subprotocol the server chose
 * @extensions: (out) (transfer full): the extensions it accepted, configured
 *
 * Returns: %TRUE when the server completed the upgrade as RFC 6455 asks
 */
gboolean
dpx_handshake_check_response (SoupMessageHeaders  *response,
                              const char          *key,
                              const char * const  *protocols,
                              gboolean             deflate_offered,
                              char               **protocol,
                              GList              **extensions,
                              GError             **error)
{
  g_autofree char *expected = dpx_frame_accept_key (key);
  const char *accept = soup_message_headers_get_one (response, "Sec-WebSocket-Accept");
  const char *chosen = soup_message_headers_get_one (response, "Sec-WebSocket-Protocol");
  const char *offered = soup_message_headers_get_list (response, "Sec-WebSocket-Extensions");

  *protocol = NULL;
  *extensions = NULL;

  if (!soup_message_headers_header_contains (response, "Upgrade", "websocket"))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                           _("the server answered 101 without “Upgrade: websocket”"));
      return FALSE;
    }
  if (!soup_message_headers_header_contains (response, "Connection", "upgrade"))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                           _("the server answered 101 without “Connection: Upgrade”"));
      return FALSE;
    }
  if (accept == NULL || strcmp (accept, expected) != 0)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                   _("the server’s Sec-WebSocket-Accept is “%s”, not the “%s” the key calls for"),
                   accept ? accept : "", expected);
      return FALSE;
    }
  if (chosen && *chosen)
    {
      if (!(protocols && g_strv_contains (protocols, chosen)))
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_HANDSHAKE,
                       _("the server chose the subprotocol “%s”, which was not offered"), chosen);
          return FALSE;
        }
      *protocol = g_strdup (chosen);
    }
  if (offered && *offered)
    {
      g_autoptr(GError) local_error = NULL;

      *extensions = accept_extensions (offered, deflate_offered, &local_error);
      if (local_error)
        {
          g_clear_pointer (protocol, g_free);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}
