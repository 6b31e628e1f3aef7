/* dpx-server-panel.c: what the local broadcast server is doing
 *
 * The server's address, its clients and what they sent. Peers have plain
 * getters without notifications, so the counters on screen are refreshed
 * once a second, for the rows that are bound only.
 *
 * The client list sees the relay's peers through a DpxPacedModel: a class
 * leaving at once is a hundred removals in one main-loop iteration, and
 * each one that reached the column view would rebind and lay out its rows
 * (145 ms of the window's CPU for 100 clients, under perf). Paced, the view
 * gets its changes once per PEERS_INTERVAL_MS however many came and went,
 * in chunks of PEERS_MAX_STEP rows, and no further chunk once a publication
 * has taken 8 ms: a row in sight costs the window about 1 ms to make, so
 * that is one chunk, while rows out of sight cost next to nothing and a
 * long list of them is not held back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ServerPanel"

#include "config.h"

#include <glib/gi18n.h>

#include "dpx-format.h"
#include "dpx-close-code.h"
#include "dpx-paced-model.h"
#include "dpx-qr-code.h"
#include "dpx-relay-policy.h"
#include "dpx-server-panel.h"

/* How often the client list may change on screen while clients come and go. */
#define PEERS_INTERVAL_MS 150
#define PEERS_MAX_STEP    15

typedef enum {
  COLUMN_NAME,
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
  GtkLabel       *activity_label;
  GtkListView    *activity_view;
  GtkSwitch      *echo_switch;

  /* owned */
  DpxRelay       *relay;
  GtkNoSelection *selection;
  DpxPacedModel  *peers;      /* the relay's peers, as the column view sees them */
  GHashTable     *bound;      /* GtkLabel → GtkListItem */
  GListModel     *activity;   /* the server's own events, kept out of the connection's log */

  guint           refresh_source;
};

G_DEFINE_FINAL_TYPE (DpxServerPanel, dpx_server_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RELAY,
  PROP_URL_TEXT,
  PROP_COUNT_TEXT,
  PROP_LAN_WARNING_VISIBLE,
  PROP_ACTIVITY_TEXT,
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
    case COLUMN_NAME:
      text = g_strdup (dpx_relay_peer_get_name (peer) ? dpx_relay_peer_get_name (peer) : "—");
      break;
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

/* The teacher's controls for one client. Its widgets find the panel and the
 * client when used, so a recycled row acts on the client it shows now. */

static guint
item_peer_id (GtkWidget *child)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (child), "dpx-item");
  DpxRelayPeer *peer = item ? gtk_list_item_get_item (item) : NULL;

  return peer ? dpx_relay_peer_get_id (peer) : 0;
}

static void
on_mute_toggled (GtkToggleButton *button,
                 gpointer         user_data)
{
  guint id = item_peer_id (GTK_WIDGET (button));

  if (id == 0 || g_object_get_data (G_OBJECT (button), "dpx-binding"))
    return;
  gtk_widget_activate_action (GTK_WIDGET (button), "serverpanel.mute", "(ub)", id,
                              gtk_toggle_button_get_active (button));
}

static void
on_peer_rate_changed (GtkSpinButton *spin,
                      gpointer       user_data)
{
  guint id = item_peer_id (GTK_WIDGET (spin));

  if (id == 0 || g_object_get_data (G_OBJECT (spin), "dpx-binding"))
    return;
  gtk_widget_activate_action (GTK_WIDGET (spin), "serverpanel.set-rate", "(uu)", id,
                              (guint) gtk_spin_button_get_value_as_int (spin));
}

static void
on_disconnect_clicked (GtkButton *button,
                       GtkWidget *popover)
{
  GtkSpinButton *code = g_object_get_data (G_OBJECT (popover), "dpx-code");
  GtkEntry *reason = g_object_get_data (G_OBJECT (popover), "dpx-reason");
  GtkLabel *error_label = g_object_get_data (G_OBJECT (popover), "dpx-error");
  guint id = item_peer_id (popover);
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (reason));

  if (id == 0)
    return;
  if (!dpx_close_check (gtk_spin_button_get_value_as_int (code), text, &error))
    {
      gtk_label_set_text (error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (error_label), FALSE);
  gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_activate_action (popover, "serverpanel.disconnect", "(uqs)", id,
                              (guint16) gtk_spin_button_get_value_as_int (code), text);
}

static GtkWidget *
new_disconnect_popover (void)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *code_label = gtk_label_new_with_mnemonic (_("_Code"));
  GtkWidget *reason_label = gtk_label_new_with_mnemonic (_("_Reason"));
  GtkWidget *code = gtk_spin_button_new_with_range (1000, 4999, 1);
  GtkWidget *reason = gtk_entry_new ();
  GtkWidget *error_label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Disconnect"));

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (code), 4000);
  gtk_entry_set_max_length (GTK_ENTRY (reason), DPX_CLOSE_REASON_MAX);
  gtk_editable_set_text (GTK_EDITABLE (reason), _("Disconnected by the teacher"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (code_label), code);
  gtk_label_set_mnemonic_widget (GTK_LABEL (reason_label), reason);
  gtk_label_set_xalign (GTK_LABEL (code_label), 0);
  gtk_label_set_xalign (GTK_LABEL (reason_label), 0);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (error_label), 30);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_grid_attach (GTK_GRID (grid), code_label, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), code, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), reason_label, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), reason, 1, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), error_label, 0, 2, 2, 1);
  gtk_grid_attach (GTK_GRID (grid), button, 0, 3, 2, 1);
  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  g_object_set_data (G_OBJECT (popover), "dpx-code", code);
  g_object_set_data (G_OBJECT (popover), "dpx-reason", reason);
  g_object_set_data (G_OBJECT (popover), "dpx-error", error_label);
  g_signal_connect (button, "clicked", G_CALLBACK (on_disconnect_clicked), popover);
  return popover;
}

/* A row's tooltip, asked for when shown: gtk_widget_set_tooltip_text() asks
 * the X server where the pointer is, a round trip per widget, and a class
 * joining at once makes hundreds of them. */
static gboolean
on_query_row_tooltip (GtkWidget  *widget,
                      int         x,
                      int         y,
                      gboolean    keyboard_mode,
                      GtkTooltip *tooltip,
                      const char *text)
{
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_row_tooltip (GtkWidget  *widget,
                 const char *text)
{
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_row_tooltip), (gpointer) text);
}

/* Made when first opened, not with every row. */
static void
create_disconnect_popover (GtkMenuButton *button,
                           gpointer       user_data)
{
  GtkWidget *popover;

  if (gtk_menu_button_get_popover (button) != NULL)
    return;
  popover = new_disconnect_popover ();
  g_object_set_data (G_OBJECT (popover), "dpx-item", g_object_get_data (G_OBJECT (button), "dpx-item"));
  gtk_menu_button_set_popover (button, popover);
}

static void
setup_controls (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *mute = gtk_toggle_button_new ();
  GtkWidget *rate = gtk_spin_button_new_with_range (0, 1000000, 1);
  GtkWidget *disconnect = gtk_menu_button_new ();

  gtk_button_set_icon_name (GTK_BUTTON (mute), "microphone-sensitivity-muted-symbolic");
  set_row_tooltip (mute, _("Mute: drop this client’s messages and tell it so"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (mute), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Mute"), -1);
  gtk_widget_add_css_class (mute, "flat");
  gtk_widget_add_css_class (mute, "mute-button");
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (rate), TRUE);
  gtk_widget_add_css_class (rate, "peer-rate");
  gtk_editable_set_width_chars (GTK_EDITABLE (rate), 4);
  set_row_tooltip (rate, _("Messages a second this client may send; 0: no limit"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (rate), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Messages a second"), -1);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (disconnect), "window-close-symbolic");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (disconnect), create_disconnect_popover, NULL, NULL);
  set_row_tooltip (disconnect, _("Disconnect with a chosen close code"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (disconnect), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Disconnect"), -1);
  gtk_widget_add_css_class (disconnect, "flat");
  gtk_box_append (GTK_BOX (box), mute);
  gtk_box_append (GTK_BOX (box), rate);
  gtk_box_append (GTK_BOX (box), disconnect);
  for (GtkWidget *w = gtk_widget_get_first_child (box); w; w = gtk_widget_get_next_sibling (w))
    g_object_set_data (G_OBJECT (w), "dpx-item", item);
  g_signal_connect (mute, "toggled", G_CALLBACK (on_mute_toggled), NULL);
  g_signal_connect (rate, "value-changed", G_CALLBACK (on_peer_rate_changed), NULL);
  gtk_list_item_set_child (item, box);
}

static void
bind_controls (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               DpxServerPanel           *self)
{
  DpxRelayPeer *peer = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *mute = gtk_widget_get_first_child (box);
  GtkWidget *rate = gtk_widget_get_next_sibling (mute);

  /* Showing the client's state is not changing it. */
  g_object_set_data (G_OBJECT (mute), "dpx-binding", GINT_TO_POINTER (TRUE));
  g_object_set_data (G_OBJECT (rate), "dpx-binding", GINT_TO_POINTER (TRUE));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (mute), dpx_relay_peer_get_muted (peer));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (rate), dpx_relay_peer_get_max_rate (peer));
  g_object_set_data (G_OBJECT (mute), "dpx-binding", NULL);
  g_object_set_data (G_OBJECT (rate), "dpx-binding", NULL);
}

static DpxRelayPeer *
find_peer (DpxServerPanel *self,
           guint           id)
{
  GListModel *peers = self->relay ? dpx_relay_get_peers (self->relay) : NULL;
  guint n = peers ? g_list_model_get_n_items (peers) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DpxRelayPeer) peer = g_list_model_get_item (peers, i);

      if (dpx_relay_peer_get_id (peer) == id)
        return peer;   /* the relay's model keeps it */
    }
  return NULL;
}

static void
mute_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);
  DpxRelayPeer *peer;
  guint id;
  gboolean muted;

  g_variant_get (param, "(ub)", &id, &muted);
  if ((peer = find_peer (self, id)))
    dpx_relay_set_peer_muted (self->relay, peer, muted);
}

static void
set_rate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);
  DpxRelayPeer *peer;
  guint id, rate;

  g_variant_get (param, "(uu)", &id, &rate);
  if ((peer = find_peer (self, id)))
    dpx_relay_set_peer_max_rate (self->relay, peer, rate);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);
  DpxRelayPeer *peer;
  const char *reason;
  guint id;
  guint16 code;

  g_variant_get (param, "(uq&s)", &id, &code, &reason);
  if (!dpx_close_check (code, reason, NULL))
    return;
  if ((peer = find_peer (self, id)))
    dpx_relay_disconnect_peer (self->relay, peer, code, reason);
}

static void
clear_pages_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  DpxServerPanel *self = DPX_SERVER_PANEL (widget);

  if (self->relay)
    dpx_relay_clear_pages (self->relay);
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
update_count (DpxServerPanel *self)
{
  guint n = dpx_relay_get_n_peers (self->relay);
  g_autofree char *count = g_strdup_printf (ngettext ("%u client", "%u clients", n), n);

  set_label (self, self->count_label, count, PROP_COUNT_TEXT);
  gtk_stack_set_visible_child_name (self->peers_stack, n > 0 ? "peers" : "empty");
}

static void
update (DpxServerPanel *self)
{
  g_autofree char *url = NULL;
  const char *note = "";
  gboolean running;
  gboolean lan;

  if (self->relay == NULL)
    return;

  running = dpx_relay_get_running (self->relay);
  update_count (self);

  url = running ? dpx_relay_dup_url (self->relay) : NULL;
  set_label (self, self->url_label, url ? url : _("Stopped"), PROP_URL_TEXT);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.copy-url", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.clear-pages", running);

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
  g_clear_object (&self->peers);
  if (relay)
    {
      self->peers = dpx_paced_model_new (dpx_relay_get_peers (relay), PEERS_INTERVAL_MS);
      dpx_paced_model_set_max_step (self->peers, PEERS_MAX_STEP);
    }
  gtk_no_selection_set_model (self->selection, G_LIST_MODEL (self->peers));
  if (relay)
    {
      g_signal_connect_object (relay, "notify::running", G_CALLBACK (on_relay_notify), self, 0);
      /* Once per client that comes or goes: the count alone, not the join
       * card (the LAN's addresses and a QR code). */
      g_signal_connect_object (relay, "notify::n-peers", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (relay, "notify::port", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::host", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::echo", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::class-code", G_CALLBACK (on_relay_notify), self, 0);
      update (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY]);
}

/* Activity ---------------------------------------------------------------- */

static void
setup_activity_row (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (item, label);
}

static char *
describe_entry (DpxLogEntry *entry)
{
  GBytes *payload = dpx_log_entry_get_payload (entry);
  g_autofree char *time = dpx_format_time (dpx_log_entry_get_time (entry));
  g_autofree char *text = g_utf8_make_valid (g_bytes_get_data (payload, NULL),
                                             g_bytes_get_size (payload));

  return g_strdup_printf ("%s  %s", time, text);
}

static void
bind_activity_row (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  g_autofree char *text = describe_entry (gtk_list_item_get_item (item));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
on_activity_changed (DpxServerPanel *self)
{
  guint n = g_list_model_get_n_items (self->activity);
  g_autoptr(DpxLogEntry) last = n > 0 ? g_list_model_get_item (self->activity, n - 1) : NULL;
  g_autofree char *text = last ? describe_entry (last) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->activity_label), text != NULL);
  set_label (self, self->activity_label, text ? text : "", PROP_ACTIVITY_TEXT);
}

/**
 * dpx_server_panel_set_activity:
 * @activity: (element-type DpxLogEntry): the server's events, oldest first
 *
 * What the server did (clients that came and left, starts and stops): the
 * newest in a line of the panel, all of them in its Activity popover, and
 * none in the connection's log.
 */
void
dpx_server_panel_set_activity (DpxServerPanel *self,
                               GListModel     *activity)
{
  g_return_if_fail (DPX_IS_SERVER_PANEL (self));
  g_return_if_fail (G_IS_LIST_MODEL (activity));

  if (self->activity)
    g_signal_handlers_disconnect_by_data (self->activity, self);
  g_set_object (&self->activity, activity);
  gtk_list_view_set_model (self->activity_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (activity))));
  g_signal_connect_object (activity, "items-changed", G_CALLBACK (on_activity_changed), self,
                           G_CONNECT_SWAPPED);
  on_activity_changed (self);
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
  g_settings_bind (settings, "server-echo", self->echo_switch, "active", G_SETTINGS_BIND_DEFAULT);
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
add_controls_column (DpxServerPanel *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_controls), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_controls), self);
  view_column = gtk_column_view_column_new (_("Mute · Rate · Disconnect"), g_object_ref (factory));
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
  if (self->activity)
    g_signal_handlers_disconnect_by_data (self->activity, self);
  g_clear_object (&self->activity);
  g_clear_object (&self->selection);
  g_clear_object (&self->peers);
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
    case PROP_ACTIVITY_TEXT:
      g_value_set_string (value, gtk_label_get_text (self->activity_label));
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
  /* What the server did last, with its time, or "". */
  properties[PROP_ACTIVITY_TEXT] = g_param_spec_string ("activity-text", NULL, NULL, "", ro);
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
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, activity_label);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, activity_view);
  gtk_widget_class_bind_template_child (widget_class, DpxServerPanel, echo_switch);

  gtk_widget_class_install_action (widget_class, "serverpanel.copy-url", NULL, copy_url_action);
  gtk_widget_class_install_action (widget_class, "serverpanel.copy-join-url", NULL, copy_join_url_action);
  /* The teacher's controls, by client number (dpx_relay_peer_get_id()). */
  gtk_widget_class_install_action (widget_class, "serverpanel.mute", "(ub)", mute_action);
  gtk_widget_class_install_action (widget_class, "serverpanel.set-rate", "(uu)", set_rate_action);
  gtk_widget_class_install_action (widget_class, "serverpanel.disconnect", "(uqs)", disconnect_action);
  gtk_widget_class_install_action (widget_class, "serverpanel.clear-pages", NULL, clear_pages_action);

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

  {
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (setup_activity_row), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (bind_activity_row), NULL);
    gtk_list_view_set_factory (self->activity_view, factory);
  }
  add_column (self, _("Nickname"), COLUMN_NAME, FALSE);
  add_column (self, _("Address"), COLUMN_ADDRESS, FALSE);
  add_column (self, _("User agent"), COLUMN_AGENT, TRUE);
  add_column (self, _("Connected for"), COLUMN_SINCE, FALSE);
  add_column (self, _("Messages in"), COLUMN_IN, FALSE);
  add_column (self, _("Messages out"), COLUMN_OUT, FALSE);
  add_controls_column (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.copy-url", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "serverpanel.clear-pages", FALSE);
}
