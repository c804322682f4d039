// @mention suggestions in a message box: type "@na" and pick a person with the arrow keys and Enter
// (or Tab), or a click; Escape closes the list. Progressive enhancement: without this script people
// write @[Their Name] by hand, which is the same text this inserts.
//
// The ARIA 1.2 combobox pattern with a listbox popup, adapted to a <textarea>: ARIA in HTML allows no
// role other than textbox on a textarea (and aria-expanded is not allowed on a textbox), so the box
// keeps its textbox role and carries aria-autocomplete="list", aria-controls and aria-activedescendant;
// a polite live region says how many people were found, which one is highlighted and what was inserted,
// for screen readers that do not follow aria-activedescendant in a textbox.
const DEBOUNCE_MS = 150;
// "@" at the start or after a space or an opening bracket, then up to four words of a name, up to the caret.
const TRIGGER = /(^|[\s(])@\[?([^\s@[\]][^@[\]\n]{0,39})$/;

let instances = 0;

export function enhanceMentions(textarea, url) {
  if (!textarea || !url || textarea.dataset.mentionsReady) return;
  textarea.dataset.mentionsReady = "1";
  instances += 1;
  const host = textarea.parentElement;
  host.classList.add("boost-mention-host");
  const listbox = document.createElement("ul");
  listbox.id = `${textarea.id || "message"}-mentions-${instances}`;
  listbox.className = "boost-suggest boost-mention-suggest";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "People to mention");
  listbox.hidden = true;
  const status = document.createElement("div");
  status.className = "nhsuk-u-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.dataset.mentionStatus = "";
  textarea.after(listbox, status);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", listbox.id);

  let active = -1;
  let timer = null;
  let controller = null;
  let trigger = null; // {start, end} of "@na" in the text while the list is open
  let people = [];

  const options = () => Array.from(listbox.querySelectorAll("[role=option]"));
  const isOpen = () => !listbox.hidden;

  const close = () => {
    listbox.hidden = true;
    listbox.replaceChildren();
    textarea.removeAttribute("aria-activedescendant");
    active = -1;
    people = [];
  };

  const highlight = (index) => {
    const items = options();
    items.forEach((item, n) => item.setAttribute("aria-selected", n === index ? "true" : "false"));
    active = index;
    if (index >= 0) {
      textarea.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
      status.textContent = `${people[index].name}, ${index + 1} of ${items.length}`;
    } else {
      textarea.removeAttribute("aria-activedescendant");
    }
  };

  const insert = (index) => {
    const person = people[index];
    if (!person || !trigger) return;
    const before = textarea.value.slice(0, trigger.start);
    const after = textarea.value.slice(trigger.end);
    const text = `${person.mention}${after.startsWith(" ") ? "" : " "}`;
    textarea.value = before + text + after;
    const caret = before.length + text.length;
    textarea.setSelectionRange(caret, caret);
    close();
    trigger = null;
    textarea.focus();
    status.textContent = `Mentioned ${person.name}.`;
    // Let the page keep its draft (thread.js saves drafts on input).
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };

  const render = (found) => {
    people = found;
    listbox.replaceChildren();
    found.forEach((person, n) => {
      const li = document.createElement("li");
      li.id = `${listbox.id}-${n}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = person.name;
      if (person.detail) {
        const detail = document.createElement("span");
        detail.className = "boost-suggest__type";
        detail.textContent = ` ${person.detail}`;
        li.append(detail);
      }
      // mousedown, not click: the textarea must keep focus (and its caret) while a person is picked.
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        insert(n);
      });
      listbox.append(li);
    });
    listbox.hidden = found.length === 0;
    active = -1;
    textarea.removeAttribute("aria-activedescendant");
    status.textContent = found.length
      ? `${found.length} ${found.length === 1 ? "person" : "people"} to mention. Use the up and down arrows to choose, Enter to insert, Escape to close.`
      : "No one to mention by that name.";
  };

  const currentTrigger = () => {
    if (textarea.selectionStart !== textarea.selectionEnd) return null;
    const upToCaret = textarea.value.slice(0, textarea.selectionStart);
    const match = TRIGGER.exec(upToCaret);
    if (!match) return null;
    const start = match.index + match[1].length;
    return { start, end: textarea.selectionStart, query: match[2] };
  };

  const lookUp = async () => {
    const found = currentTrigger();
    if (!found || !found.query.trim()) {
      trigger = null;
      close();
      return;
    }
    trigger = found;
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?${new URLSearchParams({ q: found.query })}`, {
        signal: controller.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return close();
      const data = await response.json();
      // The caret may have moved while we waited: only show what still matches.
      const now = currentTrigger();
      if (!now || now.start !== found.start || now.query !== found.query) return;
      render(data.people || []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, DEBOUNCE_MS);
  };

  textarea.addEventListener("input", (event) => {
    if (event.isTrusted === false && !currentTrigger()) return; // our own insert
    schedule();
  });
  textarea.addEventListener("keydown", (event) => {
    if (!isOpen()) return;
    const items = options();
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      insert(active);
    } else if (event.key === "Escape") {
      // Stop here: an inline editor closes on Escape too, and this Escape is only for the list.
      event.preventDefault();
      event.stopPropagation();
      close();
      status.textContent = "Suggestions closed.";
    }
  });
  textarea.addEventListener("click", schedule);
  textarea.addEventListener("blur", () => setTimeout(close, 150));
  textarea.form?.addEventListener("submit", close);
}

document.querySelectorAll("form[data-mention-url]").forEach((form) => {
  enhanceMentions(form.querySelector("textarea[name='body']"), form.dataset.mentionUrl);
});
