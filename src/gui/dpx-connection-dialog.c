/* dpx-connection-dialog.c: the connection settings of one tab
 *
 * It edits the tab's DpxConnectionOptions: every change is kept at once,
 * and the tab's next connection uses it. A button makes them the
 * defaults (in the settings) that new tabs start from.
 *
 * Each header has a Secret check: its value is masked in the log, kept in
 * the keyring when the connection is saved as a profile, and never made a
 * default. Authorization, Cookie and Proxy-Authorization always are
 * (dpx_connection_options_is_secret_header()): their check is on and
 * cannot be turned off.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ConnectionDialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-client.h"
#include "dpx-connection-dialog.h"
#include "dpx-secret-store.h"

struct _DpxConnectionDialog
{
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwPreferencesDialog  parent_instance;
#else
  AdwPreferencesWindow  parent_instance;
#endif

  /* template widgets */
  AdwPreferencesGroup  *headers_group;
  AdwEntryRow          *protocols_row;
  AdwEntryRow          *origin_row;
  GtkSwitch            *deflate_switch;
  GtkSpinButton        *timeout_spin;
  GtkSwitch            *tls_switch;
  GtkWidget            *tls_warning;
  GtkSpinButton        *max_size_spin;
  GtkSpinButton        *keepalive_spin;
  GtkSwitch            *reconnect_switch;
  GtkWidget            *defaults_group;

  /* owned */
  DpxConnectionOptions *options;
  GSettings            *settings;  /* nullable: where the defaults are saved */
  GPtrArray            *header_rows;  /* AdwActionRow, borrowed from the group */
  gboolean              loading;
};

#if ADW_CHECK_VERSION (1, 5, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
G_DEFINE_FINAL_TYPE (DpxConnectionDialog, dpx_connection_dialog, ADW_TYPE_PREFERENCES_DIALOG)
G_GNUC_END_IGNORE_DEPRECATIONS
#else
G_DEFINE_FINAL_TYPE (DpxConnectionDialog, dpx_connection_dialog, ADW_TYPE_PREFERENCES_WINDOW)
#endif

/* Headers ----------------------------------------------------------------- */

/* The credentials are always secret: their check shows it, fixed. */
static void
update_secret_check (GtkCheckButton *check,
                     const char     *name)
{
  gboolean always = dpx_secret_store_is_secret_header (name);

  if (always)
    gtk_check_button_set_active (check, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (check), !always);
  gtk_widget_set_tooltip_text (GTK_WIDGET (check),
                               always ? _("This header is always secret")
                                      : _("Secret: masked in the log, kept in the keyring with a profile"));
}

static void
save_headers (DpxConnectionDialog *self)
{
  GVariantBuilder builder;
  g_autoptr(DpxClient) check = dpx_client_new (NULL);
  g_autoptr(GStrvBuilder) secret = g_strv_builder_new ();
  g_auto(GStrv) secret_names = NULL;

  if (self->loading)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < self->header_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->header_rows, i);
      GtkEditable *name = g_object_get_data (G_OBJECT (row), "dpx-name");
      GtkEditable *value = g_object_get_data (G_OBJECT (row), "dpx-value");
      GtkCheckButton *is_secret = g_object_get_data (G_OBJECT (row), "dpx-secret");
      g_autofree char *n = g_strstrip (g_strdup (gtk_editable_get_text (name)));
      const char *v = gtk_editable_get_text (value);
      g_autoptr(GError) error = NULL;

      update_secret_check (is_secret, n);
      if (*n && gtk_check_button_get_active (is_secret))
        g_strv_builder_add (secret, n);

      if (*n == '\0' && *v == '\0')
        {
          gtk_widget_remove_css_class (GTK_WIDGET (name), "error");
          continue;
        }
      if (!dpx_client_add_header (check, n, v, &error))
        {
          gtk_widget_add_css_class (GTK_WIDGET (name), "error");
          gtk_widget_set_tooltip_text (GTK_WIDGET (name), error->message);
          continue;
        }
      gtk_widget_remove_css_class (GTK_WIDGET (name), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (name), NULL);
      g_variant_builder_add (&builder, "(ss)", n, v);
    }
  /* The marks first: a value typed for a secret header is never, even for
   * a moment, in options that are not told it is secret. */
  secret_names = g_strv_builder_end (secret);
  dpx_connection_options_set_secret_headers (self->options, (const char * const *) secret_names);
  dpx_connection_options_set_request_headers (self->options, g_variant_builder_end (&builder));
}

static void
on_header_changed (GtkEditable         *editable,
                   DpxConnectionDialog *self)
{
  save_headers (self);
}

static void
on_secret_toggled (GtkCheckButton      *check,
                   DpxConnectionDialog *self)
{
  save_headers (self);
}

static void
on_header_remove (GtkButton           *button,
                  DpxConnectionDialog *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "dpx-row");

  g_ptr_array_remove (self->header_rows, row);
  adw_preferences_group_remove (self->headers_group, row);
  save_headers (self);
}

static void
add_header (DpxConnectionDialog *self,
            const char          *name,
            const char          *value,
            gboolean             secret)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *name_entry = gtk_entry_new ();
  GtkWidget *value_entry = gtk_entry_new ();
  GtkWidget *secret_check = gtk_check_button_new_with_mnemonic (_("_Secret"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_entry_set_placeholder_text (GTK_ENTRY (name_entry), _("Name"));
  gtk_editable_set_width_chars (GTK_EDITABLE (name_entry), 16);
  gtk_widget_set_valign (name_entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (name_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Header name"), -1);
  gtk_entry_set_placeholder_text (GTK_ENTRY (value_entry), _("Value"));
  gtk_editable_set_width_chars (GTK_EDITABLE (value_entry), 28);
  gtk_widget_set_hexpand (value_entry, TRUE);
  gtk_widget_set_valign (value_entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (value_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Header value"), -1);
  gtk_widget_set_valign (secret_check, GTK_ALIGN_CENTER);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (secret_check), secret);
  update_secret_check (GTK_CHECK_BUTTON (secret_check), name ? name : "");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove the header"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove the header"), -1);

  gtk_editable_set_text (GTK_EDITABLE (name_entry), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (value_entry), value ? value : "");
  /* Prefixes are prepended: the value goes in first so the name shows first. */
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), value_entry);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), name_entry);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), secret_check);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data (G_OBJECT (row), "dpx-name", name_entry);
  g_object_set_data (G_OBJECT (row), "dpx-value", value_entry);
  g_object_set_data (G_OBJECT (row), "dpx-secret", secret_check);
  g_object_set_data (G_OBJECT (remove), "dpx-row", row);
  g_signal_connect (name_entry, "changed", G_CALLBACK (on_header_changed), self);
  g_signal_connect (value_entry, "changed", G_CALLBACK (on_header_changed), self);
  g_signal_connect (secret_check, "toggled", G_CALLBACK (on_secret_toggled), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_header_remove), self);

  adw_preferences_group_add (self->headers_group, row);
  g_ptr_array_add (self->header_rows, row);
  if (!self->loading && name == NULL)
    gtk_widget_grab_focus (name_entry);
}

static void
on_add_header (DpxConnectionDialog *self)
{
  add_header (self, NULL, NULL, FALSE);
}

/* Other keys -------------------------------------------------------------- */

static void
on_protocols_changed (DpxConnectionDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->protocols_row));
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) protocols = NULL;

  if (self->loading)
    return;
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i])
        g_strv_builder_add (builder, parts[i]);
    }
  protocols = g_strv_builder_end (builder);
  dpx_connection_options_set_subprotocols (self->options, (const char * const *) protocols);
}

static void
on_save_defaults (DpxConnectionDialog *self)
{
  if (self->settings)
    dpx_connection_options_save_settings (self->options, self->settings);
}

static void
on_tls_changed (DpxConnectionDialog *self)
{
  gtk_widget_set_visible (self->tls_warning, gtk_switch_get_active (self->tls_switch));
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_connection_dialog_dispose (GObject *object)
{
  DpxConnectionDialog *self = DPX_CONNECTION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_CONNECTION_DIALOG);
  g_clear_pointer (&self->header_rows, g_ptr_array_unref);
  g_clear_object (&self->options);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dpx_connection_dialog_parent_class)->dispose (object);
}

static void
dpx_connection_dialog_class_init (DpxConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_connection_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, headers_group);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, protocols_row);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, origin_row);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, deflate_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, tls_warning);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, max_size_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, keepalive_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, reconnect_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxConnectionDialog, defaults_group);
  gtk_widget_class_bind_template_callback (widget_class, on_save_defaults);
  gtk_widget_class_bind_template_callback (widget_class, on_add_header);
  gtk_widget_class_bind_template_callback (widget_class, on_protocols_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_tls_changed);

#if !ADW_CHECK_VERSION (1, 5, 0)
  /* A dialog closes on Escape by itself; this window needs telling. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
#endif
}

static void
dpx_connection_dialog_init (DpxConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Sizes here, not in the template: a dialog and a window name them
   * differently. */
#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_set_content_width (ADW_DIALOG (self), 640);
  adw_dialog_set_content_height (ADW_DIALOG (self), 720);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_set_default_size (GTK_WINDOW (self), 640, 720);
#endif
  self->header_rows = g_ptr_array_new ();
}

/* The spin button shows KiB; the options hold bytes. */
static gboolean
bytes_to_kib (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_value_set_double (to, g_value_get_uint64 (from) / 1024.0);
  return TRUE;
}

static gboolean
kib_to_bytes (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_value_set_uint64 (to, (guint64) g_value_get_double (from) * 1024);
  return TRUE;
}

static gboolean
uint_to_double (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_double (to, g_value_get_uint (from));
  return TRUE;
}

static gboolean
double_to_uint (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_uint (to, (guint) g_value_get_double (from));
  return TRUE;
}

/**
 * dpx_connection_dialog_new:
 * @options: the tab's options, edited in place
 * @settings: (nullable): where “Use as Defaults” saves them; NULL hides it
 */
GtkWidget *
dpx_connection_dialog_new (DpxConnectionOptions *options,
                           GSettings            *settings)
{
  DpxConnectionDialog *self;
  const GBindingFlags both = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  g_autofree char *joined = NULL;
  GVariantIter iter;
  const char *name, *value;

  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (options), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPX_TYPE_CONNECTION_DIALOG, NULL);
  self->options = g_object_ref (options);
  self->settings = settings ? g_object_ref (settings) : NULL;
  gtk_widget_set_visible (self->defaults_group, settings != NULL);
  self->loading = TRUE;

  g_variant_iter_init (&iter, dpx_connection_options_get_request_headers (options));
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    add_header (self, name, value, dpx_connection_options_is_secret_header (options, name));

  joined = g_strjoinv (", ", (char **) dpx_connection_options_get_subprotocols (options));
  gtk_editable_set_text (GTK_EDITABLE (self->protocols_row), joined);
  gtk_editable_set_text (GTK_EDITABLE (self->origin_row), dpx_connection_options_get_origin (options));
  self->loading = FALSE;

  g_object_bind_property (self->origin_row, "text", options, "origin", G_BINDING_DEFAULT);
  g_object_bind_property (options, "permessage-deflate", self->deflate_switch, "active", both);
  g_object_bind_property_full (options, "handshake-timeout", self->timeout_spin, "value", both,
                               uint_to_double, double_to_uint, NULL, NULL);
  g_object_bind_property (options, "accept-invalid-certificates", self->tls_switch, "active", both);
  g_object_bind_property_full (options, "max-message-size", self->max_size_spin, "value", both,
                               bytes_to_kib, kib_to_bytes, NULL, NULL);
  g_object_bind_property_full (options, "keepalive-interval", self->keepalive_spin, "value", both,
                               uint_to_double, double_to_uint, NULL, NULL);
  g_object_bind_property (options, "auto-reconnect", self->reconnect_switch, "active", both);
  on_tls_changed (self);

  return GTK_WIDGET (self);
}

/**
 * dpx_connection_dialog_present:
 * @parent: the window whose connections it sets
 *
 * Shows the dialog over @parent, modal, or brings it back if it is shown.
 */
void
dpx_connection_dialog_present (DpxConnectionDialog *self,
                               GtkWindow           *parent)
{
  g_return_if_fail (DPX_IS_CONNECTION_DIALOG (self));

#if ADW_CHECK_VERSION (1, 5, 0)
  /* A dialog that is shown already sits in its window. */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_present (ADW_DIALOG (self), GTK_WIDGET (parent));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_present (GTK_WINDOW (self));
#endif
}

/* Closes the dialog at once; every change is kept already. */
void
dpx_connection_dialog_close (DpxConnectionDialog *self)
{
  g_return_if_fail (DPX_IS_CONNECTION_DIALOG (self));

#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_force_close (ADW_DIALOG (self));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_destroy (GTK_WINDOW (self));
#endif
}
