/* dpx-connection-options.c: everything one connection is opened with
 *
 * A value object with a property per option, so a tab, a profile or the
 * command line can each hold their own and the dialog can bind to them.
 * The property names are the settings keys, which hold the defaults a new
 * tab starts from.
 *
 * Over 600 lines: a getter and a setter for each of the eleven options,
 * each setter notifying only on a real change, as the dialog's bindings
 * need.
 *
 * Which headers are secret travels with the headers: the credentials
 * (dpx_secret_store_is_secret_header()) always are, and any other header
 * named in "secret-headers". A secret value is never made a default in the
 * settings; a profile keeps it in the keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-ConnectionOptions"

#include "config.h"

#include "dpx-client.h"
#include "dpx-connection-options.h"
#include "dpx-secret-store.h"

struct _DpxConnectionOptions
{
  GObject   parent_instance;

  char     *url;
  GVariant *request_headers;  /* a(ss), never NULL */
  GStrv     secret_headers;   /* lower case, beyond the credentials; never NULL */
  GStrv     subprotocols;     /* never NULL */
  char     *origin;           /* never NULL, "" for none */
  gboolean  permessage_deflate;
  gboolean  accept_invalid_certificates;
  guint     handshake_timeout;
  guint64   max_message_size;
  guint     keepalive_interval;
  gboolean  auto_reconnect;
};

enum {
  PROP_0,
  PROP_URL,
  PROP_REQUEST_HEADERS,
  PROP_SECRET_HEADERS,
  PROP_SUBPROTOCOLS,
  PROP_ORIGIN,
  PROP_PERMESSAGE_DEFLATE,
  PROP_ACCEPT_INVALID_CERTIFICATES,
  PROP_HANDSHAKE_TIMEOUT,
  PROP_MAX_MESSAGE_SIZE,
  PROP_KEEPALIVE_INTERVAL,
  PROP_AUTO_RECONNECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DpxConnectionOptions, dpx_connection_options, G_TYPE_OBJECT)

#define NOTIFY(self, prop) g_object_notify_by_pspec (G_OBJECT (self), properties[prop])

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
dpx_connection_options_finalize (GObject *object)
{
  DpxConnectionOptions *self = DPX_CONNECTION_OPTIONS (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->request_headers, g_variant_unref);
  g_clear_pointer (&self->secret_headers, g_strfreev);
  g_clear_pointer (&self->subprotocols, g_strfreev);
  g_clear_pointer (&self->origin, g_free);

  G_OBJECT_CLASS (dpx_connection_options_parent_class)->finalize (object);
}

static void
dpx_connection_options_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DpxConnectionOptions *self = DPX_CONNECTION_OPTIONS (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_REQUEST_HEADERS:
      g_value_set_variant (value, self->request_headers);
      break;
    case PROP_SECRET_HEADERS:
      g_value_set_boxed (value, self->secret_headers);
      break;
    case PROP_SUBPROTOCOLS:
      g_value_set_boxed (value, self->subprotocols);
      break;
    case PROP_ORIGIN:
      g_value_set_string (value, self->origin);
      break;
    case PROP_PERMESSAGE_DEFLATE:
      g_value_set_boolean (value, self->permessage_deflate);
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      g_value_set_boolean (value, self->accept_invalid_certificates);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, self->handshake_timeout);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64 (value, self->max_message_size);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;
    case PROP_AUTO_RECONNECT:
      g_value_set_boolean (value, self->auto_reconnect);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_connection_options_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  DpxConnectionOptions *self = DPX_CONNECTION_OPTIONS (object);

  switch (prop_id)
    {
    case PROP_URL:
      dpx_connection_options_set_url (self, g_value_get_string (value));
      break;
    case PROP_REQUEST_HEADERS:
      dpx_connection_options_set_request_headers (self, g_value_get_variant (value));
      break;
    case PROP_SECRET_HEADERS:
      dpx_connection_options_set_secret_headers (self, g_value_get_boxed (value));
      break;
    case PROP_SUBPROTOCOLS:
      dpx_connection_options_set_subprotocols (self, g_value_get_boxed (value));
      break;
    case PROP_ORIGIN:
      dpx_connection_options_set_origin (self, g_value_get_string (value));
      break;
    case PROP_PERMESSAGE_DEFLATE:
      dpx_connection_options_set_permessage_deflate (self, g_value_get_boolean (value));
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      dpx_connection_options_set_accept_invalid_certificates (self, g_value_get_boolean (value));
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      dpx_connection_options_set_handshake_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_MESSAGE_SIZE:
      dpx_connection_options_set_max_message_size (self, g_value_get_uint64 (value));
      break;
    case PROP_KEEPALIVE_INTERVAL:
      dpx_connection_options_set_keepalive_interval (self, g_value_get_uint (value));
      break;
    case PROP_AUTO_RECONNECT:
      dpx_connection_options_set_auto_reconnect (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_connection_options_class_init (DpxConnectionOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dpx_connection_options_finalize;
  object_class->get_property = dpx_connection_options_get_property;
  object_class->set_property = dpx_connection_options_set_property;

  /* The last URL connected to or typed for this connection, NULL if none. */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL, flags);
  /* Extra handshake headers, name and value pairs (a(ss)) in order. */
  properties[PROP_REQUEST_HEADERS] =
    g_param_spec_variant ("request-headers", NULL, NULL, G_VARIANT_TYPE ("a(ss)"), NULL, flags);
  /* Names of headers marked secret (in lower case), beyond Authorization,
   * Cookie and Proxy-Authorization, which always are. */
  properties[PROP_SECRET_HEADERS] =
    g_param_spec_boxed ("secret-headers", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_SUBPROTOCOLS] =
    g_param_spec_boxed ("subprotocols", NULL, NULL, G_TYPE_STRV, flags);
  /* Sent as the Origin header when not empty. */
  properties[PROP_ORIGIN] =
    g_param_spec_string ("origin", NULL, NULL, "", flags);
  properties[PROP_PERMESSAGE_DEFLATE] =
    g_param_spec_boolean ("permessage-deflate", NULL, NULL, FALSE, flags);
  properties[PROP_ACCEPT_INVALID_CERTIFICATES] =
    g_param_spec_boolean ("accept-invalid-certificates", NULL, NULL, FALSE, flags);
  /* Seconds, as the settings schema bounds them. */
  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_uint ("handshake-timeout", NULL, NULL, 1, 600,
                       DPX_CLIENT_DEFAULT_HANDSHAKE_TIMEOUT, flags);
  /* Bytes: the largest message accepted, over all fragments. */
  properties[PROP_MAX_MESSAGE_SIZE] =
    g_param_spec_uint64 ("max-message-size", NULL, NULL, 1024, 1024 * 1024 * 1024,
                         DPX_CLIENT_DEFAULT_MAX_MESSAGE_SIZE, flags);
  /* Seconds between keepalive pings, 0 for none. */
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL, 0, 3600, 0, flags);
  properties[PROP_AUTO_RECONNECT] =
    g_param_spec_boolean ("auto-reconnect", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_connection_options_init (DpxConnectionOptions *self)
{
  self->request_headers = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(ss)"),
                                                                   NULL, 0));
  self->secret_headers = g_new0 (char *, 1);
  self->subprotocols = g_new0 (char *, 1);
  self->origin = g_strdup ("");
  self->handshake_timeout = DPX_CLIENT_DEFAULT_HANDSHAKE_TIMEOUT;
  self->max_message_size = DPX_CLIENT_DEFAULT_MAX_MESSAGE_SIZE;
}

/**
 * dpx_connection_options_new:
 *
 * Options with the client's own defaults: no headers, no subprotocols, no
 * Origin, no deflate, certificates checked, no reconnects.
 */
DpxConnectionOptions *
dpx_connection_options_new (void)
{
  return g_object_new (DPX_TYPE_CONNECTION_OPTIONS, NULL);
}

/**
 * dpx_connection_options_new_from_settings:
 * @settings: the application's settings
 *
 * Options holding the defaults in @settings, without a URL.
 */
DpxConnectionOptions *
dpx_connection_options_new_from_settings (GSettings *settings)
{
  DpxConnectionOptions *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = dpx_connection_options_new ();
  dpx_connection_options_load_settings (self, settings);
  return self;
}

/**
 * dpx_connection_options_copy:
 *
 * Returns: (transfer full): new options equal to @self, URL included,
 * that change apart from it.
 */
DpxConnectionOptions *
dpx_connection_options_copy (DpxConnectionOptions *self)
{
  DpxConnectionOptions *copy;

  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);

  copy = dpx_connection_options_new ();
  copy->url = g_strdup (self->url);
  g_variant_unref (copy->request_headers);
  copy->request_headers = g_variant_ref (self->request_headers);
  g_strfreev (copy->secret_headers);
  copy->secret_headers = g_strdupv (self->secret_headers);
  g_strfreev (copy->subprotocols);
  copy->subprotocols = g_strdupv (self->subprotocols);
  g_free (copy->origin);
  copy->origin = g_strdup (self->origin);
  copy->permessage_deflate = self->permessage_deflate;
  copy->accept_invalid_certificates = self->accept_invalid_certificates;
  copy->handshake_timeout = self->handshake_timeout;
  copy->max_message_size = self->max_message_size;
  copy->keepalive_interval = self->keepalive_interval;
  copy->auto_reconnect = self->auto_reconnect;
  return copy;
}

/* Whether every option, the URL included, is the same in both. */
gboolean
dpx_connection_options_equal (DpxConnectionOptions *self,
                              DpxConnectionOptions *other)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), FALSE);
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (other), FALSE);

  return g_strcmp0 (self->url, other->url) == 0 &&
         g_variant_equal (self->request_headers, other->request_headers) &&
         g_strv_equal ((const char * const *) self->secret_headers,
                       (const char * const *) other->secret_headers) &&
         g_strv_equal ((const char * const *) self->subprotocols,
                       (const char * const *) other->subprotocols) &&
         g_str_equal (self->origin, other->origin) &&
         self->permessage_deflate == other->permessage_deflate &&
         self->accept_invalid_certificates == other->accept_invalid_certificates &&
         self->handshake_timeout == other->handshake_timeout &&
         self->max_message_size == other->max_message_size &&
         self->keepalive_interval == other->keepalive_interval &&
         self->auto_reconnect == other->auto_reconnect;
}

/**
 * dpx_connection_options_load_settings:
 * @settings: the application's settings
 *
 * Takes every option but the URL from the defaults in @settings.
 */
void
dpx_connection_options_load_settings (DpxConnectionOptions *self,
                                      GSettings            *settings)
{
  g_autoptr(GVariant) headers = NULL;
  g_auto(GStrv) protocols = NULL;
  g_autofree char *origin = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  headers = g_settings_get_value (settings, "request-headers");
  protocols = g_settings_get_strv (settings, "subprotocols");
  origin = g_settings_get_string (settings, "origin");

  g_object_freeze_notify (G_OBJECT (self));
  dpx_connection_options_set_request_headers (self, headers);
  dpx_connection_options_set_subprotocols (self, (const char * const *) protocols);
  dpx_connection_options_set_origin (self, origin);
  dpx_connection_options_set_permessage_deflate (self,
                                                 g_settings_get_boolean (settings,
                                                                         "permessage-deflate"));
  dpx_connection_options_set_accept_invalid_certificates (self,
                                                          g_settings_get_boolean (settings,
                                                                                  "accept-"
                                                                                  "invalid-"
                                                                                  "certificates"));
  dpx_connection_options_set_handshake_timeout (self,
                                                g_settings_get_uint (settings, "handshake-timeout"));
  dpx_connection_options_set_max_message_size (self,
                                               g_settings_get_uint64 (settings, "max-message-size"));
  dpx_connection_options_set_keepalive_interval (self,
                                                 g_settings_get_uint (settings,
                                                                      "keepalive-interval"));
  dpx_connection_options_set_auto_reconnect (self,
                                             g_settings_get_boolean (settings, "auto-reconnect"));
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * dpx_connection_options_save_settings:
 * @settings: the application's settings
 *
 * Makes every option but the URL and secret header values the default in
 * @settings, for the connections opened from now on.
 */
void
dpx_connection_options_save_settings (DpxConnectionOptions *self,
                                      GSettings            *settings)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  /* Secret values (Authorization, Cookie, ...) belong in the keyring with
   * a profile, never in the settings file: they are not made defaults. */
  {
    GVariantBuilder headers;
    GVariantIter iter;
    const char *name, *value;

    g_variant_builder_init (&headers, G_VARIANT_TYPE ("a(ss)"));
    g_variant_iter_init (&iter, self->request_headers);
    while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
      if (!dpx_connection_options_is_secret_header (self, name))
        g_variant_builder_add (&headers, "(ss)", name, value);
    /* Not g_settings_delay(): that would leave the caller's object delayed. */
    g_settings_set_value (settings, "request-headers", g_variant_builder_end (&headers));
  }
  g_settings_set_strv (settings, "subprotocols", (const char * const *) self->subprotocols);
  g_settings_set_string (settings, "origin", self->origin);
  g_settings_set_boolean (settings, "permessage-deflate", self->permessage_deflate);
  g_settings_set_boolean (settings, "accept-invalid-certificates",
                          self->accept_invalid_certificates);
  g_settings_set_uint (settings, "handshake-timeout", self->handshake_timeout);
  g_settings_set_uint64 (settings, "max-message-size", self->max_message_size);
  g_settings_set_uint (settings, "keepalive-interval", self->keepalive_interval);
  g_settings_set_boolean (settings, "auto-reconnect", self->auto_reconnect);
}

/**
 * dpx_connection_options_apply:
 * @client: a client about to connect
 *
 * Gives @client every option, and the URL when there is one. Fails, with
 * @client's headers cleared, when a header is not one HTTP allows.
 */
gboolean
dpx_connection_options_apply (DpxConnectionOptions  *self,
                              DpxClient             *client,
                              GError               **error)
{
  GVariantIter iter;
  const char *name, *value;

  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), FALSE);
  g_return_val_if_fail (DPX_IS_CLIENT (client), FALSE);

  dpx_client_clear_headers (client);
  g_variant_iter_init (&iter, self->request_headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    {
      /* A row the person has not filled in yet. */
      if (*name == '\0')
        continue;
      if (!dpx_client_add_header (client, name, value, error))
        {
          dpx_client_clear_headers (client);
          return FALSE;
        }
    }

  dpx_client_set_secret_headers (client, (const char * const *) self->secret_headers);
  if (self->url != NULL)
    dpx_client_set_url (client, self->url);
  dpx_client_set_protocols (client, (const char * const *) self->subprotocols);
  dpx_client_set_origin (client, self->origin);
  dpx_client_set_deflate (client, self->permessage_deflate);
  dpx_client_set_accept_invalid_certificates (client, self->accept_invalid_certificates);
  dpx_client_set_handshake_timeout (client, self->handshake_timeout);
  dpx_client_set_max_message_size (client, self->max_message_size);
  dpx_client_set_keepalive_interval (client, self->keepalive_interval);
  return TRUE;
}

const char *
dpx_connection_options_get_url (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);
  return self->url;
}

void
dpx_connection_options_set_url (DpxConnectionOptions *self,
                                const char           *url)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  if (set_str (&self->url, url))
    NOTIFY (self, PROP_URL);
}

/**
 * dpx_connection_options_get_request_headers:
 *
 * Returns: (transfer none): the extra headers, an `a(ss)` of names and values
 */
GVariant *
dpx_connection_options_get_request_headers (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);
  return self->request_headers;
}

/**
 * dpx_connection_options_set_request_headers:
 * @headers: (nullable): an `a(ss)` of names and values (a floating
 *   reference is taken), NULL for none
 */
void
dpx_connection_options_set_request_headers (DpxConnectionOptions *self,
                                            GVariant             *headers)
{
  g_autoptr(GVariant) sunk = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));
  g_return_if_fail (headers == NULL || g_variant_is_of_type (headers, G_VARIANT_TYPE ("a(ss)")));

  if (headers == NULL)
    headers = g_variant_new_array (G_VARIANT_TYPE ("(ss)"), NULL, 0);
  sunk = g_variant_ref_sink (headers);
  if (g_variant_equal (sunk, self->request_headers))
    return;
  g_variant_unref (self->request_headers);
  self->request_headers = g_steal_pointer (&sunk);
  NOTIFY (self, PROP_REQUEST_HEADERS);
}

/* Adds a header after the others, even when one of that name is there. */
void
dpx_connection_options_add_header (DpxConnectionOptions *self,
                                   const char           *name,
                                   const char           *value)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *n, *v;

  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  g_variant_iter_init (&iter, self->request_headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &n, &v))
    g_variant_builder_add (&builder, "(ss)", n, v);
  g_variant_builder_add (&builder, "(ss)", name, value);
  dpx_connection_options_set_request_headers (self, g_variant_builder_end (&builder));
}

/* The value of the first header named @name (in any case), or NULL. */
const char *
dpx_connection_options_lookup_header (DpxConnectionOptions *self,
                                      const char           *name)
{
  GVariantIter iter;
  const char *n, *v;

  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_variant_iter_init (&iter, self->request_headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &n, &v))
    if (g_ascii_strcasecmp (n, name) == 0)
      return v;
  return NULL;
}

/**
 * dpx_connection_options_get_subprotocols:
 *
 * Returns: (transfer none): the subprotocols offered, never NULL
 */
const char * const *
dpx_connection_options_get_subprotocols (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);
  return (const char * const *) self->subprotocols;
}

void
dpx_connection_options_set_subprotocols (DpxConnectionOptions *self,
                                         const char * const   *protocols)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  if (protocols == NULL)
    protocols = none;
  if (g_strv_equal (protocols, (const char * const *) self->subprotocols))
    return;
  g_strfreev (self->subprotocols);
  self->subprotocols = g_strdupv ((char **) protocols);
  NOTIFY (self, PROP_SUBPROTOCOLS);
}

const char *
dpx_connection_options_get_origin (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);
  return self->origin;
}

/* @origin: (nullable): NULL or "" for none */
void
dpx_connection_options_set_origin (DpxConnectionOptions *self,
                                   const char           *origin)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  if (set_str (&self->origin, origin ? origin : ""))
    NOTIFY (self, PROP_ORIGIN);
}

gboolean
dpx_connection_options_get_permessage_deflate (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), FALSE);
  return self->permessage_deflate;
}

void
dpx_connection_options_set_permessage_deflate (DpxConnectionOptions *self,
                                               gboolean              deflate)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  deflate = !!deflate;
  if (self->permessage_deflate == deflate)
    return;
  self->permessage_deflate = deflate;
  NOTIFY (self, PROP_PERMESSAGE_DEFLATE);
}

gboolean
dpx_connection_options_get_accept_invalid_certificates (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), FALSE);
  return self->accept_invalid_certificates;
}

void
dpx_connection_options_set_accept_invalid_certificates (DpxConnectionOptions *self,
                                                        gboolean              accept)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  accept = !!accept;
  if (self->accept_invalid_certificates == accept)
    return;
  self->accept_invalid_certificates = accept;
  NOTIFY (self, PROP_ACCEPT_INVALID_CERTIFICATES);
}

guint
dpx_connection_options_get_handshake_timeout (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), 0);
  return self->handshake_timeout;
}

void
dpx_connection_options_set_handshake_timeout (DpxConnectionOptions *self,
                                              guint                 seconds)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  seconds = CLAMP (seconds, 1, 600);
  if (self->handshake_timeout == seconds)
    return;
  self->handshake_timeout = seconds;
  NOTIFY (self, PROP_HANDSHAKE_TIMEOUT);
}

guint64
dpx_connection_options_get_max_message_size (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), 0);
  return self->max_message_size;
}

void
dpx_connection_options_set_max_message_size (DpxConnectionOptions *self,
                                             guint64               size)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  size = CLAMP (size, 1024, 1024 * 1024 * 1024);
  if (self->max_message_size == size)
    return;
  self->max_message_size = size;
  NOTIFY (self, PROP_MAX_MESSAGE_SIZE);
}

guint
dpx_connection_options_get_keepalive_interval (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), 0);
  return self->keepalive_interval;
}

void
dpx_connection_options_set_keepalive_interval (DpxConnectionOptions *self,
                                               guint                 seconds)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  seconds = MIN (seconds, 3600);
  if (self->keepalive_interval == seconds)
    return;
  self->keepalive_interval = seconds;
  NOTIFY (self, PROP_KEEPALIVE_INTERVAL);
}

gboolean
dpx_connection_options_get_auto_reconnect (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), FALSE);
  return self->auto_reconnect;
}

void
dpx_connection_options_set_auto_reconnect (DpxConnectionOptions *self,
                                           gboolean              reconnect)
{
  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  reconnect = !!reconnect;
  if (self->auto_reconnect == reconnect)
    return;
  self->auto_reconnect = reconnect;
  NOTIFY (self, PROP_AUTO_RECONNECT);
}

/**
 * dpx_connection_options_get_secret_headers:
 *
 * Returns: (transfer none): the headers marked secret, in lower case,
 *   beyond the credentials that always are
 */
const char * const *
dpx_connection_options_get_secret_headers (DpxConnectionOptions *self)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), NULL);
  return (const char * const *) self->secret_headers;
}

/* Kept in lower case, each name once, in the order given. */
void
dpx_connection_options_set_secret_headers (DpxConnectionOptions *self,
                                           const char * const   *names)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) marked = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));

  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *key = g_ascii_strdown (names[i], -1);

      g_strstrip (key);
      if (*key == '\0' || dpx_secret_store_is_secret_header (key) || g_hash_table_contains (seen, key))
        continue;
      g_strv_builder_add (builder, key);
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
  marked = g_strv_builder_end (builder);
  if (g_strv_equal ((const char * const *) marked, (const char * const *) self->secret_headers))
    return;
  g_strfreev (self->secret_headers);
  self->secret_headers = g_steal_pointer (&marked);
  NOTIFY (self, PROP_SECRET_HEADERS);
}

/**
 * dpx_connection_options_is_secret_header:
 *
 * Whether the value of the header @name is a secret: Authorization,
 * Cookie and Proxy-Authorization always, any other header when marked.
 */
gboolean
dpx_connection_options_is_secret_header (DpxConnectionOptions *self,
                                         const char           *name)
{
  g_return_val_if_fail (DPX_IS_CONNECTION_OPTIONS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (dpx_secret_store_is_secret_header (name))
    return TRUE;
  for (guint i = 0; self->secret_headers[i]; i++)
    if (g_ascii_strcasecmp (self->secret_headers[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* Marks a header secret or not; the credential headers always are. */
void
dpx_connection_options_set_header_secret (DpxConnectionOptions *self,
                                          const char           *name,
                                          gboolean              secret)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  g_return_if_fail (DPX_IS_CONNECTION_OPTIONS (self));
  g_return_if_fail (name != NULL);

  for (guint i = 0; self->secret_headers[i]; i++)
    if (g_ascii_strcasecmp (self->secret_headers[i], name) != 0)
      g_strv_builder_add (builder, self->secret_headers[i]);
  if (secret)
    g_strv_builder_add (builder, name);
  names = g_strv_builder_end (builder);
  dpx_connection_options_set_secret_headers (self, (const char * const *) names);
}
