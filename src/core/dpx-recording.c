/* dpx-recording.c: a saved log, read whole to be played again
 *
 * A recording is the log's own JSON Lines export (docs/log-format.md), read
 * with the import's strictness: one damaged line and nothing is loaded, the
 * error naming the file and the line. Replay and the mock server take its
 * messages; events and control frames only give the start time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Recording"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-error.h"
#include "dpx-log-file-private.h"
#include "dpx-recording.h"

struct _DpxRecording
{
  GObject    parent_instance;

  GPtrArray *entries;   /* DpxLogEntry, oldest first */
  char      *name;
};

G_DEFINE_FINAL_TYPE (DpxRecording, dpx_recording, G_TYPE_OBJECT)

static void
dpx_recording_finalize (GObject *object)
{
  DpxRecording *self = DPX_RECORDING (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_free (self->name);

  G_OBJECT_CLASS (dpx_recording_parent_class)->finalize (object);
}

static void
dpx_recording_class_init (DpxRecordingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_recording_finalize;
}

static void
dpx_recording_init (DpxRecording *self)
{
}

/**
 * dpx_recording_new:
 * @entries: (element-type DpxLogEntry): oldest first; referenced
 */
DpxRecording *
dpx_recording_new (GPtrArray *entries)
{
  DpxRecording *self;

  g_return_val_if_fail (entries != NULL, NULL);

  self = g_object_new (DPX_TYPE_RECORDING, NULL);
  self->entries = g_ptr_array_ref (entries);
  return self;
}

/**
 * dpx_recording_load:
 *
 * Reads @file whole. A damaged line, or more than DPX_RECORDING_MAX_ENTRIES
 * entries, and nothing is loaded.
 */
DpxRecording *
dpx_recording_load (GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  DpxRecording *self;
  guint64 overflow = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  entries = dpx_log_file_read (file, DPX_RECORDING_MAX_ENTRIES, &overflow, cancellable, error);
  if (entries == NULL)
    return NULL;
  if (overflow > 0)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, DPX_ERROR, DPX_ERROR_INVALID_FILE,
                   _("“%s” holds more than %u entries, the most a recording may hold"),
                   name, DPX_RECORDING_MAX_ENTRIES);
      return NULL;
    }
  self = dpx_recording_new (entries);
  self->name = g_file_get_parse_name (file);
  return self;
}

guint
dpx_recording_get_n_entries (DpxRecording *self)
{
  g_return_val_if_fail (DPX_IS_RECORDING (self), 0);
  return self->entries->len;
}

/* Returns: (transfer none) */
DpxLogEntry *
dpx_recording_get_entry (DpxRecording *self,
                         guint         index)
{
  g_return_val_if_fail (DPX_IS_RECORDING (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);
  return g_ptr_array_index (self->entries, index);
}

/* The file's name for messages, or NULL when it was not loaded from one. */
const char *
dpx_recording_get_name (DpxRecording *self)
{
  g_return_val_if_fail (DPX_IS_RECORDING (self), NULL);
  return self->name;
}

static gboolean
is_message (DpxLogEntry *entry)
{
  DpxEntryKind kind = dpx_log_entry_get_kind (entry);

  return kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY;
}

/**
 * dpx_recording_get_start:
 *
 * When the recorded conversation began: its first "open" event, else its
 * first message; times in a replay count from here. 0 for an empty one.
 */
gint64
dpx_recording_get_start (DpxRecording *self)
{
  g_return_val_if_fail (DPX_IS_RECORDING (self), 0);

  for (guint i = 0; i < self->entries->len; i++)
    {
      DpxLogEntry *entry = g_ptr_array_index (self->entries, i);

      if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_OPEN || is_message (entry))
        return dpx_log_entry_get_time (entry);
    }
  return 0;
}

/**
 * dpx_recording_dup_messages:
 * @direction: %DPX_DIRECTION_SENT or %DPX_DIRECTION_RECEIVED
 *
 * Returns: (transfer container) (element-type DpxLogEntry): the text and
 * binary messages in @direction, in order
 */
GPtrArray *
dpx_recording_dup_messages (DpxRecording *self,
                            DpxDirection  direction)
{
  GPtrArray *messages;

  g_return_val_if_fail (DPX_IS_RECORDING (self), NULL);

  messages = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->entries->len; i++)
    {
      DpxLogEntry *entry = g_ptr_array_index (self->entries, i);

      if (is_message (entry) && dpx_log_entry_get_direction (entry) == direction)
        g_ptr_array_add (messages, g_object_ref (entry));
    }
  return messages;
}
