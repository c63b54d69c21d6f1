// Microphone recording with a live level meter and a timer (MediaRecorder, WebM/Opus), the chosen
// microphone, Dutch messages when there is none or it is not allowed, and upload with progress.
"use strict";

// State-changing requests carry the session's CSRF token (from the page's meta tag).
function csrfHeaders(extra = {}) {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? { ...extra, "X-CSRF-Token": meta.content } : extra;
}

const MICROPHONE_KEY = "voicecoach.microphone";

const VoiceRecorder = {
  // Records until stop() or `maxSeconds` (then `onLimit`), calling `onTick(seconds)` for the timer.
  // getUserMedia's failures come back as { message } in Dutch (microphoneProblem).
  // With `streamPath` the recorder's chunks also go to the server as they are made (stream.js); the
  // recording starts once the stream is open, or without the stream when it cannot open.
  // `onCue`: the stream's live cues (stream.js).
  async start(meter, { onTick = () => {}, maxSeconds = Infinity, onLimit = () => {}, streamPath = null, onCue = () => {} } = {}) {
    const stream = await VoiceRecorder.open();
    const live = streamPath && typeof VoiceStream !== "undefined" ? await VoiceStream.open(streamPath, onCue).catch(() => null) : null;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const chunks = [];
    const recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus" });
    recorder.ondataavailable = (event) => {
      chunks.push(event.data);
      if (live) live.send(event.data);
    };
    let running = true;
    const draw = () => {
      if (!running) return;
      analyser.getFloatTimeDomainData(samples);
      meter.value = Math.min(1, Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length) * 4);
      requestAnimationFrame(draw);
    };
    const started = performance.now();
    // Stop half a second before the server's limit: the container adds a little to the length.
    const timer = setInterval(() => {
      const seconds = (performance.now() - started) / 1000;
      onTick(seconds);
      if (seconds >= maxSeconds - 0.5) { clearInterval(timer); onLimit(); }
    }, 250);
    recorder.start(250);
    draw();
    return {
      stop: () => new Promise((resolve) => {
        clearInterval(timer);
        recorder.onstop = () => {
          running = false;
          meter.value = 0;
          stream.getTracks().forEach((track) => track.stop());
          context.close();
          resolve(Object.assign(new Blob(chunks, { type: "audio/webm" }), { live }));
        };
        recorder.stop();
      }),
    };
  },

  // The chosen microphone (remembered in this browser), or the default when it is gone.
  async open() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw microphoneProblem({ name: "NotSupportedError" });
    // No automatic gain or noise suppression: VoiceCoach measures how loud you really speak.
    const audio = { autoGainControl: false, noiseSuppression: false, echoCancellation: false };
    const chosen = localStorage.getItem(MICROPHONE_KEY);
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: chosen ? { ...audio, deviceId: { exact: chosen } } : audio });
    } catch (error) {
      if (!chosen || !["OverconstrainedError", "NotFoundError"].includes(error.name)) throw microphoneProblem(error);
      localStorage.removeItem(MICROPHONE_KEY);  // the remembered microphone was unplugged
      try { return await navigator.mediaDevices.getUserMedia({ audio }); } catch (again) { throw microphoneProblem(again); }
    }
  },

  // Fill a <select> with the microphones; names are only known once the browser has allowed one.
  async fillChooser(select) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput" && d.deviceId !== "default");
    const chosen = localStorage.getItem(MICROPHONE_KEY) || "";
    const options = [new Option("Standaardmicrofoon van je computer", "")];
    inputs.forEach((device, index) => { if (device.deviceId) options.push(new Option(device.label || `Microfoon ${index + 1}`, device.deviceId)); });
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === chosen) ? chosen : "";
  },

  choose(deviceId) {
    if (deviceId) localStorage.setItem(MICROPHONE_KEY, deviceId);
    else localStorage.removeItem(MICROPHONE_KEY);
  },

  // A reply's address names the customer line it answers (`turn`, the "Beurt n" shown: the server
  // stores it only while that line awaits a reply) and how much of the line was still to play when
  // the recording started (`lineLeft`, README "Laat de klant uitpraten").
  // `reply`: the recording's own id (newReplyId), sent with every try to store it: when an answer is
  // lost on the way back, the server answers the next try with the turn it made (api/reply_id.py).
  replyUrl(url, turn, lineLeft, reply) {
    return `${url}?turn=${turn}${lineLeft > 0 ? `&line_left=${lineLeft.toFixed(2)}` : ""}${reply ? `&reply=${reply}` : ""}`;
  },

  // A random UUID (version 4) for one recording; crypto.randomUUID only exists on https and localhost.
  newReplyId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },

  // Logged out meanwhile: the message says how to go on; logged in again (in another tab): the
  // page's security code was the old login's, so it is fetched anew and the upload sent once more.
  async upload(url, blob, progress) {
    if (blob.live) return VoiceStream.finishOrUpload(blob, () => this.upload(url, blob, progress));
    try {
      return await this.post(url, blob, progress);
    } catch (error) {
      if (error.code === "login_required") throw { ...error, message: LOGGED_OUT };
      if (error.code !== "csrf" || !(await renewCsrf())) throw error;
      return this.post(url, blob, progress);
    }
  },

  post(url, blob, progress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("Content-Type", blob.type || "application/octet-stream");
      Object.entries(csrfHeaders()).forEach(([name, value]) => request.setRequestHeader(name, value));
      if (progress) {
        progress.hidden = false;
        request.upload.onprogress = (event) => { if (event.lengthComputable) progress.value = event.loaded / event.total; };
      }
      request.onload = () => {
        const body = parseJson(request.responseText);
        if (request.status < 300 && body) resolve(body);
        else reject(problem(request.status, body));
      };
      request.onerror = () => reject({ message: "De verbinding viel weg tijdens het versturen. Je opname is er nog: probeer het opnieuw." });
      request.ontimeout = request.onerror;
      request.send(blob);
    });
  },

  // Ask `url` until `isDone(body)`, for at most `limitMs`; then a Dutch message (the recording is kept).
  // The server holds each answer up to `holdS` seconds while the analysis runs (`?wait=`), so the
  // result shows the moment it is there; a failed ask is repeated less and less often.
  async poll(url, isDone, { holdS = 20, limitMs = ANALYSIS_LIMIT_MS } = {}) {
    const deadline = Date.now() + limitMs;
    let pause = 250;
    while (Date.now() < deadline) {
      const hold = Math.max(0, Math.min(holdS, Math.floor((deadline - Date.now()) / 1000)));
      const asked = Date.now();
      try {
        const response = await fetch(`${url}${url.includes("?") ? "&" : "?"}wait=${hold}`);
        const body = parseJson(await response.text());
        if (response.ok && body && isDone(body)) return body;
        if (!response.ok && response.status !== 503) throw problem(response.status, body);
        const held = response.ok && Date.now() - asked >= 1000 * Math.min(hold, 1);
        pause = held ? 250 : Math.min(pause * 1.5, 3000);  // not held (an answer at once): ask less often
      } catch (error) {
        if (error.message && error.status) throw error;  // a real answer (e.g. 404): stop asking
        pause = Math.min(pause * 1.5, 3000);  // no connection: ask again, less often
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    throw { message: "De analyse duurt langer dan verwacht. Je opname is bewaard: kijk zo nog eens, of neem opnieuw op." };
  },
};

// How long a page waits for an analysis, in all (README: at most 3 minutes, then it says so).
const ANALYSIS_LIMIT_MS = 180000;
const LOGGED_OUT = "Je bent niet meer ingelogd. Log opnieuw in (dat opent een nieuw tabblad) en kies dan hier Opnieuw proberen: je opname is er nog.";

// The current login's security code, after a new login in another tab; false when there is none.
async function renewCsrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const response = await fetch("/api/me").catch(() => null);
  if (!meta || !response || !response.ok) return false;
  const token = (parseJson(await response.text()) || {}).csrf_token;
  if (!token || token === meta.content) return false;
  meta.content = token;
  return true;
}

function parseJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

// Why the microphone could not be used, in Dutch, with what to do about it.
function microphoneProblem(error) {
  const messages = {
    NotAllowedError: "VoiceCoach mag je microfoon niet gebruiken. Sta de microfoon toe voor deze website (in de adresbalk of de instellingen van je browser) en klik dan op Opnieuw proberen.",
    SecurityError: "VoiceCoach mag je microfoon niet gebruiken. Sta de microfoon toe voor deze website (in de adresbalk of de instellingen van je browser) en klik dan op Opnieuw proberen.",
    NotFoundError: "Er is geen microfoon gevonden. Sluit een microfoon of headset aan en klik op Opnieuw proberen.",
    NotReadableError: "Je microfoon wordt al door een ander programma gebruikt of reageert niet. Sluit dat programma, of kies een andere microfoon, en klik op Opnieuw proberen.",
    NotSupportedError: "Deze browser kan niet opnemen. Open VoiceCoach in een recente versie van Chrome, Edge of Firefox.",
  };
  return { microphone: true, message: messages[error.name] || "De microfoon kon niet worden gestart. Kies een andere microfoon of klik op Opnieuw proberen." };
}

// A failed answer in Dutch, whatever the server (or a proxy in between) sent back.
function problem(status, body) {
  if (body && body.error && body.error.message) return { ...body.error, status };
  return { status, message: `De server gaf een onverwacht antwoord (code ${status}). Je opname is er nog: probeer het opnieuw.` };
}
