/* test-parse.c: hex, base64, sizes, JSON and close codes as a person types them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-close-code.h"
#include "dpx-error.h"
#include "dpx-parse.h"

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       length)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, length);
}

static void
test_hex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) spaced = dpx_parse_hex ("de ad:be-ef\n00", &error);
  g_autoptr(GBytes) odd = NULL;
  g_autoptr(GBytes) bad = NULL;

  g_assert_no_error (error);
  assert_bytes (spaced, "\xde\xad\xbe\xef\x00", 5);

  odd = dpx_parse_hex ("abc", &error);
  g_assert_null (odd);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  bad = dpx_parse_hex ("ab zz", &error);
  g_assert_null (bad);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "character 4"));
  g_clear_error (&error);

  /* A person's non-ASCII character is named whole, and counted as one: the
   * message stays valid UTF-8 for the label that shows it. */
  g_assert_null (dpx_parse_hex ("00 é", &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "“é” at character 4"));
  g_clear_error (&error);
  g_assert_null (dpx_parse_base64 ("Aé", &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "“é” at character 2"));
}

static void
test_base64 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = dpx_parse_base64 ("SGVsbG8=", &error);
  g_autoptr(GBytes) unpadded = dpx_parse_base64 ("SGVsbG8", &error);
  g_autoptr(GBytes) url_safe = dpx_parse_base64 ("-_8", &error);
  g_autoptr(GBytes) lone = NULL;
  g_autoptr(GBytes) inner_pad = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GBytes) padded = NULL;
  static const char * const over_padded[] = {
    "=", "====", "QQ======", "SGVsbG8=====", "SGVsbG8 = = = =",
  };

  g_assert_no_error (error);
  assert_bytes (plain, "Hello", 5);
  assert_bytes (unpadded, "Hello", 5);
  assert_bytes (url_safe, "\xfb\xff", 2);

  /* A lone character past a group of four is not a byte. */
  lone = dpx_parse_base64 ("SGVsb", &error);
  g_assert_null (lone);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  inner_pad = dpx_parse_base64 ("SG=sbG8=", &error);
  g_assert_null (inner_pad);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  bad = dpx_parse_base64 ("SGV*", &error);
  g_assert_null (bad);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Padding past the last group of four would decode to made-up bytes. */
  for (guint i = 0; i < G_N_ELEMENTS (over_padded); i++)
    {
      g_autoptr(GBytes) bytes = dpx_parse_base64 (over_padded[i], &error);

      g_assert_null (bytes);
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
      g_clear_error (&error);
    }
  padded = dpx_parse_base64 ("QQ==", &error);
  g_assert_no_error (error);
  assert_bytes (padded, "A", 1);
}

static void
test_size (void)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  g_assert_true (dpx_parse_size ("1048576", &size, &error));
  g_assert_cmpuint (size, ==, 1048576);
  g_assert_true (dpx_parse_size ("64k", &size, &error));
  g_assert_cmpuint (size, ==, 65536);
  g_assert_true (dpx_parse_size ("1MiB", &size, &error));
  g_assert_cmpuint (size, ==, 1048576);
  g_assert_no_error (error);

  g_assert_false (dpx_parse_size ("1.5M", &size, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (dpx_parse_size ("99999999999999999999", &size, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (dpx_parse_size ("18014398509481984G", &size, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
}

static void
test_json_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = g_strnfill (10000, '[');

  g_assert_true (dpx_parse_json_message ("{\"a\": [1, 2.5, null]}", &error));
  g_assert_no_error (error);

  /* What json-glib alone would take, and a strict peer would not. */
  g_assert_false (dpx_parse_json_message ("{\"a\": 1} trailing", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (dpx_parse_json_message ("// comment\n{}", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (dpx_parse_json_message (deep, &error));
  g_assert_nonnull (error);
}

/* The compose box and the client share this check: each code is accepted
 * or refused the same way by both. */
static void
test_close_check (void)
{
  static const struct { int code; gboolean ok; } cases[] = {
    { 999, FALSE }, { 1000, TRUE }, { 1003, TRUE }, { 1004, FALSE }, { 1005, FALSE },
    { 1006, FALSE }, { 1007, TRUE }, { 1010, TRUE }, { 1011, FALSE }, { 1015, FALSE },
    { 2999, FALSE }, { 3000, TRUE }, { 4999, TRUE }, { 5000, FALSE }, { -1, FALSE },
    { 70000, FALSE },
  };
  g_autofree char *long_reason = g_strnfill (DPX_CLOSE_REASON_MAX + 1, 'r');
  g_autofree char *full_reason = g_strnfill (DPX_CLOSE_REASON_MAX, 'r');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ok = dpx_close_check (cases[i].code, NULL, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        {
          g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);
          /* The message names only codes the check accepts. */
          g_assert_nonnull (strstr (error->message, "1007–1010"));
          g_clear_error (&error);
        }
    }

  /* Registered codes libsoup cannot send: said so, plainly. */
  for (int code = 1012; code <= 1014; code++)
    {
      g_assert_false (dpx_close_check (code, NULL, &error));
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);
      g_assert_nonnull (strstr (error->message, "is registered, but libsoup 3.2 cannot send it"));
      g_assert_nonnull (strstr (error->message, dpx_close_code_describe (code)));
      g_clear_error (&error);
    }

  g_assert_true (dpx_close_check (1000, full_reason, &error));
  g_assert_false (dpx_close_check (1000, long_reason, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);
  g_clear_error (&error);
  g_assert_false (dpx_close_check (1000, "\xff", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_CLOSE);

  g_assert_cmpstr (dpx_close_code_describe (1001), ==, "going away");
  g_assert_cmpstr (dpx_close_code_describe (4008), ==,
                   "client too slow: it was not reading its messages");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/parse/hex", test_hex);
  g_test_add_func ("/parse/base64", test_base64);
  g_test_add_func ("/parse/size", test_size);
  g_test_add_func ("/parse/json-message", test_json_message);
  g_test_add_func ("/parse/close-check", test_close_check);

  return g_test_run ();
}
