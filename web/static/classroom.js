// Shared by the classroom pages: requests, the live board stream, and drawing turns and agreement.
"use strict";

const Klas = {
  byId: (id) => document.getElementById(id),

  el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  },

  async post(url, body) {
    const response = await fetch(url, {
      method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(body || {}),
    });
    const data = parseJson(await response.text());
    if (!response.ok) throw problem(response.status, data);
    return data;
  },

  // The board snapshot now, then every change as it happens (server-sent events; the browser
  // reconnects by itself and the server replays what was missed after Last-Event-ID), with the
  // event and the server's clock when it was sent (`sent_at`).
  async follow(roundId, onBoard) {
    const response = await fetch(`/api/rounds/${roundId}`);
    if (response.ok) onBoard(await response.json(), null);
    const source = new EventSource(`/api/rounds/${roundId}/events`);
    const handle = (message) => {
      const data = JSON.parse(message.data);
      onBoard(data.board, data.event, data.sent_at);
    };
    ["joined", "roles", "turn", "mark", "reading", "closed", "line"].forEach((kind) => source.addEventListener(kind, handle));
    return source;
  },

  percent(share) {
    return new Intl.NumberFormat("nl-NL", { style: "percent", maximumFractionDigits: 0 }).format(share);
  },

  agreementText(agreement) {
    const overall = agreement.overall;
    if (!overall.items) return "Nog geen geanalyseerde beurt om te vergelijken.";
    if (!agreement.observers) return "Nog geen observator heeft getikt: er is geen oordeel van de klas om met VoiceCoach te vergelijken.";
    const kappa = overall.kappa === null ? "niet te bepalen (iedereen zei overal hetzelfde)" : NL.number(overall.kappa, 2);
    const heard = overall.heard
      ? `Van de ${overall.heard} punten die de klas of VoiceCoach hoorde, hoorden ze er ${overall.both} allebei. `
      : "De klas en VoiceCoach hoorden geen enkel punt. ";
    return `${heard}Eens, ook over wat niemand hoorde: ${overall.agreed} van de ${overall.items} (${Klas.percent(overall.share)}). ` +
      `Meer eens dan toeval: ${kappa} (1 is helemaal eens, 0 is niet beter dan gokken). Observatoren: ${agreement.observers}.`;
  },

  // Per checklist item where VoiceCoach or the class heard something: how often they agreed.
  labelTable(agreement) {
    const table = Klas.el("table", "agreement-labels");
    table.hidden = !agreement.observers || !agreement.overall.items;  // nothing to compare: no empty header
    const head = Klas.el("tr");
    ["Punt", "Eens", "Meer eens dan toeval"].forEach((title) => { const th = Klas.el("th", "", title); th.scope = "col"; head.append(th); });
    table.append(head);
    Object.entries(agreement.per_label).filter(([, a]) => a.items && (a.agreed < a.items || a.kappa !== null)).forEach(([key, a]) => {
      const row = Klas.el("tr");
      row.dataset.key = key;
      row.append(Klas.el("td", "", a.name), Klas.el("td", "", `${a.agreed} van ${a.items}`),
        Klas.el("td", "", a.kappa === null ? "–" : NL.number(a.kappa, 2)));
      table.append(row);
    });
    return table;
  },

  // The transcript with VoiceCoach's hits marked (start/end are character offsets).
  transcript(turn) {
    const p = Klas.el("p", "transcript");
    if (!turn.transcript) {
      p.textContent = turn.error || (turn.status === "waiting" ? "Nog geen antwoord." : "Het antwoord wordt geanalyseerd…");
      return p;
    }
    const text = turn.transcript;
    let at = 0;
    [...turn.hits].filter((h) => Number.isInteger(h.start)).sort((a, b) => a.start - b.start).forEach((hit) => {
      if (hit.start < at) return;
      p.append(text.slice(at, hit.start));
      const mark = Klas.el("mark", hit.key.startsWith("aanjager") ? "aanjager" : "remmer", text.slice(hit.start, hit.end));
      mark.title = hit.name;
      p.append(mark);
      at = hit.end;
    });
    p.append(text.slice(at));
    return p;
  },

  // Per turn: the customer's line, the reply, and a table of VoiceCoach's labels beside the class's taps.
  turnItem(turn, board) {
    const li = Klas.el("li", "board-turn");
    li.dataset.number = turn.number;
    li.dataset.status = turn.status;
    li.append(Klas.el("h3", "", `Beurt ${turn.number}`));
    li.append(Klas.el("p", "who", `Klant: “${turn.customer_line}”`));
    if (turn.reading && turn.reading.text) li.append(Klas.el("p", "who reading", `Voorgelezen als: “${turn.reading.text}”`));
    li.append(Klas.transcript(turn));
    const names = Object.fromEntries(board.checklist.map((item) => [item.key, item.name]));
    const keys = board.checklist.map((item) => item.key).filter((key) => turn.machine.includes(key) || turn.tally[key]);
    if (keys.length) {
      const table = Klas.el("table", "tally");
      const head = Klas.el("tr");
      ["Punt", "VoiceCoach", "Klas (tikken)"].forEach((title) => { const th = Klas.el("th", "", title); th.scope = "col"; head.append(th); });
      table.append(head);
      keys.forEach((key) => {
        const row = Klas.el("tr");
        row.dataset.key = key;
        row.append(Klas.el("td", "", names[key]), Klas.el("td", "machine", turn.machine.includes(key) ? "ja" : "nee"),
          Klas.el("td", "class-taps", String(turn.tally[key] || 0)));
        table.append(row);
      });
      li.append(table);
    }
    if (turn.notes.length) {
      const ul = Klas.el("ul", "notes");
      turn.notes.forEach((note) => ul.append(Klas.el("li", "", note)));
      li.append(Klas.el("p", "who", "Notities van de observatoren:"), ul);
    }
    return li;
  },

  drawTurns(list, board) {
    const turns = board.conversation ? board.conversation.turns : [];
    list.replaceChildren(...turns.map((turn) => Klas.turnItem(turn, board)));
  },
};
