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
#include "dpx-util.h"

G_BEGIN_DECLS

/* Under AddressSanitizer freed memory waits in a quarantine and every
 * allocation is padded, so a process's peak memory says nothing about what
 * the code holds: memory bounds are checked in the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
# define DPX_TEST_MEMORY_MEASURABLE FALSE
#else
# define DPX_TEST_MEMORY_MEASURABLE TRUE
#endif

/* Spins the default main context until @condition holds, failing the test
 * after @timeout_ms (times dpx_test_timeout_scale()). Conditions, not
 * sleeps: the tests never race. */
#define dpx_test_wait_until(condition, timeout_ms)                            \
  G_STMT_START {                                                              \
    gint64 _deadline = g_get_monotonic_time () +                              \
      (gint64) (timeout_ms) * 1000 * dpx_test_timeout_scale ();               \
    while (!(condition))                                                      \
      {                                                                       \
        if (g_get_monotonic_time () > _deadline)                              \
          g_error ("Timed out after %d ms waiting for %s", (int) (timeout_ms), \
                   #condition);                                               \
        if (!g_main_context_iteration (NULL, FALSE))                          \
          g_usleep (200);                                                     \
      }                                                                       \
  } G_STMT_END

guint                    dpx_test_timeout_scale      (void);
DpxRelay                *dpx_test_relay_new          (void);
/* Counts the notifications of one property of one object. */
typedef struct _DpxNotifyCounter DpxNotifyCounter;

DpxNotifyCounter *dpx_test_count_notify        (gpointer          object,
                                                const char       *property);
guint             dpx_notify_counter_take      (DpxNotifyCounter *counter);
void              dpx_notify_counter_free      (DpxNotifyCounter *counter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxNotifyCounter, dpx_notify_counter_free)

void              dpx_test_assert_property_notify (gpointer      object,
                                                   const char   *property,
                                                   const GValue *first,
                                                   const GValue *second);
void              dpx_test_assert_notify_number   (gpointer      object,
                                                   const char   *property,
                                                   guint64       first,
                                                   guint64       second);

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

G_BEGIN_DECLS

/* A `duplex serve` child process, for tests that measure the relay alone. */
typedef struct {
  GSubprocess *process;
  char        *url;
  guint        port;
  GString     *stderr_text;   /* with capture_stderr, what it wrote so far */
  gpointer     stderr_reader;
} DpxTestServer;

DpxTestServer *dpx_test_server_spawn     (const char * const *extra_args);
DpxTestServer *dpx_test_server_spawn_full (const char * const *extra_args,
                                           guint               max_files,
                                           gboolean            capture_stderr);
DpxTestServer *dpx_test_server_spawn_command (const char         *command,
                                              const char * const *extra_args,
                                              guint               max_files,
                                              gboolean            capture_stderr);
gsize          dpx_test_server_rss_kib   (DpxTestServer      *server,
                                          gboolean            peak);
int            dpx_test_server_stop      (DpxTestServer      *server);
void           dpx_test_server_free      (DpxTestServer      *server);

/* A hand-driven WebSocket client over a blocking socket, to send what no
 * well-behaved library would: fragments, raw compressed frames, garbage. */
typedef struct {
  GSocketConnection *connection;
  GSocket           *socket;
  GInputStream      *in;
  GOutputStream     *out;
  char              *response;   /* the handshake response head */
  guint              status;
} DpxRawClient;

DpxRawClient *dpx_raw_client_connect     (const char    *url,
                                          const char    *extra_headers,
                                          GError       **error);
gboolean      dpx_raw_client_send_frame  (DpxRawClient  *client,
                                          guint8         first_byte,
                                          const guint8  *payload,
                                          gsize          length,
                                          GError       **error);
gboolean      dpx_raw_client_read_frame  (DpxRawClient  *client,
                                          guint8        *first_byte,
                                          GByteArray    *payload,
                                          GError       **error);
gboolean      dpx_raw_client_read_close  (DpxRawClient  *client,
                                          gushort       *code,
                                          char         **reason,
                                          GError       **error);
void          dpx_raw_client_free        (DpxRawClient  *client);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxRawClient, dpx_raw_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxTestServer, dpx_test_server_free)

G_END_DECLS
