// Second chances on a turn: the attempts at one customer line side by side (words, voice points,
// points, how the customer's anger would move) with "Deze poging houden"; "Probeer opnieuw"; the
// trainee's own correction of misheard words, and who corrected a transcript.
"use strict";

const VOICE_CRITERIA = ["stem:", "stijging:"];

const Attempts = {
  // Add these parts to a rendered turn block. `attempts`: every attempt at the turn's line.
  decorate(block, turn, attempts, { owner, onRetry, onChanged }) {
    if (turn.status === "done" && turn.corrected_by) Attempts.markCorrected(block, turn, owner);
    const actions = block.querySelector(".turn-actions");  // absent while the turn is being analysed again
    if (attempts.length > 1) {
      const table = Attempts.table(attempts, { owner, onChanged });
      if (actions) actions.before(table);
      else block.append(table);
    }
    if (!owner || !turn.current_line || turn.status !== "done") return;
    const retry = el("button", "secondary retry-turn", "Probeer opnieuw");
    retry.type = "button";
    retry.addEventListener("click", () => onRetry(turn));
    actions.prepend(retry);
    actions.after(Attempts.correctionForm(turn, onChanged));
  },

  markCorrected(block, turn, owner) {
    const byTrainee = turn.corrected_by === "trainee";
    const who = owner ? (byTrainee ? "Gecorrigeerd door jou" : "Verbeterd door je coach")
      : (byTrainee ? "Gecorrigeerd door de deelnemer" : "Verbeterd door een coach");
    const note = el("p", "corrected", `${who}. VoiceCoach hoorde eerst: “${turn.result.analysis.transcript.text}”`);
    note.dataset.by = turn.corrected_by;
    block.querySelector(".transcript").after(note);
  },

  table(attempts, { owner, onChanged }) {
    const wrap = el("div", "attempts-wrap");
    const table = el("table", "attempts");
    table.append(el("caption", "", "Jouw pogingen bij deze klantzin"));
    const head = el("tr");
    head.append(el("td"));
    attempts.forEach((a) => {
      const th = el("th", "", `Poging ${a.attempt}${a.status === "done" && !a.set_aside ? " (telt)" : ""}`);
      th.scope = "col";
      head.append(th);
    });
    const row = (title, cell) => {
      const tr = el("tr");
      const th = el("th", "", title);
      th.scope = "row";
      tr.append(th, ...attempts.map((a) => { const td = el("td"); td.append(...[].concat(cell(a))); return td; }));
      return tr;
    };
    const done = (a, value) => (a.status === "done" ? value() : a.status === "error" ? (a.error && a.error.message) || "niet gelukt" : "wordt geanalyseerd…");
    const body = el("tbody");
    body.append(
      row("Jouw woorden", (a) => done(a, () => `“${a.result.analysis.corrected_text || a.result.analysis.transcript.text}”`)),
      // each attempt's voice points with what caused them, and its recording: the attempt that is set
      // aside could not be read or heard before choosing it (a test session)
      row("Punten voor je stem", (a) => done(a, () => {
        const voice = a.score.points.filter((p) => VOICE_CRITERIA.some((c) => p.criterion.startsWith(c)));
        const why = el("ul", "attempt-voice");
        why.append(...voice.filter((p) => p.points !== 0).map((p) => el("li", "", p.explanation)));
        return [NL.signed(voice.reduce((sum, p) => sum + p.points, 0)), ...(why.children.length ? [why] : [])];
      })),
      row("Opname", (a) => recordingPlayer(a.id, "attempt-audio", `Poging ${a.attempt} afspelen`)),
      row("Punten", (a) => done(a, () => NL.signed(a.score.total))),
      row("De klant", (a) => done(a, () => angerText(a.result.reaction))),
    );
    if (owner && attempts.some((a) => a.current_line)) {
      body.append(row("Welke telt?", (a) => {
        if (a.status !== "done") return "";
        if (!a.set_aside) return "Deze poging telt";
        const keep = el("button", "secondary keep-attempt", `Poging ${a.attempt} houden`);
        keep.type = "button";
        keep.dataset.id = a.id;
        keep.addEventListener("click", async () => {
          keep.disabled = true;
          const response = await fetch(`/api/turns/${a.id}/keep`, { method: "POST", headers: csrfHeaders() });
          if (!response.ok) keep.after(el("span", "error", problem(response.status, parseJson(await response.text())).message));
          await onChanged();
        });
        return keep;
      }));
    }
    table.append(el("thead"), body);
    table.querySelector("thead").append(head);
    wrap.append(table);
    return wrap;
  },

  correctionForm(turn, onChanged) {
    const box = el("details", "own-correction");
    box.append(el("summary", "", "Klopt de tekst niet? Verbeter wat je zei"));
    const id = `own-text-${turn.id}`;
    const label = el("label", "", "Wat je echt zei (je stem en de tijden blijven van je opname)");
    label.htmlFor = id;
    const text = el("textarea");
    text.id = id;
    text.rows = 3;
    text.value = turn.result.analysis.corrected_text || turn.result.analysis.transcript.text;
    const submit = el("button", "", "Opnieuw beoordelen");
    submit.type = "button";
    const status = el("p", "", "");
    status.setAttribute("role", "status");
    submit.addEventListener("click", async () => {
      submit.disabled = true;
      status.textContent = "Je antwoord wordt opnieuw beoordeeld…";
      try {
        const response = await fetch(`/api/turns/${turn.id}/own-correction`, {
          method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }), body: JSON.stringify({ text: text.value }),
        });
        const body = parseJson(await response.text());
        if (!response.ok) throw problem(response.status, body);
        await VoiceRecorder.poll(`/api/turns/${turn.id}`, (t) => t.status === "done" || t.status === "error");
        await onChanged();
      } catch (error) {
        status.textContent = error.message;
        status.className = "error";
        submit.disabled = false;
      }
    });
    box.append(label, text, submit, status);
    return box;
  },
};
