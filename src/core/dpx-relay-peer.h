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
guint                    dpx_relay_peer_get_id               (DpxRelayPeer *self);
const char              *dpx_relay_peer_get_name             (DpxRelayPeer *self);
gboolean                 dpx_relay_peer_get_classroom        (DpxRelayPeer *self);
gboolean                 dpx_relay_peer_get_muted            (DpxRelayPeer *self);
guint                    dpx_relay_peer_get_max_rate         (DpxRelayPeer *self);

G_END_DECLS
