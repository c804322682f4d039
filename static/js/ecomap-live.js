// Workshop mode: changes others make to this map appear without a reload. Progressive
// enhancement: without it the page works as it is, and a reload shows every change.
//
// The socket (ecomaps/consumers.py, on the discussions' websocket stack) says what changed
// (ecomaps/patch.py): the drawing's changed elements, which are the same for everyone, and the
// names of the text alternative's entries that changed. The page patches the drawing in place
// and fetches only those entries (/maps/<id>/entries/), as this person may see them. When a
// change moved too much of the layout, or the page missed a version, it fetches the whole page
// instead. On (re)connecting it sends "resume" with the version it shows, and the server answers
// with whatever it missed, so a dropped connection loses nothing.
const live = document.getElementById("ecomap-live");

if (live && "WebSocket" in window) {
  const status = live.querySelector(".ecomap-live__status");
  const base = location.pathname.replace(/[^/]*$/, "");
  let version = Number(live.dataset.version);
  let delay = 1000;
  let queue = Promise.resolve();

  const fromHtml = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  };

  const svgFrom = (markup) => {
    const doc = new DOMParser().parseFromString(`<svg xmlns="http://www.w3.org/2000/svg">${markup}</svg>`, "image/svg+xml");
    return document.importNode(doc.documentElement.firstElementChild, true);
  };

  const refresh = async () => {
    const response = await fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of ["#ecomap-counts", ".ecomap-views", "#ecomap-workshop-area", "#id_note-target"]) {
      const fresh = page.querySelector(selector);
      const here = document.querySelector(selector);
      if (fresh && here) here.replaceWith(document.importNode(fresh, true));
    }
    const freshLive = page.getElementById("ecomap-live");
    if (freshLive) version = Math.max(version, Number(freshLive.dataset.version));
  };

  // The drawing: replace, add (after the element it follows) and remove elements by id.
  const patchDrawing = (svgPatch) => {
    const svg = document.querySelector(".ecomap-drawing svg");
    if (!svg) return true; // the text-only view has no drawing
    if (svgPatch.frame) {
      for (const [name, value] of Object.entries(svgPatch.frame)) svg.setAttribute(name, value);
    }
    for (const id of svgPatch.remove) document.getElementById(id)?.remove();
    for (const [id, after, markup] of svgPatch.upsert) {
      const node = svgFrom(markup);
      const anchor = after ? document.getElementById(after) : null;
      if (after && !anchor) return false;
      document.getElementById(id)?.remove();
      if (anchor) anchor.after(node);
      else svg.prepend(node);
    }
    return true;
  };

  // The text: fetch the named entries as this person may see them and put each in its place.
  const patchText = async (entries) => {
    const query = new URLSearchParams();
    for (const key of entries.journeys) query.append("journey", key);
    for (const key of entries.stations) query.append("station", key);
    if (entries.links) query.append("links", "1");
    const response = await fetch(`${base}entries/?${query}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return false;
    const data = await response.json();
    const stationsBody = document.querySelector("#stations-caption")?.closest("table")?.querySelector("tbody");
    const firstJourney = document.querySelector(".ecomap-journey-text");
    if ((entries.stations.length && !stationsBody) || (entries.journeys.length && !firstJourney)) return false;
    const place = (kind, items, keys, firstAnchor) => {
      const found = new Set(items.map((item) => item.key));
      for (const key of keys) if (!found.has(key)) document.getElementById(`${kind}-${key}`)?.remove();
      for (const item of items) {
        const node = fromHtml(item.html);
        document.getElementById(`${kind}-${item.key}`)?.remove();
        const anchor = item.after ? document.getElementById(`${kind}-${item.after}`) : null;
        if (anchor) anchor.after(node);
        else firstAnchor(node);
      }
    };
    place("journey", data.journeys, entries.journeys, (node) => document.getElementById("text-heading").after(node));
    place("station", data.stations, entries.stations, (node) => stationsBody.prepend(node));
    if (data.links !== null) document.getElementById("ecomap-links")?.replaceWith(fromHtml(data.links));
    document.getElementById("ecomap-counts")?.replaceWith(fromHtml(data.counts));
    const target = document.getElementById("id_note-target");
    if (target && data.target) {
      const fresh = fromHtml(data.target);
      fresh.value = target.value;
      target.replaceWith(fresh);
    }
    return true;
  };

  const apply = async (event) => {
    // A patch turns exactly the version before it into its own; anything else fetches the page.
    let patched = false;
    if (event.change && event.version === version + 1) {
      patched = patchDrawing(event.change.svg) && (await patchText(event.change.entries));
    }
    if (!patched) await refresh();
    version = Math.max(version, event.version || version);
    document.dispatchEvent(new CustomEvent("ecomap:refreshed"));
  };

  // One change at a time, in the order they arrive.
  const enqueue = (work) => {
    queue = queue.then(work).catch(() => {});
  };

  const say = (text) => { status.textContent = text; };

  const connect = () => {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${live.dataset.wsPath}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      enqueue(() => socket.send(JSON.stringify({ action: "resume", since: version })));
    });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "notification.created") {
        document.dispatchEvent(new CustomEvent("boost:notification", { detail: data }));
      } else if (data.type === "catchup") {
        if (data.changes.length || data.version > version) {
          const last = data.changes[data.changes.length - 1];
          if (last) say(`Map updated: ${last.summary}${last.by ? ` (${last.by})` : ""}.`);
          enqueue(() => apply({ version: data.version, change: null }));
        }
      } else if (data.type === "map.changed") {
        enqueue(async () => {
          if (data.version <= version) return;
          say(`Map updated: ${data.summary}${data.by ? ` (${data.by})` : ""}.`);
          await apply(data);
        });
      } else if (data.type === "workshop.changed") {
        say(data.running ? "A workshop has started: members can now change the map." : "The workshop has ended.");
        enqueue(() => apply({ version: data.version, change: null }));
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
