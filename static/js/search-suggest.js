// Suggestions as you type for the header search box: the ARIA 1.2 combobox pattern with a
// listbox popup. Progressive enhancement: without this script the form submits to /search/.
const DEBOUNCE_MS = 150;

function init(input) {
  const url = input.dataset.suggestUrl;
  if (!url) return;
  const form = input.form;
  const listbox = document.createElement("ul");
  listbox.id = `${input.id}-suggestions`;
  listbox.className = "boost-suggest";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Suggestions");
  listbox.hidden = true;
  const status = document.createElement("div");
  status.className = "nhsuk-u-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.parentElement.append(listbox, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);

  let active = -1;
  let timer = null;
  let controller = null;

  const options = () => Array.from(listbox.querySelectorAll("[role=option]"));
  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const items = options();
    items.forEach((item, n) => item.setAttribute("aria-selected", n === index ? "true" : "false"));
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  };
  const render = (suggestions) => {
    listbox.replaceChildren();
    suggestions.forEach((item, n) => {
      const li = document.createElement("li");
      li.id = `${listbox.id}-${n}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.url = item.url;
      const label = document.createElement("span");
      label.className = "boost-suggest__type";
      label.textContent = item.type_label;
      li.append(document.createTextNode(item.title + " "), label);
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        window.location.assign(item.url);
      });
      listbox.append(li);
    });
    const open = suggestions.length > 0;
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    status.textContent = open ? `${suggestions.length} suggestion${suggestions.length === 1 ? "" : "s"} available` : "";
    active = -1;
  };
  const fetchSuggestions = async () => {
    const text = input.value.trim();
    if (text.length < 2) return close();
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?${new URLSearchParams({ q: text })}`, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return close();
      const data = await response.json();
      render(data.suggestions || []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    const items = options();
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      if (listbox.hidden) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !listbox.hidden) {
      event.preventDefault();
      window.location.assign(items[active].dataset.url);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
  form?.addEventListener("submit", close);
}

document.querySelectorAll("input[data-suggest-url]").forEach(init);
