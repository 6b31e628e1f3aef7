/* dpx-server-panel.c: what the local broadcast server is doing
 *
 * The server's address, its clients and what they sent. Peers have plain
 * getters without notifications, so the counters on screen are refreshed
 * once a second, for the rows that are bound only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ServerPanel"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-qr-code.h"
#include "dpx-relay-policy.h"
#include "dpx-server-panel.h"

typedef enum {
  COLUMN_ADDRESS,
  COLUMN_AGENT,
  COLUMN_SINCE,
  COLUMN_IN,
  COLUMN_OUT,
  N_COLUMNS
} Column;

struct _DpxServerPanel
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkLabel       *count_label;
  GtkLabel       *url_label;
  GtkLabel       *note_label;
  GtkWidget      *lan_warning;
  GtkWidget      *join_card;
  DpxQrCode      *qr_code;
  GtkLabel       *join_url_label;
  GtkEntry       *class_code_entry;
  GtkStack       *peers_stack;
  GtkColumnView  *peers_view;
  GtkSpinButton  *rate_spin;

  /* owned */
  DpxRelay       *relay;
  GtkNoSelection *selection;
  GHashTable     *bound;      /* GtkLabel → GtkListItem */

  guint           refresh_source;
};

G_DEFINE_FINAL_TYPE (DpxServerPanel, dpx_server_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RELAY,
  PROP_URL_TEXT,
  PROP_COUNT_TEXT,
  PROP_LAN_WARNING_VISIBLE,
  PROP_JOIN_URL_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_label (DpxServerPanel *self,
           GtkLabel       *label,
           const char     *text,
           guint           prop_id)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) == 0)
    return;
  gtk_label_set_text (label, text);
  if (prop_id != PROP_0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static char *
format_since (gint64 since_us)
{
  gint64 seconds = MAX (0, (g_get_real_time () - since_us) / G_USEC_PER_SEC);

  if (seconds < 60)
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    return g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) ((seconds / 60) % 60));
}

static void
update_label (GtkLabel     *label,
              DpxRelayPeer *peer)
{
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "dpx-column"));
  g_autofree char *text = NULL;
  const char *agent;

  switch (column)
    {
    case COLUMN_ADDRESS:
      text = g_strdup (dpx_relay_peer_get_remote_address (peer));
      break;
    case COLUMN_AGENT:
      agent = dpx_relay_peer_get_user_agent (peer);
      text = g_strdup (agent && *agent ? agent : _("(none)"));
      break;
    case COLUMN_SINCE:
      text = format_since (dpx_relay_peer_get_connected_since (peer));
      break;
    case COLUMN_IN:
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, dpx_relay_peer_get_messages_in (peer));
      break;
    case COLUMN_OUT:
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, dpx_relay_peer_get_messages_out (peer));
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_text (label, text ? text : "");
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_data (G_OBJECT (label), "dpx-column", column);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_UINT (column) >= COLUMN_IN)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           DpxServerPanel           *self)
{
  GtkWidget *label = gtk_list_item_get_child (item);

  update_label (GTK_LABEL (label), gtk_list_item_get_item (item));
  g_hash_table_insert (self->bound, label, item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             DpxServerPanel           *self)
{
  g_hash_table_remove (self->bound, gtk_list_item_get_child (item));
}

void
dpx_server_panel_refresh (DpxServerPanel *self)
{
  GHashTableIter iter;
  gpointer label, item;

  g_return_if_fail (DPX_IS_SERVER_PANEL (self));

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &label, &item))
    {
      DpxRelayPeer *peer = gtk_list_item_get_item (item);

      if (peer)
        update_label (label, peer);
    }
}

static gboolean
refresh_cb (gpointer data)
{
  dpx_server_panel_refresh (data);
  return G_SOURCE_CONTINUE;
}

/* Shown while other computers may connect: where to point a browser. */
static void
update_join_card (DpxServerPanel *self,
                  gboolean        lan)
{
  g_auto(GStrv) urls = lan ? dpx_relay_dup_join_urls (self->relay) : NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->join_card, lan);
  if (urls && urls[0])
    text = g_strjoinv ("\n", urls);
  else if (lan)
    text = g_strdup (_("No network is up: connect this computer to the class network."));
  set_label (self, self->join_url_label, text ? text : "", PROP_JOIN_URL_TEXT);
  dpx_qr_code_set_text (self->qr_code, urls && urls[0] ? urls[0] : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.copy-join-url", urls && urls[0]);
}

static void
update (DpxServerPanel *self)
{
  guint n;
  g_autofree char *count = NULL;
  g_autofree char *url = NULL;
  const char *note = "";
  gboolean running;
  gboolean lan;

  if (self->relay == NULL)
    return;

  running = dpx_relay_get_running (self->relay);
  n = dpx_relay_get_n_peers (self->relay);
  count = g_strdup_printf (ngettext ("%u client", "%u clients", n), n);
  set_label (self, self->count_label, count, PROP_COUNT_TEXT);

  url = running ? dpx_relay_dup_url (self->relay) : NULL;
  set_label (self, self->url_label, url ? url : _("Stopped"), PROP_URL_TEXT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.copy-url", running);

  lan = running && !dpx_relay_get_loopback_only (self->relay);
  if (gtk_widget_get_visible (self->lan_warning) != lan)
    {
      gtk_widget_set_visible (self->lan_warning, lan);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAN_WARNING_VISIBLE]);
    }
  update_join_card (self, lan);
  if (running && dpx_relay_get_loopback_only (self->relay) && dpx_relay_get_echo (self->relay))
    note = _("Only this computer can connect. Every message goes to every client, "
             "the sender too.");
  else if (running && dpx_relay_get_loopback_only (self->relay))
    note = _("Only this computer can connect. Every message goes to every other client.");
  else if (running)
    note = _("Other computers connect with this computer’s network address and the same port.");
  set_label (self, self->note_label, note, PROP_0);

  gtk_stack_set_visible_child_name (self->peers_stack, n > 0 ? "peers" : "empty");
}

static void
on_relay_notify (DpxRelay       *relay,
                 GParamSpec     *pspec,
                 DpxServerPanel *self)
{
  update (self);
}

static void
copy_join_url_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);
  g_auto(GStrv) urls = self->relay ? dpx_relay_dup_join_urls (self->relay) : NULL;

  if (urls && urls[0])
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), urls[0]);
}

static void
copy_url_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);
  g_autofree char *url = self->relay ? dpx_relay_dup_url (self->relay) : NULL;

  if (url)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), url);
}

void
dpx_server_panel_set_relay (DpxServerPanel *self,
                            DpxRelay       *relay)
{
  g_return_if_fail (DPX_IS_SERVER_PANEL (self));
  g_return_if_fail (relay == NULL || DPX_IS_RELAY (relay));

  if (self->relay == relay)
    return;
  if (self->relay)
    g_signal_handlers_disconnect_by_data (self->relay, self);
  g_set_object (&self->relay, relay);
  gtk_no_selection_set_model (self->selection, relay ? dpx_relay_get_peers (relay) : NULL);
  if (relay)
    {
      g_signal_connect_object (relay, "notify::running", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::n-peers", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::port", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::host", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::echo", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::class-code", G_CALLBACK (on_relay_notify), self, 0);
      update (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY]);
}

/* The panel's own controls edit these settings directly. */
void
dpx_server_panel_bind_settings (DpxServerPanel *self,
                                GSettings      *settings)
{
  g_return_if_fail (DPX_IS_SERVER_PANEL (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "server-max-rate", self->rate_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "server-class-code", self->class_code_entry, "text", G_SETTINGS_BIND_DEFAULT);
}

static void
add_column (DpxServerPanel *self,
            const char     *title,
            Column          column,
            gboolean        expand)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);
  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_append_column (self->peers_view, view_column);
}

static void
dpx_server_panel_map (GtkWidget *widget)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);

  GTK_WIDGET_CLASS (dpx_server_panel_parent_class)->map (widget);
  if (self->refresh_source == 0)
    {
      self->refresh_source = g_timeout_add_seconds (1, refresh_cb, self);
      g_source_set_name_by_id (self->refresh_source, "[duplex] server panel refresh");
    }
}

static void
dpx_server_panel_unmap (GtkWidget *widget)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  GTK_WIDGET_CLASS (dpx_server_panel_parent_class)->unmap (widget);
}

static void
dpx_server_panel_dispose (GObject *object)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->relay)
    g_signal_handlers_disconnect_by_data (self->relay, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DPX_TYPE_SERVER_PANEL);
  /* Children not bound to a field are left by the template: unparent them. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->relay);
  g_clear_pointer (&self->bound, g_hash_table_unref);

  G_OBJECT_CLASS (dpx_server_panel_parent_class)->dispose (object);
}

static void
dpx_server_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (object);

  switch (prop_id)
    {
    case PROP_RELAY:
      g_value_set_object (value, self->relay);
      break;
    case PROP_URL_TEXT:
      g_value_set_string (value, gtk_label_get_text (self->url_label));
      break;
    case PROP_COUNT_TEXT:
      g_value_set_string (value, gtk_label_get_text (self->count_label));
      break;
    case PROP_LAN_WARNING_VISIBLE:
      g_value_set_boolean (value, gtk_widget_get_visible (self->lan_warning));
      break;
    case PROP_JOIN_URL_TEXT:
      g_value_set_string (value, gtk_label_get_text (self->join_url_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_server_panel_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (object);

  switch (prop_id)
    {
    case PROP_RELAY:
      dpx_server_panel_set_relay (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_server_panel_class_init (DpxServerPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_server_panel_dispose;
  object_class->get_property = dpx_server_panel_get_property;
  object_class->set_property = dpx_server_panel_set_property;

  properties[PROP_RELAY] =
    g_param_spec_object ("relay", NULL, NULL, DPX_TYPE_RELAY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The server's address as shown, or "Stopped". */
  properties[PROP_URL_TEXT] = g_param_spec_string ("url-text", NULL, NULL, "", ro);
  /* How many clients, in words. */
  properties[PROP_COUNT_TEXT] = g_param_spec_string ("count-text", NULL, NULL, "", ro);
  /* Whether the warning that other computers can connect shows. */
  properties[PROP_LAN_WARNING_VISIBLE] =
    g_param_spec_boolean ("lan-warning-visible", NULL, NULL, FALSE, ro);
  /* The class page's addresses on the join card, one a line. */
  properties[PROP_JOIN_URL_TEXT] = g_param_spec_string ("join-url-text", NULL, NULL, "", ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->map = dpx_server_panel_map;
  widget_class->unmap = dpx_server_panel_unmap;

  g_type_ensure (DPX_TYPE_QR_CODE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/duplexws/Duplex/dpx-server-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, count_label);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, url_label);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, note_label);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, lan_warning);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, join_card);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, qr_code);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, join_url_label);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, class_code_entry);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, peers_stack);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, peers_view);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, rate_spin);

  gtk_widget_class_install_action (widget_class, "serverpanel.copy-url", NULL, copy_url_action);
  gtk_widget_class_install_action (widget_class, "serverpanel.copy-join-url", NULL, copy_join_url_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "serverpanel");
}

static void
dpx_server_panel_init (DpxServerPanel *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);

  self->bound = g_hash_table_new (NULL, NULL);
  self->selection = gtk_no_selection_new (NULL);
  gtk_column_view_set_model (self->peers_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, _("Address"), COLUMN_ADDRESS, FALSE);
  add_column (self, _("User agent"), COLUMN_AGENT, TRUE);
  add_column (self, _("Connected for"), COLUMN_SINCE, FALSE);
  add_column (self, _("Messages in"), COLUMN_IN, FALSE);
  add_column (self, _("Messages out"), COLUMN_OUT, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.copy-url", FALSE);
}
