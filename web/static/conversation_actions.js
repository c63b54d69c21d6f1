// The conversation page's buttons that change or delete something (end screen, privacy section):
// a request that fails says so, that nothing changed, with a way on. Uses conversation.js's globals.

// A button's request that failed says so, with a way on: a deletion after logging out in another
// tab did nothing and showed nothing, so the trainee could think a recording was gone (a test session).
async function actionFailed(response, retry) {
  const body = response ? parseJson(await response.text()) : null;
  const code = body && body.error && body.error.code;
  // Logged in again in another tab: that login's security code, and the request once more (as the upload does).
  if (code === "csrf" && await renewCsrf()) return retry();
  const login = code === "login_required";
  const message = login
    ? "Je bent niet meer ingelogd. Log opnieuw in (dat opent een nieuw tabblad) en kies dan hier Opnieuw proberen: er is nog niets veranderd."
    : (body && body.error && body.error.message) || "Dat is niet gelukt (is de verbinding weg?). Er is niets veranderd: probeer het opnieuw.";
  $("action-error").textContent = message;
  $("action-login").hidden = !login;
  $("action-problem").hidden = false;
  $("action-problem").scrollIntoView({ block: "center" });
  $("action-retry").onclick = async () => {
    $("action-problem").hidden = true;
    await renewCsrf();  // a new login has a new security code
    retry();
  };
}

async function startOver() {
  const response = await fetch("/api/conversations", {
    method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ scenario_id: $("retry-scenario").dataset.scenario }),
  }).catch(() => null);
  if (response && response.ok) window.location.href = `/gesprek/${(await response.json()).id}`;
  else await actionFailed(response, startOver);
}
$("retry-scenario").addEventListener("click", startOver);

async function remove(url, question, then) {
  if (window.confirm(question)) await removeConfirmed(url, then);
}

// Asked once: a retry after a failure deletes without asking again.
async function removeConfirmed(url, then) {
  const response = await fetch(url, { method: "DELETE", headers: csrfHeaders() }).catch(() => null);
  if (response && response.ok) then();
  else await actionFailed(response, () => removeConfirmed(url, then));
}

// A coach's notes go with what they are about: the question says so (they went silently, a test session).
function notesGoing(notes) {
  if (notes.length === 0) return "";
  return notes.length === 1 ? " De notitie van je coach erbij gaat ook weg." : ` De ${notes.length} notities van je coach erbij gaan ook weg.`;
}

if ($("privacy")) {
  $("delete-turn").addEventListener("click", () => {
    if (!newestTurn) return;
    const notes = conversation.notes.filter((note) => note.turn_id === newestTurn.id);
    remove(`/api/turns/${newestTurn.id}`, `De laatste opname en de analyse ervan definitief verwijderen?${notesGoing(notes)}`,
      () => window.location.reload());
  });
  $("delete-conversation").addEventListener("click", () => {
    remove(api, `Dit gesprek met alle opnames definitief verwijderen?${notesGoing(conversation.notes)}`, () => { window.location.href = "/"; });
  });
}
