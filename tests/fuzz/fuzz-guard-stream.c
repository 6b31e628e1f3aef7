/* fuzz-guard-stream.c: the relay's guard over any bytes a client sends
 *
 * The first three bytes choose the guard: the limit (1 to 65536 bytes),
 * whether it inflates, whether it is read as a pollable stream (as the
 * relay's libsoup reads it) or a blocking one, and how many bytes at most
 * each read of the socket returns. The rest is the wire, read through the
 * guard in reads of random sizes.
 *
 * Invariants: the violation callback runs at most once, and a "too big"
 * one reports more than the limit; what comes out is whole frames of the
 * input, byte for byte and in order (the last one may stop where the input
 * stops, or, after a breach of the protocol, where the breach is; a close
 * frame with 1012-1014 comes out with 1000); no data message that comes
 * out is longer on the wire than the limit, nor, when inflating, longer
 * than the limit once inflated; and with no violation everything comes
 * out: the whole input, but for a compressed or close frame still
 * incomplete at its end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "dpx-frame.h"
#include "dpx-guard-input-stream.h"
#include "fuzz-support.h"

/* A base stream that returns at most a few bytes per read, as a socket
 * might, so frames and deflate data are split anywhere. It is pollable
 * and always readable, so the guard can be read as the relay reads it. */
#define FUZZ_TYPE_TRICKLE_STREAM (fuzz_trickle_stream_get_type ())
G_DECLARE_FINAL_TYPE (FuzzTrickleStream, fuzz_trickle_stream, FUZZ, TRICKLE_STREAM, GInputStream)

struct _FuzzTrickleStream
{
  GInputStream  parent_instance;

  const guint8 *data;
  gsize         size;
  gsize         pos;
  gsize         max_read;
  GRand        *rand;
};

static void fuzz_trickle_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FuzzTrickleStream, fuzz_trickle_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      fuzz_trickle_stream_pollable_init))

static gssize
fuzz_trickle_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  FuzzTrickleStream *self = FUZZ_TRICKLE_STREAM (stream);
  gsize n = g_rand_int_range (self->rand, 1, self->max_read + 1);

  n = MIN (n, MIN (count, self->size - self->pos));
  memcpy (buffer, self->data + self->pos, n);
  self->pos += n;
  return n;
}

static gboolean
fuzz_trickle_stream_is_readable (GPollableInputStream *pollable)
{
  return TRUE;
}

static gssize
fuzz_trickle_stream_read_nonblocking (GPollableInputStream  *pollable,
                                      void                  *buffer,
                                      gsize                  count,
                                      GError               **error)
{
  return fuzz_trickle_stream_read (G_INPUT_STREAM (pollable), buffer, count, NULL, error);
}

static void
fuzz_trickle_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->is_readable = fuzz_trickle_stream_is_readable;
  iface->read_nonblocking = fuzz_trickle_stream_read_nonblocking;
}

static void
fuzz_trickle_stream_finalize (GObject *object)
{
  g_rand_free (FUZZ_TRICKLE_STREAM (object)->rand);
  G_OBJECT_CLASS (fuzz_trickle_stream_parent_class)->finalize (object);
}

static void
fuzz_trickle_stream_class_init (FuzzTrickleStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fuzz_trickle_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = fuzz_trickle_stream_read;
}

static void
fuzz_trickle_stream_init (FuzzTrickleStream *self)
{
}

static GInputStream *
fuzz_trickle_stream_new (const guint8 *data,
                         gsize         size,
                         gsize         max_read,
                         guint32       seed)
{
  FuzzTrickleStream *self = g_object_new (FUZZ_TYPE_TRICKLE_STREAM, NULL);

  self->data = data;
  self->size = size;
  self->max_read = max_read;
  self->rand = g_rand_new_with_seed (seed);
  return G_INPUT_STREAM (self);
}

typedef struct {
  guint             calls;
  DpxGuardViolation violation;
  guint64           size;
} Violations;

static void
on_violation (DpxGuardViolation violation,
              guint64           size,
              gpointer          user_data)
{
  Violations *v = user_data;

  v->calls++;
  v->violation = violation;
  v->size = size;
}

typedef struct {
  gsize    start;
  gsize    length;      /* header and payload, as far as the bytes go */
  gboolean complete;
  guint8   opcode;
  gboolean fin;
  gboolean rsv1;
  gboolean masked;
  guint8   mask[4];
  gsize    header_size;
} Frame;

/* Cuts @data into frames with the scanner. */
static GArray *
split_frames (const guint8 *data,
              gsize         size)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  DpxFrameScanner s;
  gsize pos = 0;
  Frame *current = NULL;

  dpx_frame_scanner_init (&s);
  while (pos < size)
    {
      gsize consumed;
      DpxFrameEvent event;

      if (current == NULL || current->complete)
        {
          Frame frame = { .start = pos };

          g_array_append_val (frames, frame);
          current = &g_array_index (frames, Frame, frames->len - 1);
        }
      event = dpx_frame_scanner_step (&s, data + pos, size - pos, &consumed);
      g_assert_cmpuint (consumed, >=, 1);
      current->length += consumed;
      pos += consumed;
      if (event == DPX_FRAME_EVENT_HEADER)
        {
          current->opcode = s.opcode;
          current->fin = s.fin;
          current->rsv1 = s.rsv1;
          current->masked = s.masked;
          memcpy (current->mask, s.mask, 4);
          current->header_size = s.header_size;
        }
      if (dpx_frame_scanner_frame_done (&s))
        current->complete = TRUE;
    }
  return frames;
}

static guint
close_code (const guint8 *frame,
            const Frame  *f)
{
  const guint8 *code = frame + f->header_size;
  guint8 key[2] = { 0, 0 };

  if (f->masked)
    key[0] = f->mask[0], key[1] = f->mask[1];
  return ((guint) (code[0] ^ key[0]) << 8) | (code[1] ^ key[1]);
}

/* TRUE if @o, from the guard, is the input's frame @f as it must come out:
 * the same bytes, a prefix of them if @may_stop, or a close frame whose
 * 1012-1014 became 1000. */
static gboolean
same_frame (const guint8 *out,
            const Frame  *o,
            const guint8 *in,
            const Frame  *f,
            gboolean      may_stop)
{
  if (o->length == f->length && memcmp (out, in, f->length) == 0)
    return TRUE;
  if (may_stop && o->length < f->length && memcmp (out, in, o->length) == 0)
    return TRUE;
  if (o->complete && f->complete && o->length == f->length && f->opcode == DPX_FRAME_OPCODE_CLOSE &&
      f->length >= f->header_size + 2)
    {
      guint code = close_code (in, f);

      return code >= 1012 && code <= 1014 && close_code (out, o) == 1000 &&
             memcmp (out, in, f->header_size) == 0 &&
             memcmp (out + f->header_size + 2, in + f->header_size + 2, f->length - f->header_size - 2) == 0;
    }
  return FALSE;
}

/* Inflates what the guard let through of the compressed messages, as
 * libsoup would, and checks each against the limit. The guard's own
 * inflater ran over the same messages, since nothing was dropped. */
static void
check_inflated (const guint8 *out,
                GArray       *frames,
                guint64       limit)
{
  z_stream z = { 0 };
  guint8 scratch[16 * 1024];
  guint64 message = 0;
  gboolean compressed = FALSE;

  g_assert_cmpint (inflateInit2 (&z, -MAX_WBITS), ==, Z_OK);
  for (guint i = 0; i < frames->len; i++)
    {
      const Frame *f = &g_array_index (frames, Frame, i);
      static const guint8 tail[] = { 0x00, 0x00, 0xff, 0xff };
      g_autofree guint8 *payload = NULL;
      gsize payload_len;

      if (f->opcode & 0x08)
        continue;
      if (f->opcode != DPX_FRAME_OPCODE_CONTINUATION)
        {
          compressed = f->rsv1;
          message = 0;
        }
      if (!compressed || !f->complete)
        continue;

      payload_len = f->length - f->header_size;
      payload = g_memdup2 (out + f->start + f->header_size, payload_len);
      if (f->masked)
        for (gsize j = 0; j < payload_len; j++)
          payload[j] ^= f->mask[j & 3];

      for (int part = 0; part < (f->fin ? 2 : 1); part++)
        {
          z.next_in = part == 0 ? payload : (guint8 *) tail;
          z.avail_in = part == 0 ? payload_len : sizeof tail;
          do
            {
              int ret;

              z.next_out = scratch;
              z.avail_out = sizeof scratch;
              ret = inflate (&z, Z_SYNC_FLUSH);
              message += sizeof scratch - z.avail_out;
              g_assert_cmpuint (message, <=, limit);
              if (ret == Z_STREAM_END)
                inflateReset (&z);
              else if (ret == Z_BUF_ERROR)
                break;
              else  /* The guard let it through, so it inflated there. */
                g_assert_cmpint (ret, ==, Z_OK);
            }
          while (z.avail_in > 0 || z.avail_out == 0);
        }
    }
  inflateEnd (&z);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) base = NULL;
  g_autoptr(GInputStream) guard = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GArray) in_frames = NULL;
  g_autoptr(GArray) out_frames = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GError) error = NULL;
  Violations violations = { 0 };
  guint64 limit;
  gboolean inflate;
  gboolean pollable;
  gsize max_read;
  guint32 seed;
  guint next_in = 0;
  guint64 message = 0;
  gboolean breached;

  if (size < 3)
    return -1;
  limit = 1 + (data[0] | (data[1] << 8));
  inflate = data[2] & 1;
  pollable = (data[2] & 2) != 0;
  max_read = 1 + (data[2] >> 2);
  data += 3;
  size -= 3;

  seed = dpx_fuzz_hash (data, size);
  rand = g_rand_new_with_seed (seed);
  base = fuzz_trickle_stream_new (data, size, max_read, seed);
  guard = dpx_guard_input_stream_new (base, limit, inflate);
  dpx_guard_input_stream_set_peer_is_client (DPX_GUARD_INPUT_STREAM (guard), TRUE);
  dpx_guard_input_stream_set_violation_func (DPX_GUARD_INPUT_STREAM (guard), on_violation,
                                             &violations);

  for (;;)
    {
      guint8 buffer[4096];
      gsize want = g_rand_int_range (rand, 1, sizeof buffer + 1);
      gssize n;

      if (pollable)
        n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (guard),
                                                      buffer, want, NULL, &error);
      else
        n = g_input_stream_read (guard, buffer, want, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, n);
    }
  g_assert_true (g_input_stream_close (guard, NULL, NULL));

  g_assert_cmpuint (violations.calls, <=, 1);
  if (violations.calls == 1 && violations.violation == DPX_GUARD_VIOLATION_TOO_BIG)
    g_assert_cmpuint (violations.size, >, limit);
  breached = violations.calls == 1 && violations.violation != DPX_GUARD_VIOLATION_TOO_BIG &&
             violations.violation != DPX_GUARD_VIOLATION_BAD_DEFLATE;
  g_assert_true (breached == (dpx_guard_input_stream_get_violation_code (DPX_GUARD_INPUT_STREAM (guard)) != 0));
  g_assert_true (breached == (dpx_guard_input_stream_get_problem (DPX_GUARD_INPUT_STREAM (guard)) != NULL));

  /* Whole frames of the input, in order, untouched. */
  in_frames = split_frames (data, size);
  out_frames = split_frames (out->data, out->len);
  for (guint i = 0; i < out_frames->len; i++)
    {
      const Frame *o = &g_array_index (out_frames, Frame, i);
      gboolean last_out = i == out_frames->len - 1;
      gboolean found = FALSE;

      for (; next_in < in_frames->len && !found; next_in++)
        {
          const Frame *f = &g_array_index (in_frames, Frame, next_in);

          found = same_frame (out->data + o->start, o, data + f->start, f, breached && last_out);
        }
      g_assert_true (found);
      /* Only the input's last frame may come out incomplete, or the one a
       * breach stopped in. */
      g_assert_true (o->complete || next_in == in_frames->len || (breached && last_out));

      if (o->header_size != 0 && !(o->opcode & 0x08))
        {
          if (o->opcode != DPX_FRAME_OPCODE_CONTINUATION)
            message = 0;
          message += o->length - MIN (o->length, o->header_size);
          g_assert_cmpuint (message, <=, limit);
        }
    }

  if (violations.calls == 0)
    {
      g_assert_cmpuint (out->len, <=, size);
      if (out->len < size)
        {
          /* Held back: the last frame, incomplete, if it is compressed
           * or a close frame, or its header is. */
          const Frame *last = &g_array_index (in_frames, Frame, in_frames->len - 1);

          g_assert_false (last->complete);
          g_assert_true (inflate || last->header_size == 0 || last->opcode == DPX_FRAME_OPCODE_CLOSE);
          g_assert_cmpuint (out->len, ==, last->start);
        }
      if (inflate)
        check_inflated (out->data, out_frames, limit);
    }

  return 0;
}
