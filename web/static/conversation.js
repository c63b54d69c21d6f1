// Conversation page: hear the customer, answer, see and hear the evidence of the feedback.
"use strict";

const root = document.getElementById("conversation");
const api = `/api/conversations/${root.dataset.id}`;
const $ = (id) => document.getElementById(id);
const LABELS = {
  ik_boodschap: "ik-boodschap", gedrag_benoemen: "gedrag benoemen", open_vraag: "open vraag",
  gesloten_vraag: "gesloten vraag", begrip_tonen: "begrip tonen", samenvatten: "samenvatten",
  oplossing_zoeken: "oplossing zoeken", grens_aangeven: "grens aangeven", aanjager: "conflictaanjager",
};
let waveform = null;
let lastTurn = null;
let chart = null;

async function load(play) {
  const conversation = await (await fetch(api)).json();
  $("persona").textContent = conversation.scenario.persona;
  $("phase").textContent = `${conversation.phase_title} — ${conversation.phase_goal}`;
  $("customer-line").textContent = conversation.customer_line;
  $("anger").textContent = `${conversation.state.anger}/4`;
  $("customer-audio").src = `${api}/customer-audio?beurt=${conversation.state.turn}`;
  const done = conversation.turns.filter((t) => t.status === "done");
  showNotes(conversation.notes);
  $("privacy").hidden = !conversation.viewer.is_owner;
  lastTurn = conversation.turns[conversation.turns.length - 1] || null;
  if (!conversation.viewer.is_owner) {
    $("answer").hidden = true;  // a coach reviews; only the trainee answers
    if (done.length) showReview(done[done.length - 1]);
  } else if (play) {
    $("customer-audio").play().catch(() => {});
  }
  if (done.length && $("feedback").hidden) showFeedback(done[done.length - 1]);
  if (conversation.finished) showSummary(conversation);
  return conversation;
}

function showNotes(notes) {
  $("notes-card").hidden = notes.length === 0;
  $("notes").replaceChildren(...notes.map((note) => {
    const item = document.createElement("li");
    item.textContent = `${note.text} — ${note.author}`;
    return item;
  }));
}

const post = (url, body) => fetch(url, {
  method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(body),
}).then(async (response) => {
  const data = await response.json();
  if (!response.ok) throw data.error;
  return data;
});

let reviewed = null;
function showReview(turn) {
  reviewed = turn;
  $("review").hidden = false;
  $("review-turn").textContent = turn.number;
  $("correct-text").value = turn.corrected_text || turn.result.analysis.transcript.text;
  $("history").replaceChildren(...turn.history.map((version) => {
    const item = document.createElement("li");
    item.textContent = `"${version.text}" (score ${version.score}) — vervangen door ${version.author}`;
    return item;
  }));
  $("overrules").replaceChildren(...turn.overrules.map((o) => {
    const item = document.createElement("li");
    item.textContent = `${LABELS[o.label] || o.label}: ${o.verdict} — ${o.reason} (${o.author})`;
    return item;
  }));
}

$("correct-submit").addEventListener("click", async () => {
  $("review-status").textContent = "Opnieuw scoren…";
  try {
    await post(`/api/turns/${reviewed.id}/transcript`, { text: $("correct-text").value });
    const turn = await VoiceRecorder.poll(`/api/turns/${reviewed.id}`, (t) => t.status === "done" || t.status === "error");
    showFeedback(turn);
    showReview(turn);
    $("review-status").textContent = `Nieuwe score: ${turn.result.score.total}`;
  } catch (error) {
    $("review-status").textContent = error.message;
  }
});

$("note-submit").addEventListener("click", async () => {
  try {
    await post(`${api}/notes`, { text: $("note-text").value, turn_id: reviewed.id });
    $("note-text").value = "";
    load(false);
  } catch (error) {
    $("review-status").textContent = error.message;
  }
});

$("overrule-submit").addEventListener("click", async () => {
  try {
    await post(`/api/turns/${reviewed.id}/overrules`, {
      label: $("overrule-label").value, verdict: $("overrule-verdict").value, reason: $("overrule-reason").value,
    });
    showReview(await (await fetch(`/api/turns/${reviewed.id}`)).json());
  } catch (error) {
    $("review-status").textContent = error.message;
  }
});

let session = null;
$("record").addEventListener("click", async () => {
  $("error").hidden = true;
  if (!session) {
    session = await VoiceRecorder.start($("level"));
    $("record").textContent = "Stop";
    $("status").textContent = "Opname loopt…";
    return;
  }
  const blob = await session.stop();
  session = null;
  $("record").textContent = "Opnemen";
  $("status").textContent = "Versturen…";
  try {
    const queued = await VoiceRecorder.upload(`${api}/turns`, blob, $("upload"));
    $("status").textContent = "Je antwoord wordt geanalyseerd…";
    const turn = await VoiceRecorder.poll(`/api/turns/${queued.turn_id}`, (t) => t.status === "done" || t.status === "error");
    $("upload").hidden = true;
    if (turn.status === "error") return showError(turn.error.message);
    $("status").textContent = "";
    showFeedback(turn);
    await load(true);
  } catch (error) {
    showError(error.message);
  }
});

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").textContent = "";
}

function showFeedback(turn) {
  const { analysis, score, reaction } = turn.result;
  $("feedback").hidden = false;
  showVoiceNotes(analysis);
  showTranscript(analysis.corrected_text || analysis.transcript.text, analysis.wording);
  showWaveform(turn.id, analysis.voice);
  showChart(analysis.voice);
  $("points").replaceChildren(...score.points.map((point) => {
    const item = document.createElement("li");
    item.className = point.points > 0 ? "plus" : "minus";
    item.textContent = point.explanation;
    return item;
  }));
  $("reaction").dataset.total = score.total;
  $("reaction").textContent = `Punten deze beurt: ${score.total}. De klant reageert: boosheid ` +
    `${reaction.anger_before} → ${reaction.anger_after}.` + (reaction.next_line ? ` Volgende zin: "${reaction.next_line}"` : "");
}

function showTranscript(text, hits) {
  // Longest first, accelerators before techniques; overlapping hits stay in the list of points.
  const placed = [];
  [...hits].sort((a, b) => (a.label === "aanjager" ? -1 : 0) - (b.label === "aanjager" ? -1 : 0) || (b.end - b.start) - (a.end - a.start))
    .forEach((hit) => { if (!placed.some((p) => hit.start < p.end && p.start < hit.end)) placed.push(hit); });
  placed.sort((a, b) => a.start - b.start);
  const parts = [];
  let cursor = 0;
  placed.forEach((hit) => {
    parts.push(document.createTextNode(text.slice(cursor, hit.start)));
    const mark = document.createElement("mark");
    mark.className = `hit ${hit.label}`;
    mark.dataset.rule = hit.rule;
    mark.title = `${LABELS[hit.label] || hit.label}${hit.label === "aanjager" ? ` (${hit.subtype})` : ""} — ${hit.explanation} Bron: ${hit.source_title}. Regel: ${hit.rule}`;
    mark.tabIndex = 0;
    mark.textContent = text.slice(hit.start, hit.end);
    parts.push(mark);
    cursor = hit.end;
  });
  parts.push(document.createTextNode(text.slice(cursor)));
  $("transcript").replaceChildren(...parts);
}

// Not calibrated yet, or an overdriven recording: said above the feedback, with a way to fix it.
function showVoiceNotes(analysis) {
  const items = [];
  const note = analysis.voice.baseline.note;
  if (note) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "/#kalibratie";
    link.textContent = "Meet je rustige stem";
    item.append(`${note} `, link);
    items.push(item);
  }
  analysis.audio.warnings.forEach((warning) => {
    const item = document.createElement("li");
    item.textContent = warning.message;
    items.push(item);
  });
  $("voice-notes").replaceChildren(...items);
  $("voice-notes").hidden = items.length === 0;
}

const decimal = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 1 });

function voiceFlags(voice) {
  const units = { loudness: "dB", pitch: "halve tonen" };
  const flags = voice.rises.map((rise) => ({
    start: rise.start, end: rise.end,
    label: `${rise.measure === "loudness" ? "harder" : "hoger"} (ongeveer ${decimal.format(rise.difference)} ${units[rise.measure]})`,
  }));
  ["loudness", "pitch", "rate"].forEach((name) => {
    const measure = voice[name];
    if (measure && measure.raised) {
      const word = { loudness: "harder", pitch: "hoger", rate: "sneller" }[name];
      // one region per stretch above the limit (merged across pauses), else the measure's seconds
      const stretches = measure.stretches && measure.stretches.length ? measure.stretches : [measure.seconds];
      stretches.forEach(([start, end]) => flags.push({ start, end, label: `${word} dan je rustige stem` }));
    }
  });
  return flags;
}

function showWaveform(turnId, voice) {
  if (waveform) waveform.destroy();
  const regions = WaveSurfer.Regions.create();
  waveform = WaveSurfer.create({
    container: "#waveform", height: 90, waveColor: "#8aa4b8", progressColor: "#1f6f8b",
    url: `/api/turns/${turnId}/audio`, plugins: [regions],
  });
  waveform.on("decode", () => {
    voiceFlags(voice).forEach((flag) => {
      regions.addRegion({ start: flag.start, end: flag.end, content: flag.label, color: "rgba(214, 69, 65, 0.25)", drag: false, resize: false });
    });
  });
  regions.on("region-clicked", (region, event) => { event.stopPropagation(); region.play(); });
}

function showChart(voice) {
  const c = voice.contours;
  const base = voice.baseline;
  const loudLimit = voice.loudness ? voice.loudness.threshold : 3;
  const pitchLimit = voice.pitch ? voice.pitch.threshold : 1.5;
  const band = (value) => c.times.map(() => value);
  if (chart) chart.destroy();
  chart = new Chart($("voice-chart"), {
    type: "line",
    data: {
      labels: c.times.map((t) => t.toFixed(1)),
      datasets: [
        { label: "luidheid (dB)", data: c.loudness_db, borderColor: "#1f6f8b", pointRadius: 0, yAxisID: "dB", spanGaps: false },
        { label: "rustige stem: grens luidheid", data: band(base.loudness_db + loudLimit), borderColor: "rgba(31,111,139,.35)", borderDash: [4, 4], pointRadius: 0, yAxisID: "dB" },
        { label: "toonhoogte (halve tonen t.o.v. je rustige stem)", data: c.pitch_st, borderColor: "#c0392b", pointRadius: 0, yAxisID: "st", spanGaps: false },
        { label: "rustige stem: grens toonhoogte", data: band(pitchLimit), borderColor: "rgba(192,57,43,.35)", borderDash: [4, 4], pointRadius: 0, yAxisID: "st" },
      ],
    },
    options: { animation: false, scales: { dB: { position: "left" }, st: { position: "right" } } },
  });
}

function showSummary(conversation) {
  $("answer").hidden = true;
  $("summary").hidden = false;
  const last = conversation.turns.filter((t) => t.status === "done").pop();
  const outcome = last && last.result.reaction.outcome;
  $("outcome").textContent = outcome === "calmed" ? conversation.ending.calmed_message
    : outcome === "escalated" ? `Het gesprek escaleerde. ${conversation.ending.escalated_advice.join(" ")}`
    : "Het gesprek is niet afgerond.";
  const points = conversation.turns.filter((t) => t.status === "done").flatMap((t) => t.result.score.points);
  const unique = (list) => [...new Map(list.map((p) => [p.criterion, p])).values()];
  const item = (p) => { const li = document.createElement("li"); li.textContent = `${p.explanation}`; return li; };
  $("went-well").replaceChildren(...unique(points.filter((p) => p.points > 0)).map(item));
  $("practise-next").replaceChildren(...unique(points.filter((p) => p.points < 0)).map(item));
}

load(true);

async function remove(url, question, then) {
  if (!window.confirm(question)) return;
  const response = await fetch(url, { method: "DELETE", headers: csrfHeaders() });
  if (response.ok) then();
}

$("delete-turn").addEventListener("click", () => {
  if (!lastTurn) return;
  remove(`/api/turns/${lastTurn.id}`, "De laatste opname en de analyse ervan definitief verwijderen?", () => window.location.reload());
});
$("delete-conversation").addEventListener("click", () => {
  remove(api, "Dit gesprek met alle opnames definitief verwijderen?", () => { window.location.href = "/"; });
});
