/* test-json-check.c: what the compose box accepts as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "dpx-error.h"
#include "dpx-json-check.h"

static void
test_json_accepts_rfc8259 (void)
{
  const char *valid[] = {
    "{}", "[]", "0", "-0.5e+10", "\"text\"", "true", "false", "null",
    " {\"type\": \"subscribe\", \"symbols\": [\"EUR\", \"USD\"], \"depth\": 10} ",
    "[1, 2.5, -3e2, {\"a\": [null, true]}, \"\\u00e9\\n\\\"\"]",
    "\"кириллица\"", "{\"\": {}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dpx_json_check (valid[i], -1, &error));
      g_assert_no_error (error);
    }
}

static void
test_json_refuses_lenient (void)
{
  static const struct { const char *text; const char *words; } invalid[] = {
    { "var a = {\"x\": 1}", "line 1, column 1" },
    { "{\"a\": 1} /* c */", "more text follows" },
    { "{'a': 1}", "double quotes" },
    { "{\"a\":1}{\"b\":2}", "more text follows" },
    { "[1, 2,]", "unexpected character" },
    { "{\"a\": 01}", "expected “,” or “}”" },
    { "{\"a\" 1}", "expected “:”" },
    { "[1 2]", "expected “,” or “]”" },
    { "\"tab\there\"", "control character" },
    { "\"\\x41\"", "unknown escape" },
    { "\"\\u12\"", "four hex digits" },
    { "{\"a\": ", "line 1, column 7" },
    { "", "value is missing" },
    { "{\n  \"a\": tru\n}", "line 2, column 8" },
    { "// hi\n1", "no comments" },
    { "NaN", "unexpected character" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (dpx_json_check (invalid[i].text, -1, &error));
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
      g_test_message ("%s → %s", invalid[i].text, error->message);
      g_assert_nonnull (strstr (error->message, invalid[i].words));
    }
}

static void
test_json_deep_nesting (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_false (dpx_json_check (deep->str, deep->len, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

/* What json-glib would refuse or damage: bytes that are not UTF-8 inside a
 * string, and half a UTF-16 pair (json-glib turns it into bytes that are
 * not UTF-8 and drops what follows). A whole pair is a character. */
static void
test_json_strings_are_characters (void)
{
  static const char * const refused[] = {
    "\"\xff\"", "[\"a\xc3\"]", "\"\\udc00\"", "[\"\\ud800x\"]",
    "\"\\ud800\\u0041\"", "\"\\ud800\"",
  };
  static const char * const accepted[] = {
    "\"\\ud83d\\ude00\"", "\"é \\u00e9 \\uffff\"", "[\"\xf0\x9f\x98\x80\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (dpx_json_check (refused[i], -1, &error));
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dpx_json_check (accepted[i], -1, &error));
      g_assert_no_error (error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-check/accepts-rfc8259", test_json_accepts_rfc8259);
  g_test_add_func ("/json-check/refuses-lenient", test_json_refuses_lenient);
  g_test_add_func ("/json-check/deep-nesting", test_json_deep_nesting);
  g_test_add_func ("/json-check/strings-are-characters", test_json_strings_are_characters);

  return g_test_run ();
}
