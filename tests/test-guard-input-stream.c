/* test-guard-input-stream.c: the relay's size guard, frame by frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "dpx-frame.h"
#include "dpx-guard-input-stream.h"

/* Appends one masked client frame. */
static void
add_frame (GByteArray   *wire,
           guint8        first_byte,
           const guint8 *payload,
           gsize         length)
{
  static const guint8 mask[4] = { 0xa1, 0x02, 0xc3, 0x44 };
  guint8 header[14];
  gsize n = 0;

  header[n++] = first_byte;
  if (length < 126)
    header[n++] = 0x80 | length;
  else if (length <= 0xffff)
    {
      header[n++] = 0x80 | 126;
      header[n++] = length >> 8;
      header[n++] = length & 0xff;
    }
  else
    {
      header[n++] = 0x80 | 127;
      for (int i = 7; i >= 0; i--)
        header[n++] = ((guint64) length >> (8 * i)) & 0xff;
    }
  memcpy (header + n, mask, 4);
  n += 4;
  g_byte_array_append (wire, header, n);
  for (gsize i = 0; i < length; i++)
    {
      guint8 b = payload[i] ^ mask[i & 3];
      g_byte_array_append (wire, &b, 1);
    }
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

/* Runs @wire through a guard with non-blocking reads of @chunk bytes and
 * returns the opcodes of the frames that came out. */
static GString *
run_guard (GByteArray *wire,
           guint64     limit,
           gboolean    inflate,
           gsize       chunk,
           Violations *violations)
{
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_data (g_memdup2 (wire->data, wire->len),
                                                                        wire->len, g_free);
  g_autoptr(GInputStream) guard = dpx_guard_input_stream_new (memory, limit, inflate);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  GString *opcodes = g_string_new (NULL);
  DpxFrameScanner scanner;
  guint8 *buffer = g_malloc (chunk);
  gsize offset = 0;

  /* The frames here are a client's, as under the relay. */
  dpx_guard_input_stream_set_peer_is_client (DPX_GUARD_INPUT_STREAM (guard), TRUE);

  dpx_guard_input_stream_set_violation_func (DPX_GUARD_INPUT_STREAM (guard), on_violation, violations);
  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (guard)));
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (guard), buffer, chunk,
                                                           NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, n);
    }
  g_free (buffer);
  /* The guard holds its base stream: it goes first. */
  g_assert_finalize_object (g_steal_pointer (&guard));
  g_assert_finalize_object (g_steal_pointer (&memory));

  /* What came out is whole frames only. */
  dpx_frame_scanner_init (&scanner);
  while (offset < out->len)
    {
      gsize consumed;

      dpx_frame_scanner_step (&scanner, out->data + offset, out->len - offset, &consumed);
      if (dpx_frame_scanner_frame_done (&scanner))
        g_string_append_printf (opcodes, "%x", scanner.opcode);
      offset += consumed;
    }
  g_assert_true (out->len == 0 || dpx_frame_scanner_frame_done (&scanner));
  return opcodes;
}

static void
test_guard_passes_what_fits (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree guint8 *data = g_malloc0 (1000);
  Violations v = { 0 };
  g_autoptr(GString) seen = NULL;

  add_frame (wire, 0x81, data, 1000);          /* text, exactly the limit */
  add_frame (wire, 0x02, data, 600);           /* binary, first fragment */
  add_frame (wire, 0x89, (guint8 *) "p", 1);   /* a ping between fragments */
  add_frame (wire, 0x80, data, 400);           /* last fragment: 1000 in all */
  add_frame (wire, 0x88, (guint8 *) "\x03\xe8", 2);

  for (gsize chunk = 1; chunk <= 4096; chunk *= 4)
    {
      g_autoptr(GString) s = run_guard (wire, 1000, FALSE, chunk, &v);
      g_assert_cmpstr (s->str, ==, "12908");
    }
  g_assert_cmpuint (v.calls, ==, 0);
  seen = run_guard (wire, 999, FALSE, 64, &v);
  /* One byte less: the text is dropped, and so is every data frame after. */
  g_assert_cmpstr (seen->str, ==, "98");
  g_assert_cmpuint (v.calls, ==, 1);
  g_assert_cmpint (v.violation, ==, DPX_GUARD_VIOLATION_TOO_BIG);
  g_assert_cmpuint (v.size, ==, 1000);
}

/* Fragments add up: the fragment that crosses the limit and all later data
 * frames are dropped; earlier fragments stay whole; control frames pass. */
static void
test_guard_counts_fragments (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree guint8 *data = g_malloc0 (300);
  g_autoptr(GString) seen = NULL;
  Violations v = { 0 };

  add_frame (wire, 0x01, data, 300);
  add_frame (wire, 0x00, data, 300);
  add_frame (wire, 0x00, data, 300);   /* 900 > 800 */
  add_frame (wire, 0x80, data, 300);
  add_frame (wire, 0x8a, (guint8 *) "pong", 4);
  add_frame (wire, 0x81, data, 10);    /* even a small message, after */
  add_frame (wire, 0x88, (guint8 *) "\x03\xe8", 2);

  seen = run_guard (wire, 800, FALSE, 100, &v);
  g_assert_cmpstr (seen->str, ==, "10a8");
  g_assert_cmpuint (v.calls, ==, 1);
  g_assert_cmpuint (v.size, ==, 900);
}

static GBytes *
deflate_payload (const guint8 *data,
                 gsize         length,
                 z_stream     *z)
{
  gsize cap = length + 1024;
  guint8 *out = g_malloc (cap);
  gsize size;

  z->next_in = (Bytef *) data;
  z->avail_in = length;
  z->next_out = out;
  z->avail_out = cap;
  g_assert_cmpint (deflate (z, Z_SYNC_FLUSH), ==, Z_OK);
  size = cap - z->avail_out - 4;  /* without the 00 00 ff ff tail */
  return g_bytes_new_take (out, size);
}

/* Compressed messages count by what they inflate to, with the window kept
 * across messages as the peer's compressor keeps it. */
static void
test_guard_inflates_to_count (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree guint8 *zeros = g_malloc0 (5000);
  g_autoptr(GString) seen = NULL;
  Violations v = { 0 };
  z_stream z = { 0 };

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  for (guint i = 0; i < 3; i++)
    {
      /* 1000 bytes each, mostly back references to the earlier messages. */
      g_autoptr(GBytes) small = deflate_payload (zeros, 1000, &z);

      add_frame (wire, 0xc1, g_bytes_get_data (small, NULL), g_bytes_get_size (small));
    }
  {
    g_autoptr(GBytes) big = deflate_payload (zeros, 5000, &z);

    g_assert_cmpuint (g_bytes_get_size (big), <, 100);
    add_frame (wire, 0xc2, g_bytes_get_data (big, NULL), g_bytes_get_size (big));
  }
  add_frame (wire, 0x88, (guint8 *) "\x03\xe8", 2);
  deflateEnd (&z);

  seen = run_guard (wire, 2000, TRUE, 7, &v);
  g_assert_cmpstr (seen->str, ==, "1118");
  g_assert_cmpuint (v.calls, ==, 1);
  g_assert_cmpint (v.violation, ==, DPX_GUARD_VIOLATION_TOO_BIG);
  g_assert_cmpuint (v.size, >, 2000);

  /* Without deflate negotiated, RSV1 frames are libsoup's to refuse. */
  g_string_free (run_guard (wire, 2000, FALSE, 64, &v), TRUE);
}

static void
test_guard_bad_deflate (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  static const guint8 junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13 };
  g_autoptr(GString) seen = NULL;
  Violations v = { 0 };

  add_frame (wire, 0xc1, junk, sizeof junk);
  add_frame (wire, 0x88, (guint8 *) "\x03\xe8", 2);
  seen = run_guard (wire, 1000, TRUE, 64, &v);
  g_assert_cmpstr (seen->str, ==, "8");
  g_assert_cmpuint (v.calls, ==, 1);
  g_assert_cmpint (v.violation, ==, DPX_GUARD_VIOLATION_BAD_DEFLATE);
}

/* A continuation frame declaring nearly 2^64 bytes must not wrap the
 * message's running size back under the limit: such a length (its top
 * bit set) is a breach of its own, and nothing after it is passed on. */
static void
test_guard_length_cannot_wrap (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  static const guint8 huge_header[] = { 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa,
                                        0x00, 0x00, 0x00, 0x00 };
  g_autofree guint8 *filler = g_malloc0 (5000);
  g_autoptr(GString) seen = NULL;
  Violations v = { 0 };

  add_frame (wire, 0x01, (guint8 *) "0123456789", 10);
  g_byte_array_append (wire, huge_header, sizeof huge_header);
  g_byte_array_append (wire, filler, 5000);

  seen = run_guard (wire, 65536, TRUE, 512, &v);
  /* Nothing of the huge frame came out; the first fragment alone did. */
  g_assert_cmpstr (seen->str, ==, "1");
  g_assert_cmpuint (v.calls, ==, 1);
  g_assert_cmpint (v.violation, ==, DPX_GUARD_VIOLATION_IMPOSSIBLE_LENGTH);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/guard-input/passes-what-fits", test_guard_passes_what_fits);
  g_test_add_func ("/guard-input/counts-fragments", test_guard_counts_fragments);
  g_test_add_func ("/guard-input/inflates-to-count", test_guard_inflates_to_count);
  g_test_add_func ("/guard-input/bad-deflate", test_guard_bad_deflate);
  g_test_add_func ("/guard-input/length-cannot-wrap", test_guard_length_cannot_wrap);

  return g_test_run ();
}
