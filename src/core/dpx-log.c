/* dpx-log.c: the bounded, batched message log model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Log"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dpx-log.h"
#include "dpx-log-file-private.h"

/* Appends are staged and published together, at most this often, so a flood
 * of messages costs a list view two items-changed per tick instead of one per
 * message (GTK 4.8 slows down with every separate change). */
#define FLUSH_INTERVAL_MS 33

struct _DpxLog
{
  GObject       parent_instance;

  /* owned */
  DpxLogEntry **ring;       /* published entries, oldest at ring[head] */
  GPtrArray    *pending;    /* appended, not yet published */

  guint         capacity;
  guint         head;
  guint         n_items;
  guint64       dropped;
  guint         flush_source;
};

enum {
  PROP_0,
  PROP_MAX_ENTRIES,
  PROP_DROPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxLog, dpx_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))


static inline DpxLogEntry **
slot (DpxLog *self,
      guint   position)
{
  return &self->ring[(self->head + position) % self->capacity];
}

static GType
dpx_log_get_item_type (GListModel *model)
{
  return DPX_TYPE_LOG_ENTRY;
}

static guint
dpx_log_get_n_items (GListModel *model)
{
  return DPX_LOG (model)->n_items;
}

static gpointer
dpx_log_get_item (GListModel *model,
                  guint       position)
{
  DpxLog *self = DPX_LOG (model);

  if (position >= self->n_items)
    return NULL;
  return g_object_ref (*slot (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dpx_log_get_item_type;
  iface->get_n_items = dpx_log_get_n_items;
  iface->get_item = dpx_log_get_item;
}

static void
add_dropped (DpxLog  *self,
             guint64  count)
{
  if (count == 0)
    return;
  self->dropped += count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
}

/* Forgets the @count oldest published entries without signalling. */
static void
unpublish_front (DpxLog *self,
                 guint   count)
{
  for (guint i = 0; i < count; i++)
    g_clear_object (slot (self, i));
  self->head = (self->head + count) % self->capacity;
  self->n_items -= count;
}

void
dpx_log_flush (DpxLog *self)
{
  g_autofree gpointer *staged = NULL;
  guint old_n, removed = 0, added;

  g_return_if_fail (DPX_IS_LOG (self));

  g_clear_handle_id (&self->flush_source, g_source_remove);

  added = self->pending->len;
  if (added == 0)
    return;

  g_assert (added <= self->capacity);
  old_n = self->n_items;
  if (old_n + added > self->capacity)
    removed = old_n + added - self->capacity;

  /* Announce each change as it is made: a view reads the model from inside
   * the signal, so it must never see one change announced as another. */
  staged = g_ptr_array_steal (self->pending, NULL);
  unpublish_front (self, removed);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  for (guint i = 0; i < added; i++)
    *slot (self, self->n_items++) = staged[i];
  g_list_model_items_changed (G_LIST_MODEL (self), old_n - removed, 0, added);
  add_dropped (self, removed);
}

static gboolean
flush_cb (gpointer data)
{
  DpxLog *self = data;

  self->flush_source = 0;
  dpx_log_flush (self);
  return G_SOURCE_REMOVE;
}

/**
 * dpx_log_append:
 * @entry: (transfer none): the entry
 *
 * Adds @entry at the end. It shows up in the model at the next flush, at most
 * a few tens of milliseconds later, or at once after dpx_log_flush().
 */
void
dpx_log_append (DpxLog      *self,
                DpxLogEntry *entry)
{
  g_return_if_fail (DPX_IS_LOG (self));
  g_return_if_fail (DPX_IS_LOG_ENTRY (entry));

  /* More than a whole log's worth arrived within one tick: the oldest
   * staged ones could never be shown, so drop them in a chunk now. */
  if (self->pending->len >= self->capacity)
    {
      guint chunk = MAX (1, self->capacity / 8);

      g_ptr_array_remove_range (self->pending, 0, chunk);
      add_dropped (self, chunk);
    }

  g_ptr_array_add (self->pending, g_object_ref (entry));

  if (self->flush_source == 0)
    {
      self->flush_source = g_timeout_add (FLUSH_INTERVAL_MS, flush_cb, self);
      g_source_set_name_by_id (self->flush_source, "[duplex] log flush");
    }
}

void
dpx_log_clear (DpxLog *self)
{
  guint old_n;

  g_return_if_fail (DPX_IS_LOG (self));

  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_ptr_array_set_size (self->pending, 0);

  old_n = self->n_items;
  unpublish_front (self, old_n);
  self->head = 0;
  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);

  if (self->dropped != 0)
    {
      self->dropped = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
    }
}

/**
 * dpx_log_take_all:
 * @dropped: (out) (optional): how many older entries had been dropped
 *
 * Clears the log as dpx_log_clear() does, and gives back what it held, so
 * that a clear can be undone with dpx_log_put_back().
 *
 * Returns: (transfer full) (element-type DpxLogEntry): the entries, oldest first
 */
GPtrArray *
dpx_log_take_all (DpxLog  *self,
                  guint64 *dropped)
{
  GPtrArray *entries;

  g_return_val_if_fail (DPX_IS_LOG (self), NULL);

  dpx_log_flush (self);
  entries = g_ptr_array_new_full (self->n_items, g_object_unref);
  for (guint i = 0; i < self->n_items; i++)
    g_ptr_array_add (entries, g_object_ref (*slot (self, i)));
  if (dropped)
    *dropped = self->dropped;
  dpx_log_clear (self);
  return entries;
}

/**
 * dpx_log_put_back:
 * @entries: (element-type DpxLogEntry): what dpx_log_take_all() gave
 * @dropped: the count it gave with them
 *
 * Puts @entries back before the entries added since they were taken. What
 * no longer fits in the log is dropped from the oldest, and counted.
 */
void
dpx_log_put_back (DpxLog    *self,
                  GPtrArray *entries,
                  guint64    dropped)
{
  DpxLogEntry **ring;
  guint kept, skipped;

  g_return_if_fail (DPX_IS_LOG (self));
  g_return_if_fail (entries != NULL);

  dpx_log_flush (self);
  kept = MIN (entries->len, self->capacity - self->n_items);
  skipped = entries->len - kept;

  ring = g_new0 (DpxLogEntry *, self->capacity);
  for (guint i = 0; i < kept; i++)
    ring[i] = g_object_ref (entries->pdata[skipped + i]);
  for (guint i = 0; i < self->n_items; i++)
    ring[kept + i] = *slot (self, i);
  g_free (self->ring);
  self->ring = ring;
  self->head = 0;
  self->n_items += kept;

  if (kept > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, kept);
  add_dropped (self, dropped + skipped);
}

guint
dpx_log_get_max_entries (DpxLog *self)
{
  g_return_val_if_fail (DPX_IS_LOG (self), 0);
  return self->capacity;
}

void
dpx_log_set_max_entries (DpxLog *self,
                         guint   max_entries)
{
  DpxLogEntry **ring;
  guint keep, removed;

  g_return_if_fail (DPX_IS_LOG (self));
  g_return_if_fail (max_entries > 0);

  if (max_entries == self->capacity)
    return;

  dpx_log_flush (self);

  keep = MIN (self->n_items, max_entries);
  removed = self->n_items - keep;
  unpublish_front (self, removed);

  ring = g_new0 (DpxLogEntry *, max_entries);
  for (guint i = 0; i < keep; i++)
    ring[i] = *slot (self, i);
  g_free (self->ring);
  self->ring = ring;
  self->head = 0;
  self->capacity = max_entries;

  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  add_dropped (self, removed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ENTRIES]);
}

guint64
dpx_log_get_dropped (DpxLog *self)
{
  g_return_val_if_fail (DPX_IS_LOG (self), 0);
  return self->dropped;
}

static void
dpx_log_finalize (GObject *object)
{
  DpxLog *self = DPX_LOG (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  unpublish_front (self, self->n_items);
  g_clear_pointer (&self->ring, g_free);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (dpx_log_parent_class)->finalize (object);
}

static void
dpx_log_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  DpxLog *self = DPX_LOG (object);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      g_value_set_uint (value, self->capacity);
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_log_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  DpxLog *self = DPX_LOG (object);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      dpx_log_set_max_entries (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_log_class_init (DpxLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dpx_log_finalize;
  object_class->get_property = dpx_log_get_property;
  object_class->set_property = dpx_log_set_property;

  properties[PROP_MAX_ENTRIES] =
    g_param_spec_uint ("max-entries", NULL, NULL,
                       1, G_MAXUINT, DPX_LOG_DEFAULT_MAX_ENTRIES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_log_init (DpxLog *self)
{
  self->capacity = DPX_LOG_DEFAULT_MAX_ENTRIES;
  self->ring = g_new0 (DpxLogEntry *, self->capacity);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
}

DpxLog *
dpx_log_new (void)
{
  return g_object_new (DPX_TYPE_LOG, NULL);
}

/* Export and import ------------------------------------------------------ */

static GPtrArray *
snapshot (DpxLog *self)
{
  GPtrArray *entries;

  dpx_log_flush (self);
  entries = g_ptr_array_new_full (self->n_items, g_object_unref);
  for (guint i = 0; i < self->n_items; i++)
    g_ptr_array_add (entries, g_object_ref (*slot (self, i)));
  return entries;
}

gboolean
dpx_log_export (DpxLog        *self,
                GFile         *file,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (DPX_IS_LOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  entries = snapshot (self);
  return dpx_log_file_write (entries, file, cancellable, error);
}

/* What was left out of the import's ring counts as dropped, as if every
 * entry of the file had been appended. What is staged is published first,
 * so a full log's worth of imported entries never trips the chunked drop
 * of dpx_log_append() and the log ends exactly full. */
static void
append_all (DpxLog    *self,
            GPtrArray *entries,
            guint64    overflow)
{
  dpx_log_flush (self);
  for (guint i = 0; i < entries->len; i++)
    dpx_log_append (self, g_ptr_array_index (entries, i));
  add_dropped (self, overflow);
  dpx_log_flush (self);
}

/**
 * dpx_log_import:
 *
 * Appends every entry of a JSON Lines file written by dpx_log_export(). The
 * whole file is checked first: on any error nothing is appended. The file
 * is read as a stream; of its entries only the newest #DpxLog:max-entries
 * are held (the older ones count as dropped), so memory does not grow with
 * the file. A line longer than %DPX_LOG_MAX_LINE_LENGTH is refused unread.
 */
gboolean
dpx_log_import (DpxLog        *self,
                GFile         *file,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint64 overflow = 0;

  g_return_val_if_fail (DPX_IS_LOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!(entries = dpx_log_file_read (file, self->capacity, &overflow, cancellable, error)))
    return FALSE;
  append_all (self, entries, overflow);
  return TRUE;
}

typedef struct {
  GFile     *file;
  GPtrArray *entries;
  guint      capacity;   /* import: the log's max-entries when it started */
  guint64    overflow;   /* import: entries left out of the ring */
} FileJob;

static void
file_job_free (FileJob *job)
{
  g_clear_object (&job->file);
  g_clear_pointer (&job->entries, g_ptr_array_unref);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FileJob *job = task_data;
  GError *error = NULL;

  if (dpx_log_file_write (job->entries, job->file, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The snapshot is taken now, on the caller's thread; entries are immutable,
 * so the worker thread can serialise them while the log keeps growing. */
void
dpx_log_export_async (DpxLog              *self,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileJob *job;

  g_return_if_fail (DPX_IS_LOG (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (FileJob, 1);
  job->file = g_object_ref (file);
  job->entries = snapshot (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dpx_log_export_async);
  g_task_set_task_data (task, job, (GDestroyNotify) file_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
dpx_log_export_finish (DpxLog        *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FileJob *job = task_data;
  GError *error = NULL;

  job->entries = dpx_log_file_read (job->file, job->capacity, &job->overflow, cancellable, &error);
  if (job->entries)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dpx_log_import_async (DpxLog              *self,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileJob *job;

  g_return_if_fail (DPX_IS_LOG (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (FileJob, 1);
  job->file = g_object_ref (file);
  job->capacity = self->capacity;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dpx_log_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify) file_job_free);
  g_task_run_in_thread (task, import_thread);
}

/* The parsed entries join the log here, on the log's own thread. */
gboolean
dpx_log_import_finish (DpxLog        *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  FileJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  append_all (self, job->entries, job->overflow);
  return TRUE;
}
