/* dpx-json-check.h: strict RFC 8259 validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean dpx_json_check (const char  *text,
                         gssize       length,
                         GError     **error);

G_END_DECLS
