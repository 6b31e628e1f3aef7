/* dpx-error.h: the core's one error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DPX_ERROR (dpx_error_quark ())

/* Every message is already in words for a person; the codes are for
 * callers that react differently (a refused connection, a bad file). */
typedef enum {
  DPX_ERROR_INVALID_URL,
  DPX_ERROR_UNSUPPORTED_SCHEME,
  DPX_ERROR_RESOLVE,
  DPX_ERROR_REFUSED,
  DPX_ERROR_TIMED_OUT,
  DPX_ERROR_HANDSHAKE,
  DPX_ERROR_TLS,
  DPX_ERROR_NOT_OPEN,
  DPX_ERROR_INVALID_TEXT,
  DPX_ERROR_INVALID_CLOSE,
  DPX_ERROR_INVALID_HEADER,
  DPX_ERROR_INVALID_INPUT,
  DPX_ERROR_INVALID_FILE,
  DPX_ERROR_FAILED,
  DPX_ERROR_WRONG_SCHEME,
  DPX_ERROR_INVALID_TEMPLATE,
  DPX_ERROR_KEYRING,
} DpxError;

GQuark dpx_error_quark (void);

G_END_DECLS
