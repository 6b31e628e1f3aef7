/* dpx-qr-code.h: a QR code, drawn crisp at any size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DPX_TYPE_QR_CODE (dpx_qr_code_get_type ())

G_DECLARE_FINAL_TYPE (DpxQrCode, dpx_qr_code, DPX, QR_CODE, GtkWidget)

GtkWidget  *dpx_qr_code_new      (void);
const char *dpx_qr_code_get_text (DpxQrCode  *self);
void        dpx_qr_code_set_text (DpxQrCode  *self,
                                  const char *text);

G_END_DECLS
