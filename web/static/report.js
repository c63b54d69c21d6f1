// The printable report's print button (no inline script: the pages' CSP forbids it).
"use strict";
document.getElementById("print")?.addEventListener("click", () => window.print());
