// A client of the drillroom.v1 websocket protocol (docs/protocol.md) for
// one session: it connects, says hello back with the last sequence number
// it has, checks that events arrive without a gap (and reconnects when one
// does not), asks for a resync snapshot on demand, keeps commands with
// their ids until the server acknowledges or rejects them (across reloads
// of the page, in sessionStorage) and retries those the server could not
// take, and pings to notice a dead connection. It touches no page: the
// trainee's console and a trainer's monitor give it callbacks.

const pingEvery = 15000, pongWithin = 8000, maxBackoff = 10000;

// openSession returns a client for the session; it connects on open().
//
//   onHello(msg)            the server's hello, before we resume
//   onEvent(ev, live)       one event of the log, in order; live: it happened while connected
//   onResync(msg)           a snapshot replaces everything shown
//   onReject(msg, label)    a command was refused (label: the one given to command, if known)
//   onEnded()               the call has ended
//   onServerError(msg)      the server reports a protocol error
//   lastSeq                 the last seq the page already has (default 0)
//   onStatus(state, detail) connecting, connected, reconnecting, busy, disconnected,
//                           refused (closed by the server; detail: why), signed-out
export function openSession(opts) {
  const noop = () => {};
  const on = {
    hello: opts.onHello || noop, event: opts.onEvent || noop, resync: opts.onResync || noop,
    reject: opts.onReject || noop, ended: opts.onEnded || noop, serverError: opts.onServerError || noop,
    status: opts.onStatus || noop,
  };
  const sessionId = opts.sessionId;
  const url = opts.url || (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host +
    "/ws/sessions/" + encodeURIComponent(sessionId);

  // highest seq applied; a monitor that fetched the history over HTTP
  // (GET /api/sessions/{id}/events) starts from the last seq it has.
  let lastSeq = opts.lastSeq || 0;
  let liveFrom = 0;      // events above this seq happened after we connected
  let ws = null, resumed = false, backoff = 250, reconnectTimer = null;
  let pingTimer = null, pongTimer = null, closedForGood = false;
  let wantResync = false; // ask for a snapshot on the next connection

  // Commands awaiting an ack or reject survive a reload of the page:
  // sessionStorage keeps them per tab, and the server applies an id once.
  const pendingKey = "drillroom:pending:" + sessionId;
  let pending = {};
  try { pending = JSON.parse(sessionStorage.getItem(pendingKey) || "{}") || {}; } catch (e) { pending = {}; }
  function savePending() {
    try { sessionStorage.setItem(pendingKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }

  const idPrefix = (() => {
    const b = new Uint8Array(6);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, (x) => ("0" + x.toString(16)).slice(-2)).join("");
  })();
  let idCounter = 0;

  function connect() {
    clearTimeout(reconnectTimer);
    resumed = false;
    try {
      ws = new WebSocket(url, "drillroom.v1");
    } catch (e) {
      scheduleReconnect(false);
      return;
    }
    on.status("connecting");
    ws.onmessage = (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      onMessage(msg);
    };
    ws.onclose = (e) => {
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      ws = null;
      if (closedForGood) return;
      switch (e.code) {
        case 1000:
          on.status("disconnected");
          return;
        case 1008:
        case 1009:
          on.status("refused", e.reason || String(e.code));
          return;
        case 4001:
          on.status("signed-out");
          return;
        case 4008:
          scheduleReconnect(true);
          return;
      }
      scheduleReconnect(false);
    };
  }

  function scheduleReconnect(now) {
    on.status("reconnecting");
    const wait = now ? 0 : backoff * (0.5 + Math.random());
    backoff = Math.min(backoff * 2, maxBackoff);
    reconnectTimer = setTimeout(connect, wait);
  }

  function send(obj) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj));
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "hello":
        backoff = 250;
        liveFrom = msg.last_seq || 0;
        on.hello(msg);
        if (wantResync) {
          wantResync = false;
          send({ type: "resume", last_seq: lastSeq, resync: true });
        } else {
          send({ type: "resume", last_seq: lastSeq });
        }
        resumed = true;
        Object.keys(pending).forEach((id) => send({ type: "command", id: id, action: pending[id].action }));
        on.status("connected");
        clearInterval(pingTimer);
        pingTimer = setInterval(ping, pingEvery);
        break;
      case "event":
        if (msg.seq <= lastSeq) return; // already have it (from an earlier connection)
        if (msg.prev !== lastSeq) {
          // A gap: never paper over it. Reconnect and resume from what we have.
          if (ws) ws.close(4000, "gap");
          return;
        }
        lastSeq = msg.seq;
        on.event(msg.event, msg.seq > liveFrom);
        break;
      case "ack":
        delete pending[msg.id];
        savePending();
        on.status("connected");
        break;
      case "reject": {
        if ((msg.code === "rate_limited" || msg.code === "unavailable") && pending[msg.id]) {
          // Nothing was applied: send the same id again a little later.
          const id = msg.id, retry = pending[id];
          retry.tries = (retry.tries || 0) + 1;
          savePending();
          if (msg.code === "unavailable") on.status("busy");
          setTimeout(() => {
            if (pending[id] && resumed) send({ type: "command", id: id, action: pending[id].action });
          }, Math.min(500 * Math.pow(2, retry.tries), 8000));
          break;
        }
        const p = pending[msg.id];
        delete pending[msg.id];
        savePending();
        on.reject(msg, p ? p.label : null);
        break;
      }
      case "resync":
        on.resync(msg);
        lastSeq = msg.last_seq || lastSeq;
        break;
      case "ended":
        on.ended();
        break;
      case "error":
        on.serverError(msg);
        break;
      case "pong":
        clearTimeout(pongTimer);
        break;
    }
  }

  function ping() {
    send({ type: "ping" });
    clearTimeout(pongTimer);
    pongTimer = setTimeout(() => { if (ws) ws.close(4000, "no pong"); }, pongWithin);
  }

  return {
    open: connect,

    // command sends an action under a fresh id and keeps it until the
    // server answers; label names it in a refusal. It returns the id.
    command(action, label) {
      const id = "c-" + idPrefix + "-" + (++idCounter);
      pending[id] = { action: action, label: label };
      savePending();
      if (resumed) send({ type: "command", id: id, action: action });
      return id;
    },

    // resync asks the server for a snapshot, over a fresh connection.
    resync() {
      wantResync = true;
      if (ws) ws.close(4000, "resync"); else connect();
    },

    // close ends the connection for good (the page is going away).
    close() {
      closedForGood = true;
      if (ws) ws.close(1000);
    },
  };
}
