/* dpx-profile-history.h: a profile's past connections, logs to reopen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-profile.h"

G_BEGIN_DECLS

#define DPX_TYPE_PROFILE_HISTORY (dpx_profile_history_get_type ())

G_DECLARE_FINAL_TYPE (DpxProfileHistory, dpx_profile_history, DPX, PROFILE_HISTORY, GtkWidget)

void       dpx_profile_history_set_profile (DpxProfileHistory *self,
                                            DpxProfile        *profile);
GtkWidget *dpx_profile_history_get_row     (DpxProfileHistory *self,
                                            guint              position);

G_END_DECLS
