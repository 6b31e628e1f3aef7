/* dpx-preferences-window.h: application preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DPX_TYPE_PREFERENCES_WINDOW (dpx_preferences_window_get_type ())

/* A dialog inside the window where libadwaita has AdwPreferencesDialog
 * (1.5); AdwPreferencesWindow, a window of its own, is deprecated since 1.6. */
#if ADW_CHECK_VERSION (1, 5, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
G_DECLARE_FINAL_TYPE (DpxPreferencesWindow, dpx_preferences_window, DPX, PREFERENCES_WINDOW, AdwPreferencesDialog)
G_GNUC_END_IGNORE_DEPRECATIONS
#else
G_DECLARE_FINAL_TYPE (DpxPreferencesWindow, dpx_preferences_window, DPX, PREFERENCES_WINDOW, AdwPreferencesWindow)
#endif

GtkWidget *dpx_preferences_window_new     (GSettings            *settings);
void       dpx_preferences_window_present (DpxPreferencesWindow *self,
                                           GtkWindow            *parent);
void       dpx_preferences_window_close   (DpxPreferencesWindow *self);

G_END_DECLS
