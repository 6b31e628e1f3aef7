/* dpx-saved-message.c: a message kept in a profile, to send again
 *
 * Immutable, as log entries are: editing one replaces it. Text and JSON
 * keep the text as written, variables unexpanded (they are expanded when
 * it is sent); binary keeps the bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-SavedMessage"

#include "config.h"

#include <string.h>

#include "dpx-enums.h"
#include "dpx-saved-message.h"

struct _DpxSavedMessage
{
  GObject         parent_instance;

  char           *name;
  DpxMessageMode  mode;
  char           *text;     /* text and JSON; NULL for binary */
  GBytes         *payload;  /* the bytes that go out, for every mode */
};

G_DEFINE_FINAL_TYPE (DpxSavedMessage, dpx_saved_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_MODE,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dpx_saved_message_finalize (GObject *object)
{
  DpxSavedMessage *self = DPX_SAVED_MESSAGE (object);

  g_free (self->name);
  g_free (self->text);
  g_clear_pointer (&self->payload, g_bytes_unref);

  G_OBJECT_CLASS (dpx_saved_message_parent_class)->finalize (object);
}

static void
dpx_saved_message_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DpxSavedMessage *self = DPX_SAVED_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dpx_saved_message_class_init (DpxSavedMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dpx_saved_message_finalize;
  object_class->get_property = dpx_saved_message_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, DPX_TYPE_MESSAGE_MODE, DPX_MESSAGE_MODE_TEXT,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dpx_saved_message_init (DpxSavedMessage *self)
{
}

/**
 * dpx_saved_message_new_text:
 * @mode: %DPX_MESSAGE_MODE_TEXT or %DPX_MESSAGE_MODE_JSON
 * @text: valid UTF-8
 */
DpxSavedMessage *
dpx_saved_message_new_text (const char     *name,
                            DpxMessageMode  mode,
                            const char     *text)
{
  DpxSavedMessage *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (mode != DPX_MESSAGE_MODE_BINARY, NULL);
  g_return_val_if_fail (text != NULL && g_utf8_validate (text, -1, NULL), NULL);

  self = g_object_new (DPX_TYPE_SAVED_MESSAGE, NULL);
  self->name = g_strdup (name);
  self->mode = mode;
  self->text = g_strdup (text);
  self->payload = g_bytes_new (text, strlen (text));
  return self;
}

DpxSavedMessage *
dpx_saved_message_new_binary (const char *name,
                              GBytes     *payload)
{
  DpxSavedMessage *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  self = g_object_new (DPX_TYPE_SAVED_MESSAGE, NULL);
  self->name = g_strdup (name);
  self->mode = DPX_MESSAGE_MODE_BINARY;
  self->payload = g_bytes_ref (payload);
  return self;
}

/**
 * dpx_saved_message_with_name:
 *
 * Returns: (transfer full): a copy of @self under another name
 */
DpxSavedMessage *
dpx_saved_message_with_name (DpxSavedMessage *self,
                             const char      *name)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGE (self), NULL);

  if (self->mode == DPX_MESSAGE_MODE_BINARY)
    return dpx_saved_message_new_binary (name, self->payload);
  return dpx_saved_message_new_text (name, self->mode, self->text);
}

const char *
dpx_saved_message_get_name (DpxSavedMessage *self)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGE (self), NULL);
  return self->name;
}

DpxMessageMode
dpx_saved_message_get_mode (DpxSavedMessage *self)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGE (self), DPX_MESSAGE_MODE_TEXT);
  return self->mode;
}

/**
 * dpx_saved_message_get_text:
 *
 * Returns: (nullable): the text as written, %NULL for a binary message
 */
const char *
dpx_saved_message_get_text (DpxSavedMessage *self)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGE (self), NULL);
  return self->text;
}

/**
 * dpx_saved_message_get_payload:
 *
 * Returns: (transfer none): the bytes (for text, unexpanded)
 */
GBytes *
dpx_saved_message_get_payload (DpxSavedMessage *self)
{
  g_return_val_if_fail (DPX_IS_SAVED_MESSAGE (self), NULL);
  return self->payload;
}
