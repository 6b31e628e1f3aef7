/* dpx-saved-messages.c: a profile's saved messages, sent with one click
 *
 * The saved messages of one profile in their order. A click (or Enter) on a
 * row sends it through the tab the widget is in, its variables expanded;
 * Ctrl+1 to Ctrl+9 send the first nine (dpx_saved_messages_send(), bound by
 * the profiles panel on the page). Each row moves up or down or goes; "+"
 * saves what the compose box holds, with its mode. The actions:
 * saved.send(u), saved.move-up(u), saved.move-down(u), saved.delete(u),
 * saved.save-compose.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-SavedMessages"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-connection-page.h"
#include "dpx-format.h"
#include "dpx-json-check.h"
#include "dpx-saved-messages.h"
#include "dpx-window.h"

struct _DpxSavedMessages
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkLabel        *empty_label;
  GtkListBox      *list;

  /* owned */
  DpxProfileStore *store;
  DpxProfile      *profile;
};

G_DEFINE_FINAL_TYPE (DpxSavedMessages, dpx_saved_messages, GTK_TYPE_WIDGET)

static void
show_toast (DpxSavedMessages *self,
            const char       *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (DPX_IS_WINDOW (root))
    dpx_window_show_toast (DPX_WINDOW (root), text);
}

static void
save_profile (DpxSavedMessages *self)
{
  g_autoptr(GError) error = NULL;

  if (!dpx_profile_store_save_profile (self->store, self->profile, &error))
    show_toast (self, error->message);
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             guint       position)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (position));
  return button;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DpxSavedMessage *message = item;
  DpxSavedMessages *self = user_data;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  guint position = 0;
  const char *mode;

  g_list_store_find (G_LIST_STORE (dpx_profile_get_saved_messages (self->profile)), message, &position);
  switch (dpx_saved_message_get_mode (message))
    {
    case DPX_MESSAGE_MODE_JSON:
      mode = _("JSON");
      break;
    case DPX_MESSAGE_MODE_BINARY:
      mode = _("Binary");
      break;
    case DPX_MESSAGE_MODE_TEXT:
    default:
      mode = _("Text");
      break;
    }
  if (dpx_saved_message_get_mode (message) == DPX_MESSAGE_MODE_BINARY)
    {
      g_autofree char *size = dpx_format_size (g_bytes_get_size (dpx_saved_message_get_payload (message)));

      subtitle = g_strdup_printf ("%s · %s", mode, size);
    }
  else
    {
      g_autofree char *line = g_strndup (dpx_saved_message_get_text (message), 200);

      g_strdelimit (line, "\n\r\t", ' ');
      subtitle = g_strdup_printf ("%s · %s", mode, line);
    }

  /* A person's text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dpx_saved_message_get_name (message));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (position < 9)
    {
      g_autofree char *tip = g_strdup_printf (_("Send (Ctrl+%u)"), position + 1);

      gtk_widget_set_tooltip_text (row, tip);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("go-up-symbolic", _("Move Up"), "saved.move-up", position));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("go-down-symbolic", _("Move Down"), "saved.move-down", position));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             icon_button ("user-trash-symbolic", _("Delete"), "saved.delete", position));
  return row;
}

static void
update (DpxSavedMessages *self)
{
  GListModel *messages = self->profile ? dpx_profile_get_saved_messages (self->profile) : NULL;
  guint n = messages ? g_list_model_get_n_items (messages) : 0;

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "saved.save-compose", self->profile != NULL);
}

static void
on_items_changed (DpxSavedMessages *self)
{
  /* Rows carry their positions: rebuild them all (a handful). */
  gtk_list_box_bind_model (self->list, dpx_profile_get_saved_messages (self->profile), create_row, self, NULL);
  update (self);
}

void
dpx_saved_messages_set_profile (DpxSavedMessages *self,
                                DpxProfileStore  *store,
                                DpxProfile       *profile)
{
  g_return_if_fail (DPX_IS_SAVED_MESSAGES (self));

  if (self->profile)
    g_signal_handlers_disconnect_by_data (dpx_profile_get_saved_messages (self->profile), self);
  g_set_object (&self->store, store);
  g_set_object (&self->profile, profile);
  if (profile)
    {
      g_signal_connect_object (dpx_profile_get_saved_messages (profile), "items-changed",
                               G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
      gtk_list_box_bind_model (self->list, dpx_profile_get_saved_messages (profile), create_row, self, NULL);
    }
  else
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  update (self);
}

DpxProfile *
dpx_saved_messages_get_profile (DpxSavedMessages *self)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGES (self), NULL);
  return self->profile;
}

/* The row at @position, for tests and focus. */
GtkWidget *
dpx_saved_messages_get_row (DpxSavedMessages *self,
                            guint             position)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGES (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, position));
}

/* Sends the message at @position through the tab; says why it could not. */
gboolean
dpx_saved_messages_send (DpxSavedMessages *self,
                         guint             position)
{
  g_autoptr(DpxSavedMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  g_return_val_if_fail (DPX_IS_SAVED_MESSAGES (self), FALSE);

  page = gtk_widget_get_ancestor (GTK_WIDGET (self), DPX_TYPE_CONNECTION_PAGE);
  if (self->profile == NULL || page == NULL)
    return FALSE;
  message = g_list_model_get_item (dpx_profile_get_saved_messages (self->profile), position);
  if (message == NULL)
    return FALSE;
  if (!dpx_connection_page_send_saved (DPX_CONNECTION_PAGE (page), message, &error))
    {
      g_autofree char *text = g_strdup_printf (_("“%s” was not sent: %s"),
                                               dpx_saved_message_get_name (message), error->message);

      show_toast (self, text);
      return FALSE;
    }
  return TRUE;
}

/**
 * dpx_saved_messages_save_compose:
 *
 * Saves what the tab's compose box holds (text, JSON or binary, as its
 * mode says), named after its first line.
 */
gboolean
dpx_saved_messages_save_compose (DpxSavedMessages  *self,
                                 GError           **error)
{
  g_autoptr(DpxSavedMessage) message = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  DpxCompose *compose;
  GtkWidget *page;

  g_return_val_if_fail (DPX_IS_SAVED_MESSAGES (self), FALSE);

  page = gtk_widget_get_ancestor (GTK_WIDGET (self), DPX_TYPE_CONNECTION_PAGE);
  if (self->profile == NULL || page == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("Choose a profile first"));
      return FALSE;
    }
  compose = dpx_connection_page_get_compose (DPX_CONNECTION_PAGE (page));
  text = dpx_compose_dup_text (compose);
  payload = dpx_compose_dup_payload (compose, error);
  if (payload == NULL)
    return FALSE;
  if (g_bytes_get_size (payload) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The compose box is empty"));
      return FALSE;
    }
  name = g_strndup (text, MIN (strcspn (text, "\n"), 40));
  if (*g_strstrip (name) == '\0')
    {
      g_free (name);
      name = g_strdup (_("Message"));
    }
  switch (dpx_compose_get_mode (compose))
    {
    case DPX_COMPOSE_MODE_BINARY:
      message = dpx_saved_message_new_binary (name, payload);
      break;
    case DPX_COMPOSE_MODE_JSON:
      message = dpx_saved_message_new_text (name, DPX_MESSAGE_MODE_JSON, text);
      break;
    case DPX_COMPOSE_MODE_TEXT:
    default:
      message = dpx_saved_message_new_text (name, DPX_MESSAGE_MODE_TEXT, text);
      break;
    }
  dpx_profile_add_saved_message (self->profile, message);
  return dpx_profile_store_save_profile (self->store, self->profile, error);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  dpx_saved_messages_send (DPX_SAVED_MESSAGES (widget), g_variant_get_uint32 (param));
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxSavedMessages *self = DPX_SAVED_MESSAGES (widget);
  guint from = g_variant_get_uint32 (param);
  guint n;
  int to;

  if (self->profile == NULL)
    return;
  n = g_list_model_get_n_items (dpx_profile_get_saved_messages (self->profile));
  to = (int) from + (g_str_equal (action_name, "saved.move-up") ? -1 : 1);
  if (from >= n || to < 0 || to >= (int) n)
    return;
  dpx_profile_move_saved_message (self->profile, from, to);
  save_profile (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  DpxSavedMessages *self = DPX_SAVED_MESSAGES (widget);
  guint position = g_variant_get_uint32 (param);

  if (self->profile == NULL ||
      position >= g_list_model_get_n_items (dpx_profile_get_saved_messages (self->profile)))
    return;
  dpx_profile_remove_saved_message (self->profile, position);
  save_profile (self);
}

/**
 * dpx_saved_messages_save_entry:
 * @entry: a text or binary message from the log
 *
 * Adds @entry's payload to the profile's saved messages, byte for byte:
 * binary as binary, text as JSON when it is a JSON object or array, else
 * as text.
 */
gboolean
dpx_saved_messages_save_entry (DpxSavedMessages  *self,
                               DpxLogEntry       *entry,
                               GError           **error)
{
  g_autoptr(DpxSavedMessage) message = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  GBytes *payload;
  gsize size;
  const char *data;

  g_return_val_if_fail (DPX_IS_SAVED_MESSAGES (self), FALSE);
  g_return_val_if_fail (DPX_IS_LOG_ENTRY (entry), FALSE);

  if (self->profile == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("Choose a profile first"));
      return FALSE;
    }
  payload = dpx_log_entry_get_payload (entry);
  data = g_bytes_get_data (payload, &size);
  if (dpx_log_entry_get_kind (entry) == DPX_ENTRY_KIND_BINARY)
    {
      /* Translators: the name of a binary message saved from the log; %s is its size */
      g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);

      name = g_strdup_printf (_("Binary, %s"), size_text);
      message = dpx_saved_message_new_binary (name, payload);
    }
  else
    {
      gboolean json;

      if (memchr (data, '\0', size) != NULL || !g_utf8_validate_len (data, size, NULL))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The message is not valid UTF-8 text"));
          return FALSE;
        }
      text = g_strndup (data, size);
      json = (text[0] == '{' || text[0] == '[') && dpx_json_check (data, size, NULL);
      name = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, strcspn (text, "\n")), 40));
      if (*g_strstrip (name) == '\0')
        {
          g_free (name);
          name = g_strdup (_("Message"));
        }
      message = dpx_saved_message_new_text (name, json ? DPX_MESSAGE_MODE_JSON : DPX_MESSAGE_MODE_TEXT, text);
    }
  dpx_profile_add_saved_message (self->profile, message);
  return dpx_profile_store_save_profile (self->store, self->profile, error);
}

static void
save_compose_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxSavedMessages *self = DPX_SAVED_MESSAGES (widget);
  g_autoptr(GError) error = NULL;

  if (!dpx_saved_messages_save_compose (self, &error))
    show_toast (self, error->message);
}

static void
on_row_activated (DpxSavedMessages *self,
                  GtkListBoxRow    *row)
{
  dpx_saved_messages_send (self, gtk_list_box_row_get_index (row));
}

static void
dpx_saved_messages_dispose (GObject *object)
{
  DpxSavedMessages *self = DPX_SAVED_MESSAGES (object);

  if (self->profile)
    g_signal_handlers_disconnect_by_data (dpx_profile_get_saved_messages (self->profile), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_SAVED_MESSAGES);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->profile);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dpx_saved_messages_parent_class)->dispose (object);
}

static void
dpx_saved_messages_class_init (DpxSavedMessagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_saved_messages_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-saved-messages.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxSavedMessages, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DpxSavedMessages, list);

  gtk_widget_class_install_action (widget_class, "saved.send", "u", send_action);
  gtk_widget_class_install_action (widget_class, "saved.move-up", "u", move_action);
  gtk_widget_class_install_action (widget_class, "saved.move-down", "u", move_action);
  gtk_widget_class_install_action (widget_class, "saved.delete", "u", delete_action);
  gtk_widget_class_install_action (widget_class, "saved.save-compose", NULL, save_compose_action);
}

static void
dpx_saved_messages_init (DpxSavedMessages *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  update (self);
}
