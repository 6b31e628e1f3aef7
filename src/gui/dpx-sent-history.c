/* dpx-sent-history.c: the messages sent before, for Alt+Up and Alt+Down
 *
 * The newest HISTORY_MAX messages sent from the compose box, each with its
 * mode, and the draft that was being written when browsing started. The
 * same message sent twice in a row is kept once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Duplex-SentHistory"

#include "config.h"

#include "dpx-sent-history.h"

typedef struct {
  DpxComposeMode  mode;
  char           *text;
} HistoryItem;

struct _DpxSentHistory
{
  GArray *items;      /* HistoryItem, oldest first */
  char   *draft;      /* what was being written before browsing */
  guint   max_items;
  guint   position;   /* == items->len when not browsing */
};

static void
history_item_clear (gpointer data)
{
  HistoryItem *item = data;

  g_clear_pointer (&item->text, g_free);
}

DpxSentHistory *
dpx_sent_history_new (guint max_items)
{
  DpxSentHistory *self = g_new0 (DpxSentHistory, 1);

  g_return_val_if_fail (max_items > 0, NULL);

  self->items = g_array_new (FALSE, TRUE, sizeof (HistoryItem));
  g_array_set_clear_func (self->items, history_item_clear);
  self->max_items = max_items;
  return self;
}

void
dpx_sent_history_free (DpxSentHistory *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->draft, g_free);
  g_free (self);
}

void
dpx_sent_history_push (DpxSentHistory *self,
                          DpxComposeMode     mode,
                          const char        *text)
{
  HistoryItem item;

  g_return_if_fail (self != NULL);

  if (self->items->len > 0)
    {
      HistoryItem *last = &g_array_index (self->items, HistoryItem, self->items->len - 1);

      if (last->mode == mode && g_strcmp0 (last->text, text) == 0)
        {
          self->position = self->items->len;
          return;
        }
    }
  if (self->items->len >= self->max_items)
    g_array_remove_index (self->items, 0);
  item.mode = mode;
  item.text = g_strdup (text);
  g_array_append_val (self->items, item);
  self->position = self->items->len;
}

/* The text was edited: browsing starts again from the newest message. */
void
dpx_sent_history_rewind (DpxSentHistory *self)
{
  g_return_if_fail (self != NULL);
  self->position = self->items->len;
}

/**
 * dpx_sent_history_move:
 * @delta: -1 for the message sent before, 1 for the one after
 * @current: the text written now, kept as the draft when browsing starts
 * @mode: (out): the mode to show, unchanged when returning to the draft
 * @text: (out): the text to show, owned by the history
 *
 * Returns: whether there was somewhere to move to
 */
gboolean
dpx_sent_history_move (DpxSentHistory  *self,
                          int                 delta,
                          const char         *current,
                          DpxComposeMode     *mode,
                          const char        **text)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (mode != NULL && text != NULL, FALSE);

  if (delta == 0 || self->items->len == 0)
    return FALSE;
  if (delta < 0 && self->position == 0)
    return FALSE;
  if (delta > 0 && self->position >= self->items->len)
    return FALSE;

  if (self->position == self->items->len)
    {
      g_free (self->draft);
      self->draft = g_strdup (current);
    }

  if (delta < 0)
    self->position -= MIN (self->position, (guint) -delta);
  else
    self->position = MIN (self->items->len, self->position + (guint) delta);

  if (self->position == self->items->len)
    *text = self->draft ? self->draft : "";
  else
    {
      HistoryItem *item = &g_array_index (self->items, HistoryItem, self->position);

      *mode = item->mode;
      *text = item->text;
    }
  return TRUE;
}
