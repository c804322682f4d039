// A thread page, live: one websocket, messages applied by id and version (so repeats are harmless),
// an outbox of unsent posts and the draft kept in localStorage, catch-up from the last complete
// version on every (re)connect. Without JavaScript the page's forms do all of this by form post.
// "Edit" on your own message opens an editor in place that saves over the socket (the edit page is
// the fallback while the socket is down).
import { enhanceMentions } from "./mentions.js";

const root = document.querySelector("[data-thread-id][data-live='1']");

if (root) {
  const threadId = root.dataset.threadId;
  const me = Number(root.dataset.userId);
  const isModerator = root.dataset.moderator === "1";
  const list = root.querySelector("[data-messages]");
  const template = document.getElementById("message-template");
  const form = document.querySelector("[data-reply-form]");
  const textarea = form ? form.querySelector("textarea[name='body']") : null;
  const formError = form ? form.querySelector("[data-form-error]") : null;
  const status = root.querySelector("[data-live-status]");
  const presence = root.querySelector("[data-presence]");
  const typingLine = root.querySelector("[data-typing]");
  const announce = root.querySelector("[data-announce]");
  const draftKey = `boost:draft:${threadId}`;
  const outboxKey = `boost:outbox:${threadId}`;
  const versions = new Map(); // message id -> version applied
  let floor = Number(root.dataset.version); // every change up to here is on the page
  const pending = new Set();
  let socket = null;
  let delay = 1000;
  let closedForGood = false;
  const typers = new Map();
  const maxChars = Number(root.dataset.maxChars) || 0;
  const mentionUrl = form ? form.dataset.mentionUrl : "";
  const editPath = new RegExp(`^${root.dataset.editUrl.replace("/0/", "/(\\d+)/")}$`);
  const editors = new Map(); // message id -> the open inline editor
  let editSeq = 0;

  list.querySelectorAll("[data-message-id]").forEach((item) => {
    versions.set(Number(item.dataset.messageId), Number(item.dataset.version));
  });

  const setStatus = (text) => {
    status.textContent = text;
    status.hidden = !text;
  };

  const outbox = () => JSON.parse(localStorage.getItem(outboxKey) || "[]");
  const saveOutbox = (items) => localStorage.setItem(outboxKey, JSON.stringify(items));

  const send = (data) => {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(data));
      return true;
    }
    return false;
  };

  const noteVersion = (version) => {
    if (!version) return;
    pending.add(version);
    while (pending.has(floor + 1)) {
      floor += 1;
      pending.delete(floor);
    }
  };

  const actionItem = (child) => {
    const li = document.createElement("li");
    li.append(child);
    return li;
  };

  const link = (text, href, hidden) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (hidden) {
      const span = document.createElement("span");
      span.className = "nhsuk-u-visually-hidden";
      span.textContent = hidden;
      a.append(span);
    }
    return a;
  };

  const button = (text, attrs) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "boost-link-button";
    b.textContent = text;
    Object.entries(attrs).forEach(([key, value]) => b.setAttribute(key, value));
    return b;
  };

  const build = (m) => {
    const item = template.content.firstElementChild.cloneNode(true);
    item.id = `message-${m.id}`;
    item.dataset.messageId = m.id;
    item.dataset.authorId = m.author_id;
    if (m.author_id === me) item.querySelector(".boost-message").classList.add("boost-message--mine");
    item.querySelector(".boost-message__author").textContent = m.author_name;
    const time = item.querySelector("time");
    time.dateTime = m.created_at;
    time.textContent = new Date(m.created_at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
    const actions = item.querySelector("[data-actions]");
    if (form && !form.hidden) {
      actions.append(actionItem(link("Reply", `?reply_to=${m.id}#reply`, ` to ${m.author_name}`)));
      actions.append(actionItem(link("Quote", `?quote=${m.id}#reply`, ` ${m.author_name}`)));
    }
    if (m.author_id === me) {
      actions.append(actionItem(link("Edit", root.dataset.editUrl.replace("/0/", `/${m.id}/`), " your message")));
      actions.append(actionItem(button("Delete", { "data-delete": m.id })));
    } else {
      actions.append(actionItem(link("Flag", root.dataset.flagUrl.replace("/0/", `/${m.id}/`), " this message to moderators")));
    }
    if (isModerator) actions.append(actionItem(button("Hide", { "data-hide": m.id })));
    return item;
  };

  const fill = (item, m) => {
    const body = item.querySelector("[data-body]");
    const removed = m.hidden ? "This message was hidden by a moderator." : m.deleted ? "This message was deleted." : "";
    if (removed) {
      const p = document.createElement("p");
      p.className = "boost-message__removed";
      p.dataset.body = "";
      p.textContent = removed;
      const article = item.querySelector("article");
      article.querySelectorAll("[data-quote], .boost-reactions, .boost-message__actions").forEach((el) => el.remove());
      body.replaceWith(p);
      const edited = item.querySelector(".boost-message__edited");
      if (edited) edited.hidden = true;
      return;
    }
    // Server-rendered and sanitised (markdown-it without HTML, then nh3).
    body.innerHTML = m.html;
    const edited = item.querySelector(".boost-message__edited");
    if (edited) edited.hidden = !m.edited;
    const quote = item.querySelector("[data-quote]");
    if (quote && m.reply_to) {
      quote.hidden = false;
      quote.textContent = "Replying to ";
      quote.append(link(m.reply_to.author_name, `#message-${m.reply_to.id}`));
      if (m.reply_to.excerpt) quote.append(`: ${m.reply_to.excerpt}`);
    }
    setReactions(item, m.reactions || {});
  };

  const setReactions = (item, counts, kind, added, userId) => {
    item.querySelectorAll(".boost-reactions button[name='kind'], .boost-reactions [data-kind]").forEach((b) => {
      const k = b.dataset.kind || b.value;
      const count = counts[k] || 0;
      b.querySelector("[data-count]").textContent = String(count);
      // A reader who cannot react sees counts only: a kind nobody chose is not shown.
      if (b.tagName === "LI") b.hidden = count === 0;
      if (kind === k && userId === me && b.tagName === "BUTTON") {
        b.setAttribute("aria-pressed", added ? "true" : "false");
        b.classList.toggle("boost-reaction--mine", added);
      }
    });
    const countsList = item.querySelector("[data-reaction-counts]");
    if (countsList) countsList.hidden = !Object.values(counts).some((n) => n > 0);
  };

  const apply = (m, { announceIt = false } = {}) => {
    if (m.version && (versions.get(m.id) || 0) >= m.version) return;
    versions.set(m.id, m.version);
    let item = list.querySelector(`[data-message-id="${m.id}"]`);
    if (!item) {
      if (m.hidden) return;
      item = build(m);
      const empty = list.querySelector("[data-empty]");
      if (empty) empty.remove();
      const later = [...list.querySelectorAll("[data-message-id]")].find((el) => Number(el.dataset.messageId) > m.id);
      list.insertBefore(item, later || null);
      if (announceIt && m.author_id !== me) announce.textContent = `New message from ${m.author_name}`;
    }
    item.dataset.version = m.version;
    fill(item, m);
    const editor = editors.get(m.id);
    if (editor && (m.hidden || m.deleted)) {
      closeEditor(m.id, { focus: false });
      announce.textContent = `Your message was ${m.hidden ? "hidden by a moderator" : "deleted"} while you were editing it.`;
    } else if (editor && editor.savedVersion && m.version >= editor.savedVersion) {
      closeEditor(m.id, { saved: true });
    }
  };

  // --- editing in place -------------------------------------------------------------------
  const editLinkIn = (item) =>
    [...item.querySelectorAll(".boost-message__actions a")].find((a) => editPath.test(new URL(a.href, location.href).pathname));

  const setEditorError = (editor, text) => {
    editor.group.classList.toggle("nhsuk-form-group--error", Boolean(text));
    editor.textarea.classList.toggle("nhsuk-textarea--error", Boolean(text));
    editor.error.hidden = !text;
    editor.errorText.textContent = text || "";
    const describedBy = [editor.hint.id, text ? editor.error.id : ""].filter(Boolean).join(" ");
    editor.textarea.setAttribute("aria-describedby", describedBy);
    if (text) editor.textarea.focus();
  };

  const setSaving = (editor, saving) => {
    editor.save.disabled = saving;
    editor.save.textContent = saving ? "Saving…" : "Save";
  };

  const closeEditor = (id, { focus = true, saved = false } = {}) => {
    const editor = editors.get(id);
    if (!editor) return;
    editors.delete(id);
    clearTimeout(editor.timer);
    editor.form.remove();
    editor.hidden.forEach((el) => {
      el.hidden = false;
    });
    if (saved) announce.textContent = "Your message has been updated.";
    if (focus) {
      const again = editLinkIn(editor.item);
      if (again) again.focus();
    }
  };

  const field = (tag, attrs, text) => {
    const el = document.createElement(tag);
    Object.entries(attrs).forEach(([key, value]) => el.setAttribute(key, value));
    if (text) el.textContent = text;
    return el;
  };

  const openEditor = (item) => {
    const id = Number(item.dataset.messageId);
    if (editors.has(id)) {
      editors.get(id).textarea.focus();
      return;
    }
    const body = item.querySelector("[data-body]");
    if (!body) return;
    const fieldId = `edit-message-${id}`;
    const editorForm = field("form", { class: "boost-inline-edit", novalidate: "", "data-inline-edit": String(id) });
    const group = field("div", { class: "nhsuk-form-group" });
    const label = field("label", { class: "nhsuk-label", for: fieldId }, "Edit your message");
    const hint = field(
      "div",
      { class: "nhsuk-hint", id: `${fieldId}-hint` },
      "Markdown works as in a new message. Save keeps your changes (marked as edited); Cancel or Escape leaves it as it was.",
    );
    const error = field("p", { class: "nhsuk-error-message", id: `${fieldId}-error`, role: "alert" });
    error.append(field("span", { class: "nhsuk-u-visually-hidden" }, "Error: "));
    const errorText = document.createElement("span");
    error.append(errorText);
    error.hidden = true;
    const textarea = field("textarea", { class: "nhsuk-textarea", id: fieldId, name: "body", rows: "5", "aria-describedby": hint.id });
    textarea.readOnly = true;
    textarea.value = "Loading your message…";
    group.append(label, hint, error, textarea);
    const buttons = field("div", { class: "boost-inline-edit__buttons" });
    const save = field("button", { class: "nhsuk-button nhsuk-button--small", type: "submit" }, "Save");
    const cancel = field("button", { class: "nhsuk-button nhsuk-button--secondary nhsuk-button--small", type: "button" }, "Cancel");
    buttons.append(save, cancel);
    editorForm.append(group, buttons);
    save.disabled = true;

    const hidden = [body, ...item.querySelectorAll(".boost-reactions, .boost-message__actions")].filter((el) => !el.hidden);
    hidden.forEach((el) => {
      el.hidden = true;
    });
    body.after(editorForm);
    const ref = `edit-${id}-${(editSeq += 1)}`;
    const editor = { id, item, form: editorForm, group, hint, error, errorText, textarea, save, hidden, ref, savedVersion: 0, timer: null };
    editors.set(id, editor);
    textarea.focus();
    enhanceMentions(textarea, mentionUrl);

    editorForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = textarea.value;
      if (!text.trim()) return setEditorError(editor, "Write a message.");
      if (maxChars && text.trim().length > maxChars) {
        return setEditorError(
          editor,
          `Messages can be at most ${maxChars.toLocaleString("en-GB")} characters (this one has ${text.trim().length.toLocaleString("en-GB")}).`,
        );
      }
      if (!send({ action: "edit", id: Number(item.dataset.messageId), body: text, ref })) {
        return setEditorError(editor, "You are offline, so this was not saved. Your text is still here: try again in a moment.");
      }
      setEditorError(editor, "");
      setSaving(editor, true);
    });
    cancel.addEventListener("click", () => closeEditor(id));
    editorForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEditor(id);
      }
    });
    send({ action: "source", id, ref });
  };

  const editorByRef = (ref) => [...editors.values()].find((editor) => editor.ref === ref);

  // The read marker goes to the server at most once every few seconds, however fast messages
  // arrive (a busy thread would otherwise send one frame per message per viewer).
  const readEvery = 3000;
  let readTimer = null;
  let lastRead = 0;
  let readSent = 0;
  const sendRead = () => {
    readTimer = null;
    if (document.visibilityState !== "visible") return;
    const ids = [...list.querySelectorAll("[data-message-id]")].map((el) => Number(el.dataset.messageId));
    const upTo = ids.length ? Math.max(...ids) : 0;
    if (upTo > readSent && send({ action: "read", id: upTo })) {
      readSent = upTo;
      lastRead = Date.now();
    }
  };
  const markRead = () => {
    if (readTimer) return;
    readTimer = setTimeout(sendRead, Math.max(0, lastRead + readEvery - Date.now()));
  };

  const flushOutbox = () => {
    outbox().forEach((item) => send({ action: "post", client_id: item.client_id, body: item.body, reply_to: item.reply_to }));
  };

  const showPresence = (people, count) => {
    // A big room sends its count and the first few names only.
    const others = people.filter((p) => p.id !== me).map((p) => p.name);
    const total = Math.max(others.length, (count || people.length) - 1);
    const more = total - others.length;
    presence.hidden = !total;
    presence.textContent = total
      ? `Here now: ${others.join(", ")}${more > 0 ? ` and ${more.toLocaleString("en-GB")} ${more === 1 ? "other" : "others"}` : ""}`
      : "";
  };

  const showTyping = () => {
    const now = Date.now();
    [...typers.entries()].forEach(([id, t]) => {
      if (now - t.at > 5000) typers.delete(id);
    });
    const names = [...typers.values()].map((t) => t.name);
    typingLine.textContent = names.length ? `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…` : "";
  };
  setInterval(showTyping, 2000);

  const setThreadState = (t) => {
    document.querySelector(".boost-thread-pinned").hidden = !t.pinned;
    document.querySelector(".boost-thread-locked").hidden = !t.locked;
    const note = document.querySelector(".boost-locked-note");
    if (note) note.hidden = !t.locked;
    if (form) form.hidden = t.locked;
    [["pin", t.pinned, "pin"], ["lock", t.locked, "lock"]].forEach(([action, on, word]) => {
      const tool = document.querySelector(`form[data-socket-action="${action}"]`);
      if (!tool) return;
      tool.querySelector("input[name='value']").value = on ? "0" : "1";
      tool.querySelector("button").textContent = `${on ? "Un" + word : word[0].toUpperCase() + word.slice(1)} this discussion`;
    });
  };

  const onEvent = (data) => {
    switch (data.type) {
      case "message.created":
      case "message.updated":
      case "message.hidden":
        noteVersion(data.message.version);
        apply(data.message, { announceIt: data.type === "message.created" });
        markRead();
        break;
      case "reaction.changed": {
        noteVersion(data.version);
        const item = list.querySelector(`[data-message-id="${data.message_id}"]`);
        if (item && (versions.get(data.message_id) || 0) < data.version) {
          versions.set(data.message_id, data.version);
          setReactions(item, data.reactions, data.kind, data.added, data.user_id);
        }
        break;
      }
      case "catchup":
      case "sync":
        data.messages.forEach((m) => apply(m));
        floor = Math.max(floor, data.version);
        if (data.thread) setThreadState(data.thread);
        if (data.complete === false) setStatus("Many messages arrived while you were away. Reload the page to see them all.");
        markRead();
        break;
      case "thread.updated":
        setThreadState(data.thread);
        break;
      case "typing":
        typers.set(data.user_id, { name: data.name, at: Date.now() });
        showTyping();
        break;
      case "presence":
        showPresence(data.people, data.count);
        break;
      case "notification.created":
        document.dispatchEvent(new CustomEvent("boost:notification", { detail: data }));
        break;
      case "source": {
        const editor = editorByRef(data.ref);
        if (editor) {
          editor.textarea.value = data.body;
          editor.textarea.readOnly = false;
          editor.save.disabled = false;
          editor.textarea.setSelectionRange(data.body.length, data.body.length);
          editor.textarea.focus();
        }
        break;
      }
      case "ack":
        if (data.ref && editorByRef(data.ref)) {
          const editor = editorByRef(data.ref);
          // The new text arrives as message.updated (perhaps just before or after this ack): close the
          // editor once the page shows that version, or after a moment whatever happens.
          if ((versions.get(editor.id) || 0) >= data.version) closeEditor(editor.id, { saved: true });
          else {
            editor.savedVersion = data.version;
            editor.timer = setTimeout(() => closeEditor(editor.id, { saved: true }), 4000);
          }
          break;
        }
        if (data.client_id) {
          saveOutbox(outbox().filter((item) => item.client_id !== data.client_id));
          if (!outbox().length && status.textContent.startsWith("Your message is not saved")) setStatus("");
          if (data.message) {
            noteVersion(data.message.version);
            apply(data.message);
          }
          if (data.state === "held") setStatus("Thanks. Your message will appear when a facilitator has approved it.");
        }
        break;
      case "error":
        if (data.ref && editorByRef(data.ref)) {
          const editor = editorByRef(data.ref);
          setSaving(editor, false);
          if (editor.textarea.readOnly) {
            // The source could not be loaded (not yours, deleted): say so, and leave nothing to save.
            editor.textarea.value = "";
            editor.save.disabled = true;
          }
          setEditorError(editor, data.message);
          break;
        }
        if (data.client_id && data.retry) {
          // Not saved yet (the server cannot reach its database): it stays in the outbox and is
          // sent again, with the same client id, in a moment.
          setStatus("Your message is not saved yet. Boost will try again in a moment.");
          setTimeout(flushOutbox, 3000 + Math.random() * 2000);
          break;
        }
        if (data.retry) break;
        if (data.client_id) {
          // Refused, not lost: the text goes back in the box with the reason.
          const refused = outbox().find((item) => item.client_id === data.client_id);
          saveOutbox(outbox().filter((item) => item.client_id !== data.client_id));
          if (refused && textarea && !textarea.value.trim()) {
            textarea.value = refused.body;
            localStorage.setItem(draftKey, refused.body);
          }
        }
        if (formError) {
          formError.hidden = false;
          formError.textContent = data.message;
        }
        break;
      default:
        break;
    }
  };

  const connect = () => {
    setStatus(socket ? "Reconnecting…" : "");
    socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${root.dataset.wsPath}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      setStatus("");
      readSent = 0;
      send({ action: "resume", since: floor });
      flushOutbox();
      markRead();
    });
    socket.addEventListener("message", (event) => onEvent(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (event.code >= 4400 && event.code < 4500) {
        closedForGood = true;
        setStatus("You can no longer see this discussion. Reload the page.");
        if (form) form.hidden = true;
        return;
      }
      if (closedForGood) return;
      if (event.code === 1012) {
        // Service restart (the server is being redeployed): reconnect soon, spread out so the
        // pages of a busy thread do not all arrive in the same instant.
        setStatus("Reconnecting… Your draft is kept.");
        delay = 1000;
        setTimeout(connect, 500 + Math.random() * 2500);
        return;
      }
      setStatus("Connection lost. Reconnecting… Your draft is kept.");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    });
  };

  if (form && textarea) {
    const saved = localStorage.getItem(draftKey);
    if (saved && !textarea.value) textarea.value = saved;
    textarea.addEventListener("input", () => {
      localStorage.setItem(draftKey, textarea.value);
      send({ action: "typing" });
    });
    form.addEventListener("submit", (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // fall back to the form post
      event.preventDefault();
      const body = textarea.value;
      if (!body.trim()) {
        formError.hidden = false;
        formError.textContent = "Write a message.";
        return;
      }
      formError.hidden = true;
      const replyTo = form.querySelector("input[name='reply_to']").value;
      const item = {
        client_id: crypto.randomUUID().replaceAll("-", ""),
        body,
        reply_to: replyTo ? Number(replyTo) : null,
      };
      saveOutbox([...outbox(), item]);
      send({ action: "post", ...item });
      textarea.value = "";
      localStorage.removeItem(draftKey);
      form.querySelector("input[name='reply_to']").value = "";
      const replying = document.querySelector("[data-replying-to]");
      if (replying) replying.remove();
    });
  }

  // Reactions, delete, hide, pin and lock go over the socket when it is open.
  document.addEventListener("submit", (event) => {
    const target = event.target.closest("[data-socket-action]");
    if (!target || !socket || socket.readyState !== WebSocket.OPEN) return;
    const action = target.dataset.socketAction;
    const item = target.closest("[data-message-id]");
    if (action === "react") {
      event.preventDefault();
      send({ action, id: Number(item.dataset.messageId), kind: event.submitter.value });
    } else if (action === "hide") {
      event.preventDefault();
      send({ action, id: Number(item.dataset.messageId) });
    } else if (action === "pin" || action === "lock") {
      event.preventDefault();
      send({ action, value: target.querySelector("input[name='value']").value === "1" });
    }
  });
  list.addEventListener("click", (event) => {
    const editLink = event.target.closest(".boost-message__actions a");
    if (editLink && editPath.test(new URL(editLink.href, location.href).pathname) && socket && socket.readyState === WebSocket.OPEN) {
      const item = editLink.closest("[data-message-id]");
      if (item && Number(item.dataset.authorId) === me) {
        event.preventDefault();
        openEditor(item);
        return;
      }
    }
    const react = event.target.closest("button[data-kind]");
    const del = event.target.closest("[data-delete]");
    const hide = event.target.closest("[data-hide]");
    if (react) send({ action: "react", id: Number(react.closest("[data-message-id]").dataset.messageId), kind: react.dataset.kind });
    if (del && window.confirm("Delete your message?")) send({ action: "delete", id: Number(del.dataset.delete) });
    if (hide) send({ action: "hide", id: Number(hide.dataset.hide) });
  });
  document.addEventListener("visibilitychange", markRead);

  connect();
}
