/* dpx-mock.h: a server that plays a recorded conversation to its clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-mock-rules.h"
#include "dpx-recording.h"

G_BEGIN_DECLS

#define DPX_TYPE_MOCK (dpx_mock_get_type ())

/* Clients served at once; more are answered 503. */
#define DPX_MOCK_MAX_CLIENTS 256
#define DPX_MOCK_DEFAULT_HANDSHAKE_TIMEOUT_MS 10000

G_DECLARE_FINAL_TYPE (DpxMock, dpx_mock, DPX, MOCK, GObject)

DpxMock   *dpx_mock_new             (DpxRecording  *recording);
gboolean   dpx_mock_set_rules       (DpxMock       *self,
                                     DpxMockRules  *rules,
                                     GError       **error);
void       dpx_mock_set_speed       (DpxMock       *self,
                                     double         speed);
void       dpx_mock_set_handshake_timeout (DpxMock  *self,
                                     guint          timeout_ms);
void       dpx_mock_set_host        (DpxMock       *self,
                                     const char    *host);
void       dpx_mock_set_port        (DpxMock       *self,
                                     guint          port);
guint      dpx_mock_get_port        (DpxMock       *self);
gboolean   dpx_mock_start           (DpxMock       *self,
                                     GError       **error);
void       dpx_mock_stop            (DpxMock       *self);
guint      dpx_mock_get_n_replies   (DpxMock       *self);

G_END_DECLS
