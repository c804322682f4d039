// A community's discussion list: bump unread counts live as threads get new messages.
const list = document.querySelector("[data-community-discussions][data-live='1']");

if (list) {
  const me = Number(list.dataset.userId);
  let delay = 1000;
  const connect = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${list.dataset.wsPath}`);
    socket.addEventListener("open", () => { delay = 1000; });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "notification.created") {
        document.dispatchEvent(new CustomEvent("boost:notification", { detail: data }));
        return;
      }
      if (data.type !== "thread.activity") return;
      const item = list.querySelector(`[data-thread-id="${data.thread_id}"]`);
      if (!item) return;
      item.querySelector("[data-message-count]").textContent = String(data.message_count);
      const badge = item.querySelector("[data-unread]");
      // Anonymous readers have no unread counts at all (nothing was read by nobody).
      if (data.author_id === me || !badge) return;
      const unread = Number(badge.dataset.unread) + 1;
      badge.dataset.unread = String(unread);
      badge.querySelector("[data-unread-count]").textContent = String(unread);
      badge.hidden = false;
    });
    socket.addEventListener("close", (event) => {
      if (event.code >= 4400 && event.code < 4500) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  };
  connect();
}
