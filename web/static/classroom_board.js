// The projector board: follows the round live, large type.
"use strict";

(() => {
  const root = Klas.byId("board");
  const $ = Klas.byId;
  let current = null;
  // VoiceCoach as the customer: its voice is played from the projector laptop (the teacher's login may hear it).
  let playing = null;  // the turn whose line is playing
  $("board-speak").addEventListener("click", () => {
    playing = current.turn;
    $("board-audio").src = `/api/conversations/${current.id}/customer-audio?beurt=${current.turn}`;
    $("board-audio").play().catch(() => { $("board-status").textContent = "Het geluid kon niet starten."; });
  });
  // The medewerker's phone may start answering while the line plays: it learns how much is left.
  $("board-audio").addEventListener("playing", () => {
    const audio = $("board-audio");
    const left = Number.isFinite(audio.duration) ? Math.max(0, audio.duration - audio.currentTime) / audio.playbackRate : 0;
    if (left > 0) Klas.post(`/api/rounds/${root.dataset.id}/line-playing`, { turn: playing, seconds_left: left }).catch(() => {});
  });
  Klas.follow(root.dataset.id, (board) => {
    const conversation = board.conversation;
    const closed = board.round.closed;
    root.dataset.updated = String(Date.now());
    // a lesson closed while the board is up: no join code, no customer who still speaks (a test session)
    if (closed) $("board-code").textContent = "afgesloten";
    if (!conversation) {
      $("board-status").textContent = closed ? "De les is afgesloten." : "Wachten tot de docent de rollen kiest…";
      return;
    }
    current = conversation;
    $("board-voice").hidden = closed || conversation.customer_id !== null || conversation.finished;
    $("board-status").textContent = closed ? "De les is afgesloten." : conversation.finished ? "Dit gesprek is klaar." : "";
    $("board-customer").textContent = conversation.customer;
    $("board-line").textContent = conversation.customer_line;
    $("board-anger").textContent = conversation.anger;
    $("board-anger-meter").value = conversation.anger;
    $("board-medewerker").textContent = conversation.medewerker;
    $("board-agreement").textContent = Klas.agreementText(conversation.agreement);
    $("board-labels").replaceChildren(Klas.labelTable(conversation.agreement));
    Klas.drawTurns($("board-turns"), board);
  });
})();
