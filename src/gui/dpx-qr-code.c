/* dpx-qr-code.c: a QR code, drawn crisp at any size
 *
 * The modules are drawn as rectangles in snapshot, on whole pixels, black
 * on white whatever the theme (scanners expect dark on light), with the
 * quiet zone around them. It asks for a square as large as the space it
 * is given, at least its minimum size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-QrCode"

#include "config.h"

#include "dpx-qr.h"
#include "dpx-qr-code.h"

#define MIN_SIZE 160

struct _DpxQrCode
{
  GtkWidget  parent_instance;

  /* owned */
  char      *text;
  GBytes    *modules;   /* NULL when there is no text or it does not fit */
  guint      width;
};

G_DEFINE_FINAL_TYPE (DpxQrCode, dpx_qr_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dpx_qr_code_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  DpxQrCode *self = DPX_QR_CODE (widget);
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA black = { 0, 0, 0, 1 };
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  int side = MIN (w, h);
  int total, module, x0, y0;
  const guint8 *data;

  if (self->modules == NULL || side <= 0)
    return;
  total = (int) self->width + 2 * DPX_QR_QUIET_ZONE;
  /* Whole pixels per module: no blurred edges for the camera. */
  module = MAX (1, side / total);
  x0 = (w - module * total) / 2;
  y0 = (h - module * total) / 2;
  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (x0, y0, module * total, module * total));
  data = g_bytes_get_data (self->modules, NULL);
  x0 += DPX_QR_QUIET_ZONE * module;
  y0 += DPX_QR_QUIET_ZONE * module;
  for (guint y = 0; y < self->width; y++)
    {
      guint x = 0;

      /* One rectangle per run of dark modules in a row. */
      while (x < self->width)
        {
          guint start;

          if (!data[y * self->width + x])
            {
              x++;
              continue;
            }
          start = x;
          while (x < self->width && data[y * self->width + x])
            x++;
          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + start * module, y0 + y * module,
                                                          (x - start) * module, module));
        }
    }
}

static void
dpx_qr_code_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = MIN_SIZE;
  *natural = MAX (MIN_SIZE, for_size);
}

static GtkSizeRequestMode
dpx_qr_code_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

GtkWidget *
dpx_qr_code_new (void)
{
  return g_object_new (DPX_TYPE_QR_CODE, NULL);
}

const char *
dpx_qr_code_get_text (DpxQrCode *self)
{
  g_return_val_if_fail (DPX_IS_QR_CODE (self), NULL);
  return self->text;
}

void
dpx_qr_code_set_text (DpxQrCode  *self,
                      const char *text)
{
  g_return_if_fail (DPX_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->modules, g_bytes_unref);
  self->width = 0;
  if (text && *text)
    self->modules = dpx_qr_encode (text, &self->width);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static void
dpx_qr_code_finalize (GObject *object)
{
  DpxQrCode *self = DPX_QR_CODE (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->modules, g_bytes_unref);

  G_OBJECT_CLASS (dpx_qr_code_parent_class)->finalize (object);
}

static void
dpx_qr_code_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DpxQrCode *self = DPX_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_qr_code_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DpxQrCode *self = DPX_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      dpx_qr_code_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_qr_code_class_init (DpxQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dpx_qr_code_finalize;
  object_class->get_property = dpx_qr_code_get_property;
  object_class->set_property = dpx_qr_code_set_property;
  widget_class->snapshot = dpx_qr_code_snapshot;
  widget_class->measure = dpx_qr_code_measure;
  widget_class->get_request_mode = dpx_qr_code_get_request_mode;

  /* What the code holds; the accessible label says it in words too. */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dpx_qr_code_init (DpxQrCode *self)
{
}
