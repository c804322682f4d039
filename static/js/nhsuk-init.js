// Starts the NHS.UK frontend components (header menu, skip link, details…). A file rather than an
// inline script: pages are cached for anonymous readers, and a cached inline script's CSP nonce
// would be the same for everyone.
import { initAll } from "../wagtailnhsukfrontend/js/nhsuk-frontend-10.4.2.min.js";

// nhsuk-frontend 10 starts nothing unless the body says the browser is supported (its template's
// snippet does this inline; a module script runs only where that snippet would say yes).
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
