/* dpx-sent-history.h: the messages sent before, for Alt+Up and Alt+Down
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dpx-gui-types.h"

G_BEGIN_DECLS

typedef struct _DpxSentHistory DpxSentHistory;

DpxSentHistory *dpx_sent_history_new      (guint               max_items);
void               dpx_sent_history_free     (DpxSentHistory  *self);
void               dpx_sent_history_push     (DpxSentHistory  *self,
                                                 DpxComposeMode      mode,
                                                 const char         *text);
void               dpx_sent_history_rewind   (DpxSentHistory  *self);
gboolean           dpx_sent_history_move     (DpxSentHistory  *self,
                                                 int                 delta,
                                                 const char         *current,
                                                 DpxComposeMode     *mode,
                                                 const char        **text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpxSentHistory, dpx_sent_history_free)

G_END_DECLS
