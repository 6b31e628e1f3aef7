/* dpx-hostile-server.h: a WebSocket server on loopback that writes chosen bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Returns the next bytes to write once the previous ones are written, or
 * %NULL when there is nothing more to write. */
typedef GBytes *(*DpxHostileFeed) (gpointer user_data);

typedef struct {
  GSocketService    *service;
  char              *url;
  char              *extensions;      /* answered in the 101, or NULL */
  char              *answer;          /* a whole answer head instead of the 101;
                                       * "{accept}" stands for the right key */
  gboolean           deaf;            /* reads nothing after the request
                                       * (dpx_hostile_server_new_deaf()) */

  GTlsCertificate   *certificate;     /* speaks TLS when set */
  GSocketConnection *connection;      /* the first client; later ones are dropped */
  GIOStream         *stream;          /* connection, or TLS over it */
  GString           *request;         /* the client's request head, as received */
  GByteArray        *incoming;        /* the client's frames, not parsed yet */
  GQueue             outgoing;        /* GBytes to write */
  DpxHostileFeed     feed;
  gpointer           feed_data;
  gboolean           writing;
  gboolean           handshake_done;
  guint64            bytes_written;

  gboolean           got_close;       /* the client's close frame */
  guint              close_code;      /* 1005 for a close without a code */
  char              *close_reason;
  gboolean           client_gone;     /* the client's end of the TCP stream */
} DpxHostileServer;

DpxHostileServer *dpx_hostile_server_new       (const char       *extensions);
DpxHostileServer *dpx_hostile_server_new_deaf  (void);
DpxHostileServer *dpx_hostile_server_new_tls   (GTlsCertificate  *certificate);
void              dpx_hostile_server_write     (DpxHostileServer *server,
                                                GBytes           *bytes);
void              dpx_hostile_server_set_feed  (DpxHostileServer *server,
                                                DpxHostileFeed    feed,
                                                gpointer          user_data);
void              dpx_hostile_server_hang_up   (DpxHostileServer *server);
void              dpx_hostile_server_free      (DpxHostileServer *server);

GBytes           *dpx_hostile_frame            (guint8            first_byte,
                                                const void       *payload,
                                                gsize             length);
GBytes           *dpx_hostile_frame_header     (guint8            first_byte,
                                                guint64           length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxHostileServer, dpx_hostile_server_free)

G_END_DECLS
