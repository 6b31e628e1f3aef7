/* test-log-import.c: importing files no export wrote: deep, long, huge
 *
 * Each case runs in a fresh process of its own: a crash there fails the
 * case instead of the whole program, and the peak memory it reports
 * (VmHWM) is that of the import alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dpx-test-support.h"

#define MIB (1024 * 1024)

/* A folder for one case's files, the same in the parent and in its child
 * process, so the parent removes it even when the child failed. */
static char *
case_dir (const char *name)
{
  int pid = g_test_subprocess () ? getppid () : getpid ();
  g_autofree char *leaf = g_strdup_printf ("duplex-import-%d-%s", pid, name);
  char *dir = g_build_filename (g_get_tmp_dir (), leaf, NULL);

  if (g_test_subprocess ())
    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static void
remove_case_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;
  while ((name = g_dir_read_name (listing)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Runs the calling case in a child process; the parent only checks that
 * it passed and cleans up after it. */
#define RUN_IN_CHILD(name, flags)                                              \
  G_STMT_START {                                                              \
    if (!g_test_subprocess ())                                                \
      {                                                                       \
        g_autofree char *_dir = case_dir (name);                             \
        g_test_trap_subprocess (NULL, 0, (flags));                            \
        remove_case_dir (_dir);                                               \
        g_test_trap_assert_passed ();                                         \
        return;                                                               \
      }                                                                       \
  } G_STMT_END

static DpxLogEntry *
numbered_entry (guint64 i)
{
  g_autofree char *text = g_strdup_printf ("message %" G_GUINT64_FORMAT, i);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return dpx_log_entry_new (1700000000000000 + i, "ws://test/", DPX_DIRECTION_RECEIVED,
                            DPX_ENTRY_KIND_TEXT, bytes);
}

static char *
entry_text (DpxLog *log,
            guint   position)
{
  g_autoptr(DpxLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (log), position);
  GBytes *payload = dpx_log_entry_get_payload (entry);

  return g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

static gsize
peak_kib (void)
{
  return dpx_process_memory_kib ("self", "VmHWM");
}

static void
write_or_fail (GOutputStream *out,
               const void    *data,
               gsize          size)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, size, NULL, NULL, &error);
  g_assert_no_error (error);
}

static GOutputStream *
create_file (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                                    &error);

  g_assert_no_error (error);
  /* The buffered stream holds the file's stream from here. */
  return g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 1 * MIB);
}

static void
write_entry_line (GOutputStream *out,
                  DpxLogEntry   *entry)
{
  g_autofree char *line = dpx_log_entry_to_json (entry);

  write_or_fail (out, line, strlen (line));
  write_or_fail (out, "\n", 1);
}

static void
close_file (GOutputStream *out)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (out);
}

/* Writes a good line, then one whose "extra" member nests @depth arrays. */
static void
write_deep_file (const char *path,
                 guint       depth)
{
  GOutputStream *out = create_file (path);
  g_autoptr(DpxLogEntry) entry = numbered_entry (0);
  g_autoptr(GString) deep = NULL;

  deep = g_string_new ("{\"time\":\"2026-01-01T00:00:00Z\",\"connection\":\"c\","
                       "\"direction\":\"sent\",\"kind\":\"text\",\"text\":\"x\",\"extra\":");

  write_entry_line (out, entry);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}\n");
  write_or_fail (out, deep->str, deep->len);
  close_file (out);
}

/* Lines nesting 60 000 arrays (the file) and a million (past any
 * thread's stack: json-glib recurses once per level): the import says
 * where, does not crash, and keeps the log as it was. */
static void
test_import_deep_nesting (void)
{
  const guint depths[] = { 60000, 1000000 };
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(DpxLog) log = NULL;

  RUN_IN_CHILD ("deep", G_TEST_SUBPROCESS_INHERIT_STDOUT);

  dir = case_dir ("deep");
  path = g_build_filename (dir, "deep.jsonl", NULL);
  file = g_file_new_for_path (path);
  log = dpx_log_new ();

  for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
    {
      g_autoptr(GError) error = NULL;

      write_deep_file (path, depths[d]);
      g_assert_false (dpx_log_import (log, file, NULL, &error));
      g_test_message ("%u levels: %s", depths[d], error->message);
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
      g_assert_nonnull (strstr (error->message, "deep.jsonl"));
      g_assert_nonnull (strstr (error->message, "line 2:"));
      g_assert_nonnull (strstr (error->message, "nested too deeply"));
      g_assert_nonnull (strstr (error->message, "nothing was imported"));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
    }

  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
}

/* A 128 MiB line, four times the longest an import reads: it is refused
 * with its line number before it is read whole, so the import's peak
 * memory grows by far less than the line. */
static void
test_import_overlong_line (void)
{
  const gsize line_size = 128 * MIB;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(DpxLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = NULL;
  GOutputStream *out;
  gsize before_kib, growth_kib;
  const char *head = "{\"time\":\"2026-01-01T00:00:00.000000Z\",\"connection\":\"c\","
                     "\"direction\":\"received\",\"kind\":\"binary\",\"base64\":\"";

  RUN_IN_CHILD ("long", G_TEST_SUBPROCESS_INHERIT_STDOUT);

  /* A well-formed entry whose base64 payload is 96 MiB: only its length
   * is wrong. */
  dir = case_dir ("long");
  path = g_build_filename (dir, "long.jsonl", NULL);
  out = create_file (path);
  {
    g_autoptr(DpxLogEntry) entry = numbered_entry (0);

    write_entry_line (out, entry);
  }
  write_or_fail (out, head, strlen (head));
  chunk = g_malloc (MIB);
  memset (chunk, 'A', MIB);
  for (gsize written = strlen (head); written + MIB <= line_size; written += MIB)
    write_or_fail (out, chunk, MIB);
  write_or_fail (out, "\"}\n", 3);
  g_clear_pointer (&chunk, g_free);
  close_file (out);

  log = dpx_log_new ();
  file = g_file_new_for_path (path);
  before_kib = peak_kib ();
  g_assert_false (dpx_log_import (log, file, NULL, &error));
  growth_kib = peak_kib () - before_kib;
  g_test_message ("%s", error->message);
  g_test_message ("a %zu MiB line: peak memory grew by %zu KiB", line_size / MIB, growth_kib);
  g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
  g_assert_nonnull (strstr (error->message, "long.jsonl"));
  g_assert_nonnull (strstr (error->message, "line 2:"));
  g_assert_nonnull (strstr (error->message, "longer than 33.0"));
  g_assert_nonnull (strstr (error->message, "nothing was imported"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (growth_kib, <, line_size / 1024 / 2);

  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  if (dpx_log_import_finish (DPX_LOG (source), result, error))
    *error = g_error_new_literal (G_IO_ERROR, 0, "ok");
}

/* A file far larger than what the log keeps, imported the window's way
 * (asynchronously): the peak memory grows with the log's cap, not with the
 * file, and the log ends with the file's newest entries, the older ones
 * counted as dropped. DUPLEX_TEST_IMPORT_MIB sets the file's size (256 MiB
 * by default) and DUPLEX_TEST_IMPORT_CAP the log's (1000), to measure a
 * larger import by hand. */
static void
test_import_streams_huge_file (void)
{
  const char *cap_env = g_getenv ("DUPLEX_TEST_IMPORT_CAP");
  const guint cap = cap_env ? g_ascii_strtoull (cap_env, NULL, 10) : 1000;
  const char *size_env = g_getenv ("DUPLEX_TEST_IMPORT_MIB");
  /* Under AddressSanitizer, where memory is not measured, a small file
   * still checks the streaming and the ring. */
  guint64 target = (size_env ? g_ascii_strtoull (size_env, NULL, 10)
                             : DPX_TEST_MEMORY_MEASURABLE ? 256 : 8) * MIB;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(DpxLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) binary = NULL;
  guint8 binary_data[160];
  GOutputStream *out;
  guint64 written = 0, n_entries = 0;
  gsize before_kib, growth_kib;
  gint64 started;
  double seconds;

  RUN_IN_CHILD ("huge", G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);

  /* Text and binary entries of a few hundred bytes, as a busy server
   * sends them, each line numbered. */
  for (guint i = 0; i < sizeof binary_data; i++)
    binary_data[i] = i * 7;
  binary = g_bytes_new (binary_data, sizeof binary_data);
  dir = case_dir ("huge");
  path = g_build_filename (dir, "huge.jsonl", NULL);
  out = create_file (path);
  while (written < target)
    {
      g_autoptr(DpxLogEntry) entry = NULL;
      g_autofree char *line = NULL;

      if (n_entries % 2 == 0)
        {
          g_autofree char *text = NULL;

          text = g_strdup_printf ("message %" G_GUINT64_FORMAT " {\"price\": %" G_GUINT64_FORMAT
                                  ", \"note\": \"%s\"}", n_entries, n_entries * 3,
                                  "a line of text the size of a quote from a feed, "
                                  "with a \"quoted\" word and a tab\tto escape");
          g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

          entry = dpx_log_entry_new (1700000000000000 + n_entries, "ws://127.0.0.1:9001/feed",
                                     DPX_DIRECTION_RECEIVED, DPX_ENTRY_KIND_TEXT, bytes);
        }
      else
        entry = dpx_log_entry_new (1700000000000000 + n_entries, "ws://127.0.0.1:9001/feed",
                                   DPX_DIRECTION_SENT, DPX_ENTRY_KIND_BINARY, binary);
      line = dpx_log_entry_to_json (entry);
      write_or_fail (out, line, strlen (line));
      write_or_fail (out, "\n", 1);
      written += strlen (line) + 1;
      n_entries++;
    }
  close_file (out);

  log = dpx_log_new ();
  dpx_log_set_max_entries (log, cap);
  file = g_file_new_for_path (path);
  before_kib = peak_kib ();
  started = g_get_monotonic_time ();
  dpx_log_import_async (log, file, NULL, imported_cb, &error);
  dpx_test_wait_until (error != NULL, (gint64) 3600 * 1000);
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  growth_kib = peak_kib () - before_kib;
  g_assert_cmpstr (error->message, ==, "ok");

  g_test_message ("imported %" G_GUINT64_FORMAT " MiB (%" G_GUINT64_FORMAT " entries) at a cap "
                  "of %u in %.1f s; peak memory %zu MiB, grew by %zu MiB",
                  written / MIB, n_entries, cap, seconds, peak_kib () / 1024, growth_kib / 1024);
  g_printerr ("imported %" G_GUINT64_FORMAT " MiB (%" G_GUINT64_FORMAT " entries) at a cap "
                "of %u in %.1f s; peak memory %zu MiB, grew by %zu MiB\n",
                written / MIB, n_entries, cap, seconds, peak_kib () / 1024, growth_kib / 1024);

  /* Far below the file: what is held is the cap's worth of entries. */
  if (DPX_TEST_MEMORY_MEASURABLE)
    g_assert_cmpuint (growth_kib, <, written / 1024 / 8);
  if (DPX_TEST_MEMORY_MEASURABLE && cap_env == NULL)
    g_assert_cmpuint (growth_kib, <, 64 * 1024);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, cap);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, n_entries - cap);
  {
    g_autoptr(DpxLogEntry) first = g_list_model_get_item (G_LIST_MODEL (log), 0);
    g_autoptr(DpxLogEntry) last = g_list_model_get_item (G_LIST_MODEL (log), cap - 1);

    g_assert_cmpint (dpx_log_entry_get_time (first), ==, 1700000000000000 + n_entries - cap);
    g_assert_cmpint (dpx_log_entry_get_time (last), ==, 1700000000000000 + n_entries - 1);
  }

  /* The import's worker thread lets go of its task (and so of the log and
   * the file) just after the result reached this thread: wait for it. */
  {
    DpxLog *log_alive = g_steal_pointer (&log);
    GFile *file_alive = g_steal_pointer (&file);

    g_object_add_weak_pointer (G_OBJECT (log_alive), (gpointer *) &log_alive);
    g_object_add_weak_pointer (G_OBJECT (file_alive), (gpointer *) &file_alive);
    g_object_unref (log_alive);
    g_object_unref (file_alive);
    dpx_test_wait_until (log_alive == NULL && file_alive == NULL, 5000);
  }
}

/* Damage after the ring has wrapped many times still leaves the log as it
 * was: streaming does not weaken all or nothing. */
static void
test_import_damage_after_many_entries (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(DpxLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  GOutputStream *out;
  const char *damaged = "{\"time\":\"2026-01-01T00:00:00.000000Z\",\"connection\":\"c\","
                        "\"direction\":\"sent\",\"kind\":\"text\",\"size\":2.9,\"text\":\"ab\"}\n";

  RUN_IN_CHILD ("late", G_TEST_SUBPROCESS_INHERIT_STDOUT);

  dir = case_dir ("late");
  path = g_build_filename (dir, "late.jsonl", NULL);
  file = g_file_new_for_path (path);
  log = dpx_log_new ();
  out = create_file (path);
  for (guint i = 0; i < 5000; i++)
    {
      g_autoptr(DpxLogEntry) entry = numbered_entry (i);
      write_entry_line (out, entry);
    }
  write_or_fail (out, damaged, strlen (damaged));
  close_file (out);

  dpx_log_set_max_entries (log, 100);
  {
    g_autoptr(DpxLogEntry) entry = numbered_entry (99999);
    dpx_log_append (log, entry);
    dpx_log_flush (log);
  }
  g_assert_false (dpx_log_import (log, file, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "line 5001:"));
  g_assert_nonnull (strstr (error->message, "nothing was imported"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 1);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 0);
  first = entry_text (log, 0);
  g_assert_cmpstr (first, ==, "message 99999");

  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log-import/deep-nesting", test_import_deep_nesting);
  g_test_add_func ("/log-import/overlong-line", test_import_overlong_line);
  g_test_add_func ("/log-import/streams-huge-file", test_import_streams_huge_file);
  g_test_add_func ("/log-import/damage-after-many-entries", test_import_damage_after_many_entries);

  return g_test_run ();
}
