/* dpx-preferences-window.h: application preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPX_TYPE_PREFERENCES_WINDOW (dpx_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (DpxPreferencesWindow, dpx_preferences_window, DPX, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *dpx_preferences_window_new (GSettings *settings);

G_END_DECLS
