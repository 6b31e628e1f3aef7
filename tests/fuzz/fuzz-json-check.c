/* fuzz-json-check.c: the strict JSON checker over any bytes
 *
 * Invariants: a refusal comes with an error; the same text gives the same
 * answer with its length given or NUL-terminated; and what the checker
 * accepts, json-glib parses into a value, the compose box's
 * dpx_parse_json_message() accepts too, and the message view's
 * dpx_format_pretty_json() writes out again as UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "dpx-error.h"
#include "dpx-format.h"
#include "dpx-json-check.h"
#include "dpx-parse.h"
#include "fuzz-support.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = NULL;
  gboolean valid;

  valid = dpx_json_check (text, size, &error);
  if (!valid)
    {
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  else
    g_assert_no_error (error);
  g_clear_error (&error);

  if (memchr (data, '\0', size) == NULL)
    g_assert_cmpint (dpx_json_check (text, -1, NULL), ==, valid);
  else
    g_assert_false (valid);  /* a NUL is never JSON, nor inside a string */

  if (valid)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (!json_parser_load_from_data (parser, text, size, &error))
        g_error ("dpx_json_check() accepts what json-glib refuses: %s", error->message);
      g_assert_nonnull (json_parser_get_root (parser));

      if (!dpx_parse_json_message (text, &error))
        g_error ("dpx_json_check() accepts what dpx_parse_json_message() refuses: %s",
                 error->message);

      pretty = dpx_format_pretty_json (text, size);
      if (pretty != NULL && !g_utf8_validate (pretty, -1, NULL))
        g_error ("dpx_format_pretty_json() of UTF-8 JSON is not UTF-8: %s", pretty);
    }

  return 0;
}
