/* fuzz-parse.c: what a person types: hex, base64, sizes, JSON messages and
 * close codes
 *
 * The first byte chooses the parser; the rest is its text (cut at the
 * first NUL, as it would be from a text field). For the close check the
 * next four bytes are the code (any int), the rest the reason, absent
 * when empty and the first byte is odd.
 *
 * Invariants: a refusal comes with an error, in UTF-8 when the text is
 * (the window shows it); what dpx_parse_hex() accepts is the same hex digits as the
 * bytes it returns, and those bytes written with separators parse back
 * the same; what dpx_parse_base64() accepts decodes to as many bytes as
 * its characters hold (6 bits each, whole bytes only), and the bytes
 * encoded again decode to the same; an accepted size is written again as
 * a number of bytes that parses to the same; dpx_parse_json_message()
 * accepts what dpx_json_check() does; dpx_close_check() accepts only a
 * code a client can send with a reason of valid UTF-8 that fits a close
 * frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-close-code.h"
#include "dpx-json-check.h"
#include "dpx-parse.h"
#include "fuzz-support.h"

/* The window shows the message: from text in UTF-8, as a text field
 * gives, it must be UTF-8 too. */
static void
assert_refused (const char *text,
                GError     *error)
{
  g_assert_nonnull (error);
  if (g_utf8_validate (text, -1, NULL) && !g_utf8_validate (error->message, -1, NULL))
    g_error ("The error message for UTF-8 text is not UTF-8: %s", error->message);
}

static void
fuzz_hex (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dpx_parse_hex (text, &error);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GString) written = g_string_new (NULL);
  const guint8 *data;
  gsize size;

  if (bytes == NULL)
    {
      assert_refused (text, error);
      return;
    }
  g_assert_no_error (error);

  for (const char *p = text; *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (digits, g_ascii_tolower (*p));

  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (digits->len, ==, 2 * size);
  for (gsize i = 0; i < size; i++)
    {
      static const char separators[] = " :-\t\n";

      g_assert_cmpint (g_ascii_xdigit_value (digits->str[2 * i]), ==, data[i] >> 4);
      g_assert_cmpint (g_ascii_xdigit_value (digits->str[2 * i + 1]), ==, data[i] & 0x0f);
      g_string_append_printf (written, "%s%02X", i ? "" : " ", data[i]);
      g_string_append_c (written, separators[i % (sizeof separators - 1)]);
    }
  again = dpx_parse_hex (written->str, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, again));
}

static void
fuzz_base64 (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dpx_parse_base64 (text, &error);
  g_autoptr(GBytes) again = NULL;
  g_autofree char *encoded = NULL;
  gsize symbols = 0;
  const guint8 *data;
  gsize size;

  if (bytes == NULL)
    {
      assert_refused (text, error);
      return;
    }
  g_assert_no_error (error);

  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p) && *p != '=')
      symbols++;
  data = g_bytes_get_data (bytes, &size);
  if (size != symbols * 6 / 8)
    g_error ("dpx_parse_base64() turned %zu characters into %zu bytes, not %zu: “%s”",
             symbols, size, symbols * 6 / 8, text);

  encoded = g_base64_encode (data, size);
  again = dpx_parse_base64 (encoded, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, again));
}

static void
fuzz_size (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  guint64 size = 0, again = 0;

  if (!dpx_parse_size (text, &size, &error))
    {
      assert_refused (text, error);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (g_ascii_isdigit (text[0]));

  written = g_strdup_printf ("%" G_GUINT64_FORMAT, size);
  g_assert_true (dpx_parse_size (written, &again, NULL));
  g_assert_cmpuint (again, ==, size);
}

static void
fuzz_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  gboolean accepted = dpx_parse_json_message (text, &error);

  if (!accepted)
    assert_refused (text, error);
  else
    g_assert_no_error (error);
  g_assert_cmpint (accepted, ==, dpx_json_check (text, -1, NULL));
}

static void
fuzz_close (const guint8 *data,
            gsize         size,
            gboolean      null_reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gint32 code;

  if (size < 4)
    return;
  code = (gint32) ((guint32) data[0] << 24 | (guint32) data[1] << 16 |
                   (guint32) data[2] << 8 | data[3]);
  if (size > 4 || !null_reason)
    reason = g_strndup ((const char *) data + 4, size - 4);

  if (!dpx_close_check (code, reason, &error))
    {
      assert_refused (reason ? reason : "", error);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (code, >=, 0);
  g_assert_cmpint (code, <=, G_MAXUINT16);
  g_assert_true (dpx_close_code_can_send (code));
  g_assert_true (g_utf8_validate (dpx_close_code_describe (code), -1, NULL));
  if (reason != NULL)
    {
      g_assert_cmpuint (strlen (reason), <=, DPX_CLOSE_REASON_MAX);
      g_assert_true (g_utf8_validate (reason, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  guint8 which;

  if (size < 1)
    return -1;
  which = data[0];
  data++;
  size--;
  text = g_strndup ((const char *) data, size);

  switch (which % 5)
    {
    case 0:
      fuzz_hex (text);
      break;
    case 1:
      fuzz_base64 (text);
      break;
    case 2:
      fuzz_size (text);
      break;
    case 3:
      fuzz_json (text);
      break;
    case 4:
      fuzz_close (data, size, which & 0x80);
      break;
    default:
      g_assert_not_reached ();
    }
  return 0;
}
