/* dpx-parse.c: what a person types, checked and turned into bytes
 *
 * The compose box and the command line read hex, base64, JSON and sizes
 * through these, so both accept and refuse the same text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-error.h"
#include "dpx-json-check.h"
#include "dpx-parse.h"

/* The character at @p for an error message: whole when it is valid UTF-8
 * (the text may be a person's), else its byte in hex. */
static char *
dup_character (const char *p)
{
  gunichar c = g_utf8_get_char_validated (p, -1);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    return g_strdup_printf ("\\x%02x", (guchar) *p);
  return g_strndup (p, g_utf8_next_char (p) - p);
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
          g_autofree char *what = dup_character (p);

          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                       _("“%s” at character %d is not a hex digit"), what,
                       (int) g_utf8_pointer_to_offset (text, p) + 1);
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
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                           _("Hex input must have an even number of digits per byte"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* Standard or URL-safe alphabet, padding optional, whitespace ignored. */
GBytes *
dpx_parse_base64 (const char  *text,
                  GError     **error)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gsize length;
  guchar *data;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        continue;
      if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && *p != '-' && *p != '_')
        {
          g_autofree char *what = dup_character (p);

          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                       _("Invalid base64: “%s” at character %d is not a base64 character"),
                       what, (int) g_utf8_pointer_to_offset (text, p) + 1);
          return NULL;
        }
      /* The URL-safe alphabet is accepted too. */
      g_string_append_c (clean, *p == '-' ? '+' : *p == '_' ? '/' : *p);
    }
  /* One character past a group of four cannot encode a whole byte. */
  if (strcspn (clean->str, "=") % 4 == 1)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                           _("Invalid base64: the text ends in the middle of a byte"));
      return NULL;
    }
  while (clean->len % 4 != 0)
    g_string_append_c (clean, '=');
  if (strchr (clean->str, '=') &&
      (strspn (strchr (clean->str, '='), "=") != strlen (strchr (clean->str, '=')) ||
       strlen (strchr (clean->str, '=')) >= 4))
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
                           _("Invalid base64: “=” may only pad the end"));
      return NULL;
    }
  data = g_base64_decode (clean->str, &length);
  return g_bytes_new_take (data, length);
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
  g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT,
               _("“%s” is not a size: use a number of bytes, optionally with K, M or G"), text);
  return FALSE;
}

/* A JSON text as a strict peer parses it: one value, nothing after it. */
gboolean
dpx_parse_json_message (const char  *text,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  /* json-glib takes assignments, comments and trailing text; a strict
   * server would not. */
  if (*text != '\0' && !dpx_json_check (text, -1, error))
    return FALSE;

  if (json_parser_load_from_data (parser, text, -1, &local_error))
    {
      if (json_parser_get_root (parser) != NULL)
        return TRUE;
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("Invalid JSON: the message is empty"));
      return FALSE;
    }
  g_set_error (error, JSON_PARSER_ERROR, local_error->code, _("Invalid JSON: %s"), local_error->message);
  return FALSE;
}
