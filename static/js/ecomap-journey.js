// Keyboard walk along a journey, as progressive enhancement of the text view (which works, and
// reads in order, without this script). Each journey's list of steps becomes one tab stop: the
// arrow keys (and Home/End) move along it, a polite live region announces the step, and the
// station is highlighted on the drawing when it is shown.
const announcer = document.createElement("p");
announcer.className = "nhsuk-u-visually-hidden";
announcer.setAttribute("aria-live", "polite");
announcer.id = "ecomap-announcer";

function describe(list, step, index, steps) {
  const name = list.dataset.journeyName;
  const station = step.querySelector(".ecomap-step__station")?.textContent.trim() ?? "";
  const next = steps[index + 1]?.querySelector(".ecomap-step__station")?.textContent.trim();
  const notes = step.querySelectorAll(".ecomap-note").length;
  let text = `${name}: step ${index + 1} of ${steps.length}, ${station}.`;
  text += next ? ` Next: ${next}.` : " End of the journey.";
  if (notes) text += ` ${notes} annotation${notes === 1 ? "" : "s"}.`;
  return text;
}

function highlight(key) {
  document.querySelectorAll('.ecomap-station[aria-current="true"]').forEach((node) => node.removeAttribute("aria-current"));
  const station = key && document.getElementById(`ecomap-station-${key}`);
  if (!station) return;
  station.setAttribute("aria-current", "true");
  const box = station.closest(".ecomap-drawing");
  if (box && box.offsetParent !== null) {
    const target = station.getBoundingClientRect();
    const frame = box.getBoundingClientRect();
    box.scrollLeft += target.left - frame.left - frame.width / 2;
    box.scrollTop += target.top - frame.top - frame.height / 2;
  }
}

function enhance(list) {
  // Workshop mode patches single journeys in place: the others are enhanced already.
  if (list.dataset.enhanced) return;
  const steps = Array.from(list.querySelectorAll(":scope > .ecomap-step"));
  if (steps.length < 2) return;
  list.dataset.enhanced = "yes";
  steps.forEach((step, index) => step.setAttribute("tabindex", index === 0 ? "0" : "-1"));
  const hint = document.createElement("p");
  hint.className = "nhsuk-body-s ecomap-walk-hint";
  hint.id = `${list.id}-hint`;
  hint.textContent = "Keyboard: tab to the first step, then use the arrow keys, Home and End to walk along the journey.";
  list.before(hint);
  list.setAttribute("aria-describedby", hint.id);
  const go = (index) => {
    const target = steps[Math.max(0, Math.min(steps.length - 1, index))];
    steps.forEach((step) => step.setAttribute("tabindex", step === target ? "0" : "-1"));
    target.focus();
  };
  list.addEventListener("focusin", (event) => {
    const index = steps.indexOf(event.target);
    if (index === -1) return;
    announcer.textContent = describe(list, event.target, index, steps);
    highlight(event.target.dataset.station);
  });
  list.addEventListener("keydown", (event) => {
    const index = steps.indexOf(event.target);
    if (index === -1) return;
    const moves = { ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1, Home: 0, End: steps.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    go(moves[event.key]);
  });
}

function enhanceAll() {
  const lists = document.querySelectorAll(".ecomap-steps[data-journey-name]");
  if (!lists.length) return;
  document.querySelector(".ecomap-text")?.append(announcer);
  lists.forEach(enhance);
}

enhanceAll();
// Workshop mode (ecomap-live.js) replaces journeys, or the whole text and drawing, as the map changes.
document.addEventListener("ecomap:refreshed", enhanceAll);
