/* dpx-window-private.h: what dpx-window.c and dpx-window-actions.c share
 *
 * The window is one class in three files: dpx-window.c holds the window
 * (the connection's state, settings and properties),
 * dpx-window-actions.c its actions, keyboard shortcuts, and the log's
 * import and export, dpx-window-server.c the local broadcast server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

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
  DpxUrlEntry          *url_entry;
  GtkLabel             *state_label;
  GtkButton            *connect_button;
  GtkSpinner           *connect_spinner;
  GtkLabel             *connect_label;
  GtkRevealer          *tls_revealer;
  GtkRevealer          *server_revealer;
  DpxServerPanel       *server_panel;
  GtkPaned             *main_paned;
  DpxLogView           *log_view;
  DpxCompose           *compose;
  DpxReplayBar         *replay_bar;

  /* owned */
  GSettings            *settings;
  DpxLog               *log;
  DpxLog               *server_log;  /* the local server's own events */
  DpxSession           *session;
  DpxRelay             *relay;
#if GTK_CHECK_VERSION (4, 10, 0)
  GCancellable         *chooser;       /* the open GtkFileDialog's */
#else
  GtkFileChooserNative *chooser;
#endif
  DpxReplay            *replay;
  DpxMock              *mock;
  DpxMockRules         *mock_rules;     /* made when first needed */

  /* borrowed: the open connection settings, one at a time */
  GtkWidget            *connection_dialog;
  char                 *last_toast;
  char                 *state_text;
  AdwToast             *last_toast_object;
  GPtrArray            *cleared;          /* what Clear took, until undone or forgotten */
  guint64               cleared_dropped;
  AdwToast             *undo_toast;       /* borrowed: the toast offering to undo it */
  gboolean              close_confirmed;  /* the user chose to close with clients connected */

  guint                 rate_source;
  guint                 n_toasts;
  guint64               last_in;
  guint64               last_out;
  gboolean              switching_server;
};

/* dpx-window-actions.c */
void dpx_window_class_add_actions   (GtkWidgetClass *widget_class);
void dpx_window_actions_dispose     (DpxWindow      *self);
void dpx_window_watch_clear         (DpxWindow      *self);

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
void dpx_window_show_lasting_toast  (DpxWindow      *self,
                                     const char     *text);

G_END_DECLS
