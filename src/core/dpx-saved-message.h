/* dpx-saved-message.h: a message kept in a profile, to send again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-types.h"

G_BEGIN_DECLS

#define DPX_TYPE_SAVED_MESSAGE (dpx_saved_message_get_type ())

G_DECLARE_FINAL_TYPE (DpxSavedMessage, dpx_saved_message, DPX, SAVED_MESSAGE, GObject)

DpxSavedMessage *dpx_saved_message_new_text    (const char      *name,
                                                DpxMessageMode   mode,
                                                const char      *text);
DpxSavedMessage *dpx_saved_message_new_binary  (const char      *name,
                                                GBytes          *payload);
const char      *dpx_saved_message_get_name    (DpxSavedMessage *self);
DpxMessageMode   dpx_saved_message_get_mode    (DpxSavedMessage *self);
const char      *dpx_saved_message_get_text    (DpxSavedMessage *self);
GBytes          *dpx_saved_message_get_payload (DpxSavedMessage *self);
DpxSavedMessage *dpx_saved_message_with_name   (DpxSavedMessage *self,
                                                const char      *name);

G_END_DECLS
