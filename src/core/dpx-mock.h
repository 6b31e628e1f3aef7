/* dpx-mock.h: a server that plays a recorded conversation to its clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "dpx-recording.h"

G_BEGIN_DECLS

#define DPX_TYPE_MOCK (dpx_mock_get_type ())

G_DECLARE_FINAL_TYPE (DpxMock, dpx_mock, DPX, MOCK, GObject)

/* How a client's message is matched with the recorded one the next reply
 * waits for (docs/mock-rules.md). */
typedef enum {
  DPX_MOCK_MATCH_NONE,     /* no waiting: replies go by the recording's clock */
  DPX_MOCK_MATCH_EXACT,    /* the same bytes */
  DPX_MOCK_MATCH_MEMBER,   /* the same value of one member of a JSON object */
  DPX_MOCK_MATCH_REGEX,    /* the same text matched by a pattern (its first group) */
} DpxMockMatch;

#define DPX_MOCK_DEFAULT_WAIT_TIMEOUT 30

DpxMock   *dpx_mock_new             (DpxRecording  *recording);
gboolean   dpx_mock_load_rules      (DpxMock       *self,
                                     GFile         *file,
                                     GError       **error);
gboolean   dpx_mock_set_rules       (DpxMock       *self,
                                     DpxMockMatch   match,
                                     const char    *member_or_pattern,
                                     guint          wait_timeout,
                                     GError       **error);
void       dpx_mock_set_speed       (DpxMock       *self,
                                     double         speed);
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
