/* dpx-util.c: small helpers shared by the core, the window and the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "dpx-util.h"

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

/* Space-separated lowercase hex, as the consumer prints binary messages. */
char *
dpx_format_hex (const guint8 *data,
                gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[length * 2] = '\0';
  return out;
}

/* The classic offset, 16 hex bytes, ASCII layout, up to @max_length bytes. */
char *
dpx_format_hex_dump (const guint8 *data,
                     gsize         length,
                     gsize         max_length)
{
  GString *out = g_string_new (NULL);
  gsize shown = MIN (length, max_length);

  for (gsize row = 0; row < shown; row += 16)
    {
      g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x  ", row);
      for (gsize i = 0; i < 16; i++)
        {
          if (row + i < shown)
            g_string_append_printf (out, "%02x ", data[row + i]);
          else
            g_string_append (out, "   ");
          if (i == 7)
            g_string_append_c (out, ' ');
        }
      g_string_append (out, " |");
      for (gsize i = 0; i < 16 && row + i < shown; i++)
        g_string_append_c (out, g_ascii_isprint (data[row + i]) ? data[row + i] : '.');
      g_string_append (out, "|\n");
    }
  if (shown < length)
    g_string_append_printf (out, _("… %zu more bytes\n"), length - shown);
  return g_string_free (out, FALSE);
}

/* Accepts hex digits with any whitespace, colons or dashes between bytes. */
GBytes *
dpx_parse_hex (const char  *text,
               GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  int high = -1;

  for (const char *p = text; *p; p++)
    {
      int value = g_ascii_xdigit_value (*p);

      if (value < 0)
        {
          if (g_ascii_isspace (*p) || *p == ':' || *p == '-')
            {
              if (high >= 0)
                break;
              continue;
            }
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%c” at position %d is not a hex digit"), *p, (int) (p - text) + 1);
          return NULL;
        }
      if (high < 0)
        high = value;
      else
        {
          guint8 byte = (high << 4) | value;

          g_byte_array_append (bytes, &byte, 1);
          high = -1;
        }
    }

  if (high >= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Hex input must have an even number of digits per byte"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* "1048576", "1M", "1MiB", "64k", "512KiB": binary units, as limits are. */
gboolean
dpx_parse_size (const char  *text,
                guint64     *size,
                GError     **error)
{
  char *end = NULL;
  guint64 value;
  guint64 unit = 1;

  if (text == NULL || !g_ascii_isdigit (*text))
    goto bad;
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno == ERANGE)
    goto bad;
  if (g_ascii_strcasecmp (end, "") == 0 || g_ascii_strcasecmp (end, "b") == 0)
    unit = 1;
  else if (g_ascii_strcasecmp (end, "k") == 0 || g_ascii_strcasecmp (end, "kib") == 0)
    unit = 1024;
  else if (g_ascii_strcasecmp (end, "m") == 0 || g_ascii_strcasecmp (end, "mib") == 0)
    unit = 1024 * 1024;
  else if (g_ascii_strcasecmp (end, "g") == 0 || g_ascii_strcasecmp (end, "gib") == 0)
    unit = 1024 * 1024 * 1024;
  else
    goto bad;

  if (value > G_MAXUINT64 / unit)
    goto bad;
  *size = value * unit;
  return TRUE;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a size: use a number of bytes, optionally with K, M or G"), text);
  return FALSE;
}

/* Lifts the soft limit on open files to the hard one: a desktop's usual 1024
 * is not enough for a relay with a thousand clients.
 *
 * Returns: the limit now in force, G_MAXUINT64 for none
 */
guint64
dpx_raise_open_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return G_MAXUINT64;
  if (limit.rlim_cur < limit.rlim_max)
    {
      struct rlimit raised = { limit.rlim_max, limit.rlim_max };

      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
    }
  return limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT64 : (guint64) limit.rlim_cur;
}

/**
 * dpx_process_memory_kib:
 * @pid: a process id, or "self"
 * @field: a line of /proc/PID/status such as "VmRSS" or "VmHWM" (the peak)
 *
 * Returns: the value in KiB, or 0 where /proc does not tell
 */
guint64
dpx_process_memory_kib (const char *pid,
                        const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, key);
  return line ? g_ascii_strtoull (line + strlen (key), NULL, 10) : 0;
}

/* The user's locale and our catalogues; `meson devenv` points
 * DUPLEX_LOCALEDIR at the ones built in po/. */
void
dpx_setup_locale (void)
{
  const char *localedir = g_getenv ("DUPLEX_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
