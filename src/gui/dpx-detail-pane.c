/* dpx-detail-pane.c: all of one message, beside the list
 *
 * Shows the entry it is given in the core's words (dpx_format_entry_detail:
 * pretty JSON, hex dump, event text, each cut at a size a text view lays
 * out quickly), with a title, the time and the size. Its actions copy the
 * payload (binary as hex) and save it to a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-DetailPane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-detail-pane.h"
#include "dpx-format.h"

struct _DpxDetailPane
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkStack             *stack;
  GtkTextView          *text_view;

  /* owned */
  DpxLogEntry          *entry;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (DpxDetailPane, dpx_detail_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENTRY,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
dup_title (DpxLogEntry *entry,
           gboolean     is_json)
{
  DpxEntryKind kind = dpx_log_entry_get_kind (entry);

  switch (dpx_log_entry_get_direction (entry))
    {
    case DPX_DIRECTION_SENT:
      return g_strdup (is_json ? _("Sent JSON") : kind == DPX_ENTRY_KIND_BINARY
                               ? _("Sent binary") : _("Sent text"));
    case DPX_DIRECTION_RECEIVED:
      return g_strdup (is_json ? _("Received JSON") : kind == DPX_ENTRY_KIND_BINARY
                               ? _("Received binary") : _("Received text"));
    case DPX_DIRECTION_EVENT:
    default:
      return g_strdup_printf (_("Event: %s"), dpx_entry_kind_label (kind));
    }
}

static void
show_entry (DpxDetailPane *self)
{
  DpxLogEntry *entry = self->entry;
  g_autofree char *text = NULL;
  g_autofree char *time = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;
  gboolean is_json = FALSE;
  DpxEntryKind kind;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.copy", entry != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.save-payload", entry != NULL);

  if (entry == NULL)
    {
      gtk_label_set_text (self->title_label, _("Details"));
      gtk_label_set_text (self->subtitle_label, "");
      gtk_stack_set_visible_child_name (self->stack, "none");
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
      return;
    }

  kind = dpx_log_entry_get_kind (entry);
  text = dpx_format_entry_detail (entry, &is_json);
  time = dpx_format_time (dpx_log_entry_get_time (entry));
  size = dpx_format_size (dpx_log_entry_get_size (entry));
  title = dup_title (entry, is_json);
  if (kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY)
    subtitle = g_strdup_printf ("%s · %s", time, size);
  else
    subtitle = g_strdup_printf ("%s · %s", time, dpx_log_entry_get_connection (entry));

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  gtk_stack_set_visible_child_name (self->stack, "text");
}


void
dpx_detail_pane_set_entry (DpxDetailPane *self,
                           DpxLogEntry   *entry)
{
  g_return_if_fail (DPX_IS_DETAIL_PANE (self));
  g_return_if_fail (entry == NULL || DPX_IS_LOG_ENTRY (entry));

  if (!g_set_object (&self->entry, entry))
    return;
  show_entry (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static char *
dup_text (DpxDetailPane *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Actions ----------------------------------------------------------------- */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  GBytes *payload;
  gsize size;
  const guint8 *data;

  if (self->entry == NULL)
    return;

  payload = dpx_log_entry_get_payload (self->entry);
  data = g_bytes_get_data (payload, &size);
  if (dpx_log_entry_get_kind (self->entry) == DPX_ENTRY_KIND_BINARY)
    {
      g_autofree char *hex = dpx_format_hex (data, size);

      gdk_clipboard_set_text (clipboard, hex);
    }
  else
    {
      g_autofree char *text = g_utf8_make_valid ((const char *) data, size);

      gdk_clipboard_set_text (clipboard, text);
    }
}

static void
toast (DpxDetailPane *self,
       const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (overlay)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

static void
on_payload_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DpxDetailPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    text = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
  else
    text = g_strdup_printf (_("Saved the payload as “%s”"), name);
  toast (self, text);
}

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  DpxDetailPane   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->entry)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file)
    g_file_replace_contents_bytes_async (file, dpx_log_entry_get_payload (self->entry),
                                         NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                         on_payload_saved, g_object_ref (self));
  g_clear_object (&self->chooser);
}

static void
save_payload_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->entry == NULL)
    return;

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Save Payload"), GTK_WINDOW (root),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     dpx_log_entry_get_kind (self->entry) == DPX_ENTRY_KIND_BINARY
                                     ? "message.bin" : "message.txt");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_detail_pane_dispose (GObject *object)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (object);

  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_DETAIL_PANE);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->entry);

  G_OBJECT_CLASS (dpx_detail_pane_parent_class)->dispose (object);
}

static void
dpx_detail_pane_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;
    case PROP_TEXT:
      g_value_take_string (value, dup_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_detail_pane_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DpxDetailPane *self = DPX_DETAIL_PANE (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      dpx_detail_pane_set_entry (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_detail_pane_class_init (DpxDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_detail_pane_dispose;
  object_class->get_property = dpx_detail_pane_get_property;
  object_class->set_property = dpx_detail_pane_set_property;

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL, DPX_TYPE_LOG_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What the pane shows of the entry, as a person reads it. */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, title_label);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, DpxDetailPane, text_view);

  gtk_widget_class_install_action (widget_class, "detail.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "detail.save-payload", NULL, save_payload_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "detailpane");
}

static void
dpx_detail_pane_init (DpxDetailPane *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  show_entry (self);
}

GtkWidget *
dpx_detail_pane_new (void)
{
  return g_object_new (DPX_TYPE_DETAIL_PANE, NULL);
}
