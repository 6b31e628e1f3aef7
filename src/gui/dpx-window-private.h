/* dpx-window-private.h: what dpx-window.c and dpx-window-actions.c share
 *
 * The window is one class in four files: dpx-window.c holds the window
 * (its tabs, each a DpxConnectionPage, settings and properties),
 * dpx-window-actions.c its actions, keyboard shortcuts, and the log's
 * import and export, dpx-window-server.c the local broadcast server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dpx-connection-page.h"
#include "dpx-mock.h"
#include "dpx-replay-bar.h"
#include "dpx-url-entry.h"
#include "dpx-window.h"

G_BEGIN_DECLS

struct _DpxWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkSwitch            *server_switch;
  GtkRevealer          *server_revealer;
  DpxServerPanel       *server_panel;
  AdwTabBar            *tab_bar;
  AdwTabView           *tab_view;

  /* owned */
  GSettings            *settings;
  DpxLog               *server_log;  /* the local server's own events */
  DpxRelay             *relay;
  GCancellable         *chooser;       /* the open file chooser's */
  DpxMock              *mock;
  DpxMockRules         *mock_rules;     /* made when first needed */
  DpxSession           *mock_session;   /* where the mock's events are logged */

  /* borrowed */
  DpxConnectionPage    *current;            /* the selected tab's page */
  GtkWidget            *connection_dialog;  /* the open connection settings, one at a time */
  char                 *last_toast;
  AdwToast             *last_toast_object;
  GPtrArray            *cleared;          /* what Clear took, until undone or forgotten */
  guint64               cleared_dropped;
  DpxConnectionPage    *cleared_page;     /* weak: whose log it was */
  AdwToast             *undo_toast;       /* borrowed: the toast offering to undo it */
  gboolean              close_confirmed;  /* the user chose to close with clients connected */
  gboolean              show_secrets;     /* every tab's log shows secret header values */

  guint                 n_toasts;
  gboolean              switching_server;
};

/* dpx-window-actions.c */
void dpx_window_class_add_actions   (GtkWidgetClass *widget_class);
void dpx_window_actions_dispose     (DpxWindow      *self);
void dpx_window_watch_clear         (DpxWindow         *self,
                                     DpxConnectionPage *page);

/* dpx-window-replay.c */
void dpx_window_class_add_replay_actions (GtkWidgetClass *widget_class);
void dpx_window_replay_dispose           (DpxWindow      *self);
void dpx_window_update_replay_actions    (DpxWindow      *self);

/* dpx-window-server.c */
void dpx_window_watch_server        (DpxWindow      *self);
void dpx_window_restart_server      (DpxWindow      *self);
void dpx_window_on_server_switch    (DpxWindow      *self);
GtkWindow *dpx_window_open_presenter (DpxWindow     *self);

/* dpx-window.c */
void dpx_window_toggle_connection   (DpxWindow      *self);
void dpx_window_close_current_tab   (DpxWindow      *self);
DpxConnectionPage *dpx_window_page_of (AdwTabPage   *tab);
void dpx_window_show_lasting_toast  (DpxWindow      *self,
                                     const char     *text);

G_END_DECLS
