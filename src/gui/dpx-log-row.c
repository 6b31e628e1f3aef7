/* dpx-log-row.c: one line of the message list
 *
 * A row is one widget that draws its own columns (time, direction, kind,
 * size, preview) instead of six child widgets. GTK 4.8's list view keeps
 * about 200 rows bound around the end it follows, and a flood rebinds all
 * of them at every update: a row must cost almost nothing to bind and to
 * measure. Binding only keeps the entry and its texts; the height is the
 * same for every row; the text is shaped when the row is drawn, and GTK
 * draws only the rows in sight. The fonts,
 * colours, column widths and repeated words are shared by the rows of a
 * list through a DpxLogRowStyle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-LogRow"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-log-row.h"
#include "dpx-format.h"

/* Enough for a wide window; the rest is ellipsized when drawn. */
#define PREVIEW_CHARS 160
#define SPACING       10
#define ICON_SIZE     16
#define KIND_PADDING  6
#define KIND_RADIUS   6
/* As Adwaita's .dim-label and .caption. */
#define DIM_ALPHA     0.55
#define CAPTION_PT    9

struct _DpxLogRowStyle
{
  grefcount             ref_count;
  guint                 generation;
  gboolean              valid;

  PangoFontDescription *mono;
  PangoFontDescription *caption;
  PangoAttrList        *numeric;
  PangoLayout          *directions[DPX_DIRECTION_EVENT + 1];
  PangoLayout          *kinds[DPX_ENTRY_KIND_PONG + 1];
  GdkPaintable         *icons[DPX_DIRECTION_EVENT + 1];
  GdkRGBA               accent;
  GdkRGBA               success;
  GdkRGBA               warning;
  GdkRGBA               error;
  GdkRGBA               purple;
  int                   time_width;
  int                   direction_width;
  int                   kind_width;
  int                   size_width;
  int                   height;
};

struct _DpxLogRow
{
  GtkWidget       parent_instance;

  /* owned */
  DpxLogRowStyle *style;
  DpxLogEntry    *entry;
  char           *time;
  char           *size;
  char           *preview;
  PangoLayout    *time_layout;
  PangoLayout    *size_layout;
  PangoLayout    *preview_layout;

  guint           generation;   /* of the style the layouts were made with */
  gboolean        drawn;        /* drew the entry when last asked to draw */
};

G_DEFINE_FINAL_TYPE (DpxLogRow, dpx_log_row, GTK_TYPE_WIDGET)

static const char *
direction_icon_name (DpxDirection direction)
{
  switch (direction)
    {
    case DPX_DIRECTION_SENT:
      return "go-up-symbolic";
    case DPX_DIRECTION_RECEIVED:
      return "go-down-symbolic";
    case DPX_DIRECTION_EVENT:
    default:
      return "dialog-information-symbolic";
    }
}

/* Style ------------------------------------------------------------------- */

DpxLogRowStyle *
dpx_log_row_style_new (void)
{
  DpxLogRowStyle *style = g_new0 (DpxLogRowStyle, 1);

  g_ref_count_init (&style->ref_count);
  return style;
}

DpxLogRowStyle *
dpx_log_row_style_ref (DpxLogRowStyle *style)
{
  g_return_val_if_fail (style != NULL, NULL);
  g_ref_count_inc (&style->ref_count);
  return style;
}

static void
style_clear (DpxLogRowStyle *style)
{
  g_clear_pointer (&style->mono, pango_font_description_free);
  g_clear_pointer (&style->caption, pango_font_description_free);
  g_clear_pointer (&style->numeric, pango_attr_list_unref);
  for (guint i = 0; i < G_N_ELEMENTS (style->directions); i++)
    g_clear_object (&style->directions[i]);
  for (guint i = 0; i < G_N_ELEMENTS (style->kinds); i++)
    g_clear_object (&style->kinds[i]);
  for (guint i = 0; i < G_N_ELEMENTS (style->icons); i++)
    g_clear_object (&style->icons[i]);
  style->valid = FALSE;
}

void
dpx_log_row_style_unref (DpxLogRowStyle *style)
{
  g_return_if_fail (style != NULL);
  if (g_ref_count_dec (&style->ref_count))
    {
      style_clear (style);
      g_free (style);
    }
}

/* The theme, the font or the scale changed: fonts, colours and widths are
 * looked up again when the rows are next measured or drawn. */
void
dpx_log_row_style_invalidate (DpxLogRowStyle *style)
{
  g_return_if_fail (style != NULL);
  style_clear (style);
  style->generation++;
}

/* How GtkLabel turns width-chars into pixels. */
static int
width_chars (PangoContext               *context,
             const PangoFontDescription *font,
             int                         chars)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (context, font, NULL);
  int char_width = pango_font_metrics_get_approximate_char_width (metrics);
  int digit_width = pango_font_metrics_get_approximate_digit_width (metrics);

  pango_font_metrics_unref (metrics);
  return PANGO_PIXELS_CEIL (MAX (char_width, digit_width) * chars);
}

static PangoLayout *
new_layout (PangoContext               *context,
            const PangoFontDescription *font,
            PangoAttrList              *attrs,
            const char                 *text)
{
  PangoLayout *layout = pango_layout_new (context);

  pango_layout_set_font_description (layout, font);
  if (attrs)
    pango_layout_set_attributes (layout, attrs);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static int
layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

#if GTK_CHECK_VERSION (4, 10, 0)
/* The colour of the theme's style class @css_class (.accent, .success,
 * .warning, .error), as a label with it would be drawn: GtkStyleContext
 * and its named colours are deprecated since GTK 4.10. */
static void
lookup_color (GtkWidget  *widget,
              const char *css_class,
              GdkRGBA    *color)
{
  g_autoptr(GtkWidget) probe = g_object_ref_sink (gtk_label_new (NULL));

  gtk_widget_add_css_class (probe, css_class);
  /* Newer than the GTK required, behind the version check. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_widget_get_color (probe, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}
#else
static void
lookup_color (GtkWidget  *widget,
              const char *css_class,
              GdkRGBA    *color)
{
  static const struct {
    const char *css_class;
    const char *name;
    const char *fallback;
  } colors[] = {
    { "accent", "accent_color", "#1c71d8" },
    { "success", "success_color", "#26a269" },
    { "warning", "warning_color", "#9c6e03" },
    { "error", "error_color", "#c01c28" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    if (g_str_equal (css_class, colors[i].css_class))
      {
        if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), colors[i].name,
                                             color))
          gdk_rgba_parse (color, colors[i].fallback);
        return;
      }
  g_return_if_reached ();
}
#endif

static void
style_ensure (DpxLogRowStyle *style,
              GtkWidget      *widget)
{
  PangoContext *context;
  GtkIconTheme *theme;
  g_autoptr(PangoLayout) probe = NULL;
  int height;

  if (style->valid)
    return;

  context = gtk_widget_get_pango_context (widget);
  style->mono = pango_font_description_copy (pango_context_get_font_description (context));
  pango_font_description_set_family (style->mono, "monospace");
  style->caption = pango_font_description_copy (pango_context_get_font_description (context));
  pango_font_description_set_size (style->caption, CAPTION_PT * PANGO_SCALE);
  style->numeric = pango_attr_list_new ();
  pango_attr_list_insert (style->numeric, pango_attr_font_features_new ("tnum"));

  style->time_width = width_chars (context, style->mono, 12);
  style->direction_width = width_chars (context, style->caption, 8);
  style->size_width = width_chars (context, style->caption, 8);
  style->kind_width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (style->directions); i++)
    {
      style->directions[i] = new_layout (context, style->caption, NULL, dpx_direction_label (i));
      style->direction_width = MAX (style->direction_width, layout_width (style->directions[i]));
    }

  {
    g_autoptr(PangoFontDescription) bold = pango_font_description_copy (style->caption);

    pango_font_description_set_weight (bold, PANGO_WEIGHT_BOLD);
    style->kind_width = width_chars (context, bold, 6);
    for (guint i = 0; i < G_N_ELEMENTS (style->kinds); i++)
      {
        style->kinds[i] = new_layout (context, bold, NULL, dpx_entry_kind_label (i));
        style->kind_width = MAX (style->kind_width, layout_width (style->kinds[i]));
      }
    style->kind_width += 2 * KIND_PADDING;
  }

  probe = new_layout (context, style->mono, NULL, "09:AZgjy|");
  pango_layout_get_pixel_size (probe, NULL, &height);
  style->height = height;

  lookup_color (widget, "accent", &style->accent);
  lookup_color (widget, "success", &style->success);
  lookup_color (widget, "warning", &style->warning);
  lookup_color (widget, "error", &style->error);
  /* GNOME's palette purple 3, the same in the light and dark styles. */
  gdk_rgba_parse (&style->purple, "#9141ac");

  theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));
  for (guint i = 0; i < G_N_ELEMENTS (style->icons); i++)
    {
      GtkIconPaintable *icon = gtk_icon_theme_lookup_icon (theme, direction_icon_name (i), NULL,
                                                           ICON_SIZE,
                                                           gtk_widget_get_scale_factor (widget),
                                                           gtk_widget_get_direction (widget), 0);

      style->icons[i] = GDK_PAINTABLE (icon);
    }
  style->valid = TRUE;
}

/* Row --------------------------------------------------------------------- */

static void
clear_layouts (DpxLogRow *self)
{
  g_clear_object (&self->time_layout);
  g_clear_object (&self->size_layout);
  g_clear_object (&self->preview_layout);
}

void
dpx_log_row_set_entry (DpxLogRow   *self,
                       DpxLogEntry *entry)
{
  g_autofree char *label = NULL;
  DpxDirection direction;
  DpxEntryKind kind;

  g_return_if_fail (DPX_IS_LOG_ROW (self));

  if (!g_set_object (&self->entry, entry))
    return;

  clear_layouts (self);
  g_clear_pointer (&self->time, g_free);
  g_clear_pointer (&self->size, g_free);
  g_clear_pointer (&self->preview, g_free);
  self->drawn = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (entry == NULL)
    return;

  direction = dpx_log_entry_get_direction (entry);
  kind = dpx_log_entry_get_kind (entry);
  self->time = dpx_format_time (dpx_log_entry_get_time (entry));
  if (kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY ||
      kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG)
    self->size = dpx_format_size (dpx_log_entry_get_size (entry));
  self->preview = dpx_format_entry_preview (entry, PREVIEW_CHARS);
  if (kind == DPX_ENTRY_KIND_PING || kind == DPX_ENTRY_KIND_PONG)
    {
      g_autofree char *facts = dpx_format_control_facts (entry);

      /* The round trip and keep-alive first: "pong · 3.2 ms · payload". */
      if (facts)
        {
          g_autofree char *payload = g_steal_pointer (&self->preview);

          self->preview = g_strdup_printf ("%s · %s", facts, payload);
        }
    }

  /* The row draws its text itself: say it for assistive technologies. */
  label = g_strdup_printf ("%s %s %s %s %s", self->time, dpx_direction_label (direction),
                           dpx_entry_kind_label (kind), self->size ? self->size : "",
                           self->preview);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

DpxLogEntry *
dpx_log_row_get_entry (DpxLogRow *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ROW (self), NULL);
  return self->entry;
}

/* The last column's text, as drawn (ellipsized to the width). */
const char *
dpx_log_row_get_preview (DpxLogRow *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ROW (self), NULL);
  return self->preview;
}

static void
dpx_log_row_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  DpxLogRow *self = DPX_LOG_ROW (widget);
  DpxLogRowStyle *style = self->style;

  style_ensure (style, widget);
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = style->height;
  else
    {
      /* The fixed columns and a few characters of preview. */
      *minimum = style->time_width + ICON_SIZE + style->direction_width + style->kind_width +
                 style->size_width + 5 * SPACING + 4 * (style->size_width / 8);
      *natural = *minimum + 40 * (style->size_width / 8);
    }
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               float          x,
               int            height,
               const GdkRGBA *color)
{
  int layout_height;

  pango_layout_get_pixel_size (layout, NULL, &layout_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, (height - layout_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
kind_colors (DpxLogRowStyle *style,
             DpxEntryKind    kind,
             const GdkRGBA  *fg,
             GdkRGBA        *background,
             GdkRGBA        *text)
{
  *text = *fg;
  switch (kind)
    {
    case DPX_ENTRY_KIND_BINARY:
      *background = style->purple;
      background->alpha *= 0.22;
      break;
    case DPX_ENTRY_KIND_ERROR:
      *background = style->error;
      background->alpha *= 0.22;
      *text = style->error;
      break;
    case DPX_ENTRY_KIND_OPEN:
      *background = style->success;
      background->alpha *= 0.2;
      break;
    case DPX_ENTRY_KIND_CLOSE:
      *background = style->warning;
      background->alpha *= 0.22;
      break;
    case DPX_ENTRY_KIND_PING:
    case DPX_ENTRY_KIND_PONG:
      /* Control frames: the accent, faint, apart from messages. */
      *background = style->accent;
      background->alpha *= 0.16;
      break;
    case DPX_ENTRY_KIND_TEXT:
    case DPX_ENTRY_KIND_INFO:
    default:
      *background = *fg;
      background->alpha *= 0.08;
      break;
    }
}

/* Whether the row drew an entry the last time it was asked to draw. */
gboolean
dpx_log_row_get_drawn (DpxLogRow *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ROW (self), FALSE);
  return self->entry != NULL && self->drawn;
}

static void
dpx_log_row_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  DpxLogRow *self = DPX_LOG_ROW (widget);
  DpxLogRowStyle *style = self->style;
  PangoContext *context;
  DpxDirection direction;
  DpxEntryKind kind;
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int x = 0, column, text_width, pill_height;
  GdkRGBA fg, dim, background, text, icon_colors[4];
  GskRoundedRect pill;

  self->drawn = FALSE;
  if (self->entry == NULL)
    return;
  self->drawn = TRUE;

  style_ensure (style, widget);
  if (self->generation != style->generation)
    {
      clear_layouts (self);
      self->generation = style->generation;
    }
  context = gtk_widget_get_pango_context (widget);
  if (self->time_layout == NULL)
    {
      self->time_layout = new_layout (context, style->mono, style->numeric, self->time);
      self->size_layout = new_layout (context, style->caption, style->numeric,
                                      self->size ? self->size : "");
      self->preview_layout = new_layout (context, style->mono, NULL, self->preview);
      pango_layout_set_ellipsize (self->preview_layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->preview_layout, TRUE);
    }

  direction = dpx_log_entry_get_direction (self->entry);
  kind = dpx_log_entry_get_kind (self->entry);
#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_widget_get_color (widget, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
#endif
  dim = fg;
  dim.alpha *= DIM_ALPHA;

#define PLACE(start, w) (rtl ? width - (start) - (w) : (start))

  /* Time */
  text_width = layout_width (self->time_layout);
  append_layout (snapshot, self->time_layout, PLACE (x, text_width), height, &dim);
  x += style->time_width + SPACING;

  /* Direction: icon and word */
  icon_colors[0] = direction == DPX_DIRECTION_SENT ? style->accent
                 : direction == DPX_DIRECTION_RECEIVED ? style->success : dim;
  icon_colors[1] = style->error;
  icon_colors[2] = style->warning;
  icon_colors[3] = style->success;
  if (style->icons[direction])
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (PLACE (x, ICON_SIZE), (height - ICON_SIZE) / 2));
      gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (style->icons[direction]),
                                                snapshot, ICON_SIZE, ICON_SIZE,
                                                icon_colors, G_N_ELEMENTS (icon_colors));
      gtk_snapshot_restore (snapshot);
    }
  x += ICON_SIZE + SPACING;
  text_width = layout_width (style->directions[direction]);
  append_layout (snapshot, style->directions[direction], PLACE (x, text_width), height, &fg);
  x += style->direction_width + SPACING;

  /* Kind, in a pill */
  kind_colors (style, kind, &fg, &background, &text);
  pill_height = MIN (height, style->height + 4);
  gsk_rounded_rect_init_from_rect (&pill,
                                   &GRAPHENE_RECT_INIT (PLACE (x, style->kind_width),
                                                        (height - pill_height) / 2,
                                                        style->kind_width, pill_height),
                                   KIND_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, &background, &pill.bounds);
  gtk_snapshot_pop (snapshot);
  text_width = layout_width (style->kinds[kind]);
  append_layout (snapshot, style->kinds[kind],
                 PLACE (x + (style->kind_width - text_width) / 2, text_width), height, &text);
  x += style->kind_width + SPACING;

  /* Size, right-aligned */
  text_width = layout_width (self->size_layout);
  column = rtl ? x : x + style->size_width - text_width;
  append_layout (snapshot, self->size_layout, PLACE (column, text_width), height, &dim);
  x += style->size_width + SPACING;

  /* Preview, the rest of the width */
  if (width > x)
    {
      GdkRGBA color = fg;

      if (direction == DPX_DIRECTION_EVENT)
        color.alpha *= 0.7;
      pango_layout_set_width (self->preview_layout, (width - x) * PANGO_SCALE);
      pango_layout_set_alignment (self->preview_layout,
                                  rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      append_layout (snapshot, self->preview_layout, PLACE (x, width - x), height, &color);
    }

#undef PLACE
}

static void
dpx_log_row_dispose (GObject *object)
{
  DpxLogRow *self = DPX_LOG_ROW (object);

  clear_layouts (self);
  g_clear_object (&self->entry);

  G_OBJECT_CLASS (dpx_log_row_parent_class)->dispose (object);
}

static void
dpx_log_row_finalize (GObject *object)
{
  DpxLogRow *self = DPX_LOG_ROW (object);

  g_clear_pointer (&self->time, g_free);
  g_clear_pointer (&self->size, g_free);
  g_clear_pointer (&self->preview, g_free);
  g_clear_pointer (&self->style, dpx_log_row_style_unref);

  G_OBJECT_CLASS (dpx_log_row_parent_class)->finalize (object);
}

static void
dpx_log_row_class_init (DpxLogRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_log_row_dispose;
  object_class->finalize = dpx_log_row_finalize;
  widget_class->measure = dpx_log_row_measure;
  widget_class->snapshot = dpx_log_row_snapshot;

  gtk_widget_class_set_css_name (widget_class, "logrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
dpx_log_row_init (DpxLogRow *self)
{
}

GtkWidget *
dpx_log_row_new (DpxLogRowStyle *style)
{
  DpxLogRow *self;

  g_return_val_if_fail (style != NULL, NULL);

  self = g_object_new (DPX_TYPE_LOG_ROW, NULL);
  self->style = dpx_log_row_style_ref (style);
  return GTK_WIDGET (self);
}
