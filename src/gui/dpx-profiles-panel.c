/* dpx-profiles-panel.c: the profiles, beside a tab's log
 *
 * The profiles of the store every tab shares (docs/profiles.md), searched
 * by name or URL; each row opens its profile in a new tab and has a menu to
 * rename, duplicate, delete or export it. The selected profile's saved
 * messages (DpxSavedMessages) and past connections (DpxProfileHistory) are
 * below. Actions: profiles.save-current (this tab's connection as a new
 * profile), profiles.open(s), profiles.rename(s), profiles.duplicate(s),
 * profiles.delete(s), profiles.export(s) ("" for all), profiles.import;
 * the s is a profile id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ProfilesPanel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dpx-alert-dialog.h"
#include "dpx-connection-page.h"
#include "dpx-file-chooser.h"
#include "dpx-profiles-panel.h"
#include "dpx-window.h"

struct _DpxProfilesPanel
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkSearchEntry    *search_entry;
  GtkLabel          *error_label;
  GtkLabel          *empty_label;
  GtkListBox        *list;
  DpxSavedMessages  *saved_messages;
  DpxProfileHistory *history;

  /* owned */
  DpxProfileStore   *store;
  GtkFilterListModel *filtered;
  char              *search;
  gboolean           setting_search;
  GCancellable      *chooser;          /* the open file chooser's */
};

G_DEFINE_FINAL_TYPE (DpxProfilesPanel, dpx_profiles_panel, GTK_TYPE_WIDGET)

static DpxProfileStore *default_store;
static char *default_store_error;

/**
 * dpx_profiles_panel_get_default_store:
 *
 * Returns: (transfer none): the user's profiles, read once for every tab
 */
DpxProfileStore *
dpx_profiles_panel_get_default_store (void)
{
  if (default_store == NULL)
    {
      g_autoptr(GError) error = NULL;

      default_store = dpx_profile_store_new (NULL, NULL);
      if (!dpx_profile_store_load (default_store, &error))
        default_store_error = g_strdup (error->message);
    }
  return default_store;
}

static void
show_toast (DpxProfilesPanel *self,
            const char       *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (DPX_IS_WINDOW (root))
    dpx_window_show_toast (DPX_WINDOW (root), text);
}

static DpxConnectionPage *
get_page (DpxProfilesPanel *self)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (self), DPX_TYPE_CONNECTION_PAGE);

  return page ? DPX_CONNECTION_PAGE (page) : NULL;
}

/* The list ---------------------------------------------------------------- */

static gboolean
filter_profile (gpointer item,
                gpointer user_data)
{
  DpxProfilesPanel *self = user_data;

  return dpx_profile_matches (item, self->search);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DpxProfile *profile = item;
  GtkWidget *row = adw_action_row_new ();
  const char *url = dpx_connection_options_get_url (dpx_profile_get_options (profile));
  const char *id = dpx_profile_get_id (profile);
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *open = gtk_button_new_from_icon_name ("tab-new-symbolic");
  GtkWidget *more = gtk_menu_button_new ();
  g_autofree char *open_label = g_strdup_printf (_("Open “%s” in a New Tab"), dpx_profile_get_name (profile));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dpx_profile_get_name (profile));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), url ? url : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  g_object_set_data_full (G_OBJECT (row), "dpx-profile", g_object_ref (profile), g_object_unref);

  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (open, "flat");
  gtk_widget_set_tooltip_text (open, open_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "profiles.open");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (open), g_variant_new_string (id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);

  {
    const struct { const char *label; const char *action; } items[] = {
      { N_("_Rename…"), "profiles.rename" },
      { N_("_Duplicate"), "profiles.duplicate" },
      { N_("E_xport…"), "profiles.export" },
      { N_("_Delete"), "profiles.delete" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (items); i++)
      {
        g_autoptr(GMenuItem) menu_item = g_menu_item_new (_(items[i].label), NULL);

        g_menu_item_set_action_and_target_value (menu_item, items[i].action, g_variant_new_string (id));
        g_menu_append_item (menu, menu_item);
      }
  }
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (more, "flat");
  gtk_widget_set_tooltip_text (more, _("Rename, Duplicate, Export or Delete"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), more);
  return row;
}

static void
update_empty (DpxProfilesPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  if (n == 0 && self->search && *self->search)
    gtk_label_set_text (self->empty_label, _("No profile’s name or URL holds that."));
  else
    gtk_label_set_text (self->empty_label, _("No profiles. Save this connection as one with the button above."));
}

static void
on_search_changed (DpxProfilesPanel *self)
{
  if (self->setting_search)
    return;
  dpx_profiles_panel_set_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

void
dpx_profiles_panel_set_search (DpxProfilesPanel *self,
                               const char       *text)
{
  GtkFilter *filter;

  g_return_if_fail (DPX_IS_PROFILES_PANEL (self));

  /* The entry says "search-changed" at once when it empties, as setting
   * its text does first: it is set before the search is kept. */
  if (!self->setting_search &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text ? text : "") != 0)
    {
      self->setting_search = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
      self->setting_search = FALSE;
    }
  g_free (self->search);
  self->search = g_strdup (text);
  /* Setting the function again refilters the list. */
  filter = gtk_filter_list_model_get_filter (self->filtered);
  gtk_custom_filter_set_filter_func (GTK_CUSTOM_FILTER (filter), filter_profile, self, NULL);
  update_empty (self);
}

/* How many profiles the search leaves in the list. */
guint
dpx_profiles_panel_get_n_shown (DpxProfilesPanel *self)
{
  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

static void
show_profile (DpxProfilesPanel *self,
              DpxProfile       *profile)
{
  dpx_saved_messages_set_profile (self->saved_messages, self->store, profile);
  dpx_profile_history_set_profile (self->history, profile);
}

static void
on_row_selected (DpxProfilesPanel *self,
                 GtkListBoxRow    *row)
{
  if (row)
    show_profile (self, g_object_get_data (G_OBJECT (row), "dpx-profile"));
}

DpxProfile *
dpx_profiles_panel_get_selected (DpxProfilesPanel *self)
{
  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), NULL);
  return dpx_saved_messages_get_profile (self->saved_messages);
}

/* Shows @profile's messages and history, its row selected if shown. */
void
dpx_profiles_panel_select (DpxProfilesPanel *self,
                           DpxProfile       *profile)
{
  g_return_if_fail (DPX_IS_PROFILES_PANEL (self));

  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, i);

      if (row == NULL)
        break;
      if (g_object_get_data (G_OBJECT (row), "dpx-profile") == profile)
        {
          gtk_list_box_select_row (self->list, row);
          break;
        }
    }
  show_profile (self, profile);
}

/* Actions ----------------------------------------------------------------- */

static DpxProfile *
find (DpxProfilesPanel *self,
      GVariant         *param)
{
  DpxProfile *profile = dpx_profile_store_find (self->store, g_variant_get_string (param, NULL));

  if (profile == NULL)
    show_toast (self, _("That profile is gone"));
  return profile;
}

/* The default name of a connection's profile: its host and port. */
static char *
name_for_url (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri && g_uri_get_host (uri))
    return g_uri_get_port (uri) > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
                                    : g_strdup (g_uri_get_host (uri));
  return g_strdup (_("New Profile"));
}

/**
 * dpx_profiles_panel_save_current:
 *
 * Saves the tab's connection (its URL and options; secret header values
 * to the keyring) as a new profile named @name, and makes the tab work for
 * it.
 *
 * Returns: (transfer none) (nullable): the profile, or %NULL with @error
 */
DpxProfile *
dpx_profiles_panel_save_current (DpxProfilesPanel  *self,
                                 const char        *name,
                                 GError           **error)
{
  g_autoptr(DpxProfile) profile = NULL;
  g_autoptr(DpxConnectionOptions) options = NULL;
  g_autofree char *url = NULL;
  DpxConnectionPage *page;
  GParamSpec **pspecs;
  guint n;

  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), NULL);

  page = get_page (self);
  if (page == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no connection to save"));
      return NULL;
    }
  url = dpx_url_entry_dup_url (dpx_connection_page_get_url_entry (page));
  profile = dpx_profile_new (name);
  /* Every option of the tab, into the profile's own. */
  options = dpx_connection_options_copy (dpx_connection_page_get_options (page));
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (options), &n);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (options), pspecs[i]->name, &value);
      g_object_set_property (G_OBJECT (dpx_profile_get_options (profile)), pspecs[i]->name, &value);
    }
  g_free (pspecs);
  if (url && *url)
    dpx_connection_options_set_url (dpx_profile_get_options (profile), url);
  if (!dpx_profile_store_add (self->store, profile, error))
    return NULL;
  dpx_connection_page_set_profile (page, self->store, profile);
  dpx_profiles_panel_select (self, profile);
  return profile;
}

/**
 * dpx_profiles_panel_open:
 *
 * Opens @profile in a new tab of the window: its options with the secrets
 * from the keyring, its variables, its history.
 *
 * Returns: (transfer none) (nullable): the new tab's page, or %NULL with
 *   @error set
 */
GtkWidget *
dpx_profiles_panel_open (DpxProfilesPanel  *self,
                         DpxProfile        *profile,
                         GError           **error)
{
  g_autoptr(DpxConnectionOptions) options = NULL;
  GtkRoot *root;
  DpxConnectionPage *page;

  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), NULL);
  g_return_val_if_fail (DPX_IS_PROFILE (profile), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (!DPX_IS_WINDOW (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no window to open it in"));
      return NULL;
    }
  options = dpx_profile_store_dup_options (self->store, profile, error);
  if (options == NULL)
    return NULL;
  page = dpx_window_add_tab (DPX_WINDOW (root), options);
  dpx_connection_page_set_profile (page, self->store, profile);
  return GTK_WIDGET (page);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS  /* see dpx-alert-dialog.h */

typedef struct {
  DpxProfilesPanel *self;
  GtkEntry         *entry;
  char             *profile_id;  /* NULL: save the current connection */
} NameDialog;

static void
name_dialog_free (gpointer data)
{
  NameDialog *dialog = data;

  g_object_unref (dialog->self);
  g_free (dialog->profile_id);
  g_free (dialog);
}

static void
on_name_response (DpxAlertDialog *alert,
                  const char     *response,
                  NameDialog     *dialog)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (dialog->entry));
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "save"))
    return;
  if (dialog->profile_id == NULL)
    dpx_profiles_panel_save_current (dialog->self, name, &error);
  else
    {
      DpxProfile *profile = dpx_profile_store_find (dialog->self->store, dialog->profile_id);

      if (profile)
        dpx_profile_store_rename (dialog->self->store, profile, name, &error);
    }
  if (error)
    show_toast (dialog->self, error->message);
}

static void
on_name_entry_map (GtkWidget *entry)
{
  g_signal_handlers_disconnect_by_func (entry, on_name_entry_map, NULL);
  gtk_widget_grab_focus (entry);
}

static void
ask_name (DpxProfilesPanel *self,
          const char       *heading,
          const char       *initial,
          const char       *profile_id)
{
  GtkWidget *alert;
  NameDialog *dialog = g_new0 (NameDialog, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  alert = GTK_WIDGET (dpx_alert_dialog_new (root, heading, NULL));
  dialog->self = g_object_ref (self);
  dialog->profile_id = g_strdup (profile_id);
  dialog->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (dialog->entry), initial);
  gtk_entry_set_activates_default (dialog->entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dialog->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Profile name"), -1);
  dpx_alert_dialog_set_extra_child (DPX_ALERT_DIALOG (alert), GTK_WIDGET (dialog->entry));
  dpx_alert_dialog_add_responses (DPX_ALERT_DIALOG (alert),
                                  "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  dpx_alert_dialog_set_response_appearance (DPX_ALERT_DIALOG (alert), "save", ADW_RESPONSE_SUGGESTED);
  dpx_alert_dialog_set_default_response (DPX_ALERT_DIALOG (alert), "save");
  dpx_alert_dialog_set_close_response (DPX_ALERT_DIALOG (alert), "cancel");
  g_signal_connect_data (alert, "response", G_CALLBACK (on_name_response), dialog,
                         (GClosureNotify) (void (*) (void)) name_dialog_free, 0);
  /* The name is what is asked: typed at once, once the dialog shows (a
   * dialog focuses its default button when it maps). */
  g_signal_connect_after (dialog->entry, "map", G_CALLBACK (on_name_entry_map), NULL);
  dpx_alert_dialog_present (alert, root);
}

static void
on_delete_response (DpxAlertDialog *alert,
                    const char     *response,
                    NameDialog     *dialog)
{
  DpxProfile *profile;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete"))
    return;
  profile = dpx_profile_store_find (dialog->self->store, dialog->profile_id);
  if (profile == NULL)
    return;
  if (dpx_profiles_panel_get_selected (dialog->self) == profile)
    show_profile (dialog->self, NULL);
  if (!dpx_profile_store_remove (dialog->self->store, profile, &error))
    show_toast (dialog->self, error->message);
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
save_current_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (widget);
  DpxConnectionPage *page = get_page (self);
  g_autofree char *url = page ? dpx_url_entry_dup_url (dpx_connection_page_get_url_entry (page)) : NULL;
  g_autofree char *name = name_for_url (url);

  ask_name (self, _("Save Connection as Profile"), name, NULL);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (widget);
  DpxProfile *profile = find (self, param);
  g_autoptr(GError) error = NULL;

  if (profile && dpx_profiles_panel_open (self, profile, &error) == NULL)
    show_toast (self, error->message);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (widget);
  DpxProfile *profile = find (self, param);

  if (profile)
    ask_name (self, _("Rename Profile"), dpx_profile_get_name (profile), dpx_profile_get_id (profile));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (widget);
  DpxProfile *profile = find (self, param);
  g_autoptr(GError) error = NULL;

  if (profile && dpx_profile_store_duplicate (self->store, profile, NULL, &error) == NULL)
    show_toast (self, error->message);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (widget);
  DpxProfile *profile = find (self, param);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  NameDialog *dialog;
  GtkWidget *alert;

  if (profile == NULL)
    return;
  body = g_strdup_printf (_("“%s”, its saved messages, its history and its secrets in the keyring "
                            "will be deleted."), dpx_profile_get_name (profile));
  /* See dpx-alert-dialog.h. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  alert = GTK_WIDGET (dpx_alert_dialog_new (root, _("Delete Profile?"), body));
  dpx_alert_dialog_add_responses (DPX_ALERT_DIALOG (alert),
                                  "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  dpx_alert_dialog_set_response_appearance (DPX_ALERT_DIALOG (alert), "delete", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter keeps the profile: deleting takes a deliberate choice. */
  dpx_alert_dialog_set_default_response (DPX_ALERT_DIALOG (alert), "cancel");
  dpx_alert_dialog_set_close_response (DPX_ALERT_DIALOG (alert), "cancel");
  dialog = g_new0 (NameDialog, 1);
  dialog->self = g_object_ref (self);
  dialog->profile_id = g_strdup (dpx_profile_get_id (profile));
  g_signal_connect_data (alert, "response", G_CALLBACK (on_delete_response), dialog,
                         (GClosureNotify) (void (*) (void)) name_dialog_free, 0);
  dpx_alert_dialog_present (alert, root);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

typedef struct {
  DpxProfilesPanel *self;
  char             *profile_id;  /* export: NULL for all */
  gboolean          import;
} FileChoice;

static void
file_choice_free (FileChoice *choice)
{
  g_object_unref (choice->self);
  g_free (choice->profile_id);
  g_free (choice);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileChoice, file_choice_free)

static void
on_file_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FileChoice) choice = user_data;
  DpxProfilesPanel *self = choice->self;
  g_autoptr(GFile) file = dpx_file_chooser_finish (result, NULL);
  g_autoptr(GError) error = NULL;

  if (file && choice->import)
    {
      g_autoptr(GPtrArray) added = dpx_profile_store_import (self->store, file, &error);

      if (added)
        {
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u profile",
                                                                "Imported %u profiles", added->len),
                                                   added->len);

          show_toast (self, text);
        }
    }
  else if (file)
    {
      g_autoptr(GPtrArray) chosen = NULL;
      DpxProfile *profile = choice->profile_id ? dpx_profile_store_find (self->store, choice->profile_id) : NULL;

      if (profile)
        {
          chosen = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (chosen, g_object_ref (profile));
        }
      if (dpx_profile_store_export (self->store, chosen, file, &error))
        show_toast (self, _("Exported, without secret header values"));
    }
  if (error)
    show_toast (self, error->message);
}

static void
choose_file (DpxProfilesPanel *self,
             gboolean          import,
             const char       *profile_id)
{
  FileChoice *choice = g_new0 (FileChoice, 1);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  choice->self = g_object_ref (self);
  choice->import = import;
  choice->profile_id = g_strdup (profile_id && *profile_id ? profile_id : NULL);
  gtk_file_filter_set_name (filter, _("Duplex profiles (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  self->chooser = g_cancellable_new ();
  if (import)
    dpx_file_chooser_open_async (GTK_WIDGET (self), _("Import Profiles"), _("_Import"), filter,
                                 self->chooser, on_file_chosen, choice);
  else
    dpx_file_chooser_save_async (GTK_WIDGET (self), _("Export Profiles"), _("_Export"),
                                 "duplex-profiles.json", filter, self->chooser, on_file_chosen, choice);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  choose_file (DPX_PROFILES_PANEL (widget), FALSE, g_variant_get_string (param, NULL));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  choose_file (DPX_PROFILES_PANEL (widget), TRUE, NULL);
}

/* Ctrl+1 to Ctrl+9 on the tab send the selected profile's saved messages. */
static gboolean
send_shortcut (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  DpxProfilesPanel *self = user_data;

  return dpx_saved_messages_send (self->saved_messages, g_variant_get_uint32 (args));
}

void
dpx_profiles_panel_install_shortcuts (DpxProfilesPanel *self,
                                      GtkWidget        *page)
{
  GtkEventController *controller;

  g_return_if_fail (DPX_IS_PROFILES_PANEL (self));
  g_return_if_fail (GTK_IS_WIDGET (page));

  controller = gtk_shortcut_controller_new ();
  for (guint i = 0; i < 9; i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_1 + i, GDK_CONTROL_MASK),
                                                gtk_callback_action_new (send_shortcut, self, NULL));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_uint32 (i));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (page, controller);
}

/* GObject ----------------------------------------------------------------- */

DpxProfileStore *
dpx_profiles_panel_get_store (DpxProfilesPanel *self)
{
  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), NULL);
  return self->store;
}

DpxSavedMessages *
dpx_profiles_panel_get_saved_messages (DpxProfilesPanel *self)
{
  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), NULL);
  return self->saved_messages;
}

DpxProfileHistory *
dpx_profiles_panel_get_history (DpxProfilesPanel *self)
{
  g_return_val_if_fail (DPX_IS_PROFILES_PANEL (self), NULL);
  return self->history;
}

static void
dpx_profiles_panel_dispose (GObject *object)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (object);

  if (self->chooser)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_PROFILES_PANEL);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->filtered);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dpx_profiles_panel_parent_class)->dispose (object);
}

static void
dpx_profiles_panel_finalize (GObject *object)
{
  DpxProfilesPanel *self = DPX_PROFILES_PANEL (object);

  g_free (self->search);

  G_OBJECT_CLASS (dpx_profiles_panel_parent_class)->finalize (object);
}

static void
dpx_profiles_panel_class_init (DpxProfilesPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_profiles_panel_dispose;
  object_class->finalize = dpx_profiles_panel_finalize;

  g_type_ensure (DPX_TYPE_SAVED_MESSAGES);
  g_type_ensure (DPX_TYPE_PROFILE_HISTORY);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-profiles-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxProfilesPanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxProfilesPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, DpxProfilesPanel, empty_label);
  gtk_widget_class_bind_template_child (widget_class, DpxProfilesPanel, list);
  gtk_widget_class_bind_template_child (widget_class, DpxProfilesPanel, saved_messages);
  gtk_widget_class_bind_template_child (widget_class, DpxProfilesPanel, history);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);

  gtk_widget_class_install_action (widget_class, "profiles.save-current", NULL, save_current_action);
  gtk_widget_class_install_action (widget_class, "profiles.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "profiles.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "profiles.duplicate", "s", duplicate_action);
  gtk_widget_class_install_action (widget_class, "profiles.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "profiles.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "profiles.import", NULL, import_action);
}

static void
dpx_profiles_panel_init (DpxProfilesPanel *self)
{
  GtkCustomFilter *filter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_object_ref (dpx_profiles_panel_get_default_store ());
  filter = gtk_custom_filter_new (filter_profile, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (dpx_profile_store_get_profiles (self->store)),
                                              GTK_FILTER (filter));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->filtered), create_row, self, NULL);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_empty), self, G_CONNECT_SWAPPED);
  if (default_store_error)
    {
      gtk_label_set_text (self->error_label, default_store_error);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
  update_empty (self);
}
