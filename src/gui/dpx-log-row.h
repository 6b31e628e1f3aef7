/* dpx-log-row.h: one line of the message list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-log-entry.h"

G_BEGIN_DECLS

#define DPX_TYPE_LOG_ROW (dpx_log_row_get_type ())

G_DECLARE_FINAL_TYPE (DpxLogRow, dpx_log_row, DPX, LOG_ROW, GtkWidget)

/* What every row of one list shares: fonts, colours, column widths and the
 * texts that repeat (directions, kinds). */
typedef struct _DpxLogRowStyle DpxLogRowStyle;

DpxLogRowStyle *dpx_log_row_style_new        (void);
DpxLogRowStyle *dpx_log_row_style_ref        (DpxLogRowStyle *style);
void            dpx_log_row_style_unref      (DpxLogRowStyle *style);
void            dpx_log_row_style_invalidate (DpxLogRowStyle *style);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxLogRowStyle, dpx_log_row_style_unref)

GtkWidget   *dpx_log_row_new          (DpxLogRowStyle *style);
void         dpx_log_row_set_entry    (DpxLogRow      *self,
                                       DpxLogEntry    *entry);
DpxLogEntry *dpx_log_row_get_entry    (DpxLogRow      *self);
const char  *dpx_log_row_get_preview  (DpxLogRow      *self);
gboolean     dpx_log_row_get_drawn    (DpxLogRow      *self);

G_END_DECLS
