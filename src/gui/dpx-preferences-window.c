/* dpx-preferences-window.c: application preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-preferences-window.h"
#include "dpx-settings-mapping.h"

struct _DpxPreferencesWindow
{
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwPreferencesDialog  parent_instance;
#else
  AdwPreferencesWindow  parent_instance;
#endif

  /* template widgets */
  AdwComboRow          *style_row;
  GtkSpinButton        *port_spin;
  GtkSwitch            *echo_switch;
  GtkSwitch            *lan_switch;
  GtkSpinButton        *clients_spin;
  GtkSpinButton        *message_size_spin;
  GtkSpinButton        *cap_spin;

  /* owned */
  GSettings            *settings;
};

#if ADW_CHECK_VERSION (1, 5, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
G_DEFINE_FINAL_TYPE (DpxPreferencesWindow, dpx_preferences_window, ADW_TYPE_PREFERENCES_DIALOG)
G_GNUC_END_IGNORE_DEPRECATIONS
#else
G_DEFINE_FINAL_TYPE (DpxPreferencesWindow, dpx_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)
#endif

static const char * const styles[] = { "default", "light", "dark" };

static gboolean
style_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_str_equal (style, styles[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
style_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (styles[i < G_N_ELEMENTS (styles) ? i : 0]);
}

static void
dpx_preferences_window_dispose (GObject *object)
{
  DpxPreferencesWindow *self = DPX_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dpx_preferences_window_parent_class)->dispose (object);
}

static void
dpx_preferences_window_class_init (DpxPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dpx_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, echo_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, lan_switch);
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, clients_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, message_size_spin);
  gtk_widget_class_bind_template_child (widget_class, DpxPreferencesWindow, cap_spin);

#if !ADW_CHECK_VERSION (1, 5, 0)
  /* A dialog closes on Escape by itself; this window needs telling. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
#endif
}

static void
dpx_preferences_window_init (DpxPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Sizes here, not in the template: a dialog and a window name them
   * differently. */
#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_set_content_width (ADW_DIALOG (self), 600);
  adw_dialog_set_content_height (ADW_DIALOG (self), 620);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 620);
#endif
}

GtkWidget *
dpx_preferences_window_new (GSettings *settings)
{
  DpxPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DPX_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, style_get_mapping, style_set_mapping, NULL, NULL);
  g_settings_bind (settings, "server-port", self->port_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "server-echo", self->echo_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "server-lan", self->lan_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "server-max-clients", self->clients_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "server-max-message-size", self->message_size_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, dpx_settings_get_kib, dpx_settings_set_kib, NULL, NULL);
  g_settings_bind (settings, "log-max-entries", self->cap_spin, "value", G_SETTINGS_BIND_DEFAULT);

  return GTK_WIDGET (self);
}

/**
 * dpx_preferences_window_present:
 * @parent: the window it belongs to
 *
 * Shows the preferences over @parent, modal.
 */
void
dpx_preferences_window_present (DpxPreferencesWindow *self,
                                GtkWindow            *parent)
{
  g_return_if_fail (DPX_IS_PREFERENCES_WINDOW (self));

#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_present (ADW_DIALOG (self), GTK_WIDGET (parent));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_present (GTK_WINDOW (self));
#endif
}

/* Closes the preferences at once; they are saved as they change. */
void
dpx_preferences_window_close (DpxPreferencesWindow *self)
{
  g_return_if_fail (DPX_IS_PREFERENCES_WINDOW (self));

#if ADW_CHECK_VERSION (1, 5, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_dialog_force_close (ADW_DIALOG (self));
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_window_destroy (GTK_WINDOW (self));
#endif
}
