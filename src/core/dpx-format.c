/* dpx-format.c: log entries and payloads in words for a person
 *
 * The window's rows and detail pane, and the command line, show entries
 * through these, so a time, a size or a kind reads the same everywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-format.h"
#include "dpx-json-check.h"

const char *
dpx_direction_label (DpxDirection direction)
{
  switch (direction)
    {
    case DPX_DIRECTION_SENT:
      return _("sent");
    case DPX_DIRECTION_RECEIVED:
      return _("received");
    case DPX_DIRECTION_EVENT:
    default:
      return _("event");
    }
}

const char *
dpx_entry_kind_label (DpxEntryKind kind)
{
  switch (kind)
    {
    case DPX_ENTRY_KIND_TEXT:
      return C_("message kind", "text");
    case DPX_ENTRY_KIND_BINARY:
      return C_("message kind", "binary");
    case DPX_ENTRY_KIND_OPEN:
      return C_("message kind", "open");
    case DPX_ENTRY_KIND_CLOSE:
      return C_("message kind", "close");
    case DPX_ENTRY_KIND_ERROR:
      return C_("message kind", "error");
    case DPX_ENTRY_KIND_PING:
      return C_("message kind", "ping");
    case DPX_ENTRY_KIND_PONG:
      return C_("message kind", "pong");
    case DPX_ENTRY_KIND_INFO:
    default:
      return C_("message kind", "info");
    }
}

/* Local wall-clock time with milliseconds: 14:03:27.415. Rows format
 * thousands of times a second during a flood, so the local time of the
 * last second is kept (main thread only). */
char *
dpx_format_time (gint64 time_us)
{
  static gint64 cached_second = G_MININT64;
  static char cached[16];
  /* Rounded down, so a time before 1970 has its own second and a
   * positive fraction. */
  gint64 second = time_us / G_USEC_PER_SEC - (time_us % G_USEC_PER_SEC < 0);
  gint64 fraction_us = time_us - second * G_USEC_PER_SEC;

  if (second != cached_second)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (second);
      g_autoptr(GDateTime) local = NULL;

      if (utc == NULL)
        return g_strdup ("--:--:--.---");
      local = g_date_time_to_local (utc);
      g_snprintf (cached, sizeof cached, "%02d:%02d:%02d",
                  g_date_time_get_hour (local),
                  g_date_time_get_minute (local),
                  g_date_time_get_second (local));
      cached_second = second;
    }
  return g_strdup_printf ("%s.%03d", cached, (int) (fraction_us / 1000));
}

/* One unit system everywhere: binary units, as the size limits are set. */
char *
dpx_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/**
 * dpx_format_round_trip:
 * @rtt_us: microseconds
 *
 * A round trip in milliseconds, with the digits that mean something:
 * "0.08 ms", "3.2 ms", "250 ms".
 */
char *
dpx_format_round_trip (gint64 rtt_us)
{
  double ms = rtt_us / 1000.0;

  if (ms < 1.0)
    /* Translators: a round trip in milliseconds */
    return g_strdup_printf (_("%.2f ms"), ms);
  if (ms < 100.0)
    return g_strdup_printf (_("%.1f ms"), ms);
  return g_strdup_printf (_("%.0f ms"), ms);
}

/**
 * dpx_format_control_facts:
 *
 * What is known of a ping or a pong beyond its payload: "keepalive", the
 * round trip ("3.2 ms"), both ("keepalive · 3.2 ms").
 *
 * Returns: (nullable): the facts, or %NULL when there are none
 */
char *
dpx_format_control_facts (DpxLogEntry *entry)
{
  g_autofree char *rtt = NULL;
  gboolean keepalive;

  g_return_val_if_fail (DPX_IS_LOG_ENTRY (entry), NULL);

  keepalive = dpx_log_entry_get_keepalive (entry);
  if (dpx_log_entry_get_rtt (entry) >= 0)
    rtt = dpx_format_round_trip (dpx_log_entry_get_rtt (entry));
  if (keepalive && rtt)
    /* Translators: a keep-alive pong and its round trip, “keepalive · 3.2 ms” */
    return g_strdup_printf (_("keepalive · %s"), rtt);
  if (keepalive)
    return g_strdup (_("keepalive"));
  return g_steal_pointer (&rtt);
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

/* One row of a hex dump: the offset, up to 16 bytes in hex, and the same
 * bytes as ASCII, without a line end. */
static void
append_hex_dump_row (GString      *out,
                     const guint8 *data,
                     gsize         length,
                     gsize         offset)
{
  g_string_append_printf (out, "%08" G_GSIZE_MODIFIER "x  ", offset);
  for (gsize i = 0; i < 16; i++)
    {
      if (i < length)
        g_string_append_printf (out, "%02x ", data[i]);
      else
        g_string_append (out, "   ");
      if (i == 7)
        g_string_append_c (out, ' ');
    }
  g_string_append (out, " |");
  for (gsize i = 0; i < length; i++)
    g_string_append_c (out, g_ascii_isprint (data[i]) ? data[i] : '.');
  g_string_append_c (out, '|');
}

/* Lowercase hex with a space between bytes, as the compose box takes it. */
char *
dpx_format_hex_spaced (const guint8 *data,
                       gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (length ? length * 3 : 1);

  for (gsize i = 0; i < length; i++)
    {
      out[3 * i] = digits[data[i] >> 4];
      out[3 * i + 1] = digits[data[i] & 0xf];
      out[3 * i + 2] = ' ';
    }
  out[length ? length * 3 - 1 : 0] = '\0';
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
      append_hex_dump_row (out, data + row, MIN (16, shown - row), row);
      g_string_append_c (out, '\n');
    }
  if (shown < length)
    g_string_append_printf (out, _("… %zu more bytes\n"), length - shown);
  return g_string_free (out, FALSE);
}

/**
 * dpx_format_pretty_json:
 *
 * Returns: (nullable): @text indented, or %NULL when it is not a JSON object
 * or array. Nesting is checked first: json-glib recurses once per level,
 * and a peer's 60 000 nested arrays must not take the stack.
 */
char *
dpx_format_pretty_json (const char *text,
                        gsize       length)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  const char *p = text;

  while (p < text + length && g_ascii_isspace (*p))
    p++;
  if (p == text + length || (*p != '{' && *p != '['))
    return NULL;

  if (!dpx_json_check (text, length, NULL))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, length, NULL))
    return NULL;
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

/* How much of a payload a preview reads at most: a row must stay cheap to
 * bind, also for megabytes of whitespace. */
#define PREVIEW_SCAN_MAX (64 * 1024)
/* Where a line ended: a preview is one line. */
#define PREVIEW_NEWLINE 0x21B5

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/**
 * dpx_format_entry_preview:
 * @max_chars: the longest preview wanted, in characters
 *
 * A compact one-line form of the whole payload, cut at @max_chars with an
 * ellipsis: for a textual payload that looks like JSON (an object or an
 * array), the whitespace between its tokens is left out; in any other text
 * a line end shows as ↵. A binary payload shows its first bytes as hex.
 * At most PREVIEW_SCAN_MAX bytes of the payload are read.
 */
char *
dpx_format_entry_preview (DpxLogEntry *entry,
                          gsize        max_chars)
{
  const guint8 *data;
  gsize size;
  GString *str;

  g_return_val_if_fail (DPX_IS_LOG_ENTRY (entry), NULL);

  data = g_bytes_get_data (dpx_log_entry_get_payload (entry), &size);
  str = g_string_new (NULL);

  if (dpx_format_entry_is_hex (entry))
    {
      gsize n = MIN (size, max_chars / 3 + 1);

      for (gsize i = 0; i < n; i++)
        g_string_append_printf (str, i ? " %02x" : "%02x", data[i]);
      if (n < size)
        g_string_append (str, " …");
      return g_string_free (str, FALSE);
    }
  else
    {
      const char *text = (const char *) data;
      const char *end = text + size;
      const char *scan_end = text + MIN (size, PREVIEW_SCAN_MAX);
      const char *p = text;
      gsize chars = 0;
      gboolean json = FALSE;
      gboolean in_string = FALSE;
      gboolean escaped = FALSE;
      char last = '\0';  /* the last character written outside a string */

      while (p < scan_end && is_json_space (*p))
        p++;
      if (p < scan_end && (*p == '{' || *p == '['))
        json = TRUE;
      else
        p = text;

      while (p < scan_end && chars < max_chars)
        {
          gunichar c;

          if (json && !in_string && is_json_space (*p))
            {
              const char *next = p;

              /* Between two tokens a space is kept only where leaving it
               * out would join them: "{a b}" is not JSON, and stays so. */
              while (next < scan_end && is_json_space (*next))
                next++;
              if (next < scan_end && last != '\0' && !strchr ("{[,:", last) &&
                  !strchr ("}],:", *next))
                {
                  g_string_append_c (str, ' ');
                  chars++;
                }
              p = next;
              continue;
            }

          if (*p == '\r' || *p == '\n')
            {
              g_string_append_unichar (str, PREVIEW_NEWLINE);
              p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
              chars++;
              escaped = FALSE;
              continue;
            }

          /* A NUL would end the C string early: show its symbol (GLib
           * reports it as an incomplete character, so test it first). */
          if (*p == '\0')
            {
              g_string_append_unichar (str, 0x2400);
              p++;
              chars++;
              escaped = FALSE;
              continue;
            }

          if (json)
            {
              if (in_string)
                {
                  if (escaped)
                    escaped = FALSE;
                  else if (*p == '\\')
                    escaped = TRUE;
                  else if (*p == '"')
                    in_string = FALSE;
                }
              else if (*p == '"')
                in_string = TRUE;
              if (!in_string)
                last = *p;
            }

          /* Received text is valid UTF-8, but an imported entry may not
           * be: show a replacement character instead of trusting it. */
          c = g_utf8_get_char_validated (p, end - p);
          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              g_string_append_unichar (str, 0xFFFD);
              p++;
            }
          else
            {
              g_string_append_unichar (str, c == '\t' ? ' ' : c);
              p = g_utf8_next_char (p);
            }
          chars++;
        }
      /* Whitespace alone at the end of JSON is not more to see. */
      while (json && !in_string && p < scan_end && is_json_space (*p))
        p++;
      if (p < end)
        g_string_append (str, "…");
      return g_string_free (str, FALSE);
    }
}

/**
 * dpx_format_entry_is_hex:
 *
 * Whether @entry's payload is shown as bytes: binary messages, and pings or
 * pongs whose payload is not text (a peer may put any bytes there).
 */
gboolean
dpx_format_entry_is_hex (DpxLogEntry *entry)
{
  DpxEntryKind kind = dpx_log_entry_get_kind (entry);
  GBytes *payload;
  const char *data;
  gsize size;

  if (kind == DPX_ENTRY_KIND_BINARY)
    return TRUE;
  if (kind != DPX_ENTRY_KIND_PING && kind != DPX_ENTRY_KIND_PONG)
    return FALSE;
  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  return size > 0 && (memchr (data, '\0', size) != NULL || !g_utf8_validate_len (data, size, NULL));
}

/**
 * dpx_format_entry_detail:
 *
 * The whole of @entry for a person: text as is, JSON pretty-printed, binary
 * as a hex and ASCII dump. Very large payloads are cut with a note.
 */
char *
dpx_format_entry_detail (DpxLogEntry *entry,
                                gboolean    *is_json)
{
  GBytes *payload = dpx_log_entry_get_payload (entry);
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  char *json;

  if (is_json)
    *is_json = FALSE;

  if (dpx_format_entry_is_hex (entry))
    return dpx_format_hex_dump ((const guint8 *) data, size, DPX_FORMAT_DETAIL_MAX_HEX);

  if (size <= DPX_FORMAT_DETAIL_MAX_JSON && (json = dpx_format_pretty_json (data, size)) != NULL)
    {
      if (is_json)
        *is_json = TRUE;
      if (strlen (json) <= DPX_FORMAT_DETAIL_MAX_TEXT)
        return json;
      g_free (json);
    }

  if (size > DPX_FORMAT_DETAIL_MAX_TEXT)
    {
      g_autofree char *head = g_utf8_make_valid (data, DPX_FORMAT_DETAIL_MAX_TEXT);

      return g_strdup_printf (_("%s\n… %zu more bytes (save the payload to see all of it)"),
                              head, (size_t) (size - DPX_FORMAT_DETAIL_MAX_TEXT));
    }
  return g_utf8_make_valid (data ? data : "", size);
}

/* Where to cut @text, at most @max bytes in: on a character boundary, and on
 * a line end when there is one in the last quarter. */
static gsize
cut_point (const char *text,
           gsize       length,
           gsize       max)
{
  const char *end;
  const char *quarter;
  const char *newline = NULL;

  if (length <= max)
    return length;
  end = text + max;
  while (end > text && (*end & 0xc0) == 0x80)
    end--;
  quarter = text + max - max / 4;
  if (end > quarter)
    newline = g_strrstr_len (quarter, end - quarter, "\n");
  if (newline != NULL)
    end = newline + 1;
  return end - text;
}

/**
 * dpx_format_entry_detail_capped:
 * @max_length: the longest text wanted, in bytes (%G_MAXSIZE for all)
 * @is_json: (out) (optional): whether the text is pretty-printed JSON
 * @not_shown: (out) (optional): for text, the bytes of the formatted text
 *   left out; for binary, the bytes of the payload left out of the dump
 *
 * Like dpx_format_entry_detail(), without a note in the text and with a cap
 * chosen by the caller. Slow for megabytes: the window calls it in a thread
 * (it touches nothing but @entry's immutable payload).
 */
char *
dpx_format_entry_detail_capped (DpxLogEntry *entry,
                                gsize        max_length,
                                gboolean    *is_json,
                                guint64     *not_shown)
{
  /* "00000000  " + 16 × "xx " + " " + " |" + 16 + "|\n" */
  const gsize row_length = 10 + 16 * 3 + 1 + 2 + 16 + 2;
  GBytes *payload;
  gsize size;
  const char *data;
  g_autofree char *text = NULL;
  gsize length;
  gsize cut;

  g_return_val_if_fail (DPX_IS_LOG_ENTRY (entry), NULL);

  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  if (is_json)
    *is_json = FALSE;
  if (not_shown)
    *not_shown = 0;

  if (dpx_format_entry_is_hex (entry))
    {
      gsize rows = MAX (max_length / row_length, 1);
      gsize shown = rows > size / 16 ? size : rows * 16;

      if (not_shown)
        *not_shown = size - shown;
      return dpx_format_hex_dump ((const guint8 *) data, shown, shown);
    }

  if (size <= DPX_FORMAT_DETAIL_CAPPED_MAX_JSON &&
      (text = dpx_format_pretty_json (data, size)) != NULL)
    {
      if (is_json)
        *is_json = TRUE;
    }
  else
    text = g_utf8_make_valid (data ? data : "", size);

  length = strlen (text);
  cut = cut_point (text, length, max_length);
  if (not_shown)
    *not_shown = length - cut;
  if (cut == length)
    return g_steal_pointer (&text);
  return g_strndup (text, cut);
}

/**
 * dpx_format_break_long_lines:
 * @max_line: the longest line wanted, in bytes (at least 8)
 *
 * @text with a line break after every @max_line bytes of a longer line,
 * between two characters. A text view lays out one line at a time, and a
 * line of megabytes takes it seconds: the window shows a long line in
 * pieces (copying and saving still take the payload as it is).
 */
char *
dpx_format_break_long_lines (const char *text,
                             gsize       max_line)
{
  GString *out;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (max_line >= 8, NULL);

  out = g_string_sized_new (strlen (text) + 1);
  while (*p != '\0')
    {
      const char *newline = strchr (p, '\n');
      gsize line = newline ? (gsize) (newline - p) : strlen (p);

      if (line <= max_line)
        {
          g_string_append_len (out, p, newline ? line + 1 : line);
          p += newline ? line + 1 : line;
          continue;
        }

      {
        const char *cut = p + max_line;

        /* Between two characters, never inside one. */
        while (cut > p && (*cut & 0xc0) == 0x80)
          cut--;
        g_string_append_len (out, p, cut - p);
        g_string_append_c (out, '\n');
        p = cut;
      }
    }
  return g_string_free (out, FALSE);
}/**
 * dpx_format_hex_dump_row:
 * @offset: where @data starts in the payload
 *
 * Row @offset / 16 of dpx_format_hex_dump() for up to 16 bytes at @data,
 * without its line end: a view can build the rows it shows on demand.
 */
char *
dpx_format_hex_dump_row (const guint8 *data,
                         gsize         length,
                         gsize         offset)
{
  GString *out = g_string_sized_new (80);

  g_return_val_if_fail (length <= 16, NULL);
  append_hex_dump_row (out, data, length, offset);
  return g_string_free (out, FALSE);
}


