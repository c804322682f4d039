// On a phone the filter column sits above the results; fold it so the results come first.
// Without JavaScript (or on wider screens) the filters stay open, and a skip link leads past them.
const PHONE = window.matchMedia("(max-width: 40em)");

for (const filters of document.querySelectorAll("[data-boost-filters]")) {
  // Keep them open when the visitor has just chosen some: they are checking what they picked.
  if (PHONE.matches && !filters.hasAttribute("data-has-filters")) {
    filters.open = false;
  }
  // Turning a phone sideways into a tablet layout must not leave the column empty.
  PHONE.addEventListener("change", (event) => {
    if (!event.matches) filters.open = true;
  });
}
