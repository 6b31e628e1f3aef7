/* dpx-test-support.h: helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "dpx-client.h"
#include "dpx-log.h"
#include "dpx-relay.h"

G_BEGIN_DECLS

/* Spins the default main context until @condition holds, failing the test
 * after @timeout_ms. Conditions, not sleeps: the tests never race. */
#define dpx_test_wait_until(condition, timeout_ms)                            \
  G_STMT_START {                                                              \
    gint64 _deadline = g_get_monotonic_time () + (timeout_ms) * 1000;         \
    while (!(condition))                                                      \
      {                                                                       \
        if (g_get_monotonic_time () > _deadline)                              \
          g_error ("Timed out after %d ms waiting for %s", (int) (timeout_ms), \
                   #condition);                                               \
        if (!g_main_context_iteration (NULL, FALSE))                          \
          g_usleep (200);                                                     \
      }                                                                       \
  } G_STMT_END

DpxRelay                *dpx_test_relay_new          (void);
char                    *dpx_test_relay_url          (DpxRelay     *relay);
SoupWebsocketConnection *dpx_test_connect            (const char   *url,
                                                      GError      **error);
SoupWebsocketConnection *dpx_test_connect_full       (const char   *url,
                                                      gboolean      deflate,
                                                      GError      **error);

/* Collects what a raw libsoup client receives. */
typedef struct {
  SoupWebsocketConnection *conn;
  GPtrArray               *messages;  /* GBytes */
  GArray                  *types;     /* int */
  gboolean                 closed;
  gushort                  close_code;
  char                    *close_reason;
} DpxTestPeer;

DpxTestPeer *dpx_test_peer_new    (SoupWebsocketConnection *conn);
void         dpx_test_peer_free   (DpxTestPeer             *peer);
gsize        dpx_test_rss_kib     (void);
char        *dpx_test_run_duplex  (const char * const      *args,
                                   int                     *exit_status,
                                   char                   **err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxTestPeer, dpx_test_peer_free)

G_END_DECLS
