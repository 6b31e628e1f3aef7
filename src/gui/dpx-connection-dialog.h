/* dpx-connection-dialog.h: the connection settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPX_TYPE_CONNECTION_DIALOG (dpx_connection_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DpxConnectionDialog, dpx_connection_dialog, DPX, CONNECTION_DIALOG,
                      AdwPreferencesWindow)

GtkWidget *dpx_connection_dialog_new (GSettings *settings);

G_END_DECLS
