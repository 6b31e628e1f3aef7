/* dpx-client.h: one outgoing WebSocket connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "dpx-error.h"
#include "dpx-template.h"
#include "dpx-types.h"

G_BEGIN_DECLS

#define DPX_TYPE_CLIENT (dpx_client_get_type ())
#define DPX_CLIENT_DEFAULT_MAX_MESSAGE_SIZE  (16 * 1024 * 1024)
#define DPX_CLIENT_DEFAULT_HANDSHAKE_TIMEOUT 10
/* The longest payload of a control frame (RFC 6455, 5.5). */
#define DPX_CLIENT_PING_MAX 125

G_DECLARE_FINAL_TYPE (DpxClient, dpx_client, DPX, CLIENT, GObject)

gboolean            dpx_client_check_url              (const char          *url,
                                                       GError             **error);
gboolean            dpx_client_check_header           (const char          *name,
                                                       const char          *value,
                                                       GError             **error);

DpxClient          *dpx_client_new                    (const char          *url);
const char         *dpx_client_get_url                (DpxClient           *self);
void                dpx_client_set_url                (DpxClient           *self,
                                                       const char          *url);
DpxConnectionState  dpx_client_get_state              (DpxClient           *self);

/* Options, read when connecting. */
gboolean            dpx_client_add_header             (DpxClient           *self,
                                                       const char          *name,
                                                       const char          *value,
                                                       GError             **error);
gboolean            dpx_client_add_header_line        (DpxClient           *self,
                                                       const char          *line,
                                                       GError             **error);
void                dpx_client_clear_headers          (DpxClient           *self);
void                dpx_client_set_protocols          (DpxClient           *self,
                                                       const char * const  *protocols);
void                dpx_client_set_origin             (DpxClient           *self,
                                                       const char          *origin);
void                dpx_client_set_deflate            (DpxClient           *self,
                                                       gboolean             deflate);
void                dpx_client_set_accept_invalid_certificates (DpxClient  *self,
                                                       gboolean             accept);
const char         *dpx_client_get_suggested_url      (DpxClient           *self);
void                dpx_client_set_tls_advice         (DpxClient           *self,
                                                       const char          *advice);
void                dpx_client_set_handshake_timeout  (DpxClient           *self,
                                                       guint                seconds);
void                dpx_client_set_max_message_size   (DpxClient           *self,
                                                       guint64              max_message_size);
void                dpx_client_set_keepalive_interval (DpxClient           *self,
                                                       guint                seconds);
void                dpx_client_set_secret_headers     (DpxClient           *self,
                                                       const char * const  *names);
void                dpx_client_set_show_secrets       (DpxClient           *self,
                                                       gboolean             show);
void                dpx_client_set_header_template    (DpxClient           *self,
                                                       DpxTemplate         *template);

void                dpx_client_connect_async          (DpxClient           *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            dpx_client_connect_finish         (DpxClient           *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

gboolean            dpx_client_send_text              (DpxClient           *self,
                                                       const char          *text,
                                                       gssize               length,
                                                       GError             **error);
gboolean            dpx_client_send_binary            (DpxClient           *self,
                                                       GBytes              *data,
                                                       GError             **error);
gboolean            dpx_client_check_ping             (GBytes              *payload,
                                                       GError             **error);
gboolean            dpx_client_send_ping              (DpxClient           *self,
                                                       GBytes              *payload,
                                                       GError             **error);
gboolean            dpx_client_close                  (DpxClient           *self,
                                                       gushort              code,
                                                       const char          *reason,
                                                       GError             **error);

/* What the handshake and the close told. */
const char         *dpx_client_get_protocol           (DpxClient           *self);
const char         *dpx_client_get_extensions         (DpxClient           *self);
guint               dpx_client_get_status_code        (DpxClient           *self);
SoupMessageHeaders *dpx_client_get_response_headers   (DpxClient           *self);
GTlsCertificateFlags dpx_client_get_tls_errors        (DpxClient           *self);
gushort             dpx_client_get_close_code         (DpxClient           *self);
const char         *dpx_client_get_close_reason       (DpxClient           *self);
const char         *dpx_client_get_error_message      (DpxClient           *self);

G_END_DECLS
