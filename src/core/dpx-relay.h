/* dpx-relay.h: the local broadcast server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-relay-peer.h"
#include "dpx-types.h"

G_BEGIN_DECLS

#define DPX_TYPE_RELAY (dpx_relay_get_type ())

#define DPX_RELAY_DEFAULT_HOST             "127.0.0.1"
#define DPX_RELAY_DEFAULT_PORT             4000
#define DPX_RELAY_DEFAULT_MAX_CLIENTS      10000
#define DPX_RELAY_DEFAULT_MAX_MESSAGE_SIZE (1024 * 1024)
#define DPX_RELAY_DEFAULT_MAX_QUEUED_BYTES (8 * 1024 * 1024)
#define DPX_RELAY_DEFAULT_STALL_TIMEOUT_MS     10000
#define DPX_RELAY_DEFAULT_HANDSHAKE_TIMEOUT_MS 10000

/* What a raw client that is muted or unmuted receives, as one text message. */
#define DPX_RELAY_MUTED_NOTICE   "[Duplex relay] You are muted: your messages are not sent to anyone."
#define DPX_RELAY_UNMUTED_NOTICE "[Duplex relay] You are no longer muted."

G_DECLARE_FINAL_TYPE (DpxRelay, dpx_relay, DPX, RELAY, GObject)

DpxRelay   *dpx_relay_new                  (void);
gboolean    dpx_relay_start                (DpxRelay     *self,
                                            GError      **error);
void        dpx_relay_stop                 (DpxRelay     *self);
gboolean    dpx_relay_get_running          (DpxRelay     *self);
const char *dpx_relay_get_host             (DpxRelay     *self);
void        dpx_relay_set_host             (DpxRelay     *self,
                                            const char   *host);
guint       dpx_relay_get_port             (DpxRelay     *self);
void        dpx_relay_set_port             (DpxRelay     *self,
                                            guint         port);
char       *dpx_relay_dup_url              (DpxRelay     *self);
gboolean    dpx_relay_get_echo             (DpxRelay     *self);
void        dpx_relay_set_echo             (DpxRelay     *self,
                                            gboolean      echo);
guint       dpx_relay_get_max_clients      (DpxRelay     *self);
void        dpx_relay_set_max_clients      (DpxRelay     *self,
                                            guint         max_clients);
guint64     dpx_relay_get_max_message_size (DpxRelay     *self);
void        dpx_relay_set_max_message_size (DpxRelay     *self,
                                            guint64       max_message_size);
guint64     dpx_relay_get_max_queued_bytes (DpxRelay     *self);
void        dpx_relay_set_max_queued_bytes (DpxRelay     *self,
                                            guint64       max_queued_bytes);
guint       dpx_relay_get_stall_timeout    (DpxRelay     *self);
void        dpx_relay_set_stall_timeout    (DpxRelay     *self,
                                            guint         timeout_ms);
guint       dpx_relay_get_handshake_timeout (DpxRelay    *self);
void        dpx_relay_set_handshake_timeout (DpxRelay    *self,
                                            guint         timeout_ms);
guint       dpx_relay_get_max_rate         (DpxRelay     *self);
void        dpx_relay_set_max_rate         (DpxRelay     *self,
                                            guint         max_rate);
gboolean    dpx_relay_get_deflate          (DpxRelay     *self);
void        dpx_relay_set_deflate          (DpxRelay     *self,
                                            gboolean      deflate);
gboolean    dpx_relay_get_loopback_only    (DpxRelay     *self);
const char *dpx_relay_get_class_code       (DpxRelay     *self);
void        dpx_relay_set_class_code       (DpxRelay     *self,
                                            const char   *code);
void        dpx_relay_set_peer_muted       (DpxRelay     *self,
                                            DpxRelayPeer *peer,
                                            gboolean      muted);
void        dpx_relay_set_peer_max_rate    (DpxRelay     *self,
                                            DpxRelayPeer *peer,
                                            guint         max_rate);
void        dpx_relay_disconnect_peer      (DpxRelay     *self,
                                            DpxRelayPeer *peer,
                                            gushort       code,
                                            const char   *reason);
void        dpx_relay_clear_pages          (DpxRelay     *self);
guint       dpx_relay_get_n_pages          (DpxRelay     *self);
GListModel *dpx_relay_get_peers            (DpxRelay     *self);
guint       dpx_relay_get_n_peers          (DpxRelay     *self);
guint64     dpx_relay_get_messages_relayed (DpxRelay     *self);

G_END_DECLS
