/* dpx-qr.h: QR codes of join addresses (libqrencode)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Modules of light margin a scanner needs around a code. */
#define DPX_QR_QUIET_ZONE 2

GBytes *dpx_qr_encode      (const char *text,
                            guint      *width);
char   *dpx_qr_to_terminal (const char *text);

G_END_DECLS
