/* dpx-text-lines.c: a long text or a payload's hex dump as a list of rows
 *
 * Show All hands a list view the whole of a large message: the view builds
 * rows only for what is on screen, so megabytes show at once, where a
 * text view takes in and lays out every line first. A text is split at its
 * line ends and into pieces of at most max_line bytes; a binary payload's
 * dump is made row by row as the view asks for it, never all at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-DetailPane"

#include "config.h"

#include <string.h>

#include "dpx-format.h"
#include "dpx-text-lines.h"

#define DUMP_ROW 16

struct _DpxTextLines
{
  GObject  parent_instance;

  /* a text, with where each row starts (and one past the end) */
  char    *text;
  GArray  *starts;

  /* or a payload to dump */
  GBytes  *payload;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxTextLines, dpx_text_lines, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return GTK_TYPE_STRING_OBJECT;
}

static guint
get_n_items (GListModel *model)
{
  DpxTextLines *self = DPX_TEXT_LINES (model);

  if (self->payload)
    return (g_bytes_get_size (self->payload) + DUMP_ROW - 1) / DUMP_ROW;
  return self->starts->len - 1;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DpxTextLines *self = DPX_TEXT_LINES (model);
  g_autofree char *row = NULL;

  if (position >= get_n_items (model))
    return NULL;

  if (self->payload)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->payload, &size);
      gsize offset = (gsize) position * DUMP_ROW;

      row = dpx_format_hex_dump_row (data + offset, MIN (DUMP_ROW, size - offset), offset);
    }
  else
    {
      gsize start = g_array_index (self->starts, gsize, position);
      gsize end = g_array_index (self->starts, gsize, position + 1);

      /* The row's own line end is not part of it. */
      if (end > start && self->text[end - 1] == '\n')
        end--;
      row = g_strndup (self->text + start, end - start);
    }
  return gtk_string_object_new (row);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
dpx_text_lines_finalize (GObject *object)
{
  DpxTextLines *self = DPX_TEXT_LINES (object);

  g_free (self->text);
  g_clear_pointer (&self->starts, g_array_unref);
  g_clear_pointer (&self->payload, g_bytes_unref);

  G_OBJECT_CLASS (dpx_text_lines_parent_class)->finalize (object);
}

static void
dpx_text_lines_class_init (DpxTextLinesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_text_lines_finalize;
}

static void
dpx_text_lines_init (DpxTextLines *self)
{
}

/**
 * dpx_text_lines_new_for_text:
 * @text: (transfer full): valid UTF-8
 * @max_line: the longest row, in bytes (at least 8)
 *
 * Rows for @text: one per line, and a longer line in pieces of at most
 * @max_line bytes, cut between two characters. Takes time in proportion to
 * @text's length: call it in a thread for megabytes.
 */
DpxTextLines *
dpx_text_lines_new_for_text (char  *text,
                             gsize  max_line)
{
  DpxTextLines *self;
  gsize length, pos = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (max_line >= 8, NULL);

  self = g_object_new (DPX_TYPE_TEXT_LINES, NULL);
  self->text = text;
  self->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  length = strlen (text);

  while (pos < length)
    {
      const char *line = text + pos;
      const char *newline = memchr (line, '\n', MIN (length - pos, max_line + 1));
      gsize end;

      g_array_append_val (self->starts, pos);
      if (newline != NULL)
        end = newline - text + 1;
      else if (length - pos <= max_line)
        end = length;
      else
        {
          end = pos + max_line;
          /* Between two characters, never inside one. */
          while (end > pos + 1 && (text[end] & 0xc0) == 0x80)
            end--;
        }
      pos = end;
    }
  g_array_append_val (self->starts, length);
  return self;
}

/**
 * dpx_text_lines_new_for_dump:
 *
 * Rows of the hex dump of @payload (as dpx_format_hex_dump() writes it),
 * each made when it is asked for.
 */
DpxTextLines *
dpx_text_lines_new_for_dump (GBytes *payload)
{
  DpxTextLines *self;

  g_return_val_if_fail (payload != NULL, NULL);

  self = g_object_new (DPX_TYPE_TEXT_LINES, NULL);
  self->payload = g_bytes_ref (payload);
  return self;
}

/**
 * dpx_text_lines_dup_text:
 *
 * Every row, each followed by a line end. For a dump that is about five
 * times the payload: for tests and small payloads.
 */
char *
dpx_text_lines_dup_text (DpxTextLines *self)
{
  GString *out;
  guint n;

  g_return_val_if_fail (DPX_IS_TEXT_LINES (self), NULL);

  n = get_n_items (G_LIST_MODEL (self));
  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) row = get_item (G_LIST_MODEL (self), i);

      g_string_append (out, gtk_string_object_get_string (row));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
