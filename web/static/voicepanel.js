// The voice of one reply: the waveform with the flagged stretches (each also a button, so the
// keyboard reaches them) and one chart per measure, smoothed, against the calm-voice limit.
"use strict";

const VoicePanel = (() => {
  const panel = document.getElementById("voice-panel");
  let waveform = null;
  let charts = [];

  function flags(voice) {
    const word = { loudness: "harder", pitch: "hoger", rate: "sneller" };
    const list = voice.rises.map((rise) => ({ start: rise.start, end: rise.end, label: `je stem werd ${word[rise.measure]}` }));
    ["loudness", "pitch", "rate"].forEach((name) => {
      const measure = voice[name];
      if (!measure || !measure.raised) return;
      // one flag per stretch above the limit (merged across pauses), else the measure's own seconds
      const stretches = measure.stretches && measure.stretches.length ? measure.stretches : [measure.seconds];
      stretches.forEach(([start, end]) => list.push({ start, end, label: `${word[name]} dan ${REFERENCE[voice.baseline.source]}` }));
    });
    return list;
  }

  // Moving median over about half a second (the contour has a point every 50 ms), gaps kept.
  function smooth(values, width = 9) {
    return values.map((value, index) => {
      if (value === null) return null;
      const window = values.slice(Math.max(0, index - (width >> 1)), index + (width >> 1) + 1).filter((v) => v !== null).sort((a, b) => a - b);
      return window[window.length >> 1];
    });
  }

  // The verdict is on the reply as a whole (its middle value), so the chart draws that too: a
  // moment above the red line alone does not count (a test session read the chart as contradicting
  // "binnen je rustige bereik").
  function chart(canvas, times, values, limit, whole, title, axis) {
    const datasets = [
      { label: title, data: values, borderColor: "#1f6f8b", pointRadius: 0, spanGaps: false, borderWidth: 2 },
      { label: "grens", data: times.map(() => limit), borderColor: "#b03a2e", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
    ];
    if (whole !== null) {
      datasets.push({ label: "je antwoord als geheel", data: times.map(() => whole), borderColor: "#4a4a4a", borderDash: [2, 3], pointRadius: 0, borderWidth: 2 });
    }
    return new Chart(canvas, {
      type: "line",
      data: { labels: times.map((t) => NL.number(t)), datasets },
      options: {
        animation: false, maintainAspectRatio: false, locale: "nl-NL",
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { title: { display: true, text: "seconden in je antwoord" }, ticks: { maxTicksLimit: 8 } },
          y: { title: { display: true, text: axis } },
        },
      },
    });
  }

  // Without a calibration the voice is held against general values (first reply) or the calmest
  // earlier reply of the conversation, not the trainee's own calm voice.
  function notCalibrated(voice) {
    return voice.baseline.source !== "calibration";
  }

  const REFERENCE = {
    calibration: "je rustige stem",
    earlier_replies: "je rustigste eerdere antwoord",
    population_default: "een gemiddelde rustige stem",
  };

  function showCharts(voice) {
    charts.forEach((c) => c.destroy());
    charts = [];
    document.querySelectorAll("#voice-panel .charts .reference").forEach((span) => {
      span.textContent = REFERENCE[voice.baseline.source];
    });
    const c = voice.contours;
    const loudness = smooth(c.loudness_db.map((v) => (v === null ? null : v - voice.baseline.loudness_db)));
    // pitch as the texts say it: percent above the calm pitch (half-tones are a musician's word)
    const percent = (st) => (st === null ? null : 100 * (2 ** (st / 12) - 1));
    const pitch = smooth(c.pitch_st).map(percent);
    const enough = (values) => values.filter((v) => v !== null).length >= 10;
    const loudLimit = voice.loudness ? voice.loudness.threshold : 3;
    const pitchLimit = percent(voice.pitch ? voice.pitch.threshold : 1.5);
    const loudFigure = document.getElementById("loudness-figure");
    const pitchFigure = document.getElementById("pitch-figure");
    loudFigure.hidden = !enough(loudness);
    pitchFigure.hidden = !enough(pitch);
    document.getElementById("no-chart").hidden = enough(loudness) || enough(pitch);
    if (enough(loudness)) charts.push(chart(document.getElementById("loudness-chart"), c.times, loudness, loudLimit,
      voice.loudness ? voice.loudness.difference : null, "hoe hard je sprak", "decibel harder"));
    if (enough(pitch)) charts.push(chart(document.getElementById("pitch-chart"), c.times, pitch, pitchLimit,
      voice.pitch ? percent(voice.pitch.difference) : null, "hoe hoog je sprak", "procent hoger"));
  }

  function showFlags(voice) {
    const list = document.getElementById("voice-flags");
    const found = flags(voice);
    list.replaceChildren(...found.map((flag) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = `Luister ${NL.seconds(flag.start, flag.end)}: ${flag.label}`;
      button.addEventListener("click", () => { if (waveform) waveform.play(flag.start, flag.end); });
      item.append(button);
      return item;
    }));
    const noFlags = document.getElementById("no-flags");
    noFlags.hidden = found.length > 0;
    // Far softer than the calm voice is no "rustige bereik" (a whispered reply was told so, a test
    // session): said as it is, with the seeds' "communiceer duidelijk".
    const softer = voice.loudness && voice.loudness.difference <= -2 * voice.loudness.threshold ? -voice.loudness.difference : null;
    noFlags.textContent = {
      calibration: softer === null ? "Je stem bleef in dit antwoord binnen je rustige bereik."
        : `Je sprak niet harder of hoger dan je rustige stem, wel veel zachter: ongeveer ${NL.number(softer)} decibel. `
          + "Spreek zo dat de klant je goed verstaat (3 Reasons Why: communiceer duidelijk).",
      earlier_replies: "Je sprak niet duidelijk harder of hoger dan in je rustigste eerdere antwoord in dit gesprek. Je tempo wordt pas beoordeeld als je rustige stem gemeten is.",
      population_default: "Er viel niets op tegenover een gemiddelde rustige stem. Dat zegt weinig over jouw stem: een harde of hoge stem valt pas goed op, en je tempo wordt pas beoordeeld, als je rustige stem gemeten is.",
    }[voice.baseline.source];
  }

  // Drawn from the reply's outline, not its audio: every opening of a recording is audited, and
  // merely showing a turn (to the trainee or a coach) is no listen. The audio loads on play.
  async function showWaveform(turnId, voice) {
    if (waveform) waveform.destroy();
    waveform = null;
    const shown = turnId;
    panel.dataset.turn = shown;
    const response = await fetch(`/api/turns/${turnId}/waveform`, { headers: { Accept: "application/json" } }).catch(() => null);
    if (!response || !response.ok || panel.dataset.turn !== shown) return;
    const outline = await response.json();
    if (panel.dataset.turn !== shown) return;
    const media = new Audio();
    media.preload = "none";
    media.addEventListener("play", () => pauseOthers(media));
    const regions = WaveSurfer.Regions.create();
    waveform = WaveSurfer.create({
      container: "#waveform", height: 90, waveColor: "#8aa4b8", progressColor: "#1f6f8b",
      media, url: `/api/turns/${turnId}/audio`, peaks: [outline.peaks], duration: outline.duration, plugins: [regions],
    });
    waveform.on("decode", () => {
      flags(voice).forEach((flag) => {
        regions.addRegion({ start: flag.start, end: flag.end, content: flag.label, color: "rgba(214, 69, 65, 0.25)", drag: false, resize: false });
      });
    });
    regions.on("region-clicked", (region, event) => { event.stopPropagation(); region.play(); });
  }

  // An overdriven recording is still judged; the trainee is told why the loudness may read low.
  function showWarnings(warnings) {
    const list = document.getElementById("audio-warnings");
    list.replaceChildren(...warnings.map((warning) => {
      const item = document.createElement("li");
      item.textContent = warning.message;
      return item;
    }));
    list.hidden = warnings.length === 0;
  }

  document.getElementById("play-reply").addEventListener("click", () => { if (waveform) waveform.playPause(); });

  return {
    pauseUnless(playing) {
      if (waveform && waveform.getMediaElement() !== playing) waveform.pause();
    },
    show(block, turn) {
      const voice = turn.result.analysis.voice;
      block.append(panel);
      panel.hidden = false;
      document.getElementById("voice-turn").textContent = turn.number;
      document.getElementById("calibrate-hint").hidden = !notCalibrated(voice);
      const reference = document.querySelector("#calibrate-hint .reference");  // the trainee's own hint only
      if (reference) reference.textContent = REFERENCE[voice.baseline.source];
      showWarnings(turn.result.analysis.audio.warnings || []);
      showWaveform(turn.id, voice);
      showFlags(voice);
      showCharts(voice);
    },
  };
})();
