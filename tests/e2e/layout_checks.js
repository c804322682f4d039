// Layout checks run in the page (tests/e2e/test_layout.py). Returns a list of problems, each a
// short sentence naming the element. Rules:
//  - nothing sticks out sideways: no element's box extends past the viewport, and nothing inside
//    <main> extends past the main column (the width container around it). Skipped: rows with
//    negative side margins (grid rows, button groups: their items take the margins back, and
//    the items are checked), grid columns (padded back in; what they hold is checked),
//    invisible elements (nhsuk's checkbox inputs are transparent and wider than the box drawn
//    for them), and whatever sits inside a scrolling or clipping box (the box is checked). The
//    column check allows 4 px: nhsuk draws small checkboxes 2 px and the action link's arrow
//    4 px into the gutter on purpose.
//  - no text rendered below 14 px; text in SVG charts at least 12 px (as rendered, after the
//    chart is scaled). Small SVG icons (48 px or less), whose meaning is in the words beside
//    them, are not text to read.
//  - every interactive element at least 24 by 24 px (WCAG 2.2, 2.5.8), with WCAG's exceptions:
//    links inline in a sentence, and targets whose 24 px circle touches no other target.
//  - every <img> has an alt attribute; every link has an accessible name.
() => {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  const main = document.querySelector("main");
  const column = (main && main.closest(".nhsuk-width-container")) || main;
  const columnBox = column ? column.getBoundingClientRect() : null;
  const TOLERANCE = 0.5;
  const COLUMN_TOLERANCE = 4;

  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += `#${el.id}`;
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) name += `.${classes.join(".")}`;
    const text = (el.innerText || el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    return text ? `${name} "${text.slice(0, 40)}"` : name;
  };
  const shown = (el) => {
    // checkVisibility also sees content hidden in a closed <details>, which keeps its boxes.
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse") return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;
  };
  const clipper = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) return up;
      if (style.clip && style.clip !== "auto") return up;
      if (style.clipPath && style.clipPath !== "none") return up;
    }
    return null;
  };
  const visuallyHidden = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const box = up.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) {
        const style = getComputedStyle(up);
        if (style.position === "absolute" || style.overflow === "hidden") return true;
      }
    }
    return false;
  };

  // 1. Sideways overflow.
  if (document.documentElement.scrollWidth > viewport + TOLERANCE) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px wide in a ${viewport}px viewport`);
  }
  const reported = new Set(); // name the outermost element that sticks out, not all it holds
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    if (el.parentElement && [...reported].some((outer) => outer.contains(el))) continue;
    if (["script", "style", "template", "noscript"].includes(el.tagName.toLowerCase())) continue;
    if ([...el.classList].some((name) => name.startsWith("nhsuk-grid-column"))) continue;
    const style = getComputedStyle(el);
    if (parseFloat(style.marginLeft) < 0 || parseFloat(style.marginRight) < 0) continue; // a row taking back its items' margins
    if (el.classList.contains("nhsuk-skip-link")) continue;
    if (!shown(el) || clipper(el) || visuallyHidden(el) || getComputedStyle(el).opacity === "0") continue;
    const box = el.getBoundingClientRect();
    if (box.left < -TOLERANCE || box.right > viewport + TOLERANCE) {
      reported.add(el);
      problems.push(`${describe(el)} extends past the viewport (${Math.round(box.left)} to ${Math.round(box.right)} of ${viewport}px)`);
    } else if (columnBox && main.contains(el) && (box.left < columnBox.left - COLUMN_TOLERANCE || box.right > columnBox.right + COLUMN_TOLERANCE)) {
      reported.add(el);
      problems.push(
        `${describe(el)} extends past the main column (${Math.round(box.left)} to ${Math.round(box.right)}; column ${Math.round(columnBox.left)} to ${Math.round(columnBox.right)})`,
      );
    }
  }

  // 2. Text size.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    if (el.closest("script, style, template, noscript, title, desc, option")) continue;
    if (!shown(el) || visuallyHidden(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest("svg");
    if (svg) {
      const svgBox = svg.getBoundingClientRect();
      if (svgBox.width <= 48 && svgBox.height <= 48) continue; // an icon
      const matrix = el.getScreenCTM ? el.getScreenCTM() : null;
      const rendered = size * (matrix ? Math.hypot(matrix.a, matrix.b) : 1); // rotation-proof scale
      if (rendered < 12 - 0.05) problems.push(`chart text ${describe(el)} is ${rendered.toFixed(1)}px (at least 12px)`);
    } else if (size < 14 - 0.05) {
      problems.push(`text ${describe(el)} is ${size}px (at least 14px)`);
    }
  }

  // 3. Target size.
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"])';
  const targets = [...document.body.querySelectorAll(selector)].filter((el) => shown(el) && !visuallyHidden(el) && !el.disabled);
  const boxes = targets.map((el) => el.getBoundingClientRect());
  const small = (box) => box.width < 24 - TOLERANCE || box.height < 24 - TOLERANCE;
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    const own = (el.innerText || "").trim().length;
    const around = (block ? block.innerText || "" : "").trim().length;
    return around > own + 2;
  };
  const distance = (x, y, box) => {
    const dx = Math.max(box.left - x, 0, x - box.right);
    const dy = Math.max(box.top - y, 0, y - box.bottom);
    return Math.hypot(dx, dy);
  };
  targets.forEach((el, i) => {
    const box = boxes[i];
    if (!small(box) || inSentence(el)) return;
    const x = (box.left + box.right) / 2;
    const y = (box.top + box.bottom) / 2;
    const crowded = targets.some((other, j) => {
      if (j === i || other.contains(el) || el.contains(other)) return false;
      const otherBox = boxes[j];
      if (distance(x, y, otherBox) < 12) return true;
      if (small(otherBox) && !inSentence(other)) {
        const ox = (otherBox.left + otherBox.right) / 2;
        const oy = (otherBox.top + otherBox.bottom) / 2;
        return Math.hypot(x - ox, y - oy) < 24;
      }
      return false;
    });
    if (crowded) {
      problems.push(`target ${describe(el)} is ${Math.round(box.width)}×${Math.round(box.height)}px and too close to another (at least 24×24px)`);
    }
  });

  // 4. Images and links.
  for (const img of document.querySelectorAll("img:not([alt])")) problems.push(`image without alt: ${img.getAttribute("src")}`);
  for (const link of document.querySelectorAll("a[href]")) {
    const labelledby = (link.getAttribute("aria-labelledby") || "")
      .split(/\s+/)
      .map((id) => (id && document.getElementById(id) ? document.getElementById(id).textContent : ""))
      .join("");
    const images = [...link.querySelectorAll("img[alt], svg[aria-label], svg title")]
      .map((img) => img.getAttribute("alt") || img.getAttribute("aria-label") || img.textContent)
      .join("");
    const name = `${link.getAttribute("aria-label") || ""}${labelledby}${link.textContent}${images}${link.getAttribute("title") || ""}`;
    if (!name.trim()) problems.push(`empty link: ${link.outerHTML.slice(0, 120)}`);
  }
  return problems;
}
