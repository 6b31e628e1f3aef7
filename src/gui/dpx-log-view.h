/* dpx-log-view.h: the message list, its filters and the detail pane
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-log.h"

G_BEGIN_DECLS

#define DPX_TYPE_LOG_VIEW (dpx_log_view_get_type ())

G_DECLARE_FINAL_TYPE (DpxLogView, dpx_log_view, DPX, LOG_VIEW, GtkWidget)

DpxLog       *dpx_log_view_get_log          (DpxLogView   *self);
void          dpx_log_view_set_log          (DpxLogView   *self,
                                             DpxLog       *log);
GListModel   *dpx_log_view_get_model        (DpxLogView   *self);
void          dpx_log_view_sync             (DpxLogView   *self);
void          dpx_log_view_set_show_direction (DpxLogView *self,
                                             DpxDirection  direction,
                                             gboolean      show);
void          dpx_log_view_set_kind_filter  (DpxLogView   *self,
                                             int           kind);
void          dpx_log_view_set_search_text  (DpxLogView   *self,
                                             const char   *text);
void          dpx_log_view_focus_search     (DpxLogView   *self);
gboolean      dpx_log_view_get_paused       (DpxLogView   *self);
void          dpx_log_view_set_paused       (DpxLogView   *self,
                                             gboolean      paused);
void          dpx_log_view_select           (DpxLogView   *self,
                                             guint         position);
DpxLogEntry  *dpx_log_view_get_selected     (DpxLogView   *self);
char         *dpx_log_view_dup_detail_text  (DpxLogView   *self);
void          dpx_log_view_copy_selected    (DpxLogView   *self);
void          dpx_log_view_set_rates        (DpxLogView   *self,
                                             double        in_per_second,
                                             double        out_per_second);
gboolean      dpx_log_view_get_sticky       (DpxLogView   *self);


G_END_DECLS
