/* dpx-bench.c: "duplex bench", a load generator for broadcast servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One publisher sends numbered, timestamped messages; N subscribers count
 * them and time them. Any server that relays every message to every client
 * works: the publisher ignores copies of its own messages, and messages
 * that another program sends through the same server are skipped.
 *
 * The clients are a lean RFC 6455 implementation of their own rather than
 * SoupWebsocketConnection: a subscriber never copies or allocates per
 * message (frames are parsed in place, in one read buffer shared by every
 * connection), and one epoll loop of the bench's own watches them all, so a
 * round costs what is ready, not what is open. The bench then needs a
 * fraction of the CPU time the server spends (docs/PERFORMANCE.md shows the
 * figures, and compares this client with libsoup's).
 *
 * Why one long file: the connections, the epoll loop, the histogram and the
 * report share one Bench and one Conn struct that no other code uses, and
 * the per-message path (parse, count, time) is meant to inline; split into
 * files it would need a private header exposing both structs for nothing.
 */
#define G_LOG_DOMAIN "Duplex-Bench"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dpx-bench.h"
#include "dpx-cli.h"
#include "dpx-client.h"
#include "dpx-close-code.h"
#include "dpx-frame.h"
#include "dpx-parse.h"
#include "dpx-util.h"

#define DEFAULT_CLIENTS      10
#define DEFAULT_MESSAGES     1000
#define DEFAULT_SIZE         64
#define DEFAULT_TIMEOUT      60
/* See bench_loop(). */
#define DEFAULT_READ_INTERVAL 200
/* The default window: enough messages in flight to keep any server busy,
 * and never more than WINDOW_MAX_BYTES per subscriber, so a server that
 * evicts slow readers (duplex serve does at 8M by default) is never
 * provoked by the bench itself. */
#define DEFAULT_WINDOW       1000
#define WINDOW_MAX_BYTES     (4 * 1024 * 1024)
#define MAX_SIZE             (64 * 1024 * 1024)
/* How long the polite close at the end may take. */
#define CLOSE_GRACE_MS       2000
/* Beyond the subscribers and the publisher: stdio, the epoll set, the main
 * context's own descriptors, and some slack. */
#define EXTRA_FDS            32

/* Every message starts with a header the subscribers read back: four hex
 * digits that identify this run, eight for the sequence number and twelve
 * for the send time in microseconds since the run started. The rest is
 * filler. All ASCII, so a text message is valid UTF-8 of exactly --size
 * bytes. */
#define TAG_LEN              4
#define SEQ_LEN              8
#define STAMP_LEN            12
#define HEAD_LEN             (TAG_LEN + SEQ_LEN + STAMP_LEN)

#define READ_BUFFER_SIZE     (256 * 1024)
/* The publisher composes this much at a time, then writes it. */
#define PUBLISH_CHUNK        (64 * 1024)
#define MAX_EVENTS           512
#define HANDSHAKE_MAX        (16 * 1024)


/* Latencies go into a log-linear histogram: exact below 128 us, then 64
 * buckets per power of two (under 1.6 % error), like HdrHistogram. */
#define HIST_SUB_BITS        6
#define HIST_SUB             (1 << HIST_SUB_BITS)
#define HIST_BUCKETS         (HIST_SUB * 64)

typedef enum {
  CONN_CONNECTING,
  CONN_HANDSHAKE,
  CONN_OPEN,
  CONN_CLOSED,
} ConnState;

typedef enum {
  PHASE_CONNECTING,
  PHASE_RUNNING,
  PHASE_CLOSING,
  PHASE_DONE,
} Phase;

typedef struct {
  guint8 *data;
  gsize   pos;      /* the first byte not yet written */
  gsize   len;
  gsize   cap;
} OutBuffer;

typedef struct _Bench Bench;

typedef struct {
  Bench           *bench;
  GSocket         *socket;
  int              fd;
  guint            index;          /* 0 is the publisher */
  ConnState        state;
  guint32          events;         /* what epoll watches */

  OutBuffer        out;
  char            *accept_key;     /* the Sec-WebSocket-Accept expected */
  GByteArray      *response;       /* the handshake response so far */

  DpxFrameScanner  scanner;
  guint8           control[125];   /* the payload of a control frame */
  guint8           control_len;
  guint8           msg_opcode;     /* of the message being received; 0 between */
  guint8           head_len;
  guint8           head[HEAD_LEN]; /* the first bytes of that message */
  guint64          msg_size;

  guint64          next_seq;
  gboolean         close_sent;
} Conn;

struct _Bench
{
  /* options */
  char            *url;
  guint            n_clients;
  guint64          n_messages;
  gsize            size;
  guint            window;
  gboolean         binary;
  guint            timeout;
  int              server_pid;

  /* the target */
  GSocketAddress  *address;
  char            *host_header;
  char            *path;

  Conn            *conns;          /* n_clients + 1: the publisher first */
  Conn            *publisher;
  guint            n_conns;
  int              epoll_fd;
  gint64           deadline;       /* of the whole run, or 0 */
  gint64           close_deadline;
  guint            read_interval;  /* microseconds */
  Phase            phase;
  guint            n_open;
  guint            n_closed;
  guint            n_subscribers_opened;

  /* the run */
  char             tag[TAG_LEN];
  guint8          *filler;         /* the message body after the header */
  guint64          rng;
  gint64           epoch;          /* monotonic time the run started */
  gint64           connect_end;
  gint64           publish_start;
  gint64           publish_end;
  gint64           cpu_start;
  gint64           cpu_end;
  gint64           server_cpu_start;
  gint64           server_cpu_end;
  guint64          sent;
  guint64          completed;      /* messages every subscriber has */
  guint32         *ring;           /* deliveries of each message in the window */
  guint64          deliveries;
  guint64          ignored;

  guint64         *histogram;
  guint64          latency_max;

  guint            n_errors;
  char            *first_error;
  guint8          *read_buffer;
};

static const char hex_digits[] = "0123456789abcdef";

/* errors ----------------------------------------------------------------- */

G_GNUC_PRINTF (2, 3)
static void
bench_error (Bench      *self,
             const char *format,
             ...)
{
  va_list args;

  self->n_errors++;
  if (self->first_error != NULL)
    return;
  va_start (args, format);
  self->first_error = g_strdup_vprintf (format, args);
  va_end (args);
}

static char *
conn_describe (Conn *c)
{
  if (c->index == 0)
    return g_strdup (_("publisher"));
  return g_strdup_printf (_("subscriber %u"), c->index);
}

G_GNUC_PRINTF (2, 3)
static void
conn_error (Conn       *c,
            const char *format,
            ...)
{
  g_autofree char *who = conn_describe (c);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  bench_error (c->bench, "%s: %s", who, what);
}

/* clocks and the histogram ----------------------------------------------- */

static gint64
cpu_time_of (clockid_t clock)
{
  struct timespec ts;

  if (clock_gettime (clock, &ts) != 0)
    return -1;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The CPU time of another process on this machine, all its threads, or -1. */
static gint64
server_cpu_time (Bench *self)
{
  clockid_t clock;

  if (self->server_pid <= 0 || clock_getcpuclockid (self->server_pid, &clock) != 0)
    return -1;
  return cpu_time_of (clock);
}

static guint
histogram_index (guint64 us)
{
  guint shift;

  if (us < 2 * HIST_SUB)
    return us;
  shift = g_bit_storage (us) - (HIST_SUB_BITS + 1);
  return shift * HIST_SUB + (us >> shift);
}

/* The middle of a bucket. */
static guint64
histogram_value (guint index)
{
  guint shift;

  if (index < 2 * HIST_SUB)
    return index;
  shift = index / HIST_SUB - 1;
  return ((guint64) (index - shift * HIST_SUB) << shift) + (((guint64) 1 << shift) >> 1);
}

static double
histogram_percentile (Bench *self,
                      guint  permille)
{
  guint64 rank = (self->deliveries * permille + 999) / 1000;
  guint64 seen = 0;

  if (self->deliveries == 0)
    return 0;
  rank = CLAMP (rank, 1, self->deliveries);
  for (guint i = 0; i < HIST_BUCKETS; i++)
    {
      seen += self->histogram[i];
      if (seen >= rank)
        return MIN (histogram_value (i), self->latency_max) / 1000.0;
    }
  return self->latency_max / 1000.0;
}

/* output ----------------------------------------------------------------- */

static void
out_reserve (OutBuffer *buf,
             gsize      n)
{
  if (buf->pos == buf->len)
    buf->pos = buf->len = 0;
  else if (buf->len + n > buf->cap && buf->pos > 0)
    {
      memmove (buf->data, buf->data + buf->pos, buf->len - buf->pos);
      buf->len -= buf->pos;
      buf->pos = 0;
    }
  if (buf->len + n > buf->cap)
    {
      buf->cap = MAX (buf->len + n, MAX (256, buf->cap * 2));
      buf->data = g_realloc (buf->data, buf->cap);
    }
}

static gsize
out_pending (OutBuffer *buf)
{
  return buf->len - buf->pos;
}

static void
out_append (OutBuffer  *buf,
            const void *data,
            gsize       n)
{
  out_reserve (buf, n);
  memcpy (buf->data + buf->len, data, n);
  buf->len += n;
}

static guint32
next_mask (Bench *self)
{
  guint64 x = self->rng;

  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  self->rng = x;
  return (guint32) (x >> 32);
}

/* Queues one masked frame whose payload is @head followed by @tail. */
static void
conn_queue_frame (Conn         *c,
                  guint8        opcode,
                  const guint8 *head,
                  gsize         head_len,
                  const guint8 *tail,
                  gsize         tail_len)
{
  gsize len = head_len + tail_len;
  guint32 mask = next_mask (c->bench);
  gsize header_size;
  guint8 *p;

  out_reserve (&c->out, DPX_FRAME_HEADER_MAX + len);
  p = c->out.data + c->out.len;
  header_size = dpx_frame_write_header (p, opcode, TRUE, len, (const guint8 *) &mask);
  p += header_size;
  if (head_len > 0)
    memcpy (p, head, head_len);
  if (tail_len > 0)
    memcpy (p + head_len, tail, tail_len);
  dpx_frame_apply_mask (p, len, (const guint8 *) &mask);
  c->out.len += header_size + len;
}

static void
conn_queue_close (Conn    *c,
                  gushort  code)
{
  guint8 payload[2] = { code >> 8, code & 0xff };

  conn_queue_frame (c, DPX_FRAME_OPCODE_CLOSE, payload, code ? 2 : 0, NULL, 0);
  c->close_sent = TRUE;
}

/* epoll ------------------------------------------------------------------ */

static void
conn_watch (Conn    *c,
            guint32  events)
{
  struct epoll_event event = { .events = events, .data.ptr = c };

  if (c->events == events)
    return;
  if (epoll_ctl (c->bench->epoll_fd, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &event) != 0)
    g_error ("epoll_ctl: %s", g_strerror (errno));
  c->events = events;
}

static void
conn_close (Conn *c)
{
  Bench *self = c->bench;

  if (c->state == CONN_CLOSED)
    return;
  if (c->state == CONN_OPEN)
    self->n_open--;
  c->state = CONN_CLOSED;
  self->n_closed++;
  if (c->events)
    epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
  c->events = 0;
  if (c->socket)
    g_socket_close (c->socket, NULL);
  g_clear_object (&c->socket);
  c->fd = -1;
  g_clear_pointer (&c->out.data, g_free);
  c->out.pos = c->out.len = c->out.cap = 0;
  g_clear_pointer (&c->response, g_byte_array_unref);
  g_clear_pointer (&c->accept_key, g_free);
}

/* A connection that fails while the run needs it is an error; at the end,
 * when the bench itself is closing, it is not. */
G_GNUC_PRINTF (2, 3)
static void
conn_fail (Conn       *c,
           const char *format,
           ...)
{
  if (c->bench->phase < PHASE_CLOSING)
    {
      g_autofree char *what = NULL;
      va_list args;

      va_start (args, format);
      what = g_strdup_vprintf (format, args);
      va_end (args);
      conn_error (c, "%s", what);
    }
  conn_close (c);
}

/* Writes what it can; watches for room when the socket is full. */
static void
conn_flush (Conn *c)
{
  OutBuffer *buf = &c->out;

  while (buf->pos < buf->len)
    {
      gssize n = send (c->fd, buf->data + buf->pos, buf->len - buf->pos, MSG_NOSIGNAL);

      if (n > 0)
        buf->pos += n;
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          conn_watch (c, EPOLLIN | EPOLLOUT);
          return;
        }
      else
        {
          conn_fail (c, _("sending failed: %s"), g_strerror (errno));
          return;
        }
    }
  buf->pos = buf->len = 0;
  conn_watch (c, EPOLLIN);
}

/* the handshake ---------------------------------------------------------- */

static void
conn_start_handshake (Conn *c)
{
  Bench *self = c->bench;
  guint8 nonce[16];
  g_autofree char *key = NULL;
  g_autofree char *request = NULL;

  for (guint i = 0; i < sizeof nonce; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (nonce + i, &r, 4);
    }
  key = g_base64_encode (nonce, sizeof nonce);
  c->accept_key = dpx_frame_accept_key (key);
  c->response = g_byte_array_new ();
  request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                             "Host: %s\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: %s\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "User-Agent: duplex-bench/" PACKAGE_VERSION "\r\n"
                             "\r\n",
                             self->path, self->host_header, key);
  c->state = CONN_HANDSHAKE;
  out_append (&c->out, request, strlen (request));
  conn_flush (c);
}

static void conn_parse (Conn         *c,
                        const guint8 *data,
                        gsize         len,
                        gint64        now);

static gboolean
check_handshake (Conn       *c,
                 const char *text,
                 gsize       len)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autofree char *reason = NULL;
  const char *accept;
  guint status = 0;

  if (!soup_headers_parse_response (text, len, headers, NULL, &status, &reason))
    {
      conn_fail (c, _("the server's handshake response is not HTTP"));
      return FALSE;
    }
  if (status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      conn_fail (c, _("the server answered %u %s instead of switching to WebSocket"), status,
                 reason ? reason : "");
      return FALSE;
    }
  accept = soup_message_headers_get_one (headers, "Sec-WebSocket-Accept");
  if (!soup_message_headers_header_contains (headers, "Upgrade", "websocket") ||
      g_strcmp0 (accept, c->accept_key) != 0)
    {
      conn_fail (c, _("the server's handshake response is not a valid WebSocket upgrade"));
      return FALSE;
    }
  if (soup_message_headers_get_one (headers, "Sec-WebSocket-Extensions") != NULL)
    {
      conn_fail (c, _("the server enabled an extension the bench did not offer"));
      return FALSE;
    }
  return TRUE;
}

static void
conn_read_handshake (Conn         *c,
                     const guint8 *data,
                     gsize         len,
                     gint64        now)
{
  Bench *self = c->bench;
  const char *end;
  gsize header_len;

  g_byte_array_append (c->response, data, len);
  /* Frames may follow the headers, but a NUL never comes before their end. */
  end = g_strstr_len ((const char *) c->response->data, c->response->len, "\r\n\r\n");
  if (end == NULL)
    {
      if (c->response->len > HANDSHAKE_MAX)
        conn_fail (c, _("the server's handshake response is too long"));
      return;
    }

  header_len = end + 4 - (const char *) c->response->data;
  if (!check_handshake (c, (const char *) c->response->data, header_len))
    return;

  c->state = CONN_OPEN;
  self->n_open++;
  if (c->index > 0)
    self->n_subscribers_opened++;
  if (self->n_open + self->n_closed == self->n_conns && self->phase == PHASE_CONNECTING)
    self->connect_end = g_get_monotonic_time ();
  g_clear_pointer (&c->accept_key, g_free);

  /* A server may start sending right after its response. */
  if (c->response->len > header_len)
    {
      g_autoptr(GByteArray) response = g_steal_pointer (&c->response);

      conn_parse (c, response->data + header_len, response->len - header_len, now);
    }
  else
    g_clear_pointer (&c->response, g_byte_array_unref);
}

/* receiving -------------------------------------------------------------- */

static guint64
parse_hex (const guint8 *p,
           guint         n,
           gboolean     *ok)
{
  guint64 value = 0;

  for (guint i = 0; i < n; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        *ok = FALSE;
      value = (value << 4) | (digit & 0xf);
    }
  return value;
}

static void
on_delivered (Bench  *self,
              guint64 seq,
              gint64  latency)
{
  guint slot = seq % self->window;

  latency = MAX (latency, 0);
  self->deliveries++;
  self->histogram[histogram_index (MIN ((guint64) latency, G_GUINT64_CONSTANT (1) << 40))]++;
  if ((guint64) latency > self->latency_max)
    self->latency_max = latency;

  /* Every subscriber receives in order, so the last subscriber to get a
   * message has all the earlier ones too. */
  if (++self->ring[slot] == self->n_clients)
    {
      self->ring[slot] = 0;
      self->completed = seq + 1;
    }
}

static void
on_message (Conn   *c,
            gint64  now)
{
  Bench *self = c->bench;
  gboolean ok = TRUE;
  guint64 seq;
  guint64 stamp;

  /* The publisher's own copies, from servers that echo to the sender. */
  if (c->index == 0)
    return;

  if (c->head_len < HEAD_LEN || memcmp (c->head, self->tag, TAG_LEN) != 0)
    {
      /* Someone else's message through the same server. */
      self->ignored++;
      return;
    }
  seq = parse_hex (c->head + TAG_LEN, SEQ_LEN, &ok);
  stamp = parse_hex (c->head + TAG_LEN + SEQ_LEN, STAMP_LEN, &ok);
  if (!ok || seq >= self->sent)
    {
      conn_fail (c, _("received a message the publisher did not send"));
      return;
    }
  if (c->msg_size != self->size)
    {
      conn_fail (c, _("message %llu arrived with %llu bytes instead of %zu"),
                 (unsigned long long) seq, (unsigned long long) c->msg_size, (gsize) self->size);
      return;
    }
  if (c->msg_opcode != (self->binary ? DPX_FRAME_OPCODE_BINARY : DPX_FRAME_OPCODE_TEXT))
    {
      conn_fail (c, _("message %llu arrived as %s"), (unsigned long long) seq,
                 self->binary ? _("text") : _("binary"));
      return;
    }
  if (seq != c->next_seq)
    {
      conn_fail (c, _("received message %llu when message %llu was due"),
                 (unsigned long long) seq, (unsigned long long) c->next_seq);
      return;
    }
  c->next_seq = seq + 1;
  on_delivered (self, seq, now - self->epoch - (gint64) stamp);
}

static void
on_control (Conn *c)
{
  guint8 opcode = c->scanner.opcode;

  if (opcode == DPX_FRAME_OPCODE_PING)
    {
      conn_queue_frame (c, DPX_FRAME_OPCODE_PONG, c->control, c->control_len, NULL, 0);
      conn_flush (c);
    }
  else if (opcode == DPX_FRAME_OPCODE_CLOSE)
    {
      gushort code = c->control_len >= 2 ? (c->control[0] << 8) | c->control[1] : 0;

      if (c->close_sent)
        {
          /* The close handshake is complete. */
          conn_close (c);
          return;
        }
      if (c->bench->phase < PHASE_CLOSING)
        conn_error (c, _("the server closed the connection with %u (%s)"), code ? code : 1005,
                    dpx_close_code_describe (code ? code : 1005));
      conn_queue_close (c, code);
      conn_flush (c);
      conn_close (c);
    }
}

/* Checks a frame header; FALSE when the connection had to be dropped. */
static gboolean
on_frame_header (Conn *c)
{
  DpxFrameScanner *scanner = &c->scanner;

  if (scanner->masked || scanner->rsv1 || (scanner->header[0] & 0x30) != 0)
    {
      conn_fail (c, _("the server sent a masked frame or reserved bits"));
      return FALSE;
    }
  if (dpx_frame_scanner_is_control (scanner))
    {
      if (scanner->payload_len > 125 || !scanner->fin ||
          (scanner->opcode != DPX_FRAME_OPCODE_CLOSE && scanner->opcode != DPX_FRAME_OPCODE_PING &&
           scanner->opcode != DPX_FRAME_OPCODE_PONG))
        {
          conn_fail (c, _("the server sent an invalid control frame"));
          return FALSE;
        }
      c->control_len = 0;
      return TRUE;
    }
  if (scanner->opcode == DPX_FRAME_OPCODE_CONTINUATION)
    {
      if (c->msg_opcode == 0)
        {
          conn_fail (c, _("the server sent a continuation frame outside a message"));
          return FALSE;
        }
      return TRUE;
    }
  if ((scanner->opcode != DPX_FRAME_OPCODE_TEXT && scanner->opcode != DPX_FRAME_OPCODE_BINARY) ||
      c->msg_opcode != 0)
    {
      conn_fail (c, _("the server sent an unexpected frame (opcode %u)"), scanner->opcode);
      return FALSE;
    }
  c->msg_opcode = scanner->opcode;
  c->msg_size = 0;
  c->head_len = 0;
  return TRUE;
}

/* Follows the frames in @data without copying more than headers. */
static void
conn_parse (Conn         *c,
            const guint8 *data,
            gsize         len,
            gint64        now)
{
  DpxFrameScanner *scanner = &c->scanner;

  while (len > 0 && c->state == CONN_OPEN)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (scanner, data, len, &consumed);

      if (event == DPX_FRAME_EVENT_HEADER && !on_frame_header (c))
        return;
      if (event == DPX_FRAME_EVENT_PAYLOAD)
        {
          if (dpx_frame_scanner_is_control (scanner))
            {
              memcpy (c->control + c->control_len, data, consumed);
              c->control_len += consumed;
            }
          else
            {
              if (c->head_len < HEAD_LEN)
                {
                  guint n = MIN (consumed, (gsize) (HEAD_LEN - c->head_len));

                  memcpy (c->head + c->head_len, data, n);
                  c->head_len += n;
                }
              c->msg_size += consumed;
            }
        }
      data += consumed;
      len -= consumed;

      if (event != DPX_FRAME_EVENT_NONE && dpx_frame_scanner_frame_done (scanner))
        {
          if (dpx_frame_scanner_is_control (scanner))
            on_control (c);
          else if (scanner->fin)
            {
              on_message (c, now);
              c->msg_opcode = 0;
            }
        }
    }
}

static void
conn_on_readable (Conn  *c,
                  Bench *self)
{
  gssize n = recv (c->fd, self->read_buffer, READ_BUFFER_SIZE, 0);
  gint64 now;

  if (n < 0)
    {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        conn_fail (c, _("receiving failed: %s"), g_strerror (errno));
      return;
    }
  if (n == 0)
    {
      if (c->state == CONN_HANDSHAKE)
        conn_fail (c, _("the server closed the connection during the handshake"));
      else
        conn_fail (c, _("the server dropped the connection without a close frame"));
      return;
    }

  now = g_get_monotonic_time ();
  if (c->state == CONN_HANDSHAKE)
    conn_read_handshake (c, self->read_buffer, n, now);
  else
    conn_parse (c, self->read_buffer, n, now);
}

static void
conn_on_event (Conn    *c,
               guint32  events)
{
  Bench *self = c->bench;

  if (c->state == CONN_CONNECTING)
    {
      g_autoptr(GError) error = NULL;

      if (!g_socket_check_connect_result (c->socket, &error))
        conn_fail (c, _("could not connect: %s"), error->message);
      else
        conn_start_handshake (c);
      return;
    }
  if ((events & EPOLLOUT) && c->state != CONN_CLOSED)
    conn_flush (c);
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c->state != CONN_CLOSED)
    conn_on_readable (c, self);
}

/* publishing ------------------------------------------------------------- */

static void
format_hex (char    *p,
            guint64  value,
            guint    n)
{
  for (guint i = n; i > 0; i--)
    {
      p[i - 1] = hex_digits[value & 0xf];
      value >>= 4;
    }
}

/* Sends what the window allows, stamped with the time it leaves, until the
 * window closes or the socket is full (then EPOLLOUT brings it back). */
static void
publisher_pump (Bench *self)
{
  Conn *c = self->publisher;
  char head[HEAD_LEN];

  if (self->phase != PHASE_RUNNING)
    return;

  memcpy (head, self->tag, TAG_LEN);
  while (c->state == CONN_OPEN && out_pending (&c->out) == 0 &&
         self->sent < self->n_messages && self->sent - self->completed < self->window)
    {
      format_hex (head + TAG_LEN + SEQ_LEN, g_get_monotonic_time () - self->epoch, STAMP_LEN);
      while (self->sent < self->n_messages && self->sent - self->completed < self->window &&
             out_pending (&c->out) < PUBLISH_CHUNK)
        {
          format_hex (head + TAG_LEN, self->sent, SEQ_LEN);
          conn_queue_frame (c, self->binary ? DPX_FRAME_OPCODE_BINARY : DPX_FRAME_OPCODE_TEXT,
                            (const guint8 *) head, HEAD_LEN, self->filler, self->size - HEAD_LEN);
          self->sent++;
        }
      conn_flush (c);
    }
}

/* the run ---------------------------------------------------------------- */

static void
bench_close_all (Bench *self)
{
  for (guint i = 0; i < self->n_conns; i++)
    conn_close (&self->conns[i]);
  self->phase = PHASE_DONE;
}

/* Ends the run: a polite close after success, an abrupt one otherwise. */
static void
bench_finish (Bench    *self,
              gboolean  polite)
{
  if (self->phase >= PHASE_CLOSING)
    return;

  if (self->publish_start != 0 && self->publish_end == 0)
    {
      self->publish_end = g_get_monotonic_time ();
      self->cpu_end = cpu_time_of (CLOCK_PROCESS_CPUTIME_ID);
      self->server_cpu_end = server_cpu_time (self);
    }
  if (self->connect_end == 0)
    self->connect_end = g_get_monotonic_time ();
  self->phase = PHASE_CLOSING;
  self->close_deadline = g_get_monotonic_time () + CLOSE_GRACE_MS * 1000;

  for (guint i = 0; i < self->n_conns; i++)
    {
      Conn *c = &self->conns[i];

      if (polite && c->state == CONN_OPEN)
        {
          conn_queue_close (c, 1000);
          conn_flush (c);
        }
      else
        conn_close (c);
    }
}

static void
bench_update (Bench *self)
{
  switch (self->phase)
    {
    case PHASE_CONNECTING:
      if (self->n_open == self->n_conns)
        {
          self->phase = PHASE_RUNNING;
          self->publish_start = g_get_monotonic_time ();
          self->cpu_start = cpu_time_of (CLOCK_PROCESS_CPUTIME_ID);
          self->server_cpu_start = server_cpu_time (self);
          publisher_pump (self);
        }
      else if (self->n_open + self->n_closed == self->n_conns)
        bench_finish (self, FALSE);
      break;

    case PHASE_RUNNING:
      if (self->n_errors > 0)
        bench_finish (self, FALSE);
      else if (self->completed == self->n_messages)
        bench_finish (self, TRUE);
      else
        publisher_pump (self);
      break;

    case PHASE_CLOSING:
      if (self->n_closed == self->n_conns)
        self->phase = PHASE_DONE;
      break;

    case PHASE_DONE:
    default:
      break;
    }
}

static void
on_timeout (Bench *self)
{
  self->deadline = 0;
  bench_error (self, _("timed out after %u s: %llu of %llu deliveries, %u of %u connections open"),
               self->timeout, (unsigned long long) self->deliveries,
               (unsigned long long) self->n_clients * self->n_messages,
               self->n_open, self->n_conns);
  bench_finish (self, FALSE);
  bench_close_all (self);
}

/* The bench's own loop: nothing but its sockets needs watching. While
 * messages flow, a round of reads starts at most every read_interval: a
 * client that wakes up for every frame costs the server (on loopback) and
 * itself a wake-up and an ACK per frame, while one that reads in rounds
 * takes dozens of frames per read. Latencies are then late by at most the
 * interval. */
static void
bench_loop (Bench *self)
{
  struct epoll_event events[MAX_EVENTS];

  while (self->phase != PHASE_DONE)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = self->phase == PHASE_CLOSING ? self->close_deadline : self->deadline;
      int timeout_ms = -1;
      gint64 round_start;
      int n;

      if (self->deadline != 0 && now >= self->deadline)
        {
          on_timeout (self);
          continue;
        }
      if (self->phase == PHASE_CLOSING && now >= self->close_deadline)
        {
          bench_close_all (self);
          continue;
        }
      if (self->deadline != 0 && self->deadline < wake)
        wake = self->deadline;
      if (wake != 0)
        timeout_ms = (MAX (wake - now, 0) + 999) / 1000;

      n = epoll_wait (self->epoll_fd, events, MAX_EVENTS, timeout_ms);
      if (n < 0 && errno != EINTR)
        g_error ("epoll_wait: %s", g_strerror (errno));
      round_start = g_get_monotonic_time ();
      for (int i = 0; i < n && self->phase != PHASE_DONE; i++)
        conn_on_event (events[i].data.ptr, events[i].events);
      bench_update (self);

      if (n > 0 && self->phase == PHASE_RUNNING && self->read_interval > 0)
        {
          gint64 spent = g_get_monotonic_time () - round_start;

          if (spent < self->read_interval)
            g_usleep (self->read_interval - spent);
        }
    }
}

static GSocket *
new_socket (Bench   *self,
            GError **error)
{
  GSocket *socket = g_socket_new (g_socket_address_get_family (self->address),
                                  G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return NULL;
  /* The publisher's small frames must leave at once. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return socket;
}

static void
conn_attach (Conn    *c,
             GSocket *socket)
{
  c->socket = socket;
  c->fd = g_socket_get_fd (socket);
  g_socket_set_blocking (socket, FALSE);
}

static void
conn_connect (Conn *c)
{
  Bench *self = c->bench;
  g_autoptr(GError) error = NULL;
  GSocket *socket = new_socket (self, &error);

  if (socket == NULL)
    {
      conn_fail (c, "%s", error->message);
      return;
    }
  conn_attach (c, socket);
  if (g_socket_connect (socket, self->address, NULL, &error))
    conn_start_handshake (c);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    conn_watch (c, EPOLLOUT);
  else
    conn_fail (c, _("could not connect: %s"), error->message);
}

/* Connects the publisher with a blocking connect to each address of the
 * host in turn; the subscribers then use the one that answered. */
static gboolean
connect_publisher (Bench    *self,
                   GList    *addresses,
                   guint16   port,
                   GError  **error)
{
  g_autoptr(GError) last_error = NULL;

  for (GList *l = addresses; l; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (l->data, port);
      g_autoptr(GSocket) socket = NULL;

      g_clear_error (&last_error);
      g_set_object (&self->address, address);
      socket = new_socket (self, &last_error);
      if (socket == NULL)
        continue;
      g_socket_set_timeout (socket, self->timeout);
      if (g_socket_connect (socket, address, NULL, &last_error))
        {
          g_socket_set_timeout (socket, 0);
          conn_attach (self->publisher, g_steal_pointer (&socket));
          return TRUE;
        }
    }
  g_propagate_error (error, g_steal_pointer (&last_error));
  return FALSE;
}

static gboolean
resolve_target (Bench    *self,
                GList   **addresses,
                guint16  *port,
                GError  **error)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, error);
  g_autoptr(GResolver) resolver = NULL;
  GInetAddress *literal;
  const char *host;
  const char *path;
  int uri_port;

  if (uri == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  uri_port = g_uri_get_port (uri);
  *port = uri_port > 0 ? uri_port : 80;
  if (strchr (host, ':') != NULL)
    self->host_header = uri_port > 0 ? g_strdup_printf ("[%s]:%d", host, uri_port)
                                     : g_strdup_printf ("[%s]", host);
  else
    self->host_header = uri_port > 0 ? g_strdup_printf ("%s:%d", host, uri_port) : g_strdup (host);
  path = g_uri_get_path (uri);
  self->path = g_strdup_printf ("%s%s%s", *path ? path : "/", g_uri_get_query (uri) ? "?" : "",
                                g_uri_get_query (uri) ? g_uri_get_query (uri) : "");

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      *addresses = g_list_append (NULL, literal);
      return TRUE;
    }
  resolver = g_resolver_get_default ();
  *addresses = g_resolver_lookup_by_name (resolver, host, NULL, error);
  return *addresses != NULL;
}

/* A burst of a thousand sockets needs more than the usual soft limit. */
static gboolean
raise_fd_limit (guint    needed,
                GError **error)
{
  guint64 limit = dpx_raise_open_file_limit ();

  if (limit < needed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                   _("%u clients need about %u open files, but this process may open only %lu "
                     "(see ulimit -n)"), needed - EXTRA_FDS - 1, needed, (gulong) limit);
      return FALSE;
    }
  return TRUE;
}

static void
bench_run (Bench *self)
{
  g_autolist(GInetAddress) addresses = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  guint16 tag = g_random_int_range (0, 0x10000);

  format_hex (self->tag, tag, TAG_LEN);
  self->rng = ((guint64) g_random_int () << 32) | g_random_int () | 1;
  self->filler = g_malloc (MAX (self->size, HEAD_LEN) - HEAD_LEN + 1);
  for (gsize i = 0; i + HEAD_LEN < self->size; i++)
    self->filler[i] = 'a' + i % 26;
  self->ring = g_new0 (guint32, self->window);
  self->histogram = g_new0 (guint64, HIST_BUCKETS);
  self->read_buffer = g_malloc (READ_BUFFER_SIZE);
  self->n_conns = self->n_clients + 1;
  self->conns = g_new0 (Conn, self->n_conns);
  for (guint i = 0; i < self->n_conns; i++)
    {
      self->conns[i].bench = self;
      self->conns[i].index = i;
      self->conns[i].fd = -1;
    }
  self->publisher = &self->conns[0];

  if (!raise_fd_limit (self->n_conns + EXTRA_FDS, &error))
    {
      bench_error (self, "%s", error->message);
      return;
    }
  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    {
      bench_error (self, "epoll: %s", g_strerror (errno));
      return;
    }

  self->epoch = g_get_monotonic_time ();
  if (self->timeout > 0)
    self->deadline = self->epoch + (gint64) self->timeout * G_USEC_PER_SEC;

  if (!resolve_target (self, &addresses, &port, &error) ||
      !connect_publisher (self, addresses, port, &error))
    {
      bench_error (self, _("could not connect to %s: %s"), self->url, error->message);
      self->connect_end = g_get_monotonic_time ();
      bench_close_all (self);
      return;
    }

  conn_start_handshake (self->publisher);
  for (guint i = 1; i < self->n_conns; i++)
    conn_connect (&self->conns[i]);
  bench_update (self);

  bench_loop (self);
}

static void
bench_clear (Bench *self)
{
  for (guint i = 0; self->conns && i < self->n_conns; i++)
    conn_close (&self->conns[i]);
  g_clear_pointer (&self->conns, g_free);
  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
  g_clear_object (&self->address);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->host_header, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->filler, g_free);
  g_clear_pointer (&self->ring, g_free);
  g_clear_pointer (&self->histogram, g_free);
  g_clear_pointer (&self->read_buffer, g_free);
  g_clear_pointer (&self->first_error, g_free);
}

/* the report ------------------------------------------------------------- */

static void
append_name (GString    *json,
             const char *name)
{
  if (json->str[json->len - 1] != '{')
    g_string_append_c (json, ',');
  g_string_append_printf (json, "\"%s\":", name);
}

/* JSON numbers with a fixed number of decimals, whatever the locale. */
static void
append_number (GString    *json,
               const char *name,
               const char *format,
               double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  append_name (json, name);
  g_string_append (json, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static void
append_int (GString    *json,
            const char *name,
            guint64     value)
{
  append_name (json, name);
  g_string_append_printf (json, "%" G_GUINT64_FORMAT, value);
}

static void
append_string (GString    *json,
               const char *name,
               const char *value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *text = NULL;

  append_name (json, name);
  if (value == NULL)
    {
      g_string_append (json, "null");
      return;
    }
  json_node_set_string (node, value);
  text = json_to_string (node, FALSE);
  g_string_append (json, text);
}

static char *
bench_report (Bench *self)
{
  GString *json = g_string_new ("{");
  double seconds = 0;

  if (self->publish_end > self->publish_start)
    seconds = (self->publish_end - self->publish_start) / (double) G_USEC_PER_SEC;

  append_string (json, "url", self->url);
  append_int (json, "clients", self->n_clients);
  append_int (json, "messages", self->n_messages);
  append_int (json, "size", self->size);
  append_name (json, "binary");
  g_string_append (json, self->binary ? "true" : "false");
  append_int (json, "window", self->window);
  append_int (json, "read_interval_us", self->read_interval);
  append_int (json, "connected", self->n_subscribers_opened);
  append_number (json, "connect_ms", "%.3f",
                 self->connect_end > self->epoch ? (self->connect_end - self->epoch) / 1000.0 : 0);
  append_int (json, "deliveries", self->deliveries);
  append_int (json, "expected_deliveries", (guint64) self->n_clients * self->n_messages);
  append_number (json, "duration_ms", "%.3f", seconds * 1000);
  append_number (json, "deliveries_per_sec", "%.0f", seconds > 0 ? self->deliveries / seconds : 0);
  append_number (json, "messages_per_sec", "%.1f", seconds > 0 ? self->completed / seconds : 0);
  append_name (json, "latency_ms");
  g_string_append_c (json, '{');
  append_number (json, "p50", "%.3f", histogram_percentile (self, 500));
  append_number (json, "p99", "%.3f", histogram_percentile (self, 990));
  append_number (json, "max", "%.3f", self->latency_max / 1000.0);
  g_string_append_c (json, '}');
  if (self->cpu_start >= 0 && self->cpu_end > 0)
    append_number (json, "bench_cpu_ms", "%.3f", (self->cpu_end - self->cpu_start) / 1000.0);
  if (self->server_pid > 0 && self->server_cpu_start >= 0 && self->server_cpu_end >= 0)
    append_number (json, "server_cpu_ms", "%.3f",
                   (self->server_cpu_end - self->server_cpu_start) / 1000.0);
  else if (self->server_pid > 0)
    append_string (json, "server_cpu_ms", NULL);
  append_int (json, "ignored", self->ignored);
  append_int (json, "errors", self->n_errors);
  append_string (json, "first_error", self->first_error);
  g_string_append_c (json, '}');
  return g_string_free (json, FALSE);
}

/* the command ------------------------------------------------------------ */

static void
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "duplex: %s\n\n%s", message, help);
}

int
dpx_bench_run (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *size_text = NULL;
  g_autofree char *report = NULL;
  Bench bench = { 0 };
  int clients = DEFAULT_CLIENTS;
  gint64 messages = DEFAULT_MESSAGES;
  int window = 0;
  int timeout = DEFAULT_TIMEOUT;
  int server_pid = 0;
  int read_interval = DEFAULT_READ_INTERVAL;
  gboolean binary = FALSE;
  guint64 size = DEFAULT_SIZE;
  gboolean ok;
  GOptionEntry entries[] = {
    { "clients", 'c', 0, G_OPTION_ARG_INT, &clients,
      N_("Subscribers to open (default 10)"), N_("N") },
    { "messages", 'n', 0, G_OPTION_ARG_INT64, &messages,
      N_("Messages the publisher sends (default 1000)"), N_("M") },
    { "size", 's', 0, G_OPTION_ARG_STRING, &size_text,
      N_("Bytes in each message, at least 24 (default 64; K and M suffixes work)"), N_("BYTES") },
    { "window", 'w', 0, G_OPTION_ARG_INT, &window,
      N_("Messages in flight: sent but not yet received by every subscriber "
         "(default 1000, fewer when that is over 4 MiB)"), N_("W") },
    { "binary", 'b', 0, G_OPTION_ARG_NONE, &binary,
      N_("Send binary messages instead of text"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up after this many seconds in all (default 60; 0 waits for ever)"), N_("SECONDS") },
    { "read-interval", 0, 0, G_OPTION_ARG_INT, &read_interval,
      N_("While messages flow, read at most every this many microseconds, so each read "
         "takes many frames; latencies may be late by as much (default 200; 0 reads every "
         "frame at once)"),
      N_("MICROSECONDS") },
    { "server-pid", 0, 0, G_OPTION_ARG_INT, &server_pid,
      N_("Also report the CPU time this process (the server, on this machine) used during the run"),
      N_("PID") },
    { NULL }
  };

  context = g_option_context_new (_("URL"));
  g_option_context_set_summary (context,
    _("Measure a broadcast server: open N subscribers and one publisher on URL, publish M messages "
      "of the given size, wait until every subscriber has all of them, and print one JSON line "
      "with deliveries per second, publish-to-delivery latency (p50, p99, max in ms), the time "
      "to connect every client and the errors.\n\n"
      "Any server that relays each message to every client works, whether or not it echoes "
      "to the sender. Only ws:// URLs are supported."));
  g_option_context_set_description (context,
    _("Exit status: 0 when every subscriber received every message, 1 on errors or timeout, "
      "2 on a usage error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_set_prgname ("duplex bench");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "duplex: %s\n%s\n", error->message,
               _("Run with --help to see the options."));
      return DPX_EXIT_USAGE;
    }
  if (argc != 2)
    {
      usage_error (context, _("bench needs exactly one URL"));
      return DPX_EXIT_USAGE;
    }
  if (!dpx_client_check_url (argv[1], &error))
    {
      usage_error (context, error->message);
      return DPX_EXIT_USAGE;
    }
  if (g_strcmp0 (g_uri_peek_scheme (argv[1]), "ws") != 0)
    {
      usage_error (context, _("bench supports ws:// URLs only"));
      return DPX_EXIT_USAGE;
    }
  if (clients < 1 || messages < 1 || messages > G_MAXUINT32 || timeout < 0 || window < 0 ||
      server_pid < 0 || read_interval < 0 || read_interval > G_USEC_PER_SEC)
    {
      usage_error (context, _("--clients and --messages must be at least 1 (--messages at "
                              "most 4294967295), --window, --timeout and --server-pid not "
                              "negative, --read-interval between 0 and 1000000"));
      return DPX_EXIT_USAGE;
    }
  if (size_text &&
      (!dpx_parse_size (size_text, &size, &error) || size < HEAD_LEN || size > MAX_SIZE))
    {
      usage_error (context, error ? error->message : _("--size must be between 24 bytes and 64M"));
      return DPX_EXIT_USAGE;
    }

  bench.url = g_strdup (argv[1]);
  bench.n_clients = clients;
  bench.n_messages = messages;
  bench.size = size;
  bench.binary = binary;
  bench.timeout = timeout;
  bench.server_pid = server_pid;
  bench.read_interval = read_interval;
  if (window == 0)
    window = CLAMP (WINDOW_MAX_BYTES / size, 1, DEFAULT_WINDOW);
  bench.window = MIN ((guint64) window, bench.n_messages);
  bench.epoll_fd = -1;
  bench.cpu_start = -1;

  bench_run (&bench);

  report = bench_report (&bench);
  printf ("%s\n", report);
  fflush (stdout);
  if (bench.first_error)
    fprintf (stderr, "duplex: %s\n", bench.first_error);

  ok = bench.n_errors == 0 && bench.completed == bench.n_messages;
  bench_clear (&bench);
  return ok ? DPX_EXIT_OK : DPX_EXIT_FAILURE;
}
