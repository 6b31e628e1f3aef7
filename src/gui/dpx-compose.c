/* dpx-compose.c: the box where messages are written and sent
 *
 * The mode (text, JSON, binary) and the binary encoding are properties; the
 * mode toggles are the property action compose.mode. What is written is
 * checked as it is typed and again when sent; a file's bytes can stand in
 * for the text in binary mode. The messages sent before are in a
 * DpxSentHistory; the Close button's popover is a DpxClosePopover.
 *
 * Over 600 lines, on purpose: the modes, their checks, the chosen file and
 * the repeat timer all read and change the same text and Send button, and
 * a third of the file is the six properties' GObject code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Compose"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dpx-file-chooser.h"
#include "dpx-close-popover.h"
#include "dpx-sent-history.h"
#include "dpx-compose.h"
#include "dpx-editor-search.h"
#include "dpx-format.h"
#include "dpx-json-check.h"
#include "dpx-parse.h"
#include "dpx-ping-popover.h"

#define HISTORY_MAX 100
/* Live validation stops past this; the check still runs when sending. */
#define LIVE_CHECK_MAX (1024 * 1024)

struct _DpxCompose
{
  GtkWidget             parent_instance;

  /* template widgets */
  GtkButton            *format_button;
  GtkDropDown          *encoding_dropdown;
  GtkButton            *file_button;
  GtkCheckButton       *repeat_check;
  GtkSpinButton        *repeat_spin;
  GtkMenuButton        *ping_menu;
  DpxPingPopover       *ping_popover;
  GtkMenuButton        *close_menu;
  DpxClosePopover      *close_popover;
  GtkTextView          *text_view;     /* a GtkSourceView */
  DpxEditorSearch      *search;
  GtkButton            *send_button;
  AdwButtonContent     *send_content;
  GtkBox               *file_box;
  GtkLabel             *file_label;
  GtkLabel             *message_label;

  /* owned */
  DpxSession           *session;
  DpxTemplate          *template;   /* variables of the tab or its profile */
  DpxSentHistory    *history;
  GBytes               *file_bytes;
  GCancellable         *chooser;       /* the open file chooser's */

  DpxComposeMode        mode;
  DpxBinaryEncoding     encoding;
  guint                 repeat_source;
  gboolean              message_is_error;
  gboolean              browsing;
  gboolean              setting_text;
  gboolean              empty_confirmed;  /* Send was pressed once on an empty message */
  gboolean              repeat_invalid;   /* the repeat interval written is not a number */
};

G_DEFINE_FINAL_TYPE (DpxCompose, dpx_compose, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_MODE,
  PROP_ENCODING,
  PROP_MESSAGE,
  PROP_MESSAGE_IS_ERROR,
  PROP_REPEATING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_message (DpxCompose *self,
             const char *text,
             gboolean    is_error)
{
  gboolean was_error = self->message_is_error;

  self->message_is_error = is_error && text && *text;
  if (g_strcmp0 (gtk_label_get_text (self->message_label), text ? text : "") != 0)
    {
      gtk_label_set_text (self->message_label, text ? text : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
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
  if (was_error != self->message_is_error)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_IS_ERROR]);
}

static void on_buffer_changed (DpxCompose *self);
static void update_language (DpxCompose *self);

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

  /* Replacing the text is a deletion and an insertion: check once. */
  self->setting_text = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text ? text : "", -1);
  self->setting_text = FALSE;
  on_buffer_changed (self);
}

/* Validation -------------------------------------------------------------- */

static GBytes *
parse_binary (DpxCompose  *self,
              const char  *text,
              GError     **error)
{
  if (self->file_bytes)
    return g_bytes_ref (self->file_bytes);
  if (self->encoding == DPX_BINARY_ENCODING_BASE64)
    return dpx_parse_base64 (text, error);
  return dpx_parse_hex (text, error);
}

/* One line of at most 200 characters, line ends as ↵, as the log shows. */
static char *
preview_line (const char *text)
{
  g_autoptr(GString) line = g_string_new (NULL);
  glong n = 0;

  for (const char *p = text; *p && n < 200; p = g_utf8_next_char (p), n++)
    {
      if (*p == '\n')
        g_string_append (line, "↵");
      else
        g_string_append_unichar (line, g_utf8_get_char (p));
    }
  if (g_utf8_strlen (text, -1) > 200)
    g_string_append (line, "…");
  return g_string_free (g_steal_pointer (&line), FALSE);
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
  /* Variables: an error shows before sending, and what will go out is
   * previewed (without counting a send). */
  if (self->template && self->mode != DPX_COMPOSE_MODE_BINARY && dpx_template_uses_variables (text))
    {
      g_autofree char *preview = dpx_template_preview (self->template, text, NULL, &error);
      g_autofree char *line = NULL;

      if (preview == NULL)
        {
          set_message (self, error->message, TRUE);
          return;
        }
      if (self->mode == DPX_COMPOSE_MODE_JSON && !dpx_parse_json_message (preview, &error))
        {
          set_message (self, error->message, TRUE);
          return;
        }
      line = preview_line (preview);
      g_free (preview);
      preview = g_strdup_printf (_("Sends: %s"), line);
      set_message (self, preview, FALSE);
      return;
    }
  switch (self->mode)
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
on_buffer_changed (DpxCompose *self)
{
  self->empty_confirmed = FALSE;
  if (self->setting_text)
    return;
  update_language (self);
  if (!self->browsing)
    dpx_sent_history_rewind (self->history);
  validate (self);
}

/* JSON is highlighted in JSON mode, up to LIVE_CHECK_MAX characters: past
 * that, as for the live check, typing stays as fast as in a plain text view. */
static void
update_language (DpxCompose *self)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (self->text_view));
  GtkSourceLanguage *json = NULL;

  if (self->mode == DPX_COMPOSE_MODE_JSON &&
      gtk_text_buffer_get_char_count (GTK_TEXT_BUFFER (buffer)) <= LIVE_CHECK_MAX)
    json = dpx_editor_get_json_language ();
  if (gtk_source_buffer_get_language (buffer) != json)
    gtk_source_buffer_set_language (buffer, json);
}

/* What shows depends on the mode and on a chosen file. */
static void
update_mode_widgets (DpxCompose *self)
{
  gboolean binary = self->mode == DPX_COMPOSE_MODE_BINARY;

  gtk_widget_set_visible (GTK_WIDGET (self->format_button), self->mode == DPX_COMPOSE_MODE_JSON);
  gtk_widget_set_visible (GTK_WIDGET (self->encoding_dropdown), binary);
  gtk_widget_set_visible (GTK_WIDGET (self->file_button), binary);
  gtk_widget_set_visible (GTK_WIDGET (self->file_box), self->file_bytes != NULL);
  /* A chosen file stands in for the text only in binary mode. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), !binary || self->file_bytes == NULL);
}

DpxComposeMode
dpx_compose_get_mode (DpxCompose *self)
{
  g_return_val_if_fail (DPX_IS_COMPOSE (self), DPX_COMPOSE_MODE_TEXT);
  return self->mode;
}

void
dpx_compose_set_mode (DpxCompose     *self,
                      DpxComposeMode  mode)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  g_return_if_fail (mode <= DPX_COMPOSE_MODE_BINARY);

  if (self->mode == mode)
    return;
  self->mode = mode;
  update_language (self);
  update_mode_widgets (self);
  validate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}


/* The bytes written in one encoding, rewritten in @encoding: hex that
 * happens to be valid base64 must not be sent as something else. Text that
 * is not valid in its own encoding cannot be converted: the switch is
 * refused, and the line under the text says why. */
static gboolean
convert_text (DpxCompose        *self,
              DpxBinaryEncoding  encoding)
{
  g_autofree char *text = NULL;
  g_autofree char *converted = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;

  if (self->mode != DPX_COMPOSE_MODE_BINARY)
    return TRUE;
  text = dpx_compose_dup_text (self);
  if (*g_strstrip (text) == '\0')
    return TRUE;

  bytes = self->encoding == DPX_BINARY_ENCODING_BASE64 ? dpx_parse_base64 (text, &error)
                                                       : dpx_parse_hex (text, &error);
  if (bytes == NULL)
    {
      g_autofree char *line = NULL;

      if (self->encoding == DPX_BINARY_ENCODING_BASE64)
        /* Translators: %s says what is wrong with the base64 */
        line = g_strdup_printf (_("The text stays base64: it cannot be converted to hex (%s)"),
                                error->message);
      else
        /* Translators: %s says what is wrong with the hex */
        line = g_strdup_printf (_("The text stays hex: it cannot be converted to base64 (%s)"),
                                error->message);
      set_message (self, line, TRUE);
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &size);
  if (encoding == DPX_BINARY_ENCODING_BASE64)
    converted = g_base64_encode (data, size);
  else
    converted = dpx_format_hex_spaced (data, size);
  dpx_compose_set_text (self, converted);
  return TRUE;
}

void
dpx_compose_set_encoding (DpxCompose        *self,
                          DpxBinaryEncoding  encoding)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  g_return_if_fail (encoding <= DPX_BINARY_ENCODING_BASE64);

  if (self->encoding == encoding)
    return;
  if (!convert_text (self, encoding))
    {
      /* Refused: the drop-down goes back to the encoding of the text. */
      gtk_drop_down_set_selected (self->encoding_dropdown, self->encoding);
      return;
    }
  self->encoding = encoding;
  /* The drop-down's rows follow DpxBinaryEncoding. */
  gtk_drop_down_set_selected (self->encoding_dropdown, encoding);
  validate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
}

static void
on_encoding_selected (DpxCompose *self)
{
  guint selected = gtk_drop_down_get_selected (self->encoding_dropdown);

  dpx_compose_set_encoding (self, selected == DPX_BINARY_ENCODING_BASE64
                                  ? DPX_BINARY_ENCODING_BASE64
                                  : DPX_BINARY_ENCODING_HEX);
}

static void
on_format_clicked (DpxCompose *self)
{
  g_autofree char *text = dpx_compose_dup_text (self);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = NULL;

  /* Formatting what json-glib tolerates would drop what follows the first
   * value: format only strict JSON. */
  if (!dpx_json_check (text, -1, NULL) ||
      !json_parser_load_from_data (parser, text, -1, &error) ||
      json_parser_get_root (parser) == NULL)
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
  update_mode_widgets (self);
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
on_file_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DpxCompose) self = user_data;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);

  if (file)
    g_file_load_contents_async (file, NULL, on_file_loaded, g_object_ref (self));
}

static void
on_file_clicked (DpxCompose *self)
{
  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = g_cancellable_new ();
  dpx_file_chooser_open_async (GTK_WIDGET (self), _("Send a File"), _("_Open"), NULL,
                               self->chooser, on_file_chosen, g_object_ref (self));
}

static void
on_file_clear (DpxCompose *self)
{
  dpx_compose_set_file_bytes (self, NULL, NULL);
}

/* History ----------------------------------------------------------------- */

/**
 * dpx_compose_history_move:
 * @delta: -1 for the message sent before, 1 for the one after
 */
void
dpx_compose_history_move (DpxCompose *self,
                          int         delta)
{
  g_autofree char *current = NULL;
  DpxComposeMode mode;
  const char *text;

  g_return_if_fail (DPX_IS_COMPOSE (self));

  current = dpx_compose_dup_text (self);
  mode = self->mode;
  if (!dpx_sent_history_move (self->history, delta, current, &mode, &text))
    return;
  self->browsing = TRUE;
  dpx_compose_set_mode (self, mode);
  dpx_compose_set_text (self, text);
  self->browsing = FALSE;
}

static void
history_move_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  dpx_compose_history_move (DPX_COMPOSE (widget), g_variant_get_int32 (param));
}

/* Sending ----------------------------------------------------------------- */

static gboolean
send_current (DpxCompose  *self,
              gboolean     remember,
              GError     **error)
{
  g_autofree char *text = dpx_compose_dup_text (self);
  g_autofree char *written = NULL;
  DpxComposeMode mode = self->mode;

  if (self->session == NULL)
    {
      g_set_error_literal (error, DPX_ERROR, DPX_ERROR_NOT_OPEN, _("Not connected"));
      return FALSE;
    }
  /* Variables are expanded for each send, repeated ones too; the history
   * keeps what was written. */
  if (self->template && mode != DPX_COMPOSE_MODE_BINARY)
    {
      g_autofree char *preview = dpx_template_preview (self->template, text, NULL, error);

      if (preview == NULL ||
          (mode == DPX_COMPOSE_MODE_JSON && !dpx_parse_json_message (preview, error)))
        return FALSE;
      if (dpx_session_get_state (self->session) != DPX_CONNECTION_STATE_OPEN)
        return dpx_session_send_text (self->session, preview, error);
      written = g_steal_pointer (&text);
      text = dpx_template_expand (self->template, written, NULL, error);
      if (text == NULL)
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
    dpx_sent_history_push (self->history, mode, written ? written : text);
  return TRUE;
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
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button),
                                   _("Send the message (Ctrl+Enter)"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->send_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->send_button), "suggested-action");
    }
}

static void
stop_repeat (DpxCompose *self)
{
  if (self->repeat_source == 0)
    return;
  g_clear_handle_id (&self->repeat_source, g_source_remove);
  update_send_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPEATING]);
}

static gboolean
repeat_cb (gpointer data)
{
  DpxCompose *self = data;
  g_autoptr(GError) error = NULL;

  if (!send_current (self, FALSE, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Repeating stopped: %s"), error->message);

      stop_repeat (self);
      set_message (self, text, TRUE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Puts the cursor in the message, to type or edit it. */
void
dpx_compose_focus_text (DpxCompose *self)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
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

  /* What is written in the interval counts, and is checked first. */
  if (gtk_check_button_get_active (self->repeat_check))
    {
      gtk_spin_button_update (self->repeat_spin);
      if (self->repeat_invalid)
        return FALSE;
    }

  /* An empty message is sent only when asked twice: Ctrl+Enter in an
   * empty box is more often a slip than a test. */
  if (self->mode != DPX_COMPOSE_MODE_JSON && self->file_bytes == NULL &&
      gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->text_view)) == 0 &&
      !self->empty_confirmed)
    {
      self->empty_confirmed = TRUE;
      set_message (self, _("The message is empty. Send again to send an empty message."), FALSE);
      return FALSE;
    }
  self->empty_confirmed = FALSE;

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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPEATING]);
    }
  return TRUE;
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  dpx_compose_send (DPX_COMPOSE (widget));
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

/* The interval as written: a whole number of milliseconds in the spin
 * button's range, or refused in words (GTK would read letters as 0 and
 * repeat at the minimum). The spin button, updated only when valid, keeps
 * the interval it had. */
static int
on_repeat_input (DpxCompose    *self,
                 double        *new_value,
                 GtkSpinButton *spin)
{
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  guint64 value = 0;

  if (g_ascii_string_to_unsigned (text, 10, (guint64) gtk_adjustment_get_lower (adjustment),
                                  (guint64) gtk_adjustment_get_upper (adjustment), &value, NULL))
    {
      *new_value = value;
      if (self->repeat_invalid)
        {
          self->repeat_invalid = FALSE;
          gtk_widget_remove_css_class (GTK_WIDGET (spin), "error");
          set_message (self, NULL, FALSE);
          validate (self);
        }
      return TRUE;
    }

  {
    g_autofree char *line = NULL;

    /* Translators: “%s” is what was written; the numbers are milliseconds */
    line = g_strdup_printf (_("Repeat every: “%s” is not a number of milliseconds from %u to %u; "
                              "the interval stays %u ms"),
                            text, (guint) gtk_adjustment_get_lower (adjustment),
                            (guint) gtk_adjustment_get_upper (adjustment),
                            (guint) gtk_adjustment_get_value (adjustment));
    self->repeat_invalid = TRUE;
    gtk_widget_add_css_class (GTK_WIDGET (spin), "error");
    set_message (self, line, TRUE);
  }
  return GTK_INPUT_ERROR;
}

static void
on_repeat_toggled (DpxCompose *self)
{
  if (!gtk_check_button_get_active (self->repeat_check))
    stop_repeat (self);
}

/**
 * dpx_compose_popup_ping:
 *
 * Opens the Ping button's popover, when connected.
 */
void
dpx_compose_popup_ping (DpxCompose *self)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));

  if (gtk_widget_is_sensitive (GTK_WIDGET (self->ping_menu)))
    gtk_menu_button_popup (self->ping_menu);
}

/**
 * dpx_compose_edit_payload:
 * @kind: %DPX_ENTRY_KIND_TEXT or %DPX_ENTRY_KIND_BINARY
 * @payload: the message's bytes
 *
 * Puts a message in the box to be changed and sent: text in JSON mode when
 * it is strict JSON, else in text mode; binary in binary mode, written in
 * the chosen encoding. A chosen file is forgotten, repeating stops, and
 * the text view has the focus.
 */
void
dpx_compose_edit_payload (DpxCompose   *self,
                          DpxEntryKind  kind,
                          GBytes       *payload)
{
  gsize size;
  const guint8 *data;
  g_autofree char *text = NULL;

  g_return_if_fail (DPX_IS_COMPOSE (self));
  g_return_if_fail (kind == DPX_ENTRY_KIND_TEXT || kind == DPX_ENTRY_KIND_BINARY);
  g_return_if_fail (payload != NULL);

  stop_repeat (self);
  dpx_compose_set_file_bytes (self, NULL, NULL);
  data = g_bytes_get_data (payload, &size);
  if (kind == DPX_ENTRY_KIND_BINARY)
    {
      text = self->encoding == DPX_BINARY_ENCODING_BASE64 ? g_base64_encode (data, size)
                                                          : dpx_format_hex_spaced (data, size);
      /* Set first: the mode's check then sees the bytes, not the old text. */
      dpx_compose_set_text (self, "");
      dpx_compose_set_mode (self, DPX_COMPOSE_MODE_BINARY);
    }
  else
    {
      /* A text message is UTF-8; the box keeps a string, so a NUL would cut
       * it short (such a message is sent again from the log as it is). */
      const char *start;

      text = g_utf8_make_valid ((const char *) data, size);
      for (start = text; g_ascii_isspace (*start); start++)
        ;
      dpx_compose_set_text (self, "");
      /* An object or an array is edited as JSON; a bare number or word as text. */
      dpx_compose_set_mode (self, (*start == '{' || *start == '[') &&
                                  dpx_parse_json_message (text, NULL)
                                  ? DPX_COMPOSE_MODE_JSON : DPX_COMPOSE_MODE_TEXT);
    }
  dpx_compose_set_text (self, text);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Session ----------------------------------------------------------------- */

static void
on_session_state (DpxSession *session,
                  GParamSpec *pspec,
                  DpxCompose *self)
{
  DpxConnectionState state = dpx_session_get_state (session);

  if (state != DPX_CONNECTION_STATE_OPEN)
    stop_repeat (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->close_menu), state == DPX_CONNECTION_STATE_OPEN);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ping_menu), state == DPX_CONNECTION_STATE_OPEN);
  if (state == DPX_CONNECTION_STATE_OPEN && self->message_is_error)
    validate (self);
}


/**
 * dpx_compose_set_template:
 * @template: (nullable): the variables text and JSON messages are expanded
 *   with when sent, or %NULL to send them as written
 */
void
dpx_compose_set_template (DpxCompose  *self,
                          DpxTemplate *template)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  g_return_if_fail (template == NULL || DPX_IS_TEMPLATE (template));

  if (g_set_object (&self->template, template))
    validate (self);
}

/**
 * dpx_compose_dup_payload:
 *
 * Returns: (transfer full) (nullable): what the box holds as bytes (text
 *   as written, binary parsed), or %NULL with @error set
 */
GBytes *
dpx_compose_dup_payload (DpxCompose  *self,
                         GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (DPX_IS_COMPOSE (self), NULL);

  text = dpx_compose_dup_text (self);
  if (self->mode == DPX_COMPOSE_MODE_BINARY)
    return parse_binary (self, text, error);
  return g_bytes_new (text, strlen (text));
}

void
dpx_compose_set_session (DpxCompose *self,
                         DpxSession *session)
{
  g_return_if_fail (DPX_IS_COMPOSE (self));
  g_return_if_fail (session == NULL || DPX_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  dpx_close_popover_set_session (self->close_popover, session);
  dpx_ping_popover_set_session (self->ping_popover, session);
  if (session)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state), self, 0);
      on_session_state (session, NULL, self);
    }
  else
    {
      stop_repeat (self);
      gtk_widget_set_sensitive (GTK_WIDGET (self->close_menu), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->ping_menu), FALSE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_compose_dispose (GObject *object)
{
  DpxCompose *self = DPX_COMPOSE (object);

  g_clear_handle_id (&self->repeat_source, g_source_remove);
  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->template);
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

  g_clear_pointer (&self->history, dpx_sent_history_free);
  g_clear_pointer (&self->file_bytes, g_bytes_unref);

  G_OBJECT_CLASS (dpx_compose_parent_class)->finalize (object);
}

static void
dpx_compose_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DpxCompose *self = DPX_COMPOSE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_ENCODING:
      g_value_set_enum (value, self->encoding);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, gtk_label_get_text (self->message_label));
      break;
    case PROP_MESSAGE_IS_ERROR:
      g_value_set_boolean (value, self->message_is_error);
      break;
    case PROP_REPEATING:
      g_value_set_boolean (value, self->repeat_source != 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_compose_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DpxCompose *self = DPX_COMPOSE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      dpx_compose_set_session (self, g_value_get_object (value));
      break;
    case PROP_MODE:
      dpx_compose_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_ENCODING:
      dpx_compose_set_encoding (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_compose_class_init (DpxComposeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_compose_dispose;
  object_class->finalize = dpx_compose_finalize;
  object_class->get_property = dpx_compose_get_property;
  object_class->set_property = dpx_compose_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, DPX_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, DPX_TYPE_COMPOSE_MODE, DPX_COMPOSE_MODE_TEXT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENCODING] =
    g_param_spec_enum ("encoding", NULL, NULL, DPX_TYPE_BINARY_ENCODING, DPX_BINARY_ENCODING_HEX,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The line under the text: what is wrong with it, or what will be sent. */
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE_IS_ERROR] =
    g_param_spec_boolean ("message-is-error", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPEATING] =
    g_param_spec_boolean ("repeating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  g_type_ensure (DPX_TYPE_CLOSE_POPOVER);
  g_type_ensure (DPX_TYPE_PING_POPOVER);
  g_type_ensure (DPX_TYPE_EDITOR_SEARCH);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_BUFFER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-compose.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, format_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, encoding_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, repeat_check);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, repeat_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, ping_menu);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, ping_popover);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_menu);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, close_popover);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, text_view);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, search);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, send_button);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, send_content);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_box);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, file_label);
  gtk_widget_class_bind_template_child (widget_class, DpxCompose, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_buffer_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_encoding_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_format_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_file_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_file_clear);
  gtk_widget_class_bind_template_callback (widget_class, on_repeat_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_repeat_input);

  /* Ctrl+Enter and Alt+Up/Down are bound on the text view in the template,
   * in the capture phase: the text view would take Ctrl+Enter as a newline. */
  gtk_widget_class_install_action (widget_class, "compose.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "compose.history-move", "i", history_move_action);
  gtk_widget_class_install_property_action (widget_class, "compose.mode", "mode");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "compose");
}

static void
dpx_compose_init (DpxCompose *self)
{
  GtkLayoutManager *layout;

  self->history = dpx_sent_history_new (HISTORY_MAX);

  gtk_widget_init_template (GTK_WIDGET (self));
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  gtk_widget_set_sensitive (GTK_WIDGET (self->close_menu), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ping_menu), FALSE);
  dpx_editor_search_setup_view (GTK_SOURCE_VIEW (self->text_view));
  dpx_editor_search_set_view (self->search, GTK_SOURCE_VIEW (self->text_view));
  update_mode_widgets (self);
  set_message (self, NULL, FALSE);
}
