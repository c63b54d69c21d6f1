// The scenario editor: every change is checked by the server (the same Dutch problems as
// `voicecoach scenarios validate`), each problem shown beside its field; saving makes a version.
"use strict";

(function () {
  const form = document.getElementById("scenario-editor");
  if (!form) return;
  const status = document.getElementById("editor-status");
  const summary = document.getElementById("editor-problems");
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  let timer = null;
  let asked = 0;

  function fields() {
    const values = {};
    form.querySelectorAll("[data-path]").forEach((element) => {
      const path = element.dataset.path;
      const kind = element.dataset.kind;
      if (kind === "check") {
        values[path] = values[path] || [];
        if (element.checked) values[path].push(element.value);
      } else if (kind === "lines") {
        values[path] = element.value.split("\n").map((line) => line.trim()).filter(Boolean);
      } else if (kind === "json") {  // a structure the form keeps but does not edit
        try { values[path] = JSON.parse(element.value || "[]"); } catch { values[path] = []; }
      } else if (kind === "int") {
        const text = element.value.trim();
        values[path] = /^-?\d+$/.test(text) ? Number(text) : text || null;
      } else {
        values[path] = element.value;
      }
    });
    return values;
  }

  function boxFor(field) {
    // the field's own place, else the nearest enclosing one ("phases.0.lines.3" → "phases.0.lines" → …)
    const parts = field.split(".");
    while (parts.length) {
      const box = form.querySelector(`[data-error-for="${CSS.escape(parts.join("."))}"]`);
      if (box) return box;
      parts.pop();
    }
    return form.querySelector('[data-error-for="-"]');
  }

  function show(problems) {
    form.querySelectorAll(".field-error").forEach((box) => { box.hidden = true; box.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
    problems.forEach((problem) => {
      const box = boxFor(problem.field);
      box.textContent = box.textContent ? `${box.textContent} ${problem.message}` : problem.message;
      box.hidden = false;
      const input = form.querySelector(`[data-path="${CSS.escape(box.dataset.errorFor)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    });
    summary.hidden = problems.length === 0;
    summary.textContent = problems.length === 1 ? "Er is nog 1 probleem; zie de melding bij het veld."
      : `Er zijn nog ${problems.length} problemen; zie de meldingen bij de velden.`;
  }

  async function post(url) {
    return fetch(url, {
      method: "POST", body: JSON.stringify(fields()),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
    });
  }

  async function check() {
    const mine = ++asked;
    try {
      const response = await post("/api/scenario-editor/check");
      const data = await response.json();
      if (mine !== asked) return;  // a newer check is on its way
      if (!response.ok) { status.textContent = data.error ? data.error.message : "Controleren lukte niet."; return; }
      show(data.problems);
      status.textContent = data.valid ? "Het scenario is in orde." : "";
    } catch {
      status.textContent = "Controleren lukte niet: er is geen verbinding. Je tekst blijft staan.";
    }
  }

  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 400); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(check, 100); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Leaving a field for the button queued a check; neither it nor one under way may overwrite
    // what saving says (on a busy server its answer came after the save's).
    clearTimeout(timer);
    asked += 1;
    status.textContent = "Opslaan…";
    let response;
    try {
      response = await post("/api/scenario-editor/scenarios");
    } catch {
      status.textContent = "Opslaan lukte niet: er is geen verbinding. Je tekst blijft staan; probeer het opnieuw.";
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      show([]);
      status.textContent = `Opgeslagen als versie ${data.version} van '${data.title}'. Deelnemers kunnen het nu spelen.`;
      history.replaceState(null, "", `/scenarios-schrijven/${encodeURIComponent(data.id)}`);
      return;
    }
    const error = data.error || { message: "Opslaan lukte niet. Je tekst blijft staan; probeer het opnieuw." };
    if (error.problems) show(error.problems);
    status.textContent = error.problems ? "Niet opgeslagen: los eerst de gemelde problemen op." : error.message;
  });

  form.querySelectorAll(".preview").forEach((button) => {
    button.addEventListener("click", () => {
      const line = document.getElementById(button.dataset.previewFor).value.split("\n").map((l) => l.trim()).find(Boolean);
      if (!line) { status.textContent = "Schrijf eerst een zin om te beluisteren."; return; }
      const query = new URLSearchParams({ text: line, voice: document.getElementById("f-persona.voice").value, anger: button.dataset.anger });
      const audio = document.getElementById("preview-audio");
      audio.hidden = false;
      audio.src = `/api/scenario-editor/voice?${query}`;
      audio.play().catch(() => { status.textContent = "Afspelen lukte niet; gebruik de afspeelknop."; });
    });
  });

  check();
})();
