/* dpx-frame.c: the WebSocket frame codec: a scanner that follows frame
 * boundaries in a byte stream, and the encoder the relay and the bench share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "dpx-frame.h"

void
dpx_frame_scanner_init (DpxFrameScanner *self)
{
  memset (self, 0, sizeof *self);
}

gsize
dpx_frame_header_size_for (guint64  payload_len,
                           gboolean masked)
{
  gsize size = 2;

  if (payload_len > 0xffff)
    size += 8;
  else if (payload_len > 125)
    size += 2;
  return size + (masked ? 4 : 0);
}

/**
 * dpx_frame_write_header:
 * @out: room for DPX_FRAME_HEADER_MAX bytes
 * @mask: (nullable): the 4-byte key of a client frame, %NULL for a server's
 *
 * Returns: the header's size, dpx_frame_header_size_for() of the same
 */
gsize
dpx_frame_write_header (guint8       *out,
                        guint8        opcode,
                        gboolean      fin,
                        guint64       payload_len,
                        const guint8 *mask)
{
  guint8 mask_bit = mask ? 0x80 : 0;
  gsize pos;

  out[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  if (payload_len < 126)
    {
      out[1] = mask_bit | payload_len;
      pos = 2;
    }
  else if (payload_len <= 0xffff)
    {
      out[1] = mask_bit | 126;
      out[2] = payload_len >> 8;
      out[3] = payload_len & 0xff;
      pos = 4;
    }
  else
    {
      out[1] = mask_bit | 127;
      for (int i = 0; i < 8; i++)
        out[2 + i] = (payload_len >> (8 * (7 - i))) & 0xff;
      pos = 10;
    }
  if (mask)
    {
      memcpy (out + pos, mask, 4);
      pos += 4;
    }
  return pos;
}

/* XORs @data with @mask from the payload's first byte; eight at a time,
 * since the bench masks every byte it sends. */
void
dpx_frame_apply_mask (guint8       *data,
                      gsize         length,
                      const guint8  mask[4])
{
  guint8 mask8[8] = { mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3] };
  guint64 mask64;
  gsize i = 0;

  memcpy (&mask64, mask8, 8);
  for (; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, 8);
      word ^= mask64;
      memcpy (data + i, &word, 8);
    }
  for (; i < length; i++)
    data[i] ^= mask[i & 3];
}

/**
 * dpx_frame_unmask_copy:
 * @offset: where @src starts in its payload, which decides the mask's phase
 *
 * Copies @length masked payload bytes from @src to @dest, unmasked, eight
 * at a time: the relay unmasks every byte a client sends this way, straight
 * into the frame it sends on.
 */
void
dpx_frame_unmask_copy (guint8       *dest,
                       const guint8 *src,
                       gsize         length,
                       const guint8  mask[4],
                       guint64       offset)
{
  guint8 mask8[8];
  guint64 mask64;
  gsize i = 0;

  for (guint k = 0; k < 8; k++)
    mask8[k] = mask[(offset + k) & 3];
  memcpy (&mask64, mask8, 8);
  for (; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, src + i, 8);
      word ^= mask64;
      memcpy (dest + i, &word, 8);
    }
  for (; i < length; i++)
    dest[i] = src[i] ^ mask8[i & 7];
}

/**
 * dpx_frame_new:
 * @opcode: %DPX_FRAME_OPCODE_TEXT or %DPX_FRAME_OPCODE_BINARY
 *
 * Returns: one final, unmasked frame holding @payload, as a server sends it
 */
GBytes *
dpx_frame_new (guint8  opcode,
               GBytes *payload)
{
  gsize length = g_bytes_get_size (payload);
  guint8 *frame = g_malloc (DPX_FRAME_HEADER_MAX + length);
  gsize header = dpx_frame_write_header (frame, opcode, TRUE, length, NULL);

  if (length > 0)
    memcpy (frame + header, g_bytes_get_data (payload, NULL), length);
  return g_bytes_new_take (frame, header + length);
}

/* RFC 6455 section 4.2.2: the Sec-WebSocket-Accept a server answers to
 * the client's Sec-WebSocket-Key, which the client and the bench check. */
char *
dpx_frame_accept_key (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", -1);
  g_checksum_get_digest (sha1, digest, &length);
  return g_base64_encode (digest, length);
}

static void
parse_header (DpxFrameScanner *self)
{
  const guint8 *h = self->header;
  guint8 len7 = h[1] & 0x7f;
  guint pos = 2;

  self->fin = (h[0] & 0x80) != 0;
  self->rsv1 = (h[0] & 0x40) != 0;
  self->opcode = h[0] & 0x0f;
  self->masked = (h[1] & 0x80) != 0;

  if (len7 == 126)
    {
      self->payload_len = ((guint64) h[2] << 8) | h[3];
      pos = 4;
    }
  else if (len7 == 127)
    {
      self->payload_len = 0;
      for (guint i = 0; i < 8; i++)
        self->payload_len = (self->payload_len << 8) | h[2 + i];
      pos = 10;
    }
  else
    self->payload_len = len7;

  if (self->masked)
    memcpy (self->mask, h + pos, 4);
}

/* Consumes at least one byte when @length > 0 (a header ending a zero-length
 * frame counts as the frame's end: check dpx_frame_scanner_frame_done()). */
DpxFrameEvent
dpx_frame_scanner_step (DpxFrameScanner *self,
                        const guint8    *data,
                        gsize            length,
                        gsize           *consumed)
{
  *consumed = 0;

  if (dpx_frame_scanner_frame_done (self))
    {
      self->in_payload = FALSE;
      self->header_len = 0;
      self->header_size = 0;
    }

  if (length == 0)
    return DPX_FRAME_EVENT_NONE;

  /* A whole header at hand, as for nearly every frame: in one go. */
  if (!self->in_payload && self->header_len == 0 && length >= 2)
    {
      guint8 len7 = data[1] & 0x7f;
      guint8 size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((data[1] & 0x80) ? 4 : 0);

      if (length >= size)
        {
          memcpy (self->header, data, size);
          self->header_len = self->header_size = size;
          *consumed = size;
          parse_header (self);
          self->in_payload = TRUE;
          self->payload_left = self->payload_len;
          return DPX_FRAME_EVENT_HEADER;
        }
    }

  if (self->in_payload)
    {
      gsize n = MIN ((guint64) length, self->payload_left);

      self->payload_left -= n;
      *consumed = n;
      return DPX_FRAME_EVENT_PAYLOAD;
    }

  while (*consumed < length)
    {
      self->header[self->header_len++] = data[(*consumed)++];

      if (self->header_len == 2)
        {
          guint8 len7 = self->header[1] & 0x7f;

          self->header_size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) +
                              ((self->header[1] & 0x80) ? 4 : 0);
        }

      if (self->header_size != 0 && self->header_len == self->header_size)
        {
          parse_header (self);
          self->in_payload = TRUE;
          self->payload_left = self->payload_len;
          return DPX_FRAME_EVENT_HEADER;
        }
    }

  return DPX_FRAME_EVENT_NONE;
}

gboolean
dpx_frame_scanner_frame_done (const DpxFrameScanner *self)
{
  return self->in_payload && self->payload_left == 0;
}

gboolean
dpx_frame_scanner_is_control (const DpxFrameScanner *self)
{
  return (self->opcode & 0x08) != 0;
}

/* How far into the current payload the next payload byte is. */
guint64
dpx_frame_scanner_payload_offset (const DpxFrameScanner *self)
{
  return self->payload_len - self->payload_left;
}
