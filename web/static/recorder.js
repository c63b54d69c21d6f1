// Microphone recording with a live level meter (MediaRecorder, WebM/Opus), and upload with progress.
"use strict";

// State-changing requests carry the session's CSRF token (from the page's meta tag).
function csrfHeaders(extra = {}) {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? { ...extra, "X-CSRF-Token": meta.content } : extra;
}

const VoiceRecorder = {
  async start(meter, streamPath = null) {
    // No automatic gain or noise suppression: VoiceCoach measures how loud you really speak.
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { autoGainControl: false, noiseSuppression: false, echoCancellation: false },
    });
    // Streaming (stream.js): the reply also goes to the server while it is recorded.
    const live = streamPath && typeof VoiceStream !== "undefined" ? await VoiceStream.open(streamPath, stream).catch(() => null) : null;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const chunks = [];
    const recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus" });
    recorder.ondataavailable = (event) => chunks.push(event.data);
    let running = true;
    const draw = () => {
      if (!running) return;
      analyser.getFloatTimeDomainData(samples);
      meter.value = Math.min(1, Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length) * 4);
      requestAnimationFrame(draw);
    };
    recorder.start(250);
    draw();
    return {
      stop: () => new Promise((resolve) => {
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

  upload(url, blob, progress) {
    if (blob.live) return VoiceStream.finishOrUpload(blob, url, () => this.upload(url, blob, progress));
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
  async poll(url, isDone, { intervalMs = 500, limitMs = 180000 } = {}) {
    const deadline = Date.now() + limitMs;
    let wait = intervalMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(url);
        const body = parseJson(await response.text());
        if (response.ok && body && isDone(body)) return body;
        if (!response.ok && response.status !== 503) throw problem(response.status, body);
      } catch (error) {
        if (error.message && error.status) throw error;  // a real answer (e.g. 404): stop asking
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 1.5, 3000);
    }
    throw { message: "De analyse duurt langer dan verwacht. Je opname is bewaard: kijk zo nog eens, of neem opnieuw op." };
  },
};

function parseJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

// A failed answer in Dutch, whatever the server (or a proxy in between) sent back.
function problem(status, body) {
  if (body && body.error && body.error.message) return { ...body.error, status };
  return { status, message: `De server gaf een onverwacht antwoord (code ${status}). Je opname is er nog: probeer het opnieuw.` };
}
