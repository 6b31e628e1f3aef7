/* dpx-close-popover.h: closing the connection with a chosen code and reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "dpx-session.h"

G_BEGIN_DECLS

#define DPX_TYPE_CLOSE_POPOVER (dpx_close_popover_get_type ())

G_DECLARE_FINAL_TYPE (DpxClosePopover, dpx_close_popover, DPX, CLOSE_POPOVER, GtkPopover)

void        dpx_close_popover_set_session    (DpxClosePopover *self,
                                              DpxSession      *session);
gboolean    dpx_close_popover_close          (DpxClosePopover *self,
                                              int              code,
                                              const char      *reason);

G_END_DECLS
