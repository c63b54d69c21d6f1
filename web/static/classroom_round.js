// A round on a phone or laptop: what you see depends on your role, and follows the board live.
"use strict";

(() => {
  const root = Klas.byId("round");
  const roundId = root.dataset.id;
  const me = Number(root.dataset.me);
  const vocabulary = JSON.parse(root.dataset.vocabulary);
  const $ = Klas.byId;
  let board = null;
  let built = false;

  function buildChecklist(items) {
    if (built) return;
    built = true;
    items.forEach((item) => {
      const button = Klas.el("button", "check secondary");
      button.type = "button";
      button.dataset.key = item.key;
      const count = Klas.el("span", "count", "0");
      count.setAttribute("aria-hidden", "true");  // the name is the item; the status line says what was noted
      button.append(Klas.el("span", "", item.name), count);
      button.addEventListener("click", () => mark({ label: item.key }, button));
      $(`checklist-${item.kind}`).append(button);
    });
  }

  // Observers react to what they just heard: a reply is analysed within a second of Stop and the
  // board moves on, but a tap in the seconds after it (and while the customer's next line plays)
  // is about that reply, not the next one (a test session saw such taps land on the next beurt).
  const AFTER_REPLY_MS = 10_000;
  let answered = null;  // { conversation, turn, until: performance.now() up to which taps go to it }
  function followAnswers(conversation) {
    if (!conversation) return;
    const before = board && board.conversation;
    if (before && before.id === conversation.id && conversation.turn === before.turn + 1) {
      answered = { conversation: conversation.id, turn: before.turn, until: performance.now() + AFTER_REPLY_MS };
    }
  }
  function markTurn() {
    const conversation = board && board.conversation;
    if (!conversation) return null;
    const lineOn = lineEnds && lineEnds.conversation === conversation.id && lineEnds.turn === conversation.turn
      ? lineEnds.at : 0;
    const recent = answered && answered.conversation === conversation.id && answered.turn === conversation.turn - 1
      && performance.now() < Math.max(answered.until, lineOn);
    return recent ? answered.turn : conversation.turn;
  }
  let observes = false;  // this viewer observes the conversation (set by draw)
  // The observer panel and the beurt its taps go to. While taps still go to the reply just given it
  // is looked at again every half second; it stays after the last reply of a finished conversation
  // until the taps would go to a beurt that will never come.
  function showObserving() {
    clearTimeout(showObserving.timer);
    const conversation = board && board.conversation;
    const turn = markTurn();
    const afterReply = turn !== null && turn !== conversation.turn;
    $("observer-panel").hidden = !(observes && conversation && !board.round.closed && (!conversation.finished || afterReply));
    if (turn === null) return;
    $("observe-turn").textContent = turn;
    if (afterReply) showObserving.timer = setTimeout(showObserving, 500);
  }

  async function mark(body, button) {
    const turn = markTurn();
    try {
      const saved = await Klas.post(`/api/rounds/${roundId}/marks`, { ...body, turn });
      if (button) {
        const count = button.querySelector(".count");
        count.textContent = String(Number(count.textContent) + 1);
      }
      $("mark-status").textContent = body.label ? `Genoteerd bij beurt ${saved.turn}.` : `Notitie verstuurd bij beurt ${saved.turn}.`;
      return true;
    } catch (error) {
      $("mark-status").textContent = error.message;
      return false;
    }
  }

  $("mark-send").addEventListener("click", async () => {
    const note = $("mark-note").value.trim();
    if (!note) { $("mark-status").textContent = "Schrijf eerst een korte notitie."; return; }
    if (await mark({ note })) $("mark-note").value = "";
  });

  const STALE = ["turn_pending", "line_answered", "conversation_finished"];  // 409: the line is no longer open

  // One record button: Opnemen → Stop → upload to `url()` (asked when the recording starts); the
  // recording stays for a retry on failure.
  function recorder(buttonId, levelId, statusId, url, done) {
    let session = null;
    let kept = null;
    let target = null;
    const status = $(statusId);
    const send = async () => {
      status.textContent = "Versturen…";
      try {
        await VoiceRecorder.upload(target, kept);
        kept = null;
        status.textContent = done;
      } catch (error) {
        if (STALE.includes(error.code)) {
          // answered meanwhile (another tab, another phone): sending this one again can never work
          kept = null;
          status.textContent = "Op deze klantzin is al geantwoord, of het gesprek is klaar. Dit antwoord is niet bewaard; het bord laat zien wat er nu gebeurt.";
          $(buttonId).textContent = "Opnemen";
          return;
        }
        status.textContent = error.message;
        $(buttonId).textContent = "Opnieuw versturen";
      }
    };
    $(buttonId).addEventListener("click", async () => {
      if (kept && !session) { await send(); return; }
      if (!session) {
        try {
          session = await VoiceRecorder.start($(levelId));
          target = url();
        } catch {
          status.textContent = "De microfoon kon niet starten. Geef de browser toestemming (op een telefoon alleen via https).";
          return;
        }
        $(buttonId).textContent = "Stop";
        status.textContent = "Opnemen…";
        return;
      }
      const current = session;
      session = null;
      $(buttonId).textContent = "Opnemen";
      kept = await current.stop();
      await send();
    });
  }

  // VoiceCoach's voice plays from the board: its "line" event says how much of the line was left,
  // so an answer started while it still plays carries line_left (README "Laat de klant uitpraten").
  let lineEnds = null;  // { conversation, turn, at: performance.now() when the line ends }
  function heardLine(event, sentAt) {
    if (!event || event.kind !== "line") return;
    const line = event.data;
    const left = line.seconds_left - Math.max(0, sentAt - line.at);  // minus the event's way here
    lineEnds = { conversation: line.conversation_id, turn: line.turn, at: performance.now() + left * 1000 };
    if (left <= 0) return;  // replayed after the line had ended
    $("line-playing").hidden = false;
    clearTimeout(heardLine.timer);
    heardLine.timer = setTimeout(() => { $("line-playing").hidden = true; }, left * 1000);
  }
  function answerUrl() {
    const conversation = board.conversation;
    const playing = lineEnds && lineEnds.conversation === conversation.id && lineEnds.turn === conversation.turn;
    const left = playing ? Math.max(0, (lineEnds.at - performance.now()) / 1000) : 0;
    // made once per recording: "Opnieuw versturen" sends the same reply id, so it is stored once
    return VoiceRecorder.replyUrl(`/api/conversations/${conversation.id}/turns`, conversation.turn, left, VoiceRecorder.newReplyId());
  }

  recorder("answer-record", "answer-level", "answer-status", answerUrl,
    "Verstuurd. VoiceCoach analyseert je antwoord; het bord laat het zien.");
  recorder("reading-record", "reading-level", "reading-status",
    () => `/api/rounds/${roundId}/readings`, "Verstuurd. Wacht op het antwoord van de medewerker.");

  // What happens next in the round, said to the teacher by the name of their button.
  function roundStatus(role, conversation) {
    const teacher = role === "teacher" && $("next-roles");
    const button = teacher ? `Kies ${teacher.textContent}` : "";
    if (board.round.closed) {
      return teacher && board.debriefs.length ? "Deze les is afgesloten. De nabespreking per student staat hieronder." : "Deze les is afgesloten.";
    }
    if (!conversation) return teacher ? `${button} om te beginnen.` : "Wacht tot de docent de rollen kiest.";
    if (!conversation.finished) return "";
    const outcome = vocabulary.outcomes[conversation.outcome] || "afgelopen";
    return `Dit gesprek is klaar (${outcome}). ${teacher ? `${button} voor het volgende gesprek.` : "De docent start het volgende."}`;
  }

  // Who has a nabespreking follows the board: a student is listed once they were medewerker, and
  // the list is complete when the lesson closes (it used to be drawn only at page load). Redrawn
  // only when it changed: every tap redraws the board, and a new link would lose the keyboard focus.
  let shownDebriefs = null;
  function drawDebriefs() {
    const debriefs = board.debriefs;
    const list = $("debriefs");
    const shown = JSON.stringify([board.round.closed, debriefs]);
    if (list && shown !== shownDebriefs) {
      shownDebriefs = shown;
      const links = debriefs.map((student) => {
        const link = Klas.el("a", "", student.name);
        link.href = `/klas/ronde/${roundId}/nabespreking/${student.id}`;
        const li = Klas.el("li");
        li.append(link);
        return li;
      });
      list.replaceChildren(...(links.length ? links : [Klas.el("li", "hint",
        board.round.closed ? "Niemand was medewerker: er is geen nabespreking." : "Nog niemand was medewerker.")]));
    }
    if ($("my-debrief")) $("my-debrief").hidden = !debriefs.some((student) => student.id === me);
  }

  // A closed lesson's buttons would only answer "Deze les is afgesloten.": they go, and a keyboard
  // user whose focus was on one of them lands on the nabespreking instead of the top of the page.
  function drawTeacherActions() {
    const buttons = [$("next-roles"), $("close-round")].filter(Boolean);
    const focused = buttons.includes(document.activeElement);
    buttons.forEach((button) => { button.hidden = board.round.closed; });
    if ($("join-panel")) $("join-panel").hidden = board.round.closed;  // no one joins a closed lesson
    if (board.round.closed && focused) ($("debriefs").querySelector("a") || $("debriefs-title")).focus();
  }

  function draw(next) {
    followAnswers(next.conversation);
    board = next;
    const role = board.me ? board.me.role : "none";
    const conversation = board.conversation;
    const mine = board.members.find((m) => m.id === me);
    const myRole = mine ? mine.role : role;
    $("my-role").textContent = vocabulary.round_roles[myRole] || vocabulary.round_roles.none;
    root.dataset.role = myRole;
    if ($("members")) {
      $("members").replaceChildren(...board.members.map((m) => Klas.el("li", "", `${m.name} — ${m.role_name}${m.calibrated ? "" : " (rustige stem nog niet gemeten)"}`)));
      if (board.members.length === 0) $("members").append(Klas.el("li", "", "Nog niemand. Laat de studenten de code invullen."));
    }
    buildChecklist(board.checklist);
    drawDebriefs();
    drawTeacherActions();
    $("round-status").textContent = roundStatus(role, conversation);
    $("play").hidden = !conversation;
    $("turns-panel").hidden = !conversation;
    const open = conversation && !conversation.finished && !board.round.closed;
    $("medewerker-panel").hidden = !(open && conversation.medewerker_id === me);
    $("customer-panel").hidden = !(open && conversation.customer_id === me);
    observes = myRole === "observer" || Boolean(role === "teacher" && conversation && conversation.customer_id !== me);
    showObserving();
    if (!conversation) return;
    $("medewerker-name").textContent = conversation.medewerker;
    $("customer-name").textContent = conversation.customer;
    $("customer-line").textContent = conversation.customer_line;
    $("turn-number").textContent = conversation.finished ? `${conversation.turn - 1}, het laatste woord` : conversation.turn;
    $("phase-title").textContent = conversation.phase_title;
    $("anger").textContent = `${conversation.anger} van 4`;
    $("anger-meter").value = conversation.anger;
    $("play-anger").textContent = conversation.anger;
    // only the medewerker's own conversation: after the roles rotated it linked a classmate's (a 404)
    const own = conversation.medewerker_id === me;
    $("conversation-link").hidden = !own;
    if (own) $("conversation-link").href = `/gesprek/${conversation.id}`;
    Klas.drawTurns($("turns"), board);
  }

  const bind = (id, action) => { if ($(id)) $(id).addEventListener("click", action); };
  bind("next-roles", async () => {
    const button = $("next-roles");
    if (button.disabled) return;  // a double click started two conversations (a test session)
    const running = board && board.conversation && !board.conversation.finished ? board.conversation : null;
    // the running conversation stops for good: asked first (a test session ended one by a click)
    if (running && !window.confirm(`Het gesprek van ${running.medewerker} loopt nog (beurt ${running.turn}). `
      + "Als je het volgende gesprek begint, stopt dit gesprek. Toch beginnen?")) return;
    button.disabled = true;
    // the conversation this page shows: a click after another one started (a second tab, a late
    // double click) starts nothing more
    const after = board && board.conversation ? board.conversation.id : "";
    try { await Klas.post(`/api/rounds/${roundId}/roles`, { after }); } catch (error) { $("round-status").textContent = error.message; }
    finally { button.disabled = false; }
  });
  bind("close-round", async () => {
    // closing cannot be undone: asked first (a test session closed a lesson by one stray click)
    if (!window.confirm("Les afsluiten? Daarna kan niemand meer meedoen en begint er geen nieuw gesprek. De nabesprekingen blijven.")) return;
    try { await Klas.post(`/api/rounds/${roundId}/close`, {}); } catch (error) { $("round-status").textContent = error.message; return; }
    await drawClosed();  // the page's own close: show it now, not only when the live "closed" event arrives
  });

  // Events carry the board without the viewer's own role: keep the one from the first snapshot.
  let meInfo = null;
  async function drawClosed() {
    try {
      const response = await fetch(`/api/rounds/${roundId}`);
      if (response.ok) { const next = await response.json(); meInfo = next.me; draw(next); return; }
    } catch { /* offline for a moment: the live event brings the closed lesson too */ }
    if (board) draw({ ...board, round: { ...board.round, closed: true }, me: meInfo });
  }
  Klas.follow(roundId, (next, event, sentAt) => {
    heardLine(event, sentAt);
    if (next.me) meInfo = next.me;
    draw({ ...next, me: meInfo });
  });
})();
