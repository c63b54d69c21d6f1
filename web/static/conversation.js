// Conversation page: hear the customer, answer, read the feedback of every turn; the next line
// waits for "Verder"; the end screen sums the conversation up.
"use strict";

const root = document.getElementById("conversation");
const api = `/api/conversations/${root.dataset.id}`;
const $ = (id) => document.getElementById(id);
let conversation = null;
let newestTurn = null;  // "Laatste opname verwijderen" deletes this one
let waiting = false;  // feedback is shown; the customer's next line waits for "Verder"
let retryOf = null;  // the turn whose customer line is answered again ("Probeer opnieuw")
const maxSeconds = Number(root.dataset.maxSeconds) || 120;
// Only the trainee has the recorder and the privacy buttons; a coach's page has the review panel.
const hide = (id, hidden) => { if ($(id)) $(id).hidden = hidden; };

// One sound at a time: the trainee's own reply played over the customer's line (a test session).
// `play` does not bubble, so it is caught on the way down; the waveform's player is not in the page
// and says so itself (VoicePanel).
function pauseOthers(playing) {
  document.querySelectorAll("audio, video").forEach((media) => { if (media !== playing) media.pause(); });
  if (typeof VoicePanel !== "undefined") VoicePanel.pauseUnless(playing);
}
document.addEventListener("play", (event) => pauseOthers(event.target), true);

// Each customer line plays by itself once: reopening the conversation (a reload, the way back from
// another page) played the line, or the final words, again. The play button stays.
function playOnce(audio, line) {
  const key = `voicecoach-gehoord-${root.dataset.id}`;
  let heard = null;
  try { heard = localStorage.getItem(key); } catch { /* storage off: play as before */ }
  if (heard === line) return;
  try { localStorage.setItem(key, line); } catch { /* storage off */ }
  audio.play().catch(() => {});
}

async function load(play) {
  conversation = await (await fetch(api)).json();
  const owner = conversation.viewer.is_owner;
  const kept = conversation.turns.filter((t) => !t.set_aside);
  // turns come by line, then attempt: the last is the newest recording, also when it is a set-aside attempt
  newestTurn = conversation.turns[conversation.turns.length - 1] || null;
  hide("privacy", false);
  hide("answer", (conversation.finished || waiting) && !retryOf);
  showNotes(conversation.notes, owner);
  showTurns(conversation.turns, owner);
  if (!owner && typeof Review !== "undefined") Review.refresh(kept);  // the answers that count
  if (retryOf) {
    showRetryLine(retryOf);
    return conversation;
  }
  if (waiting) {
    $("continue").textContent = conversation.finished ? "Naar het einde van het gesprek" : "Verder: de klant reageert";
    return conversation;
  }
  if (conversation.finished) {
    showSummary(conversation, play);
  } else {
    showCustomer(conversation, play && owner);
  }
  return conversation;
}

function showCustomer(data, play) {
  $("customer").hidden = false;
  $("customer-audio").hidden = false;
  $("persona").textContent = data.scenario.persona;
  $("phase").textContent = `Fase: ${data.phase_title} — ${data.phase_goal}`;
  $("customer-line").textContent = data.customer_line;
  $("anger").textContent = `${data.state.anger} van 4`;
  $("turn-count").textContent = `Beurt ${data.state.turn + 1} van hoogstens ${data.scenario.max_turns}`;
  $("customer-audio").src = `${api}/customer-audio?beurt=${data.state.turn}`;
  if (play) playOnce($("customer-audio"), `beurt-${data.state.turn}`);
}

function showTurns(turns, owner) {
  $("feedback").hidden = turns.length === 0;
  const done = turns.filter((t) => t.status === "done" && !t.set_aside);
  const newest = done[done.length - 1];
  // A re-render keeps open what the reader opened; a new reply's turn opens by itself, alone, with
  // the voice panel: the panel and the focus stayed on the turn before, so a trainee who just shouted
  // read "Je stem bleef … binnen je rustige bereik" of the previous reply above it (a test session).
  const shown = new Set([...$("turns").querySelectorAll(".turn[data-done]")].map((b) => b.dataset.id));  // with its feedback
  const arrived = newest && !shown.has(newest.id);
  const open = arrived ? new Set() : new Set([...$("turns").querySelectorAll(".turn[open]")].map((b) => b.dataset.id));
  const voiceTurn = $("voice-panel").closest(".turn");
  const voiceId = voiceTurn && open.has(voiceTurn.dataset.id) ? voiceTurn.dataset.id : newest && newest.id;
  $("voice-panel").hidden = true;
  root.append($("voice-panel"));  // out of the blocks that are about to be replaced
  // An attempt set aside for another at its line is shown in that turn's table of attempts.
  const listed = turns.filter((t) => !t.set_aside);
  $("turns").replaceChildren(...listed.map((turn, index) => {
    const isOpen = open.has(turn.id) || (turn === newest && !shown.has(turn.id));
    const block = renderTurn(turn, { open: isOpen, isLast: index === listed.length - 1 });
    if (turn.status === "done") block.dataset.done = "";
    const attempts = turns.filter((t) => t.number === turn.number && (t.set_aside || t.status !== "error"));
    Attempts.decorate(block, turn, attempts, { owner, onRetry: startRetry, onChanged: () => load(false) });
    const voiceButton = block.querySelector(".show-voice");
    if (voiceButton) voiceButton.addEventListener("click", () => VoicePanel.show(block, turn));
    if (!owner && turn.status === "done") {
      const review = el("button", "review-turn", `Beurt ${turn.number} beoordelen`);
      review.type = "button";
      review.addEventListener("click", () => Review.show(turn));
      block.querySelector(".turn-actions").append(review);
    }
    return block;
  }));
  // The voice shown may belong to an attempt just set aside (another was kept): its block is gone.
  const voiced = listed.find((t) => t.id === voiceId && t.status === "done") || newest;
  if (voiced) VoicePanel.show($("turns").querySelector(`.turn[data-id="${voiced.id}"]`), voiced);
}

function showNotes(notes, owner) {
  $("notes-card").hidden = notes.length === 0;
  const seen = root.dataset.seenBefore;
  $("notes").replaceChildren(...notes.map((note) => {
    const item = el("li");
    if (owner && (!seen || note.created_at > seen)) item.append(el("strong", "new-note", "Nieuw: "));
    item.append(document.createTextNode(note.text));
    const where = note.turn ? `bij beurt ${note.turn}` : "bij het hele gesprek";
    item.append(el("span", "note-meta", ` — ${note.author || "coach"}, ${where}, ${NL.date(note.created_at)}`));
    if (!owner && String(note.author_id) === root.dataset.me) item.append(Review.withdrawButton(
      "Notitie intrekken? De deelnemer ziet hem dan niet meer.", `/api/notes/${note.id}`, "Notitie ingetrokken.",
    ));
    return item;
  }));
}

$("continue").addEventListener("click", async () => {
  waiting = false;
  $("continue").hidden = true;
  await load(true);
  (conversation.finished ? $("summary-heading") : $("customer-line")).focus();
});

async function turnFinished() {
  waiting = true;
  endRetry();
  await load(false);
  hide("answer", true);
  $("continue").hidden = false;
  const newest = [...$("turns").querySelectorAll(".turn[open] > summary")].pop();  // the reply just made
  if (newest) newest.focus();
}

// "Probeer opnieuw": the recorder answers the turn's customer line again; the customer is not moved
// until the trainee keeps the new attempt (voicecoach/attempts.py).
function startRetry(turn) {
  retryOf = turn;
  $("continue").hidden = true;
  $("retry-hint").hidden = false;
  $("answer-heading").textContent = `Nieuwe poging bij beurt ${turn.number}`;
  hide("answer", false);
  showRetryLine(turn);
  $("answer").scrollIntoView({ block: "center" });
  $("record").focus();
}

function showRetryLine(turn) {
  $("summary").hidden = true;
  $("customer").hidden = false;
  $("customer-audio").hidden = true;  // the current line's audio: this is an earlier line
  $("phase").textContent = `Fase: ${turn.phase_title}`;
  $("customer-line").textContent = turn.customer_line;
  $("anger").textContent = turn.result ? `${turn.result.reaction.anger_before} van 4` : "";
  $("turn-count").textContent = `Beurt ${turn.number}`;
}

function endRetry() {
  retryOf = null;
  if (!$("retry-hint")) return;
  $("retry-hint").hidden = true;
  $("answer-heading").textContent = "Jouw antwoord";
}

if ($("cancel-retry")) $("cancel-retry").addEventListener("click", async () => {
  endRetry();
  $("continue").hidden = !waiting;
  await load(false);
});

let session = null;
let busy = false;  // starting or stopping: further clicks wait
const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

if ($("record")) $("record").addEventListener("click", async (event) => {
  if (busy || event.detail > 1) return;  // the second click of a double click starts nothing new
  busy = true;
  try {
    if (session) await stopRecording(false);
    else await startRecording();
  } finally {
    busy = false;
  }
});

// Seconds of the customer's line still to play (0 when it is not playing): the server checks whether
// the reply talked over it (README "Laat de klant uitpraten"). Another attempt answers an earlier line.
function lineLeft() {
  const audio = $("customer-audio");
  if (retryOf || !audio || audio.paused || audio.ended || !Number.isFinite(audio.duration)) return 0;
  return Math.max(0, audio.duration - audio.currentTime);
}

// "Tips tijdens het spreken" (README "Live cues"): off unless the trainee turned it on in this
// browser; then the stream sends a cue now and then and one calm word shows for a few seconds.
const CUES_KEY = "voicecoach.cues";
const CUE_SHOWN_MS = 4000;
let cueTimer = null;
if ($("cues")) {
  $("cues").checked = localStorage.getItem(CUES_KEY) === "1";
  $("cue").hidden = !$("cues").checked;  // its line takes room only when cues can come
  $("cues").addEventListener("change", (event) => {
    if (event.target.checked) localStorage.setItem(CUES_KEY, "1");
    else localStorage.removeItem(CUES_KEY);
    $("cue").hidden = !event.target.checked;
  });
}
const withCues = (url) => ($("cues") && $("cues").checked ? `${url}${url.includes("?") ? "&" : "?"}cues=1` : url);

function showCue(cue) {
  if (!session) return;  // a late message after Stop
  $("cue").textContent = VOCABULARY.cues[cue.cue] || "";
  clearTimeout(cueTimer);
  cueTimer = setTimeout(hideCue, CUE_SHOWN_MS);
}

function hideCue() {
  clearTimeout(cueTimer);
  if ($("cue")) $("cue").textContent = "";
}

async function startRecording() {
  clearError();
  try {
    const leftAtClick = lineLeft();  // the stream's handshake needs it before the recorder runs
    const turn = conversation.state.turn + 1;  // the line it answers: a stream cut mid-reply never answers the next
    const reply = VoiceRecorder.newReplyId();  // stream, upload and "Opnieuw proberen" store it once
    session = await VoiceRecorder.start($("level"), {
      maxSeconds,
      onTick: (seconds) => { $("timer").textContent = `${clock(seconds)} van hoogstens ${clock(maxSeconds)}`; },
      onLimit: () => stopRecording(true),
      // VOICECOACH_LIVE_STREAMING; another attempt goes by upload (its own address)
      streamPath: root.dataset.stream && !retryOf ? withCues(VoiceRecorder.replyUrl(`${api}/stream`, turn, leftAtClick, reply)) : null,
      onCue: showCue,
    });
    // Where this recording goes, fixed now: "Annuleren" of a retry or "Opnieuw proberen" later
    // changes nothing (lineLeft: the recorder runs from here).
    session.url = retryOf ? `/api/turns/${retryOf.id}/attempts?reply=${reply}`
      : VoiceRecorder.replyUrl(`${api}/turns`, turn, lineLeft(), reply);
  } catch (error) {  // no microphone, or not allowed: say so, and how to go on
    return showError(error.message, startRecording, { wayOut: Boolean(error.microphone) });
  }
  $("record").textContent = "Stop";
  $("status").textContent = "Opname loopt…";
  VoiceRecorder.fillChooser($("microphone"));  // the names are known once a microphone was allowed
}

async function stopRecording(atLimit) {
  if (!session) return;
  const current = session;
  session = null;
  hideCue();
  $("record").disabled = true;  // locked until this reply has been analysed
  const blob = await current.stop();
  blob.url = current.url;
  $("record").textContent = "Opnemen";
  $("timer").textContent = atLimit ? `Automatisch gestopt na ${clock(maxSeconds)}: langer kan een antwoord niet zijn.` : "";
  await send(blob);
}

if ($("microphone")) {
  VoiceRecorder.fillChooser($("microphone"));
  $("microphone").addEventListener("change", (event) => VoiceRecorder.choose(event.target.value));
}

// The recording stays in the page until the server has it: a failed upload can be sent again.
async function send(blob) {
  $("status").textContent = "Versturen…";
  $("record").disabled = true;
  let queued;
  try {
    queued = await VoiceRecorder.upload(blob.url, blob, $("upload"));
  } catch (error) {
    return showError(error.message, () => send(blob), { login: error.code === "login_required" });
  }
  await follow(queued.turn_id, queued.analysed);
}

// `analysed`: the stream's word that the feedback is ready (bounded); polling is the fallback.
// One bound from Stop, whichever way the page waits: the stream's word, then polling, took up to six
// minutes before the page said anything (a test session).
async function follow(turnId, analysed = null) {
  $("status").textContent = "Je antwoord wordt geanalyseerd…";
  const started = Date.now();
  let turn;
  try {
    if (analysed) await analysed;
    const limitMs = Math.max(ANALYSIS_LIMIT_MS - (Date.now() - started), 1000);  // at least one ask
    turn = await VoiceRecorder.poll(`/api/turns/${turnId}`, (t) => t.status === "done" || t.status === "error", { limitMs });
  } catch (error) {
    const login = error.code === "login_required";
    return showError(login ? LOGGED_OUT : error.message, () => follow(turnId), { login });
  }
  $("upload").hidden = true;
  if (turn.status === "error") return showError((turn.error && turn.error.message) || "De analyse is mislukt. Neem je antwoord opnieuw op.");
  $("status").textContent = "";
  $("record").disabled = false;  // analysed: the next line ("Verder") or another attempt is answered with it
  await turnFinished();
}

let retryAction = null;
// The recorder, its errors and "Opnieuw proberen" exist only on the trainee's own page.
if ($("retry")) $("retry").addEventListener("click", () => {
  clearError();
  if (retryAction) retryAction();
});

function showError(message, retry = null, { wayOut = false, login = false } = {}) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").textContent = "";
  $("record").disabled = false;
  retryAction = retry;
  $("retry").hidden = !retry;
  $("way-out").hidden = !wayOut;
  $("login-again").hidden = !login;
  // On a phone the message lay below the screen and the focus on the vanished Stop button (a test
  // session): the way on gets the focus and the message is scrolled into view.
  (retry ? $("retry") : $("record")).focus({ preventScroll: true });
  $("error").scrollIntoView({ block: "nearest" });
}

function clearError() {
  $("error").hidden = true;
  $("retry").hidden = true;
  $("way-out").hidden = true;
  $("login-again").hidden = true;
}

function pointList(points) {
  return points.length ? points.map(renderPoint) : [el("li", "", "Nog niets in dit gesprek.")];
}

function showSummary(data, play) {
  const summary = data.summary;
  $("customer").hidden = true;
  hide("answer", true);
  $("summary").hidden = false;
  $("final-line").textContent = `“${summary.final_line}”`;
  $("final-audio").src = `${api}/customer-audio?einde=${data.state.turn}`;
  if (play) playOnce($("final-audio"), `einde-${data.state.turn}`);
  $("outcome").textContent = summary.message  // how it calmed (each scenario), or how it was broken off
    ?? (summary.outcome === "escalated" ? "Het gesprek escaleerde."
      : `Het gesprek stopte na ${data.state.turn} ${data.state.turn === 1 ? "beurt" : "beurten"} zonder dat de klant gekalmeerd was.`);
  $("advice").replaceChildren(...summary.advice.map((text) => el("li", "", text)));
  $("advice-block").hidden = summary.advice.length === 0;
  $("total").textContent = `${NL.points(summary.total)} in ${data.state.turn} ${data.state.turn === 1 ? "beurt" : "beurten"}`;
  $("total").dataset.total = summary.total;
  $("phase-scores").replaceChildren(...summary.phases.map((phase) => {
    const row = el("tr");
    row.append(el("th", "", phase.title), el("td", "", String(phase.turns)), el("td", "", NL.signed(phase.score)));
    row.firstChild.scope = "row";
    return row;
  }));
  $("went-well").replaceChildren(...pointList(summary.went_well));
  $("practise-next").replaceChildren(...pointList(summary.practise_next));
  const style = summary.style;
  $("style-title").textContent = style.title;
  $("style-explanation").textContent = style.explanation;
  const evidence = (e) => el("li", "", `Beurt ${e.turn}: ${e.kind} (${e.signs.join(", ")})`);
  $("style-evidence").replaceChildren(...style.evidence.map(evidence));
  // the replies that showed another way: a forcing reply vanished under "win-winsituatie" (a test session)
  $("style-others").replaceChildren(...(style.others || []).map(evidence));
  $("style-others-block").hidden = !(style.others || []).length;
  $("style-source").replaceChildren(source(style.source_title));
  $("retry-scenario").dataset.scenario = data.scenario.id;
  $("summary").querySelector(".actions").hidden = !data.viewer.is_owner;
}

// A reply still being analysed (the page was reloaded meanwhile): the recorder stays locked and
// the page follows it.
load(true).then((data) => {
  const pending = data.viewer.is_owner && data.turns.find((t) => t.status === "queued" || t.status === "running");
  if (!pending || !$("record")) return;
  $("record").disabled = true;
  if (pending.set_aside) startRetry(data.turns.find((t) => t.number === pending.number && !t.set_aside) || pending);
  follow(pending.id);
});
