// Coach panel on the conversation page: pick any turn, correct its transcript, add a note,
// overrule a label (the turn is re-scored and the trainee sees the coach's judgement).
"use strict";

const Review = (() => {
  let reviewed = null;
  const post = (url, body) => fetch(url, {
    method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(body),
  }).then(async (response) => {
    const data = await response.json();
    if (!response.ok) throw data.error;
    return data;
  });

  function show(turn, focus = true) {
    reviewed = turn;
    $("review").hidden = false;
    $("review-turn").textContent = turn.number;
    $("review-score").textContent = scoreText(turn.score);
    $("review-score").dataset.total = turn.score.total;
    $("correct-text").value = turn.corrected_text || turn.result.analysis.transcript.text;
    $("history").replaceChildren(...turn.history.map((version) =>
      el("li", "", `“${version.text}” (${NL.points(version.score)}) — vervangen door ${version.author || "coach"}, ${NL.date(version.created_at)}`)));
    $("history-block").hidden = turn.history.length === 0;
    $("overrules").replaceChildren(...turn.overrules.map((o) => {
      const item = el("li", "", `${o.label_name}: ${o.verdict === "onterecht" ? "onterecht herkend" : "gemist"} — ${o.reason} (${o.author || "coach"})`);
      if (String(o.author_id) === root.dataset.me) item.append(" ", withdrawButton(
        "Oordeel intrekken? De beurt krijgt dan weer de score van VoiceCoach.", `/api/overrules/${o.id}`,
        () => `Oordeel ingetrokken; beurt ${turn.number} is opnieuw gescoord: ${$("review-score").textContent}.`,
      ));
      return item;
    }));
    if (focus) $("review-heading").focus();
  }

  // A coach takes back their own note or judgement (asked first; it cannot be undone).
  function withdrawButton(question, url, done) {
    const button = el("button", "secondary withdraw", "Intrekken");
    button.type = "button";
    button.addEventListener("click", () => run(async () => {
      if (!window.confirm(question)) return;
      const response = await fetch(url, { method: "DELETE", headers: csrfHeaders() });
      if (!response.ok) throw problem(response.status, parseJson(await response.text()));
      await load(false);
      $("review-status").textContent = typeof done === "function" ? done() : done;
      $("review-heading").focus();
    }));
    return button;
  }

  // After a reload of the conversation, keep the reviewed turn's panel up to date.
  function refresh(turns) {
    if (reviewed) {
      const again = turns.find((t) => t.id === reviewed.id);
      if (again && again.status === "done") show(again, false);
    } else {
      const done = turns.filter((t) => t.status === "done");
      if (done.length) show(done[done.length - 1], false);
    }
  }

  async function run(action) {
    try {
      await action();
    } catch (error) {
      $("review-status").textContent = error.message;
    }
  }

  $("correct-submit").addEventListener("click", () => run(async () => {
    $("review-status").textContent = "Opnieuw scoren…";
    await post(`/api/turns/${reviewed.id}/transcript`, { text: $("correct-text").value });
    const turn = await VoiceRecorder.poll(`/api/turns/${reviewed.id}`, (t) => t.status === "done" || t.status === "error");
    await load(false);
    $("review-status").textContent = `Nieuwe score: ${scoreText(turn.score)}`;
  }));

  $("note-submit").addEventListener("click", () => run(async () => {
    await post(`${api}/notes`, { text: $("note-text").value, turn_id: reviewed.id });
    $("note-text").value = "";
    $("review-status").textContent = `Notitie bij beurt ${reviewed.number} opgeslagen.`;
    await load(false);
  }));

  $("overrule-submit").addEventListener("click", () => run(async () => {
    await post(`/api/turns/${reviewed.id}/overrules`, {
      label: $("overrule-label").value, verdict: $("overrule-verdict").value, reason: $("overrule-reason").value,
    });
    $("overrule-reason").value = "";
    await load(false);
    $("review-status").textContent = `Oordeel opgeslagen; beurt ${reviewed.number} is opnieuw gescoord: ${$("review-score").textContent}.`;
  }));

  return { show, refresh, withdrawButton };
})();
