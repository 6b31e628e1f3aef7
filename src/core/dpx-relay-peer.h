/* dpx-relay-peer.h: one client connected to the broadcast relay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "dpx-types.h"

G_BEGIN_DECLS

#define DPX_TYPE_RELAY_PEER (dpx_relay_peer_get_type ())

/* Past this many bytes held for one client (or a quarter of its
 * max-queued, if less), the relay stops reading from publishers. */
#define DPX_RELAY_PEER_HIGH_WATER (1024 * 1024)

G_DECLARE_FINAL_TYPE (DpxRelayPeer, dpx_relay_peer, DPX, RELAY_PEER, GObject)

const char              *dpx_relay_peer_get_remote_address   (DpxRelayPeer *self);
const char              *dpx_relay_peer_get_user_agent       (DpxRelayPeer *self);
const char              *dpx_relay_peer_get_protocol         (DpxRelayPeer *self);
gint64                   dpx_relay_peer_get_connected_since  (DpxRelayPeer *self);
guint64                  dpx_relay_peer_get_messages_in      (DpxRelayPeer *self);
guint64                  dpx_relay_peer_get_messages_out     (DpxRelayPeer *self);
guint64                  dpx_relay_peer_get_bytes_in         (DpxRelayPeer *self);
guint64                  dpx_relay_peer_get_bytes_out        (DpxRelayPeer *self);
gushort                  dpx_relay_peer_get_close_code       (DpxRelayPeer *self);
const char              *dpx_relay_peer_get_close_reason     (DpxRelayPeer *self);
gboolean                 dpx_relay_peer_get_closed_by_relay  (DpxRelayPeer *self);

/* For the relay that owns the peer. */
DpxRelayPeer *dpx_relay_peer_new        (SoupServerMessage *msg,
                                         GSocket           *socket,
                                         GList             *extensions,
                                         guint64            max_message_size,
                                         guint64            max_queued_bytes,
                                         guint              max_rate);
gboolean      dpx_relay_peer_is_open    (DpxRelayPeer      *self);
gboolean      dpx_relay_peer_queue      (DpxRelayPeer      *self,
                                         GBytes            *frame,
                                         gsize              payload_size);
void          dpx_relay_peer_flush      (DpxRelayPeer      *self);
void          dpx_relay_peer_evict      (DpxRelayPeer      *self);
gboolean      dpx_relay_peer_get_over_mark (DpxRelayPeer   *self);
gboolean      dpx_relay_peer_is_stalled (DpxRelayPeer      *self,
                                         gint64             now,
                                         gint64             timeout_us);
void          dpx_relay_peer_set_relay_paused (DpxRelayPeer *self,
                                         gboolean           paused);
void          dpx_relay_peer_set_max_rate (DpxRelayPeer    *self,
                                         guint              max_rate);
void          dpx_relay_peer_close      (DpxRelayPeer      *self,
                                         gushort            code,
                                         const char        *reason);

G_END_DECLS
