// Progress plots (chart.js): points per kind of criterion, techniques and accelerators per turn,
// and the voice against the calm baseline, one point per conversation.
"use strict";

(function () {
  // A group: points and accelerators per turn for each trainee.
  const group = document.getElementById("group");
  if (!group || typeof Chart === "undefined") return;
  const trainees = JSON.parse(group.dataset.trainees);
  new Chart(document.getElementById("group-chart"), {
    type: "bar",
    data: {
      labels: trainees.map((t) => t.name),
      datasets: [
        { label: "punten per beurt", data: trainees.map((t) => t.points_per_turn), backgroundColor: "#1f6f8b" },
        { label: "conflictaanjagers per beurt", data: trainees.map((t) => t.aanjagers_per_turn), backgroundColor: "#a3342a" },
      ],
    },
    options: {
      animation: false, maintainAspectRatio: false, locale: "nl-NL",
      plugins: { legend: { position: "bottom" } },
      scales: { x: { title: { display: true, text: "deelnemer" } }, y: { title: { display: true, text: "gemiddeld per beurt" } } },
    },
  });
})();

(function () {
  const root = document.getElementById("progress");
  if (!root || typeof Chart === "undefined") return;
  const data = JSON.parse(root.dataset.progress);
  const words = JSON.parse(root.dataset.vocabulary);
  const conversations = data.conversations;
  if (!conversations.length) return;
  const labels = conversations.map((c) => [NL.date(c.date), c.scenario_title]);
  const colours = ["#1f6f8b", "#a3342a", "#1b6840", "#8e5ea2", "#c77c02"];

  function chart(id, type, datasets, yTitle, stacked) {
    return new Chart(document.getElementById(id), {
      type,
      data: { labels, datasets },
      options: {
        animation: false, maintainAspectRatio: false, locale: "nl-NL",
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked, title: { display: true, text: "gesprek (datum en scenario)" } },
          y: { stacked, title: { display: true, text: yTitle } },
        },
      },
    });
  }

  chart("criteria-chart", "bar", Object.entries(words.criterion_kinds).map(([key, name], i) => ({
    label: name, data: conversations.map((c) => c.criteria[key] || 0), backgroundColor: colours[i % colours.length],
  })), "punten", true);
  chart("labels-chart", "line", [
    { label: "technieken per beurt", data: conversations.map((c) => c.techniques_per_turn), borderColor: colours[2], backgroundColor: colours[2] },
    { label: "conflictaanjagers per beurt", data: conversations.map((c) => c.aanjagers_per_turn), borderColor: colours[1], backgroundColor: colours[1] },
  ], "aantal per beurt", false);
  chart("voice-chart", "line", Object.entries(words.voice_measures).map(([key, name], i) => ({
    label: name, data: conversations.map((c) => c.voice[key]), borderColor: colours[i], backgroundColor: colours[i], spanGaps: true,
  })), "verschil met rustig", false);
})();
