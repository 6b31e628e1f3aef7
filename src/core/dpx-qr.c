/* dpx-qr.c: QR codes of join addresses (libqrencode)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "dpx-qr.h"

/**
 * dpx_qr_encode:
 * @text: what the code holds, such as a URL
 * @width: (out): modules per side
 *
 * Encodes @text at error correction level M (a smudged or partly covered
 * code on a projector still scans).
 *
 * Returns: (transfer full) (nullable): @width × @width bytes, row by row,
 *   1 for a dark module and 0 for a light one; %NULL if @text does not fit
 */
GBytes *
dpx_qr_encode (const char *text,
               guint      *width)
{
  QRcode *code;
  guint8 *modules;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (width != NULL, NULL);

  *width = 0;
  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    return NULL;
  n = (gsize) code->width * code->width;
  modules = g_malloc (n);
  /* libqrencode keeps other flags in the upper bits: bit 0 is the colour. */
  for (gsize i = 0; i < n; i++)
    modules[i] = code->data[i] & 1;
  *width = code->width;
  QRcode_free (code);
  return g_bytes_new_take (modules, n);
}

/**
 * dpx_qr_to_terminal:
 *
 * Draws the code of @text with half-block characters, two rows of modules
 * per line, dark modules as spaces and light ones as blocks: on a terminal
 * with light text on a dark background that is dark on light, as scanners
 * expect. A quiet zone of blocks surrounds it.
 *
 * Returns: (transfer full) (nullable): the lines, each ending with a newline
 */
char *
dpx_qr_to_terminal (const char *text)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) out = NULL;
  const guint8 *modules;
  guint width;
  int side;

  bytes = dpx_qr_encode (text, &width);
  if (bytes == NULL)
    return NULL;
  modules = g_bytes_get_data (bytes, NULL);
  side = (int) width + 2 * DPX_QR_QUIET_ZONE;
  out = g_string_new (NULL);

  for (int y = 0; y < side; y += 2)
    {
      for (int x = 0; x < side; x++)
        {
          int mx = x - DPX_QR_QUIET_ZONE;
          int top_y = y - DPX_QR_QUIET_ZONE;
          int bottom_y = top_y + 1;
          gboolean top_light, bottom_light;

          top_light = mx < 0 || mx >= (int) width || top_y < 0 || top_y >= (int) width ||
                      !modules[top_y * width + mx];
          bottom_light = mx < 0 || mx >= (int) width || bottom_y < 0 || bottom_y >= (int) width ||
                         !modules[bottom_y * width + mx];
          if (y + 1 >= side)
            bottom_light = FALSE;   /* past the last row: leave it dark */
          if (top_light && bottom_light)
            g_string_append (out, "█");
          else if (top_light)
            g_string_append (out, "▀");
          else if (bottom_light)
            g_string_append (out, "▄");
          else
            g_string_append_c (out, ' ');
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
