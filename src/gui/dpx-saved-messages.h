/* dpx-saved-messages.h: a profile's saved messages, sent with one click
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-log-entry.h"
#include "dpx-profile-store.h"

G_BEGIN_DECLS

#define DPX_TYPE_SAVED_MESSAGES (dpx_saved_messages_get_type ())

G_DECLARE_FINAL_TYPE (DpxSavedMessages, dpx_saved_messages, DPX, SAVED_MESSAGES, GtkWidget)

void        dpx_saved_messages_set_profile      (DpxSavedMessages *self,
                                                 DpxProfileStore  *store,
                                                 DpxProfile       *profile);
DpxProfile *dpx_saved_messages_get_profile      (DpxSavedMessages *self);
gboolean    dpx_saved_messages_send             (DpxSavedMessages *self,
                                                 guint             position);
gboolean    dpx_saved_messages_save_entry       (DpxSavedMessages *self,
                                                 DpxLogEntry      *entry,
                                                 GError          **error);
gboolean    dpx_saved_messages_save_compose     (DpxSavedMessages *self,
                                                 GError          **error);
GtkWidget  *dpx_saved_messages_get_row          (DpxSavedMessages *self,
                                                 guint             position);

G_END_DECLS
