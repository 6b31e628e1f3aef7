/* test-text-lines.c: a long text or a dump as rows for Show All
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-gui-test.h"
#include "dpx-text-lines.h"

static char *
row (DpxTextLines *lines,
     guint         position)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (lines), position);

  g_assert_nonnull (item);
  return g_strdup (gtk_string_object_get_string (item));
}

/* Lines are rows; a longer line is cut into pieces between characters
 * (here a 2-byte “é” falls across the 8-byte mark), and nothing is lost. */
static void
test_text_rows (void)
{
  g_autoptr(DpxTextLines) lines = dpx_text_lines_new_for_text (g_strdup ("one\n\nabcdefgé12345\nlast"), 8);
  g_autoptr(DpxTextLines) empty = dpx_text_lines_new_for_text (g_strdup (""), 8);
  g_autoptr(DpxTextLines) ends = dpx_text_lines_new_for_text (g_strdup ("a\n"), 8);
  g_autofree char *all = NULL;
  const char *expected[] = { "one", "", "abcdefg", "é12345", "last" };

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *text = row (lines, i);

      g_assert_cmpstr (text, ==, expected[i]);
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (lines), G_N_ELEMENTS (expected)));
  all = dpx_text_lines_dup_text (lines);
  g_assert_cmpstr (all, ==, "one\n\nabcdefg\né12345\nlast\n");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (empty)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ends)), ==, 1);
}

/* A dump has a row per 16 bytes, made on demand, the last one short. */
static void
test_dump_rows (void)
{
  guint8 data[40];
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(DpxTextLines) lines = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = 'A' + i;
  payload = g_bytes_new (data, sizeof data);
  lines = dpx_text_lines_new_for_dump (payload);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lines)), ==, 3);
  first = row (lines, 0);
  g_assert_cmpstr (first, ==, "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|");
  last = row (lines, 2);
  g_assert_cmpstr (last, ==, "00000020  61 62 63 64 65 66 67 68                           |abcdefgh|");
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/text-lines/text-rows", test_text_rows);
  g_test_add_func ("/text-lines/dump-rows", test_dump_rows);

  return g_test_run ();
}
