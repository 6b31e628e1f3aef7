/* dpx-ping-popover.h: sending a ping with a chosen payload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-session.h"

G_BEGIN_DECLS

#define DPX_TYPE_PING_POPOVER (dpx_ping_popover_get_type ())

G_DECLARE_FINAL_TYPE (DpxPingPopover, dpx_ping_popover, DPX, PING_POPOVER, GtkPopover)

void        dpx_ping_popover_set_session    (DpxPingPopover *self,
                                             DpxSession     *session);
gboolean    dpx_ping_popover_ping           (DpxPingPopover *self,
                                             const char     *payload,
                                             gboolean        hex);

G_END_DECLS
