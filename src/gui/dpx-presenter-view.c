/* dpx-presenter-view.c: the local server drawn for a projector
 *
 * The server in the middle, each connected client on a ring around it, and
 * each message drawn travelling from its sender to the server and on to
 * every receiver (the sender too when the relay echoes), with live counts.
 * Everything is drawn in snapshot with colour nodes and cached layouts: no
 * widget per client, so a hundred clients cost a hundred small nodes.
 *
 * A busy class must not turn into a blur or a slow frame: at most
 * MAX_FLIGHTS messages are in the air at once; past that the oldest lands
 * early. The counts still count every message. Clients come and go through
 * a DpxPacedModel: a class leaving at once moves the ring once, not once
 * per client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-Presenter"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "dpx-paced-model.h"
#include "dpx-presenter-view.h"
#include "dpx-relay-policy.h"

#define FLIGHT_US  (1200 * 1000)  /* one message's whole journey, slow enough to follow */
#define TO_SERVER  0.4            /* the share of it spent reaching the server */
#define MAX_FLIGHTS 32
#define PEERS_INTERVAL_MS 100     /* how often the ring may change */

typedef struct {
  DpxRelayPeer *peer;
  PangoLayout  *layout;
  double        x, y;   /* set at each snapshot */
} Node;

typedef struct {
  guint    sender;     /* client number */
  gint64   start;      /* frame time, µs */
  gboolean binary;
} Flight;

struct _DpxPresenterView
{
  GtkWidget    parent_instance;

  /* owned */
  DpxRelay    *relay;
  DpxPacedModel *peers;        /* the relay's peers, paced */
  GArray      *nodes;          /* Node, in connection order */
  GArray      *flights;        /* Flight, oldest first */
  PangoLayout *title_layout;
  PangoLayout *counts_layout;
  PangoLayout *join_layout;
  char        *counts_text;
  GdkTexture  *text_dot;       /* a message's dot, made once per size */
  GdkTexture  *binary_dot;
  int          dot_px;
  guint        tick_id;

  guint64      messages;
  guint        this_second;    /* messages in the current second */
  guint        last_second;    /* in the one before: the rate shown */
  gint64       second_start;
  double       font_px;        /* the size the layouts were made for */
};

G_DEFINE_FINAL_TYPE (DpxPresenterView, dpx_presenter_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RELAY,
  PROP_COUNTS_TEXT,
  PROP_N_FLIGHTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GdkRGBA background = { 0.10, 0.10, 0.13, 1 };
static const GdkRGBA spoke      = { 1, 1, 1, 0.10 };
static const GdkRGBA server     = { 0.21, 0.52, 0.89, 1 };
static const GdkRGBA client     = { 0.93, 0.93, 0.92, 1 };
static const GdkRGBA muted      = { 0.45, 0.45, 0.47, 1 };
static const GdkRGBA text_dot   = { 0.97, 0.83, 0.18, 1 };
static const GdkRGBA binary_dot = { 0.96, 0.47, 0.0, 1 };
static const GdkRGBA foreground = { 1, 1, 1, 1 };

static void
node_clear (Node *node)
{
  g_clear_object (&node->peer);
  g_clear_object (&node->layout);
}

static PangoLayout *
new_layout (DpxPresenterView *self,
            const char       *text,
            double            scale,
            gboolean          bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, "Cantarell, sans-serif");
  pango_font_description_set_absolute_size (font, MAX (1, self->font_px * scale) * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

static char *
peer_label (DpxRelayPeer *peer)
{
  const char *name = dpx_relay_peer_get_name (peer);

  return name ? g_strdup (name) : g_strdup_printf (_("Client %u"), dpx_relay_peer_get_id (peer));
}

/* Layouts depend on the font size, which follows the widget's size and the
 * number of clients: remade only when one of those changes. */
static void
rebuild_layouts (DpxPresenterView *self)
{
  double name_scale = self->nodes->len > 40 ? 0.45 : self->nodes->len > 16 ? 0.6 : 0.8;

  g_clear_object (&self->title_layout);
  g_clear_object (&self->counts_layout);
  g_clear_object (&self->join_layout);
  self->title_layout = new_layout (self, _("Server"), 0.9, TRUE);
  self->counts_layout = new_layout (self, self->counts_text, 1.0, TRUE);
  if (self->relay && dpx_relay_get_running (self->relay) && !dpx_relay_get_loopback_only (self->relay))
    {
      g_auto(GStrv) urls = dpx_relay_dup_join_urls (self->relay);

      if (urls && urls[0])
        {
          g_autofree char *join = g_strdup_printf (_("Join: %s"), urls[0]);

          self->join_layout = new_layout (self, join, 0.8, TRUE);
        }
    }
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = &g_array_index (self->nodes, Node, i);
      g_autofree char *label = peer_label (node->peer);

      g_clear_object (&node->layout);
      node->layout = new_layout (self, label, name_scale, FALSE);
    }
}

static void
update_counts (DpxPresenterView *self)
{
  guint n = self->relay ? dpx_relay_get_n_peers (self->relay) : 0;
  g_autofree char *clients = g_strdup_printf (ngettext ("%u client", "%u clients", n), n);
  g_autofree char *messages = g_strdup_printf (ngettext ("%llu message", "%llu messages",
                                                         (unsigned long) MIN (self->messages, G_MAXULONG)),
                                               (unsigned long long) self->messages);
  g_autofree char *rate = g_strdup_printf (_("%u a second"), self->last_second);
  g_autofree char *text = g_strdup_printf ("%s · %s · %s", clients, messages, rate);

  if (g_strcmp0 (text, self->counts_text) == 0)
    return;
  g_free (self->counts_text);
  self->counts_text = g_steal_pointer (&text);
  if (self->counts_layout)
    pango_layout_set_text (self->counts_layout, self->counts_text, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTS_TEXT]);
}

/* The clients, from the relay's model: called when one joins or leaves. */
static void
sync_nodes (DpxPresenterView *self)
{
  GListModel *peers = G_LIST_MODEL (self->peers);
  guint n = peers ? g_list_model_get_n_items (peers) : 0;

  g_array_set_size (self->nodes, 0);
  for (guint i = 0; i < n; i++)
    {
      Node node = { g_list_model_get_item (peers, i), NULL, 0, 0 };

      g_array_append_val (self->nodes, node);
    }
  self->font_px = 0;   /* layouts are remade at the next snapshot */
  update_counts (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  DpxPresenterView *self = DPX_PRESENTER_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint landed = 0;

  while (landed < self->flights->len &&
         now - g_array_index (self->flights, Flight, landed).start >= FLIGHT_US)
    landed++;
  if (landed > 0)
    {
      g_array_remove_range (self->flights, 0, landed);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FLIGHTS]);
    }
  if (now - self->second_start >= G_USEC_PER_SEC)
    {
      /* A quiet second shows 0, not the last busy one. */
      self->last_second = now - self->second_start >= 2 * G_USEC_PER_SEC ? 0 : self->this_second;
      self->this_second = 0;
      self->second_start = now;
      update_counts (self);
    }
  gtk_widget_queue_draw (widget);
  if (self->flights->len == 0 && self->last_second == 0)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_ticking (DpxPresenterView *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static gint64
now_us (DpxPresenterView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  return clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
}

static void
on_message (DpxRelay         *relay,
            DpxRelayPeer     *sender,
            int               type,
            GBytes           *message,
            DpxPresenterView *self)
{
  Flight flight = { dpx_relay_peer_get_id (sender), now_us (self), type != SOUP_WEBSOCKET_DATA_TEXT };

  self->messages++;
  self->this_second++;
  if (self->second_start == 0)
    self->second_start = flight.start;
  if (self->flights->len >= MAX_FLIGHTS)
    g_array_remove_index (self->flights, 0);
  g_array_append_val (self->flights, flight);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FLIGHTS]);
  update_counts (self);
  ensure_ticking (self);
}

static void
on_peers_changed (GListModel       *peers,
                  guint             position,
                  guint             removed,
                  guint             added,
                  DpxPresenterView *self)
{
  sync_nodes (self);
}

static void
on_relay_notify (DpxRelay         *relay,
                 GParamSpec       *pspec,
                 DpxPresenterView *self)
{
  self->font_px = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A filled circle as a texture: thousands of dots a frame cost one image
 * each, where a rounded clip each would make the Cairo renderer crawl. */
static GdkTexture *
new_dot_texture (const GdkRGBA *color,
                 int            px)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, px, px);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_arc (cr, px / 2.0, px / 2.0, px / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * px);
  /* Cairo's ARGB32 is GDK_MEMORY_DEFAULT: premultiplied, native order. */
  texture = gdk_memory_texture_new (px, px, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  return texture;
}

static void
ensure_dots (DpxPresenterView *self,
             int               px)
{
  if (px == self->dot_px && self->text_dot)
    return;
  g_clear_object (&self->text_dot);
  g_clear_object (&self->binary_dot);
  self->text_dot = new_dot_texture (&text_dot, px);
  self->binary_dot = new_dot_texture (&binary_dot, px);
  self->dot_px = px;
}

static void
append_flight_dot (GtkSnapshot *snapshot,
                   GdkTexture  *texture,
                   double       x,
                   double       y,
                   int          px)
{
  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (round (x - px / 2.0), round (y - px / 2.0), px, px));
}

static void
append_dot (GtkSnapshot   *snapshot,
            const GdkRGBA *color,
            double         x,
            double         y,
            double         radius)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, &GRAPHENE_RECT_INIT (x - radius, y - radius, 2 * radius, 2 * radius),
                                   radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, &rounded.bounds);
  gtk_snapshot_pop (snapshot);
}

/* A line as a thin rotated rectangle: GTK 4.8 has no paths. */
static void
append_line (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             double         x0,
             double         y0,
             double         x1,
             double         y1,
             double         width)
{
  double length = hypot (x1 - x0, y1 - y0);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x0, y0));
  gtk_snapshot_rotate (snapshot, atan2 (y1 - y0, x1 - x0) * 180 / G_PI);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (0, -width / 2, length, width));
  gtk_snapshot_restore (snapshot);
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  const GdkRGBA *color,
                  double         x,
                  double         y,
                  double         xalign)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x - w * xalign), round (y - h / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static double
ease (double t)
{
  return t < 0.5 ? 2 * t * t : 1 - pow (-2 * t + 2, 2) / 2;
}

static void
dpx_presenter_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DpxPresenterView *self = DPX_PRESENTER_VIEW (widget);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  double cx = w / 2, cy = h / 2 + h * 0.03;
  double ring = MIN (w, h * 0.92) * 0.38;
  double server_r = MAX (24, MIN (w, h) * 0.08);
  double node_r = CLAMP (ring * 2 * G_PI / MAX (1, self->nodes->len) * 0.3, 4, MIN (w, h) * 0.035);
  double font_px = MAX (12, MIN (w, h) / 22);
  gboolean echo = self->relay ? dpx_relay_get_echo (self->relay) : TRUE;
  gint64 now = now_us (self);
  GHashTable *index = NULL;

  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (fabs (font_px - self->font_px) > 0.5)
    {
      self->font_px = font_px;
      rebuild_layouts (self);
    }

  /* Clients on the ring, and their spokes. */
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = &g_array_index (self->nodes, Node, i);
      double angle = -G_PI / 2 + 2 * G_PI * i / self->nodes->len;

      node->x = cx + ring * cos (angle);
      node->y = cy + ring * sin (angle);
      append_line (snapshot, &spoke, cx, cy, node->x, node->y, MAX (1, node_r / 6));
    }
  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = &g_array_index (self->nodes, Node, i);
      double angle = -G_PI / 2 + 2 * G_PI * i / self->nodes->len;
      double label_r = node_r + font_px * 0.4;
      const GdkRGBA *color = dpx_relay_peer_get_muted (node->peer) ? &muted : &client;

      append_dot (snapshot, color, node->x, node->y, node_r);
      if (node->layout)
        append_layout_at (snapshot, node->layout, color,
                          node->x + label_r * cos (angle), node->y + label_r * sin (angle),
                          cos (angle) > 0.2 ? 0 : cos (angle) < -0.2 ? 1 : 0.5);
    }

  /* Messages in flight: to the server, then out to every receiver. */
  if (self->flights->len > 0)
    {
      ensure_dots (self, (int) round (2 * MAX (3, node_r * 0.55)));
      index = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < self->nodes->len; i++)
        g_hash_table_insert (index, GUINT_TO_POINTER (dpx_relay_peer_get_id (g_array_index (self->nodes, Node, i).peer)),
                             GUINT_TO_POINTER (i + 1));
    }
  for (guint f = 0; f < self->flights->len; f++)
    {
      Flight *flight = &g_array_index (self->flights, Flight, f);
      double t = CLAMP ((double) (now - flight->start) / FLIGHT_US, 0, 1);
      guint sender = GPOINTER_TO_UINT (g_hash_table_lookup (index, GUINT_TO_POINTER (flight->sender)));
      GdkTexture *texture = flight->binary ? self->binary_dot : self->text_dot;
      int px = self->dot_px;

      if (t < TO_SERVER)
        {
          double k = ease (t / TO_SERVER);

          if (sender > 0)
            {
              Node *from = &g_array_index (self->nodes, Node, sender - 1);

              append_flight_dot (snapshot, texture, from->x + (cx - from->x) * k,
                                 from->y + (cy - from->y) * k, px);
            }
          continue;
        }
      {
        double k = ease ((t - TO_SERVER) / (1 - TO_SERVER));

        for (guint i = 0; i < self->nodes->len; i++)
          {
            Node *to = &g_array_index (self->nodes, Node, i);

            if (i + 1 == sender && !echo)
              continue;
            append_flight_dot (snapshot, texture, cx + (to->x - cx) * k, cy + (to->y - cy) * k, px);
          }
      }
    }
  g_clear_pointer (&index, g_hash_table_unref);

  /* Over the dots: messages go into the server and come out of it. */
  append_dot (snapshot, &server, cx, cy, server_r);
  append_layout_at (snapshot, self->title_layout, &foreground, cx, cy, 0.5);

  append_layout_at (snapshot, self->counts_layout, &foreground, font_px, font_px * 1.2, 0);
  if (self->join_layout)
    append_layout_at (snapshot, self->join_layout, &foreground, w / 2, h - font_px * 1.1, 0.5);
}

void
dpx_presenter_view_set_relay (DpxPresenterView *self,
                              DpxRelay         *relay)
{
  g_return_if_fail (DPX_IS_PRESENTER_VIEW (self));
  g_return_if_fail (relay == NULL || DPX_IS_RELAY (relay));

  if (self->relay == relay)
    return;
  if (self->relay)
    g_signal_handlers_disconnect_by_data (self->relay, self);
  if (self->peers)
    g_signal_handlers_disconnect_by_data (self->peers, self);
  g_clear_object (&self->peers);
  g_set_object (&self->relay, relay);
  if (relay)
    {
      self->peers = dpx_paced_model_new (dpx_relay_get_peers (relay), PEERS_INTERVAL_MS);
      g_signal_connect_object (self->peers, "items-changed", G_CALLBACK (on_peers_changed), self, 0);
      g_signal_connect_object (relay, "message", G_CALLBACK (on_message), self, 0);
      /* The count at once; the ring at its pace. */
      g_signal_connect_object (relay, "notify::n-peers", G_CALLBACK (update_counts), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (relay, "notify::class-code", G_CALLBACK (on_relay_notify), self, 0);
      g_signal_connect_object (relay, "notify::running", G_CALLBACK (on_relay_notify), self, 0);
    }
  self->messages = 0;
  g_array_set_size (self->flights, 0);
  sync_nodes (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY]);
}

guint
dpx_presenter_view_get_n_flights (DpxPresenterView *self)
{
  g_return_val_if_fail (DPX_IS_PRESENTER_VIEW (self), 0);
  return self->flights->len;
}

GtkWidget *
dpx_presenter_view_new (DpxRelay *relay)
{
  return g_object_new (DPX_TYPE_PRESENTER_VIEW, "relay", relay, NULL);
}

static void
dpx_presenter_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = 320;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 1280 : 800;
}

static void
dpx_presenter_view_dispose (GObject *object)
{
  DpxPresenterView *self = DPX_PRESENTER_VIEW (object);

  if (self->tick_id)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->relay)
    g_signal_handlers_disconnect_by_data (self->relay, self);
  if (self->peers)
    g_signal_handlers_disconnect_by_data (self->peers, self);
  g_clear_object (&self->peers);
  g_clear_object (&self->relay);

  G_OBJECT_CLASS (dpx_presenter_view_parent_class)->dispose (object);
}

static void
dpx_presenter_view_finalize (GObject *object)
{
  DpxPresenterView *self = DPX_PRESENTER_VIEW (object);

  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->flights, g_array_unref);
  g_clear_object (&self->title_layout);
  g_clear_object (&self->counts_layout);
  g_clear_object (&self->join_layout);
  g_clear_object (&self->text_dot);
  g_clear_object (&self->binary_dot);
  g_clear_pointer (&self->counts_text, g_free);

  G_OBJECT_CLASS (dpx_presenter_view_parent_class)->finalize (object);
}

static void
dpx_presenter_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DpxPresenterView *self = DPX_PRESENTER_VIEW (object);

  switch (prop_id)
    {
    case PROP_RELAY:
      g_value_set_object (value, self->relay);
      break;
    case PROP_COUNTS_TEXT:
      g_value_set_string (value, self->counts_text);
      break;
    case PROP_N_FLIGHTS:
      g_value_set_uint (value, self->flights->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_presenter_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DpxPresenterView *self = DPX_PRESENTER_VIEW (object);

  switch (prop_id)
    {
    case PROP_RELAY:
      dpx_presenter_view_set_relay (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_presenter_view_class_init (DpxPresenterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = dpx_presenter_view_dispose;
  object_class->finalize = dpx_presenter_view_finalize;
  object_class->get_property = dpx_presenter_view_get_property;
  object_class->set_property = dpx_presenter_view_set_property;
  widget_class->snapshot = dpx_presenter_view_snapshot;
  widget_class->measure = dpx_presenter_view_measure;

  properties[PROP_RELAY] =
    g_param_spec_object ("relay", NULL, NULL, DPX_TYPE_RELAY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The counts drawn at the top, in words. */
  properties[PROP_COUNTS_TEXT] = g_param_spec_string ("counts-text", NULL, NULL, NULL, ro);
  /* Messages being drawn on their way now. */
  properties[PROP_N_FLIGHTS] = g_param_spec_uint ("n-flights", NULL, NULL, 0, MAX_FLIGHTS, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "presenterview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dpx_presenter_view_init (DpxPresenterView *self)
{
  self->nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  g_array_set_clear_func (self->nodes, (GDestroyNotify) node_clear);
  self->flights = g_array_new (FALSE, TRUE, sizeof (Flight));
  self->counts_text = g_strdup ("");
}
