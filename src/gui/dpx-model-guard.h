/* dpx-model-guard.h: a list model that stays consistent with its signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DPX_TYPE_MODEL_GUARD (dpx_model_guard_get_type ())

G_DECLARE_FINAL_TYPE (DpxModelGuard, dpx_model_guard, DPX, MODEL_GUARD, GObject)

DpxModelGuard *dpx_model_guard_new       (GListModel    *model);
GListModel    *dpx_model_guard_get_model (DpxModelGuard *self);

G_END_DECLS
