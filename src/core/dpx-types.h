/* dpx-types.h: forward declarations and enums shared by the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _DpxClient    DpxClient;
typedef struct _DpxLog       DpxLog;
typedef struct _DpxLogEntry  DpxLogEntry;
typedef struct _DpxRelay     DpxRelay;
typedef struct _DpxRelayPeer DpxRelayPeer;

typedef enum {
  DPX_CONNECTION_STATE_DISCONNECTED,
  DPX_CONNECTION_STATE_CONNECTING,
  DPX_CONNECTION_STATE_OPEN,
  DPX_CONNECTION_STATE_CLOSING,
  DPX_CONNECTION_STATE_CLOSED,
} DpxConnectionState;

typedef enum {
  DPX_DIRECTION_SENT,
  DPX_DIRECTION_RECEIVED,
  DPX_DIRECTION_EVENT,
} DpxDirection;

typedef enum {
  DPX_ENTRY_KIND_TEXT,
  DPX_ENTRY_KIND_BINARY,
  DPX_ENTRY_KIND_OPEN,
  DPX_ENTRY_KIND_CLOSE,
  DPX_ENTRY_KIND_ERROR,
  DPX_ENTRY_KIND_INFO,
  DPX_ENTRY_KIND_PING,
  DPX_ENTRY_KIND_PONG,
} DpxEntryKind;

/* How a saved message is written and sent: text, text that must be JSON,
 * or bytes. */
typedef enum {
  DPX_MESSAGE_MODE_TEXT,
  DPX_MESSAGE_MODE_JSON,
  DPX_MESSAGE_MODE_BINARY,
} DpxMessageMode;

/* Close codes the relay sends on its own, documented in README.md. */
#define DPX_CLOSE_GOING_AWAY     1001
#define DPX_CLOSE_INVALID_DATA   1007
#define DPX_CLOSE_POLICY         1008
#define DPX_CLOSE_TOO_BIG        1009
#define DPX_CLOSE_SLOW_CONSUMER  4008

G_END_DECLS
