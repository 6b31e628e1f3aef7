/* dpx-url-entry.c: the WebSocket URL, checked as it is typed
 *
 * The header bar's entry: what is wrong with the URL shows on the entry
 * (and is its url-error property) as it is typed, and the URLs connected
 * to before, kept in the settings' recent-urls, complete it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-UrlEntry"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-client.h"
#include "dpx-url-entry.h"

#define RECENT_URLS_MAX 10

struct _DpxUrlEntry
{
  GtkEntry            parent_instance;

  /* owned */
  GSettings          *settings;
  GtkEntryCompletion *completion;
  GtkListStore       *recent_store;
  char               *error;

  gboolean            setting_url;
};

G_DEFINE_FINAL_TYPE (DpxUrlEntry, dpx_url_entry, GTK_TYPE_ENTRY)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_URL_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Recent URLs ------------------------------------------------------------- */

static void
load_recent (DpxUrlEntry *self)
{
  g_auto(GStrv) urls = NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_list_store_clear (self->recent_store);
  if (self->settings)
    {
      urls = g_settings_get_strv (self->settings, "recent-urls");
      for (guint i = 0; urls[i]; i++)
        gtk_list_store_insert_with_values (self->recent_store, NULL, -1, 0, urls[i], -1);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
on_recent_changed (GSettings   *settings,
                   const char  *key,
                   DpxUrlEntry *self)
{
  load_recent (self);
}

/* Puts @url first in the settings' recent URLs. */
void
dpx_url_entry_remember (DpxUrlEntry *self,
                        const char  *url)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) urls = NULL;
  guint n = 1;

  g_return_if_fail (DPX_IS_URL_ENTRY (self));
  g_return_if_fail (url != NULL);

  if (self->settings == NULL)
    return;
  old = g_settings_get_strv (self->settings, "recent-urls");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, url);
  for (guint i = 0; old[i] && n < RECENT_URLS_MAX; i++)
    if (g_strcmp0 (old[i], url) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  urls = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-urls", (const char * const *) urls);
}

void
dpx_url_entry_set_settings (DpxUrlEntry *self,
                            GSettings   *settings)
{
  g_return_if_fail (DPX_IS_URL_ENTRY (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings == settings)
    return;
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings)
    g_signal_connect_object (settings, "changed::recent-urls",
                             G_CALLBACK (on_recent_changed), self, 0);
  load_recent (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
}

/* Checking ---------------------------------------------------------------- */

static void
show_error (DpxUrlEntry *self)
{
  GtkEntry *entry = GTK_ENTRY (self);
  GtkWidget *widget = GTK_WIDGET (self);

  if (self->error)
    {
      gtk_widget_add_css_class (widget, "error");
      gtk_entry_set_icon_from_icon_name (entry, GTK_ENTRY_ICON_SECONDARY,
                                         "dialog-warning-symbolic");
      gtk_entry_set_icon_tooltip_text (entry, GTK_ENTRY_ICON_SECONDARY, self->error);
      gtk_widget_set_tooltip_text (widget, self->error);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->error, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_entry_set_icon_from_icon_name (entry, GTK_ENTRY_ICON_SECONDARY, NULL);
      gtk_widget_set_tooltip_text (widget, _("The WebSocket URL, ws:// or wss:// (Ctrl+L)"));
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
check (DpxUrlEntry *self)
{
  g_autofree char *url = NULL;
  g_autofree char *old = NULL;
  g_autoptr(GError) error = NULL;

  if (self->setting_url)
    return;

  url = dpx_url_entry_dup_url (self);
  old = g_steal_pointer (&self->error);
  if (*url != '\0' && !dpx_client_check_url (url, &error))
    self->error = g_strdup (error->message);
  show_error (self);
  if (g_strcmp0 (old, self->error) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL_ERROR]);
}

static void
on_changed (DpxUrlEntry *self)
{
  check (self);
}

/* What is written, without the spaces around it. */
char *
dpx_url_entry_dup_url (DpxUrlEntry *self)
{
  g_return_val_if_fail (DPX_IS_URL_ENTRY (self), NULL);
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self))));
}

void
dpx_url_entry_set_url (DpxUrlEntry *self,
                       const char  *url)
{
  g_return_if_fail (DPX_IS_URL_ENTRY (self));

  /* Replacing the text is a deletion and an insertion: check once. */
  self->setting_url = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self), url ? url : "");
  self->setting_url = FALSE;
  check (self);
}

/* GObject ----------------------------------------------------------------- */

static void
dpx_url_entry_dispose (GObject *object)
{
  DpxUrlEntry *self = DPX_URL_ENTRY (object);

  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_entry_set_completion (GTK_ENTRY (self), NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_clear_object (&self->completion);
  g_clear_object (&self->recent_store);

  G_OBJECT_CLASS (dpx_url_entry_parent_class)->dispose (object);
}

static void
dpx_url_entry_finalize (GObject *object)
{
  DpxUrlEntry *self = DPX_URL_ENTRY (object);

  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (dpx_url_entry_parent_class)->finalize (object);
}

static void
dpx_url_entry_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DpxUrlEntry *self = DPX_URL_ENTRY (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_URL_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_url_entry_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DpxUrlEntry *self = DPX_URL_ENTRY (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      dpx_url_entry_set_settings (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_url_entry_class_init (DpxUrlEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dpx_url_entry_dispose;
  object_class->finalize = dpx_url_entry_finalize;
  object_class->get_property = dpx_url_entry_get_property;
  object_class->set_property = dpx_url_entry_set_property;

  /* Where the recent URLs are kept (the key recent-urls). */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What is wrong with the URL written, or NULL. */
  properties[PROP_URL_ERROR] =
    g_param_spec_string ("url-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_url_entry_init (DpxUrlEntry *self)
{
  /* GtkEntryCompletion (and the GtkListStore it reads) is deprecated since
   * GTK 4.10 with nothing in GTK to replace it, and GTK 4.18 and 4.20 still
   * ship it. It is kept, rather than a popover list of our own that would
   * have to do its keyboard navigation, focus and accessibility again; the
   * deprecation is silenced around these calls only (and in
   * load_recent and dispose). */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  self->recent_store = gtk_list_store_new (1, G_TYPE_STRING);
  self->completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (self->completion, GTK_TREE_MODEL (self->recent_store));
  gtk_entry_completion_set_text_column (self->completion, 0);
  gtk_entry_completion_set_minimum_key_length (self->completion, 1);
  gtk_entry_completion_set_popup_completion (self->completion, TRUE);
  gtk_entry_completion_set_inline_completion (self->completion, FALSE);
  gtk_entry_set_completion (GTK_ENTRY (self), self->completion);
  G_GNUC_END_IGNORE_DEPRECATIONS

  g_signal_connect (self, "changed", G_CALLBACK (on_changed), NULL);
  show_error (self);
}
