/* dpx-guard-input-stream.c: holds the peer to the protocol and a size limit, below libsoup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Why one long file: the protocol rules, the inflater that counts
 * compressed messages, the UTF-8 check and the relay's fast path all act on
 * the same frame as it goes by, in one pass over the socket's bytes.
 */
#define G_LOG_DOMAIN "Duplex-Relay"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <zlib.h>

#include "dpx-frame.h"
#include "dpx-guard-input-stream.h"

/* libsoup 3.2 checks its size limit per frame on the wire, so a message in
 * many fragments, or a small frame that inflates to a huge one, reaches its
 * buffers whole. This stream sits between the socket and the server-side
 * SoupWebsocketConnection and follows the client's frames:
 *
 *  - plain data frames are passed on as they arrive, unless the message they
 *    belong to has grown past the limit;
 *  - compressed frames are held until complete while a private inflater
 *    counts what they expand to, then passed on or dropped whole, so libsoup
 *    never sees half a frame;
 *  - once the limit is broken, every later data frame is dropped and only
 *    control frames (the peer's close reply above all) get through, while the
 *    owner closes the connection with a code the peer can read.
 *
 * It also holds the peer to RFC 6455 and RFC 7692 before libsoup sees a
 * frame, because libsoup reports every breach with the same generic words,
 * checks UTF-8 only once a message is whole, and rejects close codes
 * 1012-1014: masking, reserved bits and opcodes, control frames, the order
 * of fragments, a length with its top bit set, and UTF-8 in text messages
 * at the first bad byte, across fragments and after inflation. At the first
 * breach nothing more is passed on (what came before still is); the owner
 * closes with the violation's code and ends the stream. A close frame with
 * 1012-1014 reaches libsoup as 1000, and the real code is kept.
 *
 * The relay's fast path: with a message function set (and no compression),
 * data frames never reach libsoup. Their payload is unmasked straight into
 * the frame the relay sends on, with room left in front for the server's
 * header, checked for UTF-8 on the way across fragments, and handed over
 * whole; libsoup sees only the handshake's aftermath, control frames and the
 * close. With a control function set as well, control frames go to the
 * owner too (unmasked, whole) and the reader is handed nothing: the relay
 * then needs no SoupWebsocketConnection for the client at all. libsoup's receive path had cost a GBytes, a signal emission through
 * the generic marshaller, a debug message formatted and a second UTF-8 check
 * per message, and a copy of every payload.
 */

#define READ_CHUNK (16 * 1024)

/* What one round of libsoup's reads may take before it has to come back to
 * the main loop: the relay judges its queues between rounds, so this bounds
 * how far a fast publisher can run past a full queue. */
#define READ_ROUND_BYTES (64 * 1024)

#define DPX_FRAME_OPCODE_PING 0x9

/* Room for the longest unmasked header in front of a message's payload. */
#define MESSAGE_HEADROOM 10

/* What a message's buffer may take before its bytes arrive: a frame that
 * claims more grows as they come, so a claimed length costs nothing. */
#define MESSAGE_PREALLOC (64 * 1024)

typedef enum {
  ACTION_FORWARD,
  ACTION_HOLD,
  ACTION_DISCARD,
  ACTION_DELIVER,    /* the fast path: into the message buffer */
} FrameAction;

/* Where an incremental UTF-8 check stands inside a text message. */
typedef struct {
  guint8  need;        /* continuation bytes still expected */
  guint8  low, high;   /* the range the next continuation byte must be in */
  guint64 offset;      /* bytes of the message checked so far */
  guint64 start;       /* offset of the character being read */
} Utf8Check;

struct _DpxGuardInputStream
{
  GFilterInputStream     parent_instance;

  DpxFrameScanner        scanner;
  FrameAction            action;

  guint64                max_message_size;
  guint64                message_wire_size;
  guint64                message_inflated_size;
  gboolean               message_compressed;

  gboolean               inflate_enabled;
  z_stream              *inflater;  /* made for the first compressed frame */

  /* Made on first use: most clients never send a frame that needs them. */
  GByteArray            *held;     /* a compressed or control frame, header included */
  GByteArray            *ready;    /* bytes cleared for the reader */
  gsize                  ready_offset;

  gboolean               violated;
  DpxGuardViolationFunc  violation_func;
  gpointer               violation_data;

  gsize                  round_bytes;  /* handed to the reader this round */
  gboolean               paused;
  GCancellable          *wake;         /* cancelled to wake a paused reader */
  GSocket               *socket;       /* to see a paused peer hang up */

  guint64                pings;
  guint64                ping_bytes;
  GFunc                  ping_func;
  gpointer               ping_data;

  DpxGuardMessageFunc    message_func;
  gpointer               message_data;
  DpxGuardControlFunc    control_func;
  gpointer               control_data;
  guint8                *message;      /* MESSAGE_HEADROOM, then the payload so far */
  gsize                  message_len;  /* payload bytes in it */
  gsize                  message_cap;  /* its allocated size */
  guint8                 message_opcode;

  gboolean               peer_is_client;  /* its frames must be masked */
  gboolean               in_message;      /* a fragmented message is open */
  gboolean               message_text;
  gboolean               holding_close;
  gboolean               holding_control;  /* for control_func */
  gboolean               stopped;         /* a breach: nothing more is passed on */
  gboolean               ended;           /* the reader sees the end */
  Utf8Check              utf8;
  DpxGuardViolation      violation;
  char                  *problem;         /* in the reader's language */
  char                  *wire_problem;    /* in English, for a close reason */
  guint                  peer_close_code;
};

static void pollable_iface_init (GPollableInputStreamInterface *iface);

static GByteArray *
held (DpxGuardInputStream *self)
{
  if (self->held == NULL)
    self->held = g_byte_array_new ();
  return self->held;
}

static void
clear_held (DpxGuardInputStream *self)
{
  if (self->held != NULL)
    g_byte_array_set_size (self->held, 0);
}

static GByteArray *
ready (DpxGuardInputStream *self)
{
  if (self->ready == NULL)
    self->ready = g_byte_array_new ();
  return self->ready;
}

static inline gsize
ready_avail (DpxGuardInputStream *self)
{
  return self->ready != NULL ? self->ready->len - self->ready_offset : 0;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (DpxGuardInputStream, dpx_guard_input_stream, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM, pollable_iface_init))

static void
violate (DpxGuardInputStream *self,
         DpxGuardViolation    violation,
         guint64              size)
{
  if (self->violated)
    return;
  self->violated = TRUE;
  if (self->violation_func)
    self->violation_func (violation, size, self->violation_data);
}

/* Stops the stream at a breach of the protocol, saying what it was. The
 * format is marked with N_(): it is kept in English for the close reason,
 * and translated for the person reading. */
static void G_GNUC_PRINTF (3, 4)
breach (DpxGuardInputStream *self,
        DpxGuardViolation    violation,
        const char          *format,
        ...)
{
  va_list args;

  if (self->stopped)
    return;
  self->stopped = TRUE;
  self->action = ACTION_DISCARD;
  /* The owner is closing over the first violation already. */
  if (self->violated)
    return;
  va_start (args, format);
  self->wire_problem = g_strdup_vprintf (format, args);
  va_end (args);
  va_start (args, format);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  self->problem = g_strdup_vprintf (_(format), args);
#pragma GCC diagnostic pop
  va_end (args);
  self->violation = violation;
  violate (self, violation, 0);
}

/* Feeds @length bytes of a text message to the UTF-8 check; FALSE at the
 * first byte that cannot be UTF-8, with the breach reported. */
static gboolean
check_utf8 (DpxGuardInputStream *self,
            const guint8        *data,
            gsize                length)
{
  Utf8Check *u = &self->utf8;

  for (gsize i = 0; i < length; i++, u->offset++)
    {
      guint8 b;

      /* Plain ASCII eight bytes at a time, between characters. */
      if (u->need == 0)
        while (i + 8 <= length)
          {
            guint64 word;

            memcpy (&word, data + i, 8);
            if (word & G_GUINT64_CONSTANT (0x8080808080808080))
              break;
            i += 8;
            u->offset += 8;
          }
      if (i == length)
        break;
      b = data[i];

      if (u->need > 0)
        {
          if (b < u->low || b > u->high)
            goto invalid;
          u->low = 0x80;
          u->high = 0xbf;
          u->need--;
          continue;
        }
      u->start = u->offset;
      u->low = 0x80;
      u->high = 0xbf;
      if (b < 0x80)
        continue;
      else if (b >= 0xc2 && b <= 0xdf)
        u->need = 1;
      else if (b == 0xe0)
        u->need = 2, u->low = 0xa0;     /* no overlong forms */
      else if (b == 0xed)
        u->need = 2, u->high = 0x9f;    /* no UTF-16 surrogates */
      else if (b >= 0xe1 && b <= 0xef)
        u->need = 2;
      else if (b == 0xf0)
        u->need = 3, u->low = 0x90;
      else if (b >= 0xf1 && b <= 0xf3)
        u->need = 3;
      else if (b == 0xf4)
        u->need = 3, u->high = 0x8f;    /* nothing past U+10FFFF */
      else
        goto invalid;
    }
  return TRUE;

invalid:
  breach (self, DPX_GUARD_VIOLATION_INVALID_UTF8, N_("invalid UTF-8 at byte %llu of a text message"),
          (unsigned long long) u->start + 1);
  return FALSE;
}

/* A text message ends: a character cut short is invalid too. */
static gboolean
check_utf8_end (DpxGuardInputStream *self)
{
  if (self->utf8.need == 0)
    return TRUE;
  breach (self, DPX_GUARD_VIOLATION_INVALID_UTF8,
          N_("invalid UTF-8 at byte %llu of a text message (it ends inside a character)"),
          (unsigned long long) self->utf8.start + 1);
  return FALSE;
}

/* Counts the inflated size of @length compressed bytes; FALSE on bad data. */
static gboolean
count_inflated (DpxGuardInputStream *self,
                const guint8        *data,
                gsize                length)
{
  guint8 scratch[16 * 1024];

  if (self->inflater == NULL)
    {
      z_stream *inflater = g_new0 (z_stream, 1);

      if (inflateInit2 (inflater, -MAX_WBITS) != Z_OK)
        {
          g_free (inflater);
          return FALSE;
        }
      self->inflater = inflater;
    }

  self->inflater->next_in = (Bytef *) data;
  self->inflater->avail_in = length;
  do
    {
      int ret;

      self->inflater->next_out = scratch;
      self->inflater->avail_out = sizeof scratch;
      ret = inflate (self->inflater, Z_SYNC_FLUSH);
      self->message_inflated_size += sizeof scratch - self->inflater->avail_out;
      if (self->message_text &&
          !check_utf8 (self, scratch, sizeof scratch - self->inflater->avail_out))
        return TRUE;

      if (ret == Z_STREAM_END)
        inflateReset (self->inflater);
      else if (ret == Z_BUF_ERROR)
        break;
      else if (ret != Z_OK)
        return FALSE;

      if (self->message_inflated_size > self->max_message_size)
        return TRUE;
    }
  while (self->inflater->avail_in > 0 || self->inflater->avail_out == 0);

  return TRUE;
}

static gboolean
fast_path (DpxGuardInputStream *self)
{
  return self->message_func != NULL && !self->inflate_enabled;
}

static void
drop_message (DpxGuardInputStream *self)
{
  g_clear_pointer (&self->message, g_free);
  self->message_len = 0;
  self->message_cap = 0;
}

/* Makes room for @more payload bytes after those already in. */
static void
reserve_message (DpxGuardInputStream *self,
                 guint64              more)
{
  gsize need = MESSAGE_HEADROOM + self->message_len + more;

  if (need <= self->message_cap)
    return;
  /* Fragments double the buffer rather than grow it per frame. */
  if (self->message_cap > 0)
    need = MAX (need, MIN (self->message_cap * 2, MESSAGE_HEADROOM + self->max_message_size));
  self->message = g_realloc (self->message, need);
  self->message_cap = need;
}

/* Payload bytes of the current data frame, into the message buffer. */
static void
take_payload (DpxGuardInputStream *self,
              const guint8        *data,
              gsize                length)
{
  DpxFrameScanner *s = &self->scanner;
  guint64 offset = dpx_frame_scanner_payload_offset (s) - length;
  guint8 *out;

  reserve_message (self, length);
  out = self->message + MESSAGE_HEADROOM + self->message_len;
  if (s->masked)
    dpx_frame_unmask_copy (out, data, length, s->mask, offset);
  else
    memcpy (out, data, length);
  if (self->message_text && !check_utf8 (self, out, length))
    {
      drop_message (self);
      return;
    }
  self->message_len += length;
}

/* The message is whole: the server's header goes in front of it, and the
 * frame goes to the owner, which may keep it. */
static void
deliver_message (DpxGuardInputStream *self)
{
  gsize used = MESSAGE_HEADROOM + self->message_len;
  gsize header_len = dpx_frame_header_size_for (self->message_len, FALSE);
  guint8 *start;
  GBytes *frame;

  /* Queued bytes are counted at their frame's size: what grew past it by
   * doubling is given back. */
  if (self->message_cap - used > used / 8)
    {
      self->message = g_realloc (self->message, used);
      self->message_cap = used;
    }
  start = self->message + MESSAGE_HEADROOM - header_len;
  dpx_frame_write_header (start, self->message_opcode, TRUE, self->message_len, NULL);
  frame = g_bytes_new_with_free_func (start, header_len + self->message_len, g_free,
                                      g_steal_pointer (&self->message));
  self->message_len = 0;
  self->message_cap = 0;
  self->message_func (self, self->message_opcode, frame, header_len, self->message_data);
  g_bytes_unref (frame);
}

/* RFC 6455 section 5 and RFC 7692 section 6: FALSE at a breach. */
static gboolean
check_header (DpxGuardInputStream *self)
{
  DpxFrameScanner *s = &self->scanner;
  guint rsv = (s->header[0] >> 4) & 0x7;
  gboolean control = dpx_frame_scanner_is_control (s);

  if (s->masked != self->peer_is_client)
    {
      if (self->peer_is_client)
        breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("the client did not mask its frame"));
      else
        breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("the server masked its frame"));
      return FALSE;
    }
  if (rsv & 0x2)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("reserved bit 2 set"));
  else if (rsv & 0x1)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("reserved bit 3 set"));
  else if ((rsv & 0x4) && !self->inflate_enabled)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL,
            N_("reserved bit 1 set, but permessage-deflate was not agreed"));
  else if ((rsv & 0x4) && control)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("reserved bit 1 set on a control frame"));
  else if ((rsv & 0x4) && s->opcode == DPX_FRAME_OPCODE_CONTINUATION)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("reserved bit 1 set on a continuation frame"));
  else if ((s->opcode > DPX_FRAME_OPCODE_BINARY && s->opcode < DPX_FRAME_OPCODE_CLOSE) ||
           s->opcode > DPX_FRAME_OPCODE_PONG)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("reserved opcode %u"), (guint) s->opcode);
  else if (control && !s->fin)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("a fragmented control frame"));
  else if (control && s->payload_len > 125)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL,
            N_("a control frame of %llu bytes (the limit is 125)"),
            (unsigned long long) MIN (s->payload_len, G_MAXINT64));
  else if (s->payload_len >> 63)
    breach (self, DPX_GUARD_VIOLATION_IMPOSSIBLE_LENGTH,
            N_("a frame length with its top bit set, which no frame can have"));
  else if (s->opcode == DPX_FRAME_OPCODE_CONTINUATION && !self->in_message)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL, N_("a continuation frame outside a message"));
  else if (!control && s->opcode != DPX_FRAME_OPCODE_CONTINUATION && self->in_message)
    breach (self, DPX_GUARD_VIOLATION_PROTOCOL,
            N_("a new message inside a fragmented one"));
  return !self->stopped;
}

static void
begin_frame (DpxGuardInputStream *self)
{
  DpxFrameScanner *s = &self->scanner;

  if (!check_header (self))
    return;

  if (dpx_frame_scanner_is_control (s))
    {
      /* The owner answers control frames itself: each is held whole (125
       * bytes at most) and handed over unmasked. */
      if (self->control_func != NULL)
        {
          self->holding_control = TRUE;
          self->action = ACTION_HOLD;
          clear_held (self);
          return;
        }
      /* A close frame is held whole, to see its code. */
      if (s->opcode == DPX_FRAME_OPCODE_CLOSE)
        {
          self->holding_close = TRUE;
          self->action = ACTION_HOLD;
          clear_held (self);
          return;
        }
      /* Each ping makes libsoup queue a pong the relay cannot see: count
       * them, so an unread flood of pongs counts against the peer's share. */
      if (s->opcode == DPX_FRAME_OPCODE_PING)
        {
          self->pings++;
          self->ping_bytes += s->payload_len;
          if (self->ping_func)
            self->ping_func (self, self->ping_data);
        }
      self->action = ACTION_FORWARD;
      return;
    }

  if (s->opcode != DPX_FRAME_OPCODE_CONTINUATION)
    {
      self->message_wire_size = 0;
      self->message_inflated_size = 0;
      self->message_compressed = s->rsv1 && self->inflate_enabled;
      self->message_text = s->opcode == DPX_FRAME_OPCODE_TEXT;
      memset (&self->utf8, 0, sizeof self->utf8);
    }
  self->in_message = !s->fin;

  if (self->violated)
    {
      self->action = ACTION_DISCARD;
      drop_message (self);
      return;
    }

  /* Compared without adding: a 64-bit length must not wrap the sum. */
  if (s->payload_len > self->max_message_size - self->message_wire_size)
    {
      self->action = ACTION_DISCARD;
      drop_message (self);
      violate (self, DPX_GUARD_VIOLATION_TOO_BIG,
               s->payload_len > G_MAXUINT64 - self->message_wire_size ? G_MAXUINT64
                                                                      : self->message_wire_size + s->payload_len);
      return;
    }
  self->message_wire_size += s->payload_len;

  if (fast_path (self))
    {
      /* Nothing the peer sends after its close frame is its message. */
      if (self->peer_close_code != 0 || self->holding_close)
        {
          self->action = ACTION_DISCARD;
          drop_message (self);
          return;
        }
      if (s->opcode != DPX_FRAME_OPCODE_CONTINUATION)
        {
          drop_message (self);
          self->message_opcode = s->opcode;
        }
      reserve_message (self, MIN (s->payload_len, MESSAGE_PREALLOC));
      self->action = ACTION_DELIVER;
      return;
    }

  self->action = self->message_compressed ? ACTION_HOLD : ACTION_FORWARD;
  if (self->action == ACTION_HOLD)
    clear_held (self);
}

static void
hold_payload (DpxGuardInputStream *self,
              const guint8        *data,
              gsize                length)
{
  DpxFrameScanner *s = &self->scanner;
  guint64 offset = dpx_frame_scanner_payload_offset (s) - length;
  guint plain_start = held (self)->len;

  g_byte_array_append (held (self), data, length);
  if (self->holding_close || self->holding_control)
    return;

  /* Unmask a copy in place at the end of the held frame, inflate-count it,
   * then mask it back: libsoup must receive the frame untouched. */
  if (s->masked)
    for (gsize i = 0; i < length; i++)
      self->held->data[plain_start + i] ^= s->mask[(offset + i) & 3];

  if (!count_inflated (self, self->held->data + plain_start, length))
    {
      self->action = ACTION_DISCARD;
      violate (self, DPX_GUARD_VIOLATION_BAD_DEFLATE, self->message_inflated_size);
      return;
    }
  if (self->stopped)
    return;

  if (s->masked)
    for (gsize i = 0; i < length; i++)
      self->held->data[plain_start + i] ^= s->mask[(offset + i) & 3];

  if (self->message_inflated_size > self->max_message_size)
    {
      self->action = ACTION_DISCARD;
      violate (self, DPX_GUARD_VIOLATION_TOO_BIG, self->message_inflated_size);
    }
}

/* libsoup 3.2 answers close codes 1012-1014 with 1002, though they are
 * registered: it is shown 1000, and the real code is kept for the owner. */
static void
end_close_frame (DpxGuardInputStream *self)
{
  DpxFrameScanner *s = &self->scanner;
  guint8 *code = self->held->data + s->header_len;
  guint8 key[2] = { 0, 0 };

  self->holding_close = FALSE;
  /* Only the first close counts: what follows it is not the peer's word. */
  if (self->peer_close_code == 0 && s->payload_len < 2)
    self->peer_close_code = 1005;
  else if (self->peer_close_code == 0)
    {
      if (s->masked)
        key[0] = s->mask[0], key[1] = s->mask[1];
      self->peer_close_code = ((guint) (code[0] ^ key[0]) << 8) | (code[1] ^ key[1]);
      if (self->peer_close_code >= 1012 && self->peer_close_code <= 1014)
        {
          code[0] = (1000 >> 8) ^ key[0];
          code[1] = (1000 & 0xff) ^ key[1];
        }
    }
  g_byte_array_append (ready (self), self->held->data, self->held->len);
  clear_held (self);
}

/* A control frame for the owner, unmasked. The first close frame's code
 * is kept, as for libsoup. */
static void
end_control_frame (DpxGuardInputStream *self)
{
  DpxFrameScanner *s = &self->scanner;
  guint8 *payload = self->held->data + s->header_len;
  gsize length = self->held->len - s->header_len;

  self->holding_control = FALSE;
  if (s->masked)
    for (gsize i = 0; i < length; i++)
      payload[i] ^= s->mask[i & 3];
  if (s->opcode == DPX_FRAME_OPCODE_CLOSE && self->peer_close_code == 0)
    self->peer_close_code = length >= 2 ? ((guint) payload[0] << 8) | payload[1] : 1005;
  self->control_func (self, s->opcode, payload, length, self->control_data);
  clear_held (self);
}

static void
end_frame (DpxGuardInputStream *self)
{
  static const guint8 tail[] = { 0x00, 0x00, 0xff, 0xff };

  if (self->action == ACTION_DELIVER)
    {
      if (!self->scanner.fin || self->message == NULL)
        return;
      if (self->message_text && !check_utf8_end (self))
        drop_message (self);
      else
        deliver_message (self);
      return;
    }
  if (self->action != ACTION_HOLD)
    {
      if (self->action == ACTION_FORWARD && self->message_text && self->scanner.fin &&
          !dpx_frame_scanner_is_control (&self->scanner))
        check_utf8_end (self);
      return;
    }
  if (self->holding_control)
    {
      end_control_frame (self);
      return;
    }
  if (self->holding_close)
    {
      end_close_frame (self);
      return;
    }

  /* libsoup inflates each message with this tail appended; do the same so
   * the private inflater stays in step with the peer's compressor. */
  if (self->scanner.fin && !count_inflated (self, tail, sizeof tail))
    {
      violate (self, DPX_GUARD_VIOLATION_BAD_DEFLATE, self->message_inflated_size);
      return;
    }
  if (self->message_inflated_size > self->max_message_size)
    {
      violate (self, DPX_GUARD_VIOLATION_TOO_BIG, self->message_inflated_size);
      return;
    }
  if (self->stopped || (self->scanner.fin && self->message_text && !check_utf8_end (self)))
    return;

  g_byte_array_append (ready (self), self->held->data, self->held->len);
  clear_held (self);
}

/* Passes on plain text payload up to its first invalid byte. */
static void
forward_text (DpxGuardInputStream *self,
              const guint8        *data,
              gsize                length)
{
  DpxFrameScanner *s = &self->scanner;
  guint64 offset = dpx_frame_scanner_payload_offset (s) - length;
  guint8 plain[READ_CHUNK];

  for (gsize done = 0; done < length;)
    {
      gsize n = MIN (length - done, sizeof plain);

      memcpy (plain, data + done, n);
      if (s->masked)
        for (gsize i = 0; i < n; i++)
          plain[i] ^= s->mask[(offset + done + i) & 3];
      if (!check_utf8 (self, plain, n))
        return;
      g_byte_array_append (ready (self), data + done, n);
      done += n;
    }
}

/* Runs raw socket bytes through the frame rules into self->ready. */
static void
process (DpxGuardInputStream *self,
         const guint8        *data,
         gsize                length)
{
  DpxFrameScanner *s = &self->scanner;

  while (length > 0 && !self->stopped)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (s, data, length, &consumed);

      switch (event)
        {
        case DPX_FRAME_EVENT_NONE:
          break;

        case DPX_FRAME_EVENT_HEADER:
          begin_frame (self);
          if (self->action == ACTION_FORWARD)
            g_byte_array_append (ready (self), s->header, s->header_len);
          else if (self->action == ACTION_HOLD)
            g_byte_array_append (held (self), s->header, s->header_len);
          break;

        case DPX_FRAME_EVENT_PAYLOAD:
          if (self->action == ACTION_DELIVER)
            {
              if (self->message != NULL)
                take_payload (self, data, consumed);
            }
          else if (self->action == ACTION_FORWARD && self->message_text && !dpx_frame_scanner_is_control (s))
            forward_text (self, data, consumed);
          else if (self->action == ACTION_FORWARD)
            g_byte_array_append (ready (self), data, consumed);
          else if (self->action == ACTION_HOLD)
            hold_payload (self, data, consumed);
          break;

        default:
          g_assert_not_reached ();
        }

      if (dpx_frame_scanner_frame_done (s))
        end_frame (self);

      data += consumed;
      length -= consumed;
    }
}

static gssize
take_ready (DpxGuardInputStream *self,
            void                *buffer,
            gsize                count)
{
  gsize avail = self->ready->len - self->ready_offset;
  gsize n = MIN (avail, count);

  memcpy (buffer, self->ready->data + self->ready_offset, n);
  self->ready_offset += n;
  if (self->ready_offset == self->ready->len)
    {
      g_byte_array_set_size (self->ready, 0);
      self->ready_offset = 0;
    }
  return n;
}

static GInputStream *
base_stream (DpxGuardInputStream *self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

static gboolean
hung_up (DpxGuardInputStream *self)
{
  return self->socket != NULL && g_socket_condition_check (self->socket, G_IO_HUP | G_IO_ERR) != 0;
}

static gssize
read_nonblocking (GPollableInputStream  *pollable,
                  void                  *buffer,
                  gsize                  count,
                  GError               **error)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (pollable);
  guint8 chunk[READ_CHUNK];
  gboolean was_paused = self->paused;
  gssize n;

  if (self->ended && ready_avail (self) == 0)
    return 0;

  /* Paused, or this round has had its share: libsoup sees an empty socket
   * and waits for the source from create_source(). A paused peer that hung
   * up is read all the same, so libsoup sees the end and lets it go. */
  if ((self->paused && !hung_up (self)) || self->round_bytes >= READ_ROUND_BYTES)
    {
      self->round_bytes = 0;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                           self->paused ? "reading is paused" : "read round is over");
      return -1;
    }

  /* Keep reading until something is cleared for the reader: returning 0
   * would mean end of stream, and a dropped or delivered frame is not that.
   * On the fast path most reads clear nothing for libsoup, so the round
   * counts the bytes taken from the socket, and ends early when a delivery
   * paused this reader. */
  while (ready_avail (self) == 0)
    {
      if (self->round_bytes >= READ_ROUND_BYTES || (self->paused && !was_paused))
        {
          self->round_bytes = 0;
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                               self->paused ? "reading is paused" : "read round is over");
          return -1;
        }
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base_stream (self)),
                                                    chunk, sizeof chunk, NULL, error);
      if (n <= 0)
        {
          self->round_bytes = 0;
          return n;
        }
      self->round_bytes += n;
      process (self, chunk, n);
    }

  return take_ready (self, buffer, count);
}

static gssize
dpx_guard_input_stream_read (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (stream);
  guint8 chunk[READ_CHUNK];

  if (self->ended && ready_avail (self) == 0)
    return 0;
  while (ready_avail (self) == 0)
    {
      gssize n = g_input_stream_read (base_stream (self), chunk, sizeof chunk, cancellable, error);

      if (n <= 0)
        return n;
      process (self, chunk, n);
    }

  return take_ready (self, buffer, count);
}

static gboolean
can_poll (GPollableInputStream *pollable)
{
  GInputStream *base = base_stream (DPX_GUARD_INPUT_STREAM (pollable));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
is_readable (GPollableInputStream *pollable)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (pollable);

  if (self->ended)
    return TRUE;
  if (self->paused)
    return FALSE;
  return ready_avail (self) > 0 ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base_stream (self)));
}

static GSource *
create_source (GPollableInputStream *pollable,
               GCancellable         *cancellable)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (pollable);
  g_autoptr(GSource) base_source = NULL;
  GSource *source;

  /* A paused reader wakes only when resumed; bytes already cleared must
   * wake it even if the socket is idle. */
  if (self->ended)
    base_source = g_timeout_source_new (0);
  else if (self->paused)
    {
      if (self->wake == NULL)
        self->wake = g_cancellable_new ();
      base_source = g_cancellable_source_new (self->wake);
      if (self->socket != NULL)
        {
          g_autoptr(GSource) hangup = NULL;

          hangup = g_socket_create_source (self->socket, G_IO_HUP | G_IO_ERR, NULL);

          g_source_set_dummy_callback (hangup);
          g_source_add_child_source (base_source, hangup);
        }
    }
  else if (ready_avail (self) > 0)
    base_source = g_timeout_source_new (0);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (base_stream (self)),
                                                         cancellable);
  g_source_set_dummy_callback (base_source);

  source = g_pollable_source_new (G_OBJECT (self));
  g_source_add_child_source (source, base_source);
  return source;
}

static void
pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = can_poll;
  iface->is_readable = is_readable;
  iface->create_source = create_source;
  iface->read_nonblocking = read_nonblocking;
}

static void
dpx_guard_input_stream_finalize (GObject *object)
{
  DpxGuardInputStream *self = DPX_GUARD_INPUT_STREAM (object);

  if (self->inflater != NULL)
    {
      inflateEnd (self->inflater);
      g_free (self->inflater);
    }
  g_clear_pointer (&self->held, g_byte_array_unref);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->ready, g_byte_array_unref);
  g_clear_object (&self->wake);
  g_clear_object (&self->socket);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->wire_problem, g_free);

  G_OBJECT_CLASS (dpx_guard_input_stream_parent_class)->finalize (object);
}

static void
dpx_guard_input_stream_class_init (DpxGuardInputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dpx_guard_input_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = dpx_guard_input_stream_read;
}

static void
dpx_guard_input_stream_init (DpxGuardInputStream *self)
{
  dpx_frame_scanner_init (&self->scanner);
}

/**
 * dpx_guard_input_stream_new:
 * @base_stream: the client's side of the socket, after the handshake
 * @max_message_size: the largest message accepted, in bytes
 * @inflate: whether permessage-deflate was negotiated
 */
GInputStream *
dpx_guard_input_stream_new (GInputStream *base,
                            guint64       max_message_size,
                            gboolean      inflate)
{
  DpxGuardInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);
  g_return_val_if_fail (max_message_size > 0, NULL);

  self = g_object_new (DPX_TYPE_GUARD_INPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", TRUE,
                       NULL);
  self->max_message_size = max_message_size;
  self->inflate_enabled = inflate;
  return G_INPUT_STREAM (self);
}

void
dpx_guard_input_stream_set_violation_func (DpxGuardInputStream   *self,
                                           DpxGuardViolationFunc  func,
                                           gpointer               user_data)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->violation_func = func;
  self->violation_data = user_data;
}

/**
 * dpx_guard_input_stream_set_paused:
 *
 * While paused the reader is told the socket is empty, so the client's
 * bytes wait in the kernel and TCP slows the client down.
 */
void
dpx_guard_input_stream_set_paused (DpxGuardInputStream *self,
                                   gboolean             paused)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (!paused && self->wake != NULL)
    {
      /* Only a reader that tried while paused waits on this. */
      g_cancellable_cancel (self->wake);
      g_clear_object (&self->wake);
    }
}

gboolean
dpx_guard_input_stream_get_paused (DpxGuardInputStream *self)
{
  g_return_val_if_fail (DPX_IS_GUARD_INPUT_STREAM (self), FALSE);
  return self->paused;
}

/**
 * dpx_guard_input_stream_set_message_func:
 *
 * Takes data frames off libsoup's hands (unless permessage-deflate was
 * agreed, which libsoup inflates): @func gets each whole message as the
 * unmasked frame a server sends, from inside a read. Set it before the
 * first read.
 */
void
dpx_guard_input_stream_set_message_func (DpxGuardInputStream *self,
                                         DpxGuardMessageFunc  func,
                                         gpointer             user_data)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->message_func = func;
  self->message_data = user_data;
  if (func == NULL)
    drop_message (self);
}

/**
 * dpx_guard_input_stream_set_control_func:
 *
 * Takes control frames (ping, pong, close) off the reader's hands: @func
 * gets each one's payload, unmasked, from inside a read, and the reader
 * sees none of them. With a message function too, the reader is handed
 * nothing at all: its reads only drive the guard. Set it before the first
 * read.
 */
void
dpx_guard_input_stream_set_control_func (DpxGuardInputStream *self,
                                         DpxGuardControlFunc  func,
                                         gpointer             user_data)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->control_func = func;
  self->control_data = user_data;
}

/**
 * dpx_guard_input_stream_end_round:
 *
 * Ends the reader's current round of reads after the frame in hand, as if
 * it had read its share: the owner, whose work per byte can be large (a
 * message to every client), bounds the time one read takes with it.
 */
void
dpx_guard_input_stream_end_round (DpxGuardInputStream *self)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->round_bytes = MAX (self->round_bytes, READ_ROUND_BYTES);
}

/* Pings seen so far, and their payload bytes. */
void
dpx_guard_input_stream_get_pings (DpxGuardInputStream *self,
                                  guint64             *pings,
                                  guint64             *bytes)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  *pings = self->pings;
  *bytes = self->ping_bytes;
}

/* @func runs from inside a read each time a ping goes by. */
void
dpx_guard_input_stream_set_ping_func (DpxGuardInputStream *self,
                                      GFunc                func,
                                      gpointer             user_data)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->ping_func = func;
  self->ping_data = user_data;
}

/* The client's socket, watched for a hang-up while reading is paused. */
void
dpx_guard_input_stream_set_socket (DpxGuardInputStream *self,
                                   GSocket             *socket)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  g_set_object (&self->socket, socket);
}

/* Which frames are the peer's to send: masked ones from a client (the
 * relay's guard), unmasked ones from a server (the client's). */
void
dpx_guard_input_stream_set_peer_is_client (DpxGuardInputStream *self,
                                           gboolean             peer_is_client)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->peer_is_client = !!peer_is_client;
}

/* The breach of the protocol in plain words, or %NULL if none. */
const char *
dpx_guard_input_stream_get_problem (DpxGuardInputStream *self)
{
  g_return_val_if_fail (DPX_IS_GUARD_INPUT_STREAM (self), NULL);
  return self->problem;
}

/* The same in English, short enough for a close reason. */
const char *
dpx_guard_input_stream_get_wire_problem (DpxGuardInputStream *self)
{
  g_return_val_if_fail (DPX_IS_GUARD_INPUT_STREAM (self), NULL);
  return self->wire_problem;
}

/* The close code that answers the breach, 0 if there was none. */
guint
dpx_guard_input_stream_get_violation_code (DpxGuardInputStream *self)
{
  g_return_val_if_fail (DPX_IS_GUARD_INPUT_STREAM (self), 0);
  if (self->problem == NULL)
    return 0;
  switch (self->violation)
    {
    case DPX_GUARD_VIOLATION_INVALID_UTF8:
      return 1007;
    case DPX_GUARD_VIOLATION_IMPOSSIBLE_LENGTH:
      return 1009;
    case DPX_GUARD_VIOLATION_PROTOCOL:
    case DPX_GUARD_VIOLATION_TOO_BIG:
    case DPX_GUARD_VIOLATION_BAD_DEFLATE:
    default:
      return 1002;
    }
}

/* The code of the peer's close frame as it came (1005 without one), 0
 * before it came: libsoup may have been shown another. */
guint
dpx_guard_input_stream_get_peer_close_code (DpxGuardInputStream *self)
{
  g_return_val_if_fail (DPX_IS_GUARD_INPUT_STREAM (self), 0);
  return self->peer_close_code;
}

/**
 * dpx_guard_input_stream_end:
 *
 * After a breach, once the owner's close frame is on its way: the reader
 * sees the end of the stream, so the connection ends at once instead of
 * waiting for a close reply that could not be told from the bad bytes.
 */
void
dpx_guard_input_stream_end (DpxGuardInputStream *self)
{
  g_return_if_fail (DPX_IS_GUARD_INPUT_STREAM (self));
  self->ended = TRUE;
  if (self->wake != NULL)
    {
      g_cancellable_cancel (self->wake);
      g_clear_object (&self->wake);
    }
}
