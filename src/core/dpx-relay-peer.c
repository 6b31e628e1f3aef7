/* dpx-relay-peer.c: one client connected to the broadcast relay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why one long file: the client's queue, its flow control, its rate limit
 * and its close all judge the same counters, from its guard's reads and its
 * output stream's writes; and for a client without compression, which has
 * no SoupWebsocketConnection, the peer also answers its pings and runs the
 * close handshake on those same streams.
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "dpx-classroom.h"
#include "dpx-client-input-stream.h"
#include "dpx-close-code.h"
#include "dpx-frame.h"
#include "dpx-guard-input-stream.h"
#include "dpx-guarded-io-stream.h"
#include "dpx-relay-output-stream-private.h"
#include "dpx-relay-peer-private.h"

/* How long a closing peer gets to answer before its socket is shut: a client
 * that stopped reading never takes the close frame off the queue. */
#define CLOSE_GRACE_MS 2000

/* Frames one flush writes at most before the batch is written anyway (a
 * batch is bounded as a whole by the relay, BATCH_FRAMES in dpx-relay.c). */
#define FLUSH_BATCH_FRAMES 64

/* What a pong waiting in libsoup's private queue holds besides its payload:
 * its frame, the GBytes, the queue entry and the allocator's rounding. */
#define PONG_OVERHEAD 160

struct _DpxRelayPeer
{
  GObject                  parent_instance;

  /* owned */
  SoupWebsocketConnection *conn;           /* NULL when the relay speaks for itself */
  GIOStream               *stream;         /* the guarded stream, or the socket's own without libsoup */
  DpxGuardInputStream     *input;
  DpxRelayOutputStream    *output;
  GSocket                 *socket;
  GSource                 *source;         /* without libsoup: the one watch on the socket */
  char                    *protocol;       /* without libsoup: the subprotocol agreed */
  char                    *peer_close_reason;  /* without libsoup */
  char                    *remote_address;
  char                    *sent_close_reason;
  char                    *user_agent;
  char                    *name;           /* the nickname it joined with, or NULL */
  guint                    close_timeout;
  guint                    violation_idle;
  guint                    rate_timeout;
  guint                    finish_idle;

  gint64                   connected_since;
  guint                    id;             /* the relay's number for it, from 1 */
  gboolean                 classroom;      /* takes envelopes, not raw bytes */
  gboolean                 muted;          /* its messages are dropped */
  guint64                  messages_in;
  guint64                  messages_out;
  guint64                  bytes_in;
  guint64                  bytes_out;

  guint64                  max_queued_bytes;
  guint64                  high_water;
  guint64                  low_water;
  guint                    max_rate;       /* messages a second, 0 for no limit */
  double                   rate_tokens;    /* messages it may send now */
  gint64                   rate_time;      /* when rate_tokens was last topped up */
  GQueue                   rate_backlog;   /* of Delayed: read past the rate */
  gint64                   over_since;
  gboolean                 flush_pending;
  gboolean                 over_mark;
  gboolean                 relay_paused;
  gboolean                 rate_paused;

  /* the owning relay's: function calls, not signal handlers, which would
   * cost each client a closure and a handler apiece */
  DpxRelayPeerMessageFunc  message_func;
  DpxRelayPeerFunc         pressure_func;
  DpxRelayPeerFunc         closed_func;
  gpointer                 message_data;

  DpxGuardViolation        violation;
  gushort                  sent_close_code;
  gboolean                 closing;

  /* the close handshake, without libsoup */
  gboolean                 close_sent;      /* our close frame is queued */
  gboolean                 close_received;  /* the client's close frame came */
  gboolean                 no_reply;        /* end once ours is written, whatever the client does */
  gboolean                 reading_stopped;
  gboolean                 not_reading;     /* the source does not ask for input now */
  gboolean                 finished;        /* "closed" was emitted */
};

enum {
  SIGNAL_CLOSED,
  SIGNAL_PRESSURE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DpxRelayPeer, dpx_relay_peer, G_TYPE_OBJECT)

static inline DpxGuardInputStream *
guard (DpxRelayPeer *self)
{
  return self->input;
}

static void
set_reading (DpxRelayPeer *self,
             gboolean      reading);

/* Reading stops for a client over its rate, and, while the relay holds
 * publishers back, for one that publishes or whose own queue is full (its
 * pings make pongs). A closing client is always read: its close reply must
 * get through. */
static void
apply_pause (DpxRelayPeer *self)
{
  gboolean paused;

  paused = !self->closing &&
           (self->rate_paused ||
            (self->relay_paused && (self->messages_in > 0 || self->over_mark)));
  dpx_guard_input_stream_set_paused (guard (self), paused);
  if (self->conn == NULL)
    set_reading (self, !paused);
}

/* The memory held for this client: its queue, and the pongs libsoup owes
 * it for pings it sent. */
static guint64
held_bytes (DpxRelayPeer *self)
{
  guint64 pings, ping_bytes, pongs, pong_bytes;
  guint64 held = dpx_relay_output_stream_get_held (self->output);

  /* Without libsoup the pongs wait in the same queue, counted there. */
  if (self->conn == NULL)
    return held;

  dpx_guard_input_stream_get_pings (guard (self), &pings, &ping_bytes);
  dpx_relay_output_stream_get_pongs (self->output, &pongs, &pong_bytes);
  if (pings > pongs)
    held += (pings - pongs) * PONG_OVERHEAD;
  if (ping_bytes > pong_bytes)
    held += ping_bytes - pong_bytes;
  return held;
}

static void
set_over_mark (DpxRelayPeer *self,
               gboolean      over_mark)
{
  if (self->over_mark == over_mark)
    return;
  self->over_mark = over_mark;
  if (over_mark)
    self->over_since = g_get_monotonic_time ();
  apply_pause (self);
  g_signal_emit (self, signals[SIGNAL_PRESSURE], 0);
  if (self->pressure_func)
    self->pressure_func (self, self->message_data);
}

/* Past the high-water mark the client holds publishers back until it
 * drains below the low-water mark. */
static void
update_pressure (DpxRelayPeer *self)
{
  guint64 held;

  if (self->closing)
    {
      set_over_mark (self, FALSE);
      return;
    }
  held = held_bytes (self);
  if (!self->over_mark && held > self->high_water)
    set_over_mark (self, TRUE);
  else if (self->over_mark && held <= self->low_water)
    set_over_mark (self, FALSE);
}

static void maybe_finish (DpxRelayPeer *self);

static void
on_progress (gpointer stream,
             gpointer user_data)
{
  update_pressure (user_data);
  maybe_finish (user_data);
}

static void
on_ping (gpointer stream,
         gpointer user_data)
{
  update_pressure (user_data);
}

static void clear_rate_backlog (DpxRelayPeer *self);

/* Without libsoup: the connection is over. The socket is closed and the
 * owner told, once. */
static void
finish (DpxRelayPeer *self)
{
  g_autoptr(DpxRelayPeer) hold = NULL;

  if (self->finished)
    return;
  hold = g_object_ref (self);
  self->finished = TRUE;
  g_clear_handle_id (&self->close_timeout, g_source_remove);
  g_clear_handle_id (&self->violation_idle, g_source_remove);
  g_clear_handle_id (&self->finish_idle, g_source_remove);
  clear_rate_backlog (self);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_output_stream_close (G_OUTPUT_STREAM (self->output), NULL, NULL);
  g_input_stream_close (G_INPUT_STREAM (self->input), NULL, NULL);
  g_io_stream_close (self->stream, NULL, NULL);

  self->closing = TRUE;
  update_pressure (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
  if (self->closed_func)
    self->closed_func (self, self->message_data);
}

static gboolean
finish_idle_cb (gpointer data)
{
  DpxRelayPeer *self = data;

  self->finish_idle = 0;
  finish (self);
  return G_SOURCE_REMOVE;
}

/* Ends the connection once both closes are done (or the client's is not
 * waited for) and ours is on the wire. From an idle: this runs where the
 * relay may be going through its peers. */
static void
maybe_finish (DpxRelayPeer *self)
{
  if (self->conn != NULL || self->finished || !self->close_sent || self->finish_idle != 0)
    return;
  if (!self->close_received && !self->no_reply)
    return;
  if (dpx_relay_output_stream_get_queued_frames (self->output) > 0 &&
      dpx_relay_output_stream_accepts (self->output))
    return;
  self->finish_idle = g_idle_add (finish_idle_cb, self);
}

/* Queues a close frame of the relay's own after what is queued; @code 0
 * sends one without a payload. */
static void
send_close (DpxRelayPeer *self,
            gushort       code,
            const char   *reason)
{
  guint8 payload[2 + DPX_CLOSE_REASON_MAX];
  gsize length = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) frame = NULL;

  if (self->close_sent)
    return;
  self->close_sent = TRUE;
  if (code != 0)
    {
      payload[0] = code >> 8;
      payload[1] = code & 0xff;
      length = 2;
      if (reason != NULL)
        {
          const char *end = reason + MIN (strlen (reason), DPX_CLOSE_REASON_MAX);

          /* Cut at a character, not inside one. */
          if (*end != '\0')
            while (end > reason && ((guchar) *end & 0xc0) == 0x80)
              end--;
          memcpy (payload + 2, reason, end - reason);
          length += end - reason;
        }
    }
  bytes = g_bytes_new (payload, length);
  frame = dpx_frame_new (DPX_FRAME_OPCODE_CLOSE, bytes);
  dpx_relay_output_stream_push (self->output, frame);
  dpx_relay_output_stream_flush_queue (self->output);
}

static gboolean
force_close_cb (gpointer data)
{
  DpxRelayPeer *self = data;

  self->close_timeout = 0;
  g_debug ("%s did not finish closing in time: shutting its socket", self->remote_address);
  if (self->conn == NULL)
    {
      finish (self);
      return G_SOURCE_REMOVE;
    }
  /* Closing the stream under libsoup would leave it polling a dead fd; a
   * shutdown makes its next read see the end and its writes fail, so it
   * drops its queue and emits "closed". */
  g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

void
dpx_relay_peer_close (DpxRelayPeer *self,
                      gushort       code,
                      const char   *reason)
{
  g_return_if_fail (DPX_IS_RELAY_PEER (self));

  if (self->closing)
    return;
  self->closing = TRUE;
  update_pressure (self);
  apply_pause (self);
  /* libsoup may have closed already (a protocol error): keep its code. */
  if (self->sent_close_code == 0)
    {
      self->sent_close_code = code;
      self->sent_close_reason = g_strdup (reason);
    }

  if (self->conn == NULL)
    send_close (self, code, reason);
  else if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, code, reason);
  self->close_timeout = g_timeout_add (CLOSE_GRACE_MS, force_close_cb, self);
}

/* Without libsoup, the client's control frames, from inside a read. */
static void
on_guard_control (DpxGuardInputStream *stream,
                  guint8               opcode,
                  const guint8        *payload,
                  gsize                length,
                  gpointer             user_data)
{
  DpxRelayPeer *self = user_data;
  guint code;

  /* Nothing counts after a close: the client's or the relay's. */
  if (self->close_received || (self->close_sent && opcode != DPX_FRAME_OPCODE_CLOSE))
    return;

  if (opcode == DPX_FRAME_OPCODE_PING)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (payload, length);
      g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_PONG, bytes);

      /* Behind what is queued: an unread flood of pongs counts against
       * the client's share like any frame. */
      dpx_relay_output_stream_push (self->output, frame);
      dpx_relay_output_stream_flush_queue (self->output);
      if (held_bytes (self) > self->max_queued_bytes)
        {
          g_debug ("%s holds %" G_GUINT64_FORMAT " bytes of pongs: evicting it", self->remote_address,
                   held_bytes (self));
          dpx_relay_peer_evict (self);
        }
      else
        update_pressure (self);
      return;
    }
  if (opcode != DPX_FRAME_OPCODE_CLOSE)
    return;

  self->close_received = TRUE;
  /* The same check the client makes of a server's close. */
  if (dpx_close_frame_check (payload, length, &code) != DPX_CLOSE_FRAME_VALID)
    {
      /* As libsoup answered these: a protocol error, not waiting for more. */
      self->no_reply = TRUE;
      dpx_relay_peer_close (self, 1002, "Invalid close frame");
      return;
    }
  if (length > 2)
    self->peer_close_reason = g_strndup ((const char *) payload + 2, length - 2);
  if (self->close_sent)
    return;   /* the answer to ours */

  /* The answer echoes the code and reason; the connection ends once it
   * is written. */
  self->closing = TRUE;
  update_pressure (self);
  apply_pause (self);
  send_close (self, code == 1005 ? 1000 : code, self->peer_close_reason);
  self->close_timeout = g_timeout_add (CLOSE_GRACE_MS, force_close_cb, self);
}

/* Without libsoup: reads drive the guard, which hands over messages and
 * control frames and leaves nothing to read. */
static gboolean
on_socket_ready (DpxRelayPeer *self,
                 GIOCondition  condition)
{
  g_autoptr(DpxRelayPeer) hold = g_object_ref (self);
  g_autoptr(GError) error = NULL;
  guint8 scrap[64];
  gssize n;

  if (self->reading_stopped)
    {
      /* Reading is over and the socket broke or hung up. */
      if (condition & (G_IO_HUP | G_IO_ERR | G_IO_NVAL))
        finish (self);
      return G_SOURCE_CONTINUE;
    }

  do
    n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->input),
                                                  scrap, sizeof scrap, NULL, &error);
  while (n > 0 && !self->finished);

  if (self->finished)
    return G_SOURCE_CONTINUE;
  if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      if (n < 0)
        g_debug ("%s: %s", self->remote_address, error->message);
      /* The end: what is still being written of a close goes out first
       * (its grace period bounds that), anything else is moot. */
      self->reading_stopped = TRUE;
      set_reading (self, FALSE);
      if (self->close_sent && n == 0)
        {
          self->no_reply = TRUE;
          maybe_finish (self);
        }
      else
        finish (self);
      return G_SOURCE_CONTINUE;
    }
  maybe_finish (self);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GSource       source;
  DpxRelayPeer *peer;   /* which destroys this source before it goes */
  gpointer      tag;
} PeerSource;

static gboolean
peer_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  PeerSource *watch = (PeerSource *) source;

  return on_socket_ready (watch->peer, g_source_query_unix_fd (source, watch->tag));
}

static GSourceFuncs peer_source_funcs = {
  .dispatch = peer_source_dispatch,
};

static void
watch_socket (DpxRelayPeer *self)
{
  PeerSource *watch;

  self->source = g_source_new (&peer_source_funcs, sizeof (PeerSource));
  watch = (PeerSource *) self->source;
  watch->peer = self;
  watch->tag = g_source_add_unix_fd (self->source, g_socket_get_fd (self->socket), G_IO_IN);
#if GLIB_CHECK_VERSION (2, 70, 0)
  g_source_set_static_name (self->source, "[duplex] relay client");
#endif
  g_source_attach (self->source, g_main_context_get_thread_default ());
}

/* Hang-ups and errors wake the source even while it does not read. */
static void
set_reading (DpxRelayPeer *self,
             gboolean      reading)
{
  PeerSource *watch = (PeerSource *) self->source;

  if (watch == NULL)
    return;
  reading = reading && !self->reading_stopped;
  /* Each change wakes the main loop: the relay pauses every client at once. */
  if (self->not_reading == !reading)
    return;
  self->not_reading = !reading;
  g_source_modify_unix_fd (self->source, watch->tag, reading ? G_IO_IN : 0);
}

static gboolean
violation_idle_cb (gpointer data)
{
  DpxRelayPeer *self = data;

  self->violation_idle = 0;
  if (dpx_guard_input_stream_get_violation_code (guard (self)) != 0)
    {
      /* A breach of the protocol: nothing after it can be trusted, so the
       * connection ends once the close frame is written. Without libsoup
       * the guard goes on reading (and dropping) what comes meanwhile. */
      self->no_reply = TRUE;
      dpx_relay_peer_close (self, dpx_guard_input_stream_get_violation_code (guard (self)),
                            dpx_guard_input_stream_get_wire_problem (guard (self)));
      if (self->conn != NULL)
        dpx_guard_input_stream_end (guard (self));
      else
        maybe_finish (self);
    }
  else if (self->violation == DPX_GUARD_VIOLATION_TOO_BIG)
    dpx_relay_peer_close (self, DPX_CLOSE_TOO_BIG, "Message too big for this relay");
  else
    dpx_relay_peer_close (self, DPX_CLOSE_INVALID_DATA, "Invalid compressed data");
  return G_SOURCE_REMOVE;
}

/* Runs inside libsoup's read: closing from here would re-enter it, so the
 * close waits for an idle. The guard drops the offending data meanwhile. */
static void
on_violation (DpxGuardViolation violation,
              guint64           size,
              gpointer          user_data)
{
  DpxRelayPeer *self = user_data;

  g_debug ("%s sent a message of at least %" G_GUINT64_FORMAT " bytes", self->remote_address, size);
  self->violation = violation;
  if (self->violation_idle == 0)
    self->violation_idle = g_idle_add (violation_idle_cb, self);
}

/* Once per message and client, so libsoup is not asked: a close it queued
 * (an answer to the client's) is written after the frames queued before it,
 * and the output stream takes nothing once that close is on the wire or
 * the connection has ended. */
static inline gboolean
peer_is_open (DpxRelayPeer *self)
{
  return !self->closing && dpx_relay_output_stream_accepts (self->output);
}

/**
 * dpx_relay_peer_queue:
 * @frame: a whole frame from dpx_frame_new(), shared by every peer
 * @payload_size: the size of the message it carries
 *
 * Queues @frame for this peer. When more than the peer's share is waiting
 * and the socket takes no more, what waits is dropped and the peer is closed
 * with %DPX_CLOSE_SLOW_CONSUMER: one stalled reader cannot grow the relay's
 * memory. Call dpx_relay_peer_flush() once the current batch is queued.
 *
 * Returns: %TRUE if the peer needs a flush it did not need before
 */
gboolean
dpx_relay_peer_queue (DpxRelayPeer *self,
                      GBytes       *frame,
                      gsize         payload_size)
{
  if (!peer_is_open (self))
    return FALSE;

  dpx_relay_output_stream_push (self->output, frame);
  self->messages_out++;
  self->bytes_out += payload_size;

  /* A long batch is written as it grows, so a read full of small messages
   * to many clients does not hold them all in memory at once. */
  if (dpx_relay_output_stream_get_queued_frames (self->output) >= FLUSH_BATCH_FRAMES)
    dpx_relay_output_stream_flush_queue (self->output);

  /* Over the hard cap, write what the socket takes now before judging: a
   * big batch waiting for its flush is not a client that stopped reading. */
  if (dpx_relay_output_stream_get_held (self->output) > self->high_water)
    {
      if (held_bytes (self) > self->max_queued_bytes)
        dpx_relay_output_stream_flush_queue (self->output);
      if (held_bytes (self) > self->max_queued_bytes)
        {
          g_debug ("%s holds %" G_GUINT64_FORMAT " bytes: evicting it", self->remote_address,
                   held_bytes (self));
          dpx_relay_peer_evict (self);
          return FALSE;
        }
      update_pressure (self);
    }

  if (self->flush_pending)
    return FALSE;
  self->flush_pending = TRUE;
  return TRUE;
}

/* Writes what dpx_relay_peer_queue() queued, in as few writes as it can. */
void
dpx_relay_peer_flush (DpxRelayPeer *self)
{
  self->flush_pending = FALSE;
  dpx_relay_output_stream_flush_queue (self->output);
  if (self->over_mark)
    update_pressure (self);
}

/**
 * dpx_relay_peer_evict:
 *
 * Frees what waits for this client and closes it with
 * %DPX_CLOSE_SLOW_CONSUMER.
 */
void
dpx_relay_peer_evict (DpxRelayPeer *self)
{
  g_return_if_fail (DPX_IS_RELAY_PEER (self));

  dpx_relay_output_stream_drop_queue (self->output);
  dpx_relay_peer_close (self, DPX_CLOSE_SLOW_CONSUMER, "Client is not reading its messages");
}

/* This client's current read of its socket stops after the message in hand. */
void
dpx_relay_peer_end_read_round (DpxRelayPeer *self)
{
  dpx_guard_input_stream_end_round (guard (self));
}

/* TRUE while this client's queue is past the high-water mark. */
gboolean
dpx_relay_peer_get_over_mark (DpxRelayPeer *self)
{
  return self->over_mark;
}

/**
 * dpx_relay_peer_is_stalled:
 * @now: g_get_monotonic_time()
 * @timeout_us: how long a full queue may go without the socket taking bytes
 *
 * Returns: %TRUE when the queue is past the mark and the client has taken
 *   nothing for @timeout_us
 */
gboolean
dpx_relay_peer_is_stalled (DpxRelayPeer *self,
                           gint64        now,
                           gint64        timeout_us)
{
  gint64 since;

  if (!self->over_mark || self->closing)
    return FALSE;
  since = MAX (self->over_since, dpx_relay_output_stream_get_last_progress (self->output));
  return now - since >= timeout_us;
}

/* Set by the relay while some queue is past its mark. */
void
dpx_relay_peer_set_relay_paused (DpxRelayPeer *self,
                                 gboolean      paused)
{
  self->relay_paused = !!paused;
  apply_pause (self);
}

typedef struct {
  int     type;
  GBytes *frame;
  gsize   header_len;
} Delayed;

static void
delayed_free (Delayed *delayed)
{
  g_bytes_unref (delayed->frame);
  g_free (delayed);
}

static void
clear_rate_backlog (DpxRelayPeer *self)
{
  g_clear_handle_id (&self->rate_timeout, g_source_remove);
  g_queue_clear_full (&self->rate_backlog, (GDestroyNotify) delayed_free);
}

/* A token bucket holding a second's worth: TRUE if a message may go now. */
static gboolean
take_token (DpxRelayPeer *self)
{
  gint64 now = g_get_monotonic_time ();
  double earned = (now - self->rate_time) * (double) self->max_rate / G_USEC_PER_SEC;

  self->rate_tokens = MIN ((double) self->max_rate, self->rate_tokens + earned);
  self->rate_time = now;
  if (self->rate_tokens < 1)
    return FALSE;
  self->rate_tokens -= 1;
  return TRUE;
}

static gboolean rate_resume_cb (gpointer data);

static void
schedule_rate_resume (DpxRelayPeer *self)
{
  guint ms = (guint) ((1 - self->rate_tokens) * 1000 / self->max_rate) + 1;

  self->rate_timeout = g_timeout_add (ms, rate_resume_cb, self);
}

/* Lets delayed messages go as the rate allows; reading resumes once none
 * is left. */
static gboolean
rate_resume_cb (gpointer data)
{
  DpxRelayPeer *self = data;

  self->rate_timeout = 0;
  while (!g_queue_is_empty (&self->rate_backlog) && (self->max_rate == 0 || take_token (self)))
    {
      Delayed *delayed = g_queue_pop_head (&self->rate_backlog);

      if (!self->closing && self->message_func)
        self->message_func (self, delayed->type, delayed->frame, delayed->header_len,
                            self->message_data);
      delayed_free (delayed);
    }
  if (!g_queue_is_empty (&self->rate_backlog))
    {
      schedule_rate_resume (self);
      return G_SOURCE_REMOVE;
    }
  self->rate_paused = FALSE;
  apply_pause (self);
  return G_SOURCE_REMOVE;
}

/* Messages a second this client may send; 0 lifts the limit at once. */
void
dpx_relay_peer_set_max_rate (DpxRelayPeer *self,
                             guint         max_rate)
{
  g_return_if_fail (DPX_IS_RELAY_PEER (self));

  self->max_rate = max_rate;
  self->rate_tokens = max_rate;
  self->rate_time = g_get_monotonic_time ();
  if (self->rate_timeout != 0)
    {
      g_clear_handle_id (&self->rate_timeout, g_source_remove);
      rate_resume_cb (self);
    }
}

/* Over its rate, a message waits and the client's input stops: what one
 * read round brought in is all that can wait. */
static gboolean
rate_allows (DpxRelayPeer *self,
             int           type,
             GBytes       *frame,
             gsize         header_len)
{
  Delayed *delayed;

  if (self->max_rate == 0 || (g_queue_is_empty (&self->rate_backlog) && take_token (self)))
    return TRUE;

  delayed = g_new (Delayed, 1);
  delayed->type = type;
  delayed->frame = g_bytes_ref (frame);
  delayed->header_len = header_len;
  g_queue_push_tail (&self->rate_backlog, delayed);
  if (self->rate_timeout == 0)
    {
      self->rate_paused = TRUE;
      apply_pause (self);
      schedule_rate_resume (self);
    }
  return FALSE;
}

/* A whole message from this client, as the frame the relay sends on. */
static void
take_message (DpxRelayPeer *self,
              int           type,
              GBytes       *frame,
              gsize         header_len)
{
  if (self->closing)
    return;
  self->messages_in++;
  self->bytes_in += g_bytes_get_size (frame) - header_len;
  /* A client that starts publishing now joins those held back. */
  if (self->messages_in == 1 && self->relay_paused)
    apply_pause (self);
  if (rate_allows (self, type, frame, header_len) && self->message_func)
    self->message_func (self, type, frame, header_len, self->message_data);
}

/* The fast path: the guard took the message off libsoup's hands. */
static void
on_guard_message (DpxGuardInputStream *stream,
                  guint8               opcode,
                  GBytes              *frame,
                  gsize                header_len,
                  gpointer             user_data)
{
  take_message (user_data,
                opcode == DPX_FRAME_OPCODE_TEXT ? SOUP_WEBSOCKET_DATA_TEXT : SOUP_WEBSOCKET_DATA_BINARY,
                frame, header_len);
}

/* Compressed messages still come through libsoup, which inflates them. */
static void
on_message (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            DpxRelayPeer            *self)
{
  g_autoptr(GBytes) frame = NULL;

  if (self->closing)
    return;
  frame = dpx_frame_new (type == SOUP_WEBSOCKET_DATA_TEXT ? DPX_FRAME_OPCODE_TEXT : DPX_FRAME_OPCODE_BINARY,
                         message);
  take_message (self, type, frame, g_bytes_get_size (frame) - g_bytes_get_size (message));
}

/**
 * dpx_relay_peer_set_owner:
 * @message_func: gets every message this client sends (past its rate
 *   limit), as the unmasked frame to send on, from inside a read of this
 *   client's socket
 * @pressure_func: called after #DpxRelayPeer::pressure
 * @closed_func: called after #DpxRelayPeer::closed
 *
 * The relay's hooks, all %NULL to let go of the peer.
 */
void
dpx_relay_peer_set_owner (DpxRelayPeer            *self,
                          DpxRelayPeerMessageFunc  message_func,
                          DpxRelayPeerFunc         pressure_func,
                          DpxRelayPeerFunc         closed_func,
                          gpointer                 user_data)
{
  g_return_if_fail (DPX_IS_RELAY_PEER (self));
  self->message_func = message_func;
  self->pressure_func = pressure_func;
  self->closed_func = closed_func;
  self->message_data = user_data;
}

/* libsoup closes on its own after a protocol error (invalid UTF-8 gets
 * 1007, a bad frame 1002) and reports the code only in the error. */
static void
on_error (SoupWebsocketConnection *conn,
          GError                  *error,
          DpxRelayPeer            *self)
{
  g_debug ("%s: %s", self->remote_address, error->message);
  if (error->domain == SOUP_WEBSOCKET_ERROR && error->code >= 1000 && error->code <= 4999 &&
      self->sent_close_code == 0)
    {
      self->sent_close_code = error->code;
      self->sent_close_reason = g_strdup (error->message);
      /* libsoup is closing the connection itself. */
      self->closing = TRUE;
      update_pressure (self);
      apply_pause (self);
    }
}

static void
on_closed (SoupWebsocketConnection *conn,
           DpxRelayPeer            *self)
{
  g_clear_handle_id (&self->close_timeout, g_source_remove);
  g_clear_handle_id (&self->violation_idle, g_source_remove);
  clear_rate_backlog (self);
  self->closing = TRUE;
  update_pressure (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
  if (self->closed_func)
    self->closed_func (self, self->message_data);
}

static void
dpx_relay_peer_dispose (GObject *object)
{
  DpxRelayPeer *self = DPX_RELAY_PEER (object);

  g_clear_handle_id (&self->close_timeout, g_source_remove);
  g_clear_handle_id (&self->violation_idle, g_source_remove);
  g_clear_handle_id (&self->rate_timeout, g_source_remove);
  g_clear_handle_id (&self->finish_idle, g_source_remove);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->conn)
    g_signal_handlers_disconnect_by_data (self->conn, self);
  /* libsoup may keep the streams alive a little longer than this peer. */
  if (self->input)
    {
      dpx_guard_input_stream_set_violation_func (guard (self), NULL, NULL);
      dpx_guard_input_stream_set_message_func (guard (self), NULL, NULL);
      dpx_guard_input_stream_set_control_func (guard (self), NULL, NULL);
      dpx_guard_input_stream_set_ping_func (guard (self), NULL, NULL);
      dpx_guard_input_stream_set_paused (guard (self), FALSE);
      dpx_relay_output_stream_set_progress_func (self->output, NULL, NULL);
    }

  G_OBJECT_CLASS (dpx_relay_peer_parent_class)->dispose (object);
}

static void
dpx_relay_peer_finalize (GObject *object)
{
  DpxRelayPeer *self = DPX_RELAY_PEER (object);

  g_clear_object (&self->conn);
  g_clear_object (&self->stream);
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->socket);
  g_clear_pointer (&self->protocol, g_free);
  g_clear_pointer (&self->peer_close_reason, g_free);
  g_clear_pointer (&self->remote_address, g_free);
  g_clear_pointer (&self->sent_close_reason, g_free);
  g_clear_pointer (&self->user_agent, g_free);
  g_clear_pointer (&self->name, g_free);
  g_queue_clear_full (&self->rate_backlog, (GDestroyNotify) delayed_free);

  G_OBJECT_CLASS (dpx_relay_peer_parent_class)->finalize (object);
}

static void
dpx_relay_peer_class_init (DpxRelayPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_relay_peer_dispose;
  object_class->finalize = dpx_relay_peer_finalize;

  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * DpxRelayPeer::pressure:
   *
   * The client's queue crossed the high-water mark upwards or the low-water
   * mark downwards: see dpx_relay_peer_get_over_mark().
   */
  signals[SIGNAL_PRESSURE] =
    g_signal_new ("pressure", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
dpx_relay_peer_init (DpxRelayPeer *self)
{
  self->connected_since = g_get_real_time ();
}

static gboolean
extensions_include_deflate (GList *extensions)
{
  for (GList *l = extensions; l; l = l->next)
    if (SOUP_IS_WEBSOCKET_EXTENSION_DEFLATE (l->data))
      return TRUE;
  return FALSE;
}

/**
 * dpx_relay_peer_new:
 * @msg: a request whose 101 response was just written
 * @id: the relay's number for this client
 * @name: (nullable): its nickname, already cleaned
 * @extensions: (transfer full): the extensions accepted in the handshake
 *
 * Takes the connection over from the server, the way SoupServer does for
 * its own websocket handlers, but with the guard streams in between.
 */
DpxRelayPeer *
dpx_relay_peer_new (SoupServerMessage *msg,
                    GSocket           *socket,
                    guint              id,
                    const char        *name,
                    GList             *extensions,
                    guint64            max_message_size,
                    guint64            max_queued_bytes,
                    guint              max_rate)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GIOStream) base = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  GSocketAddress *address;
  gboolean deflate;
  DpxRelayPeer *self;

  self = g_object_new (DPX_TYPE_RELAY_PEER, NULL);
  self->id = id;
  self->name = g_strdup (name);
  self->max_queued_bytes = max_queued_bytes;
  /* Far enough below the cap that a read round and a whole message can
   * land past the mark without reaching it. */
  self->high_water = MAX (1, MIN (DPX_RELAY_PEER_HIGH_WATER, max_queued_bytes / 4));
  self->low_water = self->high_water / 2;
  dpx_relay_peer_set_max_rate (self, max_rate);
  self->user_agent = g_strdup (soup_message_headers_get_one (request_headers, "User-Agent"));

  address = soup_server_message_get_remote_address (msg);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
      g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
      gboolean v6 = g_inet_address_get_family (g_inet_socket_address_get_address (inet)) == G_SOCKET_FAMILY_IPV6;

      self->remote_address = g_strdup_printf (v6 ? "[%s]:%u" : "%s:%u", ip,
                                              g_inet_socket_address_get_port (inet));
    }
  else
    self->remote_address = g_strdup (soup_server_message_get_remote_host (msg));

  /* Kept to shut the socket down under libsoup when a peer never answers. */
  self->socket = g_object_ref (socket);
  base = soup_server_message_steal_connection (msg);
  deflate = extensions_include_deflate (extensions);
  input = dpx_guard_input_stream_new (g_io_stream_get_input_stream (base), max_message_size, deflate);
  output = dpx_relay_output_stream_new (g_io_stream_get_output_stream (base));
  self->input = DPX_GUARD_INPUT_STREAM (g_object_ref (input));
  self->output = DPX_RELAY_OUTPUT_STREAM (g_object_ref (output));
  dpx_guard_input_stream_set_peer_is_client (DPX_GUARD_INPUT_STREAM (input), TRUE);
  dpx_guard_input_stream_set_violation_func (DPX_GUARD_INPUT_STREAM (input), on_violation, self);
  dpx_guard_input_stream_set_ping_func (DPX_GUARD_INPUT_STREAM (input), on_ping, self);
  dpx_guard_input_stream_set_message_func (DPX_GUARD_INPUT_STREAM (input), on_guard_message, self);
  dpx_guard_input_stream_set_socket (DPX_GUARD_INPUT_STREAM (input), socket);
  dpx_relay_output_stream_set_progress_func (self->output, on_progress, self);
  dpx_relay_output_stream_set_socket (self->output, socket);

  /* Without compression the guard already takes every message: the relay
   * answers pings and runs the close handshake itself, with one source on
   * the socket, instead of a SoupWebsocketConnection (its buffers, its
   * sources and handlers, several KB a client). */
  if (!deflate)
    {
      self->stream = g_steal_pointer (&base);
      self->protocol = g_strdup (soup_message_headers_get_one (response_headers, "Sec-WebSocket-Protocol"));
      self->classroom = g_strcmp0 (self->protocol, DPX_CLASSROOM_PROTOCOL) == 0;
      dpx_guard_input_stream_set_control_func (self->input, on_guard_control, self);
      g_list_free_full (extensions, g_object_unref);
      watch_socket (self);
      return self;
    }

  self->stream = dpx_guarded_io_stream_new (base, input, output);

  self->conn = soup_websocket_connection_new (self->stream,
                                              soup_server_message_get_uri (msg),
                                              SOUP_WEBSOCKET_CONNECTION_SERVER,
                                              soup_message_headers_get_one (request_headers, "Origin"),
                                              soup_message_headers_get_one (response_headers, "Sec-WebSocket-Protocol"),
                                              extensions);
  /* The guard enforces the limit over whole messages; libsoup's own check
   * (per frame) stays finite and can never trigger first. */
  soup_websocket_connection_set_max_incoming_payload_size (self->conn, max_message_size);

  self->classroom = g_strcmp0 (soup_websocket_connection_get_protocol (self->conn),
                               DPX_CLASSROOM_PROTOCOL) == 0;

  g_signal_connect (self->conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (self->conn, "error", G_CALLBACK (on_error), self);
  g_signal_connect (self->conn, "closed", G_CALLBACK (on_closed), self);

  return self;
}

const char *
dpx_relay_peer_get_remote_address (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), NULL);
  return self->remote_address;
}

const char *
dpx_relay_peer_get_user_agent (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), NULL);
  return self->user_agent;
}

const char *
dpx_relay_peer_get_protocol (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), NULL);
  if (self->conn == NULL)
    return self->protocol;
  return soup_websocket_connection_get_protocol (self->conn);
}

gint64
dpx_relay_peer_get_connected_since (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->connected_since;
}

guint64
dpx_relay_peer_get_messages_in (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->messages_in;
}

guint64
dpx_relay_peer_get_messages_out (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->messages_out;
}

guint64
dpx_relay_peer_get_bytes_in (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->bytes_in;
}

guint64
dpx_relay_peer_get_bytes_out (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->bytes_out;
}

/**
 * dpx_relay_peer_get_close_code:
 *
 * The code the relay closed this peer with, or else the one the peer sent;
 * 1006 when the connection ended without either.
 */
gushort
dpx_relay_peer_get_close_code (DpxRelayPeer *self)
{
  gushort code;

  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);

  if (self->sent_close_code != 0)
    return self->sent_close_code;
  /* libsoup was shown 1000 for these: see the guard. */
  code = dpx_guard_input_stream_get_peer_close_code (guard (self));
  if (code >= 1012 && code <= 1014)
    return code;
  if (self->conn != NULL)
    code = soup_websocket_connection_get_close_code (self->conn);
  return code != 0 ? code : 1006;
}

/* The reason that went with dpx_relay_peer_get_close_code(), if any. */
const char *
dpx_relay_peer_get_close_reason (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), NULL);

  if (self->sent_close_code != 0)
    return self->sent_close_reason;
  if (self->conn == NULL)
    return self->peer_close_reason;
  return soup_websocket_connection_get_close_data (self->conn);
}

/* TRUE when the relay, not the peer, ended the connection. */
gboolean
dpx_relay_peer_get_closed_by_relay (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), FALSE);
  return self->sent_close_code != 0;
}

/* The relay's number for this client: unique while the relay lives, from 1. */
guint
dpx_relay_peer_get_id (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->id;
}

/**
 * dpx_relay_peer_get_name:
 *
 * Returns: (nullable): the nickname the client joined with (its `name`
 *   query parameter, cleaned), or %NULL
 */
const char *
dpx_relay_peer_get_name (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), NULL);
  return self->name;
}

/* TRUE for a class page: it asked for envelopes, not raw messages. */
gboolean
dpx_relay_peer_get_classroom (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), FALSE);
  return self->classroom;
}

gboolean
dpx_relay_peer_get_muted (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), FALSE);
  return self->muted;
}

/* Set by the relay, which tells the client. */
void
dpx_relay_peer_set_muted (DpxRelayPeer *self,
                          gboolean      muted)
{
  self->muted = !!muted;
}

/* Messages a second this client may send; 0 for no limit. */
guint
dpx_relay_peer_get_max_rate (DpxRelayPeer *self)
{
  g_return_val_if_fail (DPX_IS_RELAY_PEER (self), 0);
  return self->max_rate;
}

/* Sends one text message of the relay's own to this client alone. */
void
dpx_relay_peer_send_text (DpxRelayPeer *self,
                          GBytes       *text)
{
  g_autoptr(GBytes) frame = NULL;

  if (!peer_is_open (self))
    return;
  frame = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, text);
  dpx_relay_peer_queue (self, frame, g_bytes_get_size (text));
  dpx_relay_peer_flush (self);
}
