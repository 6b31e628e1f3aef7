/* test-format.c: entries and payloads as the window and the command line show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-format.h"

static DpxLogEntry *
entry_new (DpxEntryKind  kind,
           const void   *data,
           gsize         size)
{
  g_autoptr(GBytes) payload = g_bytes_new (data, size);

  return dpx_log_entry_new_now ("ws://test/", DPX_DIRECTION_RECEIVED, kind, payload);
}

static void
test_preview (void)
{
  static const guint8 bin[] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05 };
  g_autoptr(DpxLogEntry) t = entry_new (DPX_ENTRY_KIND_TEXT, "first line\nsecond line", 22);
  g_autoptr(DpxLogEntry) b = entry_new (DPX_ENTRY_KIND_BINARY, bin, sizeof bin);
  g_autoptr(DpxLogEntry) nul = entry_new (DPX_ENTRY_KIND_TEXT, "a\0b", 3);
  g_autofree char *tp = dpx_format_entry_preview (t, 100);
  g_autofree char *short_tp = dpx_format_entry_preview (t, 5);
  g_autofree char *bp = dpx_format_entry_preview (b, 9);
  g_autofree char *np = dpx_format_entry_preview (nul, 10);

  g_assert_cmpstr (tp, ==, "first line\u21b5second line");
  g_assert_cmpstr (short_tp, ==, "first…");
  g_assert_cmpstr (bp, ==, "de ad be ef …");
  /* A NUL in an imported entry shows as its symbol, not the end of the text. */
  g_assert_cmpstr (np, ==, "a\u2400b");

  g_assert_finalize_object (g_steal_pointer (&t));
  g_assert_finalize_object (g_steal_pointer (&b));
  g_assert_finalize_object (g_steal_pointer (&nul));
}

static char *
text_preview (const char *text,
              gsize       max_chars)
{
  g_autoptr(DpxLogEntry) entry = entry_new (DPX_ENTRY_KIND_TEXT, text, strlen (text));

  return dpx_format_entry_preview (entry, max_chars);
}

/* A multi-line message shows all of itself on its one line: JSON without
 * the whitespace between its tokens, other text with its line ends marked. */
static void
test_preview_one_line (void)
{
  const gsize big = 16 * 1024 * 1024;
  g_autofree char *pretty = text_preview ("{\n  \"type\" : \"quote\",\n  \"bid\" : [\n    1,\n"
                                          "    2\n  ],\n  \"note\": \"a  b\\n\"\n}\n", 100);
  g_autofree char *lines = text_preview ("one\r\ntwo\rthree\n\nfour", 100);
  g_autofree char *leading = text_preview ("\nhello", 100);
  g_autofree char *not_json = text_preview ("{a   b}", 100);
  g_autofree char *string_newline = text_preview ("[\"a\nb\"]", 100);
  g_autofree char *cut = text_preview ("{\n  \"a\": 1,\n  \"b\": 2\n}", 8);
  g_autofree char *spaces = g_malloc (big + 3);
  g_autofree char *spaced = NULL;

  g_assert_cmpstr (pretty, ==, "{\"type\":\"quote\",\"bid\":[1,2],\"note\":\"a  b\\n\"}");
  g_assert_cmpstr (lines, ==, "one\u21b5two\u21b5three\u21b5\u21b5four");
  g_assert_cmpstr (leading, ==, "\u21b5hello");
  g_assert_cmpstr (not_json, ==, "{a b}");
  g_assert_cmpstr (string_newline, ==, "[\"a\u21b5b\"]");
  g_assert_cmpstr (cut, ==, "{\"a\":1,\"…");

  /* Megabytes of whitespace: the preview reads a bounded part only. */
  spaces[0] = '[';
  memset (spaces + 1, ' ', big);
  memcpy (spaces + 1 + big, "1]", 2);
  {
    g_autoptr(DpxLogEntry) entry = entry_new (DPX_ENTRY_KIND_TEXT, spaces, big + 3);

    spaced = dpx_format_entry_preview (entry, 100);
  }
  g_assert_cmpstr (spaced, ==, "[…");
}

/* The compose box's hex: a space between bytes. */
static void
test_hex_spaced (void)
{
  static const guint8 bytes[] = { 0x48, 0x0a, 0xff };
  g_autofree char *three = dpx_format_hex_spaced (bytes, 3);
  g_autofree char *none = dpx_format_hex_spaced (bytes, 0);

  g_assert_cmpstr (three, ==, "48 0a ff");
  g_assert_cmpstr (none, ==, "");
}

static void
test_detail (void)
{
  static const guint8 bin[] = { 'H', 'i', 0x00, 0xff };
  g_autoptr(DpxLogEntry) json = entry_new (DPX_ENTRY_KIND_TEXT, "{\"a\":[1,2]}", 11);
  g_autoptr(DpxLogEntry) text = entry_new (DPX_ENTRY_KIND_TEXT, "{not json", 9);
  g_autoptr(DpxLogEntry) binary = entry_new (DPX_ENTRY_KIND_BINARY, bin, sizeof bin);
  g_autofree char *json_text = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *dump = NULL;
  gboolean is_json = FALSE;

  json_text = dpx_format_entry_detail (json, &is_json);
  g_assert_true (is_json);
  g_assert_cmpstr (json_text, ==, "{\n  \"a\" : [\n    1,\n    2\n  ]\n}");

  plain = dpx_format_entry_detail (text, &is_json);
  g_assert_false (is_json);
  g_assert_cmpstr (plain, ==, "{not json");

  dump = dpx_format_entry_detail (binary, &is_json);
  g_assert_false (is_json);
  /* Offset, 16 columns of hex in two groups of eight, then the ASCII
   * column at the same place on every row. */
  g_assert_true (g_str_has_prefix (dump, "00000000  48 69 00 ff    "));
  g_assert_true (g_str_has_suffix (dump, " |Hi..|\n"));
  g_assert_cmpuint (strchr (dump, '|') - dump, ==, 8 + 2 + 16 * 3 + 1 + 1);

  g_assert_finalize_object (g_steal_pointer (&json));
  g_assert_finalize_object (g_steal_pointer (&text));
  g_assert_finalize_object (g_steal_pointer (&binary));
}

/* json-glib recurses once per level: a peer's deep nesting must come back
 * as plain text, not take the stack (it crashed the detail pane). */
static void
test_deep_json_is_plain_text (void)
{
  const gsize depth = 60000;
  g_autofree char *deep = g_malloc (2 * depth + 1);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *detail = NULL;
  gboolean is_json = TRUE;

  memset (deep, '[', depth);
  memset (deep + depth, ']', depth);
  deep[2 * depth] = '\0';

  g_assert_null (dpx_format_pretty_json (deep, 2 * depth));
  entry = entry_new (DPX_ENTRY_KIND_TEXT, deep, 2 * depth);
  detail = dpx_format_entry_detail (entry, &is_json);
  g_assert_false (is_json);
  g_assert_cmpuint (strlen (detail), ==, 2 * depth);
  g_assert_finalize_object (g_steal_pointer (&entry));
}

static void
test_large_text_is_cut_with_a_note (void)
{
  gsize size = DPX_FORMAT_DETAIL_MAX_TEXT + 10;
  g_autofree char *big = g_malloc (size);
  g_autoptr(DpxLogEntry) entry = NULL;
  g_autofree char *detail = NULL;

  memset (big, 'x', size);
  entry = entry_new (DPX_ENTRY_KIND_TEXT, big, size);
  detail = dpx_format_entry_detail (entry, NULL);
  g_assert_true (g_str_has_suffix (detail, "… 10 more bytes (save the payload to see all of it)"));
  g_assert_finalize_object (g_steal_pointer (&entry));
}

/* The window's cap: pretty JSON cut on a line end, text on a character,
 * binary on a row, each saying how much is left out. */
static void
test_detail_capped (void)
{
  const char *object = "{\"a\":[1,2,3],\"b\":\"é\"}";
  g_autoptr(DpxLogEntry) json = entry_new (DPX_ENTRY_KIND_TEXT, object, strlen (object));
  g_autoptr(DpxLogEntry) text = entry_new (DPX_ENTRY_KIND_TEXT, "aéb", 4);
  g_autoptr(DpxLogEntry) binary = entry_new (DPX_ENTRY_KIND_BINARY, "0123456789abcdefXY", 18);
  g_autofree char *all = NULL;
  g_autofree char *some = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *dump = NULL;
  gboolean is_json = FALSE;
  guint64 not_shown = 1;

  all = dpx_format_entry_detail_capped (json, G_MAXSIZE, &is_json, &not_shown);
  g_assert_true (is_json);
  g_assert_cmpuint (not_shown, ==, 0);
  some = dpx_format_entry_detail_capped (json, 20, &is_json, &not_shown);
  g_assert_true (g_str_has_suffix (some, "\n"));
  g_assert_true (g_str_has_prefix (all, some));
  g_assert_cmpuint (strlen (some) + not_shown, ==, strlen (all));

  /* Not inside the two bytes of “é”. */
  cut = dpx_format_entry_detail_capped (text, 2, &is_json, &not_shown);
  g_assert_false (is_json);
  g_assert_cmpstr (cut, ==, "a");
  g_assert_cmpuint (not_shown, ==, 3);

  dump = dpx_format_entry_detail_capped (binary, 100, NULL, &not_shown);
  g_assert_true (g_str_has_prefix (dump, "00000000  30 31"));
  g_assert_null (strchr (dump, '\xe2'));
  g_assert_cmpuint (not_shown, ==, 2);
}

static void
test_break_long_lines (void)
{
  g_autofree char *short_lines = dpx_format_break_long_lines ("ab\ncd\n", 8);
  g_autofree char *long_line = dpx_format_break_long_lines ("0123456789abcdefXY\nz", 8);
  g_autofree char *utf8 = dpx_format_break_long_lines ("1234567é9", 8);

  g_assert_cmpstr (short_lines, ==, "ab\ncd\n");
  g_assert_cmpstr (long_line, ==, "01234567\n89abcdef\nXY\nz");
  g_assert_cmpstr (utf8, ==, "1234567\né9");
}

static void
test_time_size_and_labels (void)
{
  g_autofree char *time = NULL;
  g_autofree char *size = dpx_format_size (4718592);
  g_autofree char *small = dpx_format_size (100);
  g_autofree char *hex = dpx_format_hex ((const guint8 *) "\x01\xab", 2);
  GDateTime *now = g_date_time_new_now_local ();
  gint64 us = g_date_time_to_unix (now) * G_USEC_PER_SEC + 415000;

  /* Local wall-clock time with milliseconds. */
  time = dpx_format_time (us);
  g_assert_cmpuint (strlen (time), ==, 12);
  g_assert_true (g_str_has_suffix (time, ".415"));
  g_assert_cmpint (g_ascii_strtoll (time, NULL, 10), ==, g_date_time_get_hour (now));
  g_date_time_unref (now);

  /* Before 1970: a quarter of a second before the epoch is .750 of the
   * second before it, not a negative fraction. */
  {
    g_autofree char *before = dpx_format_time (-250000);

    g_assert_true (g_str_has_suffix (before, ".750"));
  }

  /* One unit system everywhere: binary units, as the limits are set. */
  g_assert_cmpstr (size, ==, "4.5\u00a0MiB");
  g_assert_cmpstr (small, ==, "100 bytes");
  g_assert_cmpstr (hex, ==, "01ab");

  g_assert_cmpstr (dpx_direction_label (DPX_DIRECTION_SENT), ==, "sent");
  g_assert_cmpstr (dpx_direction_label (DPX_DIRECTION_RECEIVED), ==, "received");
  g_assert_cmpstr (dpx_entry_kind_label (DPX_ENTRY_KIND_BINARY), ==, "binary");
  g_assert_cmpstr (dpx_entry_kind_label (DPX_ENTRY_KIND_CLOSE), ==, "close");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/preview", test_preview);
  g_test_add_func ("/format/preview-one-line", test_preview_one_line);
  g_test_add_func ("/format/hex-spaced", test_hex_spaced);
  g_test_add_func ("/format/detail", test_detail);
  g_test_add_func ("/format/deep-json-is-plain-text", test_deep_json_is_plain_text);
  g_test_add_func ("/format/large-text-is-cut-with-a-note", test_large_text_is_cut_with_a_note);
  g_test_add_func ("/format/detail-capped", test_detail_capped);
  g_test_add_func ("/format/break-long-lines", test_break_long_lines);
  g_test_add_func ("/format/time-size-and-labels", test_time_size_and_labels);

  return g_test_run ();
}
