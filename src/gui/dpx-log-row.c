/* dpx-log-row.c: one line of the message list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-LogRow"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-log-row.h"

/* Enough for a wide window; the label ellipsizes the rest. */
#define PREVIEW_CHARS 300

struct _DpxLogRow
{
  GtkWidget    parent_instance;

  /* template widgets */
  GtkLabel    *time_label;
  GtkImage    *direction_icon;
  GtkLabel    *direction_label;
  GtkLabel    *kind_label;
  GtkLabel    *size_label;
  GtkLabel    *preview_label;

  /* owned */
  DpxLogEntry *entry;
};

G_DEFINE_FINAL_TYPE (DpxLogRow, dpx_log_row, GTK_TYPE_WIDGET)

const char *
dpx_direction_icon_name (DpxDirection direction)
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

const char *
dpx_direction_label (DpxDirection direction)
{
  switch (direction)
    {
    case DPX_DIRECTION_SENT:
      return _("sent");
    case DPX_DIRECTION_RECEIVED:
      return _("received");
    case DPX_DIRECTION_EVENT:
    default:
      return _("event");
    }
}

const char *
dpx_entry_kind_label (DpxEntryKind kind)
{
  switch (kind)
    {
    case DPX_ENTRY_KIND_TEXT:
      return _("text");
    case DPX_ENTRY_KIND_BINARY:
      return _("binary");
    case DPX_ENTRY_KIND_OPEN:
      return _("open");
    case DPX_ENTRY_KIND_CLOSE:
      return _("close");
    case DPX_ENTRY_KIND_ERROR:
      return _("error");
    case DPX_ENTRY_KIND_INFO:
    default:
      return _("info");
    }
}

/* Local wall-clock time with milliseconds: 14:03:27.415 */
char *
dpx_format_time (gint64 time_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("--:--:--.---");
  local = g_date_time_to_local (utc);
  return g_strdup_printf ("%02d:%02d:%02d.%03d",
                          g_date_time_get_hour (local),
                          g_date_time_get_minute (local),
                          g_date_time_get_second (local),
                          (int) ((time_us % G_USEC_PER_SEC) / 1000));
}

static const char * const direction_classes[] = { "sent", "received", "event" };
static const char * const kind_classes[] = { "text", "binary", "open", "close", "error", "info" };

void
dpx_log_row_set_entry (DpxLogRow   *self,
                       DpxLogEntry *entry)
{
  g_autofree char *time = NULL;
  g_autofree char *size = NULL;
  g_autofree char *preview = NULL;
  DpxDirection direction;
  DpxEntryKind kind;

  g_return_if_fail (DPX_IS_LOG_ROW (self));

  if (!g_set_object (&self->entry, entry))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (direction_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), direction_classes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->kind_label), kind_classes[i]);

  if (entry == NULL)
    return;

  direction = dpx_log_entry_get_direction (entry);
  kind = dpx_log_entry_get_kind (entry);
  time = dpx_format_time (dpx_log_entry_get_time (entry));
  gtk_label_set_text (self->time_label, time);

  gtk_image_set_from_icon_name (self->direction_icon, dpx_direction_icon_name (direction));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->direction_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, dpx_direction_label (direction),
                                  -1);
  gtk_label_set_text (self->direction_label, dpx_direction_label (direction));
  gtk_widget_add_css_class (GTK_WIDGET (self), direction_classes[direction]);

  gtk_label_set_text (self->kind_label, dpx_entry_kind_label (kind));
  gtk_widget_add_css_class (GTK_WIDGET (self->kind_label), kind_classes[kind]);

  if (kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY)
    size = g_format_size_full (dpx_log_entry_get_size (entry), G_FORMAT_SIZE_IEC_UNITS);
  gtk_label_set_text (self->size_label, size ? size : "");

  preview = dpx_log_entry_dup_preview (entry, PREVIEW_CHARS);
  gtk_label_set_text (self->preview_label, preview);
}

DpxLogEntry *
dpx_log_row_get_entry (DpxLogRow *self)
{
  g_return_val_if_fail (DPX_IS_LOG_ROW (self), NULL);
  return self->entry;
}

static void
dpx_log_row_dispose (GObject *object)
{
  DpxLogRow *self = DPX_LOG_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_LOG_ROW);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->entry);

  G_OBJECT_CLASS (dpx_log_row_parent_class)->dispose (object);
}

static void
dpx_log_row_class_init (DpxLogRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_log_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/duplexws/Duplex/dpx-log-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxLogRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogRow, direction_icon);
  gtk_widget_class_bind_template_child (widget_class, DpxLogRow, direction_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogRow, size_label);
  gtk_widget_class_bind_template_child (widget_class, DpxLogRow, preview_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "logrow");
}

static void
dpx_log_row_init (DpxLogRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 10);
}

GtkWidget *
dpx_log_row_new (void)
{
  return g_object_new (DPX_TYPE_LOG_ROW, NULL);
}
