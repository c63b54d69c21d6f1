// /docs: Swagger UI from the vendored bundle (no inline script, so the page keeps the strict CSP).
"use strict";

const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({ url: root.dataset.spec, dom_id: "#swagger-ui", deepLinking: true });
