// Home page: calibrate the calm baseline, start a scenario.
"use strict";

// A request that failed says why, where it was asked, and that nothing changed: "Start gesprek" went to
// /gesprek/undefined ("Dit gesprek bestaat niet") when the database was busy or the login gone, and a
// failed account deletion showed nothing at all (a test session).
async function saysWhy(response, where) {
  const body = response ? parseJson(await response.text()) : null;
  const code = body && body.error && body.error.code;
  const message = code === "login_required"
    ? "Je bent niet meer ingelogd. Log opnieuw in en probeer het dan nog eens."
    : (body && body.error && body.error.message) || "Dat is niet gelukt (is de verbinding weg?). Probeer het opnieuw.";
  where.textContent = message;
  where.hidden = false;
  if (code === "login_required") where.append(" ", Object.assign(document.createElement("a"), { href: "/login?next=/", textContent: "Opnieuw inloggen" }));
  where.focus();
}

async function post(url, init) {
  const send = () => fetch(url, { ...init, headers: csrfHeaders(init.headers || {}) }).catch(() => null);
  let response = await send();
  // logged in again in another tab: that login's security code, and the request once more
  if (response && !response.ok && response.status === 403 && await renewCsrf()) response = await send();
  return response;
}

document.querySelectorAll("button.start").forEach((button) => {
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    button.disabled = true;
    document.getElementById("start-error").hidden = true;
    const response = await post("/api/conversations", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario_id: button.dataset.scenario }),
    });
    button.disabled = false;
    if (!response || !response.ok) return saysWhy(response, document.getElementById("start-error"));
    const conversation = await response.json();
    window.location.href = `/gesprek/${conversation.id}`;
  });
});

const again = document.getElementById("calibrate-again");
if (again) again.addEventListener("click", () => { document.getElementById("calibration").hidden = false; });

const recordButton = document.getElementById("calibration-record");
const status = document.getElementById("calibration-status");
const retryButton = document.getElementById("calibration-retry");
let session = null;
// A problem in the status line: shown as one, with "Opnieuw proberen" doing `again`.
function problem(message, again) {
  status.textContent = message;
  status.classList.add("error");
  retryButton.hidden = false;
  retryButton.onclick = again;
}

recordButton.addEventListener("click", async () => {
  if (document.activeElement === retryButton) recordButton.focus();  // keyboard focus stays on the recorder
  retryButton.hidden = true;
  status.classList.remove("error");
  if (!session) {
    try {
      session = await VoiceRecorder.start(document.getElementById("calibration-level"));
    } catch (error) {  // no microphone, or not allowed: the Dutch message says what to do
      problem(error.message, () => recordButton.click());
      return;
    }
    recordButton.textContent = "Stop";
    status.textContent = "Lees de tekst rustig voor…";
    return;
  }
  const blob = await session.stop();
  session = null;
  recordButton.textContent = "Opnemen";
  await measure(blob);
});

// The reading stays in the page until it is measured: a failed upload or wait can be tried again.
async function measure(blob) {
  if (document.activeElement === retryButton) recordButton.focus();
  retryButton.hidden = true;
  status.classList.remove("error");
  status.textContent = "Je stem wordt gemeten…";
  let done;
  try {
    const queued = await VoiceRecorder.upload("/api/baselines", blob);
    done = await VoiceRecorder.poll(`/api/baselines/${queued.baseline_id}`, (b) => b.status === "done" || b.status === "error");
  } catch (error) {
    problem(error.message, () => measure(blob));
    return;
  }
  if (done.status === "error") {  // read it again: "Opnieuw proberen" records anew
    problem((done.error && done.error.message) || "Het meten is mislukt. Lees de tekst opnieuw voor.", () => recordButton.click());
    return;
  }
  const summary = document.getElementById("baseline-summary");
  summary.textContent = summary.dataset.measured;
  summary.dataset.ready = "1";
  status.textContent = "Klaar.";
}

document.getElementById("delete-account").addEventListener("click", async () => {
  if (!window.confirm("Weet je het zeker? Al je gesprekken, opnames en je rustige stem worden definitief verwijderd.")) return;
  document.getElementById("delete-error").hidden = true;
  const response = await post("/api/me", { method: "DELETE" });
  if (response && response.ok) window.location.href = "/login";
  else await saysWhy(response, document.getElementById("delete-error"));  // the account is still there
});
