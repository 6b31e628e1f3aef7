/* dpx-gui-types.h: the enums of the window's widgets
 *
 * Registered as GTypes by glib-mkenums (dpx-gui-enums.h, generated), so
 * they can be properties and property actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  DPX_COMPOSE_MODE_TEXT,
  DPX_COMPOSE_MODE_JSON,
  DPX_COMPOSE_MODE_BINARY,
} DpxComposeMode;

typedef enum {
  DPX_BINARY_ENCODING_HEX,
  DPX_BINARY_ENCODING_BASE64,
} DpxBinaryEncoding;

G_END_DECLS
