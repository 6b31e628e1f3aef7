/* dpx-compose.c: the box where messages are written and sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Compose"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-compose.h"
#include "dpx-format.h"
#include "dpx-close-code.h"
#include "dpx-json-check.h"
#include "dpx-parse.h"

#define HISTORY_MAX 100
/* Live validation stops past this; the check still runs when sending. */
#define LIVE_CHECK_MAX (1024 * 1024)

typedef struct {
  DpxComposeMode mode;
  char          *text;
} HistoryItem;

struct _DpxCompose
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkToggleButton   *text_mode;
  GtkToggleButton   *json_mode;
  GtkToggleButton   *binary_mode;
  GtkButton         *format_button;
  GtkDropDown       *encoding_dropdown;
  GtkButton         *file_button;
  GtkCheckButton    *repeat_check;
  GtkSpinButton     *repeat_spin;
  GtkMenuButton     *close_menu;
  GtkPopover        *close_popover;
  GtkSpinButton     *close_code;
  GtkLabel          *close_code_description;
  GtkEntry          *close_reason;
  GtkLabel          *close_error;
  GtkButton         *close_button;
  GtkTextView       *text_view;
  GtkButton         *send_button;
  AdwButtonContent  *send_content;
  GtkBox            *file_box;
  GtkLabel          *file_label;
  GtkButton         *file_clear;
  GtkLabel          *message_label;

  /* owned */
  DpxSession        *session;
  GArray            *history;       /* HistoryItem, oldest first */
  char              *draft;         /* what was being written before Alt+Up */
  GBytes            *file_bytes;
  char              *close_error_text;
  GtkFileChooserNative *chooser;

  guint              repeat_source;
  guint              history_pos;   /* == history->len when not browsing */
  gboolean           message_is_error;
  gboolean           browsing;
};

G_DEFINE_FINAL_TYPE (DpxCompose, dpx_compose, GTK_TYPE_WIDGET)

static void
history_item_clear (gpointer data)
{
  HistoryItem *item = data;

  g_clear_pointer (&item->text, g_free);
}

static void
set_message (DpxCompose *self,
             const char *text,
             gboolean    is_error)
{
  self->message_is_error = is_error && text && *text;
  gtk_label_set_text (self->message_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text && *text);
  if (self->message_is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->text_view), "invalid");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->text_view), "invalid");
    }
}

const char *
dpx_compose_get_message (DpxCompose *self)
{
  g_return_val_if_fail (DPX_IS_COMPOSE (self), NULL);
  return gtk_label_get_text (self->message_label);
}

gboolean
dpx_compose_get_message_is_error (DpxCompose *self)
{
  g_return_val_if_fail (DPX_IS_COMPOSE (self), FALSE);
  return self->message_is_error;
}

char *
dpx_compose_dup_text (DpxCompose *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (DPX_IS_COMPOSE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
dpx_compose_set_text (DpxCompose *self,
                      const char *text)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text ? text : "", -1);
}

DpxComposeMode
dpx_compose_get_mode (DpxCompose *self)
{
  g_return_val_if_fail (DPX_IS_COMPOSE (self), DPX_COMPOSE_MODE_TEXT);

  if (gtk_toggle_button_get_active (self->json_mode))
    return DPX_COMPOSE_MODE_JSON;
  if (gtk_toggle_button_get_active (self->binary_mode))
    return DPX_COMPOSE_MODE_BINARY;
  return DPX_COMPOSE_MODE_TEXT;
}

void
dpx_compose_set_mode (DpxCompose     *self,
                      DpxComposeMode  mode)
{
  GtkToggleButton *buttons[] = { self->text_mode, self->json_mode, self->binary_mode };

  g_return_if_fail (DPX_IS_COMPOSE (self));
  g_return_if_fail (mode <= DPX_COMPOSE_MODE_BINARY);

  gtk_toggle_button_set_active (buttons[mode], TRUE);
}

void
dpx_compose_set_encoding (DpxCompose        *self,
                          DpxBinaryEncoding  encoding)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  gtk_drop_down_set_selected (self->encoding_dropdown, encoding);
}

static DpxBinaryEncoding
get_encoding (DpxCompose *self)
{
  return gtk_drop_down_get_selected (self->encoding_dropdown) == 1 ? DPX_BINARY_ENCODING_BASE64
                                                                    : DPX_BINARY_ENCODING_HEX;
}

/* Validation -------------------------------------------------------------- */

static GBytes *
parse_binary (DpxCompose  *self,
              const char  *text,
              GError     **error)
{
  if (self->file_bytes)
    return g_bytes_ref (self->file_bytes);
  if (get_encoding (self) == DPX_BINARY_ENCODING_BASE64)
    return dpx_parse_base64 (text, error);
  return dpx_parse_hex (text, error);
}

static void
validate (DpxCompose *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  if (gtk_text_buffer_get_char_count (buffer) > LIVE_CHECK_MAX)
    {
      set_message (self, NULL, FALSE);
      return;
    }

  text = dpx_compose_dup_text (self);
  switch (dpx_compose_get_mode (self))
    {
    case DPX_COMPOSE_MODE_JSON:
      if (*text == '\0' || dpx_parse_json_message (text, &error))
        set_message (self, NULL, FALSE);
      else
        set_message (self, error->message, TRUE);
      break;

    case DPX_COMPOSE_MODE_BINARY:
      {
        g_autoptr(GBytes) bytes = NULL;

        if (self->file_bytes == NULL && *text == '\0')
          set_message (self, NULL, FALSE);
        else if ((bytes = parse_binary (self, text, &error)))
          {
            g_autofree char *size = dpx_format_size (g_bytes_get_size (bytes));
            g_autofree char *line = g_strdup_printf (_("%s to send"), size);

            set_message (self, line, FALSE);
          }
        else
          set_message (self, error->message, TRUE);
      }
      break;

    case DPX_COMPOSE_MODE_TEXT:
    default:
      set_message (self, NULL, FALSE);
      break;
    }
}

static void
on_buffer_changed (GtkTextBuffer *buffer,
                   DpxCompose    *self)
{
  if (!self->browsing)
    self->history_pos = self->history->len;
  validate (self);
}

static void
on_mode_toggled (GtkToggleButton *button,
                 DpxCompose      *self)
{
  DpxComposeMode mode;

  if (!gtk_toggle_button_get_active (button))
    return;

  mode = dpx_compose_get_mode (self);
  gtk_widget_set_visible (GTK_WIDGET (self->format_button), mode == DPX_COMPOSE_MODE_JSON);
  gtk_widget_set_visible (GTK_WIDGET (self->encoding_dropdown), mode == DPX_COMPOSE_MODE_BINARY);
  gtk_widget_set_visible (GTK_WIDGET (self->file_button), mode == DPX_COMPOSE_MODE_BINARY);
  gtk_widget_set_visible (GTK_WIDGET (self->file_box),
                          mode == DPX_COMPOSE_MODE_BINARY && self->file_bytes != NULL);
  /* A chosen file stands in for the text only in binary mode. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view),
                            mode != DPX_COMPOSE_MODE_BINARY || self->file_bytes == NULL);
  validate (self);
}

static void
on_encoding_changed (GtkDropDown *dropdown,
                     GParamSpec  *pspec,
                     DpxCompose  *self)
{
  validate (self);
}

static void
on_format_clicked (GtkButton  *button,
                   DpxCompose *self)
{
  g_autofree char *text = dpx_compose_dup_text (self);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = NULL;

  /* Formatting what json-glib tolerates would drop what follows the first
   * value: format only strict JSON. */
  if (!dpx_json_check (text, -1, NULL) ||
      !json_parser_load_from_data (parser, text, -1, &error) || json_parser_get_root (parser) == NULL)
    {
      validate (self);
      return;
    }
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  pretty = json_generator_to_data (generator, NULL);
  dpx_compose_set_text (self, pretty);
}

/* Files ------------------------------------------------------------------- */

void
dpx_compose_set_file_bytes (DpxCompose *self,
                            const char *name,
                            GBytes     *bytes)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));

  g_clear_pointer (&self->file_bytes, g_bytes_unref);
  if (bytes)
    {
      g_autofree char *size = dpx_format_size (g_bytes_get_size (bytes));
      g_autofree char *text = g_strdup_printf (_("Sending the file “%s” (%s)"), name, size);

      self->file_bytes = g_bytes_ref (bytes);
      gtk_label_set_text (self->file_label, text);
      dpx_compose_set_mode (self, DPX_COMPOSE_MODE_BINARY);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->file_box), bytes != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view),
                            bytes == NULL || dpx_compose_get_mode (self) != DPX_COMPOSE_MODE_BINARY);
  validate (self);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpxCompose) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  char *contents;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not read “%s”: %s"), name, error->message);

      set_message (self, text, TRUE);
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  dpx_compose_set_file_bytes (self, name, bytes);
}

static void
on_file_response (GtkNativeDialog *dialog,
                  int              response,
                  DpxCompose      *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))))
    g_file_load_contents_async (file, NULL, on_file_loaded, g_object_ref (self));
  g_clear_object (&self->chooser);
}

static void
on_file_clicked (GtkButton  *button,
                 DpxCompose *self)
{
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Send a File"),
                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_file_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_file_clear (GtkButton  *button,
               DpxCompose *self)
{
  dpx_compose_set_file_bytes (self, NULL, NULL);
}

/* History ----------------------------------------------------------------- */

static void
history_push (DpxCompose     *self,
              DpxComposeMode  mode,
              const char     *text)
{
  HistoryItem item;

  if (self->history->len > 0)
    {
      HistoryItem *last = &g_array_index (self->history, HistoryItem, self->history->len - 1);

      if (last->mode == mode && g_strcmp0 (last->text, text) == 0)
        {
          self->history_pos = self->history->len;
          return;
        }
    }
  if (self->history->len >= HISTORY_MAX)
    g_array_remove_index (self->history, 0);
  item.mode = mode;
  item.text = g_strdup (text);
  g_array_append_val (self->history, item);
  self->history_pos = self->history->len;
}

/**
 * dpx_compose_history_move:
 * @delta: -1 for the message sent before, 1 for the one after
 */
void
dpx_compose_history_move (DpxCompose *self,
                          int         delta)
{
  guint pos;

  g_return_if_fail (DPX_IS_COMPOSE (self));

  if (self->history->len == 0)
    return;
  if (delta < 0 && self->history_pos == 0)
    return;
  if (delta > 0 && self->history_pos >= self->history->len)
    return;

  if (self->history_pos == self->history->len)
    {
      g_free (self->draft);
      self->draft = dpx_compose_dup_text (self);
    }

  pos = self->history_pos + delta;
  self->browsing = TRUE;
  if (pos >= self->history->len)
    dpx_compose_set_text (self, self->draft);
  else
    {
      HistoryItem *item = &g_array_index (self->history, HistoryItem, pos);

      dpx_compose_set_mode (self, item->mode);
      dpx_compose_set_text (self, item->text);
    }
  self->browsing = FALSE;
  self->history_pos = pos;
}

/* Sending ----------------------------------------------------------------- */

static gboolean
send_current (DpxCompose  *self,
              gboolean     remember,
              GError     **error)
{
  g_autofree char *text = dpx_compose_dup_text (self);
  DpxComposeMode mode = dpx_compose_get_mode (self);

  if (self->session == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("Not connected"));
      return FALSE;
    }

  switch (mode)
    {
    case DPX_COMPOSE_MODE_JSON:
      if (!dpx_parse_json_message (text, error))
        return FALSE;
      if (!dpx_session_send_text (self->session, text, error))
        return FALSE;
      break;

    case DPX_COMPOSE_MODE_BINARY:
      {
        g_autoptr(GBytes) bytes = parse_binary (self, text, error);

        if (bytes == NULL || !dpx_session_send_binary (self->session, bytes, error))
          return FALSE;
      }
      break;

    case DPX_COMPOSE_MODE_TEXT:
    default:
      if (!dpx_session_send_text (self->session, text, error))
        return FALSE;
      break;
    }

  if (remember && self->file_bytes == NULL)
    history_push (self, mode, text);
  return TRUE;
}

static void stop_repeat (DpxCompose *self);

static gboolean
repeat_cb (gpointer data)
{
  DpxCompose *self = data;
  g_autoptr(GError) error = NULL;

  if (!send_current (self, FALSE, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Repeating stopped: %s"), error->message);

      self->repeat_source = 0;
      stop_repeat (self);
      set_message (self, text, TRUE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
update_send_button (DpxCompose *self)
{
  if (self->repeat_source != 0)
    {
      adw_button_content_set_label (self->send_content, _("_Stop"));
      adw_button_content_set_icon_name (self->send_content, "media-playback-stop-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button), _("Stop repeating"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->send_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->send_button), "destructive-action");
    }
  else
    {
      adw_button_content_set_label (self->send_content, _("_Send"));
      adw_button_content_set_icon_name (self->send_content, "document-send-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button), _("Send the message (Ctrl+Enter)"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->send_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->send_button), "suggested-action");
    }
}

static void
stop_repeat (DpxCompose *self)
{
  g_clear_handle_id (&self->repeat_source, g_source_remove);
  update_send_button (self);
}

/**
 * dpx_compose_send:
 *
 * Sends what is written, in the chosen mode. With "repeat" on, starts
 * sending it every N milliseconds; called again, stops.
 *
 * Returns: whether a message was sent
 */
gboolean
dpx_compose_send (DpxCompose *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DPX_IS_COMPOSE (self), FALSE);

  if (self->repeat_source != 0)
    {
      stop_repeat (self);
      return FALSE;
    }

  if (!send_current (self, TRUE, &error))
    {
      set_message (self, error->message, TRUE);
      return FALSE;
    }
  validate (self);

  if (gtk_check_button_get_active (self->repeat_check))
    {
      guint interval = (guint) gtk_spin_button_get_value_as_int (self->repeat_spin);

      self->repeat_source = g_timeout_add (MAX (interval, 10), repeat_cb, self);
      g_source_set_name_by_id (self->repeat_source, "[duplex] repeat");
      update_send_button (self);
    }
  return TRUE;
}

void
dpx_compose_set_repeat (DpxCompose *self,
                        gboolean    repeat,
                        guint       interval_ms)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));

  gtk_spin_button_set_value (self->repeat_spin, interval_ms);
  gtk_check_button_set_active (self->repeat_check, repeat);
}

gboolean
dpx_compose_get_repeating (DpxCompose *self)
{
  g_return_val_if_fail (DPX_IS_COMPOSE (self), FALSE);
  return self->repeat_source != 0;
}

static void
on_repeat_toggled (GtkCheckButton *check,
                   DpxCompose     *self)
{
  if (!gtk_check_button_get_active (check))
    stop_repeat (self);
}

static void
on_send_clicked (GtkButton  *button,
                 DpxCompose *self)
{
  dpx_compose_send (self);
}

static void
on_session_state (DpxSession *session,
                  GParamSpec *pspec,
                  DpxCompose *self)
{
  DpxConnectionState state = dpx_session_get_state (session);

  if (state != DPX_CONNECTION_STATE_OPEN)
    stop_repeat (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_menu), state == DPX_CONNECTION_STATE_OPEN);
  if (state == DPX_CONNECTION_STATE_OPEN && self->message_is_error)
    validate (self);
}

void
dpx_compose_set_session (DpxCompose *self,
                         DpxSession *session)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state), self, 0);
      on_session_state (session, NULL, self);
    }
}

void
dpx_compose_focus (DpxCompose *self)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Closing ----------------------------------------------------------------- */

static void
set_close_error (DpxCompose *self,
                 const char *text)
{
  g_free (self->close_error_text);
  self->close_error_text = g_strdup (text);
  gtk_label_set_text (self->close_error, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->close_error), text != NULL);
}

const char *
dpx_compose_get_close_error (DpxCompose *self)
{
  g_return_val_if_fail (DPX_IS_COMPOSE (self), NULL);
  return self->close_error_text;
}

/**
 * dpx_compose_close_connection:
 *
 * Closes with @code and @reason after checking both; a problem is shown
 * under the fields and nothing is sent.
 */
gboolean
dpx_compose_close_connection (DpxCompose *self,
                              int         code,
                              const char *reason)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DPX_IS_COMPOSE (self), FALSE);

  if (!dpx_close_check (code, reason, &error))
    {
      set_close_error (self, error->message);
      return FALSE;
    }
  if (self->session == NULL ||
      !dpx_session_disconnect (self->session, (gushort) code, reason, &error))
    {
      set_close_error (self, error ? error->message : _("Not connected"));
      return FALSE;
    }
  set_close_error (self, NULL);
  gtk_popover_popdown (self->close_popover);
  return TRUE;
}

static void
on_close_clicked (GtkButton  *button,
                  DpxCompose *self)
{
  dpx_compose_close_connection (self, gtk_spin_button_get_value_as_int (self->close_code),
                                gtk_editable_get_text (GTK_EDITABLE (self->close_reason)));
}

static void
on_close_reason_activate (GtkEntry   *entry,
                          DpxCompose *self)
{
  on_close_clicked (self->close_button, self);
}

static void
on_close_code_changed (GtkSpinButton *spin,
                       DpxCompose    *self)
{
  g_autoptr(GError) error = NULL;
  int code = gtk_spin_button_get_value_as_int (spin);

  gtk_label_set_text (self->close_code_description, dpx_close_code_describe ((gushort) code));
  if (dpx_close_check (code, gtk_editable_get_text (GTK_EDITABLE (self->close_reason)), &error))
    set_close_error (self, NULL);
  else
    set_close_error (self, error->message);
}

static void
on_close_reason_changed (GtkEditable *editable,
                         DpxCompose  *self)
{
  on_close_code_changed (self->close_code, self);
}

/* Keys -------------------------------------------------------------------- */

static gboolean
send_shortcut (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  dpx_compose_send (DPX_COMPOSE (user_data));
  return TRUE;
}

static gboolean
history_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  dpx_compose_history_move (DPX_COMPOSE (user_data), g_variant_get_int32 (args));
  return TRUE;
}

static void
add_shortcut (GtkEventController *controller,
              const char         *trigger,
              GtkShortcutFunc     func,
              gpointer            data,
              GVariant           *args)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                            gtk_callback_action_new (func, data, NULL));

  if (args)
    gtk_shortcut_set_arguments (shortcut, args);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_compose_dispose (GObject *object)
{
  DpxCompose *self = DPX_COMPOSE (object);

  g_clear_handle_id (&self->repeat_source, g_source_remove);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_COMPOSE);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (dpx_compose_parent_class)->dispose (object);
}

static void
dpx_compose_finalize (GObject *object)
{
  DpxCompose *self = DPX_COMPOSE (object);

  g_clear_pointer (&self->history, g_array_unref);
  g_clear_pointer (&self->draft, g_free);
  g_clear_pointer (&self->file_bytes, g_bytes_unref);
  g_clear_pointer (&self->close_error_text, g_free);

  G_OBJECT_CLASS (dpx_compose_parent_class)->finalize (object);
}

static void
dpx_compose_class_init (DpxComposeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_compose_dispose;
  object_class->finalize = dpx_compose_finalize;

  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/duplexws/Duplex/dpx-compose.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, text_mode);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, json_mode);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, binary_mode);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, format_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, repeat_check);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, repeat_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_menu);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_popover);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_code);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_code_description);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_reason);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_error);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, text_view);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, send_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, send_content);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_box);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_label);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_clear);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, message_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "compose");
}

static void
dpx_compose_init (DpxCompose *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->history = g_array_new (FALSE, TRUE, sizeof (HistoryItem));
  g_array_set_clear_func (self->history, history_item_clear);

  /* Capture phase: the text view would take Ctrl+Enter as a newline. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_shortcut (shortcuts, "<Control>Return", send_shortcut, self, NULL);
  add_shortcut (shortcuts, "<Control>KP_Enter", send_shortcut, self, NULL);
  add_shortcut (shortcuts, "<Alt>Up", history_shortcut, self, g_variant_new_int32 (-1));
  add_shortcut (shortcuts, "<Alt>Down", history_shortcut, self, g_variant_new_int32 (1));
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), shortcuts);

  g_signal_connect (gtk_text_view_get_buffer (self->text_view), "changed",
                    G_CALLBACK (on_buffer_changed), self);
  g_signal_connect (self->text_mode, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->json_mode, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->binary_mode, "toggled", G_CALLBACK (on_mode_toggled), self);
  g_signal_connect (self->encoding_dropdown, "notify::selected", G_CALLBACK (on_encoding_changed), self);
  g_signal_connect (self->format_button, "clicked", G_CALLBACK (on_format_clicked), self);
  g_signal_connect (self->file_button, "clicked", G_CALLBACK (on_file_clicked), self);
  g_signal_connect (self->file_clear, "clicked", G_CALLBACK (on_file_clear), self);
  g_signal_connect (self->repeat_check, "toggled", G_CALLBACK (on_repeat_toggled), self);
  g_signal_connect (self->send_button, "clicked", G_CALLBACK (on_send_clicked), self);
  g_signal_connect (self->close_button, "clicked", G_CALLBACK (on_close_clicked), self);
  g_signal_connect (self->close_code, "value-changed", G_CALLBACK (on_close_code_changed), self);
  g_signal_connect (self->close_reason, "changed", G_CALLBACK (on_close_reason_changed), self);
  g_signal_connect (self->close_reason, "activate", G_CALLBACK (on_close_reason_activate), self);

  on_close_code_changed (self->close_code, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_menu), FALSE);
  set_message (self, NULL, FALSE);
}
