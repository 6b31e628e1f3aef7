/* fuzz-frame-scanner.c: the frame scanner over any bytes, whole and cut
 * into chunks
 *
 * Invariants: a step consumes at least one byte while input remains and
 * never more than it was given; a payload event never reports more than
 * the frame has left; a header is as long as its own first two bytes say,
 * never shorter than the encoder would write it, and written again by the
 * encoder byte for byte when it is in the shortest form; and the frames
 * found do not depend on how the input is cut.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-frame.h"
#include "fuzz-support.h"

typedef struct {
  guint8   opcode;
  gboolean fin;
  gboolean rsv1;
  gboolean masked;
  guint8   mask[4];
  guint64  payload_len;
  guint64  payload_seen;
} Frame;

static void
check_header (const DpxFrameScanner *s)
{
  guint8 written[DPX_FRAME_HEADER_MAX];
  gsize shortest = dpx_frame_header_size_for (s->payload_len, s->masked);

  g_assert_cmpuint (s->header_size, >=, 2);
  g_assert_cmpuint (s->header_size, <=, DPX_FRAME_HEADER_MAX);
  g_assert_cmpuint (s->header_len, ==, s->header_size);
  g_assert_cmpuint (s->header_size, >=, shortest);
  g_assert_cmpuint (s->opcode, <=, 0x0f);
  g_assert_cmpuint (dpx_frame_scanner_payload_offset (s), ==, 0);
  g_assert_true (!!dpx_frame_scanner_is_control (s) == !!(s->opcode & 0x08));

  if (s->header_size == shortest)
    {
      gsize n = dpx_frame_write_header (written, s->opcode, s->fin, s->payload_len,
                                        s->masked ? s->mask : NULL);

      g_assert_cmpuint (n, ==, shortest);
      /* The encoder never sets RSV2 or RSV3, nor RSV1 (the deflate bit). */
      g_assert_cmpuint (written[0], ==, s->header[0] & 0x8f);
      g_assert_cmpmem (written + 1, n - 1, s->header + 1, n - 1);
    }
}

/* Scans @data in chunks of at most @max_chunk bytes (cut at random points
 * from @seed), or whole when @max_chunk is 0. */
static GArray *
scan (const guint8 *data,
      gsize         size,
      gsize         max_chunk,
      guint32       seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  DpxFrameScanner s;
  gsize pos = 0;

  dpx_frame_scanner_init (&s);

  while (pos < size)
    {
      gsize chunk = max_chunk ? (gsize) g_rand_int_range (rand, 1, max_chunk + 1) : size;
      gsize end = MIN (size, pos + chunk);

      while (pos < end)
        {
          gsize length = end - pos;
          gsize consumed = G_MAXSIZE;
          gboolean was_in_payload = s.in_payload && !dpx_frame_scanner_frame_done (&s);
          guint64 left_before = s.payload_left;
          DpxFrameEvent event = dpx_frame_scanner_step (&s, data + pos, length, &consumed);

          g_assert_cmpuint (consumed, >=, 1);
          g_assert_cmpuint (consumed, <=, length);

          switch (event)
            {
            case DPX_FRAME_EVENT_NONE:
              /* Only a header still incomplete eats the whole input. */
              g_assert_false (was_in_payload);
              g_assert_cmpuint (consumed, ==, length);
              g_assert_false (s.in_payload);
              break;

            case DPX_FRAME_EVENT_HEADER:
              {
                Frame frame;

                g_assert_false (was_in_payload);
                check_header (&s);
                /* Zeroed whole, padding included: the lists are compared
                 * with memcmp. */
                memset (&frame, 0, sizeof frame);
                frame.opcode = s.opcode;
                frame.fin = s.fin;
                frame.rsv1 = s.rsv1;
                frame.masked = s.masked;
                if (s.masked)
                  memcpy (frame.mask, s.mask, 4);
                frame.payload_len = s.payload_len;
                g_array_append_val (frames, frame);
              }
              break;

            case DPX_FRAME_EVENT_PAYLOAD:
              {
                Frame *frame;

                g_assert_true (was_in_payload);
                g_assert_cmpuint (frames->len, >, 0);
                frame = &g_array_index (frames, Frame, frames->len - 1);
                g_assert_cmpuint (consumed, <=, left_before);
                g_assert_cmpuint (s.payload_left, ==, left_before - consumed);
                frame->payload_seen += consumed;
                g_assert_cmpuint (frame->payload_seen, <=, frame->payload_len);
                g_assert_cmpuint (dpx_frame_scanner_payload_offset (&s), ==, frame->payload_seen);
              }
              break;

            default:
              g_assert_not_reached ();
            }

          pos += consumed;
        }
    }

  /* A step on no input consumes nothing, whatever the state. */
  {
    gsize consumed = G_MAXSIZE;

    g_assert_cmpint (dpx_frame_scanner_step (&s, data, 0, &consumed), ==, DPX_FRAME_EVENT_NONE);
    g_assert_cmpuint (consumed, ==, 0);
  }

  return frames;
}

/* dpx_frame_apply_mask() against a byte-at-a-time XOR, and twice is none. */
static void
check_mask (const guint8 *data,
            gsize         size)
{
  g_autofree guint8 *copy = NULL;
  const guint8 *mask = data;

  if (size < 4)
    return;
  data += 4;
  size -= 4;
  copy = g_memdup2 (data, size);

  dpx_frame_apply_mask (copy, size, mask);
  for (gsize i = 0; i < size; i++)
    g_assert_cmpuint (copy[i], ==, data[i] ^ mask[i % 4]);
  dpx_frame_apply_mask (copy, size, mask);
  g_assert_cmpmem (copy, size, data, size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint32 seed = dpx_fuzz_hash (data, size);
  g_autoptr(GArray) whole = scan (data, size, 0, seed);
  g_autoptr(GArray) bytewise = scan (data, size, 1, seed);
  g_autoptr(GArray) chunked = scan (data, size, 1 + seed % 23, seed);

  g_assert_cmpmem (whole->data, whole->len * sizeof (Frame),
                   bytewise->data, bytewise->len * sizeof (Frame));
  g_assert_cmpmem (whole->data, whole->len * sizeof (Frame),
                   chunked->data, chunked->len * sizeof (Frame));

  check_mask (data, size);
  return 0;
}
