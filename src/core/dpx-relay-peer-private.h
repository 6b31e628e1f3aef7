/* dpx-relay-peer-private.h: what only the relay that owns a peer calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "dpx-relay-peer.h"

G_BEGIN_DECLS

/* For the relay that owns the peer. */
DpxRelayPeer *dpx_relay_peer_new        (SoupServerMessage *msg,
                                         GList             *extensions,
                                         guint64            max_message_size,
                                         guint64            max_queued_bytes);
gboolean      dpx_relay_peer_queue      (DpxRelayPeer      *self,
                                         GBytes            *frame,
                                         gsize              payload_size);
void          dpx_relay_peer_flush      (DpxRelayPeer      *self);
void          dpx_relay_peer_close      (DpxRelayPeer      *self,
                                         gushort            code,
                                         const char        *reason);

G_END_DECLS
