// The incident report of a conversation whose ending asks for one (voicecoach/incident.py): shown once
// the conversation ended so (also while the page is open), a form for the trainee, read-only for the coach.
"use strict";

(function () {
  const section = document.getElementById("incident");
  const root = document.getElementById("conversation");
  if (!section || !root) return;
  const url = `/api/conversations/${root.dataset.id}/incident`;
  const form = document.getElementById("incident-form");
  const status = document.getElementById("incident-status");
  const FIELDS = ["what", "happened_when", "who"];

  function show(incident) {
    const view = document.getElementById("incident-view");
    const none = document.getElementById("incident-none");
    if (form) {
      FIELDS.forEach((name) => { document.getElementById(`incident-${name}`).value = incident ? incident[name] : ""; });
      return;
    }
    view.hidden = !incident;
    if (none) none.hidden = Boolean(incident);
    if (incident) FIELDS.forEach((name) => { document.getElementById(`incident-view-${name}`).textContent = incident[name]; });
  }

  async function refresh() {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    if (!data.reportable) return;
    document.getElementById("incident-source").textContent = `Bron: ${data.source_title}`;
    if (section.hidden) show(data.incident);
    section.hidden = false;
  }

  function clearErrors() {
    FIELDS.forEach((name) => {
      const error = document.getElementById(`incident-${name}-error`);
      error.hidden = true;
      error.textContent = "";
      document.getElementById(`incident-${name}`).removeAttribute("aria-invalid");
    });
  }

  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors();
      status.textContent = "Opslaan…";
      const body = Object.fromEntries(FIELDS.map((name) => [name, document.getElementById(`incident-${name}`).value]));
      let response;
      try {
        response = await fetch(url, {
          method: "PUT", body: JSON.stringify(body),
          headers: { "Content-Type": "application/json", Accept: "application/json",
            "X-CSRF-Token": document.querySelector("meta[name=csrf-token]").content },
        });
      } catch {
        status.textContent = "Opslaan lukte niet: er is geen verbinding. Je tekst staat er nog; probeer het opnieuw.";
        return;
      }
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        status.textContent = "Je melding is opgeslagen. Je coach kan hem lezen.";
        return;
      }
      const error = data.error || { message: "Opslaan lukte niet. Je tekst staat er nog; probeer het opnieuw." };
      status.textContent = "";
      const field = FIELDS.includes(error.field) ? error.field : null;
      if (field) {
        const box = document.getElementById(`incident-${field}-error`);
        box.textContent = error.message;
        box.hidden = false;
        const input = document.getElementById(`incident-${field}`);
        input.setAttribute("aria-invalid", "true");
        input.focus();
      } else {
        status.textContent = error.message;
      }
    });
  }

  refresh();
  const summary = document.getElementById("summary");  // shown by conversation.js when the conversation ends
  if (summary) new MutationObserver(refresh).observe(summary, { attributes: true, attributeFilter: ["hidden"] });
})();
