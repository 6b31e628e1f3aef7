/* dpx-connection-options.h: everything one connection is opened with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-types.h"

G_BEGIN_DECLS

#define DPX_TYPE_CONNECTION_OPTIONS (dpx_connection_options_get_type ())

G_DECLARE_FINAL_TYPE (DpxConnectionOptions, dpx_connection_options, DPX, CONNECTION_OPTIONS, GObject)

DpxConnectionOptions *dpx_connection_options_new              (void);
DpxConnectionOptions *dpx_connection_options_new_from_settings (GSettings           *settings);
DpxConnectionOptions *dpx_connection_options_copy             (DpxConnectionOptions *self);
gboolean              dpx_connection_options_equal            (DpxConnectionOptions *self,
                                                               DpxConnectionOptions *other);
void                  dpx_connection_options_load_settings    (DpxConnectionOptions *self,
                                                               GSettings           *settings);
void                  dpx_connection_options_save_settings    (DpxConnectionOptions *self,
                                                               GSettings           *settings);
gboolean              dpx_connection_options_apply            (DpxConnectionOptions *self,
                                                               DpxClient           *client,
                                                               GError             **error);

const char           *dpx_connection_options_get_url          (DpxConnectionOptions *self);
void                  dpx_connection_options_set_url          (DpxConnectionOptions *self,
                                                               const char          *url);
GVariant             *dpx_connection_options_get_request_headers (DpxConnectionOptions *self);
void                  dpx_connection_options_set_request_headers (DpxConnectionOptions *self,
                                                               GVariant            *headers);
void                  dpx_connection_options_add_header       (DpxConnectionOptions *self,
                                                               const char          *name,
                                                               const char          *value);
const char           *dpx_connection_options_lookup_header    (DpxConnectionOptions *self,
                                                               const char          *name);
const char * const   *dpx_connection_options_get_secret_headers (DpxConnectionOptions *self);
void                  dpx_connection_options_set_secret_headers (DpxConnectionOptions *self,
                                                               const char * const  *names);
gboolean              dpx_connection_options_is_secret_header (DpxConnectionOptions *self,
                                                               const char          *name);
void                  dpx_connection_options_set_header_secret (DpxConnectionOptions *self,
                                                               const char          *name,
                                                               gboolean             secret);
const char * const   *dpx_connection_options_get_subprotocols (DpxConnectionOptions *self);
void                  dpx_connection_options_set_subprotocols (DpxConnectionOptions *self,
                                                               const char * const  *protocols);
const char           *dpx_connection_options_get_origin       (DpxConnectionOptions *self);
void                  dpx_connection_options_set_origin       (DpxConnectionOptions *self,
                                                               const char          *origin);
gboolean              dpx_connection_options_get_permessage_deflate (DpxConnectionOptions *self);
void                  dpx_connection_options_set_permessage_deflate (DpxConnectionOptions *self,
                                                               gboolean             deflate);
gboolean              dpx_connection_options_get_accept_invalid_certificates (DpxConnectionOptions *self);
void                  dpx_connection_options_set_accept_invalid_certificates (DpxConnectionOptions *self,
                                                               gboolean             accept);
guint                 dpx_connection_options_get_handshake_timeout (DpxConnectionOptions *self);
void                  dpx_connection_options_set_handshake_timeout (DpxConnectionOptions *self,
                                                               guint                seconds);
guint64               dpx_connection_options_get_max_message_size (DpxConnectionOptions *self);
void                  dpx_connection_options_set_max_message_size (DpxConnectionOptions *self,
                                                               guint64              size);
guint                 dpx_connection_options_get_keepalive_interval (DpxConnectionOptions *self);
void                  dpx_connection_options_set_keepalive_interval (DpxConnectionOptions *self,
                                                               guint                seconds);
gboolean              dpx_connection_options_get_auto_reconnect (DpxConnectionOptions *self);
void                  dpx_connection_options_set_auto_reconnect (DpxConnectionOptions *self,
                                                               gboolean             reconnect);

G_END_DECLS
