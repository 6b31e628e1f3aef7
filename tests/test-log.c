/* test-log.c: the bounded, batched log and its JSON Lines files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "dpx-test-support.h"

typedef struct {
  guint n_signals;
  guint added;
  guint removed;
} ChangeCount;

/* Checks what a list view relies on: at each signal, the model already
 * holds exactly what the signals so far describe. */
static void
count_changes (GListModel  *model,
               guint        position,
               guint        removed,
               guint        added,
               ChangeCount *count)
{
  count->n_signals++;
  count->added += added;
  count->removed += removed;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count->added - count->removed);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_assert_nonnull (item);
    }
}

static DpxLogEntry *
text_entry (guint i)
{
  g_autofree char *text = g_strdup_printf ("message %u", i);
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

static void
append_flushed (DpxLog *log,
                guint   i)
{
  g_autoptr(DpxLogEntry) entry = text_entry (i);

  dpx_log_append (log, entry);
  dpx_log_flush (log);
}

/* A clear can be undone: what was taken goes back before what came since,
 * and what no longer fits is dropped from the oldest, and counted. */
static void
test_log_take_and_put_back (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(GPtrArray) taken = NULL;
  guint64 dropped = 99;

  dpx_log_set_max_entries (log, 4);
  for (guint i = 0; i < 5; i++)
    append_flushed (log, i);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 1);

  taken = dpx_log_take_all (log, &dropped);
  g_assert_cmpuint (taken->len, ==, 4);
  g_assert_cmpuint (dropped, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 0);

  append_flushed (log, 10);
  append_flushed (log, 11);
  dpx_log_put_back (log, taken, dropped);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      static const char *expected[] = { "message 3", "message 4", "message 10", "message 11" };
      g_autofree char *text = entry_text (log, i);

      g_assert_cmpstr (text, ==, expected[i]);
    }
  /* The one dropped before, and messages 1 and 2 that no longer fit. */
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 3);

  /* It stays a working ring. */
  append_flushed (log, 12);
  {
    g_autofree char *first = entry_text (log, 0);
    g_autofree char *last = entry_text (log, 3);

    g_assert_cmpstr (first, ==, "message 4");
    g_assert_cmpstr (last, ==, "message 12");
  }
  g_clear_pointer (&taken, g_ptr_array_unref);
  g_assert_finalize_object (g_steal_pointer (&log));
}

/* 100 000 appends become visible in two signals at most, not 100 000. */
static void
test_log_coalesces_changes (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  ChangeCount count = { 0 };

  g_signal_connect (log, "items-changed", G_CALLBACK (count_changes), &count);
  for (guint i = 0; i < 100000; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (i);
      dpx_log_append (log, entry);
    }
  g_assert_cmpuint (count.n_signals, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);

  dpx_log_flush (log);
  g_assert_cmpuint (count.n_signals, ==, 1);
  g_assert_cmpuint (count.added, ==, 100000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 100000);
  g_assert_finalize_object (g_steal_pointer (&log));
}

/* Without an explicit flush the main loop publishes within a tick. */
static void
test_log_publishes_on_its_own (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxLogEntry) entry = text_entry (1);
  ChangeCount count = { 0 };

  g_signal_connect (log, "items-changed", G_CALLBACK (count_changes), &count);
  dpx_log_append (log, entry);
  dpx_test_wait_until (count.added == 1, 1000);
  g_assert_cmpuint (count.n_signals, ==, 1);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == DPX_TYPE_LOG_ENTRY);
  /* The log holds the entry: it goes first. */
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&entry));
}

static void
test_log_cap_and_drop_counter (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  ChangeCount count = { 0 };

  g_assert_cmpuint (dpx_log_get_max_entries (log), ==, 100000);
  dpx_log_set_max_entries (log, 1000);
  g_signal_connect (log, "items-changed", G_CALLBACK (count_changes), &count);

  for (guint i = 0; i < 2500; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (i);

      dpx_log_append (log, entry);
      if (i % 700 == 699)
        dpx_log_flush (log);
    }
  dpx_log_flush (log);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 1000);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 1500);
  g_assert_cmpuint (count.added - count.removed, ==, 1000);
  first = entry_text (log, 0);
  last = entry_text (log, 999);
  g_assert_cmpstr (first, ==, "message 1500");
  g_assert_cmpstr (last, ==, "message 2499");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 1000));

  /* Shrinking keeps the newest. */
  dpx_log_set_max_entries (log, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 10);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 2490);
  g_clear_pointer (&first, g_free);
  first = entry_text (log, 0);
  g_assert_cmpstr (first, ==, "message 2490");

  dpx_log_clear (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&log));
}

/* More than a whole log's worth within one tick: memory stays at the cap. */
static void
test_log_flood_within_one_tick (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  GObject *first = NULL;

  dpx_log_set_max_entries (log, 100);
  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (i);

      if (i == 0)
        {
          first = G_OBJECT (entry);
          g_object_add_weak_pointer (first, (gpointer *) &first);
        }
      dpx_log_append (log, entry);
    }
  /* Before the tick publishes anything, what fell out of the cap is freed
   * already: a flood between two ticks holds at most the cap. */
  g_assert_null (first);
  dpx_log_flush (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 100);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 9900);
  {
    g_autofree char *last = entry_text (log, 99);
    g_assert_cmpstr (last, ==, "message 9999");
  }
  g_assert_finalize_object (g_steal_pointer (&log));
}

static DpxLog *
varied_log (void)
{
  static const guint8 binary[] = { 0x00, 0xff, 0x10, 0x80, 0x0a, 0x0d, 0x22, 0x5c };
  static const char invalid_text[] = { 'o', 'k', (char) 0xc3, (char) 0x28 };
  static const char nul_text[] = { 'a', 0, 'b' };
  const char *texts[] = { "hello", "", "line 1\nline 2\r\n\ttab", "{\"json\": [1, 2.5, null]}",
                          "кириллица и эмодзи 🎉", "quote \" backslash \\ slash /" };
  DpxLog *log = dpx_log_new ();

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) b = g_bytes_new (texts[i], strlen (texts[i]));
      g_autoptr(DpxLogEntry) e = dpx_log_entry_new (1764165600123456 + i, "ws://example:4000/",
                                                    i % 2 ? DPX_DIRECTION_SENT : DPX_DIRECTION_RECEIVED,
                                                    DPX_ENTRY_KIND_TEXT, b);
      dpx_log_append (log, e);
    }
  {
    g_autoptr(GBytes) b = g_bytes_new_static (binary, sizeof binary);
    g_autoptr(DpxLogEntry) e = dpx_log_entry_new (1764165600999999, "conn-2", DPX_DIRECTION_RECEIVED,
                                                  DPX_ENTRY_KIND_BINARY, b);
    dpx_log_append (log, e);
  }
  {
    g_autoptr(GBytes) b = g_bytes_new_static (invalid_text, sizeof invalid_text);
    g_autoptr(DpxLogEntry) e = dpx_log_entry_new (1764165601000000, "conn-2", DPX_DIRECTION_RECEIVED,
                                                  DPX_ENTRY_KIND_TEXT, b);
    dpx_log_append (log, e);
  }
  {
    g_autoptr(GBytes) b = g_bytes_new_static (nul_text, sizeof nul_text);
    g_autoptr(DpxLogEntry) e = dpx_log_entry_new (1764165601000001, "conn-2", DPX_DIRECTION_SENT,
                                                  DPX_ENTRY_KIND_TEXT, b);
    dpx_log_append (log, e);
  }
  {
    /* Before 1970: the fraction must stay positive in the file. */
    g_autoptr(GBytes) b = g_bytes_new_static ("old", 3);
    g_autoptr(DpxLogEntry) e = dpx_log_entry_new (-750000, "conn-2", DPX_DIRECTION_RECEIVED,
                                                  DPX_ENTRY_KIND_TEXT, b);
    dpx_log_append (log, e);
  }
  {
    g_autoptr(DpxLogEntry) e = dpx_log_entry_new_event ("conn-3", DPX_ENTRY_KIND_CLOSE,
                                                        "Closed by the server: 1000 (normal closure)");
    dpx_log_append (log, e);
  }
  {
    g_autoptr(DpxLogEntry) e = dpx_log_entry_new_event ("conn-3", DPX_ENTRY_KIND_ERROR, "Connection refused");
    dpx_log_append (log, e);
  }
  dpx_log_flush (log);
  return log;
}

static void
assert_same_entries (DpxLog *a,
                     DpxLog *b)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (a));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpxLogEntry) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr(DpxLogEntry) y = g_list_model_get_item (G_LIST_MODEL (b), i);

      g_assert_cmpint (dpx_log_entry_get_time (x), ==, dpx_log_entry_get_time (y));
      g_assert_cmpstr (dpx_log_entry_get_connection (x), ==, dpx_log_entry_get_connection (y));
      g_assert_cmpint (dpx_log_entry_get_direction (x), ==, dpx_log_entry_get_direction (y));
      g_assert_cmpint (dpx_log_entry_get_kind (x), ==, dpx_log_entry_get_kind (y));
      g_assert_true (g_bytes_equal (dpx_log_entry_get_payload (x), dpx_log_entry_get_payload (y)));
    }
}

static char *
temp_path (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("duplex-test-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static void
test_log_round_trip (void)
{
  g_autoptr(DpxLog) log = varied_log ();
  g_autoptr(DpxLog) back = dpx_log_new ();
  g_autofree char *path = temp_path ("log.jsonl");
  g_autofree char *path2 = temp_path ("again.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) file2 = g_file_new_for_path (path2);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gsize first_len, second_len;

  g_assert_true (dpx_log_export (log, file, NULL, &error));
  g_assert_no_error (error);
  dpx_log_import (back, file, NULL, &error);
  g_assert_no_error (error);
  assert_same_entries (log, back);

  /* And the file written from the imported log is the same, byte for byte. */
  g_assert_true (dpx_log_export (back, file2, NULL, &error));
  g_assert_true (g_file_get_contents (path, &first, &first_len, NULL));
  g_assert_true (g_file_get_contents (path2, &second, &second_len, NULL));
  g_assert_cmpmem (first, first_len, second, second_len);

  /* One JSON object per line, binary as base64, UTF-8 text as text. */
  {
    g_auto(GStrv) lines = g_strsplit (first, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, g_list_model_get_n_items (G_LIST_MODEL (log)) + 1);
    g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");
    g_assert_nonnull (strstr (lines[0], "\"text\":\"hello\""));
    g_assert_nonnull (strstr (lines[0], "\"time\":\"2025-11-26T14:00:00.123456Z\""));
    g_assert_nonnull (strstr (lines[6], "\"base64\":\"AP8QgAoNIlw=\""));
    g_assert_nonnull (strstr (lines[6], "\"kind\":\"binary\""));
  }
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&back));
  g_assert_finalize_object (g_steal_pointer (&file));
  g_assert_finalize_object (g_steal_pointer (&file2));
}

/* What an export or import reported, and its task: the worker thread may
 * drop its reference to the task (and so to the log) after the callback. */
typedef struct {
  GError   *error;
  GWeakRef  task;
} FileWait;

static gboolean
task_finalized (FileWait *wait)
{
  g_autoptr(GObject) task = g_weak_ref_get (&wait->task);

  return task == NULL;
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FileWait *wait = user_data;

  g_weak_ref_set (&wait->task, result);
  if (!dpx_log_export_finish (DPX_LOG (source), result, &wait->error))
    g_assert_nonnull (wait->error);
  else
    wait->error = g_error_new_literal (G_IO_ERROR, 0, "ok");
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FileWait *wait = user_data;

  g_weak_ref_set (&wait->task, result);
  if (!dpx_log_import_finish (DPX_LOG (source), result, &wait->error))
    g_assert_nonnull (wait->error);
  else
    wait->error = g_error_new_literal (G_IO_ERROR, 0, "ok");
}

static void
test_log_round_trip_async (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxLog) back = dpx_log_new ();
  g_autofree char *path = temp_path ("big.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FileWait wait = { NULL, };

  g_weak_ref_init (&wait.task, NULL);
  for (guint i = 0; i < 20000; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (i);
      dpx_log_append (log, entry);
    }

  dpx_log_export_async (log, file, NULL, exported_cb, &wait);
  dpx_test_wait_until (wait.error != NULL, 30000);
  g_assert_cmpstr (wait.error->message, ==, "ok");
  g_clear_error (&wait.error);
  dpx_test_wait_until (task_finalized (&wait), 5000);

  dpx_log_import_async (back, file, NULL, imported_cb, &wait);
  dpx_test_wait_until (wait.error != NULL, 30000);
  g_assert_cmpstr (wait.error->message, ==, "ok");
  g_clear_error (&wait.error);
  dpx_test_wait_until (task_finalized (&wait), 5000);
  g_weak_ref_clear (&wait.task);
  assert_same_entries (log, back);

  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&back));
  g_assert_finalize_object (g_steal_pointer (&file));
}

static void
test_log_damaged_import (void)
{
  g_autoptr(DpxLog) log = varied_log ();
  g_autoptr(DpxLog) target = dpx_log_new ();
  g_autofree char *path = temp_path ("damaged.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *damaged = NULL;
  const char *breakages[] = {
    "{\"time\": \"yesterday\", \"connection\": \"c\", \"direction\": \"sent\", \"kind\": \"text\", \"text\": \"x\"}",
    "{\"time\": \"2026-01-01T00:00:00Z\", \"connection\": \"c\", \"direction\": \"sideways\", \"kind\": \"text\", \"text\": \"x\"}",
    "{\"time\": \"2026-01-01T00:00:00Z\", \"connection\": \"c\", \"direction\": \"sent\", \"kind\": \"binary\", \"base64\": \"!!\"}",
    "{\"time\": \"2026-01-01T00:00:00Z\", \"connection\": \"c\", \"direction\": \"sent\", \"kind\": \"text\", \"size\": 9, \"text\": \"x\"}",
    "{\"truncated",
    "[1, 2, 3]",
  };

  g_assert_true (dpx_log_export (log, file, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);

  for (guint b = 0; b < G_N_ELEMENTS (breakages); b++)
    {
      g_autofree char *old = lines[3];

      lines[3] = g_strdup (breakages[b]);
      g_free (damaged);
      damaged = g_strjoinv ("\n", lines);
      g_assert_true (g_file_set_contents (path, damaged, -1, NULL));
      g_free (lines[3]);
      lines[3] = g_steal_pointer (&old);

      g_clear_error (&error);
      g_assert_false (dpx_log_import (target, file, NULL, &error));
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
      g_test_message ("damage %u: %s", b, error->message);
      g_assert_nonnull (strstr (error->message, "line 4"));
      g_assert_nonnull (strstr (error->message, "nothing was imported"));
      /* All or nothing: the first three good lines were not added. */
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (target)), ==, 0);
    }
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&target));
  g_assert_finalize_object (g_steal_pointer (&file));
}

/* Writes @n_good exported lines and then @last into @path. */
static void
write_lines_then (const char *path,
                  guint       n_good,
                  const char *last)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n_good; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (i);
      g_autofree char *line = dpx_log_entry_to_json (entry);

      g_string_append_printf (text, "%s\n", line);
    }
  g_string_append_printf (text, "%s\n", last);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
}

#define GOOD_START \
  "{\"time\":\"2026-01-01T00:00:00.000000Z\",\"connection\":\"c\",\"direction\":\"sent\","

/* What dpx_log_export() never writes is refused, with the file and the
 * line, after more good lines than the log keeps: the log is left as it
 * was, its three entries there and nothing counted as dropped. */
static void
test_log_refuses_what_export_never_writes (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autofree char *path = temp_path ("strict.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const struct {
    const char *line;
    const char *says;
  } cases[] = {
    /* base64 that g_base64_decode() would take anyway */
    { GOOD_START "\"kind\":\"binary\",\"base64\":\"QQ\"}", "not padded correctly" },
    { GOOD_START "\"kind\":\"binary\",\"size\":1,\"base64\":\"QQ\"}", "not padded correctly" },
    { GOOD_START "\"kind\":\"binary\",\"size\":1,\"base64\":\"Q===\"}", "not padded correctly" },
    { GOOD_START "\"kind\":\"binary\",\"size\":2,\"base64\":\"QU=B\"}", "not padded correctly" },
    { GOOD_START "\"kind\":\"binary\",\"size\":1,\"base64\":\"QR==\"}",
      "bits that belong to no byte" },
    { GOOD_START "\"kind\":\"binary\",\"size\":1,\"base64\":\"QQ==QQ==\"}",
      "not padded correctly" },
    /* a size that is not a whole number (json-glib reads 2.9 as 2) */
    { GOOD_START "\"kind\":\"text\",\"size\":2.9,\"text\":\"ab\"}",
      "“size” is not a whole number" },
    { GOOD_START "\"kind\":\"text\",\"size\":true,\"text\":\"a\"}",
      "“size” is not a whole number" },
    { GOOD_START "\"kind\":\"text\",\"size\":\"2\",\"text\":\"ab\"}",
      "“size” is not a whole number" },
    /* the payload in the member the export does not use for it */
    { GOOD_START "\"kind\":\"binary\",\"size\":2,\"text\":\"ab\"}",
      "binary entry keeps its payload in “base64”" },
    { GOOD_START "\"kind\":\"text\",\"size\":2,\"base64\":\"YWI=\"}",
      "text entry keeps its payload in “text”" },
    { GOOD_START "\"kind\":\"text\",\"size\":2,\"text\":\"ab\",\"base64\":\"YWI=\"}",
      "both “text” and “base64”" },
    /* text that json-glib would cut at U+0000 or turn into invalid UTF-8 */
    { GOOD_START "\"kind\":\"text\",\"size\":3,\"text\":\"a\\u0000b\"}", "U+0000" },
    { GOOD_START "\"kind\":\"info\",\"text\":\"\\u0000\"}", "U+0000" },
    { GOOD_START "\"kind\":\"text\",\"text\":\"a\\ud800b\"}", "lone UTF-16 surrogate" },
    /* what only a lenient parser takes */
    { GOOD_START "\"kind\":\"text\",\"text\":\"a\"} trailing", "more text follows the value" },
    { GOOD_START "\"kind\":\"text\",\"text\":'a'}", "Invalid JSON" },
    /* control frames: at most 125 bytes, and never an event */
    { GOOD_START "\"kind\":\"ping\",\"text\":\"" "0123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789" "0123456789012345678901234567890123456789"
      "012345\"}", "a ping carries at most 125 bytes, this one 126" },
    { "{\"time\":\"2026-01-01T00:00:00.000000Z\",\"connection\":\"c\",\"direction\":\"event\","
      "\"kind\":\"pong\",\"text\":\"\"}", "a pong is sent or received, not an event" },
  };

  dpx_log_set_max_entries (log, 100);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (1000 + i);
      dpx_log_append (log, entry);
    }
  dpx_log_flush (log);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *first = NULL;

      write_lines_then (path, 250, cases[c].line);
      g_assert_false (dpx_log_import (log, file, NULL, &error));
      g_test_message ("case %u: %s", c, error ? error->message : "(imported)");
      g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
      g_assert_nonnull (strstr (error->message, "strict.jsonl"));
      g_assert_nonnull (strstr (error->message, "line 251:"));
      g_assert_nonnull (strstr (error->message, cases[c].says));
      g_assert_nonnull (strstr (error->message, "nothing was imported"));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 3);
      g_assert_cmpuint (dpx_log_get_dropped (log), ==, 0);
      first = entry_text (log, 0);
      g_assert_cmpstr (first, ==, "message 1000");
    }

  /* The same lines written the export's way are taken. */
  {
    const char *good[] = {
      GOOD_START "\"kind\":\"binary\",\"size\":1,\"base64\":\"QQ==\"}",
      GOOD_START "\"kind\":\"text\",\"size\":3,\"base64\":\"YQBi\"}",
      GOOD_START "\"kind\":\"text\",\"size\":2,\"text\":\"ab\"}",
      GOOD_START "\"kind\":\"text\",\"text\":\"\\ud83c\\udf89\"}",
      GOOD_START "\"kind\":\"ping\",\"size\":2,\"base64\":\"AP8=\"}",
    };

    for (guint g = 0; g < G_N_ELEMENTS (good); g++)
      {
        g_autoptr(GError) error = NULL;

        write_lines_then (path, 0, good[g]);
        g_assert_true (dpx_log_import (log, file, NULL, &error));
        g_assert_no_error (error);
      }
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 8);
    {
      g_autoptr(DpxLogEntry) nul = g_list_model_get_item (G_LIST_MODEL (log), 4);
      g_autoptr(DpxLogEntry) emoji = g_list_model_get_item (G_LIST_MODEL (log), 6);

      g_assert_cmpmem (g_bytes_get_data (dpx_log_entry_get_payload (nul), NULL), 3, "a\0b", 3);
      g_assert_cmpmem (g_bytes_get_data (dpx_log_entry_get_payload (emoji), NULL),
                       g_bytes_get_size (dpx_log_entry_get_payload (emoji)), "🎉", strlen ("🎉"));
    }
  }
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
}

/* A log can hold any time a gint64 counts: each is written as a time a
 * person and another program can read, and imported again to the same
 * microsecond, before the year 1000 and past 9999 too. */
static void
test_log_times_in_every_year (void)
{
  const struct {
    gint64      time_us;
    const char *written;
  } times[] = {
    { 1764165600123456, "2025-11-26T14:00:00.123456Z" },
    { 0, "1970-01-01T00:00:00.000000Z" },
    { -750000, "1969-12-31T23:59:59.250000Z" },
    { 951782400000000, "2000-02-29T00:00:00.000000Z" },
    { -30610224000000000, "1000-01-01T00:00:00.000000Z" },
    { -30610224000000001, "0999-12-31T23:59:59.999999Z" },
    { -62135596800000000, "0001-01-01T00:00:00.000000Z" },
    { -62167219200000000, "0000-01-01T00:00:00.000000Z" },
    { -62167219200000001, "-000001-12-31T23:59:59.999999Z" },
    { -62198755200000000, "-000001-01-01T00:00:00.000000Z" },
    { 253402300799999999, "9999-12-31T23:59:59.999999Z" },
    { 253402300800000000, "+010000-01-01T00:00:00.000000Z" },
    { G_MAXINT64, "+294247-01-10T04:00:54.775807Z" },
    { G_MININT64, "-290308-12-21T19:59:05.224192Z" },
  };
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autoptr(DpxLog) back = dpx_log_new ();
  g_autofree char *path = temp_path ("times.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static ("t", 1);
      g_autoptr(DpxLogEntry) entry = dpx_log_entry_new (times[i].time_us, "c", DPX_DIRECTION_SENT,
                                                        DPX_ENTRY_KIND_TEXT, bytes);
      dpx_log_append (log, entry);
    }
  g_assert_true (dpx_log_export (log, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autofree char *member = g_strdup_printf ("\"time\":\"%s\"", times[i].written);

      g_test_message ("%" G_GINT64_FORMAT ": %s", times[i].time_us, lines[i]);
      g_assert_nonnull (strstr (lines[i], member));
    }

  g_assert_true (dpx_log_import (back, file, NULL, &error));
  g_assert_no_error (error);
  assert_same_entries (log, back);

  /* Beyond what a gint64 of microseconds holds, and dates that do not
   * exist, are refused rather than wrapped or moved. */
  {
    const char *refused[] = {
      "+294247-01-10T04:00:54.775808Z", "-290308-12-21T19:59:05.224191Z",
      "2023-02-29T00:00:00Z", "1900-02-29T00:00:00.000000Z", "2026-13-01T00:00:00Z",
      "999-01-01T00:00:00.000000Z",
    };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autofree char *line = g_strdup_printf ("{\"time\":\"%s\",\"connection\":\"c\","
                                                 "\"direction\":\"sent\",\"kind\":\"text\","
                                                 "\"text\":\"t\"}", refused[i]);
        g_autoptr(DpxLogEntry) entry = NULL;

        g_clear_error (&error);
        entry = dpx_log_entry_new_from_json (line, &error);
        g_assert_null (entry);
        g_assert_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE);
        g_assert_nonnull (strstr (error->message, "is not an ISO 8601 time"));
      }
  }
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&back));
  g_assert_finalize_object (g_steal_pointer (&file));
}

/* An import of more than the log keeps, while live messages wait to be
 * published: the log ends full, with the file's newest entries, and
 * everything else counted as dropped. */
static void
test_log_import_fills_the_cap (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autofree char *path = temp_path ("many.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  ChangeCount count = { 0 };

  dpx_log_set_max_entries (log, 100);
  g_signal_connect (log, "items-changed", G_CALLBACK (count_changes), &count);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (5000 + i);
      dpx_log_append (log, entry);
    }
  write_lines_then (path, 249, "");

  g_assert_true (dpx_log_import (log, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 100);
  g_assert_cmpuint (count.added - count.removed, ==, 100);
  g_assert_cmpuint (dpx_log_get_dropped (log), ==, 10 + 249 - 100);
  first = entry_text (log, 0);
  last = entry_text (log, 99);
  g_assert_cmpstr (first, ==, "message 149");
  g_assert_cmpstr (last, ==, "message 248");
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
}

static void
test_log_export_errors (void)
{
  g_autoptr(DpxLog) log = varied_log ();
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent-dir/sub/log.jsonl");
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent-dir/none.jsonl");
  g_autoptr(GError) error = NULL;

  g_assert_false (dpx_log_export (log, file, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Could not export the log"));
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/sub/log.jsonl"));
  g_clear_error (&error);

  g_assert_false (dpx_log_import (log, missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "none.jsonl"));
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
  g_assert_finalize_object (g_steal_pointer (&missing));
}

/* Exporting over an existing file that cannot be completed leaves the old
 * file as it was: a full disk never truncates an earlier export. */
static void
test_log_export_full_disk_keeps_old_file (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  if (g_file_test ("/dev/full", G_FILE_TEST_EXISTS) == FALSE)
    {
      g_test_skip ("no /dev/full");
      return;
    }
  path = temp_path ("keep.jsonl");
  file = g_file_new_for_path (path);
  g_assert_true (g_file_set_contents (path, "old export\n", -1, NULL));
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(DpxLogEntry) entry = text_entry (i);
      dpx_log_append (log, entry);
    }
  /* A cancelled write stands in for ENOSPC: the failure path is the same. */
  g_cancellable_cancel (cancellable);
  g_assert_false (dpx_log_export (log, file, cancellable, &error));
  g_assert_nonnull (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old export\n");
  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&file));
  g_assert_finalize_object (g_steal_pointer (&cancellable));
}

static void
test_log_max_entries_notifies_once (void)
{
  g_autoptr(DpxLog) log = dpx_log_new ();

  dpx_test_assert_notify_number (log, "max-entries", 100, 200);
  g_assert_finalize_object (g_steal_pointer (&log));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log/coalesces-changes", test_log_coalesces_changes);
  g_test_add_func ("/log/take-and-put-back", test_log_take_and_put_back);
  g_test_add_func ("/log/publishes-on-its-own", test_log_publishes_on_its_own);
  g_test_add_func ("/log/cap-and-drop-counter", test_log_cap_and_drop_counter);
  g_test_add_func ("/log/flood-within-one-tick", test_log_flood_within_one_tick);
  g_test_add_func ("/log/round-trip", test_log_round_trip);
  g_test_add_func ("/log/round-trip-async", test_log_round_trip_async);
  g_test_add_func ("/log/damaged-import", test_log_damaged_import);
  g_test_add_func ("/log/refuses-what-export-never-writes",
                   test_log_refuses_what_export_never_writes);
  g_test_add_func ("/log/times-in-every-year", test_log_times_in_every_year);
  g_test_add_func ("/log/import-fills-the-cap", test_log_import_fills_the_cap);
  g_test_add_func ("/log/export-errors", test_log_export_errors);
  g_test_add_func ("/log/export-failure-keeps-old-file", test_log_export_full_disk_keeps_old_file);

  g_test_add_func ("/log/max-entries-notifies-once", test_log_max_entries_notifies_once);

  return g_test_run ();
}
