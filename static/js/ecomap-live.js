// Workshop mode: changes others make to this map appear without a reload. Progressive
// enhancement: without it the page works as it is, and a reload shows every change.
//
// The socket (ecomaps/consumers.py, on the discussions' websocket stack) only says that the map
// changed (version, summary, who). This script then fetches the page again and swaps in the
// counts, the text alternative, the drawing and the workshop banner, so each person sees exactly
// what they may see. On (re)connecting it sends "resume" with the version it shows, and the
// server answers with whatever it missed, so a dropped connection loses nothing.
const live = document.getElementById("ecomap-live");

if (live && "WebSocket" in window) {
  const status = live.querySelector(".ecomap-live__status");
  let version = Number(live.dataset.version);
  let delay = 1000;
  let refreshing = null;
  let again = false;

  const refresh = async () => {
    if (refreshing) { again = true; return refreshing; }
    refreshing = (async () => {
      do {
        again = false;
        const response = await fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) break;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const selector of ["#ecomap-counts", ".ecomap-views", "#ecomap-workshop-area"]) {
          const fresh = page.querySelector(selector);
          const here = document.querySelector(selector);
          if (fresh && here) here.replaceWith(document.importNode(fresh, true));
        }
        const freshLive = page.getElementById("ecomap-live");
        if (freshLive) version = Math.max(version, Number(freshLive.dataset.version));
        document.dispatchEvent(new CustomEvent("ecomap:refreshed"));
      } while (again);
    })();
    try { await refreshing; } finally { refreshing = null; }
  };

  const say = (text) => { status.textContent = text; };

  const connect = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${live.dataset.wsPath}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      socket.send(JSON.stringify({ action: "resume", since: version }));
    });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "notification.created") {
        document.dispatchEvent(new CustomEvent("boost:notification", { detail: data }));
      } else if (data.type === "catchup") {
        if (data.changes.length || data.version > version) {
          const last = data.changes[data.changes.length - 1];
          if (last) say(`Map updated: ${last.summary}${last.by ? ` (${last.by})` : ""}.`);
          refresh();
        }
      } else if (data.type === "map.changed") {
        if (data.version <= version) return;
        say(`Map updated: ${data.summary}${data.by ? ` (${data.by})` : ""}.`);
        refresh();
      } else if (data.type === "workshop.changed") {
        say(data.running ? "A workshop has started: members can now change the map." : "The workshop has ended.");
        refresh();
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code >= 4400 && event.code < 4500) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  };
  connect();
}
