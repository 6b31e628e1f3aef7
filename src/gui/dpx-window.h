/* dpx-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dpx-compose.h"
#include "dpx-connection-page.h"
#include "dpx-log-view.h"
#include "dpx-relay.h"
#include "dpx-server-panel.h"
#include "dpx-session.h"

G_BEGIN_DECLS

#define DPX_TYPE_WINDOW (dpx_window_get_type ())

G_DECLARE_FINAL_TYPE (DpxWindow, dpx_window, DPX, WINDOW, AdwApplicationWindow)

DpxWindow  *dpx_window_new                      (GtkApplication *application);
DpxSession *dpx_window_get_session              (DpxWindow      *self);
DpxLog     *dpx_window_get_log                  (DpxWindow      *self);
void        dpx_window_set_url                  (DpxWindow      *self,
                                                 const char     *url);
void        dpx_window_open_url                 (DpxWindow      *self,
                                                 const char     *url);
void        dpx_window_open_urls                (DpxWindow      *self,
                                                 const char * const *urls);
DpxConnectionPage *dpx_window_add_tab           (DpxWindow      *self,
                                                 DpxConnectionOptions *options);
DpxConnectionPage *dpx_window_get_current_page  (DpxWindow      *self);
AdwTabView *dpx_window_get_tab_view             (DpxWindow      *self);
void        dpx_window_set_server_enabled       (DpxWindow      *self,
                                                 gboolean        enabled);
void        dpx_window_show_toast               (DpxWindow      *self,
                                                 const char     *text);
AdwToast   *dpx_window_show_toast_with_action   (DpxWindow      *self,
                                                 const char     *text,
                                                 const char     *button_label,
                                                 const char     *action_name,
                                                 GVariant       *target);
gboolean    dpx_window_get_show_secrets         (DpxWindow      *self);
void        dpx_window_set_show_secrets         (DpxWindow      *self,
                                                 gboolean        show);
AdwToast   *dpx_window_get_last_toast           (DpxWindow      *self);
void        dpx_window_export_to_file           (DpxWindow      *self,
                                                 GFile          *file);
void        dpx_window_open_file                (DpxWindow      *self,
                                                 GFile          *file);
void        dpx_window_import_from_file         (DpxWindow      *self,
                                                 GFile          *file);
GtkWidget  *dpx_window_show_connection_settings (DpxWindow      *self);

G_END_DECLS
