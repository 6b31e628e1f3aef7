/* test-guard-input-stream.c: the guard under the relay and the client, frame by frame
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

typedef struct {
  char    *problem;
  guint    code;
  guint    peer_close_code;
  gsize    passed;      /* bytes passed on */
  guint8  *out;
} Breach;

static void
breach_clear (Breach *b)
{
  g_clear_pointer (&b->problem, g_free);
  g_clear_pointer (&b->out, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Breach, breach_clear)

/* Runs @wire through a client-facing guard in reads of @chunk bytes, and
 * tells what it found and how much it passed on. */
static void
run_breach (GByteArray *wire,
            gboolean    inflate,
            gsize       chunk,
            Breach     *b)
{
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_data (g_memdup2 (wire->data, wire->len),
                                                                        wire->len, g_free);
  g_autoptr(GInputStream) guard = dpx_guard_input_stream_new (memory, 1 << 20, inflate);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (chunk);
  Violations v = { 0 };

  dpx_guard_input_stream_set_peer_is_client (DPX_GUARD_INPUT_STREAM (guard), TRUE);
  dpx_guard_input_stream_set_violation_func (DPX_GUARD_INPUT_STREAM (guard), on_violation, &v);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (guard), buffer, chunk,
                                                           NULL, &error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;   /* the end of a read round */
      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, n);
    }
  b->problem = g_strdup (dpx_guard_input_stream_get_problem (DPX_GUARD_INPUT_STREAM (guard)));
  b->code = dpx_guard_input_stream_get_violation_code (DPX_GUARD_INPUT_STREAM (guard));
  b->peer_close_code = dpx_guard_input_stream_get_peer_close_code (DPX_GUARD_INPUT_STREAM (guard));
  b->passed = out->len;
  b->out = g_byte_array_free (g_steal_pointer (&out), FALSE);
  g_assert_cmpuint (v.calls, ==, b->code != 0 ? 1 : 0);
}

/* Appends one frame as a server sends it: not masked. */
static void
add_unmasked_frame (GByteArray   *wire,
                    guint8        first_byte,
                    const guint8 *payload,
                    gsize         length)
{
  guint8 header[2] = { first_byte, length };

  g_assert_cmpuint (length, <, 126);
  g_byte_array_append (wire, header, 2);
  g_byte_array_append (wire, payload, length);
}

static void
test_guard_names_breaches (void)
{
  static const struct {
    guint8      first_byte;
    gboolean    masked;
    gsize       length;
    gboolean    inflate;
    gboolean    in_fragments;   /* a first fragment goes before it */
    const char *problem;
  } cases[] = {
    { 0xa1, TRUE, 3, FALSE, FALSE, "reserved bit 2 set" },
    { 0x91, TRUE, 3, FALSE, FALSE, "reserved bit 3 set" },
    { 0xc1, TRUE, 3, FALSE, FALSE, "reserved bit 1 set, but permessage-deflate was not agreed" },
    { 0xc9, TRUE, 3, TRUE, FALSE, "reserved bit 1 set on a control frame" },
    { 0xc0, TRUE, 3, TRUE, TRUE, "reserved bit 1 set on a continuation frame" },
    { 0x81, FALSE, 3, FALSE, FALSE, "the client did not mask its frame" },
    { 0x83, TRUE, 3, FALSE, FALSE, "reserved opcode 3" },
    { 0x8b, TRUE, 3, FALSE, FALSE, "reserved opcode 11" },
    { 0x09, TRUE, 3, FALSE, FALSE, "a fragmented control frame" },
    { 0x89, TRUE, 126, FALSE, FALSE, "a control frame of 126 bytes (the limit is 125)" },
    { 0x80, TRUE, 3, FALSE, FALSE, "a continuation frame outside a message" },
    { 0x82, TRUE, 3, FALSE, TRUE, "a new message inside a fragmented one" },
  };
  g_autofree guint8 *data = g_malloc0 (126);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize chunk = 1; chunk <= 4096; chunk *= 64)
      {
        g_autoptr(GByteArray) wire = g_byte_array_new ();
        g_auto(Breach) b = { 0 };
        gsize good;

        add_frame (wire, 0x81, (guint8 *) "fine", 4);
        if (cases[i].in_fragments)
          add_frame (wire, 0x01, (guint8 *) "half", 4);
        good = wire->len;
        if (cases[i].masked)
          add_frame (wire, cases[i].first_byte, data, cases[i].length);
        else
          add_unmasked_frame (wire, cases[i].first_byte, data, cases[i].length);
        /* Nothing after a breach is passed on, a close frame included. */
        add_frame (wire, 0x88, (guint8 *) "\x03\xe8", 2);

        run_breach (wire, cases[i].inflate, chunk, &b);
        g_assert_cmpstr (b.problem, ==, cases[i].problem);
        g_assert_cmpuint (b.code, ==, 1002);
        g_assert_cmpuint (b.passed, ==, good);
      }
}

/* Invalid UTF-8 is found at its first byte, across fragments, before the
 * message ends, and after inflation; a character split between fragments
 * is fine. */
static void
test_guard_utf8_fails_fast (void)
{
  static const char valid[] = "κόσμε ✓ 🎉";
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_auto(Breach) b = { 0 };

  for (gsize i = 0; i < strlen (valid); i++)
    add_frame (wire, (i == 0 ? 0x01 : 0x00) | (i == strlen (valid) - 1 ? 0x80 : 0),
               (guint8 *) valid + i, 1);
  run_breach (wire, FALSE, 7, &b);
  g_assert_null (b.problem);
  g_assert_cmpuint (b.passed, ==, wire->len);
  breach_clear (&b);

  /* "valid " then an overlong '/', and the message never ends. */
  g_byte_array_set_size (wire, 0);
  add_frame (wire, 0x01, (guint8 *) "valid ", 6);
  add_frame (wire, 0x00, (guint8 *) "\xc0\xaf", 2);
  run_breach (wire, FALSE, 1, &b);
  g_assert_cmpstr (b.problem, ==, "invalid UTF-8 at byte 7 of a text message");
  g_assert_cmpuint (b.code, ==, 1007);
  breach_clear (&b);

  /* A message that ends inside a character. */
  g_byte_array_set_size (wire, 0);
  add_frame (wire, 0x81, (guint8 *) "abcd\xe2\x82", 6);
  run_breach (wire, FALSE, 4096, &b);
  g_assert_cmpstr (b.problem, ==, "invalid UTF-8 at byte 5 of a text message (it ends inside a character)");
  breach_clear (&b);

  /* A surrogate, once inflated. */
  {
    static const char text[] = "abc \xed\xa0\x80 def";
    guint8 squeezed[64];
    z_stream z = { 0 };
    gsize length;

    g_assert_cmpint (deflateInit2 (&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
    z.next_in = (Bytef *) text;
    z.avail_in = strlen (text);
    z.next_out = squeezed;
    z.avail_out = sizeof squeezed;
    g_assert_cmpint (deflate (&z, Z_SYNC_FLUSH), ==, Z_OK);
    length = sizeof squeezed - z.avail_out - 4;   /* without the 00 00 ff ff tail */
    deflateEnd (&z);

    g_byte_array_set_size (wire, 0);
    add_frame (wire, 0xc1, squeezed, length);
    run_breach (wire, TRUE, 4096, &b);
    g_assert_cmpstr (b.problem, ==, "invalid UTF-8 at byte 5 of a text message");
    g_assert_cmpuint (b.code, ==, 1007);
    g_assert_cmpuint (b.passed, ==, 0);
  }
}

/* libsoup 3.2 answers 1012-1014 with 1002: it is shown 1000, and the code
 * that came is kept. */
static void
test_guard_close_codes_1012_to_1014 (void)
{
  static const guint codes[] = { 1000, 1011, 1012, 1013, 1014, 4000 };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(GByteArray) wire = g_byte_array_new ();
      guint8 payload[5] = { codes[i] >> 8, codes[i] & 0xff, 'b', 'y', 'e' };
      static const guint8 mask[4] = { 0xa1, 0x02, 0xc3, 0x44 };
      g_auto(Breach) b = { 0 };
      guint shown;

      add_frame (wire, 0x88, payload, sizeof payload);
      run_breach (wire, FALSE, 3, &b);
      g_assert_null (b.problem);
      g_assert_cmpuint (b.passed, ==, wire->len);
      g_assert_cmpuint (b.peer_close_code, ==, codes[i]);
      shown = ((guint) (b.out[6] ^ mask[0]) << 8) | (b.out[7] ^ mask[1]);
      g_assert_cmpuint (shown, ==, codes[i] >= 1012 && codes[i] <= 1014 ? 1000 : codes[i]);
      g_assert_cmpmem (b.out + 8, 3, wire->data + 8, 3);
    }

  /* A second close is not the peer's word: the first code stays. */
  {
    g_autoptr(GByteArray) wire = g_byte_array_new ();
    g_auto(Breach) b = { 0 };

    add_frame (wire, 0x88, (guint8 *) "\x03\xf4", 2);
    add_frame (wire, 0x88, (guint8 *) "\x03\xe8", 2);
    run_breach (wire, FALSE, 4096, &b);
    g_assert_cmpuint (b.peer_close_code, ==, 1012);
  }
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
  g_test_add_func ("/guard-input/names-breaches", test_guard_names_breaches);
  g_test_add_func ("/guard-input/utf8-fails-fast", test_guard_utf8_fails_fast);
  g_test_add_func ("/guard-input/close-codes-1012-to-1014", test_guard_close_codes_1012_to_1014);

  return g_test_run ();
}
