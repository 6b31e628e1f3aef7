/* dpx-paced-model.c: the log as the list view sees it, at a pace it can keep
 *
 * A list model that mirrors a source whose changes are removals at the
 * front and additions at the end (DpxLog: the ring trimmed, new messages
 * appended), and passes them on at most once per interval. A change after a
 * quiet spell goes out at once; during a flood the view gets one removal and
 * one addition per interval, however often the source changed.
 *
 * GTK 4.8's list view keeps about 200 rows bound around the end it follows,
 * and each change that reaches it rebinds, measures and lays out all of
 * them: that, not the number of new messages, is what a change costs.
 *
 * The model holds its own references to what it shows, so it always matches
 * what its signals said, whatever the source did since. Frozen, it keeps
 * showing the same items (the view's pause) while it keeps counting what
 * the source did.
 *
 * A source change of another shape (in the middle, or a removal with an
 * addition at the front) is passed on as a reset of the whole model.
 *
 * With a maximum step (dpx_paced_model_set_max_step()), changes go out in
 * chunks of at most that many items, wherever they are, and a publication
 * ends after the chunk that takes it past STEP_BUDGET_US; the rest goes out
 * in the next ones. For views whose rows are costly to make or to tear down
 * (the server panel's clients, a class joining or leaving at once).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-PacedModel"

#include "config.h"

#include "dpx-paced-model.h"
#include "dpx-probe.h"

#define RELEASE_CHUNK 1000

/* How long a publication with a maximum step may go on adding chunks. */
#define STEP_BUDGET_US 8000

struct _DpxPacedModel
{
  GObject     parent_instance;

  /* owned */
  GListModel *source;
  GPtrArray  *items;          /* what the model shows, from items->pdata[start] */
  GPtrArray  *released;       /* dropped from the front, to unref in chunks */

  guint       start;
  guint       interval_ms;
  guint       max_step;       /* items added or removed per change; 0: no limit */
  guint       publish_source;
  guint       release_source;
  guint       front_removed;  /* removed at the front of the source since the last publication */
  guint       n_publications;
  gint64      last_publication;
  gboolean    dirty;          /* the source changed since the last publication */
  gboolean    reset;          /* ...in a way only a reset describes */
  gboolean    frozen;
};

enum {
  PROP_0,
  PROP_FROZEN,
  PROP_PENDING,
  PROP_N_PUBLICATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxPacedModel, dpx_paced_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_shown (DpxPacedModel *self)
{
  return self->items->len - self->start;
}

static GType
dpx_paced_model_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (DPX_PACED_MODEL (model)->source);
}

static guint
dpx_paced_model_get_n_items (GListModel *model)
{
  return n_shown (DPX_PACED_MODEL (model));
}

static gpointer
dpx_paced_model_get_item (GListModel *model,
                          guint       position)
{
  DpxPacedModel *self = DPX_PACED_MODEL (model);

  if (position >= n_shown (self))
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, self->start + position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dpx_paced_model_get_item_type;
  iface->get_n_items = dpx_paced_model_get_n_items;
  iface->get_item = dpx_paced_model_get_item;
}

static void
unref_item (gpointer item)
{
  if (item)
    g_object_unref (item);
}

/* Most items dropped from the front are the last reference to their log
 * entry: freeing thousands at once would stall the publication. */
static gboolean
release_cb (gpointer data)
{
  DpxPacedModel *self = data;
  guint n = MIN (self->released->len, RELEASE_CHUNK);

  g_ptr_array_remove_range (self->released, self->released->len - n, n);
  if (self->released->len > 0)
    return G_SOURCE_CONTINUE;
  self->release_source = 0;
  return G_SOURCE_REMOVE;
}

static void
drop_front (DpxPacedModel *self,
            guint          count)
{
  for (guint i = 0; i < count; i++)
    {
      gpointer *slot = &g_ptr_array_index (self->items, self->start + i);

      g_ptr_array_add (self->released, g_steal_pointer (slot));
    }
  if (self->released->len > 0 && self->release_source == 0)
    {
      self->release_source = g_idle_add_full (G_PRIORITY_LOW, release_cb, self, NULL);
      g_source_set_name_by_id (self->release_source, "[duplex] paced model release");
    }
  self->start += count;
  /* Keep the dead slots at the front fewer than the live ones. */
  if (self->start > 1024 && self->start > n_shown (self))
    {
      g_ptr_array_remove_range (self->items, 0, self->start);
      self->start = 0;
    }
}

static void
take_from_source (DpxPacedModel *self,
                  guint          from,
                  guint          to)
{
  for (guint i = from; i < to; i++)
    g_ptr_array_add (self->items, g_list_model_get_item (self->source, i));
}

static void schedule (DpxPacedModel *self);

/* Removes what left the source, in runs of at most max_step items, the last
 * run first so earlier positions stay valid. Returns FALSE when the
 * publication's time ran out before it was done. */
static gboolean
remove_gone (DpxPacedModel *self,
             gint64         started)
{
  g_autoptr(GHashTable) in_source = g_hash_table_new (NULL, NULL);
  guint n_source = g_list_model_get_n_items (self->source);
  guint end = n_shown (self);

  for (guint i = 0; i < n_source; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->source, i);

      g_hash_table_add (in_source, item);
    }

  for (;;)
    {
      guint run_end, run_start;

      while (end > 0 && g_hash_table_contains (in_source, g_ptr_array_index (self->items, self->start + end - 1)))
        end--;
      if (end == 0)
        return TRUE;
      run_end = end;
      while (end > 0 && run_end - end < self->max_step &&
             !g_hash_table_contains (in_source, g_ptr_array_index (self->items, self->start + end - 1)))
        end--;
      run_start = end;
      g_ptr_array_remove_range (self->items, self->start + run_start, run_end - run_start);
      g_list_model_items_changed (G_LIST_MODEL (self), run_start, run_end - run_start, 0);
      if (g_get_monotonic_time () - started >= STEP_BUDGET_US)
        return FALSE;
    }
}

/* Whether what is shown is the start of the source, in its order. */
static gboolean
shown_starts_source (DpxPacedModel *self)
{
  guint shown = n_shown (self);

  if (g_list_model_get_n_items (self->source) < shown)
    return FALSE;
  for (guint i = 0; i < shown; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->source, i);

      if (item != g_ptr_array_index (self->items, self->start + i))
        return FALSE;
    }
  return TRUE;
}

/* Moves toward the source in chunks of at most max_step items, as many
 * chunks as fit in STEP_BUDGET_US (at least one): removals first, then
 * additions at the end. A list view keeps only the rows around what it
 * shows bound (about 200 in GTK 4.8), so changes further out cost it little
 * and a long list is not held back; rows in sight cost it about a
 * millisecond each, so a chunk of them ends the publication. The source is
 * taken to keep the order of what it kept and to add at its end; anything
 * else is passed on as a reset. With @appended_only (the source only grew
 * at its end since the last publication) the removals and the order check
 * are skipped. Returns whether the model now matches the source. */
static gboolean
publish_step (DpxPacedModel *self,
              gboolean       appended_only)
{
  gint64 started = g_get_monotonic_time ();
  guint n_source = g_list_model_get_n_items (self->source);
  guint kept;

  if (!appended_only)
    {
      if (!remove_gone (self, started))
        return FALSE;
      if (!shown_starts_source (self))
        {
          guint shown = n_shown (self);

          drop_front (self, shown);
          take_from_source (self, 0, n_source);
          g_list_model_items_changed (G_LIST_MODEL (self), 0, shown, n_source);
          return TRUE;
        }
    }

  kept = n_shown (self);
  while (kept < n_source)
    {
      guint added = MIN (n_source - kept, self->max_step);

      take_from_source (self, kept, kept + added);
      g_list_model_items_changed (G_LIST_MODEL (self), kept, 0, added);
      kept += added;
      if (kept < n_source && g_get_monotonic_time () - started >= STEP_BUDGET_US)
        return FALSE;
    }
  return TRUE;
}

/**
 * dpx_paced_model_publish:
 *
 * Passes on what the source did since the last publication, now, even when
 * frozen.
 */
void
dpx_paced_model_publish (DpxPacedModel *self)
{
  guint shown, removed, kept, n_source;

  g_return_if_fail (DPX_IS_PACED_MODEL (self));

  g_clear_handle_id (&self->publish_source, g_source_remove);
  if (!self->dirty)
    return;

  shown = n_shown (self);
  n_source = g_list_model_get_n_items (self->source);
  removed = MIN (self->front_removed, shown);
  kept = shown - removed;
  self->dirty = FALSE;
  self->front_removed = 0;
  self->last_publication = g_get_monotonic_time ();
  self->n_publications++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PUBLICATIONS]);

  dpx_probe_phase_begin (DPX_PROBE_PHASE_MODEL);
  if (self->max_step > 0)
    {
      gboolean appended_only = !self->reset && removed == 0 && n_source >= kept;

      self->reset = FALSE;
      if (!publish_step (self, appended_only))
        {
          /* The rest in the next publication, an interval from now. */
          self->dirty = TRUE;
          self->reset = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
          schedule (self);
        }
    }
  else if (self->reset || n_source < kept)
    {
      self->reset = FALSE;
      drop_front (self, shown);
      take_from_source (self, 0, n_source);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, shown, n_source);
    }
  else
    {
      /* What is left of the shown items is the start of the source; the
       * rest of the source is new. */
      drop_front (self, removed);
      if (removed > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      take_from_source (self, kept, n_source);
      if (n_source > kept)
        g_list_model_items_changed (G_LIST_MODEL (self), kept, 0, n_source - kept);
    }
  dpx_probe_phase_end (DPX_PROBE_PHASE_MODEL);
}

static gboolean
publish_cb (gpointer data)
{
  DpxPacedModel *self = data;

  self->publish_source = 0;
  dpx_paced_model_publish (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (DpxPacedModel *self)
{
  gint64 due, now;

  if (self->frozen || !self->dirty || self->publish_source != 0)
    return;

  /* After the source's signal has returned, and no sooner than one
   * interval after the last publication. */
  now = g_get_monotonic_time ();
  due = self->last_publication + self->interval_ms * (gint64) 1000;
  self->publish_source = g_timeout_add (due > now ? (guint) ((due - now + 999) / 1000) : 0,
                                        publish_cb, self);
  g_source_set_name_by_id (self->publish_source, "[duplex] paced model");
}

static void
on_source_items_changed (GListModel    *source,
                         guint          position,
                         guint          removed,
                         guint          added,
                         DpxPacedModel *self)
{
  guint n_before = g_list_model_get_n_items (source) - added + removed;

  if (removed == 0 && added == 0)
    return;

  if (position == 0 && added == 0)
    self->front_removed += removed;
  else if (!(removed == 0 && position == n_before))
    self->reset = TRUE;
  if (!self->dirty)
    {
      self->dirty = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  schedule (self);
}

GListModel *
dpx_paced_model_get_source (DpxPacedModel *self)
{
  g_return_val_if_fail (DPX_IS_PACED_MODEL (self), NULL);
  return self->source;
}

guint
dpx_paced_model_get_interval (DpxPacedModel *self)
{
  g_return_val_if_fail (DPX_IS_PACED_MODEL (self), 0);
  return self->interval_ms;
}

void
dpx_paced_model_set_interval (DpxPacedModel *self,
                              guint          interval_ms)
{
  g_return_if_fail (DPX_IS_PACED_MODEL (self));
  self->interval_ms = interval_ms;
}

/* At most @max_step items added or removed by one change, and more changes
 * in a publication only while it is quick; 0: no limit. */
void
dpx_paced_model_set_max_step (DpxPacedModel *self,
                              guint          max_step)
{
  g_return_if_fail (DPX_IS_PACED_MODEL (self));
  self->max_step = max_step;
}

gboolean
dpx_paced_model_get_frozen (DpxPacedModel *self)
{
  g_return_val_if_fail (DPX_IS_PACED_MODEL (self), FALSE);
  return self->frozen;
}

/* Frozen, the model keeps what it shows until thawed or published. */
void
dpx_paced_model_set_frozen (DpxPacedModel *self,
                            gboolean       frozen)
{
  g_return_if_fail (DPX_IS_PACED_MODEL (self));

  frozen = !!frozen;
  if (self->frozen == frozen)
    return;
  self->frozen = frozen;
  if (frozen)
    g_clear_handle_id (&self->publish_source, g_source_remove);
  else
    dpx_paced_model_publish (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROZEN]);
}

/* Whether the source changed since the last publication. */
gboolean
dpx_paced_model_get_pending (DpxPacedModel *self)
{
  g_return_val_if_fail (DPX_IS_PACED_MODEL (self), FALSE);
  return self->dirty;
}

guint
dpx_paced_model_get_n_publications (DpxPacedModel *self)
{
  g_return_val_if_fail (DPX_IS_PACED_MODEL (self), 0);
  return self->n_publications;
}

static void
dpx_paced_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DpxPacedModel *self = DPX_PACED_MODEL (object);

  switch (prop_id)
    {
    case PROP_FROZEN:
      g_value_set_boolean (value, self->frozen);
      break;
    case PROP_PENDING:
      g_value_set_boolean (value, self->dirty);
      break;
    case PROP_N_PUBLICATIONS:
      g_value_set_uint (value, self->n_publications);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_paced_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DpxPacedModel *self = DPX_PACED_MODEL (object);

  switch (prop_id)
    {
    case PROP_FROZEN:
      dpx_paced_model_set_frozen (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_paced_model_dispose (GObject *object)
{
  DpxPacedModel *self = DPX_PACED_MODEL (object);

  g_clear_handle_id (&self->publish_source, g_source_remove);
  g_clear_handle_id (&self->release_source, g_source_remove);
  if (self->source)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (dpx_paced_model_parent_class)->dispose (object);
}

static void
dpx_paced_model_finalize (GObject *object)
{
  DpxPacedModel *self = DPX_PACED_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->released, g_ptr_array_unref);

  G_OBJECT_CLASS (dpx_paced_model_parent_class)->finalize (object);
}

static void
dpx_paced_model_class_init (DpxPacedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_paced_model_dispose;
  object_class->finalize = dpx_paced_model_finalize;
  object_class->get_property = dpx_paced_model_get_property;
  object_class->set_property = dpx_paced_model_set_property;

  properties[PROP_FROZEN] =
    g_param_spec_boolean ("frozen", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The source changed since the last publication. */
  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* How many batches were published: at most one per interval. */
  properties[PROP_N_PUBLICATIONS] =
    g_param_spec_uint ("n-publications", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_paced_model_init (DpxPacedModel *self)
{
  /* The slots before start are NULL. */
  self->items = g_ptr_array_new_with_free_func (unref_item);
  self->released = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * dpx_paced_model_new:
 * @source: a list model changed only at its ends
 * @interval_ms: the shortest time between two publications
 */
DpxPacedModel *
dpx_paced_model_new (GListModel *source,
                     guint       interval_ms)
{
  DpxPacedModel *self;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);

  self = g_object_new (DPX_TYPE_PACED_MODEL, NULL);
  self->source = g_object_ref (source);
  self->interval_ms = interval_ms;
  n = g_list_model_get_n_items (source);
  take_from_source (self, 0, n);
  g_signal_connect (source, "items-changed", G_CALLBACK (on_source_items_changed), self);
  return self;
}
