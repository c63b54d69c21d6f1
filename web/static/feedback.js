// One turn's feedback: transcript with highlighted wording, colour legend, points with their
// sources one click away, the reply as plain audio, the customer's reaction.
"use strict";

// The Dutch names come from the server's vocabulary (voicecoach/vocabulary.py), never copied here.
const VOCABULARY = JSON.parse(document.getElementById("conversation").dataset.vocabulary);
const LABELS = { ...VOCABULARY.techniques, aanjager: "conflictaanjager" };
const AANJAGERS = VOCABULARY.aanjagers;

// A turn's recording as a player. Every opening of a recording is audited: it loads only when played.
function recordingPlayer(turnId, className, label) {
  const audio = el("audio", className);
  audio.controls = true;
  audio.preload = "none";
  audio.src = `/api/turns/${turnId}/audio`;
  audio.setAttribute("aria-label", label);
  return audio;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function hitName(hit) {
  return hit.label === "aanjager" ? `conflictaanjager (${AANJAGERS[hit.subtype] || hit.subtype})` : LABELS[hit.label] || hit.label;
}

let tipCount = 0;
// Highlights are focusable; the explanation shows on focus and on hover and is the mark's description.
function renderTranscript(text, hits) {
  const placed = [];
  [...hits].sort((a, b) => (a.label === "aanjager" ? -1 : 0) - (b.label === "aanjager" ? -1 : 0) || (b.end - b.start) - (a.end - a.start))
    .forEach((hit) => { if (!placed.some((p) => hit.start < p.end && p.start < hit.end)) placed.push(hit); });
  placed.sort((a, b) => a.start - b.start);
  const paragraph = el("p", "transcript");
  let cursor = 0;
  placed.forEach((hit) => {
    paragraph.append(document.createTextNode(text.slice(cursor, hit.start)));
    const mark = el("mark", `hit ${hit.label}`, text.slice(hit.start, hit.end));
    mark.tabIndex = 0;
    mark.dataset.rule = hit.rule;
    const tip = el("span", "tip", `${hitName(hit)}: ${hit.explanation} (Bron: ${hit.source_title})`);
    tip.id = `tip-${++tipCount}`;
    tip.setAttribute("role", "tooltip");
    mark.setAttribute("aria-describedby", tip.id);
    mark.append(tip);
    paragraph.append(mark);
    cursor = hit.end;
  });
  paragraph.append(document.createTextNode(text.slice(cursor)));
  return paragraph;
}

function renderLegend() {
  const legend = el("ul", "legend");
  legend.setAttribute("aria-label", "Kleuren van de markeringen");
  Object.entries(LABELS).forEach(([label, name]) => {
    const item = el("li");
    item.append(el("span", `swatch ${label}`), document.createTextNode(name));
    legend.append(item);
  });
  return legend;
}

function source(title) {
  const details = el("details", "source");
  details.append(el("summary", "", "Bron"), el("span", "", title));
  return details;
}

// The scoring writes "… Bron: <titel>." at the end of a line: show it one click away instead.
function withoutSource(explanation, title) {
  const at = explanation.lastIndexOf(` Bron: ${title}`);
  return at >= 0 ? (explanation.slice(0, at) + explanation.slice(at + ` Bron: ${title}.`.length)).trim() : explanation;
}

// The coach's reason as one clause of a sentence that goes on ("… ongepast.." read twice a stop).
const reasonText = (point) => (point.coach_reason ? ` — ${point.coach_reason.trim().replace(/[.!?…]+$/, "")}` : "");

function renderPoint(point) {
  const item = el("li", point.points > 0 ? "plus" : point.points < 0 ? "minus" : "zero");
  const text = withoutSource(point.explanation, point.source_title);
  if (point.coach === "removed") {
    item.classList.add("coach");
    item.append(el("strong", "", "Coach: "), document.createTextNode(
      `dit telt niet mee (was ${NL.signed(point.machine_points)})${reasonText(point)}. `));
    // without its own "+2:": struck through after "telt niet mee" it still read as counting (a test session)
    item.append(el("s", "", text.replace(/^[+\-−]?\d+:\s*/, "")));
  } else if (point.coach === "added") {
    item.classList.add("coach");
    item.append(el("strong", "", "Coach: "), document.createTextNode(
      `${point.coach_label} gemist${reasonText(point)}. Dit telt mee: ${NL.signed(point.points)}.`));
  } else if (point.coach) {
    item.classList.add("coach");
    item.append(el("strong", "", "Coach: "), document.createTextNode(`aangepast na het oordeel van de coach. ${text}`));
  } else {
    item.textContent = text;
  }
  item.dataset.points = point.points;
  item.append(" ", source(point.source_title));
  return item;
}

function renderPoints(score) {
  const list = el("ul", "points");
  // a reply with nothing to count for or against still says so (a short reply can have none)
  if (!score.points.length) list.append(el("li", "zero", "Geen punten bij dit antwoord: er viel niets op in je woorden of je stem."));
  list.append(...score.points.map(renderPoint));
  return list;
}

function angerText(reaction) {
  const change = reaction.anger_after - reaction.anger_before;
  if (change === 0 && reaction.anger_after === 0) return "De klant bleef rustig: boosheid 0 (van 4).";
  if (change === 0) return `De klant bleef even boos: boosheid ${reaction.anger_after} (van 4).`;
  return `De klant werd ${change < 0 ? "rustiger" : "bozer"}: boosheid ${reaction.anger_before} → ${reaction.anger_after} (van 4).`;
}

function scoreText(score) {
  const judged = score.judged && score.total !== score.machine_total ? ` (met het oordeel van de coach; eerst ${NL.points(score.machine_total)})` : "";
  return `${NL.points(score.total)}${judged}`;
}

// A whole turn as a <details> block: open for the newest, closed for earlier ones.
function renderTurn(turn, { open = false, isLast = false } = {}) {
  const block = el("details", "turn");
  block.open = open;
  block.dataset.number = turn.number;
  block.dataset.id = turn.id;
  const summary = el("summary");
  const result = turn.result;
  summary.append(el("span", "turn-title", `Beurt ${turn.number}`), document.createTextNode(` · ${turn.phase_title}`));
  if (turn.status === "done") summary.append(el("span", "turn-score", ` · ${scoreText(turn.score)}`));
  else summary.append(el("span", "turn-score", turn.status === "error" ? " · niet gelukt" : " · wordt geanalyseerd"));
  block.append(summary);
  block.append(el("p", "said", `De klant: “${turn.customer_line}”`));
  if (turn.status === "error") {
    block.append(el("p", "error", turn.error.message));
    return block;
  }
  if (turn.status !== "done") return block;
  const { analysis, reaction } = result;
  block.append(el("h3", "", "Jouw antwoord"));
  block.append(renderTranscript(analysis.corrected_text || analysis.transcript.text, analysis.wording));
  block.append(recordingPlayer(turn.id, "reply-audio", `Je antwoord in beurt ${turn.number} afspelen`));
  block.append(el("h3", "", "Punten"));
  block.append(renderPoints(turn.score));
  const total = el("p", "total", `Totaal deze beurt: ${scoreText(turn.score)}.`);
  total.dataset.total = turn.score.total;
  block.append(total);
  block.append(el("p", "reaction", angerText(reaction)));
  if (!isLast && reaction.next_line) block.append(el("p", "said", `De klant daarna: “${reaction.next_line}”`));
  const actions = el("div", "turn-actions");
  const voice = el("button", "secondary show-voice", "Stem en golfvorm bekijken");
  voice.type = "button";
  actions.append(voice);
  block.append(actions);
  return block;
}
