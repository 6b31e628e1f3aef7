/* dpx-connection-dialog.h: the connection settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "dpx-connection-options.h"

G_BEGIN_DECLS

#define DPX_TYPE_CONNECTION_DIALOG (dpx_connection_dialog_get_type ())

/* A dialog inside the window where libadwaita has AdwPreferencesDialog
 * (1.5); AdwPreferencesWindow, a window of its own, is deprecated since 1.6. */
#if ADW_CHECK_VERSION (1, 5, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
G_DECLARE_FINAL_TYPE (DpxConnectionDialog, dpx_connection_dialog, DPX, CONNECTION_DIALOG,
                      AdwPreferencesDialog)
G_GNUC_END_IGNORE_DEPRECATIONS
#else
G_DECLARE_FINAL_TYPE (DpxConnectionDialog, dpx_connection_dialog, DPX, CONNECTION_DIALOG,
                      AdwPreferencesWindow)
#endif

GtkWidget *dpx_connection_dialog_new     (DpxConnectionOptions *options,
                                         GSettings           *settings);
void       dpx_connection_dialog_present (DpxConnectionDialog *self,
                                          GtkWindow           *parent);
void       dpx_connection_dialog_close   (DpxConnectionDialog *self);

G_END_DECLS
