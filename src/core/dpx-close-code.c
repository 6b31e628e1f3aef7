/* dpx-close-code.c: WebSocket close codes, named and checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "dpx-close-code.h"
#include "dpx-error.h"

/* A short name for a close code, for logs and error messages. */
const char *
dpx_close_code_describe (gushort code)
{
  switch (code)
    {
    case 1000: return _("normal closure");
    case 1001: return _("going away");
    case 1002: return _("protocol error");
    case 1003: return _("unsupported data");
    case 1005: return _("no status code");
    case 1006: return _("connection lost without a close frame");
    case 1007: return _("invalid payload data");
    case 1008: return _("policy violation");
    case 1009: return _("message too big");
    case 1010: return _("mandatory extension missing");
    case 1011: return _("internal server error");
    case 1012: return _("service restart");
    case 1013: return _("try again later");
    case 1014: return _("bad gateway");
    case 1015: return _("TLS handshake failure");
    case 4008: return _("client too slow: it was not reading its messages");
    default:
      if (code >= 3000 && code <= 3999)
        return _("registered application code");
      if (code >= 4000 && code <= 4999)
        return _("application code");
      return _("unknown code");
    }
}

/* The codes a client may close with: libsoup turns others into 1002
 * (protocol error) on the wire, and refuses 1011, a server's code. */
gboolean
dpx_close_code_can_send (gushort code)
{
  return (code >= 1000 && code <= 1003) ||
         (code >= 1007 && code <= 1010) ||
         (code >= 3000 && code <= 4999);
}

/**
 * dpx_close_check:
 * @code: the code a person chose, in any range
 * @reason: (nullable): the reason to send with it
 *
 * The one check for a close a client sends, used by the compose box and the
 * client alike, so what the window offers is what the core accepts.
 */
gboolean
dpx_close_check (int          code,
                 const char  *reason,
                 GError     **error)
{
  /* Registered codes, but libsoup 3.2 sends 1002 in their place. */
  if (code >= 1012 && code <= 1014)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE,
                   _("Code %d (%s) is registered, but libsoup 3.2 cannot send it (it would send 1002 instead): use 1000 or 4000–4999"),
                   code, dpx_close_code_describe ((gushort) code));
      return FALSE;
    }
  if (code < 0 || code > G_MAXUINT16 || !dpx_close_code_can_send ((gushort) code))
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE,
                   _("Code %d cannot be sent: use 1000–1003, 1007–1010 or 3000–4999"), code);
      return FALSE;
    }
  if (reason != NULL && strlen (reason) > DPX_CLOSE_REASON_MAX)
    {
      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE,
                   _("The reason is %d bytes long; the limit is %d"),
                   (int) strlen (reason), DPX_CLOSE_REASON_MAX);
      return FALSE;
    }
  if (reason != NULL && !g_utf8_validate (reason, -1, NULL))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE,
                           _("The reason is not valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}
