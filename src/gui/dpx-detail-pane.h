/* dpx-detail-pane.h: all of one message, beside the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-log-entry.h"

G_BEGIN_DECLS

#define DPX_TYPE_DETAIL_PANE (dpx_detail_pane_get_type ())

G_DECLARE_FINAL_TYPE (DpxDetailPane, dpx_detail_pane, DPX, DETAIL_PANE, GtkWidget)

GtkWidget   *dpx_detail_pane_new       (void);
void         dpx_detail_pane_set_entry (DpxDetailPane *self,
                                        DpxLogEntry   *entry);
gboolean     dpx_detail_pane_get_busy  (DpxDetailPane *self);

G_END_DECLS
