/* dpx-compose.h: the box where messages are written and sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-session.h"

G_BEGIN_DECLS

#define DPX_TYPE_COMPOSE (dpx_compose_get_type ())

typedef enum {
  DPX_COMPOSE_MODE_TEXT,
  DPX_COMPOSE_MODE_JSON,
  DPX_COMPOSE_MODE_BINARY,
} DpxComposeMode;

typedef enum {
  DPX_BINARY_ENCODING_HEX,
  DPX_BINARY_ENCODING_BASE64,
} DpxBinaryEncoding;

G_DECLARE_FINAL_TYPE (DpxCompose, dpx_compose, DPX, COMPOSE, GtkWidget)

void            dpx_compose_set_session      (DpxCompose        *self,
                                              DpxSession        *session);
DpxComposeMode  dpx_compose_get_mode         (DpxCompose        *self);
void            dpx_compose_set_mode         (DpxCompose        *self,
                                              DpxComposeMode     mode);
void            dpx_compose_set_encoding     (DpxCompose        *self,
                                              DpxBinaryEncoding  encoding);
char           *dpx_compose_dup_text         (DpxCompose        *self);
void            dpx_compose_set_text         (DpxCompose        *self,
                                              const char        *text);
gboolean        dpx_compose_send             (DpxCompose        *self);
const char     *dpx_compose_get_message      (DpxCompose        *self);
gboolean        dpx_compose_get_message_is_error (DpxCompose    *self);
void            dpx_compose_set_file_bytes   (DpxCompose        *self,
                                              const char        *name,
                                              GBytes            *bytes);
void            dpx_compose_history_move     (DpxCompose        *self,
                                              int                delta);
void            dpx_compose_set_repeat       (DpxCompose        *self,
                                              gboolean           repeat,
                                              guint              interval_ms);
gboolean        dpx_compose_get_repeating    (DpxCompose        *self);
gboolean        dpx_compose_close_connection (DpxCompose        *self,
                                              int                code,
                                              const char        *reason);
const char     *dpx_compose_get_close_error  (DpxCompose        *self);
void            dpx_compose_focus            (DpxCompose        *self);

G_END_DECLS
