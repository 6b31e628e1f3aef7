/* dpx-relay-policy.h: how the window and `duplex serve` start the relay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-relay.h"

G_BEGIN_DECLS

/* How many ports after the configured one are tried before any free one. */
#define DPX_RELAY_NEXT_PORTS 20

typedef enum {
  DPX_RELAY_PORT_EXACT,      /* the configured port or an error */
  DPX_RELAY_PORT_NEXT_FREE,  /* else the next ones, else any free one */
} DpxRelayPortPolicy;

void     dpx_relay_apply_settings (DpxRelay            *relay,
                                   GSettings           *settings);
gboolean dpx_relay_start_policy   (DpxRelay            *relay,
                                   DpxRelayPortPolicy   policy,
                                   GError             **error);
char   **dpx_relay_dup_join_urls  (DpxRelay            *relay);

G_END_DECLS
