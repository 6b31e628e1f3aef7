/* dpx-relay-peer-private.h: what only the relay that owns a peer calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "dpx-relay-peer.h"

G_BEGIN_DECLS

/* One message from @peer: @frame is the unmasked frame to send on, its
 * payload after @header_len bytes. */
typedef void (*DpxRelayPeerMessageFunc) (DpxRelayPeer *peer,
                                         int           type,
                                         GBytes       *frame,
                                         gsize         header_len,
                                         gpointer      user_data);

DpxRelayPeer *dpx_relay_peer_new        (SoupServerMessage *msg,
                                         GSocket           *socket,
                                         guint              id,
                                         const char        *name,
                                         GList             *extensions,
                                         guint64            max_message_size,
                                         guint64            max_queued_bytes,
                                         guint              max_rate);
typedef void (*DpxRelayPeerFunc) (DpxRelayPeer *peer,
                                  gpointer      user_data);

void          dpx_relay_peer_set_owner  (DpxRelayPeer      *self,
                                         DpxRelayPeerMessageFunc message_func,
                                         DpxRelayPeerFunc   pressure_func,
                                         DpxRelayPeerFunc   closed_func,
                                         gpointer           user_data);
gboolean      dpx_relay_peer_queue      (DpxRelayPeer      *self,
                                         GBytes            *frame,
                                         gsize              payload_size);
void          dpx_relay_peer_flush      (DpxRelayPeer      *self);
void          dpx_relay_peer_end_read_round (DpxRelayPeer *self);
void          dpx_relay_peer_evict      (DpxRelayPeer      *self);
gboolean      dpx_relay_peer_get_over_mark (DpxRelayPeer   *self);
gboolean      dpx_relay_peer_is_stalled (DpxRelayPeer      *self,
                                         gint64             now,
                                         gint64             timeout_us);
void          dpx_relay_peer_set_relay_paused (DpxRelayPeer *self,
                                         gboolean           paused);
void          dpx_relay_peer_set_max_rate (DpxRelayPeer    *self,
                                         guint              max_rate);
void          dpx_relay_peer_set_muted  (DpxRelayPeer      *self,
                                         gboolean           muted);
void          dpx_relay_peer_send_text  (DpxRelayPeer      *self,
                                         GBytes            *text);
void          dpx_relay_peer_close      (DpxRelayPeer      *self,
                                         gushort            code,
                                         const char        *reason);

G_END_DECLS
