/* dpx-model-guard.c: a list model that stays consistent with its signals
 *
 * A GTK 4.8 list view reads the model inside items-changed and aborts when
 * the count it finds is not the one the signal implies. A source that
 * appends before it signals a removal at the front (as DpxLog's flush does
 * when the ring is full) shows it more items than it was told about. This
 * guard counts by the signals instead: it exposes the first N items of the
 * source, N following each items-changed, which is exact for any source
 * whose unsignalled items are at its end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ModelGuard"

#include "config.h"

#include "dpx-model-guard.h"
#include "dpx-stall-probe.h"

struct _DpxModelGuard
{
  GObject     parent_instance;

  /* owned */
  GListModel *model;

  guint       n_items;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxModelGuard, dpx_model_guard, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
dpx_model_guard_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (DPX_MODEL_GUARD (model)->model);
}

static guint
dpx_model_guard_get_n_items (GListModel *model)
{
  return DPX_MODEL_GUARD (model)->n_items;
}

static gpointer
dpx_model_guard_get_item (GListModel *model,
                          guint       position)
{
  DpxModelGuard *self = DPX_MODEL_GUARD (model);

  if (position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dpx_model_guard_get_item_type;
  iface->get_n_items = dpx_model_guard_get_n_items;
  iface->get_item = dpx_model_guard_get_item;
}

static void
on_items_changed (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  DpxModelGuard *self)
{
  g_return_if_fail (removed <= self->n_items);

  self->n_items = self->n_items - removed + added;
  /* Never claim more than the source has, whatever it signalled. */
  self->n_items = MIN (self->n_items, g_list_model_get_n_items (model));
  dpx_stall_probe_phase_begin (DPX_STALL_PROBE_MODEL);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  dpx_stall_probe_phase_end (DPX_STALL_PROBE_MODEL);
}

GListModel *
dpx_model_guard_get_model (DpxModelGuard *self)
{
  g_return_val_if_fail (DPX_IS_MODEL_GUARD (self), NULL);
  return self->model;
}

static void
dpx_model_guard_dispose (GObject *object)
{
  DpxModelGuard *self = DPX_MODEL_GUARD (object);

  if (self->model)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (dpx_model_guard_parent_class)->dispose (object);
}

static void
dpx_model_guard_class_init (DpxModelGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dpx_model_guard_dispose;
}

static void
dpx_model_guard_init (DpxModelGuard *self)
{
}

DpxModelGuard *
dpx_model_guard_new (GListModel *model)
{
  DpxModelGuard *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (DPX_TYPE_MODEL_GUARD, NULL);
  self->model = g_object_ref (model);
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  return self;
}
