/* dpx-log-view.h: the message list, its filters and the detail pane beside it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-log.h"

G_BEGIN_DECLS

#define DPX_TYPE_LOG_VIEW (dpx_log_view_get_type ())

G_DECLARE_FINAL_TYPE (DpxLogView, dpx_log_view, DPX, LOG_VIEW, GtkWidget)

void          dpx_log_view_set_log          (DpxLogView   *self,
                                             DpxLog       *log);
GListModel   *dpx_log_view_get_model        (DpxLogView   *self);
void          dpx_log_view_sync             (DpxLogView   *self);
gboolean      dpx_log_view_get_paused       (DpxLogView   *self);
void          dpx_log_view_set_paused       (DpxLogView   *self,
                                             gboolean      paused);
void          dpx_log_view_set_search_text  (DpxLogView   *self,
                                             const char   *text);
void          dpx_log_view_focus_search     (DpxLogView   *self);
GtkWidget    *dpx_log_view_get_list_view    (DpxLogView   *self);
void          dpx_log_view_select           (DpxLogView   *self,
                                             guint         position);
gboolean      dpx_log_view_get_show_secrets (DpxLogView   *self);
void          dpx_log_view_set_show_secrets (DpxLogView   *self,
                                             gboolean      show);
void          dpx_log_view_set_rates        (DpxLogView   *self,
                                             double        in_per_second,
                                             double        out_per_second);

G_END_DECLS
