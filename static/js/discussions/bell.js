// The header bell: live unread count. On a thread page the thread socket forwards notifications
// (one socket per page); elsewhere the bell opens its own small socket.
const bell = document.querySelector("[data-bell]");

function show(unread, text) {
  const count = bell.querySelector("[data-bell-count]");
  bell.querySelector("[data-bell-number]").textContent = String(unread);
  count.hidden = !unread;
  if (text) bell.querySelector("[data-bell-announce]").textContent = `New notification: ${text}`;
}

function handle(data) {
  if (data.type === "notification.created") show(data.unread, data.notification.text);
  else if (data.type === "unread") show(data.unread, "");
}

if (bell) {
  document.addEventListener("boost:notification", (event) => handle(event.detail));
  if (!document.querySelector("[data-thread-id][data-live='1']")) {
    let delay = 1000;
    const connect = () => {
      const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${bell.dataset.wsPath}`);
      socket.addEventListener("open", () => { delay = 1000; });
      socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
      socket.addEventListener("close", (event) => {
        if (event.code >= 4400 && event.code < 4500) return;
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      });
    };
    connect();
  }
}
