/* test-frame.c: the frame codec: boundaries found in any chunking, and
 * headers written as RFC 6455 lays them out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-frame.h"

static GByteArray *
make_frame (guint8   opcode,
            gboolean fin,
            gboolean masked,
            gsize    payload_len)
{
  GByteArray *frame = g_byte_array_new ();
  guint8 b0 = (fin ? 0x80 : 0) | opcode;
  guint8 mask_bit = masked ? 0x80 : 0;
  guint8 mask[4] = { 1, 2, 3, 4 };

  g_byte_array_append (frame, &b0, 1);
  if (payload_len < 126)
    {
      guint8 b1 = mask_bit | payload_len;
      g_byte_array_append (frame, &b1, 1);
    }
  else if (payload_len <= 0xffff)
    {
      guint8 b[3] = { mask_bit | 126, payload_len >> 8, payload_len & 0xff };
      g_byte_array_append (frame, b, 3);
    }
  else
    {
      guint8 b[9] = { mask_bit | 127 };
      for (int i = 0; i < 8; i++)
        b[1 + i] = (guint64) payload_len >> (8 * (7 - i));
      g_byte_array_append (frame, b, 9);
    }
  if (masked)
    g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < payload_len; i++)
    {
      guint8 c = i & 0xff;
      g_byte_array_append (frame, &c, 1);
    }
  g_assert_cmpuint (frame->len, ==, dpx_frame_header_size_for (payload_len, masked) + payload_len);
  return frame;
}

typedef struct {
  guint   frames;
  guint64 payload_seen;
  guint8  opcodes[8];
  guint64 lengths[8];
} Tally;

static void
feed (DpxFrameScanner *scanner,
      const guint8    *data,
      gsize            length,
      Tally           *tally)
{
  while (length > 0)
    {
      gsize consumed;
      DpxFrameEvent event = dpx_frame_scanner_step (scanner, data, length, &consumed);

      g_assert_cmpuint (consumed, >, 0);
      if (event == DPX_FRAME_EVENT_PAYLOAD)
        tally->payload_seen += consumed;
      if (dpx_frame_scanner_frame_done (scanner))
        {
          g_assert_cmpuint (tally->frames, <, G_N_ELEMENTS (tally->opcodes));
          tally->opcodes[tally->frames] = scanner->opcode;
          tally->lengths[tally->frames] = scanner->payload_len;
          tally->frames++;
        }
      data += consumed;
      length -= consumed;
    }
}

/* The same stream, cut every possible way into two, and byte by byte. */
static void
test_scanner_any_chunking (void)
{
  static const gsize sizes[] = { 0, 5, 125, 126, 300, 65535, 65536, 70000 };
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  guint64 total_payload = 0;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GByteArray) frame = make_frame (i % 2 ? 0x2 : 0x1, TRUE, i % 3 == 0, sizes[i]);

      g_byte_array_append (stream, frame->data, frame->len);
      total_payload += sizes[i];
    }

  for (gsize cut = 0; cut <= stream->len; cut += (cut < 200 ? 1 : 997))
    {
      DpxFrameScanner scanner;
      Tally tally = { 0 };

      dpx_frame_scanner_init (&scanner);
      feed (&scanner, stream->data, cut, &tally);
      feed (&scanner, stream->data + cut, stream->len - cut, &tally);

      g_assert_cmpuint (tally.frames, ==, G_N_ELEMENTS (sizes));
      g_assert_cmpuint (tally.payload_seen, ==, total_payload);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          g_assert_cmpuint (tally.lengths[i], ==, sizes[i]);
          g_assert_cmpuint (tally.opcodes[i], ==, i % 2 ? 0x2 : 0x1);
        }
    }

  {
    DpxFrameScanner scanner;
    Tally tally = { 0 };

    dpx_frame_scanner_init (&scanner);
    for (guint i = 0; i < stream->len; i++)
      feed (&scanner, stream->data + i, 1, &tally);
    g_assert_cmpuint (tally.frames, ==, G_N_ELEMENTS (sizes));
    g_assert_cmpuint (tally.payload_seen, ==, total_payload);
  }
}

static void
test_scanner_header_fields (void)
{
  g_autoptr(GByteArray) frame = make_frame (0x0, FALSE, TRUE, 200);
  DpxFrameScanner scanner;
  gsize consumed;

  frame->data[0] |= 0x40;  /* RSV1: compressed */
  dpx_frame_scanner_init (&scanner);
  g_assert_cmpint (dpx_frame_scanner_step (&scanner, frame->data, frame->len, &consumed),
                   ==, DPX_FRAME_EVENT_HEADER);
  g_assert_cmpuint (consumed, ==, 2 + 2 + 4);
  g_assert_false (scanner.fin);
  g_assert_true (scanner.rsv1);
  g_assert_true (scanner.masked);
  g_assert_cmpuint (scanner.opcode, ==, DPX_FRAME_OPCODE_CONTINUATION);
  g_assert_cmpuint (scanner.payload_len, ==, 200);
  g_assert_cmpmem (scanner.mask, 4, ((guint8[]) { 1, 2, 3, 4 }), 4);
  g_assert_false (dpx_frame_scanner_is_control (&scanner));
  g_assert_cmpuint (dpx_frame_scanner_payload_offset (&scanner), ==, 0);

  g_assert_cmpint (dpx_frame_scanner_step (&scanner, frame->data + consumed, 50, &consumed),
                   ==, DPX_FRAME_EVENT_PAYLOAD);
  g_assert_cmpuint (dpx_frame_scanner_payload_offset (&scanner), ==, 50);
  g_assert_false (dpx_frame_scanner_frame_done (&scanner));
}

static void
test_scanner_control_frames (void)
{
  g_autoptr(GByteArray) close = make_frame (0x8, TRUE, FALSE, 2);
  DpxFrameScanner scanner;
  gsize consumed;

  dpx_frame_scanner_init (&scanner);
  dpx_frame_scanner_step (&scanner, close->data, close->len, &consumed);
  g_assert_true (dpx_frame_scanner_is_control (&scanner));
  g_assert_cmpuint (scanner.opcode, ==, DPX_FRAME_OPCODE_CLOSE);
}

/* The encoder against the test's own byte-by-byte layout above, at each
 * length boundary, and its frames read back by the scanner. */
static void
test_encoder_layout (void)
{
  static const gsize lengths[] = { 0, 1, 125, 126, 127, 0xffff, 0x10000, 70000 };
  const guint8 mask[4] = { 1, 2, 3, 4 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    for (int masked = 0; masked <= 1; masked++)
      {
        g_autoptr(GByteArray) expected = make_frame (DPX_FRAME_OPCODE_BINARY, TRUE, masked, lengths[i]);
        guint8 header[DPX_FRAME_HEADER_MAX];
        gsize size = dpx_frame_write_header (header, DPX_FRAME_OPCODE_BINARY, TRUE, lengths[i],
                                             masked ? mask : NULL);
        DpxFrameScanner scanner;
        gsize consumed;

        g_assert_cmpuint (size, ==, dpx_frame_header_size_for (lengths[i], masked));
        g_assert_cmpmem (header, size, expected->data, size);

        dpx_frame_scanner_init (&scanner);
        g_assert_cmpint (dpx_frame_scanner_step (&scanner, header, size, &consumed), ==,
                         DPX_FRAME_EVENT_HEADER);
        g_assert_cmpuint (consumed, ==, size);
        g_assert_cmpuint (scanner.payload_len, ==, lengths[i]);
        g_assert_cmpint (scanner.masked, ==, masked);
        g_assert_true (scanner.fin);
      }
}

static void
test_encoder_fragment_and_server_frame (void)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("hello", 5);
  g_autoptr(GBytes) frame = dpx_frame_new (DPX_FRAME_OPCODE_TEXT, payload);
  const guint8 *data = g_bytes_get_data (frame, NULL);
  guint8 header[DPX_FRAME_HEADER_MAX];

  /* A server's frame: final, unmasked, the payload as it is. */
  g_assert_cmpuint (g_bytes_get_size (frame), ==, 7);
  g_assert_cmphex (data[0], ==, 0x81);
  g_assert_cmphex (data[1], ==, 5);
  g_assert_cmpmem (data + 2, 5, "hello", 5);

  /* A first fragment has FIN clear. */
  dpx_frame_write_header (header, DPX_FRAME_OPCODE_TEXT, FALSE, 3, NULL);
  g_assert_cmphex (header[0], ==, 0x01);
}

static void
test_mask_round_trip (void)
{
  const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  guint8 data[37];
  guint8 copy[37];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i * 7;
  memcpy (copy, data, sizeof data);

  /* RFC 6455 section 5.3: byte i is XORed with mask[i % 4]. */
  dpx_frame_apply_mask (data, sizeof data, mask);
  for (guint i = 0; i < sizeof data; i++)
    g_assert_cmphex (data[i], ==, copy[i] ^ mask[i % 4]);
  dpx_frame_apply_mask (data, sizeof data, mask);
  g_assert_cmpmem (data, sizeof data, copy, sizeof copy);
}

/* The example of RFC 6455 section 1.3. */
static void
test_accept_key (void)
{
  g_autofree char *accept = dpx_frame_accept_key ("dGhlIHNhbXBsZSBub25jZQ==");

  g_assert_cmpstr (accept, ==, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/frame-scanner/any-chunking", test_scanner_any_chunking);
  g_test_add_func ("/frame-scanner/header-fields", test_scanner_header_fields);
  g_test_add_func ("/frame-scanner/control-frames", test_scanner_control_frames);
  g_test_add_func ("/frame-encoder/layout", test_encoder_layout);
  g_test_add_func ("/frame-encoder/fragment-and-server-frame", test_encoder_fragment_and_server_frame);
  g_test_add_func ("/frame-encoder/mask-round-trip", test_mask_round_trip);

  g_test_add_func ("/frame/accept-key", test_accept_key);

  return g_test_run ();
}
