/* dpx-paced-model.h: the log as the list view sees it, at a pace it can keep
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_PACED_MODEL (dpx_paced_model_get_type ())

G_DECLARE_FINAL_TYPE (DpxPacedModel, dpx_paced_model, DPX, PACED_MODEL, GObject)

DpxPacedModel *dpx_paced_model_new          (GListModel    *source,
                                             guint          interval_ms);
GListModel    *dpx_paced_model_get_source   (DpxPacedModel *self);
guint          dpx_paced_model_get_interval (DpxPacedModel *self);
void           dpx_paced_model_set_interval (DpxPacedModel *self,
                                             guint          interval_ms);
void           dpx_paced_model_set_max_step (DpxPacedModel *self,
                                             guint          max_step);
gboolean       dpx_paced_model_get_frozen   (DpxPacedModel *self);
void           dpx_paced_model_set_frozen   (DpxPacedModel *self,
                                             gboolean       frozen);
gboolean       dpx_paced_model_get_pending  (DpxPacedModel *self);
void           dpx_paced_model_publish      (DpxPacedModel *self);
guint          dpx_paced_model_get_n_publications (DpxPacedModel *self);

G_END_DECLS
