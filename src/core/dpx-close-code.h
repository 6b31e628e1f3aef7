/* dpx-close-code.h: WebSocket close codes, named and checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A close reason fits in a control frame with its code (RFC 6455 5.5). */
#define DPX_CLOSE_REASON_MAX 123

const char *dpx_close_code_describe (gushort      code);
gboolean    dpx_close_code_can_send (gushort      code);
gboolean    dpx_close_check         (int          code,
                                     const char  *reason,
                                     GError     **error);

G_END_DECLS
