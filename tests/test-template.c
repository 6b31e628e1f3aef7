/* test-template.c: variables expanded in what is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-error.h"
#include "dpx-template.h"
#include "dpx-test-support.h"

static void
test_counter (void)
{
  g_autoptr(DpxTemplate) template = dpx_template_new ();
  g_autoptr(DpxNotifyCounter) notified = dpx_test_count_notify (template, "counter");
  g_autoptr(GError) error = NULL;
  g_autofree char *preview = NULL;

  /* The preview shows the next number without taking it. */
  preview = dpx_template_preview (template, "n={{counter}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (preview, ==, "n=1");
  g_assert_cmpuint (dpx_template_get_counter (template), ==, 0);
  g_assert_cmpuint (dpx_notify_counter_take (notified), ==, 0);

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *sent = dpx_template_expand (template, "{{counter}}/{{ counter }}", NULL, &error);
      g_autofree char *expected = g_strdup_printf ("%u/%u", i, i);

      g_assert_no_error (error);
      g_assert_cmpstr (sent, ==, expected);
    }
  g_assert_cmpuint (dpx_template_get_counter (template), ==, 3);
  g_assert_cmpuint (dpx_notify_counter_take (notified), ==, 3);

  /* A send without the variable still counts: the counter counts sends. */
  g_free (dpx_template_expand (template, "plain", NULL, &error));
  g_assert_no_error (error);
  g_free (preview);
  preview = dpx_template_preview (template, "{{counter}}", NULL, &error);
  g_assert_cmpstr (preview, ==, "5");

  /* A failed expansion is not a send. */
  g_assert_null (dpx_template_expand (template, "{{nope}}", NULL, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_assert_cmpuint (dpx_template_get_counter (template), ==, 4);

  /* Two templates (two profiles or tabs) count apart. */
  {
    g_autoptr(DpxTemplate) other = dpx_template_new ();
    g_autofree char *first = dpx_template_expand (other, "{{counter}}", NULL, NULL);

    g_assert_cmpstr (first, ==, "1");
  }
}

static void
test_builtins (void)
{
  g_autoptr(DpxTemplate) template = dpx_template_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) iso = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$", 0, 0, NULL);
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *timestamp = dpx_template_expand (template, "{{timestamp}}", NULL, &error);
  g_autofree char *timestamp_ms = dpx_template_expand (template, "{{timestamp_ms}}", NULL, &error);
  g_autofree char *uuids = dpx_template_expand (template, "{{uuid}} {{uuid}}", NULL, &error);
  g_auto(GStrv) two = NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  gboolean differ = FALSE;

  g_assert_no_error (error);
  g_assert_true (g_regex_match (iso, timestamp, 0, NULL));
  parsed = g_date_time_new_from_iso8601 (timestamp, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpint (ABS (g_date_time_to_unix (parsed) - now_ms / 1000), <=, 5);
  g_assert_cmpint (ABS (g_ascii_strtoll (timestamp_ms, NULL, 10) - now_ms), <=, 5000);

  two = g_strsplit (uuids, " ", -1);
  g_assert_cmpuint (g_strv_length (two), ==, 2);
  g_assert_true (g_uuid_string_is_valid (two[0]));
  g_assert_true (g_uuid_string_is_valid (two[1]));
  g_assert_cmpstr (two[0], !=, two[1]);

  /* Random integers are in range and not all the same. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *a = dpx_template_expand (template, "{{random_int}}", NULL, &error);
      g_autofree char *b = dpx_template_expand (template, "{{random_int}}", NULL, &error);
      char *end = NULL;
      gint64 value = g_ascii_strtoll (a, &end, 10);

      g_assert_no_error (error);
      g_assert_cmpstr (end, ==, "");
      g_assert_cmpint (value, >=, 0);
      g_assert_cmpint (value, <=, G_MAXINT32);
      differ |= !g_str_equal (a, b);
    }
  g_assert_true (differ);
}

static void
test_own_variables (void)
{
  g_autoptr(DpxTemplate) template = dpx_template_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = NULL;
  g_auto(GStrv) names = NULL;

  g_assert_true (dpx_template_set_variable (template, "user", "ада", &error));
  g_assert_true (dpx_template_set_variable (template, "room.id", "{{counter}}", &error));
  g_assert_no_error (error);
  /* Own values go out as they are, not expanded again. */
  sent = dpx_template_expand (template, "{\"user\":\"{{user}}\",\"room\":\"{{room.id}}\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sent, ==, "{\"user\":\"ада\",\"room\":\"{{counter}}\"}");

  names = dpx_template_dup_variable_names (template);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "room.id");
  g_assert_cmpstr (names[1], ==, "user");

  g_assert_false (dpx_template_set_variable (template, "counter", "1", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_clear_error (&error);
  g_assert_false (dpx_template_set_variable (template, "1abc", "1", &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_clear_error (&error);
  g_assert_false (dpx_template_set_variable (template, "a b", "1", &error));
  g_clear_error (&error);

  dpx_template_remove_variable (template, "user");
  g_assert_null (dpx_template_preview (template, "{{user}}", NULL, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
}

static void
test_errors (void)
{
  g_autoptr(DpxTemplate) template = dpx_template_new ();
  g_autoptr(GError) error = NULL;
  gsize offset = G_MAXSIZE;

  /* Unknown: the message names it and its character (counted in
   * characters, the byte offset for selecting it). */
  g_assert_null (dpx_template_expand (template, "é {{missing}}", &offset, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "“missing” at character 3"));
  g_assert_cmpuint (offset, ==, 3);
  g_clear_error (&error);

  g_assert_null (dpx_template_expand (template, "ab {{counter", &offset, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "character 4 is not closed"));
  g_assert_cmpuint (offset, ==, 3);
  g_clear_error (&error);

  g_assert_null (dpx_template_preview (template, "{{}}", &offset, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "“{{}}” at character 1 is not a variable"));
  g_clear_error (&error);

  g_assert_null (dpx_template_preview (template, "{{a b}}", &offset, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_clear_error (&error);

  g_assert_null (dpx_template_preview (template, "\xff{{counter}}", &offset, &error));
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_TEMPLATE);
  g_clear_error (&error);

  g_assert_cmpuint (dpx_template_get_counter (template), ==, 0);
}

static void
test_escape (void)
{
  g_autoptr(DpxTemplate) template = dpx_template_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = dpx_template_expand (template, "\\{{counter}} is {{counter}}; {\"a\":{\"b\":1}}",
                                               NULL, &error);
  g_autofree char *unclosed = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (sent, ==, "{{counter}} is 1; {\"a\":{\"b\":1}}");

  /* An escaped `{{` needs no closing. */
  unclosed = dpx_template_expand (template, "a \\{{ b", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unclosed, ==, "a {{ b");

  g_assert_true (dpx_template_uses_variables ("x {{y}}"));
  g_assert_false (dpx_template_uses_variables ("x {y} }}"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/template/counter", test_counter);
  g_test_add_func ("/template/builtins", test_builtins);
  g_test_add_func ("/template/own-variables", test_own_variables);
  g_test_add_func ("/template/errors", test_errors);
  g_test_add_func ("/template/escape", test_escape);

  return g_test_run ();
}
