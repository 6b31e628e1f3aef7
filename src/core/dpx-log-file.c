/* dpx-log-file.c: the log's JSON Lines files, written and read
 *
 * Writing is one line per entry, to a temporary file that replaces the
 * old one only when complete. Reading streams the file in blocks through a
 * line reader of bounded length into a ring of the newest entries, so a
 * file of any size costs what the log keeps, and returns nothing at all if
 * any line is damaged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Log"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-format.h"
#include "dpx-log.h"
#include "dpx-log-file-private.h"

gboolean
dpx_log_file_write (GPtrArray     *entries,
                    GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFileOutputStream) file_stream = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Replace writes a temporary file and renames it over the target only on
   * success, so a full disk never leaves a truncated export behind. */
  file_stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                cancellable, &local_error);
  if (file_stream == NULL)
    goto fail;
  out = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (file_stream), 64 * 1024);

  for (guint i = 0; i < entries->len; i++)
    {
      g_autofree char *line = dpx_log_entry_to_json (g_ptr_array_index (entries, i));

      if (!g_output_stream_write_all (out, line, strlen (line), NULL, cancellable, &local_error) ||
          !g_output_stream_write_all (out, "\n", 1, NULL, cancellable, &local_error))
        {
          g_autoptr(GCancellable) discard = g_cancellable_new ();

          /* Closing with a cancelled cancellable drops the temporary file. */
          g_cancellable_cancel (discard);
          g_output_stream_close (out, discard, NULL);
          goto fail;
        }
    }

  if (g_output_stream_close (out, cancellable, &local_error))
    return TRUE;

fail:
  {
    g_autofree char *name = g_file_get_parse_name (file);

    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                _("Could not export the log to “%s”: "), name);
    return FALSE;
  }
}

/* Import streams: the file is read in blocks, one line at a time, and only
 * the newest max-entries entries are kept in a ring (the log would drop the
 * older ones anyway). The log itself is touched once, at the end, so a
 * damaged line anywhere leaves it as it was: memory is bounded by the cap
 * and one line, never by the file, and the file is read only once. */

#define READ_BLOCK_SIZE (64 * 1024)

typedef enum {
  LINE_READ,
  LINE_END,
  LINE_TOO_LONG,
  LINE_FAILED,
} LineStatus;

typedef struct {
  GInputStream *in;
  guint8       *block;
  gsize         pos;
  gsize         len;
  GByteArray   *line;
} LineReader;

static void
line_reader_init (LineReader   *reader,
                  GInputStream *in)
{
  reader->in = in;
  reader->block = g_malloc (READ_BLOCK_SIZE);
  reader->pos = reader->len = 0;
  reader->line = g_byte_array_new ();
}

static void
line_reader_clear (LineReader *reader)
{
  g_clear_pointer (&reader->block, g_free);
  g_clear_pointer (&reader->line, g_byte_array_unref);
}

/* Reads up to the next "\n" (or the end) into reader->line, NUL-terminated,
 * without the newline. A line longer than DPX_LOG_MAX_LINE_LENGTH is given
 * up as soon as it passes the limit, before the rest of it is read. */
static LineStatus
line_reader_next (LineReader    *reader,
                  GCancellable  *cancellable,
                  GError       **error)
{
  /* A long line's buffer is not kept for the short ones after it. */
  if (reader->line->len > READ_BLOCK_SIZE)
    {
      g_byte_array_unref (reader->line);
      reader->line = g_byte_array_new ();
    }
  g_byte_array_set_size (reader->line, 0);

  for (;;)
    {
      const guint8 *start, *newline;
      gsize take;

      if (reader->pos == reader->len)
        {
          gssize n = g_input_stream_read (reader->in, reader->block, READ_BLOCK_SIZE,
                                          cancellable, error);

          if (n < 0)
            return LINE_FAILED;
          if (n == 0)
            {
              if (reader->line->len == 0)
                return LINE_END;
              break;
            }
          reader->pos = 0;
          reader->len = n;
        }

      start = reader->block + reader->pos;
      newline = memchr (start, '\n', reader->len - reader->pos);
      take = newline ? (gsize) (newline - start) : reader->len - reader->pos;
      if (reader->line->len + take > DPX_LOG_MAX_LINE_LENGTH)
        return LINE_TOO_LONG;
      g_byte_array_append (reader->line, start, take);
      reader->pos += take;
      if (newline)
        {
          reader->pos++;
          break;
        }
    }

  g_byte_array_append (reader->line, (const guint8 *) "", 1);
  g_byte_array_set_size (reader->line, reader->line->len - 1);
  return LINE_READ;
}

/* The newest @capacity entries, oldest first once read_entries() is done. */
typedef struct {
  GPtrArray *entries;
  guint      capacity;
  guint      oldest;      /* where the next entry goes once full */
  guint64    overflow;    /* entries pushed out: they count as dropped */
} ImportRing;

static void
import_ring_push (ImportRing  *ring,
                  DpxLogEntry *entry)
{
  if (ring->entries->len < ring->capacity)
    {
      g_ptr_array_add (ring->entries, entry);
      return;
    }
  g_object_unref (g_ptr_array_index (ring->entries, ring->oldest));
  ring->entries->pdata[ring->oldest] = entry;
  ring->oldest = (ring->oldest + 1) % ring->capacity;
  ring->overflow++;
}

static GPtrArray *
import_ring_steal_in_order (ImportRing *ring)
{
  GPtrArray *ordered = g_ptr_array_new_full (ring->entries->len, g_object_unref);
  guint n = ring->entries->len;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ordered, ring->entries->pdata[(ring->oldest + i) % n]);
  g_ptr_array_set_free_func (ring->entries, NULL);
  g_clear_pointer (&ring->entries, g_ptr_array_unref);
  return ordered;
}

/* Reads every entry of @file, keeping the newest @capacity of them.
 * Returns them oldest first, with *@overflow set to how many older ones
 * were left out, or %NULL with @error set if any line is damaged. */
GPtrArray *
dpx_log_file_read (GFile         *file,
                   guint          capacity,
                   guint64       *overflow,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFileInputStream) file_stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  ImportRing ring = { NULL, capacity, 0, 0 };
  LineReader reader;
  guint line_number = 0;
  GPtrArray *result = NULL;

  g_assert (capacity > 0);

  if (!(file_stream = g_file_read (file, cancellable, &local_error)))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not read “%s”: "), name);
      return NULL;
    }

  line_reader_init (&reader, G_INPUT_STREAM (file_stream));
  ring.entries = g_ptr_array_new_with_free_func (g_object_unref);

  for (;;)
    {
      LineStatus status = line_reader_next (&reader, cancellable, &local_error);
      char *line = (char *) reader.line->data;
      gsize length = reader.line->len;
      DpxLogEntry *entry;

      if (status == LINE_END)
        break;
      if (status == LINE_FAILED)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Could not read “%s”: "), name);
          goto out;
        }
      line_number++;
      if (status == LINE_TOO_LONG)
        {
          g_autofree char *limit = dpx_format_size (DPX_LOG_MAX_LINE_LENGTH);

          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("“%s”, line %u: the line is longer than %s, the most an import "
                         "reads; nothing was imported"), name, line_number, limit);
          goto out;
        }

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      if (length == 0)
        continue;

      if (memchr (line, '\0', length) != NULL)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("“%s”, line %u: the line contains a NUL byte"), name, line_number);
          goto out;
        }

      entry = dpx_log_entry_new_from_json (line, &local_error);
      if (entry == NULL)
        {
          g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                       _("“%s”, line %u: %s; nothing was imported"),
                       name, line_number, local_error->message);
          goto out;
        }
      import_ring_push (&ring, entry);
    }

  *overflow = ring.overflow;
  result = import_ring_steal_in_order (&ring);

out:
  line_reader_clear (&reader);
  g_clear_pointer (&ring.entries, g_ptr_array_unref);
  return result;
}
