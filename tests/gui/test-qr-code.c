/* test-qr-code.c: a QR code, drawn crisp at any size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "dpx-gui-test.h"
#include "dpx-qr-code.h"

/* Drawn black on white with whole-pixel modules: the top-left pixel of
 * the finder pattern is black, the quiet zone white. */
static void
test_draws_modules (void)
{
  GtkWidget *code = g_object_ref_sink (dpx_qr_code_new ());
  GtkWidget *toplevel = dpx_gui_test_new_toplevel (code);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint32 *pixels = NULL;
  int width, height, side, module, x0, y0;

  dpx_qr_code_set_text (DPX_QR_CODE (code), "http://192.168.1.2:4000/");
  g_assert_cmpstr (dpx_qr_code_get_text (DPX_QR_CODE (code)), ==, "http://192.168.1.2:4000/");
  gtk_window_set_default_size (GTK_WINDOW (toplevel), 300, 300);
  dpx_gui_test_wait_frames (toplevel, 3);

  width = gtk_widget_get_width (code);
  height = gtk_widget_get_height (code);
  paintable = gtk_widget_paintable_new (code);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (code)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  pixels = g_new (guint32, width * height);
  gdk_texture_download (texture, (guchar *) pixels, width * 4);

  /* Version 2: 25 modules and 2 of quiet zone a side. */
  side = MIN (width, height);
  module = side / 29;
  g_assert_cmpint (module, >=, 5);
  x0 = (width - module * 29) / 2;
  y0 = (height - module * 29) / 2;
  g_assert_cmphex (pixels[(y0 + module / 2) * width + x0 + module / 2] & 0xffffff, ==, 0xffffff);
  g_assert_cmphex (pixels[(y0 + 2 * module + module / 2) * width + x0 + 2 * module + module / 2] & 0xffffff,
                   ==, 0x000000);

  dpx_gui_test_destroy_toplevel (toplevel);
  g_assert_finalize_object (code);
}

int
main (int    argc,
      char **argv)
{
  dpx_gui_test_init (&argc, &argv);

  g_test_add_func ("/qr-code/draws-modules", test_draws_modules);

  return g_test_run ();
}
