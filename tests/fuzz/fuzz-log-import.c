/* fuzz-log-import.c: the JSON Lines import, one line or a whole file
 *
 * The first byte chooses: even, the rest is one line for
 * dpx_log_entry_new_from_json(); odd, the rest is a file for
 * dpx_log_import() into a log of 1 to 8 entries (from the byte's
 * next bits).
 *
 * Invariants: a refusal comes with an error; an accepted line exports
 * again (dpx_log_entry_to_json()) to a line that imports to the same
 * entry, and exports to itself; a file imports if and only if each of its
 * lines does (blank lines and a "\r" before the "\n" aside, and no line
 * holds a NUL byte); it then leaves the newest entries in the log, the
 * older ones counted as dropped, and a refused file leaves the log as it
 * was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <unistd.h>

#include <glib/gstdio.h>

#include "dpx-error.h"
#include "dpx-log.h"
#include "fuzz-support.h"

static char *file_path;

static void
assert_same_entry (DpxLogEntry *a,
                   DpxLogEntry *b)
{
  g_assert_cmpint (dpx_log_entry_get_time (a), ==, dpx_log_entry_get_time (b));
  g_assert_cmpstr (dpx_log_entry_get_connection (a), ==, dpx_log_entry_get_connection (b));
  g_assert_cmpint (dpx_log_entry_get_direction (a), ==, dpx_log_entry_get_direction (b));
  g_assert_cmpint (dpx_log_entry_get_kind (a), ==, dpx_log_entry_get_kind (b));
  g_assert_true (g_bytes_equal (dpx_log_entry_get_payload (a), dpx_log_entry_get_payload (b)));
}

/* The entry of one line, checked both ways; %NULL if it is refused. */
static DpxLogEntry *
import_line (const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DpxLogEntry) entry = dpx_log_entry_new_from_json (line, &error);
  g_autoptr(DpxLogEntry) again = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *exported_again = NULL;

  if (entry == NULL)
    {
      g_assert_nonnull (error);
      return NULL;
    }
  g_assert_no_error (error);

  exported = dpx_log_entry_to_json (entry);
  g_assert_null (strchr (exported, '\n'));
  again = dpx_log_entry_new_from_json (exported, &error);
  if (again == NULL)
    g_error ("An imported line exports to one that does not import: %s\n%s\n%s",
             error->message, line, exported);
  assert_same_entry (entry, again);
  exported_again = dpx_log_entry_to_json (again);
  g_assert_cmpstr (exported, ==, exported_again);
  return g_steal_pointer (&entry);
}

static void
fuzz_file (const guint8 *data,
           gsize         size,
           guint         max_entries)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(DpxLogEntry) before = NULL;
  gboolean valid = TRUE;
  gsize pos = 0;
  gboolean imported;
  guint n_items;

  /* What the file holds, line by line, as the import should see it. */
  while (valid && pos < size)
    {
      const guint8 *newline = memchr (data + pos, '\n', size - pos);
      gsize length = newline ? (gsize) (newline - (data + pos)) : size - pos;
      g_autofree char *line = NULL;
      DpxLogEntry *entry;

      line = g_strndup ((const char *) data + pos, length);
      pos += length + (newline ? 1 : 0);

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      if (length == 0)
        continue;
      if (memchr (line, '\0', length) != NULL || !(entry = import_line (line)))
        valid = FALSE;
      else
        g_ptr_array_add (expected, entry);
    }

  g_assert_true (g_file_set_contents (file_path, (const char *) data, size, NULL));
  file = g_file_new_for_path (file_path);

  /* One entry already there, which a refused file must leave alone. */
  dpx_log_set_max_entries (log, max_entries);
  before = dpx_log_entry_new (0, "before", DPX_DIRECTION_EVENT, DPX_ENTRY_KIND_INFO, NULL);
  dpx_log_append (log, before);
  dpx_log_flush (log);

  imported = dpx_log_import (log, file, NULL, &error);
  dpx_log_flush (log);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (log));

  if (!imported)
    {
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
      if (valid)
        g_error ("Every line imports alone but the file does not: %s", error->message);
      g_assert_cmpuint (n_items, ==, 1);
      g_assert_cmpuint (dpx_log_get_dropped (log), ==, 0);
      return;
    }

  g_assert_no_error (error);
  g_assert_true (valid);
  g_assert_cmpuint (n_items, ==, MIN (expected->len + 1, max_entries));
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, expected->len + 1 - n_items);
  for (guint i = 0; i < n_items && i < expected->len; i++)
    {
      g_autoptr(DpxLogEntry) item = g_list_model_get_item (G_LIST_MODEL (log), n_items - 1 - i);

      assert_same_entry (item, g_ptr_array_index (expected, expected->len - 1 - i));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 1)
    return -1;

  if (file_path == NULL)
    file_path = g_strdup_printf ("%s/duplex-fuzz-log-import-%d.jsonl", g_get_tmp_dir (),
                                 (int) getpid ());

  if ((data[0] & 1) == 0)
    {
      g_autofree char *line = g_strndup ((const char *) data + 1, size - 1);
      DpxLogEntry *entry = import_line (line);

      g_clear_object (&entry);
    }
  else
    fuzz_file (data + 1, size - 1, 1 + ((data[0] >> 1) & 7));

  return 0;
}
