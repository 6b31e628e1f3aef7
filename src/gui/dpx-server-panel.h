/* dpx-server-panel.h: what the local broadcast server is doing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-relay.h"

G_BEGIN_DECLS

#define DPX_TYPE_SERVER_PANEL (dpx_server_panel_get_type ())

G_DECLARE_FINAL_TYPE (DpxServerPanel, dpx_server_panel, DPX, SERVER_PANEL, GtkWidget)

void      dpx_server_panel_set_relay     (DpxServerPanel *self,
                                          DpxRelay       *relay);
void      dpx_server_panel_bind_settings (DpxServerPanel *self,
                                          GSettings      *settings);
void      dpx_server_panel_refresh       (DpxServerPanel *self);
void      dpx_server_panel_set_activity  (DpxServerPanel *self,
                                          GListModel     *activity);

G_END_DECLS
