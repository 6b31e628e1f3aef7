/* dpx-compose.h: the box where messages are written and sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-gui-enums.h"
#include "dpx-gui-types.h"
#include "dpx-session.h"
#include "dpx-template.h"

G_BEGIN_DECLS

#define DPX_TYPE_COMPOSE (dpx_compose_get_type ())

G_DECLARE_FINAL_TYPE (DpxCompose, dpx_compose, DPX, COMPOSE, GtkWidget)

void               dpx_compose_set_session    (DpxCompose        *self,
                                               DpxSession        *session);
void               dpx_compose_set_template   (DpxCompose        *self,
                                               DpxTemplate       *template);
GBytes            *dpx_compose_dup_payload    (DpxCompose        *self,
                                               GError           **error);
DpxComposeMode     dpx_compose_get_mode       (DpxCompose        *self);
void               dpx_compose_set_mode       (DpxCompose        *self,
                                               DpxComposeMode     mode);
void               dpx_compose_set_encoding   (DpxCompose        *self,
                                               DpxBinaryEncoding  encoding);
char              *dpx_compose_dup_text       (DpxCompose        *self);
void               dpx_compose_set_text       (DpxCompose        *self,
                                               const char        *text);
void               dpx_compose_set_file_bytes (DpxCompose        *self,
                                               const char        *name,
                                               GBytes            *bytes);
void               dpx_compose_set_repeat     (DpxCompose        *self,
                                               gboolean           repeat,
                                               guint              interval_ms);
gboolean           dpx_compose_send           (DpxCompose        *self);
void               dpx_compose_focus_text     (DpxCompose        *self);
void               dpx_compose_history_move   (DpxCompose        *self,
                                               int                delta);
void               dpx_compose_popup_ping     (DpxCompose        *self);
void               dpx_compose_edit_payload   (DpxCompose        *self,
                                               DpxEntryKind       kind,
                                               GBytes            *payload);

G_END_DECLS
