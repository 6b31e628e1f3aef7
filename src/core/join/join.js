// join.js: the class page served by the Duplex relay.
//
// Plain script, no build step, no network access but the relay's own. What
// other people send is only ever put on the page with textContent: it can
// never become markup or script. The protocol is in docs/CLASSROOM.md.
"use strict";

(function () {
  const PROTOCOL = "duplex.classroom.v1";
  const MAX_SHOWN = 500;          // older messages leave the page
  const MAX_HEX_BYTES = 512;      // of a binary message, shown as hex
  const RECONNECT_MAX_MS = 15000;
  // Closes after which the page reconnects by itself: the relay restarting,
  // the network dropping, a slow phone evicted. A teacher's own close
  // (any other code) is final until the student joins again.
  const RETRY_CODES = new Set([1001, 1006, 1011, 1012, 1013, 1014, 4008]);

  const STRINGS = {
    en: {
      title: "Duplex class",
      lead: "Every message anyone here sends reaches everyone, you included.",
      nickname: "Your nickname",
      nicknamePlaceholder: "For example, Anna",
      code: "Class code",
      codePlaceholder: "On the teacher’s screen",
      join: "Join",
      leave: "Leave",
      empty: "No messages yet. Say hello!",
      messages: "Messages",
      message: "Message",
      messagePlaceholder: "Write a message; Enter sends it",
      send: "Send",
      raw: "Other WebSocket clients connect to",
      offline: "Not connected",
      connecting: "Connecting…",
      online: "Connected",
      refused: "Refused",
      reconnecting: "Reconnecting in {0} s…",
      needName: "Choose a nickname first.",
      needCode: "This class needs its class code: ask the teacher.",
      unreachable: "The class server cannot be reached. Is it still running?",
      you: "You: {0}",
      clients: (n) => n === 1 ? "1 person here" : `${n} people here`,
      binary: (n) => n === 1 ? "binary, 1 byte" : `binary, ${n} bytes`,
      more: (n) => `… and ${n} more bytes`,
      muted: "The teacher muted you: your messages are not sent to anyone.",
      unmuted: "The teacher unmuted you.",
      closed: "Disconnected by the server ({0}): {1}",
      closedNoReason: "Disconnected by the server ({0}).",
      cleared: "The teacher cleared the page.",
      notSent: "Not connected: the message was not sent.",
      someone: "Client {0}",
    },
    ru: {
      title: "Класс Duplex",
      lead: "Каждое сообщение здесь получают все, и вы тоже.",
      nickname: "Ваше имя",
      nicknamePlaceholder: "Например, Анна",
      code: "Код класса",
      codePlaceholder: "На экране учителя",
      join: "Войти",
      leave: "Выйти",
      empty: "Сообщений пока нет. Поздоровайтесь!",
      messages: "Сообщения",
      message: "Сообщение",
      messagePlaceholder: "Напишите сообщение; Enter отправляет",
      send: "Отправить",
      raw: "Другие клиенты WebSocket подключаются к",
      offline: "Нет соединения",
      connecting: "Подключение…",
      online: "Подключено",
      refused: "Отказано",
      reconnecting: "Повторное подключение через {0} с…",
      needName: "Сначала выберите имя.",
      needCode: "Для этого класса нужен код: спросите учителя.",
      unreachable: "Сервер класса недоступен. Он ещё работает?",
      you: "Вы: {0}",
      clients: (n) => `Здесь ${n} ${plural(n, "человек", "человека", "человек")}`,
      binary: (n) => `двоичное, ${n} ${plural(n, "байт", "байта", "байт")}`,
      more: (n) => `… и ещё ${n} ${plural(n, "байт", "байта", "байт")}`,
      muted: "Учитель отключил вам отправку: ваши сообщения никто не получает.",
      unmuted: "Учитель снова разрешил вам отправлять сообщения.",
      closed: "Сервер отключил вас ({0}): {1}",
      closedNoReason: "Сервер отключил вас ({0}).",
      cleared: "Учитель очистил страницу.",
      notSent: "Нет соединения: сообщение не отправлено.",
      someone: "Клиент {0}",
    },
  };

  function plural(n, one, few, many) {
    const ten = n % 10, hundred = n % 100;
    if (ten === 1 && hundred !== 11)
      return one;
    if (ten >= 2 && ten <= 4 && (hundred < 12 || hundred > 14))
      return few;
    return many;
  }

  function pickLanguage() {
    const wanted = navigator.languages && navigator.languages.length
      ? navigator.languages : [navigator.language || "en"];
    for (const tag of wanted) {
      const lang = String(tag).toLowerCase().split("-")[0];
      if (lang in STRINGS)
        return lang;
    }
    return "en";
  }

  const lang = pickLanguage();
  const strings = STRINGS[lang];

  function t(key, ...args) {
    const value = strings[key];
    if (typeof value === "function")
      return value(...args);
    return value.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
  }

  const $ = (id) => document.getElementById(id);
  const el = {
    state: $("state"), joinForm: $("join-form"), nick: $("nick"), codeRow: $("code-row"),
    code: $("code"), joinError: $("join-error"), join: $("join"), room: $("room"),
    me: $("me"), count: $("count"), leave: $("leave"), notice: $("notice"), empty: $("empty"),
    messages: $("messages"), compose: $("compose"), text: $("text"), send: $("send"),
    rawUrl: $("raw-url"),
  };

  const wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/";

  let socket = null;
  let myId = 0;
  let myName = "";
  let echo = true;
  let joined = false;          // the student wants to be in the room
  let attempt = 0;
  let retryTimer = 0;
  let countdownTimer = 0;

  function translatePage() {
    document.documentElement.lang = lang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]"))
      node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]"))
      node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-label]"))
      node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    el.rawUrl.textContent = wsBase;
  }

  function setState(state, text) {
    el.state.dataset.state = state;
    el.state.textContent = text || t(state);
    document.body.dataset.state = state;
  }

  function showNotice(text) {
    el.notice.textContent = text;
    el.notice.hidden = !text;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function formatTime(ms) {
    const d = new Date(ms);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function hexOf(base64) {
    const raw = atob(base64);
    const shown = Math.min(raw.length, MAX_HEX_BYTES);
    const parts = new Array(shown);
    for (let i = 0; i < shown; i++)
      parts[i] = raw.charCodeAt(i).toString(16).padStart(2, "0");
    return { hex: parts.join(" "), length: raw.length, rest: raw.length - shown };
  }

  function nearBottom() {
    const list = el.messages;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function addMessage(message) {
    const stick = nearBottom();
    const item = document.createElement("li");
    const head = document.createElement("div");
    const who = document.createElement("span");
    const when = document.createElement("time");

    item.className = "msg";
    if (message.id === myId)
      item.classList.add("mine");
    who.className = "who";
    who.textContent = message.from || t("someone", message.id);
    when.className = "when";
    when.dateTime = new Date(message.time).toISOString();
    when.textContent = formatTime(message.time);
    head.append(who, when);
    item.append(head);

    if (typeof message.text === "string") {
      const body = document.createElement("div");
      body.className = "text";
      body.textContent = message.text;
      item.append(body);
    } else if (typeof message.binary === "string") {
      const info = hexOf(message.binary);
      const kind = document.createElement("div");
      const body = document.createElement("div");
      kind.className = "kind";
      kind.textContent = t("binary", info.length);
      body.className = "hex";
      body.textContent = info.hex + (info.rest > 0 ? " " + t("more", info.rest) : "");
      item.append(kind, body);
    }

    el.messages.append(item);
    while (el.messages.childElementCount > MAX_SHOWN)
      el.messages.firstElementChild.remove();
    el.empty.hidden = true;
    if (stick)
      el.messages.scrollTop = el.messages.scrollHeight;
  }

  function clearMessages() {
    el.messages.replaceChildren();
    el.empty.hidden = false;
  }

  function onEnvelope(event) {
    if (typeof event.data !== "string")
      return;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (data === null || typeof data !== "object")
      return;
    switch (data.type) {
    case "welcome":
      myId = data.id;
      myName = data.name;
      echo = data.echo !== false;
      el.me.textContent = t("you", myName);
      el.count.textContent = t("clients", data.clients);
      break;
    case "clients":
      el.count.textContent = t("clients", data.clients);
      break;
    case "settings":
      echo = data.echo !== false;
      break;
    case "message":
      addMessage(data);
      break;
    case "muted":
      showNotice(data.muted ? t("muted") : t("unmuted"));
      break;
    case "clear":
      clearMessages();
      showNotice(t("cleared"));
      break;
    default:
      break;
    }
  }

  function stopTimers() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    retryTimer = countdownTimer = 0;
  }

  function scheduleReconnect() {
    const delay = Math.min(RECONNECT_MAX_MS, 1000 * 2 ** Math.min(attempt, 4));
    let left = Math.ceil(delay / 1000);

    attempt++;
    setState("connecting", t("reconnecting", left));
    countdownTimer = setInterval(() => {
      left = Math.max(0, left - 1);
      setState("connecting", t("reconnecting", left));
    }, 1000);
    retryTimer = setTimeout(() => {
      stopTimers();
      connect();
    }, delay);
  }

  function refuse(text) {
    joined = false;
    stopTimers();
    setState("refused");
    el.room.hidden = true;
    el.joinForm.hidden = false;
    el.join.disabled = false;
    el.joinError.textContent = text;
  }

  // Asks the relay first, in plain HTTP, whether the code is right: a
  // browser's WebSocket cannot read why a handshake was refused.
  async function checkCode(code) {
    const url = "/join/check" + (code ? "?code=" + encodeURIComponent(code) : "");
    const response = await fetch(url, { cache: "no-store" });
    if (response.status === 403) {
      el.codeRow.hidden = false;
      return { ok: false, reason: t("needCode") };
    }
    return { ok: response.ok, reason: response.ok ? "" : t("unreachable") };
  }

  async function connect() {
    const name = el.nick.value.trim();
    const code = el.code.value.trim();

    setState("connecting");
    try {
      const check = await checkCode(code);
      if (!check.ok) {
        if (el.codeRow.hidden === false && !el.joinForm.hidden)
          el.code.focus();
        refuse(check.reason);
        return;
      }
    } catch (e) {
      if (joined)
        scheduleReconnect();
      else
        refuse(t("unreachable"));
      return;
    }
    if (!joined)
      return;

    const query = new URLSearchParams({ name });
    if (code)
      query.set("code", code);
    socket = new WebSocket(wsBase + "?" + query.toString(), PROTOCOL);
    const current = socket;

    current.onopen = () => {
      attempt = 0;
      setState("online");
      showNotice("");
      el.joinForm.hidden = true;
      el.room.hidden = false;
      el.join.disabled = false;
      el.text.focus();
    };
    current.onmessage = onEnvelope;
    current.onclose = (event) => {
      if (socket !== current)
        return;
      socket = null;
      if (!joined) {
        setState("offline");
        return;
      }
      if (RETRY_CODES.has(event.code)) {
        scheduleReconnect();
        return;
      }
      joined = false;
      setState("offline");
      el.room.hidden = true;
      el.joinForm.hidden = false;
      el.join.disabled = false;
      el.joinError.textContent = event.reason
        ? t("closed", event.code, event.reason) : t("closedNoReason", event.code);
    };
  }

  function join(event) {
    event.preventDefault();
    const name = el.nick.value.trim();
    if (!name) {
      el.joinError.textContent = t("needName");
      el.nick.focus();
      return;
    }
    try {
      localStorage.setItem("duplex-nick", name);
    } catch (e) {
      // Private windows may refuse storage: the name is simply not kept.
    }
    el.joinError.textContent = "";
    el.join.disabled = true;
    joined = true;
    attempt = 0;
    stopTimers();
    connect();
  }

  function leave() {
    joined = false;
    stopTimers();
    if (socket)
      socket.close(1000, "Left the class");
    socket = null;
    setState("offline");
    el.room.hidden = true;
    el.joinForm.hidden = false;
    el.join.disabled = false;
    el.nick.focus();
  }

  function send(event) {
    event.preventDefault();
    const text = el.text.value;
    if (!text.trim())
      return;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showNotice(t("notSent"));
      return;
    }
    socket.send(text);
    el.text.value = "";
    // Without echo the relay does not send it back: show it here.
    if (!echo)
      addMessage({ id: myId, from: myName, time: Date.now(), text });
  }

  function onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.compose.requestSubmit();
    }
  }

  function start() {
    const params = new URLSearchParams(location.search);
    let saved = "";
    try {
      saved = localStorage.getItem("duplex-nick") || "";
    } catch (e) {
      saved = "";
    }
    translatePage();
    setState("offline");
    el.nick.value = params.get("name") || saved;
    if (params.get("code")) {
      el.code.value = params.get("code");
      el.codeRow.hidden = false;
    }
    el.joinForm.addEventListener("submit", join);
    el.compose.addEventListener("submit", send);
    el.text.addEventListener("keydown", onKey);
    el.leave.addEventListener("click", leave);
    // Show the code field at once when the class has one.
    checkCode(el.code.value.trim()).catch(() => {});
  }

  start();
})();
