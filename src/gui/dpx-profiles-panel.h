/* dpx-profiles-panel.h: the profiles, beside a tab's log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-profile-history.h"
#include "dpx-profile-store.h"
#include "dpx-saved-messages.h"

G_BEGIN_DECLS

#define DPX_TYPE_PROFILES_PANEL (dpx_profiles_panel_get_type ())

G_DECLARE_FINAL_TYPE (DpxProfilesPanel, dpx_profiles_panel, DPX, PROFILES_PANEL, GtkWidget)

DpxProfileStore   *dpx_profiles_panel_get_default_store (void);

DpxProfileStore   *dpx_profiles_panel_get_store          (DpxProfilesPanel *self);
DpxSavedMessages  *dpx_profiles_panel_get_saved_messages (DpxProfilesPanel *self);
DpxProfileHistory *dpx_profiles_panel_get_history        (DpxProfilesPanel *self);
DpxProfile        *dpx_profiles_panel_get_selected       (DpxProfilesPanel *self);
void               dpx_profiles_panel_select             (DpxProfilesPanel *self,
                                                          DpxProfile       *profile);
void               dpx_profiles_panel_set_search         (DpxProfilesPanel *self,
                                                          const char       *text);
guint              dpx_profiles_panel_get_n_shown        (DpxProfilesPanel *self);
DpxProfile        *dpx_profiles_panel_save_current       (DpxProfilesPanel *self,
                                                          const char       *name,
                                                          GError          **error);
GtkWidget         *dpx_profiles_panel_open               (DpxProfilesPanel *self,
                                                          DpxProfile       *profile,
                                                          GError          **error);
void               dpx_profiles_panel_install_shortcuts  (DpxProfilesPanel *self,
                                                          GtkWidget        *page);

G_END_DECLS
