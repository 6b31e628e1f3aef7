/* dpx-profile.h: a saved connection: options, variables, messages, history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "dpx-connection-options.h"
#include "dpx-connection-record.h"
#include "dpx-saved-message.h"
#include "dpx-template.h"

G_BEGIN_DECLS

#define DPX_TYPE_PROFILE (dpx_profile_get_type ())

/* The newest records a profile keeps. */
#define DPX_PROFILE_HISTORY_MAX 200

G_DECLARE_FINAL_TYPE (DpxProfile, dpx_profile, DPX, PROFILE, GObject)

DpxProfile           *dpx_profile_new                  (const char           *name);
DpxProfile           *dpx_profile_new_from_json        (JsonNode             *node,
                                                        GError              **error);
void                  dpx_profile_write_json           (DpxProfile           *self,
                                                        JsonBuilder          *builder);
DpxProfile           *dpx_profile_copy                 (DpxProfile           *self,
                                                        const char           *name);

const char           *dpx_profile_get_id               (DpxProfile           *self);
const char           *dpx_profile_get_name             (DpxProfile           *self);
void                  dpx_profile_set_name             (DpxProfile           *self,
                                                        const char           *name);
DpxConnectionOptions *dpx_profile_get_options          (DpxProfile           *self);
DpxTemplate          *dpx_profile_get_template         (DpxProfile           *self);
gboolean              dpx_profile_matches              (DpxProfile           *self,
                                                        const char           *query);

gboolean              dpx_profile_is_secret_header     (DpxProfile           *self,
                                                        const char           *name);
void                  dpx_profile_set_header_secret    (DpxProfile           *self,
                                                        const char           *name,
                                                        gboolean              secret);
char                **dpx_profile_dup_secret_headers   (DpxProfile           *self);

GListModel           *dpx_profile_get_saved_messages   (DpxProfile           *self);
void                  dpx_profile_add_saved_message    (DpxProfile           *self,
                                                        DpxSavedMessage      *message);
void                  dpx_profile_remove_saved_message (DpxProfile           *self,
                                                        guint                 position);
void                  dpx_profile_move_saved_message   (DpxProfile           *self,
                                                        guint                 from,
                                                        guint                 to);

GListModel           *dpx_profile_get_history          (DpxProfile           *self);
void                  dpx_profile_add_record           (DpxProfile           *self,
                                                        DpxConnectionRecord  *record);

G_END_DECLS
