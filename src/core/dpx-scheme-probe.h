/* dpx-scheme-probe.h: does a port speak TLS, or plain HTTP?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     dpx_scheme_probe_async  (const char          *host,
                                  guint16              port,
                                  gboolean             tls,
                                  guint                timeout_seconds,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gboolean dpx_scheme_probe_finish (GAsyncResult        *result,
                                  GError             **error);

G_END_DECLS
